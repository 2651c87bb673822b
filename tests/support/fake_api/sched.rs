//! Node eligibility shared by the scheduler and the DaemonSet controller: taints and
//! tolerations (`v1helper.TolerationsTolerateTaint`), nodeSelector and required node affinity.

use serde_json::{Value, json};

use super::util::{labels_of, name_of};

/// `Toleration.ToleratesTaint`.
pub fn tolerates(tol: &Value, taint: &Value) -> bool {
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let effect = s(tol, "effect");
    if !effect.is_empty() && effect != s(taint, "effect") {
        return false;
    }
    let key = s(tol, "key");
    if !key.is_empty() && key != s(taint, "key") {
        return false;
    }
    match tol["operator"].as_str().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => s(tol, "value") == s(taint, "value"),
        _ => false,
    }
}

/// The first taint with one of `effects` that no toleration tolerates.
pub fn untolerated<'a>(
    node: &'a Value,
    tolerations: &[Value],
    effects: &[&str],
) -> Option<&'a Value> {
    node.pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| effects.contains(&t["effect"].as_str().unwrap_or("")))
        .find(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
}

pub fn tolerations_of(pod_spec: &Value) -> Vec<Value> {
    pod_spec["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn expr_matches(expr: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = expr["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match expr["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if op == "Gt" { v > bound } else { v < bound }
        }
        _ => false,
    }
}

/// nodeSelector and `requiredDuringSchedulingIgnoredDuringExecution` node affinity (terms
/// are ORed, expressions within a term ANDed; `matchFields` supports `metadata.name`).
pub fn fits_affinity(pod_spec: &Value, node: &Value) -> bool {
    let labels = labels_of(node);
    let label = |k: &str| labels.get(k).and_then(Value::as_str);
    if let Some(sel) = pod_spec["nodeSelector"].as_object()
        && !sel.iter().all(|(k, v)| label(k) == v.as_str())
    {
        return false;
    }
    let Some(terms) = pod_spec
        .pointer("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
        .and_then(Value::as_array)
    else {
        return true;
    };
    terms.iter().any(|t| {
        let exprs = t["matchExpressions"].as_array().into_iter().flatten();
        let fields = t["matchFields"].as_array().into_iter().flatten();
        let mut any = false;
        let ok = exprs
            .inspect(|_| any = true)
            .all(|e| expr_matches(e, label(e["key"].as_str().unwrap_or(""))))
            && fields.inspect(|_| any = true).all(|f| {
                let v = (f["key"] == "metadata.name").then(|| name_of(node));
                expr_matches(f, v)
            });
        ok && any
    })
}

/// `util.AddOrUpdateDaemonPodTolerations`: what the DaemonSet controller adds to its pods.
pub fn add_daemon_tolerations(pod_spec: &mut Value) {
    let mut wanted = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if pod_spec["hostNetwork"].as_bool() == Some(true) {
        wanted.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    let mut tols = tolerations_of(pod_spec);
    for (key, effect) in wanted {
        let t = json!({"key": key, "operator": "Exists", "effect": effect});
        let same = |x: &Value| {
            x["key"] == t["key"]
                && x["effect"] == t["effect"]
                && x["operator"].as_str().unwrap_or("Equal") == "Exists"
        };
        if !tols.iter().any(same) {
            tols.push(t);
        }
    }
    pod_spec["tolerations"] = Value::Array(tols);
}

/// `NodeShouldRunDaemonPod`: (shouldRun, shouldContinueRunning) for a pod spec that already
/// carries the daemon tolerations.
pub fn daemon_should_run(pod_spec: &Value, node: &Value) -> (bool, bool) {
    if !fits_affinity(pod_spec, node) {
        return (false, false);
    }
    let tols = tolerations_of(pod_spec);
    let run = untolerated(node, &tols, &["NoSchedule", "NoExecute"]).is_none();
    let keep = untolerated(node, &tols, &["NoExecute"]).is_none();
    (run, keep)
}
