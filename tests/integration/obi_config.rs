//! `b00t obi config validate`: the real binary on the fixtures in `fixtures/obi/`.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/obi")
        .join(name)
        .display()
        .to_string()
}

/// The binary with a clean environment (no inherited OTEL_* variables).
fn b00t(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_b00t"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run b00t")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn obi_config_validate_reports_unknown_key_with_position_and_exit_2() {
    let file = fixture("unknown-key.yaml");
    let out = b00t(
        &["obi", "config", "validate", &file, "--image-tag", "v0.3.0"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout,
        format!(
            "{file}:5:3: error: unknown key \"endpont\" in OBI v0.3.0; did you mean \"endpoint\"?\n"
        )
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("1 error, 0 warnings (image tag v0.3.0: OBI v0.3.0)"),
        "{stderr}"
    );
}

#[test]
fn obi_config_validate_valid_file_exits_0_with_summary_on_stderr() {
    let file = fixture("valid-main-fdb0bd7.yaml");
    let out = b00t(&["obi", "config", "validate", &file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Default tag `main`: checked against every known version; the old per-exporter feature
    // list is deprecated in the newest, which is a note here, not an error.
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("error:"), "{stdout}");
    assert!(
        stdout.contains(&format!("{file}:10:3: note: in OBI v0.10.0 only")),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("0 errors, 0 warnings"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn obi_config_validate_json_document() {
    let file = fixture("bad-enum.yaml");
    let out = b00t(
        &[
            "obi",
            "config",
            "validate",
            &file,
            "--image-tag",
            "main-fdb0bd7",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["file"], file.as_str());
    assert_eq!(v["image_tag"], "main-fdb0bd7");
    assert_eq!(v["versions"], serde_json::json!(["main-fdb0bd7"]));
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"], 3);
    assert_eq!(v["warnings"], 0);
    let first = &v["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "log_level");
    assert_eq!(first["line"], 1);
    assert_eq!(first["column"], 12);
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("invalid value \"VERBOSE\""),
        "{first}"
    );
}

#[test]
fn obi_config_validate_expands_env_and_honours_env_overrides() {
    let file = fixture("env-expansion.yaml");
    let ok = b00t(
        &[
            "obi",
            "config",
            "validate",
            &file,
            "--image-tag",
            "main-fdb0bd7",
        ],
        &[("FEATURE", "network"), ("OTLP", "http://c:4318")],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    let bad = b00t(
        &[
            "obi",
            "config",
            "validate",
            &file,
            "--image-tag",
            "main-fdb0bd7",
        ],
        &[("FEATURE", "network"), ("PROTO", "grpcc")],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stdout).starts_with(&format!("{file}:7:13: error: otel_metrics_export.protocol")),
        "{}",
        text(&bad.stdout)
    );
    // The network feature needs an exporter; OTEL_EBPF_PROMETHEUS_PORT set in the environment
    // overrides the file, as OBI applies env vars after it.
    let startup = fixture("startup-no-exporter.yaml");
    let out = b00t(
        &[
            "obi",
            "config",
            "validate",
            &startup,
            "--image-tag",
            "v0.3.0",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("network metrics need an exporter"));
    let out = b00t(
        &[
            "obi",
            "config",
            "validate",
            &startup,
            "--image-tag",
            "v0.3.0",
        ],
        &[("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://c:4318")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn obi_config_validate_missing_file_is_a_usage_error() {
    let out = b00t(&["obi", "config", "validate", "/nonexistent/obi.yaml"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "error: reading /nonexistent/obi.yaml: No such file or directory (os error 2)\n"
    );
}
