//! The scheduler and the kubelets: bind pods to Ready nodes, run simulated containers through
//! their states (creating, running, ready, crashing, image pull failures), write pod status,
//! container logs and the events the real components emit.

use std::collections::{HashMap, HashSet};

use super::store::Key;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::api::{self, WriteCtx, record_event};
use super::store::State;
use super::util::{
    go_duration_secs, is_deleting, name_of, now_rfc3339, ns_of, rand_u64, str_at, uid_of,
};

/// What a simulated container does.
#[derive(Debug, Clone, PartialEq)]
pub enum Behavior {
    /// Starts, and turns Ready `after` it started (the default, with the builder's delay).
    Ready { after: Duration },
    /// Writes `logs`, exits with `exit_code` about 300 ms after starting, restarts ~1 s later.
    CrashLoop { exit_code: i32, logs: Vec<String> },
    /// The image cannot be pulled: ErrImagePull, then ImagePullBackOff.
    ImagePullBackOff,
    /// The pod is never scheduled (FailedScheduling, PodScheduled=False).
    Unschedulable,
    /// Runs but the readiness probe keeps failing.
    NeverReady,
    /// The runtime cannot create the container (e.g. capabilities the node refuses): waiting
    /// reason `CreateContainerError` with `message`, a Warning `Failed` event `Error:
    /// <message>`, retried every second while the behaviour lasts.
    CreateContainerError { message: String },
}

impl Behavior {
    /// What containerd says when a container asks for capabilities the node does not grant
    /// (the OBI agent in capabilities mode on a locked-down node).
    pub fn caps_denied() -> Behavior {
        Behavior::CreateContainerError {
            message: "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: unable to apply caps: operation not permitted: unknown".into(),
        }
    }
}

/// Which pods or containers a behaviour applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// Containers whose image contains this substring; when it names a tag
    /// (`otel/ebpf-instrument:bad`, `:broken`), the tag must end there, so `:bad` does not
    /// match `:badger` (a digest may follow).
    Image(String),
    /// All containers of pods whose name starts with this prefix.
    PodPrefix(String),
    /// Every container.
    Any,
}

impl Matcher {
    pub fn image(s: &str) -> Matcher {
        Matcher::Image(s.to_string())
    }

    pub fn pod(prefix: &str) -> Matcher {
        Matcher::PodPrefix(prefix.to_string())
    }

    fn matches(&self, pod: &str, image: &str) -> bool {
        match self {
            Matcher::Image(s) => {
                let tagged = s
                    .rsplit_once(':')
                    .is_some_and(|(_, tag)| !tag.is_empty() && !tag.contains('/'));
                if !tagged {
                    return image.contains(s.as_str());
                }
                image.match_indices(s.as_str()).any(|(at, m)| {
                    let rest = &image[at + m.len()..];
                    rest.is_empty() || rest.starts_with('@')
                })
            }
            Matcher::PodPrefix(p) => pod.starts_with(p.as_str()),
            Matcher::Any => true,
        }
    }
}

const CREATE_DELAY: Duration = Duration::from_millis(100);
const CRASH_AFTER: Duration = Duration::from_millis(300);
const CRASH_BACKOFF: Duration = Duration::from_millis(700);

#[derive(Debug, Clone)]
enum CState {
    Creating {
        until: Instant,
    },
    Running {
        ready_at: Option<Instant>,
        crash_at: Option<Instant>,
        unhealthy_at: Option<Instant>,
        exit_code: i32,
    },
    CrashBackOff {
        until: Instant,
    },
    ErrPull {
        until: Instant,
    },
    /// A referenced Secret/ConfigMap (key) is missing: CreateContainerConfigError.
    ConfigError {
        until: Instant,
        message: String,
    },
    /// The runtime refused to create the container: CreateContainerError.
    CreateError {
        until: Instant,
        message: String,
    },
    PullBackOff {
        until: Instant,
    },
    Terminated {
        exit_code: i64,
        reason: &'static str,
    },
}

#[derive(Debug, Clone)]
struct CSim {
    name: String,
    image: String,
    init: bool,
    state: CState,
    restarts: i64,
    started_at: String,
    container_id: String,
    ready: bool,
    last_terminated: Option<Value>,
}

#[derive(Debug, Clone, Default)]
pub struct PodSim {
    node: Option<String>,
    pod_ip: String,
    host_ip: String,
    start_time: String,
    containers: Vec<CSim>,
    deleting_at: Option<Instant>,
    unsched_event_at: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct Kubelet {
    pods: HashMap<String, PodSim>,
    rr: usize,
    next_ip: u32,
}

pub fn behavior_for(st: &State, pod: &str, image: &str) -> Behavior {
    st.behaviors
        .iter()
        .rev()
        .find(|(m, _)| m.matches(pod, image))
        .map(|(_, b)| b.clone())
        .unwrap_or(Behavior::Ready {
            after: st.cfg.ready_delay,
        })
}

/// `nginx:1.27` → `docker.io/library/nginx:1.27`, as containerd reports images.
pub fn full_image(image: &str) -> String {
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n.to_string(), t.to_string()),
        _ => (image.to_string(), "latest".to_string()),
    };
    let first = name.split('/').next().unwrap_or("");
    let name = if !name.contains('/') {
        format!("docker.io/library/{name}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        name
    } else {
        format!("docker.io/{name}")
    };
    format!("{name}:{tag}")
}

fn hex(n: usize) -> String {
    let mut s = String::new();
    while s.len() < n {
        s.push_str(&format!("{:016x}", rand_u64()));
    }
    s.truncate(n);
    s
}

fn pull_error(image: &str) -> String {
    let full = full_image(image);
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
    )
}

fn node_ready(node: &Value) -> bool {
    node.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// Nodes a pod may run on, as the scheduler's filters decide (NodeUnschedulable,
/// TaintToleration, NodeAffinity, and a Ready kubelet), the number of nodes, and the
/// `FailedScheduling` reasons (`1 node(s) had untolerated taint {k: v}, …`) when none fits.
fn feasible_nodes(st: &State, pod: &Value) -> (Vec<String>, usize, String) {
    let nodes = st.list("nodes", None);
    let total = nodes.len();
    let spec = &pod["spec"];
    // VolumeBinding PreFilter: every claim must exist and be bound (Immediate binding).
    let not_helpful = format!(
        "preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
    );
    for v in spec["volumes"].as_array().into_iter().flatten() {
        let Some(claim) = v
            .pointer("/persistentVolumeClaim/claimName")
            .and_then(Value::as_str)
        else {
            continue;
        };
        match st.get("persistentvolumeclaims", ns_of(pod), claim) {
            None => {
                return (
                    vec![],
                    total,
                    format!(
                        "0/{total} nodes are available: persistentvolumeclaim {claim:?} not found. {not_helpful}"
                    ),
                );
            }
            Some(c) if c.pointer("/status/phase").and_then(Value::as_str) != Some("Bound") => {
                return (
                    vec![],
                    total,
                    format!(
                        "0/{total} nodes are available: {total} pod has unbound immediate PersistentVolumeClaims. {not_helpful}"
                    ),
                );
            }
            Some(_) => {}
        }
    }
    let wants = pod_requests(spec);
    // Resources already requested on each node by the pods bound to it.
    let mut used: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for p in st.list("pods", None) {
        let Some(n) = str_at(p, &["spec", "nodeName"]) else {
            continue;
        };
        let phase = str_at(p, &["status", "phase"]).unwrap_or("Pending");
        if phase == "Succeeded" || phase == "Failed" || uid_of(p) == uid_of(pod) {
            continue;
        }
        let e = used.entry(n.to_string()).or_default();
        for (k, q) in pod_requests(&p["spec"]) {
            *e.entry(k).or_default() += q;
        }
    }
    let mut insufficient = 0usize;
    let tols = super::sched::tolerations_of(spec);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    let mut ok = Vec::new();
    for n in nodes {
        let unsched_taint =
            json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"});
        let reason = if n.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true)
            && !tols
                .iter()
                .any(|t| super::sched::tolerates(t, &unsched_taint))
        {
            Some("node(s) were unschedulable".to_string())
        } else if let Some(t) = super::sched::untolerated(n, &tols, &["NoSchedule", "NoExecute"]) {
            Some(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t["key"].as_str().unwrap_or(""),
                t["value"].as_str().unwrap_or("")
            ))
        } else if !super::sched::fits_affinity(spec, n) {
            Some("node(s) didn't match Pod's node affinity/selector".to_string())
        } else if let Some(r) = short_resource(n, &wants, used.get(name_of(n))) {
            insufficient += 1;
            Some(format!("Insufficient {r}"))
        } else if !node_ready(n) {
            Some("node(s) had untolerated taint {node.kubernetes.io/not-ready: }".to_string())
        } else {
            None
        };
        match reason {
            Some(r) => *reasons.entry(r).or_default() += 1,
            None => ok.push(name_of(n).to_string()),
        }
    }
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    // Preemption could free resources on the nodes that only lack them; nothing else helps.
    let unresolvable = total - insufficient;
    let mut preemption = Vec::new();
    if insufficient > 0 {
        preemption.push(format!(
            "{insufficient} No preemption victims found for incoming pod"
        ));
    }
    if unresolvable > 0 {
        preemption.push(format!(
            "{unresolvable} Preemption is not helpful for scheduling"
        ));
    }
    preemption.sort();
    let message = format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        parts.join(", "),
        preemption.join(", ")
    );
    (ok, total, message)
}

/// What a pod requests: per resource, the sum over its containers (the larger of that and each
/// init container's); an extended resource's request is its limit when only a limit is set.
fn pod_requests(spec: &Value) -> HashMap<String, f64> {
    let one = |c: &Value| -> HashMap<String, f64> {
        let mut m: HashMap<String, f64> = HashMap::new();
        let r = &c["resources"];
        for (k, v) in r["limits"].as_object().into_iter().flatten() {
            if k.contains('/') {
                m.insert(k.clone(), quantity(v));
            }
        }
        for (k, v) in r["requests"].as_object().into_iter().flatten() {
            m.insert(k.clone(), quantity(v));
        }
        m
    };
    let mut total: HashMap<String, f64> = HashMap::new();
    for c in spec["containers"].as_array().into_iter().flatten() {
        for (k, q) in one(c) {
            *total.entry(k).or_default() += q;
        }
    }
    for c in spec["initContainers"].as_array().into_iter().flatten() {
        for (k, q) in one(c) {
            let e = total.entry(k).or_default();
            *e = e.max(q);
        }
    }
    total
}

fn quantity(v: &Value) -> f64 {
    v.as_str()
        .and_then(super::validate::parse_quantity)
        .or_else(|| v.as_f64())
        .unwrap_or(0.0)
}

/// The first resource (in name order) the node cannot fit, if any (the NodeResourcesFit
/// filter): requested + already used > allocatable. A resource the node does not list has
/// nothing allocatable.
fn short_resource(
    node: &Value,
    wants: &HashMap<String, f64>,
    used: Option<&HashMap<String, f64>>,
) -> Option<String> {
    let alloc = &node["status"]["allocatable"];
    let mut names: Vec<&String> = wants.keys().collect();
    names.sort();
    names
        .into_iter()
        .find(|k| {
            let want = wants[*k];
            if want <= 0.0 {
                return false;
            }
            let have = alloc.get(k.as_str()).map(quantity).unwrap_or(0.0);
            let taken = used.and_then(|u| u.get(*k)).copied().unwrap_or(0.0);
            taken + want > have + 1e-9
        })
        .cloned()
}

fn container_list(pod: &Value) -> Vec<CSim> {
    let mut out = Vec::new();
    for (key, init) in [("initContainers", true), ("containers", false)] {
        for c in pod
            .pointer(&format!("/spec/{key}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(CSim {
                name: c["name"].as_str().unwrap_or("").to_string(),
                image: c["image"].as_str().unwrap_or("").to_string(),
                init,
                state: CState::Creating {
                    until: Instant::now() + CREATE_DELAY,
                },
                restarts: 0,
                started_at: String::new(),
                container_id: String::new(),
                ready: false,
                last_terminated: None,
            });
        }
    }
    out
}

fn field_path(c: &CSim) -> String {
    if c.init {
        format!("spec.initContainers{{{}}}", c.name)
    } else {
        format!("spec.containers{{{}}}", c.name)
    }
}

/// Step the pods in `work` (written since last time, or due); `all` steps every pod.
pub fn reconcile(st: &mut State, work: &HashSet<Key>, all: bool) {
    let now = Instant::now();
    let uids = &st.uids;
    st.kubelet.pods.retain(|uid, _| uids.contains_key(uid));
    let nodes_changed = work.iter().any(|k| k.0 == "nodes");
    let keys: Vec<Key> = if all || nodes_changed {
        st.objects
            .range(("pods".to_string(), String::new(), String::new())..)
            .take_while(|(k, _)| k.0 == "pods")
            .map(|(k, _)| k.clone())
            .collect()
    } else {
        work.iter().filter(|k| k.0 == "pods").cloned().collect()
    };
    for key in keys {
        let Some(pod) = st.objects.get(&key).cloned() else {
            continue;
        };
        let mut next = None;
        step_pod(st, pod, now, &mut next);
        if let Some(at) = next {
            st.wake_at(key, at);
        }
    }
}

fn due(next: &mut Option<Instant>, at: Instant) {
    if next.is_none_or(|n| at < n) {
        *next = Some(at);
    }
}

fn step_pod(st: &mut State, pod: Value, now: Instant, next: &mut Option<Instant>) {
    let uid = uid_of(&pod).to_string();
    let ns = ns_of(&pod).to_string();
    let name = name_of(&pod).to_string();
    let mut sim = st.kubelet.pods.remove(&uid).unwrap_or_default();

    if is_deleting(&pod) {
        let bound = pod.pointer("/spec/nodeName").is_some_and(|n| !n.is_null());
        let finalizers = pod
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        if !bound {
            if !finalizers {
                st.remove("pods", &ns, &name);
            }
            return;
        }
        let grace_secs = pod
            .pointer("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(30)
            .max(0) as u64;
        let grace = st.cfg.deletion_grace.min(Duration::from_secs(grace_secs));
        if sim.deleting_at.is_none() {
            sim.deleting_at = Some(now);
            for c in sim.containers.iter_mut() {
                if matches!(c.state, CState::Running { .. }) {
                    c.state = CState::Terminated {
                        exit_code: 0,
                        reason: "Completed",
                    };
                    c.ready = false;
                    st.logs.end(&ns, &name, &c.name);
                }
            }
            st.log_tx.send_modify(|v| *v += 1);
            for c in &sim.containers {
                if !c.started_at.is_empty() && !c.init {
                    record_event(
                        st,
                        &pod,
                        "Normal",
                        "Killing",
                        &format!("Stopping container {}", c.name),
                        "kubelet",
                        Some(&field_path(c)),
                    );
                }
            }
            write_status(st, &pod, &sim);
        }
        let at = sim.deleting_at.unwrap_or(now) + grace;
        if now >= at && !finalizers {
            st.remove("pods", &ns, &name);
            return;
        }
        due(next, at);
        st.kubelet.pods.insert(uid, sim);
        return;
    }

    if sim.node.is_none() {
        let bound = str_at(&pod, &["spec", "nodeName"]).map(String::from);
        let node = match bound {
            Some(n) => n,
            None => {
                let unsched = container_list(&pod)
                    .iter()
                    .any(|c| behavior_for(st, &name, &c.image) == Behavior::Unschedulable);
                let (feasible, total, why) = feasible_nodes(st, &pod);
                if unsched || feasible.is_empty() {
                    let message = if unsched {
                        format!(
                            "0/{total} nodes are available: {total} Insufficient cpu. preemption: 0/{total} nodes are available: {total} No preemption victims found for incoming pod."
                        )
                    } else {
                        why
                    };
                    if sim
                        .unsched_event_at
                        .is_none_or(|t| now.duration_since(t) > Duration::from_secs(10))
                    {
                        sim.unsched_event_at = Some(now);
                        record_event(
                            st,
                            &pod,
                            "Warning",
                            "FailedScheduling",
                            &message,
                            "default-scheduler",
                            None,
                        );
                    }
                    let cond = json!({
                        "type": "PodScheduled", "status": "False", "lastProbeTime": null,
                        "lastTransitionTime": now_rfc3339(), "reason": "Unschedulable", "message": message,
                    });
                    let _ = api::modify(
                        st,
                        "pods",
                        &ns,
                        &name,
                        &WriteCtx::status("kube-scheduler"),
                        |p| {
                            let old = p
                                .pointer("/status/conditions")
                                .and_then(Value::as_array)
                                .cloned();
                            let same = old.as_ref().is_some_and(|cs| {
                                cs.iter().any(|c| {
                                    c["type"] == "PodScheduled"
                                        && c["reason"] == "Unschedulable"
                                        && c["message"] == cond["message"]
                                })
                            });
                            if !same {
                                p["status"]["conditions"] = json!([cond]);
                                p["status"]["phase"] = json!("Pending");
                            }
                        },
                    );
                    due(next, now + Duration::from_secs(1));
                    st.kubelet.pods.insert(uid, sim);
                    return;
                }
                let node = feasible[st.kubelet.rr % feasible.len()].clone();
                st.kubelet.rr += 1;
                let _ = api::modify(
                    st,
                    "pods",
                    &ns,
                    &name,
                    &WriteCtx::by("kube-scheduler"),
                    |p| {
                        p["spec"]["nodeName"] = json!(node);
                    },
                );
                let pod_now = st.get("pods", &ns, &name).cloned().unwrap_or(pod.clone());
                record_event(
                    st,
                    &pod_now,
                    "Normal",
                    "Scheduled",
                    &format!("Successfully assigned {ns}/{name} to {node}"),
                    "default-scheduler",
                    None,
                );
                node
            }
        };
        let node_obj = st.get("nodes", "", &node).cloned().unwrap_or(Value::Null);
        let host_ip = node_obj
            .pointer("/status/addresses/0/address")
            .and_then(Value::as_str)
            .unwrap_or("172.18.0.2")
            .to_string();
        let node_idx: u32 = node
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        st.kubelet.next_ip += 1;
        let n = st.kubelet.next_ip;
        sim.pod_ip = if pod.pointer("/spec/hostNetwork").and_then(Value::as_bool) == Some(true) {
            host_ip.clone()
        } else {
            format!("10.244.{}.{}", node_idx, n % 250 + 2)
        };
        sim.host_ip = host_ip;
        sim.node = Some(node);
        sim.start_time = now_rfc3339();
        sim.containers = container_list(&pod);
        let pod_now = st.get("pods", &ns, &name).cloned().unwrap_or(pod.clone());
        for c in sim.containers.clone() {
            if behavior_for(st, &name, &c.image) != Behavior::ImagePullBackOff {
                record_event(
                    st,
                    &pod_now,
                    "Normal",
                    "Pulling",
                    &format!("Pulling image {:?}", c.image),
                    "kubelet",
                    Some(&field_path(&c)),
                );
            }
        }
    }

    let pod = st.get("pods", &ns, &name).cloned().unwrap_or(pod);
    let mut containers = std::mem::take(&mut sim.containers);
    for c in containers.iter_mut() {
        advance(st, &pod, c, now, next);
    }
    sim.containers = containers;
    write_status(st, &pod, &sim);
    st.kubelet.pods.insert(uid, sim);
}

/// A volume whose ConfigMap or Secret does not exist: (volume, kubelet's message).
fn missing_volume(st: &State, pod: &Value) -> Option<(String, String)> {
    let ns = ns_of(pod);
    for v in pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let vname = v["name"].as_str().unwrap_or("").to_string();
        let mut refs: Vec<(&str, &Value)> = Vec::new();
        if let Some(cm) = v.get("configMap") {
            refs.push(("configmaps", cm));
        }
        if let Some(s) = v.get("secret") {
            refs.push(("secrets", s));
        }
        for src in v
            .pointer("/projected/sources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(cm) = src.get("configMap") {
                refs.push(("configmaps", cm));
            }
            if let Some(s) = src.get("secret") {
                refs.push(("secrets", s));
            }
        }
        for (plural, r) in refs {
            if r["optional"].as_bool() == Some(true) {
                continue;
            }
            let name = r["name"]
                .as_str()
                .or(r["secretName"].as_str())
                .unwrap_or("");
            if st.get(plural, ns, name).is_none() {
                let what = if plural == "secrets" {
                    "secret"
                } else {
                    "configmap"
                };
                return Some((vname, format!("{what} {name:?} not found")));
            }
        }
    }
    None
}

/// Why a container's environment cannot be built (a missing Secret/ConfigMap or key).
fn missing_env(st: &State, pod: &Value, container: &str) -> Option<String> {
    let ns = ns_of(pod);
    let c = ["containers", "initContainers"]
        .iter()
        .flat_map(|k| {
            pod.pointer(&format!("/spec/{k}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .find(|c| c["name"] == container)?;
    let check = |plural: &str, r: &Value, key: Option<&str>| -> Option<String> {
        if r["optional"].as_bool() == Some(true) {
            return None;
        }
        let name = r["name"].as_str().unwrap_or("");
        let (what, kind) = if plural == "secrets" {
            ("secret", "Secret")
        } else {
            ("configmap", "ConfigMap")
        };
        let Some(obj) = st.get(plural, ns, name) else {
            return Some(format!("{what} {name:?} not found"));
        };
        let key = key?;
        let has = ["data", "binaryData", "stringData"]
            .iter()
            .any(|d| obj.get(*d).and_then(|m| m.get(key)).is_some());
        (!has).then(|| format!("couldn't find key {key} in {kind} {ns}/{name}"))
    };
    for e in c["env"].as_array().into_iter().flatten() {
        if let Some(r) = e.pointer("/valueFrom/secretKeyRef")
            && let Some(m) = check("secrets", r, r["key"].as_str())
        {
            return Some(m);
        }
        if let Some(r) = e.pointer("/valueFrom/configMapKeyRef")
            && let Some(m) = check("configmaps", r, r["key"].as_str())
        {
            return Some(m);
        }
    }
    for e in c["envFrom"].as_array().into_iter().flatten() {
        if let Some(r) = e.get("secretRef")
            && let Some(m) = check("secrets", r, None)
        {
            return Some(m);
        }
        if let Some(r) = e.get("configMapRef")
            && let Some(m) = check("configmaps", r, None)
        {
            return Some(m);
        }
    }
    None
}

fn start_container(st: &mut State, pod: &Value, c: &mut CSim, now: Instant, first: bool) {
    let ns = ns_of(pod).to_string();
    let name = name_of(pod).to_string();
    let fp = field_path(c);
    let behavior = behavior_for(st, &name, &c.image);
    if behavior == Behavior::ImagePullBackOff {
        c.state = CState::ErrPull {
            until: now + Duration::from_millis(500),
        };
        let msg = pull_error(&c.image);
        record_event(
            st,
            pod,
            "Normal",
            "Pulling",
            &format!("Pulling image {:?}", c.image),
            "kubelet",
            Some(&fp),
        );
        record_event(
            st,
            pod,
            "Warning",
            "Failed",
            &format!("Failed to pull image {:?}: {msg}", c.image),
            "kubelet",
            Some(&fp),
        );
        record_event(
            st,
            pod,
            "Warning",
            "Failed",
            "Error: ErrImagePull",
            "kubelet",
            Some(&fp),
        );
        return;
    }
    if let Some(message) = missing_env(st, pod, &c.name) {
        if !matches!(c.state, CState::ConfigError { .. }) {
            record_event(
                st,
                pod,
                "Normal",
                "Pulled",
                &format!("Container image {:?} already present on machine", c.image),
                "kubelet",
                Some(&fp),
            );
        }
        record_event(
            st,
            pod,
            "Warning",
            "Failed",
            &format!("Error: {message}"),
            "kubelet",
            Some(&fp),
        );
        c.state = CState::ConfigError {
            until: now + Duration::from_secs(1),
            message,
        };
        return;
    }
    if let Behavior::CreateContainerError { message } = &behavior {
        let pulled = if first {
            format!(
                "Successfully pulled image {:?} in 1.234s (1.234s including waiting). Image size: 28478395 bytes.",
                c.image
            )
        } else {
            format!("Container image {:?} already present on machine", c.image)
        };
        record_event(st, pod, "Normal", "Pulled", &pulled, "kubelet", Some(&fp));
        record_event(
            st,
            pod,
            "Warning",
            "Failed",
            &format!("Error: {message}"),
            "kubelet",
            Some(&fp),
        );
        c.state = CState::CreateError {
            until: now + Duration::from_secs(1),
            message: message.clone(),
        };
        return;
    }
    let pulled = if first {
        format!(
            "Successfully pulled image {:?} in 1.234s (1.234s including waiting). Image size: 28478395 bytes.",
            c.image
        )
    } else {
        format!("Container image {:?} already present on machine", c.image)
    };
    record_event(st, pod, "Normal", "Pulled", &pulled, "kubelet", Some(&fp));
    record_event(
        st,
        pod,
        "Normal",
        "Created",
        &format!("Created container: {}", c.name),
        "kubelet",
        Some(&fp),
    );
    record_event(
        st,
        pod,
        "Normal",
        "Started",
        &format!("Started container {}", c.name),
        "kubelet",
        Some(&fp),
    );
    c.started_at = now_rfc3339();
    c.container_id = format!("containerd://{}", hex(64));
    st.logs.start_instance(&ns, &name, &c.name);
    st.logs.append(
        &ns,
        &name,
        &c.name,
        &format!("Starting {} ({})", c.name, c.image),
    );
    if c.init {
        st.logs.append(&ns, &name, &c.name, "init done");
        st.logs.end(&ns, &name, &c.name);
        st.log_tx.send_modify(|v| *v += 1);
        c.state = CState::Terminated {
            exit_code: 0,
            reason: "Completed",
        };
        return;
    }
    let (ready_at, crash_at, unhealthy_at, exit_code) = match &behavior {
        Behavior::Ready { after } => {
            st.logs.append(&ns, &name, &c.name, "Listening and ready");
            (Some(now + *after), None, None, 0)
        }
        Behavior::CrashLoop { exit_code, logs } => {
            for l in logs {
                st.logs.append(&ns, &name, &c.name, l);
            }
            (None, Some(now + CRASH_AFTER), None, *exit_code)
        }
        Behavior::NeverReady => {
            st.logs
                .append(&ns, &name, &c.name, "Listening, waiting for dependencies");
            (None, None, Some(now + Duration::from_millis(500)), 0)
        }
        _ => (Some(now), None, None, 0),
    };
    st.log_tx.send_modify(|v| *v += 1);
    c.state = CState::Running {
        ready_at,
        crash_at,
        unhealthy_at,
        exit_code,
    };
}

fn advance(st: &mut State, pod: &Value, c: &mut CSim, now: Instant, next: &mut Option<Instant>) {
    let ns = ns_of(pod).to_string();
    let name = name_of(pod).to_string();
    let fp = field_path(c);
    match c.state.clone() {
        CState::Creating { until } => {
            if now >= until {
                if let Some((volume, why)) = missing_volume(st, pod) {
                    record_event(
                        st,
                        pod,
                        "Warning",
                        "FailedMount",
                        &format!("MountVolume.SetUp failed for volume {volume:?} : {why}"),
                        "kubelet",
                        None,
                    );
                    c.state = CState::Creating {
                        until: now + Duration::from_secs(1),
                    };
                } else {
                    start_container(st, pod, c, now, true);
                }
            }
        }
        CState::ConfigError { until, .. } | CState::CreateError { until, .. } => {
            if now >= until {
                start_container(st, pod, c, now, false);
            }
        }
        CState::Running {
            ready_at,
            crash_at,
            unhealthy_at,
            exit_code,
        } => {
            if let Some(at) = ready_at
                && now >= at
            {
                c.ready = true;
            }
            if let Some(at) = crash_at
                && now >= at
            {
                st.logs.end(&ns, &name, &c.name);
                st.log_tx.send_modify(|v| *v += 1);
                c.ready = false;
                c.last_terminated = Some(json!({
                    "terminated": {
                        "exitCode": exit_code,
                        "reason": "Error",
                        "startedAt": c.started_at,
                        "finishedAt": now_rfc3339(),
                        "containerID": c.container_id,
                    }
                }));
                let policy = str_at(pod, &["spec", "restartPolicy"]).unwrap_or("Always");
                if policy == "Never" || (policy == "OnFailure" && exit_code == 0) {
                    c.state = CState::Terminated {
                        exit_code: exit_code as i64,
                        reason: if exit_code == 0 { "Completed" } else { "Error" },
                    };
                    c.last_terminated = None;
                    return;
                }
                c.state = CState::CrashBackOff {
                    until: now + CRASH_BACKOFF,
                };
                let uid = uid_of(pod);
                record_event(
                    st,
                    pod,
                    "Warning",
                    "BackOff",
                    &format!(
                        "Back-off restarting failed container {} in pod {name}_{ns}({uid})",
                        c.name
                    ),
                    "kubelet",
                    Some(&fp),
                );
            }
            if let Some(at) = unhealthy_at
                && now >= at
            {
                record_event(
                    st,
                    pod,
                    "Warning",
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503",
                    "kubelet",
                    Some(&fp),
                );
                if let CState::Running { unhealthy_at, .. } = &mut c.state {
                    *unhealthy_at = Some(now + Duration::from_secs(2));
                }
            }
        }
        CState::CrashBackOff { until } => {
            if now >= until {
                c.restarts += 1;
                start_container(st, pod, c, now, false);
            }
        }
        CState::ErrPull { until } => {
            if now >= until {
                c.state = CState::PullBackOff {
                    until: now + Duration::from_secs(5),
                };
                record_event(
                    st,
                    pod,
                    "Normal",
                    "BackOff",
                    &format!("Back-off pulling image {:?}", c.image),
                    "kubelet",
                    Some(&fp),
                );
                record_event(
                    st,
                    pod,
                    "Warning",
                    "Failed",
                    "Error: ImagePullBackOff",
                    "kubelet",
                    Some(&fp),
                );
            }
        }
        CState::PullBackOff { until } => {
            if now >= until {
                start_container(st, pod, c, now, true);
            }
        }
        CState::Terminated { .. } => {}
    }
    match &c.state {
        CState::Creating { until }
        | CState::ConfigError { until, .. }
        | CState::CreateError { until, .. }
        | CState::CrashBackOff { until }
        | CState::ErrPull { until }
        | CState::PullBackOff { until } => due(next, *until),
        CState::Running {
            ready_at,
            crash_at,
            unhealthy_at,
            ..
        } => {
            for at in [ready_at, crash_at, unhealthy_at].into_iter().flatten() {
                if !(c.ready && Some(*at) == *ready_at) {
                    due(next, *at);
                }
            }
        }
        CState::Terminated { .. } => {}
    }
}

fn backoff_secs(restarts: i64) -> u64 {
    let mut b = 10u64;
    for _ in 1..restarts.max(1) {
        b = (b * 2).min(300);
    }
    b
}

fn container_status(pod: &Value, c: &CSim) -> Value {
    let (state, started) = match &c.state {
        CState::Creating { .. } => (
            json!({"waiting": {"reason": if c.init { "PodInitializing" } else { "ContainerCreating" }}}),
            false,
        ),
        CState::Running { .. } => (json!({"running": {"startedAt": c.started_at}}), true),
        CState::CrashBackOff { .. } => (
            json!({"waiting": {
                "reason": "CrashLoopBackOff",
                "message": format!(
                    "back-off {} restarting failed container={} pod={}_{}({})",
                    go_duration_secs(backoff_secs(c.restarts + 1)),
                    c.name, name_of(pod), ns_of(pod), uid_of(pod)
                ),
            }}),
            false,
        ),
        CState::ErrPull { .. } => (
            json!({"waiting": {"reason": "ErrImagePull", "message": pull_error(&c.image)}}),
            false,
        ),
        CState::ConfigError { message, .. } => (
            json!({"waiting": {"reason": "CreateContainerConfigError", "message": message}}),
            false,
        ),
        CState::CreateError { message, .. } => (
            json!({"waiting": {"reason": "CreateContainerError", "message": message}}),
            false,
        ),
        CState::PullBackOff { .. } => (
            json!({"waiting": {
                "reason": "ImagePullBackOff",
                "message": format!("Back-off pulling image {:?}: ErrImagePull: {}", c.image, pull_error(&c.image)),
            }}),
            false,
        ),
        CState::Terminated { exit_code, reason } => (
            json!({"terminated": {
                "exitCode": exit_code, "reason": reason, "startedAt": c.started_at,
                "finishedAt": now_rfc3339(), "containerID": c.container_id,
            }}),
            false,
        ),
    };
    let mut s = json!({
        "name": c.name,
        "image": c.image,
        "imageID": "",
        "ready": c.ready,
        "restartCount": c.restarts,
        "started": started,
        "state": state,
        "lastState": c.last_terminated.clone().unwrap_or(json!({})),
    });
    if !c.container_id.is_empty() {
        s["containerID"] = json!(c.container_id);
        s["imageID"] = json!(format!(
            "{}@sha256:{}",
            full_image(&c.image)
                .rsplit_once(':')
                .map(|(n, _)| n)
                .unwrap_or(""),
            "4f8ea2ab2fa7d1a0b6c6e1ff5c6e0e3a5a0e1d2c3b4a59687766554433221100"
        ));
    }
    s
}

fn write_status(st: &mut State, pod: &Value, sim: &PodSim) {
    let ns = ns_of(pod).to_string();
    let name = name_of(pod).to_string();
    let mains: Vec<&CSim> = sim.containers.iter().filter(|c| !c.init).collect();
    let inits: Vec<&CSim> = sim.containers.iter().filter(|c| c.init).collect();
    let init_done = inits
        .iter()
        .all(|c| matches!(c.state, CState::Terminated { .. }));
    let all_ready = !mains.is_empty() && mains.iter().all(|c| c.ready);
    let unready: Vec<&str> = mains
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.as_str())
        .collect();
    let ever_started = mains.iter().any(|c| !c.started_at.is_empty());
    let deleting = sim.deleting_at.is_some();
    // The node lifecycle controller marks pods on a NotReady node not ready.
    let node_ok = sim
        .node
        .as_ref()
        .and_then(|n| st.get("nodes", "", n))
        .is_none_or(|n| {
            n.pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                })
        });
    let exits: Vec<i64> = mains
        .iter()
        .filter_map(|c| match c.state {
            CState::Terminated { exit_code, .. } => Some(exit_code),
            _ => None,
        })
        .collect();
    let phase = if !deleting && !mains.is_empty() && exits.len() == mains.len() {
        if exits.iter().all(|e| *e == 0) {
            "Succeeded"
        } else {
            "Failed"
        }
    } else if ever_started {
        "Running"
    } else {
        "Pending"
    };
    let all_ready = all_ready && node_ok;
    let started = !sim.start_time.is_empty();
    let old_conds: Vec<Value> = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let cond = |ty: &str, ok: bool, reason: Option<String>, message: Option<String>| {
        let status = if ok { "True" } else { "False" };
        let prev = old_conds.iter().find(|c| c["type"] == ty);
        let ltt = match prev {
            Some(p) if p["status"] == status => p["lastTransitionTime"].clone(),
            _ => json!(now_rfc3339()),
        };
        let mut c =
            json!({"type": ty, "status": status, "lastProbeTime": null, "lastTransitionTime": ltt});
        if let Some(r) = reason {
            c["reason"] = json!(r);
        }
        if let Some(m) = message {
            c["message"] = json!(m);
        }
        c
    };
    let (nr_reason, nr_msg) = if all_ready {
        (None, None)
    } else if !init_done {
        let pending: Vec<&str> = inits
            .iter()
            .filter(|c| !matches!(c.state, CState::Terminated { .. }))
            .map(|c| c.name.as_str())
            .collect();
        (
            Some("ContainersNotInitialized".to_string()),
            Some(format!(
                "containers with incomplete status: [{}]",
                pending.join(" ")
            )),
        )
    } else {
        (
            Some("ContainersNotReady".to_string()),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        )
    };
    let conditions = vec![
        cond(
            "PodReadyToStartContainers",
            started && !deleting,
            None,
            None,
        ),
        cond(
            "Initialized",
            init_done,
            (!init_done).then(|| "ContainersNotInitialized".to_string()),
            None,
        ),
        cond("Ready", all_ready, nr_reason.clone(), nr_msg.clone()),
        cond("ContainersReady", all_ready, nr_reason, nr_msg),
        cond("PodScheduled", true, None, None),
    ];
    let mut status = json!({
        "phase": phase,
        "conditions": conditions,
        "hostIP": sim.host_ip,
        "hostIPs": [{"ip": sim.host_ip}],
        "podIP": sim.pod_ip,
        "podIPs": [{"ip": sim.pod_ip}],
        "startTime": sim.start_time,
        "qosClass": pod.pointer("/status/qosClass").cloned().unwrap_or(json!("BestEffort")),
        "containerStatuses": mains.iter().map(|c| container_status(pod, c)).collect::<Vec<_>>(),
    });
    if !inits.is_empty() {
        status["initContainerStatuses"] = json!(
            inits
                .iter()
                .map(|c| container_status(pod, c))
                .collect::<Vec<_>>()
        );
    }
    // Keep terminated finishedAt stable across passes.
    if let Some(old) = pod.get("status") {
        for key in ["containerStatuses", "initContainerStatuses"] {
            if let (Some(new), Some(old)) = (
                status.get_mut(key).and_then(Value::as_array_mut),
                old.get(key).and_then(Value::as_array),
            ) {
                for n in new.iter_mut() {
                    if let Some(o) = old.iter().find(|o| o["name"] == n["name"])
                        && n["state"].get("terminated").is_some()
                        && o["state"].get("terminated").is_some()
                    {
                        n["state"] = o["state"].clone();
                    }
                }
            }
        }
    }
    let _ = api::modify(st, "pods", &ns, &name, &WriteCtx::status("kubelet"), |p| {
        p["status"] = status;
    });
}
