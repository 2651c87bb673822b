//! Ring-buffer records (`struct event` in `ebpf/sensor.bpf.c`) decoded into [`ConnEvent`]s, the
//! `type: "connection"` objects of `sensor run -o json`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use std::io::Write as _;

use serde::Serialize;

/// Size of `struct event` (checked by a `_Static_assert` in the C source).
pub const RAW_EVENT_SIZE: usize = 144;

const KIND_OPEN: u8 = 1;
const KIND_CLOSE: u8 = 2;
const ROLE_SERVER: u8 = 2;
const F_PID_UNKNOWN: u8 = 1;
const F_ESTABLISHED: u8 = 2;
const AF_INET: u16 = 2;

/// The record as the kernel wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RawEvent {
    pub ts_ns: u64,
    pub start_ns: u64,
    pub established_ns: u64,
    pub sent: u64,
    pub received: u64,
    pub tcp_bytes_acked: u64,
    pub tcp_bytes_received: u64,
    pub tcp_bytes_sent: u64,
    pub pid: u32,
    pub srtt_us: u32,
    pub total_retrans: u32,
    pub sk_err: i32,
    pub family: u16,
    pub sport: u16,
    pub dport: u16,
    pub kind: u8,
    pub role: u8,
    pub oldstate: u8,
    pub newstate: u8,
    pub flags: u8,
    pub saddr: [u8; 16],
    pub daddr: [u8; 16],
    pub comm: [u8; 16],
}

impl RawEvent {
    /// Parse one record; `None` when it is too short (never happens with the matching object).
    pub fn parse(b: &[u8]) -> Option<RawEvent> {
        if b.len() < RAW_EVENT_SIZE {
            return None;
        }
        let u64_at = |o: usize| u64::from_ne_bytes(b[o..o + 8].try_into().expect("8 bytes"));
        let u32_at = |o: usize| u32::from_ne_bytes(b[o..o + 4].try_into().expect("4 bytes"));
        let u16_at = |o: usize| u16::from_ne_bytes(b[o..o + 2].try_into().expect("2 bytes"));
        let arr16 = |o: usize| -> [u8; 16] { b[o..o + 16].try_into().expect("16 bytes") };
        Some(RawEvent {
            ts_ns: u64_at(0),
            start_ns: u64_at(8),
            established_ns: u64_at(16),
            sent: u64_at(24),
            received: u64_at(32),
            tcp_bytes_acked: u64_at(40),
            tcp_bytes_received: u64_at(48),
            tcp_bytes_sent: u64_at(56),
            pid: u32_at(64),
            srtt_us: u32_at(68),
            total_retrans: u32_at(72),
            sk_err: u32_at(76) as i32,
            family: u16_at(80),
            sport: u16_at(82),
            dport: u16_at(84),
            kind: b[86],
            role: b[87],
            oldstate: b[88],
            newstate: b[89],
            flags: b[90],
            saddr: arr16(96),
            daddr: arr16(112),
            comm: arr16(128),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The connection reached ESTABLISHED.
    Open,
    /// The connection reached CLOSE (established or not).
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// This side called connect().
    Client,
    /// This side was accepted by a listener.
    Server,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
        }
    }
    /// Flow direction seen from the process: outgoing (client) or incoming (server).
    pub fn direction(self) -> &'static str {
        match self {
            Role::Client => "outgoing",
            Role::Server => "incoming",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Ipv4,
    Ipv6,
}

/// Why a connection never established; OBI's `reason` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum FailureReason {
    #[serde(rename = "refused")]
    Refused,
    #[serde(rename = "reset")]
    Reset,
    #[serde(rename = "timed-out")]
    TimedOut,
    #[serde(rename = "host-unreachable")]
    HostUnreachable,
    #[serde(rename = "net-unreachable")]
    NetUnreachable,
    #[serde(rename = "other")]
    Other,
}

impl FailureReason {
    pub const ALL: [FailureReason; 6] = [
        FailureReason::Refused,
        FailureReason::Reset,
        FailureReason::TimedOut,
        FailureReason::HostUnreachable,
        FailureReason::NetUnreachable,
        FailureReason::Other,
    ];

    pub fn from_errno(err: i32) -> FailureReason {
        match err {
            libc::ECONNREFUSED => FailureReason::Refused,
            libc::ECONNRESET | libc::EPIPE => FailureReason::Reset,
            libc::ETIMEDOUT => FailureReason::TimedOut,
            libc::EHOSTUNREACH | libc::EHOSTDOWN => FailureReason::HostUnreachable,
            libc::ENETUNREACH | libc::ENETDOWN => FailureReason::NetUnreachable,
            _ => FailureReason::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Refused => "refused",
            FailureReason::Reset => "reset",
            FailureReason::TimedOut => "timed-out",
            FailureReason::HostUnreachable => "host-unreachable",
            FailureReason::NetUnreachable => "net-unreachable",
            FailureReason::Other => "other",
        }
    }
}

/// TCP state names (include/net/tcp_states.h), snake_case.
pub fn tcp_state_name(state: u8) -> &'static str {
    match state {
        1 => "established",
        2 => "syn_sent",
        3 => "syn_recv",
        4 => "fin_wait1",
        5 => "fin_wait2",
        6 => "time_wait",
        7 => "close",
        8 => "close_wait",
        9 => "last_ack",
        10 => "listen",
        11 => "closing",
        12 => "new_syn_recv",
        _ => "unknown",
    }
}

/// Payload bytes from the TCP counters read at close (`--bytes fast`). They count sequence
/// space: `bytes_acked` includes the client's SYN (a server socket is created after its SYN-ACK
/// was acknowledged) and our FIN once acknowledged, `bytes_received` the peer's FIN. Those are
/// taken off when the close shows they happened: an established client's SYN, and both FINs
/// when the socket closed cleanly from FIN_WAIT2, CLOSING or LAST_ACK (orderly shutdown).
fn tcp_counter_payload(raw: &RawEvent, role: Role, established: bool) -> (u64, u64) {
    let mut sent = raw.tcp_bytes_acked;
    let mut received = raw.tcp_bytes_received;
    if established && role == Role::Client {
        sent = sent.saturating_sub(1);
    }
    // FIN_WAIT2 → CLOSE: the peer's FIN arrived (tcp_time_wait); CLOSING/LAST_ACK → CLOSE: our
    // FIN was acknowledged after the peer's FIN arrived.
    if established && raw.sk_err == 0 && matches!(raw.oldstate, 5 | 9 | 11) {
        sent = sent.saturating_sub(1);
        received = received.saturating_sub(1);
    }
    (sent, received)
}

/// Short names of the errno values a socket can carry at close.
fn errno_name(err: i32) -> String {
    match err {
        libc::ECONNREFUSED => "ECONNREFUSED".into(),
        libc::ECONNRESET => "ECONNRESET".into(),
        libc::EPIPE => "EPIPE".into(),
        libc::ETIMEDOUT => "ETIMEDOUT".into(),
        libc::EHOSTUNREACH => "EHOSTUNREACH".into(),
        libc::EHOSTDOWN => "EHOSTDOWN".into(),
        libc::ENETUNREACH => "ENETUNREACH".into(),
        libc::ENETDOWN => "ENETDOWN".into(),
        libc::ECONNABORTED => "ECONNABORTED".into(),
        other => format!("errno {other}"),
    }
}

/// One connection event: `type: "connection"` in JSON Lines. Field names are stable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnEvent {
    #[serde(rename = "type")]
    pub record_type: &'static str,
    pub event: EventKind,
    /// When the kernel saw the transition (RFC 3339, UTC).
    pub time: jiff::Timestamp,
    /// Process id (tgid) seen at connect() or of the listener's owner; 0 when unknown.
    pub pid: u32,
    pub comm: String,
    pub role: Role,
    pub direction: &'static str,
    pub family: Family,
    pub local_address: IpAddr,
    pub local_port: u16,
    pub remote_address: IpAddr,
    pub remote_port: u16,
    pub old_state: &'static str,
    pub new_state: &'static str,
    /// The connection reached ESTABLISHED.
    pub established: bool,
    /// connect()/SYN_RECV to ESTABLISHED, microseconds.
    pub handshake_us: Option<u64>,
    /// Start to close, microseconds (close events).
    pub duration_us: Option<u64>,
    /// Application payload bytes (exact when the kernel has sock_{send,recv}_length, else the TCP
    /// counters `bytes_acked`/`bytes_received`); close events only.
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Smoothed RTT at close, microseconds.
    pub rtt_us: Option<u32>,
    pub retransmits: u32,
    /// Set on close events of connections that never established.
    pub failure_reason: Option<FailureReason>,
    /// The socket error at close, if any (`ECONNREFUSED`, `ECONNRESET`, …).
    pub error: Option<String>,
}

/// Append `s` as a JSON string (quotes and escapes as serde_json writes them).
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
    out.push(b'"');
}

fn json_opt<I: itoa::Integer>(out: &mut Vec<u8>, v: Option<I>) {
    match v {
        Some(v) => json_int(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

/// An integer without `core::fmt` (the JSON Lines writer runs 50,000 times a second).
fn json_int<I: itoa::Integer>(out: &mut Vec<u8>, v: I) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// An address as its `Display` writes it; IPv4 from its octets, without `core::fmt`.
fn json_ip(out: &mut Vec<u8>, a: &IpAddr) {
    match a {
        IpAddr::V4(v) => {
            for (i, o) in v.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                json_int(out, o);
            }
        }
        IpAddr::V6(_) => {
            let _ = write!(out, "{a}");
        }
    }
}

/// A timestamp as jiff's `Display` writes it (RFC 3339 in UTC, the fraction without trailing
/// zeros); `YYYY-MM-DDTHH:MM:SS` is formatted once per second and reused.
fn json_time(out: &mut Vec<u8>, t: jiff::Timestamp) {
    thread_local! {
        static PREFIX: std::cell::Cell<(i64, [u8; 19])> =
            const { std::cell::Cell::new((i64::MIN, [0; 19])) };
    }
    let (sec, ns) = (t.as_second(), t.subsec_nanosecond());
    if ns < 0 {
        let _ = write!(out, "{t}");
        return;
    }
    let mut cached = PREFIX.get();
    if cached.0 != sec {
        match jiff::Timestamp::from_second(sec).map(|w| w.to_string()) {
            Ok(w) if w.len() == 20 => {
                cached.0 = sec;
                cached.1.copy_from_slice(&w.as_bytes()[..19]);
                PREFIX.set(cached);
            }
            _ => {
                let _ = write!(out, "{t}");
                return;
            }
        }
    }
    out.extend_from_slice(&cached.1);
    if ns != 0 {
        let mut digits = [b'0'; 9];
        let mut n = ns as u32;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let len = 9 - digits.iter().rev().take_while(|d| **d == b'0').count();
        out.push(b'.');
        out.extend_from_slice(&digits[..len]);
    }
    out.push(b'Z');
}

impl ConnEvent {
    /// Append this event as one JSON Lines record (with its newline) to `out`: the same bytes
    /// as `serde_json::to_writer` followed by a newline, written without allocating (a test
    /// checks they are identical).
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"type\":\"");
        out.extend_from_slice(self.record_type.as_bytes());
        out.extend_from_slice(match self.event {
            EventKind::Open => b"\",\"event\":\"open\",\"time\":\"",
            EventKind::Close => b"\",\"event\":\"close\",\"time\":\"",
        });
        json_time(out, self.time);
        out.extend_from_slice(b"\",\"pid\":");
        json_int(out, self.pid);
        out.extend_from_slice(b",\"comm\":");
        json_str(out, &self.comm);
        let family = match self.family {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        };
        for (key, value) in [
            ("role", self.role.as_str()),
            ("direction", self.direction),
            ("family", family),
        ] {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":\"");
            out.extend_from_slice(value.as_bytes());
            out.push(b'"');
        }
        out.extend_from_slice(b",\"local_address\":\"");
        json_ip(out, &self.local_address);
        out.extend_from_slice(b"\",\"local_port\":");
        json_int(out, self.local_port);
        out.extend_from_slice(b",\"remote_address\":\"");
        json_ip(out, &self.remote_address);
        out.extend_from_slice(b"\",\"remote_port\":");
        json_int(out, self.remote_port);
        out.extend_from_slice(b",\"old_state\":\"");
        out.extend_from_slice(self.old_state.as_bytes());
        out.extend_from_slice(b"\",\"new_state\":\"");
        out.extend_from_slice(self.new_state.as_bytes());
        out.extend_from_slice(if self.established {
            b"\",\"established\":true,\"handshake_us\":"
        } else {
            b"\",\"established\":false,\"handshake_us\":"
        });
        json_opt(out, self.handshake_us);
        out.extend_from_slice(b",\"duration_us\":");
        json_opt(out, self.duration_us);
        out.extend_from_slice(b",\"bytes_sent\":");
        json_int(out, self.bytes_sent);
        out.extend_from_slice(b",\"bytes_received\":");
        json_int(out, self.bytes_received);
        out.extend_from_slice(b",\"rtt_us\":");
        json_opt(out, self.rtt_us);
        out.extend_from_slice(b",\"retransmits\":");
        json_int(out, self.retransmits);
        out.extend_from_slice(b",\"failure_reason\":");
        match self.failure_reason {
            Some(r) => json_str(out, r.as_str()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"error\":");
        match &self.error {
            Some(e) => json_str(out, e),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b"}\n");
    }
}

/// Converts kernel monotonic timestamps to wall-clock time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// realtime − monotonic, nanoseconds.
    offset_ns: i128,
}

impl Clock {
    pub fn new(realtime_ns: i128, monotonic_ns: i128) -> Clock {
        Clock {
            offset_ns: realtime_ns - monotonic_ns,
        }
    }

    pub fn wall(&self, monotonic_ns: u64) -> jiff::Timestamp {
        let ns = monotonic_ns as i128 + self.offset_ns;
        jiff::Timestamp::from_nanosecond(ns).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

fn addr(family: u16, raw: &[u8; 16]) -> IpAddr {
    if family == AF_INET {
        IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
    } else {
        Ipv6Addr::from(*raw).to_canonical()
    }
}

fn comm(raw: &[u8; 16]) -> String {
    let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

impl ConnEvent {
    /// Decode a raw record. `payload_counters`: the sock_{send,recv}_length programs are attached,
    /// so `sent`/`received` are exact payload counts.
    pub fn from_raw(raw: &RawEvent, clock: &Clock, payload_counters: bool) -> Option<ConnEvent> {
        let event = match raw.kind {
            KIND_OPEN => EventKind::Open,
            KIND_CLOSE => EventKind::Close,
            _ => return None,
        };
        let role = if raw.role == ROLE_SERVER {
            Role::Server
        } else {
            Role::Client
        };
        let established = raw.flags & F_ESTABLISHED != 0;
        let close = event == EventKind::Close;
        let (bytes_sent, bytes_received) = if !close {
            (0, 0)
        } else if payload_counters {
            (raw.sent, raw.received)
        } else {
            tcp_counter_payload(raw, role, established)
        };
        let failure_reason = (close && !established).then(|| FailureReason::from_errno(raw.sk_err));
        Some(ConnEvent {
            record_type: "connection",
            event,
            time: clock.wall(raw.ts_ns),
            pid: if raw.flags & F_PID_UNKNOWN != 0 {
                0
            } else {
                raw.pid
            },
            comm: comm(&raw.comm),
            role,
            direction: role.direction(),
            family: if raw.family == AF_INET {
                Family::Ipv4
            } else {
                Family::Ipv6
            },
            local_address: addr(raw.family, &raw.saddr),
            local_port: raw.sport,
            remote_address: addr(raw.family, &raw.daddr),
            remote_port: raw.dport,
            old_state: tcp_state_name(raw.oldstate),
            new_state: tcp_state_name(raw.newstate),
            established,
            handshake_us: (raw.established_ns > 0 && raw.start_ns > 0)
                .then(|| raw.established_ns.saturating_sub(raw.start_ns) / 1000),
            duration_us: (close && raw.start_ns > 0)
                .then(|| raw.ts_ns.saturating_sub(raw.start_ns) / 1000),
            bytes_sent,
            bytes_received,
            rtt_us: (close && raw.srtt_us > 0).then_some(raw.srtt_us),
            retransmits: if close { raw.total_retrans } else { 0 },
            failure_reason,
            error: (close && raw.sk_err != 0).then(|| errno_name(raw.sk_err)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_bytes(e: &RawEvent) -> Vec<u8> {
        let mut b = vec![0u8; RAW_EVENT_SIZE];
        let mut put = |o: usize, v: &[u8]| b[o..o + v.len()].copy_from_slice(v);
        put(0, &e.ts_ns.to_ne_bytes());
        put(8, &e.start_ns.to_ne_bytes());
        put(16, &e.established_ns.to_ne_bytes());
        put(24, &e.sent.to_ne_bytes());
        put(32, &e.received.to_ne_bytes());
        put(40, &e.tcp_bytes_acked.to_ne_bytes());
        put(48, &e.tcp_bytes_received.to_ne_bytes());
        put(56, &e.tcp_bytes_sent.to_ne_bytes());
        put(64, &e.pid.to_ne_bytes());
        put(68, &e.srtt_us.to_ne_bytes());
        put(72, &e.total_retrans.to_ne_bytes());
        put(76, &e.sk_err.to_ne_bytes());
        put(80, &e.family.to_ne_bytes());
        put(82, &e.sport.to_ne_bytes());
        put(84, &e.dport.to_ne_bytes());
        put(86, &[e.kind, e.role, e.oldstate, e.newstate, e.flags]);
        put(96, &e.saddr);
        put(112, &e.daddr);
        put(128, &e.comm);
        b
    }

    fn sample() -> RawEvent {
        let mut comm = [0u8; 16];
        comm[..4].copy_from_slice(b"curl");
        let mut saddr = [0u8; 16];
        saddr[..4].copy_from_slice(&[127, 0, 0, 1]);
        RawEvent {
            ts_ns: 3_000_000_000,
            start_ns: 1_000_000_000,
            established_ns: 1_000_500_000,
            sent: 100,
            received: 2000,
            tcp_bytes_acked: 101,
            tcp_bytes_received: 2001,
            pid: 4242,
            srtt_us: 57,
            total_retrans: 2,
            family: 2,
            sport: 40000,
            dport: 8080,
            kind: KIND_CLOSE,
            role: 1,
            oldstate: 5,
            newstate: 7,
            flags: F_ESTABLISHED,
            saddr,
            daddr: saddr,
            comm,
            ..RawEvent::default()
        }
    }

    #[test]
    fn parses_and_decodes_a_close_record() {
        let raw = sample();
        let parsed = RawEvent::parse(&raw_bytes(&raw)).unwrap();
        assert_eq!(parsed, raw);
        let clock = Clock::new(1_700_000_000_000_000_000, 0);
        let ev = ConnEvent::from_raw(&parsed, &clock, true).unwrap();
        assert_eq!(ev.event, EventKind::Close);
        assert_eq!(ev.pid, 4242);
        assert_eq!(ev.comm, "curl");
        assert_eq!(ev.local_address.to_string(), "127.0.0.1");
        assert_eq!((ev.local_port, ev.remote_port), (40000, 8080));
        assert_eq!((ev.old_state, ev.new_state), ("fin_wait2", "close"));
        assert_eq!((ev.bytes_sent, ev.bytes_received), (100, 2000));
        assert_eq!(ev.duration_us, Some(2_000_000));
        assert_eq!(ev.handshake_us, Some(500));
        assert_eq!(ev.rtt_us, Some(57));
        assert_eq!(ev.failure_reason, None);
        // TCP counters: the client's SYN and both FINs (closed from FIN_WAIT2) are sequence
        // space, not payload.
        let mut counters = parsed;
        counters.tcp_bytes_acked = 102;
        counters.tcp_bytes_received = 2001;
        let fallback = ConnEvent::from_raw(&counters, &clock, false).unwrap();
        assert_eq!((fallback.bytes_sent, fallback.bytes_received), (100, 2000));
        // A reset connection: no FIN was exchanged, only the SYN is taken off.
        counters.sk_err = libc::ECONNRESET;
        counters.oldstate = 1;
        let reset = ConnEvent::from_raw(&counters, &clock, false).unwrap();
        assert_eq!((reset.bytes_sent, reset.bytes_received), (101, 2001));
        let json = serde_json::to_value(&ev).unwrap();
        assert_eq!(json["type"], "connection");
        assert_eq!(json["event"], "close");
        assert_eq!(json["role"], "client");
        assert_eq!(json["family"], "ipv4");
        assert_eq!(json["time"], "2023-11-14T22:13:23Z");
    }

    #[test]
    fn json_lines_writer_matches_serde() {
        let clock = Clock::new(1_700_000_000_123_456_789, 0);
        let mut cases = Vec::new();
        let close = ConnEvent::from_raw(&sample(), &clock, true).unwrap();
        cases.push(close.clone());
        let mut open = sample();
        open.kind = KIND_OPEN;
        open.family = 10;
        open.saddr = Ipv6Addr::LOCALHOST.octets();
        open.daddr = "2001:db8::1".parse::<Ipv6Addr>().unwrap().octets();
        cases.push(ConnEvent::from_raw(&open, &clock, true).unwrap());
        let mut failed = sample();
        failed.flags = 0;
        failed.start_ns = 0;
        failed.srtt_us = 0;
        failed.sk_err = libc::ECONNREFUSED;
        cases.push(ConnEvent::from_raw(&failed, &clock, true).unwrap());
        let mut odd = close;
        odd.comm = "a\"b\\c\nd\u{1}é".into();
        odd.error = Some("errno 99".into());
        cases.push(odd);
        let mut buf = Vec::new();
        for ev in &cases {
            buf.clear();
            ev.write_json_line(&mut buf);
            let expected = serde_json::to_string(ev).unwrap() + "\n";
            assert_eq!(String::from_utf8(buf.clone()).unwrap(), expected);
        }
    }

    #[test]
    fn hand_formatted_times_and_addresses_match_display() {
        let mut out = Vec::new();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut times: Vec<i128> =
            vec![0, 1, 999_999_999, 1_000_000_000, 1_700_000_000_000_000_000];
        for _ in 0..20_000 {
            let secs = (next() % 4_000_000_000) as i128;
            let nanos = match next() % 4 {
                0 => 0,
                1 => (next() % 1000) as i128 * 1_000_000,
                2 => (next() % 1_000_000) as i128 * 1000,
                _ => (next() % 1_000_000_000) as i128,
            };
            times.push(secs * 1_000_000_000 + nanos);
            // The same second again: the cached prefix.
            times.push(secs * 1_000_000_000 + (next() % 1_000_000_000) as i128);
        }
        for ns in times {
            let t = jiff::Timestamp::from_nanosecond(ns).unwrap();
            out.clear();
            json_time(&mut out, t);
            assert_eq!(std::str::from_utf8(&out).unwrap(), t.to_string(), "{ns}");
        }
        for _ in 0..20_000 {
            let a = IpAddr::V4(Ipv4Addr::from((next() >> 16) as u32));
            out.clear();
            json_ip(&mut out, &a);
            assert_eq!(std::str::from_utf8(&out).unwrap(), a.to_string());
        }
    }

    #[test]
    fn failed_connections_carry_a_reason() {
        let mut raw = sample();
        raw.flags = 0;
        raw.oldstate = 2;
        raw.sk_err = libc::ECONNREFUSED;
        let ev = ConnEvent::from_raw(&raw, &Clock::new(0, 0), true).unwrap();
        assert!(!ev.established);
        assert_eq!(ev.failure_reason, Some(FailureReason::Refused));
        assert_eq!(ev.error.as_deref(), Some("ECONNREFUSED"));
        assert_eq!(serde_json::to_value(ev.failure_reason).unwrap(), "refused");
        assert_eq!(
            FailureReason::from_errno(libc::ETIMEDOUT).as_str(),
            "timed-out"
        );
    }

    #[test]
    fn v4_mapped_v6_addresses_print_as_v4() {
        let mut raw = sample();
        raw.family = 10;
        raw.saddr = Ipv6Addr::LOCALHOST.octets();
        raw.daddr = Ipv4Addr::new(10, 0, 0, 1).to_ipv6_mapped().octets();
        let ev = ConnEvent::from_raw(&raw, &Clock::new(0, 0), true).unwrap();
        assert_eq!(ev.local_address.to_string(), "::1");
        assert_eq!(ev.remote_address.to_string(), "10.0.0.1");
        assert_eq!(ev.family, Family::Ipv6);
    }
}
