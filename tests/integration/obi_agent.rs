//! The real OBI agent (`../shared/obi/ebpf-instrument-main-fdb0bd7.tar.zst`) in the real Docker
//! engine, started with the configuration `b00t::obi::default_config` writes.
//!
//! Shows three things: the default configuration makes a working agent (network flows on
//! loopback reach `/metrics`); a config our validator rejects for a feature name also stops the
//! agent ("wrong configuration", exit 255); and a config with a typo'd key, which our validator
//! rejects, is silently accepted by the agent: the reason the validator exists.
//!
//! Skips with a message when docker or the image archive is missing; fails under `CI=true`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use b00t::obi::{DefaultConfigOptions, Severity, default_config, validate};

const IMAGE: &str = "otel/ebpf-instrument:main";
const BUILD_TAG: &str = "otel/ebpf-instrument:main-fdb0bd7";

fn archive() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/obi/ebpf-instrument-main-fdb0bd7.tar.zst")
}

fn docker(args: &[&str]) -> std::process::Output {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run docker")
}

/// Load the image once per test run. `Err` says why the agent cannot run here.
fn load_image() -> Result<(), String> {
    let ok = |o: &std::process::Output| o.status.success();
    match Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
    {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return Err(format!(
                "docker engine not reachable: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Err(e) => return Err(format!("docker CLI not found: {e}")),
    }
    if ok(&docker(&["image", "inspect", IMAGE])) {
        return Ok(());
    }
    if !ok(&docker(&["image", "inspect", BUILD_TAG])) {
        let file = archive();
        if !file.exists() {
            return Err(format!("{} is missing", file.display()));
        }
        let cmd = format!(
            "zstd -dc '{}' | docker load",
            file.display().to_string().replace('\'', "'\\''")
        );
        let out = Command::new("sh")
            .args(["-c", &cmd])
            .output()
            .map_err(|e| format!("running {cmd}: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{cmd} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    let out = docker(&["tag", BUILD_TAG, IMAGE]);
    if !out.status.success() {
        return Err(format!(
            "docker tag {BUILD_TAG} {IMAGE}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// `true` when the agent can run; otherwise skips (prints why), or panics under `CI=true`.
pub(crate) fn agent_available() -> bool {
    static LOADED: OnceLock<Result<(), String>> = OnceLock::new();
    match LOADED.get_or_init(load_image) {
        Ok(()) => true,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the real OBI agent is required under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("skipping: the real OBI agent cannot run here: {why}");
            false
        }
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running agent container, removed on drop (also used by `sensor_obi`).
pub(crate) struct Agent {
    name: String,
    _dir: tempfile::TempDir,
}

impl Agent {
    pub(crate) fn start(config: &str) -> Agent {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "b00t-obi-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("obi-config.yml");
        std::fs::write(&file, config).unwrap();
        let mount = format!("{}:/config/obi-config.yml:ro", file.display());
        let mut args = vec!["run", "-d", "--name", &name, "--cap-drop", "ALL"];
        // Docker 20.10 takes one capability per flag and knows neither BPF nor PERFMON.
        for cap in [
            "SYS_ADMIN",
            "NET_RAW",
            "NET_ADMIN",
            "SYS_PTRACE",
            "DAC_READ_SEARCH",
        ] {
            args.extend(["--cap-add", cap]);
        }
        args.extend([
            "--pid",
            "host",
            "--network",
            "host",
            "--user",
            "0",
            "--read-only",
            "--tmpfs",
            "/var/run/obi",
            "-v",
            &mount,
            "-e",
            "OTEL_EBPF_CONFIG_PATH=/config/obi-config.yml",
            "-e",
            "OTEL_EBPF_HOST_ID=b00t-test-node",
            "-e",
            "OTEL_EBPF_KUBE_CLUSTER_NAME=b00t-test",
            IMAGE,
        ]);
        let out = docker(&args);
        let agent = Agent { name, _dir: dir };
        assert!(
            out.status.success(),
            "docker run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        agent
    }

    /// (running, exit code).
    pub(crate) fn state(&self) -> (bool, i64) {
        let out = docker(&[
            "inspect",
            "-f",
            "{{.State.Running}} {{.State.ExitCode}}",
            &self.name,
        ]);
        let s = String::from_utf8_lossy(&out.stdout);
        let mut it = s.split_whitespace();
        let running = it.next() == Some("true");
        let code = it.next().and_then(|c| c.parse().ok()).unwrap_or(-1);
        (running, code)
    }

    pub(crate) fn logs(&self) -> String {
        let out = docker(&["logs", &self.name]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Wait until the container has exited; its exit code.
    fn wait_exit(&self, timeout: Duration) -> Option<i64> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            let (running, code) = self.state();
            if !running {
                return Some(code);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        None
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", &self.name]);
    }
}

/// GET http://127.0.0.1:port/path (HTTP/1.0): (status line, body).
pub(crate) fn http_get(port: u16, path: &str) -> Option<(String, String)> {
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let (head, body) = buf.split_once("\r\n\r\n")?;
    Some((head.lines().next()?.to_string(), body.to_string()))
}

/// Poll `/metrics` until `pred` holds for its body, calling `between` before each poll.
pub(crate) fn wait_metrics(
    agent: &Agent,
    port: u16,
    path: &str,
    timeout: Duration,
    mut between: impl FnMut(),
    pred: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let end = Instant::now() + timeout;
    let mut last = String::new();
    while Instant::now() < end {
        if !agent.state().0 {
            return Err(format!("agent exited; logs:\n{}", agent.logs()));
        }
        between();
        if let Some((status, body)) = http_get(port, path) {
            if status.contains(" 200") && pred(&body) {
                return Ok(body);
            }
            last = body;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(format!(
        "timed out waiting on {path}; last body:\n{last}\nlogs:\n{}",
        agent.logs()
    ))
}

/// Test-only additions: flows on loopback through TC, addresses and ports as labels (so the
/// test finds its own connection among other loopback traffic), no cloud metadata lookups, no
/// Kubernetes.
const TEST_ADDITIONS: &str = "network:
  source: tc
  interfaces: [lo]
  exclude_interfaces: []
  cache_active_timeout: 1s
attributes:
  host_id:
    override: b00t-test-node
  select:
    obi_network_flow_bytes:
      include: [direction, src.address, dst.address, dst.port]
  kubernetes:
    enable: false
    cluster_name: b00t-test
";

struct Ports {
    prometheus: u16,
    internal: u16,
}

fn test_config(extra_network: &str) -> (String, Ports) {
    let ports = Ports {
        prometheus: free_port(),
        internal: free_port(),
    };
    let opts = DefaultConfigOptions {
        prometheus_port: Some(ports.prometheus),
        internal_metrics_port: Some(ports.internal),
        network: true,
        // Application metrics need kprobes, which these kernels lack; and instrumenting every
        // process of a shared machine is not a test's business.
        application: false,
        kubernetes: false,
        ..Default::default()
    };
    let base = default_config("main", &opts);
    let additions = TEST_ADDITIONS.replace(
        "  cache_active_timeout: 1s\n",
        &format!("  cache_active_timeout: 1s\n{extra_network}"),
    );
    (format!("{base}{additions}"), ports)
}

/// One connection from 127.0.0.2 to a server on 127.0.0.1 that answers with some bytes.
pub(crate) fn loopback_traffic(server: &TcpListener) {
    let addr = server.local_addr().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(async {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind(([127, 0, 0, 2], 0).into()).unwrap();
        sock.connect(addr).await
    });
    let Ok(client) = client else { return };
    let mut client = client.into_std().unwrap();
    client.set_nonblocking(false).unwrap();
    if let Ok((mut conn, _)) = server.accept() {
        let _ = conn.write_all(&[b'x'; 4096]);
        drop(conn);
        let mut sink = Vec::new();
        let _ = client.read_to_end(&mut sink);
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn obi_agent_default_config_exports_loopback_flows() {
    if !agent_available() {
        return;
    }
    let (config, ports) = test_config("");
    let v = validate("test.yaml", &config, "main-fdb0bd7", &no_env);
    assert!(v.valid, "{config}\n{:#?}", v.diagnostics);
    let agent = Agent::start(&config);
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let body = wait_metrics(
        &agent,
        ports.prometheus,
        "/metrics",
        Duration::from_secs(90),
        || loopback_traffic(&server),
        |b| b.contains("obi_network_flow_bytes_total"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let server_port = format!("{}", server.local_addr().unwrap().port());
    assert!(
        body.lines()
            .any(|l| l.starts_with("obi_network_flow_bytes_total")
                && l.contains("127.0.0.2")
                && l.contains(&server_port)),
        "no flow from 127.0.0.2 to port {server_port}:\n{body}"
    );
    // Internal metrics are on by default (what `obi status` reads).
    let (status, _) = http_get(ports.internal, "/internal/metrics").expect("internal metrics");
    assert!(status.contains(" 200"), "{status}");
}

#[test]
fn obi_agent_rejects_what_the_validator_rejects_for_a_bad_feature_name() {
    if !agent_available() {
        return;
    }
    let (config, _) = test_config("");
    let config = config.replace("features: [network]", "features: [netwrk]");
    assert!(config.contains("[netwrk]"), "{config}");
    let v = validate("test.yaml", &config, "main-fdb0bd7", &no_env);
    let errors: Vec<_> = v
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("unknown metric feature \"netwrk\"")),
        "{errors:#?}"
    );
    let agent = Agent::start(&config);
    let code = agent.wait_exit(Duration::from_secs(60));
    let logs = agent.logs();
    assert_eq!(code, Some(255), "agent did not exit 255; logs:\n{logs}");
    assert!(logs.contains("wrong configuration"), "{logs}");
    // This build does not check feature names itself: an unknown name enables nothing, and the
    // start-up rule our validator also reports stops it.
    assert!(
        logs.contains("at least one of 'network' or 'application' features must be enabled"),
        "{logs}"
    );
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("no metric feature is enabled")),
        "{errors:#?}"
    );
}

#[test]
fn obi_agent_silently_ignores_a_typo_the_validator_catches() {
    if !agent_available() {
        return;
    }
    let (config, ports) = test_config("  cache_active_timout: 5s\n");
    let v = validate("test.yaml", &config, "main-fdb0bd7", &no_env);
    let typo = v
        .diagnostics
        .iter()
        .find(|d| d.path == "network.cache_active_timout")
        .unwrap_or_else(|| panic!("typo not reported: {:#?}", v.diagnostics));
    assert_eq!(typo.severity, Severity::Error);
    assert!(
        typo.message
            .contains("did you mean \"cache_active_timeout\"?")
    );
    assert!(!v.valid);
    let agent = Agent::start(&config);
    // The agent starts, serves metrics and keeps running.
    wait_metrics(
        &agent,
        ports.prometheus,
        "/metrics",
        Duration::from_secs(60),
        || {},
        |_| true,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(Duration::from_secs(2));
    let (running, _) = agent.state();
    assert!(running, "agent stopped; logs:\n{}", agent.logs());
    assert!(!agent.logs().contains("wrong configuration"));
}

/// The validator and the agent agree on what yaml.v3 decodes and what OBI rejects at start-up.
#[test]
fn obi_agent_and_validator_agree_on_values() {
    if !agent_available() {
        return;
    }
    // (text to replace in the default config, replacement, what the agent logs when it refuses
    // to start; None: it starts)
    const INFO: &str = "log_level: INFO";
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            INFO,
            "log_level: INFO\nshutdown_timeout: 0",
            Some("cannot unmarshal !!int `0` into time.Duration"),
        ),
        (INFO, "log_level: INFO\nshutdown_timeout: \"0\"", None),
        (
            INFO,
            "log_level: INFO\nenforce_sys_caps: \"true\"",
            Some("cannot unmarshal !!str `true` into bool"),
        ),
        (INFO, "log_level: INFO\nenforce_sys_caps: \"yes\"", None),
        (
            INFO,
            "log_level: verbose",
            Some("unknown log level specified"),
        ),
        (INFO, "log_level: debug", None),
        ("path: /metrics", "path: /metrics\n  port_typo: 1", None),
        (INFO, "log_level: INFO\nnetwork_x: 0", None),
        // Start-up rules of this build.
        (
            "exporter: prometheus",
            "exporter: otel",
            Some("you can't enable both OTEL and Prometheus internal metrics"),
        ),
        (
            INFO,
            "log_level: INFO\nroutes: {wildcard_char: ab}",
            Some("wildcard_char can only be a single character"),
        ),
        (
            INFO,
            "log_level: INFO\nebpf: {batch_length: 0}",
            Some("must be at least 1"),
        ),
        (
            INFO,
            "log_level: INFO\ndiscovery: {instrument: [{containers_only: true}]}",
            Some("should define at least one selection criteria"),
        ),
    ];
    for (from, to, refusal) in cases {
        let (config, ports) = test_config("");
        let edited = config.replacen(from, to, 1);
        assert_ne!(edited, config, "{from:?} not in the default config");
        let v = validate("case.yaml", &edited, "main-fdb0bd7", &no_env);
        let agent = Agent::start(&edited);
        let case = to.replace('\n', " | ");
        match refusal {
            None => {
                wait_metrics(
                    &agent,
                    ports.prometheus,
                    "/metrics",
                    Duration::from_secs(60),
                    || {},
                    |_| true,
                )
                .unwrap_or_else(|e| panic!("{case}: {e}"));
                // A typo'd key is the one thing the agent accepts and the validator does not.
                let typo = to.contains("_typo") || to.contains("network_x");
                assert_eq!(v.valid, !typo, "{case}: {:#?}", v.diagnostics);
            }
            Some(expected) => {
                let code = agent.wait_exit(Duration::from_secs(60));
                let logs = agent.logs();
                assert_eq!(code, Some(255), "{case}: logs:\n{logs}");
                assert!(
                    logs.contains(expected),
                    "{case}: {expected:?} not in:\n{logs}"
                );
                assert!(
                    !v.valid,
                    "{case}: validator accepted what the agent rejects"
                );
            }
        }
    }
}
