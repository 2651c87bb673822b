//! `--runtime kubernetes|docker` and the Docker-only deploy flags: which backend a `k8s`
//! command runs on, and connecting to it.

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::Global;
use super::obi_docker::PullArg;
use crate::datum::UserConfig;
use crate::error::{Error, Exit, Result};
use crate::ops::contexts::{self, Fanout, Scope};
use crate::runtime::docker::{self, Docker};
use crate::runtime::kube::{ConnectOptions, Kube, KubeError};
use crate::runtime::{ApplyWorkload, Runtime, RuntimeKind};

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

/// A connected backend.
pub enum Backend {
    Kube(Kube),
    Docker(Docker),
}

impl Backend {
    pub fn rt(&self) -> &dyn Runtime {
        match self {
            Backend::Kube(k) => k,
            Backend::Docker(d) => d,
        }
    }
}

/// How long a streaming Docker request (`logs -f`) may run.
const STREAM_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Connect to the backend of `kind`. `namespace` is the default when `-n` is not given
/// (a datum's namespace). `streaming` lifts the per-request timeout on Docker.
pub async fn connect(
    kind: RuntimeKind,
    global: &Global,
    namespace: Option<&str>,
    request_timeout: Duration,
    streaming: bool,
) -> Result<Backend> {
    match kind {
        RuntimeKind::Kubernetes => {
            let opts = ConnectOptions {
                kubeconfig: global.kubeconfig.clone(),
                context: global.context.clone(),
                namespace: global.namespace.clone().or(namespace.map(str::to_string)),
                request_timeout: Some(request_timeout),
            };
            match Kube::connect(&opts).await {
                Ok(k) => Ok(Backend::Kube(k)),
                Err(e @ KubeError::NoKubeconfig { .. }) => Err(no_cluster(e).await),
                Err(e) => Err(e.into()),
            }
        }
        RuntimeKind::Docker => {
            for (given, flag) in [
                (global.namespace.is_some(), "--namespace"),
                (global.all_namespaces, "--all-namespaces"),
                (global.kubeconfig.is_some(), "--kubeconfig"),
                (global.context.is_some(), "--context"),
            ] {
                if given {
                    return Err(Error::msg(
                        Exit::Usage,
                        format!(
                            "{flag} does not apply to --runtime docker (a Docker engine has no namespaces or kubeconfig; DOCKER_HOST or the docker context choose the engine)"
                        ),
                    ));
                }
            }
            let d = Docker::connect(&docker::ConnectOptions {
                host: None,
                timeout: Some(if streaming {
                    STREAM_TIMEOUT
                } else {
                    request_timeout
                }),
            })
            .await?;
            Ok(Backend::Docker(d))
        }
    }
}

/// Where a read command (`list`, `status`) runs: one backend, or several contexts.
pub enum Reads {
    One(Backend),
    Several(Fanout),
}

/// `--context a,b` or `--all-contexts` fan out over those contexts; one context (or none)
/// connects as every command does. Unknown context names are refused before anything is
/// contacted.
pub async fn reads(
    kind: RuntimeKind,
    global: &Global,
    all_contexts: bool,
    request_timeout: Duration,
) -> Result<Reads> {
    if kind == RuntimeKind::Docker {
        if all_contexts {
            return Err(Error::msg(
                Exit::Usage,
                "--all-contexts does not apply to --runtime docker (DOCKER_HOST or the docker context choose the engine)",
            ));
        }
        return Ok(Reads::One(
            connect(kind, global, None, request_timeout, false).await?,
        ));
    }
    let scope = contexts::scope(
        global.kubeconfig.as_deref(),
        global.context.as_deref(),
        all_contexts,
    )?;
    Ok(match scope {
        Scope::Single(context) => {
            let global = Global {
                context,
                ..global.clone()
            };
            Reads::One(connect(kind, &global, None, request_timeout, false).await?)
        }
        Scope::Several(contexts) => Reads::Several(Fanout {
            kubeconfig: global.kubeconfig.clone(),
            contexts,
            namespace: global.namespace.clone(),
            request_timeout,
        }),
    })
}

/// No kubeconfig: say so, and when a Docker engine answers, show the command that uses it.
/// The runtime is never switched silently.
async fn no_cluster(e: KubeError) -> Error {
    let probe = Docker::connect(&docker::ConnectOptions {
        host: None,
        timeout: Some(Duration::from_secs(3)),
    })
    .await;
    match probe {
        Ok(d) => Error::msg(
            Exit::Unreachable,
            format!(
                "{e}; a Docker engine answers at {} ({}): to run there, use `{} --runtime docker` (or set B00T_RUNTIME=docker, or runtime = \"docker\" in ~/.config/b00t/config.toml)",
                d.host.url,
                d.host.source,
                command_line()
            ),
        ),
        Err(_) => e.into(),
    }
}

/// This invocation as a shell command line (`b00t k8s list`).
fn command_line() -> String {
    let mut args = std::env::args();
    let prog = args
        .next()
        .and_then(|p| {
            std::path::Path::new(&p)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "b00t".into());
    std::iter::once(prog)
        .chain(args.map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}
