//! Prometheus alert rules for the OBI agent of a DaemonSet install (`b00t obi rules`).
//!
//! What they read:
//! - kube-state-metrics: `kube_daemonset_status_number_ready`,
//!   `kube_daemonset_status_desired_number_scheduled`, `kube_pod_container_status_restarts_total`
//!   (labels `namespace`, `daemonset`, `pod`, `container`);
//! - the agent's own endpoints scraped with the usual Kubernetes target labels `namespace` and
//!   `pod` (annotation-based scraping and PodMonitors both give these): `up`, the network flow
//!   counter `obi_network_flow_bytes_total`, application metrics (`http_server_request_duration_
//!   seconds` and friends), and OBI's internal metrics (`obi_internal_build_info`,
//!   `obi_otel_metric_exports_total`, `obi_otel_trace_exports_total`,
//!   `obi_otel_metric_export_errors_total`, `obi_otel_trace_export_errors_total`,
//!   `obi_prometheus_http_requests_total`; they exist when `internal_metrics` has a Prometheus
//!   port, path `/internal/metrics`). The names are OBI's since it took the `obi_` prefix
//!   (Beyla and the first OBI builds said `beyla_`).
//!
//! Agent pods are those of DaemonSet `obi` in the install's namespace: `obi-` and five
//! characters. Pure: the caller writes the file.

use serde::Serialize;
use snafu::Snafu;

use crate::error::{Classify, Exit};

/// The file `b00t obi rules` writes.
pub const FILE_NAME: &str = "obi-alerts.yaml";
/// The rule group's name.
pub const GROUP: &str = "b00t-obi";

/// Application metrics OBI exports to Prometheus (one series of each tells the agent
/// instrumented something): histogram counts and span-metric calls.
const APP_METRICS: &str = "(http_server_request_duration_seconds|http_client_request_duration_seconds|rpc_server_duration_seconds|rpc_client_duration_seconds|db_client_operation_duration_seconds|messaging_publish_duration_seconds|messaging_process_duration_seconds)_count|traces_spanmetrics_calls_total|gpu_kernel_launch_calls_total";

#[derive(Debug, Snafu)]
pub enum RulesError {
    #[snafu(display(
        "namespace {namespace:?} is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)"
    ))]
    BadNamespace { namespace: String },
}

impl Classify for RulesError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }
}

/// One alerting rule, as written into the file (and reported by `--json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The alert name (`alert:`).
    pub name: String,
    /// `critical` or `warning` (the `severity` label).
    pub severity: String,
    /// How long the condition must hold (`for:`).
    #[serde(rename = "for")]
    pub for_: String,
    /// The PromQL expression.
    pub expr: String,
    /// The `summary` annotation (a template).
    pub summary: String,
    /// The `description` annotation (a template).
    pub description: String,
    /// The `runbook` annotation: the b00t commands to run first.
    pub runbook: String,
}

/// A Kubernetes namespace name (RFC 1123 label): also what keeps the selectors well-formed.
fn valid_namespace(ns: &str) -> bool {
    !ns.is_empty()
        && ns.len() <= 63
        && ns
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !ns.starts_with('-')
        && !ns.ends_with('-')
}

/// The alerts for the install in `namespace`.
pub fn alerts(namespace: &str) -> Result<Vec<Alert>, RulesError> {
    if !valid_namespace(namespace) {
        return BadNamespaceSnafu { namespace }.fail();
    }
    let ns = namespace;
    let ds = format!(r#"namespace="{ns}", daemonset="obi""#);
    let pods = format!(r#"namespace="{ns}", pod=~"obi-[a-z0-9]{{5}}""#);
    let n = if ns == "default" {
        String::new()
    } else {
        format!(" -n {ns}")
    };
    let alert = |name: &str,
                 severity: &str,
                 for_: &str,
                 expr: String,
                 summary: &str,
                 description: &str,
                 runbook: String| Alert {
        name: name.into(),
        severity: severity.into(),
        for_: for_.into(),
        expr,
        summary: summary.into(),
        description: description.into(),
        runbook,
    };
    Ok(vec![
        alert(
            "ObiAgentDown",
            "critical",
            "5m",
            format!(
                "kube_daemonset_status_number_ready{{{ds}}} == 0\nor\nabsent(kube_daemonset_status_desired_number_scheduled{{{ds}}})"
            ),
            "No OBI agent is ready in namespace {{ $labels.namespace }}",
            "DaemonSet obi in namespace {{ $labels.namespace }} has no ready pod (or kube-state-metrics does not see it): nothing is instrumented.",
            format!("b00t obi status{n}; then b00t obi logs{n} --level error"),
        ),
        alert(
            "ObiAgentScrapeDown",
            "warning",
            "5m",
            format!("up{{{pods}}} == 0"),
            "Prometheus cannot scrape OBI agent {{ $labels.pod }}",
            "The scrape of OBI agent pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.instance }}) has failed for 5 minutes: the agent is down or its metrics port is not served.",
            format!("b00t obi status{n}; then b00t obi config show{n} (prometheus_export.port)"),
        ),
        alert(
            "ObiAgentNotOnAllNodes",
            "warning",
            "15m",
            format!(
                "kube_daemonset_status_number_ready{{{ds}}}\n  < kube_daemonset_status_desired_number_scheduled{{{ds}}}"
            ),
            "OBI agent is not ready on every node",
            "Only {{ $value }} OBI agent pods in namespace {{ $labels.namespace }} are ready, fewer than the nodes they are scheduled on, for 15 minutes: traffic on the other nodes is not observed.",
            format!("b00t obi status{n} (pods per node); b00t obi preflight{n}"),
        ),
        alert(
            "ObiAgentRestarting",
            "warning",
            "0m",
            format!(
                "increase(kube_pod_container_status_restarts_total{{{pods}, container=\"obi\"}}[30m]) >= 2"
            ),
            "OBI agent {{ $labels.pod }} keeps restarting",
            "Container obi of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times in 30 minutes.",
            format!("b00t obi logs{n} --level error; b00t obi config validate FILE"),
        ),
        alert(
            "ObiExportErrors",
            "warning",
            "10m",
            format!(
                "sum by (namespace, pod) (rate(obi_otel_metric_export_errors_total{{{pods}}}[5m])) > 0\nor\nsum by (namespace, pod) (rate(obi_otel_trace_export_errors_total{{{pods}}}[5m])) > 0"
            ),
            "OBI agent {{ $labels.pod }} fails to export over OTLP",
            "OBI agent {{ $labels.namespace }}/{{ $labels.pod }} has had OTLP export errors for 10 minutes: check the endpoint, the protocol (4317 is grpc, 4318 http/protobuf) and the headers.",
            format!("b00t obi logs{n} --level error; b00t obi config show{n}"),
        ),
        alert(
            "ObiExportingNothing",
            "warning",
            "15m",
            format!(
                "max by (namespace, pod) (obi_internal_build_info{{{pods}}})\nunless on (namespace, pod) (sum by (namespace, pod) (rate(obi_otel_metric_exports_total{{{pods}}}[15m])) > 0)\nunless on (namespace, pod) (sum by (namespace, pod) (rate(obi_otel_trace_exports_total{{{pods}}}[15m])) > 0)\nunless on (namespace, pod) (sum by (namespace, pod) (rate(obi_prometheus_http_requests_total{{{pods}, path!=\"/internal/metrics\"}}[15m])) > 0)"
            ),
            "OBI agent {{ $labels.pod }} exports nothing",
            "OBI agent {{ $labels.namespace }}/{{ $labels.pod }} has sent no OTLP metrics or traces and served no Prometheus scrape for 15 minutes: no exporter is configured, or nobody reads it.",
            format!(
                "b00t obi config show{n} (otel_metrics_export, otel_traces_export, prometheus_export)"
            ),
        ),
        alert(
            "ObiAttachedNothing",
            "warning",
            "15m",
            format!(
                "max by (namespace, pod) (up{{{pods}}}) == 1\nunless on (namespace, pod) count by (namespace, pod) (obi_network_flow_bytes_total{{{pods}}})\nunless on (namespace, pod) count by (namespace, pod) ({{__name__=~\"{APP_METRICS}\", {pods}}})\nunless on (namespace, pod) (sum by (namespace, pod) (rate(obi_otel_metric_exports_total{{{pods}}}[15m])) > 0)"
            ),
            "OBI agent {{ $labels.pod }} is up but observes nothing",
            "OBI agent {{ $labels.namespace }}/{{ $labels.pod }} has been up for 15 minutes without network flow or application metrics: its eBPF programs did not attach (kernel without kprobes or BTF, missing capabilities) or the config selects no process.",
            format!(
                "b00t obi logs{n} --level warn (\"Unable to load eBPF\"); b00t obi preflight{n}"
            ),
        ),
    ])
}

#[derive(Serialize)]
struct RuleFile<'a> {
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    name: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct Rule<'a> {
    alert: &'a str,
    expr: &'a str,
    #[serde(rename = "for")]
    for_: &'a str,
    labels: std::collections::BTreeMap<&'a str, &'a str>,
    annotations: std::collections::BTreeMap<&'a str, &'a str>,
}

/// The Prometheus rule file (YAML) with [`alerts`] as one group.
pub fn rule_file(alerts: &[Alert]) -> String {
    let file = RuleFile {
        groups: vec![Group {
            name: GROUP,
            rules: alerts
                .iter()
                .map(|a| Rule {
                    alert: &a.name,
                    expr: &a.expr,
                    for_: &a.for_,
                    labels: [("severity", a.severity.as_str()), ("component", "obi")]
                        .into_iter()
                        .collect(),
                    annotations: [
                        ("summary", a.summary.as_str()),
                        ("description", a.description.as_str()),
                        ("runbook", a.runbook.as_str()),
                    ]
                    .into_iter()
                    .collect(),
                })
                .collect(),
        }],
    };
    let mut text = String::from(
        "# Alerts for the OBI eBPF agent, written by `b00t obi rules`. Regenerate rather than edit.\n",
    );
    text.push_str(&serde_saphyr::to_string(&file).expect("rule files serialise to YAML"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_name_the_install_namespace() {
        let a = alerts("monitoring-2").unwrap();
        let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ObiAgentDown",
                "ObiAgentScrapeDown",
                "ObiAgentNotOnAllNodes",
                "ObiAgentRestarting",
                "ObiExportErrors",
                "ObiExportingNothing",
                "ObiAttachedNothing"
            ]
        );
        for alert in &a {
            assert!(
                alert.expr.contains(r#"namespace="monitoring-2""#),
                "{}: {}",
                alert.name,
                alert.expr
            );
            assert!(!alert.expr.contains("observability"));
            assert!(
                alert.runbook.contains("b00t obi ") && alert.runbook.contains("-n monitoring-2")
            );
            assert!(["critical", "warning"].contains(&alert.severity.as_str()));
        }
        // The default namespace needs no -n in the hints.
        let d = alerts("default").unwrap();
        assert!(d.iter().all(|a| !a.runbook.contains(" -n ")));
    }

    #[test]
    fn a_namespace_cannot_break_out_of_the_selector() {
        for bad in [
            "",
            "Obs",
            "a\"}",
            "ns with space",
            "-ns",
            "ns-",
            &"x".repeat(64),
        ] {
            let e = alerts(bad).unwrap_err();
            assert_eq!(e.exit(), Exit::Usage);
            assert!(e.to_string().contains("not a Kubernetes namespace"), "{e}");
        }
        assert!(alerts(&"x".repeat(63)).is_ok());
    }

    #[test]
    fn the_file_is_one_group_with_labels_and_annotations() {
        let a = alerts("observability").unwrap();
        let text = rule_file(&a);
        let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let rules = v["groups"][0]["rules"].as_array().unwrap();
        assert_eq!(v["groups"][0]["name"], GROUP);
        assert_eq!(rules.len(), a.len());
        for (r, a) in rules.iter().zip(&a) {
            assert_eq!(r["alert"], a.name.as_str());
            assert_eq!(r["expr"], a.expr.as_str(), "multi-line exprs survive YAML");
            assert_eq!(r["for"], a.for_.as_str());
            assert_eq!(r["labels"]["severity"], a.severity.as_str());
            assert_eq!(r["annotations"]["runbook"], a.runbook.as_str());
            assert!(r["annotations"]["summary"].is_string());
            assert!(r["annotations"]["description"].is_string());
        }
        assert_eq!(text, rule_file(&alerts("observability").unwrap()));
    }
}
