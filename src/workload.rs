//! The one intermediate model. Every input (datum, Dockerfile, compose file, image) becomes a
//! [`Bundle`] of [`Workload`]s; every backend (Kubernetes renderer, Docker) consumes one.
//!
//! Kept free of Kubernetes and Docker types on purpose: it says what should run, not how a
//! particular backend spells it.

use std::collections::BTreeMap;

use serde::Serialize;

/// What kind of b00t-managed thing a workload is. Becomes the `app.kubernetes.io/component`
/// and `b00t.elastic.ventures/type` labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    #[default]
    McpServer,
    App,
    Obi,
}

impl Component {
    /// Value of `app.kubernetes.io/component` and `b00t.elastic.ventures/type`.
    pub fn label(self) -> &'static str {
        match self {
            Component::McpServer => "mcp-server",
            Component::App => "app",
            Component::Obi => "obi",
        }
    }

    /// The short name users pass to `--type`.
    pub fn short(self) -> &'static str {
        match self {
            Component::McpServer => "mcp",
            Component::App => "app",
            Component::Obi => "obi",
        }
    }
}

/// Which controller runs the pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Controller {
    #[default]
    Deployment,
    DaemonSet,
    /// A bare Pod (compose `restart: "no"` / `on-failure`).
    Pod,
    /// A StatefulSet (kompose.controller.type: statefulset): stable pod names `name-0…`,
    /// governed by the workload's (headless) Service, one claim per pod for
    /// [`Workload::claim_templates`].
    StatefulSet,
    /// A CronJob running the pod on [`Workload::cron`]'s schedule (kompose.cronjob.*).
    CronJob,
}

/// The type of a workload's Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum ServiceType {
    #[default]
    ClusterIp,
    NodePort,
    LoadBalancer,
    /// ClusterIP `None`, with the ports.
    Headless,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum RestartPolicy {
    #[default]
    Always,
    OnFailure,
    Never,
}

/// A set of workloads plus the objects they share (volumes claims, config data), and the
/// warnings produced while making them. A datum yields one workload; a compose file one per
/// service.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Bundle {
    pub workloads: Vec<Workload>,
    /// PersistentVolumeClaims shared by workloads (compose named volumes).
    pub claims: Vec<Claim>,
    /// ConfigMaps and Secrets holding files (compose `configs`/`secrets`).
    pub data: Vec<DataObject>,
    pub warnings: Vec<Warning>,
}

/// Something the input asked for that the output does not (fully) express.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Service name, or `line N` for a Dockerfile, or the datum name.
    pub subject: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Workload {
    /// Instance name: a DNS-1123 label, used for the controller and the Service.
    pub name: String,
    /// `app.kubernetes.io/name` (the server or application name; the instance name may carry a
    /// suffix such as `-mcp`).
    pub app: String,
    pub component: Component,
    pub controller: Controller,
    pub replicas: Option<i32>,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub volumes: Vec<Volume>,
    pub restart_policy: RestartPolicy,
    pub host_network: bool,
    pub host_pid: bool,
    pub host_ipc: bool,
    pub hostname: Option<String>,
    pub host_aliases: Vec<HostAlias>,
    pub dns: Option<DnsConfig>,
    /// Pod-level sysctls, sorted by name.
    pub sysctls: BTreeMap<String, String>,
    /// Annotations on the controller and the pod template.
    pub annotations: BTreeMap<String, String>,
    /// Extra labels (the b00t labels are added by the renderer).
    pub labels: BTreeMap<String, String>,
    pub termination_grace_period_seconds: Option<i64>,
    pub service_account: Option<String>,
    /// Mount a service-account token (off unless the workload needs the API).
    pub automount_service_account_token: bool,
    pub pod_security: PodSecurity,
    /// Node selector (`key=value`).
    pub node_selector: BTreeMap<String, String>,
    /// Required node affinity: every requirement must hold (one node selector term).
    pub node_affinity: Vec<NodeRequirement>,
    /// Pod `subdomain` (compose `domainname`).
    pub subdomain: Option<String>,
    /// Pod `runtimeClassName` (compose `runtime`).
    pub runtime_class_name: Option<String>,
    /// Give the pods a Service even when nothing is published: a headless one (`clusterIP:
    /// None`, no ports), so the workload's name resolves in cluster DNS as a compose service's
    /// name does on its network. Off for MCP servers (a stdio server has no clients to find it).
    pub reachable_by_name: bool,
    /// Type of the Service (when there is one).
    pub service_type: ServiceType,
    /// `nodePort` of the Service's only port (NodePort Services).
    pub node_port: Option<u16>,
    /// Secrets for pulling the images (`imagePullSecrets`).
    pub image_pull_secrets: Vec<String>,
    /// An Ingress to the workload's Service (kompose.service.expose).
    pub ingress: Option<Ingress>,
    /// The schedule of a [`Controller::CronJob`].
    pub cron: Option<CronSchedule>,
    /// A HorizontalPodAutoscaler (autoscaling/v2) for the Deployment or StatefulSet (datum
    /// `autoscale`, kompose.hpa.*); the controller's `replicas` is then left to it.
    pub autoscale: Option<Autoscale>,
    /// Claims made per pod by a [`Controller::StatefulSet`] (`volumeClaimTemplates`); the pod
    /// volumes of the same names come from them.
    pub claim_templates: Vec<Claim>,
    /// Where the workload came from (datum path, compose file), for the
    /// `b00t.elastic.ventures/source` annotation.
    pub source: Option<String>,
    /// Pod tolerations (the GPU device plugins' taints).
    pub tolerations: Vec<Toleration>,
    /// PersistentVolumeClaims owned by this workload alone: they carry its instance labels
    /// (unlike [`Bundle::claims`], shared by several workloads), so `delete --purge` finds them.
    pub claims: Vec<Claim>,
    /// A NetworkPolicy selecting exactly this workload's pods.
    pub network_policy: Option<NetworkPolicy>,
    /// A PodDisruptionBudget over this workload's pods.
    pub disruption_budget: Option<DisruptionBudget>,
}

/// HorizontalPodAutoscaler settings: replicas between `min` and `max`, aiming at the given
/// average utilisation of the pods' requests (at least one target is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Autoscale {
    pub min: i32,
    pub max: i32,
    /// Target average CPU utilisation, percent of the CPU request.
    pub cpu_percent: Option<u8>,
    /// Target average memory utilisation, percent of the memory request.
    pub memory_percent: Option<u8>,
}

/// A count of pods or a percentage of the desired pods (PodDisruptionBudget fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PodCount {
    Count(i32),
    Percent(u8),
}

/// PodDisruptionBudget: exactly one of the two is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DisruptionBudget {
    MinAvailable(PodCount),
    MaxUnavailable(PodCount),
}

/// A NetworkPolicy over the workload's pods. `None` for a direction leaves it unrestricted;
/// `Some(rules)` allows only what the rules allow (an empty list allows nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NetworkPolicy {
    pub ingress: Option<Vec<PolicyRule>>,
    pub egress: Option<Vec<PolicyRule>>,
}

/// One NetworkPolicy rule: traffic to or from any of `peers` (none: every peer) on any of
/// `ports` (none: every port).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PolicyRule {
    pub peers: Vec<PolicyPeer>,
    pub ports: Vec<(Protocol, u16)>,
}

/// A NetworkPolicy peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PolicyPeer {
    /// Pods with these labels (`pods`), in namespaces with these labels (`namespaces`); `None`
    /// for `pods` is every pod of the matched namespaces, `None` for `namespaces` is the
    /// policy's own namespace.
    Pods {
        pods: Option<BTreeMap<String, String>>,
        namespaces: Option<BTreeMap<String, String>>,
    },
    /// An IP block (`10.0.0.0/8`) minus `except`.
    Cidr { cidr: String, except: Vec<String> },
}

/// A pod toleration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Toleration {
    pub key: String,
    /// `Exists` or `Equal`.
    pub operator: &'static str,
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule`, `NoExecute`; `None` matches every effect.
    pub effect: Option<&'static str>,
}

impl Workload {
    /// Ports of all containers that should be reachable through a Service.
    pub fn service_ports(&self) -> impl Iterator<Item = (&Container, &Port)> {
        self.containers
            .iter()
            .flat_map(|c| c.ports.iter().map(move |p| (c, p)))
            .filter(|(_, p)| p.service_port.is_some())
    }
}

/// When and how a CronJob runs its pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CronSchedule {
    /// Five cron fields or a macro (`@hourly`).
    pub schedule: String,
    /// `Allow`, `Forbid` or `Replace`; `None` is the API server's default (`Allow`).
    pub concurrency_policy: Option<String>,
    /// Retries of a failed run; `None` is the API server's default (6).
    pub backoff_limit: Option<i32>,
}

/// One node label requirement: `key` has (`In`) or has not (`NotIn`) one of `values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRequirement {
    pub key: String,
    pub operator: &'static str,
    pub values: Vec<String>,
}

/// An Ingress routing outside traffic to the workload's Service, on `port`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ingress {
    /// `(host, path)` rules; no host matches every host.
    pub rules: Vec<(Option<String>, String)>,
    /// Service port the rules route to.
    pub port: u16,
    /// TLS Secret for the hosts.
    pub tls_secret: Option<String>,
    pub class_name: Option<String>,
}

/// Pod-level security settings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PodSecurity {
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
    /// Extra groups of the pod's processes (compose `group_add`).
    pub supplemental_groups: Vec<i64>,
    pub run_as_non_root: Option<bool>,
    /// Apply Pod Security "restricted" defaults (seccomp RuntimeDefault, drop ALL, no
    /// escalation, read-only root with a writable /tmp) where the workload does not ask for more.
    pub restricted: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Container {
    pub name: String,
    pub image: String,
    /// Kubernetes `command` (overrides the image ENTRYPOINT). `None` keeps the image's.
    pub command: Option<Vec<String>>,
    /// Kubernetes `args` (overrides the image CMD). `None` keeps the image's.
    pub args: Option<Vec<String>>,
    pub working_dir: Option<String>,
    pub env: Vec<EnvVar>,
    pub ports: Vec<Port>,
    pub stdin: bool,
    pub tty: bool,
    pub resources: Resources,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub security: ContainerSecurity,
    pub mounts: Vec<Mount>,
    /// `imagePullPolicy` (`Always`, `Never`, `IfNotPresent`); `None` is `IfNotPresent`.
    pub image_pull_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// Goes into a Secret and is referenced by `secretKeyRef`, never a plain value.
    pub secret: bool,
}

impl EnvVar {
    /// An env var whose secrecy is decided by its name and value (see [`looks_secret`]).
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let value = value.into();
        let secret = looks_secret(&name, &value);
        EnvVar {
            name,
            value,
            secret,
        }
    }
}

/// Whether an environment variable holds a credential; the one rule for datums, compose files
/// and Dockerfiles (documented in the README's translation reference). Case-insensitive:
///
/// - a name ending in `_FILE` is a path to a secret, never a secret itself;
/// - a value that is a switch (`yes`/`no`/`true`/`false`/`on`/`off`/`1`/`0`) is not a secret
///   (`ALLOW_EMPTY_PASSWORD=yes`);
/// - otherwise a name that is, or ends in `_` followed by, `KEY`, `TOKEN`, `SECRET`, `PAT`,
///   `PASS` or `CREDENTIALS`, or that contains `PASSWORD`, `PASSWD`, `API_KEY` or `CREDENTIAL`
///   anywhere, is a secret.
pub fn looks_secret(name: &str, value: &str) -> bool {
    const SUFFIXES: [&str; 6] = ["KEY", "TOKEN", "SECRET", "PAT", "PASS", "CREDENTIALS"];
    const WORDS: [&str; 4] = ["PASSWORD", "PASSWD", "API_KEY", "CREDENTIAL"];
    let n = name.to_ascii_uppercase();
    let switch = matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "yes" | "no" | "true" | "false" | "on" | "off" | "1" | "0"
    );
    if n.ends_with("_FILE") || switch {
        return false;
    }
    SUFFIXES
        .iter()
        .any(|s| n == *s || n.strip_suffix(s).is_some_and(|p| p.ends_with('_')))
        || WORDS.iter().any(|w| n.contains(w))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn as_k8s(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    pub container_port: u16,
    pub protocol: Protocol,
    /// IANA-style port name (≤ 15 chars), if any.
    pub name: Option<String>,
    /// Port on the Service; `None` means the container port is not published.
    pub service_port: Option<u16>,
}

/// Kubernetes quantities as strings (`100m`, `128Mi`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Resources {
    pub requests_cpu: Option<String>,
    pub requests_memory: Option<String>,
    pub limits_cpu: Option<String>,
    pub limits_memory: Option<String>,
    /// Extended resources (`nvidia.com/gpu`) → count; set as limits (Kubernetes takes the
    /// request from the limit for extended resources).
    #[serde(default)]
    pub extended: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ProbeAction {
    Exec(Vec<String>),
    Http { path: String, port: u16 },
    Tcp { port: u16 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    pub action: ProbeAction,
    pub period_seconds: Option<i32>,
    pub timeout_seconds: Option<i32>,
    pub failure_threshold: Option<i32>,
    pub initial_delay_seconds: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContainerSecurity {
    pub privileged: Option<bool>,
    pub read_only_root_filesystem: Option<bool>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub allow_privilege_escalation: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    pub volume: String,
    pub mount_path: String,
    pub read_only: bool,
    pub sub_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Volume {
    pub name: String,
    pub source: VolumeSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum VolumeSource {
    EmptyDir {
        memory: bool,
        size_limit: Option<String>,
    },
    Claim {
        claim: String,
        read_only: bool,
    },
    HostPath {
        path: String,
    },
    ConfigMap {
        name: String,
        items: Vec<KeyToPath>,
    },
    Secret {
        name: String,
        items: Vec<KeyToPath>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyToPath {
    pub key: String,
    pub path: String,
    pub mode: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub name: String,
    pub size: String,
    pub access_mode: AccessMode,
    /// `storageClassName`; `None` uses the cluster's default StorageClass.
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
    ReadWriteOncePod,
}

impl AccessMode {
    pub fn as_k8s(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteMany => "ReadWriteMany",
            AccessMode::ReadWriteOncePod => "ReadWriteOncePod",
        }
    }
}

/// A ConfigMap or Secret that holds file contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataObject {
    pub name: String,
    pub secret: bool,
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostAlias {
    pub ip: String,
    pub hostnames: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DnsConfig {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<(String, Option<String>)>,
}

/// Turn an arbitrary name into a DNS-1123 label: lower-case, `_`/`.`/other → `-`, trimmed,
/// at most 63 characters. Returns `None` when nothing usable is left.
pub fn dns_label(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        let c = ch.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(63).collect();
    let trimmed = trimmed.trim_end_matches('-').to_string();
    (!trimmed.is_empty()).then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_label_normalises() {
        assert_eq!(dns_label("My_Service.v2").as_deref(), Some("my-service-v2"));
        assert_eq!(dns_label("__x__").as_deref(), Some("x"));
        assert_eq!(dns_label("___"), None);
        assert_eq!(dns_label(&"a".repeat(80)).map(|s| s.len()), Some(63));
    }

    #[test]
    fn secret_names() {
        for (n, v) in [
            ("GITHUB_TOKEN", "x"),
            ("brave_api_key", "x"),
            ("DB_PASSWORD", "x"),
            ("PASSWORD_MIN_LENGTH", "12"),
            ("APP_SECRET", "x"),
            ("PASSWORD", "x"),
            ("MYSQL_PASS", "x"),
            ("FTP_PASSWD", "x"),
            ("AWS_CREDENTIALS", "x"),
            ("OPENAI_API_KEY", "x"),
            ("PASSWORD_HASH", "x"),
            ("API_KEY_PRIMARY", "x"),
        ] {
            assert!(looks_secret(n, v), "{n}={v}");
        }
        for (n, v) in [
            ("FILESYSTEM_ROOT", "x"),
            ("HOME", "x"),
            ("KEYBOARD", "x"),
            ("TOKENIZER_PATH", "x"),
            ("PORT", "x"),
            ("BYPASS", "x"),
            ("COMPASS", "x"),
            ("ALLOW_EMPTY_PASSWORD", "yes"),
            ("ALLOW_EMPTY_PASSWORD", "No"),
            ("DB_PASSWORD", "true"),
            ("API_TOKEN", "1"),
            ("REQUIRE_CREDENTIALS_CHECK", "false"),
            ("POSTGRES_PASSWORD_FILE", "/run/secrets/db"),
            ("API_KEY_FILE", "/k"),
        ] {
            assert!(!looks_secret(n, v), "{n}={v}");
        }
    }
}
