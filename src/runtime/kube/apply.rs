//! Server-side apply with field manager `b00t`. Deploying twice changes nothing and says so;
//! a failure part-way removes what this run created, and says that too.

use std::fmt::Debug;

use k8s_openapi::NamespaceResourceScope;
use kube::Resource;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Kube, KubeError, Result};
use crate::render::Object;

pub const FIELD_MANAGER: &str = "b00t";

/// What applying one object did (kubectl's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Configured,
    Unchanged,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Action::Created => "created",
            Action::Configured => "configured",
            Action::Unchanged => "unchanged",
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
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// `--dry-run=server`: the server validates and defaults, nothing is stored.
    pub server_dry_run: bool,
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
    /// Apply objects in order. On failure, objects this run created are deleted again (not
    /// those it only changed: their previous state is not ours to restore) and the error says
    /// what was rolled back.
    pub async fn apply_all(&self, objects: &[Object], opts: ApplyOptions) -> Result<Vec<Applied>> {
        let mut done: Vec<Applied> = Vec::new();
        for obj in objects {
            let res = match obj {
                Object::Secret(o) => self.apply_one(o, obj, opts).await,
                Object::ConfigMap(o) => self.apply_one(o, obj, opts).await,
                Object::Claim(o) => self.apply_one(o, obj, opts).await,
                Object::Service(o) => self.apply_one(o, obj, opts).await,
                Object::Deployment(o) => self.apply_one(o, obj, opts).await,
                Object::DaemonSet(o) => self.apply_one(o, obj, opts).await,
                Object::Pod(o) => self.apply_one(o, obj, opts).await,
            };
            match res {
                Ok(a) => done.push(a),
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

    async fn apply_one<K>(&self, typed: &K, obj: &Object, opts: ApplyOptions) -> Result<Applied>
    where
        K: Resource<Scope = NamespaceResourceScope> + Clone + DeserializeOwned + Serialize + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let name = obj.name().to_string();
        let reference = format!("{}/{}", obj.kind_ref(), name);
        let api: Api<K> = Api::namespaced(self.client.clone(), &self.namespace);
        let before = self.call_opt("get", &reference, api.get(&name)).await?;
        let rv_before = before
            .as_ref()
            .and_then(|o| o.meta().resource_version.clone());

        // The namespace is the one we act in, whatever the object says.
        let mut body = serde_json::to_value(typed).expect("k8s-openapi objects serialise");
        body["metadata"]["namespace"] = serde_json::Value::String(self.namespace.clone());
        let mut pp = PatchParams::apply(FIELD_MANAGER).force();
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
            namespace: self.namespace.clone(),
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
        let dp = DeleteParams::background();
        let name = obj.name();
        let what = format!("{}/{}", obj.kind_ref(), name);
        macro_rules! del {
            ($t:ty) => {{
                let api: Api<$t> = Api::namespaced(self.client.clone(), &self.namespace);
                self.call_opt("delete", &what, api.delete(name, &dp))
                    .await
                    .map(|_| ())
            }};
        }
        match obj {
            Object::Secret(_) => del!(k8s_openapi::api::core::v1::Secret),
            Object::ConfigMap(_) => del!(k8s_openapi::api::core::v1::ConfigMap),
            Object::Claim(_) => del!(k8s_openapi::api::core::v1::PersistentVolumeClaim),
            Object::Service(_) => del!(k8s_openapi::api::core::v1::Service),
            Object::Deployment(_) => del!(k8s_openapi::api::apps::v1::Deployment),
            Object::DaemonSet(_) => del!(k8s_openapi::api::apps::v1::DaemonSet),
            Object::Pod(_) => del!(k8s_openapi::api::core::v1::Pod),
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
