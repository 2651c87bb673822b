//! The API semantics shared by the HTTP layer and the controllers: create, update, patch,
//! server-side apply and delete, with defaulting, validation, admission and field managers.

use serde_json::{Value, json};

use super::defaults;
use super::merge;
use super::registry::{self, Res};
use super::status::{ApiError, Cause};
use super::store::State;
use super::typed;
use super::util::{
    at, is_deleting, name_of, new_uid, now_rfc3339, obj_mut, rand_suffix, str_at, uid_of,
};
use super::validate;

pub struct WriteCtx<'a> {
    pub manager: &'a str,
    pub dry_run: bool,
    pub subresource: Option<&'a str>,
    /// `fieldValidation=Strict`: unknown fields are an error instead of being dropped.
    pub strict: bool,
}

impl<'a> WriteCtx<'a> {
    pub fn by(manager: &'a str) -> WriteCtx<'a> {
        WriteCtx {
            manager,
            dry_run: false,
            subresource: None,
            strict: false,
        }
    }

    pub fn status(manager: &'a str) -> WriteCtx<'a> {
        WriteCtx {
            manager,
            dry_run: false,
            subresource: Some("status"),
            strict: false,
        }
    }
}

fn check_type(res: &Res, obj: &Value) -> Result<(), ApiError> {
    if let Some(av) = obj.get("apiVersion").and_then(Value::as_str)
        && av != res.api_version()
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({})",
            res.api_version()
        )));
    }
    if let Some(k) = obj.get("kind").and_then(Value::as_str)
        && k != res.kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({k}) does not match the expected kind ({})",
            res.kind
        )));
    }
    Ok(())
}

fn check_namespace_open(st: &State, res: &Res, ns: &str, name: &str) -> Result<(), ApiError> {
    if !res.namespaced {
        return Ok(());
    }
    match st.get("namespaces", "", ns) {
        None => Err(ApiError::namespace_not_found(ns)),
        Some(n) if is_deleting(n) => Err(ApiError::forbidden_msg(
            res,
            name,
            &format!("unable to create new content in namespace {ns} because it is being terminated"),
        )
        .with_details(json!({"name": name, "kind": res.plural, "causes": [{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]}))),
        Some(_) => Ok(()),
    }
}

fn admit_pod(st: &State, pod: &Value) -> Result<(), ApiError> {
    let ns = str_at(pod, &["metadata", "namespace"]).unwrap_or("");
    let Some((level, version)) = st
        .get("namespaces", "", ns)
        .and_then(validate::enforce_level)
    else {
        return Ok(());
    };
    let violations = validate::pod_security_violations(pod, &level);
    if violations.is_empty() {
        return Ok(());
    }
    let res = registry::find("", "v1", "pods").expect("pods");
    Err(ApiError::forbidden_msg(
        res,
        name_of(pod),
        &format!(
            "violates PodSecurity \"{level}:{version}\": {}",
            violations.join(", ")
        ),
    ))
}

/// What the real server's typed decoder would refuse with 400.
fn decode_check(res: &Res, obj: &Value) -> Result<(), ApiError> {
    if validate::bad_quantity(obj).is_some() {
        return Err(ApiError::bad_request(format!(
            "{} in version {:?} cannot be handled as a {}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            res.kind, res.version, res.kind
        )));
    }
    Ok(())
}

/// Create `obj`. When `applied` is true the managedFields were already computed by SSA.
pub fn create(
    st: &mut State,
    res: &'static Res,
    ns: &str,
    mut obj: Value,
    ctx: &WriteCtx,
    applied: bool,
) -> Result<Value, ApiError> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be an object",
        ));
    }
    if !applied && str_at(&obj, &["metadata", "resourceVersion"]).is_some_and(|rv| !rv.is_empty()) {
        return Err(ApiError::bad_request(
            "resourceVersion should not be set on objects to be created",
        ));
    }
    check_type(res, &obj)?;
    obj["apiVersion"] = json!(res.api_version());
    obj["kind"] = json!(res.kind);
    let meta = obj_mut(&mut obj, &["metadata"]);
    if res.namespaced {
        match meta.get("namespace").and_then(Value::as_str) {
            Some(n) if !n.is_empty() && n != ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {
                meta.insert("namespace".into(), json!(ns));
            }
        }
    } else {
        meta.remove("namespace");
    }
    let has_name = meta
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty());
    if !has_name
        && let Some(g) = meta
            .get("generateName")
            .and_then(Value::as_str)
            .map(String::from)
        && !g.is_empty()
    {
        // names.SimpleNameGenerator: the base is cut to 58 characters.
        let base: String = g.chars().take(58).collect();
        meta.insert("name".into(), json!(format!("{base}{}", rand_suffix(5))));
    }
    for k in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "selfLink",
    ] {
        meta.remove(k);
    }
    let name = name_of(&obj).to_string();
    decode_check(res, &obj)?;
    if !applied {
        typed::decode(res, &mut obj, ctx.strict, false)?;
    }
    check_namespace_open(st, res, ns, &name)?;
    defaults::apply(st, res, &mut obj, None);
    let causes = validate::validate(res, &obj, None);
    if !causes.is_empty() {
        return Err(ApiError::invalid(res, &name, causes));
    }
    if res.plural == "pods" {
        admit_pod(st, &obj)?;
    }
    let ns_key = if res.namespaced { ns } else { "" };
    if st.get(res.plural, ns_key, &name).is_some() {
        return Err(ApiError::already_exists(res, &name));
    }
    let now = now_rfc3339();
    {
        let meta = obj_mut(&mut obj, &["metadata"]);
        meta.insert("uid".into(), json!(new_uid()));
        meta.insert("creationTimestamp".into(), json!(now));
        if res.has_generation() {
            meta.insert("generation".into(), json!(1));
        }
    }
    if !applied {
        merge::record_update(
            res.plural,
            None,
            &mut obj,
            ctx.manager,
            &res.api_version(),
            None,
            &now,
        );
    }
    if ctx.dry_run {
        return Ok(obj);
    }
    Ok(st.insert(res.plural, obj))
}

/// The object as compared for "did anything change": no resourceVersion, no manager times.
fn comparable(v: &Value) -> Value {
    let mut c = v.clone();
    if let Some(m) = c.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
        if let Some(Value::Array(mf)) = m.get_mut("managedFields") {
            for e in mf.iter_mut().filter_map(Value::as_object_mut) {
                e.remove("time");
            }
        }
    }
    c
}

fn spec_part(v: &Value) -> Value {
    let mut c = v.clone();
    if let Some(m) = c.as_object_mut() {
        for k in ["metadata", "status", "apiVersion", "kind"] {
            m.remove(k);
        }
    }
    c
}

/// Write `new` over `old`: server-owned metadata kept, status or spec only depending on the
/// subresource, defaults, validation, generation, field managers, no-op detection.
pub fn commit_update(
    st: &mut State,
    res: &'static Res,
    old: &Value,
    mut new: Value,
    ctx: &WriteCtx,
    applied: bool,
) -> Result<Value, ApiError> {
    if !new.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be an object",
        ));
    }
    check_type(res, &new)?;
    let name = name_of(old).to_string();
    if let Some(n) = str_at(&new, &["metadata", "name"])
        && n != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        )));
    }
    if res.namespaced
        && let Some(n) = str_at(&new, &["metadata", "namespace"])
        && !n.is_empty()
        && Some(n) != str_at(old, &["metadata", "namespace"])
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if ctx.subresource == Some("status") {
        let mut x = old.clone();
        x["status"] = new.get("status").cloned().unwrap_or(json!({}));
        if let Some(mf) = new.pointer("/metadata/managedFields") {
            x["metadata"]["managedFields"] = mf.clone();
        }
        new = x;
    } else if res.has_status() {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                new.as_object_mut().map(|m| m.remove("status"));
            }
        }
    }
    new["apiVersion"] = json!(res.api_version());
    new["kind"] = json!(res.kind);
    {
        let meta = obj_mut(&mut new, &["metadata"]);
        for k in [
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ] {
            match old["metadata"].get(k) {
                Some(v) => {
                    meta.insert(k.into(), v.clone());
                }
                None => {
                    meta.remove(k);
                }
            }
        }
        meta.insert(
            "resourceVersion".into(),
            old["metadata"]["resourceVersion"].clone(),
        );
    }
    decode_check(res, &new)?;
    if !applied && ctx.subresource.is_none() {
        typed::decode(res, &mut new, ctx.strict, false)?;
    }
    defaults::apply(st, res, &mut new, Some(old));
    if ctx.subresource.is_none() {
        let causes = validate::validate(res, &new, Some(old));
        if !causes.is_empty() {
            return Err(ApiError::invalid(res, &name, causes));
        }
    }
    if is_deleting(old) {
        let fin = |v: &Value| -> Vec<Value> {
            v.pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        if fin(&new).iter().any(|f| !fin(old).contains(f)) {
            return Err(ApiError::invalid(
                res,
                &name,
                vec![Cause::forbidden(
                    "metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted",
                )],
            ));
        }
    }
    let now = now_rfc3339();
    if !applied {
        merge::record_update(
            res.plural,
            Some(old),
            &mut new,
            ctx.manager,
            &res.api_version(),
            ctx.subresource,
            &now,
        );
    }
    if comparable(&new) == comparable(old) {
        return Ok(old.clone());
    }
    if res.has_generation() && spec_part(&new) != spec_part(old) {
        let g = at(old, &["metadata", "generation"])
            .and_then(Value::as_i64)
            .unwrap_or(0);
        new["metadata"]["generation"] = json!(g + 1);
    }
    if ctx.dry_run {
        return Ok(new);
    }
    let stored = st.replace(res.plural, new);
    let no_finalizers = stored
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_none_or(|f| f.is_empty());
    if is_deleting(&stored) && no_finalizers && res.plural != "pods" && res.plural != "namespaces" {
        let ns = str_at(&stored, &["metadata", "namespace"])
            .unwrap_or("")
            .to_string();
        st.remove(res.plural, &ns, &name);
    }
    Ok(stored)
}

/// Modify a stored object with a closure and commit it (controllers use this).
pub fn modify(
    st: &mut State,
    plural: &str,
    ns: &str,
    name: &str,
    ctx: &WriteCtx,
    f: impl FnOnce(&mut Value),
) -> Option<Result<Value, ApiError>> {
    let res = registry::by_name(plural)?;
    let old = st.get(plural, ns, name)?.clone();
    let mut new = old.clone();
    f(&mut new);
    if new == old {
        return Some(Ok(old));
    }
    Some(commit_update(st, res, &old, new, ctx, false))
}

pub enum PatchKind {
    Json,
    Merge,
    Strategic,
    Apply { force: bool },
}

impl PatchKind {
    pub fn from_content_type(ct: &str, force: bool) -> Option<PatchKind> {
        let base = ct.split(';').next().unwrap_or("").trim();
        Some(match base {
            "application/json-patch+json" => PatchKind::Json,
            "application/merge-patch+json" => PatchKind::Merge,
            "application/strategic-merge-patch+json" => PatchKind::Strategic,
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => {
                PatchKind::Apply { force }
            }
            _ => return None,
        })
    }
}

pub fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("the request body is not valid UTF-8"))?;
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Ok(v);
    }
    serde_saphyr::from_str::<Value>(text)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
}

/// PATCH (including server-side apply). Returns the object and whether it was created.
pub fn patch(
    st: &mut State,
    res: &'static Res,
    ns: &str,
    name: &str,
    kind: PatchKind,
    body: &[u8],
    ctx: &WriteCtx,
) -> Result<(Value, bool), ApiError> {
    let ns_key = if res.namespaced { ns } else { "" };
    let old = st.get(res.plural, ns_key, name).cloned();
    match kind {
        PatchKind::Apply { force } => {
            if ctx.manager.is_empty() {
                return Err(ApiError::new(
                    400,
                    "BadRequest",
                    "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                ));
            }
            let mut applied = parse_body(body)?;
            if !applied.is_object() {
                return Err(ApiError::bad_request(
                    "the body of the request must be an object",
                ));
            }
            if applied
                .get("kind")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(ApiError::bad_request(format!(
                    "Object 'Kind' is missing in '{applied}'"
                )));
            }
            check_type(res, &applied)?;
            decode_check(res, &applied)?;
            typed::decode(res, &mut applied, ctx.strict, true)?;
            if let Some(n) = str_at(&applied, &["metadata", "name"])
                && n != name
            {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({n}) does not match the name on the URL ({name})"
                )));
            }
            if applied
                .pointer("/metadata/managedFields")
                .is_some_and(|m| !m.is_null())
            {
                return Err(ApiError::bad_request("metadata.managedFields must be nil"));
            }
            if let (Some(old), Some(rv)) =
                (&old, str_at(&applied, &["metadata", "resourceVersion"]))
                && str_at(old, &["metadata", "resourceVersion"]) != Some(rv)
            {
                return Err(ApiError::conflict_modified(res, name));
            }
            let now = now_rfc3339();
            let merged = merge::apply(
                res.plural,
                old.as_ref(),
                &applied,
                ctx.manager,
                &res.api_version(),
                force,
                &now,
            )
            .map_err(|conflicts| {
                let causes: Vec<Value> = conflicts
                    .iter()
                    .map(|c| {
                        json!({
                            "type": "FieldManagerConflict",
                            "message": format!("conflict with {}", c.manager),
                            "field": merge::path_string(&c.path),
                        })
                    })
                    .collect();
                ApiError::new(409, "Conflict", merge::conflict_message(&conflicts))
                    .with_details(json!({ "causes": causes }))
            })?;
            match old {
                None => {
                    let mut merged = merged;
                    merged["metadata"]["name"] = json!(name);
                    create(st, res, ns, merged, ctx, true).map(|v| (v, true))
                }
                Some(old) => commit_update(st, res, &old, merged, ctx, true).map(|v| (v, false)),
            }
        }
        kind => {
            let Some(old) = old else {
                return Err(ApiError::not_found(res, name));
            };
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("the request body is not valid UTF-8"))?;
            let p: Value = serde_json::from_str(text)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            let mut new = old.clone();
            match kind {
                PatchKind::Json => {
                    let ops: json_patch::Patch = serde_json::from_value(p)
                        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
                    json_patch::patch(&mut new, &ops).map_err(|e| {
                        ApiError::new(422, "Invalid", format!("the server rejected our request due to an error in our request: {e}"))
                    })?;
                }
                PatchKind::Merge => merge::merge_patch(&mut new, &p),
                PatchKind::Strategic => merge::strategic_merge(res.plural, &mut new, &p),
                PatchKind::Apply { .. } => unreachable!(),
            }
            if let Some(rv) = str_at(&new, &["metadata", "resourceVersion"])
                && str_at(&old, &["metadata", "resourceVersion"]) != Some(rv)
            {
                return Err(ApiError::conflict_modified(res, name));
            }
            commit_update(st, res, &old, new, ctx, false).map(|v| (v, false))
        }
    }
}

/// PUT: full update with optimistic concurrency on metadata.resourceVersion.
pub fn update(
    st: &mut State,
    res: &'static Res,
    ns: &str,
    name: &str,
    body: Value,
    ctx: &WriteCtx,
) -> Result<Value, ApiError> {
    let ns_key = if res.namespaced { ns } else { "" };
    let Some(old) = st.get(res.plural, ns_key, name).cloned() else {
        return Err(ApiError::not_found(res, name));
    };
    if let Some(rv) = str_at(&body, &["metadata", "resourceVersion"])
        && !rv.is_empty()
        && str_at(&old, &["metadata", "resourceVersion"]) != Some(rv)
    {
        return Err(ApiError::conflict_modified(res, name));
    }
    commit_update(st, res, &old, body, ctx, false)
}

#[derive(Debug, Default, Clone)]
pub struct DeleteOpts {
    pub propagation: Option<String>,
    pub grace: Option<i64>,
    pub dry_run: bool,
    pub uid: Option<String>,
    pub resource_version: Option<String>,
}

pub enum Deleted {
    /// Removed from storage; the last state.
    Gone(Value),
    /// Deletion in progress (graceful, finalizers, foreground): the current state.
    Pending(Value),
}

pub fn delete(
    st: &mut State,
    res: &'static Res,
    ns: &str,
    name: &str,
    opts: &DeleteOpts,
) -> Result<Deleted, ApiError> {
    let ns_key = if res.namespaced { ns } else { "" };
    let Some(obj) = st.get(res.plural, ns_key, name).cloned() else {
        return Err(ApiError::not_found(res, name));
    };
    if let Some(uid) = &opts.uid
        && uid != uid_of(&obj)
    {
        return Err(ApiError::conflict(
            res,
            name,
            &format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                uid_of(&obj)
            ),
        ));
    }
    if let Some(rv) = &opts.resource_version
        && Some(rv.as_str()) != str_at(&obj, &["metadata", "resourceVersion"])
    {
        return Err(ApiError::conflict(
            res,
            name,
            &format!(
                "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                str_at(&obj, &["metadata", "resourceVersion"]).unwrap_or("")
            ),
        ));
    }
    if opts.dry_run {
        return Ok(Deleted::Gone(obj));
    }
    let ctx = WriteCtx::by("kube-apiserver");
    if is_deleting(&obj) {
        if res.plural == "pods" && opts.grace == Some(0) {
            return Ok(Deleted::Gone(
                st.remove(res.plural, ns_key, name).unwrap_or(obj),
            ));
        }
        return Ok(Deleted::Pending(obj));
    }
    let now = now_rfc3339();
    let uid = uid_of(&obj).to_string();
    let policy = opts.propagation.as_deref().unwrap_or("Background");
    if policy == "Orphan" {
        let dependents: Vec<(String, String, String)> = st
            .objects
            .iter()
            .filter(|(_, v)| owner_uids(v).contains(&uid))
            .map(|(k, _)| k.clone())
            .collect();
        for (p, n, nm) in dependents {
            let _ = modify(
                st,
                &p,
                &n,
                &nm,
                &WriteCtx::by("kube-controller-manager"),
                |v| {
                    if let Some(refs) = v
                        .pointer_mut("/metadata/ownerReferences")
                        .and_then(Value::as_array_mut)
                    {
                        refs.retain(|r| r["uid"].as_str() != Some(uid.as_str()));
                        if refs.is_empty() {
                            v["metadata"]
                                .as_object_mut()
                                .map(|m| m.remove("ownerReferences"));
                        }
                    }
                },
            );
        }
    }
    let mut finalizers: Vec<Value> = obj
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if policy == "Foreground"
        && res.plural != "pods"
        && !finalizers.contains(&json!("foregroundDeletion"))
    {
        finalizers.push(json!("foregroundDeletion"));
    }
    if res.plural == "namespaces" {
        let mut new = obj.clone();
        new["metadata"]["deletionTimestamp"] = json!(now);
        new["metadata"]["deletionGracePeriodSeconds"] = json!(0);
        new["status"]["phase"] = json!("Terminating");
        let stored = st.replace(res.plural, new);
        return Ok(Deleted::Pending(stored));
    }
    if res.plural == "pods" {
        let grace = opts.grace.unwrap_or_else(|| {
            obj.pointer("/spec/terminationGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(30)
        });
        let scheduled = obj.pointer("/spec/nodeName").is_some_and(|n| !n.is_null());
        if (grace == 0 || !scheduled) && finalizers.is_empty() {
            return Ok(Deleted::Gone(
                st.remove(res.plural, ns_key, name).unwrap_or(obj),
            ));
        }
        let ts = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(grace);
        let mut new = obj.clone();
        new["metadata"]["deletionTimestamp"] = json!(super::util::rfc3339(ts));
        new["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
        let _ = ctx;
        let stored = st.replace(res.plural, new);
        return Ok(Deleted::Pending(stored));
    }
    if finalizers.is_empty() {
        return Ok(Deleted::Gone(
            st.remove(res.plural, ns_key, name).unwrap_or(obj),
        ));
    }
    let mut new = obj.clone();
    new["metadata"]["deletionTimestamp"] = json!(now);
    new["metadata"]["deletionGracePeriodSeconds"] = json!(0);
    new["metadata"]["finalizers"] = Value::Array(finalizers);
    let stored = st.replace(res.plural, new);
    Ok(Deleted::Pending(stored))
}

pub fn owner_uids(v: &Value) -> Vec<String> {
    v.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r["uid"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Record a core/v1 Event about `involved`, aggregating repeats like the event recorder.
pub fn record_event(
    st: &mut State,
    involved: &Value,
    etype: &str,
    reason: &str,
    message: &str,
    component: &str,
    field_path: Option<&str>,
) {
    let ns = match str_at(involved, &["metadata", "namespace"]) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => "default".to_string(),
    };
    let uid = uid_of(involved).to_string();
    let host = if component == "kubelet" {
        str_at(involved, &["spec", "nodeName"]).map(String::from)
    } else {
        None
    };
    let now = now_rfc3339();
    let index_key = format!(
        "{uid}\u{0}{reason}\u{0}{message}\u{0}{}",
        field_path.unwrap_or("")
    );
    let existing = st
        .event_index
        .get(&index_key)
        .and_then(|k| st.objects.get(k))
        .cloned();
    // The scheduler uses the events.k8s.io recorder: as core/v1 its events have eventTime
    // and series, and null first/lastTimestamp and no count.
    let new_style = component == "default-scheduler";
    if let Some(mut e) = existing {
        if new_style {
            let count = e
                .pointer("/series/count")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            e["series"] = json!({"count": count + 1, "lastObservedTime": super::util::now_micro()});
        } else {
            let count = e["count"].as_i64().unwrap_or(1);
            e["count"] = json!(count + 1);
            e["lastTimestamp"] = json!(now);
        }
        st.replace("events", e);
        return;
    }
    let mut io = json!({
        "kind": involved["kind"],
        "namespace": str_at(involved, &["metadata", "namespace"]),
        "name": name_of(involved),
        "uid": uid,
        "apiVersion": involved["apiVersion"],
        "resourceVersion": str_at(involved, &["metadata", "resourceVersion"]),
    });
    if let Some(fp) = field_path {
        io["fieldPath"] = json!(fp);
    }
    if io["namespace"].is_null() {
        io.as_object_mut().map(|m| m.remove("namespace"));
    }
    let mut source = json!({ "component": component });
    if let Some(h) = &host {
        source["host"] = json!(h);
    }
    let ts = jiff::Timestamp::now();
    let mut event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": format!("{}.{:x}", name_of(involved), ts.as_nanosecond()),
            "namespace": ns,
            "uid": new_uid(),
            "creationTimestamp": now,
        },
        "involvedObject": io,
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": etype,
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": host.unwrap_or_default(),
    });
    if new_style {
        let m = event.as_object_mut().expect("object");
        m.insert("firstTimestamp".into(), Value::Null);
        m.insert("lastTimestamp".into(), Value::Null);
        m.remove("count");
        m.insert("eventTime".into(), json!(super::util::now_micro()));
        m.insert("source".into(), json!({}));
        m.insert(
            "action".into(),
            json!(if reason == "Scheduled" {
                "Binding"
            } else {
                "Scheduling"
            }),
        );
        m.insert(
            "reportingInstance".into(),
            json!(format!("{component}-fake-control-plane")),
        );
    }
    let stored = st.insert("events", event);
    let key = (
        "events".to_string(),
        ns.clone(),
        name_of(&stored).to_string(),
    );
    st.event_index.insert(index_key, key);
}
