//! Resources (obi-mcp's URIs, plus `b00t://datums`) and prompts. Each resource is read through
//! the same use case as the tool or CLI command it mirrors.

use rmcp::ErrorData as McpError;
use rmcp::model::{
    GetPromptResult, JsonObject, Prompt, PromptArgument, PromptMessage, ReadResourceResult,
    Resource, ResourceContents, Role,
};
use serde_json::{Value, json};

use super::{ServeOptions, Toolset};
use crate::datum;
use crate::error::Error;
use crate::ops::obi::{self as obi_ops, docker as obi_docker};
use crate::runtime::LogOptions;
use crate::runtime::kube::{ConnectOptions, Kube};

const K8S_CONFIG: &str = "obi-k8s://config/current";
const K8S_STATUS: &str = "obi-k8s://status/cluster";
const K8S_LOGS: &str = "obi-k8s://logs/recent";
const DOCKER_STATUS: &str = "obi-docker://status/current";
const DOCKER_LOGS: &str = "obi-docker://logs/recent";
const DOCKER_COMPOSE: &str = "obi-docker://compose/template";
const DATUMS: &str = "b00t://datums";

/// The resources of the enabled toolsets.
pub fn list(opts: &ServeOptions) -> Vec<Resource> {
    let mut out = vec![
        Resource::new(DATUMS, "datums")
            .with_description("The MCP server datums (*.mcp.toml) found in the datum path, and where: name, file, methods")
            .with_mime_type("application/json"),
    ];
    if opts.toolsets.contains(&Toolset::Obi) {
        out.push(
            Resource::new(K8S_CONFIG, "obi-k8s-config")
                .with_description("The deployed OBI agent's config (b00t obi config show --json)")
                .with_mime_type("application/json"),
        );
        out.push(
            Resource::new(K8S_STATUS, "obi-k8s-status")
                .with_description("The OBI agent on every node (b00t obi status --json)")
                .with_mime_type("application/json"),
        );
        out.push(
            Resource::new(K8S_LOGS, "obi-k8s-logs")
                .with_description("The last 50 log lines of every OBI agent pod, merged by time")
                .with_mime_type("text/plain"),
        );
    }
    if opts.toolsets.contains(&Toolset::Docker) {
        out.push(
            Resource::new(DOCKER_STATUS, "obi-docker-status")
                .with_description("The OBI agent container `obi` (b00t obi docker status --json)")
                .with_mime_type("application/json"),
        );
        out.push(
            Resource::new(DOCKER_LOGS, "obi-docker-logs")
                .with_description("The last 100 log lines of the OBI agent container `obi`")
                .with_mime_type("text/plain"),
        );
        out.push(
            Resource::new(DOCKER_COMPOSE, "obi-docker-compose")
                .with_description("The compose file b00t obi docker compose writes by default (config at ./obi-config.yml)")
                .with_mime_type("application/yaml"),
        );
    }
    out
}

fn failed(uri: &str, e: Error) -> McpError {
    McpError::internal_error(
        format!("{uri}: {}", e.chain()),
        Some(json!({"exit_code": e.exit().code(), "exit_class": e.exit().class()})),
    )
}

fn json_contents(uri: &str, v: &Value) -> ReadResourceResult {
    ReadResourceResult::new(vec![
        ResourceContents::text(
            serde_json::to_string_pretty(v).expect("JSON serialises"),
            uri,
        )
        .with_mime_type("application/json"),
    ])
}

async fn obi_kube(opts: &ServeOptions) -> crate::error::Result<Kube> {
    let d = &opts.defaults;
    Ok(Kube::connect(&ConnectOptions {
        kubeconfig: d.kubeconfig.clone(),
        context: d.context.clone(),
        namespace: Some(obi_ops::namespace(d.namespace.as_deref())),
        request_timeout: Some(d.request_timeout),
    })
    .await?)
}

async fn docker(opts: &ServeOptions) -> crate::error::Result<crate::runtime::docker::Docker> {
    Ok(
        crate::runtime::docker::Docker::connect(&crate::runtime::docker::ConnectOptions {
            host: None,
            timeout: Some(opts.defaults.request_timeout),
        })
        .await?,
    )
}

/// Read one resource. An unknown URI is a protocol error (resource not found).
pub async fn read(opts: &ServeOptions, uri: &str) -> Result<ReadResourceResult, McpError> {
    let known = list(opts).into_iter().any(|r| r.uri == uri);
    if !known {
        return Err(McpError::resource_not_found(
            format!("no resource {uri:?}"),
            None,
        ));
    }
    let res: crate::error::Result<ReadResourceResult> = async {
        Ok(match uri {
            DATUMS => json_contents(uri, &datums(opts)?),
            K8S_CONFIG => {
                let kube = obi_kube(opts).await?;
                let c = obi_ops::lifecycle::config_show(&kube).await?;
                json_contents(uri, &serde_json::to_value(&c).expect("serialises"))
            }
            K8S_STATUS => {
                let kube = obi_kube(opts).await?;
                let st = obi_ops::status::status(&kube, Default::default()).await?;
                json_contents(uri, &serde_json::to_value(&st).expect("serialises"))
            }
            K8S_LOGS => {
                let kube = obi_kube(opts).await?;
                let req = obi_ops::logs::ObiLogs {
                    level: None,
                    log: LogOptions {
                        tail: Some(50),
                        container: Some(obi_ops::CONTAINER.into()),
                        ..Default::default()
                    },
                };
                let mut text = String::new();
                let mut sink = |l: crate::runtime::LogLine| {
                    text.push_str(&format!("[{}] {}\n", l.pod, l.line));
                };
                obi_ops::logs::logs(&kube, &req, &mut sink).await?;
                ReadResourceResult::new(vec![ResourceContents::text(text, uri)])
            }
            DOCKER_STATUS => {
                let d = docker(opts).await?;
                let st = obi_docker::status(&d, obi_docker::DEFAULT_NAME).await?;
                json_contents(uri, &serde_json::to_value(&st).expect("serialises"))
            }
            DOCKER_LOGS => {
                let d = docker(opts).await?;
                let req = obi_docker::DockerLogs {
                    level: None,
                    log: crate::runtime::docker::LogOptions {
                        tail: Some(100),
                        ..Default::default()
                    },
                };
                let mut text = String::new();
                let mut sink = |e: crate::runtime::docker::LogEntry| {
                    text.push_str(&e.line);
                    text.push('\n');
                };
                obi_docker::logs(&d, obi_docker::DEFAULT_NAME, &req, &mut sink).await?;
                ReadResourceResult::new(vec![ResourceContents::text(text, uri)])
            }
            DOCKER_COMPOSE => {
                let agent = obi_docker::Agent {
                    name: obi_docker::DEFAULT_NAME.into(),
                    ..Default::default()
                };
                let image = agent.image()?;
                let text = obi_docker::compose_text(&agent, &image, false, false);
                ReadResourceResult::new(vec![
                    ResourceContents::text(text, uri).with_mime_type("application/yaml"),
                ])
            }
            _ => unreachable!("checked against the list above"),
        })
    }
    .await;
    res.map_err(|e| failed(uri, e))
}

/// `b00t://datums`: every datum in the datum path, where it is, and its methods.
fn datums(opts: &ServeOptions) -> crate::error::Result<Value> {
    let dirs = datum::search_dirs(opts.defaults.path.as_deref());
    let mut items = Vec::new();
    for e in datum::list(&dirs)? {
        let mut item = json!({"name": e.name, "path": e.path.display().to_string()});
        match e.load() {
            Ok(d) => {
                let mut methods: Vec<Value> = d
                    .stdio
                    .iter()
                    .map(|m| json!({"type": "stdio", "command": m.command, "args": m.args, "priority": m.priority}))
                    .collect();
                methods.extend(
                    d.httpstream.iter().map(
                        |m| json!({"type": "httpstream", "url": m.url, "priority": m.priority}),
                    ),
                );
                item["hint"] = json!(d.hint);
                item["methods"] = Value::Array(methods);
            }
            Err(err) => item["error"] = json!(Error::from(err).chain()),
        }
        items.push(item);
    }
    Ok(json!({
        "dirs": dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
        "datums": items,
    }))
}

const SETUP: &str = "setup-obi-kubernetes";
const DEPLOY_MCP: &str = "deploy-mcp-server";

pub fn prompts(opts: &ServeOptions) -> Vec<Prompt> {
    let mut out = Vec::new();
    if opts.toolsets.contains(&Toolset::Obi) {
        out.push(Prompt::new(
            SETUP,
            Some("Set up the OBI eBPF agent on a Kubernetes cluster with b00t's obi_k8s_* tools"),
            Some(vec![
                PromptArgument::new("clusterType")
                    .with_description("k3d, kind, minikube, eks, gke, aks or custom")
                    .with_required(false),
                PromptArgument::new("namespace")
                    .with_description("Namespace of the agent (default observability)")
                    .with_required(false),
            ]),
        ));
    }
    if opts.toolsets.contains(&Toolset::K8s) {
        out.push(Prompt::new(
            DEPLOY_MCP,
            Some("Deploy an MCP server from its datum with b00t's k8s_* tools"),
            Some(vec![
                PromptArgument::new("name")
                    .with_description(
                        "The datum name (<name>.mcp.toml; see resource b00t://datums)",
                    )
                    .with_required(true),
            ]),
        ));
    }
    out
}

fn arg<'a>(args: Option<&'a JsonObject>, name: &str) -> Option<&'a str> {
    args.and_then(|a| a.get(name)).and_then(Value::as_str)
}

pub fn prompt(
    opts: &ServeOptions,
    name: &str,
    args: Option<&JsonObject>,
) -> Result<GetPromptResult, McpError> {
    if !prompts(opts).iter().any(|p| p.name == name) {
        return Err(McpError::invalid_params(
            format!("unknown prompt {name:?}"),
            None,
        ));
    }
    let text = match name {
        SETUP => {
            let cluster = arg(args, "clusterType").unwrap_or("custom");
            let ns = arg(args, "namespace").unwrap_or(obi_ops::DEFAULT_NAMESPACE);
            let local = matches!(cluster, "k3d" | "kind" | "minikube");
            format!(
                "Set up the OBI eBPF agent (OpenTelemetry eBPF Instrumentation) on this {cluster} cluster in namespace {ns}, using b00t's tools:\n\
                 1. Call obi_k8s_preflight with namespace \"{ns}\": it checks the nodes (Linux kernel), the namespace's Pod Security label and your permissions. Resolve every blocker it reports before going on.\n\
                 2. Check a config before deploying: call obi_k8s_config with action \"validate\" and the YAML in `config`. Keys OBI knows include log_level, metrics.features (network, application), prometheus_export.port, otel_metrics_export.endpoint, otel_traces_export.endpoint and internal_metrics.exporter. Without a config b00t writes its default (network and application metrics on a Prometheus port).\n\
                 3. Deploy the agent as a DaemonSet with obi_k8s_deploy (namespace \"{ns}\"; imageTag to pin a version; otlpEndpoint to export OTLP){}.\n\
                 4. Call obi_k8s_status: every schedulable node should have a ready agent and the health should be HEALTHY; DEGRADED comes with reasons.\n\
                 5. Read obi_k8s_logs (level \"warn\") if anything is wrong.\n\
                 To remove everything later, call obi_k8s_undeploy.",
                if local {
                    "; on a local cluster the default capabilities mode usually works where privileged does not"
                } else {
                    ""
                }
            )
        }
        DEPLOY_MCP => {
            let Some(server) = arg(args, "name") else {
                return Err(McpError::invalid_params(
                    "prompt deploy-mcp-server needs the argument name",
                    None,
                ));
            };
            format!(
                "Deploy the MCP server \"{server}\" with b00t:\n\
                 1. Read the resource b00t://datums and check that a datum named \"{server}\" exists (file {server}.mcp.toml) and which methods it has.\n\
                 2. Call k8s_deploy_mcp with server \"{server}\" and dry_run \"client\" to see the objects it would create.\n\
                 3. Call k8s_deploy_mcp with server \"{server}\" to apply them and wait until the server is ready; if it fails, the error carries the reasons and last log lines.\n\
                 4. Call k8s_status with name \"{server}\" and k8s_logs with name \"{server}\" to check on it.\n\
                 To remove it, call k8s_delete with name \"{server}\"."
            )
        }
        _ => unreachable!("checked against the list above"),
    };
    Ok(GetPromptResult::new(vec![PromptMessage::new_text(
        Role::User,
        text,
    )]))
}
