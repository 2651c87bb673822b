//! `b00t obi docker …`: the OBI agent as a plain Docker container. Thin: parse, call
//! `ops::obi::docker`, render.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::events::CliEvents;
use super::obi::LevelArg;
use super::{Global, OutputFormat, parse_duration};
use crate::error::{Error, Exit, Result};
use crate::obi::Validation;
use crate::ops::obi::docker::{
    self as ops, Agent, DeployAction, DockerCompose, DockerDeploy, DockerDeployReport, DockerLogs,
    DockerStatus,
};
use crate::output::{Out, table};
use crate::runtime::docker::{ConnectOptions, Docker, LogEntry, LogOptions, PullPolicy};

#[derive(Debug, Subcommand)]
pub enum DockerCommand {
    /// Run the agent as a container (pid and network of the host, validated config), wait for
    /// its metrics; deploying the same settings again changes nothing
    Deploy(Box<DeployArgs>),
    /// State, uptime, restarts, CPU and memory, and whether the agent observes and exports
    Status(StatusArgs),
    /// The agent container's logs, filtered by level
    Logs(LogsArgs),
    /// Stop the agent and remove its container and config file (--keep: only stop)
    Stop(StopArgs),
    /// Write a compose file (and the config) that runs the agent as deploy does
    Compose(Box<ComposeArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PullArg {
    /// Pull only when the engine does not have the image
    Missing,
    /// Always pull
    Always,
    /// Never pull (fail when the image is missing)
    Never,
}

impl From<PullArg> for PullPolicy {
    fn from(p: PullArg) -> Self {
        match p {
            PullArg::Missing => PullPolicy::Missing,
            PullArg::Always => PullPolicy::Always,
            PullArg::Never => PullPolicy::Never,
        }
    }
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Container name
    #[arg(long, value_name = "NAME", default_value = ops::DEFAULT_NAME)]
    pub name: String,
}

/// What the agent container looks like (deploy and compose).
#[derive(Debug, Args)]
pub struct AgentArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Agent image repository, or a full reference with a tag or digest
    #[arg(long, value_name = "IMG")]
    pub image: Option<String>,
    /// Image tag (default: main); also chooses the config key set to validate against
    #[arg(long, value_name = "T")]
    pub image_tag: Option<String>,
    /// OBI config file (default: b00t's config for the image tag: network and application
    /// metrics on Prometheus port 9400, internal metrics on 9401, Kubernetes metadata off)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run the agent privileged instead of with a list of capabilities
    #[arg(long)]
    pub privileged: bool,
    /// OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    /// OTLP protocol when the port does not say (grpc, http/protobuf, http/json)
    #[arg(long, value_name = "P", requires = "otlp_endpoint")]
    pub otlp_protocol: Option<String>,
    /// Cluster name the agent reports (OTEL_EBPF_KUBE_CLUSTER_NAME; unset: the agent asks cloud
    /// metadata services)
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    /// Host id the agent reports (OTEL_EBPF_HOST_ID; unset: the agent looks it up)
    #[arg(long, value_name = "ID")]
    pub host_id: Option<String>,
    /// Memory limit (e.g. 512m, 1g)
    #[arg(long, value_name = "BYTES", default_value = "1g", value_parser = parse_memory)]
    pub memory: i64,
    /// CPU limit (e.g. 0.5, 2)
    #[arg(long, value_name = "CPUS", default_value = "1", value_parser = parse_cpus)]
    pub cpus: f64,
}

fn parse_memory(s: &str) -> std::result::Result<i64, String> {
    crate::translate::compose::parse_bytes(s)
        .ok()
        .filter(|b| *b > 0)
        .and_then(|b| i64::try_from(b).ok())
        .ok_or_else(|| format!("expected a memory size such as 512m or 1g, got {s:?}"))
}

fn parse_cpus(s: &str) -> std::result::Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|c| *c > 0.0 && c.is_finite())
        .ok_or_else(|| format!("expected a number of CPUs such as 0.5 or 2, got {s:?}"))
}

impl AgentArgs {
    fn agent(&self) -> Result<Agent> {
        let config = match &self.config {
            Some(p) => Some((
                p.display().to_string(),
                std::fs::read_to_string(p).map_err(|e| {
                    Error::msg(Exit::Usage, format!("reading {}: {e}", p.display()))
                })?,
            )),
            None => None,
        };
        Ok(Agent {
            name: self.name.name.clone(),
            image: self.image.clone(),
            image_tag: self.image_tag.clone(),
            config,
            privileged: self.privileged,
            otlp_endpoint: self.otlp_endpoint.clone(),
            otlp_protocol: self.otlp_protocol.clone(),
            cluster_name: self.cluster_name.clone(),
            host_id: self.host_id.clone(),
            memory_bytes: Some(self.memory),
            cpus: Some(self.cpus),
        })
    }
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub agent: AgentArgs,
    /// When to pull the image
    #[arg(long, value_enum, default_value = "missing", value_name = "WHEN")]
    pub pull: PullArg,
    /// Give up waiting for the agent's metrics after this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2m")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub name: NameArg,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Only lines at this level or above (lines without a level, such as panics, are kept)
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<LevelArg>,
    /// Keep streaming until the container stops
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only lines newer than this (e.g. 10m, 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub since: Option<Duration>,
    /// Lines from the end
    #[arg(long, value_name = "N")]
    pub tail: Option<u64>,
    /// Prefix each line with its timestamp
    #[arg(long)]
    pub timestamps: bool,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Only stop: keep the container and its config file
    #[arg(long)]
    pub keep: bool,
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    #[command(flatten)]
    pub agent: AgentArgs,
    /// Directory to write compose.yaml and obi-config.yml into (created when missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also run an OpenTelemetry Collector that receives OTLP from the agent
    #[arg(long)]
    pub with_collector: bool,
    /// Capabilities for engines before Docker 23 (no BPF, PERFMON, CHECKPOINT_RESTORE)
    #[arg(long)]
    pub legacy_capabilities: bool,
}

impl DockerCommand {
    pub async fn run(self, _global: &Global, out: &Out, timeout: Duration) -> Result<()> {
        match self {
            DockerCommand::Compose(a) => a.run(out),
            DockerCommand::Deploy(a) => a.run(out, &connect(timeout).await?).await,
            DockerCommand::Status(a) => a.run(out, &connect(timeout).await?).await,
            DockerCommand::Logs(a) => a.run(out, &connect(timeout).await?).await,
            DockerCommand::Stop(a) => a.run(out, &connect(timeout).await?).await,
        }
    }
}

async fn connect(timeout: Duration) -> Result<Docker> {
    Ok(Docker::connect(&ConnectOptions {
        host: None,
        timeout: Some(timeout),
    })
    .await?)
}

fn structured(out: &Out) -> bool {
    matches!(out.format(), Some(OutputFormat::Json | OutputFormat::Yaml))
}

fn diagnostics(out: &Out, v: &Validation) {
    for d in &v.diagnostics {
        out.note(&format!(
            "{}:{}:{}: {}: {}",
            v.file,
            d.line,
            d.column,
            d.severity.as_str(),
            d.message
        ));
    }
}

impl DeployArgs {
    async fn run(self, out: &Out, docker: &Docker) -> Result<()> {
        let agent = self.agent.agent()?;
        let req = DockerDeploy {
            state_dir: ops::state_dir(&agent.name),
            agent,
            pull: self.pull.into(),
            timeout: self.timeout,
        };
        let events = CliEvents::new(out);
        let r = ops::deploy(docker, &req, &events).await?;
        render_deploy(out, &r)
    }
}

fn render_deploy(out: &Out, r: &DockerDeployReport) -> Result<()> {
    let structured = structured(out);
    if structured {
        out.document(r);
    }
    if r.action == DeployAction::ConfigInvalid {
        if !structured {
            diagnostics(out, &r.validation);
        }
        return r.result();
    }
    if !structured {
        let what = match r.action {
            DeployAction::Created => "created",
            DeployAction::Replaced => "replaced",
            _ => "unchanged",
        };
        out.line(&format!("container/{} {what}", r.name));
    }
    if let Some(f) = &r.failure {
        for reason in &f.reasons {
            out.note(&format!("  {reason}"));
        }
        if !f.logs.is_empty() {
            out.note(&format!("  last log lines of {}:", r.name));
            for l in &f.logs {
                out.note(&format!("    {l}"));
            }
        }
        return r.result();
    }
    if !structured {
        if let Some(u) = &r.metrics_url {
            out.note(&format!("obi serves its metrics on {u}"));
        }
        out.note(&format!(
            "next: b00t obi docker status --name {0}    b00t obi docker logs --name {0} -f",
            r.name
        ));
    }
    Ok(())
}

impl StatusArgs {
    async fn run(self, out: &Out, docker: &Docker) -> Result<()> {
        let st = ops::status(docker, &self.name.name).await?;
        if structured(out) {
            out.document(&st);
        } else {
            render_status(out, &st);
        }
        super::obi::health_result(
            st.health,
            &format!("obi container {}", st.name),
            &st.reasons,
        )
    }
}

fn render_status(out: &Out, st: &DockerStatus) {
    out.line(&format!(
        "obi container {} ({}) on Docker {}: {}",
        st.name, st.image, st.engine_version, st.health
    ));
    let mut t = table::new([
        "STATE", "UPTIME", "RESTARTS", "EXIT", "CPU", "MEMORY", "FLOWS", "APP", "EXPORTS",
    ]);
    let o = st.observed.as_ref();
    t.add_row(vec![
        st.state.clone(),
        st.uptime_seconds.map_or("-".into(), table::age),
        st.restarts.to_string(),
        st.exit_code.map_or("-".into(), |c| c.to_string()),
        st.cpu_percent.map_or("-".into(), |c| format!("{c:.1}%")),
        st.memory_bytes
            .map_or("-".into(), |b| format!("{:.0}Mi", b as f64 / 1048576.0)),
        o.map_or("-".into(), |o| o.flow_series.to_string()),
        o.map_or("-".into(), |o| o.app_series.to_string()),
        o.and_then(|o| o.exports).map_or("-".into(), |e| {
            let errs = o.and_then(|o| o.export_errors).unwrap_or(0.0);
            format!("{e:.0} ({errs:.0} errors)")
        }),
    ]);
    out.write(&table::render(&t));
    if !st.reasons.is_empty() {
        out.line("reasons:");
        for r in &st.reasons {
            out.line(&format!("  {r}"));
        }
    }
}

impl LogsArgs {
    async fn run(self, out: &Out, docker: &Docker) -> Result<()> {
        let since = self
            .since
            .map(|d| jiff::Timestamp::now().as_second() - d.as_secs() as i64);
        let req = DockerLogs {
            level: self.level.map(LevelArg::level),
            log: LogOptions {
                follow: self.follow,
                since,
                tail: self.tail,
            },
        };
        let json = out.format() == Some(OutputFormat::Json);
        let timestamps = self.timestamps;
        let mut sink = |e: LogEntry| {
            if json {
                out.json_line(&e);
            } else if timestamps && !e.time.is_empty() {
                out.line(&format!("{} {}", e.time, e.line));
            } else {
                out.line(&e.line);
            }
        };
        ops::logs(docker, &self.name.name, &req, &mut sink).await
    }
}

impl StopArgs {
    async fn run(self, out: &Out, docker: &Docker) -> Result<()> {
        let events = CliEvents::new(out);
        let r = ops::stop(docker, &self.name.name, self.keep, &events).await?;
        if structured(out) {
            out.document(&r);
        } else {
            out.line(&format!(
                "container/{} {}",
                r.name,
                if r.removed { "removed" } else { "stopped" }
            ));
            if let Some(f) = &r.config_file_removed {
                out.note(&format!("removed {f}"));
            }
        }
        Ok(())
    }
}

impl ComposeArgs {
    fn run(self, out: &Out) -> Result<()> {
        let req = DockerCompose {
            agent: self.agent.agent()?,
            with_collector: self.with_collector,
            legacy_capabilities: self.legacy_capabilities,
            out: self.out.clone(),
        };
        let r = ops::compose(&req)?;
        if structured(out) {
            out.document(&r);
        }
        if !r.validation.valid {
            if !structured(out) {
                diagnostics(out, &r.validation);
            }
            return r.result();
        }
        if !structured(out) {
            for f in &r.files {
                out.line(&format!("wrote {f}"));
            }
            out.note(&format!(
                "next: docker compose -f {} up -d",
                self.out.join(ops::COMPOSE_FILE).display()
            ));
        }
        Ok(())
    }
}
