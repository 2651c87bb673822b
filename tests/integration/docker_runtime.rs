//! `b00t k8s … --runtime docker` against the real Docker engine: MCP servers as hardened
//! containers (a stdio server whose stdin must stay open, an HTTP one with published ports),
//! every verb in table and JSON, idempotent deploys, replacement on change, a crashing server
//! reported with its exit code and last log lines, `--pull never` with a missing image (4),
//! an unreachable engine (3), the "no cluster" hint, and secrets never printed.
//!
//! Images are built locally from Debian's busybox-static (`docker import`), and one from the
//! MCP test programs' Node and node_modules for a real MCP server; nothing is pulled.
//! Skips with a message without docker or busybox-static; fails under `CI=true`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use super::common::{Out, bin};
use super::obi_agent::free_port;

const IMAGE: &str = "b00t-test/mcp-busybox:1";
/// A secret-looking value the datum and `--env` carry; b00t must never print it.
const SECRET: &str = "sup3r-s3cret-t0ken-value";
const OTHER_SECRET: &str = "an0ther-s3cret-from-env-flag";
/// A stdio "server": greets, echoes stdin; exits 7 if stdin is closed, 0 on SIGTERM.
const STDIO_SCRIPT: &str = "trap 'exit 0' TERM; echo server up mode=$MODE; exec 3<&0; cat <&3 & wait $!; echo stdin closed; exit 7";

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn skip(why: &str) -> bool {
    if ci() {
        panic!("required under CI=true: {why}");
    }
    eprintln!("skipping: {why}");
    false
}

fn docker(args: &[&str]) -> std::process::Output {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run docker")
}

fn docker_out(args: &[&str]) -> String {
    String::from_utf8_lossy(&docker(args).stdout)
        .trim()
        .to_string()
}

/// Docker answers and the busybox image is built (once per process).
fn ready() -> bool {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let r = UP.get_or_init(|| {
        match Command::new("docker").arg("version").output() {
            Ok(o) if o.status.success() => {}
            Ok(o) => {
                return Err(format!(
                    "docker engine not reachable: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
            }
            Err(e) => return Err(format!("docker CLI not found: {e}")),
        }
        crate::common::import_busybox_image(
            IMAGE,
            "echo image up; trap \"exit 0\" TERM; while true; do sleep 1; done",
        )
    });
    match r {
        Ok(()) => true,
        Err(why) => skip(why),
    }
}

/// One test's server name, home and datum directory; removes every container of the server on
/// drop (by label, so replicas too).
struct Env {
    server: String,
    home: tempfile::TempDir,
    datums: tempfile::TempDir,
}

impl Env {
    fn new(what: &str) -> Env {
        static N: AtomicUsize = AtomicUsize::new(0);
        Env {
            server: format!(
                "rt{what}{}x{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ),
            home: tempfile::tempdir().unwrap(),
            datums: tempfile::tempdir().unwrap(),
        }
    }

    /// The workload (and single container) name.
    fn name(&self) -> String {
        format!("{}-mcp", self.server)
    }

    fn datum(&self, body: &str) {
        let text = format!("[b00t]\nname = \"{}\"\ntype = \"mcp\"\n{body}", self.server);
        std::fs::write(
            self.datums.path().join(format!("{}.mcp.toml", self.server)),
            text,
        )
        .unwrap();
    }

    fn stdio_datum(&self, mode: &str) {
        self.datum(&format!(
            "command = \"sh\"\nargs = [\"-c\", {script:?}]\n[b00t.env]\nAPI_TOKEN = \"{SECRET}\"\nMODE = \"{mode}\"\n[b00t.k8s]\nimage = \"{IMAGE}\"\n",
            script = STDIO_SCRIPT
        ));
    }

    fn http_datum(&self, port: u16) {
        self.datum(&format!(
            "command = \"busybox\"\nargs = [\"httpd\", \"-f\", \"-v\", \"-p\", \"{port}\", \"-h\", \"/tmp\"]\n[b00t.env]\nDB_PASSWORD = \"{SECRET}\"\n[b00t.k8s]\nimage = \"{IMAGE}\"\nport = {port}\n"
        ));
    }

    fn run(&self, args: &[&str]) -> Out {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut c = bin(self.home.path());
        c.env("_B00T_Path", self.datums.path());
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out: Out = c.output().expect("run b00t").into();
        assert!(
            !out.stdout.contains(SECRET) && !out.stderr.contains(SECRET),
            "a secret value was printed: {out}"
        );
        assert!(
            !out.stdout.contains(OTHER_SECRET) && !out.stderr.contains(OTHER_SECRET),
            "a secret value was printed: {out}"
        );
        out
    }

    /// `k8s VERB ARGS… --runtime docker`.
    fn k8s(&self, verb: &str, args: &[&str]) -> Out {
        let mut a = vec!["k8s", verb];
        a.extend_from_slice(args);
        a.extend(["--runtime", "docker"]);
        self.run(&a)
    }

    fn deploy(&self, extra: &[&str]) -> Out {
        let mut a = vec![
            "--server",
            self.server.as_str(),
            "--pull",
            "never",
            "--timeout",
            "30s",
        ];
        a.extend_from_slice(extra);
        self.k8s("deploy-mcp", &a)
    }

    /// Names of this server's containers, sorted.
    fn containers(&self) -> Vec<String> {
        let filter = format!("label=app.kubernetes.io/instance={}", self.name());
        let mut v: Vec<String> =
            docker_out(&["ps", "-a", "--filter", &filter, "--format", "{{.Names}}"])
                .lines()
                .map(str::to_string)
                .collect();
        v.sort();
        v
    }

    fn inspect(&self, container: &str) -> Value {
        let o = docker(&["inspect", container]);
        assert!(o.status.success(), "docker inspect {container}");
        serde_json::from_slice::<Value>(&o.stdout).unwrap()[0].clone()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let filter = format!("label=app.kubernetes.io/instance={}", self.name());
        let Ok(o) = Command::new("docker")
            .args(["ps", "-aq", "--filter", &filter])
            .stdin(Stdio::null())
            .output()
        else {
            return;
        };
        for id in String::from_utf8_lossy(&o.stdout).split_whitespace() {
            let _ = Command::new("docker")
                .args(["rm", "-f", id])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn get(port: u16, path: &str) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the published port");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut r = String::new();
    let _ = s.read_to_string(&mut r);
    assert!(r.starts_with("HTTP/1."), "no HTTP answer on {port}: {r:?}");
}

fn host_port(info: &Value, port: u16) -> (String, u16) {
    let b = &info["NetworkSettings"]["Ports"][format!("{port}/tcp")][0];
    (
        b["HostIp"].as_str().unwrap_or_default().to_string(),
        b["HostPort"].as_str().unwrap().parse().unwrap(),
    )
}

#[test]
fn a_stdio_server_runs_hardened_with_stdin_open_and_redeploys_only_on_change() {
    if !ready() {
        return;
    }
    let env = Env::new("stdio");
    env.stdio_datum("one");
    let name = env.name();

    // -vv: not even the debug log shows a secret (run() asserts it for every command).
    let o = env.deploy(&["--env", &format!("GITHUB_TOKEN={OTHER_SECRET}"), "-vv"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("container/{name} created")),
        "{o}"
    );
    assert!(o.stderr.contains(&format!("{name} is ready")), "{o}");
    assert!(
        o.stderr.contains("--runtime docker"),
        "next steps name the runtime: {o}"
    );
    assert_eq!(env.containers(), vec![name.clone()]);

    let info = env.inspect(&name);
    let hc = &info["HostConfig"];
    assert_eq!(info["Config"]["User"], "1000:1000");
    assert_eq!(info["Config"]["OpenStdin"], true);
    assert_eq!(hc["ReadonlyRootfs"], true);
    assert!(hc["Tmpfs"]["/tmp"].is_string(), "{hc}");
    assert_eq!(hc["CapDrop"], serde_json::json!(["ALL"]));
    assert_eq!(
        hc["SecurityOpt"],
        serde_json::json!(["no-new-privileges:true"])
    );
    assert_eq!(hc["RestartPolicy"]["Name"], "unless-stopped");
    assert_eq!(hc["Memory"], 512 * 1024 * 1024, "the default memory limit");
    assert_eq!(hc["NanoCpus"], 500_000_000, "the default CPU limit");
    let labels = &info["Config"]["Labels"];
    assert_eq!(labels["app.kubernetes.io/managed-by"], "b00t");
    assert_eq!(labels["app.kubernetes.io/instance"], name.as_str());
    assert_eq!(labels["b00t.elastic.ventures/type"], "mcp-server");
    let envs: Vec<&str> = info["Config"]["Env"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(envs.contains(&"HOME=/tmp"), "{envs:?}");
    // The container gets the secret (it needs it); b00t only never prints it.
    assert!(
        envs.contains(&format!("API_TOKEN={SECRET}").as_str()),
        "{envs:?}"
    );
    // stdin stays open: the script would have exited 7 on EOF.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(env.inspect(&name)["State"]["Status"], "running");
    let id = info["Id"].as_str().unwrap().to_string();

    // Again, the same: nothing changes, and it says so.
    let o = env.deploy(&["--env", &format!("GITHUB_TOKEN={OTHER_SECRET}")]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("container/{name} unchanged")),
        "{o}"
    );
    assert!(o.stderr.contains("nothing changed"), "{o}");
    assert_eq!(env.inspect(&name)["Id"], id.as_str());
    let o = env.deploy(&["--env", &format!("GITHUB_TOKEN={OTHER_SECRET}"), "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let j = o.json();
    assert_eq!(j["changed"], false, "{j}");
    assert_eq!(j["namespace"], Value::Null);
    assert_eq!(j["objects"][0]["action"], "unchanged");
    assert_eq!(j["ready"], true);

    // A changed datum replaces the container.
    env.stdio_datum("two");
    let o = env.deploy(&["--env", &format!("GITHUB_TOKEN={OTHER_SECRET}")]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("container/{name} configured")),
        "{o}"
    );
    let info = env.inspect(&name);
    assert_ne!(info["Id"], id.as_str(), "replaced");
    assert!(
        info["Config"]["Env"]
            .as_array()
            .unwrap()
            .contains(&Value::from("MODE=two"))
    );
    let o = env.k8s("logs", &[&name]);
    assert!(o.stdout.contains("server up mode=two"), "{o}");

    // A client dry run shows the container with secret values hidden.
    let o = env.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        &env.server,
        "--runtime",
        "docker",
        "--dry-run",
        "-o",
        "json",
        "--env",
        &format!("GITHUB_TOKEN={OTHER_SECRET}"),
    ]);
    assert_eq!(o.code, 0, "{o}");
    let j = o.json();
    assert_eq!(j[0]["name"], name.as_str());
    assert_eq!(j[0]["env"]["API_TOKEN"], "<hidden>");
    assert_eq!(j[0]["env"]["GITHUB_TOKEN"], "<hidden>");
    assert_eq!(j[0]["env"]["MODE"], "two");
}

#[test]
fn the_read_verbs_restart_and_delete_work_on_docker() {
    if !ready() {
        return;
    }
    let env = Env::new("read");
    env.stdio_datum("r");
    let name = env.name();
    let o = env.deploy(&[]);
    assert_eq!(o.code, 0, "{o}");

    // list: table and the same JSON fields as on Kubernetes, namespace null.
    let o = env.k8s("list", &[]);
    assert_eq!(o.code, 0, "{o}");
    let row = o
        .stdout
        .lines()
        .find(|l| l.contains(&name))
        .unwrap_or_else(|| panic!("{name} listed: {o}"));
    assert!(
        row.contains("Running") && row.contains("Container") && row.contains("1/1"),
        "{row}"
    );
    let o = env.k8s("list", &["--json", "--type", "mcp"]);
    let rows = o.json();
    let r = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} in {rows}"));
    for f in [
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
        assert!(r.get(f).is_some(), "field {f} in {r}");
    }
    assert_eq!(r["namespace"], Value::Null);
    assert_eq!(r["kind"], "Container");
    assert_eq!(r["app"], env.server.as_str());
    assert_eq!(r["type"], "mcp-server");
    assert_eq!(r["status"], "Running");
    assert_eq!(r["image"], IMAGE);
    let sel = format!("app.kubernetes.io/name={}", env.server);
    let o = env.k8s("list", &["--json", "-l", &sel]);
    assert_eq!(o.json().as_array().unwrap().len(), 1, "{o}");
    let o = env.k8s("list", &["--json", "--type", "obi", "-l", &sel]);
    assert_eq!(o.json(), serde_json::json!([]), "{o}");

    // logs: text, timestamps, JSON Lines, grep, tail.
    let o = env.k8s("logs", &[&env.server]);
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(
        o.stdout.trim(),
        format!("[{name}/{}] server up mode=r", env.server)
    );
    let o = env.k8s("logs", &[&name, "--timestamps"]);
    let stamp = o.stdout.split_whitespace().nth(1).unwrap_or_default();
    assert!(stamp.parse::<jiff::Timestamp>().is_ok(), "{o}");
    let o = env.k8s("logs", &[&name, "-o", "json"]);
    let line: Value = serde_json::from_str(o.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["pod"], name.as_str());
    assert_eq!(line["line"], "server up mode=r");
    assert!(
        line["time"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok()
    );
    let o = env.k8s("logs", &[&name, "--grep", "^nomatch"]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o}");
    let o = env.k8s("logs", &[&name, "--since", "1h", "--tail", "5"]);
    assert!(o.stdout.contains("server up"), "{o}");
    let o = env.k8s("logs", &[&name, "--tail", "0"]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o}");
    let future = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600)).to_string();
    let o = env.k8s("logs", &[&name, "--since-time", &future]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o}");
    let o = env.k8s("logs", &[&name, "--previous"]);
    assert_eq!(o.code, 2, "{o}");

    // A container b00t did not create is listed only with --all, and never deleted.
    let foreign = format!("{}-foreign", env.server);
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = Command::new("docker").args(["rm", "-f", &self.0]).output();
        }
    }
    let _rm = Rm(foreign.clone());
    assert!(
        docker(&["create", "--name", &foreign, IMAGE])
            .status
            .success()
    );
    let names = |o: &Out| -> Vec<String> {
        o.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = env.k8s("list", &["--all", "--json"]);
    assert!(names(&all).contains(&foreign), "{all}");
    assert!(names(&all).contains(&name), "{all}");
    assert!(!names(&env.k8s("list", &["--json"])).contains(&foreign));
    let o = env.k8s("delete", &[&foreign]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("not managed by b00t"), "{o}");
    assert!(
        docker(&["inspect", &foreign]).status.success(),
        "left alone"
    );

    // status NAME.
    let o = env.k8s("status", &[&env.server]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("{name} | Running | 1/1 ready")),
        "{o}"
    );
    assert!(
        o.stdout.contains(&format!("container {name}: running")),
        "{o}"
    );
    let o = env.k8s("status", &[&name, "--json"]);
    let j = o.json();
    assert_eq!(j["healthy"], true);
    assert_eq!(j["containers"][0]["state"], "running");
    assert_eq!(j["containers"][0]["restarts"], 0);
    let started = j["containers"][0]["started_at"]
        .as_str()
        .unwrap()
        .to_string();

    // status: the engine.
    let o = env.k8s("status", &[]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains("engine:") && o.stdout.contains("version:"),
        "{o}"
    );
    let j = env.k8s("status", &["--json"]).json();
    assert_eq!(j["runtime"], "docker");
    assert!(!j["version"].as_str().unwrap().is_empty(), "{j}");
    assert!(j["containers"]["running"].as_u64().unwrap() >= 1, "{j}");
    assert!(j["workloads"]["total"].as_u64().unwrap() >= 1, "{j}");

    // restart-mcp: a new start, ready again.
    let o = env.k8s("restart-mcp", &[&env.server, "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains(&format!("{name} restarted")), "{o}");
    assert!(o.stderr.contains("restarted and ready"), "{o}");
    let j = env.k8s("status", &[&name, "--json"]).json();
    assert_ne!(j["containers"][0]["started_at"], started.as_str(), "{j}");
    assert_eq!(j["healthy"], true);

    // delete --all refuses without a terminal and --yes, and deletes nothing.
    let o = env.k8s("delete", &["--all"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("refusing without --yes"), "{o}");
    assert_eq!(env.containers(), vec![name.clone()]);

    // delete: nothing of ours is left; then it is not found.
    let o = env.k8s("delete", &[&env.server, "--wait", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let j = o.json();
    assert_eq!(j["deleted"][0]["name"], name.as_str());
    assert_eq!(j["namespace"], Value::Null);
    assert!(env.containers().is_empty());
    let o = env.k8s("status", &[&env.server]);
    assert_eq!(o.code, 4, "{o}");
    let o = env.k8s("delete", &[&env.server]);
    assert_eq!(o.code, 4, "{o}");
}

#[test]
fn an_http_server_publishes_on_loopback_and_replicas_merge_their_logs() {
    if !ready() {
        return;
    }
    let env = Env::new("http");
    let port = free_port();
    env.http_datum(port);
    let name = env.name();

    // Two replicas: -1 and -2, on engine-chosen loopback ports, both answering.
    let o = env.deploy(&["--replicas", "2"]);
    assert_eq!(o.code, 0, "{o}");
    let names = vec![format!("{name}-1"), format!("{name}-2")];
    assert_eq!(env.containers(), names);
    let mut ports = Vec::new();
    for c in &names {
        let (ip, p) = host_port(&env.inspect(c), port);
        assert_eq!(ip, "127.0.0.1", "loopback only");
        get(p, &format!("/from-{c}"));
        ports.push(p);
    }
    let o = env.k8s("logs", &[&name, "--timestamps"]);
    assert_eq!(o.code, 0, "{o}");
    let lines: Vec<&str> = o.stdout.lines().collect();
    for c in &names {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("[{c}/"))),
            "lines of {c}: {o}"
        );
    }
    let stamps: Vec<jiff::Timestamp> = lines
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[0] <= w[1]),
        "merged by time: {o}"
    );
    let o = env.k8s("list", &["--json"]);
    let r = o
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .cloned()
        .unwrap();
    assert_eq!(r["ready"], "2/2", "{r}");

    // -f: the history, then new lines as they come; ends when the containers go.
    let mut follow = bin(env.home.path())
        .args(["k8s", "logs", &name, "-f", "--runtime", "docker"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = follow.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut seen: Vec<String> = Vec::new();
    let wait_for = |what: &str, seen: &mut Vec<String>| {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while !seen[..].iter().any(|l| l.contains(what)) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) => seen.push(l),
                Err(_) => panic!("no line with {what:?} while following: {seen:?}"),
            }
        }
    };
    // The history of both replicas.
    wait_for(&format!("[{}/", names[0]), &mut seen);
    wait_for(&format!("[{}/", names[1]), &mut seen);
    let before = seen.len();
    get(ports[1], "/followed");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !seen[before..]
        .iter()
        .any(|l| l.starts_with(&format!("[{}/", names[1])))
    {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => seen.push(l),
            Err(_) => panic!("no new line of {} while following: {seen:?}", names[1]),
        }
    }

    // Back to one replica: the container takes the datum's port; the replicas are gone.
    let o = env.deploy(&[]);
    assert_eq!(o.code, 0, "{o}");
    // The followed containers are gone, so following ends by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = follow.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = follow.kill();
            panic!("logs -f did not end when its containers were removed");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
    for c in &names {
        assert!(o.stdout.contains(&format!("container/{c} deleted")), "{o}");
    }
    assert!(
        o.stdout.contains(&format!("container/{name} created")),
        "{o}"
    );
    assert_eq!(env.containers(), vec![name.clone()]);
    assert_eq!(
        host_port(&env.inspect(&name), port),
        ("127.0.0.1".to_string(), port)
    );
    get(port, "/single");

    // Every interface only when asked.
    let o = env.deploy(&["--publish-all-interfaces"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("configured"), "{o}");
    let (ip, _) = host_port(&env.inspect(&name), port);
    assert!(ip.is_empty() || ip == "0.0.0.0", "{ip}");

    let o = env.k8s("delete", &[&name]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("container/{name} deleted")),
        "{o}"
    );
    assert!(env.containers().is_empty());
}

#[test]
fn a_crashing_server_fails_fast_with_its_exit_code_and_last_lines() {
    if !ready() {
        return;
    }
    let env = Env::new("crash");
    env.datum(&format!(
        "command = \"sh\"\nargs = [\"-c\", \"echo loading config; echo fatal: cannot open db >&2; exit 3\"]\n[b00t.k8s]\nimage = \"{IMAGE}\"\n"
    ));
    let name = env.name();
    let start = std::time::Instant::now();
    let o = env.deploy(&[]);
    assert_eq!(o.code, 1, "{o}");
    assert!(start.elapsed() < Duration::from_secs(20), "stopped early");
    assert!(o.stderr.contains("with code 3"), "{o}");
    assert!(o.stderr.contains("fatal: cannot open db"), "{o}");
    assert!(
        o.error_line()
            .contains(&format!("{name} did not become ready")),
        "{o}"
    );

    let o = env.k8s("status", &[&name]);
    assert_eq!(o.code, 1, "{o}");
    assert!(o.stdout.contains("Failing"), "{o}");
    assert!(o.stdout.contains("fatal: cannot open db"), "{o}");
    let j = env.k8s("status", &[&name, "--json"]).json();
    assert_eq!(j["healthy"], false);
    // Between restarts the engine reports exit code 0 for the new run; the code of the
    // failed run must still be the one shown.
    assert_eq!(j["containers"][0]["exit_code"], 3, "{j}");
    assert!(
        j["logs"][0]["lines"]
            .as_array()
            .unwrap()
            .contains(&Value::from("fatal: cannot open db")),
        "{j}"
    );
    let row = env
        .k8s("list", &["--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["status"], "Failing", "{row}");
}

#[test]
fn a_missing_image_with_pull_never_is_not_found_and_creates_nothing() {
    if !ready() {
        return;
    }
    let env = Env::new("noimg");
    env.stdio_datum("x");
    let o = env.deploy(&["--image", "b00t-test/not-there:never"]);
    assert_eq!(o.code, 4, "{o}");
    assert!(
        o.error_line().contains("b00t-test/not-there:never")
            && o.error_line().contains("--pull never"),
        "{o}"
    );
    assert!(env.containers().is_empty());
}

#[test]
fn deploy_image_runs_a_plain_image_as_one_container() {
    if !ready() {
        return;
    }
    let env = Env::new("img");
    let app = env.server.clone();
    // `deploy --image` names the workload after --name, without -mcp.
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = Command::new("docker").args(["rm", "-f", &self.0]).output();
        }
    }
    let _rm = Rm(app.clone());
    let o = env.run(&[
        "k8s",
        "deploy",
        "--image",
        IMAGE,
        "--name",
        &app,
        "--runtime",
        "docker",
        "--pull",
        "never",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("container/{app} created")),
        "{o}"
    );
    let o = env.k8s("logs", &[&app]);
    assert!(o.stdout.contains("image up"), "{o}");
    let o = env.run(&[
        "k8s",
        "deploy",
        "--from-compose",
        "compose.yaml",
        "--runtime",
        "docker",
    ]);
    assert_eq!(o.code, 2, "{o}");
    let o = env.k8s("delete", &[&app]);
    assert_eq!(o.code, 0, "{o}");
    assert!(!docker(&["inspect", &app]).status.success());
}

#[test]
fn an_unreachable_engine_exits_3_and_says_how_to_point_at_one() {
    let env = Env::new("unreach");
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nothing.sock");
    let host = format!("unix://{}", sock.display());
    let o = env.run_env(
        &["k8s", "list", "--runtime", "docker"],
        &[("DOCKER_HOST", &host)],
    );
    assert_eq!(o.code, 3, "{o}");
    let e = o.error_line();
    assert!(
        e.contains("cannot reach the Docker engine") && e.contains(&host),
        "{o}"
    );
    assert!(e.contains("DOCKER_HOST"), "{o}");
    // Nobody listening on a TCP port either.
    let port = free_port();
    let host = format!("tcp://127.0.0.1:{port}");
    let o = env.run_env(
        &["k8s", "status", "x", "--runtime", "docker"],
        &[("DOCKER_HOST", &host)],
    );
    assert_eq!(o.code, 3, "{o}");
}

#[test]
fn without_a_kubeconfig_the_error_shows_the_docker_command_and_does_not_switch() {
    if !ready() {
        return;
    }
    let env = Env::new("nokube");
    let o = env.run(&["k8s", "list", "--json"]);
    assert_eq!(o.code, 3, "{o}");
    assert_eq!(o.stdout, "", "nothing listed: the runtime is not switched");
    let e = o.error_line();
    assert!(e.contains("no kubeconfig found"), "{o}");
    assert!(e.contains("b00t k8s list --json --runtime docker"), "{o}");
}

#[test]
fn the_runtime_comes_from_the_flag_the_environment_or_the_config_file() {
    if !ready() {
        return;
    }
    let env = Env::new("choose");
    let o = env.run_env(&["k8s", "list", "--json"], &[("B00T_RUNTIME", "docker")]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.json().is_array());
    let cfg = env.home.path().join(".config/b00t");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), "runtime = \"docker\"\n").unwrap();
    let o = env.run(&["k8s", "status", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(o.json()["runtime"], "docker");
    // The flag wins over the file.
    let o = env.run(&["k8s", "list", "--runtime", "kubernetes"]);
    assert_eq!(o.code, 3, "{o}");
    assert!(o.error_line().contains("no kubeconfig"), "{o}");
    std::fs::write(cfg.join("config.toml"), "\nruntime = \"podman\"\n").unwrap();
    let o = env.run(&["k8s", "list"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("config.toml:2:11"), "{o}");
    let o = env.run_env(&["k8s", "list"], &[("B00T_RUNTIME", "podman")]);
    assert_eq!(o.code, 2, "{o}");
    // Docker-only flags are refused on Kubernetes; Kubernetes-only ones on Docker.
    let o = env.run(&[
        "k8s",
        "deploy-mcp",
        "--server",
        "x",
        "--runtime",
        "kubernetes",
        "--pull",
        "never",
    ]);
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.error_line()
            .contains("--pull applies to --runtime docker"),
        "{o}"
    );
    let o = env.run(&["k8s", "list", "--runtime", "docker", "-n", "prod"]);
    assert_eq!(o.code, 2, "{o}");
}

#[test]
fn a_server_that_never_answers_on_its_port_times_out_with_exit_6() {
    if !ready() {
        return;
    }
    let env = Env::new("deaf");
    let port = free_port();
    // Runs, but listens on nothing: the published port never answers.
    env.datum(&format!(
        "command = \"sh\"\nargs = [\"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"]\n[b00t.k8s]\nimage = \"{IMAGE}\"\nport = {port}\n"
    ));
    let start = std::time::Instant::now();
    let o = env.k8s(
        "deploy-mcp",
        &[
            "--server",
            &env.server,
            "--pull",
            "never",
            "--timeout",
            "3s",
        ],
    );
    assert_eq!(o.code, 6, "{o}");
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(o.error_line().contains("timed out after 3s"), "{o}");
    assert!(o.error_line().contains("0/1 containers ready"), "{o}");
}

/// `k8s connect|probe --runtime docker` on a stdio server: a fresh `docker exec` of the
/// container's Entrypoint + Cmd per connection. The process is the busybox test script, not an
/// MCP server: connect bridges its bytes and passes on its exit code, probe finds it is not
/// JSON-RPC (a real MCP server on Docker: `a_real_stdio_mcp_server_on_docker_…`).
#[test]
fn connect_and_probe_reach_a_stdio_server_through_docker_exec() {
    if !ready() {
        return;
    }
    let env = Env::new("connect");
    env.stdio_datum("exec");
    assert_eq!(env.deploy(&[]).code, 0);
    let name = env.name();

    let mut c = bin(env.home.path());
    c.env("_B00T_Path", env.datums.path())
        .args(["k8s", "connect", &env.server, "--runtime", "docker"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}\n")
        .unwrap();
    let o: Out = child.wait_with_output().unwrap().into();
    // A fresh process (its own greeting, the container's env), our bytes echoed, then our
    // EOF closed its stdin: it said so and exited 7, which is our exit code.
    assert_eq!(
        o.stdout, "server up mode=exec\n{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}\nstdin closed\n",
        "{o}"
    );
    assert_eq!(o.code, 7, "{o}");
    assert!(o.error_line().contains("exited with code 7"), "{o}");
    // The container itself still runs.
    assert_eq!(env.inspect(&name)["State"]["Status"], "running");

    let o = env.k8s("probe", &[&env.server, "--timeout", "3s", "--json"]);
    assert_eq!(o.code, 1, "{o}");
    let v = o.json();
    assert_eq!(v["healthy"], false, "{v}");
    assert_eq!(v["transport"], "stdio");
    assert_eq!(v["pod"], name.as_str());
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("not JSON-RPC: the server wrote \"server up mode=exec\""),
        "{v}"
    );
    assert!(
        v["endpoint"].as_str().unwrap().contains("docker exec"),
        "{v}"
    );

    let o = env.k8s("probe", &["nope"]);
    assert_eq!(o.code, 4, "{o}");
}

/// An HTTP server on Docker is probed on its published port; busybox httpd is no MCP server.
#[test]
fn probe_reaches_an_http_server_on_its_published_port() {
    if !ready() {
        return;
    }
    let env = Env::new("probehttp");
    let port = free_port();
    env.http_datum(port);
    assert_eq!(env.deploy(&[]).code, 0);
    let (_, published) = host_port(&env.inspect(&env.name()), port);
    let o = env.k8s("probe", &[&env.server, "--timeout", "3s", "--json"]);
    assert_eq!(o.code, 1, "{o}");
    let v = o.json();
    assert_eq!(v["transport"], "http", "{v}");
    assert!(
        v["endpoint"]
            .as_str()
            .unwrap()
            .starts_with(&format!("http://127.0.0.1:{published}/mcp")),
        "{v}"
    );
    assert_eq!(v["healthy"], false);
    let reason = v["reason"].as_str().unwrap();
    assert!(reason.starts_with("initialize failed: HTTP "), "{v}");
    assert!(!reason.contains("rmcp::"), "no Rust type names: {v}");
}

const NODE_IMAGE: &str = "b00t-test/node-everything:1";

/// An image holding the MCP test programs' Node (with the shared libraries it links) and
/// their node_modules under /app, built once with `docker import` (nothing is pulled). `None`
/// (with a message) when the MCP clients are not installed.
fn node_image() -> Option<crate::common::McpClients> {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let clients = crate::common::mcp_clients()?;
    let r = BUILT.get_or_init(|| {
        if docker(&["image", "inspect", NODE_IMAGE]).status.success() {
            return Ok(());
        }
        let root = tempfile::tempdir().map_err(|e| e.to_string())?;
        let ldd = Command::new("ldd")
            .arg(&clients.node)
            .output()
            .map_err(|e| format!("ldd: {e}"))?;
        let mut files: Vec<std::path::PathBuf> = String::from_utf8_lossy(&ldd.stdout)
            .split_whitespace()
            .filter(|w| w.starts_with('/'))
            .map(std::path::PathBuf::from)
            .collect();
        files.push(clients.node.clone());
        for f in &files {
            let dest = if *f == clients.node {
                root.path().join("usr/local/bin/node")
            } else {
                root.path().join(f.strip_prefix("/").unwrap())
            };
            std::fs::create_dir_all(dest.parent().unwrap()).map_err(|e| e.to_string())?;
            std::fs::copy(f, &dest).map_err(|e| format!("copy {}: {e}", f.display()))?;
        }
        std::fs::create_dir_all(root.path().join("tmp")).map_err(|e| e.to_string())?;
        let modules = clients.everything.ancestors().nth(4).unwrap().to_path_buf();
        let mut import = Command::new("docker")
            .args(["import", "-", NODE_IMAGE])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let tar = Command::new("tar")
            .arg("-C")
            .arg(root.path())
            .args(["-c", "."])
            .arg("-C")
            .arg(modules.parent().unwrap())
            .args([
                "--transform",
                "s,^node_modules,app/node_modules,",
                "node_modules",
            ])
            .stdout(import.stdin.take().unwrap())
            .status()
            .map_err(|e| e.to_string())?;
        let out = import.wait_with_output().map_err(|e| e.to_string())?;
        if !tar.success() || !out.status.success() {
            return Err(format!(
                "docker import {NODE_IMAGE}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    });
    match r {
        Ok(()) => Some(clients),
        Err(why) => {
            skip(why);
            None
        }
    }
}

/// A real stdio MCP server (server-everything on Node) as a Docker container: probe is
/// healthy through a fresh `docker exec` of its command, and the MCP Inspector CLI lists its
/// tools through `k8s connect --runtime docker`.
#[test]
fn a_real_stdio_mcp_server_on_docker_answers_probe_and_connect() {
    if !ready() {
        return;
    }
    let Some(clients) = node_image() else { return };
    let env = Env::new("everything");
    env.datum(&format!(
        "command = \"/usr/local/bin/node\"\nargs = [\"/app/node_modules/@modelcontextprotocol/server-everything/dist/index.js\", \"stdio\"]\n[b00t.k8s]\nimage = \"{NODE_IMAGE}\"\n"
    ));
    let o = env.deploy(&[]);
    assert_eq!(o.code, 0, "{o}");
    let o = env.k8s("probe", &[&env.server, "--timeout", "30s", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let v = o.json();
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["transport"], "stdio");
    assert!(
        v["server_name"].as_str().unwrap().contains("everything"),
        "{v}"
    );
    assert!(v["tool_count"].as_u64().unwrap() > 3, "{v}");
    eprintln!(
        "probe latency (stdio, docker exec): initialize {} ms, tools/list {} ms",
        v["initialize_ms"], v["tools_list_ms"]
    );
    let inspector = Command::new(&clients.node)
        .arg(&clients.inspector)
        .args(["--cli", "--method", "tools/list", "--"])
        .arg(env!("CARGO_BIN_EXE_b00t"))
        .args(["--path"])
        .arg(env.datums.path())
        .args(["k8s", "connect", &env.server, "--runtime", "docker"])
        .env("HOME", env.home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let o: Out = inspector.into();
    assert_eq!(o.code, 0, "{o}");
    let tools = o.json()["tools"].as_array().cloned().unwrap_or_default();
    assert!(tools.iter().any(|t| t["name"] == "echo"), "{o}");
}

#[test]
fn size_and_storage_become_limits_and_a_named_volume_kept_unless_purged() {
    if !ready() {
        return;
    }
    let env = Env::new("vol");
    let volume = format!("{}-data", env.name());
    struct RmVolume(String);
    impl Drop for RmVolume {
        fn drop(&mut self) {
            let _ = Command::new("docker")
                .args(["volume", "rm", "-f", &self.0])
                .output();
        }
    }
    let _rm = RmVolume(volume.clone());
    env.datum(&format!(
        "command = \"sh\"\nargs = [\"-c\", \"echo run >> /data/runs; echo runs=$(wc -l < /data/runs); trap 'exit 0' TERM; while true; do sleep 1; done\"]\n[b00t.k8s]\nimage = \"{IMAGE}\"\nsize = \"medium\"\nstorage = {{ size = \"1Gi\", mount = \"/data\" }}\n"
    ));
    let o = env.deploy(&[]);
    assert_eq!(o.code, 0, "{o}");
    let v: Value = serde_json::from_str(&docker_out(&["volume", "inspect", &volume])).unwrap();
    assert_eq!(
        v[0]["Labels"]["app.kubernetes.io/instance"],
        env.name().as_str(),
        "{v}"
    );
    let c = env.inspect(&env.name());
    let hc = &c["HostConfig"];
    assert_eq!(hc["Memory"], 1024 * 1024 * 1024_i64, "{hc}");
    assert_eq!(hc["NanoCpus"], 1_000_000_000_i64, "{hc}");
    assert_eq!(hc["ReadonlyRootfs"], true);
    assert_eq!(
        hc["Binds"],
        serde_json::json!([format!("{volume}:/data:rw")])
    );
    let logs = |want: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let o = env.k8s("logs", &[&env.name()]);
            if o.stdout.contains(want) {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "no {want:?}: {o}");
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    };
    // The non-root user writes to the volume (given to it at creation).
    logs("runs=1");

    let o = env.k8s("delete", &[&env.name()]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout
            .contains(&format!("volume/{volume} kept (use --purge to delete it)")),
        "{o}"
    );
    assert!(docker(&["volume", "inspect", &volume]).status.success());

    // Deployed again: same volume, the data is still there.
    let o = env.deploy(&[]);
    assert_eq!(o.code, 0, "{o}");
    logs("runs=2");

    let o = env.k8s("delete", &[&env.name(), "--purge"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(&format!("volume/{volume} deleted")),
        "{o}"
    );
    assert!(!docker(&["volume", "inspect", &volume]).status.success());
}
