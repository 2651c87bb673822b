//! `b00t k8s connect` and `b00t k8s probe` (+ `status --probe`, `list --probe`) against the
//! fake API server, whose exec and port-forward speak the real WebSocket protocols and run
//! the pod's command as a local process. The MCP server is the real server-everything
//! (stdio, and streamable HTTP behind port-forward); the clients are the MCP Inspector CLI
//! and rmcp.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use serde_json::Value;

use crate::common::{KubeCtx, McpClients, Out, mcp_clients};
use crate::support::{Behavior, FakeCluster, Matcher};

/// A fake cluster, a datum directory, and b00t pointed at both.
struct Ctx {
    kube: KubeCtx,
    datums: tempfile::TempDir,
}

impl Ctx {
    fn new() -> Ctx {
        Ctx {
            kube: KubeCtx::new(FakeCluster::start()),
            datums: tempfile::tempdir().unwrap(),
        }
    }

    fn datum(&self, name: &str, text: &str) {
        std::fs::write(self.datums.path().join(format!("{name}.mcp.toml")), text).unwrap();
    }

    /// A stdio server datum running `command args…` (stdin kept open, no port).
    fn stdio_datum(&self, name: &str, command: &str, args: &[&str]) {
        let args: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
        self.datum(
            name,
            &format!(
                "[b00t]\nname = {name:?}\ntype = \"mcp\"\ncommand = {command:?}\nargs = [{}]\n\n[b00t.k8s]\nimage = \"node:22-alpine\"\n",
                args.join(", ")
            ),
        );
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.kube.cmd(&[]);
        c.arg("--path").arg(self.datums.path()).args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Out {
        Out::from(self.cmd(args).output().expect("run b00t"))
    }

    fn deploy(&self, name: &str) {
        let o = self.run(&["k8s", "deploy-mcp", "--server", name, "--timeout", "20s"]);
        assert_eq!(o.code, 0, "deploy {name}: {o}");
    }

    /// `b00t --kubeconfig … --path … ARGS` as a command line for another program to spawn.
    fn argv(&self, args: &[&str]) -> Vec<String> {
        let mut v = vec![
            env!("CARGO_BIN_EXE_b00t").to_string(),
            "--kubeconfig".into(),
            self.kube.cluster.kubeconfig_path().display().to_string(),
            "--path".into(),
            self.datums.path().display().to_string(),
        ];
        v.extend(args.iter().map(|s| s.to_string()));
        v
    }
}

/// A deployed `everything` stdio server (server-everything run by the local node).
fn everything_stdio(m: &McpClients) -> Ctx {
    let ctx = Ctx::new();
    ctx.stdio_datum(
        "everything",
        &m.node.display().to_string(),
        &[&m.everything.display().to_string(), "stdio"],
    );
    ctx.deploy("everything");
    ctx
}

/// `node <inspector> --cli --method tools/list -- <server argv>`: the tool names it lists.
fn inspector_tools(m: &McpClients, server: &[String]) -> Vec<String> {
    let out = m
        .node(&m.inspector)
        .args(["--cli", "--method", "tools/list", "--"])
        .args(server)
        .stdin(Stdio::null())
        .output()
        .expect("run the MCP Inspector");
    let o = Out::from(out);
    assert_eq!(o.code, 0, "inspector: {o}");
    let v = o.json();
    v["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {o}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// An rmcp client on `b00t … k8s connect NAME` run as a process: initialize, tools/list,
/// and one tools/call (`echo`). Returns the tool names.
fn rmcp_tools_and_echo(argv: &[String]) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut child = tokio::process::Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn b00t connect");
        let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
        let client = tokio::time::timeout(Duration::from_secs(30), ().serve((stdout, stdin)))
            .await
            .expect("initialize in time")
            .expect("initialize");
        let info = client.peer_info().expect("server info");
        assert!(
            info.server_info
                .as_ref()
                .is_some_and(|s| s.name.contains("everything")),
            "{info:?}"
        );
        let tools = client.list_all_tools().await.expect("tools/list");
        let args = serde_json::json!({"message": "through b00t"});
        let called = client
            .call_tool(
                rmcp::model::CallToolRequestParams::new("echo")
                    .with_arguments(args.as_object().unwrap().clone()),
            )
            .await
            .expect("tools/call echo");
        let text = serde_json::to_string(&called.content).unwrap();
        assert!(text.contains("through b00t"), "{text}");
        client.cancel().await.expect("close");
        // Our end closed: connect closes the server's stdin and ends.
        let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
            .await
            .expect("connect ends when the client goes")
            .unwrap();
        assert!(status.success(), "{status:?}");
        tools.iter().map(|t| t.name.to_string()).collect::<Vec<_>>()
    })
}

#[test]
fn connect_bridges_a_stdio_server_through_exec_for_the_inspector_and_rmcp() {
    let Some(m) = mcp_clients() else { return };
    let ctx = everything_stdio(&m);
    let tools = inspector_tools(&m, &ctx.argv(&["k8s", "connect", "everything"]));
    assert!(tools.iter().any(|t| t == "echo"), "{tools:?}");
    let via_rmcp = rmcp_tools_and_echo(&ctx.argv(&["k8s", "connect", "everything"]));
    // server-everything adds `get-roots-list` for clients that declare roots (the Inspector
    // CLI does, rmcp's default client does not): otherwise both see the same tools.
    let without_roots = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|t| *t != "get-roots-list")
            .cloned()
            .collect()
    };
    assert_eq!(without_roots(&via_rmcp), without_roots(&tools));
    // Every connection is its own exec (a fresh server process), with the exec subprotocol.
    let execs: Vec<_> = ctx
        .kube
        .cluster
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/exec"))
        .collect();
    assert_eq!(execs.len(), 2, "{execs:?}");
    assert!(
        execs
            .iter()
            .all(|r| r.param("stdin").as_deref() == Some("true"))
    );
}

#[test]
fn probe_reports_handshake_and_latency_as_table_json_status_and_list() {
    let Some(m) = mcp_clients() else { return };
    let ctx = everything_stdio(&m);
    let o = ctx.run(&["k8s", "probe", "everything"]);
    assert_eq!(o.code, 0, "{o}");
    let header = o.stdout.lines().next().unwrap_or_default();
    for col in [
        "STATUS",
        "TRANSPORT",
        "PROTOCOL",
        "SERVER",
        "TOOLS",
        "INITIALIZE",
        "TOOLS/LIST",
    ] {
        assert!(header.contains(col), "{o}");
    }
    assert!(
        o.stdout.contains("healthy") && o.stdout.contains("stdio"),
        "{o}"
    );

    let o = ctx.run(&["k8s", "probe", "everything", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["name"], "everything-mcp");
    assert_eq!(v["transport"], "stdio");
    assert!(v["reason"].is_null());
    assert!(
        v["server_name"].as_str().unwrap().contains("everything"),
        "{v}"
    );
    assert!(!v["server_version"].as_str().unwrap().is_empty(), "{v}");
    assert!(
        v["protocol_version"].as_str().unwrap().starts_with("20"),
        "{v}"
    );
    assert!(v["tool_count"].as_u64().unwrap() > 3, "{v}");
    assert!(v["tools"].as_array().unwrap().iter().any(|t| t == "echo"));
    let (init, list) = (
        v["initialize_ms"].as_f64().unwrap(),
        v["tools_list_ms"].as_f64().unwrap(),
    );
    assert!(init > 0.0 && list > 0.0, "{v}");
    eprintln!("probe latency (stdio, fake API server): initialize {init} ms, tools/list {list} ms");
    assert!(
        v["pod"].as_str().unwrap().starts_with("everything-mcp-"),
        "{v}"
    );
    assert!(v["endpoint"].as_str().unwrap().contains("stdio"), "{v}");

    let o = ctx.run(&["k8s", "status", "everything", "--probe", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v["healthy"], true);
    assert_eq!(v["probe"]["healthy"], true, "{v}");
    let o = ctx.run(&["k8s", "status", "everything", "--probe"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("mcp: ok: "), "{o}");

    let o = ctx.run(&["k8s", "list", "--probe", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let rows = o.json();
    assert_eq!(rows[0]["probe"]["healthy"], true, "{rows}");
    let o = ctx.run(&["k8s", "list", "--probe"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.lines().next().unwrap().contains("MCP"), "{o}");
    assert!(o.stdout.contains("ok, "), "{o}");
    // Without --probe, list stays as it was.
    let rows = ctx.run(&["k8s", "list", "--json"]).json();
    assert!(rows[0].get("probe").is_none(), "{rows}");

    // The same probe as the `k8s_probe` tool of `b00t mcp serve`, called by the MCP Inspector:
    // the CLI's document, apart from the timings and the pod's process.
    let cli = ctx.run(&["k8s", "probe", "everything", "--json"]).json();
    let mut argv = vec![
        m.inspector.display().to_string(),
        "--cli".into(),
        "--method".into(),
        "tools/call".into(),
        "--tool-name".into(),
        "k8s_probe".into(),
        "--tool-arg".into(),
        "name=everything".into(),
        "--".into(),
    ];
    argv.extend(ctx.argv(&["mcp", "serve", "--read-only"]));
    let o = Out::from(
        Command::new(&m.node)
            .args(&argv)
            .env("HOME", ctx.kube.home.path())
            .output()
            .expect("run the MCP Inspector"),
    );
    assert_eq!(o.code, 0, "{o}");
    let r = o.json();
    assert_ne!(r["isError"], true, "{r}");
    let strip = |v: &Value| {
        let mut v = v.clone();
        for k in ["initialize_ms", "tools_list_ms"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    assert_eq!(strip(&r["structuredContent"]), strip(&cli), "{r}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the child on drop.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// server-everything over streamable HTTP on a free local port, once it listens.
fn everything_http(m: &McpClients) -> (Killed, u16) {
    let port = free_port();
    let child = m
        .node(&m.everything)
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server-everything");
    let child = Killed(child);
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "server-everything did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, port)
}

#[test]
fn http_server_is_reached_through_port_forward_by_probe_and_connect() {
    let Some(m) = mcp_clients() else { return };
    let ctx = Ctx::new();
    let (_server, port) = everything_http(&m);
    ctx.datum(
        "web",
        "[b00t]\nname = \"web\"\ntype = \"mcp\"\n\n[b00t.k8s]\nimage = \"example/everything-http:1\"\nport = 3001\n",
    );
    ctx.deploy("web");
    ctx.kube.cluster.forward_pod_port(
        "default",
        "web-mcp-",
        3001,
        format!("127.0.0.1:{port}").parse().unwrap(),
    );
    let o = ctx.run(&["k8s", "probe", "web", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["transport"], "http");
    assert!(
        v["endpoint"]
            .as_str()
            .unwrap()
            .contains("port-forward to pod/web-mcp-"),
        "{v}"
    );
    assert!(v["tool_count"].as_u64().unwrap() > 3, "{v}");
    eprintln!(
        "probe latency (HTTP via port-forward, fake API server): initialize {} ms, tools/list {} ms",
        v["initialize_ms"], v["tools_list_ms"]
    );
    let tools = inspector_tools(&m, &ctx.argv(&["k8s", "connect", "web"]));
    assert!(tools.iter().any(|t| t == "echo"), "{tools:?}");
    let forwards = ctx
        .kube
        .cluster
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/portforward"))
        .count();
    assert!(forwards >= 2, "one port-forward stream per connection");

    // Nothing listens behind the pod's port: unhealthy, with the kubelet's error.
    drop(_server);
    let o = ctx.run(&["k8s", "probe", "web", "--timeout", "5s", "--json"]);
    assert_eq!(o.code, 1, "{o}");
    let v = o.json();
    assert_eq!(v["healthy"], false, "{v}");
    let reason = v["reason"].as_str().unwrap();
    assert!(reason.starts_with("initialize failed: "), "{v}");
    assert!(
        reason.contains("error forwarding port 3001 to pod web-mcp-"),
        "{v}"
    );
}

#[test]
fn missing_not_running_and_forbidden_workloads_fail_with_their_exit_codes() {
    let Some(m) = mcp_clients() else { return };
    let ctx = everything_stdio(&m);
    for verb in ["connect", "probe"] {
        let o = ctx.run(&["k8s", verb, "nope"]);
        assert_eq!(o.code, 4, "{o}");
        assert!(o.error_line().contains("\"nope\""), "{o}");
        assert!(o.stdout.is_empty(), "{o}");
    }

    // A server whose pod never becomes ready.
    ctx.stdio_datum("stuck", "cat", &[]);
    ctx.kube
        .cluster
        .set_behavior(Matcher::PodPrefix("stuck-mcp".into()), Behavior::NeverReady);
    let o = ctx.run(&["k8s", "deploy-mcp", "--server", "stuck", "--no-wait"]);
    assert_eq!(o.code, 0, "{o}");
    for verb in ["connect", "probe"] {
        let o = ctx.run(&["k8s", verb, "stuck"]);
        assert_eq!(o.code, 1, "{o}");
        let e = o.error_line();
        assert!(e.contains("stuck-mcp") && e.contains("not running"), "{o}");
        assert!(o.stdout.is_empty(), "{o}");
    }

    // No right to exec: 5, naming the verb and the subresource.
    ctx.kube.cluster.forbid("create", "", "pods/exec", None);
    for verb in ["connect", "probe"] {
        let o = ctx.run(&["k8s", verb, "everything"]);
        assert_eq!(o.code, 5, "{o}");
        let e = o.error_line();
        assert!(
            e.contains("pods/exec") || e.contains("\"pods/exec\"") || e.contains("exec"),
            "{o}"
        );
        assert!(o.stdout.is_empty(), "{o}");
    }
}

#[test]
fn servers_that_run_but_do_not_speak_mcp_are_unhealthy_with_the_reason() {
    let ctx = Ctx::new();
    // `cat` echoes the initialize request instead of answering it.
    ctx.stdio_datum("echoer", "cat", &[]);
    // Prints a banner that is not JSON-RPC, then waits.
    ctx.stdio_datum(
        "banner",
        "sh",
        &["-c", "echo hello, I am not MCP; sleep 30"],
    );
    // Says nothing.
    ctx.stdio_datum("silent", "sleep", &["30"]);
    // Ends at once with an error.
    ctx.stdio_datum("dies", "sh", &["-c", "echo missing API key >&2; exit 3"]);
    for n in ["echoer", "banner", "silent", "dies"] {
        ctx.deploy(n);
    }
    let probe = |name: &str| {
        let o = ctx.run(&["k8s", "probe", name, "--timeout", "2s", "--json"]);
        assert_eq!(o.code, 1, "{o}");
        assert!(o.error_line().contains("unhealthy"), "{o}");
        let v = o.json();
        assert_eq!(v["healthy"], false, "{v}");
        v
    };
    let v = probe("echoer");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("echoed the initialize request"),
        "{v}"
    );
    let v = probe("banner");
    assert!(
        v["reason"].as_str().unwrap().contains("not JSON-RPC"),
        "{v}"
    );
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("hello, I am not MCP"),
        "{v}"
    );
    let v = probe("silent");
    assert!(v["reason"].as_str().unwrap().starts_with("timeout"), "{v}");
    let v = probe("dies");
    assert!(
        v["reason"].as_str().unwrap().contains("exited with code 3"),
        "{v}"
    );
    assert_eq!(v["exit_code"], 3);
    assert_eq!(v["stderr"][0], "missing API key", "{v}");

    // The table says the same.
    let o = ctx.run(&["k8s", "probe", "dies", "--timeout", "2s"]);
    assert_eq!(o.code, 1, "{o}");
    assert!(
        o.stdout.contains("unhealthy") && o.stdout.contains("missing API key"),
        "{o}"
    );
    // status --probe: the pod runs, the server does not answer MCP.
    let o = ctx.run(&["k8s", "status", "silent", "--probe"]);
    assert_eq!(o.code, 1, "{o}");
    assert!(o.error_line().contains("MCP server is unhealthy"), "{o}");
}

#[test]
fn connect_bridges_bytes_and_passes_on_the_exit_code() {
    let ctx = Ctx::new();
    ctx.stdio_datum("cat", "cat", &[]);
    ctx.stdio_datum("fails", "sh", &["-c", "cat; echo bye >&2; exit 3"]);
    ctx.deploy("cat");
    ctx.deploy("fails");
    let run = |name: &str, input: &[u8]| {
        let mut child = ctx
            .cmd(&["k8s", "connect", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        Out::from(child.wait_with_output().unwrap())
    };
    // Byte for byte, including bytes that are not text; EOF on our stdin ends the server.
    let mut input = b"{\"jsonrpc\":\"2.0\"}\n".to_vec();
    input.extend((0u8..=255).collect::<Vec<u8>>());
    let mut child = ctx
        .cmd(&["k8s", "connect", "cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    assert_eq!(out.stdout, input);
    // The server's stderr reaches ours; its exit code is ours.
    let o = run("fails", b"x\n");
    assert_eq!(o.code, 3, "{o}");
    assert_eq!(o.stdout, "x\n");
    assert!(o.stderr.contains("bye"), "{o}");
    assert!(o.error_line().contains("exited with code 3"), "{o}");
}

/// The exec endpoint of the fake speaks both channel subprotocols, and rejects what the real
/// one rejects.
#[test]
fn fake_exec_and_portforward_answer_like_the_api_server() {
    let cluster = FakeCluster::start();
    let ctx = Ctx {
        kube: KubeCtx::new(cluster),
        datums: tempfile::tempdir().unwrap(),
    };
    ctx.stdio_datum("cat", "cat", &[]);
    ctx.deploy("cat");
    let pod = ctx.kube.cluster.pods_with_prefix("default", "cat-mcp-")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let c = &ctx.kube.cluster;
    // Without an upgrade: 400, like the real server.
    let r = c.http_get(&format!(
        "/api/v1/namespaces/default/pods/{pod}/exec?command=ls"
    ));
    assert_eq!(r.status, 400, "{r:?}");
    let r = c.http_get("/api/v1/namespaces/default/pods/nope/exec?command=ls");
    assert_eq!(r.status, 404, "{r:?}");
    let r = c.http_get(&format!(
        "/api/v1/namespaces/default/pods/{pod}/exec?command=ls&container=other"
    ));
    assert_eq!(r.status, 400);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("is not valid for pod"),
        "{body}"
    );
    c.forbid("create", "", "pods/portforward", None);
    let r = c.http_get(&format!(
        "/api/v1/namespaces/default/pods/{pod}/portforward?ports=80"
    ));
    assert_eq!(r.status, 403, "{r:?}");
}

/// Clients that offer only `v4.channel.k8s.io` (no close channel) get it, with the same
/// channels and the exit status on channel 3.
#[test]
fn fake_exec_speaks_v4_for_older_clients() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let ctx = Ctx::new();
    ctx.stdio_datum("cat", "cat", &[]);
    ctx.deploy("cat");
    let c = &ctx.kube.cluster;
    let pod = c.pods_with_prefix("default", "cat-mcp-")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let addr = c.url().trim_start_matches("http://").to_string();
    let url = format!(
        "ws://{addr}/api/v1/namespaces/default/pods/{pod}/exec?command=sh&command=-c&command=read%20x%3B%20echo%20got%20%24x%3B%20exit%202&stdin=true&stdout=true&stderr=true"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert(
            "authorization",
            format!("Bearer {}", c.token()).parse().unwrap(),
        );
        req.headers_mut().insert(
            "sec-websocket-protocol",
            "v4.channel.k8s.io".parse().unwrap(),
        );
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let (mut ws, resp) = tokio_tungstenite::client_async(req, tcp).await.unwrap();
        assert_eq!(
            resp.headers()["sec-websocket-protocol"],
            "v4.channel.k8s.io"
        );
        ws.send(Message::binary(b"\x00hi\n".to_vec()))
            .await
            .unwrap();
        let (mut stdout, mut status) = (Vec::new(), None);
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Binary(b) = m {
                match (b.first(), b.len()) {
                    (Some(1), n) if n > 1 => stdout.extend_from_slice(&b[1..]),
                    (Some(3), n) if n > 1 => {
                        status = Some(serde_json::from_slice::<Value>(&b[1..]).unwrap())
                    }
                    _ => {}
                }
            }
        }
        assert_eq!(String::from_utf8_lossy(&stdout), "got hi\n");
        let status = status.expect("a status on channel 3");
        assert_eq!(status["status"], "Failure", "{status}");
        assert_eq!(status["reason"], "NonZeroExitCode");
        assert_eq!(status["details"]["causes"][0]["reason"], "ExitCode");
        assert_eq!(status["details"]["causes"][0]["message"], "2");
    });
}
