//! `b00t obi rules` as a process: the rule file passes `promtool check rules`, and
//! `promtool test rules` with fixtures/obi/obi-alerts.test.yaml proves each alert fires on the
//! series it is about and stays silent on a healthy install. Needs promtool (Debian's
//! `prometheus` package): skips without it locally, fails under CI=true.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn b00t(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_b00t"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `promtool ARGS` in `dir`; `None` when promtool is not installed (and not in CI).
fn promtool(dir: &Path, args: &[&str]) -> Option<Output> {
    match Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
    {
        Ok(o) => Some(o),
        Err(e) => {
            assert!(!in_ci(), "CI=true: promtool is required ({e})");
            eprintln!("promtool not found ({e}): skipping");
            None
        }
    }
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/obi/obi-alerts.test.yaml")
}

#[test]
fn rules_pass_promtool_check_and_unit_tests() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rules/out");
    let o = b00t(tmp.path())
        .args(["obi", "rules", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let file = dir.join("obi-alerts.yaml");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(&format!("wrote {}: 7 alerts", file.display())),
        "{}",
        text(&o)
    );
    for alert in ["ObiAgentDown", "ObiExportingNothing", "ObiAttachedNothing"] {
        assert!(stdout.contains(alert), "{}", text(&o));
    }
    let rules = std::fs::read_to_string(&file).unwrap();
    assert!(rules.contains(r#"namespace="observability""#), "{rules}");

    let Some(check) = promtool(&dir, &["check", "rules", "obi-alerts.yaml"]) else {
        return;
    };
    assert!(
        check.status.success(),
        "promtool check rules: {}",
        text(&check)
    );
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("SUCCESS: 7 rules found"),
        "{}",
        text(&check)
    );
    std::fs::copy(fixture(), dir.join("obi-alerts.test.yaml")).unwrap();
    let test = promtool(&dir, &["test", "rules", "obi-alerts.test.yaml"]).unwrap();
    assert!(
        test.status.success(),
        "promtool test rules: {}",
        text(&test)
    );
}

#[test]
fn unit_tests_fail_when_an_alert_misses_its_series() {
    // The unit tests must be able to fail: a rule file that ignores scrapes of the internal
    // endpoint no longer tells "exporting nothing" apart, and promtool says so.
    let tmp = tempfile::tempdir().unwrap();
    let o = b00t(tmp.path())
        .args(["obi", "rules", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let file = tmp.path().join("obi-alerts.yaml");
    let rules = std::fs::read_to_string(&file).unwrap();
    let broken = rules.replace(r#"path!="/internal/metrics""#, r#"path!="/nowhere""#);
    assert_ne!(broken, rules);
    std::fs::write(&file, broken).unwrap();
    std::fs::copy(fixture(), tmp.path().join("obi-alerts.test.yaml")).unwrap();
    let Some(test) = promtool(tmp.path(), &["test", "rules", "obi-alerts.test.yaml"]) else {
        return;
    };
    assert!(!test.status.success(), "{}", text(&test));
    // promtool 2.x reports failures on stderr; later versions on stdout.
    assert!(
        text(&test).contains("alertname: ObiExportingNothing"),
        "{}",
        text(&test)
    );
}

#[test]
fn json_reports_files_and_alerts_for_the_namespace() {
    let tmp = tempfile::tempdir().unwrap();
    let o = b00t(tmp.path())
        .args(["obi", "rules", "-n", "shop-obs", "--json", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    let file = tmp.path().join("obi-alerts.yaml");
    assert_eq!(v["files"], serde_json::json!([file.display().to_string()]));
    let alerts = v["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 7);
    for a in alerts {
        for key in [
            "name",
            "severity",
            "for",
            "expr",
            "summary",
            "description",
            "runbook",
        ] {
            assert!(a[key].is_string(), "{key} missing in {a}");
        }
        assert!(
            a["expr"]
                .as_str()
                .unwrap()
                .contains(r#"namespace="shop-obs""#),
            "{a}"
        );
        assert!(
            a["runbook"].as_str().unwrap().contains("-n shop-obs"),
            "{a}"
        );
    }
    let rules = std::fs::read_to_string(&file).unwrap();
    assert!(!rules.contains("observability"), "{rules}");
    if let Some(check) = promtool(tmp.path(), &["check", "rules", "obi-alerts.yaml"]) {
        assert!(check.status.success(), "{}", text(&check));
    }
}

#[test]
fn a_bad_namespace_is_a_usage_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let o = b00t(tmp.path())
        .args(["obi", "rules", "-n", "Bad\"ns", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("error: namespace \"Bad\\\"ns\" is not a Kubernetes namespace name"),
        "{}",
        text(&o)
    );
    assert!(o.stdout.is_empty());
    assert!(!dir.exists());
}
