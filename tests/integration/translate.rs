//! `b00t k8s translate`: golden cases in `fixtures/translate/<case>/` run through the real
//! binary, a round trip of every emitted object through the k8s-openapi types, and CLI tests
//! of both `translate` and `deploy --from-compose` (the latter against the fake API server).
//!
//! A case directory holds the input (`compose.yaml` or `Dockerfile`, plus whatever files it
//! refers to), an optional `args` file (extra arguments, whitespace-separated), an optional
//! `env` file (`K=V` lines: the process environment), and the expectations: `expected.yaml`
//! (stdout), `expected.warnings` (stderr) and `expected.exit` (when not 0).
//! `UPDATE_EXPECT=1 cargo test --test integration translate` rewrites the expectations.

use std::path::{Path, PathBuf};
use std::process::Command;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolumeClaim, Pod, Secret, Service};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/translate")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_b00t"));
    c.env_clear();
    c.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c.env("HOME", "/nonexistent");
    c.env("NO_COLOR", "1");
    c
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run_case(dir: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec!["k8s".into(), "translate".into()];
    if dir.join("compose.yaml").exists() {
        args.extend(["--from-compose".into(), "compose.yaml".into()]);
    } else if dir.join("Dockerfile").exists() {
        args.extend(["--from-dockerfile".into(), "Dockerfile".into()]);
    }
    if let Ok(a) = std::fs::read_to_string(dir.join("args")) {
        args.extend(a.split_whitespace().map(str::to_string));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut cmd = bin();
    cmd.current_dir(dir).args(&args);
    if let Ok(env) = std::fs::read_to_string(dir.join("env")) {
        for line in env.lines().filter(|l| !l.trim().is_empty()) {
            let (k, v) = line.split_once('=').expect("env lines are K=V");
            cmd.env(k, v);
        }
    }
    let out = cmd.output().expect("running b00t");
    // Absolute paths in messages (env_file, config files) would make the expectations depend
    // on where the repository is checked out.
    let case = dir.display().to_string();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).replace(&case, "<case>"),
        code: out.status.code().unwrap_or(-1),
    }
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/translate")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Deserialize into the typed object and serialize back: nothing may be lost or invented.
fn round_trip(item: &Value) -> Result<(), String> {
    fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
        item: &Value,
    ) -> Result<(), String> {
        let typed: T = serde_json::from_value(item.clone()).map_err(|e| e.to_string())?;
        let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
        if &back != item {
            return Err(format!(
                "changed by the round trip:\n{item:#}\n---\n{back:#}"
            ));
        }
        Ok(())
    }
    match item["kind"].as_str().unwrap_or_default() {
        "Deployment" => check::<Deployment>(item),
        "DaemonSet" => check::<DaemonSet>(item),
        "Pod" => check::<Pod>(item),
        "Service" => check::<Service>(item),
        "Secret" => check::<Secret>(item),
        "ConfigMap" => check::<ConfigMap>(item),
        "PersistentVolumeClaim" => check::<PersistentVolumeClaim>(item),
        "Ingress" => check::<k8s_openapi::api::networking::v1::Ingress>(item),
        "StatefulSet" => check::<k8s_openapi::api::apps::v1::StatefulSet>(item),
        "CronJob" => check::<k8s_openapi::api::batch::v1::CronJob>(item),
        "HorizontalPodAutoscaler" => {
            check::<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>(item)
        }
        other => Err(format!("unexpected kind {other:?}")),
    }
}

#[test]
fn golden_cases() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let all = cases();
    assert!(
        all.len() >= 50,
        "at least 50 golden cases, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    for dir in &all {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let r = run_case(dir, &[]);
        let (yaml, warn, exit) = (
            dir.join("expected.yaml"),
            dir.join("expected.warnings"),
            dir.join("expected.exit"),
        );
        if update {
            std::fs::write(&yaml, &r.stdout).unwrap();
            std::fs::write(&warn, &r.stderr).unwrap();
            if r.code == 0 {
                let _ = std::fs::remove_file(&exit);
            } else {
                std::fs::write(&exit, format!("{}\n", r.code)).unwrap();
            }
        } else {
            let want_out = std::fs::read_to_string(&yaml).unwrap_or_default();
            let want_err = std::fs::read_to_string(&warn).unwrap_or_default();
            let want_code: i32 = std::fs::read_to_string(&exit)
                .map(|s| s.trim().parse().unwrap())
                .unwrap_or(0);
            if r.stdout != want_out {
                failures.push(format!(
                    "{name}: stdout differs:\n--- want\n{want_out}\n--- got\n{}",
                    r.stdout
                ));
            }
            if r.stderr != want_err {
                failures.push(format!(
                    "{name}: stderr differs:\n--- want\n{want_err}\n--- got\n{}",
                    r.stderr
                ));
            }
            if r.code != want_code {
                failures.push(format!(
                    "{name}: exit {} (want {want_code})\n{}",
                    r.code, r.stderr
                ));
            }
        }
        // Every emitted object must be valid for the typed API.
        if r.code == 0 {
            let j = run_case(dir, &["-o", "json"]);
            assert_eq!(j.code, 0, "{name}: -o json failed: {}", j.stderr);
            let list: Value =
                serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{name}: JSON: {e}"));
            assert_eq!(list["kind"], "List", "{name}");
            for item in list["items"].as_array().expect("items") {
                if let Err(e) = round_trip(item) {
                    failures.push(format!(
                        "{name}: {} {}: {e}",
                        item["kind"], item["metadata"]["name"]
                    ));
                }
            }
        } else {
            assert!(
                r.stdout.is_empty(),
                "{name}: an error prints nothing on stdout"
            );
            let errors: Vec<&str> = r
                .stderr
                .lines()
                .filter(|l| !l.starts_with("warning: "))
                .collect();
            assert_eq!(
                errors.len(),
                1,
                "{name}: an error is one line: {}",
                r.stderr
            );
            assert!(errors[0].starts_with("error: "), "{name}: {}", r.stderr);
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden case failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn output_is_deterministic() {
    for dir in cases()
        .iter()
        .filter(|d| d.join("compose.yaml").exists())
        .take(10)
    {
        let a = run_case(dir, &[]);
        let b = run_case(dir, &[]);
        assert_eq!(a.stdout, b.stdout, "{}", dir.display());
        assert_eq!(a.stderr, b.stderr, "{}", dir.display());
    }
}

// ---------------------------------------------------------------- translate CLI

fn case(name: &str) -> PathBuf {
    fixtures().join(name)
}

fn b00t_in(dir: &Path, args: &[&str]) -> Run {
    let out = bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running b00t");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

#[test]
fn translate_help_lists_the_flags() {
    let r = b00t_in(&fixtures(), &["k8s", "translate", "--help"]);
    assert_eq!(r.code, 0);
    for f in [
        "--from-dockerfile",
        "--from-compose",
        "--name",
        "--image",
        "--target",
        "--profile",
        "--out",
        "--strict",
    ] {
        assert!(r.stdout.contains(f), "{f} missing from help:\n{}", r.stdout);
    }
}

#[test]
fn translate_json_is_a_list_of_the_same_objects() {
    let dir = case("wordpress-mysql");
    let y = b00t_in(
        &dir,
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--name",
            "blog",
        ],
    );
    let j = b00t_in(
        &dir,
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--name",
            "blog",
            "-o",
            "json",
        ],
    );
    let j2 = b00t_in(
        &dir,
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--name",
            "blog",
            "--json",
        ],
    );
    assert_eq!((y.code, j.code), (0, 0), "{}{}", y.stderr, j.stderr);
    assert_eq!(j.stdout, j2.stdout);
    let list: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(
        (list["apiVersion"].as_str(), list["kind"].as_str()),
        (Some("v1"), Some("List"))
    );
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        y.stdout.matches("\n---\n").count() + 1,
        kinds.len(),
        "one YAML document per item"
    );
    assert!(
        kinds.contains(&"PersistentVolumeClaim")
            && kinds.contains(&"Service")
            && kinds.contains(&"Deployment")
    );
    assert_eq!(y.stderr, j.stderr, "the same warnings either way");
}

#[test]
fn translate_out_dir_writes_one_file_per_object() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("manifests");
    let r = b00t_in(
        &case("configs-and-secrets"),
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "configmap-app-config.yaml",
            "configmap-inline-cfg.yaml",
            "deployment-app.yaml",
            "secret-api-token.yaml",
            "secret-db-password.yaml",
            "service-app.yaml"
        ]
    );
    assert_eq!(r.stdout.lines().count(), 6, "the written paths are listed");
    let d: Deployment = serde_saphyr::from_str(
        &std::fs::read_to_string(out_dir.join("deployment-app.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(d.metadata.name.as_deref(), Some("app"));
}

#[test]
fn translate_strict_fails_only_with_warnings() {
    let r = b00t_in(
        &case("strict-with-warnings"),
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--strict",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("warning: app: ulimits"), "{}", r.stderr);
    let r = b00t_in(
        &case("strict-clean"),
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--strict",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn translate_usage_errors() {
    let dir = case("strict-clean");
    // Both inputs, or none.
    let r = b00t_in(
        &dir,
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--from-dockerfile",
            "Dockerfile",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = b00t_in(&dir, &["k8s", "translate"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Output formats other than yaml/json.
    let r = b00t_in(
        &dir,
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "-o",
            "table",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("yaml or json"), "{}", r.stderr);
    // A missing file.
    let r = b00t_in(&dir, &["k8s", "translate", "--from-compose", "nope.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: reading nope.yaml"),
        "{}",
        r.stderr
    );
    let r = b00t_in(
        &dir,
        &["k8s", "translate", "--from-dockerfile", "Nope.Dockerfile"],
    );
    assert_eq!(r.code, 2);
    // --target only with a Dockerfile.
    let r = b00t_in(
        &dir,
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--target",
            "x",
        ],
    );
    assert_eq!(r.code, 2);
}

#[test]
fn translate_needs_no_cluster() {
    let r = b00t_in(
        &case("wordpress-mysql"),
        &[
            "k8s",
            "translate",
            "--from-compose",
            "compose.yaml",
            "--kubeconfig",
            "/nonexistent/kubeconfig",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

// ---------------------------------------------------------------- deploy (fake API server)

use crate::support::FakeCluster;

fn deploy(c: &FakeCluster, dir: &Path, args: &[&str]) -> Run {
    let mut all = vec![
        "--kubeconfig",
        c.kubeconfig_path().to_str().unwrap(),
        "k8s",
        "deploy",
    ];
    all.extend_from_slice(args);
    b00t_in(dir, &all)
}

fn names(c: &FakeCluster, resource: &str) -> Vec<String> {
    let mut v: Vec<String> = c
        .list(resource, Some("default"))
        .iter()
        .map(|o| {
            o["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    v.sort();
    v
}

/// A compose project in a scratch directory (deploy writes `.b00t/k8s/` there).
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    tmp
}

const SHOP: &str = r#"
name: shop
services:
  web:
    image: nginx:1.25
    ports: ["8080:80"]
    environment:
      API_KEY: k-1
    configs: [site]
    depends_on: [db]
  db:
    image: postgres:16
    volumes: ["data:/var/lib/postgresql/data"]
volumes:
  data: {}
configs:
  site:
    content: "server {}"
"#;

#[test]
fn deploy_from_compose_applies_waits_and_writes_the_manifests() {
    let c = FakeCluster::start();
    let tmp = project(&[("compose.yaml", SHOP)]);
    let r = deploy(
        &c,
        tmp.path(),
        &["--from-compose", "compose.yaml", "--timeout", "30s"],
    );
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("warning: web: depends_on: db"),
        "{}",
        r.stderr
    );
    assert_eq!(names(&c, "deployments"), ["db", "web"]);
    assert_eq!(
        names(&c, "services")
            .into_iter()
            .filter(|n| n != "kubernetes")
            .collect::<Vec<_>>(),
        ["db", "web"],
        "db publishes no port: a headless Service makes it reachable by name"
    );
    let db = c.get("services", "default", "db").unwrap();
    assert_eq!(db["spec"]["clusterIP"], "None");
    assert!(db["spec"]["ports"].is_null(), "{db}");
    assert_eq!(names(&c, "persistentvolumeclaims"), ["data"]);
    assert_eq!(
        names(&c, "configmaps")
            .into_iter()
            .filter(|n| n == "site")
            .count(),
        1
    );
    assert!(names(&c, "secrets").contains(&"web-env".to_string()));
    let web = c.get("deployments", "default", "web").unwrap();
    let l = &web["metadata"]["labels"];
    assert_eq!(l["app.kubernetes.io/managed-by"], "b00t");
    assert_eq!(l["app.kubernetes.io/component"], "app");
    assert_eq!(l["app.kubernetes.io/name"], "shop");
    assert_eq!(l["app.kubernetes.io/part-of"], "shop");
    assert_eq!(l["app.kubernetes.io/instance"], "web");
    assert!(
        r.stderr.contains("web is ready") && r.stderr.contains("db is ready"),
        "{}",
        r.stderr
    );
    let written =
        std::fs::read_to_string(tmp.path().join(".b00t/k8s/shop-resources.yaml")).unwrap();
    // ConfigMap site, PVC data, Service db (headless), Deployment db, Secret web-env,
    // Service web, Deployment web.
    assert_eq!(
        written.lines().filter(|l| l.starts_with("kind: ")).count(),
        7,
        "{written}"
    );
    assert!(
        !written.contains("k-1"),
        "secret values are base64 in the Secret only"
    );

    // Deploying again changes nothing, the annotated Deployments included.
    let spec_before = c.get("deployments", "default", "web").unwrap()["spec"].clone();
    let again = deploy(
        &c,
        tmp.path(),
        &["--from-compose", "compose.yaml", "--no-wait"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stdout
            .lines()
            .filter(|l| l.starts_with("deployment.apps/"))
            .count()
            == 2
            && again.stdout.lines().all(|l| l.ends_with(" unchanged")),
        "{}",
        again.stdout
    );
    assert_eq!(
        c.get("deployments", "default", "web").unwrap()["spec"],
        spec_before
    );

    // `delete <project> --purge` removes everything of the project, its claims too.
    let mut args = vec![
        "--kubeconfig",
        c.kubeconfig_path().to_str().unwrap(),
        "k8s",
        "delete",
        "shop",
    ];
    args.push("--wait");
    args.push("--purge");
    let del = b00t_in(tmp.path(), &args);
    assert_eq!(del.code, 0, "{}\n{}", del.stdout, del.stderr);
    assert!(names(&c, "deployments").is_empty());
    assert!(names(&c, "persistentvolumeclaims").is_empty());
    assert!(names(&c, "services").iter().all(|n| n == "kubernetes"));
    assert!(!names(&c, "secrets").contains(&"web-env".to_string()));
}

#[test]
fn deploy_dry_run_client_changes_nothing() {
    let c = FakeCluster::start();
    let tmp = project(&[("compose.yaml", SHOP)]);
    let r = deploy(
        &c,
        tmp.path(),
        &["--from-compose", "compose.yaml", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("kind: Deployment"));
    assert!(names(&c, "deployments").is_empty());
    assert!(!tmp.path().join(".b00t").exists());
    let s = deploy(
        &c,
        tmp.path(),
        &["--from-compose", "compose.yaml", "--dry-run=server"],
    );
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(names(&c, "deployments").is_empty());
}

#[test]
fn deploy_an_image_and_from_stdin() {
    let c = FakeCluster::start();
    let tmp = project(&[]);
    let r = deploy(
        &c,
        tmp.path(),
        &[
            "--image",
            "nginx:1.25",
            "--env",
            "API_TOKEN=t",
            "--env",
            "MODE=x",
            "--no-wait",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&c, "deployments"), ["nginx"]);
    let d = c.get("deployments", "default", "nginx").unwrap();
    let env = &d["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(env[0]["name"], "API_TOKEN");
    assert!(env[0]["valueFrom"]["secretKeyRef"].is_object());
    assert_eq!(env[1]["value"], "x");
    assert!(tmp.path().join(".b00t/k8s/nginx-resources.yaml").exists());

    let mut cmd = bin();
    cmd.current_dir(tmp.path()).args([
        "--kubeconfig",
        c.kubeconfig_path().to_str().unwrap(),
        "k8s",
        "deploy",
        "--from-stdin",
        "--name",
        "piped",
        "--no-wait",
    ]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"services:\n  echo:\n    image: hashicorp/http-echo:1.0\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(names(&c, "deployments"), ["echo", "nginx"]);
    let echo = c.get("deployments", "default", "echo").unwrap();
    assert_eq!(
        echo["metadata"]["labels"]["app.kubernetes.io/name"],
        "piped"
    );
}

#[test]
fn deploy_env_names_the_api_server_rejects_are_usage_errors() {
    let c = FakeCluster::start();
    let tmp = project(&[]);
    for bad in ["1=x", "DEBUG =1", "A B=c"] {
        let r = deploy(&c, tmp.path(), &["--image", "nginx:1.25", "--env", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(
            r.stderr.contains("invalid variable name"),
            "{bad}: {}",
            r.stderr
        );
    }
    assert!(c.requests().is_empty(), "no request for a bad input");
}

#[test]
fn deploy_bad_input_is_a_usage_error_before_any_request() {
    let c = FakeCluster::start();
    let tmp = project(&[(
        "compose.yaml",
        "services:\n  a:\n    image: x\n    bogus: 1\n",
    )]);
    let r = deploy(&c, tmp.path(), &["--from-compose", "compose.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("compose.yaml:4:5"), "{}", r.stderr);
    assert!(c.requests().is_empty(), "no request for a bad input");
}

const STORE: &str = r#"
name: store
services:
  db:
    image: postgres:16
    ports: ["5432"]
    deploy:
      replicas: 2
    volumes: ["data:/var/lib/postgresql/data"]
    labels:
      kompose.controller.type: statefulset
      kompose.volume.size: 2Gi
  web:
    image: nginx:1.25
    ports: ["8080:80"]
    deploy:
      resources:
        reservations: {cpus: "0.1", memory: 64M}
    labels:
      kompose.hpa.replicas.min: 2
      kompose.hpa.replicas.max: 4
      kompose.hpa.cpu: 75
  backup:
    image: busybox:1.36
    command: ["sh", "-c", "echo backup"]
    restart: "no"
    labels:
      kompose.cronjob.schedule: "0 3 * * *"
      kompose.cronjob.concurrency_policy: Forbid
volumes:
  data: {}
"#;

/// kompose's StatefulSet, HPA and CronJob labels deployed against the fake API server: the
/// StatefulSet's pods and per-pod claims are made and waited for, the CronJob is reported
/// scheduled, `list`/`status` show both, and `delete` removes every object of the project.
#[test]
fn deploy_statefulset_cronjob_and_autoscaler_from_compose() {
    let c = FakeCluster::start();
    let tmp = project(&[("compose.yaml", STORE)]);
    let r = deploy(
        &c,
        tmp.path(),
        &["--from-compose", "compose.yaml", "--timeout", "60s"],
    );
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    for line in [
        "statefulset.apps/db created",
        "cronjob.batch/backup created",
        "horizontalpodautoscaler.autoscaling/web created",
    ] {
        assert!(r.stdout.contains(line), "{line}:\n{}", r.stdout);
    }
    assert!(r.stderr.contains("db is ready"), "{}", r.stderr);
    assert!(
        r.stderr.contains("backup is scheduled (CronJob)"),
        "{}",
        r.stderr
    );

    // The StatefulSet: two ordered pods with stable names, one claim each, all ready.
    assert_eq!(names(&c, "statefulsets"), ["db"]);
    let sts = c.get("statefulsets", "default", "db").unwrap();
    assert_eq!(sts["spec"]["serviceName"], "db");
    assert_eq!(sts["status"]["readyReplicas"], 2, "{sts}");
    assert_eq!(
        sts["status"]["currentRevision"],
        sts["status"]["updateRevision"]
    );
    let pods: Vec<String> = names(&c, "pods")
        .into_iter()
        .filter(|n| n.starts_with("db-"))
        .collect();
    assert_eq!(pods, ["db-0", "db-1"]);
    let db0 = c.get("pods", "default", "db-0").unwrap();
    assert_eq!(db0["spec"]["hostname"], "db-0");
    assert_eq!(db0["spec"]["subdomain"], "db");
    assert!(
        db0["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "data" && v["persistentVolumeClaim"]["claimName"] == "data-db-0"),
        "{db0}"
    );
    assert_eq!(
        names(&c, "persistentvolumeclaims"),
        ["data-db-0", "data-db-1"],
        "one claim per pod from the template, none shared"
    );
    let claim = c
        .get("persistentvolumeclaims", "default", "data-db-1")
        .unwrap();
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "2Gi");
    let svc = c.get("services", "default", "db").unwrap();
    assert_eq!(svc["spec"]["clusterIP"], "None", "{svc}");

    // The autoscaled Deployment.
    let hpa = c.get("horizontalpodautoscalers", "default", "web").unwrap();
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["maxReplicas"], 4);
    assert_eq!(hpa["spec"]["scaleTargetRef"]["kind"], "Deployment");
    assert_eq!(
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        75
    );
    // b00t applies no replicas; the autoscaler raises the API server's default 1 to its
    // minimum, as the real controller does even without metrics.
    let web = c.get("deployments", "default", "web").unwrap();
    assert_eq!(web["spec"]["replicas"], 2, "{web}");
    let owner = web["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["fieldsV1"]["f:spec"]["f:replicas"].is_object())
        .unwrap();
    assert_ne!(
        owner["manager"], "b00t",
        "b00t does not own replicas: {web}"
    );

    // The CronJob: schedule and policy, job pods that restart Never.
    let cj = c.get("cronjobs", "default", "backup").unwrap();
    assert_eq!(cj["spec"]["schedule"], "0 3 * * *");
    assert_eq!(cj["spec"]["concurrencyPolicy"], "Forbid");
    assert_eq!(
        cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"],
        "Never"
    );

    // list and status know both kinds.
    let kc = c.kubeconfig_path();
    let kc = kc.to_str().unwrap();
    let l = b00t_in(tmp.path(), &["--kubeconfig", kc, "k8s", "list", "--json"]);
    assert_eq!(l.code, 0, "{}", l.stderr);
    let rows: Value = serde_json::from_str(&l.stdout).unwrap();
    let row = |n: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == n)
            .unwrap_or_else(|| panic!("{n} in {rows:#}"))
            .clone()
    };
    let db = row("db");
    assert_eq!(
        (
            db["kind"].as_str(),
            db["status"].as_str(),
            db["ready"].as_str()
        ),
        (Some("StatefulSet"), Some("Running"), Some("2/2")),
        "{db}"
    );
    let backup = row("backup");
    assert_eq!(
        (backup["kind"].as_str(), backup["status"].as_str()),
        (Some("CronJob"), Some("Scheduled")),
        "{backup}"
    );
    assert_eq!(backup["image"], "busybox:1.36");
    for name in ["db", "backup", "statefulset/db", "cronjob/backup"] {
        let s = b00t_in(
            tmp.path(),
            &["--kubeconfig", kc, "k8s", "status", name, "--json"],
        );
        assert_eq!(s.code, 0, "status {name}: {}\n{}", s.stdout, s.stderr);
        let doc: Value = serde_json::from_str(&s.stdout).unwrap();
        assert_eq!(doc["healthy"], true, "{doc}");
    }

    // delete <project> removes the StatefulSet, its pods, the CronJob and the HPA too.
    let del = b00t_in(
        tmp.path(),
        &["--kubeconfig", kc, "k8s", "delete", "store", "--wait"],
    );
    assert_eq!(del.code, 0, "{}\n{}", del.stdout, del.stderr);
    for plural in [
        "statefulsets",
        "cronjobs",
        "horizontalpodautoscalers",
        "deployments",
    ] {
        assert!(
            names(&c, plural).is_empty(),
            "{plural}: {:?}",
            names(&c, plural)
        );
    }
    assert!(
        names(&c, "pods").iter().all(|n| !n.starts_with("db-")),
        "{:?}",
        names(&c, "pods")
    );
}

/// Waiting for a StatefulSet stops early when its first pod crash-loops (the next ordinal is
/// never made), naming the pod, the reason and its last log lines; exit 1.
#[test]
fn deploy_reports_a_crash_looping_statefulset() {
    use crate::support::{Behavior, Matcher};
    let c = FakeCluster::start();
    c.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 2,
            logs: vec!["FATAL: data directory has wrong ownership".into()],
        },
    );
    let tmp = project(&[(
        "compose.yaml",
        "name: store\nservices:\n  db:\n    image: app/crashy:1\n    deploy: {replicas: 3}\n    labels: {kompose.controller.type: statefulset}\n",
    )]);
    let start = std::time::Instant::now();
    let r = deploy(
        &c,
        tmp.path(),
        &["--from-compose", "compose.yaml", "--timeout", "60s"],
    );
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "stopped early, not at the timeout"
    );
    assert!(r.stderr.contains("pod db-0"), "{}", r.stderr);
    assert!(r.stderr.contains("CrashLoopBackOff"), "{}", r.stderr);
    assert!(
        r.stderr.contains("data directory has wrong ownership"),
        "{}",
        r.stderr
    );
    assert!(
        c.get("pods", "default", "db-1").is_none(),
        "OrderedReady: no db-1 while db-0 is not ready"
    );
}
