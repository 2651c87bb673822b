//! The OBI agent as a plain Docker container: `obi docker deploy | status | logs | stop |
//! compose`. Same shape as the Kubernetes use cases: options in, events out, a report back.
//!
//! The agent runs in the host's PID and network namespaces (so its Prometheus port is a host
//! port on 127.0.0.1), as uid 0 with a read-only root file system, a list of capabilities
//! (or `--privileged`), `/sys/fs/cgroup` read-only and its validated config bind-mounted
//! read-only from a b00t-owned file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::logs::{Level, passes};
use super::scrape::{Observed, observe};
use super::status::Health;
use crate::error::{Error, Exit, Result};
use crate::obi::{
    ConfigFacts, DefaultConfigOptions, Validation, default_config, manifest, validate,
};
use crate::ops::obi::lifecycle::{image_ref, image_tag};
use crate::ops::{Event, Events};
use crate::runtime::docker::{
    Bind, ContainerSpec, Docker, LogEntry, LogOptions, PullPolicy, Restart, labels,
};

/// Container name when none is given.
pub const DEFAULT_NAME: &str = "obi";
/// The config file's name, on the host and in the container.
pub const CONFIG_FILE: &str = "obi-config.yml";
/// Label with the ports and paths `status` scrapes and the config file `stop` removes (JSON).
pub const SETTINGS_LABEL: &str = "b00t.elastic.ventures/obi-settings";
/// Capabilities of the agent on engines that know them (Docker 23+, API 1.43+).
pub const CAPABILITIES: [&str; 8] = [
    "BPF",
    "PERFMON",
    "CHECKPOINT_RESTORE",
    "SYS_PTRACE",
    "NET_RAW",
    "NET_ADMIN",
    "DAC_READ_SEARCH",
    "SYS_ADMIN",
];
/// On older engines, which reject `BPF`, `PERFMON` and `CHECKPOINT_RESTORE` (SYS_ADMIN covers
/// what BPF and PERFMON grant on kernels before 5.8 too).
pub const LEGACY_CAPABILITIES: [&str; 5] = [
    "SYS_ADMIN",
    "NET_RAW",
    "NET_ADMIN",
    "SYS_PTRACE",
    "DAC_READ_SEARCH",
];
/// Where the agent keeps its runtime files (a tmpfs: the root file system is read-only).
pub const RUN_DIR: &str = "/var/run/obi";

/// Where b00t keeps the config of the agent container `name`:
/// `$XDG_STATE_HOME/b00t/obi/<name>`, default `~/.local/state/b00t/obi/<name>`.
pub fn state_dir(name: &str) -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("b00t").join("obi").join(name)
}

/// What `status` needs to find the agent's metrics, recorded on the container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `(port, path)` of the Prometheus exporter.
    pub prometheus: Option<(u16, String)>,
    /// `(port, path)` of OBI's internal metrics.
    pub internal: Option<(u16, String)>,
    /// The config file on the host.
    pub config_file: String,
}

impl Settings {
    fn from_facts(f: &ConfigFacts, config_file: &Path) -> Settings {
        Settings {
            prometheus: f.prometheus_port.map(|p| (p, f.prometheus_path.clone())),
            internal: f
                .internal_metrics_port
                .filter(|_| f.internal_metrics_exporter == "prometheus")
                .map(|p| (p, f.internal_metrics_path.clone())),
            config_file: config_file.display().to_string(),
        }
    }

    fn urls(&self) -> Vec<(u16, String)> {
        self.prometheus
            .iter()
            .chain(self.internal.iter())
            .cloned()
            .collect()
    }
}

fn url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

/// Options shared by `deploy` and `compose`: what the agent container looks like.
#[derive(Debug, Clone, Default)]
pub struct Agent {
    pub name: String,
    /// `--image` (repository or full reference).
    pub image: Option<String>,
    pub image_tag: Option<String>,
    /// `(file name, text)`; `None`: b00t's default config for the tag.
    pub config: Option<(String, String)>,
    pub privileged: bool,
    pub otlp_endpoint: Option<String>,
    /// `None`: inferred from the endpoint's port.
    pub otlp_protocol: Option<String>,
    /// `OTEL_EBPF_KUBE_CLUSTER_NAME`, only when given.
    pub cluster_name: Option<String>,
    /// `OTEL_EBPF_HOST_ID`, only when given.
    pub host_id: Option<String>,
    pub memory_bytes: Option<i64>,
    pub cpus: Option<f64>,
}

impl Agent {
    /// The image to run.
    pub fn image(&self) -> Result<String> {
        image_ref(self.image.as_deref(), self.image_tag.as_deref())
    }

    /// The environment of the container (besides `OTEL_EBPF_CONFIG_PATH`).
    pub fn env(&self) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        env.insert(
            "OTEL_EBPF_CONFIG_PATH".to_string(),
            manifest::CONFIG_PATH.to_string(),
        );
        if let Some(c) = self.cluster_name.as_ref().filter(|c| !c.is_empty()) {
            env.insert("OTEL_EBPF_KUBE_CLUSTER_NAME".into(), c.clone());
        }
        if let Some(h) = self.host_id.as_ref().filter(|h| !h.is_empty()) {
            env.insert("OTEL_EBPF_HOST_ID".into(), h.clone());
        }
        if let Some(ep) = &self.otlp_endpoint {
            env.insert("OTEL_EXPORTER_OTLP_ENDPOINT".into(), ep.clone());
            let proto = self
                .otlp_protocol
                .clone()
                .or_else(|| manifest::infer_protocol(ep).map(str::to_string));
            if let Some(p) = proto {
                env.insert("OTEL_EXPORTER_OTLP_PROTOCOL".into(), p);
            }
        }
        env
    }

    /// `(file name, text)` of the config to deploy.
    pub fn config_text(&self, tag: &str) -> (String, String) {
        match &self.config {
            Some(c) => c.clone(),
            None => {
                let opts = DefaultConfigOptions {
                    otlp_endpoint: self.otlp_endpoint.clone(),
                    kubernetes: false,
                    ..Default::default()
                };
                let mut text = default_config(tag, &opts);
                text.push_str("attributes:\n  kubernetes:\n    enable: false\n");
                ("<default config>".into(), text)
            }
        }
    }

    /// Validate the config for the image's tag, with the container's environment.
    pub fn validate(&self, tag: &str) -> Validation {
        let (file, text) = self.config_text(tag);
        let env = self.env();
        let lookup = |k: &str| env.get(k).cloned();
        validate(&file, &text, tag, &lookup)
    }

    /// The capabilities to add: `None` when privileged.
    pub fn capabilities(&self, modern: bool) -> Option<Vec<String>> {
        if self.privileged {
            return None;
        }
        let list: &[&str] = if modern {
            &CAPABILITIES
        } else {
            &LEGACY_CAPABILITIES
        };
        Some(list.iter().map(|c| c.to_string()).collect())
    }

    /// The container, for a config file at `config_file` with contents `config`.
    pub fn spec(
        &self,
        image: &str,
        config: &str,
        config_file: &Path,
        settings: &Settings,
        modern_caps: bool,
    ) -> ContainerSpec {
        let mut l = BTreeMap::new();
        l.insert(labels::MANAGED_BY.into(), labels::MANAGED_BY_VALUE.into());
        l.insert(labels::NAME.into(), manifest::NAME.into());
        l.insert(labels::INSTANCE.into(), self.name.clone());
        l.insert(labels::COMPONENT.into(), "obi".into());
        l.insert(
            SETTINGS_LABEL.into(),
            serde_json::to_string(settings).expect("settings serialise"),
        );
        let caps = self.capabilities(modern_caps);
        ContainerSpec {
            name: self.name.clone(),
            image: image.to_string(),
            entrypoint: None,
            cmd: None,
            working_dir: None,
            ports: vec![],
            env: self.env(),
            labels: l,
            user: Some("0".into()),
            pid_host: true,
            network_host: true,
            privileged: self.privileged,
            cap_drop: if caps.is_some() {
                vec!["ALL".into()]
            } else {
                vec![]
            },
            cap_add: caps.unwrap_or_default(),
            security_opt: vec![],
            read_only: true,
            tmpfs: BTreeMap::from([(RUN_DIR.to_string(), "rw,mode=0700".to_string())]),
            binds: vec![
                Bind {
                    source: config_file.display().to_string(),
                    target: manifest::CONFIG_PATH.into(),
                    read_only: true,
                },
                Bind {
                    source: "/sys/fs/cgroup".into(),
                    target: "/sys/fs/cgroup".into(),
                    read_only: true,
                },
            ],
            volumes: vec![],
            gpus: None,
            restart: Restart::UnlessStopped,
            memory_bytes: self.memory_bytes,
            nano_cpus: self.cpus.map(|c| (c * 1e9).round() as i64),
            open_stdin: false,
            healthcheck: None,
            extra_hash_input: config.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// deploy

/// Options of `obi docker deploy`.
#[derive(Debug, Clone)]
pub struct DockerDeploy {
    pub agent: Agent,
    pub pull: PullPolicy,
    /// How long to wait for the agent's metrics.
    pub timeout: Duration,
    /// Where the config file goes (default [`state_dir`]).
    pub state_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployAction {
    /// The config has errors; nothing was created.
    ConfigInvalid,
    Created,
    /// A container of that name with other settings was replaced.
    Replaced,
    /// A running container with the same settings was left alone.
    Unchanged,
}

/// Why the agent did not come up, with what it said.
#[derive(Debug, Clone, Serialize)]
pub struct AgentFailure {
    pub reasons: Vec<String>,
    pub exit_code: Option<i64>,
    pub timed_out: bool,
    /// Its last log lines.
    pub logs: Vec<String>,
}

/// What `obi docker deploy` did.
#[derive(Debug, Clone, Serialize)]
pub struct DockerDeployReport {
    pub action: DeployAction,
    pub name: String,
    pub image: String,
    pub engine_version: String,
    pub api_version: String,
    pub config_file: Option<String>,
    pub config_hash: Option<String>,
    pub validation: Validation,
    pub privileged: bool,
    /// Capabilities added (empty when privileged).
    pub capabilities: Vec<String>,
    /// The engine does not know BPF/PERFMON/CHECKPOINT_RESTORE: the older list was used.
    pub legacy_capabilities: bool,
    pub pulled: bool,
    /// The Prometheus endpoint waited for.
    pub metrics_url: Option<String>,
    pub ready: bool,
    pub failure: Option<AgentFailure>,
}

impl DockerDeployReport {
    /// The error `obi docker deploy` ends with: an invalid config (exit 2, nothing created),
    /// or an agent that did not come up (timed out: exit 6).
    pub fn result(&self) -> Result<()> {
        if self.action == DeployAction::ConfigInvalid {
            return Err(Error::msg(
                Exit::Usage,
                format!("{}; nothing was created", self.validation.summary()),
            ));
        }
        let Some(f) = &self.failure else {
            return Ok(());
        };
        let exit = if f.timed_out {
            Exit::TimedOut
        } else {
            Exit::Failed
        };
        Err(Error::msg(
            exit,
            format!(
                "the obi agent (container {}) did not come up: {}{}",
                self.name,
                f.reasons.join("; "),
                if f.timed_out {
                    ""
                } else {
                    "; it was stopped (see b00t obi docker logs, or remove it with b00t obi docker stop)"
                }
            ),
        ))
    }
}

/// Deploy (or leave alone, or replace) the agent container and wait until it serves metrics.
pub async fn deploy(
    docker: &Docker,
    req: &DockerDeploy,
    events: &dyn Events,
) -> Result<DockerDeployReport> {
    let agent = &req.agent;
    let image = agent.image()?;
    let tag = image_tag(&image);
    let validation = agent.validate(&tag);
    let modern = docker.version.api_at_least(1, 43);
    let mut report = DockerDeployReport {
        action: DeployAction::ConfigInvalid,
        name: agent.name.clone(),
        image: image.clone(),
        engine_version: docker.version.version.clone(),
        api_version: docker.version.api_version.clone(),
        config_file: None,
        config_hash: None,
        validation: validation.clone(),
        privileged: agent.privileged,
        capabilities: agent.capabilities(modern).unwrap_or_default(),
        legacy_capabilities: !agent.privileged && !modern,
        pulled: false,
        metrics_url: None,
        ready: false,
        failure: None,
    };
    if !validation.valid {
        return Ok(report);
    }
    let facts = validation.facts.clone().expect("a valid config has facts");
    if report.legacy_capabilities {
        events.emit(Event::Warning(format!(
            "Docker {} (API {}) does not know the capabilities BPF, PERFMON and CHECKPOINT_RESTORE (Docker 23 does): running with {} instead",
            docker.version.version,
            docker.version.api_version,
            LEGACY_CAPABILITIES.join(", ")
        )));
    }

    // The first progress line of a pull starts a step (a spinner on a TTY).
    let mut pulling = false;
    let mut progress = |m: String| {
        if !pulling {
            pulling = true;
            events.emit(Event::Started(format!("pulling {image}")));
        }
        events.emit(Event::Progress(m));
    };
    let pulled = docker.ensure_image(&image, req.pull, &mut progress).await;
    if pulling {
        events.emit(Event::Finished);
    }
    report.pulled = pulled?;

    let (_, text) = agent.config_text(&tag);
    let config_file = req.state_dir.join(CONFIG_FILE);
    let settings = Settings::from_facts(&facts, &config_file);
    let spec = agent.spec(&image, &text, &config_file, &settings, modern);
    let hash = spec.hash();
    report.config_file = Some(config_file.display().to_string());
    report.config_hash = Some(hash.clone());
    report.metrics_url = settings.prometheus.as_ref().map(|(p, path)| url(*p, path));

    let existing = docker.inspect(&agent.name).await?;
    report.action = match &existing {
        None => DeployAction::Created,
        Some(c) if !c.managed_by_b00t() => {
            return Err(Error::msg(
                Exit::Failed,
                format!(
                    "container {} exists and was not created by b00t; remove it or choose another --name",
                    agent.name
                ),
            ));
        }
        Some(c)
            if c.labels.get(labels::CONFIG_HASH) == Some(&hash) && c.running && !c.restarting =>
        {
            DeployAction::Unchanged
        }
        Some(_) => DeployAction::Replaced,
    };
    write_config(&req.state_dir, &config_file, &text)?;
    if report.action != DeployAction::Unchanged {
        if let (DeployAction::Replaced, Some(c)) = (report.action, &existing) {
            let same = c.labels.get(labels::CONFIG_HASH) == Some(&hash);
            events.emit(Event::Note(if same {
                format!(
                    "container {} is not running ({}): recreating it",
                    agent.name, c.status
                )
            } else {
                format!("container {} has other settings: replacing it", agent.name)
            }));
            docker.remove(&agent.name).await?;
        }
        docker.create(&spec).await?;
        if let Err(e) = docker.start(&agent.name).await {
            let _ = docker.remove(&agent.name).await;
            return Err(e.into());
        }
    }

    let waited = wait_ready(docker, &agent.name, &settings, req.timeout, events).await?;
    match waited {
        Ok(()) => report.ready = true,
        Err(failure) => {
            // An agent that keeps failing would restart forever (unless-stopped): stop it, and
            // keep it for `logs`.
            if !failure.timed_out {
                let _ = docker.stop(&agent.name, Duration::from_secs(2)).await;
            }
            report.failure = Some(failure);
        }
    }
    Ok(report)
}

fn write_config(dir: &Path, file: &Path, text: &str) -> Result<()> {
    let io = |e: std::io::Error, what: &Path| {
        Error::msg(Exit::Failed, format!("writing {}: {e}", what.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| io(e, dir))?;
    if std::fs::read_to_string(file).ok().as_deref() != Some(text) {
        // In place (same inode), so a running container's bind mount sees it.
        std::fs::write(file, text).map_err(|e| io(e, file))?;
    }
    Ok(())
}

/// Wait until the agent answers on its Prometheus port (or, without one, has run for a few
/// seconds); stop early, with its exit code and last log lines, if it exits or restarts.
async fn wait_ready(
    docker: &Docker,
    name: &str,
    settings: &Settings,
    timeout: Duration,
    events: &dyn Events,
) -> Result<std::result::Result<(), AgentFailure>> {
    let target = settings.prometheus.as_ref().map(|(p, path)| url(*p, path));
    events.emit(Event::Started(match &target {
        Some(u) => format!("waiting for {name} to serve its metrics on {u}"),
        None => format!("waiting for {name} to keep running (the config has no Prometheus port)"),
    }));
    let start = Instant::now();
    let mut last_error = String::new();
    let result = loop {
        let c = docker.require(name, "").await?;
        if !c.running || c.restarting || c.restart_count > 0 {
            let exit_code = c.last_exit_code();
            let mut reasons = vec![match exit_code {
                Some(code) => format!("the agent exited with code {code}"),
                None if c.restart_count > 0 => {
                    format!(
                        "the agent exited and was restarted {} time(s)",
                        c.restart_count
                    )
                }
                None => "the agent is not running".to_string(),
            }];
            if c.oom_killed {
                reasons.push("killed for running out of memory (--memory)".into());
            }
            if let Some(e) = &c.error {
                reasons.push(e.clone());
            }
            let logs = docker.last_lines(name, 20).await.unwrap_or_default();
            break Err(AgentFailure {
                reasons,
                exit_code,
                timed_out: false,
                logs,
            });
        }
        match &settings.prometheus {
            Some((port, path)) => match http_get(*port, path).await {
                Ok((200, _)) => break Ok(()),
                Ok((code, _)) => last_error = format!("HTTP {code}"),
                Err(e) => last_error = e,
            },
            None if start.elapsed() >= Duration::from_secs(3) => break Ok(()),
            None => {}
        }
        if start.elapsed() >= timeout {
            let logs = docker.last_lines(name, 20).await.unwrap_or_default();
            break Err(AgentFailure {
                reasons: vec![format!(
                    "timed out after {}s waiting for {}: {last_error}",
                    timeout.as_secs(),
                    target.clone().unwrap_or_default()
                )],
                exit_code: None,
                timed_out: true,
                logs,
            });
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    events.emit(Event::Finished);
    Ok(result)
}

/// `GET http://127.0.0.1:port/path` over HTTP/1.0: status code and body.
pub async fn http_get(port: u16, path: &str) -> std::result::Result<(u16, String), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let io = async {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(5), io)
        .await
        .map_err(|_| "no answer within 5s".to_string())??;
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| "not an HTTP response".to_string())?;
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "not an HTTP response".to_string())?;
    Ok((code, body.to_string()))
}

// ---------------------------------------------------------------------------------------------
// status

/// `obi docker status`.
#[derive(Debug, Clone, Serialize)]
pub struct DockerStatus {
    pub name: String,
    pub image: String,
    /// `running`, `restarting`, `exited`, …
    pub state: String,
    pub running: bool,
    pub uptime_seconds: Option<i64>,
    pub restarts: i64,
    pub exit_code: Option<i64>,
    pub cpu_percent: Option<f64>,
    pub memory_bytes: Option<u64>,
    pub memory_limit_bytes: Option<u64>,
    /// The endpoints scraped.
    pub metrics_urls: Vec<String>,
    pub observed: Option<Observed>,
    pub health: Health,
    pub reasons: Vec<String>,
    pub engine_version: String,
}

fn deploy_hint() -> String {
    "; deploy the agent with: b00t obi docker deploy".into()
}

/// State, resources and whether the agent observes and exports anything.
pub async fn status(docker: &Docker, name: &str) -> Result<DockerStatus> {
    let c = docker.require(name, &deploy_hint()).await?;
    let settings: Settings = c
        .labels
        .get(SETTINGS_LABEL)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let mut st = DockerStatus {
        name: name.to_string(),
        image: c.image.clone(),
        state: c.status.clone(),
        running: c.running && !c.restarting,
        uptime_seconds: None,
        restarts: c.restart_count,
        exit_code: c.exit_code,
        cpu_percent: None,
        memory_bytes: None,
        memory_limit_bytes: None,
        metrics_urls: settings
            .urls()
            .iter()
            .map(|(p, path)| url(*p, path))
            .collect(),
        observed: None,
        health: Health::Down,
        reasons: Vec::new(),
        engine_version: docker.version.version.clone(),
    };
    if !st.running {
        st.reasons.push(match (c.restarting, c.exit_code) {
            (true, Some(code)) => format!("restarting: the agent exited with code {code}"),
            (_, Some(code)) if c.finished_at.is_some() => {
                format!("not running: the agent exited with code {code}")
            }
            _ => format!("not running ({})", c.status),
        });
        if c.oom_killed {
            st.reasons.push("killed for running out of memory".into());
        }
        if let Some(e) = &c.error {
            st.reasons.push(e.clone());
        }
        return Ok(st);
    }
    st.uptime_seconds = c
        .started_at
        .map(|t| jiff::Timestamp::now().duration_since(t).as_secs());
    let (usage, scraped) = futures::join!(docker.stats_once(name), async {
        let mut text = String::new();
        let mut errors = Vec::new();
        for (port, path) in settings.urls() {
            match http_get(port, &path).await {
                Ok((200, body)) => {
                    text.push_str(&body);
                    text.push('\n');
                }
                Ok((code, _)) => errors.push(format!("{}: HTTP {code}", url(port, &path))),
                Err(e) => errors.push(format!("{}: {e}", url(port, &path))),
            }
        }
        (text, errors)
    });
    if let Ok(u) = usage {
        st.cpu_percent = u.cpu_percent;
        st.memory_bytes = u.memory_bytes;
        st.memory_limit_bytes = u.memory_limit_bytes;
    }
    let (text, errors) = scraped;
    if st.metrics_urls.is_empty() {
        st.reasons.push(
            "the agent has no Prometheus or internal metrics port, so whether it observes anything is unknown"
                .into(),
        );
    } else if text.is_empty() {
        st.reasons
            .push(format!("cannot read its metrics: {}", errors.join("; ")));
    } else {
        let o = observe(&text);
        if o.flow_series == 0 && o.app_series == 0 {
            st.reasons.push(format!(
                "runs but observes nothing: no obi_network_flow_bytes_total series and no application metrics (see b00t obi docker logs --name {name} --level warn)"
            ));
        }
        if let Some(e) = o.export_errors.filter(|e| *e > 0.0) {
            st.reasons.push(format!(
                "{e:.0} OTLP export errors ({:.0} exports)",
                o.exports.unwrap_or(0.0)
            ));
        }
        st.observed = Some(o);
    }
    st.health = if st.reasons.is_empty() {
        Health::Healthy
    } else {
        Health::Degraded
    };
    Ok(st)
}

// ---------------------------------------------------------------------------------------------
// logs, stop

/// Options of `obi docker logs`.
#[derive(Debug, Clone, Default)]
pub struct DockerLogs {
    pub level: Option<Level>,
    pub log: LogOptions,
}

/// Stream the agent's log lines that pass `--level` into `sink`.
pub async fn logs(
    docker: &Docker,
    name: &str,
    req: &DockerLogs,
    sink: &mut (dyn FnMut(LogEntry) + Send),
) -> Result<()> {
    docker.require(name, &deploy_hint()).await?;
    let min = req.level;
    let mut filter = |e: LogEntry| {
        if passes(&e.line, min) {
            sink(e)
        }
    };
    Ok(docker.logs(name, &req.log, &mut filter).await?)
}

/// What `obi docker stop` did.
#[derive(Debug, Clone, Serialize)]
pub struct StopReport {
    pub name: String,
    pub stopped: bool,
    pub removed: bool,
    /// The config file removed with it.
    pub config_file_removed: Option<String>,
}

/// Stop the agent; unless `keep`, remove the container and its config file.
pub async fn stop(
    docker: &Docker,
    name: &str,
    keep: bool,
    events: &dyn Events,
) -> Result<StopReport> {
    let c = docker.require(name, "").await?;
    if !c.managed_by_b00t() {
        return Err(Error::msg(
            Exit::Failed,
            format!("container {name} was not created by b00t; leaving it alone"),
        ));
    }
    let settings: Settings = c
        .labels
        .get(SETTINGS_LABEL)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    events.emit(Event::Started(format!("stopping {name}")));
    docker.stop(name, Duration::from_secs(10)).await?;
    events.emit(Event::Finished);
    let mut report = StopReport {
        name: name.to_string(),
        stopped: true,
        removed: false,
        config_file_removed: None,
    };
    if keep {
        return Ok(report);
    }
    docker.remove(name).await?;
    report.removed = true;
    if !settings.config_file.is_empty() {
        let file = PathBuf::from(&settings.config_file);
        if file.file_name().is_some_and(|f| f == CONFIG_FILE) && std::fs::remove_file(&file).is_ok()
        {
            report.config_file_removed = Some(settings.config_file.clone());
            if let Some(dir) = file.parent() {
                // Only when empty: the directory is b00t's, its contents may not all be.
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// compose

/// File names `compose` writes.
pub const COMPOSE_FILE: &str = "compose.yaml";
pub const COLLECTOR_CONFIG_FILE: &str = "otel-collector-config.yaml";
/// The collector image of `compose --with-collector`.
pub const COLLECTOR_IMAGE: &str = "otel/opentelemetry-collector:latest";
/// Where the agent sends OTLP when `--with-collector` and no `--otlp-endpoint`.
pub const COLLECTOR_ENDPOINT: &str = "http://127.0.0.1:4318";

/// Options of `obi docker compose`.
#[derive(Debug, Clone)]
pub struct DockerCompose {
    pub agent: Agent,
    pub with_collector: bool,
    /// Write the capability list older engines (before Docker 23) accept.
    pub legacy_capabilities: bool,
    pub out: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComposeReport {
    pub files: Vec<String>,
    pub services: Vec<String>,
    pub image: String,
    pub validation: Validation,
}

impl ComposeReport {
    /// An invalid config writes nothing (exit 2).
    pub fn result(&self) -> Result<()> {
        if self.validation.valid {
            Ok(())
        } else {
            Err(Error::msg(
                Exit::Usage,
                format!("{}; nothing was written", self.validation.summary()),
            ))
        }
    }
}

fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// The collector's config: OTLP in (gRPC and HTTP), the `debug` exporter out.
pub const COLLECTOR_CONFIG: &str = "\
# OpenTelemetry Collector config written by b00t: receives OTLP from the OBI agent
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318
processors:
  batch: {}
exporters:
  debug:
    verbosity: basic
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
";

/// The compose file's text (config at `./obi-config.yml`).
pub fn compose_text(agent: &Agent, image: &str, legacy: bool, with_collector: bool) -> String {
    let mut y = String::new();
    let mut line = |s: &str| {
        y.push_str(s);
        y.push('\n');
    };
    line("# Written by b00t obi docker compose: the OBI agent as b00t obi docker deploy runs it");
    line("services:");
    line("  obi:");
    line(&format!("    image: {}", q(image)));
    line(&format!("    container_name: {}", q(&agent.name)));
    line("    pid: host");
    line("    network_mode: host");
    line("    user: \"0\"");
    line("    read_only: true");
    line("    restart: unless-stopped");
    match agent.capabilities(!legacy) {
        None => line("    privileged: true"),
        Some(caps) => {
            line("    cap_drop: [ALL]");
            line(&format!("    cap_add: [{}]", caps.join(", ")));
        }
    }
    line("    tmpfs:");
    line(&format!("      - {RUN_DIR}"));
    line("    volumes:");
    line(&format!(
        "      - ./{CONFIG_FILE}:{}:ro",
        manifest::CONFIG_PATH
    ));
    line("      - /sys/fs/cgroup:/sys/fs/cgroup:ro");
    line("    environment:");
    for (k, v) in agent.env() {
        line(&format!("      {k}: {}", q(&v)));
    }
    if let Some(m) = agent.memory_bytes {
        line(&format!("    mem_limit: {m}"));
    }
    if let Some(c) = agent.cpus {
        line(&format!("    cpus: {c}"));
    }
    line("    labels:");
    line(&format!(
        "      {}: {}",
        labels::MANAGED_BY,
        labels::MANAGED_BY_VALUE
    ));
    line(&format!("      {}: {}", labels::INSTANCE, q(&agent.name)));
    line(&format!("      {}: obi", labels::COMPONENT));
    if with_collector {
        line("    depends_on:");
        line("      - otel-collector");
        line("  otel-collector:");
        line(&format!("    image: {}", q(COLLECTOR_IMAGE)));
        line("    command: [\"--config=/etc/otelcol/config.yaml\"]");
        line("    restart: unless-stopped");
        line("    ports:");
        line("      - \"127.0.0.1:4317:4317\"");
        line("      - \"127.0.0.1:4318:4318\"");
        line("    volumes:");
        line(&format!(
            "      - ./{COLLECTOR_CONFIG_FILE}:/etc/otelcol/config.yaml:ro"
        ));
        line("    labels:");
        line(&format!(
            "      {}: {}",
            labels::MANAGED_BY,
            labels::MANAGED_BY_VALUE
        ));
        line(&format!("      {}: otel-collector", labels::COMPONENT));
    }
    y
}

/// Write `compose.yaml`, `obi-config.yml` and, with a collector, its config into `req.out`.
/// An invalid config writes nothing (the report's validation says why).
pub fn compose(req: &DockerCompose) -> Result<ComposeReport> {
    let mut agent = req.agent.clone();
    if req.with_collector && agent.otlp_endpoint.is_none() {
        agent.otlp_endpoint = Some(COLLECTOR_ENDPOINT.into());
    }
    let image = agent.image()?;
    let tag = image_tag(&image);
    let validation = agent.validate(&tag);
    let mut report = ComposeReport {
        files: vec![],
        services: vec!["obi".into()],
        image: image.clone(),
        validation,
    };
    if req.with_collector {
        report.services.push("otel-collector".into());
    }
    if !report.validation.valid {
        return Ok(report);
    }
    let (_, config) = agent.config_text(&tag);
    let mut files = vec![
        (
            COMPOSE_FILE,
            compose_text(&agent, &image, req.legacy_capabilities, req.with_collector),
        ),
        (CONFIG_FILE, config),
    ];
    if req.with_collector {
        files.push((COLLECTOR_CONFIG_FILE, COLLECTOR_CONFIG.to_string()));
    }
    std::fs::create_dir_all(&req.out)
        .map_err(|e| Error::msg(Exit::Failed, format!("creating {}: {e}", req.out.display())))?;
    for (name, text) in files {
        let p = req.out.join(name);
        std::fs::write(&p, text)
            .map_err(|e| Error::msg(Exit::Failed, format!("writing {}: {e}", p.display())))?;
        report.files.push(p.display().to_string());
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::compose::{LoadOptions, load};

    fn agent() -> Agent {
        Agent {
            name: "obi".into(),
            host_id: Some("node-1".into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_default_config_is_valid_and_has_metrics_ports() {
        let v = agent().validate("main");
        assert!(v.valid, "{:#?}", v.diagnostics);
        let f = v.facts.unwrap();
        assert_eq!(f.prometheus_port, Some(9400));
        assert_eq!(f.internal_metrics_port, Some(9401));
    }

    #[test]
    fn env_sets_cluster_and_host_only_when_given_and_infers_the_otlp_protocol() {
        let mut a = Agent {
            name: "obi".into(),
            ..Default::default()
        };
        let env = a.env();
        assert!(!env.contains_key("OTEL_EBPF_HOST_ID"));
        assert!(!env.contains_key("OTEL_EBPF_KUBE_CLUSTER_NAME"));
        a.otlp_endpoint = Some("http://collector:4317".into());
        a.cluster_name = Some("lab".into());
        let env = a.env();
        assert_eq!(env["OTEL_EXPORTER_OTLP_PROTOCOL"], "grpc");
        assert_eq!(env["OTEL_EBPF_KUBE_CLUSTER_NAME"], "lab");
    }

    #[test]
    fn capabilities_follow_the_engine_and_privileged_has_none() {
        let a = agent();
        assert!(a.capabilities(true).unwrap().contains(&"BPF".to_string()));
        let legacy = a.capabilities(false).unwrap();
        assert!(
            !legacy
                .iter()
                .any(|c| c == "BPF" || c == "PERFMON" || c == "CHECKPOINT_RESTORE")
        );
        assert!(legacy.contains(&"SYS_ADMIN".to_string()));
        let p = Agent {
            privileged: true,
            ..agent()
        };
        assert_eq!(p.capabilities(true), None);
        let spec = p.spec(
            "img",
            "x",
            Path::new("/s/obi-config.yml"),
            &Settings::default(),
            true,
        );
        assert!(spec.privileged && spec.cap_drop.is_empty());
    }

    #[test]
    fn a_config_change_changes_the_hash() {
        let a = agent();
        let s = Settings::default();
        let f = Path::new("/s/obi-config.yml");
        let one = a.spec("img", "log_level: INFO\n", f, &s, false);
        let two = a.spec("img", "log_level: DEBUG\n", f, &s, false);
        assert_ne!(one.hash(), two.hash());
        assert_eq!(
            one.hash(),
            a.spec("img", "log_level: INFO\n", f, &s, false).hash()
        );
    }

    #[test]
    fn the_compose_file_loads_with_our_loader() {
        let dir = tempfile::tempdir().unwrap();
        let req = DockerCompose {
            agent: Agent {
                memory_bytes: Some(1 << 30),
                cpus: Some(1.5),
                ..agent()
            },
            with_collector: true,
            legacy_capabilities: false,
            out: dir.path().to_path_buf(),
        };
        let r = compose(&req).unwrap();
        assert_eq!(r.files.len(), 3, "{r:?}");
        let project = load(&LoadOptions {
            files: vec![dir.path().join(COMPOSE_FILE)],
            ..Default::default()
        })
        .unwrap();
        let obi = &project.services["obi"];
        assert_eq!(obi.pid.as_deref(), Some("host"));
        assert_eq!(obi.network_mode.as_deref(), Some("host"));
        assert!(obi.cap_add.contains(&"BPF".to_string()));
        assert!(project.services.contains_key("otel-collector"));
        let config = std::fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap();
        assert!(config.contains(COLLECTOR_ENDPOINT), "{config}");
    }
}
