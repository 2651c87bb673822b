//! Connections aggregated into flows per (process, local, remote, direction).
//!
//! A client's local port is ephemeral and a server's remote port too, so they are not part of
//! the key: an outgoing flow is `pid → local address → remote address:port`, an incoming flow
//! `remote address → local address:port → pid`. The [`Aggregator`] keeps an interval window
//! (reset by [`Aggregator::take_window`]) and running totals (for the final summary, Prometheus
//! and OTLP).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use serde::Serialize;

use super::event::{ConnEvent, EventKind, FailureReason, Role};
use super::loader::Health;
use super::obi_flows::ObiFlows;

/// Upper bounds (seconds) of the RTT histogram exported to Prometheus/OTLP.
pub const RTT_BOUNDS_S: [f64; 16] = [
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1, 0.25, 0.5, 1.0,
];
/// Upper bounds (seconds) of the connection-duration histogram.
pub const DURATION_BOUNDS_S: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    10.0, 60.0,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    pub pid: u32,
    pub comm: String,
    pub role: Role,
    pub local_address: IpAddr,
    /// 0 for outgoing flows (ephemeral).
    pub local_port: u16,
    pub remote_address: IpAddr,
    /// 0 for incoming flows (ephemeral).
    pub remote_port: u16,
}

impl FlowKey {
    pub fn of(ev: &ConnEvent) -> FlowKey {
        let (local_port, remote_port) = match ev.role {
            Role::Client => (0, ev.remote_port),
            Role::Server => (ev.local_port, 0),
        };
        FlowKey {
            pid: ev.pid,
            comm: ev.comm.clone(),
            role: ev.role,
            local_address: ev.local_address,
            local_port,
            remote_address: ev.remote_address,
            remote_port,
        }
    }

    /// `addr:port`, or `addr` when the port is ephemeral; IPv6 in brackets.
    pub fn local(&self) -> String {
        endpoint(self.local_address, self.local_port)
    }

    pub fn remote(&self) -> String {
        endpoint(self.remote_address, self.remote_port)
    }
}

fn endpoint(a: IpAddr, port: u16) -> String {
    match (a, port) {
        (a, 0) => a.to_string(),
        (IpAddr::V6(a), p) => format!("[{a}]:{p}"),
        (a, p) => format!("{a}:{p}"),
    }
}

/// A log-linear histogram (8 sub-buckets per power of two, ≤ 12.5% error) for quantiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
}

impl LogHistogram {
    fn index(v: u64) -> usize {
        if v < 8 {
            return v as usize;
        }
        let e = 63 - v.leading_zeros() as usize; // ≥ 3
        let sub = ((v >> (e - 3)) & 7) as usize;
        (e - 2) * 8 + sub
    }

    /// Representative value (bucket midpoint) of an index.
    fn value(i: usize) -> u64 {
        if i < 8 {
            return i as u64;
        }
        let e = i / 8 + 2;
        let sub = (i % 8) as u64;
        let low = (8 + sub) << (e - 3);
        let width = 1u64 << (e - 3);
        low + width / 2
    }

    pub fn record(&mut self, v: u64) {
        let i = Self::index(v);
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        self.total += 1;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// The q-quantile (0..=1), or `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Self::value(i));
            }
        }
        None
    }

    fn merge(&mut self, other: &LogHistogram) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
    }
}

/// Fixed-bound histogram (Prometheus/OTLP shape): `counts[i]` counts values ≤ `bounds[i]`
/// (not cumulative), the last slot the overflow.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedHistogram {
    pub bounds: &'static [f64],
    pub counts: Vec<u64>,
    pub sum: f64,
    pub count: u64,
}

impl FixedHistogram {
    pub fn new(bounds: &'static [f64]) -> FixedHistogram {
        FixedHistogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }

    pub fn record(&mut self, v: f64) {
        let i = self
            .bounds
            .iter()
            .position(|b| v <= *b)
            .unwrap_or(self.bounds.len());
        self.counts[i] += 1;
        self.sum += v;
        self.count += 1;
    }
}

/// Statistics of one flow over a window or the whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowStats {
    /// Connections that reached ESTABLISHED.
    pub opened: u64,
    /// Established connections that closed.
    pub closed: u64,
    /// Connections that never established, by reason.
    pub failures: BTreeMap<FailureReason, u64>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub retransmits: u64,
    /// Durations of closed established connections, microseconds.
    pub durations_us: LogHistogram,
    /// Smoothed RTT at close, microseconds.
    pub rtts_us: LogHistogram,
    pub rtt_s: FixedHistogram,
    pub duration_s: FixedHistogram,
}

impl Default for FlowStats {
    fn default() -> Self {
        FlowStats {
            opened: 0,
            closed: 0,
            failures: BTreeMap::new(),
            bytes_sent: 0,
            bytes_received: 0,
            retransmits: 0,
            durations_us: LogHistogram::default(),
            rtts_us: LogHistogram::default(),
            rtt_s: FixedHistogram::new(&RTT_BOUNDS_S),
            duration_s: FixedHistogram::new(&DURATION_BOUNDS_S),
        }
    }
}

impl FlowStats {
    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    /// Connection attempts seen: established plus failed.
    pub fn connections(&self) -> u64 {
        self.opened + self.failed()
    }

    fn add(&mut self, ev: &ConnEvent) {
        match ev.event {
            EventKind::Open => self.opened += 1,
            EventKind::Close => {
                if let Some(reason) = ev.failure_reason {
                    *self.failures.entry(reason).or_default() += 1;
                } else {
                    self.closed += 1;
                    if let Some(d) = ev.duration_us {
                        self.durations_us.record(d);
                        self.duration_s.record(d as f64 / 1e6);
                    }
                }
                self.bytes_sent += ev.bytes_sent;
                self.bytes_received += ev.bytes_received;
                self.retransmits += u64::from(ev.retransmits);
                if let Some(rtt) = ev.rtt_us {
                    self.rtts_us.record(u64::from(rtt));
                    self.rtt_s.record(f64::from(rtt) / 1e6);
                }
            }
        }
    }

    /// Merge another window into this one (used by tests and the final summary).
    pub fn merge(&mut self, o: &FlowStats) {
        self.opened += o.opened;
        self.closed += o.closed;
        for (r, n) in &o.failures {
            *self.failures.entry(*r).or_default() += n;
        }
        self.bytes_sent += o.bytes_sent;
        self.bytes_received += o.bytes_received;
        self.retransmits += o.retransmits;
        self.durations_us.merge(&o.durations_us);
        self.rtts_us.merge(&o.rtts_us);
        for (a, b) in self.rtt_s.counts.iter_mut().zip(&o.rtt_s.counts) {
            *a += b;
        }
        self.rtt_s.sum += o.rtt_s.sum;
        self.rtt_s.count += o.rtt_s.count;
        for (a, b) in self.duration_s.counts.iter_mut().zip(&o.duration_s.counts) {
            *a += b;
        }
        self.duration_s.sum += o.duration_s.sum;
        self.duration_s.count += o.duration_s.count;
    }
}

/// A `type: "flow"` JSON Lines record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowRecord {
    #[serde(rename = "type")]
    pub record_type: &'static str,
    /// `interval` for per-interval summaries, `total` for the final summary.
    pub window: &'static str,
    pub start: jiff::Timestamp,
    pub end: jiff::Timestamp,
    pub pid: u32,
    pub comm: String,
    pub direction: &'static str,
    pub role: Role,
    pub local_address: IpAddr,
    pub local_port: Option<u16>,
    pub remote_address: IpAddr,
    pub remote_port: Option<u16>,
    pub connections: u64,
    pub established: u64,
    pub closed: u64,
    /// Open at the end of the window (totals only; `null` in interval records).
    pub active: Option<u64>,
    pub failed: u64,
    pub failures: BTreeMap<&'static str, u64>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub duration_p50_us: Option<u64>,
    pub duration_p99_us: Option<u64>,
    pub rtt_p50_us: Option<u64>,
    pub rtt_p99_us: Option<u64>,
    pub retransmits: u64,
}

impl FlowRecord {
    pub fn new(
        key: &FlowKey,
        s: &FlowStats,
        window: &'static str,
        start: jiff::Timestamp,
        end: jiff::Timestamp,
    ) -> FlowRecord {
        FlowRecord {
            record_type: "flow",
            window,
            start,
            end,
            pid: key.pid,
            comm: key.comm.clone(),
            direction: key.role.direction(),
            role: key.role,
            local_address: key.local_address,
            local_port: (key.local_port != 0).then_some(key.local_port),
            remote_address: key.remote_address,
            remote_port: (key.remote_port != 0).then_some(key.remote_port),
            connections: s.connections(),
            established: s.opened,
            closed: s.closed,
            active: (window == "total").then(|| s.opened.saturating_sub(s.closed)),
            failed: s.failed(),
            failures: s.failures.iter().map(|(r, n)| (r.as_str(), *n)).collect(),
            bytes_sent: s.bytes_sent,
            bytes_received: s.bytes_received,
            duration_p50_us: s.durations_us.quantile(0.5),
            duration_p99_us: s.durations_us.quantile(0.99),
            rtt_p50_us: s.rtts_us.quantile(0.5),
            rtt_p99_us: s.rtts_us.quantile(0.99),
            retransmits: s.retransmits,
        }
    }
}

/// Interval window and running totals.
#[derive(Debug, Default, Clone)]
pub struct Aggregator {
    window: HashMap<FlowKey, FlowStats>,
    totals: HashMap<FlowKey, FlowStats>,
    /// Connection events seen (open + close).
    pub events: u64,
    /// Per-connection counts for `--obi-labels`.
    obi: Option<ObiFlows>,
}

impl Aggregator {
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// Also keep per-connection byte counts for the OBI-labelled flow metric.
    pub fn with_obi_labels() -> Aggregator {
        Aggregator {
            obi: Some(ObiFlows::new()),
            ..Aggregator::default()
        }
    }

    /// The per-connection counts, when [`Aggregator::with_obi_labels`] made this aggregator.
    pub fn obi_flows(&self) -> Option<&ObiFlows> {
        self.obi.as_ref()
    }

    pub fn add(&mut self, ev: &ConnEvent) {
        self.events += 1;
        if let Some(obi) = &mut self.obi {
            obi.add(ev);
        }
        let key = FlowKey::of(ev);
        if let Some(s) = self.window.get_mut(&key) {
            s.add(ev);
        } else {
            let mut s = FlowStats::default();
            s.add(ev);
            self.window.insert(key.clone(), s);
        }
        self.totals.entry(key).or_default().add(ev);
    }

    /// The current window's flows, busiest first; the window restarts empty.
    pub fn take_window(&mut self) -> Vec<(FlowKey, FlowStats)> {
        if let Some(obi) = &mut self.obi {
            obi.expire(std::time::Instant::now());
        }
        sorted(std::mem::take(&mut self.window).into_iter().collect())
    }

    /// Running totals, busiest first.
    pub fn totals(&self) -> Vec<(FlowKey, FlowStats)> {
        sorted(
            self.totals
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// Running totals by reference (for exporters).
    pub fn totals_iter(&self) -> impl Iterator<Item = (&FlowKey, &FlowStats)> {
        self.totals.iter()
    }
}

/// Busiest first: bytes, then connections; ties by key for a stable order.
fn sorted(mut v: Vec<(FlowKey, FlowStats)>) -> Vec<(FlowKey, FlowStats)> {
    v.sort_by(|(ka, a), (kb, b)| {
        let wa = (a.bytes_sent + a.bytes_received, a.connections());
        let wb = (b.bytes_sent + b.bytes_received, b.connections());
        wb.cmp(&wa).then_with(|| ka.cmp(kb))
    });
    v
}

/// The `type: "summary"` JSON Lines record that ends a run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    #[serde(rename = "type")]
    pub record_type: &'static str,
    pub start: jiff::Timestamp,
    pub end: jiff::Timestamp,
    pub flows: usize,
    pub connections: u64,
    pub failed: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    #[serde(flatten)]
    pub health: Health,
}

/// What a run ends with: a `total` record per flow, then the summary (`sensor run -o json`'s
/// last lines; `obi_sensor_snapshot`'s result).
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub items: Vec<FlowRecord>,
    pub summary: Summary,
}

impl Snapshot {
    pub fn new(
        totals: &[(FlowKey, FlowStats)],
        start: jiff::Timestamp,
        end: jiff::Timestamp,
        health: &Health,
    ) -> Snapshot {
        Snapshot {
            items: totals
                .iter()
                .map(|(k, s)| FlowRecord::new(k, s, "total", start, end))
                .collect(),
            summary: Summary {
                record_type: "summary",
                start,
                end,
                flows: totals.len(),
                connections: totals.iter().map(|(_, s)| s.connections()).sum(),
                failed: totals.iter().map(|(_, s)| s.failed()).sum(),
                bytes_sent: totals.iter().map(|(_, s)| s.bytes_sent).sum(),
                bytes_received: totals.iter().map(|(_, s)| s.bytes_received).sum(),
                health: *health,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensor::event::Family;

    fn ev(kind: EventKind, role: Role, lport: u16, rport: u16, sent: u64, dur: u64) -> ConnEvent {
        ConnEvent {
            record_type: "connection",
            event: kind,
            time: jiff::Timestamp::UNIX_EPOCH,
            pid: 7,
            comm: "app".into(),
            role,
            direction: role.direction(),
            family: Family::Ipv4,
            local_address: "127.0.0.1".parse().unwrap(),
            local_port: lport,
            remote_address: "127.0.0.1".parse().unwrap(),
            remote_port: rport,
            old_state: "fin_wait2",
            new_state: "close",
            established: true,
            handshake_us: Some(10),
            duration_us: Some(dur),
            bytes_sent: sent,
            bytes_received: sent * 2,
            rtt_us: Some(40),
            retransmits: 1,
            failure_reason: None,
            error: None,
        }
    }

    #[test]
    fn client_connections_to_one_service_make_one_flow() {
        let mut agg = Aggregator::new();
        for i in 0..100u16 {
            agg.add(&ev(EventKind::Open, Role::Client, 40000 + i, 80, 0, 0));
            agg.add(&ev(
                EventKind::Close,
                Role::Client,
                40000 + i,
                80,
                10,
                u64::from(i) * 100,
            ));
        }
        let mut failed = ev(EventKind::Close, Role::Client, 50000, 80, 0, 5);
        failed.established = false;
        failed.failure_reason = Some(FailureReason::Refused);
        agg.add(&failed);
        let w = agg.take_window();
        assert_eq!(w.len(), 1);
        let (k, s) = &w[0];
        assert_eq!((k.local_port, k.remote_port), (0, 80));
        assert_eq!(k.remote(), "127.0.0.1:80");
        assert_eq!(k.local(), "127.0.0.1");
        assert_eq!(
            (s.opened, s.closed, s.failed(), s.connections()),
            (100, 100, 1, 101)
        );
        assert_eq!(
            (s.bytes_sent, s.bytes_received, s.retransmits),
            (1000, 2000, 101)
        );
        let p50 = s.durations_us.quantile(0.5).unwrap();
        assert!((4400..=5600).contains(&p50), "{p50}");
        let p99 = s.durations_us.quantile(0.99).unwrap();
        assert!((8700..=11200).contains(&p99), "{p99}");
        assert!(agg.take_window().is_empty());
        assert_eq!(agg.totals().len(), 1);
        let rec = FlowRecord::new(
            k,
            s,
            "interval",
            jiff::Timestamp::UNIX_EPOCH,
            jiff::Timestamp::UNIX_EPOCH,
        );
        let j = serde_json::to_value(&rec).unwrap();
        assert_eq!(j["type"], "flow");
        assert_eq!(j["local_port"], serde_json::Value::Null);
        assert_eq!(j["remote_port"], 80);
        assert_eq!(j["failures"]["refused"], 1);
        assert_eq!(j["direction"], "outgoing");
    }

    #[test]
    fn server_side_flows_key_on_the_local_port() {
        let mut agg = Aggregator::new();
        agg.add(&ev(EventKind::Close, Role::Server, 8080, 40001, 5, 10));
        agg.add(&ev(EventKind::Close, Role::Server, 8080, 40002, 5, 10));
        let t = agg.totals();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].0.local(), "127.0.0.1:8080");
        assert_eq!(t[0].1.closed, 2);
    }

    #[test]
    fn histogram_quantiles_are_close() {
        let mut h = LogHistogram::default();
        for v in 1..=10_000u64 {
            h.record(v);
        }
        let p50 = h.quantile(0.5).unwrap() as f64;
        assert!((p50 - 5000.0).abs() / 5000.0 < 0.13, "{p50}");
        assert_eq!(LogHistogram::default().quantile(0.5), None);
        let mut f = FixedHistogram::new(&RTT_BOUNDS_S);
        f.record(0.00003);
        f.record(100.0);
        assert_eq!(f.counts[2], 1);
        assert_eq!(f.counts[RTT_BOUNDS_S.len()], 1);
    }
}
