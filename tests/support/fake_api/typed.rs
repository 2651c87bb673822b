//! Decoding through the real types (k8s-openapi), as the API server decodes into Go structs:
//! values of the wrong type are a 400, fields the type does not have are unknown fields
//! (dropped with `fieldValidation=Warn`/`Ignore`, the default; refused with `Strict`).

use k8s_openapi::api::{
    apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch, core::v1 as core,
    networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::registry::Res;
use super::status::ApiError;

fn roundtrip<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let t: T = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&t).map_err(|e| e.to_string())
}

/// The object as its type sees it, or the decode error.
fn typed(plural: &str, v: &Value) -> Result<Option<Value>, String> {
    let out = match plural {
        "pods" => roundtrip::<core::Pod>(v),
        "services" => roundtrip::<core::Service>(v),
        "configmaps" => roundtrip::<core::ConfigMap>(v),
        "secrets" => roundtrip::<core::Secret>(v),
        "namespaces" => roundtrip::<core::Namespace>(v),
        "nodes" => roundtrip::<core::Node>(v),
        "events" => roundtrip::<core::Event>(v),
        "serviceaccounts" => roundtrip::<core::ServiceAccount>(v),
        "persistentvolumeclaims" => roundtrip::<core::PersistentVolumeClaim>(v),
        "endpoints" => roundtrip::<core::Endpoints>(v),
        "deployments" => roundtrip::<apps::Deployment>(v),
        "replicasets" => roundtrip::<apps::ReplicaSet>(v),
        "daemonsets" => roundtrip::<apps::DaemonSet>(v),
        "controllerrevisions" => roundtrip::<apps::ControllerRevision>(v),
        "statefulsets" => roundtrip::<apps::StatefulSet>(v),
        "jobs" => roundtrip::<batch::Job>(v),
        "cronjobs" => roundtrip::<batch::CronJob>(v),
        "ingresses" => roundtrip::<net::Ingress>(v),
        "networkpolicies" => roundtrip::<net::NetworkPolicy>(v),
        "poddisruptionbudgets" => roundtrip::<policy::PodDisruptionBudget>(v),
        "horizontalpodautoscalers" => roundtrip::<autoscaling::HorizontalPodAutoscaler>(v),
        "clusterroles" => roundtrip::<rbac::ClusterRole>(v),
        "clusterrolebindings" => roundtrip::<rbac::ClusterRoleBinding>(v),
        "roles" => roundtrip::<rbac::Role>(v),
        "rolebindings" => roundtrip::<rbac::RoleBinding>(v),
        _ => return Ok(None),
    }?;
    Ok(Some(out))
}

/// Paths present (non-null) in `input` but not in `typed`.
fn unknown(input: &Value, typed: &Value, prefix: &str, out: &mut Vec<String>) {
    match (input, typed) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if v.is_null() {
                    continue;
                }
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match b.get(k) {
                    None => out.push(path),
                    Some(t) => unknown(v, t, &path, out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                unknown(x, y, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn remove_path(v: &mut Value, path: &str) {
    // Paths are `a.b[2].c`; split on dots outside brackets.
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (key, indices) = match part.find('[') {
            Some(p) => (&part[..p], &part[p..]),
            None => (*part, ""),
        };
        let last = i == parts.len() - 1;
        if last && indices.is_empty() {
            if let Some(m) = cur.as_object_mut() {
                m.remove(key);
            }
            return;
        }
        let Some(next) = cur.get_mut(key) else { return };
        cur = next;
        for idx in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            let Ok(n) = idx.parse::<usize>() else { return };
            let Some(next) = cur.get_mut(n) else { return };
            cur = next;
        }
    }
}

/// Decode `obj` like the server: a type error is a 400; unknown fields are an error when
/// `strict`, dropped otherwise. `apply` selects the SSA wording of the strict error.
pub fn decode(res: &Res, obj: &mut Value, strict: bool, apply: bool) -> Result<(), ApiError> {
    let typed = typed(res.plural, obj).map_err(|e| {
        ApiError::bad_request(format!(
            "{} in version {:?} cannot be handled as a {}: {e}",
            res.kind, res.version, res.kind
        ))
    })?;
    let Some(typed) = typed else { return Ok(()) };
    let mut fields = Vec::new();
    unknown(obj, &typed, "", &mut fields);
    if fields.is_empty() {
        return Ok(());
    }
    if strict {
        let msg = if apply {
            fields
                .iter()
                .map(|f| format!(".{f}: field not declared in schema"))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!(
                "{} in version {:?} cannot be handled as a {}: strict decoding error: {}",
                res.kind,
                res.version,
                res.kind,
                fields
                    .iter()
                    .map(|f| format!("unknown field {f:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(ApiError::bad_request(msg));
    }
    for f in fields.iter().rev() {
        remove_path(obj, f);
    }
    Ok(())
}
