use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/obi/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn check(name: &str, tag: &str) -> Validation {
    validate(name, &fixture(name), tag, &no_env)
}

fn only(v: &Validation, sev: Severity) -> Vec<&Diagnostic> {
    v.diagnostics.iter().filter(|d| d.severity == sev).collect()
}

#[test]
fn valid_fixtures_have_no_errors_for_their_versions() {
    let v = check("valid-main-fdb0bd7.yaml", "main-fdb0bd7");
    assert!(v.valid, "{:#?}", v.diagnostics);
    assert!(v.diagnostics.is_empty(), "{:#?}", v.diagnostics);
    let v = check("valid-v0.10.0.yaml", "v0.10.0");
    assert!(v.diagnostics.is_empty(), "{:#?}", v.diagnostics);
    assert_eq!(v.versions, ["v0.10.0"]);
}

#[test]
fn unknown_key_has_path_position_and_suggestion() {
    let v = check("unknown-key.yaml", "v0.3.0");
    let errs = only(&v, Severity::Error);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let d = errs[0];
    assert_eq!(d.path, "otel_metrics_export.endpont");
    assert_eq!((d.line, d.column), (5, 3));
    assert!(
        d.message.contains("did you mean \"endpoint\"?"),
        "{}",
        d.message
    );
    assert!(!v.valid);
}

#[test]
fn key_of_another_version_names_the_versions_when_pinned() {
    let v = check("newer-keys.yaml", "main-fdb0bd7");
    let errs = only(&v, Severity::Error);
    let d = errs
        .iter()
        .find(|d| d.path == "metrics")
        .expect("metrics flagged");
    assert_eq!(
        d.message,
        "key \"metrics\" does not exist in OBI main-fdb0bd7 (it exists in OBI v0.10.0)"
    );
    // For v0.10.0 the same file is fine.
    let v = check("newer-keys.yaml", "v0.10.0");
    assert!(v.valid, "{:#?}", v.diagnostics);
}

#[test]
fn moving_tag_accepts_a_key_some_versions_know_with_a_note() {
    let v = check("newer-keys.yaml", "main");
    assert_eq!(v.versions, ["main-fdb0bd7", "v0.3.0", "v0.10.0"]);
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.path == "metrics")
        .expect("a note on metrics");
    assert_eq!(d.severity, Severity::Note);
    assert!(
        d.message.contains("known only to OBI v0.10.0"),
        "{}",
        d.message
    );
    // A key no version knows is an error for a moving tag too.
    let v = check("unknown-key.yaml", "latest");
    let errs = only(&v, Severity::Error);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].message.contains("in any known OBI version"));
    // The suggestion comes from the keys of every version: `health_check` is v0.10.0's only.
    let v = validate("x", "helth_check: {port: 1}\n", "main", &no_env);
    let d = only(&v, Severity::Error)
        .into_iter()
        .find(|d| d.path == "helth_check")
        .expect("typo flagged");
    assert!(
        d.message.ends_with("did you mean \"health_check\"?"),
        "{}",
        d.message
    );
}

#[test]
fn wrong_types_are_errors() {
    let v = check("wrong-type.yaml", "main-fdb0bd7");
    let errs: Vec<(&str, usize)> = only(&v, Severity::Error)
        .iter()
        .map(|d| (d.path.as_str(), d.line))
        .collect();
    assert!(errs.contains(&("prometheus_export.port", 2)), "{errs:?}");
    assert!(
        errs.contains(&("prometheus_export.features", 3)),
        "{errs:?}"
    );
    assert!(
        errs.contains(&("network.cache_active_timeout", 5)),
        "{errs:?}"
    );
    let port = v
        .diagnostics
        .iter()
        .find(|d| d.path == "prometheus_export.port")
        .unwrap();
    assert!(port.message.contains("(quoted)"), "{}", port.message);
}

#[test]
fn bad_enum_values_are_errors_and_log_level_ignores_case() {
    let v = check("bad-enum.yaml", "v0.10.0");
    let paths: Vec<&str> = only(&v, Severity::Error)
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert!(paths.contains(&"log_level"), "{paths:?}");
    assert!(paths.contains(&"attributes.kubernetes.enable"), "{paths:?}");
    assert!(paths.contains(&"otel_traces_export.protocol"), "{paths:?}");
    let ok = validate(
        "x.yaml",
        "log_level: debug\nprometheus_export: {port: 1, features: [network]}\n",
        "main-fdb0bd7",
        &no_env,
    );
    assert!(ok.valid, "{:#?}", ok.diagnostics);
}

#[test]
fn bad_feature_name_is_an_error_with_suggestion_and_startup_consequence() {
    let v = check("bad-feature.yaml", "main-fdb0bd7");
    let errs = only(&v, Severity::Error);
    let name = errs
        .iter()
        .find(|d| d.path == "prometheus_export.features[0]")
        .expect("feature name flagged");
    assert!(
        name.message.contains("did you mean \"network\"?"),
        "{}",
        name.message
    );
    assert_eq!((name.line, name.column), (3, 14));
    assert!(
        errs.iter()
            .any(|d| d.message.contains("no metric feature is enabled")),
        "{errs:#?}"
    );
    // application_process exists in the old build only.
    let text = "prometheus_export: {port: 1, features: [network, application_process]}\n";
    assert!(validate("x", text, "main-fdb0bd7", &no_env).valid);
    let new = validate("x", text, "v0.10.0", &no_env);
    assert!(!new.valid);
}

#[test]
fn deprecated_keys_warn_with_the_replacement() {
    let v = check("deprecated.yaml", "main-fdb0bd7");
    assert!(v.valid, "{:#?}", v.diagnostics);
    let w = only(&v, Severity::Warning);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].path, "network.enable");
    assert_eq!(
        w[0].message,
        "network.enable is deprecated, use prometheus_export.features instead (add \"network\" to OTEL_EBPF_METRIC_FEATURES or OTEL_EBPF_PROMETHEUS_FEATURES)"
    );
    let v = check("deprecated.yaml", "v0.10.0");
    let w = only(&v, Severity::Warning);
    assert!(
        w.iter().any(|d| d.path == "network.enable"
            && d.message
                .starts_with("network.enable is deprecated, use metrics.features instead")),
        "{w:#?}"
    );
}

#[test]
fn startup_rules_follow_each_version() {
    let v = check("startup-no-exporter.yaml", "main-fdb0bd7");
    let msgs: Vec<&str> = only(&v, Severity::Error)
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("network metrics need an exporter")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("needs an OTLP metrics endpoint")),
        "{msgs:?}"
    );
    // An env override supplies the exporter, as OBI applies env after the file.
    let env = |k: &str| (k == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://c:4318".to_string());
    let v = validate(
        "s.yaml",
        &fixture("startup-no-exporter.yaml"),
        "main-fdb0bd7",
        &env,
    );
    assert!(v.valid, "{:#?}", v.diagnostics);
    // wildcard_char is checked by the older releases only.
    let text = "prometheus_export: {port: 1, features: [network]}\nroutes: {wildcard_char: ab}\n";
    assert!(!validate("x", text, "v0.3.0", &no_env).valid);
    let text10 = "metrics: {features: [network]}\nprometheus_export: {port: 1}\nroutes: {wildcard_char: ab}\n";
    assert!(validate("x", text10, "v0.10.0", &no_env).valid);
    // Both span metric formats at once.
    let text = "open_port: 80\nprometheus_export: {port: 1, features: [application_span, application_span_otel]}\n";
    let v = validate("x", text, "main-fdb0bd7", &no_env);
    assert!(
        v.diagnostics
            .iter()
            .any(|d| d.message.contains("one span metrics format"))
    );
}

#[test]
fn env_expansion_happens_before_checks_and_positions_stay_in_the_file() {
    let text = fixture("env-expansion.yaml");
    let env = |k: &str| match k {
        "FEATURE" => Some("network".to_string()),
        "OTLP" => Some("http://collector:4318".to_string()),
        "PROTO" => Some("grpcc".to_string()),
        _ => None,
    };
    let v = validate("e.yaml", &text, "main-fdb0bd7", &env);
    let errs = only(&v, Severity::Error);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].path, "otel_metrics_export.protocol");
    assert_eq!((errs[0].line, errs[0].column), (7, 13));
    let facts = v.facts.unwrap();
    assert_eq!(facts.prometheus_port, Some(9400));
    assert_eq!(facts.prometheus_path, "${NOT_EXPANDED}");
    assert!(facts.network_metrics);
    // Unset → empty: protocol "" is allowed, the feature list `[]` is empty, so no feature is
    // enabled and OBI would not start (reported where the features are).
    let v = validate("e.yaml", &text, "main-fdb0bd7", &no_env);
    let errs = only(&v, Severity::Error);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].message.contains("no metric feature is enabled"));
    assert_eq!((errs[0].line, errs[0].column), (3, 13));
    let x = expand("a: ${A:-d} ${env:B} $(C) $${D}", &|k| {
        (k == "B").then(|| "b".to_string())
    });
    assert_eq!(x.text, "a: d b  ${D}");
}

#[test]
fn facts_of_a_config() {
    let text = "log_level: debug\nnetwork: {source: tc}\nprometheus_export: {port: 9400, features: [network]}\ninternal_metrics: {exporter: prometheus, prometheus: {port: 9401}}\n";
    let f = config_facts(text, "main-fdb0bd7", &no_env).unwrap();
    assert_eq!(
        f,
        ConfigFacts {
            network_metrics: true,
            application_metrics: false,
            prometheus_port: Some(9400),
            prometheus_path: "/metrics".into(),
            internal_metrics_exporter: "prometheus".into(),
            internal_metrics_port: Some(9401),
            internal_metrics_path: "/internal/metrics".into(),
            otlp_metrics_endpoint: None,
            otlp_traces_endpoint: None,
            needs_sys_admin: false,
            needs_net_admin: true,
            log_level: "DEBUG".into(),
        }
    );
    let text = "open_port: 8080\nebpf: {context_propagation: all}\notel_traces_export: {endpoint: http://c:4317}\n";
    let f = config_facts(text, "v0.10.0", &no_env).unwrap();
    assert!(f.application_metrics && f.needs_sys_admin && f.needs_net_admin);
    assert_eq!(f.otlp_traces_endpoint.as_deref(), Some("http://c:4317"));
    assert!(!f.network_metrics);
    // IP-options propagation goes through TC only: NET_ADMIN, no SYS_ADMIN.
    let text = "open_port: 8080\nebpf: {context_propagation: ip}\notel_traces_export: {endpoint: http://c:4317}\n";
    let f = config_facts(text, "main-fdb0bd7", &no_env).unwrap();
    assert!(f.needs_net_admin && !f.needs_sys_admin);
    // Without application instrumentation context propagation needs nothing.
    let text =
        "ebpf: {context_propagation: all}\nprometheus_export: {port: 1, features: [network]}\n";
    let f = config_facts(text, "main-fdb0bd7", &no_env).unwrap();
    assert!(!f.needs_net_admin && !f.needs_sys_admin);
}

#[test]
fn default_config_validates_for_every_tag_and_version() {
    let opts = DefaultConfigOptions::default();
    for tag in [
        "main",
        "latest",
        "v9.9.9",
        "main-fdb0bd7",
        "v0.3.0",
        "v0.10.0",
    ] {
        let text = default_config(tag, &opts);
        // Checked against each known version on its own: none may reject it.
        for v in schema::versions() {
            let r = validate("default", &text, &v.name, &no_env);
            let pinned_tag = !matches!(schema::resolve_tag(tag), TagMatch::Moving);
            if pinned_tag && v.name != tag {
                continue;
            }
            assert!(
                r.valid,
                "tag {tag}, version {}: {text}\n{:#?}",
                v.name, r.diagnostics
            );
        }
        let f = config_facts(&text, tag, &no_env).unwrap();
        assert!(f.network_metrics && f.application_metrics, "{tag}: {f:?}");
        assert_eq!(f.prometheus_port, Some(9400));
        assert_eq!(f.internal_metrics_exporter, "prometheus");
        assert_eq!(f.internal_metrics_port, Some(9401));
    }
    let moving = default_config("main", &opts);
    assert!(moving.contains("features: [network, application]"));
    assert!(!moving.contains("metrics:\n  features"));
    assert!(default_config("v0.10.0", &opts).starts_with("# OBI configuration"));
    assert!(
        default_config("v0.10.0", &opts).contains("metrics:\n  features: [network, application]")
    );
    let net_only = DefaultConfigOptions {
        application: false,
        kubernetes: false,
        ..Default::default()
    };
    let text = default_config("main", &net_only);
    assert!(!text.contains("discovery"));
    assert!(validate("d", &text, "main", &no_env).valid);
}

#[test]
fn yaml_errors_are_positioned() {
    let v = validate("b.yaml", "a: [1\nb: 2\n", "main", &no_env);
    assert_eq!(v.errors, 1);
    assert!(v.diagnostics[0].message.starts_with("invalid YAML"));
    let v = validate("b.yaml", "- 1\n", "main", &no_env);
    assert!(v.diagnostics[0].message.contains("must be a mapping"));
}

#[test]
fn suggestions_only_for_close_names() {
    let keys = ["endpoint", "protocol", "features"];
    assert_eq!(
        suggest("endpont", keys.iter().copied()).as_deref(),
        Some("endpoint")
    );
    assert_eq!(suggest("zzzzzz", keys.iter().copied()), None);
    assert!(is_duration("1h30m") && is_duration("0") && !is_duration("10"));
    assert!(is_int("0x1F") && !is_int("9400a"));
}

#[test]
fn scalars_decode_as_yaml_v3_decodes_them() {
    let errs = |text: &str| {
        validate("x", text, "main-fdb0bd7", &no_env)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.path)
            .collect::<Vec<_>>()
    };
    let base = "prometheus_export: {port: 1, features: [network]}\n";
    // A plain 0 is an int, which yaml.v3 refuses for a time.Duration; quoted it parses.
    assert_eq!(
        errs(&format!("{base}shutdown_timeout: 0\n")),
        ["shutdown_timeout"]
    );
    assert!(errs(&format!("{base}shutdown_timeout: \"0\"\n")).is_empty());
    // Quoted "true" is a string; quoted "yes" passes yaml.v3's YAML 1.1 fallback.
    assert_eq!(
        errs(&format!("{base}enforce_sys_caps: \"true\"\n")),
        ["enforce_sys_caps"]
    );
    assert!(errs(&format!("{base}enforce_sys_caps: \"yes\"\n")).is_empty());
    assert!(errs(&format!("{base}enforce_sys_caps: on\n")).is_empty());
}

#[test]
fn a_startup_rule_every_version_applies_is_one_error_for_a_moving_tag() {
    // The versions report it at different keys (per-exporter features vs metrics.features).
    let v = validate(
        "x",
        "prometheus_export: {port: 1}\nmetrics_x: 1\n",
        "main",
        &no_env,
    );
    let startup: Vec<_> = v
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("no metric feature is enabled"))
        .collect();
    assert_eq!(startup.len(), 1, "{:#?}", v.diagnostics);
    assert_eq!(startup[0].severity, Severity::Error);
    // Undecodable values stop OBI before its start-up checks: no rule findings then.
    let v = check("wrong-type.yaml", "main");
    assert!(
        !v.diagnostics
            .iter()
            .any(|d| d.message.contains("refuse to start")),
        "{:#?}",
        v.diagnostics
    );
    assert_eq!(v.errors, 3);
}

#[test]
fn validator_tags_are_enforced_where_obi_runs_them() {
    // v0.3.0 and later run the struct validator at start-up (oneof, ranges).
    let text = "network: {source: tcc}\nprometheus_export: {port: 70000, features: [network]}\n";
    let v = validate("x", text, "v0.3.0", &no_env);
    let msgs: Vec<&str> = only(&v, Severity::Error)
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        msgs.contains(&"network.source: invalid value \"tcc\" (valid: socket_filter, tc)"),
        "{msgs:?}"
    );
    // Port bounds came with v0.10.0.
    assert!(!msgs.iter().any(|m| m.contains("out of range")), "{msgs:?}");
    let text10 = "metrics: {features: [network]}\nprometheus_export: {port: 70000}\n";
    let v10 = validate("x", text10, "v0.10.0", &no_env);
    assert_eq!(
        only(&v10, Severity::Error)[0].message,
        "prometheus_export.port: 70000 is out of range (must be between 0 and 65535)"
    );
    // The old build has no struct validator: the same file passes its key and type checks.
    let v = validate("x", text, "main-fdb0bd7", &no_env);
    assert!(v.valid, "{:#?}", v.diagnostics);
}

#[test]
fn a_discovery_entry_must_select_something() {
    let text = "prometheus_export: {port: 1, features: [application]}\ndiscovery:\n  instrument:\n    - exe_path: \"*/app\"\n    - containers_only: true\n";
    let v = validate("x", text, "main-fdb0bd7", &no_env);
    let errs = only(&v, Severity::Error);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].path, "discovery.instrument[1]");
    assert_eq!((errs[0].line, errs[0].column), (5, 7));
    assert!(errs[0].message.contains("selects no process"));
    let ok = text.replace("containers_only: true", "k8s_namespace: default");
    assert!(validate("x", &ok, "main", &no_env).valid);
}
