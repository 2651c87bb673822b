//! `b00t k8s …`: thin adapters from flags to the datum loader, renderer and Kubernetes backend.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use owo_colors::OwoColorize;
use serde::Serialize;

use super::{Global, OutputFormat, parse_duration};
use crate::datum;
use crate::error::{Error, Exit, Result};
use crate::output::{Out, table};
use crate::render::{self, Object, RenderOptions, labels};
use crate::runtime::kube::apply::{Action, Applied, ApplyOptions};
use crate::runtime::kube::list::{ListOptions, WorkloadSummary};
use crate::runtime::kube::logs::{LogLine, LogOptions};
use crate::runtime::kube::resolve::Resolved;
use crate::runtime::kube::wait::{NotReady, Target};
use crate::runtime::kube::{ConnectOptions, Kube, KubeError};

#[derive(Debug, Args)]
pub struct K8sArgs {
    /// Give up on a single API request after this long (e.g. 30s, 1m)
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub request_timeout: Duration,
    #[command(subcommand)]
    pub command: K8sCommand,
}

#[derive(Debug, Subcommand)]
pub enum K8sCommand {
    /// Deploy an MCP server from its datum (<name>.mcp.toml)
    DeployMcp(DeployMcpArgs),
    /// List b00t-managed workloads (every pod with --all)
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Logs of every pod and container of a workload, merged by time
    Logs(LogsArgs),
    /// Delete everything b00t created for a workload
    #[command(visible_alias = "rm")]
    Delete(DeleteArgs),
    /// Rolling restart of an MCP server
    RestartMcp(RestartArgs),
    /// Health of one workload, or of the cluster
    Status(StatusArgs),
    /// Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)
    Translate(super::translate::TranslateArgs),
    /// Translate a Dockerfile or compose file (or take an image) and apply it
    Deploy(super::translate::DeployArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Print the objects without contacting the cluster
    Client,
    /// Ask the API server to validate and default the objects without storing them
    Server,
}

#[derive(Debug, Args)]
pub struct DeployMcpArgs {
    /// Server name: the datum <name>.mcp.toml
    #[arg(long, short = 's', value_name = "NAME")]
    pub server: String,
    /// Image to run (overrides the datum and the defaults)
    #[arg(long, value_name = "IMG")]
    pub image: Option<String>,
    /// Number of replicas
    #[arg(long, value_name = "N")]
    pub replicas: Option<i32>,
    /// Extra environment variable (repeatable); secret-looking names go into a Secret
    #[arg(long = "env", short = 'e', value_name = "K=V", value_parser = parse_env)]
    pub env: Vec<(String, String)>,
    #[command(flatten)]
    pub apply: ApplyFlags,
}

/// How every deploy command applies and waits (`deploy-mcp`, `deploy`).
#[derive(Debug, Args)]
pub struct ApplyFlags {
    /// Print (client) or validate on the server (server) without changing anything
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "client", require_equals = true, value_name = "MODE")]
    pub dry_run: Option<DryRun>,
    /// Wait until ready (the default)
    #[arg(long, overrides_with = "no_wait")]
    pub wait: bool,
    /// Return as soon as the objects are applied
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for readiness (of each workload)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Every pod, not only b00t-managed workloads
    #[arg(long)]
    pub all: bool,
    /// Only this type
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub type_: Option<TypeFilter>,
    /// Label selector (e.g. app.kubernetes.io/name=github)
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeFilter {
    Mcp,
    App,
    Obi,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Workload, pod, or TYPE/NAME (deployment/x, pod/x, mcp/x)
    #[arg(value_name = "NAME|POD|TYPE/NAME")]
    pub target: String,
    /// Keep streaming; picks up new and restarted pods
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Logs of the previous container instance
    #[arg(short = 'p', long)]
    pub previous: bool,
    /// Only lines newer than this (e.g. 10m, 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "since_time")]
    pub since: Option<Duration>,
    /// Only lines after this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    pub since_time: Option<jiff::Timestamp>,
    /// Lines per container from the end
    #[arg(long, value_name = "N")]
    pub tail: Option<i64>,
    /// Prefix each line with its timestamp
    #[arg(long)]
    pub timestamps: bool,
    /// Only this container
    #[arg(short = 'c', long, value_name = "C")]
    pub container: Option<String>,
    /// Only lines matching this regular expression
    #[arg(long, value_name = "RE")]
    pub grep: Option<regex::Regex>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Workload or pod
    #[arg(
        value_name = "NAME|POD",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub target: Option<String>,
    /// Every b00t-managed workload in the namespace
    #[arg(long)]
    pub all: bool,
    /// Do not ask (required with --all when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Wait until everything is gone
    #[arg(long)]
    pub wait: bool,
    /// How long to wait with --wait
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct RestartArgs {
    /// MCP server (or any b00t Deployment)
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Watch the rollout until it completes
    #[arg(long)]
    pub wait: bool,
    /// How long to wait with --wait
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Workload or pod (none: the cluster)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

fn parse_env(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected K=V, got {s:?}")),
    }
}

impl K8sArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        let timeout = self.request_timeout;
        match self.command {
            K8sCommand::DeployMcp(a) => a.run(global, out, timeout).await,
            K8sCommand::List(a) => a.run(global, out, timeout).await,
            K8sCommand::Logs(a) => a.run(global, out, timeout).await,
            K8sCommand::Delete(a) => a.run(global, out, timeout).await,
            K8sCommand::RestartMcp(a) => a.run(global, out, timeout).await,
            K8sCommand::Status(a) => a.run(global, out, timeout).await,
            K8sCommand::Translate(a) => a.run(global, out).await,
            K8sCommand::Deploy(a) => a.run(global, out, timeout).await,
        }
    }
}

async fn connect(global: &Global, namespace: Option<&str>, timeout: Duration) -> Result<Kube> {
    let opts = ConnectOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.clone(),
        namespace: global.namespace.clone().or(namespace.map(str::to_string)),
        request_timeout: Some(timeout),
    };
    Ok(Kube::connect(&opts).await?)
}

/// Print rendered objects as a multi-document YAML stream or a JSON `List`.
pub fn print_objects(out: &Out, objects: &[serde_json::Value]) {
    if out.format() == Some(OutputFormat::Json) {
        out.json(&serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects}));
    } else {
        let mut s = String::new();
        for o in objects {
            s.push_str("---\n");
            s.push_str(&crate::output::to_yaml(o));
        }
        out.write(&s);
    }
}

#[derive(Serialize)]
struct DeployReport<'a> {
    name: &'a str,
    namespace: &'a str,
    objects: &'a [Applied],
    changed: bool,
    ready: Option<bool>,
}

impl DeployMcpArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let dirs = datum::search_dirs(global.path.as_deref());
        let d = datum::find(&self.server, &dirs)?;
        let config = datum::UserConfig::load_default()?;
        let opts = datum::DeployOptions {
            image: self.image.clone(),
            replicas: self.replicas,
            extra_env: self.env.clone(),
            config,
            ..Default::default()
        };
        let w = datum::to_workload(&d, &opts)?;
        if self.apply.dry_run == Some(DryRun::Client) {
            let ns = global
                .namespace
                .clone()
                .or(d.namespace().map(str::to_string));
            let objects = render::render_workload(&w, &RenderOptions { namespace: ns });
            let values: Vec<serde_json::Value> = objects
                .iter()
                .map(|o| serde_json::to_value(o).expect("objects serialise"))
                .collect();
            print_objects(out, &values);
            return Ok(());
        }
        let kube = connect(global, d.namespace(), request_timeout).await?;
        let objects = render::render_workload(
            &w,
            &RenderOptions {
                namespace: Some(kube.namespace.clone()),
            },
        );
        deploy_objects(
            &kube,
            out,
            &w.name,
            &objects,
            self.apply.dry_run,
            !self.apply.no_wait,
            self.apply.timeout,
            Target::Deployment,
        )
        .await
    }
}

/// Apply, report, and (unless told not to) wait. Shared by every deploy path.
#[allow(clippy::too_many_arguments)]
pub async fn deploy_objects(
    kube: &Kube,
    out: &Out,
    name: &str,
    objects: &[Object],
    dry_run: Option<DryRun>,
    wait: bool,
    timeout: Duration,
    target: Target,
) -> Result<()> {
    let server_dry = dry_run == Some(DryRun::Server);
    let applied = kube
        .apply_all(
            objects,
            ApplyOptions {
                server_dry_run: server_dry,
                ..Default::default()
            },
        )
        .await?;
    if server_dry {
        let values: Vec<serde_json::Value> = applied.iter().map(|a| a.object.clone()).collect();
        print_objects(out, &values);
        return Ok(());
    }
    let changed = applied.iter().any(|a| a.action != Action::Unchanged);
    let json = matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml));
    if !json {
        for a in &applied {
            if out.format() == Some(OutputFormat::Name) {
                out.line(&a.reference);
            } else {
                out.line(&format!("{} {}", a.reference, a.action));
            }
        }
        if !changed {
            out.note(&format!(
                "{name}: nothing changed (already deployed as described)"
            ));
        }
    }
    let mut ready = None;
    if wait {
        let what = format!("{name} did not become ready");
        wait_or_fail(
            kube,
            out,
            target,
            name,
            timeout,
            &format!("waiting for {name} to become ready"),
            what,
        )
        .await?;
        ready = Some(true);
    }
    if json {
        out.document(&DeployReport {
            name,
            namespace: &kube.namespace,
            objects: &applied,
            changed,
            ready,
        });
    }
    if ready == Some(true) {
        out.note(&format!("{name} is ready in namespace {}", kube.namespace));
    }
    let ns = if kube.namespace == "default" {
        String::new()
    } else {
        format!(" -n {}", kube.namespace)
    };
    out.note(&format!(
        "next: b00t k8s logs {name}{ns} -f    b00t k8s status {name}{ns}    b00t k8s delete {name}{ns}"
    ));
    Ok(())
}

/// Wait for readiness with progress on stderr (`start` is the first line). When the workload
/// cannot get there, print the reasons and last log lines (each prefixed with `name` when
/// `prefix`) and return `Ok(Some(reasons))`; `Ok(None)` when ready.
pub(crate) async fn wait_reporting(
    kube: &Kube,
    out: &Out,
    target: Target,
    name: &str,
    timeout: Duration,
    start: &str,
) -> Result<Option<String>> {
    let progress = out.progress(start);
    let res = kube
        .wait_ready(target, name, timeout, &|m| progress.set(m))
        .await;
    progress.finish();
    match res? {
        Ok(()) => Ok(None),
        Err(nr) => {
            report_not_ready(out, &nr);
            Ok(Some(nr.reasons.join("; ")))
        }
    }
}

/// [`wait_reporting`], with "not ready" as an error saying `what`.
async fn wait_or_fail(
    kube: &Kube,
    out: &Out,
    target: Target,
    name: &str,
    timeout: Duration,
    start: &str,
    what: String,
) -> Result<()> {
    match wait_reporting(kube, out, target, name, timeout, start).await? {
        None => Ok(()),
        Some(reason) => Err(KubeError::Failed { what, reason }.into()),
    }
}

fn report_not_ready(out: &Out, nr: &NotReady) {
    for r in &nr.reasons {
        out.note(&format!("  {r}"));
    }
    for (src, lines) in &nr.logs {
        out.note(&format!("  last log lines of {src}:"));
        for l in lines {
            out.note(&format!("    {l}"));
        }
    }
}

/// The status mark of `list` and `status`.
fn mark(status: &str) -> &'static str {
    match status {
        "Running" | "Succeeded" => "✅",
        "Failing" => "❌",
        "Stopped" => "⏹",
        _ => "⏳",
    }
}

/// The status word, coloured when stdout takes colours. Colour codes are added after table
/// layout so they do not count as width.
fn status_word(out: &Out, status: &str) -> String {
    if !out.color() {
        return status.to_string();
    }
    match status {
        "Running" | "Succeeded" => status.green().to_string(),
        "Failing" => status.red().to_string(),
        _ => status.yellow().to_string(),
    }
}

impl ListArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kube = connect(global, None, request_timeout).await?;
        let type_label = self.type_.map(|t| {
            labels::type_label(match t {
                TypeFilter::Mcp => "mcp",
                TypeFilter::App => "app",
                TypeFilter::Obi => "obi",
            })
            .expect("known type")
            .to_string()
        });
        let opts = ListOptions {
            all_namespaces: global.all_namespaces,
            all_pods: self.all,
            selector: self.selector.clone(),
            type_label,
        };
        let rows = kube.list(&opts).await?;
        match out.format() {
            Some(OutputFormat::Json) => out.json(&rows),
            Some(OutputFormat::Yaml) => out.yaml(&rows),
            Some(OutputFormat::Name) => {
                for r in &rows {
                    out.line(&format!("{}/{}", r.kind.to_lowercase(), r.name));
                }
            }
            _ => {
                if rows.is_empty() {
                    let where_ = if global.all_namespaces {
                        "in any namespace".to_string()
                    } else {
                        format!("in namespace {}", kube.namespace)
                    };
                    let what = if self.all {
                        "no pods"
                    } else {
                        "no b00t-managed workloads"
                    };
                    out.note(&format!("{what} {where_}"));
                    return Ok(());
                }
                out.write(&list_table(out, &rows, global.all_namespaces));
            }
        }
        Ok(())
    }
}

fn list_table(out: &Out, rows: &[WorkloadSummary], all_ns: bool) -> String {
    let wide = out.is_wide();
    let mut headers = vec!["STATUS", "NAME"];
    if all_ns {
        headers.push("NAMESPACE");
    }
    headers.extend(["KIND", "TYPE", "READY", "RESTARTS", "AGE"]);
    if wide {
        headers.extend(["IMAGE", "NODE"]);
    }
    let mut t = table::new(headers);
    for r in rows {
        let mut cells = vec![format!("{} {}", mark(&r.status), r.status), r.name.clone()];
        if all_ns {
            cells.push(r.namespace.clone());
        }
        cells.extend([
            r.kind.clone(),
            if r.type_.is_empty() {
                "-".into()
            } else {
                r.type_.clone()
            },
            r.ready.clone(),
            r.restarts.to_string(),
            table::age(r.age_seconds),
        ]);
        if wide {
            cells.push(r.image.clone());
            cells.push(if r.nodes.is_empty() {
                "-".into()
            } else {
                r.nodes.join(",")
            });
        }
        t.add_row(cells);
    }
    let text = table::render(&t);
    if !out.color() {
        return text;
    }
    // Colour the status word of each row (the first column), now that widths are fixed.
    let mut lines = text.lines();
    let mut colored = format!("{}\n", lines.next().unwrap_or_default());
    for (line, r) in lines.zip(rows) {
        let plain = format!("{} {}", mark(&r.status), r.status);
        match line.strip_prefix(&plain) {
            Some(rest) => colored.push_str(&format!(
                "{} {}{rest}\n",
                mark(&r.status),
                status_word(out, &r.status)
            )),
            None => colored.push_str(&format!("{line}\n")),
        }
    }
    colored
}

/// A stable colour per pod name.
fn pod_colour(pod: &str, text: &str) -> String {
    let h = pod.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    match h % 6 {
        0 => text.cyan().to_string(),
        1 => text.magenta().to_string(),
        2 => text.green().to_string(),
        3 => text.yellow().to_string(),
        4 => text.blue().to_string(),
        _ => text.bright_red().to_string(),
    }
}

impl LogsArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kube = connect(global, None, request_timeout).await?;
        let target = kube.resolve(&self.target).await?;
        let opts = LogOptions {
            follow: self.follow,
            previous: self.previous,
            since_seconds: self.since.map(|d| d.as_secs().max(1) as i64),
            since_time: self.since_time,
            tail: self.tail,
            container: self.container.clone(),
            grep: self.grep.clone(),
        };
        let json = out.format() == Some(OutputFormat::Json);
        let timestamps = self.timestamps;
        let color = out.color();
        let mut sink = |l: LogLine| {
            if json {
                out.json_line(&l);
                return;
            }
            let prefix = format!("[{}/{}]", l.pod, l.container);
            let prefix = if color {
                pod_colour(&l.pod, &prefix)
            } else {
                prefix
            };
            if timestamps && !l.time.is_empty() {
                out.line(&format!("{prefix} {} {}", l.time, l.line));
            } else {
                out.line(&format!("{prefix} {}", l.line));
            }
        };
        let notes = kube.logs(&target, &opts, &mut sink).await?;
        for n in notes {
            out.note(&format!("note: {n}"));
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct DeleteReport<'a> {
    namespace: &'a str,
    deleted: &'a [crate::runtime::kube::delete::Deleted],
}

impl DeleteArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kube = connect(global, None, request_timeout).await?;
        let (selector, pod, label) = if self.all {
            let rows = kube.list(&ListOptions::default()).await?;
            if rows.is_empty() {
                out.note(&format!(
                    "no b00t-managed workloads in namespace {}",
                    kube.namespace
                ));
                return Ok(());
            }
            if !self.yes {
                confirm(&format!(
                    "delete {} b00t-managed workload(s) in namespace {} ({})?",
                    rows.len(),
                    kube.namespace,
                    rows.iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))?;
            }
            (
                Some(labels::selector_managed()),
                None,
                format!("every b00t workload in namespace {}", kube.namespace),
            )
        } else {
            let t = self.target.as_deref().unwrap_or_default();
            match kube.resolve(t).await? {
                r @ (Resolved::Instance { .. } | Resolved::App { .. }) => {
                    (r.pod_selector(), None, r.display())
                }
                Resolved::Pod { name } => (None, Some(name.clone()), format!("pod/{name}")),
            }
        };
        let deleted = match (&selector, &pod) {
            (Some(sel), _) => kube.delete_selected(sel).await?,
            (None, Some(p)) => vec![kube.delete_pod(p).await?],
            _ => vec![],
        };
        if self.wait {
            let progress = out.progress(&format!("waiting for {label} to be gone"));
            let res = kube
                .wait_gone(
                    selector.as_deref().unwrap_or_default(),
                    pod.as_deref(),
                    self.timeout,
                )
                .await;
            progress.finish();
            res?;
        }
        match out.format() {
            Some(OutputFormat::Json) | Some(OutputFormat::Yaml) => out.document(&DeleteReport {
                namespace: &kube.namespace,
                deleted: &deleted,
            }),
            Some(OutputFormat::Name) => deleted.iter().for_each(|d| out.line(&d.reference)),
            _ => {
                for d in &deleted {
                    out.line(&format!("{} deleted", d.reference));
                }
                if deleted.is_empty() {
                    out.note(&format!("{label}: nothing left to delete"));
                }
            }
        }
        Ok(())
    }
}

/// Ask on a terminal; refuse without a terminal.
fn confirm(question: &str) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::msg(
            Exit::Usage,
            format!("{question} refusing without --yes because stdin is not a terminal"),
        ));
    }
    let mut se = std::io::stderr();
    let _ = write!(se, "{question} [y/N] ");
    let _ = se.flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::msg(Exit::Failed, format!("reading the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(Error::msg(Exit::Failed, "not confirmed; nothing deleted"))
    }
}

impl RestartArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kube = connect(global, None, request_timeout).await?;
        let (instance, target) = match kube.resolve(&self.name).await? {
            Resolved::Instance {
                instance,
                target: Target::Deployment,
            } => (instance, Target::Deployment),
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
        let json = matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml));
        if !json {
            out.line(&format!("deployment.apps/{instance} restarted"));
        }
        let mut ready = None;
        if self.wait {
            let start = format!("waiting for the rollout of {instance}");
            let what = format!("the rollout of {instance} failed");
            wait_or_fail(&kube, out, target, &instance, self.timeout, &start, what).await?;
            ready = Some(true);
            out.note(&format!("{instance} restarted and ready"));
        }
        if json {
            out.document(&serde_json::json!({
                "name": instance, "namespace": kube.namespace, "restarted": true, "ready": ready
            }));
        }
        Ok(())
    }
}

impl StatusArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kube = connect(global, None, request_timeout).await?;
        let structured = matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml));
        let Some(name) = &self.name else {
            let st = kube.cluster_status(global.all_namespaces).await?;
            if structured {
                out.document(&st);
                return Ok(());
            }
            let w = &st.workloads;
            out.line(&format!("context:    {}", st.context));
            out.line(&format!("server:     {} ({})", st.server, st.version));
            out.line(&format!("namespace:  {}", st.namespace));
            out.line(&format!(
                "nodes:      {}/{} ready",
                st.nodes_ready, st.nodes_total
            ));
            out.line(&format!(
                "workloads:  {} b00t-managed: {} running, {} pending, {} failing, {} stopped",
                w.total, w.running, w.pending, w.failing, w.stopped
            ));
            return Ok(());
        };
        let target = kube.resolve(name).await?;
        let st = kube.workload_status(&target).await?;
        if structured {
            out.document(&st);
        } else {
            let s = &st.summary;
            let mark = mark(&s.status);
            let status = status_word(out, &s.status);
            out.line(&format!(
                "{mark} {} | {status} | {} ready | {} restarts",
                s.name, s.ready, s.restarts
            ));
            if !st.healthy {
                for r in &s.reasons {
                    out.line(&format!("  reason: {r}"));
                }
                for e in &st.events {
                    out.line(&format!(
                        "  event:  {} {} ({}x, {} ago): {}",
                        e.object,
                        e.reason,
                        e.count,
                        table::age(e.age_seconds),
                        e.message
                    ));
                }
                for l in &st.logs {
                    out.line(&format!("  last log lines of {}:", l.source));
                    for line in &l.lines {
                        out.line(&format!("    {line}"));
                    }
                }
            }
        }
        if st.healthy {
            Ok(())
        } else {
            // Scripts can use `status NAME` as a health check.
            Err(Error::msg(
                Exit::Failed,
                format!(
                    "{} is {}",
                    st.summary.name,
                    st.summary.status.to_lowercase()
                ),
            ))
        }
    }
}
