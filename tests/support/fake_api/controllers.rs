//! kube-controller-manager in miniature: Deployment, ReplicaSet, DaemonSet, StatefulSet,
//! garbage collector, namespace lifecycle, and the per-namespace defaults (ServiceAccount, root
//! CA ConfigMap).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::api::{self, DeleteOpts, WriteCtx, owner_uids, record_event};
use super::registry;
use super::selectors::LabelSelector;
use super::store::{Key, State};
use super::util::{
    controller_uid, fnv32a, i64_at, is_deleting, name_of, now_rfc3339, ns_of, obj_mut, safe_encode,
    str_at, uid_of,
};

const KCM: &str = "kube-controller-manager";

#[derive(Debug, Default)]
pub struct CtrlState {
    /// Deployment uid → (progress fingerprint, when it last changed).
    progress: HashMap<String, (String, Instant)>,
    /// ReplicaSet/DaemonSet uid → earliest time to retry a failed pod creation.
    create_backoff: HashMap<String, Instant>,
}

fn due(next: &mut Option<Instant>, at: Instant) {
    if next.is_none_or(|n| at < n) {
        *next = Some(at);
    }
}

/// `controller.ComputeHash`: FNV-32a of the template, safe-encoded.
pub fn template_hash(template: &Value) -> String {
    let h = fnv32a(
        serde_json::to_string(template)
            .unwrap_or_default()
            .as_bytes(),
    );
    safe_encode(&h.to_string())
}

fn pod_ready(p: &Value) -> bool {
    p.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

fn owned_by<'a>(st: &'a State, plural: &str, ns: &str, uid: &str) -> Vec<&'a Value> {
    let mut keys = st.dependents_of(uid);
    keys.retain(|k| k.0 == plural && k.1 == ns);
    keys.sort();
    keys.iter()
        .filter_map(|k| st.objects.get(k))
        .filter(|v| controller_uid(v) == Some(uid))
        .collect()
}

fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": name_of(owner),
        "uid": uid_of(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// Percent or absolute intstr, rounded like the deployment controller.
fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool, default: i64) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(default),
        Some(Value::String(s)) if s.ends_with('%') => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            if round_up {
                (p * total + 99) / 100
            } else {
                p * total / 100
            }
        }
        Some(Value::String(s)) => s.parse().unwrap_or(default),
        _ => default,
    }
}

/// Reconcile the workloads in `work` (written since last time, or due), plus namespaces and,
/// after deletions, the garbage collector. `all` reconciles everything.
pub fn reconcile(st: &mut State, work: &HashSet<Key>, all: bool) {
    namespaces(st);
    if std::mem::take(&mut st.gc_dirty) || all {
        garbage_collect(st);
    }
    let nodes_changed = work.iter().any(|k| k.0 == "nodes");
    if all
        || work
            .iter()
            .any(|k| k.0 == "pods" || k.0 == "services" || k.0 == "endpoints")
    {
        endpoints(st);
    }
    if all || nodes_changed {
        taint_eviction(st);
    }
    let touched = |plurals: &[&str]| all || work.iter().any(|k| plurals.contains(&k.0.as_str()));
    if touched(&[
        "persistentvolumeclaims",
        "persistentvolumes",
        "storageclasses",
    ]) {
        super::storage::claims(st);
    }
    if touched(&["horizontalpodautoscalers", "deployments", "statefulsets"]) {
        super::storage::autoscalers(st);
    }
    if touched(&["poddisruptionbudgets", "pods", "replicasets"]) {
        super::storage::budgets(st);
    }
    type Step = fn(&mut State, &Value, &mut Option<Instant>);
    let steps: [(&str, Step); 4] = [
        ("deployments", deployment),
        ("replicasets", replicaset),
        ("daemonsets", daemonset),
        ("statefulsets", statefulset),
    ];
    for (plural, step) in steps {
        let keys: Vec<Key> = if all || (plural == "daemonsets" && nodes_changed) {
            st.objects
                .range((plural.to_string(), String::new(), String::new())..)
                .take_while(|(k, _)| k.0 == plural)
                .map(|(k, _)| k.clone())
                .collect()
        } else {
            work.iter().filter(|k| k.0 == plural).cloned().collect()
        };
        for key in keys {
            let Some(obj) = st.objects.get(&key).cloned() else {
                continue;
            };
            let mut next = None;
            step(st, &obj, &mut next);
            if let Some(at) = next {
                st.wake_at(key, at);
            }
        }
    }
}

/// The taint eviction controller: pods bound to a node with a NoExecute taint they do not
/// tolerate are deleted. (A toleration with `tolerationSeconds` counts as tolerating: the
/// default 300 s ones outlast any test.)
fn taint_eviction(st: &mut State) {
    let mut victims = Vec::new();
    for node in st.list("nodes", None) {
        let has_no_execute = node
            .pointer("/spec/taints")
            .and_then(Value::as_array)
            .is_some_and(|ts| ts.iter().any(|t| t["effect"] == "NoExecute"));
        if !has_no_execute {
            continue;
        }
        for p in st.list("pods", None) {
            if str_at(p, &["spec", "nodeName"]) != Some(name_of(node)) || is_deleting(p) {
                continue;
            }
            let tols = super::sched::tolerations_of(&p["spec"]);
            if super::sched::untolerated(node, &tols, &["NoExecute"]).is_some() {
                victims.push(p.clone());
            }
        }
    }
    let res = registry::by_name("pods").expect("pods");
    for p in victims {
        record_event(
            st,
            &p,
            "Normal",
            "TaintManagerEviction",
            &format!("Marking for deletion Pod {}/{}", ns_of(&p), name_of(&p)),
            "taint-eviction-controller",
            None,
        );
        let _ = api::delete(st, res, ns_of(&p), name_of(&p), &DeleteOpts::default());
    }
}

fn namespaces(st: &mut State) {
    for ns in st.list_cloned("namespaces", None) {
        let name = name_of(&ns).to_string();
        if is_deleting(&ns) {
            let contents: Vec<(String, String)> = st
                .objects
                .iter()
                .filter(|((p, n, _), _)| {
                    n == &name && registry::by_name(p).is_some_and(|r| r.namespaced)
                })
                .map(|((p, _, nm), _)| (p.clone(), nm.clone()))
                .collect();
            if contents.is_empty() {
                st.remove("namespaces", "", &name);
            } else {
                for (p, nm) in contents {
                    let res = registry::by_name(&p).expect("resource");
                    if let Some(obj) = st.get(&p, &name, &nm)
                        && is_deleting(obj)
                    {
                        // Strip finalizers the controllers would handle.
                        if p != "pods" {
                            let _ = api::modify(st, &p, &name, &nm, &WriteCtx::by(KCM), |v| {
                                v["metadata"]
                                    .as_object_mut()
                                    .map(|m| m.remove("finalizers"));
                            });
                        }
                        continue;
                    }
                    let _ = api::delete(st, res, &name, &nm, &DeleteOpts::default());
                }
            }
            continue;
        }
        if st.get("serviceaccounts", &name, "default").is_none() {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}});
            let res = registry::by_name("serviceaccounts").expect("sa");
            let _ = api::create(st, res, &name, sa, &WriteCtx::by(KCM), false);
        }
        if st.get("configmaps", &name, "kube-root-ca.crt").is_none() {
            let cm = json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": name, "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"}
            });
            let res = registry::by_name("configmaps").expect("cm");
            let _ = api::create(
                st,
                res,
                &name,
                cm,
                &WriteCtx::by("kube-root-ca-cert-publisher"),
                false,
            );
        }
    }
}

fn garbage_collect(st: &mut State) {
    let mut orphans = Vec::new();
    for (owner, deps) in &st.dependents {
        if st.uids.contains_key(owner) {
            continue;
        }
        for key in deps {
            if let Some(v) = st.objects.get(key)
                && !is_deleting(v)
                && owner_uids(v).iter().all(|o| !st.uids.contains_key(o))
            {
                orphans.push(key.clone());
            }
        }
    }
    orphans.sort();
    orphans.dedup();
    for (p, ns, name) in orphans {
        if let Some(res) = registry::by_name(&p) {
            let _ = api::delete(st, res, &ns, &name, &DeleteOpts::default());
        }
    }
    // Foreground deletion: delete dependents, then release the owner.
    let waiting: Vec<Value> = st
        .objects
        .values()
        .filter(|v| {
            is_deleting(v)
                && v.pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .is_some_and(|f| f.iter().any(|x| x == "foregroundDeletion"))
        })
        .cloned()
        .collect();
    for owner in waiting {
        let deps: Vec<Key> = st.dependents_of(uid_of(&owner));
        if deps.is_empty() {
            let plural = registry::by_kind(
                owner["apiVersion"].as_str().unwrap_or(""),
                owner["kind"].as_str().unwrap_or(""),
            )
            .map(|r| r.plural)
            .unwrap_or("");
            let _ = api::modify(
                st,
                plural,
                ns_of(&owner),
                name_of(&owner),
                &WriteCtx::by(KCM),
                |v| {
                    if let Some(f) = v
                        .pointer_mut("/metadata/finalizers")
                        .and_then(Value::as_array_mut)
                    {
                        f.retain(|x| x != "foregroundDeletion");
                    }
                },
            );
        } else {
            for (p, ns, name) in deps {
                if st.get(&p, &ns, &name).is_some_and(is_deleting) {
                    continue;
                }
                if let Some(res) = registry::by_name(&p) {
                    let opts = DeleteOpts {
                        propagation: Some("Foreground".into()),
                        ..Default::default()
                    };
                    let _ = api::delete(st, res, &ns, &name, &opts);
                }
            }
        }
    }
}

fn strip_hash(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(l) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        l.remove("pod-template-hash");
        if l.is_empty() {
            t["metadata"].as_object_mut().map(|m| m.remove("labels"));
        }
    }
    if t.get("metadata")
        .and_then(Value::as_object)
        .is_some_and(|m| m.is_empty())
    {
        t.as_object_mut().map(|m| m.remove("metadata"));
    }
    t
}

fn normalize_template(template: &Value) -> Value {
    let mut t = template.clone();
    if t.get("metadata")
        .and_then(Value::as_object)
        .is_some_and(|m| m.is_empty())
    {
        t.as_object_mut().map(|m| m.remove("metadata"));
    }
    t
}

fn revision(rs: &Value) -> i64 {
    str_at(
        rs,
        &[
            "metadata",
            "annotations",
            "deployment.kubernetes.io/revision",
        ],
    )
    .and_then(|s| s.parse().ok())
    .unwrap_or(0)
}

fn set_condition(
    conds: &mut Vec<Value>,
    ty: &str,
    status: &str,
    reason: &str,
    message: &str,
    progress: bool,
) {
    let now = now_rfc3339();
    match conds.iter_mut().find(|c| c["type"] == ty) {
        Some(c) => {
            let changed = c["status"] != status || c["reason"] != reason || c["message"] != message;
            if c["status"] != status {
                c["lastTransitionTime"] = json!(now);
            }
            if changed || progress {
                c["lastUpdateTime"] = json!(now);
            }
            c["status"] = json!(status);
            c["reason"] = json!(reason);
            c["message"] = json!(message);
        }
        None => conds.push(json!({
            "type": ty, "status": status, "lastUpdateTime": now, "lastTransitionTime": now,
            "reason": reason, "message": message,
        })),
    }
}

fn scale_rs(st: &mut State, d: &Value, rs: &Value, to: i64) {
    let from = i64_at(rs, &["spec", "replicas"]).unwrap_or(0);
    if from == to {
        return;
    }
    let ns = ns_of(rs).to_string();
    let name = name_of(rs).to_string();
    let desired = i64_at(d, &["spec", "replicas"]).unwrap_or(1);
    let _ = api::modify(st, "replicasets", &ns, &name, &WriteCtx::by(KCM), |v| {
        v["spec"]["replicas"] = json!(to);
        let a = super::util::obj_mut(v, &["metadata", "annotations"]);
        a.insert(
            "deployment.kubernetes.io/desired-replicas".into(),
            json!(desired.to_string()),
        );
    });
    let word = if to > from { "up" } else { "down" };
    record_event(
        st,
        d,
        "Normal",
        "ScalingReplicaSet",
        &format!("Scaled {word} replica set {name} from {from} to {to}"),
        "deployment-controller",
        None,
    );
}

fn deployment(st: &mut State, d: &Value, next: &mut Option<Instant>) {
    if is_deleting(d) {
        return;
    }
    let ns = ns_of(d).to_string();
    let name = name_of(d).to_string();
    let uid = uid_of(d).to_string();
    let desired = i64_at(d, &["spec", "replicas"]).unwrap_or(1);
    let template = normalize_template(&d["spec"]["template"]);
    let recreate = d.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("Recreate");
    let rss: Vec<Value> = owned_by(st, "replicasets", &ns, &uid)
        .into_iter()
        .cloned()
        .collect();
    let max_rev = rss.iter().map(revision).max().unwrap_or(0);
    let mut new_rs = rss
        .iter()
        .find(|rs| strip_hash(&rs["spec"]["template"]) == template)
        .cloned();
    let mut created_now = None;
    if new_rs.is_none() {
        let hash = template_hash(&template);
        let rs_name = format!("{name}-{hash}");
        let mut t = template.clone();
        super::util::obj_mut(&mut t, &["metadata", "labels"])
            .insert("pod-template-hash".into(), json!(hash));
        let mut selector = d["spec"]["selector"].clone();
        super::util::obj_mut(&mut selector, &["matchLabels"])
            .insert("pod-template-hash".into(), json!(hash));
        let mut labels = t["metadata"]["labels"].clone();
        if labels.is_null() {
            labels = json!({});
        }
        let old_pods: i64 = rss
            .iter()
            .map(|rs| i64_at(rs, &["status", "replicas"]).unwrap_or(0))
            .sum();
        // Recreate waits for old pods to go; a rolling update surges up from zero.
        let initial = if old_pods > 0
            || rss
                .iter()
                .any(|rs| i64_at(rs, &["spec", "replicas"]).unwrap_or(0) > 0)
        {
            0
        } else {
            desired
        };
        let mut annotations = serde_json::Map::new();
        annotations.insert(
            "deployment.kubernetes.io/revision".into(),
            json!((max_rev + 1).to_string()),
        );
        annotations.insert(
            "deployment.kubernetes.io/desired-replicas".into(),
            json!(desired.to_string()),
        );
        let max_surge = int_or_percent(
            d.pointer("/spec/strategy/rollingUpdate/maxSurge"),
            desired,
            true,
            0,
        );
        annotations.insert(
            "deployment.kubernetes.io/max-replicas".into(),
            json!((desired + max_surge).to_string()),
        );
        let rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": rs_name,
                "namespace": ns,
                "labels": labels,
                "annotations": annotations,
                "ownerReferences": [owner_ref(d)],
            },
            "spec": {"replicas": initial, "selector": selector, "template": t},
        });
        let res = registry::by_name("replicasets").expect("rs");
        match api::create(st, res, &ns, rs, &WriteCtx::by(KCM), false) {
            Ok(rs) => {
                if initial > 0 {
                    record_event(
                        st,
                        d,
                        "Normal",
                        "ScalingReplicaSet",
                        &format!("Scaled up replica set {rs_name} from 0 to {initial}"),
                        "deployment-controller",
                        None,
                    );
                }
                created_now = Some(rs_name.clone());
                new_rs = Some(rs);
            }
            Err(_) => return,
        }
    } else if let Some(rs) = &new_rs
        && revision(rs) < max_rev
    {
        // Rollback to an older template: it becomes the newest revision.
        let rs_name = name_of(rs).to_string();
        let _ = api::modify(st, "replicasets", &ns, &rs_name, &WriteCtx::by(KCM), |v| {
            super::util::obj_mut(v, &["metadata", "annotations"]).insert(
                "deployment.kubernetes.io/revision".into(),
                json!((max_rev + 1).to_string()),
            );
        });
    }
    let Some(new_rs) = new_rs else { return };
    let new_name = name_of(&new_rs).to_string();
    let new_uid = uid_of(&new_rs).to_string();
    let olds: Vec<Value> = owned_by(st, "replicasets", &ns, &uid)
        .into_iter()
        .filter(|rs| uid_of(rs) != new_uid)
        .cloned()
        .collect();

    // Scaling.
    let new_rs = st
        .get("replicasets", &ns, &new_name)
        .cloned()
        .unwrap_or(new_rs);
    let new_available = i64_at(&new_rs, &["status", "availableReplicas"]).unwrap_or(0);
    let old_pods: i64 = olds
        .iter()
        .map(|rs| i64_at(rs, &["status", "replicas"]).unwrap_or(0))
        .sum();
    if recreate {
        for rs in &olds {
            scale_rs(st, d, rs, 0);
        }
        if old_pods == 0 {
            scale_rs(st, d, &new_rs, desired);
        }
    } else {
        // The rolling update of the deployment controller: surge the new ReplicaSet up to
        // desired + maxSurge pods in total, scale old ones down keeping desired - maxUnavailable
        // available (unhealthy old pods go first).
        let mut max_surge = int_or_percent(
            d.pointer("/spec/strategy/rollingUpdate/maxSurge"),
            desired,
            true,
            0,
        );
        let max_unavailable = int_or_percent(
            d.pointer("/spec/strategy/rollingUpdate/maxUnavailable"),
            desired,
            false,
            0,
        );
        if max_surge == 0 && max_unavailable == 0 {
            max_surge = 1;
        }
        let spec_of = |rs: &Value| i64_at(rs, &["spec", "replicas"]).unwrap_or(0);
        let avail_of = |rs: &Value| i64_at(rs, &["status", "availableReplicas"]).unwrap_or(0);
        let old_total: i64 = olds.iter().map(spec_of).sum();
        let new_spec = spec_of(&new_rs);
        let target_new = if new_spec >= desired || old_total == 0 {
            desired
        } else {
            let max_total = desired + max_surge;
            let current = old_total + new_spec;
            if current >= max_total {
                new_spec
            } else {
                (new_spec + max_total - current).min(desired)
            }
        };
        scale_rs(st, d, &new_rs, target_new);
        let min_available = desired - max_unavailable;
        let new_unavailable = (target_new - new_available).max(0);
        let mut olds_sorted = olds.clone();
        olds_sorted.sort_by_key(revision);
        let mut targets: Vec<i64> = olds_sorted.iter().map(spec_of).collect();
        // Unhealthy old pods first.
        let mut budget = (old_total + target_new - min_available - new_unavailable).max(0);
        for (i, rs) in olds_sorted.iter().enumerate() {
            let unhealthy = (targets[i] - avail_of(rs)).max(0).min(budget);
            targets[i] -= unhealthy;
            budget -= unhealthy;
        }
        // Then available ones, as long as enough stay available.
        let total_available: i64 = olds_sorted.iter().map(avail_of).sum::<i64>() + new_available;
        let mut budget = (total_available - min_available).max(0);
        for (i, rs) in olds_sorted.iter().enumerate() {
            let can = targets[i].min(avail_of(rs)).min(budget);
            targets[i] -= can;
            budget -= can;
        }
        for (rs, target) in olds_sorted.iter().zip(targets) {
            scale_rs(st, d, rs, target);
        }
    }
    // History limit.
    let limit = i64_at(d, &["spec", "revisionHistoryLimit"])
        .unwrap_or(10)
        .max(0) as usize;
    let mut idle: Vec<Value> = owned_by(st, "replicasets", &ns, &uid)
        .into_iter()
        .filter(|rs| {
            uid_of(rs) != new_uid
                && i64_at(rs, &["spec", "replicas"]) == Some(0)
                && i64_at(rs, &["status", "replicas"]).unwrap_or(0) == 0
        })
        .cloned()
        .collect();
    if idle.len() > limit {
        idle.sort_by_key(revision);
        let res = registry::by_name("replicasets").expect("rs");
        for rs in idle.iter().take(idle.len() - limit) {
            let _ = api::delete(st, res, &ns, name_of(rs), &DeleteOpts::default());
        }
    }

    // Status.
    let all: Vec<Value> = owned_by(st, "replicasets", &ns, &uid)
        .into_iter()
        .cloned()
        .collect();
    let sum = |k: &str| -> i64 {
        all.iter()
            .map(|rs| i64_at(rs, &["status", k]).unwrap_or(0))
            .sum()
    };
    let replicas = sum("replicas");
    let ready = sum("readyReplicas");
    let available = sum("availableReplicas");
    let new_rs = st
        .get("replicasets", &ns, &new_name)
        .cloned()
        .unwrap_or(new_rs);
    let updated = i64_at(&new_rs, &["status", "replicas"]).unwrap_or(0);
    let generation = i64_at(d, &["metadata", "generation"]).unwrap_or(1);
    let max_unavailable = if recreate {
        0
    } else {
        int_or_percent(
            d.pointer("/spec/strategy/rollingUpdate/maxUnavailable"),
            desired,
            false,
            0,
        )
    };
    let fingerprint = format!("{new_name}/{updated}/{ready}/{available}/{replicas}");
    let now = Instant::now();
    let (progressed, since) = match st.ctrl.progress.get(&uid) {
        Some((fp, at)) if *fp == fingerprint => (false, *at),
        _ => {
            st.ctrl.progress.insert(uid.clone(), (fingerprint, now));
            (true, now)
        }
    };
    let mut conds: Vec<Value> = d
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if available >= desired - max_unavailable {
        set_condition(
            &mut conds,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            false,
        );
    } else {
        set_condition(
            &mut conds,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            false,
        );
    }
    let complete = updated == desired && replicas == desired && available >= desired;
    let deadline = i64_at(d, &["spec", "progressDeadlineSeconds"])
        .unwrap_or(600)
        .max(0) as u64;
    let exceeded = conds
        .iter()
        .any(|c| c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded");
    if complete {
        set_condition(
            &mut conds,
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            &format!("ReplicaSet {new_name:?} has successfully progressed."),
            false,
        );
    } else if let Some(rs_name) = &created_now {
        set_condition(
            &mut conds,
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            &format!("Created new replica set {rs_name:?}"),
            true,
        );
    } else if exceeded && !progressed {
        // Stays exceeded until something moves.
    } else if now.duration_since(since) >= Duration::from_secs(deadline) {
        set_condition(
            &mut conds,
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            &format!("ReplicaSet {new_name:?} has timed out progressing."),
            false,
        );
    } else {
        let already_created = conds.iter().any(|c| {
            c["type"] == "Progressing"
                && c["reason"] == "NewReplicaSetCreated"
                && c["message"] == format!("Created new replica set {new_name:?}")
        });
        if progressed || !already_created {
            set_condition(
                &mut conds,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &format!("ReplicaSet {new_name:?} is progressing."),
                progressed,
            );
        }
        due(next, since + Duration::from_secs(deadline));
    }
    match new_rs
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == "ReplicaFailure").cloned())
    {
        Some(f) => set_condition(
            &mut conds,
            "ReplicaFailure",
            f["status"].as_str().unwrap_or("True"),
            f["reason"].as_str().unwrap_or("FailedCreate"),
            f["message"].as_str().unwrap_or(""),
            false,
        ),
        None => conds.retain(|c| c["type"] != "ReplicaFailure"),
    }
    let mut status = serde_json::Map::new();
    let mut put = |k: &str, v: i64| {
        if v != 0 {
            status.insert(k.into(), json!(v));
        }
    };
    put("observedGeneration", generation);
    put("replicas", replicas);
    put("updatedReplicas", updated);
    put("readyReplicas", ready);
    put("availableReplicas", available);
    put("unavailableReplicas", (desired - available).max(0));
    status.insert("conditions".into(), Value::Array(conds));
    if let Some(cc) = d.pointer("/status/collisionCount") {
        status.insert("collisionCount".into(), cc.clone());
    }
    let status = Value::Object(status);
    let rev = revision(&new_rs).to_string();
    let _ = api::modify(st, "deployments", &ns, &name, &WriteCtx::by(KCM), |v| {
        super::util::obj_mut(v, &["metadata", "annotations"])
            .insert("deployment.kubernetes.io/revision".into(), json!(rev));
    });
    let _ = api::modify(st, "deployments", &ns, &name, &WriteCtx::status(KCM), |v| {
        v["status"] = status;
    });
}

fn pod_from_template(owner: &Value, template: &Value) -> Value {
    let mut meta = template.get("metadata").cloned().unwrap_or(json!({}));
    meta["generateName"] = json!(format!("{}-", name_of(owner)));
    meta["namespace"] = json!(ns_of(owner));
    meta["ownerReferences"] = json!([owner_ref(owner)]);
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": template["spec"].clone(),
    })
}

/// Create one pod for a workload, recording SuccessfulCreate or FailedCreate.
fn create_pod(st: &mut State, owner: &Value, pod: Value, component: &str) -> Result<(), String> {
    let res = registry::by_name("pods").expect("pods");
    match api::create(st, res, ns_of(owner), pod, &WriteCtx::by(KCM), false) {
        Ok(p) => {
            record_event(
                st,
                owner,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {}", name_of(&p)),
                component,
                None,
            );
            Ok(())
        }
        Err(e) => {
            let msg = format!("Error creating: {}", e.message);
            record_event(st, owner, "Warning", "FailedCreate", &msg, component, None);
            Err(msg)
        }
    }
}

fn replicaset(st: &mut State, rs: &Value, next: &mut Option<Instant>) {
    if is_deleting(rs) {
        return;
    }
    let ns = ns_of(rs).to_string();
    let name = name_of(rs).to_string();
    let uid = uid_of(rs).to_string();
    let desired = i64_at(rs, &["spec", "replicas"]).unwrap_or(1);
    let pods: Vec<Value> = owned_by(st, "pods", &ns, &uid)
        .into_iter()
        .filter(|p| !is_deleting(p))
        .cloned()
        .collect();
    let mut failure: Option<String> = rs
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == "ReplicaFailure"))
        .and_then(|c| c["message"].as_str().map(String::from));
    let count = pods.len() as i64;
    if count < desired {
        let now = Instant::now();
        match st.ctrl.create_backoff.get(&uid) {
            Some(at) if *at > now => due(next, *at),
            _ => {
                for _ in 0..(desired - count).min(50) {
                    match create_pod(
                        st,
                        rs,
                        pod_from_template(rs, &rs["spec"]["template"]),
                        "replicaset-controller",
                    ) {
                        Ok(()) => failure = None,
                        Err(msg) => {
                            failure = Some(msg);
                            let at = now + Duration::from_secs(1);
                            st.ctrl.create_backoff.insert(uid.clone(), at);
                            due(next, at);
                            break;
                        }
                    }
                }
            }
        }
    } else if count > desired {
        let mut victims = pods.clone();
        victims.sort_by_key(|p| {
            (
                pod_ready(p),
                std::cmp::Reverse(
                    str_at(p, &["metadata", "creationTimestamp"])
                        .unwrap_or("")
                        .to_string(),
                ),
            )
        });
        let res = registry::by_name("pods").expect("pods");
        for p in victims.iter().take((count - desired) as usize) {
            if api::delete(st, res, &ns, name_of(p), &DeleteOpts::default()).is_ok() {
                record_event(
                    st,
                    rs,
                    "Normal",
                    "SuccessfulDelete",
                    &format!("Deleted pod: {}", name_of(p)),
                    "replicaset-controller",
                    None,
                );
            }
        }
    }
    let pods: Vec<Value> = owned_by(st, "pods", &ns, &uid)
        .into_iter()
        .filter(|p| !is_deleting(p))
        .cloned()
        .collect();
    let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let mut status = json!({"replicas": pods.len()});
    let mut conds: Vec<Value> = Vec::new();
    if let Some(msg) = failure.filter(|_| (pods.len() as i64) < desired) {
        let old = rs
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| c["type"] == "ReplicaFailure").cloned());
        let ltt = old
            .map(|c| c["lastTransitionTime"].clone())
            .unwrap_or(json!(now_rfc3339()));
        conds.push(json!({"type": "ReplicaFailure", "status": "True", "lastTransitionTime": ltt, "reason": "FailedCreate", "message": msg}));
    }
    let labeled = pods.len() as i64;
    for (k, v) in [
        ("fullyLabeledReplicas", labeled),
        ("readyReplicas", ready),
        ("availableReplicas", ready),
        (
            "observedGeneration",
            i64_at(rs, &["metadata", "generation"]).unwrap_or(1),
        ),
    ] {
        if v != 0 {
            status[k] = json!(v);
        }
    }
    if !conds.is_empty() {
        status["conditions"] = Value::Array(conds);
    }
    let _ = api::modify(st, "replicasets", &ns, &name, &WriteCtx::status(KCM), |v| {
        v["status"] = status;
    });
}

/// `podutil.IsPodAvailable`: Ready for at least `min_ready` seconds. When it will become
/// available later, `wake` gets the time.
fn pod_available(p: &Value, min_ready: i64, wake: &mut Option<Instant>) -> bool {
    let Some(ready) = p
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| c["type"] == "Ready" && c["status"] == "True")
        })
    else {
        return false;
    };
    if min_ready <= 0 {
        return true;
    }
    let since = ready["lastTransitionTime"]
        .as_str()
        .and_then(super::util::parse_time)
        .unwrap_or_else(jiff::Timestamp::now);
    let at = since + jiff::SignedDuration::from_secs(min_ready);
    let now = jiff::Timestamp::now();
    if at <= now {
        return true;
    }
    let left = Duration::from_millis((at - now).get_milliseconds().max(0) as u64 + 20);
    due(wake, Instant::now() + left);
    false
}

fn creation_time(p: &Value) -> String {
    str_at(p, &["metadata", "creationTimestamp"])
        .unwrap_or("")
        .to_string()
}

/// A DaemonSet's or StatefulSet's history: a ControllerRevision per template (`<ds>-<hash>`, data the
/// template as a replace patch), the current one with the highest revision, at most
/// `revisionHistoryLimit` old ones besides those live pods still use.
fn daemonset_history(st: &mut State, ds: &Value, template: &Value, hash: &str) {
    let ns = ns_of(ds).to_string();
    let uid = uid_of(ds).to_string();
    let revs: Vec<Value> = owned_by(st, "controllerrevisions", &ns, &uid)
        .into_iter()
        .cloned()
        .collect();
    let rev_of = |r: &Value| r["revision"].as_i64().unwrap_or(0);
    let max = revs.iter().map(rev_of).max().unwrap_or(0);
    let name = format!("{}-{hash}", name_of(ds));
    match revs.iter().find(|r| name_of(r) == name) {
        Some(cur) if rev_of(cur) < max => {
            let _ = api::modify(
                st,
                "controllerrevisions",
                &ns,
                &name,
                &WriteCtx::by(KCM),
                |v| {
                    v["revision"] = json!(max + 1);
                },
            );
        }
        Some(_) => {}
        None => {
            let mut t = template.clone();
            t["$patch"] = json!("replace");
            let mut labels = template
                .pointer("/metadata/labels")
                .cloned()
                .unwrap_or(json!({}));
            labels["controller-revision-hash"] = json!(hash);
            let mut meta = json!({
                "name": name,
                "namespace": ns,
                "labels": labels,
                "ownerReferences": [owner_ref(ds)],
            });
            if let Some(a) = ds.pointer("/metadata/annotations") {
                meta["annotations"] = a.clone();
            }
            let cr = json!({
                "apiVersion": "apps/v1",
                "kind": "ControllerRevision",
                "metadata": meta,
                "data": {"spec": {"template": t}},
                "revision": max + 1,
            });
            let res = registry::by_name("controllerrevisions").expect("controllerrevisions");
            let _ = api::create(st, res, &ns, cr, &WriteCtx::by(KCM), false);
        }
    }
    let limit = i64_at(ds, &["spec", "revisionHistoryLimit"])
        .unwrap_or(10)
        .max(0) as usize;
    let live: HashSet<String> = owned_by(st, "pods", &ns, &uid)
        .into_iter()
        .filter_map(|p| str_at(p, &["metadata", "labels", "controller-revision-hash"]))
        .map(String::from)
        .collect();
    let mut old: Vec<Value> = owned_by(st, "controllerrevisions", &ns, &uid)
        .into_iter()
        .filter(|r| name_of(r) != name)
        .filter(|r| {
            str_at(r, &["metadata", "labels", "controller-revision-hash"])
                .is_none_or(|h| !live.contains(h))
        })
        .cloned()
        .collect();
    if old.len() > limit {
        old.sort_by_key(rev_of);
        let res = registry::by_name("controllerrevisions").expect("controllerrevisions");
        for r in old.iter().take(old.len() - limit) {
            let _ = api::delete(st, res, &ns, name_of(r), &DeleteOpts::default());
        }
    }
}

/// `syncNodes` creations: a pod per node; after a failure nothing more this sync, and the
/// next try waits (the work queue's back-off). Returns how many were created.
fn create_daemon_pods(
    st: &mut State,
    ds: &Value,
    nodes: &[String],
    make_pod: &dyn Fn(&str) -> Value,
    next: &mut Option<Instant>,
) -> usize {
    let uid = uid_of(ds).to_string();
    let now = Instant::now();
    if let Some(b) = st.ctrl.create_backoff.get(&uid).copied() {
        if b > now {
            if !nodes.is_empty() {
                due(next, b);
            }
            return 0;
        }
        st.ctrl.create_backoff.remove(&uid);
    }
    let mut created = 0;
    for node in nodes {
        if create_pod(st, ds, make_pod(node), "daemonset-controller").is_err() {
            let at = now + Duration::from_secs(1);
            st.ctrl.create_backoff.insert(uid.clone(), at);
            due(next, at);
            break;
        }
        created += 1;
    }
    created
}

/// The DaemonSet controller (`pkg/controller/daemon`): a pod per node where it should run
/// (nodeSelector, node affinity, taints against the pod's tolerations plus the ones the
/// controller adds), failed pods replaced, pods removed from nodes they may no longer run
/// on, rolling updates with maxUnavailable (maxSurge 0), and the status counters.
fn daemonset(st: &mut State, ds: &Value, next: &mut Option<Instant>) {
    if is_deleting(ds) {
        return;
    }
    let ns = ns_of(ds).to_string();
    let name = name_of(ds).to_string();
    let uid = uid_of(ds).to_string();
    let template = normalize_template(&ds["spec"]["template"]);
    let hash = template_hash(&template);
    let generation = i64_at(ds, &["metadata", "generation"]).unwrap_or(1);
    let template_generation = str_at(
        ds,
        &[
            "metadata",
            "annotations",
            "deprecated.daemonset.template.generation",
        ],
    )
    .unwrap_or("1")
    .to_string();
    let min_ready = i64_at(ds, &["spec", "minReadySeconds"]).unwrap_or(0);
    daemonset_history(st, ds, &template, &hash);
    let mut pod_spec = template["spec"].clone();
    super::sched::add_daemon_tolerations(&mut pod_spec);
    // (node, shouldRun, shouldContinueRunning) for every node.
    let nodes: Vec<(String, bool, bool)> = st
        .list("nodes", None)
        .into_iter()
        .map(|n| {
            let (run, keep) = super::sched::daemon_should_run(&pod_spec, n);
            (name_of(n).to_string(), run, keep)
        })
        .collect();
    let node_of = |p: &Value| -> String {
        str_at(p, &["spec", "nodeName"])
            .map(String::from)
            .or_else(|| {
                p.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
                    .and_then(Value::as_str)
                    .map(String::from)
            })
            .unwrap_or_default()
    };
    let is_current = |p: &Value| {
        str_at(p, &["metadata", "labels", "controller-revision-hash"]) == Some(hash.as_str())
            || str_at(p, &["metadata", "labels", "pod-template-generation"])
                == Some(template_generation.as_str())
    };
    let phase = |p: &Value| str_at(p, &["status", "phase"]).unwrap_or("").to_string();
    let terminal = |p: &Value| matches!(phase(p).as_str(), "Failed" | "Succeeded");
    // Pods per node; terminal pods already being deleted no longer count.
    let pods_on = |st: &State, node: &str| -> Vec<Value> {
        let mut v: Vec<Value> = owned_by(st, "pods", &ns, &uid)
            .into_iter()
            .filter(|p| !(terminal(p) && is_deleting(p)) && node_of(p) == node)
            .cloned()
            .collect();
        v.sort_by_key(|p| (creation_time(p), name_of(p).to_string()));
        v
    };
    let res = registry::by_name("pods").expect("pods");
    let delete_pod = |st: &mut State, p: &Value| {
        if api::delete(st, res, &ns, name_of(p), &DeleteOpts::default()).is_ok() {
            record_event(
                st,
                ds,
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: {}", name_of(p)),
                "daemonset-controller",
                None,
            );
        }
    };

    let make_pod = |node: &str| -> Value {
        let mut t = template.clone();
        t["spec"] = pod_spec.clone();
        let labels = super::util::obj_mut(&mut t, &["metadata", "labels"]);
        labels.insert("controller-revision-hash".into(), json!(hash));
        labels.insert(
            "pod-template-generation".into(),
            json!(template_generation.clone()),
        );
        let mut pod = pod_from_template(ds, &t);
        pod["spec"]["affinity"]["nodeAffinity"] = json!({
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
            ]}
        });
        pod
    };
    let on_delete = ds
        .pointer("/spec/updateStrategy/type")
        .and_then(Value::as_str)
        == Some("OnDelete");
    let desired = nodes.iter().filter(|(_, run, _)| *run).count() as i64;
    let max_surge = if on_delete {
        0
    } else {
        int_or_percent(
            ds.pointer("/spec/updateStrategy/rollingUpdate/maxSurge"),
            desired,
            true,
            0,
        )
    };
    let surge = max_surge > 0;
    let mut to_create: Vec<String> = Vec::new();

    // manage: create, replace failed pods, remove extra and misplaced ones.
    for (node, run, keep) in &nodes {
        let pods = pods_on(st, node);
        if *run && pods.is_empty() {
            to_create.push(node.clone());
        } else if *keep {
            let mut running = Vec::new();
            for p in pods.iter().filter(|p| !is_deleting(p)) {
                match phase(p).as_str() {
                    "Failed" => {
                        record_event(
                            st,
                            ds,
                            "Warning",
                            "FailedDaemonPod",
                            &format!(
                                "Found failed daemon pod {ns}/{} on node {node}, will try to kill it",
                                name_of(p)
                            ),
                            "daemonset-controller",
                            None,
                        );
                        delete_pod(st, p);
                    }
                    "Succeeded" => delete_pod(st, p),
                    _ => running.push(p),
                }
            }
            if !surge {
                // Without surge, only the oldest pod on a node stays.
                for p in running.iter().skip(1) {
                    delete_pod(st, p);
                }
            } else {
                // With surge, an old and a new pod may overlap until the new one is
                // available (or the old one is not ready).
                let (mut oldest_new, mut oldest_old) = (None, None);
                for p in &running {
                    let current = str_at(p, &["metadata", "labels", "controller-revision-hash"])
                        == Some(hash.as_str());
                    if current && oldest_new.is_none() {
                        oldest_new = Some(*p);
                    } else if !current && oldest_old.is_none() {
                        oldest_old = Some(*p);
                    } else {
                        delete_pod(st, p);
                    }
                }
                if let (Some(n), Some(o)) = (oldest_new, oldest_old)
                    && (!pod_ready(o) || pod_available(n, min_ready, next))
                {
                    delete_pod(st, o);
                }
            }
        } else {
            for p in pods.iter().filter(|p| !is_deleting(p)) {
                delete_pod(st, p);
            }
        }
    }

    // syncNodes for manage; the rolling update waits until those pods are seen (the real
    // controller's expectations).
    let created = create_daemon_pods(st, ds, &to_create, &make_pod, next);
    to_create.clear();

    // rollingUpdate.
    if created > 0 {
        // Look again once the new pods are there.
    } else if !on_delete && !surge {
        // maxSurge 0: unavailable old pods go at once; available old pods go while fewer
        // than maxUnavailable nodes are unavailable.
        let mut max_unavailable = int_or_percent(
            ds.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable"),
            desired,
            true,
            1,
        );
        if desired > 0 && max_unavailable == 0 {
            max_unavailable = 1;
        }
        let mut unavailable = 0i64;
        let mut replace_now: Vec<Value> = Vec::new();
        let mut candidates: Vec<Value> = Vec::new();
        for (node, _, _) in &nodes {
            let pods = pods_on(st, node);
            if pods.is_empty() {
                continue;
            }
            let live: Vec<&Value> = pods.iter().filter(|p| !is_deleting(p)).collect();
            let new: Vec<&&Value> = live.iter().filter(|p| is_current(p)).collect();
            let old: Vec<&&Value> = live.iter().filter(|p| !is_current(p)).collect();
            if new.len() > 1 || old.len() > 1 {
                unavailable += 1;
                continue;
            }
            match (new.first(), old.first()) {
                (None, None) | (Some(_), Some(_)) => unavailable += 1,
                (Some(n), None) => {
                    if !pod_available(n, min_ready, next) {
                        unavailable += 1;
                    }
                }
                (None, Some(o)) => {
                    if !pod_available(o, min_ready, &mut None) {
                        replace_now.push((**o).clone());
                        unavailable += 1;
                    } else if unavailable < max_unavailable {
                        candidates.push((**o).clone());
                    }
                }
            }
        }
        let room = (max_unavailable - unavailable).max(0) as usize;
        for p in replace_now.iter().chain(candidates.iter().take(room)) {
            delete_pod(st, p);
        }
    } else if surge {
        // maxSurge > 0: a new pod next to each old one, at most maxSurge at a time; the old
        // pod goes once the new one is available.
        let mut old_to_delete: Vec<Value> = Vec::new();
        let mut not_run_to_delete: Vec<Value> = Vec::new();
        let mut allowed_new: Vec<String> = Vec::new();
        let mut candidate_new: Vec<String> = Vec::new();
        let (mut num_surge, mut num_available) = (0i64, 0i64);
        for (node, run, _) in &nodes {
            let pods = pods_on(st, node);
            if pods.is_empty() {
                continue;
            }
            let live: Vec<&Value> = pods.iter().filter(|p| !is_deleting(p)).collect();
            let new: Vec<&&Value> = live.iter().filter(|p| is_current(p)).collect();
            let old: Vec<&&Value> = live.iter().filter(|p| !is_current(p)).collect();
            if new.len() > 1 || old.len() > 1 {
                num_surge += 1;
                continue;
            }
            let (new, old) = (new.first().map(|p| **p), old.first().map(|p| **p));
            if let Some(p) = old.or(new)
                && pod_available(p, min_ready, &mut None)
            {
                num_available += 1;
            }
            match (new, old) {
                (_, None) => {}
                (None, Some(o)) => {
                    if !pod_available(o, min_ready, &mut None) {
                        if *run {
                            allowed_new.push(node.clone());
                        } else {
                            old_to_delete.push(o.clone());
                        }
                    } else if !*run {
                        not_run_to_delete.push(o.clone());
                    } else if num_surge < max_surge {
                        candidate_new.push(node.clone());
                    }
                }
                (Some(n), Some(o)) => {
                    if pod_available(n, min_ready, next) {
                        old_to_delete.push(o.clone());
                    } else {
                        num_surge += 1;
                    }
                }
            }
        }
        let deletable = (num_available - desired).max(0) as usize;
        old_to_delete.extend(not_run_to_delete.into_iter().take(deletable));
        let room = (max_surge - num_surge).max(0) as usize;
        to_create.extend(allowed_new);
        to_create.extend(candidate_new.into_iter().take(room));
        for p in &old_to_delete {
            delete_pod(st, p);
        }
    }

    create_daemon_pods(st, ds, &to_create, &make_pod, next);

    // Status.
    let (mut scheduled, mut misscheduled, mut ready, mut available, mut updated) =
        (0i64, 0i64, 0i64, 0i64, 0i64);
    for (node, run, _) in &nodes {
        let pods = pods_on(st, node);
        if !*run {
            if !pods.is_empty() {
                misscheduled += 1;
            }
            continue;
        }
        let Some(p) = pods.first() else { continue };
        scheduled += 1;
        if pod_ready(p) {
            ready += 1;
            if pod_available(p, min_ready, next) {
                available += 1;
            }
        }
        if is_current(p) {
            updated += 1;
        }
    }
    let mut status = json!({
        "currentNumberScheduled": scheduled,
        "numberMisscheduled": misscheduled,
        "desiredNumberScheduled": desired,
        "numberReady": ready,
    });
    for (k, v) in [
        ("observedGeneration", generation),
        ("updatedNumberScheduled", updated),
        ("numberAvailable", available),
        ("numberUnavailable", (desired - available).max(0)),
    ] {
        if v != 0 {
            status[k] = json!(v);
        }
    }
    if let Some(cc) = ds.pointer("/status/collisionCount") {
        status["collisionCount"] = cc.clone();
    }
    let _ = api::modify(st, "daemonsets", &ns, &name, &WriteCtx::status(KCM), |v| {
        v["status"] = status;
    });
}

/// The StatefulSet controller (`pkg/controller/statefulset`): pods `<name>-<ordinal>` with
/// stable hostnames under the governing Service; for each claim template a claim
/// `<template>-<pod>` made before its pod and kept after it (retention policy Retain). With
/// `OrderedReady` (the default) a pod is created only when every lower ordinal is Running
/// and Ready, scale-down removes the highest ordinal first, one at a time; `Parallel` does
/// neither wait. A template change rolls the pods from the highest ordinal down, one at a
/// time, each after the others are ready (partition respected). Failed pods are replaced.
fn statefulset(st: &mut State, sts: &Value, next: &mut Option<Instant>) {
    if is_deleting(sts) {
        return;
    }
    let ns = ns_of(sts).to_string();
    let name = name_of(sts).to_string();
    let uid = uid_of(sts).to_string();
    let replicas = i64_at(sts, &["spec", "replicas"]).unwrap_or(1).max(0);
    let parallel = str_at(sts, &["spec", "podManagementPolicy"]) == Some("Parallel");
    let partition = i64_at(
        sts,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
    )
    .unwrap_or(0)
    .max(0);
    let on_delete = str_at(sts, &["spec", "updateStrategy", "type"]) == Some("OnDelete");
    let template = normalize_template(&sts["spec"]["template"]);
    let hash = template_hash(&template);
    let update_rev = format!("{name}-{hash}");
    daemonset_history(st, sts, &template, &hash);
    let prefix = format!("{name}-");
    let ordinal = |p: &Value| -> Option<i64> { name_of(p).strip_prefix(&prefix)?.parse().ok() };
    let rev_of = |p: &Value| {
        str_at(p, &["metadata", "labels", "controller-revision-hash"]).map(String::from)
    };
    let pods_res = registry::by_name("pods").expect("pods");
    let owned = |st: &State| -> Vec<Value> {
        owned_by(st, "pods", &ns, &uid)
            .into_iter()
            .cloned()
            .collect()
    };
    // Delete a pod, as the controller records it.
    let delete = |st: &mut State, p: &Value| {
        let ok = api::delete(st, pods_res, &ns, name_of(p), &DeleteOpts::default()).is_ok();
        if ok {
            record_event(
                st,
                sts,
                "Normal",
                "SuccessfulDelete",
                &format!("delete Pod {} in StatefulSet {name} successful", name_of(p)),
                "statefulset-controller",
                None,
            );
        }
        ok
    };
    let healthy = |p: &Value| {
        !is_deleting(p) && str_at(p, &["status", "phase"]) == Some("Running") && pod_ready(p)
    };

    // Failed or finished pods are deleted, to be made again.
    for p in owned(st) {
        if !is_deleting(&p)
            && matches!(
                str_at(&p, &["status", "phase"]),
                Some("Failed" | "Succeeded")
            )
            && api::delete(st, pods_res, &ns, name_of(&p), &DeleteOpts::default()).is_ok()
        {
            record_event(
                st,
                sts,
                "Warning",
                "RecreatingFailedPod",
                &format!(
                    "StatefulSet {ns}/{name} is recreating failed Pod {}",
                    name_of(&p)
                ),
                "statefulset-controller",
                None,
            );
        }
    }
    let pods = owned(st);
    let by_ordinal: HashMap<i64, &Value> =
        pods.iter().filter_map(|p| Some((ordinal(p)?, p))).collect();

    // Create the missing ordinals below `replicas`, in order.
    let mut blocked = false;
    for i in 0..replicas {
        match by_ordinal.get(&i) {
            Some(p) => {
                if !parallel && !healthy(p) {
                    blocked = true;
                    break;
                }
            }
            None => {
                let pod_name = format!("{name}-{i}");
                // A failure (recorded as an event) is retried after a back-off.
                if statefulset_pod(st, sts, &template, &update_rev, &pod_name, i).is_err() {
                    due(next, Instant::now() + Duration::from_secs(1));
                    blocked = true;
                    break;
                }
                if !parallel {
                    blocked = true;
                    break;
                }
            }
        }
    }

    // Scale down: the highest ordinal at or above `replicas` first.
    let all_ready =
        !blocked && (0..replicas).all(|i| by_ordinal.get(&i).is_some_and(|p| healthy(p)));
    let mut extra: Vec<&Value> = pods
        .iter()
        .filter(|p| ordinal(p).is_none_or(|o| o >= replicas) && !is_deleting(p))
        .collect();
    extra.sort_by_key(|p| std::cmp::Reverse(ordinal(p).unwrap_or(i64::MAX)));
    let mut deleted_one = false;
    for p in extra {
        if !parallel && (deleted_one || !all_ready) {
            break;
        }
        if delete(st, p) {
            deleted_one = true;
        }
    }

    // Rolling update: the highest ordinal ≥ partition still on an old revision, once every
    // pod is ready.
    if all_ready && !deleted_one && !on_delete {
        let stale = (partition..replicas)
            .rev()
            .filter_map(|i| by_ordinal.get(&i))
            .find(|p| rev_of(p).as_deref() != Some(update_rev.as_str()));
        if let Some(p) = stale {
            delete(st, p);
        }
    }

    // Status.
    let pods: Vec<Value> = owned(st).into_iter().filter(|p| !is_deleting(p)).collect();
    let current_rev = str_at(sts, &["status", "currentRevision"]).map(String::from);
    let updated = pods
        .iter()
        .filter(|p| rev_of(p).as_deref() == Some(update_rev.as_str()))
        .count() as i64;
    let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let mut wake = None;
    let min_ready = i64_at(sts, &["spec", "minReadySeconds"]).unwrap_or(0);
    let available = pods
        .iter()
        .filter(|p| pod_available(p, min_ready, &mut wake))
        .count() as i64;
    if let Some(at) = wake {
        due(next, at);
    }
    // The current revision becomes the update revision once every replica runs it.
    let current_rev = if updated >= replicas && pods.len() as i64 == replicas {
        update_rev.clone()
    } else {
        current_rev.unwrap_or_else(|| update_rev.clone())
    };
    let current = pods
        .iter()
        .filter(|p| rev_of(p).as_deref() == Some(current_rev.as_str()))
        .count() as i64;
    let mut status = json!({
        "replicas": pods.len(),
        "observedGeneration": i64_at(sts, &["metadata", "generation"]).unwrap_or(1),
        "currentRevision": current_rev,
        "updateRevision": update_rev,
        "collisionCount": 0,
        "availableReplicas": available,
    });
    for (k, v) in [
        ("readyReplicas", ready),
        ("currentReplicas", current),
        ("updatedReplicas", updated),
    ] {
        if v != 0 {
            status[k] = json!(v);
        }
    }
    let _ = api::modify(
        st,
        "statefulsets",
        &ns,
        &name,
        &WriteCtx::status(KCM),
        |v| {
            v["status"] = status;
        },
    );
}

/// One StatefulSet pod (and its claims, when missing): fixed name, hostname and subdomain,
/// the identity labels, and a volume per claim template.
fn statefulset_pod(
    st: &mut State,
    sts: &Value,
    template: &Value,
    revision: &str,
    pod_name: &str,
    ordinal: i64,
) -> Result<(), String> {
    let ns = ns_of(sts).to_string();
    let mut pod = pod_from_template(sts, template);
    let meta = obj_mut(&mut pod, &["metadata"]);
    meta.remove("generateName");
    meta.insert("name".into(), json!(pod_name));
    let labels = obj_mut(&mut pod, &["metadata", "labels"]);
    labels.insert("controller-revision-hash".into(), json!(revision));
    labels.insert("statefulset.kubernetes.io/pod-name".into(), json!(pod_name));
    labels.insert(
        "apps.kubernetes.io/pod-index".into(),
        json!(ordinal.to_string()),
    );
    let spec = obj_mut(&mut pod, &["spec"]);
    spec.insert("hostname".into(), json!(pod_name));
    if let Some(svc) = str_at(sts, &["spec", "serviceName"]).filter(|s| !s.is_empty()) {
        spec.insert("subdomain".into(), json!(svc));
    }
    let claims_res = registry::by_name("persistentvolumeclaims").expect("persistentvolumeclaims");
    let templates = sts
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for t in &templates {
        let tname = str_at(t, &["metadata", "name"])
            .unwrap_or_default()
            .to_string();
        let claim = format!("{tname}-{pod_name}");
        if st.get("persistentvolumeclaims", &ns, &claim).is_none() {
            let mut labels = t.pointer("/metadata/labels").cloned().unwrap_or(json!({}));
            if let (Some(l), Some(sel)) = (
                labels.as_object_mut(),
                sts.pointer("/spec/selector/matchLabels")
                    .and_then(Value::as_object),
            ) {
                l.extend(sel.clone());
            }
            let mut spec = t["spec"].clone();
            if let Some(m) = spec.as_object_mut() {
                m.remove("status");
            }
            let pvc = json!({
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": claim, "namespace": ns, "labels": labels},
                "spec": spec,
            });
            api::create(st, claims_res, &ns, pvc, &WriteCtx::by(KCM), false)
                .map_err(|e| e.message)?;
            record_event(
                st,
                sts,
                "Normal",
                "SuccessfulCreate",
                &format!(
                    "create Claim {claim} Pod {pod_name} in StatefulSet {} success",
                    name_of(sts)
                ),
                "statefulset-controller",
                None,
            );
        }
        let vols = obj_mut(&mut pod, &["spec"])
            .entry("volumes")
            .or_insert(json!([]));
        if let Some(vs) = vols.as_array_mut() {
            vs.retain(|v| v["name"] != json!(tname));
            vs.push(json!({"name": tname, "persistentVolumeClaim": {"claimName": claim}}));
        }
    }
    create_pod(st, sts, pod, "statefulset-controller")
}

/// The selector of a workload as a string (Scale status).
pub fn selector_string(obj: &Value) -> String {
    LabelSelector::from_label_selector(&obj["spec"]["selector"]).to_string_form()
}

/// The endpoints controller: an Endpoints object per Service with a selector, listing the
/// ready and not-ready pod addresses.
fn endpoints(st: &mut State) {
    for svc in st.list_cloned("services", None) {
        let Some(sel) = svc.pointer("/spec/selector").and_then(Value::as_object) else {
            continue;
        };
        if sel.is_empty() {
            continue;
        }
        let ns = ns_of(&svc).to_string();
        let name = name_of(&svc).to_string();
        let selector = LabelSelector::from_label_selector(&json!({ "matchLabels": sel }));
        let mut ready = Vec::new();
        let mut not_ready = Vec::new();
        let mut pods: Vec<Value> = st
            .list("pods", Some(&ns))
            .into_iter()
            .filter(|p| selector.matches_object(p) && !is_deleting(p))
            .filter(|p| {
                p.pointer("/status/podIP")
                    .and_then(Value::as_str)
                    .is_some_and(|ip| !ip.is_empty())
            })
            .cloned()
            .collect();
        pods.sort_by_key(|p| {
            p.pointer("/status/podIP")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        });
        for p in &pods {
            let addr = json!({
                "ip": p["status"]["podIP"],
                "nodeName": p["spec"]["nodeName"],
                "targetRef": {"kind": "Pod", "namespace": ns, "name": name_of(p), "uid": uid_of(p)},
            });
            if pod_ready(p) {
                ready.push(addr)
            } else {
                not_ready.push(addr)
            }
        }
        let ports: Vec<Value> = svc
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|sp| {
                let target = match &sp["targetPort"] {
                    Value::String(named) => pods
                        .iter()
                        .flat_map(|p| {
                            p.pointer("/spec/containers")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                        })
                        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
                        .find(|cp| cp["name"] == named.as_str())
                        .map(|cp| cp["containerPort"].clone())
                        .unwrap_or(sp["port"].clone()),
                    Value::Null => sp["port"].clone(),
                    n => n.clone(),
                };
                let mut p =
                    json!({"port": target, "protocol": sp["protocol"].as_str().unwrap_or("TCP")});
                if let Some(n) = sp["name"].as_str() {
                    p["name"] = json!(n);
                }
                p
            })
            .collect();
        let mut subset = serde_json::Map::new();
        if !ready.is_empty() {
            subset.insert("addresses".into(), Value::Array(ready));
        }
        if !not_ready.is_empty() {
            subset.insert("notReadyAddresses".into(), Value::Array(not_ready));
        }
        let subsets = if subset.is_empty() {
            json!([])
        } else {
            subset.insert("ports".into(), Value::Array(ports));
            json!([Value::Object(subset)])
        };
        let labels = svc
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        match st.get("endpoints", &ns, &name).cloned() {
            None => {
                let mut ep = json!({
                    "apiVersion": "v1", "kind": "Endpoints",
                    "metadata": {"name": name, "namespace": ns, "labels": labels},
                });
                if subsets.as_array().is_some_and(|a| !a.is_empty()) {
                    ep["subsets"] = subsets;
                }
                let res = registry::by_name("endpoints").expect("endpoints");
                let _ = api::create(
                    st,
                    res,
                    &ns,
                    ep,
                    &WriteCtx::by("kube-controller-manager"),
                    false,
                );
            }
            Some(_) => {
                let _ = api::modify(st, "endpoints", &ns, &name, &WriteCtx::by(KCM), |ep| {
                    if subsets.as_array().is_some_and(|a| !a.is_empty()) {
                        ep["subsets"] = subsets;
                    } else if let Some(m) = ep.as_object_mut() {
                        m.remove("subsets");
                    }
                });
            }
        }
    }
}
