//! The resources the fake server serves, and the discovery documents describing them.

use serde_json::{Value, json};

#[derive(Debug)]
pub struct Res {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// Subresources besides the main resource (`status`, `scale`, `log`).
    pub subresources: &'static [&'static str],
}

impl Res {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps`, `pods`: how the API server names a resource in messages.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `Deployment.apps`, `Pod`: how validation messages name a kind.
    pub fn group_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    /// Registries that answer DELETE with the deleted object rather than a Status.
    pub fn returns_deleted_object(&self) -> bool {
        matches!(
            self.plural,
            "pods" | "services" | "serviceaccounts" | "persistentvolumeclaims"
        )
    }

    pub fn has_status(&self) -> bool {
        self.subresources.contains(&"status")
    }

    /// Resources whose metadata.generation the server maintains.
    pub fn has_generation(&self) -> bool {
        matches!(
            self.group,
            "apps" | "batch" | "networking.k8s.io" | "policy" | "autoscaling"
        ) && self.plural != "controllerrevisions"
    }

    /// Reviews are created and answered, never stored.
    pub fn create_only(&self) -> bool {
        self.group == "authorization.k8s.io"
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
}

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// The version the fake serves for a group: autoscaling/v2 (b00t's HPAs), v1 elsewhere.
const fn served_version(group: &str) -> &'static str {
    const fn eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    if eq(group.as_bytes(), b"autoscaling") {
        "v2"
    } else {
        "v1"
    }
}

macro_rules! res {
    ($g:expr, $p:expr, $s:expr, $k:expr, $ns:expr, $short:expr, $cat:expr, $sub:expr) => {
        Res {
            group: $g,
            version: served_version($g),
            plural: $p,
            singular: $s,
            kind: $k,
            namespaced: $ns,
            short: $short,
            categories: $cat,
            subresources: $sub,
        }
    };
}

pub static RESOURCES: &[Res] = &[
    res!(
        "",
        "namespaces",
        "namespace",
        "Namespace",
        false,
        &["ns"],
        &[],
        &["status", "finalize"]
    ),
    res!(
        "",
        "nodes",
        "node",
        "Node",
        false,
        &["no"],
        &[],
        &["status", "proxy"]
    ),
    res!(
        "",
        "pods",
        "pod",
        "Pod",
        true,
        &["po"],
        &["all"],
        &["status", "log", "proxy", "exec", "portforward"]
    ),
    res!(
        "",
        "services",
        "service",
        "Service",
        true,
        &["svc"],
        &["all"],
        &["status"]
    ),
    res!(
        "",
        "endpoints",
        "endpoints",
        "Endpoints",
        true,
        &["ep"],
        &[],
        &[]
    ),
    res!("", "secrets", "secret", "Secret", true, &[], &[], &[]),
    res!(
        "",
        "configmaps",
        "configmap",
        "ConfigMap",
        true,
        &["cm"],
        &[],
        &[]
    ),
    res!("", "events", "event", "Event", true, &["ev"], &[], &[]),
    res!(
        "",
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        true,
        &["sa"],
        &[],
        &[]
    ),
    res!(
        "",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
        &[],
        &["status"]
    ),
    res!(
        "",
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        false,
        &["pv"],
        &[],
        &["status"]
    ),
    res!(
        "storage.k8s.io",
        "storageclasses",
        "storageclass",
        "StorageClass",
        false,
        &["sc"],
        &[],
        &[]
    ),
    res!(
        "apps",
        "deployments",
        "deployment",
        "Deployment",
        true,
        &["deploy"],
        &["all"],
        &["status", "scale"]
    ),
    res!(
        "apps",
        "replicasets",
        "replicaset",
        "ReplicaSet",
        true,
        &["rs"],
        &["all"],
        &["status", "scale"]
    ),
    res!(
        "apps",
        "daemonsets",
        "daemonset",
        "DaemonSet",
        true,
        &["ds"],
        &["all"],
        &["status"]
    ),
    res!(
        "apps",
        "controllerrevisions",
        "controllerrevision",
        "ControllerRevision",
        true,
        &[],
        &[],
        &[]
    ),
    res!(
        "apps",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        true,
        &["sts"],
        &["all"],
        &["status", "scale"]
    ),
    res!(
        "batch",
        "jobs",
        "job",
        "Job",
        true,
        &[],
        &["all"],
        &["status"]
    ),
    res!(
        "batch",
        "cronjobs",
        "cronjob",
        "CronJob",
        true,
        &["cj"],
        &["all"],
        &["status"]
    ),
    res!(
        "networking.k8s.io",
        "ingresses",
        "ingress",
        "Ingress",
        true,
        &["ing"],
        &[],
        &["status"]
    ),
    res!(
        "networking.k8s.io",
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        true,
        &["netpol"],
        &[],
        &[]
    ),
    res!(
        "policy",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        true,
        &["pdb"],
        &[],
        &["status"]
    ),
    res!(
        "autoscaling",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        true,
        &["hpa"],
        &["all"],
        &["status"]
    ),
    res!(
        "rbac.authorization.k8s.io",
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        false,
        &[],
        &[],
        &[]
    ),
    res!(
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        false,
        &[],
        &[],
        &[]
    ),
    res!(
        "rbac.authorization.k8s.io",
        "roles",
        "role",
        "Role",
        true,
        &[],
        &[],
        &[]
    ),
    res!(
        "rbac.authorization.k8s.io",
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        true,
        &[],
        &[],
        &[]
    ),
    // Create-only review: answered from the authorizer, never stored.
    res!(
        "authorization.k8s.io",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        false,
        &[],
        &[],
        &[]
    ),
];

pub const GROUPS: &[&str] = &[
    "apps",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
];

pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static Res> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// By plural, `plural.group`, kind or short name (test helpers accept any of them).
pub fn by_name(name: &str) -> Option<&'static Res> {
    let lower = name.to_ascii_lowercase();
    RESOURCES.iter().find(|r| {
        r.plural == lower
            || r.group_resource() == lower
            || r.singular == lower
            || r.kind.eq_ignore_ascii_case(name)
            || r.short.contains(&lower.as_str())
    })
}

pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static Res> {
    RESOURCES
        .iter()
        .find(|r| r.api_version() == api_version && r.kind == kind)
}

pub fn version_doc(git_version: &str) -> Value {
    let trimmed = git_version.trim_start_matches('v');
    let mut parts = trimmed.split('.');
    let major = parts.next().unwrap_or("1");
    let minor = parts.next().unwrap_or("33");
    json!({
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "minCompatibilityMajor": major,
        "minCompatibilityMinor": minor.parse::<u32>().map(|m| m.saturating_sub(1).to_string()).unwrap_or_default(),
        "gitVersion": git_version,
        "gitCommit": "6a2a5ee8e7a5ee5e6a26aa07c50b3bc7b9a3c1e5",
        "gitTreeState": "clean",
        "buildDate": "2025-06-17T18:01:22Z",
        "goVersion": "go1.24.4",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

pub fn api_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]
    })
}

/// The one version the fake serves for `group` (`v2` for autoscaling, else `v1`).
fn group_version(group: &str) -> &'static str {
    RESOURCES
        .iter()
        .find(|r| r.group == group)
        .map_or("v1", |r| r.version)
}

fn group_doc(name: &str) -> Value {
    let v = group_version(name);
    json!({
        "name": name,
        "versions": [{"groupVersion": format!("{name}/{v}"), "version": v}],
        "preferredVersion": {"groupVersion": format!("{name}/{v}"), "version": v}
    })
}

pub fn api_group_list() -> Value {
    json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": GROUPS.iter().map(|g| group_doc(g)).collect::<Vec<_>>()
    })
}

pub fn api_group(name: &str) -> Option<Value> {
    GROUPS.contains(&name).then(|| {
        let mut doc = group_doc(name);
        doc["kind"] = json!("APIGroup");
        doc["apiVersion"] = json!("v1");
        doc
    })
}

pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let mut resources = Vec::new();
    for r in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut doc = json!({
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": if r.create_only() { &["create"][..] } else { ALL_VERBS },
            "storageVersionHash": super::util::base64_encode(
                &super::util::fnv32a(r.plural.as_bytes()).to_be_bytes()
            ),
        });
        if !r.short.is_empty() {
            doc["shortNames"] = json!(r.short);
        }
        if !r.categories.is_empty() {
            doc["categories"] = json!(r.categories);
        }
        resources.push(doc);
        for sub in r.subresources {
            let mut s = json!({
                "name": format!("{}/{}", r.plural, sub),
                "singularName": "",
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["get", "patch", "update"],
            });
            match *sub {
                "log" => {
                    s["verbs"] = json!(["get"]);
                }
                "proxy" => {
                    s["kind"] = json!(if r.plural == "pods" {
                        "PodProxyOptions"
                    } else {
                        "NodeProxyOptions"
                    });
                    s["verbs"] = json!(["create", "delete", "get", "patch", "update"]);
                }
                "scale" => {
                    s["group"] = json!("autoscaling");
                    s["version"] = json!("v1");
                    s["kind"] = json!("Scale");
                }
                "finalize" => {
                    s["verbs"] = json!(["update"]);
                }
                _ => {}
            }
            resources.push(s);
        }
    }
    if resources.is_empty() {
        return None;
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": resources
    }))
}

/// `/openapi/v3`: the per-group-version documents.
pub fn openapi_v3_root() -> Value {
    let mut paths = serde_json::Map::new();
    let mut gvs = vec!["api/v1".to_string()];
    gvs.extend(GROUPS.iter().map(|g| format!("apis/{g}/v1")));
    for gv in gvs {
        let hash = format!("{:08X}", super::util::fnv32a(gv.as_bytes()));
        paths.insert(
            gv.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{gv}?hash={hash}")}),
        );
    }
    json!({ "paths": paths })
}

/// A minimal OpenAPI v3 document for one group/version: the write operations with their
/// query parameters and GVK extensions (what kubectl checks before sending
/// `fieldValidation`), no schemas.
pub fn openapi_v3(group: &str, version: &str) -> Option<Value> {
    let params = json!([
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}},
    ]);
    let mut paths = serde_json::Map::new();
    for r in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let prefix = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let base = if r.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", r.plural)
        } else {
            format!("{prefix}/{}", r.plural)
        };
        let gvk = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let op = |action: &str| {
            json!({
                "operationId": format!("{action}{}", r.kind),
                "parameters": params,
                "responses": {"200": {"description": "OK"}},
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
            })
        };
        if r.create_only() {
            paths.insert(base.clone(), json!({"post": op("post")}));
            continue;
        }
        paths.insert(base.clone(), json!({"post": op("post"), "get": op("list")}));
        paths.insert(
            format!("{base}/{{name}}"),
            json!({"get": op("get"), "put": op("put"), "patch": op("patch"), "delete": op("delete")}),
        );
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "unversioned"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}
