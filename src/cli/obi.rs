//! `b00t obi …` (also `obi …` through a link).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::events::CliEvents;
use super::{Global, OutputFormat, parse_duration, parse_kv};
use crate::error::{Error, Exit, Result};
use crate::obi::Validation;
use crate::obi::{manifest, rules};
use crate::ops::obi::lifecycle::{self, ObiDeployReport, Stage, UpgradeReport};
use crate::ops::obi::preflight::{CheckStatus, PreflightReport};
use crate::ops::obi::status::{Budget, ObiStatus};
use crate::ops::obi::{self as obi_ops, Mode, logs::Level};
use crate::output::{Out, table};
use crate::runtime::kube::logs::{LogLine, LogOptions};
use crate::runtime::kube::rollout::RolloutFailure;
use crate::runtime::kube::{ConnectOptions, Kube};

#[derive(Debug, Args)]
pub struct ObiArgs {
    /// Give up on a single API request after this long (e.g. 30s, 1m)
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub request_timeout: Duration,
    #[command(subcommand)]
    pub command: ObiCommand,
}

#[derive(Debug, Subcommand)]
pub enum ObiCommand {
    /// Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for
    Deploy(Box<DeployArgs>),
    /// Health of the agent on every node: ready, resources, and whether it observes and exports
    Status(StatusArgs),
    /// Logs of every agent pod merged by time, filtered by level
    Logs(LogsArgs),
    /// Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)
    Preflight(PreflightArgs),
    /// OBI configuration: validate a file, show, set or roll back the deployed one
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Move the agent to another image; watch the rollout, roll back and explain on failure
    Upgrade(UpgradeArgs),
    /// Remove everything deploy created (cluster-wide RBAC included)
    Undeploy(UndeployArgs),
    /// Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)
    ///
    /// Alerts for the agent of a DaemonSet install: down, not on every node, restarting, export
    /// errors, exporting nothing, attached nothing. The install's namespace is -n/--namespace
    /// (default: observability, not the context's). Needs no cluster; check the file with
    /// `promtool check rules`.
    Rules(RulesArgs),
    /// The embedded eBPF sensor: watch this machine's TCP connections (needs root)
    Sensor(super::sensor::SensorArgs),
    /// The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current
    /// docker context, else /var/run/docker.sock)
    #[command(subcommand)]
    Docker(super::obi_docker::DockerCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// One agent per node
    Daemonset,
    /// An obi container in the pods of one Deployment (--target)
    Sidecar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Error,
    Warn,
    Info,
    Debug,
}

impl LevelArg {
    pub fn level(self) -> Level {
        match self {
            LevelArg::Error => Level::Error,
            LevelArg::Warn => Level::Warn,
            LevelArg::Info => Level::Info,
            LevelArg::Debug => Level::Debug,
        }
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// CPU an agent may use per node before it counts as DEGRADED (e.g. 50m, 0.1)
    #[arg(long, value_name = "CPU", default_value = "50m", value_parser = parse_cpu)]
    pub cpu_budget: f64,
    /// Memory an agent may use per node before it counts as DEGRADED (e.g. 200Mi)
    #[arg(long, value_name = "BYTES", default_value = "200Mi", value_parser = parse_memory)]
    pub memory_budget: u64,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Only lines at this level or above (lines without a level, such as panics, are kept)
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<LevelArg>,
    /// Keep streaming; picks up new and restarted pods
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only lines newer than this (e.g. 10m, 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub since: Option<Duration>,
    /// Lines per pod from the end
    #[arg(long, value_name = "N")]
    pub tail: Option<i64>,
    /// Prefix each line with its timestamp
    #[arg(long)]
    pub timestamps: bool,
    /// Logs of the previous container instance
    #[arg(short = 'p', long)]
    pub previous: bool,
    /// Only lines matching this regular expression
    #[arg(long, value_name = "RE")]
    pub grep: Option<regex::Regex>,
}

#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// How the agent will run
    #[arg(long, value_enum, default_value = "daemonset")]
    pub mode: ModeArg,
    /// The Deployment to instrument (sidecar mode)
    #[arg(long, value_name = "DEPLOYMENT", required_if_eq("mode", "sidecar"))]
    pub target: Option<String>,
}

fn parse_cpu(s: &str) -> std::result::Result<f64, String> {
    crate::render::quantity::millicores(s)
        .filter(|v| *v > 0.0)
        .ok_or_else(|| format!("expected a CPU quantity such as 50m or 0.1, got {s:?}"))
}

fn parse_memory(s: &str) -> std::result::Result<u64, String> {
    crate::render::quantity::bytes(s)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("expected a memory quantity such as 200Mi, got {s:?}"))
}

impl ObiArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        let t = self.request_timeout;
        match self.command {
            ObiCommand::Status(a) => a.run(global, out, t).await,
            ObiCommand::Logs(a) => a.run(global, out, t).await,
            ObiCommand::Preflight(a) => a.run(global, out, t).await,
            ObiCommand::Deploy(a) => a.run(global, out, t).await,
            ObiCommand::Upgrade(a) => a.run(global, out, t).await,
            ObiCommand::Undeploy(a) => a.run(global, out, t).await,
            ObiCommand::Config(ConfigCommand::Validate(a)) => a.run(out),
            ObiCommand::Config(ConfigCommand::Show) => config_show(global, out, t).await,
            ObiCommand::Config(ConfigCommand::Set(a)) => a.run(global, out, t).await,
            ObiCommand::Config(ConfigCommand::Rollback(a)) => a.run(global, out, t).await,
            ObiCommand::Rules(a) => a.run(global, out),
            ObiCommand::Sensor(a) => a.run(global, out).await,
            ObiCommand::Docker(a) => a.run(global, out, t).await,
        }
    }
}

/// Connect in the agent's namespace: `-n`, else `observability`.
async fn connect(global: &Global, namespace: Option<String>, timeout: Duration) -> Result<Kube> {
    let opts = ConnectOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.clone(),
        namespace: Some(
            namespace.unwrap_or_else(|| obi_ops::namespace(global.namespace.as_deref())),
        ),
        request_timeout: Some(timeout),
    };
    Ok(Kube::connect(&opts).await?)
}

fn structured(out: &Out) -> bool {
    matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml))
}

fn cpu(m: Option<f64>) -> String {
    m.map_or("-".into(), |m| format!("{m:.0}m"))
}

fn mem(b: Option<u64>) -> String {
    b.map_or("-".into(), |b| format!("{:.0}Mi", b as f64 / 1048576.0))
}

impl StatusArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let kube = connect(global, None, timeout).await?;
        let budget = Budget {
            cpu_millis: self.cpu_budget,
            memory_bytes: self.memory_budget,
        };
        let st = obi_ops::status::status(&kube, budget).await?;
        if structured(out) {
            out.document(&st);
        } else {
            render_status(out, &st);
        }
        health_result(
            st.health,
            &format!("obi in namespace {}", st.namespace),
            &st.reasons,
        )
    }
}

pub use crate::ops::obi::status::health_result;

fn render_status(out: &Out, st: &ObiStatus) {
    out.line(&format!(
        "obi ({}) in namespace {}: {} — {}/{} schedulable nodes covered",
        st.image, st.namespace, st.health, st.coverage.ready, st.coverage.schedulable
    ));
    let mut t = table::new([
        "NODE", "POD", "READY", "RESTARTS", "AGE", "CPU", "MEMORY", "FLOWS", "APP", "EXPORTS",
        "HEALTH",
    ]);
    for n in &st.nodes {
        let o = n.observed.as_ref();
        t.add_row(vec![
            n.node.clone(),
            n.pod.clone().unwrap_or_else(|| "-".into()),
            if n.ready { "yes".into() } else { "no".into() },
            n.restarts.to_string(),
            n.age_seconds.map_or("-".into(), table::age),
            cpu(n.cpu_millis),
            mem(n.memory_bytes),
            o.map_or("-".into(), |o| o.flow_series.to_string()),
            o.map_or("-".into(), |o| o.app_series.to_string()),
            o.and_then(|o| o.exports).map_or("-".into(), |e| {
                let errs = o.and_then(|o| o.export_errors).unwrap_or(0.0);
                format!("{e:.0} ({errs:.0} errors)")
            }),
            n.health.to_string(),
        ]);
    }
    out.write(&table::render(&t));
    if !st.reasons.is_empty() {
        out.line("reasons:");
        for r in &st.reasons {
            out.line(&format!("  {r}"));
        }
    }
}

impl LogsArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let kube = connect(global, None, timeout).await?;
        let req = obi_ops::logs::ObiLogs {
            level: self.level.map(LevelArg::level),
            log: LogOptions {
                follow: self.follow,
                previous: self.previous,
                since_seconds: self.since.map(|d| d.as_secs().max(1) as i64),
                since_time: None,
                tail: self.tail,
                container: Some(obi_ops::CONTAINER.into()),
                grep: self.grep.clone(),
            },
        };
        let json = out.format() == Some(OutputFormat::Json);
        let timestamps = self.timestamps;
        let mut sink = |l: LogLine| {
            if json {
                out.json_line(&l);
            } else if timestamps && !l.time.is_empty() {
                out.line(&format!("[{}] {} {}", l.pod, l.time, l.line));
            } else {
                out.line(&format!("[{}] {}", l.pod, l.line));
            }
        };
        let notes = obi_ops::logs::logs(&kube, &req, &mut sink).await?;
        for n in notes {
            out.note(&format!("note: {n}"));
        }
        Ok(())
    }
}

impl PreflightArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let mode = match self.mode {
            ModeArg::Daemonset => Mode::DaemonSet,
            ModeArg::Sidecar => Mode::Sidecar {
                target: self.target.clone().unwrap_or_default(),
            },
        };
        // A sidecar lives in its Deployment's namespace (-n, else the context's).
        let ns = match mode {
            Mode::DaemonSet => None,
            Mode::Sidecar { .. } => Some(match &global.namespace {
                Some(ns) => ns.clone(),
                None => {
                    Kube::connect(&ConnectOptions {
                        kubeconfig: global.kubeconfig.clone(),
                        context: global.context.clone(),
                        namespace: None,
                        request_timeout: Some(timeout),
                    })
                    .await?
                    .namespace
                }
            }),
        };
        let kube = connect(global, ns, timeout).await?;
        let report = obi_ops::preflight::preflight(&kube, &mode).await?;
        if structured(out) {
            out.document(&report);
        } else {
            render_preflight(out, &report);
        }
        preflight_result(&report)
    }
}

pub fn render_preflight(out: &Out, r: &PreflightReport) {
    let mut t = table::new(["CHECK", "WHAT", "RESULT", "DETAIL"]);
    for c in &r.checks {
        let mark = match c.status {
            CheckStatus::Ok => "ok",
            CheckStatus::Warning => "warning",
            CheckStatus::Blocker => "BLOCKER",
        };
        t.add_row(vec![
            c.category.to_string(),
            c.name.clone(),
            mark.to_string(),
            c.detail.clone(),
        ]);
    }
    out.write(&table::render(&t));
}

/// Exit 1 on a blocker, naming the first.
/// Exit 1 on a blocker, naming the first.
pub fn preflight_result(r: &PreflightReport) -> Result<()> {
    r.result()
}

/// `b00t obi rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Directory to write obi-alerts.yaml into (created when missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(serde::Serialize)]
struct RulesReport<'a> {
    files: Vec<String>,
    alerts: &'a [rules::Alert],
}

impl RulesArgs {
    pub fn run(self, global: &Global, out: &Out) -> Result<()> {
        let ns = global
            .namespace
            .as_deref()
            .unwrap_or(manifest::DEFAULT_NAMESPACE);
        let alerts = rules::alerts(ns)?;
        let text = rules::rule_file(&alerts);
        std::fs::create_dir_all(&self.out).map_err(|e| {
            Error::msg(
                Exit::Failed,
                format!("creating {}: {e}", self.out.display()),
            )
        })?;
        let file = self.out.join(rules::FILE_NAME);
        std::fs::write(&file, text)
            .map_err(|e| Error::msg(Exit::Failed, format!("writing {}: {e}", file.display())))?;
        let path = file.display().to_string();
        match out.format() {
            Some(OutputFormat::Json | OutputFormat::Yaml) => out.document(&RulesReport {
                files: vec![path],
                alerts: &alerts,
            }),
            Some(OutputFormat::Name) => out.line(&path),
            _ => {
                out.line(&format!(
                    "wrote {path}: {} alerts for the OBI agent in namespace {ns}",
                    alerts.len()
                ));
                // `{{ $labels.pod }}` reads as `<pod>` here.
                let label =
                    regex::Regex::new(r"\{\{\s*\$labels\.(\w+)\s*\}\}").expect("a valid regex");
                for a in &alerts {
                    let summary = label.replace_all(&a.summary, "<$1>");
                    out.line(&format!(
                        "  {:<22} {:<9} {:<4} {summary}",
                        a.name, a.severity, a.for_
                    ));
                }
                out.note(&format!(
                    "next: promtool check rules {path}, then add it to Prometheus' rule_files"
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a configuration file: unknown keys, types, values, deprecations and OBI's start-up
    /// rules, for the OBI version of an image tag (exit 2 when there are errors)
    Validate(ValidateArgs),
    /// Print the deployed config (-o json adds the image, checksum and the previous config)
    Show,
    /// Validate a file for the deployed image, store it, and roll the agents when it changed
    Set(ConfigSetArgs),
    /// Put back the config that was deployed before the last `config set`
    Rollback(ConfigRollbackArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The OBI configuration file (YAML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Image tag whose OBI version to check against (`main`, `latest` and unknown tags: every
    /// known version)
    #[arg(long, default_value = "main", value_name = "TAG")]
    pub image_tag: String,
}

impl ValidateArgs {
    fn run(self, out: &Out) -> Result<()> {
        let env = |name: &str| std::env::var(name).ok();
        let v = crate::obi::validate_file(&self.file, &self.image_tag, &env)?;
        if out.is_table() {
            for d in &v.diagnostics {
                out.line(&format!(
                    "{}:{}:{}: {}: {}",
                    v.file,
                    d.line,
                    d.column,
                    d.severity.as_str(),
                    d.message
                ));
            }
        } else {
            out.document(&v);
        }
        if v.valid {
            out.note(&v.summary());
            Ok(())
        } else {
            Err(Error::msg(Exit::Usage, v.summary()))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// deploy, upgrade, undeploy, config show|set|rollback

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// One agent per node, or a sidecar in one Deployment's pods
    #[arg(long, value_enum, default_value = "daemonset")]
    pub mode: ModeArg,
    /// The Deployment to instrument (sidecar mode; in -n, else the context's namespace)
    #[arg(long, value_name = "DEPLOYMENT", required_if_eq("mode", "sidecar"))]
    pub target: Option<String>,
    /// Agent image repository, or a full reference with a tag or digest
    #[arg(long, value_name = "IMG")]
    pub image: Option<String>,
    /// Image tag (default: main); also chooses the config key set to validate against
    #[arg(long, value_name = "T")]
    pub image_tag: Option<String>,
    /// Run the agent privileged instead of with a list of capabilities
    #[arg(long, conflicts_with = "capabilities")]
    pub privileged: bool,
    /// Run with a list of capabilities (the default)
    #[arg(long)]
    pub capabilities: bool,
    /// OBI config file (default: b00t's config for the image tag: network and application
    /// metrics on a Prometheus port, internal metrics on)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run in the node's network namespace (default: on when the config enables network metrics)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub host_network: Option<bool>,
    /// Only nodes with this label (repeatable)
    #[arg(long, value_name = "K=V", value_parser = parse_kv)]
    pub node_selector: Vec<(String, String)>,
    /// Do not tolerate every taint (by default the agent runs on tainted nodes too)
    #[arg(long)]
    pub no_tolerations: bool,
    /// CPU request (default 100m)
    #[arg(long, value_name = "CPU", default_value = "100m")]
    pub cpu_request: String,
    /// Memory request (default 256Mi)
    #[arg(long, value_name = "BYTES", default_value = "256Mi")]
    pub memory_request: String,
    /// CPU limit (default 1)
    #[arg(long, value_name = "CPU", default_value = "1")]
    pub cpu_limit: String,
    /// Memory limit (default 1Gi)
    #[arg(long, value_name = "BYTES", default_value = "1Gi")]
    pub memory_limit: String,
    /// OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    /// OTLP protocol when the port does not say (grpc, http/protobuf, http/json)
    #[arg(long, value_name = "P", requires = "otlp_endpoint")]
    pub otlp_protocol: Option<String>,
    /// OTLP headers (k=v,k2=v2), kept in a Secret
    #[arg(
        long,
        value_name = "H",
        env = "OTEL_EXPORTER_OTLP_HEADERS",
        hide_env_values = true
    )]
    pub otlp_headers: Option<String>,
    /// Cluster name the agent reports (default: the kubeconfig context's name)
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    /// Sidecar: ports that select the application (default: the Deployment's container ports)
    #[arg(long, value_name = "PORTS")]
    pub open_port: Option<String>,
    /// Do not run preflight first
    #[arg(long)]
    pub skip_preflight: bool,
    #[command(flatten)]
    pub apply: super::k8s::ApplyFlags,
    /// Give up when the rollout makes no progress for this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub progress_deadline: Duration,
}

fn read_file(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::msg(Exit::Usage, format!("reading {}: {e}", path.display())))
}

fn mode_of(mode: ModeArg, target: Option<&str>) -> Mode {
    match mode {
        ModeArg::Daemonset => Mode::DaemonSet,
        ModeArg::Sidecar => Mode::Sidecar {
            target: target.unwrap_or_default().to_string(),
        },
    }
}

/// The namespace of a mode: a DaemonSet's own (`-n`, else observability), a sidecar's target's
/// (`-n`, else the context's).
async fn connect_for(global: &Global, mode: &Mode, timeout: Duration) -> Result<Kube> {
    match mode {
        Mode::DaemonSet => connect(global, None, timeout).await,
        Mode::Sidecar { .. } => {
            Ok(Kube::connect(&super::k8s::connect_options(global, timeout)).await?)
        }
    }
}

fn print_diagnostics(out: &Out, v: &Validation, to_stdout: bool) {
    for d in &v.diagnostics {
        let line = format!(
            "{}:{}:{}: {}: {}",
            v.file,
            d.line,
            d.column,
            d.severity.as_str(),
            d.message
        );
        if to_stdout {
            out.line(&line);
        } else {
            out.note(&line);
        }
    }
}

fn report_rollout_failure(out: &Out, f: &RolloutFailure) {
    for r in &f.reasons {
        out.note(&format!("  {r}"));
    }
    for e in &f.events {
        if !f.reasons.contains(e) {
            out.note(&format!("  event: {e}"));
        }
    }
    for (src, lines) in &f.logs {
        out.note(&format!("  last log lines of {src}:"));
        for l in lines {
            out.note(&format!("    {l}"));
        }
    }
}

impl DeployArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let mode = mode_of(self.mode, self.target.as_deref());
        let config = match &self.config {
            Some(p) => Some((p.display().to_string(), read_file(p)?)),
            None => None,
        };
        // OTEL_EXPORTER_OTLP_HEADERS is the OTel SDKs' own variable: set in a shell for some
        // other exporter, it must not make deploy fail when the agent exports no OTLP.
        let otlp_headers = match (&self.otlp_endpoint, &self.otlp_headers) {
            (None, Some(h))
                if std::env::var("OTEL_EXPORTER_OTLP_HEADERS").ok().as_ref() == Some(h) =>
            {
                None
            }
            (None, Some(_)) => {
                return Err(Error::msg(
                    Exit::Usage,
                    "--otlp-headers needs --otlp-endpoint (the headers go with the agent's OTLP export)",
                ));
            }
            (_, h) => h.clone(),
        };
        let dry = self.apply.dry_run.map(super::k8s::DryRun::op);
        let kube = if dry == Some(crate::ops::DryRun::Client) && mode == Mode::DaemonSet {
            None
        } else {
            Some(connect_for(global, &mode, timeout).await?)
        };
        let namespace = match &kube {
            Some(k) => k.namespace.clone(),
            None => obi_ops::namespace(global.namespace.as_deref()),
        };
        let req = lifecycle::ObiDeploy {
            mode,
            image: self.image.clone(),
            image_tag: self.image_tag.clone(),
            privileged: self.privileged,
            config,
            host_network: self.host_network,
            node_selector: self.node_selector.iter().cloned().collect(),
            tolerate_all_taints: !self.no_tolerations,
            resources: crate::workload::Resources {
                requests_cpu: Some(self.cpu_request.clone()),
                requests_memory: Some(self.memory_request.clone()),
                limits_cpu: Some(self.cpu_limit.clone()),
                limits_memory: Some(self.memory_limit.clone()),
                ..Default::default()
            },
            otlp_endpoint: self.otlp_endpoint.clone(),
            otlp_protocol: self.otlp_protocol.clone(),
            otlp_headers,
            cluster_name: self.cluster_name.clone(),
            open_ports: self.open_port.clone(),
            skip_preflight: self.skip_preflight,
            dry_run: dry,
            wait: !self.apply.no_wait,
            timeout: self.apply.timeout,
            progress_deadline: self.progress_deadline,
        };
        let events = CliEvents::new(out);
        let report = lifecycle::deploy(kube.as_ref(), &namespace, &req, &events).await?;
        render_deploy(out, &report)
    }
}

fn render_deploy(out: &Out, r: &ObiDeployReport) -> Result<()> {
    let structured = structured(out);
    match r.stage {
        Stage::ConfigInvalid => {
            if structured {
                out.document(r);
            } else {
                print_diagnostics(out, &r.validation, false);
            }
            return r.result();
        }
        Stage::PreflightFailed => {
            let p = r
                .preflight
                .as_ref()
                .expect("a failed preflight has a report");
            if structured {
                out.document(r);
            } else {
                render_preflight(out, p);
            }
            return r.result();
        }
        Stage::DryRun => {
            super::k8s::print_objects(out, &r.manifests);
            return Ok(());
        }
        Stage::Applied => {}
    }
    if !r.changed && !structured {
        out.note("obi: nothing changed (already deployed as described)");
    }
    if let Some(f) = &r.failure {
        report_rollout_failure(out, f);
    }
    if structured {
        out.document(r);
    }
    let ns = format!(" -n {}", r.namespace);
    match (&r.failure, r.ready) {
        (Some(_), _) => r.result(),
        (None, Some(true)) => {
            match &r.target {
                Some(t) => out.note(&format!(
                    "obi is running as a sidecar of deployment.apps/{t} in namespace {}",
                    r.namespace
                )),
                // No node: the ops layer warned why.
                None if r.nodes.is_empty() => {}
                None => out.note(&format!(
                    "obi is running on {} node(s) in namespace {}",
                    r.nodes.len(),
                    r.namespace
                )),
            }
            out.note(&format!(
                "next: b00t obi status{ns}    b00t obi logs{ns} -f"
            ));
            Ok(())
        }
        _ => {
            out.note(&format!(
                "next: b00t obi status{ns}    b00t obi logs{ns} -f"
            ));
            Ok(())
        }
    }
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// The tag to upgrade to (the repository stays)
    #[arg(long, value_name = "T", required_unless_present = "image")]
    pub image_tag: Option<String>,
    /// Another image repository or full reference
    #[arg(long, value_name = "IMG")]
    pub image: Option<String>,
    #[command(flatten)]
    pub rollout: RolloutFlags,
}

/// How a change rolls out: shared by `upgrade`, `config set` and `config rollback`.
#[derive(Debug, Args)]
pub struct RolloutFlags {
    /// Leave a failed rollout as it is (exit 1) instead of putting back the previous image and
    /// config (exit 7)
    #[arg(long)]
    pub no_rollback: bool,
    /// How long the rollout (and a rollback) may take
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5m")]
    pub timeout: Duration,
    /// Give up when the rollout makes no progress for this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub progress_deadline: Duration,
}

impl UpgradeArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let kube = connect(global, None, timeout).await?;
        let req = lifecycle::Upgrade {
            image: self.image.clone(),
            image_tag: self.image_tag.clone(),
            rollback: !self.rollout.no_rollback,
            timeout: self.rollout.timeout,
            progress_deadline: self.rollout.progress_deadline,
        };
        let events = CliEvents::new(out);
        let r = lifecycle::upgrade(&kube, &req, &events).await?;
        render_rollout(out, &r, "upgrade", true)
    }
}

fn render_rollout(out: &Out, r: &UpgradeReport, what: &str, document: bool) -> Result<()> {
    if let Some(f) = &r.failure {
        out.note(&format!("the {what} to {} failed:", r.to_image));
        report_rollout_failure(out, f);
    }
    if document && structured(out) {
        out.document(r);
    }
    if r.succeeded {
        if r.changed {
            out.note(&format!(
                "obi {what} done: {} runs on {} node(s)",
                r.to_image,
                r.nodes.len()
            ));
        } else {
            out.note(&format!(
                "obi: nothing changed ({} already runs)",
                r.to_image
            ));
        }
        return Ok(());
    }
    r.result(what)
}

#[derive(Debug, Args)]
pub struct UndeployArgs {
    /// How the agent runs
    #[arg(long, value_enum, default_value = "daemonset")]
    pub mode: ModeArg,
    /// The Deployment whose sidecar to remove (sidecar mode)
    #[arg(long, value_name = "DEPLOYMENT", required_if_eq("mode", "sidecar"))]
    pub target: Option<String>,
    /// Keep the config ConfigMap(s)
    #[arg(long)]
    pub keep_config: bool,
    /// Also delete the namespace (only when b00t created it)
    #[arg(long)]
    pub delete_namespace: bool,
    /// Return without waiting for the agent pods to be gone
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the pods to be gone
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub timeout: Duration,
}

impl UndeployArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let mode = mode_of(self.mode, self.target.as_deref());
        let kube = connect_for(global, &mode, timeout).await?;
        let req = lifecycle::Undeploy {
            mode,
            keep_config: self.keep_config,
            delete_namespace: self.delete_namespace,
            wait: !self.no_wait,
            timeout: self.timeout,
        };
        let events = CliEvents::new(out);
        let r = lifecycle::undeploy(&kube, &req, &events).await?;
        if structured(out) {
            out.document(&r);
            return Ok(());
        }
        for d in &r.deleted {
            out.line(&format!("{} deleted", d.reference));
        }
        for a in &r.restored {
            out.line(&format!("{} restored (sidecar removed)", a.reference));
        }
        for k in &r.kept {
            if k.starts_with("namespace/") {
                out.note(&format!(
                    "{k} kept (not created by b00t; --delete-namespace removes only the namespace deploy created)"
                ));
            } else {
                out.note(&format!("{k} kept (--keep-config)"));
            }
        }
        if r.deleted.is_empty() && r.restored.is_empty() {
            out.note(&format!(
                "obi: nothing to remove in namespace {}",
                r.namespace
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct ConfigSetArgs {
    /// The new OBI configuration file (YAML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub roll: RollFlags,
}

#[derive(Debug, Args)]
pub struct ConfigRollbackArgs {
    #[command(flatten)]
    pub roll: RollFlags,
}

/// How `config set` and `config rollback` roll the agents.
#[derive(Debug, Args)]
pub struct RollFlags {
    /// Update the ConfigMap only; the agents keep the old config until they restart
    #[arg(long)]
    pub no_restart: bool,
    #[command(flatten)]
    pub rollout: RolloutFlags,
}

async fn config_show(global: &Global, out: &Out, timeout: Duration) -> Result<()> {
    let kube = connect(global, None, timeout).await?;
    let c = lifecycle::config_show(&kube).await?;
    if structured(out) {
        out.document(&c);
    } else {
        out.write(&c.config);
        if !c.config.ends_with('\n') {
            out.write("\n");
        }
    }
    Ok(())
}

async fn config_set_run(
    global: &Global,
    out: &Out,
    timeout: Duration,
    file: String,
    text: String,
    roll: &RollFlags,
) -> Result<()> {
    let kube = connect(global, None, timeout).await?;
    let req = lifecycle::ConfigSet {
        file,
        text,
        restart: !roll.no_restart,
        wait: true,
        rollback: !roll.rollout.no_rollback,
        timeout: roll.rollout.timeout,
        progress_deadline: roll.rollout.progress_deadline,
    };
    let events = CliEvents::new(out);
    let r = lifecycle::config_set(&kube, &req, &events).await?;
    if !r.validation.valid {
        if structured(out) {
            out.document(&r);
        } else {
            print_diagnostics(out, &r.validation, false);
        }
        return r.result();
    }
    match &r.rollout {
        Some(u) => {
            if structured(out) {
                // The rollout's report is part of this document.
                out.document(&r);
            }
            render_rollout(out, u, "config change", false)
        }
        None => {
            if structured(out) {
                out.document(&r);
            }
            Ok(())
        }
    }
}

impl ConfigSetArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let text = read_file(&self.file)?;
        config_set_run(
            global,
            out,
            timeout,
            self.file.display().to_string(),
            text,
            &self.roll,
        )
        .await
    }
}

impl ConfigRollbackArgs {
    async fn run(self, global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        let kube = connect(global, None, timeout).await?;
        let c = lifecycle::config_show(&kube).await?;
        let Some(previous) = c.previous else {
            return Err(Error::msg(
                Exit::NotFound,
                format!(
                    "no previous config in namespace {} (configmap/{} is kept by config set)",
                    c.namespace,
                    lifecycle::PREVIOUS_CONFIG_MAP
                ),
            ));
        };
        config_set_run(
            global,
            out,
            timeout,
            format!("configmap/{}", lifecycle::PREVIOUS_CONFIG_MAP),
            previous,
            &self.roll,
        )
        .await
    }
}
