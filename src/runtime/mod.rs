//! Backends that apply, list, stream logs of and delete workloads: [`kube`] (Kubernetes) and
//! [`docker`] (a Docker engine), both behind [`Runtime`] so that the use cases in `ops/` run
//! unchanged on either.
//!
//! Ops module: no clap, no printing; progress goes through callbacks.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::Serialize;

use crate::error::Result;
use crate::workload::Workload;

pub mod docker;
pub mod kube;
pub mod mcp;

pub use kube::apply::Applied;
pub use kube::delete::Deleted;
pub use kube::list::{ListOptions, WorkloadSummary};
pub use kube::logs::{LogLine, LogOptions};
pub use kube::status::{ClusterStatus, WorkloadStatus};
pub use kube::wait::{NotReady, Target};

/// A boxed future, so that [`Runtime`] stays object-safe (`&dyn Runtime`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A progress callback (`waiting: 1/2 running`).
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Which backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RuntimeKind {
    #[default]
    Kubernetes,
    Docker,
}

impl RuntimeKind {
    pub fn name(self) -> &'static str {
        match self {
            RuntimeKind::Kubernetes => "kubernetes",
            RuntimeKind::Docker => "docker",
        }
    }

    /// `kubernetes`/`k8s`/`kube` or `docker`.
    pub fn parse(s: &str) -> Option<RuntimeKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kubernetes" | "k8s" | "kube" => Some(RuntimeKind::Kubernetes),
            "docker" => Some(RuntimeKind::Docker),
            _ => None,
        }
    }
}

/// How [`Runtime::apply`] applies a workload.
#[derive(Debug, Clone, Default)]
pub struct ApplyWorkload {
    /// Kubernetes only: let the API server validate without storing.
    pub server_dry_run: bool,
    /// Docker only: when to pull the image.
    pub pull: docker::PullPolicy,
    /// Docker only: publish ports on every interface, not only 127.0.0.1.
    pub publish_all_interfaces: bool,
}

/// What a delete selects.
#[derive(Debug, Clone)]
pub enum DeleteTarget {
    /// A workload, app or pod by the name the user typed.
    Named(String),
    /// Every b00t-managed workload in the namespace (or on the engine).
    All,
}

/// What [`Runtime::delete`] removed, and how to tell it is gone.
#[derive(Debug, Clone)]
pub struct Deletion {
    /// What was asked for, as the user reads it (`deployment.apps/x`, `pod/p`, `container/c`).
    pub label: String,
    pub deleted: Vec<Deleted>,
    /// What was left on purpose without `--purge`: claims (Kubernetes), named volumes
    /// (Docker).
    pub kept: Vec<Deleted>,
    /// The label selector of what must be gone.
    pub selector: Option<String>,
    /// A single pod that must be gone (Kubernetes).
    pub pod: Option<String>,
}

/// `status` without a name: the cluster, or the engine.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Overview {
    Cluster(ClusterStatus),
    Engine(docker::runtime::EngineStatus),
}

/// One Docker container of a workload, as `status NAME` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerState {
    pub name: String,
    /// `running`, `restarting`, `exited`, `created`, …
    pub state: String,
    /// `healthy`, `unhealthy`, `starting`; `None` without a health check.
    pub health: Option<String>,
    pub restarts: i64,
    /// Of the last run, when it has ended.
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    pub started_at: Option<String>,
    /// Published ports, `127.0.0.1:8080->8080/tcp`.
    pub ports: Vec<String>,
}

/// Serialise an empty string as `null` (the namespace of Docker rows).
pub fn empty_as_null<S: serde::Serializer>(v: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    if v.is_empty() {
        s.serialize_none()
    } else {
        s.serialize_str(v)
    }
}

/// A place workloads run. Every method takes a connected backend.
pub trait Runtime: Send + Sync {
    fn kind(&self) -> RuntimeKind;

    /// The namespace acted in (`None` on Docker).
    fn namespace(&self) -> Option<String>;

    /// Where, for messages: `in namespace default`, `on the Docker engine at unix:///…`.
    fn scope(&self, all_namespaces: bool) -> String;

    /// Create or update everything of `w`; each object reported created, configured or
    /// unchanged.
    fn apply<'a>(
        &'a self,
        w: &'a Workload,
        opts: &'a ApplyWorkload,
        progress: Progress<'a>,
    ) -> BoxFuture<'a, Result<Vec<Applied>>>;

    /// Wait until the workload is ready; `Ok(Err(why))` when it cannot get there.
    fn wait_ready<'a>(
        &'a self,
        target: Target,
        name: &'a str,
        timeout: Duration,
        progress: Progress<'a>,
    ) -> BoxFuture<'a, Result<std::result::Result<(), NotReady>>>;

    fn list<'a>(&'a self, opts: &'a ListOptions) -> BoxFuture<'a, Result<Vec<WorkloadSummary>>>;

    /// Every line of a workload (or pod, or container) into `sink`, merged by time; notes back.
    fn logs<'a>(
        &'a self,
        target: &'a str,
        opts: &'a LogOptions,
        sink: &'a mut (dyn FnMut(LogLine) + Send),
    ) -> BoxFuture<'a, Result<Vec<String>>>;

    /// Delete everything b00t created for the target.
    /// `purge` also deletes the workload's storage (claims, named volumes), kept otherwise.
    fn delete<'a>(
        &'a self,
        target: &'a DeleteTarget,
        purge: bool,
    ) -> BoxFuture<'a, Result<Deletion>>;

    /// Wait until what [`Runtime::delete`] removed is gone.
    fn wait_gone<'a>(
        &'a self,
        deletion: &'a Deletion,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<()>>;

    /// Restart an MCP server (rolling on Kubernetes, container by container on Docker); the
    /// workload to wait for.
    fn restart<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<(Target, String)>>;

    /// Health of one workload.
    fn status<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<WorkloadStatus>>;

    /// `status` without a name.
    fn overview(&self, all_namespaces: bool) -> BoxFuture<'_, Result<Overview>>;

    /// The MCP server of a running workload: a fresh stdio process per connection, or an HTTP
    /// URL (a port-forward on Kubernetes).
    fn mcp_endpoint<'a>(
        &'a self,
        name: &'a str,
        opts: &'a mcp::EndpointOptions,
    ) -> BoxFuture<'a, Result<mcp::McpEndpoint>>;
}
