//! Server-side apply (field ownership in `fieldsV1` form, merge, conflicts), strategic merge
//! patch and JSON merge patch. The schema knowledge (which lists are keyed by what, which maps
//! are atomic) is a hand-written table covering the types the fake server serves.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// A field path as `fieldsV1` tokens: `f:spec`, `k:{"name":"app"}`, `v:"x"`.
pub type FPath = Vec<String>;
pub type FieldSet = BTreeSet<FPath>;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ListKind {
    /// `x-kubernetes-list-type: map` with these keys.
    Keyed(&'static [&'static str]),
    /// `x-kubernetes-list-type: set`.
    Set,
    Atomic,
}

fn is_item_of(path: &[String], lists: &[&str]) -> bool {
    path.len() >= 2 && lists.contains(&path[path.len() - 2].as_str())
}

/// The list type of the list at `path` (field names only, indices left out), for SSA.
pub fn ssa_list_kind(plural: &str, path: &[String]) -> ListKind {
    let Some(last) = path.last() else {
        return ListKind::Atomic;
    };
    const CONTAINERS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];
    match last.as_str() {
        "containers" | "initContainers" | "ephemeralContainers" => ListKind::Keyed(&["name"]),
        "ports" if is_item_of(path, CONTAINERS) => ListKind::Keyed(&["containerPort", "protocol"]),
        "ports" if plural == "services" && path.len() == 2 => {
            ListKind::Keyed(&["port", "protocol"])
        }
        "env" if is_item_of(path, CONTAINERS) => ListKind::Keyed(&["name"]),
        "volumeMounts" if is_item_of(path, CONTAINERS) => ListKind::Keyed(&["mountPath"]),
        "volumes" | "imagePullSecrets" | "resourceClaims" => ListKind::Keyed(&["name"]),
        "ownerReferences" => ListKind::Keyed(&["uid"]),
        "conditions" => ListKind::Keyed(&["type"]),
        "hostAliases" => ListKind::Keyed(&["ip"]),
        "topologySpreadConstraints" => ListKind::Keyed(&["topologyKey", "whenUnsatisfiable"]),
        "finalizers" if path.len() == 2 && path[0] == "metadata" => ListKind::Set,
        _ => ListKind::Atomic,
    }
}

/// `patchMergeKey` of the strategic merge patch, if the list merges.
pub fn smp_merge_key(plural: &str, path: &[String]) -> Option<&'static str> {
    match ssa_list_kind(plural, path) {
        ListKind::Keyed(keys) => Some(match keys[0] {
            "topologyKey" => "topologyKey",
            k => k,
        }),
        ListKind::Set => Some(""),
        ListKind::Atomic => None,
    }
}

/// Maps whose keys are data (granular maps: `.` marks the map itself in fieldsV1).
fn is_granular_map(path: &[String]) -> bool {
    matches!(
        path.last().map(String::as_str),
        Some(
            "labels"
                | "annotations"
                | "data"
                | "binaryData"
                | "stringData"
                | "limits"
                | "requests"
                | "matchLabels"
        )
    ) && path.len() != 1
}

/// Fields replaced as a whole.
fn is_atomic_map(plural: &str, path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["spec", "selector"] => true,
        [.., "nodeSelector"] => true,
        ["spec", "ports"] => plural != "services",
        _ => false,
    }
}

fn key_of(item: &Value, keys: &[&str]) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    for k in keys {
        match item.get(*k) {
            Some(v) => {
                m.insert(k.to_string(), v.clone());
            }
            None if *k == "protocol" => {
                m.insert(k.to_string(), json!("TCP"));
            }
            None => return None,
        }
    }
    Some(m)
}

fn key_token(key: &Map<String, Value>) -> String {
    // serde_json maps are sorted, as structured-merge-diff sorts key fields.
    format!("k:{}", Value::Object(key.clone()))
}

/// Identity and server-owned fields never tracked by field managers.
fn skip_field(path: &[String], name: &str, status: bool) -> bool {
    if path.is_empty() {
        if matches!(name, "apiVersion" | "kind") {
            return true;
        }
        return if status {
            name != "status"
        } else {
            name == "status"
        };
    }
    path.len() == 1
        && path[0] == "metadata"
        && matches!(
            name,
            "name"
                | "namespace"
                | "uid"
                | "resourceVersion"
                | "generation"
                | "creationTimestamp"
                | "managedFields"
                | "selfLink"
                | "deletionTimestamp"
                | "deletionGracePeriodSeconds"
                | "generateName"
        )
}

/// The set of fields present in `obj`. With `status`, only the status; otherwise all but status.
pub fn field_set(plural: &str, obj: &Value, status: bool) -> FieldSet {
    let mut out = FieldSet::new();
    let mut names = Vec::new();
    collect(plural, obj, &mut Vec::new(), &mut names, status, &mut out);
    out
}

fn collect(
    plural: &str,
    v: &Value,
    tokens: &mut FPath,
    names: &mut Vec<String>,
    status: bool,
    out: &mut FieldSet,
) {
    let Value::Object(m) = v else { return };
    for (k, child) in m {
        if skip_field(names, k, status) {
            continue;
        }
        tokens.push(format!("f:{k}"));
        names.push(k.clone());
        match child {
            Value::Object(cm) if !cm.is_empty() && !is_atomic_map(plural, names) => {
                if is_granular_map(names) {
                    out.insert(tokens.clone());
                }
                collect(plural, child, tokens, names, status, out);
            }
            Value::Array(items) => match ssa_list_kind(plural, names) {
                ListKind::Keyed(keys) => {
                    for item in items {
                        if let Some(key) = key_of(item, keys) {
                            tokens.push(key_token(&key));
                            out.insert(tokens.clone());
                            collect(plural, item, tokens, names, status, out);
                            tokens.pop();
                        }
                    }
                }
                ListKind::Set => {
                    for item in items {
                        tokens.push(format!("v:{item}"));
                        out.insert(tokens.clone());
                        tokens.pop();
                    }
                }
                ListKind::Atomic => {
                    out.insert(tokens.clone());
                }
            },
            Value::Null => {}
            _ => {
                out.insert(tokens.clone());
            }
        }
        names.pop();
        tokens.pop();
    }
}

/// Navigate one token.
fn step<'a>(v: &'a Value, token: &str) -> Option<&'a Value> {
    if let Some(f) = token.strip_prefix("f:") {
        return v.get(f);
    }
    let items = v.as_array()?;
    if let Some(val) = token.strip_prefix("v:") {
        let val: Value = serde_json::from_str(val).ok()?;
        return items.iter().find(|it| **it == val);
    }
    None
}

pub fn value_at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = v;
    for t in path {
        cur = step_proto(cur, t)?;
    }
    Some(cur)
}

/// `step` treating a missing `protocol` key as TCP.
fn step_proto<'a>(v: &'a Value, token: &str) -> Option<&'a Value> {
    if let Some(k) = token.strip_prefix("k:") {
        let key: Map<String, Value> = serde_json::from_str(k).ok()?;
        return v.as_array()?.iter().find(|it| {
            key.iter().all(|(kk, kv)| match it.get(kk) {
                Some(x) => x == kv,
                None => kk == "protocol" && kv == "TCP",
            })
        });
    }
    step(v, token)
}

fn remove_path(v: &mut Value, path: &[String]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for t in parent {
        let next = if let Some(f) = t.strip_prefix("f:") {
            cur.get_mut(f)
        } else {
            let idx = index_of(cur, t);
            match idx {
                Some(i) => cur.as_array_mut().and_then(|a| a.get_mut(i)),
                None => None,
            }
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Some(f) = last.strip_prefix("f:") {
        if let Some(m) = cur.as_object_mut() {
            m.remove(f);
        }
    } else if let Some(i) = index_of(cur, last)
        && let Some(a) = cur.as_array_mut()
    {
        a.remove(i);
    }
}

fn index_of(list: &Value, token: &str) -> Option<usize> {
    let target = step_proto(list, token)? as *const Value;
    list.as_array()?
        .iter()
        .position(|it| std::ptr::eq(it, target))
}

/// A field set in `fieldsV1` JSON.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut cur = &mut root;
        for t in path {
            cur = cur
                .entry(t.clone())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("object");
        }
    }
    // A member that also has children gets a "." entry.
    fn mark(m: &mut Map<String, Value>, prefix: &mut FPath, set: &FieldSet) {
        for (k, v) in m.iter_mut() {
            if k == "." {
                continue;
            }
            prefix.push(k.clone());
            let child = v.as_object_mut().expect("object");
            if !child.is_empty() {
                if set.contains(prefix) {
                    child.insert(".".into(), json!({}));
                }
                mark(child, prefix, set);
            }
            prefix.pop();
        }
    }
    mark(&mut root, &mut Vec::new(), set);
    Value::Object(root)
}

pub fn from_fields_v1(v: &Value) -> FieldSet {
    fn walk(v: &Value, prefix: &mut FPath, out: &mut FieldSet) {
        let Some(m) = v.as_object() else { return };
        if m.is_empty() && !prefix.is_empty() {
            out.insert(prefix.clone());
        }
        for (k, child) in m {
            if k == "." {
                out.insert(prefix.clone());
                continue;
            }
            prefix.push(k.clone());
            walk(child, prefix, out);
            prefix.pop();
        }
    }
    let mut out = FieldSet::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

/// `.spec.template.spec.containers[name="app"].image`, as structured-merge-diff prints paths.
pub fn path_string(path: &[String]) -> String {
    let mut s = String::new();
    for t in path {
        if let Some(f) = t.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = t.strip_prefix("k:") {
            let key: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
            let parts: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            s.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = t.strip_prefix("v:") {
            s.push_str(&format!("[={v}]"));
        }
    }
    s
}

/// One managedFields entry.
#[derive(Clone, Debug)]
pub struct Manager {
    pub manager: String,
    pub operation: String,
    pub api_version: String,
    pub time: String,
    pub subresource: Option<String>,
    pub fields: FieldSet,
}

impl Manager {
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
            "time": self.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(&self.fields),
        });
        if let Some(s) = &self.subresource {
            v["subresource"] = json!(s);
        }
        v
    }

    /// How conflict messages name the manager.
    pub fn display(&self) -> String {
        let mut s = format!("{:?}", self.manager);
        if let Some(sub) = &self.subresource {
            s = format!("{s} with subresource {sub:?}");
        }
        if self.operation == "Update" {
            s = format!("{s} using {} at {}", self.api_version, self.time);
        }
        s
    }

    fn same_slot(&self, manager: &str, operation: &str, sub: Option<&str>) -> bool {
        self.manager == manager && self.operation == operation && self.subresource.as_deref() == sub
    }
}

pub fn read_managers(obj: &Value) -> Vec<Manager> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| Manager {
                    manager: e["manager"].as_str().unwrap_or("").to_string(),
                    operation: e["operation"].as_str().unwrap_or("Update").to_string(),
                    api_version: e["apiVersion"].as_str().unwrap_or("").to_string(),
                    time: e["time"].as_str().unwrap_or("").to_string(),
                    subresource: e["subresource"].as_str().map(String::from),
                    fields: from_fields_v1(&e["fieldsV1"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn write_managers(obj: &mut Value, managers: &[Manager]) {
    let list: Vec<Value> = managers
        .iter()
        .filter(|m| !m.fields.is_empty())
        .map(Manager::to_json)
        .collect();
    let meta = super::util::obj_mut(obj, &["metadata"]);
    if list.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert("managedFields".into(), Value::Array(list));
    }
}

/// The paths of a set that have no children in it.
fn leaves(set: &FieldSet) -> Vec<&FPath> {
    set.iter()
        .filter(|p| {
            !set.range((*p).clone()..)
                .nth(1)
                .is_some_and(|next| next.len() > p.len() && next.starts_with(p))
        })
        .collect()
}

/// Whether `set` holds a path below `path` (so `path` is a `.` entry, not a leaf).
fn has_members(set: &FieldSet, path: &FPath) -> bool {
    set.range(path.clone()..)
        .nth(1)
        .is_some_and(|next| next.len() > path.len() && next.starts_with(path))
}

pub struct Conflict {
    pub manager: String,
    pub path: FPath,
}

/// Server-side apply of `applied` by `manager` onto `live` (None: create). Returns the merged
/// object with managedFields updated, or the conflicts.
pub fn apply(
    plural: &str,
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    api_version: &str,
    force: bool,
    now: &str,
) -> Result<Value, Vec<Conflict>> {
    let new_set = field_set(plural, applied, false);
    let mut managers = live.map(read_managers).unwrap_or_default();
    let base = live.cloned().unwrap_or_else(|| json!({}));

    // Conflicts with other managers over leaves whose values differ.
    let mut conflicts = Vec::new();
    let mut forced: Vec<(usize, FPath)> = Vec::new();
    for path in leaves(&new_set) {
        for (i, m) in managers.iter().enumerate() {
            if m.same_slot(manager, "Apply", None) || m.subresource.is_some() {
                continue;
            }
            if !m.fields.contains(path) {
                continue;
            }
            let live_v = value_at(&base, path);
            let new_v = value_at(applied, path);
            if live_v.is_some() && live_v != new_v {
                if force {
                    forced.push((i, path.clone()));
                } else {
                    conflicts.push(Conflict {
                        manager: m.display(),
                        path: path.clone(),
                    });
                }
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    for (i, p) in forced {
        managers[i].fields.remove(&p);
    }

    // Fields this manager applied before and no longer applies, and nobody else owns, go.
    let old_set = managers
        .iter()
        .find(|m| m.same_slot(manager, "Apply", None))
        .map(|m| m.fields.clone())
        .unwrap_or_default();
    let others: FieldSet = managers
        .iter()
        .filter(|m| !m.same_slot(manager, "Apply", None))
        .flat_map(|m| m.fields.iter().cloned())
        .collect();
    let mut merged = base;
    let mut removed: Vec<&FPath> = old_set
        .difference(&new_set)
        .filter(|p| !others.iter().any(|o| o.starts_with(p)))
        .collect();
    // A removed list item or map goes whole: removing its children first would remove the key
    // fields that find the item (structured-merge-diff removes the element with its subtree).
    let all_removed: Vec<&FPath> = removed.clone();
    removed.retain(|p| {
        !all_removed
            .iter()
            .any(|a| a.len() < p.len() && p.starts_with(a))
    });
    removed.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in removed {
        remove_path(&mut merged, p);
    }
    merge_applied(plural, &mut merged, applied, &mut Vec::new());

    // Ownership: this manager now owns exactly new_set; shared fields stay shared.
    match managers
        .iter_mut()
        .find(|m| m.same_slot(manager, "Apply", None))
    {
        Some(m) => {
            m.fields = new_set;
            m.api_version = api_version.to_string();
            m.time = now.to_string();
        }
        None => managers.push(Manager {
            manager: manager.to_string(),
            operation: "Apply".into(),
            api_version: api_version.to_string(),
            time: now.to_string(),
            subresource: None,
            fields: new_set,
        }),
    }
    prune_managers(&merged, &mut managers);
    write_managers(&mut merged, &managers);
    Ok(merged)
}

/// Drop owned paths that no longer exist in the object.
fn prune_managers(obj: &Value, managers: &mut Vec<Manager>) {
    for m in managers.iter_mut() {
        m.fields.retain(|p| value_at(obj, p).is_some());
    }
    managers.retain(|m| !m.fields.is_empty());
}

/// Record a non-apply write (create, update, patch) by `manager`: it owns the fields it changed.
pub fn record_update(
    plural: &str,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    api_version: &str,
    subresource: Option<&str>,
    now: &str,
) {
    let status = subresource == Some("status");
    let new_set = field_set(plural, new, status);
    // As structured-merge-diff's compare: a leaf is changed when its value differs; a node with
    // members in the set (a granular map's or a keyed list item's `.`) only when it is new. A
    // controller adding one annotation must not take the `.` of `f:annotations` from the
    // applier, or the applier's next (no-op) apply would take it back and bump resourceVersion.
    let changed: FieldSet = new_set
        .iter()
        .filter(|p| match old {
            Some(o) if has_members(&new_set, p) => value_at(o, p).is_none(),
            Some(o) => value_at(o, p) != value_at(new, p),
            None => true,
        })
        .cloned()
        .collect();
    let mut managers = old.map(read_managers).unwrap_or_default();
    if !changed.is_empty() {
        for m in managers.iter_mut() {
            if !m.same_slot(manager, "Update", subresource) {
                m.fields.retain(|p| !changed.contains(p));
            }
        }
        match managers
            .iter_mut()
            .find(|m| m.same_slot(manager, "Update", subresource))
        {
            Some(m) => {
                m.fields.extend(changed);
                m.time = now.to_string();
                m.api_version = api_version.to_string();
            }
            None => managers.push(Manager {
                manager: manager.to_string(),
                operation: "Update".into(),
                api_version: api_version.to_string(),
                time: now.to_string(),
                subresource: subresource.map(String::from),
                fields: changed,
            }),
        }
    }
    prune_managers(new, &mut managers);
    write_managers(new, &managers);
}

fn merge_applied(plural: &str, live: &mut Value, applied: &Value, names: &mut Vec<String>) {
    let (Value::Object(lm), Value::Object(am)) = (&mut *live, applied) else {
        *live = applied.clone();
        return;
    };
    for (k, av) in am {
        if names.len() == 1 && names[0] == "metadata" && k == "managedFields" {
            continue;
        }
        names.push(k.clone());
        if av.is_null() {
            lm.remove(k);
        } else {
            match (lm.get_mut(k), av) {
                (Some(lv @ Value::Object(_)), Value::Object(_))
                    if !is_atomic_map(plural, names) =>
                {
                    merge_applied(plural, lv, av, names)
                }
                (Some(Value::Array(la)), Value::Array(aa)) => match ssa_list_kind(plural, names) {
                    ListKind::Keyed(keys) => {
                        for item in aa {
                            let key = key_of(item, keys);
                            let pos = key.as_ref().and_then(|key| {
                                la.iter()
                                    .position(|l| key_of(l, keys).as_ref() == Some(key))
                            });
                            match pos {
                                Some(i) => merge_applied(plural, &mut la[i], item, names),
                                None => la.push(item.clone()),
                            }
                        }
                    }
                    ListKind::Set => {
                        for item in aa {
                            if !la.contains(item) {
                                la.push(item.clone());
                            }
                        }
                    }
                    ListKind::Atomic => *la = aa.clone(),
                },
                _ => {
                    lm.insert(k.clone(), av.clone());
                }
            }
        }
        names.pop();
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(pm) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let tm = target.as_object_mut().expect("object");
    for (k, v) in pm {
        if v.is_null() {
            tm.remove(k);
        } else {
            merge_patch(tm.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// Strategic merge patch with the merge keys of the built-in types.
pub fn strategic_merge(plural: &str, target: &mut Value, patch: &Value) {
    smp(plural, target, patch, &mut Vec::new());
}

fn smp(plural: &str, target: &mut Value, patch: &Value, names: &mut Vec<String>) {
    let Value::Object(pm) = patch else {
        *target = patch.clone();
        return;
    };
    if pm.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut p = pm.clone();
        p.remove("$patch");
        *target = Value::Object(p);
        return;
    }
    if !target.is_object() {
        *target = json!({});
    }
    let tm = target.as_object_mut().expect("object");
    // $deleteFromPrimitiveList/<field>
    for (k, v) in pm {
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/")
            && let (Some(Value::Array(list)), Some(del)) = (tm.get_mut(field), v.as_array())
        {
            list.retain(|x| !del.contains(x));
        }
    }
    for (k, v) in pm {
        if k.starts_with('$') {
            continue;
        }
        names.push(k.clone());
        match v {
            Value::Null => {
                tm.remove(k);
            }
            Value::Object(o) if o.get("$patch").and_then(Value::as_str) == Some("delete") => {
                tm.remove(k);
            }
            Value::Object(_) if !is_atomic_map(plural, names) => {
                smp(plural, tm.entry(k.clone()).or_insert(json!({})), v, names)
            }
            Value::Array(items) => {
                let key = smp_merge_key(plural, names);
                let replace = items
                    .iter()
                    .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"));
                match (key, tm.get_mut(k)) {
                    (Some(key), Some(Value::Array(list))) if !replace => {
                        for item in items {
                            if key.is_empty() {
                                if !list.contains(item) {
                                    list.push(item.clone());
                                }
                                continue;
                            }
                            let kv = item.get(key).cloned();
                            let pos = list.iter().position(|l| l.get(key).cloned() == kv);
                            let delete =
                                item.get("$patch").and_then(Value::as_str) == Some("delete");
                            match (pos, delete) {
                                (Some(i), true) => {
                                    list.remove(i);
                                }
                                (None, true) => {}
                                (Some(i), false) => smp(plural, &mut list[i], item, names),
                                (None, false) => {
                                    let mut it = item.clone();
                                    strip_directives(&mut it);
                                    list.push(it)
                                }
                            }
                        }
                    }
                    _ => {
                        let mut list: Vec<Value> = items
                            .iter()
                            .filter(|i| i.get("$patch").is_none())
                            .cloned()
                            .collect();
                        list.iter_mut().for_each(strip_directives);
                        tm.insert(k.clone(), Value::Array(list));
                    }
                }
            }
            _ => {
                let mut v = v.clone();
                strip_directives(&mut v);
                tm.insert(k.clone(), v);
            }
        }
        names.pop();
    }
}

fn strip_directives(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with('$'));
            m.values_mut().for_each(strip_directives);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_directives),
        _ => {}
    }
}

/// Map from manager display name to its conflicting paths (for the message).
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    if conflicts.len() == 1 {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            conflicts[0].manager,
            path_string(&conflicts[0].path)
        );
    }
    let mut by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in conflicts {
        by.entry(&c.manager).or_default().push(path_string(&c.path));
    }
    let mut messages = Vec::new();
    for (m, paths) in by {
        messages.push(format!("conflicts with {m}:"));
        messages.extend(paths.into_iter().map(|p| format!("- {p}")));
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        messages.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_v1_roundtrip() {
        let obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": {"app": "x"}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "x"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]}}}
        });
        let set = field_set("deployments", &obj, false);
        let v1 = to_fields_v1(&set);
        assert_eq!(v1["f:metadata"]["f:labels"]["."], json!({}));
        assert_eq!(v1["f:spec"]["f:selector"], json!({}));
        assert!(v1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"]["f:ports"]
            ["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"]["."]
            .is_object());
        assert_eq!(from_fields_v1(&v1), set);
    }
}
