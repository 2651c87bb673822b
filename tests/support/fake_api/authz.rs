//! The authorizer: every request is allowed (the test user is a cluster admin) unless a test
//! took a permission away with `FakeCluster::forbid`. `selfsubjectaccessreviews` answer from
//! the same policy, like RBAC: a missing grant is "no opinion" (allowed false, no reason),
//! never an explicit deny.

use serde_json::{Value, json};

use super::status::{ApiError, Cause};
use super::store::State;

/// A permission the test user does not have. `*` in verb, group or resource matches anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Forbid {
    pub verb: String,
    pub group: String,
    /// Plural, or `plural/subresource` (`pods/log`, `nodes/proxy`): like an RBAC rule, a
    /// rule on `pods` says nothing about `pods/log`.
    pub resource: String,
    /// `None`: everywhere. `Some(ns)`: in that namespace, and therefore also for requests
    /// across all namespaces (RBAC cannot grant "everything but one namespace").
    pub namespace: Option<String>,
}

/// What the authorizer looks at.
#[derive(Debug, Clone, Copy)]
pub struct Attrs<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: Option<&'a str>,
    pub namespace: Option<&'a str>,
}

impl Forbid {
    fn matches(&self, a: &Attrs) -> bool {
        let resource = match a.subresource {
            Some(s) if !s.is_empty() => format!("{}/{s}", a.resource),
            _ => a.resource.to_string(),
        };
        let any = |rule: &str, v: &str| rule == "*" || rule == v;
        any(&self.verb, a.verb)
            && any(&self.group, a.group)
            && any(&self.resource, &resource)
            && match (&self.namespace, a.namespace) {
                (None, _) => true,
                (Some(_), None) => true,
                (Some(want), Some(ns)) => want == ns,
            }
    }
}

pub fn allowed(st: &State, a: &Attrs) -> bool {
    !st.forbids.iter().any(|f| f.matches(a))
}

/// The RBAC reason of an allowed request for the (cluster-admin) test user.
fn allow_reason(user: &str) -> String {
    format!(
        "RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to User {user:?}"
    )
}

/// POST `selfsubjectaccessreviews`: the review with its status.
pub fn self_subject_access_review(st: &State, body: &Value) -> Result<Value, ApiError> {
    if let Some(av) = body.get("apiVersion").and_then(Value::as_str)
        && av != "authorization.k8s.io/v1"
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version (authorization.k8s.io/v1)"
        )));
    }
    let spec = body.get("spec").cloned().unwrap_or(json!({}));
    let ra = spec.get("resourceAttributes").filter(|v| !v.is_null());
    let nra = spec.get("nonResourceAttributes").filter(|v| !v.is_null());
    let invalid = |causes: Vec<Cause>| {
        ApiError::invalid(
            super::registry::by_name("selfsubjectaccessreviews").expect("ssar"),
            "",
            causes,
        )
    };
    let status = match (ra, nra) {
        (Some(_), Some(_)) => {
            return Err(invalid(vec![Cause::invalid(
                "spec.nonResourceAttributes",
                "&authorization.NonResourceAttributes{...}",
                "cannot be specified in combination with resourceAttributes",
            )]));
        }
        (None, None) => {
            return Err(invalid(vec![Cause::invalid(
                "spec.resourceAttributes",
                "null",
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )]));
        }
        (None, Some(_)) => json!({"allowed": true, "reason": allow_reason(&st.cfg.user)}),
        (Some(ra), None) => {
            let s = |k: &str| ra.get(k).and_then(Value::as_str).unwrap_or("");
            let ns = s("namespace");
            let a = Attrs {
                verb: s("verb"),
                group: s("group"),
                resource: s("resource"),
                subresource: Some(s("subresource")),
                namespace: (!ns.is_empty()).then_some(ns),
            };
            if allowed(st, &a) {
                json!({"allowed": true, "reason": allow_reason(&st.cfg.user)})
            } else {
                json!({"allowed": false})
            }
        }
    };
    Ok(json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": spec,
        "status": status,
    }))
}

/// Fields of a protobuf message: (field number, wire type, bytes of a length-delimited
/// value). Varints and fixed values are skipped.
fn pb_fields(mut b: &[u8]) -> Option<Vec<(u64, Vec<u8>)>> {
    fn varint(b: &mut &[u8]) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = b.split_first()?;
            *b = rest;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b)?;
        match key & 7 {
            0 => {
                varint(&mut b)?;
            }
            1 => b = b.get(8..)?,
            5 => b = b.get(4..)?,
            2 => {
                let len = varint(&mut b)? as usize;
                out.push((key >> 3, b.get(..len)?.to_vec()));
                b = &b[len..];
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A `SelfSubjectAccessReview` sent as protobuf (what kubectl's typed clients send, e.g.
/// `kubectl auth can-i`), as JSON: the `k8s\0` envelope (`runtime.Unknown`), then the
/// review's spec (`resourceAttributes`, `nonResourceAttributes`).
pub fn ssar_from_protobuf(body: &[u8]) -> Result<Value, ApiError> {
    let bad = || ApiError::bad_request("the body of the request could not be decoded as protobuf");
    let rest = body.strip_prefix(b"k8s\0").ok_or_else(bad)?;
    let unknown = pb_fields(rest).ok_or_else(bad)?;
    let raw = unknown
        .iter()
        .find(|(f, _)| *f == 2)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let review = pb_fields(&raw).ok_or_else(bad)?;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut spec = json!({});
    for (_, value) in review.iter().filter(|(f, _)| *f == 2) {
        for (f, v) in pb_fields(value).ok_or_else(bad)? {
            match f {
                1 => {
                    let names = [
                        "namespace",
                        "verb",
                        "group",
                        "version",
                        "resource",
                        "subresource",
                        "name",
                    ];
                    let mut ra = json!({});
                    for (n, x) in pb_fields(&v).ok_or_else(bad)? {
                        if let Some(k) = names.get((n as usize).wrapping_sub(1)) {
                            ra[*k] = json!(text(&x));
                        }
                    }
                    spec["resourceAttributes"] = ra;
                }
                2 => {
                    let mut nra = json!({});
                    for (n, x) in pb_fields(&v).ok_or_else(bad)? {
                        match n {
                            1 => nra["path"] = json!(text(&x)),
                            2 => nra["verb"] = json!(text(&x)),
                            _ => {}
                        }
                    }
                    spec["nonResourceAttributes"] = nra;
                }
                _ => {}
            }
        }
    }
    Ok(
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": spec}),
    )
}
