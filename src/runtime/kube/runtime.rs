//! [`Runtime`] for Kubernetes: the workload rendered to objects and server-side applied; reads
//! through the same functions the `k8s` commands always used.

use std::time::Duration;

use super::Kube;
use super::resolve::Resolved;
use crate::error::{Error, Exit, Result};
use crate::render::{self, RenderOptions, labels};
use crate::runtime::{
    Applied, ApplyWorkload, BoxFuture, DeleteTarget, Deletion, ListOptions, LogLine, LogOptions,
    NotReady, Overview, Progress, Runtime, RuntimeKind, Target, WorkloadStatus, WorkloadSummary,
};
use crate::workload::Workload;

use super::apply::ApplyOptions;

impl Runtime for Kube {
    fn kind(&self) -> RuntimeKind {
        RuntimeKind::Kubernetes
    }

    fn namespace(&self) -> Option<String> {
        Some(self.namespace.clone())
    }

    fn scope(&self, all_namespaces: bool) -> String {
        if all_namespaces {
            "in any namespace".to_string()
        } else {
            format!("in namespace {}", self.namespace)
        }
    }

    fn apply<'a>(
        &'a self,
        w: &'a Workload,
        opts: &'a ApplyWorkload,
        _progress: Progress<'a>,
    ) -> BoxFuture<'a, Result<Vec<Applied>>> {
        Box::pin(async move {
            let objects = render::render_workload(
                w,
                &RenderOptions {
                    namespace: Some(self.namespace.clone()),
                },
            )?;
            let o = ApplyOptions {
                server_dry_run: opts.server_dry_run,
                ..ApplyOptions::default()
            };
            Ok(self.apply_all(&objects, o).await?)
        })
    }

    fn wait_ready<'a>(
        &'a self,
        target: Target,
        name: &'a str,
        timeout: Duration,
        progress: Progress<'a>,
    ) -> BoxFuture<'a, Result<std::result::Result<(), NotReady>>> {
        Box::pin(async move { Ok(Kube::wait_ready(self, target, name, timeout, progress).await?) })
    }

    fn list<'a>(&'a self, opts: &'a ListOptions) -> BoxFuture<'a, Result<Vec<WorkloadSummary>>> {
        Box::pin(async move { Ok(Kube::list(self, opts).await?) })
    }

    fn logs<'a>(
        &'a self,
        target: &'a str,
        opts: &'a LogOptions,
        sink: &'a mut (dyn FnMut(LogLine) + Send),
    ) -> BoxFuture<'a, Result<Vec<String>>> {
        Box::pin(async move {
            let resolved = self.resolve(target).await?;
            Ok(Kube::logs(self, &resolved, opts, sink).await?)
        })
    }

    fn delete<'a>(
        &'a self,
        target: &'a DeleteTarget,
        purge: bool,
    ) -> BoxFuture<'a, Result<Deletion>> {
        Box::pin(async move {
            let (selector, pod, label) = match target {
                DeleteTarget::All => (
                    Some(labels::selector_managed()),
                    None,
                    format!("every b00t workload in namespace {}", self.namespace),
                ),
                DeleteTarget::Named(t) => match self.resolve(t).await? {
                    r @ (Resolved::Instance { .. } | Resolved::App { .. }) => {
                        (r.pod_selector(), None, r.display())
                    }
                    Resolved::Pod { name } => (None, Some(name.clone()), format!("pod/{name}")),
                },
            };
            let (deleted, kept) = match (&selector, &pod) {
                (Some(sel), _) => self.delete_selected(sel, purge).await?,
                (None, Some(p)) => (vec![self.delete_pod(p).await?], vec![]),
                _ => (vec![], vec![]),
            };
            Ok(Deletion {
                label,
                deleted,
                kept,
                selector,
                pod,
            })
        })
    }

    fn wait_gone<'a>(
        &'a self,
        deletion: &'a Deletion,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            Ok(Kube::wait_gone(
                self,
                deletion.selector.as_deref().unwrap_or_default(),
                deletion.pod.as_deref(),
                timeout,
            )
            .await?)
        })
    }

    fn restart<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<(Target, String)>> {
        Box::pin(async move {
            let instance = match self.resolve(name).await? {
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
            Kube::restart(self, &instance).await?;
            Ok((Target::Deployment, instance))
        })
    }

    fn status<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<WorkloadStatus>> {
        Box::pin(async move {
            let target = self.resolve(name).await?;
            Ok(self.workload_status(&target).await?)
        })
    }

    fn overview(&self, all_namespaces: bool) -> BoxFuture<'_, Result<Overview>> {
        Box::pin(async move {
            Ok(Overview::Cluster(
                self.cluster_status(all_namespaces).await?,
            ))
        })
    }

    fn mcp_endpoint<'a>(
        &'a self,
        name: &'a str,
        opts: &'a crate::runtime::mcp::EndpointOptions,
    ) -> BoxFuture<'a, Result<crate::runtime::mcp::McpEndpoint>> {
        Box::pin(async move { Ok(Kube::mcp_endpoint(self, name, opts).await?) })
    }
}
