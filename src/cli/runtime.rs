//! `--runtime kubernetes|docker` and the Docker-only deploy flags: which backend a `k8s`
//! command runs on; connecting to it is `ops::connect`, with the global flags.

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::Global;
use super::obi_docker::PullArg;
use crate::datum::UserConfig;
use crate::error::{Error, Exit, Result};
use crate::ops::connect;
use crate::runtime::{ApplyWorkload, RuntimeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuntimeArg {
    /// A Kubernetes cluster (kubeconfig)
    Kubernetes,
    /// A Docker engine (DOCKER_HOST, the current docker context, the default socket)
    Docker,
}

/// `--runtime`, on the commands that run on either backend.
#[derive(Debug, Clone, Args, Default)]
pub struct RuntimeFlag {
    /// Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)
    #[arg(long, value_enum, env = "B00T_RUNTIME", value_name = "RUNTIME")]
    pub runtime: Option<RuntimeArg>,
}

/// The Docker-only flags of the deploy commands.
#[derive(Debug, Clone, Args, Default)]
pub struct DockerDeployFlags {
    /// With --runtime docker: when to pull the image
    #[arg(long, value_enum, value_name = "WHEN")]
    pub pull: Option<PullArg>,
    /// With --runtime docker: publish ports on every interface, not only 127.0.0.1
    #[arg(long)]
    pub publish_all_interfaces: bool,
}

impl DockerDeployFlags {
    /// The apply options; the flags are refused on Kubernetes (they would do nothing there).
    pub fn apply(&self, kind: RuntimeKind) -> Result<ApplyWorkload> {
        if kind == RuntimeKind::Kubernetes {
            let flag = if self.pull.is_some() {
                Some("--pull")
            } else if self.publish_all_interfaces {
                Some("--publish-all-interfaces")
            } else {
                None
            };
            if let Some(f) = flag {
                return Err(Error::msg(
                    Exit::Usage,
                    format!(
                        "{f} applies to --runtime docker; on Kubernetes the pod spec's imagePullPolicy and the Service decide"
                    ),
                ));
            }
        }
        Ok(ApplyWorkload {
            pull: self.pull.map(Into::into).unwrap_or_default(),
            publish_all_interfaces: self.publish_all_interfaces,
            ..Default::default()
        })
    }
}

impl RuntimeFlag {
    /// The flag (or `B00T_RUNTIME`), else the user config's `runtime`, else Kubernetes.
    pub fn kind(&self) -> Result<RuntimeKind> {
        Ok(match self.runtime {
            Some(RuntimeArg::Kubernetes) => RuntimeKind::Kubernetes,
            Some(RuntimeArg::Docker) => RuntimeKind::Docker,
            None => UserConfig::load_default()?.runtime.unwrap_or_default(),
        })
    }
}

pub use crate::ops::connect::{Backend, Reads};

/// Connect to the backend of `kind` ([`crate::ops::connect::connect`] with the global flags).
pub async fn connect(
    kind: RuntimeKind,
    global: &Global,
    namespace: Option<&str>,
    request_timeout: Duration,
    streaming: bool,
) -> Result<Backend> {
    connect::connect(
        kind,
        &global.target(),
        namespace,
        request_timeout,
        streaming,
    )
    .await
}
