//! `b00t obi sensor probe|run` (also `obi sensor …`): the embedded eBPF sensor, locally.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::{Args, Subcommand};

use super::{Global, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::output::{Out, table};
use crate::sensor::flows::{FlowRecord, Snapshot};
use crate::sensor::{
    Aggregator, ByteMode, FlowKey, FlowStats, Health, Sensor, SensorConfig, metrics, otlp,
};

#[derive(Debug, Args)]
pub struct SensorArgs {
    #[command(subcommand)]
    pub command: SensorCommand,
}

#[derive(Debug, Subcommand)]
pub enum SensorCommand {
    /// Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map
    /// types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel
    /// lacks what is needed
    Probe,
    /// Watch this machine's TCP connections: a live table of flows, JSON Lines (-o json), a
    /// Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Stop after this long (e.g. 30s, 5m, 1h); default: until Ctrl-C or SIGTERM
    #[arg(long, value_parser = parse_duration, value_name = "D")]
    pub duration: Option<Duration>,
    /// Only connections of this process id (filtered in the kernel)
    #[arg(long, value_name = "P")]
    pub pid: Option<u32>,
    /// Only processes whose command name (comm) matches this regular expression
    #[arg(long, value_name = "RE")]
    pub comm: Option<String>,
    /// Only connections with this local or remote port (filtered in the kernel)
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// How often to print a summary of the flows (and export OTLP)
    #[arg(long, value_parser = parse_duration, default_value = "5s", value_name = "D")]
    pub interval: Duration,
    /// Serve metrics in the Prometheus text format on this address (e.g. 127.0.0.1:9400)
    #[arg(long, value_name = "ADDR")]
    pub prometheus: Option<String>,
    /// Label obi_network_flow_bytes_total like the OBI agent does (one series per connection and
    /// direction: direction=request|response, src_/dst_address, ports, client_port, server_port,
    /// transport, …), so dashboards written for the agent's network metrics work unchanged
    #[arg(long)]
    pub obi_labels: bool,
    /// Export metrics with OTLP/HTTP protobuf to URL/v1/metrics (e.g. http://127.0.0.1:4318)
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    /// Payload byte counting: fast (the TCP counters, read once at close: no per-call cost,
    /// counts what TCP delivered and had acknowledged) or exact (a program on every send and
    /// receive: what the applications wrote and read)
    #[arg(long, value_enum, default_value_t = ByteMode::Fast, value_name = "MODE")]
    pub bytes: ByteMode,
    /// Flows shown per table (busiest first)
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
}

impl SensorArgs {
    pub async fn run(self, _global: &Global, out: &Out) -> Result<()> {
        match self.command {
            SensorCommand::Probe => probe(out).await,
            SensorCommand::Run(a) => run(a, out).await,
        }
    }
}

/// `500ms`, `5s`, `2m`, `1h`, or plain seconds.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (e.g. 500ms, 5s, 2m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {s:?} (use ms, s, m or h)"
            ));
        }
    };
    if !secs.is_finite() || secs <= 0.0 {
        return Err(format!("duration must be positive: {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

async fn probe(out: &Out) -> Result<()> {
    let p = crate::ops::sensor::probe().await?;
    if out.is_table() {
        let mut t = table::new(["CHECK", "RESULT", "DETAIL"]);
        for c in &p.checks {
            let result = match c.ok {
                Some(true) => "ok",
                Some(false) => "missing",
                None => "unknown",
            };
            t.add_row([c.name.as_str(), result, c.detail.as_str()]);
        }
        out.write(&table::render(&t));
    } else {
        out.document(&p);
    }
    p.result()
}

/// Shared between the event loop, the Prometheus endpoint and the OTLP exporter.
struct State {
    agg: Aggregator,
    health: Health,
}

async fn run(args: RunArgs, out: &Out) -> Result<()> {
    let json = match out.format() {
        None | Some(OutputFormat::Table) | Some(OutputFormat::Wide) => false,
        Some(OutputFormat::Json) => true,
        Some(f) => {
            return Err(Error::msg(
                Exit::Usage,
                format!("sensor run prints tables or JSON Lines: -o {f:?} is not supported (use -o table|wide|json)")
                    .to_lowercase(),
            ));
        }
    };
    if args.obi_labels && args.prometheus.is_none() && args.otlp_endpoint.is_none() {
        return Err(Error::msg(
            Exit::Usage,
            "--obi-labels labels the exported metrics: use it with --prometheus or --otlp-endpoint",
        ));
    }
    let comm = args
        .comm
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| {
            Error::msg(
                Exit::Usage,
                format!("invalid --comm regular expression: {e}"),
            )
        })?;
    let exporter = args
        .otlp_endpoint
        .as_deref()
        .map(otlp::Exporter::new)
        .transpose()?;
    let config = SensorConfig {
        pid: args.pid,
        port: args.port,
        comm,
        bytes: args.bytes,
        ..SensorConfig::default()
    };

    // Taken before attaching: every event of the run falls after it.
    let started = jiff::Timestamp::now();
    let mut sensor = Sensor::start(&config)?;
    let start_ns = started.as_nanosecond() as u64;
    let state = Arc::new(Mutex::new(State {
        agg: if args.obi_labels {
            Aggregator::with_obi_labels()
        } else {
            Aggregator::new()
        },
        health: Health::default(),
    }));

    let prom_task = match &args.prometheus {
        Some(addr) => {
            let st = state.clone();
            let render: crate::sensor::prometheus::Render = Arc::new(move || {
                let s = st.lock().expect("sensor state lock");
                metrics::prometheus_text(&metrics::collect(&s.agg, &s.health))
            });
            let (bound, task) = crate::sensor::prometheus::serve(addr, render).await?;
            out.note(&format!(
                "serving Prometheus metrics on http://{bound}/metrics"
            ));
            Some(task)
        }
        None => None,
    };
    if let Some(e) = &exporter {
        out.note(&format!(
            "exporting OTLP metrics to {} every {:?}",
            e.url(),
            args.interval
        ));
    }
    out.note(&format!(
        "watching TCP connections{}{}{} (bytes: {}); {}",
        args.pid.map(|p| format!(" of pid {p}")).unwrap_or_default(),
        args.port
            .map(|p| format!(" on port {p}"))
            .unwrap_or_default(),
        args.comm
            .as_deref()
            .map(|c| format!(" of commands matching {c:?}"))
            .unwrap_or_default(),
        match (args.bytes, sensor.byte_mode()) {
            (ByteMode::Exact, ByteMode::Fast) =>
                "fast: this kernel has no sock_send_length/sock_recv_length tracepoints",
            (_, ByteMode::Exact) => "exact",
            (_, ByteMode::Fast) => "fast",
        },
        match args.duration {
            Some(d) => format!("stopping after {d:?}"),
            None => "Ctrl-C to stop".into(),
        }
    ));

    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| Error::msg(Exit::Failed, format!("installing the SIGTERM handler: {e}")))?;
    let deadline = args.duration.map(|d| tokio::time::Instant::now() + d);
    let stop_at = async move {
        match deadline {
            Some(d) => tokio::time::sleep_until(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(stop_at);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut tick =
        tokio::time::interval_at(tokio::time::Instant::now() + args.interval, args.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut window_start = started;
    let mut batch = Vec::with_capacity(4096);
    let mut lines = json.then(JsonLines::new);
    let mut last_export_error: Option<String> = None;
    let export_errors: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));

    loop {
        tokio::select! {
            r = sensor.next_batch(&mut batch) => {
                r?;
                let health = sensor.health();
                consume(&mut batch, &state, lines.as_mut());
                state.lock().expect("sensor state lock").health = health;
            }
            _ = tick.tick() => {
                let health = sensor.health();
                let now = jiff::Timestamp::now();
                let window = {
                    let mut s = state.lock().expect("sensor state lock");
                    s.health = health;
                    s.agg.take_window()
                };
                print_interval(out, &state, json, &window, window_start, now, &health, args.top);
                window_start = now;
                if let Some(e) = &exporter {
                    let req = {
                        let s = state.lock().expect("sensor state lock");
                        otlp::request(&metrics::collect(&s.agg, &s.health), start_ns, now.as_nanosecond() as u64)
                    };
                    let e = e.clone();
                    let errors = export_errors.clone();
                    tokio::spawn(async move {
                        let res = tokio::time::timeout(Duration::from_secs(10), e.export(&req)).await;
                        let msg = match res {
                            Ok(Ok(())) => None,
                            Ok(Err(err)) => Some(Error::new(err).chain()),
                            Err(_) => Some(format!("exporting metrics to {}: timed out", e.url())),
                        };
                        *errors.lock().expect("export error lock") = msg;
                    });
                }
                let err = export_errors.lock().expect("export error lock").clone();
                if err.is_some() && err != last_export_error {
                    out.warn(err.as_deref().unwrap_or_default());
                }
                last_export_error = err;
            }
            _ = &mut stop_at => break,
            _ = &mut ctrl_c => break,
            _ = sigterm.recv() => break,
        }
    }

    // Read what is left, then detach everything before the final summary.
    sensor.drain_now(&mut batch);
    consume(&mut batch, &state, lines.as_mut());
    let health = sensor.health();
    sensor.stop();
    if let Some(t) = prom_task {
        t.abort();
    }
    let ended = jiff::Timestamp::now();
    let (totals, req) = {
        let mut s = state.lock().expect("sensor state lock");
        s.health = health;
        let req = exporter.as_ref().map(|_| {
            otlp::request(
                &metrics::collect(&s.agg, &s.health),
                start_ns,
                ended.as_nanosecond() as u64,
            )
        });
        (s.agg.totals(), req)
    };
    print_final(out, json, &totals, started, ended, &health, args.top);
    if let (Some(e), Some(req)) = (&exporter, req) {
        match tokio::time::timeout(Duration::from_secs(10), e.export(&req)).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => out.warn(&Error::new(err).chain()),
            Err(_) => out.warn(&format!("exporting metrics to {}: timed out", e.url())),
        }
    }
    Ok(())
}

/// JSON Lines of the connection events: written straight into one reused buffer and handed to
/// stdout in large writes (when a batch is done or 256 KiB are waiting), so 50,000 events/s
/// cost no allocation per event and a handful of syscalls per second.
struct JsonLines {
    buf: Vec<u8>,
}

impl JsonLines {
    const FLUSH_AT: usize = 256 << 10;

    fn new() -> JsonLines {
        JsonLines {
            buf: Vec::with_capacity(Self::FLUSH_AT + 4096),
        }
    }

    fn push(&mut self, ev: &crate::sensor::ConnEvent) {
        ev.write_json_line(&mut self.buf);
        if self.buf.len() >= Self::FLUSH_AT {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            crate::output::write_bytes(&self.buf);
            self.buf.clear();
        }
    }
}

fn consume(
    batch: &mut Vec<crate::sensor::ConnEvent>,
    state: &Arc<Mutex<State>>,
    json: Option<&mut JsonLines>,
) {
    if batch.is_empty() {
        return;
    }
    if let Some(lines) = json {
        for ev in batch.iter() {
            lines.push(ev);
        }
        lines.flush();
    }
    let mut s = state.lock().expect("sensor state lock");
    for ev in batch.iter() {
        s.agg.add(ev);
    }
    drop(s);
    batch.clear();
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn human_us(us: Option<u64>) -> String {
    match us {
        None => "-".into(),
        Some(u) if u < 1000 => format!("{u}µs"),
        Some(u) if u < 1_000_000 => format!("{:.1}ms", u as f64 / 1000.0),
        Some(u) => format!("{:.2}s", u as f64 / 1e6),
    }
}

fn flows_table(rows: &[(FlowKey, FlowStats)], top: usize, wide: bool) -> String {
    let mut headers = vec![
        "PID", "COMMAND", "DIR", "LOCAL", "REMOTE", "CONNS", "FAILED", "SENT", "RECEIVED", "P50",
        "P99", "RTT", "RETRANS",
    ];
    if wide {
        headers.extend(["ACTIVE", "FAILURES"]);
    }
    let mut t = table::new(headers);
    for (k, s) in rows.iter().take(top) {
        let mut row = vec![
            if k.pid == 0 {
                "?".to_string()
            } else {
                k.pid.to_string()
            },
            k.comm.clone(),
            if k.role == crate::sensor::Role::Client {
                "out".into()
            } else {
                "in".into()
            },
            k.local(),
            k.remote(),
            s.connections().to_string(),
            s.failed().to_string(),
            human_bytes(s.bytes_sent),
            human_bytes(s.bytes_received),
            human_us(s.durations_us.quantile(0.5)),
            human_us(s.durations_us.quantile(0.99)),
            human_us(s.rtts_us.quantile(0.5)),
            s.retransmits.to_string(),
        ];
        if wide {
            row.push(s.opened.saturating_sub(s.closed).to_string());
            row.push(
                s.failures
                    .iter()
                    .map(|(r, n)| format!("{}={n}", r.as_str()))
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        t.add_row(row);
    }
    table::render(&t)
}

fn health_line(h: &Health) -> String {
    format!(
        "events {} read {} dropped {} filtered {}",
        h.events, h.received, h.drops, h.filtered
    )
}

#[allow(clippy::too_many_arguments)]
fn print_interval(
    out: &Out,
    state: &Mutex<State>,
    json: bool,
    window: &[(FlowKey, FlowStats)],
    start: jiff::Timestamp,
    end: jiff::Timestamp,
    health: &Health,
    top: usize,
) {
    if json {
        for (k, s) in window {
            out.json_line(&FlowRecord::new(k, s, "interval", start, end));
        }
        return;
    }
    let connections: u64 = window.iter().map(|(_, s)| s.connections()).sum();
    if out.stdout_tty() {
        // A top-like screen: the busiest flows since the start, redrawn every interval.
        let totals = state.lock().expect("sensor state lock").agg.totals();
        let header = format!(
            "b00t sensor  {}  {} flows  {connections} connections in the last {}s  ({})",
            end.strftime("%H:%M:%S"),
            totals.len(),
            (end.as_millisecond() - start.as_millisecond() + 500) / 1000,
            health_line(health)
        );
        let body = if totals.is_empty() {
            "no connections yet\n".to_string()
        } else {
            flows_table(&totals, top, out.is_wide())
        };
        out.write(&format!("\x1b[H\x1b[2J{header}\n\n{body}"));
        return;
    }
    let header = format!(
        "{} flows, {connections} connections {} .. {} ({})",
        window.len(),
        start.strftime("%H:%M:%S"),
        end.strftime("%H:%M:%S"),
        health_line(health)
    );
    let body = if window.is_empty() {
        "no connections\n".to_string()
    } else {
        flows_table(window, top, out.is_wide())
    };
    out.write(&format!("# {header}\n{body}\n"));
}

fn print_final(
    out: &Out,
    json: bool,
    totals: &[(FlowKey, FlowStats)],
    start: jiff::Timestamp,
    end: jiff::Timestamp,
    health: &Health,
    top: usize,
) {
    let snapshot = Snapshot::new(totals, start, end, health);
    if json {
        for r in &snapshot.items {
            out.json_line(r);
        }
        out.json_line(&snapshot.summary);
        return;
    }
    let summary = &snapshot.summary;
    let secs = (end.as_millisecond() - start.as_millisecond()) as f64 / 1000.0;
    out.write(&format!(
        "# summary: {} connections ({} failed) in {} flows over {secs:.1}s; sent {}, received {}; {}\n",
        summary.connections,
        summary.failed,
        summary.flows,
        human_bytes(summary.bytes_sent),
        human_bytes(summary.bytes_received),
        health_line(health)
    ));
    if !totals.is_empty() {
        out.write(&flows_table(totals, top, out.is_wide()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_us(Some(850)), "850µs");
        assert_eq!(human_us(Some(12_500)), "12.5ms");
        assert_eq!(human_us(None), "-");
    }
}
