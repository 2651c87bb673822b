//! Restart and delete b00t-managed workloads.

use std::time::Duration;

use serde::Serialize;

use super::deploy::{Failure, WaitFor, wait_for};
use super::{Event, Events};
use crate::error::{Error, Exit, Result};
use crate::render::labels;
use crate::runtime::kube::Kube;
use crate::runtime::kube::delete::Deleted;
use crate::runtime::kube::resolve::Resolved;
use crate::runtime::kube::wait::Target;

/// What `restart-mcp` did.
#[derive(Debug, Clone, Serialize)]
pub struct RestartReport {
    pub name: String,
    pub namespace: String,
    pub restarted: bool,
    /// `Some(true)` when waited for and ready.
    pub ready: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// Rolling restart of a Deployment b00t manages; with `wait`, watch the rollout.
pub async fn restart(
    kube: &Kube,
    name: &str,
    wait: Option<Duration>,
    events: &dyn Events,
) -> Result<RestartReport> {
    let instance = match kube.resolve(name).await? {
        Resolved::Instance {
            instance,
            target: Target::Deployment,
        } => instance,
        other => {
            return Err(Error::msg(
                Exit::Usage,
                format!(
                    "{} is not a Deployment; only Deployments can be restarted",
                    other.display()
                ),
            ));
        }
    };
    kube.restart(&instance).await?;
    let mut report = RestartReport {
        name: instance.clone(),
        namespace: kube.namespace.clone(),
        restarted: true,
        ready: None,
        failure: None,
    };
    if let Some(timeout) = wait {
        let w = WaitFor {
            target: Target::Deployment,
            name: instance.clone(),
        };
        report.failure = wait_for(kube, &w, timeout, events).await?;
        report.ready = Some(report.failure.is_none());
    }
    Ok(report)
}

/// What `delete` removes.
#[derive(Debug, Clone)]
pub enum DeleteTarget {
    /// A workload, app or pod by the name the user typed.
    Named(String),
    /// Every b00t-managed workload in the namespace.
    All,
}

/// What `delete` did.
#[derive(Debug, Clone, Serialize)]
pub struct DeleteReport {
    pub namespace: String,
    pub deleted: Vec<Deleted>,
    /// What was asked for, as the user reads it (`deployment.apps/x`, `pod/p`, …).
    #[serde(skip)]
    pub label: String,
}

/// Delete everything b00t created for a workload (or every workload); with `wait`, until the
/// objects and their pods are gone.
pub async fn delete(
    kube: &Kube,
    target: &DeleteTarget,
    wait: Option<Duration>,
    events: &dyn Events,
) -> Result<DeleteReport> {
    let (selector, pod, label) = match target {
        DeleteTarget::All => (
            Some(labels::selector_managed()),
            None,
            format!("every b00t workload in namespace {}", kube.namespace),
        ),
        DeleteTarget::Named(t) => match kube.resolve(t).await? {
            r @ (Resolved::Instance { .. } | Resolved::App { .. }) => {
                (r.pod_selector(), None, r.display())
            }
            Resolved::Pod { name } => (None, Some(name.clone()), format!("pod/{name}")),
        },
    };
    let deleted = match (&selector, &pod) {
        (Some(sel), _) => kube.delete_selected(sel).await?,
        (None, Some(p)) => vec![kube.delete_pod(p).await?],
        _ => vec![],
    };
    if let Some(timeout) = wait {
        events.emit(Event::Started(format!("waiting for {label} to be gone")));
        let res = kube
            .wait_gone(
                selector.as_deref().unwrap_or_default(),
                pod.as_deref(),
                timeout,
            )
            .await;
        events.emit(Event::Finished);
        res?;
    }
    Ok(DeleteReport {
        namespace: kube.namespace.clone(),
        deleted,
        label,
    })
}
