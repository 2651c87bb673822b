//! The persistent volume controller with a dynamic provisioner, the disruption controller and
//! the horizontal pod autoscaler, in miniature.
//!
//! - A claim naming a StorageClass that exists (or naming none while a default class exists:
//!   the DefaultStorageClass admission plugin fills it in, see `defaults.rs`) gets a volume:
//!   the provisioner creates a PersistentVolume `pvc-<claim uid>` and the claim turns Bound.
//!   Otherwise it stays Pending with the events the real controller writes: `FailedBinding`
//!   ("no persistent volumes available for this claim and no storage class is set") or
//!   `ProvisioningFailed` (`storageclass.storage.k8s.io "x" not found`). A released volume of
//!   a deleted claim is deleted (reclaim policy Delete).
//! - PodDisruptionBudget status: expected, healthy and desired pods, allowed disruptions and
//!   the DisruptionAllowed condition.
//! - HorizontalPodAutoscaler status: current/desired replicas within min/max (scaling the
//!   target up to min), AbleToScale, and ScalingActive False / FailedGetResourceMetric: the fake
//!   has no resource metrics pipeline for the autoscaler (as a cluster without
//!   metrics-server).

use serde_json::{Value, json};

use super::api::{self, WriteCtx, record_event};
use super::registry;
use super::selectors::LabelSelector;
use super::store::State;
use super::util::{is_deleting, name_of, now_rfc3339, ns_of, str_at, uid_of};

/// The provisioner of the fake's StorageClasses.
pub const PROVISIONER: &str = "fake.b00t.dev/hostpath";
/// The annotation marking the default StorageClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

const PV_CONTROLLER: &str = "persistentvolume-controller";

/// The default StorageClass, if one is marked.
pub fn default_class(st: &State) -> Option<String> {
    st.list("storageclasses", None)
        .into_iter()
        .find(|sc| {
            sc.pointer("/metadata/annotations")
                .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
                .and_then(Value::as_str)
                == Some("true")
        })
        .map(|sc| name_of(sc).to_string())
}

/// Bind or explain every Pending claim; delete the volumes of deleted claims.
pub fn claims(st: &mut State) {
    for claim in st.list_cloned("persistentvolumeclaims", None) {
        if is_deleting(&claim) || claim.pointer("/status/phase") == Some(&json!("Bound")) {
            continue;
        }
        let class = str_at(&claim, &["spec", "storageClassName"]).map(String::from);
        match class {
            None => record_event(
                st,
                &claim,
                "Normal",
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                PV_CONTROLLER,
                None,
            ),
            Some(c) if st.get("storageclasses", "", &c).is_none() => record_event(
                st,
                &claim,
                "Warning",
                "ProvisioningFailed",
                &format!("storageclass.storage.k8s.io {c:?} not found"),
                PV_CONTROLLER,
                None,
            ),
            Some(c) => provision(st, &claim, &c),
        }
    }
    let live: std::collections::HashSet<String> = st
        .list("persistentvolumeclaims", None)
        .into_iter()
        .map(|c| uid_of(c).to_string())
        .collect();
    for pv in st.list_cloned("persistentvolumes", None) {
        let claim_uid = pv.pointer("/spec/claimRef/uid").and_then(Value::as_str);
        if claim_uid.is_some_and(|u| !live.contains(u))
            && pv.pointer("/spec/persistentVolumeReclaimPolicy") == Some(&json!("Delete"))
        {
            st.remove("persistentvolumes", "", name_of(&pv));
        }
    }
}

fn provision(st: &mut State, claim: &Value, class: &str) {
    let ns = ns_of(claim).to_string();
    let name = name_of(claim).to_string();
    let pv_name = format!("pvc-{}", uid_of(claim));
    let size = claim
        .pointer("/spec/resources/requests/storage")
        .cloned()
        .unwrap_or(json!("1Gi"));
    let modes = claim
        .pointer("/spec/accessModes")
        .cloned()
        .unwrap_or(json!(["ReadWriteOnce"]));
    if st.get("persistentvolumes", "", &pv_name).is_none() {
        let pv = json!({
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {
                "name": pv_name,
                "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER},
                "finalizers": ["kubernetes.io/pv-protection"],
            },
            "spec": {
                "capacity": {"storage": size},
                "accessModes": modes,
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": class,
                "volumeMode": "Filesystem",
                "hostPath": {"path": format!("/var/lib/fake-provisioner/{pv_name}"), "type": ""},
                "claimRef": {
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "namespace": ns, "name": name, "uid": uid_of(claim),
                },
            },
        });
        let res = registry::by_name("persistentvolumes").expect("pv");
        if api::create(st, res, "", pv, &WriteCtx::by(PV_CONTROLLER), false).is_err() {
            return;
        }
        let _ = api::modify(
            st,
            "persistentvolumes",
            "",
            &pv_name,
            &WriteCtx::status(PV_CONTROLLER),
            |p| p["status"] = json!({"phase": "Bound"}),
        );
        record_event(
            st,
            claim,
            "Normal",
            "ProvisioningSucceeded",
            &format!("Successfully provisioned volume {pv_name}"),
            PROVISIONER,
            None,
        );
    }
    let _ = api::modify(
        st,
        "persistentvolumeclaims",
        &ns,
        &name,
        &WriteCtx::by(PV_CONTROLLER),
        |c| {
            c["spec"]["volumeName"] = json!(pv_name);
            let a = c["metadata"]
                .as_object_mut()
                .map(|m| m.entry("annotations").or_insert(json!({})));
            if let Some(a) = a {
                a["pv.kubernetes.io/bind-completed"] = json!("yes");
                a["pv.kubernetes.io/bound-by-controller"] = json!("yes");
                a["volume.kubernetes.io/storage-provisioner"] = json!(PROVISIONER);
            }
        },
    );
    let _ = api::modify(
        st,
        "persistentvolumeclaims",
        &ns,
        &name,
        &WriteCtx::status(PV_CONTROLLER),
        |c| {
            c["status"] = json!({
                "phase": "Bound",
                "accessModes": modes,
                "capacity": {"storage": size},
            })
        },
    );
}

fn ready(p: &Value) -> bool {
    p.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// `minAvailable`/`maxUnavailable` against `expected` pods (percentages round up).
fn resolve(v: &Value, expected: i64) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            (p * expected + 99) / 100
        }
        _ => 0,
    }
}

/// The replicas the controllers owning `pods` want (their scale), or the pod count.
fn expected_pods(st: &State, ns: &str, pods: &[&Value]) -> i64 {
    let mut owners = std::collections::BTreeSet::new();
    for p in pods {
        for o in p
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if o["controller"] == json!(true) {
                owners.insert((
                    o["kind"].as_str().unwrap_or("").to_string(),
                    o["name"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }
    if owners.is_empty() {
        return pods.len() as i64;
    }
    owners
        .iter()
        .map(|(kind, name)| {
            let plural = match kind.as_str() {
                "ReplicaSet" => "replicasets",
                "StatefulSet" => "statefulsets",
                _ => return 1,
            };
            st.get(plural, ns, name)
                .and_then(|o| o.pointer("/spec/replicas"))
                .and_then(Value::as_i64)
                .unwrap_or(1)
        })
        .sum()
}

/// The disruption controller: status of every PodDisruptionBudget.
pub fn budgets(st: &mut State) {
    for pdb in st.list_cloned("poddisruptionbudgets", None) {
        let ns = ns_of(&pdb).to_string();
        let sel = LabelSelector::from_label_selector(&pdb["spec"]["selector"]);
        let pods: Vec<&Value> = st
            .list("pods", Some(&ns))
            .into_iter()
            .filter(|p| !is_deleting(p) && sel.matches_object(p))
            .collect();
        let healthy = pods.iter().filter(|p| ready(p)).count() as i64;
        let expected = expected_pods(st, &ns, &pods);
        let desired = if let Some(m) = pdb.pointer("/spec/minAvailable") {
            resolve(m, expected)
        } else if let Some(m) = pdb.pointer("/spec/maxUnavailable") {
            (expected - resolve(m, expected)).max(0)
        } else {
            expected
        };
        let allowed = (healthy - desired).max(0);
        let generation = pdb.pointer("/metadata/generation").cloned();
        let (status, reason, message) = if allowed > 0 {
            ("True", "SufficientPods", "")
        } else {
            ("False", "InsufficientPods", "")
        };
        let _ = api::modify(
            st,
            "poddisruptionbudgets",
            &ns,
            name_of(&pdb),
            &WriteCtx::status("kube-controller-manager"),
            |b| {
                let old = b["status"]["conditions"][0].clone();
                let ltt = if old["status"] == json!(status) {
                    old["lastTransitionTime"].clone()
                } else {
                    json!(now_rfc3339())
                };
                b["status"] = json!({
                    "observedGeneration": generation,
                    "expectedPods": expected,
                    "currentHealthy": healthy,
                    "desiredHealthy": desired,
                    "disruptionsAllowed": allowed,
                    "conditions": [{
                        "type": "DisruptionAllowed", "status": status, "reason": reason,
                        "message": message, "lastTransitionTime": ltt,
                        "observedGeneration": generation,
                    }],
                });
            },
        );
    }
}

/// The HPA controller without a metrics pipeline: keep the target's replicas within min/max,
/// report that the resource metrics cannot be fetched.
pub fn autoscalers(st: &mut State) {
    for hpa in st.list_cloned("horizontalpodautoscalers", None) {
        let ns = ns_of(&hpa).to_string();
        let target = &hpa["spec"]["scaleTargetRef"];
        let plural = match target["kind"].as_str() {
            Some("Deployment") => "deployments",
            Some("StatefulSet") => "statefulsets",
            Some("ReplicaSet") => "replicasets",
            _ => continue,
        };
        let tname = target["name"].as_str().unwrap_or_default().to_string();
        let min = hpa["spec"]["minReplicas"].as_i64().unwrap_or(1);
        let max = hpa["spec"]["maxReplicas"].as_i64().unwrap_or(1);
        let Some(obj) = st.get(plural, &ns, &tname).cloned() else {
            set_hpa_status(
                st,
                &hpa,
                0,
                0,
                (
                    "False",
                    "FailedGetScale",
                    &format!(
                        "the HPA controller was unable to get the target's current scale: {plural}.apps {tname:?} not found"
                    ),
                ),
                None,
            );
            continue;
        };
        let current = obj["status"]["replicas"]
            .as_i64()
            .or(obj["spec"]["replicas"].as_i64())
            .unwrap_or(0);
        let spec_replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
        let desired = spec_replicas.clamp(min, max.max(min));
        if desired != spec_replicas {
            let _ = api::modify(
                st,
                plural,
                &ns,
                &tname,
                &WriteCtx::by("kube-controller-manager"),
                |o| o["spec"]["replicas"] = json!(desired),
            );
            record_event(
                st,
                &hpa,
                "Normal",
                "SuccessfulRescale",
                &format!(
                    "New size: {desired}; reason: Current number of replicas {} than Spec.{}Replicas",
                    if desired > spec_replicas {
                        "below"
                    } else {
                        "above"
                    },
                    if desired > spec_replicas {
                        "Min"
                    } else {
                        "Max"
                    }
                ),
                "horizontal-pod-autoscaler",
                None,
            );
        }
        let metric = hpa["spec"]["metrics"][0]["resource"]["name"]
            .as_str()
            .unwrap_or("cpu")
            .to_string();
        let why = format!(
            "the HPA was unable to compute the replica count: failed to get {metric} utilization: unable to get metrics for resource {metric}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"
        );
        if hpa["status"]["conditions"]
            .as_array()
            .is_none_or(|cs| !cs.iter().any(|c| c["reason"] == "FailedGetResourceMetric"))
        {
            record_event(
                st,
                &hpa,
                "Warning",
                "FailedGetResourceMetric",
                &format!(
                    "failed to get {metric} utilization: unable to get metrics for resource {metric}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"
                ),
                "horizontal-pod-autoscaler",
                None,
            );
        }
        set_hpa_status(
            st,
            &hpa,
            current,
            desired,
            (
                "True",
                "SucceededGetScale",
                "the HPA controller was able to get the target's current scale",
            ),
            Some(why),
        );
    }
}

fn set_hpa_status(
    st: &mut State,
    hpa: &Value,
    current: i64,
    desired: i64,
    able: (&str, &str, &str),
    inactive: Option<String>,
) {
    let now = now_rfc3339();
    let old: Vec<Value> = hpa["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let cond = |ty: &str, status: &str, reason: &str, message: &str| {
        let ltt = old
            .iter()
            .find(|c| c["type"] == ty && c["status"] == status)
            .map(|c| c["lastTransitionTime"].clone())
            .unwrap_or(json!(now));
        json!({"type": ty, "status": status, "reason": reason, "message": message, "lastTransitionTime": ltt})
    };
    let mut conditions = vec![cond("AbleToScale", able.0, able.1, able.2)];
    if let Some(m) = inactive {
        conditions.push(cond(
            "ScalingActive",
            "False",
            "FailedGetResourceMetric",
            &m,
        ));
    }
    let generation = hpa.pointer("/metadata/generation").cloned();
    let _ = api::modify(
        st,
        "horizontalpodautoscalers",
        ns_of(hpa),
        name_of(hpa),
        &WriteCtx::status("kube-controller-manager"),
        |h| {
            h["status"] = json!({
                "observedGeneration": generation,
                "currentReplicas": current,
                "desiredReplicas": desired,
                "currentMetrics": null,
                "conditions": conditions,
            });
        },
    );
}
