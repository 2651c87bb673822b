//! Tests of datum loading, lookup and datum → workload, against `fixtures/datums/`.

use std::path::{Path, PathBuf};

use super::*;
use crate::error::{Classify, Exit};
use crate::workload::{EnvVar, Port, ProbeAction, Protocol, Workload};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/datums")
}

fn fixture(name: &str) -> Datum {
    load(&fixtures().join(format!("{name}.mcp.toml"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Parse a file under `fixtures/datums/bad/` with its repository-relative path, return the error.
fn bad(name: &str) -> (String, Exit) {
    let rel = format!("fixtures/datums/bad/{name}.mcp.toml");
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel)).unwrap();
    match Datum::parse(Path::new(&rel), &src) {
        Ok(d) => panic!("{name} loaded: {d:?}"),
        Err(e) => (e.to_string(), e.exit()),
    }
}

fn opts() -> DeployOptions {
    DeployOptions::default()
        .with_env_vars([("GITHUB_TOKEN", "ghp_test"), ("BRAVE_API_KEY", "bsa_test")])
}

fn deploy(name: &str) -> Workload {
    to_workload(&fixture(name), &opts()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn env_of(w: &Workload) -> Vec<(String, String, bool)> {
    w.containers[0]
        .env
        .iter()
        .map(|e| (e.name.clone(), e.value.clone(), e.secret))
        .collect()
}

fn env(name: &str, value: &str, secret: bool) -> (String, String, bool) {
    (name.to_string(), value.to_string(), secret)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn datum(src: &str) -> Datum {
    Datum::parse(Path::new("inline.mcp.toml"), src).unwrap_or_else(|e| panic!("{e}"))
}

fn err(d: &Datum, o: &DeployOptions) -> (String, Exit) {
    let e = to_workload(d, o).unwrap_err();
    (e.to_string(), e.exit())
}

// ---------------------------------------------------------------------------------------------
// Both forms

#[test]
fn the_quick_start_server_is_a_stdio_mcp_server() {
    // README's quick start deploys it and ends with `k8s probe`: it must be a stdio server
    // (stdin attached, no port) run by npx in the Node image, pinned to one version.
    let w = deploy("everything");
    assert_eq!(w.name, "everything-mcp");
    let c = &w.containers[0];
    assert_eq!(c.image, "node:24-alpine");
    assert_eq!(c.command, Some(strings(&["npx"])));
    let args = c.args.clone().unwrap();
    assert!(
        args.iter()
            .any(|a| a.starts_with("@modelcontextprotocol/server-everything@")),
        "{args:?}"
    );
    assert!(c.stdin);
    assert!(c.ports.is_empty());
}

#[test]
fn legacy_form_loads_and_deploys() {
    let d = fixture("filesystem");
    assert_eq!(d.name, "filesystem");
    assert_eq!(d.hint.as_deref(), Some("File system access MCP server"));
    assert_eq!(d.stdio.len(), 1);
    assert_eq!(d.stdio[0].command, "npx");
    assert_eq!(d.stdio[0].key, "b00t");
    assert_eq!(d.stdio[0].at, Location { line: 5, col: 11 });
    assert!(d.httpstream.is_empty());

    let w = deploy("filesystem");
    assert_eq!(w.name, "filesystem-mcp");
    assert_eq!(w.app, "filesystem");
    assert_eq!(w.component, crate::workload::Component::McpServer);
    assert_eq!(w.controller, crate::workload::Controller::Deployment);
    assert_eq!(w.replicas, Some(1));
    assert_eq!(w.containers.len(), 1);
    let c = &w.containers[0];
    assert_eq!(c.name, "filesystem");
    assert_eq!(c.image, "node:24-alpine");
    assert_eq!(c.command, Some(strings(&["npx"])));
    assert_eq!(
        c.args,
        Some(strings(&[
            "-y",
            "@modelcontextprotocol/server-filesystem",
            "/tmp"
        ]))
    );
    // HOME=/tmp for the read-only root is the renderer's business, not the datum's.
    assert_eq!(env_of(&w), [env("FILESYSTEM_ROOT", "/tmp", false)]);
    assert!(c.stdin);
    assert!(!c.tty);
    assert!(c.ports.is_empty());
    assert!(c.readiness.is_none());
    assert_eq!(w.service_ports().count(), 0);
    assert_eq!(
        w.source.as_deref(),
        Some(fixtures().join("filesystem.mcp.toml").to_str().unwrap())
    );
    assert_eq!(w.service_account, None);
    assert!(!w.automount_service_account_token);
    assert_eq!(w.pod_security.run_as_user, Some(1000));
    assert_eq!(w.pod_security.run_as_group, Some(1000));
    assert_eq!(w.pod_security.fs_group, Some(1000));
    assert_eq!(w.pod_security.run_as_non_root, Some(true));
    assert!(w.pod_security.restricted);
}

#[test]
fn current_form_loads_with_method_env_winning() {
    let d = fixture("github");
    assert_eq!(d.stdio.len(), 1);
    assert_eq!(d.stdio[0].key, "b00t.mcp.stdio[0]");
    assert_eq!(d.stdio[0].priority, 0);
    assert_eq!(d.httpstream.len(), 1);
    assert_eq!(d.httpstream[0].url, "https://api.githubcopilot.com/mcp/");
    assert_eq!(d.httpstream[0].priority, 10);
    assert!(!d.is_remote_only());

    let w = deploy("github");
    assert_eq!(w.name, "github-mcp");
    let c = &w.containers[0];
    assert_eq!(c.image, "node:24-alpine");
    assert_eq!(
        c.args,
        Some(strings(&["-y", "@modelcontextprotocol/server-github"]))
    );
    assert_eq!(
        env_of(&w),
        [
            env("GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_test", true),
            // [b00t.env] says "repos,issues,pull_requests"; the method's env wins.
            env("GITHUB_TOOLSETS", "repos,issues", false),
        ]
    );
}

#[test]
fn stdio_as_a_table_and_httpstream_as_an_array() {
    let d = datum(
        r#"
[b00t]
name = "x"
[b00t.mcp.stdio]
command = "uvx"
args = ["a"]
[[b00t.mcp.httpstream]]
url = "https://b.example/mcp"
priority = 3
[[b00t.mcp.httpstream]]
url = "https://a.example/mcp"
priority = 1
"#,
    );
    assert_eq!(d.stdio.len(), 1);
    assert_eq!(d.stdio[0].key, "b00t.mcp.stdio");
    assert_eq!(
        d.httpstream.iter().map(|h| h.priority).collect::<Vec<_>>(),
        [3, 1]
    );
    assert_eq!(d.httpstream[1].key, "b00t.mcp.httpstream[1]");
    // `type` is optional; the name comes from b00t.name.
    assert_eq!(to_workload(&d, &opts()).unwrap().name, "x-mcp");
}

#[test]
fn name_defaults_to_the_file_name() {
    let d = Datum::parse(
        Path::new("/d/My_Server.mcp.toml"),
        "[b00t]\ncommand = \"npx\"\n",
    )
    .unwrap();
    assert_eq!(d.name, "My_Server");
    let w = to_workload(&d, &opts()).unwrap();
    assert_eq!(
        (w.name.as_str(), w.app.as_str()),
        ("my-server-mcp", "my-server")
    );
    assert_eq!(w.containers[0].command, Some(strings(&["npx"])));
    assert_eq!(w.containers[0].args, None);
}

#[test]
fn long_names_still_fit_a_label_with_the_suffix() {
    let d = datum(&format!(
        "[b00t]\nname = \"{}\"\ncommand = \"npx\"\n",
        "a".repeat(70)
    ));
    let w = to_workload(&d, &opts()).unwrap();
    assert_eq!(w.name.len(), 63);
    assert!(w.name.ends_with("-mcp"));
    assert_eq!(w.app.len(), 59);
}

#[test]
fn every_top_level_fixture_loads() {
    let entries = list(&[fixtures()]).unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "brave-search",
            "echo",
            "everything",
            "fetch-docker",
            "filesystem",
            "github",
            "github-docker",
            "remote-only",
            "sqlite",
            "time"
        ]
    );
    for e in &entries {
        let d = e.load().unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(d.name, e.name, "datum name matches its file name");
        assert!(d.hint.is_some(), "{} has a hint", e.name);
    }
}

// ---------------------------------------------------------------------------------------------
// Method selection

const METHODS: &str = r#"
[b00t]
name = "multi"
type = "mcp"

[[b00t.mcp.stdio]]
command = "uvx"
args = ["slow"]
priority = 10

[[b00t.mcp.stdio]]
command = "/opt/bin/custom-server"
args = ["--stdio"]
priority = 0

[[b00t.mcp.stdio]]
command = "npx"
args = ["-y", "first-tie"]
priority = 5

[[b00t.mcp.stdio]]
command = "python3"
args = ["-m", "second_tie"]
priority = 5

[b00t.mcp.httpstream]
url = "https://multi.example/mcp"
priority = -1
"#;

#[test]
fn lowest_priority_method_with_a_known_image_wins() {
    let d = datum(METHODS);
    assert_eq!(
        d.stdio_by_priority()
            .iter()
            .map(|m| m.command.as_str())
            .collect::<Vec<_>>(),
        ["/opt/bin/custom-server", "npx", "python3", "uvx"]
    );
    // custom-server (priority 0) has no image; of the two priority-5 methods the first wins.
    // The httpstream method (priority -1) is remote and never deployed.
    let w = to_workload(&d, &opts()).unwrap();
    let c = &w.containers[0];
    assert_eq!(c.image, "node:24-alpine");
    assert_eq!(c.args, Some(strings(&["-y", "first-tie"])));
}

#[test]
fn an_explicit_image_makes_the_best_method_deployable() {
    let d = datum(METHODS);
    let w = to_workload(
        &d,
        &DeployOptions {
            image: Some("registry.local/custom:2".into()),
            ..opts()
        },
    )
    .unwrap();
    let c = &w.containers[0];
    assert_eq!(c.image, "registry.local/custom:2");
    assert_eq!(c.command, Some(strings(&["/opt/bin/custom-server"])));
    assert_eq!(c.args, Some(strings(&["--stdio"])));
    assert!(env_of(&w).is_empty());

    // The datum's own image does the same, and --image still wins over it.
    let with_image = format!("{METHODS}\n[b00t.k8s]\nimage = \"registry.local/custom:1\"\n");
    let d = datum(&with_image);
    assert_eq!(
        to_workload(&d, &opts()).unwrap().containers[0].image,
        "registry.local/custom:1"
    );
    let w = to_workload(
        &d,
        &DeployOptions {
            image: Some("cli:3".into()),
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(w.containers[0].image, "cli:3");
}

#[test]
fn stdio_methods_without_a_known_image_are_an_error() {
    let d = datum(
        r#"
[b00t]
name = "custom"
[[b00t.mcp.stdio]]
command = "/opt/bin/custom-server"
[[b00t.mcp.stdio]]
command = "node"
args = ["server.js"]
priority = 1
"#,
    );
    assert_eq!(
        err(&d, &opts()),
        (
            "no container image known for mcp server custom (command /opt/bin/custom-server, node): set [b00t.k8s] image in inline.mcp.toml or pass --image"
                .to_string(),
            Exit::Usage
        )
    );
    // A user-config entry for the command makes it known.
    let mut o = opts();
    o.config.images.insert("node".into(), "node:24-slim".into());
    let w = to_workload(&d, &o).unwrap();
    assert_eq!(w.containers[0].image, "node:24-slim");
    assert_eq!(w.containers[0].args, Some(strings(&["server.js"])));
}

#[test]
fn remote_only_datum_is_an_error_showing_its_url() {
    let d = fixture("remote-only");
    assert!(d.is_remote_only());
    assert_eq!(
        err(&d, &opts()),
        (
            "mcp server remote-only is remote only: it is served at https://mcp.example.com/mcp (httpstream) and has no command to run; connect to that url instead of deploying it"
                .to_string(),
            Exit::Usage
        )
    );
    // --image does not turn a remote server into a local one.
    let (msg, _) = err(
        &d,
        &DeployOptions {
            image: Some("x:1".into()),
            ..opts()
        },
    );
    assert!(
        msg.starts_with("mcp server remote-only is remote only"),
        "{msg}"
    );
}

#[test]
fn datum_without_any_method_is_an_error() {
    let d = datum("[b00t]\nname = \"empty\"\nhint = \"nothing\"\n");
    assert_eq!(
        err(&d, &opts()).0,
        "inline.mcp.toml: mcp server empty has no command, no [[b00t.mcp.stdio]] method, no [b00t.mcp.httpstream] method and no [b00t.k8s] image"
    );
}

// ---------------------------------------------------------------------------------------------
// Images

#[test]
fn image_defaults_per_command() {
    assert_eq!(deploy("brave-search").containers[0].image, "node:24-alpine");
    let w = deploy("time");
    let c = &w.containers[0];
    assert_eq!(c.image, "ghcr.io/astral-sh/uv:python3.12-alpine");
    assert_eq!(c.command, Some(strings(&["uvx"])));
    assert_eq!(
        c.args,
        Some(strings(&["mcp-server-time", "--local-timezone=UTC"]))
    );
    let d = datum("[b00t]\nname = \"py\"\ncommand = \"python\"\nargs = [\"-m\", \"srv\"]\n");
    assert_eq!(
        to_workload(&d, &opts()).unwrap().containers[0].image,
        "python:3.12-slim"
    );
}

#[test]
fn user_config_overrides_defaults_and_flag_overrides_all() {
    let config = UserConfig::load(&fixtures().join("config/config.toml")).unwrap();
    let o = DeployOptions { config, ..opts() };
    let d = fixture("filesystem");
    assert_eq!(
        to_workload(&d, &o).unwrap().containers[0].image,
        "node:22-alpine"
    );
    assert_eq!(
        to_workload(&fixture("time"), &o).unwrap().containers[0].image,
        "registry.local/uv:latest"
    );
    let o = DeployOptions {
        image: Some("my/node:1".into()),
        ..o
    };
    assert_eq!(
        to_workload(&d, &o).unwrap().containers[0].image,
        "my/node:1"
    );
}

#[test]
fn listening_server_with_its_own_image() {
    let w = deploy("echo");
    assert_eq!(w.name, "echo-mcp");
    let c = &w.containers[0];
    assert_eq!(c.image, "hashicorp/http-echo:1.0");
    assert_eq!(c.command, None);
    assert_eq!(
        c.args,
        Some(strings(&["-listen=:5678", "-text=hello from b00t"]))
    );
    assert!(!c.stdin, "a listening server is not stdio-attached");
    assert_eq!(
        c.ports,
        [Port {
            container_port: 5678,
            protocol: Protocol::Tcp,
            name: Some("mcp".into()),
            service_port: Some(5678)
        }]
    );
    assert_eq!(
        c.readiness.as_ref().map(|p| &p.action),
        Some(&ProbeAction::Tcp { port: 5678 })
    );
    assert_eq!(w.service_ports().count(), 1);
    assert_eq!(c.resources.requests_cpu.as_deref(), Some("10m"));
    assert_eq!(c.resources.limits_memory.as_deref(), Some("64Mi"));
    let w = to_workload(
        &fixture("echo"),
        &DeployOptions {
            image: Some("local/echo:dev".into()),
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(w.containers[0].image, "local/echo:dev");
}

// ---------------------------------------------------------------------------------------------
// docker run datums

#[test]
fn docker_run_datum_runs_the_image_with_its_args() {
    let w = deploy("fetch-docker");
    let c = &w.containers[0];
    assert_eq!(c.image, "mcp/fetch");
    // The image's entrypoint is kept: only args.
    assert_eq!(c.command, None);
    assert_eq!(c.args, Some(strings(&["--ignore-robots-txt"])));
    assert_eq!(env_of(&w), [env("PYTHONUNBUFFERED", "1", false)]);
    assert!(c.stdin);
}

#[test]
fn docker_run_env_without_value_takes_the_datum_env() {
    let w = deploy("github-docker");
    let c = &w.containers[0];
    assert_eq!(c.image, "ghcr.io/github/github-mcp-server");
    assert_eq!(c.args, Some(strings(&["stdio", "--read-only"])));
    assert_eq!(
        env_of(&w),
        [
            env("GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_test", true),
            env("GITHUB_TOOLSETS", "repos,issues", false)
        ]
    );
}

#[test]
fn docker_run_env_without_value_falls_back_to_the_caller_env() {
    let src = r#"
[b00t]
name = "d"
[[b00t.mcp.stdio]]
command = "docker"
args = ["run", "-i", "--rm", "-e", "API_TOKEN", "-e", "UNSET_VAR", "--entrypoint", "/srv", "-w", "/work", "img:${TAG:-1}", "--flag"]
"#;
    let d = datum(src);
    let w = to_workload(
        &d,
        &DeployOptions::default().with_env_vars([("API_TOKEN", "t0k"), ("TAG", "2")]),
    )
    .unwrap();
    let c = &w.containers[0];
    assert_eq!(c.image, "img:2");
    assert_eq!(c.command, Some(strings(&["/srv"])));
    assert_eq!(c.args, Some(strings(&["--flag"])));
    assert_eq!(c.working_dir.as_deref(), Some("/work"));
    // UNSET_VAR is skipped, as docker run skips it.
    assert_eq!(env_of(&w), [env("API_TOKEN", "t0k", true)]);
    // [b00t.k8s] image replaces the docker image but keeps its args.
    let d = datum(&format!(
        "{src}\n[b00t.k8s]\nimage = \"mirror.local/img:2\"\n"
    ));
    let w = to_workload(&d, &opts()).unwrap();
    assert_eq!(w.containers[0].image, "mirror.local/img:2");
    assert_eq!(w.containers[0].args, Some(strings(&["--flag"])));
}

#[test]
fn docker_run_errors_name_the_datum_key() {
    let d = datum(
        "[b00t]\nname = \"d\"\n[[b00t.mcp.stdio]]\ncommand = \"docker\"\nargs = [\"run\", \"-i\", \"--rm\"]\n",
    );
    assert_eq!(
        err(&d, &opts()),
        (
            "inline.mcp.toml: b00t.mcp.stdio[0].args: docker run names no image".to_string(),
            Exit::Usage
        )
    );
    let d =
        datum("[b00t]\nname = \"d\"\ncommand = \"podman\"\nargs = [\"run\", \"--bogus\", \"x\"]\n");
    assert_eq!(
        err(&d, &opts()).0,
        "inline.mcp.toml: b00t.args: unknown docker run flag --bogus"
    );
}

// ---------------------------------------------------------------------------------------------
// Interpolation

#[test]
fn interpolation_set_default_and_dollar() {
    let d = datum(
        r#"
[b00t]
name = "i"
command = "npx"
args = ["--price=$$5", "--region=${REGION:-eu}", "--user=${USER_NAME}"]
[b00t.env]
URL = "https://${HOST}:${PORT:-443}/x"
"#,
    );
    let o = DeployOptions::default().with_env_vars([("HOST", "h.example"), ("USER_NAME", "me")]);
    let w = to_workload(&d, &o).unwrap();
    assert_eq!(
        w.containers[0].args,
        Some(strings(&["--price=$5", "--region=eu", "--user=me"]))
    );
    assert_eq!(env_of(&w)[0], env("URL", "https://h.example:443/x", false));
    let o = DeployOptions::default().with_env_vars([
        ("HOST", "h"),
        ("USER_NAME", "me"),
        ("REGION", "us"),
        ("PORT", "8443"),
    ]);
    let w = to_workload(&d, &o).unwrap();
    assert_eq!(w.containers[0].args.as_ref().unwrap()[1], "--region=us");
    assert_eq!(env_of(&w)[0].1, "https://h:8443/x");
}

#[test]
fn unset_variable_names_the_variable_and_the_key() {
    let (msg, exit) = err(
        &fixture("github"),
        &DeployOptions::default().with_env_vars([("X", "1")]),
    );
    assert_eq!(
        msg,
        format!(
            "{}: b00t.mcp.stdio[0].env.GITHUB_PERSONAL_ACCESS_TOKEN: environment variable GITHUB_TOKEN is not set and has no default",
            fixtures().join("github.mcp.toml").display()
        )
    );
    assert_eq!(exit, Exit::Usage);
    let d = datum("[b00t]\nname = \"i\"\ncommand = \"npx\"\nargs = [\"a\", \"${NOPE}\"]\n");
    assert_eq!(
        err(&d, &opts()).0,
        "inline.mcp.toml: b00t.args[1]: environment variable NOPE is not set and has no default"
    );
}

#[test]
fn extra_env_wins_and_is_not_interpolated() {
    let o = DeployOptions {
        extra_env: vec![
            ("GITHUB_TOOLSETS".into(), "all".into()),
            ("RAW".into(), "${NOT_EXPANDED}".into()),
        ],
        ..opts()
    };
    let w = to_workload(&fixture("github"), &o).unwrap();
    let e = env_of(&w);
    assert!(e.contains(&env("GITHUB_TOOLSETS", "all", false)), "{e:?}");
    assert!(e.contains(&env("RAW", "${NOT_EXPANDED}", false)), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// [b00t.k8s], secrets, resources

#[test]
fn secret_looking_env_becomes_secret() {
    let w = deploy("brave-search");
    assert_eq!(
        w.containers[0].env,
        [EnvVar::new("BRAVE_API_KEY", "bsa_test")]
    );
    assert!(w.containers[0].env[0].secret);
}

#[test]
fn resources_default_when_the_datum_sets_none() {
    let r = &deploy("filesystem").containers[0].resources;
    assert_eq!(r.requests_cpu.as_deref(), Some("100m"));
    assert_eq!(r.requests_memory.as_deref(), Some("128Mi"));
    assert_eq!(r.limits_cpu.as_deref(), Some("500m"));
    assert_eq!(r.limits_memory.as_deref(), Some("512Mi"));
}

#[test]
fn every_k8s_setting() {
    let d = fixture("sqlite");
    assert_eq!(d.namespace(), Some("mcp"));
    let w = to_workload(
        &d,
        &DeployOptions::default().with_env_vars([("SQLITE_PASSWORD", "s3cret")]),
    )
    .unwrap();
    assert_eq!(w.replicas, Some(2));
    assert_eq!(w.service_account.as_deref(), Some("sqlite-reader"));
    assert!(w.automount_service_account_token);
    assert_eq!(
        (
            w.pod_security.run_as_user,
            w.pod_security.run_as_group,
            w.pod_security.fs_group
        ),
        (Some(2000), Some(2000), Some(2000))
    );
    let c = &w.containers[0];
    // Partly set: the rest keeps the defaults; a TOML number is a quantity too.
    assert_eq!(
        (
            c.resources.requests_cpu.as_deref(),
            c.resources.requests_memory.as_deref()
        ),
        (Some("0.25"), Some("256Mi"))
    );
    assert_eq!(
        (
            c.resources.limits_cpu.as_deref(),
            c.resources.limits_memory.as_deref()
        ),
        (Some("500m"), Some("1Gi"))
    );
    assert_eq!(
        c.args,
        Some(strings(&[
            "mcp-server-sqlite",
            "--db-path",
            "/tmp/b00t.sqlite"
        ]))
    );
    assert_eq!(
        env_of(&w),
        [
            env("DB_PASSWORD", "s3cret", true),
            env("DB_PATH", "/tmp/b00t.sqlite", false),
            // [b00t.k8s.env] wins over [b00t.env].
            env("LOG_LEVEL", "debug", false),
        ]
    );
    // --replicas wins over the datum, 0 included.
    let w = to_workload(
        &d,
        &DeployOptions {
            replicas: Some(0),
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(w.replicas, Some(0));
    let (msg, exit) = err(
        &d,
        &DeployOptions {
            replicas: Some(-2),
            ..opts()
        },
    );
    assert_eq!(
        (msg.as_str(), exit),
        ("--replicas: must be 0 or more, found -2", Exit::Usage)
    );
    let (msg, _) = err(
        &d,
        &DeployOptions {
            image: Some(" ".into()),
            ..opts()
        },
    );
    assert_eq!(msg, "--image: expected an image reference, found \" \"");
}

#[test]
fn run_as_group_defaults_to_the_user_and_can_be_set() {
    let d = datum(
        "[b00t]\nname = \"g\"\ncommand = \"npx\"\n[b00t.k8s]\nrun_as_user = 1234\nrun_as_group = 0\n",
    );
    let w = to_workload(&d, &opts()).unwrap();
    assert_eq!(
        (
            w.pod_security.run_as_user,
            w.pod_security.run_as_group,
            w.pod_security.fs_group
        ),
        (Some(1234), Some(0), Some(0))
    );
}

#[test]
fn k8s_command_and_args_override_the_method() {
    let d = datum(
        "[b00t]\nname = \"o\"\ncommand = \"npx\"\nargs = [\"-y\", \"pkg\"]\n[b00t.k8s]\ncommand = [\"node\", \"/app/${ENTRY:-main}.js\"]\nargs = []\n",
    );
    let w = to_workload(&d, &opts()).unwrap();
    assert_eq!(
        w.containers[0].command,
        Some(strings(&["node", "/app/main.js"]))
    );
    assert_eq!(w.containers[0].args, Some(vec![]));
}

// ---------------------------------------------------------------------------------------------
// Bad datums: exact file:line:col

#[test]
fn syntax_error_position() {
    assert_eq!(
        bad("syntax"),
        (
            "fixtures/datums/bad/syntax.mcp.toml:4:13: invalid basic string, expected `\"`"
                .to_string(),
            Exit::Usage
        )
    );
}

#[test]
fn wrong_type_position() {
    assert_eq!(
        bad("wrong-type"),
        (
            "fixtures/datums/bad/wrong-type.mcp.toml:5:12: b00t.k8s.replicas: expected an integer, found a string"
                .to_string(),
            Exit::Usage
        )
    );
    // Same through load(), with the path as given.
    let path = fixtures().join("bad/wrong-type.mcp.toml");
    assert_eq!(
        load(&path).unwrap_err().to_string(),
        format!(
            "{}:5:12: b00t.k8s.replicas: expected an integer, found a string",
            path.display()
        )
    );
}

#[test]
fn bad_replicas_position() {
    assert_eq!(
        bad("replicas").0,
        "fixtures/datums/bad/replicas.mcp.toml:8:12: b00t.k8s.replicas: must be 0 or more, found -1"
    );
}

#[test]
fn unknown_type_names_the_type() {
    assert_eq!(
        bad("unknown-type").0,
        "fixtures/datums/bad/unknown-type.mcp.toml:3:8: b00t.type: unsupported datum type \"cli\", expected \"mcp\""
    );
}

#[test]
fn other_bad_values() {
    assert_eq!(
        bad("port").0,
        "fixtures/datums/bad/port.mcp.toml:7:8: b00t.k8s.port: must be a port number between 1 and 65535, found 70000"
    );
    assert_eq!(
        bad("quantity").0,
        "fixtures/datums/bad/quantity.mcp.toml:7:34: b00t.k8s.resources.requests.cpu: \"lots\" is not a kubernetes quantity (such as 100m, 0.5, 128Mi, 1G)"
    );
    assert_eq!(
        bad("missing-command").0,
        "fixtures/datums/bad/missing-command.mcp.toml:9:1: b00t.mcp.stdio[1]: missing key command"
    );
    assert_eq!(
        bad("args-type").0,
        "fixtures/datums/bad/args-type.mcp.toml:7:15: b00t.mcp.stdio[0].args[1]: expected a string, found an integer"
    );
    assert_eq!(
        bad("interpolation").0,
        "fixtures/datums/bad/interpolation.mcp.toml:6:20: b00t.env.API_URL: unterminated ${ (missing })"
    );
}

#[test]
fn inline_validation_messages() {
    let e = |src: &str| {
        Datum::parse(Path::new("d.mcp.toml"), src)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(e("x = 1\n"), "d.mcp.toml:1:1: b00t: missing [b00t] table");
    assert_eq!(
        e("b00t = 3\n"),
        "d.mcp.toml:1:8: b00t: expected a table, found an integer"
    );
    assert_eq!(
        e("[b00t]\nmcp = []\n"),
        "d.mcp.toml:2:7: b00t.mcp: expected a table, found an array"
    );
    assert_eq!(
        e("[b00t.mcp]\nstdio = \"npx\"\n"),
        "d.mcp.toml:2:9: b00t.mcp.stdio: expected a table or an array of tables, found a string"
    );
    assert_eq!(
        e("[b00t.mcp.httpstream]\npriority = 1\n"),
        "d.mcp.toml:1:1: b00t.mcp.httpstream: missing key url"
    );
    assert_eq!(
        e("[b00t.mcp.httpstream]\nurl = \"ftp://x\"\n"),
        "d.mcp.toml:2:7: b00t.mcp.httpstream.url: expected an http:// or https:// url, found \"ftp://x\""
    );
    assert_eq!(
        e("[b00t.k8s]\nimage = \"\"\n"),
        "d.mcp.toml:2:9: b00t.k8s.image: must not be empty"
    );
    assert_eq!(
        e("[b00t.k8s]\nport = 0\n"),
        "d.mcp.toml:2:8: b00t.k8s.port: must be a port number between 1 and 65535, found 0"
    );
    assert_eq!(
        e("[b00t.k8s]\nrun_as_user = 0\n"),
        "d.mcp.toml:2:15: b00t.k8s.run_as_user: must be a non-root user id (1 or more), found 0"
    );
    assert_eq!(
        e("[b00t.k8s]\nnamespace = \"My_NS\"\n"),
        "d.mcp.toml:2:13: b00t.k8s.namespace: \"My_NS\" is not a valid namespace (lowercase letters, digits and '-', at most 63)"
    );
    assert_eq!(
        e("[b00t.k8s]\nresources = { limits = { memory = \"1 GB\" } }\n"),
        "d.mcp.toml:2:35: b00t.k8s.resources.limits.memory: \"1 GB\" is not a kubernetes quantity (such as 100m, 0.5, 128Mi, 1G)"
    );
    assert_eq!(
        e("[b00t.env]\nA = [1]\n"),
        "d.mcp.toml:2:5: b00t.env.A: expected a string, found an array"
    );
    assert_eq!(
        e("[b00t]\nname = \"__\"\n"),
        "d.mcp.toml:2:8: b00t.name: \"__\" has no letters or digits to make a kubernetes name from"
    );
    // Unknown keys, and keys of the wrong type we do not read, are fine.
    let d = datum(
        "[b00t]\nname = \"ok\"\nrequires_sudo = \"maybe\"\n[b00t.install]\ncommand = 3\n[b00t.k8s]\nfuture = true\n",
    );
    assert_eq!(d.name, "ok");
}

#[test]
fn unreadable_file() {
    let e = load(Path::new("/nonexistent/x.mcp.toml")).unwrap_err();
    assert_eq!(e.to_string(), "reading /nonexistent/x.mcp.toml");
    assert_eq!(e.exit(), Exit::Usage);
}

// ---------------------------------------------------------------------------------------------
// Lookup

#[test]
fn search_dirs_order() {
    let home = Path::new("/home/u");
    assert_eq!(
        search_dirs_in(Some(Path::new("/x/_b00t_")), Some(home)),
        [
            PathBuf::from("/x/_b00t_"),
            PathBuf::from("/home/u/.b00t/_b00t_"),
            PathBuf::from("/home/u/.dotfiles/_b00t_")
        ]
    );
    assert_eq!(
        search_dirs_in(None, Some(home)),
        [
            PathBuf::from("/home/u/.b00t/_b00t_"),
            PathBuf::from("/home/u/.dotfiles/_b00t_")
        ]
    );
    // `~/` is expanded (env values are not expanded by the shell when quoted); no duplicates.
    assert_eq!(
        search_dirs_in(Some(Path::new("~/.dotfiles/_b00t_")), Some(home)),
        [
            PathBuf::from("/home/u/.dotfiles/_b00t_"),
            PathBuf::from("/home/u/.b00t/_b00t_")
        ]
    );
    assert!(search_dirs_in(None, None).is_empty());
    // The real one ends with the two home directories.
    let real = search_dirs(None);
    if let Some(h) = dirs::home_dir() {
        assert_eq!(real, [h.join(".b00t/_b00t_"), h.join(".dotfiles/_b00t_")]);
    }
}

fn write(dir: &Path, file: &str, src: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), src).unwrap();
}

#[test]
fn find_uses_the_first_directory_that_has_the_datum() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let missing = tmp.path().join("missing");
    write(
        &a,
        "one.mcp.toml",
        "[b00t]\nname = \"one\"\nhint = \"from a\"\ncommand = \"npx\"\n",
    );
    write(
        &b,
        "one.mcp.toml",
        "[b00t]\nname = \"one\"\nhint = \"from b\"\ncommand = \"npx\"\n",
    );
    write(
        &b,
        "two.mcp.toml",
        "[b00t]\nname = \"two\"\ncommand = \"npx\"\n",
    );
    write(&b, "notes.toml", "not a datum");
    write(&b, "cli.cli.toml", "[b00t]\nname = \"cli\"\n");
    write(
        &b.join("nested"),
        "three.mcp.toml",
        "[b00t]\nname = \"three\"\n",
    );
    let dirs = vec![missing.clone(), a.clone(), b.clone()];

    assert_eq!(find("one", &dirs).unwrap().hint.as_deref(), Some("from a"));
    assert_eq!(find("two", &dirs).unwrap().path, b.join("two.mcp.toml"));
    assert_eq!(find("two.mcp.toml", &dirs).unwrap().name, "two");
    let reversed = vec![b.clone(), a.clone()];
    assert_eq!(
        find("one", &reversed).unwrap().hint.as_deref(),
        Some("from b")
    );

    assert_eq!(
        list(&dirs).unwrap(),
        [
            DatumEntry {
                name: "one".into(),
                path: a.join("one.mcp.toml")
            },
            DatumEntry {
                name: "two".into(),
                path: b.join("two.mcp.toml")
            },
        ]
    );

    let e = find("nope", &dirs).unwrap_err();
    assert_eq!(e.exit(), Exit::NotFound);
    assert_eq!(
        e.to_string(),
        format!(
            "mcp server \"nope\" not found: no nope.mcp.toml; available: one, two; looked in {} (missing), {}, {}",
            missing.display(),
            a.display(),
            b.display()
        )
    );
    let e = find("nope", std::slice::from_ref(&missing)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "mcp server \"nope\" not found: no nope.mcp.toml; no datums found; looked in {} (missing)",
            missing.display()
        )
    );
    let e = find("nope", &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "mcp server \"nope\" not found: no nope.mcp.toml; no datums found; looked in no datum directory (pass --path or set _B00T_Path)"
    );
}

#[test]
fn long_lists_of_datums_are_shortened() {
    let found: Vec<String> = (0..25).map(|i| format!("d{i:02}")).collect();
    let e = Error::Find {
        name: "x".into(),
        found,
        dirs: vec![PathBuf::from("/d")],
        missing: vec![],
    };
    assert_eq!(
        e.to_string(),
        "mcp server \"x\" not found: no x.mcp.toml; available: d00, d01, d02, d03, d04, d05, d06, d07, d08, d09, d10, d11, d12, d13, d14, d15, d16, d17, d18, d19 and 5 more; looked in /d"
    );
}

#[test]
fn server_names_cannot_escape_the_directory() {
    for name in ["../etc/passwd", "a/b", "", ".hidden"] {
        let e = find(name, &[fixtures()]).unwrap_err();
        assert!(matches!(e, Error::ServerName { .. }), "{name}: {e}");
        assert_eq!(e.exit(), Exit::Usage);
    }
}

#[test]
fn find_loads_fixtures_and_reports_bad_ones() {
    assert_eq!(find("github", &[fixtures()]).unwrap().name, "github");
    let e = find("wrong-type", &[fixtures().join("bad")]).unwrap_err();
    assert_eq!(e.exit(), Exit::Usage);
    assert!(e.to_string().ends_with(
        "wrong-type.mcp.toml:5:12: b00t.k8s.replicas: expected an integer, found a string"
    ));
}

// ---------------------------------------------------------------------------------------------
// size, storage, network_policy, gpu, pdb, autoscale

/// A datum running `npx x` with these `[b00t.k8s]` lines.
fn k8s_datum(lines: &str) -> String {
    format!("[b00t]\nname = \"s\"\ncommand = \"npx\"\nargs = [\"x\"]\n[b00t.k8s]\n{lines}")
}

fn settings_err(lines: &str) -> String {
    let e = Datum::parse(Path::new("d.mcp.toml"), &k8s_datum(lines)).unwrap_err();
    assert_eq!(e.exit(), Exit::Usage, "{e}");
    e.to_string()
}

fn settings(lines: &str, o: &DeployOptions) -> Workload {
    to_workload(&datum(&k8s_datum(lines)), o).unwrap_or_else(|e| panic!("{e}"))
}

fn quantities(r: &crate::workload::Resources) -> [Option<&str>; 4] {
    [
        r.requests_cpu.as_deref(),
        r.requests_memory.as_deref(),
        r.limits_cpu.as_deref(),
        r.limits_memory.as_deref(),
    ]
}

#[test]
fn size_presets_and_explicit_resources_per_field() {
    let r = |lines: &str, size: Option<Size>| {
        let o = DeployOptions { size, ..opts() };
        settings(lines, &o).containers[0].resources.clone()
    };
    assert_eq!(
        quantities(&r("", None)),
        [Some("100m"), Some("128Mi"), Some("500m"), Some("512Mi")]
    );
    assert_eq!(
        quantities(&r("size = \"medium\"\n", None)),
        [Some("500m"), Some("512Mi"), Some("1"), Some("1Gi")]
    );
    assert_eq!(
        quantities(&r("size = \"large\"\n", None)),
        [Some("1"), Some("2Gi"), Some("2"), Some("4Gi")]
    );
    // An explicit field wins over the preset; the others keep it.
    assert_eq!(
        quantities(&r(
            "size = \"large\"\nresources = { limits = { memory = \"8Gi\" } }\n",
            None
        )),
        [Some("1"), Some("2Gi"), Some("2"), Some("8Gi")]
    );
    // --size wins over the datum's size.
    assert_eq!(
        quantities(&r("size = \"large\"\n", Some(Size::Medium))),
        [Some("500m"), Some("512Mi"), Some("1"), Some("1Gi")]
    );
}

#[test]
fn storage_is_an_owned_claim_mounted_writable() {
    let w = settings(
        "storage = { size = \"2Gi\", class = \"fast\", mount = \"/var/lib/s\", access = \"rwop\" }\n",
        &opts(),
    );
    assert_eq!(w.claims.len(), 1);
    let c = &w.claims[0];
    assert_eq!(c.name, "s-mcp-data");
    assert_eq!(c.size, "2Gi");
    assert_eq!(c.storage_class.as_deref(), Some("fast"));
    assert_eq!(c.access_mode, crate::workload::AccessMode::ReadWriteOncePod);
    let m = &w.containers[0].mounts[0];
    assert_eq!((m.mount_path.as_str(), m.read_only), ("/var/lib/s", false));
    assert!(w.pod_security.restricted, "the root stays read-only");
    let w = settings("storage = { size = \"1Gi\" }\n", &opts());
    assert_eq!(w.containers[0].mounts[0].mount_path, DEFAULT_MOUNT);
    assert_eq!(w.claims[0].storage_class, None);
}

#[test]
fn gpu_sets_the_limit_affinity_and_toleration() {
    let w = settings(
        "gpu = { count = 2, vendor = \"nvidia\", product = \"NVIDIA-A100-SXM4-40GB\" }\n",
        &opts(),
    );
    let r = &w.containers[0].resources;
    assert_eq!(
        r.extended.get("nvidia.com/gpu").map(String::as_str),
        Some("2")
    );
    assert_eq!(w.node_affinity[0].key, "nvidia.com/gpu.product");
    assert_eq!(w.node_affinity[0].values, vec!["NVIDIA-A100-SXM4-40GB"]);
    assert_eq!(w.tolerations[0].key, "nvidia.com/gpu");
    assert_eq!(w.tolerations[0].operator, "Exists");
    let w = settings("gpu = { vendor = \"amd\" }\n", &opts());
    assert_eq!(
        w.containers[0]
            .resources
            .extended
            .get("amd.com/gpu")
            .map(String::as_str),
        Some("1")
    );
    assert!(w.node_affinity.is_empty());
    assert_eq!(w.tolerations[0].key, "amd.com/gpu");
}

#[test]
fn pdb_and_autoscale() {
    use crate::workload::{Autoscale, DisruptionBudget, PodCount};
    let w = settings(
        "size = \"small\"\npdb = { max_unavailable = \"25%\" }\nautoscale = { min = 2, max = 5 }\n",
        &opts(),
    );
    assert_eq!(
        w.disruption_budget,
        Some(DisruptionBudget::MaxUnavailable(PodCount::Percent(25)))
    );
    assert_eq!(
        w.autoscale,
        Some(Autoscale {
            min: 2,
            max: 5,
            cpu_percent: Some(DEFAULT_CPU_PERCENT),
            memory_percent: None
        })
    );
    assert_eq!(w.replicas, None, "the autoscaler owns replicas");
    let (e, code) = err(
        &datum(&k8s_datum("size = \"small\"\nautoscale = { max = 3 }\n")),
        &DeployOptions {
            replicas: Some(2),
            ..opts()
        },
    );
    assert!(e.contains("--replicas") && e.contains("autoscale"), "{e}");
    assert_eq!(code, Exit::Usage);
}

#[test]
fn network_policy_forms() {
    use crate::workload::{PolicyPeer, PolicyRule, Protocol as P};
    let dns = PolicyRule {
        peers: vec![],
        ports: vec![(P::Udp, 53), (P::Tcp, 53)],
    };
    // The default of a table: isolate, DNS out, the server's own port in.
    let p = settings("port = 8080\nnetwork_policy = {}\n", &opts())
        .network_policy
        .unwrap();
    assert_eq!(p.egress, Some(vec![dns.clone()]));
    assert_eq!(
        p.ingress,
        Some(vec![PolicyRule {
            peers: vec![],
            ports: vec![(P::Tcp, 8080)]
        }])
    );
    // A stdio server: nothing in.
    let p = settings("network_policy = {}\n", &opts())
        .network_policy
        .unwrap();
    assert_eq!(p.ingress, Some(vec![]));
    let p = settings("network_policy = \"none\"\n", &opts())
        .network_policy
        .unwrap();
    assert_eq!((p.ingress, p.egress), (Some(vec![]), Some(vec![])));
    let p = settings("network_policy = \"all\"\n", &opts())
        .network_policy
        .unwrap();
    assert_eq!(p.ingress, Some(vec![PolicyRule::default()]));
    // isolate = false leaves a direction without a list open.
    let p = settings(
        "port = 80\nnetwork_policy = { isolate = false, ingress_from = [{ pods = { app = \"c\" }, namespace = \"tools\" }] }\n",
        &opts(),
    )
    .network_policy
    .unwrap();
    assert_eq!(p.egress, None);
    assert_eq!(
        p.ingress.unwrap()[0].peers,
        vec![PolicyPeer::Pods {
            pods: Some([("app".to_string(), "c".to_string())].into()),
            namespaces: Some(
                [(
                    "kubernetes.io/metadata.name".to_string(),
                    "tools".to_string()
                )]
                .into()
            ),
        }]
    );
    let p = settings(
        "network_policy = { egress_to = [{ cidr = \"10.0.0.0/8\", except = [\"10.1.0.0/16\"], ports = [443, \"5353/udp\"] }] }\n",
        &opts(),
    )
    .network_policy
    .unwrap();
    let egress = p.egress.unwrap();
    assert_eq!(egress[0], dns);
    assert_eq!(egress[1].ports, vec![(P::Tcp, 443), (P::Udp, 5353)]);
}

#[test]
fn bad_settings_name_the_key_and_position() {
    for (lines, want) in [
        (
            "size = \"huge\"\n",
            "d.mcp.toml:6:8: b00t.k8s.size: expected one of \"small\", \"medium\", \"large\", found \"huge\"",
        ),
        (
            "gpu = { count = 0 }\n",
            "d.mcp.toml:6:17: b00t.k8s.gpu.count: must be between 1 and 64, found 0",
        ),
        (
            "gpu = { vendor = \"intel\" }\n",
            "d.mcp.toml:6:18: b00t.k8s.gpu.vendor: expected one of \"nvidia\", \"amd\", found \"intel\"",
        ),
        (
            "size = \"small\"\nautoscale = { min = 3, max = 2 }\n",
            "d.mcp.toml:7:30: b00t.k8s.autoscale.max: must be at least min (3), found 2",
        ),
        (
            "size = \"small\"\nautoscale = { min = 0, max = 2 }\n",
            "d.mcp.toml:7:21: b00t.k8s.autoscale.min: must be 1 or more, found 0",
        ),
        (
            "autoscale = { max = 2 }\n",
            "d.mcp.toml:6:13: b00t.k8s.autoscale.cpu_percent: needs a CPU request to measure utilisation against: set size or resources.requests.cpu",
        ),
        (
            "storage = { size = \"1Gi\", access = \"x\" }\n",
            "d.mcp.toml:6:36: b00t.k8s.storage.access: expected one of \"rwo\", \"rwx\", \"rox\", \"rwop\", found \"x\"",
        ),
        (
            "storage = { size = \"lots\" }\n",
            "d.mcp.toml:6:20: b00t.k8s.storage.size: \"lots\" is not a kubernetes quantity (such as 100m, 0.5, 128Mi, 1G)",
        ),
        (
            "storage = { size = \"1Gi\", mnt = \"/x\" }\n",
            "d.mcp.toml:6:27: b00t.k8s.storage.mnt: unknown key (expected one of: size, class, mount, access)",
        ),
        (
            "storage = { mount = \"/x\" }\n",
            "d.mcp.toml:6:11: b00t.k8s.storage: missing key size (such as \"1Gi\")",
        ),
        (
            "pdb = { min_available = 1, max_unavailable = 1 }\n",
            "d.mcp.toml:6:46: b00t.k8s.pdb.max_unavailable: set min_available or max_unavailable, not both",
        ),
        (
            "pdb = { min_available = \"150%\" }\n",
            "d.mcp.toml:6:25: b00t.k8s.pdb.min_available: expected a number of pods or a percentage such as \"50%\", found \"150%\"",
        ),
        (
            "network_policy = \"some\"\n",
            "d.mcp.toml:6:18: b00t.k8s.network_policy: expected \"none\", \"all\" or a table, found \"some\"",
        ),
        (
            "network_policy = { egress_to = [{ cidr = \"10.0.0.0/33\" }] }\n",
            "d.mcp.toml:6:42: b00t.k8s.network_policy.egress_to[0].cidr: expected a CIDR such as \"10.0.0.0/8\", found \"10.0.0.0/33\"",
        ),
        (
            "network_policy = { ingress_from = [{ ports = [80] }] }\n",
            "d.mcp.toml:6:38: b00t.k8s.network_policy.ingress_from[0].ports: unknown key (expected one of: pods, namespace, namespaces, cidr, except)",
        ),
        (
            "replicas = 2\nsize = \"small\"\nautoscale = { max = 3 }\n",
            "d.mcp.toml:6:12: b00t.k8s.replicas: conflicts with autoscale (the autoscaler sets the replicas between min and max)",
        ),
    ] {
        assert_eq!(settings_err(lines), want, "{lines}");
    }
}
