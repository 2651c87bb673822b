//! The object store: objects by (resource, namespace, name), one global resourceVersion, and
//! the event history watches are served from.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{Notify, broadcast, watch};

use super::RecordedRequest;
use super::controllers::CtrlState;
use super::faults::FaultEntry;
use super::kubelet::{Behavior, Kubelet, Matcher};
use super::logs::Logs;
use super::util::{is_deleting, name_of, ns_of, uid_of};

pub type Key = (String, String, String);

/// How many events watches can resume from.
const HISTORY: usize = 5_000;

#[derive(Debug, Clone)]
pub struct Config {
    pub version: String,
    pub nodes: usize,
    pub ready_delay: Duration,
    pub token: String,
    pub user: String,
    pub bookmark_interval: Duration,
    pub deletion_grace: Duration,
    /// Serve requests that carry no token (kubectl sends no token over plain http).
    pub allow_anonymous: bool,
    /// Serve metrics.k8s.io like metrics-server.
    pub metrics: bool,
}

#[derive(Debug)]
pub struct WatchEvent {
    pub rv: u64,
    pub plural: String,
    pub ns: String,
    /// ADDED, MODIFIED, DELETED.
    pub kind: &'static str,
    pub object: Value,
    /// The previous state, reduced to what selectors look at.
    pub prev: Option<Value>,
}

/// The parts of an object label and field selectors look at (what watches need of the
/// previous state to turn selection changes into ADDED/DELETED).
fn selectable(v: &Value) -> Value {
    let mut out = json!({});
    let pick = |out: &mut Value, path: &[&str]| {
        if let Some(x) = super::util::at(v, path) {
            super::util::set_at(out, path, x.clone());
        }
    };
    for path in [
        &["metadata", "name"][..],
        &["metadata", "namespace"],
        &["metadata", "labels"],
        &["spec", "nodeName"],
        &["spec", "restartPolicy"],
        &["spec", "schedulerName"],
        &["spec", "serviceAccountName"],
        &["spec", "hostNetwork"],
        &["spec", "unschedulable"],
        &["status", "phase"],
        &["status", "podIP"],
        &["status", "nominatedNodeName"],
        &["status", "replicas"],
        &["involvedObject"],
        &["reason"],
        &["type"],
        &["source"],
        &["reportingComponent"],
    ] {
        pick(&mut out, path);
    }
    out
}

pub struct State {
    pub cfg: Config,
    pub objects: BTreeMap<Key, Value>,
    pub uids: HashMap<String, Key>,
    pub rv: u64,
    pub history: VecDeque<Arc<WatchEvent>>,
    /// Watches from a resourceVersion below this get 410 Gone.
    pub compacted: u64,
    pub events_tx: broadcast::Sender<Arc<WatchEvent>>,
    pub changed: Arc<Notify>,
    pub logs: Logs,
    pub log_tx: watch::Sender<u64>,
    pub kubelet: Kubelet,
    pub ctrl: CtrlState,
    pub faults: Vec<FaultEntry>,
    pub behaviors: Vec<(Matcher, Behavior)>,
    pub requests: Vec<RecordedRequest>,
    pub next_service_ip: u32,
    /// (namespace, pod, container) → (cpu, memory) usage set by tests.
    pub metrics: HashMap<(String, String, String), (String, String)>,
    /// node → (cpu, memory) usage set by tests.
    pub node_metrics: HashMap<String, (String, String)>,
    /// Permissions the test user lacks.
    pub forbids: Vec<super::authz::Forbid>,
    /// What pods answer on their ports through the pod proxy.
    pub pod_http: Vec<super::proxy::PodHttp>,
    /// Where pods' ports lead for port-forward (local TCP addresses).
    pub pod_tcp: Vec<super::stream::PodTcp>,
    /// Objects written since the controllers last looked (and their owners).
    pub dirty: HashSet<Key>,
    /// Objects a controller wants to look at again at a given time.
    pub wake: HashMap<Key, Instant>,
    /// Something was deleted or started deleting: the garbage collector should run.
    pub gc_dirty: bool,
    /// Event aggregation key → event, for the recorder.
    pub event_index: HashMap<String, Key>,
    /// Owner uid → objects listing it in ownerReferences.
    pub dependents: HashMap<String, HashSet<Key>>,
}

impl State {
    pub fn new(cfg: Config) -> State {
        let (events_tx, _) = broadcast::channel(16_384);
        let (log_tx, _) = watch::channel(0);
        State {
            cfg,
            objects: BTreeMap::new(),
            uids: HashMap::new(),
            rv: 1000,
            history: VecDeque::new(),
            compacted: 0,
            events_tx,
            changed: Arc::new(Notify::new()),
            logs: Logs::default(),
            log_tx,
            kubelet: Kubelet::default(),
            ctrl: CtrlState::default(),
            faults: Vec::new(),
            behaviors: Vec::new(),
            requests: Vec::new(),
            next_service_ip: 0,
            metrics: HashMap::new(),
            node_metrics: HashMap::new(),
            forbids: Vec::new(),
            pod_http: Vec::new(),
            pod_tcp: Vec::new(),
            dirty: HashSet::new(),
            wake: HashMap::new(),
            gc_dirty: false,
            event_index: HashMap::new(),
            dependents: HashMap::new(),
        }
    }

    fn key(plural: &str, ns: &str, name: &str) -> Key {
        (plural.to_string(), ns.to_string(), name.to_string())
    }

    pub fn get(&self, plural: &str, ns: &str, name: &str) -> Option<&Value> {
        self.objects.get(&Self::key(plural, ns, name))
    }

    pub fn by_uid(&self, uid: &str) -> Option<&Value> {
        self.uids.get(uid).and_then(|k| self.objects.get(k))
    }

    /// Objects of a resource, in one namespace or all, in storage (key) order.
    pub fn list(&self, plural: &str, ns: Option<&str>) -> Vec<&Value> {
        let start = (
            plural.to_string(),
            ns.unwrap_or("").to_string(),
            String::new(),
        );
        self.objects
            .range(start..)
            .take_while(|((p, n, _), _)| p == plural && ns.is_none_or(|ns| ns == n))
            .map(|(_, v)| v)
            .collect()
    }

    pub fn list_cloned(&self, plural: &str, ns: Option<&str>) -> Vec<Value> {
        self.list(plural, ns).into_iter().cloned().collect()
    }

    fn emit(&mut self, plural: &str, kind: &'static str, object: Value, prev: Option<Value>) {
        let prev = prev.as_ref().map(selectable);
        let ev = Arc::new(WatchEvent {
            rv: self.rv,
            plural: plural.to_string(),
            ns: ns_of(&object).to_string(),
            kind,
            object,
            prev,
        });
        self.history.push_back(ev.clone());
        while self.history.len() > HISTORY {
            if let Some(old) = self.history.pop_front() {
                self.compacted = old.rv;
            }
        }
        let _ = self.events_tx.send(ev);
        self.changed.notify_one();
    }

    /// Mark an object and its owners for the controllers.
    fn mark(&mut self, plural: &str, obj: &Value) {
        if plural == "events" {
            return;
        }
        self.dirty
            .insert(Self::key(plural, ns_of(obj), name_of(obj)));
        if let Some(refs) = obj
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
        {
            for r in refs {
                if let Some(k) = r["uid"].as_str().and_then(|u| self.uids.get(u)) {
                    self.dirty.insert(k.clone());
                }
            }
        }
    }

    fn index_owners(&mut self, key: &Key, obj: &Value, add: bool) {
        let Some(refs) = obj
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
        else {
            return;
        };
        for uid in refs.iter().filter_map(|r| r["uid"].as_str()) {
            if add {
                self.dependents
                    .entry(uid.to_string())
                    .or_default()
                    .insert(key.clone());
            } else if let Some(set) = self.dependents.get_mut(uid) {
                set.remove(key);
                if set.is_empty() {
                    self.dependents.remove(uid);
                }
            }
        }
    }

    /// Objects whose ownerReferences include `uid`.
    pub fn dependents_of(&self, uid: &str) -> Vec<Key> {
        self.dependents
            .get(uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Ask for `key` to be reconciled again at `at`.
    pub fn wake_at(&mut self, key: Key, at: Instant) {
        let slot = self.wake.entry(key).or_insert(at);
        if at < *slot {
            *slot = at;
        }
    }

    fn stamp(&mut self, obj: &mut Value) {
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
    }

    /// Store a new object (metadata already complete but for resourceVersion).
    pub fn insert(&mut self, plural: &str, mut obj: Value) -> Value {
        self.stamp(&mut obj);
        let key = Self::key(plural, ns_of(&obj), name_of(&obj));
        self.uids.insert(uid_of(&obj).to_string(), key.clone());
        self.index_owners(&key, &obj, true);
        self.objects.insert(key, obj.clone());
        self.mark(plural, &obj);
        self.emit(plural, "ADDED", obj.clone(), None);
        obj
    }

    /// Replace a stored object (the caller decided it changed).
    pub fn replace(&mut self, plural: &str, mut obj: Value) -> Value {
        self.stamp(&mut obj);
        let key = Self::key(plural, ns_of(&obj), name_of(&obj));
        let prev = self.objects.insert(key.clone(), obj.clone());
        if let Some(p) = &prev {
            self.index_owners(&key, p, false);
        }
        self.index_owners(&key, &obj, true);
        self.mark(plural, &obj);
        if is_deleting(&obj) {
            self.gc_dirty = true;
        }
        self.emit(plural, "MODIFIED", obj.clone(), prev);
        obj
    }

    pub fn remove(&mut self, plural: &str, ns: &str, name: &str) -> Option<Value> {
        let key = Self::key(plural, ns, name);
        let mut obj = self.objects.remove(&key)?;
        self.index_owners(&key, &obj, false);
        self.uids.remove(uid_of(&obj));
        let prev = obj.clone();
        self.stamp(&mut obj);
        self.mark(plural, &obj);
        self.gc_dirty = true;
        if plural == "pods" {
            self.logs.remove_pod(ns, name);
            self.log_tx.send_modify(|v| *v += 1);
        }
        self.emit(plural, "DELETED", obj.clone(), Some(prev));
        Some(obj)
    }

    pub fn append_log(&mut self, ns: &str, pod: &str, container: &str, line: &str) {
        self.logs.append(ns, pod, container, line);
        self.log_tx.send_modify(|v| *v += 1);
    }

    pub fn compact(&mut self) {
        self.compacted = self.rv;
        self.history.clear();
    }
}
