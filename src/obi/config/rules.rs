//! The effective configuration (the file, then env overrides, as OBI applies them), OBI's
//! start-up checks, and the facts the deployer needs.

use super::check::{Checker, is_duration};
use super::{ConfigFacts, Severity};
use crate::obi::schema::Version;
use crate::translate::compose::yaml::Node;

struct Effective<'a> {
    v: &'a Version,
    root: &'a Node,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Effective<'a> {
    fn node(&self, path: &str) -> Option<&'a Node> {
        let mut n = self.root;
        for part in path.split('.') {
            n = n.get(part)?;
        }
        Some(n)
    }

    fn env_of(&self, path: &str) -> Option<String> {
        let name = self.v.key(path)?.env.as_deref()?;
        (self.env)(name).filter(|s| !s.is_empty())
    }

    /// A scalar after env overrides (only for keys this version knows).
    fn scalar(&self, path: &str) -> Option<String> {
        self.v.key(path)?;
        if let Some(e) = self.env_of(path) {
            return Some(e);
        }
        self.node(path)?.as_scalar().map(str::to_string)
    }

    fn list(&self, path: &str) -> Option<Vec<String>> {
        self.v.key(path)?;
        if let Some(e) = self.env_of(path) {
            return Some(e.split(',').map(|s| s.trim().to_string()).collect());
        }
        let n = self.node(path)?;
        n.as_seq().map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_scalar().map(str::to_string))
                .collect()
        })
    }

    fn flag(&self, path: &str) -> bool {
        self.scalar(path)
            .is_some_and(|s| matches!(s.as_str(), "true" | "True" | "TRUE" | "yes" | "on" | "1"))
    }

    fn int(&self, path: &str) -> i64 {
        self.scalar(path)
            .and_then(|s| s.replace('_', "").parse().ok())
            .unwrap_or(0)
    }

    fn set(&self, path: &str) -> bool {
        self.scalar(path).is_some_and(|s| !s.is_empty())
            || self
                .node(path)
                .and_then(|n| n.as_seq())
                .is_some_and(|s| !s.is_empty())
    }

    fn any_env(&self, names: &[&str]) -> bool {
        names
            .iter()
            .any(|n| (self.env)(n).is_some_and(|s| !s.is_empty()))
    }

    fn prom(&self) -> bool {
        self.int("prometheus_export.port") != 0
    }

    fn otel_metrics(&self) -> bool {
        self.set("otel_metrics_export.endpoint")
            || self.any_env(&[
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            ])
    }

    fn otel_traces(&self) -> bool {
        self.set("otel_traces_export.endpoint")
            || self.any_env(&[
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            ])
    }

    /// Metric features per exporter (prometheus, otel), as this version resolves them.
    fn features(&self) -> (Vec<String>, Vec<String>) {
        let default = || vec!["application".to_string()];
        let prom = self.list("prometheus_export.features");
        let otel = self.list("otel_metrics_export.features");
        if self.v.global_features() {
            // Deprecated per-exporter lists take precedence when their exporter is on.
            let global = if self.otel_metrics() && otel.as_ref().is_some_and(|f| !f.is_empty()) {
                otel.unwrap_or_default()
            } else if self.prom() && prom.as_ref().is_some_and(|f| !f.is_empty()) {
                prom.unwrap_or_default()
            } else {
                self.list("metrics.features").unwrap_or_else(default)
            };
            (global.clone(), global)
        } else {
            (prom.unwrap_or_else(default), otel.unwrap_or_else(default))
        }
    }

    fn has_feature(&self, names: &[&str]) -> bool {
        let (prom, otel) = self.features();
        let any = |f: &[String]| {
            f.iter()
                .any(|x| x == "all" || x == "*" || names.contains(&x.as_str()))
        };
        (self.prom() && any(&prom)) || (self.otel_metrics() && any(&otel))
    }

    fn network(&self) -> bool {
        self.flag("network.enable")
            || self.has_feature(&["network", "network_inter_zone", "network_flow_packets"])
    }

    fn stats(&self) -> bool {
        self.v.key("stats").is_some()
            && self.has_feature(&[
                "stats",
                "stats_tcp_rtt",
                "stats_tcp_failed_connections",
                "stats_tcp_retransmits",
                "stats_tcp_io",
            ])
    }

    /// Application observability is on when something selects processes.
    fn application(&self) -> bool {
        self.set("open_port")
            || self.set("executable_path")
            || self.set("target_pids")
            || self.set("discovery.instrument")
            || self.set("discovery.services")
            || self.any_env(&[
                "OTEL_EBPF_AUTO_TARGET_EXE",
                "OTEL_GO_AUTO_TARGET_EXE",
                "OTEL_EBPF_AUTO_TARGET_LANGUAGE",
            ])
    }

    fn pos(&self, paths: &[&str]) -> (usize, usize) {
        for p in paths {
            if let Some(n) = self.node(p) {
                return (n.pos.line.max(1), n.pos.col.max(1));
            }
        }
        (1, 1)
    }
}

pub(super) fn startup_rules(
    c: &mut Checker<'_>,
    root: &Node,
    env: &dyn Fn(&str) -> Option<String>,
) {
    let e = Effective { v: c.v, root, env };
    let v = c.v;
    let rule =
        |c: &mut Checker<'_>, name: &'static str, path: &str, at: (usize, usize), msg: &str| {
            if v.has_rule(name) {
                c.push_at(
                    name,
                    Severity::Error,
                    path,
                    path,
                    at,
                    format!("OBI would refuse to start: {msg}"),
                );
            }
        };
    let (net, app, stats) = (e.network(), e.application(), e.stats());
    let (prom, otel, traces) = (e.prom(), e.otel_metrics(), e.otel_traces());
    let printer = e
        .scalar("trace_printer")
        .is_some_and(|s| !s.is_empty() && s != "disabled");
    let features_path = if v.global_features() {
        "metrics.features"
    } else {
        "prometheus_export.features"
    };
    if !net && !app && !stats {
        rule(
            c,
            "no_feature",
            "",
            e.pos(&[features_path, "prometheus_export", "otel_metrics_export"]),
            "no metric feature is enabled: select processes to instrument (discovery.instrument, open_port) or enable the network feature with a metrics exporter",
        );
    }
    if net && !otel && !prom && !e.flag("network.print_flows") {
        rule(
            c,
            "network_needs_exporter",
            "network",
            e.pos(&["network", features_path]),
            "network metrics need an exporter: prometheus_export.port or an OTLP metrics endpoint (or network.print_flows)",
        );
    }
    if stats && !otel && !prom && !e.flag("stats.print_stats") {
        rule(
            c,
            "stats_needs_exporter",
            "stats",
            e.pos(&["stats", features_path]),
            "stats metrics need an exporter: prometheus_export.port or an OTLP metrics endpoint (or stats.print_stats)",
        );
    }
    if app && !printer && !otel && !traces && !prom {
        rule(
            c,
            "app_needs_exporter",
            "",
            e.pos(&["discovery", "open_port"]),
            "application instrumentation needs at least one exporter: trace_printer, otel_metrics_export, otel_traces_export or prometheus_export",
        );
    }
    let span_clash = |f: &[String]| {
        f.iter().any(|x| x == "application_span") && f.iter().any(|x| x == "application_span_otel")
    };
    let (pf, of) = e.features();
    if app && ((prom && span_clash(&pf)) || (otel && span_clash(&of))) {
        rule(
            c,
            "span_formats",
            features_path,
            e.pos(&[features_path, "otel_metrics_export.features"]),
            "only one span metrics format can be enabled: application_span or application_span_otel",
        );
    }
    if e.scalar("routes.wildcard_char")
        .is_some_and(|w| w.chars().count() > 1)
    {
        rule(
            c,
            "wildcard_char",
            "routes.wildcard_char",
            e.pos(&["routes.wildcard_char"]),
            "routes.wildcard_char must be a single character",
        );
    }
    let zero_duration =
        |t: &str| is_duration(t) && t.chars().filter(char::is_ascii_digit).all(|c| c == '0');
    if e.scalar("attributes.kubernetes.informers_sync_timeout")
        .is_some_and(|t| zero_duration(&t))
    {
        rule(
            c,
            "informers_sync_timeout",
            "attributes.kubernetes.informers_sync_timeout",
            e.pos(&["attributes.kubernetes.informers_sync_timeout"]),
            "attributes.kubernetes.informers_sync_timeout must be greater than 0s",
        );
    }
    if e.scalar("ebpf.batch_length")
        .is_some_and(|s| s.trim() == "0")
    {
        rule(
            c,
            "batch_length",
            "ebpf.batch_length",
            e.pos(&["ebpf.batch_length"]),
            "ebpf.batch_length must be at least 1",
        );
    }
    for list in [
        "services",
        "exclude_services",
        "instrument",
        "exclude_instrument",
    ] {
        let path = format!("discovery.{list}");
        let Some(items) = e.node(&path).and_then(Node::as_seq) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let selects = item
                .as_map()
                .is_some_and(|m| m.iter().any(|(k, v)| is_criterion(&k.name) && !v.is_null()));
            if !selects {
                rule(
                    c,
                    "discovery_criteria",
                    &format!("{path}[{i}]"),
                    (item.pos.line.max(1), item.pos.col.max(1)),
                    &format!(
                        "{path}[{i}] selects no process: give at least one of exe_path, open_ports, languages, cmd_args, target_pids, k8s_pod_labels, k8s_pod_annotations or a k8s_* attribute"
                    ),
                );
            }
        }
    }
    let internal_otel = e.scalar("internal_metrics.exporter").as_deref() == Some("otel");
    if internal_otel && e.int("internal_metrics.prometheus.port") != 0 {
        rule(
            c,
            "internal_otel_and_prom",
            "internal_metrics",
            e.pos(&["internal_metrics.exporter"]),
            "internal_metrics.exporter otel cannot be combined with internal_metrics.prometheus.port",
        );
    }
    if internal_otel && !otel {
        rule(
            c,
            "internal_otel_needs_metrics",
            "internal_metrics.exporter",
            e.pos(&["internal_metrics.exporter"]),
            "internal_metrics.exporter otel needs an OTLP metrics endpoint",
        );
    }
}

/// Keys of a discovery entry that select processes (the rest only qualify a selection).
fn is_criterion(key: &str) -> bool {
    matches!(
        key,
        "exe_path"
            | "exe_path_regexp"
            | "open_ports"
            | "languages"
            | "cmd_args"
            | "target_pids"
            | "container_name"
    ) || key.starts_with("k8s_")
}

pub(super) fn facts_for(
    v: &Version,
    root: &Node,
    env: &dyn Fn(&str) -> Option<String>,
) -> ConfigFacts {
    let e = Effective { v, root, env };
    let port = |p: &str| u16::try_from(e.int(p)).ok().filter(|p| *p != 0);
    let endpoint = |key: &str, specific: &str| {
        e.scalar(key)
            .filter(|s| !s.is_empty())
            .or_else(|| env(specific).filter(|s| !s.is_empty()))
            .or_else(|| env("OTEL_EXPORTER_OTLP_ENDPOINT").filter(|s| !s.is_empty()))
    };
    let network = e.network();
    let application = e.application();
    let cp = e
        .scalar("ebpf.context_propagation")
        .unwrap_or_else(|| "disabled".into())
        .to_ascii_lowercase();
    let cp_on = (cp != "disabled" && !cp.is_empty()) || e.flag("ebpf.enable_context_propagation");
    let tc_source = e.scalar("network.source").as_deref() == Some("tc");
    let exporter = e
        .scalar("internal_metrics.exporter")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "disabled".into());
    ConfigFacts {
        network_metrics: network,
        application_metrics: application,
        prometheus_port: port("prometheus_export.port"),
        prometheus_path: e
            .scalar("prometheus_export.path")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/metrics".into()),
        internal_metrics_port: port("internal_metrics.prometheus.port"),
        internal_metrics_path: e
            .scalar("internal_metrics.prometheus.path")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/internal/metrics".into()),
        internal_metrics_exporter: exporter,
        otlp_metrics_endpoint: endpoint(
            "otel_metrics_export.endpoint",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        ),
        otlp_traces_endpoint: endpoint(
            "otel_traces_export.endpoint",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        ),
        // OBI's CheckOSCapabilities: NET_ADMIN for TC (network source tc; context propagation
        // with application instrumentation). bpf_probe_write_user, with which Go library-level
        // context propagation (all, headers) injects the context, needs SYS_ADMIN; without it
        // OBI turns that part off.
        needs_sys_admin: application
            && (e.flag("ebpf.enable_context_propagation")
                || cp.split(',').any(|m| matches!(m.trim(), "all" | "headers"))),
        needs_net_admin: (network && tc_source) || (application && cp_on),
        log_level: e
            .scalar("log_level")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "INFO".into())
            .to_ascii_uppercase(),
    }
}
