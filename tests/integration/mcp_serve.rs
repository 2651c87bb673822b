//! `b00t mcp serve` run as a process and driven by an rmcp client over its stdio (and once over
//! streamable HTTP), against the fake API server. Tool results are compared with what the CLI
//! prints with `--json` for the same call.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientRequest, GetPromptRequestParams, JsonObject,
    ProgressNotificationParam, ReadResourceRequestParams, Request, ResourceContents,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use crate::common::{KubeCtx, Out};
use crate::support::{Behavior, FakeCluster, Matcher};

fn datums() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/datums")
}

/// Records progress notifications.
#[derive(Clone)]
struct Client {
    progress: mpsc::UnboundedSender<ProgressNotificationParam>,
}

impl ClientHandler for Client {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.progress.send(params);
    }
}

/// A running `b00t mcp serve` with a connected client; every byte it wrote to stdout is kept.
struct Server {
    client: RunningService<RoleClient, Client>,
    progress: mpsc::UnboundedReceiver<ProgressNotificationParam>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: mpsc::UnboundedReceiver<String>,
    child: tokio::process::Child,
}

fn ctx() -> KubeCtx {
    KubeCtx::new(FakeCluster::builder().nodes(2).start())
}

/// `b00t --kubeconfig K --path fixtures/datums ARGS` (blocking; the CLI to compare with).
fn cli(ctx: &KubeCtx, args: &[&str]) -> Out {
    let mut c = ctx.cmd(&["--path"]);
    c.arg(datums()).args(args).current_dir(ctx.home.path());
    Out::from(c.output().expect("run b00t"))
}

async fn serve(ctx: &KubeCtx, extra: &[&str]) -> Server {
    let mut c = ctx.cmd(&["--path"]);
    c.arg(datums()).args(["mcp", "serve"]).args(extra);
    // k8s_deploy writes .b00t/k8s/ into the working directory.
    c.current_dir(ctx.home.path());
    serve_cmd(c).await
}

/// Start this `b00t … mcp serve` command and connect a client over its stdio.
async fn serve_cmd(c: std::process::Command) -> Server {
    let mut c = tokio::process::Command::from(c);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = c.spawn().expect("spawn b00t mcp serve");
    let mut out = child.stdout.take().unwrap();
    let stdin = child.stdin.take().unwrap();
    let err = child.stderr.take().unwrap();
    let (stderr_tx, stderr) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(err).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            eprintln!("server: {l}");
            let _ = stderr_tx.send(l);
        }
    });
    // Tee stdout: keep every byte, and hand it to the client.
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let (client_read, mut tee) = tokio::io::duplex(1 << 20);
    let kept = stdout.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 8192];
        loop {
            match out.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    kept.lock().unwrap().extend_from_slice(&buf[..n]);
                    if tee.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    let (tx, progress) = mpsc::unbounded_channel();
    let client = Client { progress: tx }
        .serve((client_read, stdin))
        .await
        .expect("initialize");
    Server {
        client,
        progress,
        stdout,
        stderr,
        child,
    }
}

fn args(v: Value) -> JsonObject {
    match v {
        Value::Object(o) => o,
        _ => panic!("arguments must be an object"),
    }
}

impl Server {
    async fn call(&self, tool: &str, a: Value) -> CallToolResult {
        self.client
            .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args(a)))
            .await
            .unwrap_or_else(|e| panic!("{tool}: {e}"))
    }

    /// A successful call's structured content.
    async fn ok(&self, tool: &str, a: Value) -> Value {
        let r = self.call(tool, a).await;
        assert_ne!(r.is_error, Some(true), "{tool}: {r:?}");
        assert!(!r.content.is_empty(), "{tool}: a text summary: {r:?}");
        r.structured_content
            .unwrap_or_else(|| panic!("{tool}: no structured content"))
    }

    /// The progress messages received so far (waiting until none comes for 300 ms: the
    /// client's notification handlers run as tasks of their own).
    async fn progress_messages(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(Some(p)) =
            tokio::time::timeout(Duration::from_millis(300), self.progress.recv()).await
        {
            out.push(p.message.unwrap_or_default());
        }
        out
    }

    /// Wait for a stderr line containing `needle`.
    async fn stderr_line(&mut self, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match tokio::time::timeout_at(deadline, self.stderr.recv()).await {
                Ok(Some(l)) if l.contains(needle) => return l,
                Ok(Some(_)) => {}
                _ => panic!("no stderr line containing {needle:?}"),
            }
        }
    }

    /// Close the client, wait for the server to exit, and return its stdout.
    async fn finish(mut self) -> Vec<u8> {
        let _ = self.client.cancel().await;
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("the server exits when stdin closes")
            .unwrap();
        assert!(status.success(), "mcp serve exit status {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.stdout.lock().unwrap().clone()
    }
}

/// `k8s deploy-mcp --server echo` with the CLI; the name of its pod.
fn deploy_echo(ctx: &KubeCtx) -> String {
    let o = cli(
        ctx,
        &["k8s", "deploy-mcp", "--server", "echo", "--timeout", "20s"],
    );
    assert_eq!(o.code, 0, "{o}");
    ctx.cluster.pods_with_prefix("default", "echo-mcp-")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

/// stdout as JSON Lines.
fn json_lines(o: &Out) -> Vec<Value> {
    o.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Drop fields that change between two calls (ages, usage figures, times).
fn stable(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| {
                    !(k.contains("age")
                        || k.contains("uptime")
                        || k.contains("cpu")
                        || k.contains("memory_bytes")
                        || k.contains("latency")
                        || k.ends_with("_at"))
                })
                .map(|(k, v)| (k.clone(), stable(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(stable).collect()),
        v => v.clone(),
    }
}

const ALL_TOOLS: &[&str] = &[
    "k8s_deploy_mcp",
    "k8s_list",
    "k8s_logs",
    "k8s_status",
    "k8s_probe",
    "k8s_delete",
    "k8s_restart_mcp",
    "k8s_translate",
    "k8s_deploy",
    "obi_k8s_deploy",
    "obi_k8s_status",
    "obi_k8s_logs",
    "obi_k8s_preflight",
    "obi_k8s_config",
    "obi_k8s_upgrade",
    "obi_k8s_undeploy",
    "obi_docker_deploy",
    "obi_docker_status",
    "obi_docker_logs",
    "obi_docker_stop",
    "obi_docker_compose",
    "obi_sensor_probe",
    "obi_sensor_snapshot",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_and_tools_list_with_schemas_and_annotations() {
    let ctx = ctx();
    let s = serve(&ctx, &[]).await;
    let info = s.client.peer_info().expect("initialize result");
    assert_eq!(info.server_info.clone().unwrap().name, "b00t");
    assert_eq!(
        info.server_info.clone().unwrap().version,
        env!("CARGO_PKG_VERSION")
    );
    assert!(info.capabilities.tools.is_some());
    assert!(info.capabilities.resources.is_some());
    assert!(info.capabilities.prompts.is_some());

    let tools = s.client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ALL_TOOLS);
    for t in &tools {
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        let out = t.output_schema.as_ref().expect("output schema");
        assert_eq!(out["type"], "object", "{}", t.name);
        assert!(t.description.is_some(), "{}", t.name);
        let a = t.annotations.as_ref().expect("annotations");
        assert!(a.title.is_some());
        let local = [
            "k8s_translate",
            "obi_docker_compose",
            "obi_sensor_probe",
            "obi_sensor_snapshot",
        ];
        assert_eq!(
            a.open_world_hint,
            Some(!local.contains(&t.name.as_ref())),
            "{}",
            t.name
        );
    }
    let tool = |n: &str| tools.iter().find(|t| t.name == n).unwrap();
    let a = |n: &str| tool(n).annotations.clone().unwrap();
    for read in [
        "k8s_list",
        "k8s_logs",
        "k8s_status",
        "k8s_translate",
        "obi_k8s_status",
        "obi_k8s_logs",
        "obi_k8s_preflight",
        "obi_docker_status",
        "obi_docker_logs",
        "obi_sensor_probe",
        "obi_sensor_snapshot",
    ] {
        assert_eq!(a(read).read_only_hint, Some(true), "{read}");
    }
    for write in [
        "k8s_deploy",
        "obi_k8s_deploy",
        "obi_k8s_upgrade",
        "obi_k8s_config",
        "obi_docker_deploy",
        "obi_docker_compose",
    ] {
        assert_eq!(a(write).read_only_hint, Some(false), "{write}");
        assert_eq!(a(write).destructive_hint, Some(false), "{write}");
        assert_eq!(a(write).idempotent_hint, Some(true), "{write}");
    }
    for destructive in ["k8s_delete", "obi_k8s_undeploy", "obi_docker_stop"] {
        assert_eq!(a(destructive).read_only_hint, Some(false));
        assert_eq!(a(destructive).destructive_hint, Some(true), "{destructive}");
    }
    let deploy = a("k8s_deploy_mcp");
    assert_eq!(deploy.read_only_hint, Some(false));
    assert_eq!(deploy.destructive_hint, Some(false));
    assert_eq!(deploy.idempotent_hint, Some(true));
    assert_eq!(a("k8s_restart_mcp").idempotent_hint, Some(false));
    // obi-mcp's parameter names where they map; schemars turns doc comments into descriptions.
    let props = |n: &str| tool(n).input_schema["properties"].clone();
    assert!(props("obi_k8s_logs")["tail"].is_object());
    assert!(props("obi_k8s_undeploy")["keepConfig"].is_object());
    assert!(props("obi_k8s_config")["imageTag"].is_object());
    for p in [
        "imageTag",
        "otlpEndpoint",
        "dryRun",
        "resourcesLimitMemory",
        "node_selector",
    ] {
        assert!(props("obi_k8s_deploy")[p].is_object(), "obi_k8s_deploy {p}");
    }
    assert!(
        props("k8s_logs")["since"]["description"]
            .as_str()
            .unwrap()
            .contains("newer than")
    );
    assert_eq!(
        props("k8s_list")["runtime"]["anyOf"][0]["$ref"],
        "#/$defs/RuntimeParam"
    );
    assert_eq!(
        tool("k8s_list").input_schema["$defs"]["RuntimeParam"]["enum"],
        json!(["kubernetes", "docker"])
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_tools_return_the_cli_json() {
    let ctx = ctx();
    let pod = deploy_echo(&ctx);
    for i in 0..3 {
        ctx.cluster
            .append_log("default", &pod, "echo", &format!("hello {i}"));
    }
    let o = cli(&ctx, &["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    let s = serve(&ctx, &[]).await;

    // list: the CLI's array, wrapped as {"items": …} (structuredContent must be an object).
    let cli_list = cli(&ctx, &["k8s", "list", "--json"]).json();
    let tool = s.ok("k8s_list", json!({})).await;
    assert_eq!(stable(&tool), stable(&json!({ "items": cli_list })));
    assert_eq!(tool["items"][0]["name"], "echo-mcp");
    let cli_list = cli(&ctx, &["k8s", "list", "--type", "mcp", "--json"]).json();
    let tool = s.ok("k8s_list", json!({"type": "mcp"})).await;
    assert_eq!(stable(&tool), stable(&json!({ "items": cli_list })));

    // status of a workload and of the cluster.
    let cli_status = cli(&ctx, &["k8s", "status", "echo", "--json"]);
    assert_eq!(cli_status.code, 0, "{cli_status}");
    let tool = s.ok("k8s_status", json!({"name": "echo"})).await;
    assert_eq!(stable(&tool), stable(&cli_status.json()));
    let cli_status = cli(&ctx, &["k8s", "status", "--json"]).json();
    let tool = s.ok("k8s_status", json!({})).await;
    assert_eq!(stable(&tool), stable(&cli_status));

    // logs: the CLI's JSON Lines as items.
    let o = cli(&ctx, &["k8s", "logs", "echo", "-o", "json"]);
    let lines = json_lines(&o);
    assert!(lines.iter().any(|l| l["line"] == "hello 2"), "{o}");
    let tool = s.ok("k8s_logs", json!({"name": "echo"})).await;
    assert_eq!(tool["items"], Value::Array(lines));
    let tool = s.ok("k8s_logs", json!({"name": "echo", "tail": 1})).await;
    assert_eq!(tool["items"].as_array().unwrap().len(), 1);
    assert_eq!(tool["items"][0]["line"], "hello 2");

    // The OBI agent: status, config, preflight, logs.
    let cli_st = cli(&ctx, &["obi", "status", "--json"]);
    let tool = s.call("obi_k8s_status", json!({})).await;
    let doc = tool.structured_content.clone().unwrap();
    assert_eq!(stable(&doc), stable(&cli_st.json()), "{cli_st}");
    assert_eq!(
        tool.is_error,
        Some(false),
        "a degraded agent is still a report"
    );
    let cli_cfg = cli(&ctx, &["obi", "config", "show", "--json"]).json();
    let tool = s.ok("obi_k8s_config", json!({"action": "show"})).await;
    assert_eq!(tool, cli_cfg);
    let cli_pf = cli(&ctx, &["obi", "preflight", "--json"]);
    let tool = s.call("obi_k8s_preflight", json!({})).await;
    match cli_pf.code {
        0 => assert_eq!(tool.structured_content.unwrap(), cli_pf.json()),
        _ => assert_eq!(tool.structured_content.unwrap()["report"], cli_pf.json()),
    }
    let o = cli(&ctx, &["obi", "logs", "-o", "json"]);
    let lines = json_lines(&o);
    let tool = s.ok("obi_k8s_logs", json!({})).await;
    assert_eq!(tool["items"], Value::Array(lines));

    // config validate needs no cluster.
    let bad = "log_level: INFO\nprometheus_exprt:\n  port: 9400\n";
    let file = ctx.home.path().join("bad.yml");
    std::fs::write(&file, bad).unwrap();
    let o = cli(
        &ctx,
        &[
            "obi",
            "config",
            "validate",
            file.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(o.code, 2, "{o}");
    let tool = s
        .call(
            "obi_k8s_config",
            json!({"action": "validate", "configPath": file}),
        )
        .await;
    assert_eq!(tool.is_error, Some(true));
    let sc = tool.structured_content.unwrap();
    assert_eq!(sc["report"], o.json());
    assert_eq!(sc["exit_code"], 2);
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_and_delete_with_progress_match_the_cli() {
    let ctx = ctx();
    let mut s = serve(&ctx, &[]).await;
    let first = s
        .ok(
            "k8s_deploy_mcp",
            json!({"server": "echo", "timeout": "20s"}),
        )
        .await;
    assert_eq!(first["changed"], true);
    assert_eq!(first["ready"], true);
    assert!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .is_some()
    );
    // The events of the deploy arrived as progress notifications.
    let messages = s.progress_messages().await;
    assert!(
        messages
            .iter()
            .any(|m| m == "deployment.apps/echo-mcp created"),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("waiting")),
        "{messages:?}"
    );
    // Deploying again changes nothing; the CLI says the same in the same document.
    let again = s
        .ok(
            "k8s_deploy_mcp",
            json!({"server": "echo", "timeout": "20s"}),
        )
        .await;
    let o = cli(
        &ctx,
        &[
            "k8s",
            "deploy-mcp",
            "--server",
            "echo",
            "--timeout",
            "20s",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(again, o.json());
    assert_eq!(again["changed"], false);
    // A client dry run is the CLI's v1 List.
    let dry = s
        .ok(
            "k8s_deploy_mcp",
            json!({"server": "echo", "dry_run": "client"}),
        )
        .await;
    let o = cli(
        &ctx,
        &[
            "k8s",
            "deploy-mcp",
            "--server",
            "echo",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(dry, o.json());

    let deleted = s
        .ok("k8s_delete", json!({"name": "echo", "wait": true}))
        .await;
    assert!(
        deleted["deleted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "Deployment" && d["name"] == "echo-mcp"),
        "{deleted}"
    );
    assert!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .is_none()
    );
    // Gone: the same not-found error as the CLI's.
    let r = s.call("k8s_delete", json!({"name": "echo"})).await;
    let o = cli(&ctx, &["k8s", "delete", "echo", "--json"]);
    assert_eq!(o.code, 4, "{o}");
    assert_eq!(r.is_error, Some(true));
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_code"], 4);
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_workload_is_a_tool_error_with_the_cli_message_and_exit_class() {
    let ctx = ctx();
    let s = serve(&ctx, &[]).await;
    let o = cli(&ctx, &["k8s", "status", "nope"]);
    assert_eq!(o.code, 4, "{o}");
    let r = s.call("k8s_status", json!({"name": "nope"})).await;
    assert_eq!(r.is_error, Some(true));
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_code"], 4);
    assert_eq!(sc["exit_class"], "not found");
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );
    let text = r.content[0].as_text().unwrap().text.clone();
    assert_eq!(text, o.error_line());
    // An unknown datum too (exit 4), and a namespace parameter wins over the server's default.
    let r = s
        .call(
            "k8s_deploy_mcp",
            json!({"server": "nope", "namespace": "other"}),
        )
        .await;
    assert_eq!(r.is_error, Some(true));
    assert_eq!(r.structured_content.unwrap()["exit_code"], 4);
    // Bad parameters and unknown tools are protocol errors (invalid params).
    let e = s
        .client
        .call_tool(CallToolRequestParams::new("k8s_logs").with_arguments(args(json!({}))))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("name"), "{e}");
    let e = s
        .client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no_such_tool"), "{e}");
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_offers_and_runs_only_read_tools() {
    let ctx = ctx();
    let s = serve(&ctx, &["--read-only"]).await;
    let names: Vec<String> = s
        .client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    for absent in [
        "k8s_deploy_mcp",
        "k8s_delete",
        "k8s_restart_mcp",
        "obi_k8s_undeploy",
    ] {
        assert!(!names.iter().any(|n| n == absent), "{absent} in {names:?}");
    }
    assert!(names.iter().any(|n| n == "k8s_list"));
    // obi_k8s_config stays, read-only: show and validate, not set.
    let tools = s.client.list_all_tools().await.unwrap();
    let cfg = tools.iter().find(|t| t.name == "obi_k8s_config").unwrap();
    assert_eq!(cfg.annotations.as_ref().unwrap().read_only_hint, Some(true));
    assert_eq!(
        cfg.input_schema["$defs"]["ConfigAction"]["enum"],
        json!(["show", "validate"])
    );
    let e = s
        .client
        .call_tool(
            CallToolRequestParams::new("obi_k8s_config").with_arguments(args(
                json!({"action": "set", "config": "log_level: INFO\n"}),
            )),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("--read-only"), "{e}");
    let e = s
        .client
        .call_tool(
            CallToolRequestParams::new("k8s_deploy_mcp")
                .with_arguments(args(json!({"server": "echo"}))),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not offered"), "{e}");
    assert!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .is_none()
    );
    s.finish().await;

    // --disable-destructive keeps deploy, drops delete; --toolsets narrows the groups.
    let s = serve(&ctx, &["--disable-destructive", "--toolsets", "k8s"]).await;
    let names: Vec<String> = s
        .client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(names.iter().any(|n| n == "k8s_deploy_mcp"));
    assert!(!names.iter().any(|n| n == "k8s_delete"));
    assert!(names.iter().all(|n| n.starts_with("k8s_")), "{names:?}");
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_followed_log_and_a_deploy_wait_stops_them() {
    let ctx = ctx();
    let pod = deploy_echo(&ctx);
    let mut s = serve(&ctx, &["-v"]).await;
    let call = |a: Value| {
        ClientRequest::CallToolRequest(Request::new(
            CallToolRequestParams::new("k8s_logs").with_arguments(args(a)),
        ))
    };
    let handle = s
        .client
        .send_cancellable_request(
            call(json!({"name": "echo", "follow": true})),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    // A line appended while following arrives as a progress notification.
    tokio::time::sleep(Duration::from_millis(500)).await;
    ctx.cluster
        .append_log("default", &pod, "echo", "followed line");
    loop {
        let p = tokio::time::timeout(Duration::from_secs(10), s.progress.recv())
            .await
            .expect("the followed line as a progress notification")
            .unwrap();
        assert_eq!(p.progress_token, handle.progress_token);
        if p.message.unwrap_or_default().contains("followed line") {
            break;
        }
    }
    handle.cancel(Some("enough".into())).await.unwrap();
    s.stderr_line("k8s_logs: cancelled by the client; stopped")
        .await;

    // A deploy waiting for a workload that never becomes ready.
    ctx.cluster
        .set_behavior(Matcher::image("slow"), Behavior::NeverReady);
    let handle = s
        .client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(
                CallToolRequestParams::new("k8s_deploy_mcp").with_arguments(args(json!({
                    "server": "echo", "image": "slow:1", "timeout": "5m"
                }))),
            )),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    loop {
        let p = tokio::time::timeout(Duration::from_secs(10), s.progress.recv())
            .await
            .expect("progress of the deploy")
            .unwrap();
        if p.message.unwrap_or_default().contains("waiting") {
            break;
        }
    }
    handle.cancel(None).await.unwrap();
    s.stderr_line("k8s_deploy_mcp: cancelled by the client; stopped")
        .await;
    // The server still answers.
    s.ok("k8s_list", json!({})).await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_carries_only_json_rpc() {
    let ctx = ctx();
    // -vv: plenty of logs, which must all go to stderr.
    let s = serve(&ctx, &["-vv"]).await;
    s.ok(
        "k8s_deploy_mcp",
        json!({"server": "echo", "timeout": "20s"}),
    )
    .await;
    s.ok("k8s_list", json!({})).await;
    s.call("k8s_status", json!({"name": "nope"})).await;
    s.call("obi_k8s_status", json!({})).await;
    s.ok("k8s_logs", json!({"name": "echo"})).await;
    s.client.list_all_resources().await.unwrap();
    let stdout = s.finish().await;
    let text = String::from_utf8(stdout).expect("UTF-8");
    assert!(text.ends_with('\n'));
    let mut n = 0;
    for line in text.lines() {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
        assert_eq!(v["jsonrpc"], "2.0", "{line}");
        n += 1;
    }
    assert!(n >= 8, "{n} messages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_and_prompts() {
    let ctx = ctx();
    let o = cli(&ctx, &["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    let s = serve(&ctx, &[]).await;
    let uris: Vec<String> = s
        .client
        .list_all_resources()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.uri.clone())
        .collect();
    for u in [
        "b00t://datums",
        "obi-k8s://config/current",
        "obi-k8s://status/cluster",
        "obi-k8s://logs/recent",
        "obi-docker://status/current",
        "obi-docker://logs/recent",
        "obi-docker://compose/template",
    ] {
        assert!(uris.iter().any(|x| x == u), "{u} in {uris:?}");
    }
    let read = |uri: &str| {
        let uri = uri.to_string();
        let client = &s.client;
        async move {
            let r = client
                .read_resource(ReadResourceRequestParams::new(uri.clone()))
                .await
                .unwrap_or_else(|e| panic!("{uri}: {e}"));
            match &r.contents[0] {
                ResourceContents::TextResourceContents { text, .. } => text.clone(),
                other => panic!("{other:?}"),
            }
        }
    };
    let datums: Value = serde_json::from_str(&read("b00t://datums").await).unwrap();
    let echo = datums["datums"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "echo")
        .expect("echo datum");
    assert!(
        echo["path"]
            .as_str()
            .unwrap()
            .ends_with("fixtures/datums/echo.mcp.toml")
    );
    assert_eq!(echo["hint"], "HTTP echo server (demo: listens on 5678)");
    let fs = datums["datums"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "filesystem")
        .expect("filesystem datum");
    assert_eq!(fs["methods"][0]["type"], "stdio", "{fs}");
    let cfg: Value = serde_json::from_str(&read("obi-k8s://config/current").await).unwrap();
    assert_eq!(cfg, cli(&ctx, &["obi", "config", "show", "--json"]).json());
    let st: Value = serde_json::from_str(&read("obi-k8s://status/cluster").await).unwrap();
    assert_eq!(st["namespace"], "observability");
    let compose = read("obi-docker://compose/template").await;
    assert!(compose.contains("otel/ebpf-instrument"), "{compose}");

    let prompts = s.client.list_all_prompts().await.unwrap();
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["setup-obi-kubernetes", "deploy-mcp-server"]);
    let tools: Vec<String> = s
        .client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    for (name, a) in [
        (
            "setup-obi-kubernetes",
            json!({"clusterType": "kind", "namespace": "obs"}),
        ),
        ("deploy-mcp-server", json!({"name": "echo"})),
    ] {
        let mut p = GetPromptRequestParams::new(name);
        p.arguments = Some(args(a));
        let r = s.client.get_prompt(p).await.unwrap();
        let text = match &r.messages[0].content {
            rmcp::model::ContentBlock::Text(t) => t.text.clone(),
            other => panic!("{other:?}"),
        };
        // Every tool the text names is a tool this server offers.
        let named: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("k8s_") || w.starts_with("obi_"))
            .collect();
        assert!(!named.is_empty(), "{text}");
        for n in named {
            assert!(tools.iter().any(|t| t == n), "{name} names {n}: {text}");
        }
    }
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamable_http_with_a_bearer_token() {
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

    let ctx = ctx();
    // Not loopback: refused unless --listen-any.
    let o = cli(&ctx, &["mcp", "serve", "--http", "0.0.0.0:0"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("--listen-any"), "{o}");

    let mut c = ctx.cmd(&["--path"]);
    c.arg(datums())
        .args([
            "mcp",
            "serve",
            "--http",
            "127.0.0.1:0",
            "--token-env",
            "B00T_TEST_TOKEN",
        ])
        .env("B00T_TEST_TOKEN", "s3cret");
    let mut c = tokio::process::Command::from(c);
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = c.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let l = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .expect("the server says where it listens")
            .unwrap()
            .expect("a stderr line");
        if let Some(i) = l.find("http://") {
            break l[i..].trim().to_string();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/mcp")
        .to_string();

    // Without the token: 401.
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    for auth in ["", "Authorization: Bearer wrong\r\n"] {
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let req = format!(
            "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{init}",
            init.len()
        );
        tcp.write_all(req.as_bytes()).await.unwrap();
        let mut resp = String::new();
        tcp.read_to_string(&mut resp).await.unwrap();
        assert!(resp.starts_with("HTTP/1.1 401"), "{resp}");
    }

    // With it: the rmcp streamable-HTTP client.
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.clone()).auth_header("s3cret"),
    );
    let (tx, _progress) = mpsc::unbounded_channel();
    let client = Client { progress: tx }
        .serve(transport)
        .await
        .expect("initialize");
    assert_eq!(
        client
            .peer_info()
            .unwrap()
            .server_info
            .clone()
            .unwrap()
            .name,
        "b00t"
    );
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), ALL_TOOLS.len());
    let r = client
        .call_tool(CallToolRequestParams::new("k8s_list").with_arguments(args(json!({}))))
        .await
        .unwrap();
    let cli_list = cli(&ctx, &["k8s", "list", "--json"]).json();
    assert_eq!(r.structured_content.unwrap(), json!({ "items": cli_list }));
    let _ = client.cancel().await;
    let _ = child.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obi_deploy_config_set_and_undeploy_match_the_cli() {
    let ctx = ctx();
    let s = serve(&ctx, &[]).await;
    let dry = s.ok("obi_k8s_deploy", json!({"dryRun": true})).await;
    let o = cli(&ctx, &["obi", "deploy", "--dry-run", "--json"]);
    assert_eq!(dry, o.json(), "{o}");
    let first = s.ok("obi_k8s_deploy", json!({"timeout": "30s"})).await;
    assert_eq!(first["changed"], true);
    assert_eq!(first["ready"], true);
    assert!(
        ctx.cluster
            .get("daemonsets", "observability", "obi")
            .is_some()
    );
    let again = s.ok("obi_k8s_deploy", json!({"timeout": "30s"})).await;
    let o = cli(&ctx, &["obi", "deploy", "--timeout", "30s", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(stable(&again), stable(&o.json()));
    assert_eq!(again["changed"], false);

    // config set: an invalid config is the CLI's usage error, nothing changed.
    let bad = "log_level: INFO\nprometheus_exprt:\n  port: 9400\n";
    let r = s
        .call("obi_k8s_config", json!({"action": "set", "config": bad}))
        .await;
    assert_eq!(r.is_error, Some(true));
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_code"], 2);
    assert!(
        sc["error"]
            .as_str()
            .unwrap()
            .ends_with("; the deployed config is unchanged"),
        "{sc}"
    );
    let show = s.ok("obi_k8s_config", json!({"action": "show"})).await;
    let good = format!(
        "{}\n# changed by the MCP test\n",
        show["config"].as_str().unwrap()
    );
    let r = s
        .ok(
            "obi_k8s_config",
            json!({"action": "set", "config": good, "restart": false}),
        )
        .await;
    assert_eq!(r["changed"], true, "{r}");
    let show = s.ok("obi_k8s_config", json!({"action": "show"})).await;
    assert!(
        show["config"]
            .as_str()
            .unwrap()
            .contains("changed by the MCP test")
    );

    let r = s.ok("obi_k8s_undeploy", json!({"timeout": "30s"})).await;
    assert!(!r["deleted"].as_array().unwrap().is_empty(), "{r}");
    assert!(
        ctx.cluster
            .get("daemonsets", "observability", "obi")
            .is_none()
    );
    let r = s.call("obi_k8s_status", json!({})).await;
    let o = cli(&ctx, &["obi", "status"]);
    assert_eq!(o.code, 4, "{o}");
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_class"], "not found");
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obi_docker_compose_needs_no_engine_and_matches_the_cli() {
    let ctx = ctx();
    let s = serve(&ctx, &["--toolsets", "docker"]).await;
    let a = ctx.home.path().join("mcp");
    let b = ctx.home.path().join("cli");
    let tool = s
        .ok(
            "obi_docker_compose",
            json!({"out": a, "includeCollector": true, "otlpEndpoint": "http://127.0.0.1:4318"}),
        )
        .await;
    let o = cli(
        &ctx,
        &[
            "obi",
            "docker",
            "compose",
            "--out",
            b.to_str().unwrap(),
            "--with-collector",
            "--otlp-endpoint",
            "http://127.0.0.1:4318",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "{o}");
    let cli_doc = o.json();
    let mut files = Vec::new();
    for (t, c) in tool["files"]
        .as_array()
        .unwrap()
        .iter()
        .zip(cli_doc["files"].as_array().unwrap())
    {
        let (t, c) = (t.as_str().unwrap(), c.as_str().unwrap());
        assert_eq!(
            std::fs::read_to_string(t).unwrap(),
            std::fs::read_to_string(c).unwrap()
        );
        files.push(t.replace(a.to_str().unwrap(), b.to_str().unwrap()));
    }
    assert_eq!(json!(files), cli_doc["files"]);
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("files");
        v
    };
    assert_eq!(strip(tool), strip(cli_doc));
    s.finish().await;
}

/// The real dockerd: a broken agent (busybox that prints `fatal: boom` and exits 1) through
/// deploy, status, logs and stop, each compared with the CLI. Skips without an engine, fails
/// under CI=true.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obi_docker_tools_on_the_real_engine_match_the_cli() {
    const IMAGE: &str = "b00t-test/busybox-broken-mcp:1";
    let up = std::process::Command::new("docker")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    let ready = if up {
        crate::common::import_busybox_image(IMAGE, "echo fatal: boom >&2; exit 1")
    } else {
        Err("docker engine not reachable".into())
    };
    if let Err(why) = ready {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "required under CI=true: {why}"
        );
        eprintln!("skipping: {why}");
        return;
    }
    let name = format!("b00t-mcp-obi-{}", std::process::id());
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = std::process::Command::new("docker")
                .args(["rm", "-f", &self.0])
                .output();
        }
    }
    let _rm = Rm(name.clone());
    let ctx = ctx();
    let s = serve(&ctx, &["--toolsets", "docker"]).await;
    let r = s
        .call(
            "obi_docker_deploy",
            json!({"name": name, "image": IMAGE, "pull": "never", "timeout": "60s"}),
        )
        .await;
    assert_eq!(r.is_error, Some(true), "{r:?}");
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_code"], 1, "{sc}");
    assert!(
        sc["error"].as_str().unwrap().contains("exited with code 1"),
        "{sc}"
    );
    assert_eq!(sc["report"]["name"], name.as_str());
    assert!(
        sc["report"]["failure"]["logs"]
            .to_string()
            .contains("fatal: boom")
    );

    let o = cli(
        &ctx,
        &["obi", "docker", "status", "--name", &name, "--json"],
    );
    let tool = s.ok("obi_docker_status", json!({"name": name})).await;
    assert_eq!(tool["health"], "DOWN");
    assert_eq!(stable(&tool), stable(&o.json()), "{o}");

    let o = cli(
        &ctx,
        &["obi", "docker", "logs", "--name", &name, "-o", "json"],
    );
    let lines = json_lines(&o);
    let tool = s.ok("obi_docker_logs", json!({"name": name})).await;
    assert_eq!(tool["items"], Value::Array(lines), "{o}");
    assert!(tool.to_string().contains("fatal: boom"));

    let tool = s.ok("obi_docker_stop", json!({"name": name})).await;
    assert_eq!(tool["removed"], true);
    let r = s.call("obi_docker_status", json!({"name": name})).await;
    let o = cli(&ctx, &["obi", "docker", "status", "--name", &name]);
    assert_eq!(o.code, 4, "{o}");
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_class"], "not found");
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );
    s.finish().await;
}

/// The embedded sensor through MCP: probe (compared with the CLI) and a snapshot that sees
/// connections this test makes. Needs root; skips without, fails under CI=true.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obi_sensor_probe_and_snapshot_see_our_connections() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: the sensor tools need root"
        );
        eprintln!("skipping: the sensor tools need root");
        return;
    }
    let ctx = ctx();
    let mut s = serve(&ctx, &["--toolsets", "sensor"]).await;
    let o = cli(&ctx, &["obi", "sensor", "probe", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let tool = s.ok("obi_sensor_probe", json!({})).await;
    assert_eq!(tool["run_will_work"], true);
    assert_eq!(stable(&tool), stable(&o.json()));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for c in listener.incoming() {
            drop(c);
        }
    });
    let handle = s
        .client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(
                CallToolRequestParams::new("obi_sensor_snapshot")
                    .with_arguments(args(json!({"seconds": 3, "port": port}))),
            )),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    let p = tokio::time::timeout(Duration::from_secs(10), s.progress.recv())
        .await
        .expect("progress")
        .unwrap();
    assert!(
        p.message
            .unwrap()
            .contains("watching TCP connections for 3s")
    );
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = std::net::TcpStream::connect(("127.0.0.1", port));
    }
    let r = match handle.await_response().await.unwrap() {
        rmcp::model::ServerResult::CallToolResult(r) => r,
        other => panic!("{other:?}"),
    };
    assert_ne!(r.is_error, Some(true), "{r:?}");
    let sc = r.structured_content.unwrap();
    let flows = sc["items"].as_array().unwrap();
    assert!(
        flows
            .iter()
            .any(|f| f["remote_port"] == port && f["connections"].as_u64() > Some(0)),
        "{sc}"
    );
    assert!(
        flows
            .iter()
            .all(|f| f["local_port"] == port || f["remote_port"] == port)
    );
    assert_eq!(sc["summary"]["type"], "summary");
    assert!(sc["summary"]["connections"].as_u64().unwrap() > 0);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn translate_and_deploy_a_compose_project_match_the_cli() {
    let ctx = ctx();
    let mut s = serve(&ctx, &["--toolsets", "k8s"]).await;
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/translate/bind-mounts-warn/compose.yaml");
    let f = fixture.to_str().unwrap();
    let r = s.call("k8s_translate", json!({"from_compose": [f]})).await;
    let o = cli(
        &ctx,
        &["k8s", "translate", "--from-compose", f, "-o", "json"],
    );
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(r.structured_content.clone().unwrap(), o.json());
    let text = r.content[0].as_text().unwrap().text.clone();
    assert!(
        text.contains("warning: app: volumes[0]: bind mount ./src"),
        "{text}"
    );
    // The warnings came as progress, before the response.
    let m = s.progress_messages().await;
    assert!(m[0].starts_with("warning: app: volumes[0]"), "{m:?}");
    let r = s
        .call(
            "k8s_translate",
            json!({"from_compose": [f], "strict": true}),
        )
        .await;
    let o = cli(&ctx, &["k8s", "translate", "--from-compose", f, "--strict"]);
    assert_eq!(o.code, 2, "{o}");
    let sc = r.structured_content.unwrap();
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );

    let compose = ctx.home.path().join("compose.yaml");
    std::fs::write(
        &compose,
        "name: shop\nservices:\n  web:\n    image: nginx:1.25\n    ports: [\"8080:80\"]\n",
    )
    .unwrap();
    let c = compose.to_str().unwrap();
    let first = s
        .ok("k8s_deploy", json!({"from_compose": [c], "timeout": "20s"}))
        .await;
    assert_eq!(first["changed"], true, "{first}");
    assert_eq!(first["ready"], true, "{first}");
    let again = s
        .ok("k8s_deploy", json!({"from_compose": [c], "timeout": "20s"}))
        .await;
    let o = cli(
        &ctx,
        &[
            "k8s",
            "deploy",
            "--from-compose",
            c,
            "--timeout",
            "20s",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(again, o.json());
    assert_eq!(again["changed"], false);
    s.finish().await;
}

/// `runtime: "docker"` on the k8s tools runs on the real engine, as `--runtime docker` does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_tools_with_runtime_docker_match_the_cli() {
    let up = std::process::Command::new("docker")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !up {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "required under CI=true: a Docker engine"
        );
        eprintln!("skipping: docker engine not reachable");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // No kubeconfig: the Docker runtime refuses --kubeconfig, as the CLI does.
    let mut c = crate::common::bin(home.path());
    c.args(["mcp", "serve", "--toolsets", "k8s"]);
    let run = |args: &[&str]| {
        let mut c = crate::common::bin(home.path());
        Out::from(c.args(args).output().unwrap())
    };
    let s = serve_cmd(c).await;
    let o = run(&["k8s", "list", "--runtime", "docker", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let tool = s.ok("k8s_list", json!({"runtime": "docker"})).await;
    assert_eq!(stable(&tool), stable(&json!({ "items": o.json() })));
    let o = run(&["k8s", "status", "--runtime", "docker", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let tool = s.ok("k8s_status", json!({"runtime": "docker"})).await;
    assert_eq!(tool["host"], o.json()["host"]);
    assert_eq!(tool["version"], o.json()["version"]);
    // A namespace does not apply to Docker: the CLI's usage error.
    let r = s
        .call("k8s_list", json!({"runtime": "docker", "namespace": "x"}))
        .await;
    let o = run(&["k8s", "list", "--runtime", "docker", "-n", "x"]);
    assert_eq!(o.code, 2, "{o}");
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_class"], "usage");
    assert_eq!(
        format!("error: {}", sc["error"].as_str().unwrap()),
        o.error_line()
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_tools_over_several_contexts_return_the_cli_json() {
    let (a, b) = (FakeCluster::start(), FakeCluster::start());
    let home = tempfile::tempdir().unwrap();
    let (ka, kb, kdead) = (
        home.path().join("a.yaml"),
        home.path().join("b.yaml"),
        home.path().join("dead.yaml"),
    );
    a.write_kubeconfig_to(&ka, "a", "default");
    b.write_kubeconfig_to(&kb, "b", "default");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        &kdead,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: dead\n  context:\n    cluster: dead\n    user: dead-user\nusers:\n- name: dead-user\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    // Three files merged through KUBECONFIG, as kubectl merges them.
    let joined = std::env::join_paths([&ka, &kb, &kdead]).unwrap();
    let cmd = |args: &[&str]| {
        let mut c = crate::common::bin(home.path());
        c.env("KUBECONFIG", &joined)
            .arg("--path")
            .arg(datums())
            .args(args)
            .current_dir(home.path());
        c
    };
    let o = Out::from(
        cmd(&["--context", "a", "k8s", "deploy-mcp", "--server", "echo"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 0, "{o}");
    let s = serve_cmd(cmd(&["mcp", "serve"])).await;

    let cli_list = Out::from(
        cmd(&["--context", "a,b,dead", "k8s", "list", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(cli_list.code, 0, "{cli_list}");
    let cli_list = json!({"items": cli_list.json()});
    let tool = s
        .ok("k8s_list", json!({"contexts": ["a", "b", "dead"]}))
        .await;
    assert_eq!(stable(&tool), stable(&cli_list));
    assert_eq!(tool["items"][0]["context"], "a");
    assert_eq!(tool["items"][0]["name"], "echo-mcp");
    assert_eq!(tool["items"][1]["context"], "dead");
    assert_eq!(tool["items"][1]["exit_class"], "unreachable");
    // Every context, sorted by name: the same three (b has nothing to list).
    let tool = s.ok("k8s_list", json!({"all_contexts": true})).await;
    assert_eq!(stable(&tool), stable(&cli_list));
    // obi-mcp's camelCase spelling is accepted too.
    let tool = s.ok("k8s_list", json!({"allContexts": true})).await;
    assert_eq!(stable(&tool), stable(&cli_list));

    let cli_status = Out::from(
        cmd(&["--context", "a,b", "k8s", "status", "echo", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(cli_status.code, 0, "{cli_status}");
    let tool = s
        .ok(
            "k8s_status",
            json!({"name": "echo", "contexts": ["a", "b"]}),
        )
        .await;
    assert_eq!(stable(&tool), stable(&json!({"items": cli_status.json()})));
    assert_eq!(tool["items"][1]["exit_class"], "not found");

    // Missing everywhere, an unknown context: errors with the CLI's classes.
    let r = s
        .call(
            "k8s_status",
            json!({"name": "nope", "contexts": ["a", "b"]}),
        )
        .await;
    assert_eq!(r.is_error, Some(true), "{r:?}");
    assert_eq!(r.structured_content.as_ref().unwrap()["exit_code"], 4);
    let r = s.call("k8s_list", json!({"contexts": ["a", "nope"]})).await;
    assert_eq!(r.is_error, Some(true), "{r:?}");
    let sc = r.structured_content.unwrap();
    assert_eq!(sc["exit_class"], "usage");
    assert!(sc["error"].as_str().unwrap().contains("\"nope\""), "{sc}");
}
