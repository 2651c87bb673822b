//! Restart and delete b00t-managed workloads, on any [`Runtime`].

use std::time::Duration;

use serde::Serialize;

use super::deploy::{Failure, WaitFor, wait_for};
use super::{Event, Events};
use crate::error::Result;
use crate::runtime::{Deleted, Runtime};

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
