//! A fake Kubernetes API server on 127.0.0.1 that behaves like the real one: discovery, CRUD
//! with label/field selectors and paging, server-side apply with field managers, strategic /
//! merge / JSON patches, watches (with bookmarks and 410 Gone), pod logs, validation (422),
//! Pod Security admission (403), and controllers that run Deployments, ReplicaSets, DaemonSets,
//! the garbage collector, namespace deletion, a scheduler and simulated kubelets.
//!
//! ```ignore
//! let cluster = FakeCluster::start();          // or FakeCluster::builder().nodes(3).start()
//! // run `b00t --kubeconfig <cluster.kubeconfig_path()> k8s deploy-mcp …` as a process, then:
//! let d = cluster.get("deployments", "default", "web-mcp").unwrap();
//! assert!(cluster.wait_until(Duration::from_secs(10), |c| {
//!     c.get("deployments", "default", "web-mcp").unwrap()["status"]["readyReplicas"] == 1
//! }));
//! cluster.set_behavior(Matcher::image("broken"), Behavior::CrashLoop { exit_code: 1, logs: vec![] });
//! cluster.fail(FaultRule::new(403).verb("patch").resource("deployments"));
//! assert!(cluster.requests().iter().all(|r| !r.is_write()));
//! ```
//!
//! For the OBI agent's life cycle:
//! - Nodes: `builder().node_info(i, kernel, os_image, arch)`, `.node_taint(i, k, v, effect)`,
//!   `.node_label(i, k, v)`, `.node_unschedulable(i)`; at run time `taint_node`,
//!   `untaint_node`, `set_node_unschedulable`, `label_node`, `set_node_ready` (which also
//!   sets the `node.kubernetes.io/unreachable` taints, as the node lifecycle controller does).
//!   The scheduler and the DaemonSet controller honour taints, tolerations, nodeSelector and
//!   required node affinity; a NoExecute taint evicts pods that do not tolerate it.
//! - DaemonSets roll out like the real controller (maxUnavailable, maxSurge, minReadySeconds,
//!   ControllerRevisions, so `kubectl rollout history|undo` work); a failing new revision
//!   stalls with one node down; rolling the template back recovers.
//! - `Behavior::CreateContainerError { message }` (`Behavior::caps_denied()` for the
//!   capabilities error), `clear_behaviors()`, `clear_behavior(&matcher)`.
//! - `forbid(verb, group, resource, ns)` / `clear_forbids()`: the authorizer's 403, and
//!   `selfsubjectaccessreviews` (JSON or kubectl's protobuf) answer from the same policy.
//! - `GET /api/v1/nodes/{n}/proxy/stats/summary` (the kubelet Summary API, from
//!   `set_pod_metrics`/`set_node_metrics`), `/api/v1/namespaces/{ns}/pods/{p}[:port]/proxy/…`
//!   answering what `serve_pod_http` registered, with the proxy's real errors.
//! - `pods/{p}/exec` and `pods/{p}/portforward` over WebSocket (`stream.rs`): exec runs the
//!   command as a local process with the container's env; port-forward reaches what
//!   `forward_pod_port` registered.
//!
//! Things that differ from what a test might naively expect, because the real server does them:
//! - Items of a list response have no `kind`/`apiVersion`; `get` responses have them.
//! - Controllers write too: after an apply, the Deployment's resourceVersion moves again
//!   (revision annotation, status). Compare `metadata.generation` for spec changes.
//! - Each namespace gets a `default` ServiceAccount and a `kube-root-ca.crt` ConfigMap, and
//!   `default` has the `kubernetes` Service.
//! - Pods are deleted gracefully (`deletionTimestamp` first, gone ~200 ms later); DELETE of a
//!   pod/service/serviceaccount answers with the object, of other kinds with a `Status`.
//! - Scheduler events (`Scheduled`, `FailedScheduling`) are new-style: `eventTime`/`series`,
//!   null `firstTimestamp`/`lastTimestamp`, no `count`. Kubelet and controller events are
//!   old-style with `count`.
//! - Bodies are decoded through the k8s-openapi types like the server decodes into Go
//!   structs: unknown fields are dropped (`fieldValidation=Strict` → 400), wrong types → 400.
//! - kubectl's `create secret|configmap|deployment …` generators send protobuf, which this
//!   server refuses (415); `kubectl create -f`/`apply -f` send JSON and work.
//! - Set `FAKE_APISERVER_DEBUG=1` to see the controllers' work on stderr.
//! - Log timestamps are Go `RFC3339Nano`: trailing zeros of the fraction are trimmed.
//! - kubectl sends no bearer token to an `http://` server: use `builder().allow_anonymous(true)`
//!   (the example does) to drive it with kubectl.
//! - DaemonSet pods carry the tolerations the controller adds (unschedulable, not-ready,
//!   unreachable, pressure conditions), so they run on cordoned nodes; a NotReady node is no
//!   longer "desired" (its unreachable NoSchedule taint) but keeps its agent (misscheduled).
//! - The pod proxy does not resolve container port names (neither does the real one): use the
//!   number, or no port for the first container port.
//! - `selfsubjectaccessreviews` never say `denied`: RBAC has no opinion rather than denying.

mod api;
mod authz;
mod controllers;
mod defaults;
mod faults;
mod http;
mod kubelet;
mod logs;
mod merge;
mod metrics;
mod proxy;
mod raw;
mod registry;
mod sched;
mod selectors;
mod status;
mod storage;
mod store;
mod stream;
mod tables;
mod typed;
mod util;
mod validate;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub use faults::FaultRule;
pub use http::RecordedRequest;
pub use kubelet::{Behavior, Matcher};
pub use raw::RawResponse;
pub use status::ApiError;

use api::WriteCtx;
use faults::FaultEntry;
use http::{Shared, lock};
use store::{Config, State};

/// Options for [`FakeCluster`].
#[derive(Debug, Clone)]
pub struct FakeClusterBuilder {
    cfg: Config,
    namespaces: Vec<String>,
    /// StorageClasses to create at start: (name, is the default).
    storage_classes: Vec<(String, bool)>,
    node_overrides: std::collections::BTreeMap<usize, NodeOverride>,
}

/// What the builder changes on one node (`fake-node-<index>`).
#[derive(Debug, Clone, Default)]
struct NodeOverride {
    kernel: Option<String>,
    os_image: Option<String>,
    arch: Option<String>,
    taints: Vec<Value>,
    labels: Vec<(String, String)>,
    unschedulable: bool,
    /// Extended resources (`nvidia.com/gpu` → `"2"`) in capacity and allocatable.
    resources: Vec<(String, String)>,
}

/// A `v1.Taint` as JSON (`timeAdded` only for NoExecute, as the API server sets it).
fn taint(key: &str, value: &str, effect: &str) -> Value {
    let mut t = json!({"key": key, "effect": effect});
    if !value.is_empty() {
        t["value"] = json!(value);
    }
    if effect == "NoExecute" {
        t["timeAdded"] = json!(util::now_rfc3339());
    }
    t
}

impl FakeClusterBuilder {
    /// `gitVersion` reported by `/version` and the nodes' kubelet version (default `v1.33.2`).
    pub fn server_version(mut self, v: &str) -> Self {
        self.cfg.version = v.to_string();
        self
    }

    /// Number of Ready nodes (default 2).
    pub fn nodes(mut self, n: usize) -> Self {
        self.cfg.nodes = n;
        self
    }

    /// How long after starting a container turns Ready (default 300 ms).
    pub fn pod_ready_delay(mut self, d: Duration) -> Self {
        self.cfg.ready_delay = d;
        self
    }

    /// Bearer token the server accepts (default `fake-token`).
    pub fn token(mut self, t: &str) -> Self {
        self.cfg.token = t.to_string();
        self
    }

    /// User name in RBAC messages (default `fake-user`).
    pub fn user(mut self, u: &str) -> Self {
        self.cfg.user = u.to_string();
        self
    }

    /// Serve requests without a token instead of answering 401. kubectl (client-go) does not
    /// send bearer tokens to an `http://` server, so enable this to use kubectl against it.
    pub fn allow_anonymous(mut self, yes: bool) -> Self {
        self.cfg.allow_anonymous = yes;
        self
    }

    /// Serve `metrics.k8s.io/v1beta1` (PodMetrics, NodeMetrics) like metrics-server.
    pub fn metrics(mut self, yes: bool) -> Self {
        self.cfg.metrics = yes;
        self
    }

    /// `status.nodeInfo` of node `fake-node-<index>` (1-based): kernel version, OS image and
    /// architecture (`amd64`, `arm64`; also sets the `kubernetes.io/arch` labels). Defaults:
    /// `6.8.0-51-generic`, `Debian GNU/Linux 12 (bookworm)`, `amd64`.
    pub fn node_info(mut self, index: usize, kernel: &str, os_image: &str, arch: &str) -> Self {
        let o = self.node_overrides.entry(index).or_default();
        o.kernel = Some(kernel.to_string());
        o.os_image = Some(os_image.to_string());
        o.arch = Some(arch.to_string());
        self
    }

    /// A taint on node `fake-node-<index>` (effect `NoSchedule`, `PreferNoSchedule` or
    /// `NoExecute`; empty `value` for none).
    pub fn node_taint(mut self, index: usize, key: &str, value: &str, effect: &str) -> Self {
        self.node_overrides
            .entry(index)
            .or_default()
            .taints
            .push(taint(key, value, effect));
        self
    }

    /// A label on node `fake-node-<index>` (for nodeSelector tests).
    pub fn node_label(mut self, index: usize, key: &str, value: &str) -> Self {
        self.node_overrides
            .entry(index)
            .or_default()
            .labels
            .push((key.to_string(), value.to_string()));
        self
    }

    /// Node `fake-node-<index>` starts cordoned (`spec.unschedulable` and the
    /// `node.kubernetes.io/unschedulable:NoSchedule` taint).
    pub fn node_unschedulable(mut self, index: usize) -> Self {
        self.node_overrides.entry(index).or_default().unschedulable = true;
        self
    }

    /// An extended resource on node `fake-node-<index>` (`nvidia.com/gpu`, `"1"`), in its
    /// capacity and allocatable as a device plugin advertises it.
    pub fn node_resource(mut self, index: usize, name: &str, quantity: &str) -> Self {
        self.node_overrides
            .entry(index)
            .or_default()
            .resources
            .push((name.to_string(), quantity.to_string()));
        self
    }

    /// A StorageClass (binding mode Immediate, reclaim policy Delete) whose provisioner
    /// creates a volume for every claim naming it, or every claim naming no class when it is
    /// the `default`. The fake starts with one default class, `standard` (as kind does).
    pub fn storage_class(mut self, name: &str, default: bool) -> Self {
        self.storage_classes.push((name.to_string(), default));
        self
    }

    /// No StorageClasses at all: claims stay Pending, as on a cluster without provisioning.
    pub fn no_storage_classes(mut self) -> Self {
        self.storage_classes.clear();
        self
    }

    /// Extra namespaces to create at start.
    pub fn namespace(mut self, ns: &str) -> Self {
        self.namespaces.push(ns.to_string());
        self
    }

    /// Interval of watch bookmarks when the client asks for them (default 1 s).
    pub fn bookmark_interval(mut self, d: Duration) -> Self {
        self.cfg.bookmark_interval = d;
        self
    }

    pub fn start(self) -> FakeCluster {
        FakeCluster::start_with(self)
    }
}

/// A running fake API server. Dropping it shuts the server down.
pub struct FakeCluster {
    shared: Shared,
    url: String,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn default_config() -> Config {
    Config {
        version: "v1.33.2".into(),
        nodes: 2,
        ready_delay: Duration::from_millis(300),
        token: "fake-token".into(),
        user: "fake-user".into(),
        bookmark_interval: Duration::from_secs(1),
        deletion_grace: Duration::from_millis(200),
        allow_anonymous: false,
        metrics: false,
    }
}

fn node_object(i: usize, version: &str, o: &NodeOverride) -> Value {
    let name = format!("fake-node-{i}");
    let arch = o.arch.as_deref().unwrap_or("amd64");
    let kernel = o.kernel.as_deref().unwrap_or("6.8.0-51-generic");
    let os_image = o
        .os_image
        .as_deref()
        .unwrap_or("Debian GNU/Linux 12 (bookworm)");
    let mut node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": arch,
                "beta.kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": arch,
            },
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {"podCIDR": format!("10.244.{i}.0/24"), "podCIDRs": [format!("10.244.{i}.0/24")]},
        "status": {
            "capacity": {"cpu": "4", "memory": "8148056Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
            "allocatable": {"cpu": "4", "memory": "8045656Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
            "conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure"},
                {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available"},
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"},
            ],
            "addresses": [
                {"type": "InternalIP", "address": format!("172.18.0.{}", i + 1)},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "machineID": format!("{:032x}", i),
                "systemUUID": util::new_uid(),
                "bootID": util::new_uid(),
                "kernelVersion": kernel,
                "osImage": os_image,
                "containerRuntimeVersion": "containerd://2.1.1",
                "kubeletVersion": version,
                "kubeProxyVersion": "",
                "operatingSystem": "linux",
                "architecture": arch,
            },
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        },
    });
    for (k, q) in &o.resources {
        node["status"]["capacity"][k] = json!(q);
        node["status"]["allocatable"][k] = json!(q);
    }
    for (k, v) in &o.labels {
        node["metadata"]["labels"][k] = json!(v);
    }
    let mut taints = o.taints.clone();
    if o.unschedulable {
        node["spec"]["unschedulable"] = json!(true);
        taints.push(taint(UNSCHEDULABLE_TAINT, "", "NoSchedule"));
    }
    if !taints.is_empty() {
        node["spec"]["taints"] = Value::Array(taints);
    }
    node
}

const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";

async fn controller_loop(shared: Shared) {
    let notify = lock(&shared).changed.clone();
    let mut last_full = Instant::now();
    loop {
        let next = {
            let mut st = lock(&shared);
            for round in 0..8 {
                let now = Instant::now();
                let due: Vec<store::Key> = st
                    .wake
                    .iter()
                    .filter(|(_, t)| **t <= now)
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in &due {
                    st.wake.remove(k);
                }
                let mut work = std::mem::take(&mut st.dirty);
                work.extend(due);
                // Every few seconds everything is looked at, as resyncs do.
                let all = round == 0 && now.duration_since(last_full) > Duration::from_secs(30);
                if all {
                    last_full = now;
                }
                if work.is_empty() && !all && !st.gc_dirty {
                    break;
                }
                if std::env::var_os("FAKE_APISERVER_DEBUG").is_some() {
                    let sample: Vec<&store::Key> = work.iter().take(3).collect();
                    eprintln!(
                        "fake-apiserver: round {round} work={} all={all} gc={} {sample:?}",
                        work.len(),
                        st.gc_dirty
                    );
                }
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    controllers::reconcile(&mut st, &work, all);
                    kubelet::reconcile(&mut st, &work, all);
                }));
                if r.is_err() {
                    eprintln!("fake-apiserver: a controller panicked; continuing");
                }
            }
            st.wake.values().min().copied()
        };
        let sleep = next
            .map(|n| n.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(1))
            .clamp(Duration::from_millis(5), Duration::from_secs(1));
        tokio::select! {
            _ = notify.notified() => tokio::time::sleep(Duration::from_millis(5)).await,
            _ = tokio::time::sleep(sleep) => {}
        }
    }
}

impl FakeCluster {
    /// Start with defaults: v1.33.2, 2 Ready nodes, pods Ready 300 ms after starting.
    pub fn start() -> FakeCluster {
        FakeCluster::builder().start()
    }

    pub fn builder() -> FakeClusterBuilder {
        FakeClusterBuilder {
            cfg: default_config(),
            namespaces: Vec::new(),
            storage_classes: vec![("standard".into(), true)],
            node_overrides: Default::default(),
        }
    }

    fn start_with(b: FakeClusterBuilder) -> FakeCluster {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let url = format!("http://127.0.0.1:{port}");
        let cfg = b.cfg.clone();
        let mut st = State::new(cfg.clone());
        for i in 1..=cfg.nodes {
            let res = registry::by_name("nodes").expect("nodes");
            api::create(
                &mut st,
                res,
                "",
                node_object(
                    i,
                    &cfg.version,
                    b.node_overrides.get(&i).unwrap_or(&NodeOverride::default()),
                ),
                &WriteCtx::by("kubelet"),
                false,
            )
            .expect("seed node");
        }
        for (name, default) in &b.storage_classes {
            let res = registry::by_name("storageclasses").expect("sc");
            let mut sc = json!({
                "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                "metadata": {"name": name},
                "provisioner": storage::PROVISIONER,
                "reclaimPolicy": "Delete",
                "volumeBindingMode": "Immediate",
            });
            if *default {
                sc["metadata"]["annotations"] = json!({storage::DEFAULT_CLASS_ANNOTATION: "true"});
            }
            api::create(&mut st, res, "", sc, &WriteCtx::by("kubectl"), false)
                .expect("seed storage class");
        }
        let mut namespaces = vec![
            "default".to_string(),
            "kube-system".into(),
            "kube-public".into(),
            "kube-node-lease".into(),
        ];
        namespaces.extend(b.namespaces.iter().cloned());
        for ns in namespaces {
            let res = registry::by_name("namespaces").expect("ns");
            let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            let _ = api::create(
                &mut st,
                res,
                "",
                obj,
                &WriteCtx::by("kube-apiserver"),
                false,
            );
        }
        let svc = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}
        });
        let _ = api::create(
            &mut st,
            registry::by_name("services").expect("svc"),
            "default",
            svc,
            &WriteCtx::by("kube-apiserver"),
            false,
        );
        // Let controllers create per-namespace defaults before anyone looks; the history
        // before now is "compacted" (watches from older resourceVersions get 410 Gone).
        controllers::reconcile(&mut st, &Default::default(), true);
        st.compact();
        let shared: Shared = Arc::new(Mutex::new(st));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let shared2 = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fake-apiserver".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    tokio::spawn(controller_loop(shared2.clone()));
                    http::serve(listener, shared2, rx).await;
                });
                rt.shutdown_timeout(Duration::from_millis(100));
            })
            .expect("spawn server thread");
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig");
        let cluster = FakeCluster {
            shared,
            url,
            kubeconfig: kubeconfig.clone(),
            _dir: dir,
            shutdown: Some(tx),
            thread: Some(thread),
        };
        cluster.write_kubeconfig_named(&kubeconfig, "fake", "fake", "fake-user", "default");
        cluster
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn token(&self) -> String {
        lock(&self.shared).cfg.token.clone()
    }

    /// A kubeconfig with cluster `fake`, user `fake-user`, context `fake` (namespace `default`).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// Write a kubeconfig whose cluster, user and context are all named after `context`
    /// (user `<context>-user`), so several files can be merged through `$KUBECONFIG`.
    pub fn write_kubeconfig_to(&self, path: &Path, context: &str, namespace: &str) {
        self.write_kubeconfig_named(
            path,
            context,
            context,
            &format!("{context}-user"),
            namespace,
        );
    }

    fn write_kubeconfig_named(
        &self,
        path: &Path,
        context: &str,
        cluster: &str,
        user: &str,
        namespace: &str,
    ) {
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n    server: {url}\ncontexts:\n- name: {context}\n  context:\n    cluster: {cluster}\n    user: {user}\n    namespace: {namespace}\ncurrent-context: {context}\nusers:\n- name: {user}\n  user:\n    token: {token}\npreferences: {{}}\n",
            url = self.url,
            token = self.token(),
        );
        std::fs::write(path, text).expect("write kubeconfig");
    }

    /// A kube client for this cluster.
    pub async fn client(&self) -> kube::Client {
        let kc = kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("read kubeconfig");
        let config =
            kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
                .await
                .expect("kube config");
        kube::Client::try_from(config).expect("kube client")
    }

    fn ns_for(plural: &str, ns: &str) -> String {
        match registry::by_name(plural) {
            Some(r) if !r.namespaced => String::new(),
            _ => ns.to_string(),
        }
    }

    fn plural(resource: &str) -> &'static str {
        registry::by_name(resource)
            .unwrap_or_else(|| panic!("fake cluster does not serve {resource:?}"))
            .plural
    }

    /// An object as stored (with kind and apiVersion). `ns` is ignored for cluster-scoped
    /// resources. `resource` may be a plural, kind, or short name.
    pub fn get(&self, resource: &str, ns: &str, name: &str) -> Option<Value> {
        let plural = Self::plural(resource);
        lock(&self.shared)
            .get(plural, &Self::ns_for(plural, ns), name)
            .cloned()
    }

    /// Objects of a resource in a namespace or (None) all namespaces, in storage order.
    pub fn list(&self, resource: &str, ns: Option<&str>) -> Vec<Value> {
        let plural = Self::plural(resource);
        let ns = ns.map(|n| Self::ns_for(plural, n));
        lock(&self.shared).list_cloned(plural, ns.as_deref())
    }

    /// Create any object (as POST would, with defaulting, validation and admission). Server-set
    /// metadata in `obj` (resourceVersion, uid, …) is ignored, so a copy of another object works.
    pub fn try_create(&self, mut obj: Value) -> Result<Value, ApiError> {
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            for k in [
                "resourceVersion",
                "uid",
                "creationTimestamp",
                "managedFields",
                "generation",
            ] {
                m.remove(k);
            }
        }
        let res = registry::by_kind(
            obj["apiVersion"].as_str().unwrap_or(""),
            obj["kind"].as_str().unwrap_or(""),
        )
        .ok_or_else(|| ApiError::bad_request("unknown apiVersion/kind"))?;
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string();
        let mut st = lock(&self.shared);
        api::create(&mut st, res, &ns, obj, &WriteCtx::by("fake-cluster"), false)
    }

    /// Create any object; panics with the API error if the server refuses it.
    pub fn create(&self, obj: Value) -> Value {
        self.try_create(obj)
            .unwrap_or_else(|e| panic!("fake cluster create failed: {}", e.message))
    }

    /// Server-side apply of `obj` by `manager` (force), as `kubectl apply --server-side`.
    pub fn apply(&self, manager: &str, obj: Value) -> Result<Value, ApiError> {
        let res = registry::by_kind(
            obj["apiVersion"].as_str().unwrap_or(""),
            obj["kind"].as_str().unwrap_or(""),
        )
        .ok_or_else(|| ApiError::bad_request("unknown apiVersion/kind"))?;
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string();
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let body = serde_json::to_vec(&obj).expect("json");
        let mut st = lock(&self.shared);
        api::patch(
            &mut st,
            res,
            &ns,
            &name,
            api::PatchKind::Apply { force: true },
            &body,
            &WriteCtx::by(manager),
        )
        .map(|(v, _)| v)
    }

    /// Remove an object from storage at once (no grace period, no finalizers). Dependents are
    /// still garbage collected. Returns whether it existed.
    pub fn delete_now(&self, resource: &str, ns: &str, name: &str) -> bool {
        let plural = Self::plural(resource);
        lock(&self.shared)
            .remove(plural, &Self::ns_for(plural, ns), name)
            .is_some()
    }

    /// Modify a stored object in place (e.g. to flip a node NotReady). Goes through the
    /// update path, so resourceVersion and watches behave.
    pub fn modify(
        &self,
        resource: &str,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> Option<Value> {
        let plural = Self::plural(resource);
        let ns = Self::ns_for(plural, ns);
        let mut st = lock(&self.shared);
        let res = registry::by_name(plural)?;
        let old = st.get(plural, &ns, name)?.clone();
        let mut new = old.clone();
        f(&mut new);
        let ctx = WriteCtx::by("fake-cluster");
        let status_changed = new.get("status") != old.get("status");
        let stored = api::commit_update(&mut st, res, &old, new.clone(), &ctx, false).ok()?;
        if status_changed && res.has_status() {
            return api::commit_update(
                &mut st,
                res,
                &stored,
                new,
                &WriteCtx::status("fake-cluster"),
                false,
            )
            .ok();
        }
        Some(stored)
    }

    /// Set a node's Ready condition.
    pub fn set_node_ready(&self, node: &str, ready: bool) {
        self.modify("nodes", "", node, |n| {
            if let Some(conds) = n
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
            {
                for c in conds.iter_mut().filter(|c| c["type"] == "Ready") {
                    c["status"] = json!(if ready { "True" } else { "Unknown" });
                    c["reason"] = json!(if ready {
                        "KubeletReady"
                    } else {
                        "NodeStatusUnknown"
                    });
                    c["message"] = json!(if ready {
                        "kubelet is posting ready status"
                    } else {
                        "Kubelet stopped posting node status."
                    });
                }
            }
            // The node lifecycle controller taints a node whose kubelet stopped posting.
            let mut taints: Vec<Value> =
                n["spec"]["taints"].as_array().cloned().unwrap_or_default();
            taints.retain(|t| t["key"] != UNREACHABLE_TAINT);
            if !ready {
                taints.push(taint(UNREACHABLE_TAINT, "", "NoSchedule"));
                taints.push(taint(UNREACHABLE_TAINT, "", "NoExecute"));
            }
            set_taints(n, taints);
        });
    }

    /// Add (or replace, by key and effect) a taint on a node, as `kubectl taint` does.
    pub fn taint_node(&self, node: &str, key: &str, value: &str, effect: &str) {
        self.modify("nodes", "", node, |n| {
            let mut taints: Vec<Value> =
                n["spec"]["taints"].as_array().cloned().unwrap_or_default();
            taints.retain(|t| !(t["key"] == key && t["effect"] == effect));
            taints.push(taint(key, value, effect));
            set_taints(n, taints);
        })
        .unwrap_or_else(|| panic!("no node {node:?}"));
    }

    /// Remove every taint with this key from a node (`kubectl taint node N key-`).
    pub fn untaint_node(&self, node: &str, key: &str) {
        self.modify("nodes", "", node, |n| {
            let mut taints: Vec<Value> =
                n["spec"]["taints"].as_array().cloned().unwrap_or_default();
            taints.retain(|t| t["key"] != key);
            set_taints(n, taints);
        })
        .unwrap_or_else(|| panic!("no node {node:?}"));
    }

    /// Cordon (`true`) or uncordon a node: `spec.unschedulable` and the
    /// `node.kubernetes.io/unschedulable:NoSchedule` taint, as `kubectl cordon` and the node
    /// lifecycle controller leave them.
    pub fn set_node_unschedulable(&self, node: &str, unschedulable: bool) {
        self.modify("nodes", "", node, |n| {
            let mut taints: Vec<Value> =
                n["spec"]["taints"].as_array().cloned().unwrap_or_default();
            taints.retain(|t| t["key"] != UNSCHEDULABLE_TAINT);
            if unschedulable {
                n["spec"]["unschedulable"] = json!(true);
                taints.push(taint(UNSCHEDULABLE_TAINT, "", "NoSchedule"));
            } else if let Some(spec) = n["spec"].as_object_mut() {
                spec.remove("unschedulable");
            }
            set_taints(n, taints);
        })
        .unwrap_or_else(|| panic!("no node {node:?}"));
    }

    /// Set (or with `None` remove) a label on a node.
    pub fn label_node(&self, node: &str, key: &str, value: Option<&str>) {
        self.modify("nodes", "", node, |n| {
            let labels = util::obj_mut(n, &["metadata", "labels"]);
            match value {
                Some(v) => {
                    labels.insert(key.to_string(), json!(v));
                }
                None => {
                    labels.remove(key);
                }
            }
        })
        .unwrap_or_else(|| panic!("no node {node:?}"));
    }

    /// Remove every behaviour set with [`FakeCluster::set_behavior`]: containers started
    /// from now on run normally again (running ones keep what they do until they restart).
    pub fn clear_behaviors(&self) {
        let mut st = lock(&self.shared);
        st.behaviors.clear();
        st.changed.notify_one();
    }

    /// Remove the behaviours set for exactly this matcher.
    pub fn clear_behavior(&self, matcher: &Matcher) {
        let mut st = lock(&self.shared);
        st.behaviors.retain(|(m, _)| m != matcher);
        st.changed.notify_one();
    }

    /// How matching containers behave from their next start on (later rules win).
    pub fn set_behavior(&self, matcher: Matcher, behavior: Behavior) {
        let mut st = lock(&self.shared);
        st.behaviors.push((matcher, behavior));
        st.changed.notify_one();
    }

    /// Usage metrics-server reports for a container (`cpu` like `250m` or `1234567n`,
    /// `memory` like `64Mi`). Needs `builder().metrics(true)`.
    pub fn set_pod_metrics(&self, ns: &str, pod: &str, container: &str, cpu: &str, memory: &str) {
        lock(&self.shared).metrics.insert(
            (ns.to_string(), pod.to_string(), container.to_string()),
            (cpu.to_string(), memory.to_string()),
        );
    }

    /// Usage the node reports (metrics.k8s.io NodeMetrics and the kubelet Summary API),
    /// instead of the system share plus its pods' containers.
    pub fn set_node_metrics(&self, node: &str, cpu: &str, memory: &str) {
        lock(&self.shared)
            .node_metrics
            .insert(node.to_string(), (cpu.to_string(), memory.to_string()));
    }

    /// Take a permission away from the test user: matching requests get the authorizer's 403
    /// and `selfsubjectaccessreviews` answer `allowed: false`. `verb` (`get`, `list`, `watch`,
    /// `create`, `update`, `patch`, `delete`, `deletecollection`), `group` (`""` for core)
    /// and `resource` (plural, or `plural/subresource` such as `pods/log`, `nodes/proxy`)
    /// accept `*`. A rule on `pods` does not cover `pods/log` (as in RBAC). `namespace`
    /// `None` forbids everywhere; `Some(ns)` in that namespace and for requests across all
    /// namespaces.
    pub fn forbid(&self, verb: &str, group: &str, resource: &str, namespace: Option<&str>) {
        lock(&self.shared).forbids.push(authz::Forbid {
            verb: verb.to_string(),
            group: group.to_string(),
            resource: resource.to_string(),
            namespace: namespace.map(String::from),
        });
    }

    /// Give back every permission taken with [`FakeCluster::forbid`].
    pub fn clear_forbids(&self) {
        lock(&self.shared).forbids.clear();
    }

    /// Make pods of `ns` whose name starts with `pod_prefix` answer `GET path` on `port`
    /// with 200 and `body` (through `/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy{path}`)
    /// while one of their containers runs. Calling it again for the same pods, port and path
    /// replaces the body. Other paths on a served port answer 404 `404 page not found`;
    /// ports nobody serves refuse the connection (the proxy's 503).
    pub fn serve_pod_http(&self, ns: &str, pod_prefix: &str, port: u16, path: &str, body: &str) {
        let ct = proxy::guess_content_type(path, body);
        self.serve_pod_http_with(ns, pod_prefix, port, path, 200, &ct, body);
    }

    /// [`FakeCluster::serve_pod_http`] with a status code and content type.
    #[allow(clippy::too_many_arguments)]
    pub fn serve_pod_http_with(
        &self,
        ns: &str,
        pod_prefix: &str,
        port: u16,
        path: &str,
        status: u16,
        content_type: &str,
        body: &str,
    ) {
        let mut st = lock(&self.shared);
        st.pod_http.retain(|h| {
            !(h.ns == ns && h.pod_prefix == pod_prefix && h.port == port && h.path == path)
        });
        st.pod_http.push(proxy::PodHttp {
            ns: ns.to_string(),
            pod_prefix: pod_prefix.to_string(),
            port,
            path: path.to_string(),
            status,
            content_type: content_type.to_string(),
            body: body.to_string(),
        });
    }

    /// Port-forward to port `port` of the pods named `pod_prefix…` in `ns` reaches `addr`
    /// (a local listener standing in for the container's port).
    pub fn forward_pod_port(
        &self,
        ns: &str,
        pod_prefix: &str,
        port: u16,
        addr: std::net::SocketAddr,
    ) {
        let mut st = lock(&self.shared);
        st.pod_tcp
            .retain(|t| !(t.ns == ns && t.pod_prefix == pod_prefix && t.port == port));
        st.pod_tcp.push(stream::PodTcp {
            ns: ns.into(),
            pod_prefix: pod_prefix.into(),
            port,
            addr,
        });
    }

    /// Stop serving `port` on those pods (connections are refused again).
    pub fn stop_pod_http(&self, ns: &str, pod_prefix: &str, port: u16) {
        lock(&self.shared)
            .pod_http
            .retain(|h| !(h.ns == ns && h.pod_prefix == pod_prefix && h.port == port));
    }

    /// Append a line to a container's current log (followers see it at once).
    pub fn append_log(&self, ns: &str, pod: &str, container: &str, line: &str) {
        lock(&self.shared).append_log(ns, pod, container, line);
    }

    /// The current log lines of a container (without timestamps).
    pub fn logs(&self, ns: &str, pod: &str, container: &str) -> Vec<String> {
        let st = lock(&self.shared);
        st.logs
            .instances(ns, pod, container)
            .last()
            .map(|i| i.lines.iter().map(|l| l.text.clone()).collect())
            .unwrap_or_default()
    }

    /// Answer matching requests with the rule's error status.
    pub fn fail(&self, rule: FaultRule) {
        lock(&self.shared).faults.push(FaultEntry {
            rule,
            hang: false,
            used: 0,
        });
    }

    /// Accept matching requests and never answer them.
    pub fn hang(&self, rule: FaultRule) {
        lock(&self.shared).faults.push(FaultEntry {
            rule,
            hang: true,
            used: 0,
        });
    }

    pub fn clear_faults(&self) {
        lock(&self.shared).faults.clear();
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared).requests.clear();
    }

    /// The current global resourceVersion.
    pub fn resource_version(&self) -> u64 {
        lock(&self.shared).rv
    }

    /// Forget the watch history: watches from any earlier resourceVersion get 410 Gone.
    pub fn compact(&self) {
        lock(&self.shared).compact();
    }

    /// Events whose involvedObject has this name (in `ns`), oldest first.
    pub fn events_for(&self, ns: &str, name: &str) -> Vec<Value> {
        self.list("events", Some(ns))
            .into_iter()
            .filter(|e| e.pointer("/involvedObject/name").and_then(Value::as_str) == Some(name))
            .collect()
    }

    /// Poll `f` every 20 ms until it returns true or `timeout` passes. Returns the last result.
    pub fn wait_until(&self, timeout: Duration, mut f: impl FnMut(&FakeCluster) -> bool) -> bool {
        let end = Instant::now() + timeout;
        loop {
            if f(self) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Async variant of [`FakeCluster::wait_until`] for tokio tests.
    pub async fn wait_until_async(
        &self,
        timeout: Duration,
        mut f: impl FnMut(&FakeCluster) -> bool,
    ) -> bool {
        let end = Instant::now() + timeout;
        loop {
            if f(self) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Send a raw HTTP request with the cluster's bearer token (`path` may include a query).
    pub fn http(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Option<&str>,
    ) -> RawResponse {
        raw::request(
            &self.url,
            Some(&self.token()),
            method,
            path,
            content_type,
            body,
            Duration::from_secs(10),
        )
    }

    /// `GET path` with the token; returns status and body.
    pub fn http_get(&self, path: &str) -> RawResponse {
        self.http("GET", path, None, None)
    }

    /// Read a streaming response (watch, log follow) for `dur`, then return what arrived.
    pub fn http_stream(&self, path: &str, dur: Duration) -> RawResponse {
        raw::request(&self.url, Some(&self.token()), "GET", path, None, None, dur)
    }

    /// `GET path` with an Accept header (e.g. kubectl's Table request).
    pub fn http_as_accept(&self, path: &str, accept: &str) -> RawResponse {
        raw::request_with(
            &self.url,
            Some(&self.token()),
            "GET",
            path,
            &[("Accept", accept)],
            None,
            Duration::from_secs(10),
        )
    }

    /// A raw request without (or with another) token.
    pub fn http_as(&self, token: Option<&str>, method: &str, path: &str) -> RawResponse {
        raw::request(
            &self.url,
            token,
            method,
            path,
            None,
            None,
            Duration::from_secs(10),
        )
    }

    /// Pods whose name starts with `prefix` in `ns`.
    pub fn pods_with_prefix(&self, ns: &str, prefix: &str) -> Vec<Value> {
        self.list("pods", Some(ns))
            .into_iter()
            .filter(|p| util::name_of(p).starts_with(prefix))
            .collect()
    }

    /// Whether a pod has condition Ready=True.
    pub fn pod_is_ready(pod: &Value) -> bool {
        pod.pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
    }
}

fn set_taints(n: &mut Value, taints: Vec<Value>) {
    if taints.is_empty() {
        if let Some(spec) = n["spec"].as_object_mut() {
            spec.remove("taints");
        }
    } else {
        n["spec"]["taints"] = Value::Array(taints);
    }
}

impl Drop for FakeCluster {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
