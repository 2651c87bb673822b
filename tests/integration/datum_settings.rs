//! The `[b00t.k8s]` settings of issue #12 (size, storage, network_policy, gpu, pdb, autoscale):
//! golden objects for every datum in `fixtures/datums/settings/`, and deploy, status, delete
//! and the early stops against the fake API server.
//!
//! `UPDATE_EXPECT=1 cargo test --test integration datum_settings` rewrites the expectations
//! (`fixtures/datums/settings/<name>.yaml`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Out, bin};
use crate::support::FakeCluster;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const DIR: &str = "fixtures/datums/settings";

/// `b00t` run from the repository root with `--path fixtures/datums/settings` (so the source
/// annotation is a relative path), against `cluster` if given.
fn run(cluster: Option<&FakeCluster>, home: &Path, args: &[&str]) -> Out {
    let mut c = bin(home);
    c.current_dir(root());
    if let Some(cl) = cluster {
        c.arg("--kubeconfig").arg(cl.kubeconfig_path());
    }
    c.arg("--path").arg(DIR).args(args);
    Out::from(c.output().expect("run b00t"))
}

/// `k8s deploy-mcp --server NAME --dry-run EXTRA…` without a cluster.
fn dry_run(home: &Path, name: &str, extra: &[&str]) -> Out {
    let mut args = vec!["k8s", "deploy-mcp", "--server", name, "--dry-run"];
    args.extend_from_slice(extra);
    run(None, home, &args)
}

#[test]
fn golden_objects_of_every_setting() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let home = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(root().join(DIR))
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            n.strip_suffix(".mcp.toml").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let mut failed = Vec::new();
    for name in &names {
        let o = dry_run(home.path(), name, &["-n", "mcp", "-o", "yaml"]);
        assert_eq!(o.code, 0, "{name}: {o}");
        let path = root().join(DIR).join(format!("{name}.yaml"));
        if update {
            std::fs::write(&path, &o.stdout).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_EXPECT=1)", path.display()));
        if want != o.stdout {
            failed.push(format!("{name}:\n{}", o.stdout));
        }
    }
    assert!(failed.is_empty(), "changed objects:\n{}", failed.join("\n"));
}

#[test]
fn interacting_settings_render_together() {
    let home = tempfile::tempdir().unwrap();
    let objects = |name: &str, extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["-n", "mcp", "--json"];
        args.extend_from_slice(extra);
        let o = dry_run(home.path(), name, &args);
        assert_eq!(o.code, 0, "{o}");
        let v: Value = serde_json::from_str(&o.stdout).unwrap();
        v["items"].as_array().unwrap().clone()
    };
    let kind = |items: &[Value], k: &str| -> Value {
        items
            .iter()
            .find(|o| o["kind"] == k)
            .cloned()
            .unwrap_or_else(|| panic!("no {k}"))
    };
    // Storage + read-only root: the claim is mounted writable, the root stays read-only.
    let items = objects("storage", &[]);
    let pod = kind(&items, "Deployment")["spec"]["template"]["spec"].clone();
    let c = &pod["containers"][0];
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    let m = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mountPath"] == "/data")
        .unwrap();
    assert!(m.get("readOnly").is_none(), "{m}");
    assert_eq!(
        pod["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "storage-mcp-data"
    );
    let claim = kind(&items, "PersistentVolumeClaim");
    assert_eq!(
        claim["metadata"]["labels"]["app.kubernetes.io/instance"],
        "storage-mcp"
    );
    // GPU + size: both in the limits.
    let items = objects("gpu-size", &[]);
    let r = &kind(&items, "Deployment")["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(r["limits"]["nvidia.com/gpu"], "1");
    assert_eq!(r["limits"]["cpu"], "2");
    assert_eq!(r["requests"]["memory"], "2Gi");
    // --size wins over the datum's size, the GPU stays.
    let items = objects("gpu-size", &["--size", "small"]);
    let r = &kind(&items, "Deployment")["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(r["limits"]["cpu"], "500m");
    assert_eq!(r["limits"]["nvidia.com/gpu"], "1");
    // Policy + Service port: ingress allowed on the port the Service targets.
    let items = objects("policy-port", &[]);
    let svc_port = kind(&items, "Service")["spec"]["ports"][0]["targetPort"].clone();
    let np = kind(&items, "NetworkPolicy");
    for rule in np["spec"]["ingress"].as_array().unwrap() {
        assert_eq!(rule["ports"][0]["port"], svc_port, "{np}");
    }
    // Autoscaled: the Deployment leaves replicas to the autoscaler.
    let items = objects("scale", &[]);
    assert!(kind(&items, "Deployment")["spec"].get("replicas").is_none());
    assert_eq!(
        kind(&items, "HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]["name"],
        "scale-mcp"
    );
}

#[test]
fn bad_settings_are_usage_errors_with_a_position() {
    let home = tempfile::tempdir().unwrap();
    let mut c = bin(home.path());
    c.current_dir(root()).args([
        "--path",
        "fixtures/datums/bad",
        "k8s",
        "deploy-mcp",
        "--server",
        "size",
        "--dry-run",
    ]);
    let o = Out::from(c.output().unwrap());
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.stderr.contains(
            "fixtures/datums/bad/size.mcp.toml:7:8: b00t.k8s.size: expected one of \"small\", \"medium\", \"large\", found \"huge\""
        ),
        "{o}"
    );
    let o = run(
        None,
        home.path(),
        &["k8s", "deploy-mcp", "--server", "gpu", "--size", "huge"],
    );
    assert_eq!(o.code, 2, "{o}");
    assert!(o.stderr.contains("invalid size \"huge\""), "{o}");
    let o = dry_run(home.path(), "scale", &["--replicas", "3"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.stderr.contains("--replicas"), "{o}");
}

fn deploy(c: &FakeCluster, home: &Path, name: &str, timeout: &str) -> Out {
    run(
        Some(c),
        home,
        &["k8s", "deploy-mcp", "--server", name, "--timeout", timeout],
    )
}

/// Deploy `name` with a 90 s timeout and expect it to stop early (exit 1, well before the
/// timeout) saying `why`.
#[track_caller]
fn stops_early(c: &FakeCluster, home: &Path, name: &str, why: &str) {
    let start = Instant::now();
    let o = deploy(c, home, name, "90s");
    assert_eq!(o.code, 1, "{o}");
    assert!(start.elapsed() < Duration::from_secs(60), "{o}");
    assert!(o.stderr.contains(why), "{o}");
}

fn status_json(c: &FakeCluster, home: &Path, name: &str) -> Value {
    let o = run(Some(c), home, &["k8s", "status", name, "--json"]);
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {o}"))
}

#[test]
fn storage_binds_is_shown_and_kept_on_delete_unless_purged() {
    let c = FakeCluster::start();
    let home = tempfile::tempdir().unwrap();
    let o = deploy(&c, home.path(), "storage", "30s");
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout
            .contains("persistentvolumeclaim/storage-mcp-data created"),
        "{o}"
    );
    let claim = c
        .get("persistentvolumeclaims", "default", "storage-mcp-data")
        .unwrap();
    assert_eq!(claim["status"]["phase"], "Bound", "{claim}");
    // The default class was filled in, and a volume provisioned for the claim.
    assert_eq!(claim["spec"]["storageClassName"], "standard");
    let pv = claim["spec"]["volumeName"].as_str().unwrap().to_string();
    assert!(c.get("persistentvolumes", "", &pv).is_some());

    let o = run(Some(&c), home.path(), &["k8s", "status", "storage"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(
            "persistentvolumeclaim/storage-mcp-data: Bound 1Gi class standard ReadWriteOnce"
        ),
        "{o}"
    );
    let st = status_json(&c, home.path(), "storage");
    assert_eq!(st["claims"][0]["phase"], "Bound", "{st}");
    assert_eq!(st["claims"][0]["capacity"], "1Gi");
    assert_eq!(st["claims"][0]["storage_class"], "standard");

    let o = run(
        Some(&c),
        home.path(),
        &["k8s", "delete", "storage", "--wait"],
    );
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout
            .contains("persistentvolumeclaim/storage-mcp-data kept (use --purge to delete it)"),
        "{o}"
    );
    assert!(
        o.stdout.contains("deployment.apps/storage-mcp deleted"),
        "{o}"
    );
    assert!(
        c.get("persistentvolumeclaims", "default", "storage-mcp-data")
            .is_some()
    );

    // Deployed again, the same claim (and data) is used.
    let o = deploy(&c, home.path(), "storage", "30s");
    assert_eq!(o.code, 0, "{o}");
    let again = c
        .get("persistentvolumeclaims", "default", "storage-mcp-data")
        .unwrap();
    assert_eq!(again["spec"]["volumeName"], pv.as_str());

    let o = run(
        Some(&c),
        home.path(),
        &["k8s", "delete", "storage", "--purge", "--json"],
    );
    assert_eq!(o.code, 0, "{o}");
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(
        v["deleted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "PersistentVolumeClaim" && d["name"] == "storage-mcp-data"),
        "{v}"
    );
    assert_eq!(v["kept"], serde_json::json!([]));
    assert!(c.wait_until(Duration::from_secs(10), |c| {
        c.get("persistentvolumeclaims", "default", "storage-mcp-data")
            .is_none()
            && c.get("persistentvolumes", "", &pv).is_none()
    }));
}

#[test]
fn a_claim_that_cannot_bind_stops_the_deploy_early_with_its_reason() {
    let c = FakeCluster::builder().no_storage_classes().start();
    let home = tempfile::tempdir().unwrap();
    stops_early(
        &c,
        home.path(),
        "storage",
        "persistentvolumeclaim/storage-mcp-data Pending: FailedBinding: no persistent volumes available for this claim and no storage class is set",
    );
    let o = run(Some(&c), home.path(), &["k8s", "status", "storage"]);
    assert_eq!(o.code, 1, "{o}");
    assert!(
        o.stdout
            .contains("persistentvolumeclaim/storage-mcp-data: Pending 1Gi class (default)"),
        "{o}"
    );

    // A class that does not exist: the provisioner's reason.
    let c = FakeCluster::start();
    stops_early(
        &c,
        home.path(),
        "storage-class",
        "persistentvolumeclaim/storage-class-mcp-data Pending: ProvisioningFailed: storageclass.storage.k8s.io \"fast\" not found",
    );
    // With the class, the same datum deploys.
    let c = FakeCluster::builder().storage_class("fast", false).start();
    let o = deploy(&c, home.path(), "storage-class", "30s");
    assert_eq!(o.code, 0, "{o}");
}

#[test]
fn gpu_without_gpu_nodes_stops_early_with_the_scheduler_message() {
    let c = FakeCluster::start();
    let home = tempfile::tempdir().unwrap();
    stops_early(
        &c,
        home.path(),
        "gpu",
        "0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
    // A product no node has: the affinity says so.
    stops_early(
        &c,
        home.path(),
        "gpu-size",
        "2 node(s) didn't match Pod's node affinity/selector",
    );

    // A node with the GPU, its product label and the device plugin's taint: scheduled there.
    let c = FakeCluster::builder()
        .node_resource(2, "nvidia.com/gpu", "1")
        .node_label(2, "nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB")
        .node_taint(2, "nvidia.com/gpu", "present", "NoSchedule")
        .start();
    let o = deploy(&c, home.path(), "gpu-size", "30s");
    assert_eq!(o.code, 0, "{o}");
    let pods = c.pods_with_prefix("default", "gpu-size-mcp-");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0]["spec"]["nodeName"], "fake-node-2");
    // The one GPU is taken: a second server asking for one does not fit.
    stops_early(&c, home.path(), "gpu", "Insufficient nvidia.com/gpu");
}

#[test]
fn budget_autoscaler_and_policy_are_created_shown_and_deleted() {
    let c = FakeCluster::start();
    let home = tempfile::tempdir().unwrap();
    let o = deploy(&c, home.path(), "scale", "30s");
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout
            .contains("horizontalpodautoscaler.autoscaling/scale-mcp created")
            && o.stdout
                .contains("poddisruptionbudget.policy/scale-mcp created"),
        "{o}"
    );
    // The autoscaler raises the Deployment to its minimum.
    assert!(c.wait_until(Duration::from_secs(20), |c| {
        c.get("deployments", "default", "scale-mcp")
            .is_some_and(|d| d["status"]["readyReplicas"] == 2)
    }));
    let ok = c.wait_until(Duration::from_secs(10), |c| {
        c.get("poddisruptionbudgets", "default", "scale-mcp")
            .is_some_and(|b| b["status"]["currentHealthy"] == 2)
    });
    assert!(ok);
    let st = status_json(&c, home.path(), "scale");
    let b = &st["disruption_budgets"][0];
    assert_eq!(b["min_available"], "1", "{st}");
    assert_eq!(b["expected_pods"], 2, "{st}");
    assert_eq!(b["disruptions_allowed"], 1, "{st}");
    let h = &st["autoscalers"][0];
    assert_eq!(h["min_replicas"], 2, "{st}");
    assert_eq!(h["max_replicas"], 5, "{st}");
    assert_eq!(h["current_replicas"], 2, "{st}");
    assert_eq!(h["target"], "Deployment/scale-mcp");
    assert!(
        h["condition"]
            .as_str()
            .unwrap()
            .starts_with("ScalingActive False FailedGetResourceMetric: "),
        "{st}"
    );
    let o = run(Some(&c), home.path(), &["k8s", "status", "scale"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stdout.contains(
            "poddisruptionbudget/scale-mcp: min available 1, 1 disruptions allowed (2/2 healthy, 1 desired)"
        ),
        "{o}"
    );
    assert!(
        o.stdout.contains(
            "horizontalpodautoscaler/scale-mcp: Deployment/scale-mcp replicas 2-5, current 2, desired 2, target cpu 70% memory 80% (ScalingActive False FailedGetResourceMetric"
        ),
        "{o}"
    );

    let o = deploy(&c, home.path(), "policy-port", "30s");
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(
        o.stderr
            .matches("enforced only if the cluster's network plugin")
            .count(),
        1,
        "{o}"
    );
    let st = status_json(&c, home.path(), "policy-port");
    assert_eq!(
        st["network_policies"][0]["policy_types"],
        serde_json::json!(["Ingress", "Egress"]),
        "{st}"
    );
    assert_eq!(st["network_policies"][0]["ingress_rules"], 2);
    assert_eq!(st["network_policies"][0]["egress_rules"], 2);

    // `list` shows the workloads, not their extra objects.
    let o = run(Some(&c), home.path(), &["k8s", "list", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    let rows: Value = serde_json::from_str(&o.stdout).unwrap();
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["policy-port-mcp", "scale-mcp"], "{o}");

    for name in ["scale", "policy-port"] {
        let o = run(Some(&c), home.path(), &["k8s", "delete", name, "--wait"]);
        assert_eq!(o.code, 0, "{o}");
    }
    for plural in [
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "networkpolicies",
        "deployments",
    ] {
        assert!(
            c.list(plural, Some("default")).is_empty(),
            "{plural} left behind"
        );
    }
}

#[test]
fn docker_maps_size_storage_and_nvidia_gpus_and_refuses_amd_gpus() {
    let home = tempfile::tempdir().unwrap();
    let planned = |name: &str| -> Value {
        let o = dry_run(home.path(), name, &["--runtime", "docker", "--json"]);
        assert_eq!(o.code, 0, "{o}");
        let v: Value = serde_json::from_str(&o.stdout).unwrap();
        v[0].clone()
    };
    // Size: the container's memory and CPU limits.
    let c = planned("size-medium");
    assert_eq!(c["memory_bytes"], 2 * 1024 * 1024 * 1024_i64, "{c}");
    assert_eq!(c["nano_cpus"], 1_000_000_000_i64, "{c}");
    // Storage: a named volume of the claim's name, mounted where the claim is.
    let c = planned("storage");
    assert_eq!(
        c["binds"],
        serde_json::json!([{"source": "storage-mcp-data", "target": "/data", "read_only": false}]),
        "{c}"
    );
    assert_eq!(c["volumes"], serde_json::json!(["storage-mcp-data"]));
    // NVIDIA GPUs: a device request (--gpus N).
    let c = planned("gpu-size");
    assert_eq!(c["gpus"], 1, "{c}");
    // AMD GPUs have no device request on Docker.
    let o = dry_run(home.path(), "gpu-amd", &["--runtime", "docker"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.stderr.contains("asks for amd.com/gpu (b00t.k8s.gpu)")
            && o.stderr.contains("--runtime kubernetes"),
        "{o}"
    );
}
