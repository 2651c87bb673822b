//! The sensor's metrics, named like OBI's (reference/obi.md), in one neutral model rendered to
//! the Prometheus text format here and to OTLP protobuf in [`super::otlp`].

use std::fmt::Write as _;

use super::flows::{Aggregator, FixedHistogram, FlowKey};
use super::loader::Health;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Monotonic cumulative sum.
    Counter,
    Histogram,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(u64),
    Histogram(FixedHistogram),
}

/// One time series: attributes (OTel names, dotted) and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub attributes: Vec<(&'static str, String)>,
    pub value: Value,
}

/// A metric and its points.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// OTel name, e.g. `obi.network.flow.bytes`.
    pub name: &'static str,
    /// Prometheus name, e.g. `obi_network_flow_bytes_total`.
    pub prom_name: &'static str,
    pub description: &'static str,
    /// UCUM unit (`By`, `s`, `1`).
    pub unit: &'static str,
    pub kind: Kind,
    pub points: Vec<Point>,
}

fn process_attrs(k: &FlowKey) -> Vec<(&'static str, String)> {
    vec![
        ("process.pid", k.pid.to_string()),
        ("process.executable.name", k.comm.clone()),
    ]
}

/// `src.*` is this host's side (the local socket), `dst.*` the peer; ephemeral ports omitted.
fn endpoint_attrs(k: &FlowKey, a: &mut Vec<(&'static str, String)>) {
    a.push(("src.address", k.local_address.to_string()));
    if k.local_port != 0 {
        a.push(("src.port", k.local_port.to_string()));
    }
    a.push(("dst.address", k.remote_address.to_string()));
    if k.remote_port != 0 {
        a.push(("dst.port", k.remote_port.to_string()));
    }
}

fn stat_attrs(k: &FlowKey) -> Vec<(&'static str, String)> {
    let mut a = process_attrs(k);
    endpoint_attrs(k, &mut a);
    a.push(("network.tcp.handshake.role", k.role.as_str().to_string()));
    a
}

/// Build every metric from the running totals and the sensor's health.
pub fn collect(agg: &Aggregator, health: &Health) -> Vec<Metric> {
    let mut flows: Vec<_> = agg.totals_iter().collect();
    flows.sort_by(|a, b| a.0.cmp(b.0));

    let mut flow_bytes = Vec::new();
    let mut io = Vec::new();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    let mut rtt = Vec::new();
    let mut retrans = Vec::new();
    let mut duration = Vec::new();
    for (k, s) in flows {
        // Bytes the process sent: local → peer; received: peer → local.
        let mut sent = process_attrs(k);
        sent.push(("src.address", k.local_address.to_string()));
        if k.local_port != 0 {
            sent.push(("src.port", k.local_port.to_string()));
        }
        sent.push(("dst.address", k.remote_address.to_string()));
        if k.remote_port != 0 {
            sent.push(("dst.port", k.remote_port.to_string()));
        }
        sent.push(("transport", "tcp".into()));
        sent.push(("direction", k.role.direction().into()));
        sent.push(("iface.direction", "egress".into()));
        let mut recv = process_attrs(k);
        recv.push(("src.address", k.remote_address.to_string()));
        if k.remote_port != 0 {
            recv.push(("src.port", k.remote_port.to_string()));
        }
        recv.push(("dst.address", k.local_address.to_string()));
        if k.local_port != 0 {
            recv.push(("dst.port", k.local_port.to_string()));
        }
        recv.push(("transport", "tcp".into()));
        recv.push(("direction", k.role.direction().into()));
        recv.push(("iface.direction", "ingress".into()));
        if agg.obi_flows().is_none() {
            flow_bytes.push(Point {
                attributes: sent,
                value: Value::Int(s.bytes_sent),
            });
            flow_bytes.push(Point {
                attributes: recv,
                value: Value::Int(s.bytes_received),
            });
        }

        let base = stat_attrs(k);
        let with = |key: &'static str, v: &str| {
            let mut a = base.clone();
            a.push((key, v.to_string()));
            a
        };
        io.push(Point {
            attributes: with("network.io.direction", "transmit"),
            value: Value::Int(s.bytes_sent),
        });
        io.push(Point {
            attributes: with("network.io.direction", "receive"),
            value: Value::Int(s.bytes_received),
        });
        if s.opened > 0 {
            ok.push(Point {
                attributes: base.clone(),
                value: Value::Int(s.opened),
            });
        }
        for (reason, n) in &s.failures {
            failed.push(Point {
                attributes: with("reason", reason.as_str()),
                value: Value::Int(*n),
            });
        }
        if s.rtt_s.count > 0 {
            rtt.push(Point {
                attributes: base.clone(),
                value: Value::Histogram(s.rtt_s.clone()),
            });
        }
        if s.duration_s.count > 0 {
            duration.push(Point {
                attributes: base.clone(),
                value: Value::Histogram(s.duration_s.clone()),
            });
        }
        retrans.push(Point {
            attributes: base,
            value: Value::Int(s.retransmits),
        });
    }
    if let Some(obi) = agg.obi_flows() {
        for (k, c) in obi.iter() {
            for (attributes, v) in obi.series(k, c) {
                flow_bytes.push(Point {
                    attributes,
                    value: Value::Int(v),
                });
            }
        }
    }
    let health_point = |v: u64| {
        vec![Point {
            attributes: Vec::new(),
            value: Value::Int(v),
        }]
    };
    vec![
        Metric {
            name: "obi.network.flow.bytes",
            prom_name: "obi_network_flow_bytes_total",
            description: "TCP payload bytes per flow and direction, counted at connection close",
            unit: "By",
            kind: Kind::Counter,
            points: flow_bytes,
        },
        Metric {
            name: "obi.stat.tcp.io",
            prom_name: "obi_stat_tcp_io_bytes_total",
            description: "TCP payload bytes transmitted and received, counted at connection close",
            unit: "By",
            kind: Kind::Counter,
            points: io,
        },
        Metric {
            name: "obi.stat.tcp.successful.connections",
            prom_name: "obi_stat_tcp_successful_connections_total",
            description: "TCP connections that reached ESTABLISHED",
            unit: "{connection}",
            kind: Kind::Counter,
            points: ok,
        },
        Metric {
            name: "obi.stat.tcp.failed.connections",
            prom_name: "obi_stat_tcp_failed_connections_total",
            description: "TCP connections that never reached ESTABLISHED, by reason",
            unit: "{connection}",
            kind: Kind::Counter,
            points: failed,
        },
        Metric {
            name: "obi.stat.tcp.rtt",
            prom_name: "obi_stat_tcp_rtt_seconds",
            description: "Smoothed TCP round-trip time at connection close",
            unit: "s",
            kind: Kind::Histogram,
            points: rtt,
        },
        Metric {
            name: "obi.stat.tcp.retransmits",
            prom_name: "obi_stat_tcp_retransmits_total",
            description: "TCP segments retransmitted, counted at connection close",
            unit: "{segment}",
            kind: Kind::Counter,
            points: retrans,
        },
        Metric {
            name: "obi.stat.tcp.connection.duration",
            prom_name: "obi_stat_tcp_connection_duration_seconds",
            description: "Lifetime of established TCP connections, from connect or accept to close",
            unit: "s",
            kind: Kind::Histogram,
            points: duration,
        },
        Metric {
            name: "b00t.sensor.events",
            prom_name: "b00t_sensor_events_total",
            description: "Records the kernel side of the sensor submitted to the ring buffer",
            unit: "{event}",
            kind: Kind::Counter,
            points: health_point(health.events),
        },
        Metric {
            name: "b00t.sensor.events.received",
            prom_name: "b00t_sensor_events_received_total",
            description: "Records the sensor read from the ring buffer",
            unit: "{event}",
            kind: Kind::Counter,
            points: health_point(health.received),
        },
        Metric {
            name: "b00t.sensor.events.dropped",
            prom_name: "b00t_sensor_events_dropped_total",
            description: "Records lost because the ring buffer was full",
            unit: "{event}",
            kind: Kind::Counter,
            points: health_point(health.drops),
        },
        Metric {
            name: "b00t.sensor.connections.filtered",
            prom_name: "b00t_sensor_connections_filtered_total",
            description: "Connections skipped in the kernel by the pid and port filters",
            unit: "{connection}",
            kind: Kind::Counter,
            points: health_point(health.filtered),
        },
    ]
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn labels(attrs: &[(&'static str, String)], extra: Option<(&str, String)>) -> String {
    let mut parts: Vec<String> = attrs
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", k.replace('.', "_"), escape(v)))
        .collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}=\"{v}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn float(v: f64) -> String {
    if v.is_infinite() {
        "+Inf".into()
    } else {
        format!("{v}")
    }
}

/// Prometheus text exposition format 0.0.4.
pub fn prometheus_text(metrics: &[Metric]) -> String {
    let mut s = String::new();
    for m in metrics {
        let kind = match m.kind {
            Kind::Counter => "counter",
            Kind::Histogram => "histogram",
        };
        let _ = writeln!(s, "# HELP {} {}", m.prom_name, m.description);
        let _ = writeln!(s, "# TYPE {} {}", m.prom_name, kind);
        for p in &m.points {
            match &p.value {
                Value::Int(v) => {
                    let _ = writeln!(s, "{}{} {}", m.prom_name, labels(&p.attributes, None), v);
                }
                Value::Histogram(h) => {
                    let mut cum = 0;
                    for (i, c) in h.counts.iter().enumerate() {
                        cum += c;
                        let le = h.bounds.get(i).copied().unwrap_or(f64::INFINITY);
                        let _ = writeln!(
                            s,
                            "{}_bucket{} {}",
                            m.prom_name,
                            labels(&p.attributes, Some(("le", float(le)))),
                            cum
                        );
                    }
                    let l = labels(&p.attributes, None);
                    let _ = writeln!(s, "{}_sum{} {}", m.prom_name, l, float(h.sum));
                    let _ = writeln!(s, "{}_count{} {}", m.prom_name, l, h.count);
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensor::event::{ConnEvent, EventKind, Family, Role};

    fn close(port: u16, sent: u64) -> ConnEvent {
        ConnEvent {
            record_type: "connection",
            event: EventKind::Close,
            time: jiff::Timestamp::UNIX_EPOCH,
            pid: 42,
            comm: "cu\"rl".into(),
            role: Role::Client,
            direction: "outgoing",
            family: Family::Ipv4,
            local_address: "127.0.0.1".parse().unwrap(),
            local_port: 40000,
            remote_address: "127.0.0.1".parse().unwrap(),
            remote_port: port,
            old_state: "fin_wait2",
            new_state: "close",
            established: true,
            handshake_us: Some(5),
            duration_us: Some(1500),
            bytes_sent: sent,
            bytes_received: 7,
            rtt_us: Some(30),
            retransmits: 0,
            failure_reason: None,
            error: None,
        }
    }

    #[test]
    fn renders_prometheus_text() {
        let mut agg = Aggregator::new();
        agg.add(&close(80, 100));
        agg.add(&close(80, 50));
        let health = Health {
            events: 2,
            received: 2,
            ..Health::default()
        };
        let text = prometheus_text(&collect(&agg, &health));
        assert!(
            text.contains("# TYPE obi_network_flow_bytes_total counter"),
            "{text}"
        );
        assert!(
            text.contains(
                "obi_network_flow_bytes_total{process_pid=\"42\",process_executable_name=\"cu\\\"rl\",\
                 src_address=\"127.0.0.1\",dst_address=\"127.0.0.1\",dst_port=\"80\",transport=\"tcp\",\
                 direction=\"outgoing\",iface_direction=\"egress\"} 150"
            ),
            "{text}"
        );
        assert!(text.contains("obi_stat_tcp_rtt_seconds_bucket{"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 2"), "{text}");
        assert!(text.contains("obi_stat_tcp_rtt_seconds_count{"), "{text}");
        assert!(text.contains("b00t_sensor_events_total 2"), "{text}");
        assert!(
            text.contains("b00t_sensor_events_dropped_total 0"),
            "{text}"
        );
    }
}
