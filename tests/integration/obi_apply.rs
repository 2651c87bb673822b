//! The OBI agent's objects through the real apply path (`Kube::apply_all`,
//! `Kube::apply_patch_deployment`) against the fake API server: cluster-scoped objects,
//! created/configured/unchanged, rollback, and a sidecar that its own field manager removes.

use b00t::obi::manifest::{
    self, ObiManifest, SIDECAR_FIELD_MANAGER, daemonset_objects, sidecar_objects, sidecar_patch,
    sidecar_removal_patch,
};
use b00t::render::Object;
use b00t::runtime::kube::apply::{Action, Applied, ApplyOptions};
use b00t::runtime::kube::{ConnectOptions, Kube, KubeError};
use serde_json::{Value, json};

use crate::support::{FakeCluster, FaultRule};

async fn kube(c: &FakeCluster) -> Kube {
    Kube::connect(&ConnectOptions {
        kubeconfig: Some(c.kubeconfig_path().to_path_buf()),
        ..Default::default()
    })
    .await
    .unwrap()
}

fn actions(applied: &[Applied]) -> Vec<(String, String, Action)> {
    applied
        .iter()
        .map(|a| (a.reference.clone(), a.namespace.clone(), a.action))
        .collect()
}

/// The managers that applied fields (controllers' `Update`s of status are left out).
fn managers(obj: &Value) -> Vec<String> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["operation"] == "Apply")
        .map(|m| m["manager"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn daemonset_install_applies_cluster_scoped_objects_and_is_idempotent() {
    let c = FakeCluster::start();
    let k = kube(&c).await;
    assert_eq!(
        k.namespace, "default",
        "the objects name their own namespace"
    );
    let m = ObiManifest::default();
    let applied = k
        .apply_all(&daemonset_objects(&m), ApplyOptions::default())
        .await
        .unwrap();
    let obs = "observability".to_string();
    let created = |r: &str, ns: &str| (r.to_string(), ns.to_string(), Action::Created);
    assert_eq!(
        actions(&applied),
        vec![
            created("namespace/observability", ""),
            created("serviceaccount/obi", &obs),
            created(
                "clusterrole.rbac.authorization.k8s.io/b00t-obi-observability",
                ""
            ),
            created(
                "clusterrolebinding.rbac.authorization.k8s.io/b00t-obi-observability",
                ""
            ),
            created("configmap/obi-config", &obs),
            created("daemonset.apps/obi", &obs),
        ]
    );
    let ns = c.get("namespaces", "", "observability").unwrap();
    assert_eq!(
        ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "privileged"
    );
    let crb = c
        .get("clusterrolebindings", "", "b00t-obi-observability")
        .unwrap();
    assert_eq!(
        crb["subjects"][0],
        json!({"kind": "ServiceAccount", "name": "obi", "namespace": "observability"})
    );
    assert!(crb["metadata"].get("namespace").is_none());
    let role = c.get("clusterroles", "", "b00t-obi-observability").unwrap();
    assert_eq!(managers(&role), ["b00t"]);
    assert!(c.get("serviceaccounts", "observability", "obi").is_some());
    assert!(c.get("serviceaccounts", "default", "obi").is_none());
    let ds = c.get("daemonsets", "observability", "obi").unwrap();
    assert_eq!(ds["spec"]["template"]["spec"]["hostPID"], true);

    // Twice: nothing changes, and it says so.
    let again = k
        .apply_all(&daemonset_objects(&m), ApplyOptions::default())
        .await
        .unwrap();
    assert!(
        again.iter().all(|a| a.action == Action::Unchanged),
        "{:?}",
        actions(&again)
    );

    // A config change touches the ConfigMap and (through the checksum) the DaemonSet only.
    let changed = ObiManifest {
        config_yaml: format!("{}log_format: json\n", manifest::DEFAULT_CONFIG),
        ..Default::default()
    };
    let third = k
        .apply_all(&daemonset_objects(&changed), ApplyOptions::default())
        .await
        .unwrap();
    let configured: Vec<&str> = third
        .iter()
        .filter(|a| a.action == Action::Configured)
        .map(|a| a.reference.as_str())
        .collect();
    assert_eq!(configured, ["configmap/obi-config", "daemonset.apps/obi"]);
}

#[tokio::test]
async fn a_failure_rolls_back_the_cluster_scoped_objects_this_run_created() {
    let c = FakeCluster::start();
    let k = kube(&c).await;
    c.fail(FaultRule::new(403).verb("patch").resource("daemonsets"));
    let err = k
        .apply_all(
            &daemonset_objects(&ObiManifest::default()),
            ApplyOptions::default(),
        )
        .await
        .unwrap_err();
    let KubeError::Partial { note, .. } = &err else {
        panic!("expected a partial failure, got {err:?}")
    };
    assert!(
        note.contains("clusterrole.rbac.authorization.k8s.io/b00t-obi-observability"),
        "{note}"
    );
    assert!(
        c.get("clusterroles", "", "b00t-obi-observability")
            .is_none()
    );
    assert!(
        c.get("clusterrolebindings", "", "b00t-obi-observability")
            .is_none()
    );
    assert!(c.get("configmaps", "observability", "obi-config").is_none());
    let ns = c.get("namespaces", "", "observability");
    assert!(
        ns.is_none() || ns.as_ref().unwrap()["metadata"]["deletionTimestamp"].is_string(),
        "the namespace this run created is deleted: {ns:?}"
    );
}

#[tokio::test]
async fn field_manager_is_the_one_asked_for() {
    let c = FakeCluster::start();
    let k = kube(&c).await;
    let objs = sidecar_objects("web", "default", &ObiManifest::default());
    k.apply_all(
        &objs,
        ApplyOptions {
            field_manager: SIDECAR_FIELD_MANAGER,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cm = c.get("configmaps", "default", "web-obi-config").unwrap();
    assert_eq!(managers(&cm), [SIDECAR_FIELD_MANAGER]);
}

fn web_deployment() -> Object {
    Object::Deployment(
        serde_json::from_value(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]}],
                        "volumes": [{"name": "cache", "emptyDir": {}}]
                    }
                }
            }
        }))
        .unwrap(),
    )
}

#[tokio::test]
async fn sidecar_is_added_and_removed_by_its_own_field_manager() {
    let c = FakeCluster::start();
    let k = kube(&c).await;
    k.apply_all(&[web_deployment()], ApplyOptions::default())
        .await
        .unwrap();
    let before = c.get("deployments", "default", "web").unwrap();
    let m = ObiManifest::default();
    k.apply_all(
        &sidecar_objects("web", "default", &m),
        ApplyOptions::default(),
    )
    .await
    .unwrap();

    let patch = sidecar_patch("web", "default", &m, "8080");
    let added = k
        .apply_patch_deployment("web", &patch, SIDECAR_FIELD_MANAGER, false)
        .await
        .unwrap();
    assert_eq!(added.action, Action::Configured);
    assert_eq!(added.reference, "deployment.apps/web");
    let d = c.get("deployments", "default", "web").unwrap();
    let spec = &d["spec"]["template"]["spec"];
    assert_eq!(spec["shareProcessNamespace"], true);
    let names: Vec<&str> = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web", "obi"]);
    assert_eq!(spec["volumes"].as_array().unwrap().len(), 3);
    let mut mgrs = managers(&d);
    mgrs.sort();
    assert_eq!(mgrs, ["b00t", SIDECAR_FIELD_MANAGER]);

    // Same patch again: nothing changes.
    let again = k
        .apply_patch_deployment("web", &patch, SIDECAR_FIELD_MANAGER, false)
        .await
        .unwrap();
    assert_eq!(again.action, Action::Unchanged);

    // b00t re-applying its own Deployment leaves the sidecar alone.
    let redeploy = k
        .apply_all(&[web_deployment()], ApplyOptions::default())
        .await
        .unwrap();
    assert_eq!(redeploy[0].action, Action::Unchanged);
    let d = c.get("deployments", "default", "web").unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The empty body with the sidecar's manager removes exactly what the patch added.
    let removed = k
        .apply_patch_deployment(
            "web",
            &sidecar_removal_patch("web", "default"),
            SIDECAR_FIELD_MANAGER,
            false,
        )
        .await
        .unwrap();
    assert_eq!(removed.action, Action::Configured);
    let after = c.get("deployments", "default", "web").unwrap();
    assert_eq!(
        after["spec"]["template"], before["spec"]["template"],
        "the pod template is back to what b00t applied"
    );
    assert_eq!(managers(&after), ["b00t"]);
}

#[tokio::test]
async fn sidecar_patch_never_creates_a_deployment() {
    let c = FakeCluster::start();
    let k = kube(&c).await;
    let patch = sidecar_patch("ghost", "default", &ObiManifest::default(), "80");
    let err = k
        .apply_patch_deployment("ghost", &patch, SIDECAR_FIELD_MANAGER, false)
        .await
        .unwrap_err();
    assert!(matches!(err, KubeError::NotFound { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "deployment.apps/ghost in namespace default not found"
    );
    assert!(c.get("deployments", "default", "ghost").is_none());
}

#[tokio::test]
async fn server_dry_run_of_the_sidecar_changes_nothing() {
    let c = FakeCluster::start();
    let k = kube(&c).await;
    k.apply_all(&[web_deployment()], ApplyOptions::default())
        .await
        .unwrap();
    let before = c.get("deployments", "default", "web").unwrap();
    let patch = sidecar_patch("web", "default", &ObiManifest::default(), "8080");
    let dry = k
        .apply_patch_deployment("web", &patch, SIDECAR_FIELD_MANAGER, true)
        .await
        .unwrap();
    assert_eq!(
        dry.object["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "the dry run shows the result"
    );
    // Controllers write status meanwhile; the spec and who owns it are untouched.
    let after = c.get("deployments", "default", "web").unwrap();
    assert_eq!(before["spec"], after["spec"]);
    assert_eq!(managers(&after), ["b00t"]);
}
