//! `b00t obi docker …` against the real Docker engine: the real OBI agent deploys, observes
//! loopback traffic this test makes and reports HEALTHY; deploying again changes nothing; a
//! changed config replaces the container; a broken agent (a busybox image that exits 1) fails
//! fast with its log line; a missing image with `--pull never` exits 4; an unreachable engine
//! exits 3; `stop` leaves nothing behind; `compose --with-collector` loads with our loader.
//!
//! Skips with a message without docker (or the agent archive, or busybox-static); fails under
//! `CI=true`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::common::{Out, bin};
use super::obi_agent::{agent_available, free_port, loopback_traffic};

const BROKEN_IMAGE: &str = "b00t-test/busybox-broken:1";

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

fn docker_available() -> bool {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    match UP.get_or_init(|| match Command::new("docker").args(["version"]).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "docker engine not reachable: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("docker CLI not found: {e}")),
    }) {
        Ok(()) => true,
        Err(why) => skip(why),
    }
}

/// A busybox image (Debian's busybox-static, `docker import`ed) whose command fails like a
/// broken agent: `fatal: boom` on stderr, exit 1.
fn broken_image() -> bool {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let r = BUILT.get_or_init(|| {
        crate::common::import_busybox_image(BROKEN_IMAGE, "echo fatal: boom >&2; exit 1")
    });
    match r {
        Ok(()) => true,
        Err(why) => skip(why),
    }
}

/// A container name of this test, removed (with `docker rm -f`) on drop.
struct Guard {
    name: String,
    home: tempfile::TempDir,
}

impl Guard {
    fn new(what: &str) -> Guard {
        static N: AtomicUsize = AtomicUsize::new(0);
        Guard {
            name: format!(
                "b00t-obi-docker-{what}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Out {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut c = bin(self.home.path());
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run b00t").into()
    }

    /// `obi docker SUB --name NAME ARGS…`.
    fn obi(&self, sub: &str, args: &[&str]) -> Out {
        let mut a = vec!["obi", "docker", sub, "--name", &self.name];
        a.extend_from_slice(args);
        self.run(&a)
    }

    fn config_file(&self) -> PathBuf {
        self.home
            .path()
            .join(".local/state/b00t/obi")
            .join(&self.name)
            .join("obi-config.yml")
    }

    fn exists(&self) -> bool {
        docker(&["inspect", &self.name]).status.success()
    }

    fn id(&self) -> String {
        let o = docker(&["inspect", "-f", "{{.Id}}", &self.name]);
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // Not `docker()`: tests without an engine (or CLI) drop guards too.
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.name])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A config that works on these machines: network flows on loopback through TC, fixed host id,
/// no Kubernetes, free ports.
fn test_config(dir: &Path, log_level: &str) -> (PathBuf, u16) {
    let prom = free_port();
    let internal = free_port();
    let text = format!(
        "log_level: {log_level}
prometheus_export:
  port: {prom}
  path: /metrics
  features: [network]
internal_metrics:
  exporter: prometheus
  prometheus:
    port: {internal}
    path: /internal/metrics
network:
  source: tc
  interfaces: [lo]
  exclude_interfaces: []
  cache_active_timeout: 1s
attributes:
  host_id:
    override: b00t-test-node
  kubernetes:
    enable: false
    cluster_name: b00t-test
"
    );
    let file = dir.join(format!("obi-{log_level}.yml"));
    std::fs::write(&file, text).unwrap();
    (file, prom)
}

const AGENT_FLAGS: &[&str] = &[
    "--pull",
    "never",
    "--host-id",
    "b00t-test-node",
    "--cluster-name",
    "b00t-test",
    "--timeout",
    "90s",
];

#[test]
fn obi_docker_agent_deploys_observes_redeploys_and_stops() {
    if !agent_available() {
        return;
    }
    let g = Guard::new("agent");
    let cfg_dir = tempfile::tempdir().unwrap();
    let (cfg, _) = test_config(cfg_dir.path(), "INFO");
    let cfg = cfg.display().to_string();
    let mut args = vec!["--config", cfg.as_str()];
    args.extend_from_slice(AGENT_FLAGS);

    let out = g.obi("deploy", &args);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout
            .contains(&format!("container/{} created", g.name)),
        "{out}"
    );
    // This engine (Docker 20.10) does not know BPF/PERFMON: b00t says it falls back.
    let version =
        String::from_utf8_lossy(&docker(&["version", "--format", "{{.Server.APIVersion}}"]).stdout)
            .trim()
            .to_string();
    if version == "1.41" {
        assert!(
            out.stderr.contains("does not know the capabilities BPF"),
            "{out}"
        );
    }
    let caps = String::from_utf8_lossy(
        &docker(&["inspect", "-f", "{{.HostConfig.PidMode}} {{.HostConfig.NetworkMode}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapAdd}} {{.Config.User}}", &g.name]).stdout,
    )
    .to_string();
    assert!(caps.starts_with("host host true ["), "{caps}");
    assert!(
        caps.contains("SYS_ADMIN") && caps.trim_end().ends_with(" 0"),
        "{caps}"
    );
    assert!(g.config_file().exists(), "config file missing");
    let first_id = g.id();

    // Loopback traffic from 127.0.0.2 until status reports flows.
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let end = Instant::now() + Duration::from_secs(60);
    let status = loop {
        loopback_traffic(&server);
        let out = g.run(&["obi", "docker", "status", "--name", &g.name, "--json"]);
        let st = out.json();
        if st["health"] == "HEALTHY" {
            assert_eq!(out.code, 0, "{out}");
            break st;
        }
        assert_eq!(out.code, 1, "not healthy must exit 1: {out}");
        assert!(Instant::now() < end, "never HEALTHY: {out}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        status["observed"]["flow_series"].as_u64().unwrap() > 0,
        "{status}"
    );
    assert_eq!(status["state"], "running");
    assert!(status["memory_bytes"].as_u64().unwrap_or(0) > 0, "{status}");
    assert!(status["cpu_percent"].is_number(), "{status}");

    // The same settings again: unchanged, the same container.
    let mut json_args = args.clone();
    json_args.push("--json");
    let out = g.obi("deploy", &json_args);
    assert_eq!(out.code, 0, "{out}");
    let r = out.json();
    assert_eq!(r["action"], "unchanged", "{r}");
    assert_eq!(r["ready"], true, "{r}");
    assert_eq!(g.id(), first_id);

    // Logs: --level warn drops INFO lines the unfiltered log has; -o json is JSON Lines.
    let all = g.obi("logs", &[]);
    assert_eq!(all.code, 0, "{all}");
    assert!(all.stdout.contains("level=INFO"), "{all}");
    let warn = g.obi("logs", &["--level", "warn"]);
    assert_eq!(warn.code, 0, "{warn}");
    assert!(!warn.stdout.contains("level=INFO"), "{warn}");
    let json = g.obi("logs", &["--tail", "3", "-o", "json", "--timestamps"]);
    let lines: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!lines.is_empty() && lines.len() <= 3, "{json}");
    assert!(
        lines
            .iter()
            .all(|l| l["time"].as_str().is_some_and(|t| t.ends_with('Z')))
    );

    // A changed config replaces the container.
    let (cfg2, _) = test_config(cfg_dir.path(), "DEBUG");
    let cfg2 = cfg2.display().to_string();
    let mut args2 = vec!["--config", cfg2.as_str()];
    args2.extend_from_slice(AGENT_FLAGS);
    let out = g.obi("deploy", &args2);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("replaced"), "{out}");
    assert_ne!(g.id(), first_id);
    let written = std::fs::read_to_string(g.config_file()).unwrap();
    assert!(written.contains("log_level: DEBUG"), "{written}");

    // stop --keep stops; stop removes the container and its config file.
    let out = g.obi("stop", &["--keep"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(g.exists());
    let out = g.obi("status", &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stdout.contains("DOWN"), "{out}");
    // Deploying a stopped agent brings it back.
    let out = g.obi("deploy", &args2);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stderr.contains("is not running"), "{out}");
    let out = g.obi("stop", &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(!g.exists(), "container left behind");
    assert!(!g.config_file().exists(), "config file left behind");
    let out = g.obi("status", &[]);
    assert_eq!(out.code, 4, "{out}");
}

#[test]
fn obi_docker_broken_agent_fails_fast_with_its_log_line_and_exit_code() {
    if !docker_available() || !broken_image() {
        return;
    }
    let g = Guard::new("broken");
    let cfg_dir = tempfile::tempdir().unwrap();
    let (cfg, _) = test_config(cfg_dir.path(), "INFO");
    let started = Instant::now();
    let out = g.obi(
        "deploy",
        &[
            "--image",
            BROKEN_IMAGE,
            "--config",
            &cfg.display().to_string(),
            "--pull",
            "never",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(out.code, 1, "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(out.stderr.contains("fatal: boom"), "{out}");
    assert!(out.error_line().contains("exited with code 1"), "{out}");
    // It is stopped, not left restarting, and status says DOWN with the exit code.
    let st = g.run(&["obi", "docker", "status", "--name", &g.name, "--json"]);
    assert_eq!(st.code, 1, "{st}");
    let st = st.json();
    assert_eq!(st["health"], "DOWN", "{st}");
    assert_eq!(st["exit_code"], 1, "{st}");
    // -f on a stopped container prints what there is and returns; stderr lines are kept.
    let started = Instant::now();
    let logs = g.obi("logs", &["-f", "--since", "10m", "--level", "error"]);
    assert_eq!(logs.code, 0, "{logs}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(logs.stdout.contains("fatal: boom"), "{logs}");
}

#[test]
fn obi_docker_pull_never_with_a_missing_image_exits_4_and_creates_nothing() {
    if !docker_available() {
        return;
    }
    let g = Guard::new("missing");
    let out = g.obi(
        "deploy",
        &["--image", "b00t-test/not-there:0", "--pull", "never"],
    );
    assert_eq!(out.code, 4, "{out}");
    assert!(out.error_line().contains("b00t-test/not-there:0"), "{out}");
    assert!(out.error_line().contains("--pull never"), "{out}");
    assert!(!g.exists());
    assert!(!g.config_file().exists());
}

#[test]
fn obi_docker_invalid_config_exits_2_with_its_position_and_creates_nothing() {
    if !docker_available() {
        return;
    }
    let g = Guard::new("invalid");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yml");
    std::fs::write(
        &file,
        "log_level: INFO\nprometheus_export:\n  port: 9400\n  featurs: [network]\n",
    )
    .unwrap();
    let out = g.obi(
        "deploy",
        &["--config", &file.display().to_string(), "--pull", "never"],
    );
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains(&format!("{}:4:3: error", file.display())),
        "{out}"
    );
    assert!(out.error_line().contains("nothing was created"), "{out}");
    assert!(!g.exists());
}

#[test]
fn obi_docker_unreachable_engine_exits_3_and_says_how_to_fix_it() {
    let g = Guard::new("unreachable");
    let out = g.run_env(
        &["obi", "docker", "status", "--name", &g.name],
        &[("DOCKER_HOST", "unix:///nonexistent.sock")],
    );
    assert_eq!(out.code, 3, "{out}");
    let e = out.error_line();
    assert!(e.contains("unix:///nonexistent.sock"), "{e}");
    assert!(e.contains("start one") && e.contains("DOCKER_HOST"), "{e}");
}

#[test]
fn obi_docker_compose_with_collector_loads_with_our_loader() {
    let g = Guard::new("compose");
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = g.run(&[
        "obi",
        "docker",
        "compose",
        "--with-collector",
        "--legacy-capabilities",
        "--host-id",
        "h1",
        "--out",
        &out_dir.display().to_string(),
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.json()["files"].as_array().unwrap().len(), 3, "{out}");
    let compose = out_dir.join("compose.yaml");
    let project = b00t::translate::compose::load(&b00t::translate::compose::LoadOptions {
        files: vec![compose.clone()],
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let obi = &project.services["obi"];
    assert_eq!(obi.pid.as_deref(), Some("host"));
    assert_eq!(obi.network_mode.as_deref(), Some("host"));
    assert_eq!(obi.user.as_deref(), Some("0"));
    assert!(obi.read_only);
    assert!(obi.cap_add.contains(&"SYS_ADMIN".to_string()));
    assert!(!obi.cap_add.contains(&"BPF".to_string()), "legacy list");
    assert!(project.services.contains_key("otel-collector"));
    // The agent's config sends OTLP to the collector and passes the validator.
    let config = std::fs::read_to_string(out_dir.join("obi-config.yml")).unwrap();
    assert!(config.contains("http://127.0.0.1:4318"), "{config}");
    let v = b00t::obi::validate("obi-config.yml", &config, "main", &|_| None);
    assert!(v.valid, "{:#?}", v.diagnostics);
    let collector = std::fs::read_to_string(out_dir.join("otel-collector-config.yaml")).unwrap();
    assert!(collector.contains("otlp:"), "{collector}");
    // docker compose, where the plugin exists.
    let plugin = Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if plugin {
        let o = docker(&["compose", "-f", &compose.display().to_string(), "config"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    } else {
        eprintln!("skipping docker compose config: the compose plugin is not installed");
    }
}

/// The reusable backend on its own (what MCP servers on Docker will build on): create with a
/// published loopback port, start, inspect, labels, logs of both streams, stats, list by
/// label, stop, remove.
#[test]
fn runtime_docker_runs_a_generic_container() {
    use b00t::runtime::docker::{
        ConnectOptions, ContainerSpec, Docker, LogOptions, Port, Restart, labels,
    };
    if !docker_available() || !broken_image() {
        return;
    }
    let g = Guard::new("runtime");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let d = Docker::connect(&ConnectOptions::default()).await.unwrap();
        assert!(!d.version.api_version.is_empty());
        assert!(d.inspect(&g.name).await.unwrap().is_none());
        let host_port = free_port();
        let spec = ContainerSpec {
            name: g.name.clone(),
            image: BROKEN_IMAGE.into(),
            cmd: Some(vec![
                "sh".into(),
                "-c".into(),
                "echo to-stdout; echo to-stderr >&2; sleep 60".into(),
            ]),
            labels: [
                (labels::MANAGED_BY.to_string(), "b00t".to_string()),
                (labels::INSTANCE.to_string(), g.name.clone()),
            ]
            .into(),
            ports: vec![Port {
                container_port: 8080,
                protocol: "tcp".into(),
                host_ip: "127.0.0.1".into(),
                host_port: Some(host_port),
            }],
            cap_drop: vec!["ALL".into()],
            read_only: true,
            restart: Restart::UnlessStopped,
            ..Default::default()
        };
        d.create(&spec).await.unwrap();
        d.start(&g.name).await.unwrap();
        let c = d.require(&g.name, "").await.unwrap();
        assert!(c.running && c.managed_by_b00t(), "{c:?}");
        assert_eq!(c.labels.get(labels::CONFIG_HASH), Some(&spec.hash()));
        let bound = String::from_utf8_lossy(&docker(&["port", &g.name, "8080/tcp"]).stdout)
            .trim()
            .to_string();
        assert_eq!(bound, format!("127.0.0.1:{host_port}"));
        let end = Instant::now() + Duration::from_secs(20);
        let mut entries = Vec::new();
        while entries.len() < 2 && Instant::now() < end {
            entries.clear();
            let mut sink = |e| entries.push(e);
            d.logs(&g.name, &LogOptions::default(), &mut sink)
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let streams: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.stream.as_str(), e.line.as_str()))
            .collect();
        assert!(streams.contains(&("stdout", "to-stdout")), "{streams:?}");
        assert!(streams.contains(&("stderr", "to-stderr")), "{streams:?}");
        assert!(entries.iter().all(|e| !e.time.is_empty()));
        let usage = d.stats_once(&g.name).await.unwrap();
        assert!(usage.memory_bytes.is_some(), "{usage:?}");
        let listed = d
            .list(&[(labels::INSTANCE.to_string(), g.name.clone())].into())
            .await
            .unwrap();
        assert_eq!(listed, vec![g.name.clone()]);
        d.stop(&g.name, Duration::from_secs(1)).await.unwrap();
        assert!(!d.require(&g.name, "").await.unwrap().running);
        d.remove(&g.name).await.unwrap();
        assert!(d.inspect(&g.name).await.unwrap().is_none());
        // Removing what is gone is fine; requiring it is not found (exit 4).
        d.remove(&g.name).await.unwrap();
        let e = d.require(&g.name, "").await.unwrap_err();
        assert_eq!(b00t::error::Classify::exit(&e), b00t::error::Exit::NotFound);
    });
}

/// An agent that runs but attaches to nothing (loopback only, and excluded by OBI's default
/// `exclude_interfaces: [lo]`) is DEGRADED, not healthy: "is the container running?" is not
/// the question.
#[test]
fn obi_docker_status_is_degraded_for_an_agent_that_observes_nothing() {
    if !agent_available() {
        return;
    }
    let g = Guard::new("blind");
    let cfg_dir = tempfile::tempdir().unwrap();
    let (cfg, _) = test_config(cfg_dir.path(), "INFO");
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("  exclude_interfaces: []\n", "");
    std::fs::write(&cfg, text).unwrap();
    let cfg = cfg.display().to_string();
    let mut args = vec!["--config", cfg.as_str()];
    args.extend_from_slice(AGENT_FLAGS);
    let out = g.obi("deploy", &args);
    assert_eq!(out.code, 0, "{out}");
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let end = Instant::now() + Duration::from_secs(4);
    while Instant::now() < end {
        loopback_traffic(&server);
        std::thread::sleep(Duration::from_millis(300));
    }
    let out = g.run(&["obi", "docker", "status", "--name", &g.name, "--json"]);
    assert_eq!(out.code, 1, "{out}");
    let st = out.json();
    assert_eq!(st["health"], "DEGRADED", "{st}");
    assert_eq!(st["running"], true, "{st}");
    assert_eq!(st["observed"]["flow_series"], 0, "{st}");
    assert!(
        st["reasons"][0]
            .as_str()
            .unwrap()
            .contains("runs but observes nothing"),
        "{st}"
    );
}
