//! The Kubernetes backend: kubeconfig resolution like kubectl, server-side apply, listing,
//! waiting, logs, deletion and status of b00t-managed workloads.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use snafu::Snafu;

use crate::error::{Classify, Exit};

pub mod apply;
pub mod cluster;
pub mod delete;
pub mod list;
pub mod logs;
pub mod mcp;
pub mod resolve;
pub mod rollout;
mod runtime;
pub mod status;
pub mod wait;

/// How long a TCP connection to an API server may take before it counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How to reach the cluster (the global flags).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    /// Per-request timeout for non-streaming calls.
    pub request_timeout: Option<Duration>,
}

/// A connected client plus what the user needs to see in messages.
#[derive(Clone)]
pub struct Kube {
    pub client: Client,
    /// The same connection settings without kube's retry on 429/503/504 (for proxied calls).
    pub no_retry: Client,
    /// Context name (`in-cluster` inside a pod).
    pub context: String,
    /// API server URL.
    pub server: String,
    /// Namespace to act in: `-n`, else the context's, else `default`.
    pub namespace: String,
    request_timeout: Duration,
}

#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum KubeError {
    #[snafu(display(
        "no kubeconfig found (looked at {looked}) and not running inside a cluster; point at a cluster with --kubeconfig PATH or KUBECONFIG"
    ))]
    NoKubeconfig { looked: String },

    #[snafu(display("reading kubeconfig {path}"))]
    ReadKubeconfig {
        path: String,
        source: kube::config::KubeconfigError,
    },

    #[snafu(display("context {context:?} not found in the kubeconfig; available: {available}"))]
    UnknownContext { context: String, available: String },

    #[snafu(display("using context {context:?}"))]
    UseContext {
        context: String,
        source: kube::config::KubeconfigError,
    },

    #[snafu(display("creating a client for {server}"))]
    MakeClient { server: String, source: kube::Error },

    #[snafu(display(
        "cannot reach the cluster of context {context:?} at {server}: {reason}; check that it is running, or choose another with --context NAME or --kubeconfig PATH"
    ))]
    Unreachable {
        context: String,
        server: String,
        reason: String,
    },

    #[snafu(display("{verb} {what}: {message}"))]
    Api {
        verb: String,
        what: String,
        code: u16,
        message: String,
    },

    #[snafu(display("{verb} {what}"))]
    Other {
        verb: String,
        what: String,
        source: kube::Error,
    },

    #[snafu(display("{what}: timed out after {}", humantime(*after)))]
    TimedOut { what: String, after: Duration },

    #[snafu(display("{what} not found{hint}"))]
    NotFound { what: String, hint: String },

    #[snafu(display("{what}: {reason}"))]
    Failed { what: String, reason: String },

    #[snafu(display("{message}"))]
    Refused { message: String },

    /// A multi-step operation stopped part-way; `note` says what was undone or left.
    #[snafu(display("{note}"))]
    Partial {
        note: String,
        source: Box<KubeError>,
    },
}

impl Classify for KubeError {
    fn exit(&self) -> Exit {
        match self {
            KubeError::NoKubeconfig { .. }
            | KubeError::Unreachable { .. }
            | KubeError::MakeClient { .. } => Exit::Unreachable,
            KubeError::ReadKubeconfig { .. }
            | KubeError::UnknownContext { .. }
            | KubeError::UseContext { .. } => Exit::Usage,
            KubeError::Api { code, .. } => match code {
                401 | 403 => Exit::Forbidden,
                404 => Exit::NotFound,
                408 | 504 => Exit::TimedOut,
                _ => Exit::Failed,
            },
            KubeError::Other { .. } | KubeError::Failed { .. } => Exit::Failed,
            KubeError::TimedOut { .. } => Exit::TimedOut,
            KubeError::NotFound { .. } => Exit::NotFound,
            KubeError::Refused { .. } => Exit::Usage,
            KubeError::Partial { source, .. } => source.exit(),
        }
    }
}

pub type Result<T, E = KubeError> = std::result::Result<T, E>;

/// `90s`, `2m`, `1m30s`.
pub fn humantime(d: Duration) -> String {
    let s = d.as_secs();
    if d.subsec_millis() != 0 && s < 10 {
        return format!("{:.1}s", d.as_secs_f64());
    }
    match (s / 60, s % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// Load the kubeconfig the way kubectl does: `--kubeconfig`, else `$KUBECONFIG` (several files
/// merged, first value wins), else `~/.kube/config`; `None` when none exists.
pub fn load_kubeconfig(explicit: Option<&std::path::Path>) -> Result<Option<Kubeconfig>> {
    if let Some(p) = explicit {
        return Kubeconfig::read_from(p)
            .map(Some)
            .map_err(|source| KubeError::ReadKubeconfig {
                path: p.display().to_string(),
                source,
            });
    }
    if let Some(value) = std::env::var_os("KUBECONFIG") {
        let paths: Vec<PathBuf> = std::env::split_paths(&value)
            .filter(|p| !p.as_os_str().is_empty())
            .filter(|p| p.exists())
            .collect();
        if !paths.is_empty() {
            let mut merged = Kubeconfig::default();
            for p in &paths {
                let next =
                    Kubeconfig::read_from(p).map_err(|source| KubeError::ReadKubeconfig {
                        path: p.display().to_string(),
                        source,
                    })?;
                merged = merged
                    .merge(next)
                    .map_err(|source| KubeError::ReadKubeconfig {
                        path: p.display().to_string(),
                        source,
                    })?;
            }
            return Ok(Some(merged));
        }
    }
    let default = dirs::home_dir().map(|h| h.join(".kube").join("config"));
    match default {
        Some(p) if p.exists() => {
            Kubeconfig::read_from(&p)
                .map(Some)
                .map_err(|source| KubeError::ReadKubeconfig {
                    path: p.display().to_string(),
                    source,
                })
        }
        _ => Ok(None),
    }
}

/// Where [`load_kubeconfig`] looks, for messages.
pub(crate) fn looked_at(explicit: Option<&std::path::Path>) -> String {
    if let Some(p) = explicit {
        return p.display().to_string();
    }
    let mut v = Vec::new();
    if let Some(k) = std::env::var_os("KUBECONFIG") {
        v.push(format!("KUBECONFIG={}", k.to_string_lossy()));
    } else {
        v.push("$KUBECONFIG (unset)".to_string());
    }
    v.push(
        dirs::home_dir()
            .map(|h| h.join(".kube/config").display().to_string())
            .unwrap_or_else(|| "~/.kube/config".into()),
    );
    v.join(", ")
}

impl Kube {
    /// Resolve the configuration and build a client. Makes no request.
    pub async fn connect(opts: &ConnectOptions) -> Result<Kube> {
        let kubeconfig = load_kubeconfig(opts.kubeconfig.as_deref())?;
        let (config, context) = match kubeconfig {
            Some(kc) => {
                let context = opts
                    .context
                    .clone()
                    .or_else(|| kc.current_context.clone())
                    .unwrap_or_default();
                if !kc.contexts.iter().any(|c| c.name == context) {
                    let available: Vec<&str> =
                        kc.contexts.iter().map(|c| c.name.as_str()).collect();
                    return UnknownContextSnafu {
                        context: if context.is_empty() {
                            "(current-context unset)".into()
                        } else {
                            context
                        },
                        available: if available.is_empty() {
                            "none".into()
                        } else {
                            available.join(", ")
                        },
                    }
                    .fail();
                }
                let kopts = KubeConfigOptions {
                    context: Some(context.clone()),
                    ..Default::default()
                };
                let config =
                    Config::from_custom_kubeconfig(kc, &kopts)
                        .await
                        .map_err(|source| KubeError::UseContext {
                            context: context.clone(),
                            source,
                        })?;
                (config, context)
            }
            None => match Config::incluster() {
                Ok(c) => (c, "in-cluster".to_string()),
                Err(_) => {
                    return NoKubeconfigSnafu {
                        looked: looked_at(opts.kubeconfig.as_deref()),
                    }
                    .fail();
                }
            },
        };
        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let namespace = opts
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let mut config = config;
        // Fail fast on a dead address instead of kube's 30 s default.
        config.connect_timeout = Some(CONNECT_TIMEOUT);
        // Proxied requests (a pod's /metrics, a kubelet's summary) answer 503 when nothing
        // listens; kube's default retry would back off for minutes on that. They go through a
        // client that does not retry.
        let mut once = config.clone();
        once.default_retry = false;
        let client = Client::try_from(config).map_err(|source| KubeError::MakeClient {
            server: server.clone(),
            source,
        })?;
        let no_retry = Client::try_from(once).map_err(|source| KubeError::MakeClient {
            server: server.clone(),
            source,
        })?;
        Ok(Kube {
            client,
            no_retry,
            context,
            server,
            namespace,
            request_timeout: opts.request_timeout.unwrap_or(Duration::from_secs(30)),
        })
    }

    /// Turn a kube error into ours: connection problems name the context and server; API
    /// statuses keep the server's message (it already names verb, resource and namespace).
    pub fn err(&self, verb: &str, what: &str, e: kube::Error) -> KubeError {
        match e {
            kube::Error::Api(status) => KubeError::Api {
                verb: verb.into(),
                what: what.into(),
                code: status.code,
                message: if status.message.is_empty() {
                    format!("{} ({})", status.reason, status.code)
                } else {
                    status.message.clone()
                },
            },
            kube::Error::HyperError(_) | kube::Error::Service(_) => KubeError::Unreachable {
                context: self.context.clone(),
                server: self.server.clone(),
                reason: root_cause(&e),
            },
            other => KubeError::Other {
                verb: verb.into(),
                what: what.into(),
                source: other,
            },
        }
    }

    /// Run one request with the per-request timeout and error mapping.
    pub async fn call<T, F>(&self, verb: &str, what: &str, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T, kube::Error>>,
    {
        match tokio::time::timeout(self.request_timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.err(verb, what, e)),
            Err(_) => Err(KubeError::TimedOut {
                what: format!("{verb} {what} (no answer from {})", self.server),
                after: self.request_timeout,
            }),
        }
    }

    /// Like [`Kube::call`] but a 404 is `Ok(None)`.
    pub async fn call_opt<T, F>(&self, verb: &str, what: &str, fut: F) -> Result<Option<T>>
    where
        F: Future<Output = Result<T, kube::Error>>,
    {
        match self.call(verb, what, fut).await {
            Ok(v) => Ok(Some(v)),
            Err(KubeError::Api { code: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
}

/// The innermost error message (e.g. "Connection refused (os error 111)").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let s = cur.to_string();
    // Strip "(os error N)" noise.
    match s.find(" (os error") {
        Some(i) => s[..i].to_lowercase(),
        None => s.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl() {
        assert_eq!(humantime(Duration::from_secs(120)), "2m");
        assert_eq!(humantime(Duration::from_secs(90)), "1m30s");
        assert_eq!(humantime(Duration::from_secs(5)), "5s");
        assert_eq!(humantime(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn exit_classes() {
        let api = |code| KubeError::Api {
            verb: "get".into(),
            what: "x".into(),
            code,
            message: String::new(),
        };
        assert_eq!(api(403).exit(), Exit::Forbidden);
        assert_eq!(api(401).exit(), Exit::Forbidden);
        assert_eq!(api(404).exit(), Exit::NotFound);
        assert_eq!(api(409).exit(), Exit::Failed);
        assert_eq!(api(500).exit(), Exit::Failed);
        let u = KubeError::Unreachable {
            context: "c".into(),
            server: "s".into(),
            reason: "r".into(),
        };
        assert_eq!(u.exit(), Exit::Unreachable);
    }
}
