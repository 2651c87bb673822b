//! `obi status`: per node, is an agent there, ready, within its budget, and actually
//! observing and exporting? An agent that runs but attached nothing (no flow series, no
//! application metrics) is DEGRADED, not healthy.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, Taint, Toleration};
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use serde::Serialize;

use super::scrape::{Observed, observe};
use super::{CONTAINER, NAME};
use crate::error::{Error, Exit, Result};
use crate::runtime::kube::cluster::PodUsage;
use crate::runtime::kube::list::{pod_problems, restarts};
use crate::runtime::kube::wait::pod_ready;
use crate::runtime::kube::{Kube, KubeError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Health {
    Healthy,
    Degraded,
    Down,
}

impl std::fmt::Display for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Health::Healthy => "HEALTHY",
            Health::Degraded => "DEGRADED",
            Health::Down => "DOWN",
        })
    }
}

/// Per-node resource budget of the agent.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Budget {
    pub cpu_millis: f64,
    pub memory_bytes: u64,
}

impl Default for Budget {
    /// 5 % of a CPU and 200 MiB.
    fn default() -> Self {
        Budget {
            cpu_millis: 50.0,
            memory_bytes: 200 * 1024 * 1024,
        }
    }
}

/// One node's agent.
#[derive(Debug, Clone, Serialize)]
pub struct NodeStatus {
    pub node: String,
    pub pod: Option<String>,
    pub ready: bool,
    pub restarts: i32,
    pub age_seconds: Option<i64>,
    pub cpu_millis: Option<f64>,
    pub memory_bytes: Option<u64>,
    /// From the agent's own `/metrics`; `None` when it could not be read.
    pub observed: Option<Observed>,
    pub health: Health,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Nodes with a ready agent.
    pub ready: usize,
    /// Schedulable nodes the agent should run on.
    pub schedulable: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObiStatus {
    pub namespace: String,
    pub daemonset: String,
    pub image: String,
    pub health: Health,
    pub reasons: Vec<String>,
    pub coverage: Coverage,
    /// `metrics.k8s.io`, `kubelet` or `none`.
    pub usage_source: String,
    pub budget: Budget,
    pub nodes: Vec<NodeStatus>,
}

/// Whether `tolerations` tolerate `taint` (the scheduler's rule).
pub fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == taint.effect);
        let exists = t.operator.as_deref() == Some("Exists");
        let key_ok = match t.key.as_deref() {
            None | Some("") => exists,
            Some(k) => k == taint.key,
        };
        let value_ok = exists
            || t.value.as_deref().unwrap_or_default() == taint.value.as_deref().unwrap_or_default();
        effect_ok && key_ok && value_ok
    })
}

/// Nodes the DaemonSet should run on: schedulable, matching its nodeSelector, and every
/// NoSchedule/NoExecute taint tolerated.
pub fn eligible(ds: &DaemonSet, node: &Node) -> bool {
    let spec = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
    let selector = spec
        .and_then(|s| s.node_selector.clone())
        .unwrap_or_default();
    let tolerations = spec.and_then(|s| s.tolerations.clone()).unwrap_or_default();
    let labels = node.metadata.labels.clone().unwrap_or_default();
    if selector.iter().any(|(k, v)| labels.get(k) != Some(v)) {
        return false;
    }
    let nspec = node.spec.clone().unwrap_or_default();
    if nspec.unschedulable == Some(true) {
        return false;
    }
    nspec
        .taints
        .unwrap_or_default()
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .all(|t| tolerates(&tolerations, t))
}

fn mib(b: u64) -> String {
    format!("{:.0}Mi", b as f64 / 1048576.0)
}

/// Gather everything and judge.
pub async fn status(kube: &Kube, budget: Budget) -> Result<ObiStatus> {
    let ds = kube
        .daemonset(NAME)
        .await?
        .ok_or_else(|| KubeError::NotFound {
            what: format!("daemonset.apps/{NAME} in namespace {}", kube.namespace),
            hint: "; deploy the agent with: b00t obi deploy".into(),
        })?;
    let tpl_spec = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.clone())
        .unwrap_or_default();
    let container = tpl_spec
        .containers
        .iter()
        .find(|c| c.name == CONTAINER)
        .cloned()
        .unwrap_or_default();
    let image = container.image.clone().unwrap_or_default();
    // The Prometheus exporter (`metrics`) and the internal metrics (`internal`), with
    // the paths deploy recorded.
    let settings: Option<super::lifecycle::Settings> = ds
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(super::lifecycle::SETTINGS))
        .and_then(|s| serde_json::from_str(s).ok());
    // `(is the Prometheus exporter, port, path)`.
    let ports: Vec<(bool, String, String)> = container
        .ports
        .iter()
        .flatten()
        .filter(|p| p.protocol.as_deref().unwrap_or("TCP") == "TCP")
        .filter_map(|p| match p.name.as_deref() {
            Some("metrics") => Some((
                true,
                p.container_port.to_string(),
                settings
                    .as_ref()
                    .and_then(|s| s.prometheus.as_ref().map(|(_, path)| path.clone()))
                    .unwrap_or_else(|| "/metrics".into()),
            )),
            Some("internal") => Some((
                false,
                p.container_port.to_string(),
                settings
                    .as_ref()
                    .and_then(|s| s.internal_metrics_path.clone())
                    .unwrap_or_else(|| "/internal/metrics".into()),
            )),
            _ => None,
        })
        .collect();

    let nodes_api: Api<Node> = Api::all(kube.client.clone());
    let nodes = kube
        .call("list", "nodes", nodes_api.list(&ListParams::default()))
        .await?
        .items;
    let pods = kube.instance_pods(NAME).await?;
    let usage_by_metrics = kube.has_api_group("metrics.k8s.io").await?;
    let mut usage: BTreeMap<String, PodUsage> = BTreeMap::new();
    let mut usage_source = "none".to_string();
    if usage_by_metrics
        && let Ok(list) = kube
            .pod_metrics(&crate::render::labels::selector_for_instance(NAME))
            .await
    {
        usage_source = "metrics.k8s.io".into();
        usage.extend(list.into_iter().map(|u| (u.pod.clone(), u)));
    }
    if usage.is_empty() {
        let on: Vec<String> = pods
            .iter()
            .filter_map(|p| p.spec.as_ref().and_then(|s| s.node_name.clone()))
            .collect();
        let summaries =
            futures::future::join_all(on.iter().map(|n| kube.node_summary_usage(n))).await;
        let mut any = false;
        for s in summaries.into_iter().flatten() {
            any = true;
            usage.extend(s.into_iter().map(|u| (u.pod.clone(), u)));
        }
        if any {
            usage_source = "kubelet".into();
        }
    }

    // Scrape every ready agent, concurrently.
    let ready_pods: Vec<&Pod> = pods.iter().filter(|p| pod_ready(p)).collect();
    let scrapes = futures::future::join_all(ready_pods.iter().map(|p| async {
        let mut text = String::new();
        let mut err = None;
        // The flow series are on the Prometheus port: when it does not answer, what the
        // internal metrics say cannot tell whether the agent observes anything.
        let mut exporter_err = None;
        for (exporter, port, path) in &ports {
            match kube.pod_proxy_get(&p.name_any(), port, path).await {
                Ok(t) => {
                    text.push_str(&t);
                    text.push('\n');
                }
                Err(e) if *exporter => exporter_err = Some(e.to_string()),
                Err(e) => err = Some(e.to_string()),
            }
        }
        (
            p.name_any(),
            match exporter_err {
                Some(e) => Err(Some(e)),
                None if text.is_empty() => Err(err),
                None => Ok(observe(&text)),
            },
        )
    }))
    .await;
    let scrapes: BTreeMap<String, std::result::Result<Observed, Option<String>>> =
        scrapes.into_iter().collect();

    let now = jiff::Timestamp::now();
    let mut rows = Vec::new();
    let mut schedulable = 0;
    let mut covered = 0;
    for node in &nodes {
        let name = node.name_any();
        let should = eligible(&ds, node);
        let pod = pods
            .iter()
            .find(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name.as_str()));
        if !should && pod.is_none() {
            continue;
        }
        if should {
            schedulable += 1;
        }
        let mut reasons = Vec::new();
        let Some(pod) = pod else {
            reasons.push("no agent pod on this node".into());
            rows.push(NodeStatus {
                node: name,
                pod: None,
                ready: false,
                restarts: 0,
                age_seconds: None,
                cpu_millis: None,
                memory_bytes: None,
                observed: None,
                health: Health::Down,
                reasons,
            });
            continue;
        };
        let ready = pod_ready(pod);
        if ready && should {
            covered += 1;
        }
        let pname = pod.name_any();
        reasons.extend(pod_problems(pod));
        if !ready && reasons.is_empty() {
            reasons.push("agent pod not ready".into());
        }
        let u = usage.get(&pname);
        if let Some(u) = u {
            if u.cpu_millis > budget.cpu_millis {
                reasons.push(format!(
                    "CPU {:.0}m is above the budget of {:.0}m",
                    u.cpu_millis, budget.cpu_millis
                ));
            }
            if u.memory_bytes > budget.memory_bytes {
                reasons.push(format!(
                    "memory {} is above the budget of {}",
                    mib(u.memory_bytes),
                    mib(budget.memory_bytes)
                ));
            }
        }
        let observed = match scrapes.get(&pname) {
            Some(Ok(o)) => {
                if o.flow_series == 0 && o.app_series == 0 {
                    reasons.push(
                        "runs but observes nothing: no obi_network_flow_bytes_total series and no application metrics (see b00t obi logs --level warn)"
                            .into(),
                    );
                }
                if let Some(e) = o.export_errors.filter(|e| *e > 0.0) {
                    reasons.push(format!(
                        "{e:.0} OTLP export errors ({:.0} exports)",
                        o.exports.unwrap_or(0.0)
                    ));
                }
                Some(o.clone())
            }
            Some(Err(e)) => {
                reasons.push(format!(
                    "cannot read its metrics: {}",
                    e.clone()
                        .unwrap_or_else(|| "the agent exposes no metrics port".into())
                ));
                None
            }
            None => None,
        };
        let health = if !ready {
            Health::Down
        } else if reasons.is_empty() {
            Health::Healthy
        } else {
            Health::Degraded
        };
        rows.push(NodeStatus {
            node: name,
            pod: Some(pname),
            ready,
            restarts: restarts(pod),
            age_seconds: pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| now.duration_since(t.0).as_secs()),
            cpu_millis: u.map(|u| u.cpu_millis),
            memory_bytes: u.map(|u| u.memory_bytes),
            observed,
            health,
            reasons,
        });
    }
    let mut reasons = Vec::new();
    if ports.is_empty() {
        reasons.push(
            "the agent has no metrics port, so whether it observes anything is unknown".into(),
        );
    }
    for r in &rows {
        for why in &r.reasons {
            reasons.push(format!("{}: {why}", r.node));
        }
    }
    let health = if covered == 0 {
        if reasons.is_empty() {
            reasons.push("no agent pod is ready".into());
        }
        Health::Down
    } else if covered < schedulable || rows.iter().any(|r| r.health != Health::Healthy) {
        if covered < schedulable {
            reasons.insert(
                0,
                format!("the agent covers {covered} of {schedulable} schedulable nodes"),
            );
        }
        Health::Degraded
    } else {
        Health::Healthy
    };
    Ok(ObiStatus {
        namespace: kube.namespace.clone(),
        daemonset: NAME.into(),
        image,
        health,
        reasons,
        coverage: Coverage {
            ready: covered,
            schedulable,
        },
        usage_source,
        budget,
        nodes: rows,
    })
}

/// Exit 1 unless HEALTHY, naming the first reason: `status` is a health check for scripts.
pub fn health_result(health: Health, subject: &str, reasons: &[String]) -> Result<()> {
    match health {
        Health::Healthy => Ok(()),
        h => Err(Error::msg(
            Exit::Failed,
            format!(
                "{subject} is {}: {}",
                h.to_string().to_lowercase(),
                reasons.first().cloned().unwrap_or_default()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: Option<&str>, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.map(str::to_string),
            effect: effect.into(),
            ..Default::default()
        }
    }

    fn tol(key: Option<&str>, op: &str, value: Option<&str>, effect: Option<&str>) -> Toleration {
        Toleration {
            key: key.map(str::to_string),
            operator: Some(op.into()),
            value: value.map(str::to_string),
            effect: effect.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn toleration_rules_match_the_scheduler() {
        let t = taint("dedicated", Some("gpu"), "NoSchedule");
        assert!(
            tolerates(&[tol(None, "Exists", None, None)], &t),
            "empty key + Exists tolerates all"
        );
        assert!(tolerates(
            &[tol(Some("dedicated"), "Exists", None, None)],
            &t
        ));
        assert!(tolerates(
            &[tol(
                Some("dedicated"),
                "Equal",
                Some("gpu"),
                Some("NoSchedule")
            )],
            &t
        ));
        assert!(!tolerates(
            &[tol(Some("dedicated"), "Equal", Some("cpu"), None)],
            &t
        ));
        assert!(!tolerates(
            &[tol(Some("dedicated"), "Exists", None, Some("NoExecute"))],
            &t
        ));
        assert!(!tolerates(&[], &t));
    }
}
