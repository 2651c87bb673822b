//! Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which
//! kubectl asks for on `get`: the columns the real server prints for the common kinds.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::registry::Res;
use super::util::{at, i64_at, name_of, str_at};

/// kubectl's `duration.HumanDuration`.
pub fn human_age(created: Option<&str>) -> String {
    let Some(t) = created.and_then(|c| c.parse::<Timestamp>().ok()) else {
        return "<unknown>".into();
    };
    let secs = (Timestamp::now().as_second() - t.as_second()).max(0);
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86400);
    if secs < 120 {
        format!("{secs}s")
    } else if m < 10 {
        if secs % 60 == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{}s", secs % 60)
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        if h % 24 == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        }
    } else {
        format!("{d}d")
    }
}

fn col(name: &str, ty: &str, priority: u8) -> Value {
    let mut c =
        json!({"name": name, "type": ty, "format": "", "description": name, "priority": priority});
    if name == "Name" {
        c["format"] = json!("name");
    }
    c
}

fn age(o: &Value) -> Value {
    json!(human_age(str_at(o, &["metadata", "creationTimestamp"])))
}

fn pod_cells(p: &Value) -> Vec<Value> {
    let statuses = at(p, &["status", "containerStatuses"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = at(p, &["spec", "containers"])
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let ready = statuses.iter().filter(|s| s["ready"] == true).count();
    let restarts: i64 = statuses
        .iter()
        .map(|s| s["restartCount"].as_i64().unwrap_or(0))
        .sum();
    let mut reason = str_at(p, &["status", "phase"])
        .unwrap_or("Pending")
        .to_string();
    for s in &statuses {
        if let Some(r) = s.pointer("/state/waiting/reason").and_then(Value::as_str) {
            reason = r.to_string();
        } else if let Some(r) = s
            .pointer("/state/terminated/reason")
            .and_then(Value::as_str)
        {
            reason = r.to_string();
        }
    }
    if at(p, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null()) {
        reason = "Terminating".into();
    }
    vec![
        json!(name_of(p)),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts),
        age(p),
        json!(str_at(p, &["status", "podIP"]).unwrap_or("<none>")),
        json!(str_at(p, &["spec", "nodeName"]).unwrap_or("<none>")),
        json!("<none>"),
        json!("<none>"),
    ]
}

fn columns(res: &Res) -> Vec<Value> {
    match res.plural {
        "pods" => vec![
            col("Name", "string", 0),
            col("Ready", "string", 0),
            col("Status", "string", 0),
            col("Restarts", "string", 0),
            col("Age", "string", 0),
            col("IP", "string", 1),
            col("Node", "string", 1),
            col("Nominated Node", "string", 1),
            col("Readiness Gates", "string", 1),
        ],
        "deployments" => vec![
            col("Name", "string", 0),
            col("Ready", "string", 0),
            col("Up-to-date", "integer", 0),
            col("Available", "integer", 0),
            col("Age", "string", 0),
        ],
        "replicasets" => vec![
            col("Name", "string", 0),
            col("Desired", "integer", 0),
            col("Current", "integer", 0),
            col("Ready", "integer", 0),
            col("Age", "string", 0),
        ],
        "daemonsets" => vec![
            col("Name", "string", 0),
            col("Desired", "integer", 0),
            col("Current", "integer", 0),
            col("Ready", "integer", 0),
            col("Up-to-date", "integer", 0),
            col("Available", "integer", 0),
            col("Node Selector", "string", 0),
            col("Age", "string", 0),
        ],
        "services" => vec![
            col("Name", "string", 0),
            col("Type", "string", 0),
            col("Cluster-IP", "string", 0),
            col("External-IP", "string", 0),
            col("Port(s)", "string", 0),
            col("Age", "string", 0),
        ],
        "nodes" => vec![
            col("Name", "string", 0),
            col("Status", "string", 0),
            col("Roles", "string", 0),
            col("Age", "string", 0),
            col("Version", "string", 0),
        ],
        "namespaces" => vec![
            col("Name", "string", 0),
            col("Status", "string", 0),
            col("Age", "string", 0),
        ],
        "events" => vec![
            col("Last Seen", "string", 0),
            col("Type", "string", 0),
            col("Reason", "string", 0),
            col("Object", "string", 0),
            col("Message", "string", 0),
        ],
        "configmaps" | "secrets" => vec![
            col("Name", "string", 0),
            col("Data", "string", 0),
            col("Age", "string", 0),
        ],
        _ => vec![col("Name", "string", 0), col("Age", "string", 0)],
    }
}

fn cells(res: &Res, o: &Value) -> Vec<Value> {
    let n = |path: &[&str]| json!(i64_at(o, path).unwrap_or(0));
    match res.plural {
        "pods" => pod_cells(o),
        "deployments" => vec![
            json!(name_of(o)),
            json!(format!(
                "{}/{}",
                i64_at(o, &["status", "readyReplicas"]).unwrap_or(0),
                i64_at(o, &["spec", "replicas"]).unwrap_or(0)
            )),
            n(&["status", "updatedReplicas"]),
            n(&["status", "availableReplicas"]),
            age(o),
        ],
        "replicasets" => vec![
            json!(name_of(o)),
            n(&["spec", "replicas"]),
            n(&["status", "replicas"]),
            n(&["status", "readyReplicas"]),
            age(o),
        ],
        "daemonsets" => vec![
            json!(name_of(o)),
            n(&["status", "desiredNumberScheduled"]),
            n(&["status", "currentNumberScheduled"]),
            n(&["status", "numberReady"]),
            n(&["status", "updatedNumberScheduled"]),
            n(&["status", "numberAvailable"]),
            json!(
                o.pointer("/spec/template/spec/nodeSelector")
                    .and_then(Value::as_object)
                    .map(|m| m
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(","))
                    .filter(|s| !s.is_empty())
                    .unwrap_or("<none>".into())
            ),
            age(o),
        ],
        "services" => {
            let ports: Vec<String> = o
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
                .collect();
            vec![
                json!(name_of(o)),
                json!(str_at(o, &["spec", "type"]).unwrap_or("ClusterIP")),
                json!(str_at(o, &["spec", "clusterIP"]).unwrap_or("<none>")),
                json!("<none>"),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
                age(o),
            ]
        }
        "nodes" => {
            let ready = o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                });
            vec![
                json!(name_of(o)),
                json!(if ready { "Ready" } else { "NotReady" }),
                json!("<none>"),
                age(o),
                json!(str_at(o, &["status", "nodeInfo", "kubeletVersion"]).unwrap_or("")),
            ]
        }
        "namespaces" => vec![
            json!(name_of(o)),
            json!(str_at(o, &["status", "phase"]).unwrap_or("Active")),
            age(o),
        ],
        "events" => vec![
            json!(human_age(
                str_at(o, &["lastTimestamp"]).or(str_at(o, &["eventTime"]))
            )),
            json!(o["type"]),
            json!(o["reason"]),
            json!(format!(
                "{}/{}",
                str_at(o, &["involvedObject", "kind"])
                    .unwrap_or("")
                    .to_lowercase(),
                str_at(o, &["involvedObject", "name"]).unwrap_or("")
            )),
            json!(o["message"]),
        ],
        "configmaps" | "secrets" => {
            let count = ["data", "binaryData"]
                .iter()
                .map(|k| o[*k].as_object().map_or(0, |m| m.len()))
                .sum::<usize>();
            vec![json!(name_of(o)), json!(count), age(o)]
        }
        _ => vec![json!(name_of(o)), age(o)],
    }
}

fn row(res: &Res, o: &Value, include: &str) -> Value {
    let mut r = json!({"cells": cells(res, o)});
    match include {
        "None" => {}
        "Object" => r["object"] = o.clone(),
        _ => {
            r["object"] = json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": o["metadata"],
            })
        }
    }
    r
}

/// A Table for one object (`get`) or a list (`list`, items without kind).
pub fn table(res: &Res, body: &Value, include: &str) -> Value {
    let (items, meta) = match body.get("items").and_then(Value::as_array) {
        Some(items) => (items.clone(), body["metadata"].clone()),
        None => (
            vec![body.clone()],
            json!({"resourceVersion": body.pointer("/metadata/resourceVersion")}),
        ),
    };
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": columns(res),
        "rows": items.iter().map(|o| row(res, o, include)).collect::<Vec<_>>(),
    })
}
