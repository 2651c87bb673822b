//! `b00t k8s …`: thin adapters from flags to the datum loader, renderer and Kubernetes backend.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use owo_colors::OwoColorize;

use super::events::{CliEvents, report_failures};
use super::runtime::{self, Backend, DockerDeployFlags, RuntimeFlag};
use super::{Global, OutputFormat, parse_duration};
use crate::datum;
use crate::error::{Error, Exit, Result};
use crate::ops::connect::Reads;
use crate::ops::contexts::{InContext, ListedContexts, StatusContexts};
use crate::ops::{
    self, workloads::DeleteTarget, workloads::StatusReport, workloads::WorkloadReport,
};
use crate::output::{Out, table};
use crate::runtime::kube::ConnectOptions;
use crate::runtime::kube::list::{ListOptions, WorkloadSummary};
use crate::runtime::kube::logs::{LogLine, LogOptions};
use crate::runtime::mcp::{EndpointOptions, McpTransport};
use crate::runtime::{ApplyWorkload, Overview, RuntimeKind};

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
    /// A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)
    #[command(
        after_help = "In an MCP client's configuration:\n  {\"command\": \"b00t\", \"args\": [\"k8s\", \"connect\", \"github\"]}\n\nOnly JSON-RPC is written to stdout; diagnostics go to stderr. Exits with the server's exit code."
    )]
    Connect(ConnectArgs),
    /// MCP initialize + tools/list against a deployed MCP server, as a health check
    Probe(ProbeArgs),
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
    /// Sizing preset (requests/limits): small 100m/128Mi-500m/512Mi, medium 500m/512Mi-1/1Gi,
    /// large 1/2Gi-2/4Gi; the datum's explicit resources still win per field
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size: Option<datum::Size>,
    /// Extra environment variable (repeatable); secret-looking names go into a Secret
    #[arg(long = "env", short = 'e', value_name = "K=V", value_parser = super::parse_env)]
    pub env: Vec<(String, String)>,
    #[command(flatten)]
    pub apply: ApplyFlags,
    #[command(flatten)]
    pub runtime: RuntimeFlag,
    #[command(flatten)]
    pub docker: DockerDeployFlags,
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
    /// Also run an MCP handshake (initialize + tools/list) with every MCP server
    #[arg(long)]
    pub probe: bool,
    /// Every context of the kubeconfig, concurrently (rows get a CONTEXT column)
    #[arg(long)]
    pub all_contexts: bool,
    #[command(flatten)]
    pub mcp: McpFlags,
    #[command(flatten)]
    pub runtime: RuntimeFlag,
}

/// How to reach a workload's MCP server (`connect`, `probe`, `--probe`).
#[derive(Debug, Args)]
pub struct McpFlags {
    /// Path of an HTTP server's MCP endpoint
    #[arg(long, value_name = "PATH", default_value = "/mcp")]
    pub mcp_path: String,
}

impl McpFlags {
    fn endpoint(&self) -> EndpointOptions {
        EndpointOptions::at(&self.mcp_path)
    }
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// MCP server: NAME (its datum name), POD, or TYPE/NAME
    #[arg(value_name = "SERVER")]
    pub server: String,
    #[command(flatten)]
    pub mcp: McpFlags,
    #[command(flatten)]
    pub runtime: RuntimeFlag,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// MCP server: NAME, POD, or TYPE/NAME
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Give up on initialize + tools/list after this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10s")]
    pub timeout: Duration,
    #[command(flatten)]
    pub mcp: McpFlags,
    #[command(flatten)]
    pub runtime: RuntimeFlag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeFilter {
    Mcp,
    App,
    Obi,
}

impl TypeFilter {
    pub fn name(self) -> &'static str {
        match self {
            TypeFilter::Mcp => "mcp",
            TypeFilter::App => "app",
            TypeFilter::Obi => "obi",
        }
    }
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
    #[command(flatten)]
    pub runtime: RuntimeFlag,
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
    /// Also delete the workload's storage: PersistentVolumeClaims, Docker named volumes (kept
    /// otherwise)
    #[arg(long)]
    pub purge: bool,
    /// How long to wait with --wait
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub timeout: Duration,
    #[command(flatten)]
    pub runtime: RuntimeFlag,
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
    #[command(flatten)]
    pub runtime: RuntimeFlag,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Workload or pod (none: the cluster, or the Docker engine)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Also run an MCP handshake (initialize + tools/list) with the workload's server
    #[arg(long, requires = "name")]
    pub probe: bool,
    /// Every context of the kubeconfig, concurrently (one entry per context)
    #[arg(long)]
    pub all_contexts: bool,
    #[command(flatten)]
    pub mcp: McpFlags,
    #[command(flatten)]
    pub runtime: RuntimeFlag,
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
            K8sCommand::Connect(a) => a.run(global, timeout).await,
            K8sCommand::Probe(a) => a.run(global, out, timeout).await,
            K8sCommand::Translate(a) => a.run(global, out).await,
            K8sCommand::Deploy(a) => a.run(global, out, timeout).await,
        }
    }
}

async fn connect(flag: &RuntimeFlag, global: &Global, timeout: Duration) -> Result<Backend> {
    runtime::connect(flag.kind()?, global, None, timeout, false).await
}

/// One backend, or several contexts (`list`, `status`: `--context a,b`, `--all-contexts`).
async fn reads(
    flag: &RuntimeFlag,
    global: &Global,
    all_contexts: bool,
    timeout: Duration,
) -> Result<Reads> {
    ops::connect::reads(flag.kind()?, &global.target(), all_contexts, timeout).await
}

/// Print rendered objects as a multi-document YAML stream or a JSON `List`.
pub fn print_objects(out: &Out, objects: &[serde_json::Value]) {
    if out.format() == Some(OutputFormat::Json) {
        out.json(&ops::deploy::object_list(objects));
    } else {
        let mut s = String::new();
        for o in objects {
            s.push_str("---\n");
            s.push_str(&crate::output::to_yaml(o));
        }
        out.write(&s);
    }
}

impl DryRun {
    pub fn op(self) -> ops::DryRun {
        match self {
            DryRun::Client => ops::DryRun::Client,
            DryRun::Server => ops::DryRun::Server,
        }
    }
}

/// How to reach the cluster, from the global flags.
pub fn connect_options(global: &Global, request_timeout: Duration) -> ConnectOptions {
    ConnectOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.clone(),
        namespace: global.namespace.clone(),
        request_timeout: Some(request_timeout),
    }
}

fn parse_size(s: &str) -> std::result::Result<datum::Size, String> {
    datum::Size::parse(s).ok_or_else(|| {
        format!(
            "invalid size {s:?}: expected one of {}",
            datum::Size::NAMES.join(", ")
        )
    })
}

impl DeployMcpArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kind = self.runtime.kind()?;
        let apply = self.docker.apply(kind)?;
        let dry_run = self.apply.dry_run.map(DryRun::op);
        ops::deploy::check_dry_run(kind, dry_run)?;
        let req = ops::deploy::DeployMcp {
            server: self.server.clone(),
            dirs: datum::search_dirs(global.path.as_deref()),
            image: self.image.clone(),
            replicas: self.replicas,
            size: self.size,
            env: self.env.clone(),
            dry_run,
            wait: !self.apply.no_wait,
            timeout: self.apply.timeout,
            apply,
        };
        let (w, ns) = ops::deploy::mcp_workload(&req)?;
        if dry_run == Some(ops::DryRun::Client) {
            if kind == RuntimeKind::Docker {
                return print_containers(out, &w, &req.apply);
            }
            let report = ops::deploy::planned_mcp(&w, global.namespace.clone().or(ns))?;
            return render_deploy(out, &report, "k8s");
        }
        let backend = runtime::connect(kind, global, ns.as_deref(), request_timeout, false).await?;
        let events = CliEvents::new(out);
        let report = ops::deploy_workload(backend.rt(), &w, &req, &events).await?;
        render_deploy(out, &report, "k8s")
    }
}

/// The containers a Docker deploy would create, as YAML or JSON, with secret values hidden.
pub fn print_containers(
    out: &Out,
    w: &crate::workload::Workload,
    apply: &ApplyWorkload,
) -> Result<()> {
    let specs = ops::deploy::planned_containers(w, apply)?;
    if out.format() == Some(OutputFormat::Json) {
        out.json(&specs);
    } else {
        let mut text = String::new();
        for v in &specs {
            text.push_str("---\n");
            text.push_str(&crate::output::to_yaml(v));
        }
        out.write(&text);
    }
    Ok(())
}

/// Show a deploy report: the manifests of a dry run; otherwise the failures (stderr), the
/// JSON/YAML document, and what to do next. Ends with the failure as the error, if any.
pub fn render_deploy(out: &Out, report: &ops::DeployReport, group: &str) -> Result<()> {
    if report.dry_run.is_some() {
        print_objects(out, &report.manifests);
        return Ok(());
    }
    let structured = matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml));
    let name = &report.name;
    if !report.changed && !structured {
        out.note(&format!(
            "{name}: nothing changed (already deployed as described)"
        ));
    }
    report_failures(out, &report.failures);
    if structured {
        out.document(report);
    }
    let ns = match report.namespace.as_deref() {
        Some("default") | None => String::new(),
        Some(ns) => format!(" -n {ns}"),
    };
    if group == "k8s" {
        let ns = if report.runtime == RuntimeKind::Docker {
            " --runtime docker".to_string()
        } else {
            ns
        };
        out.note(&format!(
            "next: b00t k8s logs {name}{ns} -f    b00t k8s status {name}{ns}    b00t k8s delete {name}{ns}"
        ));
    }
    report.result()
}

/// The status mark of `list` and `status`.
fn mark(status: &str) -> &'static str {
    match status {
        "Running" | "Succeeded" | "Scheduled" => "✅",
        "Failing" => "❌",
        "Stopped" | "Suspended" => "⏹",
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
        "Running" | "Succeeded" | "Scheduled" => status.green().to_string(),
        "Failing" => status.red().to_string(),
        _ => status.yellow().to_string(),
    }
}

impl ListArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let req = ops::workloads::ListRequest {
            all_namespaces: global.all_namespaces,
            all_pods: self.all,
            selector: self.selector.clone(),
            type_: self.type_.map(|t| t.name().to_string()),
            probe: self.probe.then(|| ops::mcp::ProbeOptions {
                endpoint: self.mcp.endpoint(),
                ..Default::default()
            }),
        };
        let backend = match reads(&self.runtime, global, self.all_contexts, request_timeout).await?
        {
            Reads::One(b) => b,
            Reads::Several(fan) => {
                let report = ops::contexts::list(&fan, &req).await;
                self.render_contexts(global, out, &report);
                return report.result();
            }
        };
        let rt = backend.rt();
        let listed = ops::workloads::list(rt, &req).await?;
        let rows = &listed.rows;
        match out.format() {
            Some(OutputFormat::Json) => out.json(&listed.document()),
            Some(OutputFormat::Yaml) => out.yaml(&listed.document()),
            Some(OutputFormat::Name) => {
                for r in rows {
                    out.line(&format!("{}/{}", r.kind.to_lowercase(), r.name));
                }
            }
            _ => {
                if rows.is_empty() {
                    out.note(&format!(
                        "{} {}",
                        self.nothing(rt.kind()),
                        rt.scope(global.all_namespaces)
                    ));
                    return Ok(());
                }
                let table_rows: Vec<TableRow> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| TableRow {
                        context: None,
                        row: Ok(r),
                        probe: listed.probes.as_ref().map(|p| &p[i]),
                    })
                    .collect();
                out.write(&list_table(
                    out,
                    &table_rows,
                    global.all_namespaces,
                    listed.probes.is_some(),
                ));
            }
        }
        listed.result()
    }

    /// What an empty list says ("no pods", …).
    fn nothing(&self, kind: RuntimeKind) -> &'static str {
        if self.all && kind == RuntimeKind::Docker {
            "no containers"
        } else if self.all {
            "no pods"
        } else {
            "no b00t-managed workloads"
        }
    }

    /// `list` over several contexts: rows with a CONTEXT column, a row per context that failed
    /// and its error below the table.
    fn render_contexts(&self, global: &Global, out: &Out, report: &ListedContexts) {
        match out.format() {
            Some(OutputFormat::Json) => return out.json(&report.document()),
            Some(OutputFormat::Yaml) => return out.yaml(&report.document()),
            Some(OutputFormat::Name) => {
                for c in &report.contexts {
                    match &c.result {
                        Ok(l) => l.rows.iter().for_each(|r| {
                            out.line(&format!(
                                "{} {}/{}",
                                c.context,
                                r.kind.to_lowercase(),
                                r.name
                            ))
                        }),
                        Err(e) => out.note(&format!("error in context {}: {}", c.context, e)),
                    }
                }
                return;
            }
            _ => {}
        }
        let mut rows = Vec::new();
        let mut namespaces = std::collections::BTreeSet::new();
        for c in &report.contexts {
            match &c.result {
                Ok(l) if l.rows.is_empty() => out.note(&format!(
                    "{} in context {}",
                    self.nothing(RuntimeKind::Kubernetes),
                    c.context
                )),
                Ok(l) => rows.extend(l.rows.iter().enumerate().map(|(i, r)| {
                    namespaces.insert(r.namespace.as_str());
                    TableRow {
                        context: Some(&c.context),
                        row: Ok(r),
                        probe: l.probes.as_ref().map(|p| &p[i]),
                    }
                })),
                Err(e) => rows.push(TableRow {
                    context: Some(&c.context),
                    row: Err(e),
                    probe: None,
                }),
            }
        }
        if rows.is_empty() {
            return;
        }
        // Contexts default to namespaces of their own: show which when they differ.
        let all_ns = global.all_namespaces || namespaces.len() > 1;
        out.write(&list_table(out, &rows, all_ns, self.probe));
        context_errors(out, &report.contexts);
    }
}

/// One line per context that failed, with the message the command prints for it alone.
fn context_errors<T>(out: &Out, results: &[InContext<T>]) {
    for c in results {
        if let Err(e) = &c.result {
            out.line(&format!("error in context {}: {e}", c.context));
        }
    }
}

/// One row of the `list` table: a workload (with its context when there are several), or a
/// context that could not be read.
struct TableRow<'a> {
    context: Option<&'a str>,
    row: std::result::Result<&'a WorkloadSummary, &'a Error>,
    probe: Option<&'a Option<ops::mcp::ProbeReport>>,
}

fn list_table(out: &Out, rows: &[TableRow], all_ns: bool, probes: bool) -> String {
    let wide = out.is_wide();
    let mut headers = vec![];
    if rows.iter().any(|r| r.context.is_some()) {
        headers.push("CONTEXT");
    }
    headers.extend(["STATUS", "NAME"]);
    if all_ns {
        headers.push("NAMESPACE");
    }
    headers.extend(["KIND", "TYPE", "READY", "RESTARTS", "AGE"]);
    if wide {
        headers.extend(["IMAGE", "NODE"]);
    }
    if probes {
        headers.push("MCP");
    }
    let columns = headers.len();
    let mut t = table::new(headers);
    for tr in rows {
        let mut cells = Vec::new();
        if let Some(c) = tr.context {
            cells.push(c.to_string());
        }
        let r = match tr.row {
            Ok(r) => r,
            Err(e) => {
                cells.push(format!("{} {}", mark("Failing"), e.exit().class()));
                cells.resize(columns, "-".into());
                t.add_row(cells);
                continue;
            }
        };
        cells.extend([format!("{} {}", mark(&r.status), r.status), r.name.clone()]);
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
        if probes {
            cells.push(match tr.probe {
                Some(Some(p)) if p.healthy => format!(
                    "ok, {} tools, {:.0} ms",
                    p.tool_count.unwrap_or(0),
                    p.initialize_ms.unwrap_or_default() + p.tools_list_ms.unwrap_or_default()
                ),
                Some(Some(p)) => format!("unhealthy: {}", p.reason.as_deref().unwrap_or("?")),
                _ => "-".into(),
            });
        }
        t.add_row(cells);
    }
    colour_status(out, &table::render(&t), rows.iter().map(|r| r.row.ok()))
}

/// Colour the status word of each row, now that the table's widths are fixed (colour codes
/// would count as width).
fn colour_status<'a>(
    out: &Out,
    text: &str,
    rows: impl Iterator<Item = Option<&'a WorkloadSummary>>,
) -> String {
    if !out.color() {
        return text.to_string();
    }
    let mut lines = text.lines();
    let mut colored = format!("{}\n", lines.next().unwrap_or_default());
    for (line, r) in lines.zip(rows) {
        match r {
            Some(r) => {
                let plain = format!("{} {}", mark(&r.status), r.status);
                let painted = format!("{} {}", mark(&r.status), status_word(out, &r.status));
                colored.push_str(&line.replacen(&plain, &painted, 1));
            }
            None => colored.push_str(line),
        }
        colored.push('\n');
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
        let backend = runtime::connect(
            self.runtime.kind()?,
            global,
            None,
            request_timeout,
            self.follow,
        )
        .await?;
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
        let notes = backend.rt().logs(&self.target, &opts, &mut sink).await?;
        for n in notes {
            out.note(&format!("note: {n}"));
        }
        Ok(())
    }
}

impl DeleteArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let backend = connect(&self.runtime, global, request_timeout).await?;
        let rt = backend.rt();
        let target = if self.all {
            let rows = rt.list(&ListOptions::default()).await?;
            if rows.is_empty() {
                out.note(&format!("no b00t-managed workloads {}", rt.scope(false)));
                return Ok(());
            }
            if !self.yes {
                confirm(&format!(
                    "delete {} b00t-managed workload(s) {} ({})?",
                    rows.len(),
                    rt.scope(false),
                    rows.iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))?;
            }
            DeleteTarget::All
        } else {
            DeleteTarget::Named(self.target.clone().unwrap_or_default())
        };
        let events = CliEvents::new(out);
        let wait = self.wait.then_some(self.timeout);
        let report = ops::workloads::delete(rt, &target, self.purge, wait, &events).await?;
        match out.format() {
            Some(OutputFormat::Json) | Some(OutputFormat::Yaml) => out.document(&report),
            Some(OutputFormat::Name) => report.deleted.iter().for_each(|d| out.line(&d.reference)),
            _ => {
                for d in &report.deleted {
                    out.line(&format!("{} deleted", d.reference));
                }
                for k in &report.kept {
                    out.line(&format!("{} kept (use --purge to delete it)", k.reference));
                }
                if report.deleted.is_empty() && report.kept.is_empty() {
                    out.note(&format!("{}: nothing left to delete", report.label));
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
        let backend = connect(&self.runtime, global, request_timeout).await?;
        let rt = backend.rt();
        let events = CliEvents::new(out);
        let wait = self.wait.then_some(self.timeout);
        let report = ops::workloads::restart(rt, &self.name, wait, &events).await?;
        let structured = matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml));
        if structured {
            out.document(&report);
        } else if rt.kind() == RuntimeKind::Docker {
            out.line(&format!("{} restarted", report.name));
        } else {
            out.line(&format!("deployment.apps/{} restarted", report.name));
        }
        if let Some(f) = &report.failure {
            report_failures(out, std::slice::from_ref(f));
            return report.result();
        }
        if report.ready == Some(true) {
            out.note(&format!("{} restarted and ready", report.name));
        }
        Ok(())
    }
}

impl StatusArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let structured = matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml));
        let probe = self.probe.then(|| ops::mcp::ProbeOptions {
            endpoint: self.mcp.endpoint(),
            ..Default::default()
        });
        let backend = match reads(&self.runtime, global, self.all_contexts, request_timeout).await?
        {
            Reads::One(b) => b,
            Reads::Several(fan) => {
                let report = ops::contexts::status(
                    &fan,
                    self.name.as_deref(),
                    global.all_namespaces,
                    probe.as_ref(),
                )
                .await;
                render_status_contexts(out, &report, structured);
                return report.health();
            }
        };
        let rt = backend.rt();
        let report = ops::workloads::status(
            rt,
            self.name.as_deref(),
            global.all_namespaces,
            probe.as_ref(),
        )
        .await?;
        if structured {
            out.document(&report);
            return report.health();
        }
        match &report {
            StatusReport::Overview(Overview::Engine(e)) => engine_lines(out, e),
            StatusReport::Overview(Overview::Cluster(st)) => {
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
            }
            StatusReport::Workload(w) => {
                let s = &w.status.summary;
                out.line(&format!(
                    "{} {} | {} | {} ready | {} restarts",
                    mark(&s.status),
                    s.name,
                    status_word(out, &s.status),
                    s.ready,
                    s.restarts
                ));
                workload_details(out, w, "");
            }
        }
        report.health()
    }
}

/// Below a workload's status line: its containers (Docker), and when it is unhealthy the
/// reasons, events and last log lines; the MCP handshake when one ran. Each line starts with
/// `prefix` (the context, when there are several).
fn workload_details(out: &Out, w: &WorkloadReport, prefix: &str) {
    let (st, probe) = (&w.status, &w.probe);
    for c in &st.containers {
        out.line(&format!(
            "{prefix}  container {}: {}{}, health {}, {} restarts{}{}",
            c.name,
            c.state,
            c.exit_code
                .map(|e| match c.state.as_str() {
                    "running" => format!(" (last exit code {e})"),
                    _ => format!(" (exit code {e})"),
                })
                .unwrap_or_default(),
            c.health.as_deref().unwrap_or("-"),
            c.restarts,
            if c.oom_killed { ", OOMKilled" } else { "" },
            if c.ports.is_empty() {
                String::new()
            } else {
                format!(", ports {}", c.ports.join(" "))
            }
        ));
    }
    attached_lines(out, &st.attached, prefix);
    if !st.healthy {
        for r in &st.summary.reasons {
            out.line(&format!("{prefix}  reason: {r}"));
        }
        for e in &st.events {
            out.line(&format!(
                "{prefix}  event:  {} {} ({}x, {} ago): {}",
                e.object,
                e.reason,
                e.count,
                table::age(e.age_seconds),
                e.message
            ));
        }
        for l in &st.logs {
            out.line(&format!("{prefix}  last log lines of {}:", l.source));
            for line in &l.lines {
                out.line(&format!("{prefix}    {line}"));
            }
        }
    }
    if let Some(p) = probe {
        out.line(&format!("{prefix}  mcp: {}", p.summary()));
        for l in &p.stderr {
            out.line(&format!("{prefix}    {l}"));
        }
    }
}

/// `status [NAME]` over several contexts: a table with a CONTEXT column (clusters, or the
/// workload in each context), each unhealthy workload's details, and each failed context's
/// error below it.
fn render_status_contexts(out: &Out, report: &StatusContexts, structured: bool) {
    if structured {
        // The table says where the workload is missing; the document only in its entries.
        let missing = report.missing_in();
        let found = report.contexts.iter().any(|c| c.result.is_ok());
        if let Some(name) = report
            .name
            .as_deref()
            .filter(|_| found && !missing.is_empty())
        {
            out.note(&format!(
                "note: {name} not found in context {}",
                missing.join(", ")
            ));
        }
        out.document(&report.document());
        return;
    }
    let failed = |e: &Error| format!("{} {}", mark("Failing"), e.exit().class());
    let text = if report.name.is_none() {
        let mut t = table::new([
            "CONTEXT",
            "SERVER",
            "VERSION",
            "NAMESPACE",
            "NODES",
            "WORKLOADS",
        ]);
        for c in &report.contexts {
            t.add_row(match &c.result {
                Ok(StatusReport::Overview(Overview::Cluster(st))) => {
                    let w = &st.workloads;
                    vec![
                        c.context.clone(),
                        st.server.clone(),
                        st.version.clone(),
                        st.namespace.clone(),
                        format!("{}/{} ready", st.nodes_ready, st.nodes_total),
                        format!(
                            "{}: {} running, {} pending, {} failing, {} stopped",
                            w.total, w.running, w.pending, w.failing, w.stopped
                        ),
                    ]
                }
                Ok(_) => vec![c.context.clone()],
                Err(e) => vec![
                    c.context.clone(),
                    failed(e),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ],
            });
        }
        table::render(&t)
    } else {
        let probes = report
            .contexts
            .iter()
            .any(|c| matches!(&c.result, Ok(StatusReport::Workload(w)) if w.probe.is_some()));
        let mut headers = vec!["CONTEXT", "STATUS", "NAME", "READY", "RESTARTS"];
        if probes {
            headers.push("MCP");
        }
        let columns = headers.len();
        let mut t = table::new(headers);
        for c in &report.contexts {
            let mut cells = vec![c.context.clone()];
            match &c.result {
                Ok(StatusReport::Workload(w)) => {
                    let s = &w.status.summary;
                    cells.extend([
                        format!("{} {}", mark(&s.status), s.status),
                        s.name.clone(),
                        s.ready.clone(),
                        s.restarts.to_string(),
                    ]);
                    if probes {
                        cells.push(
                            w.probe
                                .as_ref()
                                .map(|p| p.summary())
                                .unwrap_or_else(|| "-".into()),
                        );
                    }
                }
                Ok(_) => {}
                Err(e) => cells.push(failed(e)),
            }
            cells.resize(columns, "-".into());
            t.add_row(cells);
        }
        colour_status(
            out,
            &table::render(&t),
            report.contexts.iter().map(|c| match &c.result {
                Ok(StatusReport::Workload(w)) => Some(&w.status.summary),
                _ => None,
            }),
        )
    };
    out.write(&text);
    for c in &report.contexts {
        if let Ok(StatusReport::Workload(w)) = &c.result
            && (!w.status.healthy || w.probe.as_ref().is_some_and(|p| !p.healthy))
        {
            workload_details(out, w, &format!("[{}]", c.context));
        }
    }
    context_errors(out, &report.contexts);
}

/// The claims, policies, budgets and autoscalers of `status NAME`, one line each.
fn attached_lines(out: &Out, a: &crate::runtime::kube::attached::Attached, prefix: &str) {
    for c in &a.claims {
        let mut line = format!(
            "{prefix}  persistentvolumeclaim/{}: {} {} class {} {}",
            c.name,
            c.phase,
            c.capacity
                .as_deref()
                .or(c.request.as_deref())
                .unwrap_or("-"),
            c.storage_class.as_deref().unwrap_or("(default)"),
            c.access_modes.join(",")
        );
        if let Some(r) = &c.reason {
            line.push_str(&format!(" ({r})"));
        }
        out.line(&line);
    }
    for p in &a.network_policies {
        out.line(&format!(
            "{prefix}  networkpolicy/{}: restricts {} ({} ingress, {} egress rules)",
            p.name,
            if p.policy_types.is_empty() {
                "nothing".to_string()
            } else {
                p.policy_types.join("+")
            },
            p.ingress_rules,
            p.egress_rules
        ));
    }
    for b in &a.disruption_budgets {
        let rule = match (&b.min_available, &b.max_unavailable) {
            (Some(m), _) => format!("min available {m}"),
            (None, Some(m)) => format!("max unavailable {m}"),
            (None, None) => "-".into(),
        };
        out.line(&format!(
            "{prefix}  poddisruptionbudget/{}: {rule}, {} disruptions allowed ({}/{} healthy, {} desired)",
            b.name, b.disruptions_allowed, b.current_healthy, b.expected_pods, b.desired_healthy
        ));
    }
    for h in &a.autoscalers {
        let targets: Vec<String> = h.targets.iter().map(|(r, p)| format!("{r} {p}%")).collect();
        out.line(&format!(
            "{prefix}  horizontalpodautoscaler/{}: {} replicas {}-{}, current {}, desired {}, target {}{}",
            h.name,
            h.target,
            h.min_replicas,
            h.max_replicas,
            h.current_replicas,
            h.desired_replicas,
            targets.join(" "),
            h.condition
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ));
    }
}

impl ConnectArgs {
    async fn run(self, global: &Global, request_timeout: Duration) -> Result<()> {
        let backend =
            runtime::connect(self.runtime.kind()?, global, None, request_timeout, true).await?;
        let ep = backend
            .rt()
            .mcp_endpoint(&self.server, &self.mcp.endpoint())
            .await?;
        tracing::info!("connecting to {}: {}", ep.workload, ep.describe());
        match &ep.transport {
            McpTransport::Stdio(s) => {
                let p = s.open().await?;
                let code = ops::mcp::bridge_stdio(
                    p,
                    tokio::io::stdin(),
                    crate::output::stdout_stream(),
                    tokio::io::stderr(),
                )
                .await;
                match code {
                    Some(0) | None => Ok(()),
                    Some(n) => Err(Error::exited(
                        n,
                        format!(
                            "the MCP server process of {} exited with code {n}",
                            ep.workload
                        ),
                    )),
                }
            }
            McpTransport::Http(h) => {
                ops::mcp::bridge_http(
                    h,
                    tokio::io::stdin(),
                    crate::output::stdout_stream(),
                    tokio::io::stderr(),
                )
                .await
            }
        }
    }
}

impl ProbeArgs {
    async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let backend = connect(&self.runtime, global, request_timeout).await?;
        let opts = ops::mcp::ProbeOptions {
            timeout: self.timeout,
            endpoint: self.mcp.endpoint(),
        };
        let report = ops::mcp::probe(backend.rt(), &self.name, &opts).await?;
        if matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml)) {
            out.document(&report);
        } else {
            render_probe(out, &report);
        }
        if report.healthy {
            Ok(())
        } else {
            Err(Error::msg(Exit::Failed, report.unhealthy_error()))
        }
    }
}

/// A probe report as a table, then the reason and the server's last stderr lines.
fn render_probe(out: &Out, r: &ops::mcp::ProbeReport) {
    let mut t = table::new([
        "STATUS",
        "NAME",
        "TRANSPORT",
        "PROTOCOL",
        "SERVER",
        "TOOLS",
        "INITIALIZE",
        "TOOLS/LIST",
    ]);
    let dash = || "-".to_string();
    t.add_row([
        if r.healthy {
            format!("{} healthy", mark("Running"))
        } else {
            format!("{} unhealthy", mark("Failing"))
        },
        r.name.clone(),
        r.transport
            .map(|t| format!("{t:?}").to_lowercase())
            .unwrap_or_else(dash),
        r.protocol_version.clone().unwrap_or_else(dash),
        match (&r.server_name, &r.server_version) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            (Some(n), None) => n.clone(),
            _ => dash(),
        },
        r.tool_count.map(|n| n.to_string()).unwrap_or_else(dash),
        r.initialize_ms
            .map(|m| format!("{m:.1} ms"))
            .unwrap_or_else(dash),
        r.tools_list_ms
            .map(|m| format!("{m:.1} ms"))
            .unwrap_or_else(dash),
    ]);
    out.write(&table::render(&t));
    if out.is_wide() || !r.healthy {
        out.line(&format!("endpoint: {}", r.endpoint));
    }
    if let Some(reason) = &r.reason {
        out.line(&format!("reason: {reason}"));
    }
    if !r.stderr.is_empty() {
        out.line("last stderr lines of the server:");
        for l in &r.stderr {
            out.line(&format!("  {l}"));
        }
    }
}

/// `status` without a name, on Docker.
fn engine_lines(out: &Out, e: &crate::runtime::docker::runtime::EngineStatus) {
    let w = &e.workloads;
    out.line(&format!("engine:     {} (from {})", e.host, e.host_source));
    out.line(&format!(
        "version:    {} (API {})",
        e.version, e.api_version
    ));
    out.line(&format!(
        "os:         {} ({}/{})",
        e.operating_system, e.os, e.arch
    ));
    out.line(&format!(
        "workloads:  {} b00t-managed: {} running, {} pending, {} failing, {} stopped",
        w.total, w.running, w.pending, w.failing, w.stopped
    ));
    let by_state = if e.containers.is_empty() {
        "none".to_string()
    } else {
        e.containers
            .iter()
            .map(|(state, n)| format!("{n} {state}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.line(&format!("containers: {by_state}"));
}
