//! End-to-end tests against a real cluster. They run only when `B00T_E2E_KUBECONFIG` names a
//! kubeconfig (kind, k3d, minikube); otherwise each test returns early with a message.
//! `B00T_E2E_IMAGE` replaces the example server's image (for clusters without registry access:
//! load an image that listens on the port given by `B00T_E2E_PORT`, default 5678).
//!
//! Each test works in its own namespace that enforces Pod Security "restricted" and deletes it
//! at the end.

use std::path::PathBuf;
use std::process::{Command, Output};

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::Value;

fn kubeconfig() -> Option<PathBuf> {
    match std::env::var_os("B00T_E2E_KUBECONFIG") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!("skipping: B00T_E2E_KUBECONFIG is not set (no real cluster)");
            None
        }
    }
}

struct Ns {
    name: String,
    kubeconfig: PathBuf,
    rt: tokio::runtime::Runtime,
    client: kube::Client,
}

impl Ns {
    fn create(kubeconfig: PathBuf, tag: &str) -> Ns {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let client = rt.block_on(async {
            let kc = Kubeconfig::read_from(&kubeconfig).unwrap();
            let cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                .await
                .unwrap();
            kube::Client::try_from(cfg).unwrap()
        });
        let name = format!("b00t-e2e-{tag}-{}", std::process::id());
        let ns: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}
        }))
        .unwrap();
        let api: Api<Namespace> = Api::all(client.clone());
        rt.block_on(api.create(&PostParams::default(), &ns))
            .expect("create the test namespace");
        Ns {
            name,
            kubeconfig,
            rt,
            client,
        }
    }

    fn b00t(&self, args: &[&str]) -> Output {
        self.b00t_in(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/datums"),
            args,
        )
    }
}

impl Ns {
    /// `b00t --kubeconfig … -n NS --path DATUMS ARGS`.
    fn command(&self, datums: &std::path::Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_b00t"));
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["-n", &self.name]);
        cmd.arg("--path").arg(datums);
        cmd.args(args).env_remove("KUBECONFIG").env("NO_COLOR", "1");
        cmd
    }

    fn b00t_in(&self, datums: &std::path::Path, args: &[&str]) -> Output {
        let out = self.command(datums, args).output().expect("run b00t");
        eprintln!(
            "$ b00t {}\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let _ = self
            .rt
            .block_on(api.delete(&self.name, &DeleteParams::background()));
    }
}

fn image_args() -> Vec<String> {
    std::env::var("B00T_E2E_IMAGE")
        .map(|i| vec!["--image".to_string(), i])
        .unwrap_or_default()
}

#[test]
fn deploy_list_status_logs_restart_delete() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::create(kc, "mcp");
    let mut deploy: Vec<String> = ["k8s", "deploy-mcp", "--server", "echo", "--timeout", "3m"]
        .map(String::from)
        .to_vec();
    deploy.extend(image_args());
    let deploy: Vec<&str> = deploy.iter().map(String::as_str).collect();

    // Server-side dry run first: nothing is stored.
    let mut dry = deploy.clone();
    dry.push("--dry-run=server");
    let out = ns.b00t(&dry);
    assert!(out.status.success(), "server dry run");
    let out = ns.b00t(&["k8s", "list", "--json"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );

    // Real deploy, admitted under "restricted", ready.
    let out = ns.b00t(&deploy);
    assert!(out.status.success(), "deploy-mcp");
    assert!(String::from_utf8_lossy(&out.stdout).contains("deployment.apps/echo-mcp created"));

    // Idempotent.
    let out = ns.b00t(&deploy);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("deployment.apps/echo-mcp unchanged"),
        "{stdout}"
    );
    assert!(stdout.contains("service/echo-mcp unchanged"), "{stdout}");

    let out = ns.b00t(&["k8s", "list", "--json"]);
    assert!(out.status.success());
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &rows[0];
    assert_eq!(row["name"], "echo-mcp");
    assert_eq!(row["namespace"], ns.name.as_str());
    assert_eq!(row["kind"], "Deployment");
    assert_eq!(row["type"], "mcp-server");
    assert_eq!(row["status"], "Running");
    assert_eq!(row["ready"], "1/1");

    let out = ns.b00t(&["k8s", "status", "echo", "--json"]);
    assert!(out.status.success());
    let st: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st["healthy"], true);

    let out = ns.b00t(&["k8s", "status", "--json"]);
    assert!(out.status.success());
    let st: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(st["nodes_ready"].as_u64().unwrap() >= 1);
    assert_eq!(st["workloads"]["running"], 1);

    let out = ns.b00t(&["k8s", "logs", "echo", "-o", "json"]);
    assert!(out.status.success());
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["pod"].as_str().unwrap().starts_with("echo-mcp-"));
        assert_eq!(v["container"], "echo");
    }

    let out = ns.b00t(&["k8s", "restart-mcp", "echo", "--wait", "--timeout", "3m"]);
    assert!(out.status.success(), "restart");

    let out = ns.b00t(&["k8s", "delete", "echo", "--wait"]);
    assert!(out.status.success(), "delete");
    let out = ns.b00t(&["k8s", "list", "--all", "--json"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        serde_json::json!([]),
        "nothing left"
    );
}

#[test]
fn unpullable_image_fails_early_with_the_reason() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::create(kc, "pull");
    // No registry answers for this name: ErrImagePull / ImagePullBackOff, well before the timeout.
    let start = std::time::Instant::now();
    let out = ns.b00t(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "registry.invalid/b00t/none:0",
        "--timeout",
        "4m",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a pod that cannot start is exit 1"
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(200),
        "stopped early, not at the timeout"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did not become ready"), "{err}");
    assert!(
        err.contains("ErrImagePull") || err.contains("ImagePullBackOff"),
        "{err}"
    );
    let out = ns.b00t(&["k8s", "status", "echo"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "status of an unhealthy workload is exit 1"
    );
}

#[test]
fn unknown_context_and_rbac_like_errors_have_exit_codes() {
    let Some(kc) = kubeconfig() else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_b00t"))
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["--context", "no-such-context", "k8s", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-context"));
}

/// Every compose golden case of `fixtures/translate/` that translates cleanly is applied with
/// a server-side dry run: the real API server validates (and defaults) every object we emit.
/// Bare Pods are left out: the test namespace enforces Pod Security "restricted" on pods, and
/// compose services do not ask for it (Deployments and DaemonSets are only warned about).
#[test]
fn translated_compose_fixtures_pass_server_side_dry_run() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::create(kc, "translate");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/translate");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut tried = 0;
    for dir in cases {
        let compose = dir.join("compose.yaml");
        if !compose.exists() || dir.join("expected.exit").exists() || dir.join("env").exists() {
            continue;
        }
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap_or_default();
        if expected.contains("\nkind: Pod\n") {
            continue;
        }
        let mut args = vec![
            "k8s".to_string(),
            "deploy".into(),
            "--from-compose".into(),
            compose.display().to_string(),
        ];
        if let Ok(a) = std::fs::read_to_string(dir.join("args")) {
            // `-n` would leave the test namespace and `--strict` is translate's; the rest applies.
            let words: Vec<&str> = a.split_whitespace().collect();
            let mut i = 0;
            while i < words.len() {
                if words[i] == "-n" {
                    i += 2;
                    continue;
                }
                if words[i] == "--strict" {
                    i += 1;
                    continue;
                }
                if words[i] == "--from-compose" {
                    args.push(words[i].into());
                    args.push(dir.join(words[i + 1]).display().to_string());
                    i += 2;
                    continue;
                }
                args.push(words[i].into());
                i += 1;
            }
        }
        args.push("--dry-run=server".into());
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ns.b00t(&argv);
        assert!(
            out.status.success(),
            "{}: server-side dry run rejected the objects",
            dir.display()
        );
        tried += 1;
    }
    assert!(tried >= 20, "only {tried} cases applied");
    let out = ns.b00t(&["k8s", "list", "--json"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        serde_json::json!([]),
        "a dry run stores nothing"
    );
}

/// The OBI agent's whole life cycle in a namespace b00t creates (the agent needs Pod Security
/// "privileged"): preflight, deploy, status, logs, config show/set, a failing upgrade that is
/// rolled back (exit 7), undeploy. `B00T_E2E_OBI_IMAGE` replaces the agent image (e.g. one
/// loaded with `kind load docker-image`).
#[test]
fn obi_life_cycle() {
    let Some(kc) = kubeconfig() else { return };
    let ns = format!("b00t-e2e-obi-{}", std::process::id());
    let run = |args: &[&str]| -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_b00t"));
        cmd.arg("--kubeconfig").arg(&kc).args(["-n", &ns]);
        cmd.args(args).env_remove("KUBECONFIG").env("NO_COLOR", "1");
        let out = cmd.output().expect("run b00t");
        eprintln!(
            "$ b00t -n {ns} {}\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    struct Cleanup<'a>(&'a dyn Fn(&[&str]) -> Output);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            let _ = (self.0)(&["obi", "undeploy", "--delete-namespace", "--timeout", "2m"]);
        }
    }
    let _cleanup = Cleanup(&run);
    let image = std::env::var("B00T_E2E_OBI_IMAGE").ok();
    let mut deploy = vec!["obi", "deploy", "--timeout", "5m"];
    if let Some(i) = &image {
        deploy.extend(["--image", i.as_str()]);
    }

    let out = run(&["obi", "preflight", "--json"]);
    let pre: Value = serde_json::from_slice(&out.stdout).expect("preflight JSON");
    assert!(pre["checks"].as_array().is_some_and(|c| !c.is_empty()));

    let out = run(&deploy);
    assert!(out.status.success(), "obi deploy");
    let again = run(&deploy);
    assert!(again.status.success(), "obi deploy again");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("nothing changed"),
        "deploying twice changes nothing"
    );

    // Every schedulable node runs a ready agent; whether it observes anything depends on the
    // node's kernel, so health itself is not asserted.
    let out = run(&["obi", "status", "--json"]);
    let st: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(
        st["coverage"]["ready"], st["coverage"]["schedulable"],
        "{st}"
    );
    assert!(st["coverage"]["ready"].as_u64().unwrap_or(0) >= 1, "{st}");

    let out = run(&["obi", "logs", "--tail", "5"]);
    assert!(out.status.success(), "obi logs");

    let out = run(&["obi", "config", "show"]);
    assert!(out.status.success(), "config show");
    let config =
        String::from_utf8_lossy(&out.stdout).replace("log_level: INFO", "log_level: DEBUG");
    assert!(config.contains("log_level: DEBUG"), "{config}");
    let file = std::env::temp_dir().join(format!("b00t-e2e-obi-{}.yml", std::process::id()));
    std::fs::write(&file, &config).unwrap();
    let out = run(&[
        "obi",
        "config",
        "set",
        file.to_str().unwrap(),
        "--timeout",
        "5m",
    ]);
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "config set");

    // An image that cannot be pulled: explained, rolled back, exit 7, agents ready again.
    let out = run(&[
        "obi",
        "upgrade",
        "--image",
        "otel/ebpf-instrument:b00t-e2e-no-such-tag",
        "--timeout",
        "5m",
    ]);
    assert_eq!(out.status.code(), Some(7), "failed upgrade rolls back");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ErrImagePull") || err.contains("ImagePullBackOff"),
        "{err}"
    );
    let out = run(&["obi", "status", "--json"]);
    let st: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(
        st["coverage"]["ready"], st["coverage"]["schedulable"],
        "{st}"
    );
    assert!(
        !st["image"]
            .as_str()
            .unwrap_or_default()
            .contains("no-such-tag"),
        "{st}"
    );

    let out = run(&["obi", "undeploy", "--timeout", "2m"]);
    assert!(out.status.success(), "undeploy");
    let out = run(&["obi", "status"]);
    assert_eq!(out.status.code(), Some(4), "nothing left");
}

/// server-everything, a real stdio MCP server, through npx on b00t's Node image.
const EVERYTHING: &str = r#"[b00t]
name = "everything"
type = "mcp"
command = "npx"
args = ["-y", "@modelcontextprotocol/server-everything@2026.8.31", "stdio"]
"#;

#[test]
fn a_real_stdio_mcp_server_answers_through_connect_and_probe() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::create(kc, "connect");
    let datums = tempfile::tempdir().unwrap();
    std::fs::write(datums.path().join("everything.mcp.toml"), EVERYTHING).unwrap();
    let out = ns.b00t_in(
        datums.path(),
        &[
            "k8s",
            "deploy-mcp",
            "--server",
            "everything",
            "--timeout",
            "5m",
        ],
    );
    assert!(out.status.success(), "deploy-mcp everything");

    // The exec'd server is a fresh npx process: give it time to start.
    let out = ns.b00t_in(
        datums.path(),
        &["k8s", "probe", "everything", "--timeout", "2m", "--json"],
    );
    assert!(out.status.success(), "probe");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["transport"], "stdio");
    assert!(
        v["server_name"].as_str().unwrap().contains("everything"),
        "{v}"
    );
    assert!(v["tool_count"].as_u64().unwrap() > 0, "{v}");
    assert!(v["initialize_ms"].as_f64().unwrap() > 0.0);

    // connect: JSON-RPC in on stdin, only JSON-RPC out on stdout.
    let mut child = ns
        .command(datums.path(), &["k8s", "connect", "everything"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for msg in [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"b00t-e2e","version":"0"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
    ] {
        writeln!(stdin, "{msg}").unwrap();
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut tools = None;
    while tools.is_none() {
        let left = until.saturating_duration_since(std::time::Instant::now());
        let line = rx.recv_timeout(left).expect("an answer to tools/list");
        let v: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout carried a non-JSON line ({e}): {line}"));
        assert_eq!(v["jsonrpc"], "2.0", "{line}");
        if v["id"] == 2 {
            tools = v["result"]["tools"].as_array().map(Vec::len);
        }
    }
    assert!(tools.unwrap() > 0);
    // Closing our stdin ends the server and connect.
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");

    let out = ns.b00t_in(datums.path(), &["k8s", "delete", "everything", "--wait"]);
    assert!(out.status.success(), "delete");
}

#[test]
fn list_and_status_over_two_contexts_of_the_same_cluster() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::create(kc.clone(), "contexts");
    let mut deploy: Vec<String> = ["k8s", "deploy-mcp", "--server", "echo", "--timeout", "3m"]
        .map(String::from)
        .to_vec();
    deploy.extend(image_args());
    let deploy: Vec<&str> = deploy.iter().map(String::as_str).collect();
    assert!(ns.b00t(&deploy).status.success(), "deploy-mcp");

    // A second file, merged through KUBECONFIG: a twin of the current context (same cluster,
    // same user) and a context whose server is a closed port.
    let config = Kubeconfig::read_from(&kc).unwrap();
    let current = config.current_context.clone().expect("a current context");
    let ctx = config
        .contexts
        .iter()
        .find(|c| c.name == current)
        .and_then(|c| c.context.clone())
        .expect("the current context");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.yaml");
    let user = ctx.user.clone().unwrap_or_default();
    std::fs::write(
        &extra,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: b00t-e2e-dead\n  cluster:\n    server: https://127.0.0.1:{port}\ncontexts:\n- name: b00t-e2e-twin\n  context:\n    cluster: {cluster}\n    user: {user}\n- name: b00t-e2e-dead\n  context:\n    cluster: b00t-e2e-dead\n    user: {user}\nusers: []\n",
            cluster = ctx.cluster,
        ),
    )
    .unwrap();
    let joined = std::env::join_paths([&kc, &extra]).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_b00t"))
            .env("KUBECONFIG", &joined)
            .env("NO_COLOR", "1")
            .args(["-n", &ns.name])
            .args(args)
            .output()
            .expect("run b00t");
        eprintln!(
            "$ b00t {}\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let both = format!("{current},b00t-e2e-twin");

    let out = run(&["--context", &both, "k8s", "list", "--json"]);
    assert!(out.status.success());
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["context"], current.as_str());
    assert_eq!(rows[1]["context"], "b00t-e2e-twin");
    for r in rows {
        assert_eq!(r["name"], "echo-mcp");
        assert_eq!(r["namespace"], ns.name.as_str());
        assert_eq!(r["status"], "Running");
    }

    let out = run(&["--context", &both, "k8s", "status", "echo", "--json"]);
    assert!(out.status.success(), "healthy in both");
    let st: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st[0]["healthy"], true);
    assert_eq!(st[1]["healthy"], true);

    // Every context: the dead one is an entry with its error; the command still succeeds.
    let out = run(&["k8s", "list", "--all-contexts", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dead: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["context"] == "b00t-e2e-dead")
        .collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["exit_code"], 3);
    let out = run(&["--context", "b00t-e2e-dead,b00t-e2e-dead", "k8s", "list"]);
    assert_eq!(out.status.code(), Some(3), "the only context is dead");
}
