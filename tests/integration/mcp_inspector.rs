//! A third-party MCP client, the MCP Inspector CLI (npm, pinned in tests/mcp-clients), drives
//! `b00t mcp serve` over stdio: the tool list passes its schema portability check, and a tool
//! call returns what the CLI prints with `--json`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::common::{KubeCtx, McpClients, Out, mcp_clients};
use crate::support::FakeCluster;

fn datums() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/datums")
}

/// `node inspector --cli ARGS… -- b00t --kubeconfig K --path D mcp serve SERVE…`.
fn inspector(c: &McpClients, ctx: &KubeCtx, args: &[&str], serve: &[&str]) -> Out {
    let mut cmd: Command = c.node(&c.inspector);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", ctx.home.path())
        .env("NO_COLOR", "1")
        .arg("--cli")
        .args(args)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_b00t"))
        .arg("--kubeconfig")
        .arg(ctx.cluster.kubeconfig_path())
        .arg("--path")
        .arg(datums())
        .args(["mcp", "serve"])
        .args(serve);
    Out::from(cmd.output().expect("run the MCP Inspector"))
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_inspector_lists_b00ts_tools_and_finds_their_schemas_portable() {
    let Some(c) = mcp_clients() else { return };
    let ctx = KubeCtx::new(FakeCluster::start());
    let o = inspector(&c, &ctx, &["--method", "tools/list", "--strict"], &[]);
    assert_eq!(o.code, 0, "{o}");
    let tools = names(&o.json(), "tools");
    for t in [
        "k8s_deploy_mcp",
        "k8s_list",
        "k8s_logs",
        "k8s_status",
        "k8s_delete",
        "k8s_restart_mcp",
        "k8s_translate",
        "k8s_deploy",
        "k8s_probe",
        "obi_k8s_deploy",
        "obi_k8s_status",
        "obi_k8s_config",
        "obi_k8s_logs",
        "obi_k8s_upgrade",
        "obi_k8s_undeploy",
        "obi_k8s_preflight",
        "obi_docker_deploy",
        "obi_docker_status",
        "obi_docker_logs",
        "obi_docker_stop",
        "obi_docker_compose",
        "obi_sensor_probe",
        "obi_sensor_snapshot",
    ] {
        assert!(tools.contains(&t.to_string()), "{t} missing from {tools:?}");
    }

    // --read-only leaves out every tool that changes something.
    let o = inspector(&c, &ctx, &["--method", "tools/list"], &["--read-only"]);
    assert_eq!(o.code, 0, "{o}");
    let ro = names(&o.json(), "tools");
    for t in [
        "k8s_deploy_mcp",
        "k8s_delete",
        "obi_k8s_undeploy",
        "obi_docker_stop",
    ] {
        assert!(!ro.contains(&t.to_string()), "{t} listed with --read-only");
    }
    assert!(ro.contains(&"k8s_list".to_string()), "{ro:?}");
}

#[test]
fn the_inspector_calls_a_tool_and_gets_the_clis_json() {
    let Some(c) = mcp_clients() else { return };
    let ctx = KubeCtx::new(FakeCluster::start());
    let o = ctx.run(&[
        "--path",
        datums().to_str().unwrap(),
        "k8s",
        "deploy-mcp",
        "--server",
        "time",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let cli = ctx.run(&["k8s", "list", "--json"]).json();

    let o = inspector(
        &c,
        &ctx,
        &["--method", "tools/call", "--tool-name", "k8s_list"],
        &[],
    );
    assert_eq!(o.code, 0, "{o}");
    let r = o.json();
    assert_ne!(r["isError"], true, "{r}");
    let items = r["structuredContent"]["items"].clone();
    let strip = |v: &Value| {
        let mut v = v.clone();
        for row in v.as_array_mut().unwrap() {
            row.as_object_mut().unwrap().remove("age_seconds");
        }
        v
    };
    assert_eq!(strip(&items), strip(&cli), "{r}");
    assert_eq!(cli[0]["name"], "time-mcp");

    // A workload that does not exist: a tool error with the CLI's message, not a crash.
    let o = inspector(
        &c,
        &ctx,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "k8s_status",
            "--tool-arg",
            "name=nope",
        ],
        &[],
    );
    let text = format!("{o}");
    assert!(text.contains("nope"), "{o}");
    assert!(
        text.contains("\"isError\": true") || text.contains("\"isError\":true"),
        "{o}"
    );
}

#[test]
fn the_inspector_reads_resources_and_prompts() {
    let Some(c) = mcp_clients() else { return };
    let ctx = KubeCtx::new(FakeCluster::start());
    let o = inspector(&c, &ctx, &["--method", "resources/list"], &[]);
    assert_eq!(o.code, 0, "{o}");
    let uris: Vec<String> = o.json()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap().to_string())
        .collect();
    for u in [
        "b00t://datums",
        "obi-k8s://status/cluster",
        "obi-docker://compose/template",
    ] {
        assert!(uris.contains(&u.to_string()), "{u} missing from {uris:?}");
    }
    let o = inspector(
        &c,
        &ctx,
        &["--method", "resources/read", "--uri", "b00t://datums"],
        &[],
    );
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("everything.mcp.toml"), "{o}");

    let o = inspector(&c, &ctx, &["--method", "prompts/list"], &[]);
    assert_eq!(o.code, 0, "{o}");
    let prompts = names(&o.json(), "prompts");
    assert!(
        prompts.contains(&"setup-obi-kubernetes".to_string()),
        "{prompts:?}"
    );
    assert!(
        prompts.contains(&"deploy-mcp-server".to_string()),
        "{prompts:?}"
    );
}
