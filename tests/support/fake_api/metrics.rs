//! `metrics.k8s.io/v1beta1` as metrics-server serves it (only when the builder enables it:
//! many real clusters, kind included, have no metrics-server).

use serde_json::{Value, json};

use super::registry::Res;
use super::selectors::LabelSelector;
use super::status::ApiError;
use super::store::State;
use super::util::{fnv32a, labels_of, name_of, now_rfc3339, ns_of};

pub const GROUP: &str = "metrics.k8s.io";

pub fn group_doc() -> Value {
    json!({
        "name": GROUP,
        "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}],
        "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}
    })
}

pub fn resource_list() -> Value {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "metrics.k8s.io/v1beta1",
        "resources": [
            {"name": "nodes", "singularName": "", "namespaced": false, "kind": "NodeMetrics", "verbs": ["get", "list"]},
            {"name": "pods", "singularName": "", "namespaced": true, "kind": "PodMetrics", "verbs": ["get", "list"]},
        ]
    })
}

/// How the authorizer and error messages name the two resources.
pub static PODS: Res = Res {
    group: GROUP,
    version: "v1beta1",
    plural: "pods",
    singular: "",
    kind: "PodMetrics",
    namespaced: true,
    short: &[],
    categories: &[],
    subresources: &[],
};

pub static NODES: Res = Res {
    group: GROUP,
    version: "v1beta1",
    plural: "nodes",
    singular: "",
    kind: "NodeMetrics",
    namespaced: false,
    short: &[],
    categories: &[],
    subresources: &[],
};

/// Usage of one container: what a test set, or a stable made-up value.
pub fn usage(st: &State, ns: &str, pod: &str, container: &str) -> (String, String) {
    if let Some((cpu, mem)) =
        st.metrics
            .get(&(ns.to_string(), pod.to_string(), container.to_string()))
    {
        return (cpu.clone(), mem.clone());
    }
    let h = fnv32a(format!("{ns}/{pod}/{container}").as_bytes()) as u64;
    (
        format!("{}n", 1_000_000 + h % 9_000_000),
        format!("{}Ki", 8_000 + h % 40_000),
    )
}

fn pod_metrics(st: &State, p: &Value) -> Option<Value> {
    let running = p
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)?
        .iter()
        .filter(|s| s.pointer("/state/running").is_some())
        .filter_map(|s| s["name"].as_str())
        .collect::<Vec<_>>();
    if running.is_empty() {
        return None;
    }
    let (ns, name) = (ns_of(p), name_of(p));
    let containers: Vec<Value> = running
        .iter()
        .map(|c| {
            let (cpu, mem) = usage(st, ns, name, c);
            json!({"name": c, "usage": {"cpu": cpu, "memory": mem}})
        })
        .collect();
    Some(json!({
        "kind": "PodMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": now_rfc3339(), "labels": labels_of(p)},
        "timestamp": now_rfc3339(),
        "window": "10.123s",
        "containers": containers,
    }))
}

fn quantity_numbers(cpu: &str, mem: &str) -> (u64, u64) {
    let cpu = super::validate::parse_quantity(cpu).unwrap_or(0.0);
    let mem = super::validate::parse_quantity(mem).unwrap_or(0.0);
    ((cpu * 1e9).round() as u64, mem.round() as u64)
}

/// A node's usage in nanocores and bytes: what a test set with `set_node_metrics`, or the
/// system's share plus the running containers of the pods bound to it.
pub fn node_usage(st: &State, node: &str) -> (u64, u64) {
    if let Some((cpu, mem)) = st.node_metrics.get(node) {
        return quantity_numbers(cpu, mem);
    }
    let (mut cpu, mut mem) = (150_000_000u64, 1_500_000u64 * 1024);
    for p in st.list("pods", None) {
        if p.pointer("/spec/nodeName").and_then(Value::as_str) != Some(node) {
            continue;
        }
        for s in p
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|s| s.pointer("/state/running").is_some())
        {
            let (c, m) = usage(st, ns_of(p), name_of(p), s["name"].as_str().unwrap_or(""));
            let (c, m) = quantity_numbers(&c, &m);
            cpu += c;
            mem += m;
        }
    }
    (cpu, mem)
}

fn node_metrics(st: &State, n: &Value) -> Value {
    let name = name_of(n);
    let (cpu, mem) = node_usage(st, name);
    json!({
        "kind": "NodeMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": name, "creationTimestamp": now_rfc3339(), "labels": labels_of(n)},
        "timestamp": now_rfc3339(),
        "window": "20.05s",
        "usage": {"cpu": format!("{cpu}n"), "memory": format!("{}Ki", mem / 1024)},
    })
}

/// GET on `/apis/metrics.k8s.io/v1beta1/...`: `plural` pods or nodes.
pub fn get(
    st: &State,
    plural: &str,
    ns: Option<&str>,
    name: Option<&str>,
    label_selector: &str,
) -> Result<Value, ApiError> {
    let sel = LabelSelector::parse(label_selector)?;
    let not_found = |n: &str| {
        ApiError::new(
            404,
            "NotFound",
            format!("{plural}.metrics.k8s.io {n:?} not found"),
        )
        .with_details(json!({"name": n, "group": GROUP, "kind": plural}))
    };
    match plural {
        "pods" => {
            if let Some(n) = name {
                let p = st
                    .get("pods", ns.unwrap_or(""), n)
                    .ok_or_else(|| not_found(n))?;
                return pod_metrics(st, p).ok_or_else(|| not_found(n));
            }
            let items: Vec<Value> = st
                .list("pods", ns)
                .into_iter()
                .filter(|p| sel.matches_object(p))
                .filter_map(|p| pod_metrics(st, p))
                .collect();
            Ok(
                json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
            )
        }
        "nodes" => {
            if let Some(n) = name {
                let node = st.get("nodes", "", n).ok_or_else(|| not_found(n))?;
                return Ok(node_metrics(st, node));
            }
            let items: Vec<Value> = st
                .list("nodes", None)
                .into_iter()
                .filter(|n| sel.matches_object(n))
                .map(|n| node_metrics(st, n))
                .collect();
            Ok(
                json!({"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
            )
        }
        _ => Err(ApiError::path_not_found()),
    }
}
