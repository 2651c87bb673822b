//! The OBI agent's Kubernetes objects (DESIGN.md §3, reference/obi.md): pure and deterministic,
//! so `--dry-run` prints exactly what is applied and applying twice changes nothing.
//!
//! Two modes:
//!
//! - **DaemonSet** ([`daemonset_objects`]): one agent per node in its own namespace
//!   (`observability` by default), with a ServiceAccount and a ClusterRole/ClusterRoleBinding
//!   for Kubernetes metadata. Apply the objects in the order returned.
//! - **Sidecar** ([`sidecar_patch`] + [`sidecar_objects`]): an `obi` container added to an
//!   existing Deployment, which gets `shareProcessNamespace: true` so the agent sees the
//!   application's processes; the application is selected by its open ports
//!   (`OTEL_EBPF_OPEN_PORT`).
//!
//! # Removing the sidecar
//!
//! The sidecar patch is a server-side-apply body meant to be applied with its own field manager,
//! [`SIDECAR_FIELD_MANAGER`] (`b00t-obi-sidecar`), never with `b00t`'s. Server-side apply records
//! which manager owns which field; when the same manager later applies a body that no longer
//! names a field it alone owned, the API server removes that field. So applying the *empty* body
//! ([`sidecar_removal_patch`]: only apiVersion, kind and name) with `b00t-obi-sidecar` removes
//! exactly what [`sidecar_patch`] added — the `obi` container, its volumes, the config-hash
//! annotation and `shareProcessNamespace` — and leaves everything the Deployment's own managers
//! (kubectl, Helm, `b00t`) set. A field another manager also set to the same value stays (it is
//! co-owned); the patch is applied with `force`, so a field another manager had set to a
//! *different* value is taken over and removed with the sidecar.
//!
//! The sidecar has no readiness probe on purpose: a failing agent must not take the application
//! out of its Service. Kubernetes metadata in sidecar mode needs the pod's ServiceAccount to be
//! allowed what the DaemonSet's ClusterRole allows; b00t does not grant it.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::render::{Object, labels};
use crate::workload::Resources;

/// The agent image when none is given.
pub const DEFAULT_IMAGE: &str = "otel/ebpf-instrument:main";
/// The namespace of a DaemonSet install when none is given.
pub const DEFAULT_NAMESPACE: &str = "observability";
/// Name of the DaemonSet, its ServiceAccount and its container.
pub const NAME: &str = "obi";
/// The agent's config ConfigMap (DaemonSet mode) and its one key.
pub const CONFIG_MAP: &str = "obi-config";
pub const CONFIG_KEY: &str = "obi-config.yml";
/// Where the config is mounted, and the file OBI is pointed at.
pub const CONFIG_DIR: &str = "/config";
pub const CONFIG_PATH: &str = "/config/obi-config.yml";
/// The Secret holding `OTEL_EXPORTER_OTLP_HEADERS` (DaemonSet mode).
pub const HEADERS_SECRET: &str = "obi-otlp-headers";
/// The field manager the sidecar is applied (and removed) with.
pub const SIDECAR_FIELD_MANAGER: &str = "b00t-obi-sidecar";
/// Capabilities the agent gets in capabilities mode, always (reference/obi.md).
pub const BASE_CAPABILITIES: [&str; 6] = [
    "BPF",
    "SYS_PTRACE",
    "NET_RAW",
    "CHECKPOINT_RESTORE",
    "DAC_READ_SEARCH",
    "PERFMON",
];

/// The config when none is given: network flows and application metrics on a Prometheus
/// endpoint (9400, `/metrics`), Kubernetes metadata on. OBI needs at least one feature or it
/// exits at start-up.
pub const DEFAULT_CONFIG: &str = "\
log_level: info
attributes:
  kubernetes:
    enable: true
prometheus_export:
  port: 9400
  path: /metrics
  features:
    - network
    - application
";

/// The Prometheus endpoint the agent serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prometheus {
    pub port: u16,
    /// Path of the metrics endpoint (OBI's default `/metrics`).
    pub path: String,
}

/// Where the agent sends OTLP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Otlp {
    /// Base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); OBI appends `/v1/metrics`, `/v1/traces` for HTTP.
    pub endpoint: String,
    /// `grpc`, `http/protobuf` or `http/json`; `None` infers it from the port
    /// ([`infer_protocol`]) and leaves it unset when the port says nothing.
    pub protocol: Option<String>,
    /// `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, often an API key): kept in a Secret, never in
    /// the pod spec.
    pub headers: Option<String>,
}

/// Everything that shapes the agent's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObiManifest {
    /// Namespace of the DaemonSet install. Default `observability`.
    pub namespace: String,
    /// Also apply the Namespace (labelled Pod Security `privileged`, which `hostPID` and the
    /// capabilities need). Default `true`: the default namespace is b00t's own. Set it to
    /// `false` to install into a namespace that exists and is not b00t's to relabel.
    pub create_namespace: bool,
    /// The agent image. Default [`DEFAULT_IMAGE`].
    pub image: String,
    /// The OBI config file, stored in the ConfigMap and mounted at [`CONFIG_PATH`]. Default
    /// [`DEFAULT_CONFIG`].
    pub config_yaml: String,
    /// Run the container `privileged` instead of with a list of capabilities. Default `false`
    /// (privileged fails on machines whose bounding set lacks CAP_SYS_RESOURCE).
    pub privileged: bool,
    /// Capabilities added to [`BASE_CAPABILITIES`] in capabilities mode, e.g. `SYS_ADMIN` (Go
    /// context propagation), `NET_ADMIN` (TC programs / context propagation), `SYS_RESOURCE`
    /// (kernels before 5.11). Default none.
    pub extra_capabilities: Vec<String>,
    /// Run in the node's network namespace (with `dnsPolicy: ClusterFirstWithHostNet`, without
    /// which exports fail silently). Default `false`.
    pub host_network: bool,
    /// Nodes to run on. Default: every node.
    pub node_selector: BTreeMap<String, String>,
    /// Tolerate every taint (`operator: Exists`) so control-plane and tainted nodes are covered
    /// too. Default `true`.
    pub tolerate_all_taints: bool,
    /// Requests and limits. Default requests `100m`/`256Mi`, limits `1`/`1Gi`: OBI publishes
    /// 75–120 MB and well under 1 % of a CPU in steady state; the memory request leaves room for
    /// the Kubernetes metadata cache, and the CPU limit is a whole core because loading the eBPF
    /// programs at start-up (verifier, BTF) takes far more than the steady state and a tight
    /// limit turns that into minutes of throttling.
    pub resources: Resources,
    /// Prometheus endpoint: a named container port `metrics`, a readiness probe on it and the
    /// `prometheus.io/*` pod annotations; set through `OTEL_EBPF_PROMETHEUS_PORT`/`_PATH` so it
    /// always matches the probe. Default port 9400, path `/metrics`; `None` leaves the config's
    /// own setting alone and adds no port or probe.
    pub prometheus: Option<Prometheus>,
    /// Port of OBI's internal metrics (`obi_*` health counters; path `/internal/metrics`),
    /// as a container port `internal` (port names are at most 15 characters). Default `None` (off).
    pub internal_metrics_port: Option<u16>,
    /// `OTEL_EBPF_KUBE_CLUSTER_NAME`. Empty leaves it unset, and OBI then asks cloud metadata
    /// services for it. Default empty.
    pub cluster_name: String,
    /// OTLP export. Default `None`.
    pub otlp: Option<Otlp>,
}

impl ObiManifest {
    /// [`Resources`] with the documented defaults.
    pub fn default_resources() -> Resources {
        Resources {
            requests_cpu: Some("100m".into()),
            requests_memory: Some("256Mi".into()),
            limits_cpu: Some("1".into()),
            limits_memory: Some("1Gi".into()),
            ..Default::default()
        }
    }

    /// The capabilities added in capabilities mode: the base set, then the extra ones not
    /// already there, upper-cased and without a `CAP_` prefix.
    pub fn capabilities(&self) -> Vec<String> {
        let mut caps: Vec<String> = BASE_CAPABILITIES.iter().map(|c| c.to_string()).collect();
        for c in &self.extra_capabilities {
            let c = c.trim().to_ascii_uppercase();
            let c = c.strip_prefix("CAP_").unwrap_or(&c).to_string();
            if !c.is_empty() && !caps.contains(&c) {
                caps.push(c);
            }
        }
        caps
    }

    fn headers(&self) -> Option<&str> {
        self.otlp
            .as_ref()
            .and_then(|o| o.headers.as_deref())
            .filter(|h| !h.is_empty())
    }
}

impl Default for ObiManifest {
    fn default() -> Self {
        ObiManifest {
            namespace: DEFAULT_NAMESPACE.into(),
            create_namespace: true,
            image: DEFAULT_IMAGE.into(),
            config_yaml: DEFAULT_CONFIG.into(),
            privileged: false,
            extra_capabilities: Vec::new(),
            host_network: false,
            node_selector: BTreeMap::new(),
            tolerate_all_taints: true,
            resources: ObiManifest::default_resources(),
            prometheus: Some(Prometheus {
                port: 9400,
                path: "/metrics".into(),
            }),
            internal_metrics_port: None,
            cluster_name: String::new(),
            otlp: None,
        }
    }
}

/// The OTLP protocol an endpoint's port implies: a port ending in `4317` is `grpc`, one ending
/// in `4318` is `http/protobuf` (OTLP's well-known ports); anything else, or no port, is `None`.
pub fn infer_protocol(endpoint: &str) -> Option<&'static str> {
    let rest = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Drop user info, then an IPv6 literal's brackets.
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let port = match host_port.rsplit_once(']') {
        Some((_, after)) => after.strip_prefix(':')?,
        None => host_port.rsplit_once(':')?.1,
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if port.ends_with("4317") {
        Some("grpc")
    } else if port.ends_with("4318") {
        Some("http/protobuf")
    } else {
        None
    }
}

/// SHA-256 (hex) of the config and the OTLP headers: the pod-template annotation that makes a
/// change of either roll the pods.
pub fn config_checksum(config_yaml: &str, otlp_headers: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(b"config\0");
    h.update(config_yaml.as_bytes());
    if let Some(headers) = otlp_headers {
        h.update(b"\0headers\0");
        h.update(headers.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn meta(name: &str, namespace: Option<&str>, labels: &BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: Some(labels.clone()),
        ..Default::default()
    }
}

/// Name of the ClusterRole and ClusterRoleBinding of the install in `namespace`: per namespace,
/// so two installs never share (or delete) each other's.
pub fn cluster_role_name(namespace: &str) -> String {
    format!("b00t-obi-{namespace}")
}

/// The objects of a DaemonSet install, in apply order: Namespace (when
/// [`ObiManifest::create_namespace`]), ServiceAccount, ClusterRole, ClusterRoleBinding,
/// ConfigMap, the OTLP headers Secret (when there are headers), DaemonSet.
pub fn daemonset_objects(m: &ObiManifest) -> Vec<Object> {
    let ns = m.namespace.as_str();
    let labels = labels::for_obi(NAME);
    let mut cluster_labels = labels.clone();
    cluster_labels.insert(labels::OWNER_NAMESPACE.into(), ns.to_string());
    let mut out = Vec::new();

    if m.create_namespace {
        let mut ns_labels = labels.clone();
        for mode in ["enforce", "audit", "warn"] {
            ns_labels.insert(
                format!("pod-security.kubernetes.io/{mode}"),
                "privileged".into(),
            );
        }
        out.push(Object::Namespace(core::Namespace {
            metadata: meta(ns, None, &ns_labels),
            ..Default::default()
        }));
    }
    out.push(Object::ServiceAccount(core::ServiceAccount {
        metadata: meta(NAME, Some(ns), &labels),
        ..Default::default()
    }));
    let role = cluster_role_name(ns);
    let rule = |groups: &[&str], resources: &[&str]| rbac::PolicyRule {
        api_groups: Some(groups.iter().map(|g| g.to_string()).collect()),
        resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        verbs: ["get", "list", "watch"].map(String::from).to_vec(),
        ..Default::default()
    };
    out.push(Object::ClusterRole(rbac::ClusterRole {
        metadata: meta(&role, None, &cluster_labels),
        rules: Some(vec![
            rule(&[""], &["pods", "services", "nodes"]),
            rule(&["apps"], &["replicasets"]),
        ]),
        ..Default::default()
    }));
    out.push(Object::ClusterRoleBinding(rbac::ClusterRoleBinding {
        metadata: meta(&role, None, &cluster_labels),
        role_ref: rbac::RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "ClusterRole".into(),
            name: role.clone(),
        },
        subjects: Some(vec![rbac::Subject {
            kind: "ServiceAccount".into(),
            name: NAME.into(),
            namespace: Some(ns.to_string()),
            ..Default::default()
        }]),
    }));
    out.push(config_map(CONFIG_MAP, ns, &labels, m));
    if let Some(h) = m.headers() {
        out.push(headers_secret(HEADERS_SECRET, ns, &labels, h));
    }

    let mut annotations = BTreeMap::from([(
        labels::CONFIG_HASH.to_string(),
        config_checksum(&m.config_yaml, m.headers()),
    )]);
    if let Some(p) = &m.prometheus {
        annotations.insert("prometheus.io/scrape".into(), "true".into());
        annotations.insert("prometheus.io/port".into(), p.port.to_string());
        annotations.insert("prometheus.io/path".into(), p.path.clone());
    }
    let mut env: Vec<core::EnvVar> = cluster_name_env(m).into_iter().collect();
    env.extend(common_env(m, HEADERS_SECRET));
    let mut container = agent_container(m, env, false);
    if let Some(p) = &m.prometheus {
        container.readiness_probe = Some(core::Probe {
            http_get: Some(core::HTTPGetAction {
                path: Some(p.path.clone()),
                port: IntOrString::String("metrics".into()),
                ..Default::default()
            }),
            initial_delay_seconds: Some(5),
            period_seconds: Some(10),
            timeout_seconds: Some(5),
            failure_threshold: Some(3),
            ..Default::default()
        });
    }
    container.volume_mounts = Some(vec![
        mount("config", CONFIG_DIR, true),
        mount("cgroup", "/sys/fs/cgroup", true),
        mount("var-run-obi", "/var/run/obi", false),
    ]);
    let volumes = vec![
        config_volume("config", CONFIG_MAP),
        core::Volume {
            name: "cgroup".into(),
            host_path: Some(core::HostPathVolumeSource {
                path: "/sys/fs/cgroup".into(),
                type_: Some("Directory".into()),
            }),
            ..Default::default()
        },
        run_volume("var-run-obi"),
    ];
    let pod_spec = core::PodSpec {
        service_account_name: Some(NAME.into()),
        automount_service_account_token: Some(true),
        host_pid: Some(true),
        host_network: m.host_network.then_some(true),
        dns_policy: m.host_network.then(|| "ClusterFirstWithHostNet".into()),
        node_selector: (!m.node_selector.is_empty()).then(|| m.node_selector.clone()),
        tolerations: m.tolerate_all_taints.then(|| {
            vec![core::Toleration {
                operator: Some("Exists".into()),
                ..Default::default()
            }]
        }),
        containers: vec![container],
        volumes: Some(volumes),
        ..Default::default()
    };
    let selector = BTreeMap::from([
        (labels::MANAGED_BY.to_string(), labels::B00T.to_string()),
        (labels::INSTANCE.to_string(), NAME.to_string()),
    ]);
    out.push(Object::DaemonSet(DaemonSet {
        metadata: meta(NAME, Some(ns), &labels),
        spec: Some(DaemonSetSpec {
            selector: LabelSelector {
                match_labels: Some(selector),
                ..Default::default()
            },
            template: core::PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels.clone()),
                    annotations: Some(annotations),
                    ..Default::default()
                }),
                spec: Some(pod_spec),
            },
            update_strategy: Some(DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_unavailable: Some(IntOrString::Int(1)),
                    max_surge: Some(IntOrString::Int(0)),
                }),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }));
    out
}

/// Names of a sidecar's objects in the target's namespace: `<deployment>-obi-config` and
/// `<deployment>-obi-otlp-headers`, so sidecars of several Deployments (and a DaemonSet install)
/// in one namespace never share a config.
pub fn sidecar_config_name(deployment: &str) -> String {
    format!("{deployment}-obi-config")
}

/// See [`sidecar_config_name`].
pub fn sidecar_headers_name(deployment: &str) -> String {
    format!("{deployment}-obi-otlp-headers")
}

/// What the sidecar needs next to the Deployment, in `namespace` (the target's): its ConfigMap,
/// and the OTLP headers Secret when there are headers. Apply these before [`sidecar_patch`].
/// Labelled instance `<deployment>-obi`, part of `<deployment>`.
pub fn sidecar_objects(deployment: &str, namespace: &str, m: &ObiManifest) -> Vec<Object> {
    let mut labels = labels::for_obi(&format!("{deployment}-obi"));
    labels.insert(labels::PART_OF.into(), deployment.to_string());
    let mut out = vec![config_map(
        &sidecar_config_name(deployment),
        namespace,
        &labels,
        m,
    )];
    if let Some(h) = m.headers() {
        out.push(headers_secret(
            &sidecar_headers_name(deployment),
            namespace,
            &labels,
            h,
        ));
    }
    out
}

/// The server-side-apply body that adds the `obi` sidecar to Deployment `deployment` in
/// `namespace`; apply it with [`SIDECAR_FIELD_MANAGER`] (see the module docs for removal).
///
/// It sets `shareProcessNamespace: true`, adds the `obi` container (uid 0 with `SYS_ADMIN` and
/// the capabilities of [`ObiManifest::capabilities`], or privileged; `OTEL_EBPF_OPEN_PORT` =
/// `open_ports`, e.g. `"8080"` or `"80,443,8000-8999"`), the config volume from
/// [`sidecar_objects`] and a writable `/var/run/obi`, and the pod-template annotation
/// [`labels::OBI_CONFIG_HASH`], so a config change rolls the pods.
/// `m.namespace`, `create_namespace`, `host_network`, `node_selector` and
/// `tolerate_all_taints` concern the DaemonSet only and are ignored here.
pub fn sidecar_patch(
    deployment: &str,
    namespace: &str,
    m: &ObiManifest,
    open_ports: &str,
) -> serde_json::Value {
    let mut env = vec![env_value("OTEL_EBPF_OPEN_PORT", open_ports)];
    env.extend(cluster_name_env(m));
    env.extend(common_env(m, &sidecar_headers_name(deployment)));
    let mut container = agent_container(m, env, true);
    if let Some(p) = container.ports.as_mut() {
        // Names are unique per pod: do not take the application's `metrics`.
        for port in p.iter_mut() {
            port.name = port.name.as_ref().map(|n| format!("obi-{n}"));
        }
    }
    container.volume_mounts = Some(vec![
        mount("b00t-obi-config", CONFIG_DIR, true),
        mount("b00t-obi-run", "/var/run/obi", false),
    ]);
    let volumes = vec![
        config_volume("b00t-obi-config", &sidecar_config_name(deployment)),
        run_volume("b00t-obi-run"),
    ];
    let hash = config_checksum(&m.config_yaml, m.headers());
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": deployment, "namespace": namespace},
        "spec": {"template": {
            "metadata": {"annotations": {labels::OBI_CONFIG_HASH: hash}},
            "spec": {
                "shareProcessNamespace": true,
                "containers": [serde_json::to_value(&container).expect("containers serialise")],
                "volumes": serde_json::to_value(&volumes).expect("volumes serialise"),
            }
        }}
    })
}

/// The body that, applied with [`SIDECAR_FIELD_MANAGER`], removes what [`sidecar_patch`] added.
pub fn sidecar_removal_patch(deployment: &str, namespace: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": deployment, "namespace": namespace},
    })
}

fn config_map(
    name: &str,
    namespace: &str,
    labels: &BTreeMap<String, String>,
    m: &ObiManifest,
) -> Object {
    Object::ConfigMap(core::ConfigMap {
        metadata: meta(name, Some(namespace), labels),
        data: Some(BTreeMap::from([(
            CONFIG_KEY.to_string(),
            m.config_yaml.clone(),
        )])),
        ..Default::default()
    })
}

fn headers_secret(
    name: &str,
    namespace: &str,
    labels: &BTreeMap<String, String>,
    headers: &str,
) -> Object {
    Object::Secret(core::Secret {
        metadata: meta(name, Some(namespace), labels),
        type_: Some("Opaque".into()),
        data: Some(BTreeMap::from([(
            "OTEL_EXPORTER_OTLP_HEADERS".to_string(),
            ByteString(headers.as_bytes().to_vec()),
        )])),
        ..Default::default()
    })
}

fn env_value(name: &str, value: &str) -> core::EnvVar {
    core::EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..Default::default()
    }
}

fn cluster_name_env(m: &ObiManifest) -> Option<core::EnvVar> {
    (!m.cluster_name.is_empty()).then(|| env_value("OTEL_EBPF_KUBE_CLUSTER_NAME", &m.cluster_name))
}

/// Env both modes share: config path, Prometheus and internal-metrics ports, OTLP.
fn common_env(m: &ObiManifest, headers_secret: &str) -> Vec<core::EnvVar> {
    let mut env = vec![env_value("OTEL_EBPF_CONFIG_PATH", CONFIG_PATH)];
    if let Some(p) = &m.prometheus {
        env.push(env_value("OTEL_EBPF_PROMETHEUS_PORT", &p.port.to_string()));
        env.push(env_value("OTEL_EBPF_PROMETHEUS_PATH", &p.path));
    }
    if let Some(port) = m.internal_metrics_port {
        env.push(env_value(
            "OTEL_EBPF_INTERNAL_METRICS_PROMETHEUS_PORT",
            &port.to_string(),
        ));
    }
    if let Some(o) = &m.otlp {
        env.push(env_value("OTEL_EXPORTER_OTLP_ENDPOINT", &o.endpoint));
        let protocol = o
            .protocol
            .as_deref()
            .filter(|p| !p.is_empty())
            .or_else(|| infer_protocol(&o.endpoint));
        if let Some(p) = protocol {
            env.push(env_value("OTEL_EXPORTER_OTLP_PROTOCOL", p));
        }
        if m.headers().is_some() {
            env.push(core::EnvVar {
                name: "OTEL_EXPORTER_OTLP_HEADERS".into(),
                value_from: Some(core::EnvVarSource {
                    secret_key_ref: Some(core::SecretKeySelector {
                        name: headers_secret.to_string(),
                        key: "OTEL_EXPORTER_OTLP_HEADERS".into(),
                        optional: None,
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
    }
    env
}

/// The `obi` container without mounts or probes. `sidecar` adds `SYS_ADMIN` (the agent must
/// reach into the application's processes) and overrides a pod-level `runAsNonRoot`.
fn agent_container(m: &ObiManifest, env: Vec<core::EnvVar>, sidecar: bool) -> core::Container {
    let security = if m.privileged {
        core::SecurityContext {
            privileged: Some(true),
            run_as_user: Some(0),
            run_as_non_root: sidecar.then_some(false),
            read_only_root_filesystem: Some(true),
            ..Default::default()
        }
    } else {
        let mut caps = m.capabilities();
        if sidecar && !caps.iter().any(|c| c == "SYS_ADMIN") {
            caps.insert(0, "SYS_ADMIN".into());
        }
        // The API server rejects allowPrivilegeEscalation: false next to SYS_ADMIN.
        let sys_admin = caps.iter().any(|c| c == "SYS_ADMIN");
        core::SecurityContext {
            run_as_user: Some(0),
            run_as_non_root: sidecar.then_some(false),
            read_only_root_filesystem: Some(true),
            allow_privilege_escalation: Some(sys_admin),
            capabilities: Some(core::Capabilities {
                add: Some(caps),
                drop: Some(vec!["ALL".into()]),
            }),
            ..Default::default()
        }
    };
    let mut ports = Vec::new();
    if let Some(p) = &m.prometheus {
        ports.push(core::ContainerPort {
            name: Some("metrics".into()),
            container_port: i32::from(p.port),
            protocol: Some("TCP".into()),
            ..Default::default()
        });
    }
    if let Some(port) = m.internal_metrics_port
        && m.prometheus.as_ref().is_none_or(|p| p.port != port)
    {
        ports.push(core::ContainerPort {
            name: Some("internal".into()),
            container_port: i32::from(port),
            protocol: Some("TCP".into()),
            ..Default::default()
        });
    }
    let r = &m.resources;
    let q = |pairs: [(&str, &Option<String>); 2]| {
        let map: BTreeMap<String, Quantity> = pairs
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), Quantity(v.clone()))))
            .collect();
        (!map.is_empty()).then_some(map)
    };
    let requests = q([("cpu", &r.requests_cpu), ("memory", &r.requests_memory)]);
    let limits = q([("cpu", &r.limits_cpu), ("memory", &r.limits_memory)]);
    core::Container {
        name: NAME.into(),
        image: Some(m.image.clone()),
        image_pull_policy: Some("IfNotPresent".into()),
        env: Some(env),
        ports: (!ports.is_empty()).then_some(ports),
        resources: (requests.is_some() || limits.is_some()).then(|| core::ResourceRequirements {
            requests,
            limits,
            ..Default::default()
        }),
        security_context: Some(security),
        ..Default::default()
    }
}

fn mount(name: &str, path: &str, read_only: bool) -> core::VolumeMount {
    core::VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: read_only.then_some(true),
        ..Default::default()
    }
}

fn config_volume(name: &str, config_map: &str) -> core::Volume {
    core::Volume {
        name: name.into(),
        config_map: Some(core::ConfigMapVolumeSource {
            name: config_map.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn run_volume(name: &str) -> core::Volume {
    core::Volume {
        name: name.into(),
        empty_dir: Some(core::EmptyDirVolumeSource::default()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;
    use serde::de::DeserializeOwned;

    fn daemonset(objs: &[Object]) -> &DaemonSet {
        objs.iter()
            .find_map(|o| match o {
                Object::DaemonSet(d) => Some(d),
                _ => None,
            })
            .expect("a daemonset")
    }

    fn pod_spec(d: &DaemonSet) -> &core::PodSpec {
        d.spec.as_ref().unwrap().template.spec.as_ref().unwrap()
    }

    fn template_annotations(d: &DaemonSet) -> BTreeMap<String, String> {
        d.spec
            .as_ref()
            .unwrap()
            .template
            .metadata
            .as_ref()
            .unwrap()
            .annotations
            .clone()
            .unwrap()
    }

    fn env_of(c: &core::Container) -> BTreeMap<String, core::EnvVar> {
        c.env
            .iter()
            .flatten()
            .map(|e| (e.name.clone(), e.clone()))
            .collect()
    }

    fn value<'a>(env: &'a BTreeMap<String, core::EnvVar>, name: &str) -> Option<&'a str> {
        env.get(name).and_then(|e| e.value.as_deref())
    }

    #[test]
    fn objects_come_in_apply_order_with_names_per_namespace() {
        let objs = daemonset_objects(&ObiManifest::default());
        let kinds: Vec<(&str, &str, Option<&str>)> = objs
            .iter()
            .map(|o| (o.kind(), o.name(), o.meta().namespace.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("Namespace", "observability", None),
                ("ServiceAccount", "obi", Some("observability")),
                ("ClusterRole", "b00t-obi-observability", None),
                ("ClusterRoleBinding", "b00t-obi-observability", None),
                ("ConfigMap", "obi-config", Some("observability")),
                ("DaemonSet", "obi", Some("observability")),
            ]
        );
        let other = daemonset_objects(&ObiManifest {
            namespace: "obi-b".into(),
            create_namespace: false,
            ..Default::default()
        });
        assert!(!other.iter().any(|o| o.kind() == "Namespace"));
        let Some(Object::ClusterRoleBinding(crb)) =
            other.iter().find(|o| o.kind() == "ClusterRoleBinding")
        else {
            panic!("binding")
        };
        assert_eq!(crb.metadata.name.as_deref(), Some("b00t-obi-obi-b"));
        assert_eq!(crb.role_ref.name, "b00t-obi-obi-b");
        let s = &crb.subjects.as_ref().unwrap()[0];
        assert_eq!(
            (s.kind.as_str(), s.name.as_str(), s.namespace.as_deref()),
            ("ServiceAccount", "obi", Some("obi-b"))
        );
        assert_eq!(
            crb.metadata.labels.as_ref().unwrap()[labels::OWNER_NAMESPACE],
            "obi-b"
        );
    }

    #[test]
    fn every_object_carries_the_b00t_labels() {
        let m = ObiManifest {
            otlp: Some(Otlp {
                endpoint: "http://collector:4318".into(),
                headers: Some("api-key=s3cr3t".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let objs = daemonset_objects(&m);
        assert_eq!(objs.len(), 7, "the headers Secret is included");
        for o in &objs {
            let l = o.meta().labels.as_ref().unwrap();
            assert_eq!(l[labels::MANAGED_BY], "b00t", "{}", o.kind());
            assert_eq!(l[labels::NAME], "obi");
            assert_eq!(l[labels::INSTANCE], "obi");
            assert_eq!(l[labels::COMPONENT], "obi");
            assert_eq!(l[labels::TYPE], "obi");
        }
        let Object::Namespace(ns) = &objs[0] else {
            panic!("namespace first")
        };
        assert_eq!(
            ns.metadata.labels.as_ref().unwrap()["pod-security.kubernetes.io/enforce"],
            "privileged"
        );
        let d = daemonset(&objs);
        let tpl = d.spec.as_ref().unwrap().template.metadata.as_ref().unwrap();
        let sel = d
            .spec
            .as_ref()
            .unwrap()
            .selector
            .match_labels
            .as_ref()
            .unwrap();
        assert!(
            sel.iter()
                .all(|(k, v)| tpl.labels.as_ref().unwrap().get(k) == Some(v))
        );
    }

    #[test]
    fn rbac_allows_reading_metadata_only() {
        let objs = daemonset_objects(&ObiManifest::default());
        let Some(Object::ClusterRole(role)) = objs.iter().find(|o| o.kind() == "ClusterRole")
        else {
            panic!("role")
        };
        let rules = role.rules.as_ref().unwrap();
        let core_rule = rules
            .iter()
            .find(|r| r.api_groups.as_deref() == Some(&["".to_string()][..]))
            .unwrap();
        assert_eq!(
            core_rule.resources.as_deref().unwrap(),
            ["pods", "services", "nodes"]
        );
        assert_eq!(core_rule.verbs, ["get", "list", "watch"]);
        let apps = rules
            .iter()
            .find(|r| r.api_groups.as_deref() == Some(&["apps".to_string()][..]))
            .unwrap();
        assert_eq!(apps.resources.as_deref().unwrap(), ["replicasets"]);
        assert_eq!(apps.verbs, ["get", "list", "watch"]);
    }

    #[test]
    fn capabilities_mode_by_default() {
        let m = ObiManifest {
            extra_capabilities: vec!["net_admin".into(), "CAP_BPF".into()],
            ..Default::default()
        };
        let objs = daemonset_objects(&m);
        let spec = pod_spec(daemonset(&objs));
        assert_eq!(spec.host_pid, Some(true));
        assert_eq!(spec.service_account_name.as_deref(), Some("obi"));
        assert_eq!(spec.automount_service_account_token, Some(true));
        let sc = spec.containers[0].security_context.as_ref().unwrap();
        assert_eq!(sc.privileged, None);
        assert_eq!(sc.run_as_user, Some(0));
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        let caps = sc.capabilities.as_ref().unwrap();
        assert_eq!(caps.drop.as_deref(), Some(&["ALL".to_string()][..]));
        assert_eq!(
            caps.add.as_deref().unwrap(),
            [
                "BPF",
                "SYS_PTRACE",
                "NET_RAW",
                "CHECKPOINT_RESTORE",
                "DAC_READ_SEARCH",
                "PERFMON",
                "NET_ADMIN"
            ],
            "extras are normalised and not repeated"
        );
        // SYS_ADMIN cannot go with allowPrivilegeEscalation: false (the API server rejects it).
        let m = ObiManifest {
            extra_capabilities: vec!["SYS_ADMIN".into()],
            ..Default::default()
        };
        let objs = daemonset_objects(&m);
        let sc = pod_spec(daemonset(&objs)).containers[0]
            .security_context
            .clone()
            .unwrap();
        assert_eq!(sc.allow_privilege_escalation, Some(true));
        assert!(
            sc.capabilities
                .unwrap()
                .add
                .unwrap()
                .contains(&"SYS_ADMIN".into())
        );
    }

    #[test]
    fn privileged_on_request() {
        let objs = daemonset_objects(&ObiManifest {
            privileged: true,
            ..Default::default()
        });
        let sc = pod_spec(daemonset(&objs)).containers[0]
            .security_context
            .clone()
            .unwrap();
        assert_eq!(sc.privileged, Some(true));
        assert_eq!(sc.run_as_user, Some(0));
        assert_eq!(sc.capabilities, None);
        assert_eq!(sc.allow_privilege_escalation, None);
    }

    #[test]
    fn volumes_env_and_probe() {
        let m = ObiManifest {
            cluster_name: "prod-eu".into(),
            otlp: Some(Otlp {
                endpoint: "http://collector.obs:4317".into(),
                protocol: None,
                headers: Some("api-key=s3cr3t".into()),
            }),
            ..Default::default()
        };
        let objs = daemonset_objects(&m);
        let spec = pod_spec(daemonset(&objs));
        let vols: BTreeMap<&str, &core::Volume> = spec
            .volumes
            .iter()
            .flatten()
            .map(|v| (v.name.as_str(), v))
            .collect();
        assert_eq!(
            vols["config"].config_map.as_ref().unwrap().name,
            "obi-config"
        );
        assert_eq!(
            vols["cgroup"].host_path.as_ref().unwrap().path,
            "/sys/fs/cgroup"
        );
        assert!(vols["var-run-obi"].empty_dir.is_some());
        let c = &spec.containers[0];
        assert_eq!(c.image.as_deref(), Some(DEFAULT_IMAGE));
        let mounts: BTreeMap<&str, &core::VolumeMount> = c
            .volume_mounts
            .iter()
            .flatten()
            .map(|v| (v.mount_path.as_str(), v))
            .collect();
        assert_eq!(mounts["/config"].name, "config");
        assert_eq!(mounts["/sys/fs/cgroup"].read_only, Some(true));
        assert_eq!(mounts["/var/run/obi"].read_only, None);
        let env = env_of(c);
        assert_eq!(
            value(&env, "OTEL_EBPF_CONFIG_PATH"),
            Some("/config/obi-config.yml")
        );
        assert_eq!(value(&env, "OTEL_EBPF_KUBE_CLUSTER_NAME"), Some("prod-eu"));
        assert_eq!(
            value(&env, "OTEL_EXPORTER_OTLP_ENDPOINT"),
            Some("http://collector.obs:4317")
        );
        assert_eq!(value(&env, "OTEL_EXPORTER_OTLP_PROTOCOL"), Some("grpc"));
        assert_eq!(value(&env, "OTEL_EBPF_PROMETHEUS_PORT"), Some("9400"));
        let headers = &env["OTEL_EXPORTER_OTLP_HEADERS"];
        assert_eq!(headers.value, None, "headers never as a plain value");
        let r = headers
            .value_from
            .as_ref()
            .unwrap()
            .secret_key_ref
            .as_ref()
            .unwrap();
        assert_eq!(r.name, HEADERS_SECRET);
        let Some(Object::Secret(s)) = objs.iter().find(|o| o.kind() == "Secret") else {
            panic!("secret")
        };
        assert_eq!(s.data.as_ref().unwrap()[&r.key].0, b"api-key=s3cr3t");
        assert!(
            !serde_json::to_string(&objs[objs.len() - 1])
                .unwrap()
                .contains("s3cr3t")
        );

        let port = &c.ports.as_ref().unwrap()[0];
        assert_eq!(
            (port.name.as_deref(), port.container_port),
            (Some("metrics"), 9400)
        );
        let get = c
            .readiness_probe
            .as_ref()
            .unwrap()
            .http_get
            .as_ref()
            .unwrap();
        assert_eq!(get.port, IntOrString::String("metrics".into()));
        assert_eq!(get.path.as_deref(), Some("/metrics"));
        let ann = template_annotations(daemonset(&objs));
        assert_eq!(ann["prometheus.io/port"], "9400");

        let Some(Object::ConfigMap(cm)) = objs.iter().find(|o| o.kind() == "ConfigMap") else {
            panic!("configmap")
        };
        assert_eq!(cm.data.as_ref().unwrap()["obi-config.yml"], DEFAULT_CONFIG);
    }

    #[test]
    fn without_prometheus_there_is_no_port_or_probe_and_no_cluster_name_env() {
        let objs = daemonset_objects(&ObiManifest {
            prometheus: None,
            ..Default::default()
        });
        let c = &pod_spec(daemonset(&objs)).containers[0];
        assert_eq!(c.ports, None);
        assert_eq!(c.readiness_probe, None);
        let env = env_of(c);
        assert!(!env.contains_key("OTEL_EBPF_PROMETHEUS_PORT"));
        assert!(!env.contains_key("OTEL_EBPF_KUBE_CLUSTER_NAME"));
        assert!(!env.contains_key("OTEL_EXPORTER_OTLP_ENDPOINT"));
        assert!(!template_annotations(daemonset(&objs)).contains_key("prometheus.io/scrape"));
    }

    #[test]
    fn host_network_tolerations_node_selector_resources_and_strategy() {
        let m = ObiManifest {
            host_network: true,
            tolerate_all_taints: false,
            node_selector: BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]),
            internal_metrics_port: Some(9401),
            ..Default::default()
        };
        let objs = daemonset_objects(&m);
        let d = daemonset(&objs);
        let spec = pod_spec(d);
        assert_eq!(spec.host_network, Some(true));
        assert_eq!(spec.dns_policy.as_deref(), Some("ClusterFirstWithHostNet"));
        assert_eq!(spec.tolerations, None);
        assert_eq!(
            spec.node_selector.as_ref().unwrap()["kubernetes.io/os"],
            "linux"
        );
        let c = &spec.containers[0];
        let names: Vec<_> = c
            .ports
            .iter()
            .flatten()
            .map(|p| p.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["metrics", "internal"]);
        assert!(
            names.iter().all(|n| n.len() <= 15),
            "IANA_SVC_NAME: at most 15 characters"
        );
        assert_eq!(
            value(&env_of(c), "OTEL_EBPF_INTERNAL_METRICS_PROMETHEUS_PORT"),
            Some("9401")
        );
        let res = c.resources.as_ref().unwrap();
        assert_eq!(
            res.requests.as_ref().unwrap()["memory"],
            Quantity("256Mi".into())
        );
        assert_eq!(res.limits.as_ref().unwrap()["cpu"], Quantity("1".into()));
        let st = d.spec.as_ref().unwrap().update_strategy.as_ref().unwrap();
        assert_eq!(st.type_.as_deref(), Some("RollingUpdate"));

        let defaults = daemonset_objects(&ObiManifest::default());
        let spec = pod_spec(daemonset(&defaults));
        assert_eq!(spec.host_network, None);
        assert_eq!(spec.dns_policy, None);
        let t = &spec.tolerations.as_ref().unwrap()[0];
        assert_eq!(
            (t.operator.as_deref(), t.key.as_deref(), t.effect.as_deref()),
            (Some("Exists"), None, None)
        );
    }

    #[test]
    fn checksum_changes_with_config_and_headers() {
        let base = ObiManifest::default();
        let hash = |m: &ObiManifest| {
            template_annotations(daemonset(&daemonset_objects(m)))[labels::CONFIG_HASH].clone()
        };
        let h0 = hash(&base);
        assert_eq!(h0, config_checksum(DEFAULT_CONFIG, None));
        assert_eq!(h0.len(), 64);
        assert_eq!(h0, hash(&base), "deterministic");
        let changed = ObiManifest {
            config_yaml: format!("{DEFAULT_CONFIG}log_format: json\n"),
            ..Default::default()
        };
        assert_ne!(h0, hash(&changed));
        let with_headers = |h: &str| ObiManifest {
            otlp: Some(Otlp {
                endpoint: "http://c:4318".into(),
                headers: Some(h.into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_ne!(hash(&with_headers("k=1")), hash(&with_headers("k=2")));
        assert_ne!(h0, hash(&with_headers("k=1")));
        // Config and headers do not run into each other.
        assert_ne!(
            config_checksum("ab", Some("c")),
            config_checksum("a", Some("bc"))
        );
    }

    #[test]
    fn protocol_is_inferred_from_the_port() {
        assert_eq!(infer_protocol("http://collector:4317"), Some("grpc"));
        assert_eq!(infer_protocol("collector.obs.svc:4317"), Some("grpc"));
        assert_eq!(
            infer_protocol("https://otlp.example.com:4318/"),
            Some("http/protobuf")
        );
        assert_eq!(
            infer_protocol("http://[::1]:4318/v1"),
            Some("http/protobuf")
        );
        assert_eq!(infer_protocol("http://user:pw@host:14317"), Some("grpc"));
        assert_eq!(infer_protocol("https://otlp.example.com"), None);
        assert_eq!(infer_protocol("http://[::1]/x"), None);
        assert_eq!(infer_protocol("http://host:9090"), None);
        assert_eq!(infer_protocol("http://host:4317x"), None);
        // An explicit protocol wins over the port.
        let objs = daemonset_objects(&ObiManifest {
            otlp: Some(Otlp {
                endpoint: "http://c:4317".into(),
                protocol: Some("http/json".into()),
                headers: None,
            }),
            ..Default::default()
        });
        let env = env_of(&pod_spec(daemonset(&objs)).containers[0]);
        assert_eq!(
            value(&env, "OTEL_EXPORTER_OTLP_PROTOCOL"),
            Some("http/json")
        );
        assert!(!env.contains_key("OTEL_EXPORTER_OTLP_HEADERS"));
        // Unknown port, no protocol: left to OBI's default.
        let objs = daemonset_objects(&ObiManifest {
            otlp: Some(Otlp {
                endpoint: "http://c:9999".into(),
                ..Default::default()
            }),
            ..Default::default()
        });
        let env = env_of(&pod_spec(daemonset(&objs)).containers[0]);
        assert!(!env.contains_key("OTEL_EXPORTER_OTLP_PROTOCOL"));
    }

    fn round_trip<K>(o: &Object, typed: &K)
    where
        K: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
    {
        let v = serde_json::to_value(o).unwrap();
        assert!(v["apiVersion"].is_string() && v["kind"] == o.kind(), "{v}");
        let back: K = serde_json::from_value(v.clone())
            .unwrap_or_else(|e| panic!("{} does not deserialise: {e}", o.kind()));
        assert_eq!(&back, typed);
        let yaml = crate::output::to_yaml(o);
        let from_yaml: K = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(&from_yaml, typed);
    }

    fn round_trip_all(objs: &[Object]) {
        for o in objs {
            match o {
                Object::Namespace(t) => round_trip(o, t),
                Object::ServiceAccount(t) => round_trip(o, t),
                Object::ClusterRole(t) => round_trip(o, t),
                Object::ClusterRoleBinding(t) => round_trip(o, t),
                Object::Secret(t) => round_trip(o, t),
                Object::ConfigMap(t) => round_trip(o, t),
                Object::DaemonSet(t) => round_trip(o, t),
                other => panic!("unexpected object {}", other.kind()),
            }
        }
    }

    #[test]
    fn every_object_round_trips_through_k8s_openapi() {
        let m = ObiManifest {
            host_network: true,
            internal_metrics_port: Some(9401),
            otlp: Some(Otlp {
                endpoint: "http://c:4318".into(),
                protocol: None,
                headers: Some("a=b".into()),
            }),
            ..Default::default()
        };
        let objs = daemonset_objects(&m);
        assert_eq!(objs.len(), 7);
        round_trip_all(&objs);
        let side = sidecar_objects("web", "shop", &m);
        assert_eq!(side.len(), 2);
        round_trip_all(&side);
        // The patch is a (partial) Deployment: its container and volumes are valid typed objects.
        let patch = sidecar_patch("web", "shop", &m, "8080");
        let d: Deployment = serde_json::from_value({
            let mut p = patch.clone();
            p["spec"]["selector"] = json!({});
            p
        })
        .unwrap();
        let spec = d.spec.unwrap().template.spec.unwrap();
        assert_eq!(spec.containers.len(), 1);
        assert_eq!(spec.volumes.unwrap().len(), 2);
    }

    #[test]
    fn sidecar_patch_adds_one_container_sharing_the_process_namespace() {
        let m = ObiManifest {
            cluster_name: "c1".into(),
            otlp: Some(Otlp {
                endpoint: "http://collector:4318".into(),
                protocol: None,
                headers: Some("k=v".into()),
            }),
            ..Default::default()
        };
        let p = sidecar_patch("web", "shop", &m, "8080,9000-9010");
        assert_eq!(p["apiVersion"], "apps/v1");
        assert_eq!(p["kind"], "Deployment");
        assert_eq!(p["metadata"], json!({"name": "web", "namespace": "shop"}));
        let spec = &p["spec"]["template"]["spec"];
        assert_eq!(spec["shareProcessNamespace"], true);
        // Only what the sidecar owns: no selector, replicas or other containers.
        assert_eq!(p["spec"].as_object().unwrap().len(), 1);
        assert_eq!(
            spec.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["containers", "shareProcessNamespace", "volumes"]
        );
        let containers = spec["containers"].as_array().unwrap();
        assert_eq!(containers.len(), 1);
        let c: core::Container = serde_json::from_value(containers[0].clone()).unwrap();
        assert_eq!(c.name, "obi");
        let env = env_of(&c);
        assert_eq!(value(&env, "OTEL_EBPF_OPEN_PORT"), Some("8080,9000-9010"));
        assert_eq!(value(&env, "OTEL_EBPF_CONFIG_PATH"), Some(CONFIG_PATH));
        assert_eq!(value(&env, "OTEL_EBPF_KUBE_CLUSTER_NAME"), Some("c1"));
        assert_eq!(
            value(&env, "OTEL_EXPORTER_OTLP_PROTOCOL"),
            Some("http/protobuf")
        );
        let secret_ref = env["OTEL_EXPORTER_OTLP_HEADERS"]
            .value_from
            .clone()
            .unwrap()
            .secret_key_ref
            .unwrap();
        assert_eq!(secret_ref.name, "web-obi-otlp-headers");
        let sc = c.security_context.unwrap();
        assert_eq!(sc.run_as_user, Some(0));
        assert_eq!(
            sc.run_as_non_root,
            Some(false),
            "overrides a restricted pod's runAsNonRoot"
        );
        assert_eq!(sc.allow_privilege_escalation, Some(true));
        let add = sc.capabilities.unwrap().add.unwrap();
        assert!(add.contains(&"SYS_ADMIN".to_string()));
        for cap in BASE_CAPABILITIES {
            assert!(add.iter().any(|a| a == cap), "{cap} missing");
        }
        assert_eq!(
            c.readiness_probe, None,
            "a failing agent must not unready the app"
        );
        let port = &c.ports.unwrap()[0];
        assert_eq!(port.name.as_deref(), Some("obi-metrics"));
        let vols: Vec<core::Volume> = serde_json::from_value(spec["volumes"].clone()).unwrap();
        let cfg = vols.iter().find(|v| v.config_map.is_some()).unwrap();
        assert_eq!(cfg.config_map.as_ref().unwrap().name, "web-obi-config");
        let mounts = c.volume_mounts.unwrap();
        assert!(
            mounts
                .iter()
                .any(|v| v.name == cfg.name && v.mount_path == "/config")
        );
        assert_eq!(
            p["spec"]["template"]["metadata"]["annotations"][labels::OBI_CONFIG_HASH],
            config_checksum(DEFAULT_CONFIG, Some("k=v"))
        );
        assert!(
            !p.to_string().contains("k=v"),
            "headers only through the Secret"
        );

        let privileged = sidecar_patch(
            "web",
            "shop",
            &ObiManifest {
                privileged: true,
                ..Default::default()
            },
            "80",
        );
        let sc = &privileged["spec"]["template"]["spec"]["containers"][0]["securityContext"];
        assert_eq!(sc["privileged"], true);
        assert!(sc.get("capabilities").is_none());

        let removal = sidecar_removal_patch("web", "shop");
        assert_eq!(removal.get("spec"), None);
        assert_eq!(removal["metadata"]["name"], "web");
    }

    #[test]
    fn sidecar_objects_live_in_the_targets_namespace() {
        let objs = sidecar_objects("web", "shop", &ObiManifest::default());
        assert_eq!(objs.len(), 1, "no headers, no Secret");
        let Object::ConfigMap(cm) = &objs[0] else {
            panic!("configmap")
        };
        assert_eq!(cm.metadata.name.as_deref(), Some("web-obi-config"));
        assert_eq!(cm.metadata.namespace.as_deref(), Some("shop"));
        assert_eq!(cm.data.as_ref().unwrap()[CONFIG_KEY], DEFAULT_CONFIG);
        let l = cm.metadata.labels.as_ref().unwrap();
        assert_eq!(l[labels::INSTANCE], "web-obi");
        assert_eq!(l[labels::COMPONENT], "obi");
        assert_eq!(l[labels::MANAGED_BY], "b00t");
        assert_eq!(l[labels::PART_OF], "web");
    }

    #[test]
    fn rendering_is_deterministic() {
        let m = ObiManifest {
            node_selector: BTreeMap::from([("b".into(), "2".into()), ("a".into(), "1".into())]),
            ..Default::default()
        };
        let a = crate::output::to_yaml(&daemonset_objects(&m));
        let b = crate::output::to_yaml(&daemonset_objects(&m.clone()));
        assert_eq!(a, b);
        assert_eq!(
            sidecar_patch("w", "n", &m, "80").to_string(),
            sidecar_patch("w", "n", &m, "80").to_string()
        );
    }
}
