//! The configuration b00t deploys when the user gives none.

use std::fmt::Write as _;

use crate::obi::schema;

/// What the default configuration turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultConfigOptions {
    /// `prometheus_export.port`; `None` leaves the Prometheus exporter off.
    pub prometheus_port: Option<u16>,
    /// Network flow metrics.
    pub network: bool,
    /// Application metrics (selects processes: every namespace on Kubernetes, else every
    /// executable).
    pub application: bool,
    /// OBI's own metrics on a Prometheus endpoint (`internal_metrics_port`), for `obi status`.
    pub internal_metrics: bool,
    /// Default: the Prometheus port + 1, else 9091.
    pub internal_metrics_port: Option<u16>,
    /// OTLP endpoint for metrics and traces.
    pub otlp_endpoint: Option<String>,
    /// Running on Kubernetes (process selection by namespace).
    pub kubernetes: bool,
    pub log_level: String,
}

impl Default for DefaultConfigOptions {
    fn default() -> Self {
        DefaultConfigOptions {
            prometheus_port: Some(9400),
            network: true,
            application: true,
            internal_metrics: true,
            internal_metrics_port: None,
            otlp_endpoint: None,
            kubernetes: true,
            log_level: "INFO".into(),
        }
    }
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// The YAML b00t puts in the ConfigMap when the user gives no `--config`. For a pinned tag it
/// uses that version's keys; for `main`, `latest` and unknown tags only keys every known version
/// accepts (per-exporter `features` lists, which later releases still honour as deprecated).
/// Emits no `network` or `attributes` section, so callers may append their own.
pub fn default_config(tag: &str, opts: &DefaultConfigOptions) -> String {
    let versions = schema::versions_for(tag);
    let global = versions.iter().all(|v| v.global_features());
    let mut features = Vec::new();
    if opts.network {
        features.push("network");
    }
    if opts.application {
        features.push("application");
    }
    let list = format!("[{}]", features.join(", "));
    let mut y = String::new();
    let _ = writeln!(y, "# OBI configuration written by b00t for image tag {tag}");
    let _ = writeln!(y, "log_level: {}", opts.log_level.to_ascii_uppercase());
    if global {
        let _ = writeln!(y, "metrics:\n  features: {list}");
    }
    if let Some(port) = opts.prometheus_port {
        let _ = writeln!(y, "prometheus_export:\n  port: {port}\n  path: /metrics");
        if !global {
            let _ = writeln!(y, "  features: {list}");
        }
    }
    if let Some(ep) = &opts.otlp_endpoint {
        let _ = writeln!(y, "otel_metrics_export:\n  endpoint: {}", yaml_str(ep));
        if !global {
            let _ = writeln!(y, "  features: {list}");
        }
        if opts.application {
            let _ = writeln!(y, "otel_traces_export:\n  endpoint: {}", yaml_str(ep));
        }
    }
    if opts.internal_metrics {
        let port = opts
            .internal_metrics_port
            .or_else(|| opts.prometheus_port.and_then(|p| p.checked_add(1)))
            .unwrap_or(9091);
        let _ = writeln!(
            y,
            "internal_metrics:\n  exporter: prometheus\n  prometheus:\n    port: {port}\n    path: /internal/metrics"
        );
    }
    if opts.application {
        let selector = if opts.kubernetes {
            "k8s_namespace: \"*\""
        } else {
            "exe_path: \"*\""
        };
        let _ = writeln!(y, "discovery:\n  instrument:\n    - {selector}");
    }
    y
}
