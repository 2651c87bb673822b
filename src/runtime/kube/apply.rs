//! Server-side apply with field manager `b00t` (or the one [`ApplyOptions`] names). Deploying
//! twice changes nothing and says so; a failure part-way removes what this run created, and says
//! that too.
//!
//! Namespaced objects go to the namespace their metadata names, else to the one the client acts
//! in; cluster-scoped objects (`Namespace`, `ClusterRole`, `ClusterRoleBinding`) are applied
//! without one.

use std::fmt::Debug;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::Deployment;
use kube::Resource;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Kube, KubeError, Result};
use crate::render::Object;

/// The field manager of everything b00t applies, unless [`ApplyOptions::field_manager`] says
/// otherwise.
pub const FIELD_MANAGER: &str = "b00t";

/// What applying one object did (kubectl's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Configured,
    Unchanged,
    /// Removed because the workload no longer wants it (a Docker replica after scaling down).
    Deleted,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Action::Created => "created",
            Action::Configured => "configured",
            Action::Unchanged => "unchanged",
            Action::Deleted => "deleted",
        })
    }
}

/// One applied object.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub action: Action,
    /// `deployment.apps/x` (for messages).
    #[serde(skip)]
    pub reference: String,
    /// The object as the server returned it (server dry-run prints these).
    #[serde(skip)]
    pub object: serde_json::Value,
}

/// How to apply.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// `--dry-run=server`: the server validates and defaults, nothing is stored.
    pub server_dry_run: bool,
    /// The server-side-apply field manager (default [`FIELD_MANAGER`], `b00t`). Fields are
    /// owned per manager: applying with another manager (the OBI sidecar uses its own) keeps
    /// those fields apart from what `b00t` applies, so either can be removed without the other.
    pub field_manager: &'static str,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            server_dry_run: false,
            field_manager: FIELD_MANAGER,
        }
    }
}

/// The parts of `obj` at the paths present in `shape` (what we applied): maps by key, lists
/// element by element (a length change is kept whole), scalars as they are.
fn project(obj: &serde_json::Value, shape: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (obj, shape) {
        (Value::Object(o), Value::Object(s)) => Value::Object(
            s.keys()
                .map(|k| {
                    (
                        k.clone(),
                        o.get(k).map_or(Value::Null, |v| project(v, &s[k])),
                    )
                })
                .collect(),
        ),
        (Value::Array(o), Value::Array(s)) if o.len() == s.len() => {
            Value::Array(o.iter().zip(s).map(|(v, sh)| project(v, sh)).collect())
        }
        (v, _) => v.clone(),
    }
}

impl Kube {
    /// The namespace a namespaced object goes to: its own, else the one we act in.
    fn namespace_of(&self, obj: &Object) -> String {
        obj.meta()
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.namespace.clone())
    }

    fn namespaced_api<K>(&self, ns: &str) -> Api<K>
    where
        K: Resource<Scope = NamespaceResourceScope>,
        <K as Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), ns)
    }

    /// Apply objects in order. On failure, objects this run created are deleted again (not
    /// those it only changed: their previous state is not ours to restore) and the error says
    /// what was rolled back.
    pub async fn apply_all(&self, objects: &[Object], opts: ApplyOptions) -> Result<Vec<Applied>> {
        let mut done: Vec<Applied> = Vec::new();
        // A server dry run stores nothing, so a namespace it would create does not exist for
        // the objects that follow: the server would answer 404 for each. They are reported
        // as created, as rendered, without asking the server.
        let mut new_namespaces: Vec<String> = Vec::new();
        for obj in objects {
            let ns = self.namespace_of(obj);
            let ns = ns.as_str();
            if opts.server_dry_run
                && !obj.is_cluster_scoped()
                && new_namespaces.iter().any(|n| n == ns)
            {
                let mut object = serde_json::to_value(obj).expect("objects serialise");
                object["metadata"]["namespace"] = serde_json::Value::String(ns.to_string());
                done.push(Applied {
                    kind: obj.kind().to_string(),
                    name: obj.name().to_string(),
                    namespace: ns.to_string(),
                    action: Action::Created,
                    reference: format!("{}/{}", obj.kind_ref(), obj.name()),
                    object,
                });
                continue;
            }
            let res = match obj {
                Object::Namespace(o) => {
                    self.apply_one(Api::all(self.client.clone()), None, o, obj, opts)
                        .await
                }
                Object::ClusterRole(o) => {
                    self.apply_one(Api::all(self.client.clone()), None, o, obj, opts)
                        .await
                }
                Object::ClusterRoleBinding(o) => {
                    self.apply_one(Api::all(self.client.clone()), None, o, obj, opts)
                        .await
                }
                Object::ServiceAccount(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Secret(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::ConfigMap(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Claim(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Service(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Deployment(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::DaemonSet(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Pod(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::StatefulSet(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::CronJob(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Ingress(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::NetworkPolicy(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::DisruptionBudget(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
                Object::Autoscaler(o) => {
                    self.apply_one(self.namespaced_api(ns), Some(ns), o, obj, opts)
                        .await
                }
            };
            match res {
                Ok(a) => {
                    if opts.server_dry_run
                        && matches!(obj, Object::Namespace(_))
                        && a.action == Action::Created
                    {
                        new_namespaces.push(a.name.clone());
                    }
                    done.push(a)
                }
                Err(e) => {
                    if opts.server_dry_run {
                        return Err(e);
                    }
                    return Err(self.roll_back(objects, &done, e).await);
                }
            }
        }
        Ok(done)
    }

    /// Apply one object through `api` (namespaced when `namespace` is `Some`, cluster-wide
    /// otherwise).
    async fn apply_one<K>(
        &self,
        api: Api<K>,
        namespace: Option<&str>,
        typed: &K,
        obj: &Object,
        opts: ApplyOptions,
    ) -> Result<Applied>
    where
        K: Resource + Clone + DeserializeOwned + Serialize + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let name = obj.name().to_string();
        let reference = format!("{}/{}", obj.kind_ref(), name);
        let before = self.call_opt("get", &reference, api.get(&name)).await?;
        let rv_before = before
            .as_ref()
            .and_then(|o| o.meta().resource_version.clone());

        let mut body = serde_json::to_value(typed).expect("k8s-openapi objects serialise");
        match namespace {
            Some(ns) => body["metadata"]["namespace"] = serde_json::Value::String(ns.to_string()),
            None => {
                if let Some(m) = body["metadata"].as_object_mut() {
                    m.remove("namespace");
                }
            }
        }
        let mut pp = PatchParams::apply(opts.field_manager).force();
        if opts.server_dry_run {
            pp = pp.dry_run();
        }
        let verb = if before.is_some() { "apply" } else { "create" };
        let after = self
            .call(
                verb,
                &reference,
                api.patch(&name, &pp, &Patch::Apply(&body)),
            )
            .await?;
        let rv_after = after.meta().resource_version.clone();
        // Controllers write status all the time, so a new resourceVersion alone does not mean
        // our apply changed something: compare the fields we applied, before and after.
        let action = match &before {
            None => Action::Created,
            Some(_) if rv_before == rv_after => Action::Unchanged,
            Some(b) => {
                let b = serde_json::to_value(b).unwrap_or_default();
                let a = serde_json::to_value(&after).unwrap_or_default();
                if project(&b, &body) == project(&a, &body) {
                    Action::Unchanged
                } else {
                    Action::Configured
                }
            }
        };
        Ok(Applied {
            kind: obj.kind().to_string(),
            name,
            namespace: namespace.unwrap_or_default().to_string(),
            action,
            reference,
            object: serde_json::to_value(&after).unwrap_or_default(),
        })
    }

    /// Server-side apply `body` to the existing Deployment `name` with field manager `manager`
    /// (forced). The namespace is the body's `metadata.namespace`, else the one we act in.
    ///
    /// The body may be partial: only the fields it names become owned by `manager`. Applying a
    /// body that names fewer fields with the same manager later removes the fields that
    /// manager alone owned and no longer names — so an empty body removes exactly what the
    /// earlier one added (the OBI sidecar relies on this). A Deployment that does not exist is
    /// an error, never created from the partial body.
    pub async fn apply_patch_deployment(
        &self,
        name: &str,
        body: &serde_json::Value,
        manager: &str,
        dry_run: bool,
    ) -> Result<Applied> {
        let ns = body["metadata"]["namespace"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.namespace)
            .to_string();
        let reference = format!("deployment.apps/{name}");
        let api: Api<Deployment> = self.namespaced_api(&ns);
        let Some(before) = self.call_opt("get", &reference, api.get(name)).await? else {
            return Err(KubeError::NotFound {
                what: format!("{reference} in namespace {ns}"),
                hint: String::new(),
            });
        };
        let mut body = body.clone();
        if !body.is_object() {
            body = serde_json::json!({});
        }
        body["apiVersion"] = "apps/v1".into();
        body["kind"] = "Deployment".into();
        if !body["metadata"].is_object() {
            body["metadata"] = serde_json::json!({});
        }
        body["metadata"]["name"] = name.into();
        body["metadata"]["namespace"] = ns.clone().into();
        let mut pp = PatchParams::apply(manager).force();
        if dry_run {
            pp = pp.dry_run();
        }
        let after = self
            .call(
                "apply",
                &reference,
                api.patch(name, &pp, &Patch::Apply(&body)),
            )
            .await?;
        // What was removed is not in the body, so a projection on the body is not enough; and
        // controllers write metadata and status at any time, so neither is comparing whole
        // objects. Changed: the spec, the metadata the body names, or the fields `manager` owns.
        let action = if before.metadata.resource_version == after.metadata.resource_version {
            Action::Unchanged
        } else {
            let b = serde_json::to_value(&before).unwrap_or_default();
            let a = serde_json::to_value(&after).unwrap_or_default();
            let owned = |v: &serde_json::Value| {
                v["metadata"]["managedFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|m| m["manager"] == manager && m["operation"] == "Apply")
                    .map(|m| m["fieldsV1"].clone())
            };
            let meta_shape = &body["metadata"];
            if b["spec"] == a["spec"]
                && project(&b["metadata"], meta_shape) == project(&a["metadata"], meta_shape)
                && owned(&b) == owned(&a)
            {
                Action::Unchanged
            } else {
                Action::Configured
            }
        };
        Ok(Applied {
            kind: "Deployment".into(),
            name: name.to_string(),
            namespace: ns,
            action,
            reference,
            object: serde_json::to_value(&after).unwrap_or_default(),
        })
    }

    async fn roll_back(&self, objects: &[Object], done: &[Applied], cause: KubeError) -> KubeError {
        let created: Vec<&Applied> = done
            .iter()
            .filter(|a| a.action == Action::Created)
            .collect();
        if created.is_empty() {
            return cause;
        }
        let mut removed = Vec::new();
        let mut left = Vec::new();
        for a in created.iter().rev() {
            let Some(obj) = objects
                .iter()
                .find(|o| o.kind() == a.kind && o.name() == a.name)
            else {
                continue;
            };
            let ok = self.delete_object(obj).await.is_ok();
            if ok {
                removed.push(a.reference.clone())
            } else {
                left.push(a.reference.clone())
            }
        }
        let mut what = String::new();
        if !removed.is_empty() {
            what.push_str(&format!("rolled back (deleted) {}", removed.join(", ")));
        }
        if !left.is_empty() {
            if !what.is_empty() {
                what.push_str("; ");
            }
            what.push_str(&format!(
                "could not delete {} — remove them with `b00t k8s delete`",
                left.join(", ")
            ));
        }
        KubeError::Partial {
            note: format!("apply stopped part-way; {what}"),
            source: Box::new(cause),
        }
    }
    /// Delete one of our rendered objects (used by rollback).
    async fn delete_object(&self, obj: &Object) -> Result<()> {
        use k8s_openapi::api::apps::v1 as apps;
        use k8s_openapi::api::autoscaling::v2 as autoscaling;
        use k8s_openapi::api::batch::v1 as batch;
        use k8s_openapi::api::core::v1 as core;
        use k8s_openapi::api::networking::v1 as net;
        use k8s_openapi::api::policy::v1 as policy;
        use k8s_openapi::api::rbac::v1 as rbac;
        let dp = DeleteParams::background();
        let name = obj.name();
        let what = format!("{}/{}", obj.kind_ref(), name);
        let ns = self.namespace_of(obj);
        macro_rules! del {
            ($api:expr) => {{
                self.call_opt("delete", &what, $api.delete(name, &dp))
                    .await
                    .map(|_| ())
            }};
        }
        let all = || self.client.clone();
        match obj {
            Object::Namespace(_) => del!(Api::<core::Namespace>::all(all())),
            Object::ClusterRole(_) => del!(Api::<rbac::ClusterRole>::all(all())),
            Object::ClusterRoleBinding(_) => del!(Api::<rbac::ClusterRoleBinding>::all(all())),
            Object::ServiceAccount(_) => del!(self.namespaced_api::<core::ServiceAccount>(&ns)),
            Object::Secret(_) => del!(self.namespaced_api::<core::Secret>(&ns)),
            Object::ConfigMap(_) => del!(self.namespaced_api::<core::ConfigMap>(&ns)),
            Object::Claim(_) => del!(self.namespaced_api::<core::PersistentVolumeClaim>(&ns)),
            Object::Service(_) => del!(self.namespaced_api::<core::Service>(&ns)),
            Object::Deployment(_) => del!(self.namespaced_api::<apps::Deployment>(&ns)),
            Object::DaemonSet(_) => del!(self.namespaced_api::<apps::DaemonSet>(&ns)),
            Object::Pod(_) => del!(self.namespaced_api::<core::Pod>(&ns)),
            Object::StatefulSet(_) => del!(self.namespaced_api::<apps::StatefulSet>(&ns)),
            Object::CronJob(_) => del!(self.namespaced_api::<batch::CronJob>(&ns)),
            Object::Ingress(_) => del!(self.namespaced_api::<net::Ingress>(&ns)),
            Object::NetworkPolicy(_) => del!(self.namespaced_api::<net::NetworkPolicy>(&ns)),
            Object::DisruptionBudget(_) => {
                del!(self.namespaced_api::<policy::PodDisruptionBudget>(&ns))
            }
            Object::Autoscaler(_) => {
                del!(self.namespaced_api::<autoscaling::HorizontalPodAutoscaler>(&ns))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::project;
    use serde_json::json;

    #[test]
    fn projection_ignores_what_we_did_not_apply() {
        let shape = json!({"spec": {"replicas": 1, "ports": [{"port": 80}]}});
        let before = json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 1, "ports": [{"port": 80, "protocol": "TCP"}]}, "status": {"ready": 0}});
        let after = json!({"metadata": {"resourceVersion": "7"}, "spec": {"replicas": 1, "ports": [{"port": 80, "protocol": "TCP"}]}, "status": {"ready": 1}});
        assert_eq!(project(&before, &shape), project(&after, &shape));
        let changed = json!({"spec": {"replicas": 2, "ports": [{"port": 80}]}});
        assert_ne!(project(&before, &shape), project(&changed, &shape));
        let more_ports = json!({"spec": {"replicas": 1, "ports": [{"port": 80}, {"port": 81}]}});
        assert_ne!(project(&before, &shape), project(&more_ports, &shape));
    }
}
