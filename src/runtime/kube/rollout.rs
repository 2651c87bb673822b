//! Watching a DaemonSet roll out node by node, like `kubectl rollout status`, but stopping
//! early with the reason when it cannot finish: a new pod that crash-loops, cannot pull its
//! image or cannot create its container; pods the API server refuses to admit (FailedCreate
//! events on the DaemonSet); or no progress within the deadline.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Event as KEvent, Pod};
use kube::ResourceExt;
use kube::api::{Api, ListParams, LogParams};
use serde::Serialize;

use super::list::pod_problems;
use super::wait::pod_ready;
use super::{Kube, KubeError, Result};
use crate::render::labels;

/// One node's part of a rollout.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeProgress {
    pub node: String,
    pub pod: String,
    /// Runs the current template (image and config digest).
    pub updated: bool,
    pub ready: bool,
    /// Waiting reason or problem, when any.
    pub state: String,
}

/// Why a rollout stopped short.
#[derive(Debug, Clone, Serialize)]
pub struct RolloutFailure {
    pub reasons: Vec<String>,
    /// Warning events of the DaemonSet and its pods (`reason: message`).
    pub events: Vec<String>,
    /// `(pod/container[ (previous)], last lines)`.
    pub logs: Vec<(String, Vec<String>)>,
    pub nodes: Vec<NodeProgress>,
}

/// What the rollout looked like at the end.
#[derive(Debug, Clone, Serialize)]
pub struct RolloutDone {
    pub desired: i32,
    pub nodes: Vec<NodeProgress>,
}

/// The image and config digest of a pod template's (or pod's) first container named `container`.
fn fingerprint(
    spec: Option<&k8s_openapi::api::core::v1::PodSpec>,
    annotations: Option<&std::collections::BTreeMap<String, String>>,
    container: &str,
) -> (String, String) {
    let image = spec
        .and_then(|s| s.containers.iter().find(|c| c.name == container))
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let digest = annotations
        .and_then(|a| a.get(labels::CONFIG_HASH))
        .cloned()
        .unwrap_or_default();
    (image, digest)
}

impl Kube {
    /// The DaemonSet `name`, or a not-found error naming it.
    pub async fn daemonset(&self, name: &str) -> Result<Option<DaemonSet>> {
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &self.namespace);
        self.call_opt("get", &format!("daemonset.apps/{name}"), api.get(name))
            .await
    }

    /// Pods of instance `instance` (b00t's labels), not being deleted.
    pub async fn instance_pods(&self, instance: &str) -> Result<Vec<Pod>> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let lp = ListParams::default().labels(&labels::selector_for_instance(instance));
        Ok(self
            .call("list", &format!("pods of {instance}"), api.list(&lp))
            .await?
            .items
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect())
    }

    /// Warning events about objects whose name starts with `prefix`, newer than `since`.
    pub async fn warning_events(
        &self,
        prefix: &str,
        since: jiff::Timestamp,
    ) -> Result<Vec<String>> {
        let api: Api<KEvent> = Api::namespaced(self.client.clone(), &self.namespace);
        let list = self
            .call("list", "events", api.list(&ListParams::default()))
            .await?;
        let mut out = Vec::new();
        for e in list.items {
            if e.type_.as_deref() != Some("Warning") {
                continue;
            }
            let name = e.involved_object.name.clone().unwrap_or_default();
            if !name.starts_with(prefix) {
                continue;
            }
            let when = e
                .last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or(e.event_time.as_ref().map(|t| t.0))
                .or(e.metadata.creation_timestamp.as_ref().map(|t| t.0));
            if when.is_some_and(|w| w < since) {
                continue;
            }
            let kind = e
                .involved_object
                .kind
                .clone()
                .unwrap_or_default()
                .to_lowercase();
            out.push(format!(
                "{kind}/{name}: {}: {}",
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default()
            ));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The last `n` lines of `container` in `pod`, and of its previous instance when it
    /// restarted.
    pub async fn container_tails(
        &self,
        pod: &Pod,
        container: &str,
        n: i64,
    ) -> Vec<(String, Vec<String>)> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let restarted = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.name == container))
            .is_some_and(|c| c.restart_count > 0);
        let mut out = Vec::new();
        for previous in [false, true] {
            if previous && !restarted {
                continue;
            }
            let lp = LogParams {
                container: Some(container.to_string()),
                tail_lines: Some(n),
                previous,
                ..Default::default()
            };
            if let Ok(Ok(text)) =
                tokio::time::timeout(self.request_timeout(), api.logs(&pod.name_any(), &lp)).await
            {
                let lines: Vec<String> = text.lines().map(str::to_string).collect();
                if !lines.is_empty() {
                    let tag = if previous { " (previous)" } else { "" };
                    out.push((format!("{}/{container}{tag}", pod.name_any()), lines));
                }
            }
        }
        out
    }

    /// Watch DaemonSet `name` (container `container`) until every eligible node runs a ready
    /// pod of the current template. `Ok(Err(_))` when it cannot get there; a timeout is
    /// `Err(TimedOut)`.
    pub async fn watch_daemonset_rollout(
        &self,
        name: &str,
        container: &str,
        timeout: Duration,
        progress_deadline: Duration,
        progress: &(dyn Fn(&str, &[NodeProgress]) + Sync),
    ) -> Result<std::result::Result<RolloutDone, RolloutFailure>> {
        let start = Instant::now();
        let since = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(2);
        let mut last_change = Instant::now();
        let mut last_key = (-1, -1, -1);
        let mut last_msg = String::new();
        loop {
            let ds = self
                .daemonset(name)
                .await?
                .ok_or_else(|| KubeError::NotFound {
                    what: format!("daemonset.apps/{name} in namespace {}", self.namespace),
                    hint: String::new(),
                })?;
            let tpl = ds.spec.as_ref().map(|s| &s.template);
            let want = fingerprint(
                tpl.and_then(|t| t.spec.as_ref()),
                tpl.and_then(|t| t.metadata.as_ref())
                    .and_then(|m| m.annotations.as_ref()),
                container,
            );
            let st = ds.status.clone().unwrap_or_default();
            let observed =
                st.observed_generation.unwrap_or(0) >= ds.metadata.generation.unwrap_or(0);
            let desired = st.desired_number_scheduled;
            let pods = self.instance_pods(name).await?;
            let mut nodes = Vec::new();
            let mut failing = Vec::new();
            let mut reasons = Vec::new();
            for p in &pods {
                let have = fingerprint(p.spec.as_ref(), p.metadata.annotations.as_ref(), container);
                let updated = have == want;
                let ready = pod_ready(p);
                let probs = pod_problems(p);
                let waiting = p
                    .status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .and_then(|cs| cs.iter().find(|c| c.name == container))
                    .and_then(|c| c.state.as_ref())
                    .and_then(|s| s.waiting.as_ref())
                    .and_then(|w| w.reason.clone());
                let state = if ready {
                    "ready".to_string()
                } else if let Some(w) = waiting {
                    w
                } else {
                    p.status
                        .as_ref()
                        .and_then(|s| s.phase.clone())
                        .unwrap_or_else(|| "Pending".into())
                };
                if updated && !probs.is_empty() {
                    failing.push(p.clone());
                    reasons.extend(probs.iter().map(|r| format!("pod {}: {r}", p.name_any())));
                }
                nodes.push(NodeProgress {
                    node: p
                        .spec
                        .as_ref()
                        .and_then(|s| s.node_name.clone())
                        .unwrap_or_else(|| "(unscheduled)".into()),
                    pod: p.name_any(),
                    updated,
                    ready,
                    state: if updated {
                        state
                    } else {
                        format!("{state}, previous version")
                    },
                });
            }
            nodes.sort_by(|a, b| a.node.cmp(&b.node));
            let updated_ready = nodes.iter().filter(|n| n.updated && n.ready).count() as i32;
            let done = observed
                && st.updated_number_scheduled.unwrap_or(0) >= desired
                && st.number_available.unwrap_or(0) >= desired
                && updated_ready >= desired
                && nodes.iter().all(|n| n.updated);
            if done {
                return Ok(Ok(RolloutDone { desired, nodes }));
            }
            // Pods the API server refused to create (admission) show only as events.
            let events = self.warning_events(name, since).await?;
            let refused: Vec<&String> = events
                .iter()
                .filter(|e| e.starts_with("daemonset/") && e.contains("FailedCreate"))
                .collect();
            if !refused.is_empty() {
                reasons.extend(refused.iter().map(|e| e.to_string()));
            }
            if !reasons.is_empty() {
                let mut logs = Vec::new();
                for p in &failing {
                    logs.extend(self.container_tails(p, container, 10).await);
                }
                return Ok(Err(RolloutFailure {
                    reasons,
                    events,
                    logs,
                    nodes,
                }));
            }
            let key = (
                st.updated_number_scheduled.unwrap_or(0),
                st.number_ready,
                updated_ready,
            );
            if key != last_key {
                last_key = key;
                last_change = Instant::now();
            } else if last_change.elapsed() >= progress_deadline {
                return Ok(Err(RolloutFailure {
                    reasons: vec![format!(
                        "no progress for {}: {updated_ready}/{desired} nodes run a ready agent of the new version",
                        super::humantime(progress_deadline)
                    )],
                    events,
                    logs: vec![],
                    nodes,
                }));
            }
            let msg =
                format!("daemonset.apps/{name}: {updated_ready}/{desired} nodes updated and ready");
            let detail: Vec<String> = nodes
                .iter()
                .map(|n| format!("{} {}", n.node, n.state))
                .collect();
            let full = if detail.is_empty() {
                msg
            } else {
                format!("{msg} ({})", detail.join(", "))
            };
            if full != last_msg {
                progress(&full, &nodes);
                last_msg = full;
            }
            if start.elapsed() >= timeout {
                return Err(KubeError::TimedOut {
                    what: format!(
                        "waiting for daemonset.apps/{name} ({updated_ready}/{desired} nodes ready)"
                    ),
                    after: timeout,
                });
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}
