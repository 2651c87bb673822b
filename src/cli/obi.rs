//! `b00t obi …` (also `obi …` through a link).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::{Global, OutputFormat, parse_duration};
use crate::error::{Error, Exit, Result};
use crate::obi::{manifest, rules};
use crate::ops::obi::preflight::{CheckStatus, PreflightReport};
use crate::ops::obi::status::{Budget, Health, ObiStatus};
use crate::ops::obi::{self as obi_ops, Mode, logs::Level};
use crate::output::{Out, table};
use crate::runtime::kube::logs::{LogLine, LogOptions};
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
    /// Health of the agent on every node: ready, resources, and whether it observes and exports
    Status(StatusArgs),
    /// Logs of every agent pod merged by time, filtered by level
    Logs(LogsArgs),
    /// Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)
    Preflight(PreflightArgs),
    /// OBI configuration: validate a file, show, set or roll back the deployed one
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)
    ///
    /// Alerts for the agent of a DaemonSet install: down, not on every node, restarting, export
    /// errors, exporting nothing, attached nothing. The install's namespace is -n/--namespace
    /// (default: observability, not the context's). Needs no cluster; check the file with
    /// `promtool check rules`.
    Rules(RulesArgs),
    /// The embedded eBPF sensor: watch this machine's TCP connections (needs root)
    Sensor(super::sensor::SensorArgs),
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
    fn level(self) -> Level {
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
    let v = crate::runtime::kube::cluster::parse_cpu_millis(s);
    if v > 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "expected a CPU quantity such as 50m or 0.1, got {s:?}"
        ))
    }
}

fn parse_memory(s: &str) -> std::result::Result<u64, String> {
    let v = crate::runtime::kube::cluster::parse_bytes(s);
    if v > 0 {
        Ok(v)
    } else {
        Err(format!(
            "expected a memory quantity such as 200Mi, got {s:?}"
        ))
    }
}

impl ObiArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        let t = self.request_timeout;
        match self.command {
            ObiCommand::Status(a) => a.run(global, out, t).await,
            ObiCommand::Logs(a) => a.run(global, out, t).await,
            ObiCommand::Preflight(a) => a.run(global, out, t).await,
            ObiCommand::Config(ConfigCommand::Validate(a)) => a.run(out),
            ObiCommand::Rules(a) => a.run(global, out),
            ObiCommand::Sensor(a) => a.run(global, out).await,
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
        match st.health {
            Health::Healthy => Ok(()),
            h => Err(Error::msg(
                Exit::Failed,
                format!(
                    "obi in namespace {} is {}: {}",
                    st.namespace,
                    h.to_string().to_lowercase(),
                    st.reasons.first().cloned().unwrap_or_default()
                ),
            )),
        }
    }
}

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
pub fn preflight_result(r: &PreflightReport) -> Result<()> {
    match r.checks.iter().find(|c| c.status == CheckStatus::Blocker) {
        None => Ok(()),
        Some(c) => Err(Error::msg(
            Exit::Failed,
            format!(
                "preflight found {} blocker(s); first: {} {}: {}",
                r.blockers, c.category, c.name, c.detail
            ),
        )),
    }
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
                for a in &alerts {
                    out.line(&format!("  {:<24} {:<9} {}", a.name, a.severity, a.summary));
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
