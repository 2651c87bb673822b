//! `metrics.k8s.io/v1beta1` as metrics-server serves it (only when the builder enables it:
//! many real clusters, kind included, have no metrics-server).

use serde_json::{Value, json};

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

/// Usage of one container: what a test set, or a stable made-up value.
fn usage(st: &State, ns: &str, pod: &str, container: &str) -> (String, String) {
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

fn node_metrics(st: &State, n: &Value) -> Value {
    let name = name_of(n);
    let pods = st
        .list("pods", None)
        .into_iter()
        .filter(|p| p.pointer("/spec/nodeName").and_then(Value::as_str) == Some(name))
        .count() as u64;
    json!({
        "kind": "NodeMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": name, "creationTimestamp": now_rfc3339(), "labels": labels_of(n)},
        "timestamp": now_rfc3339(),
        "window": "20.05s",
        "usage": {"cpu": format!("{}n", 150_000_000 + pods * 2_000_000), "memory": format!("{}Ki", 1_500_000 + pods * 20_000)},
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
