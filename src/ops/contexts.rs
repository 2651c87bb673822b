//! `list` and `status` over several kubeconfig contexts at once (`--context a,b`,
//! `--all-contexts`): one client per context, all contexts concurrently, each bounded by a
//! deadline. A context that cannot be read is an entry carrying its error, not the failure of
//! the whole command; the command fails only when every context does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use super::mcp::{self, ProbeOptions};
use super::workloads::{self, ListRequest, ListRow, Listed, StatusReport, WorkloadReport};
use crate::error::{Error, Exit, Result};
use crate::runtime::Overview;
use crate::runtime::kube::{self, CONNECT_TIMEOUT, ConnectOptions, Kube, KubeError};

/// Which contexts a read command covers, from `--context` and `--all-contexts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One context (`None`: the kubeconfig's current one): the single-cluster command, with
    /// its usual output shape.
    Single(Option<String>),
    /// Two or more contexts (or `--all-contexts`): rows and entries carry a `context`.
    Several(Vec<String>),
}

/// Resolve `--context` (one name, or several separated by commas) and `--all-contexts`
/// against the kubeconfig, before anything is contacted. A name the kubeconfig does not have
/// is a usage error naming it. `--all-contexts` is every context, sorted by name. A context
/// whose own name contains a comma is taken as one name.
pub fn scope(kubeconfig: Option<&Path>, context: Option<&str>, all: bool) -> Result<Scope> {
    if all && context.is_some() {
        return Err(Error::msg(
            Exit::Usage,
            "--all-contexts and --context exclude each other (--all-contexts is every context of the kubeconfig)",
        ));
    }
    if all {
        let names = context_names(kubeconfig)?;
        if names.is_empty() {
            return Err(Error::msg(
                Exit::Usage,
                "--all-contexts: the kubeconfig has no contexts",
            ));
        }
        return Ok(Scope::Several(names.into_iter().collect()));
    }
    let Some(given) = context.filter(|c| c.contains(',')) else {
        return Ok(Scope::Single(context.map(str::to_string)));
    };
    let names = context_names(kubeconfig)?;
    if names.contains(given) {
        return Ok(Scope::Single(Some(given.to_string())));
    }
    pick(&names, given)
}

/// The names of `--context a,b`, checked against the kubeconfig's, without repeats.
fn pick(names: &BTreeSet<String>, given: &str) -> Result<Scope> {
    let mut picked: Vec<String> = Vec::new();
    for name in given.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !names.contains(name) {
            return Err(KubeError::UnknownContext {
                context: name.to_string(),
                available: if names.is_empty() {
                    "none".into()
                } else {
                    names.iter().cloned().collect::<Vec<_>>().join(", ")
                },
            }
            .into());
        }
        if !picked.iter().any(|a| a == name) {
            picked.push(name.to_string());
        }
    }
    match picked.len() {
        0 => Err(Error::msg(
            Exit::Usage,
            format!("--context {given:?} names no context"),
        )),
        1 => Ok(Scope::Single(picked.pop())),
        _ => Ok(Scope::Several(picked)),
    }
}

/// The context names of the kubeconfig (`--kubeconfig`, `$KUBECONFIG`, `~/.kube/config`).
fn context_names(kubeconfig: Option<&Path>) -> Result<BTreeSet<String>> {
    match kube::load_kubeconfig(kubeconfig)? {
        Some(kc) => Ok(kc.contexts.into_iter().map(|c| c.name).collect()),
        None => Err(KubeError::NoKubeconfig {
            looked: kube::looked_at(kubeconfig),
        }
        .into()),
    }
}

/// How to reach each context: the global flags, with the context left to the fan-out.
#[derive(Debug, Clone)]
pub struct Fanout {
    pub kubeconfig: Option<PathBuf>,
    pub contexts: Vec<String>,
    /// `-n`; `None`: each context's own namespace.
    pub namespace: Option<String>,
    /// Per API request, as for one context.
    pub request_timeout: Duration,
}

impl Fanout {
    /// How long one context may take to connect and answer the read (MCP handshakes come
    /// after and have their own timeout): the connect timeout, or the request timeout when
    /// that is shorter. A cluster that accepts connections but never answers then delays the
    /// command by no more than that.
    pub fn deadline(&self) -> Duration {
        CONNECT_TIMEOUT.min(self.request_timeout)
    }

    /// Connect to `context` and run `read` on it, both before the deadline.
    async fn read<T, F>(&self, context: &str, read: F) -> Result<(Kube, T)>
    where
        F: AsyncFnOnce(&Kube) -> Result<T>,
    {
        let after = self.deadline();
        let until = Instant::now() + after;
        let opts = ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: Some(context.to_string()),
            namespace: self.namespace.clone(),
            request_timeout: Some(self.request_timeout),
        };
        let no_answer = |server: &str| KubeError::TimedOut {
            what: format!("no answer from the cluster of context {context:?} at {server}"),
            after,
        };
        let kube = match tokio::time::timeout_at(until, Kube::connect(&opts)).await {
            Ok(k) => k?,
            Err(_) => return Err(no_answer("its server").into()),
        };
        match tokio::time::timeout_at(until, read(&kube)).await {
            Ok(v) => Ok((kube, v?)),
            Err(_) => Err(no_answer(&kube.server).into()),
        }
    }
}

/// One context's outcome.
#[derive(Debug)]
pub struct InContext<T> {
    pub context: String,
    pub result: Result<T>,
}

/// A context that could not be read, as a JSON entry.
#[derive(Debug, Clone, Serialize)]
pub struct ContextError<'a> {
    pub context: &'a str,
    /// The one-line message the command prints for this context alone.
    pub error: String,
    pub exit_code: i32,
    pub exit_class: &'static str,
}

impl<'a> ContextError<'a> {
    fn of(context: &'a str, e: &Error) -> Self {
        ContextError {
            context,
            error: e.chain(),
            exit_code: e.exit().code(),
            exit_class: e.exit().class(),
        }
    }
}

/// An item found in a context: the item's fields plus `context`.
#[derive(Debug, Clone, Serialize)]
pub struct Found<'a, T> {
    pub context: &'a str,
    #[serde(flatten)]
    pub item: T,
}

/// One entry of a several-context document.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Entry<'a, T> {
    Found(Found<'a, T>),
    Failed(ContextError<'a>),
}

/// Every context failed: the error the command ends with. Its class is the contexts' common
/// class, or unreachable (3) when they differ (none of the clusters could be used).
fn all_failed<T>(results: &[InContext<T>]) -> Option<Error> {
    let failed: Vec<(&str, &Error)> = results
        .iter()
        .filter_map(|r| r.result.as_ref().err().map(|e| (r.context.as_str(), e)))
        .collect();
    if failed.is_empty() || failed.len() < results.len() {
        return None;
    }
    let first = failed[0].1.exit();
    let exit = if failed.iter().all(|(_, e)| e.exit() == first) {
        first
    } else {
        Exit::Unreachable
    };
    Some(Error::msg(
        exit,
        format!(
            "every context failed ({})",
            failed
                .iter()
                .map(|(c, e)| format!("{c}: {}", e.exit().class()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// The first context read whose own verdict (`list --probe`, `status NAME`) fails, as that
/// error naming the context.
fn first_failing<T>(results: &[InContext<T>], verdict: impl Fn(&T) -> Result<()>) -> Result<()> {
    for c in results {
        if let Ok(v) = &c.result {
            verdict(v).map_err(|e| Error::msg(e.exit(), format!("context {}: {e}", c.context)))?;
        }
    }
    Ok(())
}

/// What `list` found in each context, in the order the contexts were asked for.
#[derive(Debug)]
pub struct ListedContexts {
    pub contexts: Vec<InContext<Listed>>,
}

impl ListedContexts {
    /// The `--json` document: every row with its `context`, and one entry per context that
    /// could not be read (`{context, error, exit_code, exit_class}`).
    pub fn document(&self) -> Vec<Entry<'_, ListRow<'_>>> {
        let mut doc = Vec::new();
        for c in &self.contexts {
            match &c.result {
                Ok(listed) => doc.extend(listed.document().into_iter().map(|item| {
                    Entry::Found(Found {
                        context: &c.context,
                        item,
                    })
                })),
                Err(e) => doc.push(Entry::Failed(ContextError::of(&c.context, e))),
            }
        }
        doc
    }

    /// Fails when every context failed; otherwise as one `list` does (`--probe`: exit 1 when
    /// a server does not answer MCP).
    pub fn result(&self) -> Result<()> {
        if let Some(e) = all_failed(&self.contexts) {
            return Err(e);
        }
        first_failing(&self.contexts, Listed::result)
    }
}

/// `list` in every context of `fan`, concurrently.
pub async fn list(fan: &Fanout, req: &ListRequest) -> ListedContexts {
    let read = ListRequest {
        probe: None,
        ..req.clone()
    };
    let one = |context: &str| {
        let read = &read;
        let context = context.to_string();
        async move {
            let result = async {
                let (kube, mut listed) = fan
                    .read(&context, async |k: &Kube| workloads::list(k, read).await)
                    .await?;
                if let Some(popts) = &req.probe {
                    listed.probes = Some(workloads::probe_rows(&kube, &listed.rows, popts).await);
                }
                Ok(listed)
            }
            .await;
            InContext { context, result }
        }
    };
    ListedContexts {
        contexts: futures::future::join_all(fan.contexts.iter().map(|c| one(c))).await,
    }
}

/// What `status [NAME]` found in each context.
#[derive(Debug)]
pub struct StatusContexts {
    /// The workload asked for; `None`: each cluster's overview.
    pub name: Option<String>,
    pub contexts: Vec<InContext<StatusReport>>,
}

/// One entry of `status --json` over several contexts.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum StatusEntry<'a> {
    /// The cluster overview (it names its context already).
    Cluster(&'a Overview),
    Workload(Found<'a, &'a WorkloadReport>),
    Failed(ContextError<'a>),
}

impl StatusContexts {
    /// The `--json` document: one entry per context, in the order asked for.
    pub fn document(&self) -> Vec<StatusEntry<'_>> {
        self.contexts
            .iter()
            .map(|c| match &c.result {
                Ok(StatusReport::Overview(o)) => StatusEntry::Cluster(o),
                Ok(StatusReport::Workload(w)) => StatusEntry::Workload(Found {
                    context: &c.context,
                    item: w,
                }),
                Err(e) => StatusEntry::Failed(ContextError::of(&c.context, e)),
            })
            .collect()
    }

    /// The contexts where NAME was not found (while others were read).
    pub fn missing_in(&self) -> Vec<&str> {
        self.contexts
            .iter()
            .filter(|c| c.result.as_ref().is_err_and(|e| e.exit() == Exit::NotFound))
            .map(|c| c.context.as_str())
            .collect()
    }

    /// Fails when every context failed (NAME missing everywhere: not found, 4); otherwise a
    /// health check like one `status NAME`: exit 1 when the workload is unhealthy in any
    /// context where it was found.
    pub fn health(&self) -> Result<()> {
        if let Some(e) = all_failed(&self.contexts) {
            return Err(match &self.name {
                Some(name) if e.exit() == Exit::NotFound => Error::msg(
                    Exit::NotFound,
                    format!(
                        "{name} not found in any of the contexts {}",
                        self.contexts
                            .iter()
                            .map(|c| c.context.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                _ => e,
            });
        }
        first_failing(&self.contexts, StatusReport::health)
    }
}

/// `status [NAME]` in every context of `fan`, concurrently.
pub async fn status(
    fan: &Fanout,
    name: Option<&str>,
    all_namespaces: bool,
    probe: Option<&ProbeOptions>,
) -> StatusContexts {
    let one = |context: &str| {
        let context = context.to_string();
        async move {
            let result = async {
                let (kube, mut report) = fan
                    .read(&context, async |k: &Kube| {
                        workloads::status(k, name, all_namespaces, None).await
                    })
                    .await?;
                if let (StatusReport::Workload(w), Some(name), Some(popts)) =
                    (&mut report, name, probe)
                {
                    w.probe = Some(mcp::probe_or_reason(&kube, name, popts).await);
                }
                Ok(report)
            }
            .await;
            InContext { context, result }
        }
    };
    StatusContexts {
        name: name.map(str::to_string),
        contexts: futures::future::join_all(fan.contexts.iter().map(|c| one(c))).await,
    }
}
