//! The OBI agent's life cycle on Kubernetes: preflight, deploy, status, logs, config,
//! upgrade, undeploy. Same shape as every use case: options in, events out, a report back.

pub mod docker;
pub mod lifecycle;
#[cfg(test)]
mod lifecycle_tests;
pub mod logs;
pub mod preflight;
pub mod scrape;
pub mod status;

/// Where `obi deploy` puts the agent unless `-n` says otherwise.
pub const DEFAULT_NAMESPACE: &str = "observability";
/// DaemonSet, ServiceAccount and b00t instance name.
pub const NAME: &str = "obi";
/// The agent's container.
pub const CONTAINER: &str = "obi";
/// The Pod Security label that decides whether the agent's pods are admitted.
pub const POD_SECURITY_ENFORCE: &str = "pod-security.kubernetes.io/enforce";

/// How the agent runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// One agent per node.
    DaemonSet,
    /// An `obi` container in the pods of one Deployment.
    Sidecar { target: String },
}

/// The namespace to act in: `-n`, else [`DEFAULT_NAMESPACE`] (not the context's namespace:
/// the agent lives apart from applications).
pub fn namespace(flag: Option<&str>) -> String {
    flag.unwrap_or(DEFAULT_NAMESPACE).to_string()
}
