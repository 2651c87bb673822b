//! Self-tests of the fake API server: it must behave like the real one.

use std::time::Duration;

use futures::{AsyncBufReadExt, StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Namespace, Pod, Secret};
use kube::api::{
    Api, DeleteParams, ListParams, LogParams, Patch, PatchParams, PostParams, PropagationPolicy,
    WatchEvent, WatchParams,
};
use kube::runtime::watcher;
use serde_json::{Value, json};

use crate::support::{Behavior, FakeCluster, FaultRule, Matcher};

const WAIT: Duration = Duration::from_secs(10);

fn deployment(name: &str, image: &str, replicas: i32) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "b00t", "app.kubernetes.io/name": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": name}},
                "spec": {"containers": [{"name": "main", "image": image, "ports": [{"containerPort": 8080}]}]}
            }
        }
    })
}

fn pod(name: &str, image: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [{"name": "main", "image": image}]}
    })
}

fn restricted_pod(name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "main", "image": "busybox:1.36",
                "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
            }]
        }
    })
}

fn api_err(e: kube::Error) -> Box<kube::core::Status> {
    match e {
        kube::Error::Api(s) => s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn rv(v: &Value) -> String {
    v["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn ready_pods(c: &FakeCluster, ns: &str, prefix: &str) -> usize {
    c.pods_with_prefix(ns, prefix)
        .iter()
        .filter(|p| FakeCluster::pod_is_ready(p) && p["metadata"]["deletionTimestamp"].is_null())
        .count()
}

#[test]
fn discovery_version_and_auth() {
    let c = FakeCluster::start();
    let v = c.http_get("/version").json();
    assert_eq!(v["gitVersion"], "v1.33.2");
    assert_eq!(v["minor"], "33");

    let core = c.http_get("/api/v1").json();
    assert_eq!(core["kind"], "APIResourceList");
    assert_eq!(core["groupVersion"], "v1");
    let pods = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods")
        .unwrap();
    assert_eq!(pods["namespaced"], true);
    assert_eq!(pods["shortNames"], json!(["po"]));
    assert!(
        core["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "pods/log")
    );
    let groups = c.http_get("/apis").json();
    assert!(
        groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "apps")
    );
    let apps = c.http_get("/apis/apps/v1").json();
    let deploy = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "deployments")
        .unwrap();
    assert_eq!(deploy["kind"], "Deployment");
    assert!(
        deploy["verbs"]
            .as_array()
            .unwrap()
            .contains(&json!("patch"))
    );

    let unauth = c.http_as(None, "GET", "/api/v1/namespaces/default/pods");
    assert_eq!(unauth.status, 401);
    assert_eq!(unauth.json()["reason"], "Unauthorized");
    assert_eq!(c.http_as(Some("wrong"), "GET", "/version").status, 401);
    assert_eq!(c.http_as(None, "GET", "/healthz").status, 200);

    let nodes = c.list("nodes", None);
    assert_eq!(nodes.len(), 2);
    let ns = c.http_get("/api/v1/namespaces/default").json();
    assert_eq!(ns["status"]["phase"], "Active");
}

#[tokio::test]
async fn crud_selectors_and_not_found() {
    let c = FakeCluster::start();
    let client = c.client().await;
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), "default");
    for (name, tier) in [("alpha", "web"), ("beta", "api"), ("gamma", "web")] {
        let mut d = deployment(name, "nginx:1.27", 1);
        d["metadata"]["labels"]["tier"] = json!(tier);
        let d: Deployment = serde_json::from_value(d).unwrap();
        let created = deploys.create(&PostParams::default(), &d).await.unwrap();
        assert!(created.metadata.uid.is_some());
        assert_eq!(created.metadata.generation, Some(1));
        assert!(created.metadata.creation_timestamp.is_some());
    }
    let names = |l: kube::core::ObjectList<Deployment>| -> Vec<String> {
        l.items
            .into_iter()
            .map(|d| d.metadata.name.unwrap())
            .collect()
    };
    assert_eq!(
        names(
            deploys
                .list(&ListParams::default().labels("tier=web"))
                .await
                .unwrap()
        ),
        ["alpha", "gamma"]
    );
    assert_eq!(
        names(
            deploys
                .list(&ListParams::default().labels("tier!=web"))
                .await
                .unwrap()
        ),
        ["beta"]
    );
    assert_eq!(
        names(
            deploys
                .list(&ListParams::default().labels("tier in (api,db)"))
                .await
                .unwrap()
        ),
        ["beta"]
    );
    assert_eq!(
        names(
            deploys
                .list(&ListParams::default().labels("tier notin (api),tier"))
                .await
                .unwrap()
        ),
        ["alpha", "gamma"]
    );
    assert_eq!(
        names(
            deploys
                .list(&ListParams::default().labels("!tier"))
                .await
                .unwrap()
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        names(
            deploys
                .list(&ListParams::default().fields("metadata.name=beta"))
                .await
                .unwrap()
        ),
        ["beta"]
    );

    // Duplicate create.
    let dup: Deployment = serde_json::from_value(deployment("alpha", "nginx", 1)).unwrap();
    let e = api_err(
        deploys
            .create(&PostParams::default(), &dup)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 409);
    assert_eq!(e.reason, "AlreadyExists");
    assert_eq!(e.message, r#"deployments.apps "alpha" already exists"#);

    // Not found, with the real message.
    let e = api_err(deploys.get("x").await.unwrap_err());
    assert_eq!(e.code, 404);
    assert_eq!(e.message, r#"deployments.apps "x" not found"#);
    let raw = c.http_get("/api/v1/namespaces/default/pods/nope").json();
    assert_eq!(raw["message"], r#"pods "nope" not found"#);
    assert_eq!(raw["details"], json!({"name": "nope", "kind": "pods"}));

    // Namespace must exist.
    let other: Api<Deployment> = Api::namespaced(client.clone(), "missing");
    let e = api_err(
        other
            .create(&PostParams::default(), &dup)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (e.code, e.message.as_str()),
        (404, r#"namespaces "missing" not found"#)
    );

    // Raw list: items carry no kind/apiVersion, the list has a resourceVersion.
    let list = c
        .http_get("/apis/apps/v1/namespaces/default/deployments?labelSelector=tier%3Dweb")
        .json();
    assert_eq!(list["kind"], "DeploymentList");
    assert!(list["metadata"]["resourceVersion"].as_str().is_some());
    assert!(list["items"][0].get("kind").is_none());

    // Paging.
    let page = c
        .http_get("/apis/apps/v1/namespaces/default/deployments?limit=2")
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["metadata"]["remainingItemCount"], 1);
    let token = page["metadata"]["continue"].as_str().unwrap();
    let rest = c
        .http_get(&format!(
            "/apis/apps/v1/namespaces/default/deployments?limit=2&continue={token}"
        ))
        .json();
    assert_eq!(rest["items"][0]["metadata"]["name"], "gamma");
    assert!(rest["metadata"].get("continue").is_none());

    // PUT with a stale resourceVersion conflicts.
    let mut alpha = deploys.get("alpha").await.unwrap();
    alpha.metadata.resource_version = Some("1".into());
    let e = api_err(
        deploys
            .replace("alpha", &PostParams::default(), &alpha)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 409);
    assert!(e.message.starts_with(r#"Operation cannot be fulfilled on deployments.apps "alpha": the object has been modified"#), "{}", e.message);
}

#[tokio::test]
async fn server_side_apply_is_idempotent_and_tracks_managers() {
    let c = FakeCluster::start();
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    let pp = PatchParams::apply("b00t");
    let mut desired = deployment("web", "nginx:1.27", 1);
    desired["metadata"]["labels"]["extra"] = json!("yes");
    let first = deploys
        .patch("web", &pp, &Patch::Apply(&desired))
        .await
        .unwrap();
    let first_rv = first.metadata.resource_version.clone().unwrap();
    // Controllers touch the object (revision annotation, status); wait for quiet.
    assert!(
        c.wait_until_async(WAIT, |c| {
            c.get("deployments", "default", "web").unwrap()["status"]["conditions"]
                .as_array()
                .is_some_and(|cs| cs.iter().any(|c| c["reason"] == "NewReplicaSetAvailable"))
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = c.get("deployments", "default", "web").unwrap();
    let second = deploys
        .patch("web", &pp, &Patch::Apply(&desired))
        .await
        .unwrap();
    assert_eq!(
        second.metadata.resource_version.as_deref(),
        Some(rv(&before).as_str()),
        "no-op apply must not bump resourceVersion"
    );
    assert_eq!(second.metadata.generation, Some(1));
    assert!(!first_rv.is_empty());

    let mf = before["metadata"]["managedFields"].as_array().unwrap();
    let ours = mf.iter().find(|m| m["manager"] == "b00t").unwrap();
    assert_eq!(ours["operation"], "Apply");
    assert_eq!(ours["fieldsType"], "FieldsV1");
    assert_eq!(ours["fieldsV1"]["f:spec"]["f:replicas"], json!({}));
    assert_eq!(ours["fieldsV1"]["f:metadata"]["f:labels"]["."], json!({}));
    assert!(
        ours["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"main\"}"]
            ["f:image"]
            .is_object()
    );
    assert!(
        mf.iter()
            .any(|m| m["manager"] == "kube-controller-manager" && m["subresource"] == "status")
    );

    // Services, ConfigMaps and Secrets: defaults and conversions do not make re-applies dirty.
    let svc = json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app.kubernetes.io/name": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}
    });
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}, "data": {"a": "1"}});
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web"}, "stringData": {"API_KEY": "s3cr3t"}});
    for obj in [&svc, &cm, &secret] {
        let first = c.apply("b00t", obj.clone()).unwrap();
        let again = c.apply("b00t", obj.clone()).unwrap();
        assert_eq!(
            rv(&first),
            rv(&again),
            "re-apply of {} changed it",
            obj["kind"]
        );
    }
    let stored = c.get("services", "default", "web").unwrap();
    assert!(
        stored["spec"]["clusterIP"]
            .as_str()
            .unwrap()
            .starts_with("10.96.")
    );
    assert_eq!(stored["spec"]["ports"][0]["protocol"], "TCP");
    assert!(
        c.wait_until_async(WAIT, |c| c.get("endpoints", "default", "web").is_some_and(
            |ep| ep["subsets"][0]["ports"][0]["port"] == 8080
                && ep["subsets"][0]["addresses"]
                    .as_array()
                    .is_some_and(|a| a.len() == 1)
        ))
        .await,
        "endpoints: {:?}",
        c.get("endpoints", "default", "web")
    );

    // A spec change bumps generation; a field no longer applied is removed.
    desired["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    desired["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("extra");
    let third = deploys
        .patch("web", &pp, &Patch::Apply(&desired))
        .await
        .unwrap();
    assert_eq!(third.metadata.generation, Some(2));
    assert!(!third.metadata.labels.unwrap().contains_key("extra"));

    // Another manager changing an owned field conflicts, unless forced.
    let mut other = deployment("web", "nginx:1.28", 3);
    other["spec"].as_object_mut().unwrap().remove("template");
    other["spec"].as_object_mut().unwrap().remove("selector");
    let e = api_err(
        deploys
            .patch("web", &PatchParams::apply("other"), &Patch::Apply(&other))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 409);
    assert_eq!(e.reason, "Conflict");
    assert_eq!(
        e.message,
        r#"Apply failed with 1 conflict: conflict with "b00t": .spec.replicas"#
    );
    let forced = deploys
        .patch(
            "web",
            &PatchParams::apply("other").force(),
            &Patch::Apply(&other),
        )
        .await
        .unwrap();
    assert_eq!(forced.spec.unwrap().replicas, Some(3));
    let now = c.get("deployments", "default", "web").unwrap();
    let b00t = now["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["manager"] == "b00t")
        .unwrap()
        .clone();
    assert!(
        b00t["fieldsV1"]["f:spec"].get("f:replicas").is_none(),
        "forced apply takes ownership"
    );

    // Apply without fieldManager is refused; dry run stores nothing.
    let raw = c.http(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web",
        Some("application/apply-patch+yaml"),
        Some(&desired.to_string()),
    );
    assert_eq!(raw.status, 400);
    assert!(
        raw.json()["message"]
            .as_str()
            .unwrap()
            .contains("fieldManager: Required value")
    );
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dry\nspec:\n  selector:\n    matchLabels: {app: dry}\n  template:\n    metadata:\n      labels: {app: dry}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
    let raw = c.http(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/dry?fieldManager=b00t&dryRun=All",
        Some("application/apply-patch+yaml"),
        Some(yaml),
    );
    assert_eq!(raw.status, 201, "{}", raw.body);
    assert_eq!(
        raw.json()["spec"]["replicas"],
        1,
        "defaults applied in dry run"
    );
    assert!(c.get("deployments", "default", "dry").is_none());
    let raw = c.http(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/dry?fieldManager=b00t",
        Some("application/apply-patch+yaml"),
        Some(yaml),
    );
    assert_eq!(raw.status, 201, "{}", raw.body);
    assert!(c.get("deployments", "default", "dry").is_some());
}

#[tokio::test]
async fn server_side_apply_of_an_annotated_object_is_a_no_op_the_second_time() {
    let c = FakeCluster::start();
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    let pp = PatchParams::apply("b00t").force();
    let mut desired = deployment("web", "nginx:1.27", 1);
    desired["metadata"]["annotations"] = json!({"b00t.dev/source": "compose.yaml"});
    desired["spec"]["template"]["metadata"]["annotations"] = json!({"b00t.dev/config-hash": "abc"});
    let ours = |v: &Value| -> Value {
        v["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["manager"] == "b00t")
            .cloned()
            .unwrap()
    };
    deploys
        .patch("web", &pp, &Patch::Apply(&desired))
        .await
        .unwrap();
    // The deployment controller adds its revision annotation and writes the status.
    assert!(
        c.wait_until_async(WAIT, |c| {
            c.get("deployments", "default", "web").unwrap()["status"]["conditions"]
                .as_array()
                .is_some_and(|cs| cs.iter().any(|c| c["reason"] == "NewReplicaSetAvailable"))
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = c.get("deployments", "default", "web").unwrap();
    assert_eq!(
        before["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    let second = deploys
        .patch("web", &pp, &Patch::Apply(&desired))
        .await
        .unwrap();
    assert_eq!(
        second.metadata.resource_version.as_deref(),
        Some(rv(&before).as_str()),
        "no-op apply must not bump resourceVersion"
    );
    assert_eq!(second.metadata.generation, Some(1));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = c.get("deployments", "default", "web").unwrap();
    assert_eq!(ours(&after), ours(&before), "managedFields of b00t changed");
    let f = &ours(&after)["fieldsV1"];
    assert_eq!(f["f:metadata"]["f:annotations"]["."], json!({}));
    assert_eq!(
        f["f:spec"]["f:template"]["f:metadata"]["f:annotations"]["."],
        json!({})
    );
    // The controller owns only the annotation it added.
    let kcm = after["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["manager"] == "kube-controller-manager" && m.get("subresource").is_none())
        .cloned()
        .unwrap();
    assert_eq!(
        kcm["fieldsV1"]["f:metadata"]["f:annotations"],
        json!({"f:deployment.kubernetes.io/revision": {}})
    );
}

#[tokio::test]
async fn patches_merge_strategic_json() {
    let c = FakeCluster::start();
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    let mut d = deployment("p", "nginx:1", 1);
    d["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "side", "image": "busybox", "env": [{"name": "A", "value": "1"}]}));
    deploys
        .create(&PostParams::default(), &serde_json::from_value(d).unwrap())
        .await
        .unwrap();
    let smp = json!({"spec": {"template": {"spec": {"containers": [{"name": "side", "env": [{"name": "B", "value": "2"}]}]}}}});
    let out = deploys
        .patch("p", &PatchParams::default(), &Patch::Strategic(&smp))
        .await
        .unwrap();
    let containers = out.spec.unwrap().template.spec.unwrap().containers;
    assert_eq!(
        containers.len(),
        2,
        "strategic merge keeps other containers"
    );
    let env = containers[1].env.clone().unwrap();
    assert_eq!(
        env.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["A", "B"]
    );

    let merge = json!({"metadata": {"labels": {"m": "1"}}});
    let out = deploys
        .patch("p", &PatchParams::default(), &Patch::Merge(&merge))
        .await
        .unwrap();
    assert_eq!(out.metadata.labels.unwrap()["m"], "1");
    assert_eq!(
        out.metadata.generation,
        Some(2),
        "metadata changes do not bump generation"
    );

    let jp: json_patch::Patch =
        serde_json::from_value(json!([{"op": "replace", "path": "/spec/replicas", "value": 2}]))
            .unwrap();
    let out = deploys
        .patch("p", &PatchParams::default(), &Patch::<()>::Json(jp))
        .await
        .unwrap();
    assert_eq!(out.spec.unwrap().replicas, Some(2));
    assert_eq!(out.metadata.generation, Some(3));

    // Secrets: stringData becomes base64 data.
    let secrets: Api<Secret> = Api::namespaced(c.client().await, "default");
    let s: Secret = serde_json::from_value(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"TOKEN": "hello"}})).unwrap();
    secrets.create(&PostParams::default(), &s).await.unwrap();
    let stored = c.get("secrets", "default", "s").unwrap();
    assert_eq!(stored["data"]["TOKEN"], "aGVsbG8=");
    assert!(stored.get("stringData").is_none());
    assert_eq!(stored["type"], "Opaque");
}

#[tokio::test]
async fn deployment_rolls_out_to_ready_pods() {
    let c = FakeCluster::start();
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    deploys
        .patch(
            "web",
            &PatchParams::apply("b00t"),
            &Patch::Apply(&deployment("web", "nginx:1.27", 2)),
        )
        .await
        .unwrap();
    assert!(
        c.wait_until_async(
            WAIT,
            |c| c.get("deployments", "default", "web").unwrap()["status"]["readyReplicas"] == 2
        )
        .await,
        "deployment never became ready: {}",
        c.get("deployments", "default", "web").unwrap()["status"]
    );
    let d = c.get("deployments", "default", "web").unwrap();
    let st = &d["status"];
    assert_eq!(st["observedGeneration"], 1);
    assert_eq!(st["replicas"], 2);
    assert_eq!(st["updatedReplicas"], 2);
    assert_eq!(st["availableReplicas"], 2);
    let cond = |ty: &str| {
        st["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == ty)
            .unwrap()
            .clone()
    };
    assert_eq!(cond("Available")["reason"], "MinimumReplicasAvailable");
    assert!(
        c.wait_until_async(WAIT, |c| {
            c.get("deployments", "default", "web").unwrap()["status"]["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["type"] == "Progressing" && c["reason"] == "NewReplicaSetAvailable")
        })
        .await
    );

    let rss = c.list("replicasets", Some("default"));
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap();
    assert_eq!(rs["metadata"]["name"], format!("web-{hash}"));
    assert_eq!(rs["metadata"]["ownerReferences"][0]["kind"], "Deployment");
    assert_eq!(rs["metadata"]["ownerReferences"][0]["controller"], true);
    assert_eq!(
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );

    let pods = c.pods_with_prefix("default", &format!("web-{hash}-"));
    assert_eq!(pods.len(), 2);
    for p in &pods {
        let suffix = p["metadata"]["name"]
            .as_str()
            .unwrap()
            .rsplit('-')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(suffix.len(), 5);
        assert_eq!(
            p["metadata"]["ownerReferences"][0]["name"],
            rs["metadata"]["name"]
        );
        assert!(
            p["spec"]["nodeName"]
                .as_str()
                .unwrap()
                .starts_with("fake-node-")
        );
        assert_eq!(p["status"]["phase"], "Running");
        assert!(
            p["status"]["podIP"]
                .as_str()
                .unwrap()
                .starts_with("10.244.")
        );
        let cs = &p["status"]["containerStatuses"][0];
        assert_eq!(cs["ready"], true);
        assert!(cs["state"]["running"]["startedAt"].is_string());
        let reasons: Vec<String> = c
            .events_for("default", p["metadata"]["name"].as_str().unwrap())
            .iter()
            .map(|e| e["reason"].as_str().unwrap().to_string())
            .collect();
        for r in ["Scheduled", "Pulling", "Pulled", "Created", "Started"] {
            assert!(
                reasons.contains(&r.to_string()),
                "missing event {r}: {reasons:?}"
            );
        }
    }
    let scaling: Vec<Value> = c
        .events_for("default", "web")
        .into_iter()
        .filter(|e| e["reason"] == "ScalingReplicaSet")
        .collect();
    assert_eq!(
        scaling[0]["message"],
        format!("Scaled up replica set web-{hash} from 0 to 2")
    );

    // Rolling restart: a new ReplicaSet takes over, the old one is scaled to zero.
    let restart = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-21T10:00:00Z"}}}}});
    deploys
        .patch("web", &PatchParams::default(), &Patch::Strategic(&restart))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| {
            let rss = c.list("replicasets", Some("default"));
            let d = c.get("deployments", "default", "web").unwrap();
            rss.len() == 2
                && rss.iter().any(|rs| {
                    rs["metadata"]["labels"]["pod-template-hash"] == hash
                        && rs["spec"]["replicas"] == 0
                })
                && d["status"]["updatedReplicas"] == 2
                && d["status"]["readyReplicas"] == 2
                && d["status"]["replicas"] == 2
        })
        .await,
        "rollout did not complete: {:?}",
        c.list("replicasets", Some("default"))
            .iter()
            .map(|r| (
                r["metadata"]["name"].clone(),
                r["spec"]["replicas"].clone(),
                r["status"].clone()
            ))
            .collect::<Vec<_>>()
    );
    let d = c.get("deployments", "default", "web").unwrap();
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    assert_eq!(d["metadata"]["generation"], 2);

    // Scale down through spec.replicas.
    deploys
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 1}})),
        )
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| c.list("pods", Some("default")).len() == 1)
            .await
    );
}

#[tokio::test]
async fn crash_loop_restarts_and_keeps_previous_logs() {
    let c = FakeCluster::start();
    c.set_behavior(
        Matcher::image("crashy"),
        Behavior::CrashLoop {
            exit_code: 3,
            logs: vec!["fatal: boom".into()],
        },
    );
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod("cr", "example/crashy:1")).unwrap(),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| c.get("pods", "default", "cr").unwrap()["status"]
            ["containerStatuses"][0]["restartCount"]
            .as_i64()
            .unwrap_or(0)
            >= 2)
            .await,
        "no restarts: {}",
        c.get("pods", "default", "cr").unwrap()["status"]
    );
    assert!(
        c.wait_until_async(WAIT, |c| c.get("pods", "default", "cr").unwrap()["status"]
            ["containerStatuses"][0]["state"]["waiting"]["reason"]
            == "CrashLoopBackOff")
            .await
    );
    let p = c.get("pods", "default", "cr").unwrap();
    let cs = &p["status"]["containerStatuses"][0];
    assert_eq!(cs["ready"], false);
    assert!(
        cs["state"]["waiting"]["message"]
            .as_str()
            .unwrap()
            .starts_with("back-off "),
        "{cs}"
    );
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 3);
    assert_eq!(cs["lastState"]["terminated"]["reason"], "Error");
    let ready = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(ready["status"], "False");
    assert_eq!(ready["reason"], "ContainersNotReady");

    let prev = pods
        .logs(
            "cr",
            &LogParams {
                previous: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(prev.contains("fatal: boom"), "{prev}");
    let events = c.events_for("default", "cr");
    let backoff = events
        .iter()
        .find(|e| e["reason"] == "BackOff")
        .expect("BackOff event");
    assert_eq!(backoff["type"], "Warning");
    assert!(
        backoff["message"]
            .as_str()
            .unwrap()
            .starts_with("Back-off restarting failed container main in pod cr_default(")
    );
}

#[tokio::test]
async fn logs_follow_previous_and_errors() {
    let c = FakeCluster::start();
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod("lg", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "lg").unwrap()
        ))
        .await
    );
    let startup = pods.logs("lg", &LogParams::default()).await.unwrap();
    assert!(startup.lines().count() >= 2, "{startup}");

    let stream = pods
        .log_stream(
            "lg",
            &LogParams {
                follow: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut lines = stream.lines();
    for _ in 0..startup.lines().count() {
        lines.next().await.unwrap().unwrap();
    }
    c.append_log("default", "lg", "main", "GET /healthz 200");
    let got = tokio::time::timeout(Duration::from_secs(5), lines.next())
        .await
        .expect("follow got nothing")
        .unwrap()
        .unwrap();
    assert_eq!(got, "GET /healthz 200");

    let ts = pods
        .logs(
            "lg",
            &LogParams {
                timestamps: true,
                tail_lines: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (stamp, text) = ts.trim_end().split_once(' ').unwrap();
    assert_eq!(text, "GET /healthz 200");
    assert!(
        stamp.ends_with('Z') && stamp.parse::<jiff::Timestamp>().is_ok(),
        "{stamp}"
    );

    let e = api_err(
        pods.logs(
            "lg",
            &LogParams {
                previous: true,
                ..Default::default()
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        r#"previous terminated container "main" in pod "lg" not found"#
    );

    let mut two = pod("two", "nginx");
    two["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "side", "image": "busybox"}));
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(two).unwrap(),
    )
    .await
    .unwrap();
    let e = api_err(pods.logs("two", &LogParams::default()).await.unwrap_err());
    assert_eq!(
        e.message,
        "a container name must be specified for pod two, choose one of: [main side]"
    );

    // Follow ends when the pod goes away.
    let stream = pods
        .log_stream(
            "lg",
            &LogParams {
                follow: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    pods.delete("lg", &DeleteParams::default()).await.unwrap();
    let all = tokio::time::timeout(
        Duration::from_secs(5),
        stream.lines().try_collect::<Vec<_>>(),
    )
    .await;
    assert!(all.is_ok(), "follow did not end after pod deletion");
}

#[tokio::test]
async fn image_pull_and_unschedulable_pods() {
    let c = FakeCluster::start();
    c.set_behavior(Matcher::image("nosuch"), Behavior::ImagePullBackOff);
    c.set_behavior(Matcher::pod("stuck"), Behavior::Unschedulable);
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod("pull", "nosuch:1")).unwrap(),
    )
    .await
    .unwrap();
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod("stuck-1", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(
            WAIT,
            |c| c.get("pods", "default", "pull").unwrap()["status"]["containerStatuses"][0]["state"]
                ["waiting"]["reason"]
                == "ImagePullBackOff"
        )
        .await
    );
    let p = c.get("pods", "default", "pull").unwrap();
    assert!(
        p["status"]["containerStatuses"][0]["state"]["waiting"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Back-off pulling image \"nosuch:1\"")
    );
    assert_eq!(p["status"]["phase"], "Pending");

    assert!(
        c.wait_until_async(WAIT, |c| !c.events_for("default", "stuck-1").is_empty())
            .await
    );
    let s = c.get("pods", "default", "stuck-1").unwrap();
    assert!(s["spec"].get("nodeName").is_none());
    assert_eq!(s["status"]["conditions"][0]["reason"], "Unschedulable");
    let ev = &c.events_for("default", "stuck-1")[0];
    assert_eq!(ev["reason"], "FailedScheduling");
    assert!(
        ev["message"]
            .as_str()
            .unwrap()
            .starts_with("0/2 nodes are available: ")
    );
}

#[tokio::test]
async fn cascade_delete_removes_everything() {
    let c = FakeCluster::start();
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    for name in ["bg", "fg"] {
        deploys
            .patch(
                name,
                &PatchParams::apply("b00t"),
                &Patch::Apply(&deployment(name, "nginx", 2)),
            )
            .await
            .unwrap();
    }
    assert!(
        c.wait_until_async(WAIT, |c| ready_pods(c, "default", "bg-") == 2
            && ready_pods(c, "default", "fg-") == 2)
            .await
    );

    let res = deploys
        .delete("bg", &DeleteParams::background())
        .await
        .unwrap();
    assert!(res.is_right(), "immediate deletion returns a Status");
    let fg = deploys
        .delete("fg", &DeleteParams::foreground())
        .await
        .unwrap();
    let fg = fg.left().expect("foreground deletion returns the object");
    assert!(fg.metadata.deletion_timestamp.is_some());
    assert!(
        fg.metadata
            .finalizers
            .unwrap()
            .contains(&"foregroundDeletion".to_string())
    );
    assert!(
        c.wait_until_async(WAIT, |c| c.list("deployments", Some("default")).is_empty()
            && c.list("replicasets", Some("default")).is_empty()
            && c.list("pods", Some("default")).is_empty())
            .await,
        "left behind: {:?}",
        c.list("pods", Some("default"))
            .iter()
            .map(|p| p["metadata"]["name"].clone())
            .collect::<Vec<_>>()
    );

    // Orphan keeps the ReplicaSet, without owner.
    deploys
        .patch(
            "orph",
            &PatchParams::apply("b00t"),
            &Patch::Apply(&deployment("orph", "nginx", 1)),
        )
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| c.list("replicasets", Some("default")).len() == 1)
            .await
    );
    deploys
        .delete(
            "orph",
            &DeleteParams {
                propagation_policy: Some(PropagationPolicy::Orphan),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss = c.list("replicasets", Some("default"));
    assert_eq!(rss.len(), 1);
    assert!(rss[0]["metadata"].get("ownerReferences").is_none());

    // Namespace deletion removes its contents.
    let nss: Api<Namespace> = Api::all(c.client().await);
    nss.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "tmp"}})).unwrap(),
    )
    .await
    .unwrap();
    let tmp: Api<Deployment> = Api::namespaced(c.client().await, "tmp");
    tmp.patch(
        "x",
        &PatchParams::apply("b00t"),
        &Patch::Apply(&deployment("x", "nginx", 1)),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ready_pods(c, "tmp", "x-") == 1)
            .await
    );
    nss.delete("tmp", &DeleteParams::default()).await.unwrap();
    assert_eq!(
        c.get("namespaces", "", "tmp").unwrap()["status"]["phase"],
        "Terminating"
    );
    let e = api_err(
        tmp.create(
            &PostParams::default(),
            &serde_json::from_value(deployment("y", "nginx", 1)).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 403);
    assert!(
        c.wait_until_async(WAIT, |c| c.get("namespaces", "", "tmp").is_none())
            .await
    );
    assert!(c.list("pods", Some("tmp")).is_empty());
}

#[tokio::test]
async fn faults_answer_real_statuses() {
    let c = FakeCluster::start();
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    c.fail(
        FaultRule::new(403)
            .verb("patch")
            .resource("deployments")
            .times(1),
    );
    let e = api_err(
        deploys
            .patch(
                "web",
                &PatchParams::apply("b00t"),
                &Patch::Apply(&deployment("web", "nginx", 1)),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 403);
    assert_eq!(e.reason, "Forbidden");
    assert_eq!(
        e.message,
        r#"deployments.apps "web" is forbidden: User "fake-user" cannot patch resource "deployments" in API group "apps" in the namespace "default""#
    );
    // times(1): the next one goes through.
    deploys
        .patch(
            "web",
            &PatchParams::apply("b00t"),
            &Patch::Apply(&deployment("web", "nginx", 1)),
        )
        .await
        .unwrap();

    c.fail(FaultRule::new(403).verb("create").resource("deployments"));
    let raw = c.http(
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        Some("application/json"),
        Some(&deployment("z", "nginx", 1).to_string()),
    );
    assert_eq!(raw.status, 403);
    let body = raw.json();
    assert_eq!(
        body["message"],
        r#"deployments.apps is forbidden: User "fake-user" cannot create resource "deployments" in API group "apps" in the namespace "default""#
    );
    assert_eq!(
        body["details"],
        json!({"group": "apps", "kind": "deployments"})
    );
    c.fail(FaultRule::new(500).verb("list").resource("pods"));
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    let e = api_err(pods.list(&ListParams::default()).await.unwrap_err());
    assert_eq!((e.code, e.reason.as_str()), (500, "InternalError"));
    c.clear_faults();
    pods.list(&ListParams::default()).await.unwrap();

    c.fail(FaultRule::new(429).resource("pods").times(1));
    let raw = c.http_get("/api/v1/namespaces/default/pods");
    assert_eq!(raw.status, 429);
    assert_eq!(raw.header("retry-after"), Some("1"));

    c.hang(FaultRule::new(0).verb("get").resource("pods").name("slow"));
    let r = tokio::time::timeout(Duration::from_millis(500), pods.get("slow")).await;
    assert!(r.is_err(), "a hung request must not be answered");

    c.fail(FaultRule::new(401).times(1));
    let e = api_err(pods.list(&ListParams::default()).await.unwrap_err());
    assert_eq!((e.code, e.message.as_str()), (401, "Unauthorized"));
    c.fail(
        FaultRule::new(404)
            .verb("get")
            .resource("deployments")
            .name("web")
            .times(1),
    );
    let e = api_err(deploys.get("web").await.unwrap_err());
    assert_eq!(e.message, r#"deployments.apps "web" not found"#);
    deploys.get("web").await.unwrap();

    // Recorded requests: reads only.
    c.clear_requests();
    let _ = pods.list(&ListParams::default()).await.unwrap();
    assert!(c.requests().iter().all(|r| !r.is_write()));
    assert_eq!(c.requests()[0].path, "/api/v1/namespaces/default/pods");
}

#[tokio::test]
async fn validation_and_pod_security() {
    let c = FakeCluster::builder().namespace("secure").start();
    c.modify("namespaces", "", "secure", |ns| {
        ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = json!("restricted");
    });
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    let bad: Deployment = serde_json::from_value(deployment("Bad_Name", "nginx", 1)).unwrap();
    let e = api_err(
        deploys
            .create(&PostParams::default(), &bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    assert_eq!(e.reason, "Invalid");
    assert!(e.message.starts_with(r#"Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain"#), "{}", e.message);

    let mut mismatch = deployment("mm", "nginx", 1);
    mismatch["spec"]["template"]["metadata"]["labels"] = json!({"other": "x"});
    let e = api_err(
        deploys
            .create(
                &PostParams::default(),
                &serde_json::from_value(mismatch).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert!(e.message.contains("spec.template.metadata.labels: Invalid value: map[string]string{\"other\":\"x\"}: `selector` does not match template `labels`"), "{}", e.message);

    let pods: Api<Pod> = Api::namespaced(c.client().await, "secure");
    let e = api_err(
        pods.create(
            &PostParams::default(),
            &serde_json::from_value(pod("bad", "nginx")).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        r#"pods "bad" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "main" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "main" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "main" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "main" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#
    );
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(restricted_pod("good")).unwrap(),
    )
    .await
    .unwrap();

    // A Deployment is admitted; its ReplicaSet cannot create pods and says why.
    let secure: Api<Deployment> = Api::namespaced(c.client().await, "secure");
    secure
        .patch(
            "web",
            &PatchParams::apply("b00t"),
            &Patch::Apply(&deployment("web", "nginx", 1)),
        )
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| c.list("replicasets", Some("secure")).iter().any(
            |rs| {
                rs["status"]["conditions"].as_array().is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "ReplicaFailure" && c["reason"] == "FailedCreate")
                })
            }
        ))
        .await
    );
    let rs = c.list("replicasets", Some("secure")).remove(0);
    let ev = c.events_for("secure", rs["metadata"]["name"].as_str().unwrap());
    let failed = ev
        .iter()
        .find(|e| e["reason"] == "FailedCreate")
        .expect("FailedCreate event");
    assert_eq!(failed["type"], "Warning");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .starts_with("Error creating: pods \"web-")
    );
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("violates PodSecurity \"restricted:latest\"")
    );
    assert!(
        c.wait_until_async(WAIT, |c| {
            c.get("deployments", "secure", "web").unwrap()["status"]["conditions"]
                .as_array()
                .is_some_and(|cs| cs.iter().any(|c| c["type"] == "ReplicaFailure"))
        })
        .await
    );
}

#[tokio::test]
async fn watch_sees_added_modified_deleted() {
    let c = FakeCluster::start();
    let client = c.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let start = c.resource_version().to_string();
    let mut stream = pods
        .watch(&WatchParams::default().labels("app=w"), &start)
        .await
        .unwrap()
        .boxed();
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod("w", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod("unrelated", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut deleted = false;
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, stream.next()).await {
        match ev.unwrap() {
            WatchEvent::Added(p) => seen.push(("ADDED", p.metadata.name.unwrap())),
            WatchEvent::Modified(p) => {
                seen.push(("MODIFIED", p.metadata.name.unwrap()));
                if !deleted && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                {
                    deleted = true;
                    pods.delete("w", &DeleteParams::default()).await.unwrap();
                }
            }
            WatchEvent::Deleted(p) => {
                seen.push(("DELETED", p.metadata.name.unwrap()));
                break;
            }
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        }
    }
    assert_eq!(seen.first(), Some(&("ADDED", "w".to_string())));
    assert!(seen.iter().any(|(t, _)| *t == "MODIFIED"));
    assert_eq!(seen.last(), Some(&("DELETED", "w".to_string())));
    assert!(
        seen.iter().all(|(_, n)| n == "w"),
        "selector respected: {seen:?}"
    );

    // kube-runtime's watcher (list + watch with bookmarks) works against it.
    let rss: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let mut w = watcher(rss, watcher::Config::default()).boxed();
    let first = tokio::time::timeout(WAIT, w.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(first, watcher::Event::Init));
    let second = tokio::time::timeout(WAIT, w.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(second, watcher::Event::InitDone));
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), "default");
    deploys
        .patch(
            "wd",
            &PatchParams::apply("b00t"),
            &Patch::Apply(&deployment("wd", "nginx", 1)),
        )
        .await
        .unwrap();
    let third = tokio::time::timeout(WAIT, w.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        matches!(third, watcher::Event::Apply(rs) if rs.metadata.name.as_deref().unwrap().starts_with("wd-"))
    );

    // Too old a resourceVersion: 410 Gone as an ERROR event.
    c.compact();
    let raw = c.http_stream(
        "/api/v1/namespaces/default/pods?watch=1&resourceVersion=5",
        Duration::from_secs(2),
    );
    assert_eq!(raw.status, 200);
    let lines = raw.json_lines();
    assert_eq!(lines[0]["type"], "ERROR");
    assert_eq!(lines[0]["object"]["code"], 410);
    assert_eq!(lines[0]["object"]["reason"], "Expired");
}

#[tokio::test]
async fn daemonset_runs_one_pod_per_node() {
    let c = FakeCluster::builder().nodes(3).start();
    let dss: Api<DaemonSet> = Api::namespaced(c.client().await, "default");
    let ds = json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"hostPID": true, "containers": [{"name": "a", "image": "otel/ebpf-instrument:main"}]}}
        }
    });
    dss.patch("agent", &PatchParams::apply("b00t"), &Patch::Apply(&ds))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(
            WAIT,
            |c| c.get("daemonsets", "default", "agent").unwrap()["status"]["numberReady"] == 3
        )
        .await
    );
    let st = c.get("daemonsets", "default", "agent").unwrap()["status"].clone();
    assert_eq!(st["desiredNumberScheduled"], 3);
    assert_eq!(st["updatedNumberScheduled"], 3);
    assert_eq!(st["numberAvailable"], 3);
    assert_eq!(st["observedGeneration"], 1);
    let mut nodes: Vec<String> = c
        .pods_with_prefix("default", "agent-")
        .iter()
        .map(|p| p["spec"]["nodeName"].as_str().unwrap().to_string())
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["fake-node-1", "fake-node-2", "fake-node-3"]);

    // A template change rolls the pods.
    let mut ds2 = ds.clone();
    ds2["spec"]["template"]["spec"]["containers"][0]["image"] = json!("otel/ebpf-instrument:v2");
    dss.patch("agent", &PatchParams::apply("b00t"), &Patch::Apply(&ds2))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(Duration::from_secs(20), |c| {
            let pods = c.pods_with_prefix("default", "agent-");
            pods.len() == 3
                && pods.iter().all(|p| {
                    p["spec"]["containers"][0]["image"] == "otel/ebpf-instrument:v2"
                        && FakeCluster::pod_is_ready(p)
                })
        })
        .await
    );
}

#[tokio::test]
async fn daemonset_rollout_with_bad_image_can_roll_back() {
    let c = FakeCluster::start();
    c.set_behavior(Matcher::image(":broken"), Behavior::ImagePullBackOff);
    let dss: Api<DaemonSet> = Api::namespaced(c.client().await, "default");
    let ds = |tag: &str| {
        json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "obi"},
            "spec": {
                "selector": {"matchLabels": {"app": "obi"}},
                "template": {"metadata": {"labels": {"app": "obi"}}, "spec": {"containers": [{"name": "obi", "image": format!("otel/ebpf-instrument:{tag}")}]}}
            }
        })
    };
    let pp = PatchParams::apply("b00t");
    dss.patch("obi", &pp, &Patch::Apply(&ds("v1")))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(
            WAIT,
            |c| c.get("daemonsets", "default", "obi").unwrap()["status"]["numberReady"] == 2
        )
        .await
    );
    dss.patch("obi", &pp, &Patch::Apply(&ds("broken")))
        .await
        .unwrap();
    // One pod is replaced and gets stuck; the other old pod is kept (maxUnavailable 1).
    assert!(
        c.wait_until_async(WAIT, |c| c.pods_with_prefix("default", "obi-").iter().any(
            |p| {
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "ImagePullBackOff"
            }
        ))
        .await
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let st = c.get("daemonsets", "default", "obi").unwrap()["status"].clone();
    assert_eq!(st["numberReady"], 1, "{st}");
    assert_eq!(st["updatedNumberScheduled"], 1, "{st}");
    assert_eq!(st["numberUnavailable"], 1, "{st}");
    // Rolling back replaces the stuck pod even though it is unavailable.
    dss.patch("obi", &pp, &Patch::Apply(&ds("v1")))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| {
            let pods = c.pods_with_prefix("default", "obi-");
            pods.len() == 2
                && pods.iter().all(|p| {
                    p["spec"]["containers"][0]["image"] == "otel/ebpf-instrument:v1"
                        && FakeCluster::pod_is_ready(p)
                })
        })
        .await
    );
}

#[test]
fn kubectl_style_tables_openapi_and_metrics() {
    let c = FakeCluster::builder().metrics(true).start();
    c.create(deployment("tbl", "nginx", 1));
    assert!(c.wait_until(WAIT, |c| ready_pods(c, "default", "tbl-") == 1));
    let raw = c.http_as_accept(
        "/api/v1/namespaces/default/pods",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    );
    let table = raw.json();
    assert_eq!(table["kind"], "Table");
    let cols: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(&cols[..5], ["Name", "Ready", "Status", "Restarts", "Age"]);
    assert_eq!(table["rows"][0]["cells"][1], "1/1");
    assert_eq!(table["rows"][0]["cells"][2], "Running");
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");

    let root = c.http_get("/openapi/v3").json();
    let url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap()
        .to_string();
    let doc = c.http_get(&url).json();
    let patch = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"]["kind"],
        "Deployment"
    );

    let pod = c.pods_with_prefix("default", "tbl-").remove(0);
    let name = pod["metadata"]["name"].as_str().unwrap();
    c.set_pod_metrics("default", name, "main", "250m", "64Mi");
    let m = c
        .http_get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
        .json();
    assert_eq!(m["kind"], "PodMetricsList");
    assert_eq!(
        m["items"][0]["containers"][0]["usage"],
        json!({"cpu": "250m", "memory": "64Mi"})
    );
    let nodes = c.http_get("/apis/metrics.k8s.io/v1beta1/nodes").json();
    assert_eq!(nodes["items"].as_array().unwrap().len(), 2);
    let groups = c.http_get("/apis").json();
    assert!(
        groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "metrics.k8s.io")
    );
    // Without the option, the group does not exist.
    let plain = FakeCluster::start();
    assert_eq!(
        plain.http_get("/apis/metrics.k8s.io/v1beta1/nodes").status,
        404
    );
}

#[tokio::test]
async fn scale_deletecollection_paging_and_merged_kubeconfig() {
    let c = FakeCluster::start();
    // A second kubeconfig file with its own context, merged through KUBECONFIG-style reading.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other");
    c.write_kubeconfig_to(&other, "second", "kube-system");
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(text.contains("current-context: second") && text.contains("namespace: kube-system"));
    let kc = kube::config::Kubeconfig::read_from(&other).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
        .await
        .unwrap();
    assert_eq!(cfg.default_namespace, "kube-system");
    let client = kube::Client::try_from(cfg).unwrap();
    let v = client.apiserver_version().await.unwrap();
    assert_eq!(v.git_version, "v1.33.2");

    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    deploys
        .patch(
            "sc",
            &PatchParams::apply("b00t"),
            &Patch::Apply(&deployment("sc", "nginx", 1)),
        )
        .await
        .unwrap();
    let scale = deploys.get_scale("sc").await.unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(1));
    deploys
        .patch_scale(
            "sc",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ready_pods(c, "default", "sc-") == 3)
            .await
    );

    // kube-runtime watcher paging through a list with small pages.
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    let mut w = watcher(pods.clone(), watcher::Config::default().page_size(1)).boxed();
    let mut names = Vec::new();
    while let Some(ev) = tokio::time::timeout(WAIT, w.next()).await.unwrap() {
        match ev.unwrap() {
            watcher::Event::InitApply(p) => names.push(p.metadata.name.unwrap()),
            watcher::Event::InitDone => break,
            _ => {}
        }
    }
    assert_eq!(names.len(), 3);
    let limits: Vec<String> = c
        .requests()
        .iter()
        .filter_map(|r| r.param("limit"))
        .collect();
    assert!(
        limits.iter().all(|l| l == "1") && limits.len() >= 3,
        "{limits:?}"
    );

    // deletecollection by label: the pods go, the ReplicaSet replaces them.
    let out = pods
        .delete_collection(
            &DeleteParams::default(),
            &ListParams::default().labels("app.kubernetes.io/name=sc"),
        )
        .await
        .unwrap();
    let deleted = out.left().expect("a list of the deleted pods");
    assert_eq!(deleted.items.len(), 3);
    assert!(
        c.wait_until_async(WAIT, |c| {
            let now: Vec<String> = c
                .pods_with_prefix("default", "sc-")
                .iter()
                .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
                .collect();
            now.len() == 3
                && names.iter().all(|n| !now.contains(n))
                && ready_pods(c, "default", "sc-") == 3
        })
        .await
    );
}

#[tokio::test]
async fn progress_deadline_and_log_filters() {
    let c = FakeCluster::start();
    c.set_behavior(Matcher::image("never-ready"), Behavior::NeverReady);
    let deploys: Api<Deployment> = Api::namespaced(c.client().await, "default");
    let mut d = deployment("slow", "example/never-ready:1", 1);
    d["spec"]["progressDeadlineSeconds"] = json!(1);
    deploys
        .patch("slow", &PatchParams::apply("b00t"), &Patch::Apply(&d))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| {
            c.get("deployments", "default", "slow").unwrap()["status"]["conditions"]
                .as_array()
                .is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c["type"] == "Progressing"
                            && c["status"] == "False"
                            && c["reason"] == "ProgressDeadlineExceeded"
                    })
                })
        })
        .await,
        "{}",
        c.get("deployments", "default", "slow").unwrap()["status"]
    );
    let st = c.get("deployments", "default", "slow").unwrap()["status"].clone();
    assert_eq!(st["unavailableReplicas"], 1);
    assert!(
        st.get("readyReplicas").is_none(),
        "zero counts are omitted like the real server: {st}"
    );
    let pod = c.pods_with_prefix("default", "slow-").remove(0);
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    assert!(
        c.wait_until_async(WAIT, |c| c
            .events_for("default", &name)
            .iter()
            .any(|e| e["reason"] == "Unhealthy"))
            .await
    );

    // Log filters: tailLines, limitBytes, sinceTime.
    for i in 0..5 {
        c.append_log("default", &name, "main", &format!("line {i}"));
    }
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    let tail = pods
        .logs(
            &name,
            &LogParams {
                tail_lines: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(tail, "line 3\nline 4\n");
    let limited = pods
        .logs(
            &name,
            &LogParams {
                limit_bytes: Some(4),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(limited.len(), 4);
    let future = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
    let none = pods
        .logs(
            &name,
            &LogParams {
                since_time: Some(future),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(none, "");
    let recent = pods
        .logs(
            &name,
            &LogParams {
                since_seconds: Some(60),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(recent.ends_with("line 4\n"));
}

#[tokio::test]
async fn run_once_pods_and_node_not_ready() {
    let c = FakeCluster::start();
    c.set_behavior(
        Matcher::pod("once"),
        Behavior::CrashLoop {
            exit_code: 2,
            logs: vec!["bye".into()],
        },
    );
    let mut once = pod("once", "busybox");
    once["spec"]["restartPolicy"] = json!("Never");
    c.create(once);
    assert!(
        c.wait_until_async(
            WAIT,
            |c| c.get("pods", "default", "once").unwrap()["status"]["phase"] == "Failed"
        )
        .await
    );
    let p = c.get("pods", "default", "once").unwrap();
    assert_eq!(
        p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"],
        2
    );
    assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 0);

    c.create(pod("steady", "nginx"));
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "steady").unwrap()
        ))
        .await
    );
    let node = c.get("pods", "default", "steady").unwrap()["spec"]["nodeName"]
        .as_str()
        .unwrap()
        .to_string();
    c.set_node_ready(&node, false);
    assert!(
        c.wait_until_async(WAIT, |c| !FakeCluster::pod_is_ready(
            &c.get("pods", "default", "steady").unwrap()
        ))
        .await
    );
    // New pods avoid the NotReady node.
    for i in 0..4 {
        c.create(pod(&format!("new{i}"), "nginx"));
    }
    assert!(
        c.wait_until_async(WAIT, |c| (0..4).all(|i| FakeCluster::pod_is_ready(
            &c.get("pods", "default", &format!("new{i}")).unwrap()
        )))
        .await
    );
    for i in 0..4 {
        assert_ne!(
            c.get("pods", "default", &format!("new{i}")).unwrap()["spec"]["nodeName"],
            node.as_str()
        );
    }
    c.set_node_ready(&node, true);
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "steady").unwrap()
        ))
        .await
    );
}

#[test]
fn dropping_the_cluster_stops_the_server() {
    let c = FakeCluster::start();
    let addr = c.url().trim_start_matches("http://").to_string();
    assert!(std::net::TcpStream::connect(&addr).is_ok());
    drop(c);
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "server still listening after drop"
    );
}

#[tokio::test]
async fn missing_secret_and_configmap_block_the_container_until_created() {
    let c = FakeCluster::start();
    let mut p = pod("envy", "nginx");
    p["spec"]["containers"][0]["env"] = json!([
        {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "envy-secrets", "key": "API_KEY"}}}
    ]);
    c.create(p);
    let waiting = |c: &FakeCluster, name: &str| {
        c.get("pods", "default", name).unwrap()["status"]["containerStatuses"][0]["state"]["waiting"].clone()
    };
    assert!(
        c.wait_until_async(WAIT, |c| waiting(c, "envy")["reason"]
            == "CreateContainerConfigError")
            .await
    );
    assert_eq!(
        waiting(&c, "envy")["message"],
        r#"secret "envy-secrets" not found"#
    );
    assert!(
        c.events_for("default", "envy")
            .iter()
            .any(|e| e["message"] == r#"Error: secret "envy-secrets" not found"#)
    );
    c.create(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "envy-secrets"}, "stringData": {"OTHER": "x"}}));
    assert!(
        c.wait_until_async(WAIT, |c| waiting(c, "envy")["message"]
            == "couldn't find key API_KEY in Secret default/envy-secrets")
            .await
    );
    c.modify("secrets", "default", "envy-secrets", |s| {
        s["data"]["API_KEY"] = json!("a2V5")
    });
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "envy").unwrap()
        ))
        .await
    );

    let mut m = pod("mounty", "nginx");
    m["spec"]["volumes"] = json!([{"name": "config", "configMap": {"name": "mounty-config"}}]);
    m["spec"]["containers"][0]["volumeMounts"] =
        json!([{"name": "config", "mountPath": "/config"}]);
    c.create(m);
    assert!(
        c.wait_until_async(WAIT, |c| c
            .events_for("default", "mounty")
            .iter()
            .any(|e| e["reason"] == "FailedMount"))
            .await
    );
    let ev = c
        .events_for("default", "mounty")
        .into_iter()
        .find(|e| e["reason"] == "FailedMount")
        .unwrap();
    assert_eq!(
        ev["message"],
        r#"MountVolume.SetUp failed for volume "config" : configmap "mounty-config" not found"#
    );
    assert_eq!(waiting(&c, "mounty")["reason"], "ContainerCreating");
    c.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "mounty-config"}, "data": {"k": "v"}}));
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "mounty").unwrap()
        ))
        .await
    );
}

#[test]
fn more_validation_like_the_real_server() {
    let c = FakeCluster::start();
    let with_container = |name: &str, container: Value| {
        let mut d = deployment(name, "nginx", 1);
        d["spec"]["template"]["spec"]["containers"][0] = container;
        d
    };
    let e = c
        .try_create(with_container("res", json!({"name": "main", "image": "nginx", "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "500m"}}})))
        .unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(
        e.message,
        r#"Deployment.apps "res" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 500m"#
    );
    let e = c
        .try_create(with_container(
            "q",
            json!({"name": "main", "image": "nginx", "resources": {"limits": {"memory": "lots"}}}),
        ))
        .unwrap_err();
    assert_eq!(e.code, 400);
    assert!(e.message.starts_with(
        "Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match"
    ));
    let e = c
        .try_create(with_container("pn", json!({"name": "main", "image": "nginx", "ports": [{"name": "much-too-long-port", "containerPort": 80}]})))
        .unwrap_err();
    assert!(e.message.ends_with(r#"spec.template.spec.containers[0].ports[0].name: Invalid value: "much-too-long-port": must be no more than 15 characters"#), "{}", e.message);
    let e = c
        .try_create(with_container(
            "pr",
            json!({"name": "main", "image": "nginx", "readinessProbe": {"periodSeconds": 5}}),
        ))
        .unwrap_err();
    assert!(e.message.ends_with("spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type"), "{}", e.message);

    let crb = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "obi"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "obi"},
        "subjects": [{"kind": "ServiceAccount", "name": "obi", "namespace": "observability"}]
    });
    c.create(crb.clone());
    let mut changed = crb.clone();
    changed["roleRef"]["name"] = json!("other");
    let e = c.apply("b00t", changed).unwrap_err();
    assert_eq!(e.code, 422);
    assert!(
        e.message.ends_with("cannot change roleRef"),
        "{}",
        e.message
    );

    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}});
    c.create(svc);
    let e = c.apply("b00t", json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"clusterIP": "10.96.200.200"}})).unwrap_err();
    assert!(
        e.message
            .contains("spec.clusterIP: Invalid value: \"10.96.200.200\": field is immutable"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_fields_and_type_errors_are_decoded_like_go() {
    let c = FakeCluster::start();
    let mut d = deployment("typo", "nginx", 1);
    d["spec"]["replicaz"] = json!(3);
    d["spec"]["template"]["spec"]["containers"][0]["imagee"] = json!("x");
    let body = d.to_string();
    // Default (Warn): unknown fields are dropped.
    let r = c.http(
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        Some("application/json"),
        Some(&body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let stored = c.get("deployments", "default", "typo").unwrap();
    assert!(stored["spec"].get("replicaz").is_none());
    assert!(
        stored["spec"]["template"]["spec"]["containers"][0]
            .get("imagee")
            .is_none()
    );
    // Strict (what kubectl sends): refused.
    let mut d2 = d.clone();
    d2["metadata"]["name"] = json!("typo2");
    let r = c.http(
        "POST",
        "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
        Some("application/json"),
        Some(&d2.to_string()),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        r#"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz", unknown field "spec.template.spec.containers[0].imagee""#
    );
    let r = c.http(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/typo2?fieldManager=b00t&fieldValidation=Strict",
        Some("application/apply-patch+yaml"),
        Some(&d2.to_string()),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with(".spec.replicaz: field not declared in schema")
    );
    // A value of the wrong type cannot be decoded at all.
    let mut d3 = deployment("wrongtype", "nginx", 1);
    d3["spec"]["replicas"] = json!("three");
    let r = c.http(
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        Some("application/json"),
        Some(&d3.to_string()),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment in version \"v1\" cannot be handled as a Deployment: ")
    );
}

// ---- OBI life cycle: RBAC, authorization, nodes, DaemonSet rollouts, proxies, PSA ----

fn labelled(mut obj: Value, app: &str) -> Value {
    obj["metadata"]["labels"] =
        json!({"app.kubernetes.io/managed-by": "b00t", "app.kubernetes.io/instance": app});
    obj
}

#[tokio::test]
async fn rbac_objects_apply_list_watch_and_keep_role_ref() {
    use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
    let c = FakeCluster::builder().namespace("observability").start();
    let disc = c.http_get("/apis/rbac.authorization.k8s.io/v1").json();
    let names: Vec<&str> = disc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "clusterroles",
            "clusterrolebindings",
            "roles",
            "rolebindings"
        ]
    );
    let client = c.client().await;
    let crs: Api<ClusterRole> = Api::all(client.clone());
    let crbs: Api<ClusterRoleBinding> = Api::all(client.clone());
    let roles: Api<Role> = Api::namespaced(client.clone(), "observability");
    let rbs: Api<RoleBinding> = Api::namespaced(client.clone(), "observability");
    let nss: Api<Namespace> = Api::all(client.clone());
    let pp = PatchParams::apply("b00t");

    // A watch on cluster roles started before anything exists sees the creation.
    let watch_from = c.resource_version().to_string();
    let cr = labelled(
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "obi"},
            "rules": [{"apiGroups": [""], "resources": ["pods", "services", "nodes"], "verbs": ["get", "list", "watch"]},
                      {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": ["get", "list", "watch"]}]
        }),
        "obi",
    );
    let crb = |role: &str| {
        labelled(
            json!({
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "obi"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
                "subjects": [{"kind": "ServiceAccount", "name": "obi", "namespace": "observability"}]
            }),
            "obi",
        )
    };
    let created = crs.patch("obi", &pp, &Patch::Apply(&cr)).await.unwrap();
    let again = crs.patch("obi", &pp, &Patch::Apply(&cr)).await.unwrap();
    assert_eq!(
        created.metadata.resource_version, again.metadata.resource_version,
        "a second identical apply changes nothing"
    );
    assert!(created.metadata.namespace.is_none());
    crbs.patch("obi", &pp, &Patch::Apply(&crb("obi")))
        .await
        .unwrap();
    let role = labelled(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "obi", "namespace": "observability"},
               "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
        "obi",
    );
    roles.patch("obi", &pp, &Patch::Apply(&role)).await.unwrap();
    let rb = labelled(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "obi", "namespace": "observability"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "obi"},
               "subjects": [{"kind": "ServiceAccount", "name": "obi"}]}),
        "obi",
    );
    rbs.patch("obi", &pp, &Patch::Apply(&rb)).await.unwrap();
    // Another ClusterRole that the selector must leave alone.
    crs.patch(
        "other",
        &pp,
        &Patch::Apply(&labelled(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "other"}, "rules": []}),
            "other",
        )),
    )
    .await
    .unwrap();

    let sel = ListParams::default().labels("app.kubernetes.io/instance=obi");
    let listed: Vec<String> = crs
        .list(&sel)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.metadata.name.unwrap())
        .collect();
    assert_eq!(listed, ["obi"]);
    assert_eq!(crbs.list(&sel).await.unwrap().items.len(), 1);
    assert_eq!(roles.list(&sel).await.unwrap().items.len(), 1);
    assert_eq!(rbs.list(&sel).await.unwrap().items.len(), 1);

    let events = c.http_stream(
        &format!("/apis/rbac.authorization.k8s.io/v1/clusterroles?watch=true&resourceVersion={watch_from}&labelSelector=app.kubernetes.io%2Finstance%3Dobi"),
        Duration::from_millis(300),
    );
    let lines = events.json_lines();
    assert_eq!(lines.len(), 1, "{}", events.body);
    assert_eq!(lines[0]["type"], "ADDED");
    assert_eq!(lines[0]["object"]["metadata"]["name"], "obi");

    // roleRef cannot change, through apply or update.
    let e = api_err(
        crbs.patch("obi", &pp, &Patch::Apply(&crb("cluster-admin")))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    assert_eq!(
        e.message,
        r#"ClusterRoleBinding.rbac.authorization.k8s.io "obi" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"cluster-admin"}: cannot change roleRef"#
    );
    let mut changed = rbs.get("obi").await.unwrap();
    changed.role_ref.kind = "ClusterRole".into();
    let e = api_err(
        rbs.replace("obi", &PostParams::default(), &changed)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    assert!(
        e.message.ends_with(": cannot change roleRef"),
        "{}",
        e.message
    );

    // Rules are validated like rbac's ValidatePolicyRule.
    let bad_rules = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "bad"},
                           "rules": [{"apiGroups": [""], "resources": ["pods"]}, {"resources": ["nodes"], "verbs": ["get"]}]});
    let e = api_err(
        crs.patch("bad", &pp, &Patch::Apply(&bad_rules))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    assert_eq!(
        e.message,
        r#"ClusterRole.rbac.authorization.k8s.io "bad" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[1].apiGroups: Required value: resource rules must supply at least one api group]"#
    );

    // A Namespace is applied and selected like any object.
    let ns = labelled(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "obi-extra"}}),
        "obi",
    );
    nss.patch("obi-extra", &pp, &Patch::Apply(&ns))
        .await
        .unwrap();
    let selected: Vec<String> = nss
        .list(&sel)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.metadata.name.unwrap())
        .collect();
    assert_eq!(selected, ["obi-extra"]);

    // Label-selected delete of cluster-scoped objects leaves the others.
    crs.delete_collection(&DeleteParams::default(), &sel)
        .await
        .unwrap();
    crbs.delete_collection(&DeleteParams::default(), &sel)
        .await
        .unwrap();
    assert!(c.get("clusterroles", "", "obi").is_none());
    assert!(c.get("clusterroles", "", "other").is_some());
    assert!(c.get("clusterrolebindings", "", "obi").is_none());
    let e = api_err(crs.get("obi").await.unwrap_err());
    assert_eq!(e.code, 404);
    assert_eq!(
        e.message,
        r#"clusterroles.rbac.authorization.k8s.io "obi" not found"#
    );
}

#[tokio::test]
async fn forbidden_requests_and_access_reviews_follow_one_policy() {
    use k8s_openapi::api::authorization::v1::{
        ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    };
    use k8s_openapi::api::rbac::v1::ClusterRole;
    let c = FakeCluster::builder()
        .namespace("observability")
        .user("dev@example.com")
        .start();
    let client = c.client().await;
    let crs: Api<ClusterRole> = Api::all(client.clone());
    let pp = PatchParams::apply("b00t");
    let cr = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "obi"}, "rules": []});
    let reviews: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let can = |verb: &str, group: &str, resource: &str, ns: Option<&str>| {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.into()),
                    group: Some(group.into()),
                    resource: Some(resource.into()),
                    namespace: ns.map(String::from),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let reviews = reviews.clone();
        async move {
            reviews
                .create(&PostParams::default(), &review)
                .await
                .unwrap()
                .status
                .unwrap()
        }
    };
    let allowed = can("patch", "rbac.authorization.k8s.io", "clusterroles", None).await;
    assert!(allowed.allowed);
    assert_eq!(allowed.denied, None);

    c.forbid("patch", "rbac.authorization.k8s.io", "clusterroles", None);
    let e = api_err(crs.patch("obi", &pp, &Patch::Apply(&cr)).await.unwrap_err());
    assert_eq!(e.code, 403);
    assert_eq!(e.reason, "Forbidden");
    assert_eq!(
        e.message,
        r#"clusterroles.rbac.authorization.k8s.io "obi" is forbidden: User "dev@example.com" cannot patch resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope"#
    );
    assert!(c.get("clusterroles", "", "obi").is_none());
    let denied = can("patch", "rbac.authorization.k8s.io", "clusterroles", None).await;
    assert!(!denied.allowed);
    assert_eq!(denied.denied, None, "RBAC has no opinion; it never denies");
    assert!(
        can("list", "rbac.authorization.k8s.io", "clusterroles", None)
            .await
            .allowed,
        "other verbs stay allowed"
    );
    crs.list(&ListParams::default()).await.unwrap();

    // Namespaced: the namespace is in the message; other namespaces are not affected.
    c.forbid("create", "apps", "daemonsets", Some("observability"));
    let dss: Api<DaemonSet> = Api::namespaced(client.clone(), "observability");
    let ds: DaemonSet = serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "obi"},
        "spec": {"selector": {"matchLabels": {"app": "obi"}}, "template": {"metadata": {"labels": {"app": "obi"}}, "spec": {"containers": [{"name": "obi", "image": "otel/ebpf-instrument:main"}]}}}
    }))
    .unwrap();
    let e = api_err(dss.create(&PostParams::default(), &ds).await.unwrap_err());
    assert_eq!(
        e.message,
        r#"daemonsets.apps is forbidden: User "dev@example.com" cannot create resource "daemonsets" in API group "apps" in the namespace "observability""#
    );
    assert!(
        !can("create", "apps", "daemonsets", Some("observability"))
            .await
            .allowed
    );
    assert!(
        can("create", "apps", "daemonsets", Some("default"))
            .await
            .allowed
    );
    Api::<DaemonSet>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &ds)
        .await
        .unwrap();

    // A subresource is its own permission.
    c.forbid("get", "", "pods/log", None);
    c.create(pod("p", "nginx"));
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "p").unwrap()
        ))
        .await
    );
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.get("p").await.unwrap();
    let e = api_err(pods.logs("p", &LogParams::default()).await.unwrap_err());
    assert_eq!(
        e.message,
        r#"pods "p" is forbidden: User "dev@example.com" cannot get resource "pods/log" in API group "" in the namespace "default""#
    );

    // A review needs exactly one kind of attributes.
    let r = c.http(
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        Some("application/json"),
        Some(r#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{}}"#),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["reason"], "Invalid");
    // Reviews are not stored.
    assert_eq!(
        c.http_get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
            .status,
        405
    );

    c.clear_forbids();
    crs.patch("obi", &pp, &Patch::Apply(&cr)).await.unwrap();
    dss.create(&PostParams::default(), &ds).await.unwrap();
    pods.logs("p", &LogParams::default()).await.unwrap();
}

fn agent_ds(tag: &str, extra_spec: Value) -> Value {
    let mut spec = json!({
        "hostPID": true,
        "containers": [{"name": "obi", "image": format!("otel/ebpf-instrument:{tag}"), "ports": [{"name": "metrics", "containerPort": 9090}]}]
    });
    if let (Some(s), Some(extra)) = (spec.as_object_mut(), extra_spec.as_object()) {
        for (k, v) in extra {
            s.insert(k.clone(), v.clone());
        }
    }
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "obi"},
        "spec": {
            "selector": {"matchLabels": {"app": "obi"}},
            "template": {"metadata": {"labels": {"app": "obi"}}, "spec": spec}
        }
    })
}

fn ds_status(c: &FakeCluster, ns: &str) -> Value {
    c.get("daemonsets", ns, "obi").unwrap()["status"].clone()
}

/// The DaemonSet has seen `generation` and every node runs a ready `image` pod.
fn rolled_out(c: &FakeCluster, ns: &str, generation: i64, image: &str) -> bool {
    let st = ds_status(c, ns);
    let pods: Vec<Value> = c
        .pods_with_prefix(ns, "obi-")
        .into_iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .collect();
    st["observedGeneration"] == generation
        && st["updatedNumberScheduled"] == st["desiredNumberScheduled"]
        && st["numberAvailable"] == st["desiredNumberScheduled"]
        && pods.len() as i64 == st["desiredNumberScheduled"].as_i64().unwrap_or(-1)
        && pods
            .iter()
            .all(|p| p["spec"]["containers"][0]["image"] == image && FakeCluster::pod_is_ready(p))
}

fn agent_nodes(c: &FakeCluster, ns: &str) -> Vec<String> {
    let mut v: Vec<String> = c
        .pods_with_prefix(ns, "obi-")
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter_map(|p| p["spec"]["nodeName"].as_str().map(String::from))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn node_info_taints_and_selectors_decide_where_agents_run() {
    let c = FakeCluster::builder()
        .nodes(3)
        .node_info(2, "5.4.0-200-generic", "Ubuntu 20.04.6 LTS", "arm64")
        .node_taint(3, "dedicated", "gpu", "NoSchedule")
        .start();
    let n1 = c.get("nodes", "", "fake-node-1").unwrap();
    assert_eq!(
        n1["status"]["nodeInfo"]["kernelVersion"],
        "6.8.0-51-generic"
    );
    assert_eq!(n1["status"]["nodeInfo"]["architecture"], "amd64");
    assert_eq!(n1["status"]["nodeInfo"]["kubeletVersion"], "v1.33.2");
    assert_eq!(
        n1["status"]["nodeInfo"]["containerRuntimeVersion"],
        "containerd://2.1.1"
    );
    let n2 = c.http_get("/api/v1/nodes/fake-node-2").json();
    assert_eq!(
        n2["status"]["nodeInfo"]["kernelVersion"],
        "5.4.0-200-generic"
    );
    assert_eq!(n2["status"]["nodeInfo"]["osImage"], "Ubuntu 20.04.6 LTS");
    assert_eq!(n2["status"]["nodeInfo"]["architecture"], "arm64");
    assert_eq!(n2["status"]["nodeInfo"]["operatingSystem"], "linux");
    assert_eq!(n2["metadata"]["labels"]["kubernetes.io/arch"], "arm64");
    assert_eq!(
        c.get("nodes", "", "fake-node-3").unwrap()["spec"]["taints"],
        json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    );

    let dss: Api<DaemonSet> = Api::namespaced(c.client().await, "default");
    let pp = PatchParams::apply("b00t");
    // No toleration: the tainted node is not eligible.
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("v1", json!({}))))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "default")["numberReady"] == 2)
            .await,
        "{}",
        ds_status(&c, "default")
    );
    assert_eq!(ds_status(&c, "default")["desiredNumberScheduled"], 2);
    assert_eq!(agent_nodes(&c, "default"), ["fake-node-1", "fake-node-2"]);
    let p = c.pods_with_prefix("default", "obi-").remove(0);
    let tolerations = p["spec"]["tolerations"].as_array().unwrap();
    assert!(
        tolerations
            .iter()
            .any(|t| t["key"] == "node.kubernetes.io/unschedulable"
                && t["operator"] == "Exists"
                && t["effect"] == "NoSchedule")
    );

    // An empty key with Exists tolerates every taint.
    dss.patch(
        "obi",
        &pp,
        &Patch::Apply(&agent_ds(
            "v1",
            json!({"tolerations": [{"operator": "Exists"}]}),
        )),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "default")["numberReady"] == 3)
            .await,
        "{}",
        ds_status(&c, "default")
    );
    assert_eq!(ds_status(&c, "default")["desiredNumberScheduled"], 3);

    // Equal needs the value; a nodeSelector narrows further.
    dss.patch(
        "obi",
        &pp,
        &Patch::Apply(&agent_ds(
            "v1",
            json!({"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "cpu", "effect": "NoSchedule"}]}),
        )),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| agent_nodes(c, "default")
            == ["fake-node-1", "fake-node-2"]
            && ds_status(c, "default")["desiredNumberScheduled"] == 2)
            .await,
        "{:?} {}",
        agent_nodes(&c, "default"),
        ds_status(&c, "default")
    );
    dss.patch(
        "obi",
        &pp,
        &Patch::Apply(&agent_ds(
            "v1",
            json!({"nodeSelector": {"kubernetes.io/arch": "arm64"}}),
        )),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| agent_nodes(c, "default") == ["fake-node-2"]
            && ds_status(c, "default")["desiredNumberScheduled"] == 1
            && ds_status(c, "default")["numberReady"] == 1)
            .await,
        "{:?} {}",
        agent_nodes(&c, "default"),
        ds_status(&c, "default")
    );

    // Back to all untainted nodes; then a NoExecute taint at run time evicts the agent there,
    // while cordoning does not (DaemonSet pods tolerate unschedulable).
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("v1", json!({}))))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "default")["numberReady"] == 2
            && agent_nodes(c, "default") == ["fake-node-1", "fake-node-2"])
            .await
    );
    // A plain pod on node 2, to be evicted by a NoExecute taint it does not tolerate.
    let mut victim = pod("victim", "nginx");
    victim["spec"]["nodeName"] = json!("fake-node-2");
    c.create(victim);
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "victim").unwrap()
        ))
        .await
    );
    c.set_node_unschedulable("fake-node-1", true);
    assert_eq!(
        c.get("nodes", "", "fake-node-1").unwrap()["spec"]["unschedulable"],
        true
    );
    c.taint_node("fake-node-2", "maintenance", "", "NoExecute");
    assert!(
        c.wait_until_async(WAIT, |c| agent_nodes(c, "default") == ["fake-node-1"]
            && ds_status(c, "default")["desiredNumberScheduled"] == 1)
            .await,
        "{:?} {}",
        agent_nodes(&c, "default"),
        ds_status(&c, "default")
    );
    assert!(
        c.wait_until_async(WAIT, |c| c.get("pods", "default", "victim").is_none())
            .await
    );
    assert!(
        c.events_for("default", "victim")
            .iter()
            .any(|e| e["reason"] == "TaintManagerEviction"
                && e["message"] == "Marking for deletion Pod default/victim")
    );
    // A plain pod avoids the cordoned and the tainted nodes and says why.
    c.create(pod("plain", "nginx"));
    let why = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {maintenance: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert!(
        c.wait_until_async(WAIT, |c| c
            .events_for("default", "plain")
            .iter()
            .any(|e| e["reason"] == "FailedScheduling" && e["message"] == why))
            .await,
        "{:?}",
        c.events_for("default", "plain")
    );
    c.untaint_node("fake-node-2", "maintenance");
    assert!(c.get("nodes", "", "fake-node-2").unwrap()["spec"]["taints"].is_null());
    assert!(
        c.wait_until_async(WAIT, |c| c.get("pods", "default", "plain").unwrap()["spec"]
            ["nodeName"]
            == "fake-node-2")
            .await
    );
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "default")["numberReady"] == 2)
            .await
    );
}

#[tokio::test]
async fn daemonset_rollout_goes_node_by_node_stalls_on_a_failing_image_and_rolls_back() {
    let c = FakeCluster::builder().nodes(3).start();
    let dss: Api<DaemonSet> = Api::namespaced(c.client().await, "default");
    let pp = PatchParams::apply("b00t");
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("v1", json!({}))))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "default")["numberAvailable"] == 3)
            .await
    );
    let v1_hash =
        c.pods_with_prefix("default", "obi-")[0]["metadata"]["labels"]["controller-revision-hash"]
            .as_str()
            .unwrap()
            .to_string();
    let ds = c.get("daemonsets", "default", "obi").unwrap();
    assert_eq!(
        ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"],
        "1"
    );
    assert_eq!(
        ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"],
        1
    );

    // A good rollout: never more than one node without a ready agent.
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("v2", json!({}))))
        .await
        .unwrap();
    let mut min_ready = 3;
    let mut saw_gap = false;
    let done = c
        .wait_until_async(Duration::from_secs(20), |c| {
            let pods = c.pods_with_prefix("default", "obi-");
            let ready = pods
                .iter()
                .filter(|p| {
                    FakeCluster::pod_is_ready(p) && p["metadata"]["deletionTimestamp"].is_null()
                })
                .count();
            min_ready = min_ready.min(ready);
            saw_gap |= ready == 2;
            let st = ds_status(c, "default");
            st["updatedNumberScheduled"] == 3
                && st["numberAvailable"] == 3
                && st["observedGeneration"] == 2
        })
        .await;
    assert!(done, "{}", ds_status(&c, "default"));
    assert_eq!(min_ready, 2, "one node at a time");
    assert!(saw_gap);
    let pods = c.pods_with_prefix("default", "obi-");
    assert_eq!(pods.len(), 3);
    let v2_hash = pods[0]["metadata"]["labels"]["controller-revision-hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(v1_hash, v2_hash);
    assert!(
        pods.iter()
            .all(
                |p| p["metadata"]["labels"]["controller-revision-hash"] == v2_hash.as_str()
                    && p["metadata"]["labels"]["pod-template-generation"] == "2"
            )
    );

    // A bad image: the first replaced node fails and the rollout stops there.
    c.set_behavior(
        Matcher::image("otel/ebpf-instrument:bad"),
        Behavior::caps_denied(),
    );
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("bad", json!({}))))
        .await
        .unwrap();
    let stuck = |c: &FakeCluster| {
        c.pods_with_prefix("default", "obi-").into_iter().find(|p| {
            p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                == "CreateContainerError"
        })
    };
    assert!(c.wait_until_async(WAIT, |c| stuck(c).is_some()).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let st = ds_status(&c, "default");
    assert_eq!(st["desiredNumberScheduled"], 3, "{st}");
    assert_eq!(st["currentNumberScheduled"], 3, "{st}");
    assert_eq!(st["updatedNumberScheduled"], 1, "{st}");
    assert_eq!(st["numberReady"], 2, "{st}");
    assert_eq!(st["numberAvailable"], 2, "{st}");
    assert_eq!(st["numberUnavailable"], 1, "{st}");
    assert_eq!(st["numberMisscheduled"], 0, "{st}");
    let bad = stuck(&c).unwrap();
    let bad_name = bad["metadata"]["name"].as_str().unwrap().to_string();
    let waiting = &bad["status"]["containerStatuses"][0]["state"]["waiting"];
    assert!(
        waiting["message"]
            .as_str()
            .unwrap()
            .contains("unable to apply caps: operation not permitted"),
        "{waiting}"
    );
    let others: Vec<Value> = c
        .pods_with_prefix("default", "obi-")
        .into_iter()
        .filter(|p| p["metadata"]["name"] != bad_name.as_str())
        .collect();
    assert_eq!(others.len(), 2);
    assert!(others.iter().all(|p| FakeCluster::pod_is_ready(p)
        && p["spec"]["containers"][0]["image"] == "otel/ebpf-instrument:v2"));
    let failed = c
        .events_for("default", &bad_name)
        .into_iter()
        .find(|e| e["reason"] == "Failed")
        .expect("Failed event");
    assert_eq!(failed["type"], "Warning");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .starts_with("Error: failed to create containerd task: ")
    );
    let pods: Api<Pod> = Api::namespaced(c.client().await, "default");
    let e = api_err(
        pods.logs(&bad_name, &LogParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        format!(r#"container "obi" in pod "{bad_name}" is waiting to start: CreateContainerError"#)
    );

    // Rolling the template back replaces the failing pod at once and recovers.
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("v2", json!({}))))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| rolled_out(
            c,
            "default",
            4,
            "otel/ebpf-instrument:v2"
        ))
        .await,
        "{}",
        ds_status(&c, "default")
    );
    let pods = c.pods_with_prefix("default", "obi-");
    assert!(
        pods.iter()
            .all(|p| p["metadata"]["labels"]["controller-revision-hash"] == v2_hash.as_str())
    );
    assert!(c.get("pods", "default", &bad_name).is_none());
    assert!(ds_status(&c, "default")["numberUnavailable"].is_null());
    // One ControllerRevision per template; the restored one is the newest.
    let mut revs: Vec<(String, i64)> = c
        .list("controllerrevisions", Some("default"))
        .iter()
        .map(|r| {
            assert_eq!(r["metadata"]["ownerReferences"][0]["kind"], "DaemonSet");
            (
                r["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    revs.sort_by_key(|r| r.1);
    assert_eq!(revs.len(), 3, "{revs:?}");
    assert_eq!(revs[0], (v1_hash.clone(), 1));
    assert_eq!(revs[2], (v2_hash.clone(), 4));

    // Clearing the behaviour lets the same tag start.
    c.clear_behaviors();
    dss.patch("obi", &pp, &Patch::Apply(&agent_ds("bad", json!({}))))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(Duration::from_secs(20), |c| rolled_out(
            c,
            "default",
            5,
            "otel/ebpf-instrument:bad"
        ))
        .await,
        "{}",
        ds_status(&c, "default")
    );
}

/// The OBI agent's DaemonSet pod in capabilities mode (DESIGN §3, reference/obi.md).
fn obi_agent_ds() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "obi"},
        "spec": {
            "selector": {"matchLabels": {"app": "obi"}},
            "template": {"metadata": {"labels": {"app": "obi"}}, "spec": {
                "hostPID": true,
                "containers": [{
                    "name": "obi", "image": "otel/ebpf-instrument:v0.11.0",
                    "securityContext": {
                        "runAsUser": 0, "readOnlyRootFilesystem": true,
                        "capabilities": {"add": ["BPF", "SYS_PTRACE", "NET_RAW", "CHECKPOINT_RESTORE", "DAC_READ_SEARCH", "PERFMON"], "drop": ["ALL"]}
                    },
                    "volumeMounts": [{"name": "cgroup", "mountPath": "/sys/fs/cgroup", "readOnly": true}]
                }],
                "volumes": [
                    {"name": "obi-run", "emptyDir": {}},
                    {"name": "cgroup", "hostPath": {"path": "/sys/fs/cgroup"}},
                    {"name": "tracing", "hostPath": {"path": "/sys/kernel/tracing"}}
                ]
            }}
        }
    })
}

#[tokio::test]
async fn pod_security_rejects_the_agent_except_in_privileged_namespaces() {
    let c = FakeCluster::builder()
        .namespace("base")
        .namespace("strict")
        .namespace("observability")
        .start();
    for (ns, level) in [
        ("base", "baseline"),
        ("strict", "restricted"),
        ("observability", "privileged"),
    ] {
        c.modify("namespaces", "", ns, |n| {
            n["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = json!(level);
        });
    }
    let mut agent_pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent"}});
    agent_pod["spec"] = obi_agent_ds()["spec"]["template"]["spec"].clone();
    let client = c.client().await;
    let pods = |ns: &str| {
        let api = Api::<Pod>::namespaced(client.clone(), ns);
        async move { api }
    };
    let agent: Pod = serde_json::from_value(agent_pod.clone()).unwrap();
    let e = api_err(
        pods("base")
            .await
            .create(&PostParams::default(), &agent)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        r#"pods "agent" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "obi" must not include "BPF", "CHECKPOINT_RESTORE", "DAC_READ_SEARCH", "NET_RAW", "PERFMON", "SYS_PTRACE" in securityContext.capabilities.add), host namespaces (hostPID=true), hostPath volumes (volumes "cgroup", "tracing")"#
    );
    let e = api_err(
        pods("strict")
            .await
            .create(&PostParams::default(), &agent)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        e.message,
        r#"pods "agent" is forbidden: violates PodSecurity "restricted:latest": host namespaces (hostPID=true), allowPrivilegeEscalation != false (container "obi" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "obi" must not include "BPF", "CHECKPOINT_RESTORE", "DAC_READ_SEARCH", "NET_RAW", "PERFMON", "SYS_PTRACE" in securityContext.capabilities.add), restricted volume types (volumes "cgroup", "tracing" use restricted volume type "hostPath"), runAsNonRoot != true (pod or container "obi" must set securityContext.runAsNonRoot=true), runAsUser=0 (container "obi" must not set runAsUser=0), seccompProfile (pod or container "obi" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#
    );
    // Privileged mode under baseline: privileged and the host namespaces.
    let mut privileged = agent_pod.clone();
    privileged["spec"]["hostNetwork"] = json!(true);
    privileged["spec"]["containers"][0]["securityContext"] = json!({"privileged": true});
    let e = api_err(
        pods("base")
            .await
            .create(
                &PostParams::default(),
                &serde_json::from_value(privileged).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        e.message,
        r#"pods "agent" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volumes "cgroup", "tracing"), privileged (container "obi" must not set securityContext.privileged=true)"#
    );
    assert!(c.list("pods", Some("base")).is_empty());

    // Through the DaemonSet controller: FailedCreate on the DaemonSet, and no pods.
    let pp = PatchParams::apply("b00t");
    Api::<DaemonSet>::namespaced(c.client().await, "base")
        .patch("obi", &pp, &Patch::Apply(&obi_agent_ds()))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| c
            .events_for("base", "obi")
            .iter()
            .any(|e| e["reason"] == "FailedCreate"))
            .await
    );
    let ev = c
        .events_for("base", "obi")
        .into_iter()
        .find(|e| e["reason"] == "FailedCreate")
        .unwrap();
    assert_eq!(ev["type"], "Warning");
    assert_eq!(ev["involvedObject"]["kind"], "DaemonSet");
    assert_eq!(ev["source"]["component"], "daemonset-controller");
    let msg = ev["message"].as_str().unwrap();
    assert!(msg.starts_with(r#"Error creating: pods "obi-"#), "{msg}");
    assert!(
        msg.contains(r#"is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "obi" must not include "BPF""#),
        "{msg}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(c.list("pods", Some("base")).is_empty());
    let st = ds_status(&c, "base");
    assert_eq!(st["desiredNumberScheduled"], 2, "{st}");
    assert_eq!(st["currentNumberScheduled"], 0, "{st}");
    assert_eq!(st["numberReady"], 0, "{st}");
    assert_eq!(st["numberUnavailable"], 2, "{st}");

    // The privileged level admits the same DaemonSet.
    Api::<DaemonSet>::namespaced(c.client().await, "observability")
        .patch("obi", &pp, &Patch::Apply(&obi_agent_ds()))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "observability")["numberReady"] == 2)
            .await,
        "{}",
        ds_status(&c, "observability")
    );
    assert!(
        c.events_for("observability", "obi")
            .iter()
            .all(|e| e["reason"] != "FailedCreate")
    );
}

#[tokio::test]
async fn node_summary_and_pod_proxy_answer_like_the_kubelet_and_the_pod() {
    let c = FakeCluster::builder().namespace("observability").start();
    c.set_behavior(Matcher::pod("stuck"), Behavior::Unschedulable);
    let dss: Api<DaemonSet> = Api::namespaced(c.client().await, "observability");
    dss.patch(
        "obi",
        &PatchParams::apply("b00t"),
        &Patch::Apply(&agent_ds("v1", json!({}))),
    )
    .await
    .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "observability")["numberReady"] == 2)
            .await
    );
    let agent = c
        .pods_with_prefix("observability", "obi-")
        .into_iter()
        .find(|p| p["spec"]["nodeName"] == "fake-node-1")
        .unwrap();
    let name = agent["metadata"]["name"].as_str().unwrap().to_string();
    c.set_pod_metrics("observability", &name, "obi", "250m", "96Mi");

    // The kubelet Summary API through the node proxy.
    let r = c.http_get("/api/v1/nodes/fake-node-1/proxy/stats/summary");
    assert_eq!(r.status, 200, "{}", r.body);
    let summary = r.json();
    assert_eq!(summary["node"]["nodeName"], "fake-node-1");
    let entry = summary["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["podRef"]["name"] == name.as_str())
        .expect("agent pod in the summary")
        .clone();
    assert_eq!(entry["podRef"]["namespace"], "observability");
    assert_eq!(entry["podRef"]["uid"], agent["metadata"]["uid"]);
    assert_eq!(entry["cpu"]["usageNanoCores"], 250_000_000);
    assert_eq!(entry["memory"]["workingSetBytes"], 96 * 1024 * 1024);
    assert_eq!(entry["containers"][0]["name"], "obi");
    assert_eq!(entry["containers"][0]["cpu"]["usageNanoCores"], 250_000_000);
    let node_cpu = summary["node"]["cpu"]["usageNanoCores"].as_u64().unwrap();
    assert!(node_cpu > 250_000_000, "{node_cpu}");
    let other = c
        .http_get("/api/v1/nodes/fake-node-2/proxy/stats/summary")
        .json();
    assert!(
        other["pods"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["podRef"]["name"] != name.as_str())
    );
    let r = c.http_get("/api/v1/nodes/nope/proxy/stats/summary");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], r#"nodes "nope" not found"#);
    c.forbid("get", "", "nodes/proxy", None);
    let r = c.http_get("/api/v1/nodes/fake-node-1/proxy/stats/summary");
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        r#"nodes "fake-node-1" is forbidden: User "fake-user" cannot get resource "nodes/proxy" in API group "" at the cluster scope"#
    );
    c.clear_forbids();

    // The pod proxy: what the test serves, by port number or the first container port.
    let base = format!("/api/v1/namespaces/observability/pods/{name}");
    let r = c.http_get(&format!("{base}:9090/proxy/metrics"));
    assert_eq!(r.status, 503);
    let ip = agent["status"]["podIP"].as_str().unwrap().to_string();
    assert_eq!(r.json()["reason"], "ServiceUnavailable");
    assert_eq!(
        r.json()["message"],
        format!("error trying to reach service: dial tcp {ip}:9090: connect: connection refused")
    );
    c.serve_pod_http(
        "observability",
        "obi-",
        9090,
        "/metrics",
        "obi_instrumented_processes 3\n",
    );
    let r = c.http_get(&format!("{base}:9090/proxy/metrics"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "obi_instrumented_processes 3\n");
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let r = c.http_get(&format!("{base}/proxy/metrics"));
    assert_eq!(
        r.body, "obi_instrumented_processes 3\n",
        "first container port"
    );
    c.serve_pod_http(
        "observability",
        "obi-",
        9090,
        "/metrics",
        "obi_instrumented_processes 5\n",
    );
    assert_eq!(
        c.http_get(&format!("{base}:9090/proxy/metrics")).body,
        "obi_instrumented_processes 5\n"
    );
    let r = c.http_get(&format!("{base}:9090/proxy/nothing-here"));
    assert_eq!((r.status, r.body.as_str()), (404, "404 page not found\n"));
    // The pod proxy does not resolve container port names: the name ends up in the host.
    let r = c.http_get(&format!("{base}:metrics/proxy/metrics"));
    assert_eq!(r.status, 503);
    assert_eq!(
        r.json()["message"],
        format!("error trying to reach service: dial tcp: lookup {ip}:metrics: no such host")
    );
    let r = c.http_get("/api/v1/namespaces/observability/pods/missing:9090/proxy/metrics");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], r#"pods "missing" not found"#);
    // A pod without an address yet.
    c.create(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stuck", "namespace": "observability"},
                    "spec": {"containers": [{"name": "main", "image": "nginx"}]}}));
    let r = c.http_get("/api/v1/namespaces/observability/pods/stuck:80/proxy/");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["message"], "address not allowed");
    // Stopping the server refuses connections again.
    c.stop_pod_http("observability", "obi-", 9090);
    assert_eq!(
        c.http_get(&format!("{base}:9090/proxy/metrics")).status,
        503
    );
}

#[test]
fn metrics_api_is_served_only_with_metrics_server() {
    let c = FakeCluster::builder().metrics(true).start();
    c.create(pod("web", "nginx"));
    assert!(c.wait_until(WAIT, |c| FakeCluster::pod_is_ready(
        &c.get("pods", "default", "web").unwrap()
    )));
    c.set_pod_metrics("default", "web", "main", "120m", "64Mi");
    let groups = c.http_get("/apis").json();
    assert!(
        groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "metrics.k8s.io")
    );
    let pm = c.http_get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web");
    assert_eq!(pm.status, 200, "{}", pm.body);
    let pm = pm.json();
    assert_eq!(pm["kind"], "PodMetrics");
    assert_eq!(
        pm["containers"],
        json!([{"name": "main", "usage": {"cpu": "120m", "memory": "64Mi"}}])
    );
    let list = c
        .http_get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
        .json();
    assert_eq!(list["kind"], "PodMetricsList");
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let node = c.get("pods", "default", "web").unwrap()["spec"]["nodeName"]
        .as_str()
        .unwrap()
        .to_string();
    let nm = c
        .http_get(&format!("/apis/metrics.k8s.io/v1beta1/nodes/{node}"))
        .json();
    assert_eq!(nm["kind"], "NodeMetrics");
    c.set_node_metrics(&node, "1500m", "2Gi");
    let nm = c
        .http_get(&format!("/apis/metrics.k8s.io/v1beta1/nodes/{node}"))
        .json();
    assert_eq!(nm["usage"]["cpu"], "1500000000n");
    assert_eq!(nm["usage"]["memory"], "2097152Ki");
    c.forbid("list", "metrics.k8s.io", "pods", Some("default"));
    let r = c.http_get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods");
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        r#"pods.metrics.k8s.io is forbidden: User "fake-user" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "default""#
    );

    let bare = FakeCluster::start();
    let groups = bare.http_get("/apis").json();
    assert!(
        groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["name"] != "metrics.k8s.io")
    );
    for path in [
        "/apis/metrics.k8s.io",
        "/apis/metrics.k8s.io/v1beta1",
        "/apis/metrics.k8s.io/v1beta1/nodes",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods",
    ] {
        let r = bare.http_get(path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(
            r.json()["message"],
            "the server could not find the requested resource",
            "{path}"
        );
    }
}

/// Run kubectl against the cluster; `None` (and a note) when kubectl is not installed
/// outside CI.
fn kubectl(c: &FakeCluster, args: &[&str], stdin: Option<&str>) -> Option<std::process::Output> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig")
        .arg(c.kubeconfig_path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipping: kubectl not runnable ({e})");
            return None;
        }
        Err(e) => panic!("kubectl is needed in CI: {e}"),
    };
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    Some(child.wait_with_output().unwrap())
}

fn out(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn kubectl_sees_reviews_revisions_rollbacks_proxies_and_metrics() {
    let c = FakeCluster::builder()
        .allow_anonymous(true)
        .metrics(true)
        .namespace("observability")
        .start();
    let ds = serde_json::to_string(&agent_ds("v1", json!({}))).unwrap();
    let Some(o) = kubectl(
        &c,
        &["apply", "--server-side", "-n", "observability", "-f", "-"],
        Some(&ds),
    ) else {
        return;
    };
    assert!(o.status.success(), "{}", out(&o));
    let o = kubectl(
        &c,
        &[
            "rollout",
            "status",
            "ds/obi",
            "-n",
            "observability",
            "--timeout=20s",
        ],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        out(&o).contains("daemon set \"obi\" successfully rolled out"),
        "{}",
        out(&o)
    );

    // auth can-i asks a SelfSubjectAccessReview.
    let o = kubectl(
        &c,
        &[
            "auth",
            "can-i",
            "patch",
            "clusterroles.rbac.authorization.k8s.io",
        ],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "yes");
    c.forbid("patch", "rbac.authorization.k8s.io", "clusterroles", None);
    let o = kubectl(
        &c,
        &[
            "auth",
            "can-i",
            "patch",
            "clusterroles.rbac.authorization.k8s.io",
        ],
        None,
    )
    .unwrap();
    assert!(!o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "no");
    c.clear_forbids();

    // A new image, the history, and an undo through the ControllerRevisions.
    let o = kubectl(
        &c,
        &[
            "set",
            "image",
            "ds/obi",
            "obi=otel/ebpf-instrument:v2",
            "-n",
            "observability",
        ],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let o = kubectl(
        &c,
        &[
            "rollout",
            "status",
            "ds/obi",
            "-n",
            "observability",
            "--timeout=20s",
        ],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let o = kubectl(
        &c,
        &["rollout", "history", "ds/obi", "-n", "observability"],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let revisions: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
        .map(String::from)
        .collect();
    assert_eq!(revisions, ["1", "2"], "{}", out(&o));
    let o = kubectl(
        &c,
        &["rollout", "undo", "ds/obi", "-n", "observability"],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    assert!(c.wait_until(Duration::from_secs(20), |c| {
        let pods = c.pods_with_prefix("observability", "obi-");
        pods.len() == 2
            && pods.iter().all(|p| {
                p["spec"]["containers"][0]["image"] == "otel/ebpf-instrument:v1"
                    && FakeCluster::pod_is_ready(p)
            })
    }));
    let revs: Vec<(String, i64)> = c
        .list("controllerrevisions", Some("observability"))
        .iter()
        .map(|r| {
            (
                r["data"]["spec"]["template"]["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut revs = revs;
    revs.sort_by_key(|r| r.1);
    assert_eq!(
        revs,
        [
            ("otel/ebpf-instrument:v2".to_string(), 2),
            ("otel/ebpf-instrument:v1".to_string(), 3)
        ]
    );

    // The node proxy and the metrics API.
    let o = kubectl(
        &c,
        &[
            "get",
            "--raw",
            "/api/v1/nodes/fake-node-1/proxy/stats/summary",
        ],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["node"]["nodeName"], "fake-node-1");
    assert!(
        summary["pods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["podRef"]["namespace"] == "observability")
    );
    let o = kubectl(
        &c,
        &["top", "pod", "-n", "observability", "--no-headers"],
        None,
    )
    .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().all(|l| l.starts_with("obi-")), "{text}");
}

#[tokio::test]
async fn daemonset_surge_keeps_every_node_covered_and_not_ready_nodes_stop_counting() {
    let c = FakeCluster::builder().nodes(3).start();
    let dss: Api<DaemonSet> = Api::namespaced(c.client().await, "default");
    let pp = PatchParams::apply("b00t");
    let with_surge = |tag: &str| {
        let mut ds = agent_ds(tag, json!({}));
        ds["spec"]["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
        ds
    };
    dss.patch("obi", &pp, &Patch::Apply(&with_surge("v1")))
        .await
        .unwrap();
    assert!(
        c.wait_until_async(WAIT, |c| ds_status(c, "default")["numberAvailable"] == 3)
            .await
    );
    dss.patch("obi", &pp, &Patch::Apply(&with_surge("v2")))
        .await
        .unwrap();
    let (mut min_ready, mut max_pods) = (3, 0);
    let done = c
        .wait_until_async(Duration::from_secs(20), |c| {
            let live: Vec<Value> = c
                .pods_with_prefix("default", "obi-")
                .into_iter()
                .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
                .collect();
            let ready = live.iter().filter(|p| FakeCluster::pod_is_ready(p)).count();
            min_ready = min_ready.min(ready);
            max_pods = max_pods.max(live.len());
            let st = ds_status(c, "default");
            st["observedGeneration"] == 2
                && st["updatedNumberScheduled"] == 3
                && st["numberAvailable"] == 3
                && live.len() == 3
                && live
                    .iter()
                    .all(|p| p["spec"]["containers"][0]["image"] == "otel/ebpf-instrument:v2")
        })
        .await;
    assert!(done, "{}", ds_status(&c, "default"));
    assert_eq!(
        min_ready, 3,
        "maxUnavailable 0: every node keeps a ready agent"
    );
    assert_eq!(max_pods, 4, "maxSurge 1: one extra pod at a time");
    assert!(
        c.pods_with_prefix("default", "obi-")
            .iter()
            .all(|p| p["spec"]["containers"][0]["image"] == "otel/ebpf-instrument:v2")
    );

    // A node whose kubelet stops posting gets the unreachable taints: its agent stays (the
    // DaemonSet tolerates NoExecute) but no longer counts as desired; it is misscheduled.
    c.set_node_ready("fake-node-3", false);
    let taints = c.get("nodes", "", "fake-node-3").unwrap()["spec"]["taints"].clone();
    let keys: Vec<(&str, &str)> = taints
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["key"].as_str().unwrap(), t["effect"].as_str().unwrap()))
        .collect();
    assert_eq!(
        keys,
        [
            ("node.kubernetes.io/unreachable", "NoSchedule"),
            ("node.kubernetes.io/unreachable", "NoExecute")
        ]
    );
    assert!(
        c.wait_until_async(WAIT, |c| {
            let st = ds_status(c, "default");
            st["desiredNumberScheduled"] == 2 && st["numberMisscheduled"] == 1
        })
        .await,
        "{}",
        ds_status(&c, "default")
    );
    assert_eq!(agent_nodes(&c, "default").len(), 3);
    c.set_node_ready("fake-node-3", true);
    assert!(c.get("nodes", "", "fake-node-3").unwrap()["spec"]["taints"].is_null());
    assert!(
        c.wait_until_async(WAIT, |c| {
            let st = ds_status(c, "default");
            st["desiredNumberScheduled"] == 3
                && st["numberMisscheduled"] == 0
                && st["numberAvailable"] == 3
        })
        .await,
        "{}",
        ds_status(&c, "default")
    );
}

#[tokio::test]
async fn create_container_error_retries_until_the_behaviour_is_cleared() {
    let c = FakeCluster::start();
    let matcher = Matcher::image("otel/ebpf-instrument:bad");
    c.set_behavior(
        matcher.clone(),
        Behavior::CreateContainerError {
            message: "failed to create containerd task: custom".into(),
        },
    );
    c.create(pod("agent", "otel/ebpf-instrument:bad"));
    c.create(pod("fine", "otel/ebpf-instrument:badger"));
    let waiting = |c: &FakeCluster| {
        c.get("pods", "default", "agent").unwrap()["status"]["containerStatuses"][0]["state"]
            ["waiting"]
            .clone()
    };
    assert!(
        c.wait_until_async(WAIT, |c| waiting(c)["reason"] == "CreateContainerError")
            .await
    );
    assert_eq!(
        waiting(&c)["message"],
        "failed to create containerd task: custom"
    );
    // Retried: the Failed event repeats.
    assert!(
        c.wait_until_async(WAIT, |c| c.events_for("default", "agent").iter().any(|e| {
            e["reason"] == "Failed" && e["count"].as_i64().unwrap_or(0) >= 2
        }))
        .await
    );
    let p = c.get("pods", "default", "agent").unwrap();
    assert_eq!(p["status"]["phase"], "Pending");
    assert!(!FakeCluster::pod_is_ready(&p));
    // The tag is matched whole: `:badger` is another image.
    assert!(FakeCluster::pod_is_ready(
        &c.get("pods", "default", "fine").unwrap()
    ));
    c.clear_behavior(&matcher);
    assert!(
        c.wait_until_async(WAIT, |c| FakeCluster::pod_is_ready(
            &c.get("pods", "default", "agent").unwrap()
        ))
        .await
    );
    let p = c.get("pods", "default", "agent").unwrap();
    assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 0);
    assert!(p["status"]["containerStatuses"][0]["state"]["running"].is_object());
}

fn statefulset(image: &str, replicas: i32, service: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "serviceName": service,
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{
                    "name": "db", "image": image,
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}]
                }]}
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }]
        }
    })
}

fn sts_pods(c: &FakeCluster) -> Vec<String> {
    let mut v: Vec<String> = c
        .pods_with_prefix("default", "db-")
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// The StatefulSet controller: ordered, ready-gated creation of `db-N` with a claim each, a
/// pod that is not ready holds back the next ordinal, scale-down from the top keeps the
/// claims, a template change rolls the pods to the new revision, and spec fields the API
/// server keeps immutable are refused.
#[test]
fn statefulset_creates_ordered_pods_scales_and_rolls_from_the_top() {
    let c = FakeCluster::start();
    c.set_behavior(Matcher::pod("db-1"), Behavior::NeverReady);
    c.apply("test", statefulset("postgres:16", 3, "db"))
        .unwrap();
    assert!(
        c.wait_until(WAIT, |c| sts_pods(c) == ["db-0", "db-1"]
            && ready_pods(c, "default", "db-0") == 1),
        "{:?}",
        sts_pods(&c)
    );
    // db-1 never turns ready: db-2 is not made.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(sts_pods(&c), ["db-0", "db-1"]);
    let st = c.get("statefulsets", "default", "db").unwrap()["status"].clone();
    assert_eq!(
        (st["replicas"].as_i64(), st["readyReplicas"].as_i64()),
        (Some(2), Some(1)),
        "{st}"
    );
    let p0 = c.get("pods", "default", "db-0").unwrap();
    assert_eq!(p0["spec"]["hostname"], "db-0");
    assert_eq!(p0["spec"]["subdomain"], "db");
    assert_eq!(
        p0["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"],
        "db-0"
    );
    assert_eq!(p0["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");

    // Once db-1 is replaced by a pod that turns ready, db-2 follows.
    c.clear_behaviors();
    assert!(c.delete_now("pods", "default", "db-1"));
    assert!(
        c.wait_until(WAIT, |c| {
            c.get("statefulsets", "default", "db").unwrap()["status"]["readyReplicas"] == 3
        }),
        "{}",
        c.get("statefulsets", "default", "db").unwrap()["status"]
    );
    let claims = |c: &FakeCluster| {
        let mut v: Vec<String> = c
            .list("persistentvolumeclaims", Some("default"))
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(claims(&c), ["data-db-0", "data-db-1", "data-db-2"]);
    let st = c.get("statefulsets", "default", "db").unwrap()["status"].clone();
    assert_eq!(st["currentRevision"], st["updateRevision"], "{st}");
    assert_eq!(st["updatedReplicas"], 3);

    // Scale down: db-2, then db-1; their claims stay (retention policy Retain).
    c.apply("test", statefulset("postgres:16", 1, "db"))
        .unwrap();
    assert!(
        c.wait_until(WAIT, |c| sts_pods(c) == ["db-0"]),
        "{:?}",
        sts_pods(&c)
    );
    assert_eq!(claims(&c).len(), 3);

    // A new template: db-0 is replaced on the new revision.
    let old_rev = st["updateRevision"].clone();
    c.apply("test", statefulset("postgres:17", 1, "db"))
        .unwrap();
    assert!(
        c.wait_until(WAIT, |c| {
            let s = &c.get("statefulsets", "default", "db").unwrap()["status"];
            s["updateRevision"] != old_rev
                && s["currentRevision"] == s["updateRevision"]
                && s["readyReplicas"] == 1
        }),
        "{}",
        c.get("statefulsets", "default", "db").unwrap()["status"]
    );
    let p0 = c.get("pods", "default", "db-0").unwrap();
    assert_eq!(p0["spec"]["containers"][0]["image"], "postgres:17");

    // serviceName (like volumeClaimTemplates) cannot change.
    let e = c
        .apply("test", statefulset("postgres:17", 1, "other"))
        .unwrap_err();
    assert!(e.message.contains("Forbidden"), "{}", e.message);
}
