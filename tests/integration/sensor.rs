//! `b00t obi sensor …` as a process, loading real eBPF (root; skips otherwise, fails in CI).
//!
//! Every test owns its listeners (127.0.0.1 and ::1 on ephemeral ports) and checks the sensor
//! reports exactly the connections it made, so tests running in parallel (each with its own
//! sensor) do not disturb each other.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_b00t")
}

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn euid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("Uid line")
}

/// Root is needed to load eBPF: skip with a message locally, fail in CI.
pub(crate) fn require_root() -> bool {
    if euid() == 0 {
        return true;
    }
    assert!(
        !in_ci(),
        "CI=true: the sensor tests need root (load and attach real eBPF)"
    );
    eprintln!(
        "skipping: the sensor tests need root (sudo -E cargo test --test integration sensor)"
    );
    false
}

/// A running `b00t obi sensor run`, with stdout collected and stderr watched.
pub(crate) struct Running {
    child: Child,
    stdout: std::thread::JoinHandle<String>,
    stderr_lines: mpsc::Receiver<String>,
    stderr: Vec<String>,
}

impl Running {
    /// Start the sensor and wait until it says it is watching (programs attached).
    pub(crate) fn start(args: &[&str]) -> Running {
        let mut child = Command::new(bin())
            .args(["obi", "sensor", "run"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning b00t");
        let mut out = child.stdout.take().expect("stdout");
        let stdout = std::thread::spawn(move || {
            let mut s = String::new();
            out.read_to_string(&mut s).expect("reading stdout");
            s
        });
        let err = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut r = Running {
            child,
            stdout,
            stderr_lines: rx,
            stderr: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match r.stderr_lines.recv_timeout(left) {
                Ok(line) => {
                    let ready = line.starts_with("watching TCP connections");
                    r.stderr.push(line);
                    if ready {
                        break;
                    }
                }
                Err(_) => {
                    let _ = r.child.kill();
                    panic!("the sensor did not start: {:?}", r.stderr);
                }
            }
        }
        r
    }

    /// SIGTERM, wait for exit; returns (exit code, stdout, stderr).
    pub(crate) fn stop(mut self) -> (i32, String, String) {
        // Let the last state transitions reach the ring buffer and be drained.
        std::thread::sleep(Duration::from_millis(300));
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let code = wait_timeout(&mut self.child, Duration::from_secs(30));
        let stdout = self.stdout.join().expect("stdout thread");
        while let Ok(l) = self.stderr_lines.recv_timeout(Duration::from_millis(200)) {
            self.stderr.push(l);
        }
        (code, stdout, self.stderr.join("\n"))
    }
}

fn wait_timeout(child: &mut Child, limit: Duration) -> i32 {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(st) = child.try_wait().expect("try_wait") {
            return st.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the sensor did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One connection the test made: the client's address and the byte counts each way.
#[derive(Debug, Clone)]
struct Made {
    client: SocketAddr,
    server: SocketAddr,
    up: usize,
    down: usize,
}

/// A listener that, for each accepted connection, reads `up` bytes, writes `down` bytes, and
/// closes after the client has closed.
fn listener(addr: &str) -> TcpListener {
    TcpListener::bind(addr).expect("binding a test listener")
}

/// Make `n` connections to `l`, sending distinct byte counts each way.
fn connect_n(l: &TcpListener, n: usize, base: usize) -> Vec<Made> {
    let addr = l.local_addr().unwrap();
    let mut made = Vec::new();
    for i in 0..n {
        let up = base + 17 * i;
        let down = 2 * base + 31 * i;
        let mut c = TcpStream::connect(addr).expect("connect");
        let (mut s, _) = l.accept().expect("accept");
        c.write_all(&vec![b'u'; up]).unwrap();
        let mut buf = vec![0u8; up];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&vec![b'd'; down]).unwrap();
        let mut buf = vec![0u8; down];
        c.read_exact(&mut buf).unwrap();
        made.push(Made {
            client: c.local_addr().unwrap(),
            server: addr,
            up,
            down,
        });
        drop(c);
        // The server reads EOF, then closes.
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
        drop(s);
    }
    made
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn connection_events(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|v| v["type"] == "connection").collect()
}

/// Events touching `port` (as local or remote port).
fn on_port(events: &[&Value], port: u16) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["local_port"] == port || e["remote_port"] == port)
        .map(|e| (*e).clone())
        .collect()
}

fn process_comm() -> String {
    std::fs::read_to_string("/proc/self/comm")
        .unwrap()
        .trim()
        .to_string()
}

/// Check the events on one listener's port are exactly `made`: for each connection one open and
/// one close on each side, with this process's pid, the right addresses, ports, states, bytes.
fn check_exact(events: &[Value], made: &[Made]) {
    let pid = std::process::id();
    let comm = process_comm();
    let server = made[0].server;
    let count = |role: &str, kind: &str| {
        events
            .iter()
            .filter(|e| e["role"] == role && e["event"] == kind)
            .count()
    };
    assert_eq!(
        count("client", "open"),
        made.len(),
        "client opens: {events:#?}"
    );
    assert_eq!(
        count("client", "close"),
        made.len(),
        "client closes: {events:#?}"
    );
    assert_eq!(
        count("server", "open"),
        made.len(),
        "server opens: {events:#?}"
    );
    assert_eq!(
        count("server", "close"),
        made.len(),
        "server closes: {events:#?}"
    );
    assert_eq!(
        events.len(),
        4 * made.len(),
        "unexpected events: {events:#?}"
    );
    let by_client: HashMap<u16, &Made> = made.iter().map(|m| (m.client.port(), m)).collect();
    for e in events {
        let role = e["role"].as_str().unwrap();
        let (client_port, lport, rport) = if role == "client" {
            (
                e["local_port"].as_u64().unwrap() as u16,
                e["local_port"].clone(),
                e["remote_port"].clone(),
            )
        } else {
            (
                e["remote_port"].as_u64().unwrap() as u16,
                e["remote_port"].clone(),
                e["local_port"].clone(),
            )
        };
        let m = by_client
            .get(&client_port)
            .unwrap_or_else(|| panic!("event for a connection the test did not make: {e}"));
        assert_eq!(lport, m.client.port(), "{e}");
        assert_eq!(rport, server.port(), "{e}");
        assert_eq!(e["pid"], pid, "{e}");
        assert_eq!(e["comm"], comm.as_str(), "{e}");
        let family = if server.is_ipv4() { "ipv4" } else { "ipv6" };
        assert_eq!(e["family"], family, "{e}");
        let ip = server.ip().to_string();
        assert_eq!(e["local_address"], ip.as_str(), "{e}");
        assert_eq!(e["remote_address"], ip.as_str(), "{e}");
        assert_eq!(
            e["direction"],
            if role == "client" {
                "outgoing"
            } else {
                "incoming"
            },
            "{e}"
        );
        assert_eq!(e["established"], true, "{e}");
        assert!(e["failure_reason"].is_null(), "{e}");
        assert!(e["time"].as_str().unwrap().ends_with('Z'), "{e}");
        if e["event"] == "open" {
            let old = if role == "client" {
                "syn_sent"
            } else {
                "syn_recv"
            };
            assert_eq!(e["old_state"], old, "{e}");
            assert_eq!(e["new_state"], "established", "{e}");
            assert_eq!(e["bytes_sent"], 0, "{e}");
            assert!(e["handshake_us"].is_u64(), "{e}");
            assert!(e["duration_us"].is_null(), "{e}");
        } else {
            assert_eq!(e["new_state"], "close", "{e}");
            let old = e["old_state"].as_str().unwrap();
            assert!(
                [
                    "fin_wait1",
                    "fin_wait2",
                    "last_ack",
                    "closing",
                    "close_wait"
                ]
                .contains(&old),
                "{e}"
            );
            let (sent, received) = if role == "client" {
                (m.up, m.down)
            } else {
                (m.down, m.up)
            };
            assert_eq!(e["bytes_sent"], sent, "{e}");
            assert_eq!(e["bytes_received"], received, "{e}");
            assert!(e["duration_us"].is_u64(), "{e}");
            assert!(e["rtt_us"].as_u64().is_some_and(|r| r > 0), "{e}");
            assert_eq!(e["retransmits"], 0, "{e}");
            assert!(e["error"].is_null(), "{e}");
        }
    }
}

#[test]
fn sensor_reports_exactly_the_connections_made_v4_and_v6() {
    if !require_root() {
        return;
    }
    let l4 = listener("127.0.0.1:0");
    let l6 = listener("[::1]:0");
    let s = Running::start(&["-o", "json", "--interval", "500ms", "--duration", "60s"]);
    let made4 = connect_n(&l4, 5, 1000);
    let made6 = connect_n(&l6, 4, 3000);
    // A refused connection: a port we bound and closed.
    let closed = listener("127.0.0.1:0");
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    assert!(TcpStream::connect(("127.0.0.1", closed_port)).is_err());
    // Let one interval summary pass.
    std::thread::sleep(Duration::from_millis(700));
    let (code, stdout, stderr) = s.stop();
    assert_eq!(code, 0, "stderr: {stderr}");
    let lines = json_lines(&stdout);
    let events = connection_events(&lines);
    check_exact(&on_port(&events, l4.local_addr().unwrap().port()), &made4);
    check_exact(&on_port(&events, l6.local_addr().unwrap().port()), &made6);

    let refused = on_port(&events, closed_port);
    assert_eq!(refused.len(), 1, "{refused:#?}");
    let r = &refused[0];
    assert_eq!(r["event"], "close");
    assert_eq!(r["role"], "client");
    assert_eq!(r["established"], false);
    assert_eq!(r["old_state"], "syn_sent");
    assert_eq!(r["failure_reason"], "refused");
    assert_eq!(r["error"], "ECONNREFUSED");
    assert_eq!(r["pid"], std::process::id());

    // Flow summaries: interval and total records for the v4 client flow.
    let p4 = l4.local_addr().unwrap().port();
    let total = lines
        .iter()
        .find(|v| {
            v["type"] == "flow"
                && v["window"] == "total"
                && v["direction"] == "outgoing"
                && v["remote_port"] == p4
        })
        .unwrap_or_else(|| panic!("no total flow for port {p4}: {stdout}"));
    assert_eq!(total["pid"], std::process::id());
    assert_eq!(total["role"], "client");
    assert_eq!(total["local_address"], "127.0.0.1");
    assert!(total["local_port"].is_null());
    assert_eq!(total["connections"], 5);
    assert_eq!(total["established"], 5);
    assert_eq!(total["closed"], 5);
    assert_eq!(total["active"], 0);
    assert_eq!(total["failed"], 0);
    assert_eq!(
        total["bytes_sent"],
        made4.iter().map(|m| m.up).sum::<usize>()
    );
    assert_eq!(
        total["bytes_received"],
        made4.iter().map(|m| m.down).sum::<usize>()
    );
    assert!(total["duration_p50_us"].is_u64() && total["duration_p99_us"].is_u64());
    assert!(total["rtt_p50_us"].is_u64());
    let server_total = lines
        .iter()
        .find(|v| v["type"] == "flow" && v["window"] == "total" && v["local_port"] == p4)
        .expect("server flow");
    assert_eq!(server_total["direction"], "incoming");
    assert!(server_total["remote_port"].is_null());
    assert_eq!(
        server_total["bytes_received"],
        made4.iter().map(|m| m.up).sum::<usize>()
    );
    let failed = lines
        .iter()
        .find(|v| v["type"] == "flow" && v["window"] == "total" && v["remote_port"] == closed_port)
        .expect("failed flow");
    assert_eq!(failed["failed"], 1);
    assert_eq!(failed["failures"]["refused"], 1);
    assert!(
        lines
            .iter()
            .any(|v| v["type"] == "flow" && v["window"] == "interval"),
        "no interval summary: {stdout}"
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary", "{stdout}");
    assert_eq!(summary["drops"], 0);
    assert!(summary["events"].as_u64().unwrap() > 4 * 9);
    assert!(stderr.contains("watching TCP connections"), "{stderr}");
}

#[test]
fn port_filter_keeps_only_that_port() {
    if !require_root() {
        return;
    }
    let wanted = listener("127.0.0.1:0");
    let other = listener("127.0.0.1:0");
    let wanted_port = wanted.local_addr().unwrap().port();
    let port = wanted_port.to_string();
    let s = Running::start(&["-o", "json", "--port", &port, "--interval", "1s"]);
    let made = connect_n(&wanted, 3, 500);
    let _ = connect_n(&other, 3, 500);
    let (code, stdout, stderr) = s.stop();
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    let events = connection_events(&lines);
    for e in &events {
        assert!(
            e["local_port"] == wanted_port || e["remote_port"] == wanted_port,
            "{e}"
        );
    }
    let all: Vec<Value> = events.iter().map(|e| (*e).clone()).collect();
    check_exact(&all, &made);
}

#[test]
fn pid_filter_keeps_only_that_process() {
    if !require_root() {
        return;
    }
    let l = listener("127.0.0.1:0");
    let port = l.local_addr().unwrap().port();
    let pid = std::process::id().to_string();
    let s = Running::start(&["-o", "json", "--pid", &pid, "--interval", "1s"]);
    // Another process connects to our listener: its client side must not appear; the accepted
    // side belongs to us and does.
    let script = format!("exec 3<>/dev/tcp/127.0.0.1/{port}; printf hello >&3; exec 3>&-");
    let mut other = Command::new("bash")
        .args(["-c", &script])
        .spawn()
        .expect("bash");
    let (mut accepted, _) = l.accept().unwrap();
    let mut got = Vec::new();
    accepted.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"hello");
    drop(accepted);
    assert!(other.wait().unwrap().success());
    let other_pid = other.id();
    let made = connect_n(&l, 3, 700);
    let (code, stdout, stderr) = s.stop();
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    let events = connection_events(&lines);
    for e in &events {
        assert_eq!(e["pid"], std::process::id(), "{e}");
        assert_ne!(e["pid"], other_pid, "{e}");
    }
    let mine = on_port(&events, port);
    // Our 3 connections, plus the server side of bash's connection (open + close).
    let bash_server: Vec<&Value> = mine
        .iter()
        .filter(|e| {
            e["role"] == "server" && !made.iter().any(|m| e["remote_port"] == m.client.port())
        })
        .collect();
    assert_eq!(bash_server.len(), 2, "{mine:#?}");
    assert!(
        bash_server
            .iter()
            .any(|e| e["event"] == "close" && e["bytes_received"] == 5)
    );
    let ours: Vec<Value> = mine
        .into_iter()
        .filter(|e| {
            made.iter()
                .any(|m| e["local_port"] == m.client.port() || e["remote_port"] == m.client.port())
        })
        .collect();
    check_exact(&ours, &made);
}

/// Plain HTTP GET over a TcpStream (the endpoint is ours, on loopback).
fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connecting to the metrics endpoint");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").expect("HTTP response");
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The value of the first sample of `name` whose labels contain every `labels` pair.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (series, value) = l.rsplit_once(' ')?;
        let (n, rest) = series.split_once('{').unwrap_or((series, ""));
        if n != name {
            return None;
        }
        let all = labels
            .iter()
            .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
        all.then(|| value.parse().ok()).flatten()
    })
}

#[test]
fn prometheus_endpoint_serves_valid_obi_metrics() {
    if !require_root() {
        return;
    }
    let l = listener("127.0.0.1:0");
    let lport = l.local_addr().unwrap().port();
    let prom = format!("127.0.0.1:{}", free_port());
    let port = lport.to_string();
    let s = Running::start(&["--prometheus", &prom, "--port", &port, "--interval", "1s"]);
    assert!(
        s.stderr
            .iter()
            .any(|l| l.contains(&format!("http://{prom}/metrics"))),
        "{:?}",
        s.stderr
    );
    let made = connect_n(&l, 4, 1200);
    // The sensor drains every 20 ms; on a loaded machine give it time before judging.
    let pid = std::process::id().to_string();
    let p = lport.to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let (status, text) = http_get(&prom, "/metrics");
        assert_eq!(status, 200);
        let closes = sample(
            &text,
            "obi_stat_tcp_rtt_seconds_count",
            &[("process_pid", pid.as_str()), ("src_port", p.as_str())],
        );
        if closes == Some(4.0) || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };

    // A real parser: promtool from Debian's prometheus package.
    match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(mut p) => {
            p.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
            let o = p.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "promtool check metrics failed: {}{}\n{text}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        Err(e) => {
            assert!(!in_ci(), "CI=true: promtool is required ({e})");
            eprintln!("promtool not found ({e}): skipping the parser check");
        }
    }

    let up: usize = made.iter().map(|m| m.up).sum();
    let down: usize = made.iter().map(|m| m.down).sum();
    let client = [
        ("process_pid", pid.as_str()),
        ("dst_port", p.as_str()),
        ("network_tcp_handshake_role", "client"),
    ];
    assert_eq!(
        sample(&text, "obi_stat_tcp_successful_connections_total", &client),
        Some(4.0),
        "{text}"
    );
    let server = [
        ("process_pid", pid.as_str()),
        ("src_port", p.as_str()),
        ("network_tcp_handshake_role", "server"),
    ];
    assert_eq!(
        sample(&text, "obi_stat_tcp_successful_connections_total", &server),
        Some(4.0),
        "{text}"
    );
    let egress = [
        ("process_pid", pid.as_str()),
        ("dst_port", p.as_str()),
        ("iface_direction", "egress"),
        ("direction", "outgoing"),
    ];
    assert_eq!(
        sample(&text, "obi_network_flow_bytes_total", &egress),
        Some(up as f64),
        "{text}"
    );
    let ingress = [
        ("process_pid", pid.as_str()),
        ("src_port", p.as_str()),
        ("iface_direction", "ingress"),
        ("direction", "outgoing"),
    ];
    assert_eq!(
        sample(&text, "obi_network_flow_bytes_total", &ingress),
        Some(down as f64),
        "{text}"
    );
    let tx = [
        ("process_pid", pid.as_str()),
        ("dst_port", p.as_str()),
        ("network_io_direction", "transmit"),
    ];
    assert_eq!(
        sample(&text, "obi_stat_tcp_io_bytes_total", &tx),
        Some(up as f64),
        "{text}"
    );
    assert_eq!(
        sample(&text, "obi_stat_tcp_rtt_seconds_count", &client),
        Some(4.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "obi_stat_tcp_retransmits_total", &client),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "obi_stat_tcp_rtt_seconds_bucket",
            &[("dst_port", p.as_str()), ("le", "+Inf")]
        ),
        Some(4.0),
        "{text}"
    );
    assert!(
        sample(&text, "b00t_sensor_events_total", &[]).is_some_and(|v| v >= 16.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "b00t_sensor_events_dropped_total", &[]),
        Some(0.0),
        "{text}"
    );
    assert!(text.contains("# TYPE obi_stat_tcp_failed_connections_total counter"));
    let (code, _, stderr) = s.stop();
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn otlp_export_is_decoded_by_the_official_definitions() {
    use http_body_util::BodyExt;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
    use opentelemetry_proto::tonic::metrics::v1::metric::Data;
    use prost::Message;

    if !require_root() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (tx, rx) = mpsc::channel::<(String, String, ExportMetricsServiceRequest)>();
    let receiver = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let endpoint = format!("http://{}", receiver.local_addr().unwrap());
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = receiver.accept().await else {
                break;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let tx = tx.clone();
                        async move {
                            let path = req.uri().path().to_string();
                            let ctype = req
                                .headers()
                                .get("content-type")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string();
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            let decoded = ExportMetricsServiceRequest::decode(body)
                                .expect("valid OTLP protobuf");
                            let _ = tx.send((path, ctype, decoded));
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                http_body_util::Full::new(bytes::Bytes::new()),
                            ))
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });

    let l = listener("[::1]:0");
    let lport = l.local_addr().unwrap().port();
    let port = lport.to_string();
    let s = Running::start(&[
        "--otlp-endpoint",
        &endpoint,
        "--port",
        &port,
        "--interval",
        "1s",
    ]);
    let made = connect_n(&l, 3, 900);
    let (code, _, stderr) = s.stop();
    assert_eq!(code, 0, "{stderr}");
    // The final export is sent before the process exits: it is the last one received.
    let mut last = None;
    while let Ok(r) = rx.recv_timeout(Duration::from_millis(500)) {
        last = Some(r);
    }
    let (path, ctype, req) = last.expect("no OTLP export received");
    assert_eq!(path, "/v1/metrics");
    assert_eq!(ctype, "application/x-protobuf");
    let rm = &req.resource_metrics[0];
    let resource = rm.resource.as_ref().unwrap();
    assert!(resource.attributes.iter().any(|kv| kv.key == "service.name"
        && matches!(kv.value.as_ref().and_then(|v| v.value.as_ref()), Some(Any::StringValue(s)) if s == "b00t-sensor")));
    let metrics = &rm.scope_metrics[0].metrics;
    let find = |name: &str| {
        metrics
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let attr =
        |attrs: &[opentelemetry_proto::tonic::common::v1::KeyValue], key: &str| -> Option<String> {
            attrs.iter().find(|kv| kv.key == key).and_then(|kv| {
                match kv.value.as_ref()?.value.as_ref()? {
                    Any::StringValue(s) => Some(s.clone()),
                    Any::IntValue(i) => Some(i.to_string()),
                    _ => None,
                }
            })
        };
    let pid = std::process::id().to_string();
    let p = lport.to_string();

    let Some(Data::Sum(ok)) = &find("obi.stat.tcp.successful.connections").data else {
        panic!("not a sum")
    };
    assert!(ok.is_monotonic);
    assert_eq!(ok.aggregation_temporality, 2);
    let client: Vec<_> = ok
        .data_points
        .iter()
        .filter(|dp| {
            attr(&dp.attributes, "process.pid").as_deref() == Some(pid.as_str())
                && attr(&dp.attributes, "dst.port").as_deref() == Some(p.as_str())
                && attr(&dp.attributes, "network.tcp.handshake.role").as_deref() == Some("client")
        })
        .collect();
    assert_eq!(client.len(), 1, "{ok:#?}");
    use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as Num;
    assert_eq!(client[0].value, Some(Num::AsInt(3)));
    assert_eq!(
        attr(&client[0].attributes, "src.address").as_deref(),
        Some("::1")
    );

    let Some(Data::Sum(bytes)) = &find("obi.network.flow.bytes").data else {
        panic!("not a sum")
    };
    let egress = bytes
        .data_points
        .iter()
        .find(|dp| {
            attr(&dp.attributes, "dst.port").as_deref() == Some(p.as_str())
                && attr(&dp.attributes, "iface.direction").as_deref() == Some("egress")
                && attr(&dp.attributes, "process.pid").as_deref() == Some(pid.as_str())
        })
        .expect("egress bytes");
    assert_eq!(
        egress.value,
        Some(Num::AsInt(made.iter().map(|m| m.up as i64).sum()))
    );

    let Some(Data::Histogram(rtt)) = &find("obi.stat.tcp.rtt").data else {
        panic!("not a histogram")
    };
    assert_eq!(find("obi.stat.tcp.rtt").unit, "s");
    let h = rtt
        .data_points
        .iter()
        .find(|dp| attr(&dp.attributes, "dst.port").as_deref() == Some(p.as_str()))
        .expect("rtt point");
    assert_eq!(h.count, 3);
    assert_eq!(h.bucket_counts.len(), h.explicit_bounds.len() + 1);
    assert_eq!(h.bucket_counts.iter().sum::<u64>(), 3);
    assert!(h.sum.unwrap() > 0.0);

    let Some(Data::Sum(dropped)) = &find("b00t.sensor.events.dropped").data else {
        panic!()
    };
    assert_eq!(dropped.data_points[0].value, Some(Num::AsInt(0)));
    let Some(Data::Sum(events)) = &find("b00t.sensor.events").data else {
        panic!()
    };
    assert!(matches!(events.data_points[0].value, Some(Num::AsInt(n)) if n >= 12));
}

#[test]
fn table_output_and_final_summary() {
    if !require_root() {
        return;
    }
    let l = listener("127.0.0.1:0");
    let port = l.local_addr().unwrap().port().to_string();
    let s = Running::start(&["--port", &port, "--interval", "1s"]);
    let _ = connect_n(&l, 2, 100);
    std::thread::sleep(Duration::from_millis(1200));
    let (code, stdout, stderr) = s.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("PID") && stdout.contains("REMOTE") && stdout.contains("CONNS"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("127.0.0.1:{port}")), "{stdout}");
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("# summary:"))
        .expect("final summary");
    assert!(
        summary.contains("4 connections (0 failed) in 2 flows"),
        "{summary}"
    );
    assert!(summary.contains("dropped 0"), "{summary}");
}

#[test]
fn duration_stops_the_sensor_and_obi_link_works() {
    if !require_root() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("obi");
    std::os::unix::fs::symlink(bin(), &link).unwrap();
    let t = Instant::now();
    let o = Command::new(&link)
        .args([
            "sensor",
            "run",
            "--duration",
            "1s",
            "--port",
            "1",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(t.elapsed() < Duration::from_secs(20));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let last: Value = serde_json::from_str(stdout.lines().last().expect("summary line")).unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["drops"], 0);
}

#[test]
fn probe_reports_a_working_machine() {
    if !require_root() {
        return;
    }
    let o = Command::new(bin())
        .args(["obi", "sensor", "probe", "-o", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let p: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(p["run_will_work"], true, "{p:#}");
    assert_eq!(p["btf"], true);
    assert_eq!(p["capabilities"]["cap_bpf"], true);
    assert_eq!(p["tracefs"]["mounted"], true);
    assert_eq!(p["tracepoints"]["sock/inet_sock_set_state"], true);
    assert_eq!(p["program_tracepoint"], true);
    assert_eq!(p["map_ringbuf"], true);
    assert_eq!(p["load_test"]["ok"], true);
    assert_eq!(p["missing_privileges"], serde_json::json!([]));
    let table = Command::new(bin())
        .args(["obi", "sensor", "probe"])
        .output()
        .unwrap();
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("CHECK"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("run") && l.contains("will work")),
        "{text}"
    );
}

/// Root without any capability (setpriv drops them all): a precise message and exit 5.
#[test]
fn without_privileges_the_message_says_what_is_missing() {
    if !require_root() {
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        assert!(!in_ci(), "CI=true: setpriv (util-linux) is required");
        eprintln!("skipping: setpriv not found");
        return;
    }
    let unprivileged = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--inh-caps=-all", "--bounding-set=-all", "--"])
            .arg(bin())
            .args(args)
            .output()
            .unwrap()
    };
    let o = unprivileged(&["obi", "sensor", "run", "--duration", "1s"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.starts_with("error: the eBPF sensor needs privileges"),
        "{stderr}"
    );
    assert!(
        stderr.contains("CAP_BPF") && stderr.contains("CAP_PERFMON"),
        "{stderr}"
    );
    assert!(stderr.contains("sudo b00t obi sensor run"), "{stderr}");
    assert!(
        stderr.contains("setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep"),
        "{stderr}"
    );
    assert!(!stderr.contains("tracefs not found"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
    assert!(o.stdout.is_empty());

    let o = unprivileged(&["obi", "sensor", "probe", "-o", "json"]);
    assert_eq!(
        o.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let p: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(p["run_will_work"], false);
    assert_eq!(p["capabilities"]["cap_bpf"], false);
    assert!(p["load_test"].is_null());
    assert!(
        p["missing_privileges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().starts_with("CAP_BPF"))
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let o = Command::new(bin())
        .args(["obi", "sensor", "run", "--interval", "5x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(bin())
        .args(["obi", "sensor", "run", "-o", "yaml"])
        .output()
        .unwrap();
    // Usage is checked before privileges.
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = Command::new(bin())
        .args([
            "obi",
            "sensor",
            "run",
            "--otlp-endpoint",
            "https://collector:4318",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // --obi-labels labels exported metrics: without an exporter it is a mistake.
    let o = Command::new(bin())
        .args(["obi", "sensor", "run", "--obi-labels"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--obi-labels") && err.contains("--prometheus"),
        "{err}"
    );
    let o = Command::new(bin())
        .args(["obi", "sensor", "run", "--bytes", "approx"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// Listening sockets are told apart by address and port: closing [::1]:P must not lose the
/// owner of 127.0.0.1:P; a listener opened after the sensor started is attributed too.
#[test]
fn listeners_sharing_a_port_number_are_kept_apart() {
    if !require_root() {
        return;
    }
    let v4 = listener("127.0.0.1:0");
    let port = v4.local_addr().unwrap().port();
    let Ok(v6) = TcpListener::bind(("::1", port)) else {
        eprintln!("skipping: [::1]:{port} is taken");
        return;
    };
    let p = port.to_string();
    let s = Running::start(&["-o", "json", "--port", &p, "--interval", "1s"]);
    drop(v6);
    let made = connect_n(&v4, 2, 400);
    // Opened while the sensor runs: attributed through its listen() call.
    let v6_again = listener(&format!("[::1]:{port}"));
    let made6 = connect_n(&v6_again, 2, 600);
    let (code, stdout, stderr) = s.stop();
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    let events = connection_events(&lines);
    let of = |family: &str| -> Vec<Value> {
        events
            .iter()
            .filter(|e| e["family"] == family)
            .map(|e| (*e).clone())
            .collect()
    };
    check_exact(&of("ipv4"), &made);
    check_exact(&of("ipv6"), &made6);
}

#[test]
fn comm_filter_matches_the_process_name() {
    if !require_root() {
        return;
    }
    let l = listener("127.0.0.1:0");
    let port = l.local_addr().unwrap().port().to_string();
    let re = format!("^{}$", regex::escape(&process_comm()));
    let matching = Running::start(&["-o", "json", "--port", &port, "--comm", &re]);
    let other = Running::start(&["-o", "json", "--port", &port, "--comm", "^no-such-command$"]);
    let made = connect_n(&l, 2, 300);
    let (code, stdout, stderr) = matching.stop();
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    let all: Vec<Value> = connection_events(&lines).into_iter().cloned().collect();
    check_exact(&all, &made);
    let (code, stdout, stderr) = other.stop();
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert!(connection_events(&lines).is_empty(), "{stdout}");
    assert_eq!(lines.last().unwrap()["type"], "summary");
}

/// `setsockopt(SO_LINGER, {on, 0})`: close() then resets the connection, discarding unsent data.
fn linger_zero(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    let l = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket fd and a correctly sized, initialised linger struct.
    let r = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&l as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(r, 0, "SO_LINGER: {}", std::io::Error::last_os_error());
}

/// The close event of `role` on the connection whose client port is `client_port`.
fn close_of<'a>(events: &'a [Value], role: &str, client_port: u16) -> &'a Value {
    let field = if role == "client" {
        "local_port"
    } else {
        "remote_port"
    };
    events
        .iter()
        .find(|e| e["event"] == "close" && e["role"] == role && e[field] == client_port)
        .unwrap_or_else(|| panic!("no {role} close for client port {client_port}: {events:#?}"))
}

fn bytes_of(e: &Value) -> (u64, u64) {
    (
        e["bytes_sent"].as_u64().unwrap(),
        e["bytes_received"].as_u64().unwrap(),
    )
}

/// `--bytes exact` and `--bytes fast` side by side on the same connections (two sensors, each
/// with its own programs): what `fast` (TCP counters at close) gets right and what it gets
/// wrong, measured.
#[test]
fn fast_byte_mode_counts_what_tcp_delivered_exact_what_the_application_did() {
    if !require_root() {
        return;
    }
    let l = listener("127.0.0.1:0");
    let port = l.local_addr().unwrap().port().to_string();
    let exact = Running::start(&["-o", "json", "--port", &port, "--bytes", "exact"]);
    let fast = Running::start(&["-o", "json", "--port", &port, "--bytes", "fast"]);
    assert!(
        exact.stderr.iter().any(|l| l.contains("(bytes: exact)")),
        "{:?}",
        exact.stderr
    );
    assert!(
        fast.stderr.iter().any(|l| l.contains("(bytes: fast)")),
        "{:?}",
        fast.stderr
    );

    // 1. Orderly exchanges: both modes give the payload exactly (fast takes the SYN and the
    // FINs, which TCP counts as sequence space, off its counters).
    let made = connect_n(&l, 3, 1500);

    // 2. Data the server never reads: the client's 5000 bytes reach the server's receive buffer
    // (TCP acknowledged them), then the server closes (which resets the connection).
    let addr = l.local_addr().unwrap();
    let mut c = TcpStream::connect(addr).unwrap();
    let (s, _) = l.accept().unwrap();
    c.write_all(&[b'u'; 5000]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let unread_port = c.local_addr().unwrap().port();
    drop(s);
    let mut sink = Vec::new();
    let _ = c.read_to_end(&mut sink);
    drop(c);

    // 3. Data never acknowledged: the server does not read, the client writes until its send
    // buffer is full too, then resets (SO_LINGER 0) with data still unsent.
    let c = TcpStream::connect(addr).unwrap();
    let (s, _) = l.accept().unwrap();
    c.set_nonblocking(true).unwrap();
    let chunk = [b'w'; 16384];
    let mut written = 0u64;
    let mut idle = 0;
    while idle < 20 {
        match (&c).write(&chunk) {
            Ok(n) => {
                written += n as u64;
                idle = 0;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                idle += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("write: {e}"),
        }
    }
    let unacked_port = c.local_addr().unwrap().port();
    linger_zero(&c);
    drop(c);
    std::thread::sleep(Duration::from_millis(100));
    drop(s);

    let (code, out_exact, err) = exact.stop();
    assert_eq!(code, 0, "{err}");
    let (code, out_fast, err) = fast.stop();
    assert_eq!(code, 0, "{err}");
    let ex: Vec<Value> = json_lines(&out_exact)
        .into_iter()
        .filter(|v| v["type"] == "connection")
        .collect();
    let fa: Vec<Value> = json_lines(&out_fast)
        .into_iter()
        .filter(|v| v["type"] == "connection")
        .collect();

    // 1: identical, and equal to the payload.
    for m in &made {
        let p = m.client.port();
        let want_c = (m.up as u64, m.down as u64);
        let want_s = (m.down as u64, m.up as u64);
        assert_eq!(bytes_of(close_of(&ex, "client", p)), want_c, "exact client");
        assert_eq!(bytes_of(close_of(&fa, "client", p)), want_c, "fast client");
        assert_eq!(bytes_of(close_of(&ex, "server", p)), want_s, "exact server");
        assert_eq!(bytes_of(close_of(&fa, "server", p)), want_s, "fast server");
    }

    // 2: the server application read nothing; TCP received (and acknowledged) 5000 bytes.
    assert_eq!(bytes_of(close_of(&ex, "server", unread_port)), (0, 0));
    assert_eq!(bytes_of(close_of(&fa, "server", unread_port)), (0, 5000));
    assert_eq!(bytes_of(close_of(&ex, "client", unread_port)).0, 5000);
    assert_eq!(bytes_of(close_of(&fa, "client", unread_port)).0, 5000);

    // 3: exact counts every byte write() accepted; fast only what the peer acknowledged (what
    // fit in its receive buffer), which is what the server side's fast count says it received.
    let ex_sent = bytes_of(close_of(&ex, "client", unacked_port)).0;
    let fa_sent = bytes_of(close_of(&fa, "client", unacked_port)).0;
    let fa_recv = bytes_of(close_of(&fa, "server", unacked_port)).1;
    assert_eq!(ex_sent, written, "exact: bytes the application wrote");
    assert!(
        fa_sent > 0 && fa_sent < written,
        "fast: acknowledged bytes only ({fa_sent} of {written})"
    );
    assert_eq!(
        fa_sent, fa_recv,
        "acknowledged = received by the peer's TCP"
    );
    assert_eq!(bytes_of(close_of(&ex, "server", unacked_port)).1, 0);
    eprintln!(
        "unacknowledged at reset: wrote {written}, exact {ex_sent}, fast {fa_sent} \
         ({} bytes never acknowledged)",
        written - fa_sent
    );
}
