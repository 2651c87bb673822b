//! The sensor and the real OBI agent on the same traffic: bytes per connection and direction,
//! and the label set of `obi_network_flow_bytes_total` (`--obi-labels`).
//!
//! Needs root and Docker with `../shared/obi/`: skips with a message otherwise, fails under
//! `CI=true`.
//!
//! The agent (network metrics, `source: tc` on `lo`) counts the bytes of the packets it sees, the
//! sensor the payload the applications sent and received. The difference is computed from the
//! packets each side sent (`tcpi_segs_out`, read after the connection closed):
//!
//! - every packet's headers as TC sees them on `lo`: 14 (the loopback device's zeroed Ethernet
//!   header) + 20 (IPv4) + 32 (TCP with the timestamp option) = 66 bytes; the SYN and the
//!   SYN-ACK carry 8 bytes more of TCP options (MSS, SACK-permitted, window scale);
//! - the server's SYN-ACK is sent by the listener's request socket, so the server socket's
//!   `segs_out` does not include it: one packet more in the response direction;
//! - on `lo`, the agent's TC programs see each packet twice, leaving (egress) and arriving
//!   (ingress) on the same interface, and count both: a factor of 2.
//!
//! So agent = 2 × (payload + 66 × packets + 8). Writes are smaller than the loopback MSS, so
//! one write is one packet (no GSO super-packets that `segs_out` would count as several).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use crate::obi_agent::{Agent, agent_available, free_port, http_get, wait_metrics};
use crate::sensor::{Running, require_root};

/// `tcpi_segs_out` (struct tcp_info, offset 136).
fn segs_out(s: &TcpStream) -> u64 {
    let mut buf = [0u8; 232];
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: a valid socket fd; `buf` is writable for `len` bytes and `len` is in/out.
    let r = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!(r, 0, "TCP_INFO: {}", std::io::Error::last_os_error());
    assert!(len >= 144, "tcp_info too short: {len}");
    u64::from(u32::from_ne_bytes(buf[136..140].try_into().unwrap()))
}

/// One connection the test made: payload each way and packets each side sent.
#[derive(Debug)]
struct Conn {
    client_port: u16,
    request: u64,
    response: u64,
    client_packets: u64,
    server_packets: u64,
}

/// A connection from 127.0.0.2 with `rounds` request/response exchanges, closed in order
/// (client FIN, server FIN), its packet counts read once both sides are closed.
fn exchange(l: &TcpListener, i: u64, rounds: u64) -> Conn {
    let server = l.local_addr().unwrap();
    let sock = socket2_bind_127_0_0_2();
    let mut c = connect_from(sock, server);
    let (mut s, _) = l.accept().unwrap();
    let (mut request, mut response) = (0, 0);
    for r in 0..rounds {
        let up = 300 + 97 * i + 13 * r;
        let down = 1000 + 1531 * i + 401 * r;
        c.write_all(&vec![b'q'; up as usize]).unwrap();
        let mut buf = vec![0u8; up as usize];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&vec![b'r'; down as usize]).unwrap();
        let mut buf = vec![0u8; down as usize];
        c.read_exact(&mut buf).unwrap();
        request += up;
        response += down;
    }
    c.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    c.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    // The last ACK of the close handshake.
    std::thread::sleep(Duration::from_millis(200));
    Conn {
        client_port: c.local_addr().unwrap().port(),
        request,
        response,
        client_packets: segs_out(&c),
        server_packets: segs_out(&s),
    }
}

/// An IPv4 TCP socket bound to 127.0.0.2 (any port): the agent's flows need distinct addresses.
fn socket2_bind_127_0_0_2() -> tokio::net::TcpSocket {
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind(([127, 0, 0, 2], 0).into()).unwrap();
    sock
}

fn connect_from(sock: tokio::net::TcpSocket, to: std::net::SocketAddr) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = rt
        .block_on(sock.connect(to))
        .expect("connect from 127.0.0.2");
    let s = s.into_std().unwrap();
    s.set_nonblocking(false).unwrap();
    s
}

/// `obi_network_flow_bytes_total` samples parsed by a Prometheus text-format parser.
fn flow_samples(text: &str) -> Vec<prometheus_parse::Sample> {
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
        .expect("Prometheus text format");
    scrape
        .samples
        .into_iter()
        .filter(|s| s.metric == "obi_network_flow_bytes_total")
        .collect()
}

fn value(s: &prometheus_parse::Sample) -> f64 {
    match s.value {
        prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => v,
        ref other => panic!("not a counter: {other:?}"),
    }
}

/// (client port, direction) → bytes, for the connections to `server_port`.
fn by_conn(samples: &[prometheus_parse::Sample], server_port: u16) -> BTreeMap<(u16, String), f64> {
    let sp = server_port.to_string();
    samples
        .iter()
        .filter(|s| s.labels.get("server_port") == Some(sp.as_str()))
        .filter_map(|s| {
            let client: u16 = s.labels.get("client_port")?.parse().ok()?;
            Some(((client, s.labels.get("direction")?.to_string()), value(s)))
        })
        .collect()
}

fn label_names(samples: &[prometheus_parse::Sample], server_port: u16) -> BTreeSet<String> {
    let sp = server_port.to_string();
    let mut names = BTreeSet::new();
    for s in samples
        .iter()
        .filter(|s| s.labels.get("server_port") == Some(sp.as_str()))
    {
        names.extend(s.labels.keys().cloned());
    }
    names
}

fn sysctl(name: &str) -> String {
    std::fs::read_to_string(format!("/proc/sys/{}", name.replace('.', "/")))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn sensor_obi_agreement_bytes_per_connection_and_label_set() {
    if !require_root() || !agent_available() {
        return;
    }
    for (k, want) in [
        ("net.ipv4.tcp_timestamps", "1"),
        ("net.ipv4.tcp_sack", "1"),
        ("net.ipv4.tcp_window_scaling", "1"),
    ] {
        assert_eq!(
            sysctl(k),
            want,
            "{k}: the expected header sizes assume Linux's default TCP options"
        );
    }
    let agent_port = free_port();
    let config = format!(
        "log_level: info
network:
  source: tc
  interfaces: [lo]
  exclude_interfaces: []
  cache_active_timeout: 1s
prometheus_export:
  port: {agent_port}
  features: [network]
attributes:
  host_id:
    override: b00t-test-node
  kubernetes:
    enable: false
    cluster_name: b00t-test
  select:
    obi_network_flow_bytes:
      include: ['*']
"
    );
    let agent = Agent::start(&config);
    // Ready when a probe connection shows up in its flows (its TC programs are attached).
    let probe = TcpListener::bind("127.0.0.1:0").unwrap();
    let probe_port = probe.local_addr().unwrap().port();
    wait_metrics(
        &agent,
        agent_port,
        "/metrics",
        Duration::from_secs(60),
        || crate::obi_agent::loopback_traffic(&probe),
        |body| body.contains(&format!("server_port=\"{probe_port}\"")),
    )
    .unwrap_or_else(|e| panic!("the agent did not start: {e}"));

    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let server_port = l.local_addr().unwrap().port();
    let sensor_prom = format!("127.0.0.1:{}", free_port());
    let port_arg = server_port.to_string();
    let sensor = Running::start(&[
        "--prometheus",
        &sensor_prom,
        "--obi-labels",
        "--port",
        &port_arg,
        "--interval",
        "1s",
    ]);

    let conns: Vec<Conn> = (0..4).map(|i| exchange(&l, i, 1 + i)).collect();

    // Both sides settle: the agent flushes flows every second (cache_active_timeout).
    let expected_agent = |payload: u64, packets: u64| 2 * (payload + 66 * packets + 8);
    let deadline = Instant::now() + Duration::from_secs(30);
    let (agent_text, sensor_text) = loop {
        let a = http_get(agent_port, "/metrics")
            .map(|(_, b)| b)
            .unwrap_or_default();
        let sport: u16 = sensor_prom.rsplit(':').next().unwrap().parse().unwrap();
        let s = http_get(sport, "/metrics")
            .map(|(_, b)| b)
            .unwrap_or_default();
        let (am, sm) = (
            by_conn(&flow_samples(&a), server_port),
            by_conn(&flow_samples(&s), server_port),
        );
        let done = conns.iter().all(|c| {
            let a_req = am.get(&(c.client_port, "request".into()));
            let a_resp = am.get(&(c.client_port, "response".into()));
            let s_req = sm.get(&(c.client_port, "request".into()));
            a_req.is_some_and(|v| *v >= expected_agent(c.request, c.client_packets) as f64)
                && a_resp
                    .is_some_and(|v| *v >= expected_agent(c.response, c.server_packets + 1) as f64)
                && s_req.is_some_and(|v| *v >= c.request as f64)
        });
        if done || Instant::now() > deadline {
            break (a, s);
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let (code, _, stderr) = sensor.stop();
    assert_eq!(code, 0, "{stderr}");
    drop(agent);

    let agent_samples = flow_samples(&agent_text);
    let sensor_samples = flow_samples(&sensor_text);
    // Same metric, same label names.
    let agent_labels = label_names(&agent_samples, server_port);
    let sensor_labels = label_names(&sensor_samples, server_port);
    assert!(!agent_labels.is_empty(), "agent flows:\n{agent_text}");
    assert_eq!(
        sensor_labels, agent_labels,
        "--obi-labels must carry the agent's label set"
    );
    let am = by_conn(&agent_samples, server_port);
    let sm = by_conn(&sensor_samples, server_port);
    let mut table = String::from(
        "client port  direction   payload  sensor  packets   agent  expected  agent-expected\n",
    );
    let mut worst = 0i64;
    for c in &conns {
        for (dir, payload, packets) in [
            ("request", c.request, c.client_packets),
            ("response", c.response, c.server_packets + 1),
        ] {
            let key = (c.client_port, dir.to_string());
            let sensor = *sm
                .get(&key)
                .unwrap_or_else(|| panic!("sensor has no {key:?}:\n{sensor_text}"));
            let agent = *am
                .get(&key)
                .unwrap_or_else(|| panic!("agent has no {key:?}:\n{agent_text}"));
            let expected = expected_agent(sensor as u64, packets);
            let diff = agent as i64 - expected as i64;
            worst = worst.max(diff.abs());
            table.push_str(&format!(
                "{:>11}  {dir:<9} {payload:>8} {sensor:>7} {packets:>8} {agent:>7} {expected:>9} {diff:>15}\n",
                c.client_port
            ));
            // The sensor counts the payload exactly.
            assert_eq!(sensor as u64, payload, "sensor {key:?}\n{table}");
        }
    }
    eprintln!("{table}");
    // The agent agrees with payload + headers of the packets counted: within one stray packet
    // seen twice (an ACK racing the counters' read), at most 2 × 66 bytes per direction.
    assert!(
        worst <= 2 * 66,
        "agent and sensor disagree beyond one packet's headers:\n{table}"
    );
}
