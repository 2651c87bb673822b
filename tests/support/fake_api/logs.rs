//! Container logs: one instance per container start, so `previous` sees the last run.

use std::collections::HashMap;

use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct LogLine {
    pub ts: Timestamp,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub lines: Vec<LogLine>,
    pub ended: bool,
}

/// Keyed by (namespace, pod, container).
#[derive(Debug, Default)]
pub struct Logs {
    pub map: HashMap<(String, String, String), Vec<Instance>>,
}

fn key(ns: &str, pod: &str, c: &str) -> (String, String, String) {
    (ns.to_string(), pod.to_string(), c.to_string())
}

impl Logs {
    pub fn start_instance(&mut self, ns: &str, pod: &str, c: &str) {
        let list = self.map.entry(key(ns, pod, c)).or_default();
        if let Some(last) = list.last_mut() {
            last.ended = true;
        }
        list.push(Instance::default());
    }

    pub fn append(&mut self, ns: &str, pod: &str, c: &str, text: &str) {
        let list = self.map.entry(key(ns, pod, c)).or_default();
        if list.is_empty() {
            list.push(Instance::default());
        }
        let inst = list.last_mut().expect("instance");
        for l in text.split('\n') {
            inst.lines.push(LogLine {
                ts: Timestamp::now(),
                text: l.to_string(),
            });
        }
    }

    pub fn end(&mut self, ns: &str, pod: &str, c: &str) {
        if let Some(last) = self
            .map
            .get_mut(&key(ns, pod, c))
            .and_then(|l| l.last_mut())
        {
            last.ended = true;
        }
    }

    pub fn remove_pod(&mut self, ns: &str, pod: &str) {
        self.map.retain(|(n, p, _), _| !(n == ns && p == pod));
    }

    pub fn instances(&self, ns: &str, pod: &str, c: &str) -> &[Instance] {
        self.map
            .get(&key(ns, pod, c))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
