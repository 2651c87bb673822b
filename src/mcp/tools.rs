//! The tools: one per CLI verb, each a parameter struct (its JSON schema comes from schemars and
//! its doc comments) mapped onto the same ops request the CLI builds, and the report as the
//! JSON document `--json` prints.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::progress::McpEvents;
use super::{Defaults, Toolset};
use crate::cli::runtime as cli_runtime;
use crate::datum;
use crate::error::{Error, Exit, Result};
use crate::ops::connect::{Backend, Reads};
use crate::ops::obi::{self as obi_ops, Mode};
use crate::ops::{self, workloads::DeleteTarget, workloads::ListRequest};
use crate::runtime::kube::{ConnectOptions, Kube};
use crate::runtime::mcp::EndpointOptions;
use crate::runtime::{ApplyWorkload, LogLine, LogOptions, RuntimeKind};

/// What a tool does to the world, for its annotations and for `--read-only` and
/// `--disable-destructive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Changes nothing.
    Read,
    /// Creates or updates; `idempotent` when calling again with the same arguments changes
    /// nothing more.
    Write { idempotent: bool },
    /// Deletes or stops something.
    Destructive,
}

/// One tool's definition.
pub struct ToolDef {
    pub name: &'static str,
    pub toolset: Toolset,
    pub effect: Effect,
    pub title: &'static str,
    pub description: &'static str,
    input: fn() -> Arc<JsonObject>,
    output: fn() -> Value,
}

/// Tools that touch only this machine (files, its own kernel), not a cluster or engine.
const LOCAL_TOOLS: &[&str] = &[
    "k8s_translate",
    "obi_docker_compose",
    "obi_sensor_probe",
    "obi_sensor_snapshot",
];

/// Tools whose reading actions stay offered under `--read-only` (the writing ones refused).
const READ_ONLY_SUBSET: &[&str] = &["obi_k8s_config"];

impl ToolDef {
    /// Offered by a server with these flags.
    pub fn offered(&self, read_only: bool, disable_destructive: bool) -> bool {
        let writes = self.effect != Effect::Read && !READ_ONLY_SUBSET.contains(&self.name);
        let refused =
            (read_only && writes) || (disable_destructive && self.effect == Effect::Destructive);
        !refused
    }

    /// The tool as `tools/list` shows it; under `--read-only` a tool of [`READ_ONLY_SUBSET`]
    /// is read-only and its schema offers only the reading actions.
    pub fn tool(&self, read_only: bool) -> Tool {
        let mut input = (self.input)();
        let effect = if read_only && self.effect != Effect::Read {
            if let Some(Value::Array(actions)) = Arc::make_mut(&mut input)
                .get_mut("$defs")
                .and_then(|d| d.get_mut("ConfigAction"))
                .and_then(|a| a.get_mut("enum"))
            {
                actions.retain(|a| a != "set");
            }
            Effect::Read
        } else {
            self.effect
        };
        let mut t = Tool::new(self.name, self.description, input);
        let mut a = ToolAnnotations::with_title(self.title)
            .read_only(effect == Effect::Read)
            // A cluster or engine is a world the server does not own; local files are not.
            .open_world(!LOCAL_TOOLS.contains(&self.name));
        match effect {
            Effect::Read => {}
            Effect::Write { idempotent } => a = a.destructive(false).idempotent(idempotent),
            Effect::Destructive => a = a.destructive(true).idempotent(true),
        }
        t.annotations = Some(a);
        t.title = Some(self.title.to_string());
        if let Value::Object(o) = (self.output)() {
            t.output_schema = Some(Arc::new(o));
        }
        t
    }
}

fn schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    rmcp::handler::server::common::schema_for_type::<T>()
}

/// A truthful loose schema of a report: an object with these (always present) top-level keys.
fn object_with(keys: &[&str]) -> Value {
    let props: serde_json::Map<String, Value> =
        keys.iter().map(|k| (k.to_string(), json!({}))).collect();
    json!({"type": "object", "properties": props, "required": keys})
}

/// `{"items": [...]}`: MCP's structuredContent is an object, so arrays are wrapped.
fn items_schema() -> Value {
    json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}, "required": ["items"]})
}

fn any_object() -> Value {
    json!({"type": "object"})
}

/// Every tool this build has, in the order `tools/list` shows them.
pub fn all() -> Vec<ToolDef> {
    use Effect::*;
    use Toolset::*;
    vec![
        ToolDef {
            name: "k8s_deploy_mcp",
            toolset: K8s,
            effect: Write { idempotent: true },
            title: "Deploy an MCP server",
            description: "Deploy an MCP server from its datum (<name>.mcp.toml) and wait until it is ready (b00t k8s deploy-mcp). Deploying twice changes nothing. A client dry run returns the objects (Kubernetes: a v1 List; Docker: {\"items\": container specs}).",
            input: schema::<DeployMcpParams>,
            output: || object_with(&[]),
        },
        ToolDef {
            name: "k8s_list",
            toolset: K8s,
            effect: Read,
            title: "List workloads",
            description: "List b00t-managed workloads (every pod with all=true) as {\"items\": rows}, each row {name, namespace, kind, app, type, status, ready, restarts, running, image, age_seconds} (b00t k8s list --json). With contexts (two or more) or all_contexts, the kubeconfig contexts are read concurrently: each row adds context, and a context that cannot be read is a row {context, error, exit_code, exit_class}; the call fails only when every context does.",
            input: schema::<ListParams>,
            output: items_schema,
        },
        ToolDef {
            name: "k8s_logs",
            toolset: K8s,
            effect: Read,
            title: "Workload logs",
            description: "Logs of every pod and container of a workload merged by time, as {\"items\": [{time, pod, container, line}], \"notes\": [...]} (b00t k8s logs -o json). With follow=true the call streams each line as a progress notification (when the request has a progress token) until it is cancelled.",
            input: schema::<LogsParams>,
            output: || object_with(&["items", "notes"]),
        },
        ToolDef {
            name: "k8s_status",
            toolset: K8s,
            effect: Read,
            title: "Workload or cluster status",
            description: "Health of one workload (with reasons, events and last log lines when unhealthy), or without a name of the cluster or Docker engine (b00t k8s status --json). An unhealthy workload is a successful call whose report says healthy=false. With contexts (two or more) or all_contexts: {\"items\": one entry per context}, each the report plus context, or {context, error, exit_code, exit_class} where it could not be read or the workload is missing; the call fails only when every context does.",
            input: schema::<StatusParams>,
            output: any_object,
        },
        ToolDef {
            name: "k8s_probe",
            toolset: K8s,
            effect: Read,
            title: "MCP handshake with a deployed server",
            description: "Run MCP initialize + tools/list with a deployed MCP server through the same path as b00t k8s connect (Kubernetes: exec or port-forward; Docker: docker exec or the published port) and report protocol version, server name and version, tool names and count, and the latency of each step (b00t k8s probe --json). A server that runs but does not answer MCP is a successful call whose report says healthy=false with the reason.",
            input: schema::<ProbeParams>,
            output: || object_with(&["name", "healthy", "reason", "tool_count"]),
        },
        ToolDef {
            name: "k8s_delete",
            toolset: K8s,
            effect: Destructive,
            title: "Delete a workload",
            description: "Delete everything b00t created for a workload or pod (b00t k8s delete --yes). Returns {namespace, deleted: [{reference, …}]}.",
            input: schema::<DeleteParams>,
            output: || object_with(&["namespace", "deleted"]),
        },
        ToolDef {
            name: "k8s_restart_mcp",
            toolset: K8s,
            effect: Write { idempotent: false },
            title: "Restart an MCP server",
            description: "Rolling restart of an MCP server (each container on Docker); with wait, until ready again (b00t k8s restart-mcp).",
            input: schema::<RestartParams>,
            output: || object_with(&["name", "namespace", "restarted", "ready"]),
        },
        ToolDef {
            name: "k8s_translate",
            toolset: K8s,
            effect: Read,
            title: "Translate a Dockerfile or compose file",
            description: "Translate a Dockerfile or compose file(s) into Kubernetes objects, returned as a v1 List (b00t k8s translate -o json). Needs no cluster. Translation warnings arrive as progress notifications and in the text summary; with strict they are an error (exit 2).",
            input: schema::<TranslateParams>,
            output: || object_with(&["apiVersion", "kind", "items"]),
        },
        ToolDef {
            name: "k8s_deploy",
            toolset: K8s,
            effect: Write { idempotent: true },
            title: "Translate and deploy",
            description: "Translate a Dockerfile or compose file(s), or take an image, and apply the objects, waiting until every workload is ready (b00t k8s deploy --json). Deploying twice changes nothing. With runtime docker only `image` is supported.",
            input: schema::<K8sDeployParams>,
            output: any_object,
        },
        ToolDef {
            name: "obi_k8s_deploy",
            toolset: Obi,
            effect: Write { idempotent: true },
            title: "Deploy the OBI agent",
            description: "Deploy the OBI eBPF agent: a DaemonSet on every node (or a sidecar in one Deployment), its config validated against the image's OBI version and preflight run first, then wait for the rollout (b00t obi deploy --json). Deploying twice changes nothing. dryRun returns the objects as a v1 List.",
            input: schema::<ObiDeployParams>,
            output: any_object,
        },
        ToolDef {
            name: "obi_k8s_status",
            toolset: Obi,
            effect: Read,
            title: "OBI agent status",
            description: "Health of the OBI agent on every node: readiness, restarts, CPU/memory, and whether it observes and exports (HEALTHY/DEGRADED/…) (b00t obi status --json). A degraded agent is a successful call whose report says so.",
            input: schema::<ObiStatusParams>,
            output: || object_with(&["namespace", "health", "reasons", "nodes"]),
        },
        ToolDef {
            name: "obi_k8s_logs",
            toolset: Obi,
            effect: Read,
            title: "OBI agent logs",
            description: "Logs of every OBI agent pod merged by time, filtered by level, as {\"items\": [{time, pod, container, line}], \"notes\": [...]} (b00t obi logs -o json).",
            input: schema::<ObiLogsParams>,
            output: || object_with(&["items", "notes"]),
        },
        ToolDef {
            name: "obi_k8s_preflight",
            toolset: Obi,
            effect: Read,
            title: "OBI preflight",
            description: "Can the OBI agent run here, and may you deploy it? Nodes (kernel, OS), Pod Security labels, permissions (b00t obi preflight --json). Blockers make the call an error carrying the report.",
            input: schema::<PreflightParams>,
            output: || object_with(&["checks", "blockers"]),
        },
        ToolDef {
            name: "obi_k8s_config",
            toolset: Obi,
            effect: Write { idempotent: true },
            title: "OBI config: show, validate or set",
            description: "action=show: the deployed OBI config, image and checksum (b00t obi config show --json). action=validate: check a config (text in `config`, or a file in `configPath`) against the key set of the OBI version of `imageTag` (b00t obi config validate --json). action=set: validate, store it, roll the agents and roll back on failure (b00t obi config set --json); with restart=false only the ConfigMap changes.",
            input: schema::<ObiConfigParams>,
            output: any_object,
        },
        ToolDef {
            name: "obi_k8s_upgrade",
            toolset: Obi,
            effect: Write { idempotent: true },
            title: "Upgrade the OBI agent",
            description: "Move the agent to another image tag (or image), watch the rollout node by node, and roll back and explain on failure (b00t obi upgrade --json). A rollback is an error with exit class \"rolled back\" carrying the report.",
            input: schema::<UpgradeParams>,
            output: || {
                object_with(&[
                    "namespace",
                    "from_image",
                    "to_image",
                    "succeeded",
                    "rolled_back",
                ])
            },
        },
        ToolDef {
            name: "obi_k8s_undeploy",
            toolset: Obi,
            effect: Destructive,
            title: "Remove the OBI agent",
            description: "Remove everything obi deploy created, cluster-wide RBAC included, and wait until the agent pods are gone (b00t obi undeploy --json).",
            input: schema::<UndeployParams>,
            output: || object_with(&["mode", "namespace", "deleted", "restored", "kept"]),
        },
        ToolDef {
            name: "obi_docker_deploy",
            toolset: Docker,
            effect: Write { idempotent: true },
            title: "Run the OBI agent in Docker",
            description: "Run the OBI agent as a Docker container (host PID and network, capabilities unless privileged), its config validated and bind-mounted, and wait until it serves metrics (b00t obi docker deploy --json). A running container with the same settings is left alone; one with other settings is replaced.",
            input: schema::<DockerDeployParams>,
            output: || object_with(&["action", "name", "image", "ready"]),
        },
        ToolDef {
            name: "obi_docker_status",
            toolset: Docker,
            effect: Read,
            title: "OBI container status",
            description: "State, uptime, restarts, CPU and memory of the OBI agent container, and whether it observes and exports (b00t obi docker status --json). An unhealthy agent is a successful call whose report says so.",
            input: schema::<DockerNameParams>,
            output: || object_with(&["name", "state", "running", "health", "reasons"]),
        },
        ToolDef {
            name: "obi_docker_logs",
            toolset: Docker,
            effect: Read,
            title: "OBI container logs",
            description: "Log lines of the OBI agent container, filtered by level, as {\"items\": [{time, stream, line}]} (b00t obi docker logs -o json).",
            input: schema::<DockerLogsParams>,
            output: || object_with(&["items"]),
        },
        ToolDef {
            name: "obi_docker_stop",
            toolset: Docker,
            effect: Destructive,
            title: "Stop the OBI container",
            description: "Stop the OBI agent container and (unless keep) remove it and its config file (b00t obi docker stop --json). Only containers b00t created.",
            input: schema::<DockerStopParams>,
            output: || object_with(&["name", "stopped", "removed"]),
        },
        ToolDef {
            name: "obi_docker_compose",
            toolset: Docker,
            effect: Write { idempotent: true },
            title: "Write a compose file for the OBI agent",
            description: "Write compose.yaml and obi-config.yml (and, with includeCollector, an OpenTelemetry Collector and its config) into the directory `out` (b00t obi docker compose --json). Needs no engine.",
            input: schema::<DockerComposeParams>,
            output: || object_with(&["files", "services", "image", "validation"]),
        },
        ToolDef {
            name: "obi_sensor_probe",
            toolset: Sensor,
            effect: Read,
            title: "Can the eBPF sensor run here?",
            description: "Kernel features, privileges (root, CAP_BPF, CAP_PERFMON), tracefs, and a real load-and-attach test of the embedded eBPF sensor on the machine running b00t (b00t obi sensor probe --json). When the sensor cannot run, the call is an error carrying the report.",
            input: schema::<SensorProbeParams>,
            output: || object_with(&["checks", "run_will_work"]),
        },
        ToolDef {
            name: "obi_sensor_snapshot",
            toolset: Sensor,
            effect: Read,
            title: "Watch TCP connections for N seconds",
            description: "Run the embedded eBPF sensor on the machine running b00t for `seconds`, then return every TCP flow with its totals and a summary, as {\"items\": [flow records], \"summary\": {…}} (the last lines of b00t obi sensor run --duration Ns -o json). Needs root (CAP_BPF, CAP_PERFMON).",
            input: schema::<SensorSnapshotParams>,
            output: || object_with(&["items", "summary"]),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// parameters

/// Where to run; each field overrides what `mcp serve` was started with.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Target {
    /// Namespace (default: the server's -n, else the context's; OBI tools: observability)
    pub namespace: Option<String>,
    /// kubeconfig context (default: the server's --context, else the current context)
    pub context: Option<String>,
    /// Path to the kubeconfig (default: the server's --kubeconfig, else $KUBECONFIG, ~/.kube/config)
    pub kubeconfig: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuntimeParam {
    Kubernetes,
    Docker,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DryRunParam {
    /// Render the objects without contacting the cluster
    Client,
    /// The API server validates and defaults without storing
    Server,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PullParam {
    Missing,
    Always,
    Never,
}

impl DryRunParam {
    fn op(self) -> ops::DryRun {
        match self {
            DryRunParam::Client => ops::DryRun::Client,
            DryRunParam::Server => ops::DryRun::Server,
        }
    }
}

/// The Docker-only deploy options, checked as the CLI checks its flags.
fn docker_flags(
    pull: Option<PullParam>,
    publish_all_interfaces: bool,
) -> cli_runtime::DockerDeployFlags {
    use crate::cli::obi_docker::PullArg;
    cli_runtime::DockerDeployFlags {
        pull: pull.map(|p| match p {
            PullParam::Missing => PullArg::Missing,
            PullParam::Always => PullArg::Always,
            PullParam::Never => PullArg::Never,
        }),
        publish_all_interfaces,
    }
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TypeParam {
    Mcp,
    App,
    Obi,
}

/// `k8s deploy-mcp`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DeployMcpParams {
    /// Server name: the datum <name>.mcp.toml
    pub server: String,
    /// Image to run (overrides the datum and the defaults)
    pub image: Option<String>,
    /// Number of replicas
    pub replicas: Option<i32>,
    /// Extra environment variables; secret-looking names go into a Secret
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Print (client) or validate on the server (server) without changing anything
    pub dry_run: Option<DryRunParam>,
    /// Wait until ready (default true)
    pub wait: Option<bool>,
    /// How long to wait for readiness (default 2m)
    pub timeout: Option<String>,
    /// Docker only: when to pull the image (default missing)
    pub pull: Option<PullParam>,
    /// Docker only: publish ports on every interface, not only 127.0.0.1
    #[serde(default)]
    pub publish_all_interfaces: bool,
    /// Where workloads run (default: B00T_RUNTIME, the user config, kubernetes)
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// Several kubeconfig contexts at once (`k8s_list`, `k8s_status`; `--context a,b`,
/// `--all-contexts`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Several {
    /// Several kubeconfig contexts, read concurrently: entries then carry `context`, and a context that cannot be read is an entry {context, error, exit_code, exit_class} (one name: as `context`)
    pub contexts: Option<Vec<String>>,
    /// Every context of the kubeconfig, sorted by name, read concurrently (as `contexts`)
    #[serde(default, alias = "allContexts")]
    pub all_contexts: bool,
}

/// `k8s list`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ListParams {
    /// Every pod (container on Docker), not only b00t-managed workloads
    #[serde(default)]
    pub all: bool,
    /// Only this type
    #[serde(rename = "type")]
    pub type_: Option<TypeParam>,
    /// Label selector (e.g. app.kubernetes.io/name=github)
    pub selector: Option<String>,
    /// Read across all namespaces
    #[serde(default)]
    pub all_namespaces: bool,
    /// Also run an MCP handshake (initialize + tools/list) with every MCP server listed
    #[serde(default)]
    pub probe: bool,
    /// With probe: path of an HTTP server's MCP endpoint (default /mcp)
    pub mcp_path: Option<String>,
    #[serde(flatten)]
    pub several: Several,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// `k8s logs`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct LogsParams {
    /// Workload, pod, or TYPE/NAME (deployment/x, pod/x, mcp/x)
    pub name: String,
    /// Keep streaming (lines as progress notifications) until the request is cancelled
    #[serde(default)]
    pub follow: bool,
    /// Logs of the previous container instance
    #[serde(default)]
    pub previous: bool,
    /// Only lines newer than this (e.g. 10m, 1h)
    pub since: Option<String>,
    /// Only lines after this RFC 3339 time
    pub since_time: Option<String>,
    /// Lines per container from the end
    pub tail: Option<i64>,
    /// Only this container
    pub container: Option<String>,
    /// Only lines matching this regular expression
    pub grep: Option<String>,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// `k8s status`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct StatusParams {
    /// Workload or pod (none: the cluster, or the Docker engine)
    pub name: Option<String>,
    /// Count workloads across all namespaces (cluster status)
    #[serde(default)]
    pub all_namespaces: bool,
    /// Also run an MCP handshake (initialize + tools/list) with the named MCP server
    #[serde(default)]
    pub probe: bool,
    /// With probe: path of an HTTP server's MCP endpoint (default /mcp)
    pub mcp_path: Option<String>,
    #[serde(flatten)]
    pub several: Several,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// `k8s probe`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProbeParams {
    /// MCP server: NAME, POD, or TYPE/NAME
    pub name: String,
    /// Give up on initialize + tools/list after this long (default 10s)
    pub timeout: Option<String>,
    /// Path of an HTTP server's MCP endpoint (default /mcp)
    pub mcp_path: Option<String>,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// `k8s delete`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DeleteParams {
    /// Workload or pod (omit with all=true)
    pub name: Option<String>,
    /// Every b00t-managed workload in the namespace
    #[serde(default)]
    pub all: bool,
    /// Wait until everything is gone
    #[serde(default)]
    pub wait: bool,
    /// How long to wait with wait=true (default 2m)
    pub timeout: Option<String>,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// `k8s restart-mcp`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct RestartParams {
    /// MCP server (or any b00t Deployment)
    pub name: String,
    /// Watch the rollout until it completes
    #[serde(default)]
    pub wait: bool,
    /// How long to wait with wait=true (default 2m)
    pub timeout: Option<String>,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

/// `obi status`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ObiStatusParams {
    #[serde(flatten)]
    pub target: Target,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LevelParam {
    Error,
    Warn,
    Info,
    Debug,
}

/// `obi logs`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ObiLogsParams {
    /// Only lines at this level or above (lines without a level, such as panics, are kept)
    pub level: Option<LevelParam>,
    /// Lines per pod from the end (obi-mcp's name)
    pub tail: Option<i64>,
    /// Only lines newer than this (e.g. 10m, 1h)
    pub since: Option<String>,
    /// Logs of the previous container instance
    #[serde(default)]
    pub previous: bool,
    /// Only lines matching this regular expression
    pub grep: Option<String>,
    #[serde(flatten)]
    pub target: Target,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModeParam {
    /// One agent per node
    #[default]
    Daemonset,
    /// An obi container in the pods of one Deployment (target)
    Sidecar,
}

/// `obi preflight`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PreflightParams {
    /// How the agent will run (default daemonset)
    #[serde(default)]
    pub mode: ModeParam,
    /// The Deployment to instrument (sidecar mode)
    #[serde(rename = "target")]
    pub target_deployment: Option<String>,
    #[serde(flatten)]
    pub target: Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConfigAction {
    Show,
    Validate,
    Set,
}

/// `obi config show|validate`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ObiConfigParams {
    pub action: ConfigAction,
    /// validate: the OBI config (YAML text)
    pub config: Option<String>,
    /// validate: a config file to read instead of `config`
    #[serde(rename = "configPath")]
    pub config_path: Option<PathBuf>,
    /// validate: image tag whose OBI version to check against (default main: every known version)
    #[serde(rename = "imageTag")]
    pub image_tag: Option<String>,
    /// set: roll the agents so they read the new config (default true)
    pub restart: Option<bool>,
    #[serde(flatten)]
    pub rollout: RolloutParams,
    #[serde(flatten)]
    pub target: Target,
}

/// How a change rolls out (`upgrade`, `config set`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RolloutParams {
    /// Leave a failed rollout as it is instead of putting back the previous image and config
    #[serde(default)]
    pub no_rollback: bool,
    /// How long the rollout (and a rollback) may take (default 5m)
    pub timeout: Option<String>,
    /// Give up when the rollout makes no progress for this long (default 2m)
    pub progress_deadline: Option<String>,
}

/// `obi upgrade`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpgradeParams {
    /// The tag to upgrade to (the repository stays)
    #[serde(rename = "imageTag")]
    pub image_tag: Option<String>,
    /// Another image repository or full reference
    pub image: Option<String>,
    #[serde(flatten)]
    pub rollout: RolloutParams,
    #[serde(flatten)]
    pub target: Target,
}

/// `obi deploy`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ObiDeployParams {
    /// One agent per node (daemonset, the default), or a sidecar in one Deployment's pods
    #[serde(default)]
    pub mode: ModeParam,
    /// The Deployment to instrument (sidecar mode)
    #[serde(rename = "target")]
    pub target_deployment: Option<String>,
    /// Agent image repository, or a full reference with a tag or digest
    pub image: Option<String>,
    /// Image tag (default main); also chooses the config key set to validate against
    #[serde(rename = "imageTag")]
    pub image_tag: Option<String>,
    /// Run the agent privileged instead of with a list of capabilities (default false)
    #[serde(default)]
    pub privileged: bool,
    /// OBI config (YAML text; default: b00t's config for the image tag)
    pub config: Option<String>,
    /// OBI config file to read instead of `config`
    #[serde(rename = "configPath")]
    pub config_path: Option<PathBuf>,
    /// Run in the node's network namespace (default: on when the config enables network metrics)
    pub host_network: Option<bool>,
    /// Only nodes with these labels
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Do not tolerate every taint
    #[serde(default)]
    pub no_tolerations: bool,
    /// CPU request (default 100m)
    #[serde(rename = "resourcesRequestCpu")]
    pub requests_cpu: Option<String>,
    /// Memory request (default 256Mi)
    #[serde(rename = "resourcesRequestMemory")]
    pub requests_memory: Option<String>,
    /// CPU limit (default 1)
    #[serde(rename = "resourcesLimitCpu")]
    pub limits_cpu: Option<String>,
    /// Memory limit (default 1Gi)
    #[serde(rename = "resourcesLimitMemory")]
    pub limits_memory: Option<String>,
    /// OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)
    #[serde(rename = "otlpEndpoint")]
    pub otlp_endpoint: Option<String>,
    /// OTLP protocol when the port does not say (grpc, http/protobuf, http/json)
    pub otlp_protocol: Option<String>,
    /// OTLP headers (k=v,k2=v2), kept in a Secret
    pub otlp_headers: Option<String>,
    /// Cluster name the agent reports (default: the kubeconfig context's name)
    pub cluster_name: Option<String>,
    /// Sidecar: ports that select the application (default: the Deployment's container ports)
    pub open_port: Option<String>,
    /// Do not run preflight first
    #[serde(default)]
    pub skip_preflight: bool,
    /// Return the objects without applying them
    #[serde(default, rename = "dryRun")]
    pub dry_run: bool,
    /// Wait for the rollout (default true)
    pub wait: Option<bool>,
    /// How long to wait (default 2m)
    pub timeout: Option<String>,
    /// Give up when the rollout makes no progress for this long (default 2m)
    pub progress_deadline: Option<String>,
    #[serde(flatten)]
    pub target: Target,
}

/// `obi undeploy`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct UndeployParams {
    /// How the agent runs (default daemonset)
    #[serde(default)]
    pub mode: ModeParam,
    /// The Deployment whose sidecar to remove (sidecar mode)
    #[serde(rename = "target")]
    pub target_deployment: Option<String>,
    /// Keep the config ConfigMap(s)
    #[serde(default, rename = "keepConfig")]
    pub keep_config: bool,
    /// Also delete the namespace (only when b00t created it)
    #[serde(default, rename = "deleteNamespace")]
    pub delete_namespace: bool,
    /// Return without waiting for the agent pods to be gone
    #[serde(default)]
    pub no_wait: bool,
    /// How long to wait for the pods to be gone (default 2m)
    pub timeout: Option<String>,
    #[serde(flatten)]
    pub target: Target,
}

/// The OBI agent container (obi docker …).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DockerNameParams {
    /// Container name (default obi)
    pub name: Option<String>,
}

/// obi-mcp's `resources` of obi_docker_deploy.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DockerResources {
    /// CPU limit (default 1)
    pub cpus: Option<f64>,
    /// Memory limit (e.g. 512m, 1g; default 1g)
    pub memory: Option<String>,
}

/// What the agent container looks like (obi docker deploy, compose).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AgentParams {
    /// Container name (default obi)
    pub name: Option<String>,
    /// Agent image repository, or a full reference with a tag or digest
    pub image: Option<String>,
    /// Image tag (default main); also chooses the config key set to validate against
    #[serde(rename = "imageTag")]
    pub image_tag: Option<String>,
    /// OBI config (YAML text; default: b00t's config for the image tag)
    pub config: Option<String>,
    /// OBI config file to read instead of `config`
    #[serde(rename = "configPath")]
    pub config_path: Option<PathBuf>,
    /// Run privileged instead of with a list of capabilities (default false)
    #[serde(default)]
    pub privileged: bool,
    /// OTLP endpoint (base URL); the protocol follows the port
    #[serde(rename = "otlpEndpoint")]
    pub otlp_endpoint: Option<String>,
    /// OTLP protocol when the port does not say (grpc, http/protobuf, http/json)
    pub otlp_protocol: Option<String>,
    /// Cluster name the agent reports (OTEL_EBPF_KUBE_CLUSTER_NAME)
    pub cluster_name: Option<String>,
    /// Host id the agent reports (OTEL_EBPF_HOST_ID)
    pub host_id: Option<String>,
    /// Limits
    #[serde(default)]
    pub resources: DockerResources,
}

/// `obi docker deploy`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DockerDeployParams {
    #[serde(flatten)]
    pub agent: AgentParams,
    /// When to pull the image (default missing)
    pub pull: Option<PullParam>,
    /// Give up waiting for the agent's metrics after this long (default 2m)
    pub timeout: Option<String>,
}

/// `obi docker logs`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DockerLogsParams {
    /// Container name (default obi)
    pub name: Option<String>,
    /// Only lines at this level or above (lines without a level, such as panics, are kept)
    pub level: Option<LevelParam>,
    /// Lines from the end (obi-mcp's name; default all)
    pub lines: Option<u64>,
    /// Only lines newer than this (e.g. 10m, 1h)
    pub since: Option<String>,
}

/// `obi docker stop`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DockerStopParams {
    /// Container name (default obi)
    pub name: Option<String>,
    /// Only stop: keep the container and its config file
    #[serde(default)]
    pub keep: bool,
}

/// `obi docker compose`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DockerComposeParams {
    #[serde(flatten)]
    pub agent: AgentParams,
    /// Directory to write compose.yaml and obi-config.yml into (created when missing)
    pub out: PathBuf,
    /// Also run an OpenTelemetry Collector that receives OTLP from the agent
    #[serde(default, rename = "includeCollector")]
    pub include_collector: bool,
    /// Capabilities for engines before Docker 23
    #[serde(default)]
    pub legacy_capabilities: bool,
}

/// `obi sensor probe` takes no parameters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct SensorProbeParams {}

/// `obi sensor run --duration`, as one document.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SensorSnapshotParams {
    /// How long to watch, in seconds (1 to 300; default 5)
    pub seconds: Option<u64>,
    /// Only connections of this process
    pub pid: Option<u32>,
    /// Only connections with this local or remote port
    pub port: Option<u16>,
    /// Only processes whose command name matches this regular expression
    pub comm: Option<String>,
}

/// What to translate (`translate`, `deploy`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct SourceParams {
    /// Dockerfile to translate
    pub from_dockerfile: Option<PathBuf>,
    /// Compose file(s) to translate, merged in order
    #[serde(default)]
    pub from_compose: Vec<PathBuf>,
    /// Application name (default: the compose project, directory or image name)
    pub name: Option<String>,
    /// Image to run (Dockerfile, a single-service compose project, or alone: a plain image)
    pub image: Option<String>,
    /// Dockerfile stage (default: the last)
    pub target: Option<String>,
    /// Compose profiles to enable
    #[serde(default)]
    pub profile: Vec<String>,
    /// Turn depends_on into initContainers that wait for the dependency's Service port
    #[serde(default)]
    pub wait_deps: bool,
}

/// `k8s translate`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TranslateParams {
    #[serde(flatten)]
    pub source: SourceParams,
    /// Fail (exit 2) when the translation produced warnings
    #[serde(default)]
    pub strict: bool,
    /// Namespace written into the objects (default: none)
    pub namespace: Option<String>,
}

/// `k8s deploy`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct K8sDeployParams {
    #[serde(flatten)]
    pub source: SourceParams,
    /// Extra environment variables for every container; secret-looking names go into a Secret
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Print (client) or validate on the server (server) without changing anything
    pub dry_run: Option<DryRunParam>,
    /// Wait until ready (default true)
    pub wait: Option<bool>,
    /// How long to wait for readiness of each workload (default 2m)
    pub timeout: Option<String>,
    /// Docker only: when to pull the image
    pub pull: Option<PullParam>,
    /// Docker only: publish ports on every interface, not only 127.0.0.1
    #[serde(default)]
    pub publish_all_interfaces: bool,
    pub runtime: Option<RuntimeParam>,
    #[serde(flatten)]
    pub target: Target,
}

// ---------------------------------------------------------------------------------------------
// calling

/// A tool's result: the JSON document and a one-line summary, or the error the CLI would end
/// with (and the document it printed before, if any).
pub enum Outcome {
    Done { doc: Value, summary: String },
    Failed { error: Error, doc: Option<Value> },
}

impl Outcome {
    fn of<T: serde::Serialize>(doc: &T, summary: impl Into<String>) -> Outcome {
        Outcome::Done {
            doc: serde_json::to_value(doc).expect("reports serialise"),
            summary: summary.into(),
        }
    }

    /// The document, and the use case's verdict on it.
    fn checked<T: serde::Serialize>(doc: &T, verdict: Result<()>, summary: String) -> Outcome {
        match verdict {
            Ok(()) => Outcome::of(doc, summary),
            Err(error) => Outcome::Failed {
                error,
                doc: Some(serde_json::to_value(doc).expect("reports serialise")),
            },
        }
    }
}

/// Run a use case; its error is an [`Outcome`] too.
async fn run(f: impl std::future::Future<Output = Result<Outcome>>) -> Outcome {
    f.await.unwrap_or_else(Outcome::from)
}

impl From<Error> for Outcome {
    fn from(error: Error) -> Outcome {
        Outcome::Failed { error, doc: None }
    }
}

/// What a call needs besides its parameters.
pub struct Cx<'a> {
    pub defaults: &'a Defaults,
    /// `--read-only`: `obi_k8s_config` offers show and validate only.
    pub read_only: bool,
    pub events: &'a McpEvents,
}

fn parse<T: DeserializeOwned>(args: JsonObject) -> std::result::Result<T, McpError> {
    serde_json::from_value(Value::Object(args))
        .map_err(|e| McpError::invalid_params(format!("invalid arguments: {e}"), None))
}

fn duration(
    s: Option<&str>,
    default: Duration,
    what: &str,
) -> std::result::Result<Duration, McpError> {
    match s {
        None => Ok(default),
        Some(s) => crate::cli::parse_duration(s)
            .map_err(|e| McpError::invalid_params(format!("{what}: {e}"), None)),
    }
}

/// Call a tool by name. Unknown tools and bad parameters are protocol errors; everything the
/// use case says (not found, forbidden, …) is an [`Outcome`].
pub async fn call(
    name: &str,
    args: JsonObject,
    cx: &Cx<'_>,
) -> std::result::Result<Outcome, McpError> {
    Ok(match name {
        "k8s_deploy_mcp" => deploy_mcp(parse(args)?, cx).await?,
        "k8s_list" => list(parse(args)?, cx).await.unwrap_or_else(Outcome::from),
        "k8s_logs" => logs(parse(args)?, cx).await?,
        "k8s_status" => status(parse(args)?, cx).await.unwrap_or_else(Outcome::from),
        "k8s_probe" => probe(parse(args)?, cx).await?,
        "k8s_delete" => delete(parse(args)?, cx).await?,
        "k8s_restart_mcp" => restart(parse(args)?, cx).await?,
        "k8s_translate" => translate(parse(args)?, cx)?,
        "k8s_deploy" => k8s_deploy(parse(args)?, cx).await?,
        "obi_k8s_status" => obi_status(parse(args)?, cx)
            .await
            .unwrap_or_else(Outcome::from),
        "obi_k8s_logs" => obi_logs(parse(args)?, cx).await?,
        "obi_k8s_preflight" => preflight(parse(args)?, cx)
            .await
            .unwrap_or_else(Outcome::from),
        "obi_k8s_config" => obi_config(parse(args)?, cx).await?,
        "obi_k8s_undeploy" => undeploy(parse(args)?, cx).await?,
        "obi_k8s_deploy" => obi_deploy(parse(args)?, cx).await?,
        "obi_k8s_upgrade" => upgrade(parse(args)?, cx).await?,
        "obi_docker_deploy" => docker_deploy(parse(args)?, cx).await?,
        "obi_docker_status" => docker_status(parse(args)?, cx).await,
        "obi_docker_logs" => docker_logs(parse(args)?, cx).await?,
        "obi_docker_stop" => docker_stop(parse(args)?, cx).await,
        "obi_docker_compose" => docker_compose(parse(args)?)?,
        "obi_sensor_probe" => {
            let _: SensorProbeParams = parse(args)?;
            sensor_probe().await
        }
        "obi_sensor_snapshot" => sensor_snapshot(parse(args)?, cx).await?,
        other => {
            return Err(McpError::invalid_params(
                format!("unknown tool {other:?}"),
                None,
            ));
        }
    })
}

impl Defaults {
    /// The global flags of one call: the server's defaults, overridden by the tool's.
    fn global(&self, t: &Target, all_namespaces: bool) -> crate::cli::Global {
        crate::cli::Global {
            kubeconfig: t.kubeconfig.clone().or_else(|| self.kubeconfig.clone()),
            context: t.context.clone().or_else(|| self.context.clone()),
            namespace: t.namespace.clone().or_else(|| self.namespace.clone()),
            all_namespaces,
            path: self.path.clone(),
            ..Default::default()
        }
    }
}

/// The runtime of a call: the parameter, else B00T_RUNTIME, else the user config, else
/// Kubernetes (the CLI's order).
fn runtime_kind(p: Option<RuntimeParam>) -> Result<RuntimeKind> {
    let flag = match p {
        Some(RuntimeParam::Kubernetes) => Some(cli_runtime::RuntimeArg::Kubernetes),
        Some(RuntimeParam::Docker) => Some(cli_runtime::RuntimeArg::Docker),
        None => match std::env::var("B00T_RUNTIME").ok().as_deref() {
            Some(v) => match RuntimeKind::parse(v) {
                Some(RuntimeKind::Docker) => Some(cli_runtime::RuntimeArg::Docker),
                Some(RuntimeKind::Kubernetes) => Some(cli_runtime::RuntimeArg::Kubernetes),
                None => {
                    return Err(Error::msg(
                        Exit::Usage,
                        format!("B00T_RUNTIME={v:?}: expected kubernetes or docker"),
                    ));
                }
            },
            None => None,
        },
    };
    cli_runtime::RuntimeFlag { runtime: flag }.kind()
}

fn probe_options(mcp_path: Option<&str>) -> ops::mcp::ProbeOptions {
    ops::mcp::ProbeOptions {
        endpoint: EndpointOptions::at(mcp_path.unwrap_or("/mcp")),
        ..Default::default()
    }
}

async fn backend(
    cx: &Cx<'_>,
    runtime: Option<RuntimeParam>,
    t: &Target,
    all_namespaces: bool,
    streaming: bool,
) -> Result<Backend> {
    let kind = runtime_kind(runtime)?;
    let target = cx.defaults.global(t, all_namespaces).target();
    ops::connect::connect(kind, &target, None, cx.defaults.request_timeout, streaming).await
}

/// The result of a read over several contexts, as for one context: an unhealthy workload or
/// MCP server (exit 1) is a successful call whose entries say so; every context failing, or
/// the workload missing in all of them, is an error carrying the entries.
fn several_outcome(doc: Value, verdict: Result<()>, summary: String) -> Outcome {
    match verdict {
        Err(error) if error.exit() != Exit::Failed => Outcome::Failed {
            error,
            doc: Some(doc),
        },
        Err(e) => Outcome::Done {
            doc,
            summary: e.chain(),
        },
        Ok(()) => Outcome::Done { doc, summary },
    }
}

/// A read tool's contexts (`contexts`, `all_contexts`): one backend, or a fan-out, decided as
/// the CLI decides for `--context a,b` and `--all-contexts`.
async fn reads(
    cx: &Cx<'_>,
    runtime: Option<RuntimeParam>,
    t: &Target,
    several: &Several,
    all_namespaces: bool,
) -> Result<Reads> {
    let Several {
        contexts,
        all_contexts,
    } = several;
    let kind = runtime_kind(runtime)?;
    let mut target = cx.defaults.global(t, all_namespaces).target();
    if let Some(names) = contexts.as_ref().filter(|n| !n.is_empty()) {
        if t.context.is_some() {
            return Err(Error::msg(
                Exit::Usage,
                "give either context or contexts, not both",
            ));
        }
        target.context = Some(names.join(","));
    } else if *all_contexts {
        target.context = t.context.clone();
    }
    ops::connect::reads(kind, &target, *all_contexts, cx.defaults.request_timeout).await
}

async fn deploy_mcp(p: DeployMcpParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    Ok(run(async {
        let kind = runtime_kind(p.runtime)?;
        let global = cx.defaults.global(&p.target, false);
        let flags = docker_flags(p.pull, p.publish_all_interfaces);
        let apply: ApplyWorkload = flags.apply(kind)?;
        let dry_run = p.dry_run.map(DryRunParam::op);
        ops::deploy::check_dry_run(kind, dry_run)?;
        let req = ops::deploy::DeployMcp {
            server: p.server.clone(),
            dirs: datum::search_dirs(global.path.as_deref()),
            image: p.image.clone(),
            replicas: p.replicas,
            env: p.env.clone().into_iter().collect(),
            dry_run,
            wait: p.wait.unwrap_or(true),
            timeout,
            apply,
        };
        let (w, ns) = ops::deploy::mcp_workload(&req)?;
        if dry_run == Some(ops::DryRun::Client) {
            if kind == RuntimeKind::Docker {
                let specs = ops::deploy::planned_containers(&w, &req.apply);
                let n = specs.len();
                return Ok(Outcome::of(
                    &json!({"items": specs}),
                    format!("{}: {n} container(s) would be created", w.name),
                ));
            }
            let report = ops::deploy::planned_mcp(&w, global.namespace.clone().or(ns))?;
            return Ok(Outcome::of(
                &ops::deploy::object_list(&report.manifests),
                format!(
                    "{}: {} object(s) would be applied",
                    w.name,
                    report.manifests.len()
                ),
            ));
        }
        let backend = ops::connect::connect(
            kind,
            &global.target(),
            ns.as_deref(),
            cx.defaults.request_timeout,
            false,
        )
        .await?;
        let report = ops::deploy_workload(backend.rt(), &w, &req, cx.events).await?;
        deploy_outcome(report)
    })
    .await)
}

async fn list(p: ListParams, cx: &Cx<'_>) -> Result<Outcome> {
    let req = ListRequest {
        all_namespaces: p.all_namespaces,
        all_pods: p.all,
        selector: p.selector.clone(),
        type_: p.type_.map(|t| {
            match t {
                TypeParam::Mcp => "mcp",
                TypeParam::App => "app",
                TypeParam::Obi => "obi",
            }
            .to_string()
        }),
        probe: p.probe.then(|| probe_options(p.mcp_path.as_deref())),
    };
    let b = match reads(cx, p.runtime, &p.target, &p.several, p.all_namespaces).await? {
        Reads::One(b) => b,
        Reads::Several(fan) => {
            let report = ops::contexts::list(&fan, &req).await;
            return Ok(several_outcome(
                json!({"items": report.document()}),
                report.result(),
                format!("{} context(s)", fan.contexts.len()),
            ));
        }
    };
    let listed = ops::workloads::list(b.rt(), &req).await?;
    let summary = match listed.result() {
        Err(e) => e.chain(),
        Ok(()) => format!(
            "{} workload(s) {}",
            listed.rows.len(),
            b.rt().scope(p.all_namespaces)
        ),
    };
    Ok(Outcome::of(&json!({"items": listed.document()}), summary))
}

async fn logs(p: LogsParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let since = match p.since.as_deref() {
        None => None,
        Some(s) => Some(duration(Some(s), Duration::ZERO, "since")?),
    };
    let since_time = match p.since_time.as_deref() {
        None => None,
        Some(s) => Some(
            s.parse::<jiff::Timestamp>()
                .map_err(|e| McpError::invalid_params(format!("since_time {s:?}: {e}"), None))?,
        ),
    };
    let grep = grep(p.grep.as_deref())?;
    let opts = LogOptions {
        follow: p.follow,
        previous: p.previous,
        since_seconds: since.map(|d| d.as_secs().max(1) as i64),
        since_time,
        tail: p.tail,
        container: p.container.clone(),
        grep,
    };
    Ok(run(async {
        let b = backend(cx, p.runtime, &p.target, false, p.follow).await?;
        let mut lines = Vec::new();
        let follow = p.follow;
        let mut sink = |l: LogLine| {
            if follow {
                cx.events
                    .send(format!("[{}/{}] {}", l.pod, l.container, l.line));
            }
            lines.push(l);
        };
        let notes = b.rt().logs(&p.name, &opts, &mut sink).await?;
        Ok(log_outcome(&p.name, lines, notes))
    })
    .await)
}

fn grep(s: Option<&str>) -> std::result::Result<Option<regex::Regex>, McpError> {
    s.map(|g| {
        regex::Regex::new(g).map_err(|e| McpError::invalid_params(format!("grep: {e}"), None))
    })
    .transpose()
}

/// `{"items": lines, "notes": notes}`: the JSON Lines `logs -o json` prints, as one object.
fn log_outcome(what: &str, lines: Vec<LogLine>, notes: Vec<String>) -> Outcome {
    let summary = format!("{what}: {} line(s)", lines.len());
    Outcome::of(&json!({"items": lines, "notes": notes}), summary)
}

async fn status(p: StatusParams, cx: &Cx<'_>) -> Result<Outcome> {
    let probe = p.probe.then(|| probe_options(p.mcp_path.as_deref()));
    let b = match reads(cx, p.runtime, &p.target, &p.several, p.all_namespaces).await? {
        Reads::One(b) => b,
        Reads::Several(fan) => {
            let report =
                ops::contexts::status(&fan, p.name.as_deref(), p.all_namespaces, probe.as_ref())
                    .await;
            return Ok(several_outcome(
                json!({"items": report.document()}),
                report.health(),
                format!("{} context(s)", fan.contexts.len()),
            ));
        }
    };
    let report =
        ops::workloads::status(b.rt(), p.name.as_deref(), p.all_namespaces, probe.as_ref()).await?;
    let summary = match (&report, report.health()) {
        (_, Err(e)) => e.chain(),
        (ops::workloads::StatusReport::Workload(w), Ok(())) => {
            format!(
                "{} is {}",
                w.status.summary.name,
                w.status.summary.status.to_lowercase()
            )
        }
        (ops::workloads::StatusReport::Overview(_), Ok(())) => {
            format!("{} overview", b.rt().kind().name())
        }
    };
    Ok(Outcome::of(&report, summary))
}

async fn probe(p: ProbeParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let opts = ops::mcp::ProbeOptions {
        timeout: duration(p.timeout.as_deref(), Duration::from_secs(10), "timeout")?,
        endpoint: EndpointOptions::at(p.mcp_path.as_deref().unwrap_or("/mcp")),
    };
    Ok(run(async {
        let b = backend(cx, p.runtime, &p.target, false, false).await?;
        let report = ops::mcp::probe(b.rt(), &p.name, &opts).await?;
        let summary = if report.healthy {
            report.summary()
        } else {
            report.unhealthy_error()
        };
        Ok(Outcome::of(&report, summary))
    })
    .await)
}

async fn delete(p: DeleteParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    let target = match (&p.name, p.all) {
        (Some(n), false) => DeleteTarget::Named(n.clone()),
        (None, true) => DeleteTarget::All,
        _ => {
            return Err(McpError::invalid_params(
                "give either name or all=true",
                None,
            ));
        }
    };
    Ok(run(async {
        let b = backend(cx, p.runtime, &p.target, false, false).await?;
        let wait = p.wait.then_some(timeout);
        let report = ops::workloads::delete(b.rt(), &target, wait, cx.events).await?;
        let summary = if report.deleted.is_empty() {
            format!("{}: nothing left to delete", report.label)
        } else {
            report
                .deleted
                .iter()
                .map(|d| format!("{} deleted", d.reference))
                .collect::<Vec<_>>()
                .join("\n")
        };
        Ok(Outcome::of(&report, summary))
    })
    .await)
}

async fn restart(p: RestartParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    Ok(run(async {
        let b = backend(cx, p.runtime, &p.target, false, false).await?;
        let wait = p.wait.then_some(timeout);
        let report = ops::workloads::restart(b.rt(), &p.name, wait, cx.events).await?;
        let summary = format!("{} restarted", report.name);
        Ok(Outcome::checked(&report, report.result(), summary))
    })
    .await)
}

/// Connect in the agent's namespace: the tool's, else the server's -n, else observability.
async fn obi_kube(cx: &Cx<'_>, t: &Target, namespace: Option<String>) -> Result<Kube> {
    let g = cx.defaults.global(t, false);
    let opts = ConnectOptions {
        kubeconfig: g.kubeconfig.clone(),
        context: g.context.clone(),
        namespace: Some(namespace.unwrap_or_else(|| obi_ops::namespace(g.namespace.as_deref()))),
        request_timeout: Some(cx.defaults.request_timeout),
    };
    Ok(Kube::connect(&opts).await?)
}

/// A sidecar lives in its Deployment's namespace (the tool's or server's, else the context's).
async fn obi_kube_for(cx: &Cx<'_>, t: &Target, mode: &Mode) -> Result<Kube> {
    match mode {
        Mode::DaemonSet => obi_kube(cx, t, None).await,
        Mode::Sidecar { .. } => {
            let g = cx.defaults.global(t, false);
            Ok(Kube::connect(&ConnectOptions {
                kubeconfig: g.kubeconfig.clone(),
                context: g.context.clone(),
                namespace: g.namespace.clone(),
                request_timeout: Some(cx.defaults.request_timeout),
            })
            .await?)
        }
    }
}

fn mode(m: ModeParam, target: Option<&str>) -> std::result::Result<Mode, McpError> {
    match (m, target) {
        (ModeParam::Daemonset, _) => Ok(Mode::DaemonSet),
        (ModeParam::Sidecar, Some(t)) => Ok(Mode::Sidecar {
            target: t.to_string(),
        }),
        (ModeParam::Sidecar, None) => Err(McpError::invalid_params(
            "mode sidecar needs target (the Deployment)",
            None,
        )),
    }
}

async fn obi_status(p: ObiStatusParams, cx: &Cx<'_>) -> Result<Outcome> {
    let kube = obi_kube(cx, &p.target, None).await?;
    let st = obi_ops::status::status(&kube, obi_ops::status::Budget::default()).await?;
    let summary = format!(
        "obi in namespace {}: {} ({}/{} schedulable nodes covered)",
        st.namespace, st.health, st.coverage.ready, st.coverage.schedulable
    );
    Ok(Outcome::of(&st, summary))
}

async fn obi_logs(p: ObiLogsParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let since = match p.since.as_deref() {
        None => None,
        Some(s) => Some(duration(Some(s), Duration::ZERO, "since")?),
    };
    let req = obi_ops::logs::ObiLogs {
        level: p.level.map(level),
        log: LogOptions {
            follow: false,
            previous: p.previous,
            since_seconds: since.map(|d| d.as_secs().max(1) as i64),
            since_time: None,
            tail: p.tail,
            container: Some(obi_ops::CONTAINER.into()),
            grep: grep(p.grep.as_deref())?,
        },
    };
    Ok(run(async {
        let kube = obi_kube(cx, &p.target, None).await?;
        let mut lines = Vec::new();
        let mut sink = |l: LogLine| lines.push(l);
        let notes = obi_ops::logs::logs(&kube, &req, &mut sink).await?;
        Ok(log_outcome("obi", lines, notes))
    })
    .await)
}

async fn preflight(p: PreflightParams, cx: &Cx<'_>) -> Result<Outcome> {
    let mode = mode(p.mode, p.target_deployment.as_deref())
        .map_err(|e| Error::msg(Exit::Usage, e.message.to_string()))?;
    let kube = obi_kube_for(cx, &p.target, &mode).await?;
    let report = obi_ops::preflight::preflight(&kube, &mode).await?;
    let summary = format!("preflight: {} blocker(s)", report.blockers);
    Ok(Outcome::checked(&report, report.result(), summary))
}

async fn obi_config(p: ObiConfigParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    match p.action {
        ConfigAction::Show => Ok(run(async {
            let kube = obi_kube(cx, &p.target, None).await?;
            let c = obi_ops::lifecycle::config_show(&kube).await?;
            let summary = format!("obi config in namespace {} ({})", c.namespace, c.image);
            Ok(Outcome::of(&c, summary))
        })
        .await),
        ConfigAction::Set => {
            if cx.read_only {
                return Err(McpError::invalid_params(
                    "action set is not offered by this server (--read-only)",
                    None,
                ));
            }
            let (file, text) = config_input(p.config.as_deref(), p.config_path.as_deref())?;
            let roll = rollout(&p.rollout)?;
            Ok(run(async {
                let kube = obi_kube(cx, &p.target, None).await?;
                let (file, text) = match text {
                    Some(t) => (file, t),
                    None => (file.clone(), read_file(&file)?),
                };
                let req = obi_ops::lifecycle::ConfigSet {
                    file,
                    text,
                    restart: p.restart.unwrap_or(true),
                    wait: true,
                    rollback: roll.0,
                    timeout: roll.1,
                    progress_deadline: roll.2,
                };
                let r = obi_ops::lifecycle::config_set(&kube, &req, cx.events).await?;
                let summary = format!(
                    "obi config in namespace {}: {}",
                    r.namespace,
                    match (r.changed, r.restarted) {
                        (false, _) => "unchanged",
                        (true, true) => "set and rolled out",
                        (true, false) => "set (agents not restarted)",
                    }
                );
                Ok(Outcome::checked(&r, r.result(), summary))
            })
            .await)
        }
        ConfigAction::Validate => {
            let tag = p.image_tag.clone().unwrap_or_else(|| "main".into());
            let env = |name: &str| std::env::var(name).ok();
            let v = match (&p.config, &p.config_path) {
                (Some(text), None) => crate::obi::validate("config", text, &tag, &env),
                (None, Some(path)) => match crate::obi::validate_file(path, &tag, &env) {
                    Ok(v) => v,
                    Err(e) => return Ok(Outcome::from(Error::from(e))),
                },
                _ => {
                    return Err(McpError::invalid_params(
                        "validate needs exactly one of config (text) and configPath",
                        None,
                    ));
                }
            };
            let verdict = if v.valid {
                Ok(())
            } else {
                Err(Error::msg(Exit::Usage, v.summary()))
            };
            let summary = v.summary();
            Ok(Outcome::checked(&v, verdict, summary))
        }
    }
}

async fn undeploy(p: UndeployParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    let mode = mode(p.mode, p.target_deployment.as_deref())?;
    Ok(run(async {
        let kube = obi_kube_for(cx, &p.target, &mode).await?;
        let req = obi_ops::lifecycle::Undeploy {
            mode: mode.clone(),
            keep_config: p.keep_config,
            delete_namespace: p.delete_namespace,
            wait: !p.no_wait,
            timeout,
        };
        let r = obi_ops::lifecycle::undeploy(&kube, &req, cx.events).await?;
        let summary = if r.deleted.is_empty() && r.restored.is_empty() {
            format!("obi: nothing to remove in namespace {}", r.namespace)
        } else {
            format!(
                "obi: {} object(s) deleted, {} restored in namespace {}",
                r.deleted.len(),
                r.restored.len(),
                r.namespace
            )
        };
        Ok(Outcome::of(&r, summary))
    })
    .await)
}

/// `config` text or `configPath`: `(file name, Some(text))`, or `(path, None)` to read later.
fn config_input(
    text: Option<&str>,
    path: Option<&std::path::Path>,
) -> std::result::Result<(String, Option<String>), McpError> {
    match (text, path) {
        (Some(t), None) => Ok(("config".into(), Some(t.to_string()))),
        (None, Some(p)) => Ok((p.display().to_string(), None)),
        _ => Err(McpError::invalid_params(
            "give exactly one of config (text) and configPath",
            None,
        )),
    }
}

fn read_file(path: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::msg(Exit::Usage, format!("reading {path}: {e}")))
}

/// `(rollback, timeout, progress deadline)`.
fn rollout(p: &RolloutParams) -> std::result::Result<(bool, Duration, Duration), McpError> {
    Ok((
        !p.no_rollback,
        duration(p.timeout.as_deref(), Duration::from_secs(300), "timeout")?,
        duration(
            p.progress_deadline.as_deref(),
            Duration::from_secs(120),
            "progress_deadline",
        )?,
    ))
}

async fn upgrade(p: UpgradeParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    if p.image.is_none() && p.image_tag.is_none() {
        return Err(McpError::invalid_params("give imageTag or image", None));
    }
    let roll = rollout(&p.rollout)?;
    Ok(run(async {
        let kube = obi_kube(cx, &p.target, None).await?;
        let req = obi_ops::lifecycle::Upgrade {
            image: p.image.clone(),
            image_tag: p.image_tag.clone(),
            rollback: roll.0,
            timeout: roll.1,
            progress_deadline: roll.2,
        };
        let r = obi_ops::lifecycle::upgrade(&kube, &req, cx.events).await?;
        let summary = if !r.changed {
            format!("obi: nothing changed ({} already runs)", r.to_image)
        } else {
            format!("obi upgrade to {}: succeeded={}", r.to_image, r.succeeded)
        };
        Ok(Outcome::checked(&r, r.result("upgrade"), summary))
    })
    .await)
}

async fn obi_deploy(p: ObiDeployParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let mode = mode(p.mode, p.target_deployment.as_deref())?;
    let (file, text) = match (&p.config, &p.config_path) {
        (None, None) => (String::new(), None),
        _ => config_input(p.config.as_deref(), p.config_path.as_deref())?,
    };
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    let deadline = duration(
        p.progress_deadline.as_deref(),
        Duration::from_secs(120),
        "progress_deadline",
    )?;
    if p.otlp_headers.is_some() && p.otlp_endpoint.is_none() {
        return Err(McpError::invalid_params(
            "otlp_headers needs otlpEndpoint (the headers go with the agent's OTLP export)",
            None,
        ));
    }
    Ok(run(async {
        let config = match (p.config.is_some() || p.config_path.is_some(), text) {
            (false, _) => None,
            (true, Some(t)) => Some((file, t)),
            (true, None) => Some((file.clone(), read_file(&file)?)),
        };
        let dry = p.dry_run.then_some(ops::DryRun::Client);
        let kube = if dry.is_some() && mode == Mode::DaemonSet {
            None
        } else {
            Some(obi_kube_for(cx, &p.target, &mode).await?)
        };
        let namespace = match &kube {
            Some(k) => k.namespace.clone(),
            None => obi_ops::namespace(cx.defaults.global(&p.target, false).namespace.as_deref()),
        };
        let req = obi_ops::lifecycle::ObiDeploy {
            mode: mode.clone(),
            image: p.image.clone(),
            image_tag: p.image_tag.clone(),
            privileged: p.privileged,
            config,
            host_network: p.host_network,
            node_selector: p.node_selector.clone().into_iter().collect(),
            tolerate_all_taints: !p.no_tolerations,
            resources: crate::workload::Resources {
                requests_cpu: Some(p.requests_cpu.clone().unwrap_or_else(|| "100m".into())),
                requests_memory: Some(p.requests_memory.clone().unwrap_or_else(|| "256Mi".into())),
                limits_cpu: Some(p.limits_cpu.clone().unwrap_or_else(|| "1".into())),
                limits_memory: Some(p.limits_memory.clone().unwrap_or_else(|| "1Gi".into())),
            },
            otlp_endpoint: p.otlp_endpoint.clone(),
            otlp_protocol: p.otlp_protocol.clone(),
            otlp_headers: p.otlp_headers.clone(),
            cluster_name: p.cluster_name.clone(),
            open_ports: p.open_port.clone(),
            skip_preflight: p.skip_preflight,
            dry_run: dry,
            wait: p.wait.unwrap_or(true),
            timeout,
            progress_deadline: deadline,
        };
        let r = obi_ops::lifecycle::deploy(kube.as_ref(), &namespace, &req, cx.events).await?;
        if r.stage == obi_ops::lifecycle::Stage::DryRun {
            return Ok(Outcome::of(
                &ops::deploy::object_list(&r.manifests),
                format!("obi: {} object(s) would be applied", r.manifests.len()),
            ));
        }
        let summary = match (r.changed, r.ready) {
            (false, _) => "obi: nothing changed (already deployed as described)".to_string(),
            (true, Some(true)) => format!(
                "obi is running on {} node(s) in namespace {}",
                r.nodes.len(),
                r.namespace
            ),
            _ => format!("obi applied in namespace {}", r.namespace),
        };
        Ok(Outcome::checked(&r, r.result(), summary))
    })
    .await)
}

fn container(name: &Option<String>) -> String {
    name.clone()
        .unwrap_or_else(|| obi_ops::docker::DEFAULT_NAME.to_string())
}

async fn docker(cx: &Cx<'_>) -> Result<crate::runtime::docker::Docker> {
    Ok(
        crate::runtime::docker::Docker::connect(&crate::runtime::docker::ConnectOptions {
            host: None,
            timeout: Some(cx.defaults.request_timeout),
        })
        .await?,
    )
}

/// The agent container of `deploy` and `compose`, with the CLI's defaults.
fn agent(
    p: &AgentParams,
) -> std::result::Result<(obi_ops::docker::Agent, Option<String>), McpError> {
    let memory = match p.resources.memory.as_deref() {
        None => 1 << 30,
        Some(m) => crate::translate::compose::parse_bytes(m)
            .ok()
            .filter(|b| *b > 0)
            .and_then(|b| i64::try_from(b).ok())
            .ok_or_else(|| {
                McpError::invalid_params(
                    format!("resources.memory: expected a size such as 512m or 1g, got {m:?}"),
                    None,
                )
            })?,
    };
    let cpus = p.resources.cpus.unwrap_or(1.0);
    if !(cpus > 0.0 && cpus.is_finite()) {
        return Err(McpError::invalid_params(
            "resources.cpus: expected a positive number",
            None,
        ));
    }
    let (file, text) = match (&p.config, &p.config_path) {
        (None, None) => (String::new(), None),
        _ => config_input(p.config.as_deref(), p.config_path.as_deref())?,
    };
    let config = text.map(|t| (file.clone(), t));
    let path = (p.config_path.is_some()).then_some(file);
    Ok((
        obi_ops::docker::Agent {
            name: container(&p.name),
            image: p.image.clone(),
            image_tag: p.image_tag.clone(),
            config,
            privileged: p.privileged,
            otlp_endpoint: p.otlp_endpoint.clone(),
            otlp_protocol: p.otlp_protocol.clone(),
            cluster_name: p.cluster_name.clone(),
            host_id: p.host_id.clone(),
            memory_bytes: Some(memory),
            cpus: Some(cpus),
        },
        path,
    ))
}

/// Read a `configPath` into the agent.
fn with_config_file(
    mut a: obi_ops::docker::Agent,
    path: Option<String>,
) -> Result<obi_ops::docker::Agent> {
    if let Some(path) = path {
        let text = read_file(&path)?;
        a.config = Some((path, text));
    }
    Ok(a)
}

async fn docker_deploy(
    p: DockerDeployParams,
    cx: &Cx<'_>,
) -> std::result::Result<Outcome, McpError> {
    let (a, path) = agent(&p.agent)?;
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    Ok(run(async {
        let agent = with_config_file(a, path)?;
        let d = docker(cx).await?;
        let req = obi_ops::docker::DockerDeploy {
            state_dir: obi_ops::docker::state_dir(&agent.name),
            agent,
            pull: match p.pull {
                None | Some(PullParam::Missing) => crate::runtime::docker::PullPolicy::Missing,
                Some(PullParam::Always) => crate::runtime::docker::PullPolicy::Always,
                Some(PullParam::Never) => crate::runtime::docker::PullPolicy::Never,
            },
            timeout,
        };
        let r = obi_ops::docker::deploy(&d, &req, cx.events).await?;
        let summary = format!("container/{} {:?}", r.name, r.action).to_lowercase();
        Ok(Outcome::checked(&r, r.result(), summary))
    })
    .await)
}

async fn docker_status(p: DockerNameParams, cx: &Cx<'_>) -> Outcome {
    run(async {
        let d = docker(cx).await?;
        let st = obi_ops::docker::status(&d, &container(&p.name)).await?;
        let summary = format!("obi container {}: {}", st.name, st.health);
        Ok(Outcome::of(&st, summary))
    })
    .await
}

async fn docker_logs(p: DockerLogsParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    let since = match p.since.as_deref() {
        None => None,
        Some(s) => Some(duration(Some(s), Duration::ZERO, "since")?),
    };
    Ok(run(async {
        let d = docker(cx).await?;
        let req = obi_ops::docker::DockerLogs {
            level: p.level.map(level),
            log: crate::runtime::docker::LogOptions {
                follow: false,
                since: since.map(|d| jiff::Timestamp::now().as_second() - d.as_secs() as i64),
                tail: p.lines,
            },
        };
        let mut items = Vec::new();
        let mut sink = |e: crate::runtime::docker::LogEntry| items.push(e);
        let name = container(&p.name);
        obi_ops::docker::logs(&d, &name, &req, &mut sink).await?;
        let summary = format!("{name}: {} line(s)", items.len());
        Ok(Outcome::of(&json!({ "items": items }), summary))
    })
    .await)
}

async fn docker_stop(p: DockerStopParams, cx: &Cx<'_>) -> Outcome {
    run(async {
        let d = docker(cx).await?;
        let r = obi_ops::docker::stop(&d, &container(&p.name), p.keep, cx.events).await?;
        let summary = format!(
            "container/{} {}",
            r.name,
            if r.removed { "removed" } else { "stopped" }
        );
        Ok(Outcome::of(&r, summary))
    })
    .await
}

fn docker_compose(p: DockerComposeParams) -> std::result::Result<Outcome, McpError> {
    let (a, path) = agent(&p.agent)?;
    Ok((|| -> Result<Outcome> {
        let req = obi_ops::docker::DockerCompose {
            agent: with_config_file(a, path)?,
            with_collector: p.include_collector,
            legacy_capabilities: p.legacy_capabilities,
            out: p.out.clone(),
        };
        let r = obi_ops::docker::compose(&req)?;
        let summary = format!("wrote {}", r.files.join(", "));
        Ok(Outcome::checked(&r, r.result(), summary))
    })()
    .unwrap_or_else(Outcome::from))
}

fn level(l: LevelParam) -> obi_ops::logs::Level {
    match l {
        LevelParam::Error => obi_ops::logs::Level::Error,
        LevelParam::Warn => obi_ops::logs::Level::Warn,
        LevelParam::Info => obi_ops::logs::Level::Info,
        LevelParam::Debug => obi_ops::logs::Level::Debug,
    }
}

async fn sensor_probe() -> Outcome {
    run(async {
        let p = ops::sensor::probe().await?;
        let summary = if p.run_will_work {
            "the sensor can run here".to_string()
        } else {
            "the sensor cannot run here".to_string()
        };
        Ok(Outcome::checked(&p, p.result(), summary))
    })
    .await
}

async fn sensor_snapshot(
    p: SensorSnapshotParams,
    cx: &Cx<'_>,
) -> std::result::Result<Outcome, McpError> {
    let seconds = p.seconds.unwrap_or(5);
    if !(1..=300).contains(&seconds) {
        return Err(McpError::invalid_params("seconds: between 1 and 300", None));
    }
    let comm = match p.comm.as_deref() {
        None => None,
        Some(c) => Some(
            regex::Regex::new(c)
                .map_err(|e| McpError::invalid_params(format!("comm: {e}"), None))?,
        ),
    };
    let config = crate::sensor::SensorConfig {
        pid: p.pid,
        port: p.port,
        comm,
        ..Default::default()
    };
    cx.events
        .send(format!("watching TCP connections for {seconds}s"));
    Ok(run(async {
        let snap = ops::sensor::snapshot(&config, Duration::from_secs(seconds)).await?;
        let summary = format!(
            "{} connections ({} failed) in {} flows over {seconds}s",
            snap.summary.connections, snap.summary.failed, snap.summary.flows
        );
        Ok(Outcome::of(&snap, summary))
    })
    .await)
}

impl SourceParams {
    fn source<'a>(&'a self, env: &'a [(String, String)]) -> ops::translate::Source<'a> {
        ops::translate::Source {
            dockerfile: self.from_dockerfile.as_deref(),
            compose: &self.from_compose,
            stdin: None,
            image: self.image.as_deref(),
            name: self.name.as_deref(),
            target: self.target.as_deref(),
            profiles: &self.profile,
            env,
            wait_deps: self.wait_deps,
        }
    }

    fn check(&self) -> std::result::Result<(), McpError> {
        let inputs = usize::from(self.from_dockerfile.is_some())
            + usize::from(!self.from_compose.is_empty());
        if inputs > 1 || (inputs == 0 && self.image.is_none()) {
            return Err(McpError::invalid_params(
                "give one of from_dockerfile, from_compose, or image",
                None,
            ));
        }
        Ok(())
    }
}

/// The bundle's translation warnings, as events; their texts for the summary.
fn warnings(b: &crate::workload::Bundle, cx: &Cx<'_>) -> Vec<String> {
    b.warnings
        .iter()
        .map(|w| {
            let w = w.to_string();
            ops::Events::emit(cx.events, ops::Event::Warning(w.clone()));
            w
        })
        .collect()
}

fn translate(p: TranslateParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    if p.source.from_dockerfile.is_none() && p.source.from_compose.is_empty() {
        return Err(McpError::invalid_params(
            "give from_dockerfile or from_compose",
            None,
        ));
    }
    p.source.check()?;
    Ok((|| -> Result<Outcome> {
        let b = ops::translate::bundle(&p.source.source(&[]))?;
        let warned = warnings(&b, cx);
        if p.strict && !warned.is_empty() {
            return Err(Error::msg(
                Exit::Usage,
                format!("{} warning(s) and --strict was given", warned.len()),
            ));
        }
        let objects = crate::render::render_bundle(
            &b,
            &crate::render::RenderOptions {
                namespace: p.namespace.clone(),
            },
        )?;
        let mut summary = format!("{} object(s)", objects.len());
        for w in &warned {
            summary.push_str(&format!("\nwarning: {w}"));
        }
        Ok(Outcome::of(
            &ops::deploy::object_list(&ops::deploy::values(&objects)),
            summary,
        ))
    })()
    .unwrap_or_else(Outcome::from))
}

async fn k8s_deploy(p: K8sDeployParams, cx: &Cx<'_>) -> std::result::Result<Outcome, McpError> {
    p.source.check()?;
    let timeout = duration(p.timeout.as_deref(), Duration::from_secs(120), "timeout")?;
    let env: Vec<(String, String)> = p.env.clone().into_iter().collect();
    Ok(run(async {
        let kind = runtime_kind(p.runtime)?;
        let global = cx.defaults.global(&p.target, false);
        let flags = docker_flags(p.pull, p.publish_all_interfaces);
        let apply = flags.apply(kind)?;
        let dry_run = p.dry_run.map(DryRunParam::op);
        let src = p.source.source(&env);
        if kind == RuntimeKind::Docker {
            ops::translate::docker_only(&src)?;
        }
        let b = ops::translate::bundle(&src)?;
        warnings(&b, cx);
        let report = if kind == RuntimeKind::Docker {
            ops::deploy::check_dry_run(kind, dry_run)?;
            let w = ops::translate::single_workload(&b)?;
            if dry_run == Some(ops::DryRun::Client) {
                let specs = ops::deploy::planned_containers(w, &apply);
                let n = specs.len();
                return Ok(Outcome::of(
                    &json!({"items": specs}),
                    format!("{}: {n} container(s) would be created", w.name),
                ));
            }
            let req = ops::deploy::DeployMcp {
                wait: p.wait.unwrap_or(true),
                timeout,
                apply,
                ..Default::default()
            };
            let backend = ops::connect::connect(
                kind,
                &global.target(),
                None,
                cx.defaults.request_timeout,
                false,
            )
            .await?;
            ops::deploy_workload(backend.rt(), w, &req, cx.events).await?
        } else {
            let (report, _objects) = ops::deploy_bundle(
                &ConnectOptions {
                    kubeconfig: global.kubeconfig.clone(),
                    context: global.context.clone(),
                    namespace: global.namespace.clone(),
                    request_timeout: Some(cx.defaults.request_timeout),
                },
                &b,
                dry_run,
                p.wait.unwrap_or(true),
                timeout,
                cx.events,
            )
            .await?;
            report
        };
        deploy_outcome(report)
    })
    .await)
}

/// A deploy report as the CLI renders it with `--json`: the objects of a dry run as a v1
/// List, else the report and its verdict.
fn deploy_outcome(report: ops::DeployReport) -> Result<Outcome> {
    if report.dry_run.is_some() {
        return Ok(Outcome::of(
            &ops::deploy::object_list(&report.manifests),
            format!(
                "{}: {} object(s) (dry run)",
                report.name,
                report.manifests.len()
            ),
        ));
    }
    let summary = match (report.changed, report.ready) {
        (false, _) => format!(
            "{}: nothing changed (already deployed as described)",
            report.name
        ),
        (true, Some(true)) => format!("{}: deployed and ready", report.name),
        (true, _) => format!("{}: applied", report.name),
    };
    Ok(Outcome::checked(&report, report.result(), summary))
}
