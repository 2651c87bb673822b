//! `status NAME` (one workload with reasons when unhealthy) and `status` (the cluster).

use k8s_openapi::api::core::v1::{Event, Node, Pod};
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use serde::Serialize;

use super::list::{ListOptions, WorkloadSummary, pod_problems, pod_row};
use super::resolve::Resolved;
use super::{Kube, KubeError, Result};

/// `status NAME --json`.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadStatus {
    #[serde(flatten)]
    pub summary: WorkloadSummary,
    pub healthy: bool,
    pub pods: Vec<WorkloadSummary>,
    /// Recent Warning events of the workload's objects, newest last.
    pub events: Vec<EventLine>,
    /// Last log lines of failing containers.
    pub logs: Vec<LogTail>,
    /// Docker: the state of each container (empty on Kubernetes, where `pods` says it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<crate::runtime::ContainerState>,
    /// Claims, NetworkPolicies, PodDisruptionBudgets and HorizontalPodAutoscalers of the
    /// workload, with their state (empty for a pod and on Docker).
    #[serde(flatten)]
    pub attached: super::attached::Attached,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventLine {
    pub object: String,
    pub reason: String,
    pub message: String,
    pub count: i32,
    pub age_seconds: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogTail {
    pub source: String,
    pub lines: Vec<String>,
}

/// `status --json` without a name.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterStatus {
    pub context: String,
    pub server: String,
    pub version: String,
    pub namespace: String,
    pub nodes_ready: usize,
    pub nodes_total: usize,
    pub workloads: WorkloadCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkloadCounts {
    pub total: usize,
    pub running: usize,
    pub pending: usize,
    pub failing: usize,
    pub stopped: usize,
}

impl Kube {
    /// Health of one workload (or pod).
    pub async fn workload_status(&self, target: &Resolved) -> Result<WorkloadStatus> {
        let now = jiff::Timestamp::now();
        let pods_api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let mut attached = super::attached::Attached::default();
        let (summary, pods) = match target {
            Resolved::Pod { name } => {
                let p = self
                    .call("get", &format!("pod/{name}"), pods_api.get(name))
                    .await?;
                (pod_row(&p, now), vec![p])
            }
            Resolved::App { name } => {
                return Err(KubeError::Refused {
                    message: format!(
                        "{name} is an application of several workloads; see them with `b00t k8s list -l app.kubernetes.io/part-of={name}` and ask for one"
                    ),
                });
            }
            Resolved::Instance { instance, .. } => {
                let opts = ListOptions {
                    selector: Some(format!("{}={instance}", crate::render::labels::INSTANCE)),
                    ..Default::default()
                };
                let rows = self.list(&opts).await?;
                let row = rows
                    .into_iter()
                    .find(|r| &r.name == instance)
                    .ok_or_else(|| KubeError::NotFound {
                        what: format!("b00t workload {instance:?}"),
                        hint: format!(" in namespace {}", self.namespace),
                    })?;
                let sel = target.pod_selector().unwrap_or_default();
                let pods = self
                    .call(
                        "list",
                        "pods",
                        pods_api.list(&ListParams::default().labels(&sel)),
                    )
                    .await?
                    .items;
                attached = self
                    .attached(&crate::render::labels::selector_for_instance(instance))
                    .await?;
                (row, pods)
            }
        };
        let healthy = matches!(
            summary.status.as_str(),
            "Running" | "Succeeded" | "Scheduled"
        );
        let mut pod_rows: Vec<WorkloadSummary> = pods.iter().map(|p| pod_row(p, now)).collect();
        pod_rows.sort_by(|a, b| a.name.cmp(&b.name));
        let (events, logs) = if healthy {
            (vec![], vec![])
        } else {
            let names: Vec<String> = std::iter::once(summary.name.clone())
                .chain(pods.iter().map(|p| p.name_any()))
                .collect();
            let events = self.warnings_for(&names, now).await?;
            let failing: Vec<Pod> = pods
                .iter()
                .filter(|p| !pod_problems(p).is_empty())
                .cloned()
                .collect();
            let logs = self
                .last_logs(&failing, 10)
                .await
                .into_iter()
                .map(|(source, lines)| LogTail { source, lines })
                .collect();
            (events, logs)
        };
        Ok(WorkloadStatus {
            summary,
            healthy,
            pods: pod_rows,
            events,
            logs,
            containers: vec![],
            attached,
        })
    }

    /// Warning events whose object name is one of `names` or starts with one of them (the
    /// ReplicaSets of a Deployment), last five.
    async fn warnings_for(&self, names: &[String], now: jiff::Timestamp) -> Result<Vec<EventLine>> {
        let api: Api<Event> = Api::namespaced(self.client.clone(), &self.namespace);
        let lp = ListParams::default().fields("type=Warning");
        let evs = self
            .call(
                "list",
                &format!("events in namespace {}", self.namespace),
                api.list(&lp),
            )
            .await?;
        let mut out: Vec<(i64, EventLine)> = evs
            .items
            .into_iter()
            .filter(|e| {
                let n = e.involved_object.name.as_deref().unwrap_or_default();
                names
                    .iter()
                    .any(|x| n == x || n.starts_with(&format!("{x}-")))
            })
            .map(|e| {
                let last = e
                    .last_timestamp
                    .as_ref()
                    .map(|t| t.0.as_second())
                    .or_else(|| e.event_time.as_ref().map(|t| t.0.as_second()))
                    .or_else(|| {
                        e.metadata
                            .creation_timestamp
                            .as_ref()
                            .map(|t| t.0.as_second())
                    })
                    .unwrap_or(0);
                let line = EventLine {
                    object: format!(
                        "{}/{}",
                        e.involved_object
                            .kind
                            .as_deref()
                            .unwrap_or_default()
                            .to_lowercase(),
                        e.involved_object.name.as_deref().unwrap_or_default()
                    ),
                    reason: e.reason.unwrap_or_default(),
                    message: e.message.unwrap_or_default().trim().to_string(),
                    count: e.count.unwrap_or(1),
                    age_seconds: (now.as_second() - last).max(0),
                };
                (last, line)
            })
            .collect();
        out.sort_by_key(|(t, _)| *t);
        let skip = out.len().saturating_sub(5);
        Ok(out.into_iter().skip(skip).map(|(_, l)| l).collect())
    }

    /// Context, server, version, nodes and b00t-managed workloads by state.
    pub async fn cluster_status(&self, all_namespaces: bool) -> Result<ClusterStatus> {
        let version = self
            .call("get", "server version", self.client.apiserver_version())
            .await?;
        let nodes: Api<Node> = Api::all(self.client.clone());
        let nodes = self
            .call("list", "nodes", nodes.list(&ListParams::default()))
            .await?;
        let ready = nodes
            .items
            .iter()
            .filter(|n| {
                n.status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
            })
            .count();
        let rows = self
            .list(&ListOptions {
                all_namespaces,
                ..Default::default()
            })
            .await?;
        let mut counts = WorkloadCounts {
            total: rows.len(),
            ..Default::default()
        };
        for r in &rows {
            match r.status.as_str() {
                "Running" | "Succeeded" | "Scheduled" => counts.running += 1,
                "Failing" => counts.failing += 1,
                "Stopped" | "Suspended" => counts.stopped += 1,
                _ => counts.pending += 1,
            }
        }
        Ok(ClusterStatus {
            context: self.context.clone(),
            server: self.server.clone(),
            version: version.git_version,
            namespace: if all_namespaces {
                "*".into()
            } else {
                self.namespace.clone()
            },
            nodes_ready: ready,
            nodes_total: nodes.items.len(),
            workloads: counts,
        })
    }

    /// Rolling restart: stamp the pod template like `kubectl rollout restart`.
    pub async fn restart(&self, instance: &str) -> Result<()> {
        use k8s_openapi::api::apps::v1::Deployment;
        use kube::api::{Patch, PatchParams};
        let api: Api<Deployment> = Api::namespaced(self.client.clone(), &self.namespace);
        let now = jiff::Timestamp::now().to_string();
        let patch = serde_json::json!({
            "spec": {"template": {"metadata": {"annotations": {
                crate::render::labels::RESTARTED_AT: now
            }}}}
        });
        let pp = PatchParams {
            field_manager: Some(format!("{}-restart", super::apply::FIELD_MANAGER)),
            ..Default::default()
        };
        self.call(
            "patch",
            &format!("deployment.apps/{instance}"),
            api.patch(instance, &pp, &Patch::Strategic(&patch)),
        )
        .await?;
        Ok(())
    }
}
