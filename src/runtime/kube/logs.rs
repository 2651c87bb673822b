//! Logs of every pod and container of a workload, merged by kubelet timestamp (stern-like).
//!
//! Without `--follow`: every container's log is fetched with timestamps, and all lines are
//! sorted by time (stable, so a container's own order is kept). With `--follow`: one stream per
//! container instance; pods are re-listed every second so new pods and restarted containers are
//! picked up and deleted ones dropped; lines are merged through a small reorder buffer that
//! holds a line until every live stream has shown a later one or 300 ms have passed.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use futures::{AsyncBufReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::{Api, ListParams, LogParams};
use serde::Serialize;
use tokio::sync::mpsc;

use super::resolve::Resolved;
use super::{Kube, KubeError, Result};

/// What to fetch.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    pub follow: bool,
    pub previous: bool,
    pub since_seconds: Option<i64>,
    pub since_time: Option<jiff::Timestamp>,
    /// Lines per container.
    pub tail: Option<i64>,
    pub container: Option<String>,
    pub grep: Option<regex::Regex>,
}

/// One log line. JSON Lines output serialises exactly these fields.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LogLine {
    /// Kubelet timestamp (RFC 3339, nanoseconds), empty when the line had none.
    pub time: String,
    pub pod: String,
    pub container: String,
    pub line: String,
    #[serde(skip)]
    pub ts: Option<jiff::Timestamp>,
}

/// Split `2026-11-21T10:00:00.123456789Z rest` into time and text.
pub fn split_timestamp(raw: &str) -> (Option<jiff::Timestamp>, &str, &str) {
    if let Some((t, rest)) = raw.split_once(' ')
        && let Ok(ts) = t.parse::<jiff::Timestamp>()
    {
        return (Some(ts), t, rest);
    }
    (None, "", raw)
}

/// Containers of a pod to read (all regular containers, or the one asked for).
fn containers_of(p: &Pod, only: Option<&str>) -> Vec<String> {
    let spec = p.spec.as_ref();
    let mut names: Vec<String> = spec
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    if let Some(c) = only {
        let inits: Vec<String> = spec
            .and_then(|s| s.init_containers.as_ref())
            .into_iter()
            .flatten()
            .map(|c| c.name.clone())
            .collect();
        names.extend(inits);
        names.retain(|n| n == c);
    }
    names
}

impl Kube {
    async fn pods_of(&self, target: &Resolved) -> Result<Vec<Pod>> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        match target {
            Resolved::Pod { name } => Ok(self
                .call_opt("get", &format!("pod/{name}"), api.get(name))
                .await?
                .into_iter()
                .collect()),
            Resolved::Instance { .. } | Resolved::App { .. } => {
                let sel = target.pod_selector().unwrap_or_default();
                let mut pods = self
                    .call(
                        "list",
                        "pods",
                        api.list(&ListParams::default().labels(&sel)),
                    )
                    .await?
                    .items;
                pods.sort_by_key(|p| p.name_any());
                Ok(pods)
            }
        }
    }

    /// Fetch (and with `follow`, stream) logs, calling `sink` for each line in time order.
    /// Returns notes about containers that had nothing to give (not started yet, no previous
    /// instance).
    pub async fn logs(
        &self,
        target: &Resolved,
        opts: &LogOptions,
        sink: &mut (dyn FnMut(LogLine) + Send),
    ) -> Result<Vec<String>> {
        let pods = self.pods_of(target).await?;
        if let Some(c) = &opts.container {
            let any = pods.iter().any(|p| !containers_of(p, Some(c)).is_empty());
            if !pods.is_empty() && !any {
                let mut all: Vec<String> =
                    pods.iter().flat_map(|p| containers_of(p, None)).collect();
                all.sort();
                all.dedup();
                return Err(KubeError::NotFound {
                    what: format!("container {c:?} in {}", target.display()),
                    hint: format!("; containers: {}", all.join(", ")),
                });
            }
        }
        if opts.follow {
            return self.follow(target, opts, pods, sink).await;
        }
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let mut notes = Vec::new();
        let mut lines: Vec<LogLine> = Vec::new();
        let mut fetched = 0usize;
        for p in &pods {
            let pod = p.name_any();
            for c in containers_of(p, opts.container.as_deref()) {
                let lp = self.log_params(opts, &c, true);
                match tokio::time::timeout(self.request_timeout(), api.logs(&pod, &lp)).await {
                    Ok(Ok(text)) => {
                        fetched += 1;
                        for raw in text.lines() {
                            let (ts, t, rest) = split_timestamp(raw);
                            lines.push(LogLine {
                                time: t.to_string(),
                                pod: pod.clone(),
                                container: c.clone(),
                                line: rest.to_string(),
                                ts,
                            });
                        }
                    }
                    Ok(Err(kube::Error::Api(s))) if s.code == 400 || s.code == 404 => {
                        notes.push(format!("{pod}/{c}: {}", s.message));
                    }
                    Ok(Err(e)) => {
                        return Err(self.err(
                            "get",
                            &format!("logs of pod/{pod} container {c}"),
                            e,
                        ));
                    }
                    Err(_) => {
                        return Err(KubeError::TimedOut {
                            what: format!("logs of pod/{pod}"),
                            after: self.request_timeout(),
                        });
                    }
                }
            }
        }
        if fetched == 0 && !notes.is_empty() {
            return Err(KubeError::Failed {
                what: format!("logs of {}", target.display()),
                reason: notes.join("; "),
            });
        }
        // Fill missing times from the previous line of the same container, then sort stably.
        let mut last: HashMap<(String, String), jiff::Timestamp> = HashMap::new();
        for l in &mut lines {
            let key = (l.pod.clone(), l.container.clone());
            match l.ts {
                Some(t) => {
                    last.insert(key, t);
                }
                None => l.ts = last.get(&key).copied(),
            }
        }
        lines.sort_by_key(|l| l.ts);
        for l in lines {
            if opts.grep.as_ref().is_none_or(|re| re.is_match(&l.line)) {
                sink(l);
            }
        }
        Ok(notes)
    }

    fn log_params(&self, opts: &LogOptions, container: &str, first: bool) -> LogParams {
        LogParams {
            container: Some(container.to_string()),
            follow: opts.follow,
            previous: opts.previous,
            since_seconds: if first { opts.since_seconds } else { None },
            since_time: if first { opts.since_time } else { None },
            tail_lines: if first { opts.tail } else { None },
            timestamps: true,
            ..Default::default()
        }
    }

    async fn follow(
        &self,
        target: &Resolved,
        opts: &LogOptions,
        mut pods: Vec<Pod>,
        sink: &mut (dyn FnMut(LogLine) + Send),
    ) -> Result<Vec<String>> {
        enum Msg {
            Line(usize, LogLine),
            End(usize),
        }
        let (tx, mut rx) = mpsc::channel::<Msg>(4096);
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        // (pod, container, container id or restart count) already streamed.
        let mut seen: HashSet<(String, String, String)> = HashSet::new();
        let mut first_instance: HashSet<(String, String)> = HashSet::new();
        let mut queues: BTreeMap<usize, VecDeque<(LogLine, Instant)>> = BTreeMap::new();
        let mut live: HashSet<usize> = HashSet::new();
        let mut next_id = 0usize;
        let mut last_poll = Instant::now();
        let single_pod = matches!(target, Resolved::Pod { .. });
        let mut ever_streamed = false;
        let grace = Duration::from_millis(300);
        loop {
            // Start streams for container instances not streamed yet.
            for p in &pods {
                if p.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                let pod = p.name_any();
                let statuses = p
                    .status
                    .as_ref()
                    .and_then(|s| s.container_statuses.clone())
                    .unwrap_or_default();
                for c in containers_of(p, opts.container.as_deref()) {
                    let Some(st) = statuses.iter().find(|s| s.name == c) else {
                        continue;
                    };
                    let started = st
                        .state
                        .as_ref()
                        .is_some_and(|s| s.running.is_some() || s.terminated.is_some());
                    if !started && !opts.previous {
                        continue;
                    }
                    let instance = st
                        .container_id
                        .clone()
                        .unwrap_or_else(|| st.restart_count.to_string());
                    if !seen.insert((pod.clone(), c.clone(), instance)) {
                        continue;
                    }
                    let first = first_instance.insert((pod.clone(), c.clone()));
                    let lp = self.log_params(opts, &c, first);
                    let id = next_id;
                    next_id += 1;
                    live.insert(id);
                    queues.insert(id, VecDeque::new());
                    ever_streamed = true;
                    let tx = tx.clone();
                    let api = api.clone();
                    let (pod_name, cname) = (pod.clone(), c.clone());
                    tokio::spawn(async move {
                        if let Ok(stream) = api.log_stream(&pod_name, &lp).await {
                            let mut lines = stream.lines();
                            while let Some(Ok(raw)) = lines.next().await {
                                let (ts, t, rest) = split_timestamp(&raw);
                                let l = LogLine {
                                    time: t.to_string(),
                                    pod: pod_name.clone(),
                                    container: cname.clone(),
                                    line: rest.to_string(),
                                    ts,
                                };
                                if tx.send(Msg::Line(id, l)).await.is_err() {
                                    return;
                                }
                            }
                        }
                        let _ = tx.send(Msg::End(id)).await;
                    });
                }
            }

            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(Msg::Line(id, mut l)) => {
                        if let Some(q) = queues.get_mut(&id) {
                            if l.ts.is_none() {
                                l.ts = q.back().and_then(|(x, _)| x.ts);
                            }
                            q.push_back((l, Instant::now()));
                        }
                    }
                    Some(Msg::End(id)) => { live.remove(&id); }
                    None => {}
                },
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            }

            // Emit in time order: the earliest head goes when every live stream has something
            // queued (nothing earlier can still arrive) or when it has waited out the grace.
            loop {
                let head = queues
                    .iter()
                    .filter_map(|(id, q)| q.front().map(|(l, at)| (*id, l.ts, *at)))
                    .min_by_key(|(_, ts, _)| *ts);
                let Some((id, _, arrived)) = head else { break };
                let all_have = live
                    .iter()
                    .all(|s| queues.get(s).is_some_and(|q| !q.is_empty()));
                if !all_have && arrived.elapsed() < grace {
                    break;
                }
                let (l, _) = queues
                    .get_mut(&id)
                    .and_then(|q| q.pop_front())
                    .expect("head exists");
                if opts.grep.as_ref().is_none_or(|re| re.is_match(&l.line)) {
                    sink(l);
                }
            }
            queues.retain(|id, q| live.contains(id) || !q.is_empty());

            if single_pod && ever_streamed && live.is_empty() && queues.is_empty() {
                // kubectl semantics for one pod: follow ends when its containers stop, unless
                // a restarted instance shows up at the next poll.
                let fresh = self.pods_of(target).await?;
                let restarting = fresh.iter().any(|p| {
                    p.status
                        .as_ref()
                        .and_then(|s| s.container_statuses.as_ref())
                        .into_iter()
                        .flatten()
                        .any(|s| {
                            let id = s
                                .container_id
                                .clone()
                                .unwrap_or_else(|| s.restart_count.to_string());
                            !seen.contains(&(p.name_any(), s.name.clone(), id))
                                && s.state.as_ref().is_some_and(|st| st.running.is_some())
                        })
                });
                if !restarting {
                    return Ok(vec![]);
                }
                pods = fresh;
                continue;
            }
            if last_poll.elapsed() >= Duration::from_secs(1) {
                last_poll = Instant::now();
                pods = self.pods_of(target).await?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_kubelet_timestamps() {
        let (ts, t, rest) = split_timestamp("2026-11-21T10:00:00.123456789Z hello world");
        assert_eq!(t, "2026-11-21T10:00:00.123456789Z");
        assert_eq!(rest, "hello world");
        assert_eq!(ts.unwrap().subsec_nanosecond(), 123_456_789);
        let (ts, _, rest) = split_timestamp("no timestamp here");
        assert!(ts.is_none());
        assert_eq!(rest, "no timestamp here");
    }
}
