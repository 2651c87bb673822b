//! Restart and delete b00t-managed workloads, on any [`Runtime`].

use std::time::Duration;

use serde::Serialize;

use super::deploy::{Failure, WaitFor, wait_for};
use super::mcp::{self, ProbeOptions, ProbeReport};
use super::{Event, Events};
use crate::error::{Error, Exit, Result};
use crate::render::labels;
use crate::runtime::kube::KubeError;
use crate::runtime::{Deleted, ListOptions, Overview, Runtime, WorkloadStatus, WorkloadSummary};

pub use crate::runtime::DeleteTarget;

/// What `restart-mcp` did.
#[derive(Debug, Clone, Serialize)]
pub struct RestartReport {
    pub name: String,
    /// `None` on Docker.
    pub namespace: Option<String>,
    pub restarted: bool,
    /// `Some(true)` when waited for and ready.
    pub ready: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

impl RestartReport {
    /// The error `restart-mcp --wait` ends with when the rollout failed.
    pub fn result(&self) -> Result<()> {
        match &self.failure {
            None => Ok(()),
            Some(f) => Err(KubeError::Failed {
                what: format!("the rollout of {} failed", self.name),
                reason: f.reasons.join("; "),
            }
            .into()),
        }
    }
}

/// Restart an MCP server (a rolling restart on Kubernetes, each container on Docker); with
/// `wait`, until it is ready again.
pub async fn restart(
    rt: &dyn Runtime,
    name: &str,
    wait: Option<Duration>,
    events: &dyn Events,
) -> Result<RestartReport> {
    let (target, instance) = rt.restart(name).await?;
    let mut report = RestartReport {
        name: instance.clone(),
        namespace: rt.namespace(),
        restarted: true,
        ready: None,
        failure: None,
    };
    if let Some(timeout) = wait {
        let w = WaitFor {
            target,
            name: instance.clone(),
        };
        report.failure = wait_for(rt, &w, timeout, events).await?;
        report.ready = Some(report.failure.is_none());
    }
    Ok(report)
}

/// What `delete` did.
#[derive(Debug, Clone, Serialize)]
pub struct DeleteReport {
    /// `None` on Docker.
    pub namespace: Option<String>,
    pub deleted: Vec<Deleted>,
    /// What was asked for, as the user reads it (`deployment.apps/x`, `pod/p`, …).
    #[serde(skip)]
    pub label: String,
}

/// Delete everything b00t created for a workload (or every workload); with `wait`, until it
/// is all gone.
pub async fn delete(
    rt: &dyn Runtime,
    target: &DeleteTarget,
    wait: Option<Duration>,
    events: &dyn Events,
) -> Result<DeleteReport> {
    let deletion = rt.delete(target).await?;
    if let Some(timeout) = wait {
        events.emit(Event::Started(format!(
            "waiting for {} to be gone",
            deletion.label
        )));
        let res = rt.wait_gone(&deletion, timeout).await;
        events.emit(Event::Finished);
        res?;
    }
    Ok(DeleteReport {
        namespace: rt.namespace(),
        deleted: deletion.deleted,
        label: deletion.label,
    })
}

/// `list`: which workloads (or pods) to show.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub all_namespaces: bool,
    /// Every pod (container on Docker), not only b00t-managed workloads.
    pub all_pods: bool,
    /// Extra label selector.
    pub selector: Option<String>,
    /// Only this type: `mcp`, `app` or `obi`.
    pub type_: Option<String>,
    /// Run an MCP handshake with every MCP server listed (`list --probe`).
    pub probe: Option<ProbeOptions>,
}

/// What `list` found: the rows and, with `probe`, one handshake per row (`None` for rows that
/// are not MCP servers).
#[derive(Debug, Clone)]
pub struct Listed {
    pub rows: Vec<WorkloadSummary>,
    pub probes: Option<Vec<Option<ProbeReport>>>,
}

/// One row of `list --json`: the workload and, when probes ran, its handshake (`null` for
/// rows that are not MCP servers).
#[derive(Debug, Clone, Serialize)]
pub struct ListRow<'a> {
    #[serde(flatten)]
    pub workload: &'a WorkloadSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<&'a Option<ProbeReport>>,
}

impl Listed {
    /// The `--json` document: the rows, each with a `probe` field when probes ran.
    pub fn document(&self) -> Vec<ListRow<'_>> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, workload)| ListRow {
                workload,
                probe: self.probes.as_ref().map(|p| &p[i]),
            })
            .collect()
    }

    /// `list --probe` fails (exit 1) when a server does not answer MCP.
    pub fn result(&self) -> Result<()> {
        match self.probes.iter().flatten().flatten().find(|p| !p.healthy) {
            Some(p) => Err(Error::msg(Exit::Failed, p.unhealthy_error())),
            None => Ok(()),
        }
    }
}

/// The rows of `list` (`--json` prints [`Listed::document`]).
pub async fn list(rt: &dyn Runtime, req: &ListRequest) -> Result<Listed> {
    let type_label = match req.type_.as_deref() {
        None => None,
        Some(t) => Some(
            labels::type_label(t)
                .ok_or_else(|| {
                    Error::msg(
                        Exit::Usage,
                        format!("unknown workload type {t:?} (expected mcp, app or obi)"),
                    )
                })?
                .to_string(),
        ),
    };
    let opts = ListOptions {
        all_namespaces: req.all_namespaces,
        all_pods: req.all_pods,
        selector: req.selector.clone(),
        type_label,
    };
    let rows = rt.list(&opts).await?;
    let probes = match &req.probe {
        None => None,
        Some(popts) => Some(probe_rows(rt, &rows, popts).await),
    };
    Ok(Listed { rows, probes })
}

/// One MCP handshake per MCP server among `rows`, concurrently (`None` for other rows).
pub async fn probe_rows(
    rt: &dyn Runtime,
    rows: &[WorkloadSummary],
    popts: &ProbeOptions,
) -> Vec<Option<ProbeReport>> {
    let mcp = labels::type_label("mcp").unwrap_or("mcp-server");
    futures::future::join_all(rows.iter().map(|r| async move {
        if r.type_ == mcp {
            Some(mcp::probe_or_reason(rt, &r.name, popts).await)
        } else {
            None
        }
    }))
    .await
}

/// What `status [NAME]` reports (`--json` prints exactly this): the cluster or engine, or
/// one workload.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
// One report per command: its size does not matter, boxing would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum StatusReport {
    Overview(Overview),
    Workload(WorkloadReport),
}

/// `status NAME`: the workload and, with `--probe`, its MCP handshake.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadReport {
    #[serde(flatten)]
    pub status: WorkloadStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeReport>,
}

impl StatusReport {
    /// `status NAME` is a health check: an unhealthy workload is an error (exit 1) after its
    /// report has been shown.
    pub fn health(&self) -> Result<()> {
        let StatusReport::Workload(w) = self else {
            return Ok(());
        };
        let (st, probe) = (&w.status, &w.probe);
        if !st.healthy {
            return Err(Error::msg(
                Exit::Failed,
                format!(
                    "{} is {}",
                    st.summary.name,
                    st.summary.status.to_lowercase()
                ),
            ));
        }
        match probe.as_ref().filter(|p| !p.healthy) {
            Some(p) => Err(Error::msg(
                Exit::Failed,
                format!(
                    "{} runs but its MCP server is unhealthy: {}",
                    st.summary.name,
                    p.reason.as_deref().unwrap_or("unknown reason")
                ),
            )),
            None => Ok(()),
        }
    }
}

/// Health of one workload, or (without a name) of the cluster or engine.
pub async fn status(
    rt: &dyn Runtime,
    name: Option<&str>,
    all_namespaces: bool,
    probe: Option<&ProbeOptions>,
) -> Result<StatusReport> {
    let Some(name) = name else {
        return Ok(StatusReport::Overview(rt.overview(all_namespaces).await?));
    };
    let status = rt.status(name).await?;
    let probe = match probe {
        Some(popts) => Some(mcp::probe_or_reason(rt, name, popts).await),
        None => None,
    };
    Ok(StatusReport::Workload(WorkloadReport { status, probe }))
}
