//! `b00t obi deploy|undeploy|preflight` run as a process against the fake API server: the
//! objects a DaemonSet install creates, waiting per node, early stops with the reason,
//! preflight blockers, dry runs, two installs side by side, and the sidecar.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{KubeCtx, Out, bin};
use crate::support::{Behavior, FakeCluster, Matcher};

const NS: &str = "observability";
const ROLE: &str = "b00t-obi-observability";
const WAIT: Duration = Duration::from_secs(20);

/// The fake cluster and HOME of one test, with the OBI helpers below.
struct Ctx(KubeCtx);

impl std::ops::Deref for Ctx {
    type Target = KubeCtx;
    fn deref(&self) -> &KubeCtx {
        &self.0
    }
}

impl Ctx {
    fn new() -> Ctx {
        Ctx::with(FakeCluster::start())
    }

    fn with(cluster: FakeCluster) -> Ctx {
        Ctx(KubeCtx::new(cluster))
    }

    /// `b00t obi deploy ARGS --timeout 30s`, expected to succeed.
    fn deploy(&self, args: &[&str]) -> Out {
        let mut a = vec!["obi", "deploy"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--timeout", "30s"]);
        let o = self.run(&a);
        assert_eq!(o.code, 0, "obi deploy {args:?}: {o}");
        o
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.home.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    fn writes(&self) -> Vec<String> {
        self.cluster
            .requests()
            .iter()
            .filter(|r| r.is_write())
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// The agent pods of `ns` by node (only ready ones).
    fn ready_nodes(&self, ns: &str) -> Vec<String> {
        let mut nodes: Vec<String> = self
            .cluster
            .pods_with_prefix(ns, "obi-")
            .iter()
            .filter(|p| {
                FakeCluster::pod_is_ready(p) && p["metadata"]["deletionTimestamp"].is_null()
            })
            .map(|p| {
                p["spec"]["nodeName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        nodes.sort();
        nodes
    }
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

fn env_of(container: &Value) -> serde_json::Map<String, Value> {
    container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_string(), e.clone()))
        .collect()
}

fn env_value<'a>(env: &'a serde_json::Map<String, Value>, k: &str) -> Option<&'a str> {
    env.get(k).and_then(|e| e["value"].as_str())
}

fn agent(ds: &Value) -> &Value {
    &ds["spec"]["template"]["spec"]["containers"][0]
}

fn gone_or_terminating(v: Option<Value>) -> bool {
    v.is_none_or(|v| v["metadata"]["deletionTimestamp"].is_string())
}

const ALL_CREATED: [&str; 6] = [
    "namespace/observability created",
    "serviceaccount/obi created",
    "clusterrole.rbac.authorization.k8s.io/b00t-obi-observability created",
    "clusterrolebinding.rbac.authorization.k8s.io/b00t-obi-observability created",
    "configmap/obi-config created",
    "daemonset.apps/obi created",
];

// ---------------------------------------------------------------------------------------------
// 1. deploy --mode daemonset

#[test]
fn deploy_creates_every_object_and_waits_for_every_node() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    let o = cx.deploy(&[]);
    assert_eq!(lines(&o.stdout), ALL_CREATED, "{o}");
    // It waited: every node runs a ready agent when it returns.
    assert_eq!(cx.ready_nodes(NS), ["fake-node-1", "fake-node-2"], "{o}");
    assert!(
        o.stderr
            .contains("obi is running on 2 node(s) in namespace observability"),
        "{o}"
    );

    let ns = c.get("namespaces", "", NS).unwrap();
    let nsl = &ns["metadata"]["labels"];
    assert_eq!(nsl["pod-security.kubernetes.io/enforce"], "privileged");
    assert_eq!(nsl["app.kubernetes.io/managed-by"], "b00t");
    assert!(c.get("serviceaccounts", NS, "obi").is_some());

    let role = c.get("clusterroles", "", ROLE).unwrap();
    let rules = role["rules"].as_array().unwrap();
    let grants = |group: &str, resource: &str| {
        rules.iter().any(|r| {
            r["apiGroups"].as_array().unwrap().contains(&json!(group))
                && r["resources"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(resource))
                && ["get", "list", "watch"]
                    .iter()
                    .all(|v| r["verbs"].as_array().unwrap().contains(&json!(v)))
        })
    };
    for (g, r) in [
        ("", "pods"),
        ("", "services"),
        ("", "nodes"),
        ("apps", "replicasets"),
    ] {
        assert!(grants(g, r), "get/list/watch on {g}/{r}: {role}");
    }
    // Read-only: nothing but get/list/watch.
    for r in rules {
        for v in r["verbs"].as_array().unwrap() {
            assert!(
                ["get", "list", "watch"].contains(&v.as_str().unwrap()),
                "{r}"
            );
        }
    }
    let crb = c.get("clusterrolebindings", "", ROLE).unwrap();
    assert_eq!(crb["roleRef"]["name"], ROLE);
    assert_eq!(crb["roleRef"]["kind"], "ClusterRole");
    assert_eq!(
        crb["subjects"],
        json!([{"kind": "ServiceAccount", "name": "obi", "namespace": NS}])
    );

    // The ConfigMap holds a config that `obi config validate` accepts.
    let cm = c.get("configmaps", NS, "obi-config").unwrap();
    let config = cm["data"]["obi-config.yml"]
        .as_str()
        .expect("obi-config.yml");
    let file = cx.write("deployed.yml", config);
    let v = cx.run(&["obi", "config", "validate", &file]);
    assert_eq!(v.code, 0, "the deployed config validates: {v}");

    let ds = c.get("daemonsets", NS, "obi").unwrap();
    let pod = &ds["spec"]["template"]["spec"];
    assert_eq!(pod["hostPID"], true);
    assert_eq!(pod["serviceAccountName"], "obi");
    // The default config has network metrics: host network, with cluster DNS kept.
    assert_eq!(pod["hostNetwork"], true, "{pod}");
    assert_eq!(pod["dnsPolicy"], "ClusterFirstWithHostNet");
    assert_eq!(pod["tolerations"], json!([{"operator": "Exists"}]));
    assert_eq!(pod["nodeSelector"], json!({"kubernetes.io/os": "linux"}));
    let a = agent(&ds);
    assert_eq!(a["image"], "otel/ebpf-instrument:main");
    let sc = &a["securityContext"];
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["runAsUser"], 0);
    assert!(
        sc["privileged"].is_null() || sc["privileged"] == false,
        "{sc}"
    );
    assert_eq!(sc["capabilities"]["drop"], json!(["ALL"]));
    let add: Vec<&str> = sc["capabilities"]["add"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for cap in [
        "BPF",
        "SYS_PTRACE",
        "NET_RAW",
        "CHECKPOINT_RESTORE",
        "DAC_READ_SEARCH",
        "PERFMON",
    ] {
        assert!(add.contains(&cap), "{cap} in {add:?}");
    }
    // Volumes: the config, /sys/fs/cgroup read-only, an emptyDir for /var/run/obi.
    let mounts: Vec<(String, String, bool)> = a["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["mountPath"].as_str().unwrap().to_string(),
                m["readOnly"] == true,
            )
        })
        .collect();
    assert!(
        mounts.contains(&("config".into(), "/config".into(), true)),
        "{mounts:?}"
    );
    assert!(
        mounts.contains(&("cgroup".into(), "/sys/fs/cgroup".into(), true)),
        "{mounts:?}"
    );
    assert!(
        mounts.contains(&("var-run-obi".into(), "/var/run/obi".into(), false)),
        "{mounts:?}"
    );
    let vols = pod["volumes"].as_array().unwrap();
    let vol = |n: &str| {
        vols.iter()
            .find(|v| v["name"] == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert_eq!(vol("config")["configMap"]["name"], "obi-config");
    assert_eq!(vol("cgroup")["hostPath"]["path"], "/sys/fs/cgroup");
    assert!(vol("var-run-obi")["emptyDir"].is_object());

    let env = env_of(a);
    assert_eq!(
        env_value(&env, "OTEL_EBPF_KUBE_CLUSTER_NAME"),
        Some("fake"),
        "the kubeconfig context's name"
    );
    assert_eq!(
        env_value(&env, "OTEL_EBPF_CONFIG_PATH"),
        Some("/config/obi-config.yml")
    );
    // The checksum of the config on the pod template.
    let checksum =
        ds["spec"]["template"]["metadata"]["annotations"]["b00t.elastic.ventures/config-hash"]
            .as_str()
            .expect("config checksum annotation");
    assert_eq!(checksum.len(), 64, "{checksum}");
    // The Prometheus port is named, and the readiness probe uses it.
    let ports = a["ports"].as_array().unwrap();
    let metrics = ports
        .iter()
        .find(|p| p["name"] == "metrics")
        .expect("port metrics");
    assert!(metrics["containerPort"].as_i64().unwrap() > 0);
    assert_eq!(a["readinessProbe"]["httpGet"]["port"], "metrics");
    assert!(a["readinessProbe"]["httpGet"]["path"].is_string());
    assert_eq!(
        env_value(&env, "OTEL_EBPF_PROMETHEUS_PORT").map(str::to_string),
        Some(metrics["containerPort"].to_string())
    );
}

#[test]
fn deploying_twice_changes_nothing_and_json_says_what_was_done() {
    let cx = Ctx::new();
    let first = cx.deploy(&["--json"]);
    let doc = first.json();
    assert_eq!(doc["stage"], "applied", "{first}");
    assert_eq!(doc["mode"], "daemonset");
    assert_eq!(doc["namespace"], NS);
    assert_eq!(doc["ready"], true);
    assert_eq!(doc["changed"], true);
    let objects = doc["objects"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = objects
        .iter()
        .map(|o| (o["kind"].as_str().unwrap(), o["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Namespace", "created"),
            ("ServiceAccount", "created"),
            ("ClusterRole", "created"),
            ("ClusterRoleBinding", "created"),
            ("ConfigMap", "created"),
            ("DaemonSet", "created"),
        ],
        "{first}"
    );
    let nodes = doc["nodes"].as_array().unwrap();
    let mut names: Vec<&str> = nodes.iter().map(|n| n["node"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["fake-node-1", "fake-node-2"], "{first}");
    for n in nodes {
        assert_eq!(n["ready"], true, "{n}");
        assert_eq!(n["updated"], true, "{n}");
        let pod = n["pod"].as_str().unwrap();
        let stored = cx
            .cluster
            .get("pods", NS, pod)
            .expect("the pod named exists");
        assert_eq!(stored["spec"]["nodeName"], n["node"], "{n}");
    }
    assert_eq!(
        doc["config_checksum"],
        cx.cluster.get("daemonsets", NS, "obi").unwrap()["spec"]["template"]["metadata"]["annotations"]
            ["b00t.elastic.ventures/config-hash"],
        "{first}"
    );
    assert!(
        !first.stdout.contains(" created\n"),
        "--json prints only the document: {first}"
    );

    let rv_before =
        cx.cluster.get("daemonsets", NS, "obi").unwrap()["metadata"]["generation"].clone();
    let again = cx.deploy(&[]);
    let want: Vec<String> = ALL_CREATED
        .iter()
        .map(|l| l.replace(" created", " unchanged"))
        .collect();
    assert_eq!(lines(&again.stdout), want, "{again}");
    assert!(again.stderr.contains("nothing changed"), "{again}");
    assert_eq!(
        cx.cluster.get("daemonsets", NS, "obi").unwrap()["metadata"]["generation"],
        rv_before
    );
    let third = cx.deploy(&["--json"]);
    let doc = third.json();
    assert_eq!(doc["changed"], false);
    assert!(
        doc["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["action"] == "unchanged"),
        "{third}"
    );
}

#[test]
fn deploy_flags_shape_the_daemonset_and_keep_the_otlp_headers_secret() {
    let secret = "s3cr3t-Api-Key-9f8e";
    let cx = Ctx::with(FakeCluster::builder().node_label(1, "disk", "ssd").start());
    let c = &cx.cluster;
    let headers = format!("api-key={secret}");
    let args = [
        "--host-network=false",
        "--privileged",
        "--node-selector",
        "disk=ssd",
        "--otlp-endpoint",
        "http://collector:4317",
        "--otlp-headers",
        &headers,
        "--image-tag",
        "v0.10.0",
        "--cluster-name",
        "prod-eu",
    ];
    let o = cx.deploy(&args);
    assert!(o.stdout.contains("secret/obi-otlp-headers created"), "{o}");
    // Only the labelled node is desired, and the deploy completes with it.
    assert_eq!(cx.ready_nodes(NS), ["fake-node-1"], "{o}");
    let ds = c.get("daemonsets", NS, "obi").unwrap();
    assert_eq!(ds["status"]["desiredNumberScheduled"], 1);
    let pod = &ds["spec"]["template"]["spec"];
    assert!(
        pod["hostNetwork"].is_null() || pod["hostNetwork"] == false,
        "{pod}"
    );
    assert_ne!(pod["dnsPolicy"], "ClusterFirstWithHostNet");
    assert_eq!(
        pod["nodeSelector"],
        json!({"disk": "ssd", "kubernetes.io/os": "linux"})
    );
    let a = agent(&ds);
    assert_eq!(a["image"], "otel/ebpf-instrument:v0.10.0");
    assert_eq!(a["securityContext"]["privileged"], true);
    assert!(a["securityContext"]["capabilities"].is_null(), "{a}");
    let env = env_of(a);
    assert_eq!(
        env_value(&env, "OTEL_EBPF_KUBE_CLUSTER_NAME"),
        Some("prod-eu")
    );
    assert_eq!(
        env_value(&env, "OTEL_EXPORTER_OTLP_ENDPOINT"),
        Some("http://collector:4317")
    );
    assert_eq!(env_value(&env, "OTEL_EXPORTER_OTLP_PROTOCOL"), Some("grpc"));
    let h = &env["OTEL_EXPORTER_OTLP_HEADERS"];
    assert!(h.get("value").is_none(), "headers only by reference: {h}");
    assert_eq!(h["valueFrom"]["secretKeyRef"]["name"], "obi-otlp-headers");
    let s = c.get("secrets", NS, "obi-otlp-headers").unwrap();
    let stored = s["data"]["OTEL_EXPORTER_OTLP_HEADERS"].as_str().unwrap();
    assert_eq!(b64(headers.as_bytes()), stored);
    // The value is in none of the outputs: table, JSON, verbose logs, the config.
    let json = cx.deploy(&[&args[..], &["--json"]].concat());
    let verbose = cx.deploy(&[&args[..], &["-vv"]].concat());
    let cm = c.get("configmaps", NS, "obi-config").unwrap();
    for (what, text) in [
        ("deploy", format!("{}{}", o.stdout, o.stderr)),
        ("deploy --json", format!("{}{}", json.stdout, json.stderr)),
        (
            "deploy -vv",
            format!("{}{}", verbose.stdout, verbose.stderr),
        ),
        ("configmap", cm.to_string()),
        (
            "daemonset",
            c.get("daemonsets", NS, "obi").unwrap().to_string(),
        ),
    ] {
        assert!(
            !text.contains(secret),
            "{what} shows the OTLP headers:\n{text}"
        );
        assert!(
            !text.contains(stored),
            "{what} shows the OTLP headers (base64):\n{text}"
        );
    }
}

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn a_changed_redeploy_waits_until_every_node_runs_the_new_template() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    cx.deploy(&[]);
    let old: Vec<String> = c
        .pods_with_prefix(NS, "obi-")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    let o = cx.deploy(&["--privileged"]);
    assert!(o.stdout.contains("daemonset.apps/obi configured"), "{o}");
    assert!(o.stdout.contains("configmap/obi-config unchanged"), "{o}");
    // When it returns, the new pods run everywhere and the old ones are gone or going.
    let pods = c.pods_with_prefix(NS, "obi-");
    let live: Vec<&Value> = pods
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .collect();
    assert_eq!(live.len(), 2, "{o}");
    for p in live {
        let name = p["metadata"]["name"].as_str().unwrap();
        assert!(!old.iter().any(|o| o == name), "{name} is an old pod: {o}");
        assert!(FakeCluster::pod_is_ready(p), "{name} ready: {o}");
        assert_eq!(
            p["spec"]["containers"][0]["securityContext"]["privileged"], true,
            "{name}"
        );
    }
    // A config change rolls the pods too (the checksum on the template).
    let before = c.get("daemonsets", NS, "obi").unwrap()["spec"]["template"]["metadata"]
        ["annotations"]["b00t.elastic.ventures/config-hash"]
        .clone();
    let cm = c.get("configmaps", NS, "obi-config").unwrap();
    let text = format!(
        "{}log_format: json\n",
        cm["data"]["obi-config.yml"].as_str().unwrap()
    );
    let file = cx.write("changed.yml", &text);
    let o = cx.deploy(&["--privileged", "--config", &file]);
    assert!(o.stdout.contains("configmap/obi-config configured"), "{o}");
    assert!(o.stdout.contains("daemonset.apps/obi configured"), "{o}");
    let ds = c.get("daemonsets", NS, "obi").unwrap();
    assert_ne!(
        ds["spec"]["template"]["metadata"]["annotations"]["b00t.elastic.ventures/config-hash"],
        before
    );
    assert_eq!(ds["status"]["updatedNumberScheduled"], 2, "{ds}");
    assert_eq!(ds["status"]["numberReady"], 2, "{ds}");
}

// ---------------------------------------------------------------------------------------------
// 2. two installs

/// With the host network, a pod's container ports are host ports (the API server defaults
/// `hostPort` to `containerPort`), so two agents on one node cannot both serve 9400: a real
/// scheduler leaves the second install's pods Pending ("didn't have free ports"). The fake
/// does not model host ports, so deploy itself must refuse.
#[test]
fn a_second_install_on_the_host_network_with_the_same_port_is_refused() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    cx.deploy(&["-n", "a"]);
    let o = cx.run(&["obi", "deploy", "-n", "b", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "{o}");
    let err = o.error_line();
    assert!(err.contains("namespace a") && err.contains("9400"), "{o}");
    assert!(err.contains("--host-network=false"), "says how: {o}");
    assert!(err.contains("nothing was applied"), "{o}");
    assert!(c.get("namespaces", "", "b").is_none(), "{o}");
    assert!(c.get("clusterroles", "", "b00t-obi-b").is_none(), "{o}");
    // Redeploying a is not a conflict with itself.
    let again = cx.deploy(&["-n", "a"]);
    assert!(again.stderr.contains("nothing changed"), "{again}");
}

#[test]
fn two_installs_in_two_namespaces_do_not_collide() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    cx.deploy(&["-n", "a"]);
    // The second one off the host network, so the two never share a host port.
    cx.deploy(&["-n", "b", "--host-network=false"]);
    for ns in ["a", "b"] {
        let role = format!("b00t-obi-{ns}");
        assert!(c.get("clusterroles", "", &role).is_some(), "{role}");
        let crb = c.get("clusterrolebindings", "", &role).unwrap();
        assert_eq!(crb["subjects"][0]["namespace"], ns);
        assert_eq!(crb["roleRef"]["name"], role);
        assert_eq!(cx.ready_nodes(ns), ["fake-node-1", "fake-node-2"], "{ns}");
    }
    let o = cx.run(&["obi", "undeploy", "-n", "a", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(c.get("daemonsets", "a", "obi").is_none());
    assert!(c.get("clusterroles", "", "b00t-obi-a").is_none());
    assert!(c.get("clusterrolebindings", "", "b00t-obi-a").is_none());
    assert!(c.pods_with_prefix("a", "obi-").is_empty(), "{o}");
    // b is untouched and still runs everywhere.
    for (kind, ns, name) in [
        ("clusterroles", "", "b00t-obi-b"),
        ("clusterrolebindings", "", "b00t-obi-b"),
        ("daemonsets", "b", "obi"),
        ("configmaps", "b", "obi-config"),
        ("serviceaccounts", "b", "obi"),
    ] {
        let v = c.get(kind, ns, name);
        assert!(
            v.as_ref()
                .is_some_and(|v| v["metadata"]["deletionTimestamp"].is_null()),
            "{kind}/{name} in {ns} survives: {v:?}"
        );
    }
    assert_eq!(cx.ready_nodes("b"), ["fake-node-1", "fake-node-2"]);
    // With a gone, b may move onto the host network.
    cx.deploy(&["-n", "b"]);
}

// ---------------------------------------------------------------------------------------------
// 3. dry runs

#[test]
fn client_dry_run_prints_every_object_without_contacting_the_cluster() {
    let cx = Ctx::new();
    cx.cluster.clear_requests();
    let o = cx.run(&["obi", "deploy", "--dry-run"]);
    assert_eq!(o.code, 0, "{o}");
    let kinds: Vec<&str> = o
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "DaemonSet"
        ],
        "{o}"
    );
    assert_eq!(o.stdout.matches("---\n").count(), 6, "{o}");
    let o = cx.run(&["obi", "deploy", "--dry-run", "-o", "json"]);
    assert_eq!(o.code, 0, "{o}");
    let doc = o.json();
    assert_eq!(doc["kind"], "List");
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(items[5]["kind"], "DaemonSet");
    assert_eq!(items[5]["metadata"]["namespace"], NS);
    assert!(
        cx.cluster.requests().is_empty(),
        "a client dry run contacts no cluster: {:?}",
        cx.cluster
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn server_dry_run_stores_nothing() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    let o = cx.run(&["obi", "deploy", "--dry-run=server"]);
    assert_eq!(o.code, 0, "{o}");
    // The namespace does not exist yet: the server validates it, and what goes into it is
    // shown as it would be created.
    let kinds: Vec<&str> = o
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "DaemonSet"
        ],
        "{o}"
    );
    assert!(c.get("namespaces", "", NS).is_none());
    assert!(c.get("clusterroles", "", ROLE).is_none());
    assert!(c.get("clusterrolebindings", "", ROLE).is_none());
    assert!(c.list("daemonsets", None).is_empty());
    assert!(
        c.requests()
            .iter()
            .filter(|r| r.is_write())
            .all(|r| r.path.contains("selfsubjectaccessreviews")),
        "{:?}",
        cx.writes()
    );
}

// ---------------------------------------------------------------------------------------------
// 4. bad config files

#[test]
fn unknown_config_key_is_a_usage_error_and_nothing_is_applied() {
    let cx = Ctx::new();
    let file = cx.write(
        "obi.yml",
        "log_level: info\nprometheus_export:\n  port: 9400\n  pathh: /metrics\n",
    );
    cx.cluster.clear_requests();
    let o = cx.run(&["obi", "deploy", "--config", &file, "--image-tag", "v0.10.0"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(
        o.stderr.contains(&format!("{file}:4:3:")),
        "FILE:LINE:COL of the unknown key: {o}"
    );
    assert!(o.stderr.contains("did you mean \"path\""), "{o}");
    assert!(o.error_line().contains("nothing was applied"), "{o}");
    assert!(cx.writes().is_empty(), "{:?}", cx.writes());
    assert!(cx.cluster.get("namespaces", "", NS).is_none());
}

#[test]
fn a_key_of_another_version_is_an_error_naming_the_versions() {
    let cx = Ctx::new();
    let file = cx.write(
        "newer.yml",
        "metrics:\n  features: [network]\nprometheus_export:\n  port: 9400\n",
    );
    cx.cluster.clear_requests();
    let o = cx.run(&["obi", "deploy", "--config", &file, "--image-tag", "v0.3.0"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.stderr.contains(&format!("{file}:1:1:")), "{o}");
    assert!(o.stderr.contains("v0.3.0"), "{o}");
    assert!(
        o.stderr.contains("v0.10.0"),
        "names the version that has it: {o}"
    );
    assert!(cx.writes().is_empty(), "{:?}", cx.writes());
    // The same file is fine for v0.10.0.
    let o = cx.deploy(&["--config", &file, "--image-tag", "v0.10.0"]);
    assert!(o.stdout.contains("daemonset.apps/obi created"), "{o}");
}

// ---------------------------------------------------------------------------------------------
// 5. preflight

#[test]
fn restricted_namespace_stops_deploy_naming_the_label() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    c.create(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {
        "name": NS, "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}),
    );
    let o = cx.run(&["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "{o}");
    let err = o.error_line();
    assert!(err.contains("pod-security.kubernetes.io/enforce"), "{o}");
    assert!(err.contains("nothing was applied"), "{o}");
    assert!(o.stdout.contains("BLOCKER"), "the checklist: {o}");
    assert!(c.get("clusterroles", "", ROLE).is_none());
    assert!(c.get("serviceaccounts", NS, "obi").is_none());
    assert!(c.get("daemonsets", NS, "obi").is_none());
    assert_eq!(
        c.get("namespaces", "", NS).unwrap()["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted",
        "the user's namespace is untouched"
    );
}

#[test]
fn a_missing_permission_stops_deploy_and_skip_preflight_rolls_back() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    c.forbid("patch", "rbac.authorization.k8s.io", "clusterroles", None);
    let o = cx.run(&["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "{o}");
    let err = o.error_line();
    assert!(err.contains("clusterroles"), "names the permission: {o}");
    assert!(err.contains("patch"), "names the verb: {o}");
    assert!(
        c.get("namespaces", "", NS).is_none(),
        "nothing applied: {o}"
    );
    assert!(c.get("serviceaccounts", NS, "obi").is_none());

    // Without preflight the API server refuses, and what this run created is removed.
    let o = cx.run(&["obi", "deploy", "--skip-preflight", "--timeout", "30s"]);
    assert_eq!(o.code, 5, "{o}");
    assert!(o.error_line().contains("clusterroles"), "{o}");
    assert!(c.get("clusterroles", "", ROLE).is_none());
    assert!(c.get("clusterrolebindings", "", ROLE).is_none());
    assert!(c.get("configmaps", NS, "obi-config").is_none());
    assert!(c.get("daemonsets", NS, "obi").is_none());
    assert!(
        gone_or_terminating(c.get("serviceaccounts", NS, "obi")),
        "the ServiceAccount this run created is deleted"
    );
    assert!(
        gone_or_terminating(c.get("namespaces", "", NS)),
        "the namespace this run created is deleted"
    );
}

#[test]
fn redeploy_into_b00ts_namespace_checks_the_namespace_permission() {
    let cx = Ctx::new();
    cx.deploy(&[]);
    // The namespace exists now, but it is b00t's: a redeploy applies it again.
    cx.cluster.forbid("patch", "", "namespaces", None);
    let o = cx.run(&["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "preflight, not the API server, stops it: {o}");
    let err = o.error_line();
    assert!(err.contains("patch namespaces"), "{o}");
    assert!(err.contains("nothing was applied"), "{o}");
}

#[test]
fn an_old_kernel_is_a_blocker() {
    let cx = Ctx::with(
        FakeCluster::builder()
            .node_info(2, "5.4.0-216-generic", "Ubuntu 20.04.6 LTS", "amd64")
            .start(),
    );
    let o = cx.run(&["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "{o}");
    let err = o.error_line();
    assert!(err.contains("fake-node-2"), "{o}");
    assert!(err.contains("5.8"), "says what is needed: {o}");
    assert!(cx.cluster.get("daemonsets", NS, "obi").is_none());

    let p = cx.run(&["obi", "preflight"]);
    assert_eq!(p.code, 1, "{p}");
    let row = p
        .stdout
        .lines()
        .find(|l| l.contains("fake-node-2"))
        .unwrap_or_else(|| panic!("a row for fake-node-2: {p}"));
    assert!(row.contains("BLOCKER") && row.contains("5.4.0"), "{row}");
    let p = cx.run(&["obi", "preflight", "--json"]);
    assert_eq!(p.code, 1, "{p}");
    let doc = p.json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["blockers"], 1);
    let checks = doc["checks"].as_array().unwrap();
    let n2 = checks
        .iter()
        .find(|c| c["name"] == "fake-node-2")
        .expect("fake-node-2 checked");
    assert_eq!(n2["status"], "blocker");
    assert_eq!(n2["category"], "node");
    let n1 = checks.iter().find(|c| c["name"] == "fake-node-1").unwrap();
    assert_eq!(n1["status"], "ok");
}

#[test]
fn preflight_passes_on_a_fine_cluster() {
    let cx = Ctx::new();
    let p = cx.run(&["obi", "preflight"]);
    assert_eq!(p.code, 0, "{p}");
    let header = p.stdout.lines().next().unwrap_or_default();
    for col in ["CHECK", "WHAT", "RESULT", "DETAIL"] {
        assert!(header.contains(col), "{p}");
    }
    assert!(!p.stdout.contains("BLOCKER"), "{p}");
    assert!(
        p.stdout.contains("fake-node-1") && p.stdout.contains("fake-node-2"),
        "{p}"
    );
    let p = cx.run(&["obi", "preflight", "--json"]);
    assert_eq!(p.code, 0, "{p}");
    let doc = p.json();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["blockers"], 0);
    let checks = doc["checks"].as_array().unwrap();
    for cat in ["node", "namespace", "permission"] {
        assert!(checks.iter().any(|c| c["category"] == cat), "{cat}: {doc}");
    }
    assert!(checks.iter().all(|c| c["status"] != "blocker"), "{doc}");
    // Preflight only reads (SelfSubjectAccessReviews aside).
    assert!(
        cx.writes()
            .iter()
            .all(|w| w.contains("selfsubjectaccessreviews")),
        "{:?}",
        cx.writes()
    );
}

// ---------------------------------------------------------------------------------------------
// 6. early stops

/// `obi deploy ARGS --timeout 90s`, expected to fail well before the timeout.
fn deploy_fails_fast(cx: &Ctx, args: &[&str]) -> Out {
    let mut a = vec!["obi", "deploy"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--timeout", "90s"]);
    let t = Instant::now();
    let o = cx.run(&a);
    let took = t.elapsed();
    assert_eq!(o.code, 1, "{o}");
    assert!(
        took < Duration::from_secs(30),
        "stopped early, not at --timeout ({took:?}): {o}"
    );
    o
}

#[test]
fn image_pull_failure_stops_the_wait_early() {
    let cx = Ctx::new();
    cx.cluster.set_behavior(
        Matcher::image("otel/ebpf-instrument:bad"),
        Behavior::ImagePullBackOff,
    );
    let o = deploy_fails_fast(&cx, &["--image-tag", "bad"]);
    assert!(
        o.stderr.contains("ImagePullBackOff") || o.stderr.contains("ErrImagePull"),
        "{o}"
    );
    assert!(o.error_line().contains("did not become ready"), "{o}");
    assert!(o.stdout.contains("daemonset.apps/obi created"), "{o}");
}

#[test]
fn capabilities_the_node_refuses_stop_the_wait_with_the_runtime_message() {
    let cx = Ctx::new();
    cx.cluster.set_behavior(
        Matcher::image("otel/ebpf-instrument:main"),
        Behavior::caps_denied(),
    );
    let o = deploy_fails_fast(&cx, &[]);
    assert!(o.stderr.contains("CreateContainerError"), "{o}");
    assert!(o.error_line().contains("unable to apply caps"), "{o}");
}

#[test]
fn a_crash_loop_stops_the_wait_with_the_last_log_lines() {
    let cx = Ctx::new();
    cx.cluster.set_behavior(
        Matcher::image("otel/ebpf-instrument:main"),
        Behavior::CrashLoop {
            exit_code: 1,
            logs: vec![
                "time=2025-01-01T00:00:00Z level=INFO msg=\"starting OBI\"".into(),
                "time=2025-01-01T00:00:01Z level=ERROR msg=\"can't load BPF programs\" error=\"operation not permitted\"".into(),
            ],
        },
    );
    let o = deploy_fails_fast(&cx, &[]);
    assert!(o.stderr.contains("CrashLoopBackOff"), "{o}");
    assert!(o.stderr.contains("last log lines of"), "{o}");
    assert!(o.stderr.contains("can't load BPF programs"), "{o}");
}

#[test]
fn pods_refused_by_pod_security_stop_the_wait_with_failed_create() {
    let cx = Ctx::with(FakeCluster::builder().namespace("locked").start());
    cx.cluster.modify("namespaces", "", "locked", |n| {
        n["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = json!("baseline");
    });
    let o = deploy_fails_fast(&cx, &["-n", "locked", "--skip-preflight"]);
    assert!(o.stderr.contains("FailedCreate"), "{o}");
    assert!(o.stderr.contains("baseline"), "the admission reason: {o}");
}

#[test]
fn a_failed_wait_in_json_is_a_document_with_the_failure() {
    let cx = Ctx::new();
    cx.cluster.set_behavior(
        Matcher::image("otel/ebpf-instrument:main"),
        Behavior::caps_denied(),
    );
    let o = deploy_fails_fast(&cx, &["--json"]);
    let doc = o.json();
    assert_eq!(doc["stage"], "applied", "{o}");
    assert_eq!(doc["ready"], false, "{o}");
    let reasons = doc["failure"]["reasons"]
        .as_array()
        .expect("failure.reasons");
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains("unable to apply caps")),
        "{o}"
    );
}

#[test]
fn an_agent_that_never_gets_ready_times_out_with_exit_6() {
    let cx = Ctx::new();
    cx.cluster.set_behavior(
        Matcher::image("otel/ebpf-instrument:main"),
        Behavior::NeverReady,
    );
    let t = Instant::now();
    let o = cx.run(&["obi", "deploy", "--timeout", "3s"]);
    assert_eq!(o.code, 6, "{o}");
    assert!(t.elapsed() < Duration::from_secs(20), "{o}");
    assert!(o.error_line().contains("obi"), "{o}");
}

#[test]
fn a_node_selector_that_matches_no_node_says_so() {
    let cx = Ctx::new();
    let o = cx.deploy(&["--node-selector", "disk=none"]);
    assert!(
        o.stderr
            .contains("the agent runs on no node: no node matches its node selector (disk=none"),
        "{o}"
    );
    assert!(!o.stderr.contains("obi is running on 0 node(s)"), "{o}");
    let ok = cx.deploy(&[]);
    assert!(!ok.stderr.contains("runs on no node"), "{ok}");
}

#[test]
fn the_agent_tolerates_taints_unless_told_not_to() {
    let cluster = FakeCluster::builder()
        .node_taint(2, "dedicated", "gpu", "NoSchedule")
        .start();
    let cx = Ctx::with(cluster);
    cx.deploy(&["-n", "t1"]);
    assert_eq!(cx.ready_nodes("t1"), ["fake-node-1", "fake-node-2"]);
    // A second install: off the host network, so it does not take t1's host port.
    let o = cx.deploy(&["-n", "t2", "--no-tolerations", "--host-network=false"]);
    assert_eq!(cx.ready_nodes("t2"), ["fake-node-1"], "{o}");
    let ds = cx.cluster.get("daemonsets", "t2", "obi").unwrap();
    assert_eq!(ds["status"]["desiredNumberScheduled"], 1);
    assert!(ds["spec"]["template"]["spec"]["tolerations"].is_null());
}

// ---------------------------------------------------------------------------------------------
// 8. undeploy

#[test]
fn undeploy_removes_everything_and_waits_for_the_pods() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    cx.deploy(&[
        "--otlp-endpoint",
        "http://collector:4318",
        "--otlp-headers",
        "k=v",
    ]);
    let ds = c.get("daemonsets", NS, "obi").unwrap();
    assert_eq!(
        env_value(&env_of(agent(&ds)), "OTEL_EXPORTER_OTLP_PROTOCOL"),
        Some("http/protobuf"),
        "port 4318"
    );
    let o = cx.run(&["obi", "undeploy", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    let mut got = lines(&o.stdout);
    got.sort();
    let mut want = vec![
        "daemonset.apps/obi deleted",
        "configmap/obi-config deleted",
        "secret/obi-otlp-headers deleted",
        "serviceaccount/obi deleted",
        "clusterrolebinding.rbac.authorization.k8s.io/b00t-obi-observability deleted",
        "clusterrole.rbac.authorization.k8s.io/b00t-obi-observability deleted",
    ];
    want.sort();
    assert_eq!(got, want, "{o}");
    assert!(
        c.pods_with_prefix(NS, "obi-").is_empty(),
        "waited for the pods: {o}"
    );
    assert!(gone_or_terminating(c.get("daemonsets", NS, "obi")));
    assert!(c.get("configmaps", NS, "obi-config").is_none());
    assert!(c.get("secrets", NS, "obi-otlp-headers").is_none());
    assert!(gone_or_terminating(c.get("serviceaccounts", NS, "obi")));
    assert!(c.get("clusterroles", "", ROLE).is_none());
    assert!(c.get("clusterrolebindings", "", ROLE).is_none());
    // The namespace stays unless asked.
    assert!(c.get("namespaces", "", NS).is_some());

    // Nothing left: exit 0, saying so.
    let o = cx.run(&["obi", "undeploy"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.is_empty(), "{o}");
    assert!(o.stderr.contains("nothing to remove"), "{o}");
    // Nor in a namespace that does not exist.
    let o = cx.run(&["obi", "undeploy", "-n", "nowhere", "--delete-namespace"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(
        o.stderr.contains("nothing to remove in namespace nowhere"),
        "{o}"
    );
    let o = cx.run(&["obi", "undeploy", "--json"]);
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(o.json()["deleted"], json!([]), "{o}");
}

#[test]
fn undeploy_keep_config_and_delete_namespace() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    cx.deploy(&[]);
    let o = cx.run(&["obi", "undeploy", "--keep-config", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(!o.stdout.contains("configmap/obi-config"), "{o}");
    assert!(o.stderr.contains("configmap/obi-config kept"), "{o}");
    assert!(c.get("configmaps", NS, "obi-config").is_some());
    assert!(c.get("clusterroles", "", ROLE).is_none());

    cx.deploy(&[]);
    let o = cx.run(&["obi", "undeploy", "--delete-namespace", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("namespace/observability deleted"), "{o}");
    assert!(gone_or_terminating(c.get("namespaces", "", NS)));
    assert!(
        c.wait_until(WAIT, |c| c.get("namespaces", "", NS).is_none()),
        "the namespace goes away"
    );
}

#[test]
fn undeploy_delete_namespace_leaves_a_namespace_b00t_did_not_create() {
    let cx = Ctx::with(FakeCluster::builder().namespace("mine").start());
    let c = &cx.cluster;
    cx.deploy(&["-n", "mine"]);
    let o = cx.run(&[
        "obi",
        "undeploy",
        "-n",
        "mine",
        "--delete-namespace",
        "--timeout",
        "30s",
    ]);
    // Everything deploy created is removed and reported; the user's namespace stays.
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("daemonset.apps/obi deleted"), "{o}");
    assert!(
        o.stdout
            .contains("clusterrole.rbac.authorization.k8s.io/b00t-obi-mine deleted"),
        "{o}"
    );
    assert!(!o.stdout.contains("namespace/mine"), "{o}");
    assert!(
        o.stderr
            .contains("namespace/mine kept (not created by b00t"),
        "{o}"
    );
    assert!(gone_or_terminating(c.get("daemonsets", "mine", "obi")));
    assert!(c.pods_with_prefix("mine", "obi-").is_empty(), "{o}");
    assert!(c.get("clusterroles", "", "b00t-obi-mine").is_none());
    assert!(
        c.get("namespaces", "", "mine")
            .is_some_and(|n| n["metadata"]["deletionTimestamp"].is_null()),
        "{o}"
    );
    let j = cx.run(&[
        "obi",
        "undeploy",
        "-n",
        "mine",
        "--delete-namespace",
        "--json",
    ]);
    assert_eq!(j.code, 0, "{j}");
    assert_eq!(j.json()["kept"], json!(["namespace/mine"]), "{j}");
}

#[test]
fn undeploy_leaves_a_foreign_object_alone_with_a_clear_error() {
    let cx = Ctx::with(FakeCluster::builder().namespace(NS).start());
    let c = &cx.cluster;
    // Someone else's agent (a Helm install, say): same name, no b00t label.
    c.create(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "obi", "namespace": NS, "labels": {"app": "obi"}},
        "spec": {
            "selector": {"matchLabels": {"app": "obi"}},
            "template": {"metadata": {"labels": {"app": "obi"}},
                "spec": {"containers": [{"name": "obi", "image": "otel/ebpf-instrument:main"}]}}
        }
    }));
    c.create(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "obi-config", "namespace": NS}, "data": {"obi-config.yml": "log_level: info\n"}}));
    let o = cx.run(&["obi", "undeploy", "--timeout", "30s"]);
    assert_ne!(o.code, 0, "{o}");
    let err = o.error_line();
    assert!(err.contains("daemonset.apps/obi"), "{o}");
    assert!(err.contains("not created by b00t"), "{o}");
    let ds = c.get("daemonsets", NS, "obi").unwrap();
    assert!(ds["metadata"]["deletionTimestamp"].is_null());
    assert!(c.get("configmaps", NS, "obi-config").is_some());
}

// ---------------------------------------------------------------------------------------------
// 9. sidecar

fn web() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "apps", "labels": {"app": "web"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}, "annotations": {"team": "shop"}},
                "spec": {
                    "containers": [{
                        "name": "web", "image": "nginx:1.27",
                        "ports": [{"containerPort": 8080, "name": "http"}],
                        "env": [{"name": "MODE", "value": "prod"}],
                        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]
                    }],
                    "volumes": [{"name": "cache", "emptyDir": {}}],
                    "terminationGracePeriodSeconds": 5
                }
            }
        }
    })
}

#[test]
fn sidecar_is_added_and_undeploy_restores_the_pod_template_exactly() {
    let cx = Ctx::with(FakeCluster::builder().namespace("apps").start());
    let c = &cx.cluster;
    c.apply("kubectl", web()).expect("apply web");
    assert!(c.wait_until(WAIT, |c| {
        c.get("deployments", "apps", "web").unwrap()["status"]["readyReplicas"] == 1
    }));
    let before = c.get("deployments", "apps", "web").unwrap()["spec"]["template"].clone();

    let o = cx.run(&[
        "obi",
        "deploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let d = c.get("deployments", "apps", "web").unwrap();
    let tpl = &d["spec"]["template"];
    assert_eq!(tpl["spec"]["shareProcessNamespace"], true);
    let containers = tpl["spec"]["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 2, "{tpl}");
    let app = containers.iter().find(|c| c["name"] == "web").unwrap();
    assert_eq!(
        app, &before["spec"]["containers"][0],
        "the app's container is untouched"
    );
    let obi = containers
        .iter()
        .find(|c| c["name"] == "obi")
        .expect("obi container");
    assert_eq!(env_value(&env_of(obi), "OTEL_EBPF_OPEN_PORT"), Some("8080"));
    assert_eq!(tpl["metadata"]["annotations"]["team"], "shop");
    assert_eq!(tpl["metadata"]["labels"]["app"], "web");
    assert!(
        tpl["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "cache"),
        "{tpl}"
    );
    assert_eq!(tpl["spec"]["terminationGracePeriodSeconds"], 5);
    assert!(c.get("configmaps", "apps", "web-obi-config").is_some());
    // The rollout finished: a ready pod with both containers.
    let pods = c.pods_with_prefix("apps", "web-");
    assert!(
        pods.iter().any(|p| FakeCluster::pod_is_ready(p)
            && p["spec"]["containers"].as_array().unwrap().len() == 2),
        "{o}"
    );

    // Twice: nothing changes.
    let again = cx.run(&[
        "obi",
        "deploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(again.code, 0, "{again}");
    assert!(
        again
            .stderr
            .contains("obi is running as a sidecar of deployment.apps/web in namespace apps"),
        "{again}"
    );
    assert!(
        lines(&again.stdout)
            .iter()
            .all(|l| l.ends_with(" unchanged")),
        "{again}"
    );
    assert!(
        again.stdout.contains("deployment.apps/web unchanged"),
        "{again}"
    );

    let o = cx.run(&[
        "obi",
        "undeploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("configmap/web-obi-config deleted"), "{o}");
    let after = c.get("deployments", "apps", "web").unwrap()["spec"]["template"].clone();
    assert_eq!(after, before, "the pod template is restored exactly");
    assert!(c.get("configmaps", "apps", "web-obi-config").is_none());
    // It waited for the rollout: the app runs without the agent again.
    let live: Vec<Value> = c
        .pods_with_prefix("apps", "web-")
        .into_iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .collect();
    assert_eq!(live.len(), 1, "{o}");
    assert_eq!(
        live[0]["spec"]["containers"].as_array().unwrap().len(),
        1,
        "{o}"
    );
    assert!(FakeCluster::pod_is_ready(&live[0]), "{o}");
    // The app's own field manager still owns its fields; b00t's sidecar manager owns none.
    let d = c.get("deployments", "apps", "web").unwrap();
    let managers: Vec<&str> = d["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["operation"] == "Apply")
        .map(|m| m["manager"].as_str().unwrap())
        .collect();
    assert!(managers.contains(&"kubectl"), "{managers:?}");
}

#[test]
fn sidecar_dry_runs_change_nothing() {
    let cx = Ctx::with(FakeCluster::builder().namespace("apps").start());
    let c = &cx.cluster;
    c.apply("kubectl", web()).expect("apply web");
    let before = c.get("deployments", "apps", "web").unwrap();
    for dry in ["--dry-run", "--dry-run=client", "--dry-run=server"] {
        c.clear_requests();
        let o = cx.run(&[
            "obi", "deploy", "--mode", "sidecar", "--target", "web", "-n", "apps", dry,
        ]);
        assert_eq!(o.code, 0, "{dry}: {o}");
        assert!(o.stdout.contains("kind: Deployment"), "{dry}: {o}");
        assert!(
            o.stdout.contains("name: obi"),
            "{dry} shows the sidecar: {o}"
        );
        let after = c.get("deployments", "apps", "web").unwrap();
        // Controllers write status; the spec and its generation are the app's.
        assert_eq!(
            after["spec"], before["spec"],
            "{dry} changed the Deployment: {o}"
        );
        assert_eq!(
            after["metadata"]["generation"],
            before["metadata"]["generation"]
        );
        assert!(
            c.get("configmaps", "apps", "web-obi-config").is_none(),
            "{dry}: {o}"
        );
        assert!(
            cx.writes()
                .iter()
                .all(|w| w.contains("selfsubjectaccessreviews")),
            "{dry}: {:?}",
            cx.writes()
        );
    }
}

#[test]
fn sidecar_with_a_missing_target_is_not_found() {
    let cx = Ctx::with(FakeCluster::builder().namespace("apps").start());
    let o = cx.run(&[
        "obi",
        "deploy",
        "--mode",
        "sidecar",
        "--target",
        "nope",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 4, "{o}");
    assert!(o.error_line().contains("deployment.apps/nope"), "{o}");
    assert!(
        cx.cluster
            .get("configmaps", "apps", "nope-obi-config")
            .is_none()
    );
}

#[test]
fn sidecar_needs_ports_and_undeploy_of_nothing_changes_nothing() {
    let cx = Ctx::with(FakeCluster::builder().namespace("apps").start());
    let c = &cx.cluster;
    let mut w = web();
    w["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("ports");
    c.apply("kubectl", w).expect("apply web");
    let o = cx.run(&[
        "obi",
        "deploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("--open-port"), "{o}");
    assert!(c.get("configmaps", "apps", "web-obi-config").is_none());
    let before = c.get("deployments", "apps", "web").unwrap();
    // Nothing was added: undeploy finds nothing to remove and leaves the app alone.
    let o = cx.run(&[
        "obi",
        "undeploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let after = c.get("deployments", "apps", "web").unwrap();
    assert_eq!(after["spec"], before["spec"], "{o}");
    assert_eq!(
        after["metadata"]["generation"],
        before["metadata"]["generation"]
    );
    // A missing target is not found.
    let o = cx.run(&[
        "obi", "undeploy", "--mode", "sidecar", "--target", "nope", "-n", "apps",
    ]);
    assert_eq!(o.code, 4, "{o}");
}

#[test]
fn an_unreachable_cluster_is_exit_3() {
    let home = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = home.path().join("kubeconfig");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: u\ncurrent-context: gone\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    for args in [
        &["obi", "deploy", "--timeout", "5s"][..],
        &["obi", "preflight"][..],
        &["obi", "undeploy"][..],
    ] {
        let o = Out::from(
            bin(home.path())
                .arg("--kubeconfig")
                .arg(&kc)
                .args(args)
                .args(["--request-timeout", "5s"])
                .output()
                .unwrap(),
        );
        assert_eq!(o.code, 3, "{args:?}: {o}");
        assert!(o.error_line().contains("gone"), "names the context: {o}");
    }
}

#[test]
fn deploy_over_a_foreign_agent_is_refused_and_leaves_it_alone() {
    let cx = Ctx::with(FakeCluster::builder().namespace(NS).start());
    let c = &cx.cluster;
    c.create(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "obi", "namespace": NS, "labels": {"app": "obi"}},
        "spec": {
            "selector": {"matchLabels": {"app": "obi"}},
            "template": {"metadata": {"labels": {"app": "obi"}},
                "spec": {"containers": [{"name": "obi", "image": "otel/ebpf-instrument:v0.3.0"}]}}
        }
    }));
    let before = c.get("daemonsets", NS, "obi").unwrap();
    let o = cx.run(&["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "{o}");
    let err = o.error_line();
    assert!(err.contains("daemonset.apps/obi"), "{o}");
    assert!(err.contains("rolled back"), "{o}");
    let after = c.get("daemonsets", NS, "obi").unwrap();
    assert_eq!(after["spec"], before["spec"], "{o}");
    // What this run created around it is gone again.
    assert!(c.get("clusterroles", "", ROLE).is_none());
    assert!(c.get("configmaps", NS, "obi-config").is_none());
    assert!(gone_or_terminating(c.get("serviceaccounts", NS, "obi")));
}

#[test]
fn a_sidecar_refused_by_pod_security_stops_the_wait_with_the_reason() {
    let cx = Ctx::with(FakeCluster::builder().namespace("apps").start());
    let c = &cx.cluster;
    c.modify("namespaces", "", "apps", |n| {
        n["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = json!("baseline");
    });
    c.apply("kubectl", web()).expect("apply web");
    assert!(c.wait_until(WAIT, |c| {
        c.get("deployments", "apps", "web").unwrap()["status"]["readyReplicas"] == 1
    }));
    // Preflight names the label.
    let o = cx.run(&[
        "obi",
        "deploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(
        o.error_line()
            .contains("pod-security.kubernetes.io/enforce"),
        "{o}"
    );
    // Without it, the new pods are refused: stop early with the admission reason.
    let t = Instant::now();
    let o = cx.run(&[
        "obi",
        "deploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--skip-preflight",
        "--timeout",
        "90s",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(t.elapsed() < Duration::from_secs(30), "{o}");
    assert!(o.stderr.contains("FailedCreate"), "{o}");
    assert!(o.stderr.contains("baseline"), "{o}");
    // The app keeps its old pod; undeploy puts the template back and the rollout completes.
    let o = cx.run(&[
        "obi",
        "undeploy",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let d = c.get("deployments", "apps", "web").unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(d["status"]["readyReplicas"], 1, "{o}");
}

#[test]
fn the_shells_otlp_headers_variable_does_not_break_deploy() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    let env_headers = "x-honeycomb-team=from-my-shell";
    let run_env = |args: &[&str]| {
        Out::from(
            cx.cmd(args)
                .env("OTEL_EXPORTER_OTLP_HEADERS", env_headers)
                .output()
                .unwrap(),
        )
    };
    // No OTLP export: the variable is someone else's business.
    let o = run_env(&["obi", "deploy", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(c.get("secrets", NS, "obi-otlp-headers").is_none(), "{o}");
    // With an endpoint, it is the headers (kept in the Secret, never printed).
    let o = run_env(&[
        "obi",
        "deploy",
        "--otlp-endpoint",
        "http://collector:4317",
        "--timeout",
        "30s",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let s = c
        .get("secrets", NS, "obi-otlp-headers")
        .expect("headers secret");
    assert_eq!(
        s["data"]["OTEL_EXPORTER_OTLP_HEADERS"],
        b64(env_headers.as_bytes())
    );
    assert!(!o.stdout.contains("from-my-shell") && !o.stderr.contains("from-my-shell"));
    // Given on the command line without an endpoint, it is a usage error.
    let o = cx.run(&[
        "obi",
        "deploy",
        "-n",
        "x",
        "--otlp-headers",
        "k=v",
        "--dry-run",
    ]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("--otlp-endpoint"), "{o}");
}

#[test]
fn usage_errors_apply_nothing() {
    let cx = Ctx::new();
    cx.cluster.clear_requests();
    let o = cx.run(&[
        "obi",
        "deploy",
        "--image",
        "registry.local/obi:v1",
        "--image-tag",
        "v2",
    ]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("--image-tag"), "{o}");
    let o = cx.run(&["obi", "deploy", "--config", "/nonexistent/obi.yml"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.error_line().contains("/nonexistent/obi.yml"), "{o}");
    let o = cx.run(&["obi", "deploy", "--mode", "sidecar"]);
    assert_eq!(o.code, 2, "--target is required: {o}");
    assert!(cx.writes().is_empty(), "{:?}", cx.writes());
    // A full reference is used as it is.
    let o = cx.deploy(&["--image", "registry.local/obi:v1"]);
    assert!(o.stdout.contains("daemonset.apps/obi created"), "{o}");
    let ds = cx.cluster.get("daemonsets", NS, "obi").unwrap();
    assert_eq!(agent(&ds)["image"], "registry.local/obi:v1");
}

#[test]
fn undeploy_no_wait_returns_before_the_pods_are_gone() {
    let cx = Ctx::new();
    let c = &cx.cluster;
    cx.deploy(&[]);
    let o = cx.run(&["obi", "undeploy", "--no-wait"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.contains("daemonset.apps/obi deleted"), "{o}");
    assert!(!o.stderr.contains("waiting for"), "{o}");
    assert!(
        c.wait_until(WAIT, |c| c.pods_with_prefix(NS, "obi-").is_empty()),
        "the pods go away on their own"
    );
}

#[test]
fn sidecar_preflight_checks_the_deployment_permissions() {
    let cx = Ctx::with(FakeCluster::builder().namespace("apps").start());
    let c = &cx.cluster;
    c.forbid("patch", "apps", "deployments", Some("apps"));
    let o = cx.run(&[
        "obi",
        "preflight",
        "--mode",
        "sidecar",
        "--target",
        "web",
        "-n",
        "apps",
        "--json",
    ]);
    assert_eq!(o.code, 1, "{o}");
    let doc = o.json();
    assert_eq!(doc["namespace"], "apps");
    let checks = doc["checks"].as_array().unwrap();
    let denied: Vec<&str> = checks
        .iter()
        .filter(|c| c["status"] == "blocker")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        denied,
        ["patch deployments.apps in namespace apps"],
        "{doc}"
    );
    assert!(
        !checks
            .iter()
            .any(|c| c["name"].as_str().unwrap().contains("clusterroles")),
        "a sidecar needs no cluster RBAC: {doc}"
    );
}
