//! Waiting for a workload to become ready, like `kubectl rollout status`, but stopping early
//! when a pod cannot get there (crash loop, image pull failure, unschedulable, rejected by
//! admission) and saying why, with the last log lines.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::{Api, ListParams, LogParams};

use super::list::{phase, pod_problems};
use super::{Kube, KubeError, Result};
use crate::render::labels;

/// Why waiting stopped early.
#[derive(Debug, Clone)]
pub struct NotReady {
    /// One line per problem.
    pub reasons: Vec<String>,
    /// `(pod/container, last lines)` of failing containers.
    pub logs: Vec<(String, Vec<String>)>,
}

/// The controller to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Deployment,
    DaemonSet,
    Pod,
    StatefulSet,
    /// Nothing to wait for: a CronJob's pods run on its schedule.
    CronJob,
}

impl Kube {
    /// Wait until the workload is rolled out and ready. `Ok(Err(_))` when it cannot become ready;
    /// a timeout is `Err(TimedOut)` naming the last state seen.
    pub async fn wait_ready(
        &self,
        target: Target,
        name: &str,
        timeout: Duration,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Result<(), NotReady>> {
        let start = Instant::now();
        let what = match target {
            Target::Deployment => format!("deployment.apps/{name}"),
            Target::DaemonSet => format!("daemonset.apps/{name}"),
            Target::Pod => format!("pod/{name}"),
            Target::StatefulSet => format!("statefulset.apps/{name}"),
            Target::CronJob => format!("cronjob.batch/{name}"),
        };
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let lp = ListParams::default().labels(&labels::selector_for_instance(name));
        let mut last = String::from("waiting");
        loop {
            let (state, done, extra) = match target {
                Target::Deployment => {
                    let api: Api<Deployment> =
                        Api::namespaced(self.client.clone(), &self.namespace);
                    let d = self.call("get", &what, api.get(name)).await?;
                    let (s, done, extra) = deployment_state(&d);
                    (s, done, extra)
                }
                Target::DaemonSet => {
                    let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &self.namespace);
                    let d = self.call("get", &what, api.get(name)).await?;
                    let (s, done) = daemonset_state(&d);
                    (s, done, vec![])
                }
                Target::StatefulSet => {
                    let api: Api<StatefulSet> =
                        Api::namespaced(self.client.clone(), &self.namespace);
                    let d = self.call("get", &what, api.get(name)).await?;
                    let (s, done) = statefulset_state(&d);
                    (s, done, vec![])
                }
                Target::CronJob => {
                    // It exists; its pods start on the schedule, not now.
                    let api: Api<CronJob> = Api::namespaced(self.client.clone(), &self.namespace);
                    self.call("get", &what, api.get(name)).await?;
                    return Ok(Ok(()));
                }
                Target::Pod => {
                    let p = self.call("get", &what, pods.get(name)).await?;
                    let ready = pod_ready(&p);
                    (
                        format!("pod {}", if ready { "ready" } else { phase(&p) }),
                        ready,
                        vec![],
                    )
                }
            };
            let current: Vec<Pod> = if target == Target::Pod {
                self.call_opt("get", &what, pods.get(name))
                    .await?
                    .into_iter()
                    .collect()
            } else {
                self.call("list", &format!("pods of {what}"), pods.list(&lp))
                    .await?
                    .items
            };
            let current: Vec<Pod> = current
                .into_iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .collect();
            let mut reasons = extra;
            let mut failing = Vec::new();
            for p in &current {
                let probs = pod_problems(p);
                if !probs.is_empty() {
                    failing.push(p.clone());
                }
                reasons.extend(
                    probs
                        .into_iter()
                        .map(|r| format!("pod {}: {r}", p.name_any())),
                );
            }
            if done {
                return Ok(Ok(()));
            }
            // A claim that cannot bind keeps the pods unscheduled: say why the claim is stuck
            // (its own event), not only that the pods are.
            let unscheduled = current.is_empty()
                || current
                    .iter()
                    .any(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none());
            if unscheduled {
                let selector = labels::selector_for_instance(name);
                let claims = self.claim_problems(&selector).await?;
                if !claims.is_empty() {
                    reasons.splice(0..0, claims);
                }
            }
            if !reasons.is_empty() {
                let logs = self.last_logs(&failing, 10).await;
                return Ok(Err(NotReady { reasons, logs }));
            }
            let detail = current
                .iter()
                .filter_map(|p| pod_waiting(p).map(|w| format!("{}: {w}", p.name_any())))
                .collect::<Vec<_>>();
            let msg = if detail.is_empty() {
                format!("waiting for {what}: {state}")
            } else {
                format!("waiting for {what}: {state} ({})", detail.join(", "))
            };
            if msg != last {
                progress(&msg);
                last = msg;
            }
            if start.elapsed() >= timeout {
                return Err(KubeError::TimedOut {
                    what: format!("waiting for {what} ({state})"),
                    after: timeout,
                });
            }
            let left = timeout.saturating_sub(start.elapsed());
            tokio::time::sleep(left.min(Duration::from_millis(250))).await;
        }
    }

    /// The last `n` log lines of each failing container (previous instance if it restarted).
    pub async fn last_logs(&self, pods: &[Pod], n: i64) -> Vec<(String, Vec<String>)> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let mut out = Vec::new();
        for p in pods {
            for c in p
                .status
                .as_ref()
                .and_then(|s| s.container_statuses.clone())
                .unwrap_or_default()
            {
                let waiting = c.state.as_ref().and_then(|s| s.waiting.as_ref());
                let crashed = waiting.and_then(|w| w.reason.as_deref()) == Some("CrashLoopBackOff")
                    || c.state
                        .as_ref()
                        .and_then(|s| s.terminated.as_ref())
                        .is_some();
                if !crashed {
                    continue;
                }
                let previous = c.restart_count > 0 && waiting.is_some();
                let lp = LogParams {
                    container: Some(c.name.clone()),
                    tail_lines: Some(n),
                    previous,
                    ..Default::default()
                };
                let text = match tokio::time::timeout(
                    self.request_timeout(),
                    api.logs(&p.name_any(), &lp),
                )
                .await
                {
                    Ok(Ok(t)) => t,
                    _ => continue,
                };
                let lines: Vec<String> = text.lines().map(str::to_string).collect();
                if !lines.is_empty() {
                    out.push((format!("{}/{}", p.name_any(), c.name), lines));
                }
            }
        }
        out
    }
}

/// `(state line, rolled out?, fatal problems)` like `kubectl rollout status`.
pub fn deployment_state(d: &Deployment) -> (String, bool, Vec<String>) {
    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let st = d.status.clone().unwrap_or_default();
    let generation = d.metadata.generation.unwrap_or(0);
    let observed = st.observed_generation.unwrap_or(0);
    let updated = st.updated_replicas.unwrap_or(0);
    let total = st.replicas.unwrap_or(0);
    let available = st.available_replicas.unwrap_or(0);
    let ready = st.ready_replicas.unwrap_or(0);
    let mut fatal = Vec::new();
    for c in st.conditions.iter().flatten() {
        if c.type_ == "ReplicaFailure" && c.status == "True" {
            fatal.push(format!(
                "{}: {}",
                c.reason.as_deref().unwrap_or("ReplicaFailure"),
                c.message.as_deref().unwrap_or("pods cannot be created")
            ));
        }
        if c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded") {
            fatal.push(
                c.message
                    .clone()
                    .unwrap_or_else(|| "progress deadline exceeded".into()),
            );
        }
    }
    if observed < generation {
        // The conditions describe the previous spec (e.g. the ReplicaSet a rollback replaces).
        return (
            "waiting for the controller to see the new spec".into(),
            false,
            Vec::new(),
        );
    }
    let state = format!("{ready}/{want} ready, {updated}/{want} updated");
    let done = updated >= want && total <= updated && available >= updated && ready >= want;
    (state, done, fatal)
}

pub fn daemonset_state(d: &DaemonSet) -> (String, bool) {
    let st = d.status.clone().unwrap_or_default();
    let generation = d.metadata.generation.unwrap_or(0);
    if st.observed_generation.unwrap_or(0) < generation {
        return (
            "waiting for the controller to see the new spec".into(),
            false,
        );
    }
    let want = st.desired_number_scheduled;
    let updated = st.updated_number_scheduled.unwrap_or(0);
    let available = st.number_available.unwrap_or(0);
    let state = format!("{}/{want} ready, {updated}/{want} updated", st.number_ready);
    (state, updated >= want && available >= want)
}

/// `(state line, rolled out?)` like `kubectl rollout status statefulset`: the controller has
/// seen the spec, every replica is ready, and the update revision is current.
pub fn statefulset_state(d: &StatefulSet) -> (String, bool) {
    let st = d.status.clone().unwrap_or_default();
    let generation = d.metadata.generation.unwrap_or(0);
    let observed = st.observed_generation.unwrap_or(0);
    if observed == 0 || observed < generation {
        return (
            "waiting for the controller to see the new spec".into(),
            false,
        );
    }
    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let ready = st.ready_replicas.unwrap_or(0);
    let updated = st.updated_replicas.unwrap_or(0);
    let state = format!("{ready}/{want} ready, {updated}/{want} updated");
    let current = st.update_revision.is_none() || st.update_revision == st.current_revision;
    (state, ready >= want && updated >= want && current)
}

pub fn pod_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// A short word on what a pod is waiting for (ContainerCreating, …).
fn pod_waiting(p: &Pod) -> Option<String> {
    let st = p.status.as_ref()?;
    for c in st.container_statuses.iter().flatten() {
        if let Some(w) = c.state.as_ref().and_then(|s| s.waiting.as_ref()) {
            return w.reason.clone();
        }
        if !c.ready && c.state.as_ref().and_then(|s| s.running.as_ref()).is_some() {
            return Some("not ready".into());
        }
    }
    if st.container_statuses.is_none() {
        return Some(phase(p).to_string());
    }
    None
}
