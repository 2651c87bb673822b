//! `b00t k8s list|status` over several kubeconfig contexts (`--context a,b`,
//! `--all-contexts`), run as a process against two fake API servers, a closed port and a
//! server that accepts connections but never answers.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Out, bin};
use crate::support::{Behavior, FakeCluster, FaultRule, Matcher};

fn datums() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/datums")
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A server that accepts TCP connections and never answers; it lives as long as the value.
struct Hang {
    port: u16,
}

impl Hang {
    fn start() -> Hang {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for s in l.incoming().flatten() {
                held.push(s);
            }
        });
        Hang { port }
    }
}

/// One kubeconfig context: its name, server URL, token and namespace.
struct Context<'a> {
    name: &'a str,
    server: String,
    token: String,
    namespace: &'a str,
}

impl<'a> Context<'a> {
    fn of(name: &'a str, c: &FakeCluster, namespace: &'a str) -> Context<'a> {
        Context {
            name,
            server: c.url().to_string(),
            token: c.token(),
            namespace,
        }
    }

    fn at(name: &'a str, port: u16) -> Context<'a> {
        Context {
            name,
            server: format!("http://127.0.0.1:{port}"),
            token: "t".into(),
            namespace: "default",
        }
    }
}

/// `dir/kubeconfig`, holding every context (current context: the first).
fn kubeconfig_in(dir: &Path, contexts: &[Context]) -> PathBuf {
    let path = dir.join("kubeconfig");
    let mut clusters = String::new();
    let mut ctxs = String::new();
    let mut users = String::new();
    for c in contexts {
        clusters.push_str(&format!(
            "- name: {n}\n  cluster:\n    server: {s}\n",
            n = c.name,
            s = c.server
        ));
        ctxs.push_str(&format!(
            "- name: {n}\n  context:\n    cluster: {n}\n    user: {n}-user\n    namespace: {ns}\n",
            n = c.name,
            ns = c.namespace
        ));
        users.push_str(&format!(
            "- name: {n}-user\n  user:\n    token: {t}\n",
            n = c.name,
            t = c.token
        ));
    }
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n{clusters}contexts:\n{ctxs}current-context: {}\nusers:\n{users}",
            contexts[0].name
        ),
    )
    .unwrap();
    path
}

/// Two clusters (`a`: echo in `default`; `b`: github in `team-b`, its context's namespace)
/// and `dead`, a closed port.
struct Clusters {
    a: FakeCluster,
    b: FakeCluster,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Clusters {
    fn start() -> Clusters {
        let a = FakeCluster::start();
        let b = FakeCluster::builder().namespace("team-b").start();
        let home = tempfile::tempdir().unwrap();
        let kubeconfig = kubeconfig_in(
            home.path(),
            &[
                Context::of("a", &a, "default"),
                Context::of("b", &b, "team-b"),
                Context::at("dead", closed_port()),
            ],
        );
        let c = Clusters {
            a,
            b,
            home,
            kubeconfig,
        };
        let o = c.run(&[
            "--context",
            "a",
            "k8s",
            "deploy-mcp",
            "--server",
            "echo",
            "--timeout",
            "20s",
        ]);
        assert_eq!(o.code, 0, "{o}");
        let o = Out::from(
            c.cmd(&[
                "--context",
                "b",
                "k8s",
                "deploy-mcp",
                "--server",
                "github",
                "--timeout",
                "20s",
            ])
            .env("GITHUB_TOKEN", "t")
            .output()
            .unwrap(),
        );
        assert_eq!(o.code, 0, "{o}");
        c
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = bin(self.home.path());
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--path")
            .arg(datums())
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Out {
        Out::from(self.cmd(args).output().unwrap())
    }
}

/// The entries of a JSON array for one context.
fn of_context<'a>(rows: &'a Value, context: &str) -> Vec<&'a Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["context"] == context)
        .collect()
}

#[test]
fn list_over_two_contexts_adds_a_context_column_and_field() {
    let c = Clusters::start();
    let o = c.run(&["--context", "a,b", "k8s", "list"]);
    assert_eq!(o.code, 0, "{o}");
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(lines[0].starts_with("CONTEXT"), "{o}");
    // b's rows are in its context's namespace (team-b), so the namespaces differ and show.
    assert!(lines[0].contains("NAMESPACE"), "{o}");
    assert_eq!(lines.len(), 3, "header + one workload per context: {o}");
    assert!(
        lines[1].starts_with("a ") && lines[1].contains("echo-mcp"),
        "{o}"
    );
    assert!(
        lines[2].starts_with("b ")
            && lines[2].contains("github-mcp")
            && lines[2].contains("team-b"),
        "{o}"
    );

    let o = c.run(&["--context", "b,a", "k8s", "list", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{o}");
    assert_eq!(rows[0]["context"], "b", "the order asked for: {o}");
    assert_eq!(rows[0]["name"], "github-mcp");
    assert_eq!(rows[0]["namespace"], "team-b");
    assert_eq!(rows[1]["context"], "a");
    assert_eq!(rows[1]["name"], "echo-mcp");
    for key in [
        "kind",
        "status",
        "ready",
        "restarts",
        "image",
        "age_seconds",
    ] {
        assert!(rows[1].get(key).is_some(), "{key} in {o}");
    }

    // -n applies to every context instead of each one's own namespace.
    let v = c
        .run(&["--context", "a,b", "-n", "default", "k8s", "list", "--json"])
        .json();
    assert_eq!(of_context(&v, "a").len(), 1, "{v}");
    assert!(of_context(&v, "b").is_empty(), "{v}");

    // -A: every namespace of every context (b's echo is in default, its github in team-b).
    let o = c.run(&[
        "--context",
        "b",
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "-n",
        "default",
        "--timeout",
        "20s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let v = c
        .run(&["--context", "a,b", "-A", "k8s", "list", "--json"])
        .json();
    let b: Vec<(&str, &str)> = of_context(&v, "b")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["namespace"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        b,
        [("echo-mcp", "default"), ("github-mcp", "team-b")],
        "{v}"
    );
    let o = c.run(&[
        "--context",
        "b",
        "k8s",
        "delete",
        "echo",
        "-n",
        "default",
        "--wait",
    ]);
    assert_eq!(o.code, 0, "{o}");

    let o = c.run(&["--context", "a,b", "k8s", "list", "-o", "name"]);
    assert_eq!(
        o.stdout, "a deployment/echo-mcp\nb deployment/github-mcp\n",
        "{o}"
    );

    // One context keeps the single-cluster shape, for scripts: no context field or column.
    let o = c.run(&["--context", "b", "k8s", "list", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v[0]["name"], "github-mcp");
    assert!(v[0].get("context").is_none(), "{o}");
    let o = c.run(&["--context", "a,", "k8s", "list"]);
    assert!(o.stdout.starts_with("STATUS"), "{o}");
}

#[test]
fn all_contexts_shows_a_dead_context_as_an_error_row_and_exits_0() {
    let c = Clusters::start();
    // What the dead context alone prints.
    let alone = c.run(&["--context", "dead", "k8s", "list"]);
    assert_eq!(alone.code, 3, "{alone}");
    let message = alone.error_line().trim_start_matches("error: ").to_string();
    assert!(message.contains("\"dead\""), "{alone}");

    let o = c.run(&["k8s", "list", "--all-contexts"]);
    assert_eq!(o.code, 0, "{o}");
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(lines[0].starts_with("CONTEXT"), "{o}");
    assert!(lines[1].starts_with("a ") && lines[1].contains("echo-mcp"));
    assert!(lines[2].starts_with("b ") && lines[2].contains("github-mcp"));
    assert!(
        lines[3].starts_with("dead ") && lines[3].contains("❌ unreachable"),
        "sorted by name, the dead context as a row: {o}"
    );
    assert!(
        o.stdout
            .contains(&format!("error in context dead: {message}\n")),
        "the single-context message: {o}"
    );

    let o = c.run(&["k8s", "list", "--all-contexts", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(of_context(&v, "a")[0]["name"], "echo-mcp");
    assert_eq!(of_context(&v, "b")[0]["name"], "github-mcp");
    let dead = of_context(&v, "dead");
    assert_eq!(dead.len(), 1, "{o}");
    assert_eq!(dead[0]["error"], message.as_str());
    assert_eq!(dead[0]["exit_code"], 3);
    assert_eq!(dead[0]["exit_class"], "unreachable");
    assert!(dead[0].get("name").is_none(), "{o}");
}

#[test]
fn every_context_failing_fails_the_command() {
    let c = Clusters::start();
    // Credentials refused in b, a closed port: nothing could be read, exit 3.
    c.b.fail(FaultRule::new(401));
    let o = c.run(&["--context", "b,dead", "k8s", "list", "--json"]);
    assert_eq!(o.code, 3, "{o}");
    let v = o.json();
    assert_eq!(of_context(&v, "b")[0]["exit_class"], "forbidden", "{o}");
    assert_eq!(of_context(&v, "dead")[0]["exit_class"], "unreachable");
    assert_eq!(
        o.error_line(),
        "error: every context failed (b: forbidden, dead: unreachable)"
    );
    // Refused in both clusters: the common class, forbidden (5).
    c.a.fail(FaultRule::new(403));
    let o = c.run(&["--context", "a,b", "k8s", "list"]);
    assert_eq!(o.code, 5, "{o}");
    assert!(o.stdout.contains("error in context a: "), "{o}");
    // Refused in one: the other's rows, the refusal as a row, exit 0.
    c.a.clear_faults();
    let o = c.run(&["--context", "a,b", "k8s", "list", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(of_context(&v, "a")[0]["name"], "echo-mcp");
    assert_eq!(of_context(&v, "b")[0]["exit_code"], 5);
}

#[test]
fn unknown_or_conflicting_contexts_are_usage_errors_before_any_request() {
    let c = Clusters::start();
    c.a.clear_requests();
    let o = c.run(&["--context", "a,nope", "k8s", "list"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.error_line().contains("\"nope\"") && o.error_line().contains("a, b, dead"),
        "{o}"
    );
    let o = c.run(&["--context", "a,nope", "k8s", "status"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(c.a.requests().is_empty(), "nothing contacted");
    let o = c.run(&["--context", "a", "k8s", "list", "--all-contexts"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("--all-contexts"), "{o}");
    let o = c.run(&["k8s", "list", "--all-contexts", "--runtime", "docker"]);
    assert_eq!(o.code, 2, "{o}");
    // No kubeconfig at all: nothing to choose from, as unreachable as one context (3).
    let o = Out::from(
        bin(c.home.path())
            .args(["k8s", "status", "--all-contexts"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 3, "{o}");
    assert!(o.error_line().contains("no kubeconfig found"), "{o}");
}

#[test]
fn status_over_contexts_reports_each_and_where_a_name_is_missing() {
    let c = Clusters::start();
    // The cluster overview of every context.
    let o = c.run(&["k8s", "status", "--all-contexts", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    let a = &of_context(&v, "a")[0];
    assert_eq!(a["server"], c.a.url().trim_end_matches('/'));
    assert_eq!(a["workloads"]["total"], 1);
    assert_eq!(of_context(&v, "b")[0]["namespace"], "team-b");
    assert_eq!(of_context(&v, "dead")[0]["exit_class"], "unreachable");
    let o = c.run(&["k8s", "status", "--context", "a,b,dead"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.starts_with("CONTEXT"), "{o}");
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("b ") && l.contains("team-b") && l.contains("1: 1 running")),
        "{o}"
    );

    // A workload in a only: reported there, missing in b said so, exit 0.
    let o = c.run(&["k8s", "status", "echo", "--context", "a,b", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    let a = &of_context(&v, "a")[0];
    assert_eq!(a["name"], "echo-mcp");
    assert_eq!(a["healthy"], true);
    assert_eq!(of_context(&v, "b")[0]["exit_class"], "not found");
    assert!(
        o.stderr.contains("echo not found in context b"),
        "where it is missing: {o}"
    );
    let o = c.run(&["k8s", "status", "echo", "--context", "a,b"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("a ") && l.contains("✅ Running") && l.contains("echo-mcp")),
        "{o}"
    );
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("b ") && l.contains("❌ not found")),
        "{o}"
    );

    // Missing in every context: not found (4).
    let o = c.run(&["k8s", "status", "nothere", "--context", "a,b"]);
    assert_eq!(o.code, 4, "{o}");
    assert_eq!(
        o.error_line(),
        "error: nothere not found in any of the contexts a, b"
    );

    // Unhealthy where it is found: exit 1, with its reasons under the table.
    c.b.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 7,
            logs: vec!["bad config".into()],
        },
    );
    let o = c.run(&[
        "--context",
        "b",
        "k8s",
        "deploy-mcp",
        "--server",
        "filesystem",
        "--image",
        "crashy:9",
        "--no-wait",
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert!(c.b.wait_until(Duration::from_secs(15), |k| {
        k.pods_with_prefix("team-b", "filesystem-mcp-")
            .iter()
            .any(|p| {
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "CrashLoopBackOff"
            })
    }));
    let o = c.run(&["k8s", "status", "filesystem", "--all-contexts"]);
    assert_eq!(o.code, 1, "{o}");
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("b ") && l.contains("❌ Failing")),
        "{o}"
    );
    // Its details under the table, marked with the context (the last log lines appear only
    // while the container is down, which a crash loop makes a matter of timing).
    assert!(o.stdout.contains("[b]  reason: "), "{o}");
    assert!(
        o.error_line()
            .starts_with("error: context b: filesystem-mcp is failing"),
        "{o}"
    );
}

#[test]
fn a_hanging_context_does_not_hold_up_the_others() {
    let a = FakeCluster::start();
    let hang = Hang::start();
    let home = tempfile::tempdir().unwrap();
    let path = kubeconfig_in(
        home.path(),
        &[
            Context::of("a", &a, "default"),
            Context::at("hang", hang.port),
        ],
    );
    a.create(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "lone", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}
    }));
    let run = |args: &[&str]| {
        let start = Instant::now();
        let o = Out::from(
            bin(home.path())
                .arg("--kubeconfig")
                .arg(&path)
                .args(args)
                .output()
                .unwrap(),
        );
        (o, start.elapsed())
    };
    // The per-context deadline is the request timeout when that is shorter than the connect
    // timeout (10 s).
    let (o, took) = run(&[
        "k8s",
        "list",
        "--all-contexts",
        "--all",
        "--json",
        "--request-timeout",
        "2s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    eprintln!("list over a good and a hung context, --request-timeout 2s: {took:?}");
    assert!(took < Duration::from_secs(6), "took {took:?}: {o}");
    let v = o.json();
    assert_eq!(of_context(&v, "a")[0]["name"], "lone", "{o}");
    let h = &of_context(&v, "hang")[0];
    assert_eq!(h["exit_class"], "timed out", "{o}");
    assert!(
        h["error"]
            .as_str()
            .unwrap()
            .contains(&format!("127.0.0.1:{}", hang.port)),
        "{o}"
    );
    // With the default request timeout (30 s), the connect timeout bounds the hung context.
    let (o, took) = run(&["--context", "hang,a", "k8s", "status", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    eprintln!("status over a hung and a good context, default timeouts: {took:?}");
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_secs(15),
        "took {took:?}: {o}"
    );
    let v = o.json();
    assert_eq!(v[0]["context"], "hang");
    assert_eq!(v[0]["exit_class"], "timed out");
    assert!(
        v[0]["error"]
            .as_str()
            .unwrap()
            .contains("timed out after 10s"),
        "{o}"
    );
    assert_eq!(v[1]["context"], "a");
    assert_eq!(v[1]["nodes_total"], 2);
}

#[test]
fn probes_run_in_each_context() {
    let Some(m) = crate::common::mcp_clients() else {
        return;
    };
    let (a, b) = (FakeCluster::start(), FakeCluster::start());
    let home = tempfile::tempdir().unwrap();
    let path = kubeconfig_in(
        home.path(),
        &[
            Context::of("a", &a, "default"),
            Context::of("b", &b, "default"),
        ],
    );
    let datums = tempfile::tempdir().unwrap();
    let datum = |name: &str, command: &str, args: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
        std::fs::write(
            datums.path().join(format!("{name}.mcp.toml")),
            format!(
                "[b00t]\nname = {name:?}\ntype = \"mcp\"\ncommand = {command:?}\nargs = [{}]\n\n[b00t.k8s]\nimage = \"node:22-alpine\"\n",
                args.join(", ")
            ),
        )
        .unwrap();
    };
    datum(
        "everything",
        &m.node.display().to_string(),
        &[&m.everything.display().to_string(), "stdio"],
    );
    datum("dies", "sh", &["-c", "echo missing API key >&2; exit 3"]);
    let run = |args: &[&str]| {
        Out::from(
            bin(home.path())
                .arg("--kubeconfig")
                .arg(&path)
                .arg("--path")
                .arg(datums.path())
                .args(args)
                .output()
                .unwrap(),
        )
    };
    for (context, server) in [("a", "everything"), ("b", "dies")] {
        let o = run(&[
            "--context",
            context,
            "k8s",
            "deploy-mcp",
            "--server",
            server,
            "--timeout",
            "20s",
        ]);
        assert_eq!(o.code, 0, "{o}");
    }

    // b's server does not answer MCP: its row says why, and the command exits 1.
    let o = run(&["--context", "a,b", "k8s", "list", "--probe", "--json"]);
    assert_eq!(o.code, 1, "{o}");
    let v = o.json();
    let ra = &of_context(&v, "a")[0];
    assert_eq!(ra["name"], "everything-mcp");
    assert_eq!(ra["probe"]["healthy"], true, "{o}");
    let rb = &of_context(&v, "b")[0];
    assert_eq!(rb["probe"]["healthy"], false, "{o}");
    assert!(
        rb["probe"]["reason"]
            .as_str()
            .unwrap()
            .contains("exited with code 3"),
        "{o}"
    );
    assert!(o.error_line().starts_with("error: context b: "), "{o}");
    let o = run(&["--context", "a,b", "k8s", "list", "--probe"]);
    assert_eq!(o.code, 1, "{o}");
    let header = o.stdout.lines().next().unwrap();
    assert!(
        header.starts_with("CONTEXT") && header.contains("MCP"),
        "{o}"
    );
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("a ") && l.contains("ok, ")),
        "{o}"
    );

    // status NAME --probe: found and healthy in a, missing in b (exit 0).
    let o = run(&[
        "--context",
        "a,b",
        "k8s",
        "status",
        "everything",
        "--probe",
        "--json",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v[0]["context"], "a");
    assert_eq!(v[0]["probe"]["healthy"], true, "{o}");
    assert_eq!(v[1]["exit_class"], "not found");
    let o = run(&["--context", "b,a", "k8s", "status", "dies", "--probe"]);
    assert_eq!(o.code, 1, "{o}");
    assert!(o.stdout.contains("[b]  mcp: "), "{o}");
    assert!(
        o.error_line()
            .contains("context b: dies-mcp runs but its MCP server is unhealthy"),
        "{o}"
    );
}
