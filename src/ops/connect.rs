//! Connecting to the backend a command runs on (a Kubernetes cluster through the kubeconfig,
//! or a Docker engine), and choosing between one backend and several kubeconfig contexts for
//! the read commands. The CLI and the MCP server both connect through here.

use std::path::PathBuf;
use std::time::Duration;

use super::contexts::{self, Fanout, Scope};
use crate::error::{Error, Exit, Result};
use crate::runtime::docker::{self, Docker};
use crate::runtime::kube::{ConnectOptions, Kube, KubeError};
use crate::runtime::{Runtime, RuntimeKind};

/// Where to connect: the global flags `--kubeconfig`, `--context`, `-n`, `-A` (or an MCP
/// tool's overrides of them).
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
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
    target: &Target,
    namespace: Option<&str>,
    request_timeout: Duration,
    streaming: bool,
) -> Result<Backend> {
    match kind {
        RuntimeKind::Kubernetes => {
            let opts = ConnectOptions {
                kubeconfig: target.kubeconfig.clone(),
                context: target.context.clone(),
                namespace: target.namespace.clone().or(namespace.map(str::to_string)),
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
                (target.namespace.is_some(), "--namespace"),
                (target.all_namespaces, "--all-namespaces"),
                (target.kubeconfig.is_some(), "--kubeconfig"),
                (target.context.is_some(), "--context"),
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
    target: &Target,
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
            connect(kind, target, None, request_timeout, false).await?,
        ));
    }
    let scope = contexts::scope(
        target.kubeconfig.as_deref(),
        target.context.as_deref(),
        all_contexts,
    )?;
    Ok(match scope {
        Scope::Single(context) => {
            let target = Target {
                context,
                ..target.clone()
            };
            Reads::One(connect(kind, &target, None, request_timeout, false).await?)
        }
        Scope::Several(contexts) => Reads::Several(Fanout {
            kubeconfig: target.kubeconfig.clone(),
            contexts,
            namespace: target.namespace.clone(),
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
