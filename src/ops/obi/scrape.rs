//! What an agent's `/metrics` says about whether it observes and exports anything.
//!
//! Only series names and values are needed (no histograms maths), so this reads the
//! Prometheus text format line by line: `name{labels} value [timestamp]`, comments skipped.
//! Tests check it against text that `promtool check metrics` accepts.

use serde::Serialize;

/// Families that mean "the agent sees network flows".
const FLOW_FAMILIES: &[&str] = &[
    "obi_network_flow_bytes_total",
    "obi_network_inter_zone_bytes_total",
    "beyla_network_flow_bytes_total",
];

/// Prefixes of OBI's application (and span-derived) metric families.
const APP_PREFIXES: &[&str] = &[
    "http_server_",
    "http_client_",
    "rpc_server_",
    "rpc_client_",
    "sql_client_",
    "db_client_",
    "redis_client_",
    "messaging_",
    "gpu_",
    "traces_spanmetrics_",
    "traces_service_graph_",
];

/// The agent's view of itself, from one scrape.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Observed {
    /// Series of `obi_network_flow_bytes_total` (and the inter-zone family).
    pub flow_series: usize,
    /// Series of application metric families.
    pub app_series: usize,
    /// `*_instrumented_processes` (internal metrics), when exposed.
    pub instrumented_processes: Option<f64>,
    /// Sum of `*_otel_metric_exports_total` and `*_otel_trace_exports_total`, when exposed.
    pub exports: Option<f64>,
    /// Sum of `*_otel_metric_export_errors_total` and `*_otel_trace_export_errors_total`.
    pub export_errors: Option<f64>,
}

fn add(slot: &mut Option<f64>, v: f64) {
    *slot = Some(slot.unwrap_or(0.0) + v);
}

/// Read one or more concatenated Prometheus text expositions.
pub fn observe(text: &str) -> Observed {
    let mut o = Observed::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
        let name = &line[..name_end];
        // The value follows the closing brace of the labels (label values may hold spaces).
        let rest = match line[name_end..].strip_prefix('{') {
            Some(r) => match closing_brace(r) {
                Some(i) => &r[i + 1..],
                None => continue,
            },
            None => &line[name_end..],
        };
        let value: f64 = match rest.split_whitespace().next().map(str::parse) {
            Some(Ok(v)) => v,
            _ => continue,
        };
        if FLOW_FAMILIES.contains(&name) {
            o.flow_series += 1;
        } else if APP_PREFIXES.iter().any(|p| name.starts_with(p)) {
            // Histograms expose _bucket/_sum/_count: count each series once, by its _count.
            if !(name.ends_with("_bucket") || name.ends_with("_sum")) {
                o.app_series += 1;
            }
        } else if name.ends_with("_instrumented_processes") {
            add(&mut o.instrumented_processes, value);
        } else if name.ends_with("_otel_metric_exports_total")
            || name.ends_with("_otel_trace_exports_total")
        {
            add(&mut o.exports, value);
        } else if name.ends_with("_otel_metric_export_errors_total")
            || name.ends_with("_otel_trace_export_errors_total")
        {
            add(&mut o.export_errors, value);
        }
    }
    o
}

/// Index of the `}` closing a label set, skipping quoted values with escapes.
fn closing_brace(s: &str) -> Option<usize> {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (in_str, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_str = false,
            (false, _, '"') => in_str = true,
            (false, _, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const SAMPLE: &str = r#"# HELP obi_network_flow_bytes_total bytes
# TYPE obi_network_flow_bytes_total counter
obi_network_flow_bytes_total{direction="ingress",dst_address="127.0.0.1",src_address="127.0.0.2",transport="TCP"} 1234
obi_network_flow_bytes_total{direction="egress",dst_address="127.0.0.2",src_address="127.0.0.1",transport="TCP"} 99
# HELP http_server_request_duration_seconds d
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{le="0.005",url_path="/a b}"} 1
http_server_request_duration_seconds_bucket{le="+Inf",url_path="/a b}"} 1
http_server_request_duration_seconds_sum{url_path="/a b}"} 0.001
http_server_request_duration_seconds_count{url_path="/a b}"} 1
# HELP obi_otel_metric_exports_total e
# TYPE obi_otel_metric_exports_total counter
obi_otel_metric_exports_total 12
obi_otel_metric_export_errors_total{error="timeout"} 2
obi_otel_trace_export_errors_total{error="x"} 1
obi_instrumented_processes{process_name="nginx"} 3
promhttp_metric_handler_requests_total{code="200"} 5
"#;

    #[test]
    fn counts_flows_app_series_and_exports() {
        let o = observe(SAMPLE);
        assert_eq!(o.flow_series, 2);
        assert_eq!(o.app_series, 1, "a histogram is one series");
        assert_eq!(o.exports, Some(12.0));
        assert_eq!(o.export_errors, Some(3.0));
        assert_eq!(o.instrumented_processes, Some(3.0));
    }

    #[test]
    fn an_agent_that_attached_nothing_has_only_promhttp() {
        let o = observe(
            "# TYPE promhttp_metric_handler_requests_total counter\npromhttp_metric_handler_requests_total{code=\"200\"} 1\n",
        );
        assert_eq!(o, Observed::default());
    }
}
