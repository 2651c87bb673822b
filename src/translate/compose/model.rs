//! The typed compose model, normalised to the long syntax.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

pub use super::yaml::Pos;

/// A non-fatal finding of the loader (e.g. obsolete `version`).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub pos: Option<Pos>,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pos {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The keys present in a mapping, with the position of each key.
pub type Keys = BTreeMap<String, Pos>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    pub name: String,
    /// Project directory: relative host paths were resolved against it.
    pub working_dir: PathBuf,
    /// The compose files loaded, in order.
    pub files: Vec<PathBuf>,
    /// Active services (profiles applied).
    pub services: BTreeMap<String, Service>,
    /// Services left out because none of their profiles is active.
    pub disabled_services: BTreeMap<String, Service>,
    pub volumes: BTreeMap<String, VolumeDef>,
    pub networks: BTreeMap<String, NetworkDef>,
    pub configs: BTreeMap<String, FileObject>,
    pub secrets: BTreeMap<String, FileObject>,
    /// Top-level keys present (extensions excluded), for "key not mapped" warnings.
    pub keys: Keys,
    /// Top-level `x-*` extension keys.
    pub extensions: Keys,
    /// The environment used for interpolation (process environment over `.env`).
    pub environment: BTreeMap<String, String>,
    pub warnings: Vec<Warning>,
    /// Variables used without a default while unset (each use), so that a later error about
    /// an emptied value can name its cause.
    pub unset: Vec<super::interp::UnsetUse>,
}

/// `command` / `entrypoint` / healthcheck shell: a string (split later, shell-word-like) or an
/// exec list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Shell(String),
    Exec(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub name: String,
    /// Position of the service's name in the (last) file that defined it.
    pub pos: Pos,
    /// Every top-level key present (after merge/extends; `x-*` excluded), with its position.
    pub keys: Keys,
    /// `x-*` keys of the service.
    pub extensions: Keys,

    pub image: Option<String>,
    pub build: Option<Build>,
    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    /// Resolved environment: `env_file` values, then `environment` over them. `None` = the
    /// variable is declared without a value and is not set in the project environment.
    pub environment: BTreeMap<String, Option<String>>,
    pub env_file: Vec<EnvFile>,
    pub labels: BTreeMap<String, String>,
    /// Position of each label's key (for errors about `kompose.*` label values).
    pub label_keys: Keys,
    pub annotations: BTreeMap<String, String>,
    pub ports: Vec<Port>,
    pub expose: Vec<Expose>,
    pub volumes: Vec<Mount>,
    pub volumes_from: Vec<String>,
    pub tmpfs: Vec<String>,
    pub healthcheck: Option<Healthcheck>,
    pub depends_on: BTreeMap<String, Dependency>,
    pub deploy: Option<Deploy>,
    pub restart: Option<Restart>,
    pub configs: Vec<FileMount>,
    pub secrets: Vec<FileMount>,
    pub extra_hosts: Vec<ExtraHost>,
    pub dns: Vec<String>,
    pub dns_search: Vec<String>,
    pub dns_opt: Vec<String>,
    pub sysctls: BTreeMap<String, String>,
    pub ulimits: BTreeMap<String, Ulimit>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    pub privileged: bool,
    pub read_only: bool,
    pub user: Option<String>,
    pub group_add: Vec<String>,
    pub working_dir: Option<String>,
    pub stdin_open: bool,
    pub tty: bool,
    pub init: Option<bool>,
    pub hostname: Option<String>,
    pub domainname: Option<String>,
    pub mac_address: Option<String>,
    pub stop_grace_period: Option<Duration>,
    pub stop_signal: Option<String>,
    pub network_mode: Option<String>,
    /// Networks the service joins (list form normalised to entries with default options).
    pub networks: BTreeMap<String, ServiceNetwork>,
    pub links: Vec<String>,
    pub external_links: Vec<String>,
    pub pid: Option<String>,
    pub ipc: Option<String>,
    pub uts: Option<String>,
    pub userns_mode: Option<String>,
    pub cgroup: Option<String>,
    pub cgroup_parent: Option<String>,
    pub container_name: Option<String>,
    pub platform: Option<String>,
    pub pull_policy: Option<String>,
    pub runtime: Option<String>,
    pub isolation: Option<String>,
    pub scale: Option<u64>,
    pub profiles: Vec<String>,
    /// Bytes.
    pub shm_size: Option<u64>,
    /// Legacy resource keys (`mem_limit`, … in bytes, `cpus` in CPUs).
    pub mem_limit: Option<u64>,
    pub mem_reservation: Option<u64>,
    /// Bytes, `-1` = unlimited.
    pub memswap_limit: Option<i64>,
    pub mem_swappiness: Option<i64>,
    pub cpus: Option<f64>,
    pub cpu_shares: Option<i64>,
    pub cpu_quota: Option<i64>,
    pub cpu_period: Option<i64>,
    pub cpuset: Option<String>,
    pub pids_limit: Option<i64>,
    pub oom_score_adj: Option<i64>,
    pub oom_kill_disable: Option<bool>,
    pub devices: Vec<Device>,
    pub device_cgroup_rules: Vec<String>,
    pub logging: Option<Logging>,
    pub storage_opt: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Build {
    /// Build context: an absolute path, or a URL kept verbatim.
    pub context: Option<String>,
    pub dockerfile: Option<String>,
    pub dockerfile_inline: Option<String>,
    pub args: BTreeMap<String, Option<String>>,
    pub target: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub network: Option<String>,
    pub platforms: Vec<String>,
    pub tags: Vec<String>,
    pub cache_from: Vec<String>,
    pub keys: Keys,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    pub path: PathBuf,
    pub required: bool,
    /// `None` = compose's dotenv syntax; `Some("raw")` = lines taken literally.
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// Container port.
    pub target: u16,
    /// Host port or range (`"8080"`, `"9090-9091"`); `None` = not published / random.
    pub published: Option<String>,
    pub host_ip: Option<String>,
    /// `tcp` (default), `udp`, `sctp`.
    pub protocol: String,
    /// `ingress` (default) or `host`.
    pub mode: String,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expose {
    pub port: u16,
    pub protocol: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountType {
    Bind,
    Volume,
    Tmpfs,
    Npipe,
    Image,
    Cluster,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountType,
    /// Bind: absolute host path (or `~…`); volume: the volume name (`None` = anonymous).
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub consistency: Option<String>,
    pub bind: Option<BindOptions>,
    pub volume: Option<VolumeOptions>,
    pub tmpfs: Option<TmpfsOptions>,
    /// `image.subpath`.
    pub image_subpath: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BindOptions {
    pub propagation: Option<String>,
    pub create_host_path: bool,
    /// `z` or `Z`.
    pub selinux: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeOptions {
    pub nocopy: bool,
    pub subpath: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TmpfsOptions {
    /// Bytes.
    pub size: Option<u64>,
    pub mode: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthTest {
    /// `["NONE"]`: disables the image's healthcheck.
    None,
    /// `["CMD", argv…]`.
    Exec(Vec<String>),
    /// A string or `["CMD-SHELL", cmd]`: run with `/bin/sh -c`.
    Shell(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Healthcheck {
    pub test: Option<HealthTest>,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub retries: Option<u64>,
    pub start_period: Option<Duration>,
    pub start_interval: Option<Duration>,
    /// `disable: true` or `test: ["NONE"]`.
    pub disable: bool,
    pub pos: Pos,
    pub keys: Keys,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// `service_started` (default), `service_healthy`, `service_completed_successfully`.
    pub condition: String,
    pub restart: bool,
    pub required: bool,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restart {
    No,
    Always,
    UnlessStopped,
    OnFailure(Option<u64>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deploy {
    /// `replicated` (default) or `global` (also `replicated-job`, `global-job`).
    pub mode: Option<String>,
    pub replicas: Option<u64>,
    pub labels: BTreeMap<String, String>,
    pub resources: Resources,
    pub restart_policy: Option<RestartPolicy>,
    pub endpoint_mode: Option<String>,
    pub placement_constraints: Vec<String>,
    pub keys: Keys,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resources {
    pub limits: Option<ResourceSpec>,
    pub reservations: Option<ResourceSpec>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceSpec {
    pub cpus: Option<f64>,
    /// Bytes.
    pub memory: Option<u64>,
    pub pids: Option<i64>,
    pub keys: Keys,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RestartPolicy {
    /// `none`, `on-failure`, `any`.
    pub condition: Option<String>,
    pub delay: Option<Duration>,
    pub max_attempts: Option<u64>,
    pub window: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMount {
    pub source: String,
    /// Defaulted: `/run/secrets/<source>` for secrets, `/<source>` for configs.
    pub target: String,
    pub uid: Option<String>,
    pub gid: Option<String>,
    pub mode: Option<u32>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraHost {
    pub host: String,
    pub ip: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ulimit {
    pub soft: i64,
    pub hard: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceNetwork {
    pub aliases: Vec<String>,
    pub ipv4_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub priority: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub source: String,
    pub target: String,
    pub permissions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Logging {
    pub driver: Option<String>,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VolumeDef {
    pub name: Option<String>,
    pub driver: Option<String>,
    pub driver_opts: BTreeMap<String, String>,
    pub external: bool,
    pub labels: BTreeMap<String, String>,
    /// Position of each label's key.
    pub label_keys: Keys,
    pub pos: Pos,
    pub keys: Keys,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkDef {
    pub name: Option<String>,
    pub driver: Option<String>,
    pub driver_opts: BTreeMap<String, String>,
    pub external: bool,
    pub internal: bool,
    pub attachable: bool,
    pub enable_ipv6: Option<bool>,
    pub labels: BTreeMap<String, String>,
    pub pos: Pos,
    pub keys: Keys,
}

/// A top-level `configs:` or `secrets:` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileObject {
    pub name: Option<String>,
    /// Absolute path of `file:` (read later by the translator).
    pub file: Option<PathBuf>,
    pub content: Option<String>,
    /// Name of the environment variable holding the value.
    pub environment: Option<String>,
    pub external: bool,
    /// A secret `driver` (Swarm plugins); such a secret has no source here.
    pub driver: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub pos: Pos,
    pub keys: Keys,
}

/// Names of services referenced by a service (for consistency checks).
pub(crate) fn referenced_services(s: &Service) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = s.depends_on.keys().cloned().collect();
    for v in s
        .volumes_from
        .iter()
        .filter(|v| !v.starts_with("container:"))
    {
        out.insert(v.split(':').next().unwrap_or_default().to_string());
    }
    for field in [&s.network_mode, &s.ipc, &s.pid] {
        if let Some(name) = field.as_deref().and_then(|m| m.strip_prefix("service:")) {
            out.insert(name.to_string());
        }
    }
    out
}
