//! The Docker backend: a connection to an engine resolved like the docker CLI ([`host`]), its
//! version, and the container and image operations b00t's use cases need, through the Docker
//! API (bollard). Generic over what runs: callers describe a container with [`ContainerSpec`]
//! and label it with [`labels`]; nothing here knows OBI or MCP.
//!
//! Ops module: no clap, no printing.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::models::{
    ContainerCreateBody, ContainerStatsResponse, DeviceRequest, HostConfig, PortBinding,
    RestartPolicy, RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, StatsOptionsBuilder, StopContainerOptionsBuilder,
};
use futures::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use snafu::Snafu;

use crate::error::{Classify, Exit};

pub mod host;
pub mod mcp;
pub mod runtime;

pub use host::{DEFAULT_HOST, Host};

/// Labels b00t puts on what it creates (the same keys as on Kubernetes).
pub mod labels {
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    pub const MANAGED_BY_VALUE: &str = "b00t";
    pub const NAME: &str = "app.kubernetes.io/name";
    pub const INSTANCE: &str = "app.kubernetes.io/instance";
    pub const COMPONENT: &str = "app.kubernetes.io/component";
    /// SHA-256 of the desired container (see [`super::ContainerSpec::hash`]).
    pub const CONFIG_HASH: &str = "b00t.elastic.ventures/config-hash";
}

/// Errors of the Docker backend.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub))]
pub enum DockerError {
    /// No engine answers at the address.
    #[snafu(display(
        "cannot reach the Docker engine at {host} (from {from}); start one (dockerd, or systemctl start docker) or point DOCKER_HOST at one (e.g. DOCKER_HOST=unix:///run/user/1000/docker.sock)"
    ))]
    Unreachable {
        host: String,
        from: String,
        source: BollardError,
    },
    /// The address or the selected context is not usable.
    #[snafu(display("docker engine address: {message}"))]
    BadHost { message: String },
    #[snafu(display("{what} not found{hint}"))]
    NotFound { what: String, hint: String },
    /// An image is missing and pulling is not allowed.
    #[snafu(display(
        "image {image} is not present on the engine and --pull never forbids pulling it; load it (docker load) or use --pull missing"
    ))]
    ImageMissing { image: String },
    #[snafu(display("pulling {image}: {message}"))]
    Pull { image: String, message: String },
    /// A step b00t runs in a helper container failed.
    #[snafu(display("{message}"))]
    Failed { message: String },
    /// Any other API call that failed.
    #[snafu(display("{action}"))]
    Api {
        action: String,
        source: BollardError,
    },
}

impl Classify for DockerError {
    fn exit(&self) -> Exit {
        match self {
            DockerError::Unreachable { .. } => Exit::Unreachable,
            DockerError::BadHost { .. } => Exit::Usage,
            DockerError::NotFound { .. } | DockerError::ImageMissing { .. } => Exit::NotFound,
            DockerError::Pull { .. } | DockerError::Api { .. } | DockerError::Failed { .. } => {
                Exit::Failed
            }
        }
    }
}

pub type Result<T, E = DockerError> = std::result::Result<T, E>;

fn status_of(e: &BollardError) -> Option<u16> {
    match e {
        BollardError::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

/// Errors that mean "nobody answered", not "the engine said no".
fn is_connection(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::HyperLegacyError { .. }
            | BollardError::IOError { .. }
            | BollardError::SocketNotFoundError(_)
            | BollardError::RequestTimeoutError
    )
}

/// The engine's version.
#[derive(Debug, Clone, Serialize)]
pub struct EngineVersion {
    /// `20.10.24+dfsg1`.
    pub version: String,
    /// `1.41`.
    pub api_version: String,
    pub os: String,
    pub arch: String,
}

impl EngineVersion {
    /// Whether the engine's API is at least `major.minor`.
    pub fn api_at_least(&self, major: u32, minor: u32) -> bool {
        let mut it = self
            .api_version
            .split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0));
        let v = (it.next().unwrap_or(0), it.next().unwrap_or(0));
        v >= (major, minor)
    }
}

/// Refuse a workload asking for what the Docker runtime does not provide (GPUs other than
/// NVIDIA's), with what to do instead; exit 2, before anything is created or printed.
pub fn supports(w: &crate::workload::Workload) -> crate::error::Result<()> {
    if let Some(r) = w
        .containers
        .iter()
        .flat_map(|c| c.resources.extended.keys())
        .find(|r| r.as_str() != NVIDIA_GPU)
    {
        return Err(crate::error::Error::msg(
            Exit::Usage,
            format!(
                "{} asks for {r} (b00t.k8s.gpu); the Docker runtime passes only NVIDIA GPUs (device requests of the nvidia driver): deploy it with --runtime kubernetes",
                w.name
            ),
        ));
    }
    Ok(())
}

/// The NVIDIA device plugin's resource, which Docker maps to `--gpus`.
pub const NVIDIA_GPU: &str = "nvidia.com/gpu";

/// A connected engine.
#[derive(Clone)]
pub struct Docker {
    client: bollard::Docker,
    pub host: Host,
    pub version: EngineVersion,
}

/// How to find the engine.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// An explicit address; `None` resolves like the docker CLI.
    pub host: Option<String>,
    /// Per-request timeout (default 2 minutes).
    pub timeout: Option<Duration>,
}

/// Restart policy of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Restart {
    #[default]
    No,
    UnlessStopped,
    Always,
    OnFailure,
}

/// A bind mount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bind {
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

/// A published port: `host_ip:host_port` → `container_port/protocol`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    pub container_port: u16,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// `127.0.0.1` to publish on loopback only; empty for every interface.
    pub host_ip: String,
    /// `None`: the engine picks a free port.
    pub host_port: Option<u16>,
}

/// Everything b00t sets on a container it creates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    /// Replaces the image's ENTRYPOINT; `None` keeps it.
    pub entrypoint: Option<Vec<String>>,
    /// Replaces the image's CMD; `None` keeps it.
    pub cmd: Option<Vec<String>>,
    pub working_dir: Option<String>,
    /// Published ports (none with `network_host`).
    pub ports: Vec<Port>,
    pub env: BTreeMap<String, String>,
    /// Labels besides [`labels::CONFIG_HASH`], which [`Docker::create`] adds.
    pub labels: BTreeMap<String, String>,
    pub user: Option<String>,
    /// `--pid host`.
    pub pid_host: bool,
    /// `--network host`.
    pub network_host: bool,
    pub privileged: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    /// Read-only root file system.
    pub read_only: bool,
    /// Mount point → options (`rw,size=64m`).
    pub tmpfs: BTreeMap<String, String>,
    pub binds: Vec<Bind>,
    /// Named volumes among the binds' sources, created with the container's labels first (so
    /// `delete` finds them, and keeps them unless `--purge`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    /// NVIDIA GPUs (`--gpus N`): a device request for the `nvidia` driver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpus: Option<i64>,
    pub restart: Restart,
    pub memory_bytes: Option<i64>,
    /// CPUs in billionths (`--cpus 1.5` = 1_500_000_000).
    pub nano_cpus: Option<i64>,
    /// Keep stdin open (stdio servers).
    pub open_stdin: bool,
    /// A health check the engine runs inside the container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthCheck>,
    /// Anything the caller wants in the hash that is not part of the container (e.g. the
    /// contents of a mounted file).
    pub extra_hash_input: String,
}

/// `HEALTHCHECK CMD …`: a command run inside the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    /// The command (exec form).
    pub command: Vec<String>,
    pub interval: Duration,
    pub timeout: Duration,
    pub retries: i64,
    pub start_period: Duration,
}

impl Port {
    /// `8080/tcp`, the engine's key for a port.
    pub fn key(&self) -> String {
        format!(
            "{}/{}",
            self.container_port,
            if self.protocol.is_empty() {
                "tcp"
            } else {
                &self.protocol
            }
        )
    }
}

impl ContainerSpec {
    /// SHA-256 (hex) of everything in the spec: equal hashes mean nothing to change.
    pub fn hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("a spec serialises");
        Sha256::digest(&json)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The create request (with the hash label).
    pub fn to_create_body(&self) -> ContainerCreateBody {
        let mut labels: HashMap<String, String> = self.labels.clone().into_iter().collect();
        labels.insert(labels::CONFIG_HASH.into(), self.hash());
        let binds: Vec<String> = self
            .binds
            .iter()
            .map(|b| {
                format!(
                    "{}:{}:{}",
                    b.source,
                    b.target,
                    if b.read_only { "ro" } else { "rw" }
                )
            })
            .collect();
        let non_empty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        let host_config = HostConfig {
            pid_mode: self.pid_host.then(|| "host".to_string()),
            network_mode: self.network_host.then(|| "host".to_string()),
            privileged: Some(self.privileged),
            cap_add: non_empty(&self.cap_add),
            cap_drop: non_empty(&self.cap_drop),
            security_opt: non_empty(&self.security_opt),
            readonly_rootfs: Some(self.read_only),
            tmpfs: (!self.tmpfs.is_empty()).then(|| self.tmpfs.clone().into_iter().collect()),
            binds: non_empty(&binds),
            restart_policy: Some(RestartPolicy {
                name: Some(match self.restart {
                    Restart::No => RestartPolicyNameEnum::NO,
                    Restart::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
                    Restart::Always => RestartPolicyNameEnum::ALWAYS,
                    Restart::OnFailure => RestartPolicyNameEnum::ON_FAILURE,
                }),
                maximum_retry_count: None,
            }),
            memory: self.memory_bytes,
            nano_cpus: self.nano_cpus,
            device_requests: self.gpus.map(|n| {
                vec![DeviceRequest {
                    driver: Some("nvidia".into()),
                    count: Some(n),
                    capabilities: Some(vec![vec!["gpu".into()]]),
                    ..Default::default()
                }]
            }),
            port_bindings: (!self.ports.is_empty()).then(|| {
                let mut map: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
                for p in &self.ports {
                    map.entry(p.key())
                        .or_insert_with(|| Some(Vec::new()))
                        .get_or_insert_with(Vec::new)
                        .push(PortBinding {
                            host_ip: (!p.host_ip.is_empty()).then(|| p.host_ip.clone()),
                            host_port: p.host_port.map(|h| h.to_string()),
                        });
                }
                map
            }),
            ..Default::default()
        };
        let mut exposed: Vec<String> = self.ports.iter().map(Port::key).collect();
        exposed.sort();
        exposed.dedup();
        ContainerCreateBody {
            image: Some(self.image.clone()),
            entrypoint: self.entrypoint.clone(),
            cmd: self.cmd.clone(),
            working_dir: self.working_dir.clone(),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            env: Some(self.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
            labels: Some(labels),
            user: self.user.clone(),
            open_stdin: Some(self.open_stdin),
            healthcheck: self
                .healthcheck
                .as_ref()
                .map(|h| bollard::models::HealthConfig {
                    test: Some(
                        std::iter::once("CMD".to_string())
                            .chain(h.command.iter().cloned())
                            .collect(),
                    ),
                    interval: Some(h.interval.as_nanos() as i64),
                    timeout: Some(h.timeout.as_nanos() as i64),
                    retries: Some(h.retries),
                    start_period: Some(h.start_period.as_nanos() as i64),
                    ..Default::default()
                }),
            host_config: Some(host_config),
            ..Default::default()
        }
    }
}

/// What `inspect` says about a container.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerInfo {
    pub id: String,
    pub name: String,
    pub image: String,
    pub labels: BTreeMap<String, String>,
    /// `created`, `running`, `restarting`, `exited`, …
    pub status: String,
    pub running: bool,
    pub restarting: bool,
    pub exit_code: Option<i64>,
    /// The exit code of the run before this one, when the engine restarted the container and
    /// it runs again (the engine then reports `exit_code` 0, so it comes from its `die` event).
    pub last_exit: Option<i64>,
    pub restart_count: i64,
    pub started_at: Option<jiff::Timestamp>,
    pub finished_at: Option<jiff::Timestamp>,
    pub oom_killed: bool,
    /// The engine's error, e.g. why it could not start the process.
    pub error: Option<String>,
    /// `healthy`, `unhealthy` or `starting` when the container has a health check.
    pub health: Option<String>,
    /// When the container was created.
    pub created: Option<jiff::Timestamp>,
    /// Published ports as the engine bound them.
    pub ports: Vec<Port>,
}

impl ContainerInfo {
    /// The exit code of the latest finished run: the engine's while the container is stopped
    /// or restarting; once it runs again after a restart (the engine then says 0), the code
    /// of its last `die` event.
    pub fn last_exit_code(&self) -> Option<i64> {
        if self.running && !self.restarting {
            self.last_exit
        } else {
            self.exit_code
        }
    }

    pub fn managed_by_b00t(&self) -> bool {
        self.labels.get(labels::MANAGED_BY).map(String::as_str) == Some(labels::MANAGED_BY_VALUE)
    }
}

/// The bound ports of an inspect result (`8080/tcp` → bindings), sorted.
fn published(m: &HashMap<String, Option<Vec<PortBinding>>>) -> Vec<Port> {
    let mut out = Vec::new();
    for (key, bindings) in m {
        let (port, proto) = key.split_once('/').unwrap_or((key, "tcp"));
        let Ok(container_port) = port.parse::<u16>() else {
            continue;
        };
        for b in bindings.iter().flatten() {
            out.push(Port {
                container_port,
                protocol: proto.to_string(),
                host_ip: b.host_ip.clone().unwrap_or_default(),
                host_port: b.host_port.as_deref().and_then(|p| p.parse().ok()),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.container_port, &a.host_ip, a.host_port).cmp(&(
            b.container_port,
            &b.host_ip,
            b.host_port,
        ))
    });
    out
}

fn timestamp(s: Option<&str>) -> Option<jiff::Timestamp> {
    s.and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .filter(|t| t.as_second() > 0)
}

/// Options of [`Docker::logs`].
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    pub follow: bool,
    /// Unix seconds.
    pub since: Option<i64>,
    /// Lines from the end.
    pub tail: Option<u64>,
}

/// One log line.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// RFC 3339 with nanoseconds, as the engine gives it.
    pub time: String,
    /// `stdout` or `stderr`.
    pub stream: String,
    pub line: String,
}

/// One resource sample of a container.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Usage {
    /// Percent of one CPU (200 = two CPUs busy), as `docker stats` shows it.
    pub cpu_percent: Option<f64>,
    /// Working set: usage minus inactive file cache, as `docker stats` shows it.
    pub memory_bytes: Option<u64>,
    pub memory_limit_bytes: Option<u64>,
}

/// CPU percent and memory of a stats sample (docker CLI's formulas).
pub fn usage_of(s: &ContainerStatsResponse) -> Usage {
    let cpu = s.cpu_stats.as_ref();
    let pre = s.precpu_stats.as_ref();
    let total = |c: Option<&bollard::models::ContainerCpuStats>| {
        c.and_then(|c| c.cpu_usage.as_ref())
            .and_then(|u| u.total_usage)
    };
    let cpu_percent = match (
        total(cpu),
        total(pre),
        cpu.and_then(|c| c.system_cpu_usage),
        pre.and_then(|c| c.system_cpu_usage),
    ) {
        (Some(t), Some(pt), Some(sys), Some(psys)) if sys > psys && t >= pt => {
            let cpus = cpu
                .and_then(|c| c.online_cpus)
                .filter(|n| *n > 0)
                .map(f64::from)
                .unwrap_or(1.0);
            Some((t - pt) as f64 / (sys - psys) as f64 * cpus * 100.0)
        }
        _ => None,
    };
    let mem = s.memory_stats.as_ref();
    let memory_bytes = mem.and_then(|m| m.usage).map(|u| {
        let cache = mem
            .and_then(|m| m.stats.as_ref())
            .and_then(|st| {
                st.get("inactive_file")
                    .or_else(|| st.get("total_inactive_file"))
                    .copied()
            })
            .unwrap_or(0);
        u.saturating_sub(cache)
    });
    Usage {
        cpu_percent,
        memory_bytes,
        memory_limit_bytes: mem.and_then(|m| m.limit),
    }
}

/// When to pull an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PullPolicy {
    #[default]
    Missing,
    Always,
    Never,
}

impl Docker {
    /// Connect and ask the engine's version (negotiating the API version down to the engine's).
    pub async fn connect(opts: &ConnectOptions) -> Result<Docker> {
        let host = match &opts.host {
            Some(h) => Host {
                url: h.clone(),
                source: "--host".into(),
            },
            None => {
                let env = |k: &str| std::env::var(k).ok();
                host::resolve(&env, dirs::home_dir().as_deref())
                    .map_err(|message| DockerError::BadHost { message })?
            }
        };
        let client = bollard::Docker::connect_with_host(&host.url).map_err(|e| match e {
            // A unix socket that does not exist: nobody listens there.
            BollardError::SocketNotFoundError(_) => DockerError::Unreachable {
                host: host.url.clone(),
                from: host.source.clone(),
                source: e,
            },
            e => DockerError::BadHost {
                message: format!("{}: {e}", host.url),
            },
        })?;
        let client = client.with_timeout(opts.timeout.unwrap_or(Duration::from_secs(120)));
        let unreachable = |source| DockerError::Unreachable {
            host: host.url.clone(),
            from: host.source.clone(),
            source,
        };
        let client = client.negotiate_version().await.map_err(unreachable)?;
        let v = client.version().await.map_err(unreachable)?;
        let version = EngineVersion {
            version: v.version.unwrap_or_default(),
            api_version: v.api_version.unwrap_or_default(),
            os: v.os.unwrap_or_default(),
            arch: v.arch.unwrap_or_default(),
        };
        Ok(Docker {
            client,
            host,
            version,
        })
    }

    fn api(&self, action: impl Into<String>, e: BollardError) -> DockerError {
        if is_connection(&e) {
            DockerError::Unreachable {
                host: self.host.url.clone(),
                from: self.host.source.clone(),
                source: e,
            }
        } else {
            DockerError::Api {
                action: action.into(),
                source: e,
            }
        }
    }

    /// The container, or `None` when there is none of that name.
    pub async fn inspect(&self, name: &str) -> Result<Option<ContainerInfo>> {
        let c = match self.client.inspect_container(name, None).await {
            Ok(c) => c,
            Err(e) if status_of(&e) == Some(404) => return Ok(None),
            Err(e) => return Err(self.api(format!("inspecting container {name}"), e)),
        };
        let state = c.state.unwrap_or_default();
        let config = c.config.unwrap_or_default();
        let restart_count = c.restart_count.unwrap_or(0);
        let last_exit = match (&c.id, state.running) {
            (Some(id), Some(true)) if restart_count > 0 => {
                self.last_exit(id, c.created.as_deref()).await?
            }
            _ => None,
        };
        Ok(Some(ContainerInfo {
            id: c.id.unwrap_or_default(),
            name: c
                .name
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_string(),
            image: config.image.unwrap_or_default(),
            labels: config.labels.unwrap_or_default().into_iter().collect(),
            status: state.status.map(|s| s.to_string()).unwrap_or_default(),
            running: state.running.unwrap_or(false),
            restarting: state.restarting.unwrap_or(false),
            exit_code: state.exit_code,
            last_exit,
            restart_count,
            started_at: timestamp(state.started_at.as_deref()),
            finished_at: timestamp(state.finished_at.as_deref()),
            oom_killed: state.oom_killed.unwrap_or(false),
            error: state.error.filter(|e| !e.is_empty()),
            health: state
                .health
                .and_then(|h| h.status)
                .map(|s| s.to_string())
                .filter(|s| !s.is_empty() && s != "none"),
            created: timestamp(c.created.as_deref()),
            ports: c
                .network_settings
                .and_then(|n| n.ports)
                .map(|m| published(&m))
                .unwrap_or_default(),
        }))
    }

    /// The exit code of the container's latest `die` event since it was created.
    async fn last_exit(&self, id: &str, created: Option<&str>) -> Result<Option<i64>> {
        let since = timestamp(created)
            .map(|t| t.as_second())
            .unwrap_or_default()
            .to_string();
        let now = jiff::Timestamp::now();
        let until = format!("{}.{:09}", now.as_second(), now.subsec_nanosecond());
        let opts = bollard::query_parameters::EventsOptions {
            since: Some(since),
            until: Some(until),
            filters: Some(HashMap::from([
                ("container".to_string(), vec![id.to_string()]),
                ("event".to_string(), vec!["die".to_string()]),
            ])),
        };
        let mut events = self.client.events(Some(opts));
        let mut last = None;
        while let Some(e) = events.next().await {
            let e = e.map_err(|e| self.api(format!("reading the events of container {id}"), e))?;
            if let Some(code) = e
                .actor
                .and_then(|a| a.attributes)
                .and_then(|a| a.get("exitCode").and_then(|c| c.parse().ok()))
            {
                last = Some(code);
            }
        }
        Ok(last)
    }

    /// Like [`Docker::inspect`], with a not-found error naming the container.
    pub async fn require(&self, name: &str, hint: &str) -> Result<ContainerInfo> {
        self.inspect(name)
            .await?
            .ok_or_else(|| DockerError::NotFound {
                what: format!("container {name}"),
                hint: hint.to_string(),
            })
    }

    /// Create (not start) a container; its id.
    pub async fn create(&self, spec: &ContainerSpec) -> Result<String> {
        let opts = CreateContainerOptionsBuilder::default()
            .name(&spec.name)
            .build();
        let r = self
            .client
            .create_container(Some(opts), spec.to_create_body())
            .await
            .map_err(|e| self.api(format!("creating container {}", spec.name), e))?;
        Ok(r.id)
    }

    pub async fn start(&self, name: &str) -> Result<()> {
        self.client
            .start_container(name, None)
            .await
            .map_err(|e| self.api(format!("starting container {name}"), e))
    }

    /// Stop, waiting up to `grace` before the engine kills it. Stopping a stopped container is
    /// fine.
    pub async fn stop(&self, name: &str, grace: Duration) -> Result<()> {
        let opts = StopContainerOptionsBuilder::default()
            .t(grace.as_secs() as i32)
            .build();
        match self.client.stop_container(name, Some(opts)).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(304) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Err(DockerError::NotFound {
                what: format!("container {name}"),
                hint: String::new(),
            }),
            Err(e) => Err(self.api(format!("stopping container {name}"), e)),
        }
    }

    /// Remove (forcibly: a running container is killed). A missing container is fine.
    pub async fn remove(&self, name: &str) -> Result<()> {
        let opts = RemoveContainerOptionsBuilder::default()
            .force(true)
            .v(true)
            .build();
        match self.client.remove_container(name, Some(opts)).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Ok(()),
            Err(e) => Err(self.api(format!("removing container {name}"), e)),
        }
    }

    /// Create the named volume `name` with `labels` unless it exists (its data is kept). A new
    /// volume is given to `owner` (`uid:gid`), as `fsGroup` makes a claim writable on
    /// Kubernetes: a short-lived container of `image` runs `sh -c chown` on it as root with only
    /// CAP_CHOWN (an image without a shell cannot have storage on Docker). Returns whether the
    /// volume was created.
    pub async fn ensure_volume(
        &self,
        name: &str,
        labels: &BTreeMap<String, String>,
        image: &str,
        owner: Option<&str>,
    ) -> Result<bool> {
        match self.client.inspect_volume(name).await {
            Ok(_) => return Ok(false),
            Err(e) if status_of(&e) == Some(404) => {}
            Err(e) => return Err(self.api(format!("inspecting volume {name}"), e)),
        }
        let req = bollard::models::VolumeCreateRequest {
            name: Some(name.to_string()),
            labels: Some(labels.clone().into_iter().collect()),
            ..Default::default()
        };
        self.client
            .create_volume(req)
            .await
            .map_err(|e| self.api(format!("creating volume {name}"), e))?;
        let Some(owner) = owner else { return Ok(true) };
        let helper = format!("{name}-chown");
        let spec = ContainerSpec {
            name: helper.clone(),
            image: image.to_string(),
            entrypoint: Some(vec!["sh".into(), "-c".into()]),
            cmd: Some(vec!["chown \"$0\" /volume".into(), owner.to_string()]),
            user: Some("0".into()),
            cap_drop: vec!["ALL".into()],
            cap_add: vec!["CHOWN".into()],
            security_opt: vec!["no-new-privileges:true".into()],
            binds: vec![Bind {
                source: name.to_string(),
                target: "/volume".into(),
                read_only: false,
            }],
            ..Default::default()
        };
        self.remove(&helper).await?;
        let outcome = async {
            self.create(&spec).await.map_err(|e| e.to_string())?;
            self.start(&helper).await.map_err(|e| e.to_string())?;
            let mut waits = self.client.wait_container(&helper, None);
            match waits.next().await {
                Some(Ok(r)) if r.status_code == 0 => Ok(()),
                Some(Ok(r)) => Err(format!("exit code {}", r.status_code)),
                Some(Err(BollardError::DockerContainerWaitError { code, .. })) => {
                    Err(format!("exit code {code}"))
                }
                Some(Err(e)) => Err(e.to_string()),
                None => Err("no exit status".into()),
            }
        }
        .await
        .map_err(|why| DockerError::Failed {
            message: format!(
                "giving volume {name} to user {owner}: `sh -c chown` in {image} failed: {why}"
            ),
        });
        self.remove(&helper).await?;
        if outcome.is_err() {
            self.remove_volume(name).await?;
        }
        outcome.map(|()| true)
    }

    /// Names of the volumes with all of `labels`.
    pub async fn volumes(&self, labels: &BTreeMap<String, String>) -> Result<Vec<String>> {
        let filters: HashMap<String, Vec<String>> = HashMap::from([(
            "label".to_string(),
            labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        )]);
        let opts = bollard::query_parameters::ListVolumesOptionsBuilder::default()
            .filters(&filters)
            .build();
        let list = self
            .client
            .list_volumes(Some(opts))
            .await
            .map_err(|e| self.api("listing volumes".to_string(), e))?;
        let mut names: Vec<String> = list
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Remove a named volume (gone already is fine).
    pub async fn remove_volume(&self, name: &str) -> Result<()> {
        match self
            .client
            .remove_volume(name, None::<bollard::query_parameters::RemoveVolumeOptions>)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Ok(()),
            Err(e) => Err(self.api(format!("removing volume {name}"), e)),
        }
    }

    /// Containers with all of `labels` (running or not).
    pub async fn list(&self, labels: &BTreeMap<String, String>) -> Result<Vec<String>> {
        let filters: HashMap<String, Vec<String>> = HashMap::from([(
            "label".to_string(),
            labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        )]);
        let opts = bollard::query_parameters::ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&filters)
            .build();
        let list = self
            .client
            .list_containers(Some(opts))
            .await
            .map_err(|e| self.api("listing containers", e))?;
        Ok(list
            .into_iter()
            .filter_map(|c| c.names.and_then(|n| n.into_iter().next()))
            .map(|n| n.trim_start_matches('/').to_string())
            .collect())
    }

    /// Containers with all of `labels`, inspected (running or not), sorted by name.
    pub async fn list_info(&self, labels: &BTreeMap<String, String>) -> Result<Vec<ContainerInfo>> {
        let names = self.list(labels).await?;
        // Concurrently: one round trip per container would add up on a busy engine.
        let found = futures::future::try_join_all(names.iter().map(|n| self.inspect(n))).await?;
        // A container removed between list and inspect is simply gone.
        let mut out: Vec<ContainerInfo> = found.into_iter().flatten().collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Restart a container (stop with `grace`, then start).
    pub async fn restart(&self, name: &str, grace: Duration) -> Result<()> {
        let opts = bollard::query_parameters::RestartContainerOptionsBuilder::default()
            .t(grace.as_secs() as i32)
            .build();
        match self.client.restart_container(name, Some(opts)).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Err(DockerError::NotFound {
                what: format!("container {name}"),
                hint: String::new(),
            }),
            Err(e) => Err(self.api(format!("restarting container {name}"), e)),
        }
    }

    /// Stream a container's log lines into `sink` (stdout and stderr, with timestamps); ends
    /// when the container's log ends, or with `follow` when the container stops.
    pub async fn logs(
        &self,
        name: &str,
        opts: &LogOptions,
        sink: &mut (dyn FnMut(LogEntry) + Send),
    ) -> Result<()> {
        let mut b = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .timestamps(true)
            .follow(opts.follow);
        if let Some(s) = opts.since {
            b = b.since(s as i32);
        }
        b = b.tail(&opts.tail.map_or("all".to_string(), |t| t.to_string()));
        let mut stream = self.client.logs(name, Some(b.build()));
        let mut partial: HashMap<&'static str, String> = HashMap::new();
        while let Some(item) = stream.next().await {
            let item = match item {
                Ok(i) => i,
                Err(e) if status_of(&e) == Some(404) => {
                    return Err(DockerError::NotFound {
                        what: format!("container {name}"),
                        hint: String::new(),
                    });
                }
                Err(e) => return Err(self.api(format!("reading the logs of {name}"), e)),
            };
            let (stream_name, bytes) = match item {
                bollard::container::LogOutput::StdErr { message } => ("stderr", message),
                bollard::container::LogOutput::StdOut { message }
                | bollard::container::LogOutput::Console { message } => ("stdout", message),
                bollard::container::LogOutput::StdIn { .. } => continue,
            };
            let buf = partial.entry(stream_name).or_default();
            buf.push_str(&String::from_utf8_lossy(&bytes));
            while let Some(i) = buf.find('\n') {
                let raw: String = buf.drain(..=i).collect();
                sink(split_timestamp(
                    raw.trim_end_matches(['\n', '\r']),
                    stream_name,
                ));
            }
        }
        for (stream_name, rest) in partial {
            if !rest.is_empty() {
                sink(split_timestamp(&rest, stream_name));
            }
        }
        Ok(())
    }

    /// The last `n` log lines (both streams, in order).
    pub async fn last_lines(&self, name: &str, n: u64) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        let opts = LogOptions {
            tail: Some(n),
            ..Default::default()
        };
        let mut sink = |e: LogEntry| lines.push((e.time, e.line));
        self.logs(name, &opts, &mut sink).await?;
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(lines.into_iter().map(|(_, l)| l).collect())
    }

    /// One resource sample (the engine takes two readings about a second apart).
    pub async fn stats_once(&self, name: &str) -> Result<Usage> {
        let opts = StatsOptionsBuilder::default().stream(false).build();
        let mut s = self.client.stats(name, Some(opts));
        match s.next().await {
            Some(Ok(st)) => Ok(usage_of(&st)),
            Some(Err(e)) => Err(self.api(format!("reading the stats of {name}"), e)),
            None => Ok(Usage::default()),
        }
    }

    /// Whether the engine has the image.
    pub async fn image_present(&self, image: &str) -> Result<bool> {
        match self.client.inspect_image(image).await {
            Ok(_) => Ok(true),
            Err(e) if status_of(&e) == Some(404) => Ok(false),
            Err(e) => Err(self.api(format!("inspecting image {image}"), e)),
        }
    }

    /// Pull an image, reporting progress lines (`downloading 3/5 layers`) to `progress`.
    pub async fn pull(&self, image: &str, progress: &mut (dyn FnMut(String) + Send)) -> Result<()> {
        let opts = CreateImageOptionsBuilder::default()
            .from_image(image)
            .build();
        let mut stream = self.client.create_image(Some(opts), None, None);
        let mut layers: BTreeMap<String, String> = BTreeMap::new();
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| match e {
                BollardError::DockerResponseServerError { message, .. }
                | BollardError::DockerStreamError { error: message } => DockerError::Pull {
                    image: image.to_string(),
                    message,
                },
                e => self.api(format!("pulling {image}"), e),
            })?;
            if let Some(detail) = info.error_detail.and_then(|d| d.message) {
                return Err(DockerError::Pull {
                    image: image.to_string(),
                    message: detail,
                });
            }
            if let (Some(id), Some(status)) = (info.id, info.status) {
                layers.insert(id, status);
                let done = layers
                    .values()
                    .filter(|s| s.starts_with("Pull complete") || s.starts_with("Already exists"))
                    .count();
                progress(format!("pulling {image}: {done}/{} layers", layers.len()));
            }
        }
        Ok(())
    }

    /// Make sure the image is there according to `policy`; `true` when it was pulled.
    pub async fn ensure_image(
        &self,
        image: &str,
        policy: PullPolicy,
        progress: &mut (dyn FnMut(String) + Send),
    ) -> Result<bool> {
        let present = self.image_present(image).await?;
        match (policy, present) {
            (PullPolicy::Never, false) => Err(DockerError::ImageMissing {
                image: image.to_string(),
            }),
            (PullPolicy::Never, true) | (PullPolicy::Missing, true) => Ok(false),
            (PullPolicy::Always, _) | (PullPolicy::Missing, false) => {
                self.pull(image, progress).await?;
                Ok(true)
            }
        }
    }
}

fn split_timestamp(raw: &str, stream: &str) -> LogEntry {
    let (time, line) = match raw.split_once(' ') {
        Some((t, rest)) if t.parse::<jiff::Timestamp>().is_ok() => (t.to_string(), rest),
        _ => (String::new(), raw),
    };
    LogEntry {
        time,
        stream: stream.to_string(),
        line: line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_compare_numerically() {
        let v = |a: &str| EngineVersion {
            version: String::new(),
            api_version: a.into(),
            os: String::new(),
            arch: String::new(),
        };
        assert!(!v("1.41").api_at_least(1, 43));
        assert!(v("1.43").api_at_least(1, 43));
        assert!(v("1.100").api_at_least(1, 43));
        assert!(!v("").api_at_least(1, 0) || v("").api_at_least(0, 0));
    }

    #[test]
    fn the_hash_changes_with_any_setting_and_lands_in_a_label() {
        let a = ContainerSpec {
            name: "x".into(),
            image: "busybox".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        assert_eq!(a.hash(), b.hash());
        b.extra_hash_input = "config v2".into();
        assert_ne!(a.hash(), b.hash());
        let body = a.to_create_body();
        assert_eq!(
            body.labels.unwrap().get(labels::CONFIG_HASH),
            Some(&a.hash())
        );
    }

    #[test]
    fn the_create_body_carries_host_namespaces_caps_and_mounts() {
        let s = ContainerSpec {
            name: "obi".into(),
            image: "img".into(),
            pid_host: true,
            network_host: true,
            cap_add: vec!["BPF".into()],
            cap_drop: vec!["ALL".into()],
            read_only: true,
            tmpfs: BTreeMap::from([("/var/run/obi".into(), "rw".into())]),
            binds: vec![Bind {
                source: "/h/c.yml".into(),
                target: "/config/c.yml".into(),
                read_only: true,
            }],
            restart: Restart::UnlessStopped,
            memory_bytes: Some(1 << 30),
            nano_cpus: Some(500_000_000),
            ..Default::default()
        };
        let hc = s.to_create_body().host_config.unwrap();
        assert_eq!(hc.pid_mode.as_deref(), Some("host"));
        assert_eq!(hc.network_mode.as_deref(), Some("host"));
        assert_eq!(hc.cap_add, Some(vec!["BPF".to_string()]));
        assert_eq!(hc.readonly_rootfs, Some(true));
        assert_eq!(
            hc.binds,
            Some(vec!["/h/c.yml:/config/c.yml:ro".to_string()])
        );
        assert_eq!(
            hc.restart_policy.unwrap().name,
            Some(RestartPolicyNameEnum::UNLESS_STOPPED)
        );
        assert_eq!(hc.memory, Some(1 << 30));
        assert_eq!(hc.nano_cpus, Some(500_000_000));
    }

    #[test]
    fn published_ports_are_exposed_and_bound_to_the_given_address() {
        let s = ContainerSpec {
            name: "mcp".into(),
            image: "img".into(),
            ports: vec![Port {
                container_port: 8080,
                protocol: String::new(),
                host_ip: "127.0.0.1".into(),
                host_port: Some(18080),
            }],
            ..Default::default()
        };
        let body = s.to_create_body();
        assert_eq!(body.exposed_ports, Some(vec!["8080/tcp".to_string()]));
        let pb = body.host_config.unwrap().port_bindings.unwrap();
        let b = &pb["8080/tcp"].as_ref().unwrap()[0];
        assert_eq!(b.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(b.host_port.as_deref(), Some("18080"));
    }

    #[test]
    fn gpus_are_a_device_request_of_the_nvidia_driver() {
        let s = ContainerSpec {
            name: "mcp".into(),
            image: "img".into(),
            gpus: Some(2),
            ..Default::default()
        };
        let dr = s
            .to_create_body()
            .host_config
            .unwrap()
            .device_requests
            .unwrap();
        assert_eq!(dr.len(), 1);
        assert_eq!(dr[0].driver.as_deref(), Some("nvidia"));
        assert_eq!(dr[0].count, Some(2));
        assert_eq!(dr[0].capabilities, Some(vec![vec!["gpu".to_string()]]));
        let none = ContainerSpec::default()
            .to_create_body()
            .host_config
            .unwrap();
        assert_eq!(none.device_requests, None);
    }

    #[test]
    fn usage_follows_the_docker_cli_formulas() {
        let st: ContainerStatsResponse = serde_json::from_value(serde_json::json!({
            "cpu_stats": {"cpu_usage": {"total_usage": 3_000_000_000u64}, "system_cpu_usage": 20_000_000_000u64, "online_cpus": 2},
            "precpu_stats": {"cpu_usage": {"total_usage": 2_000_000_000u64}, "system_cpu_usage": 10_000_000_000u64},
            "memory_stats": {"usage": 100_000_000u64, "limit": 1_000_000_000u64, "stats": {"inactive_file": 20_000_000u64}}
        }))
        .unwrap();
        let u = usage_of(&st);
        assert!((u.cpu_percent.unwrap() - 20.0).abs() < 1e-9, "{u:?}");
        assert_eq!(u.memory_bytes, Some(80_000_000));
        assert_eq!(u.memory_limit_bytes, Some(1_000_000_000));
    }

    #[test]
    fn log_lines_lose_their_timestamp_prefix() {
        let e = split_timestamp("2026-12-06T21:00:00.123456789Z level=INFO msg=x", "stderr");
        assert_eq!(e.time, "2026-12-06T21:00:00.123456789Z");
        assert_eq!(e.line, "level=INFO msg=x");
        let e = split_timestamp("no stamp here", "stdout");
        assert_eq!(e.time, "");
        assert_eq!(e.line, "no stamp here");
    }
}
