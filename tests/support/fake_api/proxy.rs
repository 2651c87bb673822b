//! The API server's proxy subresources: `nodes/{node}/proxy/...` reaches the kubelet (the
//! Summary API at `stats/summary`), `pods/{name[:port]}/proxy/...` reaches a port of the pod
//! (what tests registered with `serve_pod_http`). Errors are the real ones: the pod address
//! check (400 `address not allowed`) and the proxy transport's 503
//! `error trying to reach service: …` when nothing answers.

use hyper::Response;
use serde_json::{Value, json};

use super::authz::{self, Attrs};
use super::http::{Body, Shared, error_response, full, json_response, lock, text_response};
use super::registry;
use super::status::ApiError;
use super::store::State;
use super::util::{name_of, ns_of, uid_of};

/// A test-registered HTTP endpoint of pods (`serve_pod_http`).
#[derive(Debug, Clone)]
pub struct PodHttp {
    pub ns: String,
    pub pod_prefix: String,
    pub port: u16,
    pub path: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

fn verb_of(method: &str) -> &'static str {
    match method {
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "get",
    }
}

fn unreachable_err(detail: &str) -> ApiError {
    ApiError::new(
        503,
        "ServiceUnavailable",
        format!("error trying to reach service: {detail}"),
    )
}

fn not_found_page() -> Response<Body> {
    text_response(404, "404 page not found\n")
}

fn deny(
    st: &State,
    res: &'static registry::Res,
    ns: Option<&str>,
    name: &str,
    verb: &str,
) -> Option<ApiError> {
    let attrs = Attrs {
        verb,
        group: "",
        resource: res.plural,
        subresource: Some("proxy"),
        namespace: ns,
    };
    (!authz::allowed(st, &attrs))
        .then(|| ApiError::forbidden(res, Some("proxy"), verb, ns, Some(name), &st.cfg.user))
}

fn node_ready(n: &Value) -> bool {
    n.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

fn internal_ip(n: &Value) -> String {
    n.pointer("/status/addresses")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|x| x["type"] == "InternalIP"))
        .and_then(|x| x["address"].as_str())
        .unwrap_or("")
        .to_string()
}

pub fn node_proxy(shared: &Shared, method: &str, node: &str, path: &str) -> Response<Body> {
    let st = lock(shared);
    let res = registry::by_name("nodes").expect("nodes");
    if let Some(e) = deny(&st, res, None, node, verb_of(method)) {
        return error_response(&e);
    }
    let Some(n) = st.get("nodes", "", node) else {
        return error_response(&ApiError::not_found(res, node));
    };
    if !node_ready(n) {
        return error_response(&unreachable_err(&format!(
            "dial tcp {}:10250: connect: no route to host",
            internal_ip(n)
        )));
    }
    match (method, path.trim_end_matches('/')) {
        ("GET", "/stats/summary") => json_response(200, &summary(&st, n)),
        ("GET", "/healthz") => text_response(200, "ok"),
        ("GET", _) => not_found_page(),
        _ => text_response(405, "405 method not allowed\n"),
    }
}

/// CPU in nanocores and memory in bytes of one container, as metrics-server reports it.
fn usage_numbers(st: &State, ns: &str, pod: &str, container: &str) -> (u64, u64) {
    let (cpu, mem) = super::metrics::usage(st, ns, pod, container);
    let cpu = super::validate::parse_quantity(&cpu).unwrap_or(0.0);
    let mem = super::validate::parse_quantity(&mem).unwrap_or(0.0);
    ((cpu * 1e9).round() as u64, mem.round() as u64)
}

fn cpu_stats(now: &str, nanocores: u64) -> Value {
    json!({"time": now, "usageNanoCores": nanocores, "usageCoreNanoSeconds": nanocores.saturating_mul(3_600)})
}

fn memory_stats(now: &str, working_set: u64) -> Value {
    json!({
        "time": now,
        "usageBytes": working_set + working_set / 8,
        "workingSetBytes": working_set,
        "rssBytes": working_set * 3 / 4,
        "pageFaults": 12_345,
        "majorPageFaults": 12,
    })
}

/// The kubelet's Summary API (`/stats/summary`) for one node: the pods bound to it with
/// running containers, their usage from `set_pod_metrics` (or the made-up stable values
/// metrics.k8s.io serves), and the node's totals.
fn summary(st: &State, node: &Value) -> Value {
    let now = super::util::now_rfc3339();
    let node_name = name_of(node);
    let mut pods = Vec::new();
    for p in st.list("pods", None) {
        if p.pointer("/spec/nodeName").and_then(Value::as_str) != Some(node_name) {
            continue;
        }
        let running: Vec<&Value> = p
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|s| s.pointer("/state/running").is_some())
            .collect();
        if running.is_empty() {
            continue;
        }
        let (ns, name) = (ns_of(p), name_of(p));
        let (mut pod_cpu, mut pod_mem) = (0u64, 0u64);
        let containers: Vec<Value> = running
            .iter()
            .map(|s| {
                let c = s["name"].as_str().unwrap_or("");
                let (cpu, mem) = usage_numbers(st, ns, name, c);
                pod_cpu += cpu;
                pod_mem += mem;
                json!({
                    "name": c,
                    "startTime": s.pointer("/state/running/startedAt").cloned().unwrap_or(json!(now)),
                    "cpu": cpu_stats(&now, cpu),
                    "memory": memory_stats(&now, mem),
                    "rootfs": {"time": now, "availableBytes": 80_000_000_000u64, "capacityBytes": 105_089_261_568u64, "usedBytes": 45_056, "inodesFree": 6_000_000, "inodes": 6_553_600, "inodesUsed": 12},
                    "logs": {"time": now, "availableBytes": 80_000_000_000u64, "capacityBytes": 105_089_261_568u64, "usedBytes": 8_192, "inodesFree": 6_000_000, "inodes": 6_553_600, "inodesUsed": 1},
                })
            })
            .collect();
        pods.push(json!({
            "podRef": {"name": name, "namespace": ns, "uid": uid_of(p)},
            "startTime": p.pointer("/status/startTime").cloned().unwrap_or(json!(now)),
            "containers": containers,
            "cpu": cpu_stats(&now, pod_cpu),
            "memory": memory_stats(&now, pod_mem),
            "network": {"time": now, "name": "eth0", "rxBytes": 1_048_576, "rxErrors": 0, "txBytes": 524_288, "txErrors": 0},
            "volume": [],
            "ephemeral-storage": {"time": now, "availableBytes": 80_000_000_000u64, "capacityBytes": 105_089_261_568u64, "usedBytes": 53_248, "inodesFree": 6_000_000, "inodes": 6_553_600, "inodesUsed": 13},
            "process_stats": {"process_count": running.len()},
        }));
    }
    let (total_cpu, total_mem) = super::metrics::node_usage(st, node_name);
    json!({
        "node": {
            "nodeName": node_name,
            "systemContainers": [
                {"name": "kubelet", "startTime": node.pointer("/metadata/creationTimestamp"), "cpu": cpu_stats(&now, 25_000_000), "memory": memory_stats(&now, 60 * 1024 * 1024)},
                {"name": "runtime", "startTime": node.pointer("/metadata/creationTimestamp"), "cpu": cpu_stats(&now, 15_000_000), "memory": memory_stats(&now, 45 * 1024 * 1024)},
            ],
            "startTime": node.pointer("/metadata/creationTimestamp"),
            "cpu": cpu_stats(&now, total_cpu),
            "memory": {
                "time": now,
                "availableBytes": 8_238_751_744u64.saturating_sub(total_mem),
                "usageBytes": total_mem + total_mem / 8,
                "workingSetBytes": total_mem,
                "rssBytes": total_mem * 3 / 4,
                "pageFaults": 123_456,
                "majorPageFaults": 123,
            },
            "network": {"time": now, "name": "eth0", "rxBytes": 104_857_600, "rxErrors": 0, "txBytes": 52_428_800, "txErrors": 0},
            "fs": {"time": now, "availableBytes": 80_000_000_000u64, "capacityBytes": 105_089_261_568u64, "usedBytes": 25_089_261_568u64, "inodesFree": 6_000_000, "inodes": 6_553_600, "inodesUsed": 553_600},
            "runtime": {"imageFs": {"time": now, "availableBytes": 80_000_000_000u64, "capacityBytes": 105_089_261_568u64, "usedBytes": 2_147_483_648u64, "inodesFree": 6_000_000, "inodes": 6_553_600, "inodesUsed": 553_600}},
            "rlimit": {"time": now, "maxpid": 4_194_304, "curproc": 400 + pods.len() * 4},
        },
        "pods": pods,
    })
}

/// `utilnet.SplitSchemeNamePort`: `name`, `name:port` or `scheme:name:port`.
fn split_scheme_name_port(id: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = id.split(':').collect();
    let (scheme, name, port) = match parts.as_slice() {
        [n] => ("", *n, ""),
        [n, p] => ("", *n, *p),
        [s, n, p] => (*s, *n, *p),
        _ => return None,
    };
    (!name.is_empty() && ["", "http", "https"].contains(&scheme)).then_some((scheme, name, port))
}

/// The port as Go's HTTP transport reads it from `host:port`: only digits are a port.
/// Anything else (a container port name: the pod proxy does not resolve those) stays part of
/// the host name, which then fails to resolve.
fn dial_port(ip: &str, port: &str) -> Result<u16, String> {
    match port.parse::<u16>() {
        Ok(n) if port.chars().all(|c| c.is_ascii_digit()) => Ok(n),
        _ => Err(format!("dial tcp: lookup {ip}:{port}: no such host")),
    }
}

pub fn pod_proxy(shared: &Shared, method: &str, ns: &str, id: &str, path: &str) -> Response<Body> {
    let st = lock(shared);
    let res = registry::by_name("pods").expect("pods");
    if let Some(e) = deny(&st, res, Some(ns), id, verb_of(method)) {
        return error_response(&e);
    }
    let Some((_scheme, name, port)) = split_scheme_name_port(id) else {
        return error_response(&ApiError::bad_request(format!(
            "invalid pod request {id:?}"
        )));
    };
    let Some(pod) = st.get("pods", ns, name) else {
        return error_response(&ApiError::not_found(res, name));
    };
    let mut port = port.to_string();
    if port.is_empty() {
        port = pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|c| c.pointer("/ports/0/containerPort").and_then(Value::as_i64))
            .map(|p| p.to_string())
            .unwrap_or_default();
    }
    let ip = pod
        .pointer("/status/podIPs/0/ip")
        .and_then(Value::as_str)
        .unwrap_or("");
    if ip.parse::<std::net::Ipv4Addr>().is_err() {
        return error_response(&ApiError::bad_request("address not allowed"));
    }
    let number = if port.is_empty() {
        80
    } else {
        match dial_port(ip, &port) {
            Ok(n) => n,
            Err(e) => return error_response(&unreachable_err(&e)),
        }
    };
    let running = !super::util::is_deleting(pod)
        && pod
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .is_some_and(|cs| cs.iter().any(|s| s.pointer("/state/running").is_some()));
    let listeners: Vec<&PodHttp> = st
        .pod_http
        .iter()
        .filter(|h| h.ns == ns && name.starts_with(&h.pod_prefix) && h.port == number)
        .collect();
    if !running || listeners.is_empty() {
        return error_response(&unreachable_err(&format!(
            "dial tcp {ip}:{number}: connect: connection refused"
        )));
    }
    let want = if path.is_empty() { "/" } else { path };
    match listeners.iter().rev().find(|h| h.path == want) {
        Some(h) if method == "GET" || method == "HEAD" => Response::builder()
            .status(h.status)
            .header("content-type", h.content_type.as_str())
            .body(full(h.body.clone()))
            .expect("response"),
        Some(_) => text_response(405, "Method Not Allowed\n"),
        None => not_found_page(),
    }
}

/// The content type a small server would send for `body`.
pub fn guess_content_type(path: &str, body: &str) -> String {
    let t = body.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        "application/json".into()
    } else if path.ends_with("/metrics") {
        "text/plain; version=0.0.4; charset=utf-8".into()
    } else {
        "text/plain; charset=utf-8".into()
    }
}
