//! `b00t k8s …` run as a process against the fake API server.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Out, bin};
use crate::support::{Behavior, FakeCluster, FaultRule, Matcher};

fn datums() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/datums")
}

struct Ctx {
    cluster: FakeCluster,
    home: tempfile::TempDir,
}

impl Ctx {
    fn new() -> Ctx {
        Ctx::with(FakeCluster::start())
    }

    fn with(cluster: FakeCluster) -> Ctx {
        Ctx {
            cluster,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = bin(self.home.path());
        c.arg("--kubeconfig")
            .arg(self.cluster.kubeconfig_path())
            .arg("--path")
            .arg(datums());
        c.args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Out {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut c = self.cmd(args);
        for (k, v) in env {
            c.env(k, v);
        }
        Out::from(c.output().expect("run b00t"))
    }

    fn deploy_echo(&self) -> Out {
        let o = self.run(&["k8s", "deploy-mcp", "--server", "echo", "--timeout", "20s"]);
        assert_eq!(o.code, 0, "deploy echo: {o}");
        o
    }
}

fn labels_of(v: &Value) -> &serde_json::Map<String, Value> {
    v["metadata"]["labels"].as_object().expect("labels")
}

// ---------------------------------------------------------------------------------------------
// deploy-mcp

#[test]
fn deploy_creates_labelled_restricted_objects_and_waits_until_ready() {
    let ctx = Ctx::new();
    let o = ctx.deploy_echo();
    assert!(o.stdout.contains("service/echo-mcp created"), "{o}");
    assert!(o.stdout.contains("deployment.apps/echo-mcp created"), "{o}");
    assert!(
        o.stderr.contains("echo-mcp is ready in namespace default"),
        "{o}"
    );
    assert!(
        o.stderr.contains("b00t k8s logs echo-mcp"),
        "next steps: {o}"
    );

    let d = ctx
        .cluster
        .get("deployments", "default", "echo-mcp")
        .expect("deployment stored");
    let l = labels_of(&d);
    assert_eq!(l["app.kubernetes.io/managed-by"], "b00t");
    assert_eq!(l["app.kubernetes.io/name"], "echo");
    assert_eq!(l["app.kubernetes.io/instance"], "echo-mcp");
    assert_eq!(l["app.kubernetes.io/component"], "mcp-server");
    assert_eq!(l["b00t.elastic.ventures/type"], "mcp-server");
    let managers: Vec<&str> = d["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["manager"].as_str())
        .collect();
    assert!(
        managers.contains(&"b00t"),
        "server-side apply with field manager b00t: {managers:?}"
    );
    assert_eq!(d["status"]["readyReplicas"], 1, "it waited for readiness");
    let pods = ctx.cluster.pods_with_prefix("default", "echo-mcp-");
    assert_eq!(pods.len(), 1);
    assert!(FakeCluster::pod_is_ready(&pods[0]));
    let svc = ctx
        .cluster
        .get("services", "default", "echo-mcp")
        .expect("service");
    assert_eq!(svc["spec"]["ports"][0]["port"], 5678);
}

#[test]
fn deploy_into_a_namespace_enforcing_restricted_is_admitted() {
    let ctx = Ctx::new();
    ctx.cluster.create(json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "locked", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}
    }));
    // npx server (stdio): the pod must still pass "restricted".
    let o = ctx.run(&[
        "-n",
        "locked",
        "k8s",
        "deploy-mcp",
        "--server",
        "filesystem",
        "--timeout",
        "20s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let pods = ctx.cluster.pods_with_prefix("locked", "filesystem-mcp-");
    assert_eq!(pods.len(), 1, "the pod was admitted");
    let c = &pods[0]["spec"]["containers"][0];
    assert_eq!(c["stdin"], true, "stdio servers keep stdin open");
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(pods[0]["spec"]["securityContext"]["runAsUser"], 1000);
    let home = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "HOME")
        .expect("HOME");
    assert_eq!(home["value"], "/tmp");
}

#[test]
fn the_fake_server_really_enforces_restricted() {
    // The fake API server really enforces the profile: prove it rejects a root pod, so the
    // previous test's success means something.
    let ctx = Ctx::new();
    ctx.cluster.create(json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "locked", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}
    }));
    let r = ctx.cluster.try_create(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "root", "namespace": "locked"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}
    }));
    assert!(
        r.is_err(),
        "a pod without a security context must be rejected"
    );
}

#[test]
fn deploying_twice_changes_nothing_and_says_so() {
    let ctx = Ctx::new();
    ctx.deploy_echo();
    let gen_before = ctx
        .cluster
        .get("deployments", "default", "echo-mcp")
        .unwrap()["metadata"]["generation"]
        .clone();
    let o = ctx.deploy_echo();
    assert!(
        o.stdout.contains("deployment.apps/echo-mcp unchanged"),
        "{o}"
    );
    assert!(o.stdout.contains("service/echo-mcp unchanged"), "{o}");
    assert!(o.stderr.contains("nothing changed"), "{o}");
    // (resourceVersion may move: controllers write status. The spec did not change.)
    assert_eq!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .unwrap()["metadata"]["generation"],
        gen_before
    );
    let writes = ctx
        .cluster
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert!(
        writes >= 2,
        "it did apply (server-side apply is idempotent), not skip: {writes}"
    );
    // A real change is "configured".
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--replicas",
        "2",
        "--timeout",
        "20s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains("deployment.apps/echo-mcp configured"),
        "{o}"
    );
    assert_eq!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .unwrap()["spec"]["replicas"],
        2
    );
}

#[test]
fn secret_env_goes_into_a_secret_and_is_never_printed() {
    let ctx = Ctx::new();
    let token = "ghp_supersecret123";
    let o = ctx.run_env(
        &[
            "k8s",
            "deploy-mcp",
            "--server",
            "github",
            "--timeout",
            "20s",
        ],
        &[("GITHUB_TOKEN", token)],
    );
    assert_eq!(o.code, 0, "{o}");
    assert!(
        !o.stdout.contains(token) && !o.stderr.contains(token),
        "the token leaked: {o}"
    );
    let s = ctx
        .cluster
        .get("secrets", "default", "github-mcp-env")
        .expect("secret");
    assert_eq!(
        s["data"]["GITHUB_PERSONAL_ACCESS_TOKEN"],
        "Z2hwX3N1cGVyc2VjcmV0MTIz"
    ); // base64 of the token
    let d = ctx
        .cluster
        .get("deployments", "default", "github-mcp")
        .unwrap();
    let env = d["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .clone();
    let e = env
        .iter()
        .find(|e| e["name"] == "GITHUB_PERSONAL_ACCESS_TOKEN")
        .unwrap();
    assert!(e.get("value").is_none(), "no plain value: {e}");
    assert_eq!(e["valueFrom"]["secretKeyRef"]["name"], "github-mcp-env");
    assert!(!d.to_string().contains(token));
}

#[test]
fn unset_variable_in_a_datum_is_a_usage_error_naming_it() {
    let ctx = Ctx::new();
    let o = ctx.run(&["k8s", "deploy-mcp", "--server", "github"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("GITHUB_TOKEN"), "{o}");
    assert!(
        ctx.cluster.list("deployments", None).is_empty(),
        "nothing applied"
    );
}

#[test]
fn crash_loop_stops_waiting_early_with_reason_and_last_log_lines() {
    let ctx = Ctx::new();
    ctx.cluster.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 3,
            logs: vec!["starting".into(), "fatal: cannot open /data".into()],
        },
    );
    let start = Instant::now();
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "crashy:1",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "stopped early, not at the timeout"
    );
    assert!(
        o.error_line().contains("echo-mcp did not become ready"),
        "{o}"
    );
    assert!(o.stderr.contains("CrashLoopBackOff"), "{o}");
    assert!(
        o.stderr.contains("fatal: cannot open /data"),
        "last log lines: {o}"
    );

    // With --json the document still comes out, carrying the failure for scripts.
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "crashy:1",
        "--timeout",
        "60s",
        "--json",
    ]);
    assert_eq!(o.code, 1, "{o}");
    let doc: Value = serde_json::from_str(&o.stdout).expect("one JSON document");
    assert_eq!(doc["ready"], false, "{o}");
    assert_eq!(doc["failures"][0]["workload"], "echo-mcp", "{o}");
    let reasons = doc["failures"][0]["reasons"].to_string();
    assert!(reasons.contains("CrashLoopBackOff"), "{reasons}");
    let logs = doc["failures"][0]["logs"].to_string();
    assert!(logs.contains("fatal: cannot open /data"), "{logs}");
}

#[test]
fn image_pull_failure_and_unschedulable_stop_early() {
    let ctx = Ctx::new();
    ctx.cluster
        .set_behavior(Matcher::image("nosuch"), Behavior::ImagePullBackOff);
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "nosuch:1",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(
        o.stderr.contains("ErrImagePull") || o.stderr.contains("ImagePullBackOff"),
        "{o}"
    );

    let ctx = Ctx::new();
    ctx.cluster
        .set_behavior(Matcher::image("huge"), Behavior::Unschedulable);
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "huge:1",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(o.stderr.contains("unschedulable"), "{o}");
}

#[test]
fn never_ready_times_out_with_exit_6() {
    let ctx = Ctx::new();
    ctx.cluster
        .set_behavior(Matcher::image("slow"), Behavior::NeverReady);
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "slow:1",
        "--timeout",
        "2s",
    ]);
    assert_eq!(o.code, 6, "{o}");
    assert!(o.error_line().contains("timed out after 2s"), "{o}");
    // --no-wait returns at once with the objects applied.
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "slow:1",
        "--no-wait",
    ]);
    assert_eq!(o.code, 0, "{o}");
}

#[test]
fn dry_run_client_needs_no_cluster() {
    let home = tempfile::tempdir().unwrap();
    let o = Out::from(
        bin(home.path())
            .args([
                "k8s",
                "deploy-mcp",
                "--server",
                "echo",
                "--dry-run",
                "--path",
            ])
            .arg(datums())
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 0, "{o}");
    let docs: Vec<&str> = o
        .stdout
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .collect();
    assert_eq!(docs.len(), 2, "service and deployment: {o}");
    assert!(docs[1].contains("kind: Deployment"));
    let o = Out::from(
        bin(home.path())
            .args([
                "k8s",
                "deploy-mcp",
                "--server",
                "echo",
                "--dry-run=client",
                "-o",
                "json",
                "--path",
            ])
            .arg(datums())
            .output()
            .unwrap(),
    );
    let v = o.json();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["items"][1]["spec"]["template"]["spec"]["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
}

#[test]
fn dry_run_server_validates_without_storing() {
    let ctx = Ctx::new();
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--dry-run=server",
        "-o",
        "json",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v["items"][1]["kind"], "Deployment");
    assert!(
        v["items"][1]["metadata"]["uid"].is_string(),
        "the server's answer, with defaults: {o}"
    );
    assert!(
        ctx.cluster.list("deployments", None).is_empty(),
        "nothing stored"
    );
    let dry = ctx
        .cluster
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .all(|r| r.query.contains("dryRun=All"));
    assert!(dry, "every write was a dry run");
}

#[test]
fn unknown_server_lists_what_exists_with_exit_4() {
    let ctx = Ctx::new();
    let o = ctx.run(&["k8s", "deploy-mcp", "--server", "nope"]);
    assert_eq!(o.code, 4, "{o}");
    let e = o.error_line();
    assert!(
        e.contains("\"nope\"") && e.contains("echo") && e.contains("fixtures/datums"),
        "{o}"
    );
}

#[test]
fn malformed_datum_names_file_line_col_with_exit_2() {
    let ctx = Ctx::new();
    let bad = datums().join("bad");
    let o = Out::from(
        bin(ctx.home.path())
            .arg("--kubeconfig")
            .arg(ctx.cluster.kubeconfig_path())
            .arg("--path")
            .arg(&bad)
            .args(["k8s", "deploy-mcp", "--server", "wrong-type"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.error_line()
            .contains("wrong-type.mcp.toml:5:12: b00t.k8s.replicas"),
        "{o}"
    );
}

#[test]
fn unreachable_cluster_names_context_and_server_with_exit_3() {
    let ctx = Ctx::new();
    let dead = ctx.home.path().join("dead.yaml");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        &dead,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: dead\nclusters:\n- name: dead\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: dead\n  context:\n    cluster: dead\n    user: u\nusers:\n- name: u\n  user:\n    token: x\n"
        ),
    )
    .unwrap();
    let o = Out::from(
        bin(ctx.home.path())
            .arg("--kubeconfig")
            .arg(&dead)
            .args(["k8s", "list"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 3, "{o}");
    let e = o.error_line();
    assert!(
        e.contains("context \"dead\"") && e.contains(&format!("127.0.0.1:{port}")),
        "{o}"
    );
    assert!(
        e.contains("--context") || e.contains("--kubeconfig"),
        "says how to pick another: {o}"
    );
    // No kubeconfig at all.
    let o = Out::from(bin(ctx.home.path()).args(["k8s", "list"]).output().unwrap());
    assert_eq!(o.code, 3, "{o}");
    assert!(o.error_line().contains("no kubeconfig found"), "{o}");
}

#[test]
fn rbac_denial_names_verb_and_resource_exit_5_and_rolls_back() {
    let ctx = Ctx::new();
    ctx.cluster
        .fail(FaultRule::new(403).verb("patch").resource("deployments"));
    let o = ctx.run_env(
        &["k8s", "deploy-mcp", "--server", "github"],
        &[("GITHUB_TOKEN", "t")],
    );
    assert_eq!(o.code, 5, "{o}");
    let e = o.error_line();
    assert!(
        e.contains("deployments.apps") && e.contains("forbidden"),
        "{o}"
    );
    assert!(
        e.contains("rolled back") && e.contains("secret/github-mcp-env"),
        "says what was undone: {o}"
    );
    assert!(
        ctx.cluster
            .get("secrets", "default", "github-mcp-env")
            .is_none(),
        "no half deploy left behind"
    );
}

#[test]
fn unauthorised_is_exit_5_and_hanging_server_times_out_with_exit_6() {
    let ctx = Ctx::new();
    ctx.cluster.fail(FaultRule::new(401));
    let o = ctx.run(&["k8s", "list"]);
    assert_eq!(o.code, 5, "{o}");
    ctx.cluster.clear_faults();
    ctx.cluster.hang(FaultRule::new(200).verb("list"));
    let start = Instant::now();
    let o = ctx.run(&["k8s", "list", "--request-timeout", "1s"]);
    assert_eq!(o.code, 6, "{o}");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(o.error_line().contains("timed out"), "{o}");
}

// ---------------------------------------------------------------------------------------------
// list

#[test]
fn list_table_json_wide_name_and_filters() {
    let ctx = Ctx::new();
    ctx.deploy_echo();
    ctx.run_env(
        &[
            "k8s",
            "deploy-mcp",
            "--server",
            "github",
            "--timeout",
            "20s",
        ],
        &[("GITHUB_TOKEN", "t")],
    );
    // A foreign pod that only --all shows.
    ctx.cluster.create(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "foreign", "namespace": "default", "labels": {"app": "x"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }));
    let o = ctx.run(&["k8s", "list"]);
    assert_eq!(o.code, 0, "{o}");
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(
        lines[0].starts_with("STATUS")
            && lines[0].contains("READY")
            && lines[0].contains("RESTARTS"),
        "{o}"
    );
    assert_eq!(lines.len(), 3, "header + 2 workloads: {o}");
    assert!(
        lines[1].contains("✅ Running")
            && lines[1].contains("echo-mcp")
            && lines[1].contains("1/1"),
        "{o}"
    );
    assert!(!o.stdout.contains("foreign"));

    let o = ctx.run(&["k8s", "list", "--json"]);
    let rows = o.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let r = &rows[0];
    for key in [
        "name",
        "namespace",
        "kind",
        "app",
        "type",
        "status",
        "ready",
        "restarts",
        "running",
        "image",
        "age_seconds",
    ] {
        assert!(r.get(key).is_some(), "field {key} missing: {r}");
    }
    assert_eq!(r["name"], "echo-mcp");
    assert_eq!(r["namespace"], "default");
    assert_eq!(r["kind"], "Deployment");
    assert_eq!(r["app"], "echo");
    assert_eq!(r["type"], "mcp-server");
    assert_eq!(r["status"], "Running");
    assert_eq!(r["ready"], "1/1");
    assert_eq!(r["restarts"], 0);
    assert_eq!(r["running"], 1);
    assert_eq!(r["image"], "hashicorp/http-echo:1.0");
    assert!(r["age_seconds"].as_i64().unwrap() >= 0);

    let o = ctx.run(&["k8s", "list", "-o", "wide"]);
    assert!(
        o.stdout.lines().next().unwrap().contains("IMAGE")
            && o.stdout.contains("hashicorp/http-echo:1.0"),
        "{o}"
    );
    assert!(o.stdout.contains("NODE"), "{o}");

    let o = ctx.run(&["k8s", "list", "-o", "name"]);
    assert_eq!(o.stdout, "deployment/echo-mcp\ndeployment/github-mcp\n");

    let o = ctx.run(&["k8s", "list", "--all", "--json"]);
    let names: Vec<String> = o
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"foreign".to_string()), "{names:?}");
    assert_eq!(names.len(), 3);

    let o = ctx.run(&[
        "k8s",
        "list",
        "-l",
        "app.kubernetes.io/name=github",
        "--json",
    ]);
    let v = o.json();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["name"], "github-mcp");

    let o = ctx.run(&["k8s", "list", "--type", "app", "--json"]);
    assert_eq!(o.json(), json!([]));
    let o = ctx.run(&["k8s", "list", "--type", "mcp", "--json"]);
    assert_eq!(o.json().as_array().unwrap().len(), 2);
}

#[test]
fn list_across_namespaces_and_merged_kubeconfigs() {
    let ctx = Ctx::new();
    ctx.cluster
        .create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}));
    ctx.deploy_echo();
    let o = ctx.run(&[
        "-n",
        "team-a",
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--timeout",
        "20s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let o = ctx.run(&["k8s", "list", "--json"]);
    assert_eq!(
        o.json().as_array().unwrap().len(),
        1,
        "only the default namespace"
    );
    let o = ctx.run(&["k8s", "list", "-A", "--json"]);
    let v = o.json();
    let ns: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(ns, ["default", "team-a"]);
    let o = ctx.run(&["k8s", "list", "-A"]);
    assert!(
        o.stdout.lines().next().unwrap().contains("NAMESPACE"),
        "{o}"
    );

    // KUBECONFIG with two files: the second holds the context we select.
    let a = ctx.home.path().join("a.yaml");
    let b = ctx.home.path().join("b.yaml");
    std::fs::write(
        &a,
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    )
    .unwrap();
    ctx.cluster.write_kubeconfig_to(&b, "second", "team-a");
    let joined = std::env::join_paths([&a, &b]).unwrap();
    let o = Out::from(
        bin(ctx.home.path())
            .env("KUBECONFIG", &joined)
            .args(["--context", "second", "k8s", "list", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(
        o.json()[0]["namespace"],
        "team-a",
        "the context's namespace is used"
    );
    let o = Out::from(
        bin(ctx.home.path())
            .env("KUBECONFIG", &joined)
            .args(["--context", "third", "k8s", "list"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.error_line().contains("\"third\"") && o.error_line().contains("second"),
        "{o}"
    );
}

#[test]
fn list_shows_failing_workloads_with_restarts() {
    let ctx = Ctx::new();
    ctx.cluster.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 1,
            logs: vec!["boom".into()],
        },
    );
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "crashy:2",
        "--no-wait",
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert!(ctx.cluster.wait_until(Duration::from_secs(15), |c| {
        c.pods_with_prefix("default", "echo-mcp-").iter().any(|p| {
            p["status"]["containerStatuses"][0]["restartCount"]
                .as_i64()
                .unwrap_or(0)
                >= 2
        })
    }));
    let v = ctx.run(&["k8s", "list", "--json"]).json();
    assert_eq!(v[0]["status"], "Failing");
    assert!(v[0]["restarts"].as_i64().unwrap() >= 2);
    let o = ctx.run(&["k8s", "list"]);
    assert!(o.stdout.contains("❌ Failing"), "{o}");
}

// ---------------------------------------------------------------------------------------------
// logs

#[test]
fn logs_merge_every_pod_by_time_with_json_tail_grep_and_container_errors() {
    let ctx = Ctx::new();
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--replicas",
        "2",
        "--timeout",
        "20s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let pods: Vec<String> = ctx
        .cluster
        .pods_with_prefix("default", "echo-mcp-")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(pods.len(), 2);
    // Interleave lines across the two pods in a known order.
    for i in 0..6 {
        let pod = &pods[i % 2];
        ctx.cluster
            .append_log("default", pod, "echo", &format!("line {i}"));
        std::thread::sleep(Duration::from_millis(15));
    }
    let o = ctx.run(&["k8s", "logs", "echo", "-o", "json"]);
    assert_eq!(o.code, 0, "{o}");
    let recs: Vec<Value> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<&Value> = recs
        .iter()
        .filter(|r| r["line"].as_str().unwrap().starts_with("line "))
        .collect();
    let order: Vec<&str> = ours.iter().map(|r| r["line"].as_str().unwrap()).collect();
    assert_eq!(
        order,
        ["line 0", "line 1", "line 2", "line 3", "line 4", "line 5"],
        "merged by time"
    );
    for (i, r) in ours.iter().enumerate() {
        assert_eq!(r["pod"], pods[i % 2].as_str());
        assert_eq!(r["container"], "echo");
        assert!(
            r["time"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .is_ok(),
            "{r}"
        );
    }
    let times: Vec<jiff::Timestamp> = recs
        .iter()
        .map(|r| r["time"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "sorted by time");

    let o = ctx.run(&["k8s", "logs", "echo"]);
    assert!(
        o.stdout.contains(&format!("[{}/echo] line 0", pods[0])),
        "{o}"
    );
    let o = ctx.run(&["k8s", "logs", "echo", "--timestamps"]);
    let l = o.stdout.lines().find(|l| l.contains("line 3")).unwrap();
    assert!(
        l.split(' ')
            .nth(1)
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok(),
        "{l}"
    );

    let o = ctx.run(&["k8s", "logs", "echo", "--tail", "1", "-o", "json"]);
    let recs: Vec<Value> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 2, "one line per container: {o}");
    let mut last: Vec<&str> = recs.iter().map(|r| r["line"].as_str().unwrap()).collect();
    last.sort();
    assert_eq!(last, ["line 4", "line 5"]);

    let o = ctx.run(&["k8s", "logs", "echo", "--grep", "line [24]"]);
    let got: Vec<&str> = o
        .stdout
        .lines()
        .map(|l| l.rsplit("] ").next().unwrap())
        .collect();
    assert_eq!(got, ["line 2", "line 4"]);

    // One pod by name, and TYPE/NAME.
    let o = ctx.run(&["k8s", "logs", &pods[1], "-o", "json"]);
    assert!(o.stdout.lines().all(|l| l.contains(&pods[1])), "{o}");
    let o = ctx.run(&[
        "k8s",
        "logs",
        "deployment/echo-mcp",
        "--since",
        "1h",
        "-o",
        "json",
    ]);
    assert!(o.stdout.contains("line 5"), "{o}");

    let o = ctx.run(&["k8s", "logs", "echo", "-c", "nope"]);
    assert_eq!(o.code, 4, "{o}");
    assert!(o.error_line().contains("containers: echo"), "{o}");
    let o = ctx.run(&["k8s", "logs", "nothing-here"]);
    assert_eq!(o.code, 4, "{o}");
}

#[test]
fn logs_previous_shows_the_crashed_instance() {
    let ctx = Ctx::new();
    ctx.cluster.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 2,
            logs: vec!["panic: out of cheese".into()],
        },
    );
    ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--image",
        "crashy:3",
        "--no-wait",
    ]);
    assert!(ctx.cluster.wait_until(Duration::from_secs(15), |c| {
        c.pods_with_prefix("default", "echo-mcp-").iter().any(|p| {
            p["status"]["containerStatuses"][0]["restartCount"]
                .as_i64()
                .unwrap_or(0)
                >= 1
        })
    }));
    let o = ctx.run(&["k8s", "logs", "echo", "--previous"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("panic: out of cheese"), "{o}");
}

/// Read stdout lines of a running child on a thread.
fn line_reader(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_for_line(rx: &mpsc::Receiver<String>, needle: &str, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            let hit = l.contains(needle);
            seen.push(l);
            if hit {
                return seen;
            }
        }
    }
    panic!("no line containing {needle:?} within {within:?}; saw {seen:?}");
}

#[test]
fn logs_follow_streams_new_lines_and_picks_up_new_pods() {
    let ctx = Ctx::new();
    ctx.deploy_echo();
    let mut child = ctx
        .cmd(&["k8s", "logs", "echo", "-f", "-o", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = line_reader(&mut child);
    let first = ctx.cluster.pods_with_prefix("default", "echo-mcp-")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    // No waiting for the stream to attach: a first stream starts at the beginning of the log.
    ctx.cluster
        .append_log("default", &first, "echo", "hello while following");
    wait_for_line(&rx, "hello while following", Duration::from_secs(20));

    // Scale up: the new pod's lines appear without restarting the command.
    let o = ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "echo",
        "--replicas",
        "2",
        "--timeout",
        "20s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let second = ctx
        .cluster
        .pods_with_prefix("default", "echo-mcp-")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .find(|n| *n != first)
        .unwrap();
    ctx.cluster
        .append_log("default", &second, "echo", "from the new pod");
    let seen = wait_for_line(&rx, "from the new pod", Duration::from_secs(20));
    let rec: Value = serde_json::from_str(seen.last().unwrap()).unwrap();
    assert_eq!(rec["pod"], second.as_str());
    child.kill().unwrap();
    let _ = child.wait();
}

// ---------------------------------------------------------------------------------------------
// delete, restart, status

#[test]
fn delete_removes_everything_b00t_created_and_nothing_foreign() {
    let ctx = Ctx::new();
    ctx.run_env(
        &[
            "k8s",
            "deploy-mcp",
            "--server",
            "github",
            "--timeout",
            "20s",
        ],
        &[("GITHUB_TOKEN", "t")],
    );
    ctx.deploy_echo();
    // A foreign secret whose name looks like ours, without our labels.
    ctx.cluster.create(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "github-mcp-other", "namespace": "default"}}));
    // Every other kind b00t renders, carrying the instance's labels, goes too.
    let labels = ctx
        .cluster
        .get("deployments", "default", "github-mcp")
        .unwrap()["metadata"]["labels"]
        .clone();
    let sel = json!({"matchLabels": {"app.kubernetes.io/instance": labels["app.kubernetes.io/instance"]}});
    let tmpl = json!({"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}});
    let extra = [
        (
            "statefulsets",
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"selector": sel, "serviceName": "github-mcp", "template": tmpl}}),
        ),
        (
            "cronjobs",
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"metadata": {"labels": labels}, "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
        ),
        (
            "ingresses",
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "spec": {"defaultBackend": {"service": {"name": "github-mcp", "port": {"number": 80}}}}}),
        ),
        (
            "networkpolicies",
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "spec": {"podSelector": sel, "policyTypes": ["Ingress"]}}),
        ),
        (
            "poddisruptionbudgets",
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "spec": {"selector": sel, "minAvailable": 1}}),
        ),
        (
            "horizontalpodautoscalers",
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "github-mcp"}, "minReplicas": 1, "maxReplicas": 3}}),
        ),
    ];
    for (_, mut o) in extra.clone() {
        o["metadata"] = json!({"name": "github-mcp-x", "namespace": "default", "labels": labels});
        ctx.cluster.create(o);
    }
    let o = ctx.run(&["k8s", "delete", "github", "--wait"]);
    assert_eq!(o.code, 0, "{o}");
    for (plural, o_) in &extra {
        assert!(
            ctx.cluster.get(plural, "default", "github-mcp-x").is_none(),
            "{} left behind: {o}",
            o_["kind"]
        );
    }
    assert!(
        o.stdout
            .contains("horizontalpodautoscaler.autoscaling/github-mcp-x deleted")
            && o.stdout
                .contains("networkpolicy.networking.k8s.io/github-mcp-x deleted"),
        "{o}"
    );
    assert!(
        o.stdout.contains("deployment.apps/github-mcp deleted")
            && o.stdout.contains("secret/github-mcp-env deleted"),
        "{o}"
    );
    assert!(
        ctx.cluster
            .get("deployments", "default", "github-mcp")
            .is_none()
    );
    assert!(
        ctx.cluster
            .get("secrets", "default", "github-mcp-env")
            .is_none()
    );
    assert!(
        ctx.cluster
            .pods_with_prefix("default", "github-mcp-")
            .is_empty(),
        "--wait waited for the pods"
    );
    assert!(
        ctx.cluster
            .list("replicasets", Some("default"))
            .iter()
            .all(|r| !r["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("github"))
    );
    assert!(
        ctx.cluster
            .get("secrets", "default", "github-mcp-other")
            .is_some(),
        "foreign object untouched"
    );
    assert!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .is_some(),
        "other instance untouched"
    );

    let o = ctx.run(&["k8s", "delete", "github"]);
    assert_eq!(o.code, 4, "{o}");

    // --all refuses without --yes when stdin is not a terminal.
    let o = ctx.run(&["k8s", "delete", "--all"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("--yes"), "{o}");
    assert!(
        ctx.cluster
            .get("deployments", "default", "echo-mcp")
            .is_some()
    );
    let o = ctx.run(&["k8s", "delete", "--all", "--yes", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert!(
        v["deleted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "echo-mcp" && d["kind"] == "Deployment")
    );
    assert!(ctx.cluster.get("services", "default", "echo-mcp").is_none());
}

#[test]
fn restart_rolls_the_pods_and_waits() {
    let ctx = Ctx::new();
    ctx.deploy_echo();
    let before: Vec<String> = ctx
        .cluster
        .pods_with_prefix("default", "echo-mcp-")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    let o = ctx.run(&["k8s", "restart-mcp", "echo", "--wait", "--timeout", "20s"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains("deployment.apps/echo-mcp restarted"),
        "{o}"
    );
    let d = ctx
        .cluster
        .get("deployments", "default", "echo-mcp")
        .unwrap();
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );
    let after: Vec<String> = ctx
        .cluster
        .pods_with_prefix("default", "echo-mcp-")
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(after.len(), 1);
    assert!(
        !before.contains(&after[0]),
        "a new pod replaced the old one"
    );
    let o = ctx.run(&["k8s", "restart-mcp", "nope"]);
    assert_eq!(o.code, 4, "{o}");
}

#[test]
fn status_of_a_workload_and_of_the_cluster() {
    let ctx = Ctx::new();
    ctx.deploy_echo();
    let o = ctx.run(&["k8s", "status", "echo"]);
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(
        o.stdout.trim(),
        "✅ echo-mcp | Running | 1/1 ready | 0 restarts"
    );
    let v = ctx.run(&["k8s", "status", "echo-mcp", "--json"]).json();
    assert_eq!(v["healthy"], true);
    assert_eq!(v["name"], "echo-mcp");
    assert_eq!(v["pods"].as_array().unwrap().len(), 1);

    ctx.cluster.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 7,
            logs: vec!["bad config".into()],
        },
    );
    ctx.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "filesystem",
        "--image",
        "crashy:9",
        "--no-wait",
    ]);
    assert!(ctx.cluster.wait_until(Duration::from_secs(15), |c| {
        c.pods_with_prefix("default", "filesystem-mcp-")
            .iter()
            .any(|p| {
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "CrashLoopBackOff"
            })
    }));
    let o = ctx.run(&["k8s", "status", "filesystem"]);
    assert_eq!(o.code, 1, "unhealthy is exit 1: {o}");
    assert!(o.stdout.starts_with("❌ filesystem-mcp | Failing"), "{o}");
    assert!(o.stdout.contains("CrashLoopBackOff"), "{o}");
    assert!(o.stdout.contains("BackOff"), "warning events: {o}");
    assert!(o.stdout.contains("bad config"), "last log lines: {o}");
    let v = ctx.run(&["k8s", "status", "filesystem", "--json"]).json();
    assert_eq!(v["healthy"], false);
    assert!(!v["reasons"].as_array().unwrap().is_empty());
    assert!(!v["logs"].as_array().unwrap().is_empty());

    let o = ctx.run(&["k8s", "status", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v["context"], "fake");
    assert_eq!(v["server"], ctx.cluster.url().trim_end_matches('/'));
    assert_eq!(v["version"], "v1.33.2");
    assert_eq!(v["nodes_ready"], 2);
    assert_eq!(v["nodes_total"], 2);
    assert_eq!(v["workloads"]["total"], 2);
    assert_eq!(v["workloads"]["running"], 1);
    assert_eq!(v["workloads"]["failing"], 1);
    let o = ctx.run(&["k8s", "status"]);
    assert!(o.stdout.contains("nodes:      2/2 ready"), "{o}");
}

// ---------------------------------------------------------------------------------------------
// Output plumbing

#[test]
fn closed_stdout_pipe_exits_zero_quietly() {
    let ctx = Ctx::new();
    ctx.deploy_echo();
    let mut child = ctx
        .cmd(&["k8s", "logs", "echo", "-f"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pod = ctx.cluster.pods_with_prefix("default", "echo-mcp-")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    // Close our end of the pipe, then make the command write.
    drop(child.stdout.take());
    for i in 0..20 {
        ctx.cluster
            .append_log("default", &pod, "echo", &format!("x{i}"));
        std::thread::sleep(Duration::from_millis(100));
        if let Some(st) = child.try_wait().unwrap() {
            assert_eq!(st.code(), Some(0));
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            assert!(err.is_empty(), "quiet: {err}");
            return;
        }
    }
    child.kill().unwrap();
    panic!("b00t did not exit on a closed stdout");
}

#[test]
fn usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let o = Out::from(
        bin(home.path())
            .args(["k8s", "deploy-mcp"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 2, "{o}");
    let o = Out::from(
        bin(home.path())
            .args(["k8s", "logs", "x", "--since", "10x"])
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 2, "{o}");
    assert!(o.stderr.contains("unknown unit"), "{o}");
    let o = Out::from(bin(home.path()).args(["--help"]).output().unwrap());
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("k8s"));
}
