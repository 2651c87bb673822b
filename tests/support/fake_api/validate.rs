//! Object validation (422 Invalid) and Pod Security admission (403 Forbidden), with the
//! API server's messages for the fields we check.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::registry::Res;
use super::selectors::LabelSelector;
use super::status::Cause;
use super::util::{go_map, labels_of, str_at};

static DNS1123_SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$").unwrap()
});
static DNS1123_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").unwrap());
static DNS1035_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]([-a-z0-9]*[a-z0-9])?$").unwrap());
static LABEL_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$").unwrap());
static QUALIFIED_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$").unwrap());
static CONFIG_KEY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[-._a-zA-Z0-9]+$").unwrap());

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

fn check_name(res: &Res, name: &str, out: &mut Vec<Cause>) {
    let (ok, msg, max) = match res.plural {
        "namespaces" => (DNS1123_LABEL.is_match(name), LABEL_MSG, 63),
        "services" => (DNS1035_LABEL.is_match(name), DNS1035_MSG, 63),
        _ => (DNS1123_SUBDOMAIN.is_match(name), SUBDOMAIN_MSG, 253),
    };
    if !ok {
        out.push(Cause::invalid_str("metadata.name", name, msg));
    } else if name.len() > max {
        out.push(Cause::invalid_str(
            "metadata.name",
            name,
            &format!("must be no more than {max} characters"),
        ));
    }
}

fn check_labels(labels: &Value, field: &str, out: &mut Vec<Cause>) {
    let Some(m) = labels.as_object() else { return };
    for (k, v) in m {
        let name = k.rsplit('/').next().unwrap_or("");
        if !QUALIFIED_NAME.is_match(name) || name.len() > 63 {
            out.push(Cause::invalid_str(field, k, QUALIFIED_MSG));
        }
        let v = v.as_str().unwrap_or("");
        if !LABEL_VALUE.is_match(v) || v.len() > 63 {
            let msg = if v.len() > 63 {
                "must be no more than 63 characters"
            } else {
                LABEL_VALUE_MSG
            };
            out.push(Cause::invalid_str(field, v, msg));
        }
    }
}

fn check_meta(res: &Res, obj: &Value, out: &mut Vec<Cause>) {
    let name = str_at(obj, &["metadata", "name"]).unwrap_or("");
    if name.is_empty() {
        out.push(Cause::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        check_name(res, name, out);
    }
    if let Some(l) = obj.pointer("/metadata/labels") {
        check_labels(l, "metadata.labels", out);
    }
}

fn check_pod_spec(spec: &Value, field: &str, out: &mut Vec<Cause>) {
    let containers = spec.get("containers").and_then(Value::as_array);
    match containers {
        None => out.push(Cause::required(format!("{field}.containers"), "")),
        Some(cs) if cs.is_empty() => out.push(Cause::required(format!("{field}.containers"), "")),
        Some(_) => {}
    }
    let mut seen = std::collections::HashSet::new();
    let volumes: Vec<&str> = spec
        .get("volumes")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(|v| v["name"].as_str()).collect())
        .unwrap_or_default();
    let mut vol_seen = std::collections::HashSet::new();
    for (i, v) in volumes.iter().enumerate() {
        if !DNS1123_LABEL.is_match(v) {
            out.push(Cause::invalid_str(
                format!("{field}.volumes[{i}].name"),
                v,
                LABEL_MSG,
            ));
        } else if !vol_seen.insert(*v) {
            out.push(Cause::duplicate(format!("{field}.volumes[{i}].name"), v));
        }
    }
    for key in ["initContainers", "containers"] {
        for (i, c) in spec
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let cf = format!("{field}.{key}[{i}]");
            let name = c["name"].as_str().unwrap_or("");
            if name.is_empty() {
                out.push(Cause::required(format!("{cf}.name"), ""));
            } else if !DNS1123_LABEL.is_match(name) {
                out.push(Cause::invalid_str(format!("{cf}.name"), name, LABEL_MSG));
            } else if !seen.insert(name.to_string()) {
                out.push(Cause::duplicate(format!("{cf}.name"), name));
            }
            if c["image"].as_str().unwrap_or("").trim().is_empty() {
                out.push(Cause::required(format!("{cf}.image"), ""));
            }
            check_resources(&c["resources"], &format!("{cf}.resources"), out);
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(p) = c.get(probe).filter(|p| p.is_object()) else {
                    continue;
                };
                let handlers: Vec<&str> = ["exec", "httpGet", "tcpSocket", "grpc"]
                    .into_iter()
                    .filter(|h| p.get(*h).is_some_and(|v| !v.is_null()))
                    .collect();
                if handlers.is_empty() {
                    out.push(Cause::required(
                        format!("{cf}.{probe}"),
                        "must specify a handler type",
                    ));
                } else if handlers.len() > 1 {
                    out.push(Cause::forbidden(
                        format!("{cf}.{probe}.{}", handlers[1]),
                        "may not specify more than 1 handler type",
                    ));
                }
            }
            let mut port_names = std::collections::HashSet::new();
            for (j, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
                if let Some(n) = p["name"].as_str() {
                    let f = format!("{cf}.ports[{j}].name");
                    if let Some(why) = iana_svc_name_error(n) {
                        out.push(Cause::invalid_str(f, n, why));
                    } else if !port_names.insert(n.to_string()) {
                        out.push(Cause::duplicate(f, n));
                    }
                }
            }
            for (j, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
                let port = p["containerPort"].as_i64().unwrap_or(0);
                if !(1..=65535).contains(&port) {
                    out.push(Cause::invalid(
                        format!("{cf}.ports[{j}].containerPort"),
                        port,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
                if let Some(proto) = p["protocol"].as_str()
                    && !["TCP", "UDP", "SCTP"].contains(&proto)
                {
                    out.push(Cause::not_supported(
                        format!("{cf}.ports[{j}].protocol"),
                        proto,
                        &["SCTP", "TCP", "UDP"],
                    ));
                }
            }
            for (j, m) in c["volumeMounts"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let vn = m["name"].as_str().unwrap_or("");
                if !volumes.contains(&vn) {
                    out.push(Cause {
                        reason: "FieldValueNotFound",
                        field: format!("{cf}.volumeMounts[{j}].name"),
                        message: format!("Not found: {vn:?}"),
                    });
                }
            }
            for (j, e) in c["env"].as_array().into_iter().flatten().enumerate() {
                let n = e["name"].as_str().unwrap_or("");
                if n.is_empty() {
                    out.push(Cause::required(format!("{cf}.env[{j}].name"), ""));
                }
            }
        }
    }
    if let Some(rp) = spec["restartPolicy"].as_str()
        && !["Always", "OnFailure", "Never"].contains(&rp)
    {
        out.push(Cause::not_supported(
            format!("{field}.restartPolicy"),
            rp,
            &["Always", "OnFailure", "Never"],
        ));
    }
}

fn check_selector_template(res: &Res, obj: &Value, old: Option<&Value>, out: &mut Vec<Cause>) {
    let spec = &obj["spec"];
    let sel = &spec["selector"];
    let empty = sel.is_null()
        || (sel
            .get("matchLabels")
            .and_then(Value::as_object)
            .is_none_or(|m| m.is_empty())
            && sel
                .get("matchExpressions")
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty()));
    if sel.is_null() {
        out.push(Cause::required("spec.selector", ""));
    } else if empty {
        out.push(Cause::invalid(
            "spec.selector",
            "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}",
            &format!("empty selector is invalid for {}", res.singular),
        ));
    } else {
        let labels = spec
            .pointer("/template/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if !LabelSelector::from_label_selector(sel).matches(&labels) {
            out.push(Cause::invalid(
                "spec.template.metadata.labels",
                go_map(&labels),
                "`selector` does not match template `labels`",
            ));
        }
    }
    if let Some(old) = old
        && !old["spec"]["selector"].is_null()
        && old["spec"]["selector"] != *sel
    {
        out.push(Cause::invalid(
            "spec.selector",
            format!("{sel}"),
            "field is immutable",
        ));
    }
    if let Some(r) = spec.get("replicas").and_then(Value::as_i64)
        && r < 0
    {
        out.push(Cause::invalid(
            "spec.replicas",
            r,
            "must be greater than or equal to 0",
        ));
    }
    match spec.pointer("/template/spec") {
        Some(ps) => {
            check_pod_spec(ps, "spec.template.spec", out);
            if let Some(rp) = ps["restartPolicy"].as_str()
                && rp != "Always"
            {
                out.push(Cause::not_supported(
                    "spec.template.spec.restartPolicy",
                    rp,
                    &["Always"],
                ));
            }
        }
        None => out.push(Cause::required("spec.template.spec.containers", "")),
    }
    if let Some(l) = spec.pointer("/template/metadata/labels") {
        check_labels(l, "spec.template.metadata.labels", out);
    }
}

/// Validation on create (`old` None) and update.
pub fn validate(res: &Res, obj: &Value, old: Option<&Value>) -> Vec<Cause> {
    let mut out = Vec::new();
    check_meta(res, obj, &mut out);
    match res.plural {
        "pods" => {
            check_pod_spec(&obj["spec"], "spec", &mut out);
            if let Some(old) = old {
                let strip = |v: &Value| {
                    let mut s = v["spec"].clone();
                    for key in ["containers", "initContainers"] {
                        if let Some(cs) = s.get_mut(key).and_then(Value::as_array_mut) {
                            for c in cs {
                                c.as_object_mut().map(|m| m.remove("image"));
                            }
                        }
                    }
                    if let Some(m) = s.as_object_mut() {
                        m.remove("activeDeadlineSeconds");
                        m.remove("tolerations");
                        m.remove("terminationGracePeriodSeconds");
                        if old["spec"]["nodeName"].is_null() {
                            m.remove("nodeName");
                        }
                    }
                    s
                };
                if strip(obj) != strip(old) {
                    out.push(Cause::forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
                }
            }
        }
        "deployments" | "replicasets" | "daemonsets" => {
            check_selector_template(res, obj, old, &mut out)
        }
        "statefulsets" => {
            // The pods get a volume per claim template: mounts may name them (the API
            // server leaves that to pod creation; checked here as the union it becomes).
            let mut with_claims = obj.clone();
            let claims: Vec<Value> = obj
                .pointer("/spec/volumeClaimTemplates")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| t.pointer("/metadata/name").cloned())
                .map(|n| json!({"name": n, "persistentVolumeClaim": {"claimName": n}}))
                .collect();
            if let Some(ps) = with_claims.pointer_mut("/spec/template/spec")
                && let Some(m) = ps.as_object_mut()
            {
                let vols = m.entry("volumes").or_insert(json!([]));
                if let Some(vs) = vols.as_array_mut() {
                    vs.extend(claims);
                }
            }
            check_selector_template(res, &with_claims, old, &mut out);
            // ValidateStatefulSetUpdate: only these spec fields may change.
            if let Some(old) = old {
                let strip = |v: &Value| {
                    let mut s = v["spec"].clone();
                    if let Some(m) = s.as_object_mut() {
                        for k in [
                            "replicas",
                            "ordinals",
                            "template",
                            "updateStrategy",
                            "persistentVolumeClaimRetentionPolicy",
                            "minReadySeconds",
                        ] {
                            m.remove(k);
                        }
                    }
                    s
                };
                if strip(obj) != strip(old) {
                    out.push(Cause::forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
                }
            }
        }
        "cronjobs" => {
            if obj
                .pointer("/spec/schedule")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                out.push(Cause::required("spec.schedule", ""));
            }
            match obj
                .pointer("/spec/jobTemplate/spec/template/spec/restartPolicy")
                .and_then(Value::as_str)
            {
                Some("OnFailure" | "Never") => {}
                other => out.push(Cause::invalid(
                    "spec.jobTemplate.spec.template.spec.restartPolicy",
                    format!("{:?}", other.unwrap_or("Always")),
                    "supported values: \"OnFailure\", \"Never\"",
                )),
            }
        }
        "services" => {
            let ty = obj
                .pointer("/spec/type")
                .and_then(Value::as_str)
                .unwrap_or("ClusterIP");
            let ports = obj.pointer("/spec/ports").and_then(Value::as_array);
            if ports.is_none_or(|p| p.is_empty())
                && ty != "ExternalName"
                && obj.pointer("/spec/clusterIP") != Some(&json!("None"))
            {
                out.push(Cause::required("spec.ports", ""));
            }
            for (i, p) in ports.into_iter().flatten().enumerate() {
                let port = p["port"].as_i64().unwrap_or(0);
                if !(1..=65535).contains(&port) {
                    out.push(Cause::invalid(
                        format!("spec.ports[{i}].port"),
                        port,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
                if ports.is_some_and(|p| p.len() > 1) && p["name"].as_str().unwrap_or("").is_empty()
                {
                    out.push(Cause::required(format!("spec.ports[{i}].name"), ""));
                }
            }
            if let (Some(old), Some(ip)) =
                (old, obj.pointer("/spec/clusterIP").and_then(Value::as_str))
                && let Some(old_ip) = old.pointer("/spec/clusterIP").and_then(Value::as_str)
                && !old_ip.is_empty()
                && ip != old_ip
            {
                out.push(Cause::invalid_str(
                    "spec.clusterIP",
                    ip,
                    "field is immutable",
                ));
            }
            if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&ty) {
                out.push(Cause::not_supported(
                    "spec.type",
                    ty,
                    &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
                ));
            }
        }
        "clusterroles" | "roles" => {
            // rbac validation.ValidatePolicyRule
            for (i, r) in obj["rules"].as_array().into_iter().flatten().enumerate() {
                let empty = |k: &str| r[k].as_array().is_none_or(|a| a.is_empty());
                if empty("verbs") {
                    out.push(Cause::required(
                        format!("rules[{i}].verbs"),
                        "verbs must contain at least one value",
                    ));
                }
                if !empty("nonResourceURLs") {
                    if res.plural == "roles" {
                        out.push(Cause::invalid(
                            format!("rules[{i}].nonResourceURLs"),
                            format!(
                                "[]string{{{}}}",
                                r["nonResourceURLs"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|u| format!("{:?}", u.as_str().unwrap_or("")))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            "namespaced rules cannot apply to non-resource URLs",
                        ));
                    }
                    if !empty("apiGroups") || !empty("resources") || !empty("resourceNames") {
                        out.push(Cause::invalid(
                            format!("rules[{i}].nonResourceURLs"),
                            format!(
                                "[]string{{{}}}",
                                r["nonResourceURLs"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|u| format!("{:?}", u.as_str().unwrap_or("")))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            "rules cannot apply to both regular resources and non-resource URLs",
                        ));
                    }
                    continue;
                }
                if empty("apiGroups") {
                    out.push(Cause::required(
                        format!("rules[{i}].apiGroups"),
                        "resource rules must supply at least one api group",
                    ));
                }
                if empty("resources") {
                    out.push(Cause::required(
                        format!("rules[{i}].resources"),
                        "resource rules must supply at least one resource",
                    ));
                }
            }
        }
        "clusterrolebindings" | "rolebindings" => {
            let rr = &obj["roleRef"];
            if let Some(g) = rr["apiGroup"].as_str()
                && g != "rbac.authorization.k8s.io"
            {
                out.push(Cause::not_supported(
                    "roleRef.apiGroup",
                    g,
                    &["rbac.authorization.k8s.io"],
                ));
            }
            if rr.is_null() {
                out.push(Cause::required("roleRef", ""));
            } else {
                let kind = rr["kind"].as_str().unwrap_or("");
                let allowed: &[&str] = if res.plural == "clusterrolebindings" {
                    &["ClusterRole"]
                } else {
                    &["ClusterRole", "Role"]
                };
                if !allowed.contains(&kind) {
                    out.push(Cause::not_supported("roleRef.kind", kind, allowed));
                }
                if rr["name"].as_str().unwrap_or("").is_empty() {
                    out.push(Cause::required("roleRef.name", ""));
                }
                if let Some(old) = old
                    && old["roleRef"] != *rr
                {
                    out.push(Cause::invalid(
                        "roleRef",
                        format!(
                            "rbac.RoleRef{{APIGroup:{:?}, Kind:{:?}, Name:{:?}}}",
                            rr["apiGroup"].as_str().unwrap_or(""),
                            kind,
                            rr["name"].as_str().unwrap_or("")
                        ),
                        "cannot change roleRef",
                    ));
                }
            }
            for (i, s) in obj["subjects"].as_array().into_iter().flatten().enumerate() {
                let kind = s["kind"].as_str().unwrap_or("");
                if !["ServiceAccount", "User", "Group"].contains(&kind) {
                    out.push(Cause::not_supported(
                        format!("subjects[{i}].kind"),
                        kind,
                        &["Group", "ServiceAccount", "User"],
                    ));
                }
                if kind == "ServiceAccount"
                    && s["namespace"].as_str().unwrap_or("").is_empty()
                    && res.plural == "clusterrolebindings"
                {
                    out.push(Cause::required(format!("subjects[{i}].namespace"), ""));
                }
            }
        }
        "configmaps" | "secrets" => {
            for key in ["data", "binaryData"] {
                for k in obj[key].as_object().into_iter().flatten().map(|(k, _)| k) {
                    if !CONFIG_KEY.is_match(k) {
                        out.push(Cause::invalid_str(
                            format!("{key}[{k}]"),
                            k,
                            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                        ));
                    }
                }
            }
            if res.plural == "secrets"
                && let Some(old) = old
                && old["type"] != obj["type"]
            {
                out.push(Cause::invalid_str(
                    "type",
                    obj["type"].as_str().unwrap_or(""),
                    "field is immutable",
                ));
            }
            if res.plural == "secrets"
                && let Some(data) = obj["data"].as_object()
            {
                for (k, v) in data {
                    if v.as_str().and_then(super::util::base64_decode).is_none() {
                        out.push(Cause::invalid_str(
                            format!("data[{k}]"),
                            "<secret contents redacted>",
                            "illegal base64 data",
                        ));
                    }
                }
            }
            if let (Some(old), Some(true)) = (old, obj["immutable"].as_bool())
                && old["immutable"].as_bool() == Some(true)
                && (old["data"] != obj["data"] || old["binaryData"] != obj["binaryData"])
            {
                out.push(Cause::forbidden(
                    "data",
                    "field is immutable when `immutable` is set",
                ));
            }
        }
        _ => {}
    }
    out
}

/// `joinQuote`: `"a", "b"`.
fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|n| format!("{:?}", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pluralize<'a>(one: &'a str, many: &'a str, n: usize) -> &'a str {
    if n == 1 { one } else { many }
}

/// Pod Security admission: the violations of `level` (`restricted` or `baseline`), worded
/// like the admission plugin and in its order: the baseline checks (those restricted does
/// not override) by check name, then the restricted ones. Empty when the pod is allowed.
pub fn pod_security_violations(pod: &Value, level: &str) -> Vec<String> {
    let spec = &pod["spec"];
    let restricted = level == "restricted";
    let containers: Vec<&Value> = ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| spec[*k].as_array().into_iter().flatten())
        .collect();
    let cname = |c: &Value| c["name"].as_str().unwrap_or("").to_string();
    let containers_word = |n: usize| pluralize("container", "containers", n);
    let psc = &spec["securityContext"];
    let added_caps = |c: &Value| -> Vec<String> {
        c.pointer("/securityContext/capabilities/add")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(String::from))
            .collect()
    };
    let mut v = Vec::new();

    // baseline: capabilities_baseline (overridden by capabilities_restricted)
    const BASELINE_CAPS: &[&str] = &[
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    ];
    if !restricted {
        let mut bad = Vec::new();
        let mut caps = std::collections::BTreeSet::new();
        for c in &containers {
            let extra: Vec<String> = added_caps(c)
                .into_iter()
                .filter(|x| !BASELINE_CAPS.contains(&x.as_str()))
                .collect();
            if !extra.is_empty() {
                bad.push(cname(c));
                caps.extend(extra);
            }
        }
        if !bad.is_empty() {
            let caps: Vec<String> = caps.into_iter().collect();
            v.push(format!(
                "non-default capabilities ({} {} must not include {} in securityContext.capabilities.add)",
                containers_word(bad.len()),
                join_quote(&bad),
                join_quote(&caps)
            ));
        }
    }
    // hostNamespaces
    let host: Vec<String> = ["hostNetwork", "hostPID", "hostIPC"]
        .iter()
        .filter(|k| spec[**k].as_bool() == Some(true))
        .map(|k| format!("{k}=true"))
        .collect();
    if !host.is_empty() {
        v.push(format!("host namespaces ({})", host.join(", ")));
    }
    // hostPathVolumes (overridden by restrictedVolumes)
    let host_path: Vec<String> = spec["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|vol| vol.get("hostPath").is_some())
        .map(|vol| vol["name"].as_str().unwrap_or("").to_string())
        .collect();
    if !restricted && !host_path.is_empty() {
        v.push(format!(
            "hostPath volumes ({} {})",
            pluralize("volume", "volumes", host_path.len()),
            join_quote(&host_path)
        ));
    }
    // hostPorts
    let mut host_port_containers = Vec::new();
    let mut host_ports = Vec::new();
    for c in &containers {
        let ports: Vec<String> = c["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["hostPort"].as_i64())
            .filter(|p| *p != 0)
            .map(|p| p.to_string())
            .collect();
        if !ports.is_empty() {
            host_port_containers.push(cname(c));
            host_ports.extend(ports);
        }
    }
    if !host_port_containers.is_empty() {
        v.push(format!(
            "hostPort ({} {} {} {} {})",
            containers_word(host_port_containers.len()),
            join_quote(&host_port_containers),
            pluralize("uses", "use", host_port_containers.len()),
            pluralize("hostPort", "hostPorts", host_ports.len()),
            host_ports.join(", ")
        ));
    }
    // privileged
    let privileged: Vec<String> = containers
        .iter()
        .filter(|c| {
            c.pointer("/securityContext/privileged")
                .and_then(Value::as_bool)
                == Some(true)
        })
        .map(|c| cname(c))
        .collect();
    if !privileged.is_empty() {
        v.push(format!(
            "privileged ({} {} must not set securityContext.privileged=true)",
            containers_word(privileged.len()),
            join_quote(&privileged)
        ));
    }
    if !restricted {
        return v;
    }

    // restricted: allowPrivilegeEscalation
    let ape: Vec<String> = containers
        .iter()
        .filter(|c| {
            c.pointer("/securityContext/allowPrivilegeEscalation")
                .and_then(Value::as_bool)
                != Some(false)
        })
        .map(|c| cname(c))
        .collect();
    if !ape.is_empty() {
        v.push(format!(
            "allowPrivilegeEscalation != false ({} {} must set securityContext.allowPrivilegeEscalation=false)",
            containers_word(ape.len()),
            join_quote(&ape)
        ));
    }
    // capabilities_restricted
    let mut caps = Vec::new();
    let no_drop: Vec<String> = containers
        .iter()
        .filter(|c| {
            !c.pointer("/securityContext/capabilities/drop")
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|x| x == "ALL"))
        })
        .map(|c| cname(c))
        .collect();
    if !no_drop.is_empty() {
        caps.push(format!(
            "{} {} must set securityContext.capabilities.drop=[\"ALL\"]",
            containers_word(no_drop.len()),
            join_quote(&no_drop)
        ));
    }
    let mut adding = Vec::new();
    let mut forbidden_caps = std::collections::BTreeSet::new();
    for c in &containers {
        let extra: Vec<String> = added_caps(c)
            .into_iter()
            .filter(|x| x != "NET_BIND_SERVICE")
            .collect();
        if !extra.is_empty() {
            adding.push(cname(c));
            forbidden_caps.extend(extra);
        }
    }
    if !adding.is_empty() {
        let list: Vec<String> = forbidden_caps.into_iter().collect();
        caps.push(format!(
            "{} {} must not include {} in securityContext.capabilities.add",
            containers_word(adding.len()),
            join_quote(&adding),
            join_quote(&list)
        ));
    }
    if !caps.is_empty() {
        v.push(format!("unrestricted capabilities ({})", caps.join("; ")));
    }
    // restrictedVolumes
    let allowed_volume = |vol: &Value| {
        [
            "configMap",
            "csi",
            "downwardAPI",
            "emptyDir",
            "ephemeral",
            "persistentVolumeClaim",
            "projected",
            "secret",
        ]
        .iter()
        .any(|k| vol.get(*k).is_some())
    };
    let mut bad_vols = Vec::new();
    let mut bad_types = std::collections::BTreeSet::new();
    for vol in spec["volumes"].as_array().into_iter().flatten() {
        if !allowed_volume(vol) {
            let ty = vol
                .as_object()
                .and_then(|m| m.keys().find(|k| *k != "name").cloned())
                .unwrap_or_else(|| "unknown".into());
            bad_vols.push(vol["name"].as_str().unwrap_or("").to_string());
            bad_types.insert(ty);
        }
    }
    if !bad_vols.is_empty() {
        let types: Vec<String> = bad_types.into_iter().collect();
        v.push(format!(
            "restricted volume types ({} {} {} {} {})",
            pluralize("volume", "volumes", bad_vols.len()),
            join_quote(&bad_vols),
            pluralize("uses", "use", bad_vols.len()),
            pluralize(
                "restricted volume type",
                "restricted volume types",
                types.len()
            ),
            join_quote(&types)
        ));
    }
    // runAsNonRoot
    let mut setters = Vec::new();
    let mut pod_non_root = false;
    match psc["runAsNonRoot"].as_bool() {
        Some(false) => setters.push("pod".to_string()),
        Some(true) => pod_non_root = true,
        None => {}
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in &containers {
        match c
            .pointer("/securityContext/runAsNonRoot")
            .and_then(Value::as_bool)
        {
            Some(false) => explicit.push(cname(c)),
            Some(true) => {}
            None if !pod_non_root => implicit.push(cname(c)),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(format!(
            "{} {}",
            containers_word(explicit.len()),
            join_quote(&explicit)
        ));
    }
    if !setters.is_empty() {
        v.push(format!(
            "runAsNonRoot != true ({} must not set securityContext.runAsNonRoot=false)",
            setters.join(" and ")
        ));
    } else if !implicit.is_empty() {
        v.push(format!(
            "runAsNonRoot != true (pod or {} {} must set securityContext.runAsNonRoot=true)",
            containers_word(implicit.len()),
            join_quote(&implicit)
        ));
    }
    // runAsUser
    let mut setters = Vec::new();
    if psc["runAsUser"].as_i64() == Some(0) {
        setters.push("pod".to_string());
    }
    let root_uid: Vec<String> = containers
        .iter()
        .filter(|c| {
            c.pointer("/securityContext/runAsUser")
                .and_then(Value::as_i64)
                == Some(0)
        })
        .map(|c| cname(c))
        .collect();
    if !root_uid.is_empty() {
        setters.push(format!(
            "{} {}",
            containers_word(root_uid.len()),
            join_quote(&root_uid)
        ));
    }
    if !setters.is_empty() {
        v.push(format!(
            "runAsUser=0 ({} must not set runAsUser=0)",
            setters.join(" and ")
        ));
    }
    // seccompProfile_restricted
    let ok_seccomp = |t: Option<&str>| matches!(t, Some("RuntimeDefault" | "Localhost"));
    let pod_seccomp = psc.pointer("/seccompProfile/type").and_then(Value::as_str);
    let mut bad_setters = Vec::new();
    if pod_seccomp.is_some() && !ok_seccomp(pod_seccomp) {
        bad_setters.push(format!(
            "pod must not set securityContext.seccompProfile.type to {:?}",
            pod_seccomp.unwrap_or("")
        ));
    }
    let mut explicit = Vec::new();
    let mut explicit_values = Vec::new();
    let mut implicit = Vec::new();
    for c in &containers {
        match c
            .pointer("/securityContext/seccompProfile/type")
            .and_then(Value::as_str)
        {
            Some(t) if !ok_seccomp(Some(t)) => {
                explicit.push(cname(c));
                explicit_values.push(t.to_string());
            }
            Some(_) => {}
            None if !ok_seccomp(pod_seccomp) && pod_seccomp.is_none() => implicit.push(cname(c)),
            None => {}
        }
    }
    if !explicit.is_empty() {
        bad_setters.push(format!(
            "{} {} must not set securityContext.seccompProfile.type to {}",
            containers_word(explicit.len()),
            join_quote(&explicit),
            join_quote(&explicit_values)
        ));
    }
    if !bad_setters.is_empty() {
        v.push(format!("seccompProfile ({})", bad_setters.join("; ")));
    } else if !implicit.is_empty() {
        v.push(format!(
            "seccompProfile (pod or {} {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            containers_word(implicit.len()),
            join_quote(&implicit)
        ));
    }
    v
}

/// The enforce level and version of a namespace (`restricted`, `latest`), if any.
pub fn enforce_level(ns: &Value) -> Option<(String, String)> {
    let labels = labels_of(ns);
    let level = labels
        .get("pod-security.kubernetes.io/enforce")
        .and_then(Value::as_str)
        .filter(|l| *l == "restricted" || *l == "baseline")?;
    let version = labels
        .get("pod-security.kubernetes.io/enforce-version")
        .and_then(Value::as_str)
        .unwrap_or("latest");
    Some((level.to_string(), version.to_string()))
}

/// `validation.IsValidPortName`.
fn iana_svc_name_error(n: &str) -> Option<&'static str> {
    if n.len() > 15 {
        Some("must be no more than 15 characters")
    } else if !n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    } else if n.contains("--") {
        Some("must not contain consecutive hyphens")
    } else if !n.chars().any(|c| c.is_ascii_lowercase()) {
        Some("must contain at least one letter (a-z)")
    } else if n.starts_with('-') || n.ends_with('-') {
        Some("must not begin or end with a hyphen")
    } else {
        None
    }
}

static QUANTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$").unwrap());

/// A resource quantity as a number (`500m` → 0.5, `128Mi` → 134217728).
pub fn parse_quantity(s: &str) -> Option<f64> {
    let caps = QUANTITY.captures(s.trim())?;
    let num: f64 = caps.get(1)?.as_str().parse().ok()?;
    let suffix = caps.get(2).map_or("", |m| m.as_str());
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(num * mult)
}

/// Quantities that do not parse make the whole body undecodable (400), like the real
/// server's decoder. Returns the offending value.
pub fn bad_quantity(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if (k == "limits" || k == "requests")
                    && let Some(q) = x.as_object()
                {
                    for val in q.values() {
                        let s = match val {
                            Value::String(s) => s.clone(),
                            Value::Number(n) => n.to_string(),
                            _ => String::new(),
                        };
                        if parse_quantity(&s).is_none() {
                            return Some(s);
                        }
                    }
                }
                if let Some(b) = bad_quantity(x) {
                    return Some(b);
                }
            }
            None
        }
        Value::Array(a) => a.iter().find_map(bad_quantity),
        _ => None,
    }
}

fn check_resources(r: &Value, field: &str, out: &mut Vec<Cause>) {
    let (Some(req), Some(lim)) = (
        r.get("requests").and_then(Value::as_object),
        r.get("limits").and_then(Value::as_object),
    ) else {
        return;
    };
    for (name, rv) in req {
        let Some(lv) = lim.get(name) else { continue };
        let (Some(rs), Some(ls)) = (rv.as_str(), lv.as_str()) else {
            continue;
        };
        if let (Some(a), Some(b)) = (parse_quantity(rs), parse_quantity(ls))
            && a > b
        {
            out.push(Cause::invalid_str(
                format!("{field}.requests"),
                rs,
                &format!("must be less than or equal to {name} limit of {ls}"),
            ));
        }
    }
}
