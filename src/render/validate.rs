//! The offline schema check every rendered object passes before it is printed or applied.
//!
//! [`super::render_bundle`] and [`super::render_workload`] run [`validate`] on their output, so
//! every input (compose file, Dockerfile, image, datum) goes through it and a new mapping
//! cannot bypass it. The rules are the API server's own (`k8s.io/apimachinery` validation and
//! `pkg/apis/core/validation`) for the fields b00t writes: object names per kind, label and
//! annotation keys and values, env names, ports and port names, volume names and modes,
//! resource quantities with request ≤ limit, replicas, user ids, and the size of one object.
//!
//! Input mistakes are caught earlier, with `file:line:col` (exit 2). A violation here means the
//! translation produced something wrong: it is reported as an internal error naming the object
//! and the field (exit 1).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use snafu::Snafu;

use super::Object;
use crate::error::{Classify, Exit};

/// The largest object b00t emits, in bytes of JSON. The API server accepts request bodies up
/// to 3 MiB, but every object is also one etcd value, and etcd's default `--max-request-bytes`
/// is 1.5 MiB: that is the limit a single object meets first.
pub const MAX_OBJECT_BYTES: usize = 1_572_864;
/// Annotations of one object, keys and values together (`TotalAnnotationSizeLimitB`).
pub const MAX_ANNOTATION_BYTES: usize = 256 * 1024;
/// The data of one ConfigMap or Secret (`MaxSecretSize`, and the ConfigMap limit).
pub const MAX_DATA_BYTES: usize = 1024 * 1024;
/// The largest user or group id the API server accepts (`validation.IsValidUserID`).
pub const MAX_ID: i64 = i32::MAX as i64;

/// An object b00t produced that the API server would reject: a bug in b00t.
#[derive(Debug, Snafu)]
#[snafu(display(
    "internal error: b00t produced an invalid {kind} {name:?}: {field}: {message}{more} (this is a bug in b00t; please report it)",
    more = if *others == 0 { String::new() } else { format!(" (and {others} more)") }
))]
pub struct InvalidObject {
    pub kind: String,
    pub name: String,
    /// The API server's field path (`spec.template.spec.containers[0].env[2].name`).
    pub field: String,
    pub message: String,
    /// Further violations not shown.
    pub others: usize,
}

impl Classify for InvalidObject {
    fn exit(&self) -> Exit {
        Exit::Failed
    }
}

/// One violation: the object, the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub kind: String,
    pub name: String,
    pub field: String,
    pub message: String,
}

/// Check every object; the first violation (and how many more there are) as the error.
pub fn validate(objects: &[Object]) -> Result<(), InvalidObject> {
    let all = violations(objects);
    match all.first() {
        None => Ok(()),
        Some(v) => Err(InvalidObject {
            kind: v.kind.clone(),
            name: v.name.clone(),
            field: v.field.clone(),
            message: v.message.clone(),
            others: all.len() - 1,
        }),
    }
}

/// Every violation of every object.
pub fn violations(objects: &[Object]) -> Vec<Violation> {
    let mut out = Vec::new();
    for o in objects {
        let v = serde_json::to_value(o).expect("objects serialise");
        let mut c = Check {
            out: Vec::new(),
            kind: o.kind(),
            claim_volumes: BTreeSet::new(),
        };
        c.object(&v);
        let size = encoded_size(o);
        if size > MAX_OBJECT_BYTES {
            c.push(
                "(the whole object)",
                format!(
                    "{size} bytes of JSON, over the {MAX_OBJECT_BYTES}-byte limit of one object (etcd's default --max-request-bytes)"
                ),
            );
        }
        out.extend(c.out.into_iter().map(|(field, message)| Violation {
            kind: o.kind().to_string(),
            name: o.name().to_string(),
            field,
            message,
        }));
    }
    out
}

/// The size of an object as the API server receives it (compact JSON).
pub fn encoded_size(o: &Object) -> usize {
    serde_json::to_vec(o).map(|v| v.len()).unwrap_or(0)
}

/// The macros robfig/cron accepts in place of the five fields.
const CRON_MACROS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// Check a CronJob schedule as the API server does: five fields (minute, hour, day of month,
/// month, day of week), each `*`, `?`, a value or range, optionally `/step`, in a comma list;
/// or a macro such as `@hourly`, or `@every <duration>`. A time zone belongs in `timeZone`,
/// never in the schedule.
pub fn check_schedule(schedule: &str) -> Result<(), String> {
    if schedule.contains("TZ") {
        return Err("a time zone (TZ=, CRON_TZ=) is not allowed in the schedule".into());
    }
    if schedule.starts_with('@') {
        if CRON_MACROS.contains(&schedule.to_ascii_lowercase().as_str()) {
            return Ok(());
        }
        // robfig/cron reads the interval with Go's time.ParseDuration (and rounds anything
        // under a second up to one).
        if let Some(d) = schedule.strip_prefix("@every ") {
            return crate::translate::dockerfile::parse_go_duration(d.trim())
                .map(drop)
                .map_err(|e| format!("@every {d}: {e}"));
        }
        return Err(format!(
            "unknown macro (one of {} or @every <duration>)",
            CRON_MACROS.join(", ")
        ));
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{} fields; a schedule has 5 (minute hour day-of-month month day-of-week) or is a macro such as @hourly",
            fields.len()
        ));
    }
    let specs: [(&str, u32, u32, &[&str], u32); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, &MONTHS, 1),
        ("day of week", 0, 6, &DAYS, 0),
    ];
    for (field, (what, lo, hi, names, first)) in fields.iter().zip(specs) {
        let value = |v: &str| -> Result<u32, String> {
            let n = match names.iter().position(|n| n.eq_ignore_ascii_case(v)) {
                Some(i) => i as u32 + first,
                None => v
                    .parse::<u32>()
                    .map_err(|_| format!("{what} {v:?} is not a number"))?,
            };
            if (lo..=hi).contains(&n) {
                Ok(n)
            } else {
                Err(format!("{what} {n} is out of range ({lo}-{hi})"))
            }
        };
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((r, st)) => (r, Some(st)),
                None => (part, None),
            };
            if let Some(st) = step {
                let n = st
                    .parse::<u32>()
                    .map_err(|_| format!("{what} step {st:?} is not a number"))?;
                if n == 0 {
                    return Err(format!("{what} step 0"));
                }
            }
            if range == "*" || range == "?" {
                continue;
            }
            match range.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (value(a)?, value(b)?);
                    if a > b {
                        return Err(format!("{what} range {a}-{b} runs backwards"));
                    }
                }
                None => {
                    value(range)?;
                }
            }
        }
    }
    Ok(())
}

/// `10.0.0.0/8` → address and prefix length, if valid.
fn parse_cidr(s: &str) -> Option<(std::net::IpAddr, u8)> {
    let (ip, bits) = s.split_once('/')?;
    let ip: std::net::IpAddr = ip.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

/// Is `inner` a (strict or equal) sub-range of `outer`?
fn cidr_within(inner: (std::net::IpAddr, u8), outer: (std::net::IpAddr, u8)) -> bool {
    let bits = |ip: std::net::IpAddr| -> u128 {
        match ip {
            std::net::IpAddr::V4(a) => u128::from(u32::from(a)) << 96,
            std::net::IpAddr::V6(a) => u128::from(a),
        }
    };
    if inner.0.is_ipv4() != outer.0.is_ipv4() || inner.1 < outer.1 {
        return false;
    }
    let width = u32::from(outer.1);
    if width == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - width);
    (bits(inner.0) & mask) == (bits(outer.0) & mask)
}

// ---------------------------------------------------------------- name rules

static DNS1123_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").expect("regex"));
static DNS1035_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]([-a-z0-9]*[a-z0-9])?$").expect("regex"));
static QUALIFIED_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$").expect("regex"));
static LABEL_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$").expect("regex"));
static CONFIG_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-._a-zA-Z0-9]+$").expect("regex"));
static ENV_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$").expect("regex"));
static SYSCTL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")
        .expect("regex")
});
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$")
        .expect("regex")
});

/// A DNS-1123 label (`my-name`, `123-abc`), at most 63 characters.
/// An image reference as Docker's reference grammar (distribution/reference) reads it:
/// `[host[:port]/]path[:tag][@digest]`, path components lowercase.
static IMAGE_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let domain_component = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let host = format!(r"(?:{domain_component}(?:\.{domain_component})*|\[[a-fA-F0-9:]+\])");
    let path_component = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    let tag = r"[\w][\w.-]{0,127}";
    let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    Regex::new(&format!(
        r"^(?:{host}(?::[0-9]+)?/)?{path_component}(?:/{path_component})*(?::{tag})?(?:@{digest})?$"
    ))
    .expect("regex")
});

/// Why `r` is not an image reference Docker or a kubelet would pull (`None` when it is).
pub fn image_reference_error(r: &str) -> Option<String> {
    let name = r.split(['@']).next().unwrap_or(r);
    let name = match name.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => n,
        _ => name,
    };
    if r.is_empty() {
        Some("is empty".into())
    } else if name.len() > 255 {
        Some(format!(
            "{r:?}: the repository name is longer than 255 characters"
        ))
    } else if !IMAGE_REFERENCE.is_match(r) {
        Some(format!(
            "{r:?} is not a valid image reference ([host[:port]/]path[:tag][@digest], path in lowercase)"
        ))
    } else {
        None
    }
}

pub fn is_dns1123_label(s: &str) -> bool {
    s.len() <= 63 && DNS1123_LABEL.is_match(s)
}

/// A DNS-1035 label (a DNS-1123 label that starts with a letter): Service names.
pub fn is_dns1035_label(s: &str) -> bool {
    s.len() <= 63 && DNS1035_LABEL.is_match(s)
}

/// A DNS-1123 subdomain (`example.com`), at most 253 characters: most object names.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && !s.is_empty() && s.split('.').all(|l| DNS1123_LABEL.is_match(l))
}

/// A label or annotation key: `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤ 63.
pub fn is_qualified_name(k: &str) -> bool {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    name.len() <= 63 && QUALIFIED_NAME.is_match(name) && prefix.is_none_or(is_dns1123_subdomain)
}

/// A label value: empty, or ≤ 63 alphanumerics, `-`, `_`, `.`, alphanumeric at both ends.
pub fn is_label_value(v: &str) -> bool {
    v.len() <= 63 && LABEL_VALUE.is_match(v)
}

/// An environment variable name as the API server checks it: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
pub fn is_env_name(s: &str) -> bool {
    ENV_NAME.is_match(s)
}

/// A sysctl name (`net.core.somaxconn`, `kernel/shm_rmid_forced`), at most 253 characters.
pub fn is_sysctl_name(n: &str) -> bool {
    n.len() <= 253 && SYSCTL.is_match(n)
}

/// Why `k` is not a valid environment variable name (see [`is_env_name`]), `None` when it is.
pub fn env_name_error(k: &str) -> Option<String> {
    (!is_env_name(k)).then(|| {
        format!(
            "invalid variable name {k:?} (letters, digits, '_', '-' and '.', not starting with a digit)"
        )
    })
}

/// A ConfigMap or Secret key.
pub fn is_config_key(s: &str) -> bool {
    s.len() <= 253 && CONFIG_KEY.is_match(s) && s != "." && s != ".."
}

/// Why `n` is not an IANA service name (a port name), `None` when it is one.
pub fn port_name_error(n: &str) -> Option<&'static str> {
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

/// A Kubernetes quantity as a number (`500m` → 0.5, `128Mi` → 134217728); `None` when the
/// API server's parser would reject it.
pub fn quantity(s: &str) -> Option<f64> {
    let caps = QUANTITY.captures(s)?;
    let num: f64 = caps.get(1)?.as_str().parse().ok()?;
    let mult = match caps.get(2).map_or("", |m| m.as_str()) {
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
        e => 10f64.powi(e[1..].parse().ok()?),
    };
    Some(num * mult)
}

/// A relative path without `..` elements (volume item paths, subPath).
fn is_safe_relative(p: &str) -> bool {
    !p.starts_with('/') && !p.split('/').any(|e| e == "..")
}

// ---------------------------------------------------------------- the checks

struct Check {
    out: Vec<(String, String)>,
    kind: &'static str,
    /// Volume names the pods get besides the template's own (a StatefulSet's claim
    /// templates).
    claim_volumes: BTreeSet<String>,
}

fn at(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

impl Check {
    fn push(&mut self, field: &str, message: impl Into<String>) {
        self.out.push((field.to_string(), message.into()));
    }

    fn object(&mut self, v: &Value) {
        let name = v.pointer("/metadata/name").and_then(Value::as_str);
        match name {
            None | Some("") => self.push("metadata.name", "required"),
            Some(n) => {
                let (ok, rule) = match self.kind {
                    "Service" => (is_dns1035_label(n), "a DNS-1035 label"),
                    "Namespace" => (is_dns1123_label(n), "a DNS-1123 label"),
                    "ClusterRole" | "ClusterRoleBinding" => (
                        n != "." && n != ".." && !n.contains(['/', '%']),
                        "a path segment name",
                    ),
                    _ => (is_dns1123_subdomain(n), "a DNS-1123 subdomain"),
                };
                if !ok {
                    self.push("metadata.name", format!("{n:?} is not {rule}"));
                }
            }
        }
        if let Some(ns) = v.pointer("/metadata/namespace").and_then(Value::as_str)
            && !is_dns1123_label(ns)
        {
            self.push(
                "metadata.namespace",
                format!("{ns:?} is not a DNS-1123 label"),
            );
        }
        self.meta(&v["metadata"], "metadata");
        match self.kind {
            "ConfigMap" | "Secret" => self.data(v),
            "PersistentVolumeClaim" => self.claim(&v["spec"]),
            "Service" => self.service(&v["spec"]),
            "Deployment" | "DaemonSet" => self.controller(v),
            "StatefulSet" => self.statefulset(v),
            "CronJob" => self.cronjob(v),
            "HorizontalPodAutoscaler" => self.autoscaler(&v["spec"]),
            "NetworkPolicy" => self.network_policy(&v["spec"]),
            "PodDisruptionBudget" => self.disruption_budget(&v["spec"]),
            "Pod" => self.pod_spec(&v["spec"], "spec"),
            _ => {}
        }
    }

    /// A StatefulSet's or CronJob's name: the names it derives add 11 characters.
    fn name_within_52(&mut self, v: &Value, why: &str) {
        let name = v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if name.len() > 52 {
            self.push("metadata.name", format!("{name:?} {why}"));
        }
    }

    /// `ValidateStatefulSetSpec`: a controller whose pods also get a volume per claim
    /// template; `serviceName` names the governing Service. The controller labels each pod
    /// `controller-revision-hash: <name>-<10-character hash>`, a label value of at most 63
    /// characters, so a longer name than 52 makes pods the API server rejects.
    fn statefulset(&mut self, v: &Value) {
        self.name_within_52(
            v,
            "is longer than 52 characters: the pods' controller-revision-hash label would exceed 63",
        );
        let spec = &v["spec"];
        match spec["serviceName"].as_str() {
            Some(n) if !is_dns1035_label(n) => self.push(
                "spec.serviceName",
                format!("{n:?} is not a Service name (a DNS-1035 label)"),
            ),
            _ => {}
        }
        let mut names = BTreeSet::new();
        for (i, t) in items(spec, "volumeClaimTemplates") {
            let f = format!("spec.volumeClaimTemplates[{i}]");
            let n = t
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !is_dns1123_label(n) {
                self.push(
                    &at(&f, "metadata.name"),
                    format!("{n:?} is not a DNS-1123 label"),
                );
            } else if !names.insert(n.to_string()) {
                self.push(
                    &at(&f, "metadata.name"),
                    format!("duplicate claim template {n:?}"),
                );
            }
            self.labels(&t["metadata"]["labels"], &at(&f, "metadata.labels"));
            let before = self.out.len();
            self.claim(&t["spec"]);
            for (field, _) in &mut self.out[before..] {
                *field = format!("{f}.{field}");
            }
        }
        for (i, v) in items(&spec["template"]["spec"], "volumes") {
            if let Some(n) = v["name"].as_str()
                && names.contains(n)
            {
                self.push(
                    &format!("spec.template.spec.volumes[{i}].name"),
                    format!("{n:?} is also a claim template"),
                );
            }
        }
        self.claim_volumes = names;
        self.controller(v);
        self.claim_volumes.clear();
    }

    /// `ValidateCronJobSpec`: a valid schedule without a time zone in it, a known concurrency
    /// policy, a Job template whose pods restart `OnFailure` or `Never`, and a name of at most
    /// 52 characters (the Jobs it makes append 11).
    fn cronjob(&mut self, v: &Value) {
        self.name_within_52(v, "must be no more than 52 characters");
        let spec = &v["spec"];
        match spec["schedule"].as_str() {
            None | Some("") => self.push("spec.schedule", "required"),
            Some(sch) => {
                if let Err(why) = check_schedule(sch) {
                    self.push("spec.schedule", format!("{sch:?}: {why}"));
                }
            }
        }
        if let Some(p) = spec["concurrencyPolicy"].as_str()
            && !["Allow", "Forbid", "Replace"].contains(&p)
        {
            self.push("spec.concurrencyPolicy", format!("unsupported value {p:?}"));
        }
        let job = &spec["jobTemplate"];
        self.meta(&job["metadata"], "spec.jobTemplate.metadata");
        let js = &job["spec"];
        if let Some(b) = js["backoffLimit"].as_i64()
            && b < 0
        {
            self.push(
                "spec.jobTemplate.spec.backoffLimit",
                format!("{b} must be greater than or equal to 0"),
            );
        }
        let f = "spec.jobTemplate.spec.template";
        self.meta(&js["template"]["metadata"], &at(f, "metadata"));
        let ps = &js["template"]["spec"];
        self.pod_spec(ps, &at(f, "spec"));
        match ps["restartPolicy"].as_str() {
            Some("OnFailure" | "Never") => {}
            other => self.push(
                &at(f, "spec.restartPolicy"),
                format!(
                    "{:?}: a Job's pods support only \"OnFailure\" and \"Never\"",
                    other.unwrap_or("Always")
                ),
            ),
        }
    }

    /// `IntOrString` of a PodDisruptionBudget: a count ≥ 0 or a percentage `0%`–`100%`.
    fn pod_count(&mut self, v: &Value, field: &str) {
        match v {
            Value::Number(n) if n.as_i64().is_some_and(|n| n >= 0) => {}
            Value::String(s)
                if s.strip_suffix('%')
                    .and_then(|p| p.parse::<u8>().ok())
                    .is_some_and(|p| p <= 100) => {}
            other => self.push(
                field,
                format!("{other} must be a non-negative integer or a percentage (0%-100%)"),
            ),
        }
    }

    fn disruption_budget(&mut self, spec: &Value) {
        let min = spec.get("minAvailable").filter(|v| !v.is_null());
        let max = spec.get("maxUnavailable").filter(|v| !v.is_null());
        match (min, max) {
            (Some(_), Some(_)) => {
                self.push("spec", "minAvailable and maxUnavailable cannot both be set")
            }
            (None, None) => self.push("spec", "one of minAvailable or maxUnavailable is required"),
            (Some(m), None) => self.pod_count(m, "spec.minAvailable"),
            (None, Some(m)) => self.pod_count(m, "spec.maxUnavailable"),
        }
        if spec.get("selector").is_none_or(Value::is_null) {
            self.push("spec.selector", "required (b00t never budgets every pod)");
        }
    }

    fn network_policy(&mut self, spec: &Value) {
        if spec.get("podSelector").is_none_or(Value::is_null) {
            self.push("spec.podSelector", "required");
        }
        for (i, t) in items(spec, "policyTypes") {
            let t = t.as_str().unwrap_or_default();
            if !["Ingress", "Egress"].contains(&t) {
                self.push(
                    &format!("spec.policyTypes[{i}]"),
                    format!("unsupported value {t:?}"),
                );
            }
        }
        for (dir, peers_key) in [("ingress", "from"), ("egress", "to")] {
            for (i, rule) in items(spec, dir) {
                let rf = format!("spec.{dir}[{i}]");
                for (j, p) in items(rule, "ports") {
                    let pf = format!("{rf}.ports[{j}]");
                    if let Some(proto) = p["protocol"].as_str() {
                        self.protocol(proto, &at(&pf, "protocol"));
                    }
                    if let Some(n) = p.get("port").filter(|v| !v.is_null()) {
                        match n {
                            Value::Number(n) => self.port_number(n.as_i64(), &at(&pf, "port")),
                            Value::String(name) => {
                                if let Some(e) = port_name_error(name) {
                                    self.push(&at(&pf, "port"), e);
                                }
                            }
                            _ => self.push(&at(&pf, "port"), "must be a number or a name"),
                        }
                    }
                }
                for (j, peer) in items(rule, peers_key) {
                    let pf = format!("{rf}.{peers_key}[{j}]");
                    let selectors = peer.get("podSelector").is_some_and(|v| !v.is_null())
                        || peer.get("namespaceSelector").is_some_and(|v| !v.is_null());
                    let block = peer.get("ipBlock").filter(|v| !v.is_null());
                    match (selectors, block) {
                        (true, Some(_)) => self.push(
                            &pf,
                            "ipBlock cannot be combined with podSelector or namespaceSelector",
                        ),
                        (false, None) => self.push(&pf, "must specify a peer"),
                        (_, Some(b)) => {
                            let cidr = b["cidr"].as_str().unwrap_or_default();
                            match parse_cidr(cidr) {
                                None => self.push(
                                    &at(&pf, "ipBlock.cidr"),
                                    format!("{cidr:?} is not a valid CIDR"),
                                ),
                                Some(outer) => {
                                    for (k, e) in items(b, "except") {
                                        let e = e.as_str().unwrap_or_default();
                                        let ok = parse_cidr(e)
                                            .is_some_and(|inner| cidr_within(inner, outer));
                                        if !ok {
                                            self.push(
                                                &format!("{pf}.ipBlock.except[{k}]"),
                                                format!("{e:?} must be a valid CIDR within {cidr}"),
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        (true, None) => {
                            for sel in ["podSelector", "namespaceSelector"] {
                                self.labels(
                                    &peer[sel]["matchLabels"],
                                    &format!("{pf}.{sel}.matchLabels"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// `ValidateHorizontalPodAutoscalerSpec` (autoscaling/v2): a target, 1 ≤ minReplicas ≤
    /// maxReplicas, and resource metrics with a positive utilization.
    fn autoscaler(&mut self, spec: &Value) {
        let r = &spec["scaleTargetRef"];
        for k in ["kind", "name"] {
            if r[k].as_str().is_none_or(str::is_empty) {
                self.push(&format!("spec.scaleTargetRef.{k}"), "required");
            }
        }
        let max = spec["maxReplicas"].as_i64().unwrap_or(0);
        if max < 1 {
            self.push(
                "spec.maxReplicas",
                format!("{max} must be greater than or equal to 1"),
            );
        }
        if let Some(min) = spec["minReplicas"].as_i64() {
            if min < 1 {
                self.push(
                    "spec.minReplicas",
                    format!("{min} must be greater than or equal to 1"),
                );
            } else if min > max {
                self.push(
                    "spec.maxReplicas",
                    format!("{max} must be greater than or equal to minReplicas ({min})"),
                );
            }
        }
        for (i, m) in items(spec, "metrics") {
            let f = format!("spec.metrics[{i}]");
            match m["type"].as_str() {
                Some("Resource") => {
                    let res = &m["resource"];
                    if res["name"].as_str().is_none_or(str::is_empty) {
                        self.push(&at(&f, "resource.name"), "required");
                    }
                    let t = &res["target"];
                    match t["type"].as_str() {
                        Some("Utilization") => match t["averageUtilization"].as_i64() {
                            Some(u) if u > 0 => {}
                            Some(u) => self.push(
                                &at(&f, "resource.target.averageUtilization"),
                                format!("{u} must be greater than 0"),
                            ),
                            None => self.push(
                                &at(&f, "resource.target.averageUtilization"),
                                "required for a Utilization target",
                            ),
                        },
                        Some("AverageValue" | "Value") => {}
                        other => self.push(
                            &at(&f, "resource.target.type"),
                            format!("unsupported value {other:?}"),
                        ),
                    }
                }
                Some("Pods" | "Object" | "External" | "ContainerResource") => {}
                other => self.push(&at(&f, "type"), format!("unsupported value {other:?}")),
            }
        }
    }

    fn meta(&mut self, m: &Value, field: &str) {
        self.labels(&m["labels"], &at(field, "labels"));
        if let Some(a) = m.get("annotations").and_then(Value::as_object) {
            let f = at(field, "annotations");
            let mut total = 0;
            for (k, v) in a {
                if !is_qualified_name(k) {
                    self.push(&f, format!("key {k:?} is not a qualified name"));
                }
                total += k.len() + v.as_str().map_or(0, str::len);
            }
            if total > MAX_ANNOTATION_BYTES {
                self.push(
                    &f,
                    format!("{total} bytes, over the limit of {MAX_ANNOTATION_BYTES}"),
                );
            }
        }
    }

    fn labels(&mut self, l: &Value, field: &str) {
        let Some(m) = l.as_object() else { return };
        for (k, v) in m {
            if !is_qualified_name(k) {
                self.push(field, format!("key {k:?} is not a qualified name"));
            }
            let v = v.as_str().unwrap_or_default();
            if !is_label_value(v) {
                self.push(field, format!("{k}: {v:?} is not a valid label value"));
            }
        }
    }

    fn data(&mut self, v: &Value) {
        let mut total = 0;
        for key in ["data", "binaryData", "stringData"] {
            if let Some(m) = v.get(key).and_then(Value::as_object) {
                for (k, x) in m {
                    if !is_config_key(k) {
                        self.push(
                            key,
                            format!("key {k:?} is not valid (alphanumerics, '-', '_', '.')"),
                        );
                    }
                    total += k.len() + x.as_str().map_or(0, str::len);
                }
            }
        }
        if total > MAX_DATA_BYTES {
            self.push(
                "data",
                format!("{total} bytes, over the limit of {MAX_DATA_BYTES}"),
            );
        }
    }

    fn claim(&mut self, spec: &Value) {
        const MODES: &[&str] = &[
            "ReadWriteOnce",
            "ReadOnlyMany",
            "ReadWriteMany",
            "ReadWriteOncePod",
        ];
        let modes: Vec<&str> = items(spec, "accessModes")
            .filter_map(|(_, m)| m.as_str())
            .collect();
        if modes.is_empty() {
            self.push("spec.accessModes", "at least 1 access mode is required");
        }
        for m in modes.iter().filter(|m| !MODES.contains(m)) {
            self.push("spec.accessModes", format!("unsupported value {m:?}"));
        }
        match spec
            .pointer("/resources/requests/storage")
            .and_then(Value::as_str)
        {
            None => self.push("spec.resources.requests.storage", "required"),
            Some(q) => match quantity(q) {
                Some(n) if n > 0.0 => {}
                Some(_) => self.push(
                    "spec.resources.requests.storage",
                    format!("{q:?} must be greater than zero"),
                ),
                None => self.push(
                    "spec.resources.requests.storage",
                    format!("{q:?} is not a quantity"),
                ),
            },
        }
    }

    fn service(&mut self, spec: &Value) {
        let ty = spec["type"].as_str().unwrap_or("ClusterIP");
        if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&ty) {
            self.push("spec.type", format!("unsupported value {ty:?}"));
        }
        let headless = spec["clusterIP"].as_str() == Some("None");
        if headless && ty != "ClusterIP" {
            self.push(
                "spec.clusterIP",
                format!("\"None\" is only valid with type ClusterIP, not {ty}"),
            );
        }
        let ports: Vec<(usize, &Value)> = items(spec, "ports").collect();
        if ports.is_empty() && !headless && ty != "ExternalName" {
            self.push("spec.ports", "required (only a headless Service has none)");
        }
        let mut names = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for (i, p) in &ports {
            let f = format!("spec.ports[{i}]");
            let port = p["port"].as_i64().unwrap_or(0);
            if !(1..=65535).contains(&port) {
                self.push(
                    &at(&f, "port"),
                    format!("{port} must be between 1 and 65535"),
                );
            }
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            self.protocol(proto, &at(&f, "protocol"));
            if !seen.insert((port, proto)) {
                self.push(&f, format!("duplicate port {port}/{proto}"));
            }
            match p["name"].as_str() {
                Some(n) if !is_dns1123_label(n) => {
                    self.push(&at(&f, "name"), format!("{n:?} is not a DNS-1123 label"))
                }
                Some(n) if !names.insert(n.to_string()) => {
                    self.push(&at(&f, "name"), format!("duplicate name {n:?}"))
                }
                None | Some("") if ports.len() > 1 => self.push(
                    &at(&f, "name"),
                    "required when a Service has more than one port",
                ),
                _ => {}
            }
            match &p["targetPort"] {
                Value::Number(n) => self.port_number(n.as_i64(), &at(&f, "targetPort")),
                Value::String(s) => {
                    if let Some(why) = port_name_error(s) {
                        self.push(&at(&f, "targetPort"), format!("{s:?}: {why}"));
                    }
                }
                _ => {}
            }
        }
        self.labels(&spec["selector"], "spec.selector");
    }

    fn controller(&mut self, v: &Value) {
        let spec = &v["spec"];
        if let Some(r) = spec["replicas"].as_i64()
            && r < 0
        {
            self.push(
                "spec.replicas",
                format!("{r} must be greater than or equal to 0"),
            );
        }
        let sel = spec
            .pointer("/selector/matchLabels")
            .and_then(Value::as_object);
        let tpl = spec
            .pointer("/template/metadata/labels")
            .and_then(Value::as_object);
        match sel {
            None => self.push("spec.selector", "empty selector is invalid"),
            Some(s) if s.is_empty() => self.push("spec.selector", "empty selector is invalid"),
            Some(s) => {
                self.labels(
                    &spec["selector"]["matchLabels"],
                    "spec.selector.matchLabels",
                );
                if !s.iter().all(|(k, x)| tpl.and_then(|t| t.get(k)) == Some(x)) {
                    self.push(
                        "spec.template.metadata.labels",
                        "`selector` does not match template `labels`",
                    );
                }
            }
        }
        self.meta(&spec["template"]["metadata"], "spec.template.metadata");
        let ps = &spec["template"]["spec"];
        self.pod_spec(ps, "spec.template.spec");
        if let Some(rp) = ps["restartPolicy"].as_str()
            && rp != "Always"
        {
            self.push(
                "spec.template.spec.restartPolicy",
                format!("{rp:?}: a {} only supports \"Always\"", self.kind),
            );
        }
    }

    fn protocol(&mut self, p: &str, field: &str) {
        if !["TCP", "UDP", "SCTP"].contains(&p) {
            self.push(field, format!("unsupported value {p:?}"));
        }
    }

    fn port_number(&mut self, n: Option<i64>, field: &str) {
        let n = n.unwrap_or(0);
        if !(1..=65535).contains(&n) {
            self.push(field, format!("{n} must be between 1 and 65535"));
        }
    }

    fn id(&mut self, v: &Value, field: &str) {
        if let Some(n) = v.as_i64()
            && !(0..=MAX_ID).contains(&n)
        {
            self.push(field, format!("{n} must be between 0 and {MAX_ID}"));
        }
    }

    fn mode(&mut self, v: &Value, field: &str) {
        if let Some(m) = v.as_i64()
            && !(0..=0o777).contains(&m)
        {
            self.push(
                field,
                format!("{m} (0{m:o}) must be a file mode between 0 and 0777"),
            );
        }
    }

    fn pod_spec(&mut self, spec: &Value, f: &str) {
        if items(spec, "containers").next().is_none() {
            self.push(&at(f, "containers"), "required");
        }
        let mut volumes = self.claim_volumes.clone();
        for (i, v) in items(spec, "volumes") {
            let vf = format!("{f}.volumes[{i}]");
            let n = v["name"].as_str().unwrap_or_default();
            if !is_dns1123_label(n) {
                self.push(&at(&vf, "name"), format!("{n:?} is not a DNS-1123 label"));
            } else if !volumes.insert(n.to_string()) {
                self.push(&at(&vf, "name"), format!("duplicate volume {n:?}"));
            }
            self.volume_source(v, &vf);
        }
        let mut names = BTreeSet::new();
        let mut port_names = BTreeSet::new();
        for key in ["initContainers", "containers"] {
            for (i, c) in items(spec, key) {
                let cf = format!("{f}.{key}[{i}]");
                let n = c["name"].as_str().unwrap_or_default();
                if !is_dns1123_label(n) {
                    self.push(&at(&cf, "name"), format!("{n:?} is not a DNS-1123 label"));
                } else if !names.insert(n.to_string()) {
                    self.push(&at(&cf, "name"), format!("duplicate container {n:?}"));
                }
                self.container(c, &cf, &volumes, &mut port_names);
            }
        }
        if let Some(rp) = spec["restartPolicy"].as_str()
            && !["Always", "OnFailure", "Never"].contains(&rp)
        {
            self.push(&at(f, "restartPolicy"), format!("unsupported value {rp:?}"));
        }
        if let Some(g) = spec["terminationGracePeriodSeconds"].as_i64()
            && g < 0
        {
            self.push(
                &at(f, "terminationGracePeriodSeconds"),
                format!("{g} must be greater than or equal to 0"),
            );
        }
        if let Some(h) = spec["hostname"].as_str()
            && !is_dns1123_label(h)
        {
            self.push(&at(f, "hostname"), format!("{h:?} is not a DNS-1123 label"));
        }
        for (i, a) in items(spec, "hostAliases") {
            let ip = a["ip"].as_str().unwrap_or_default();
            if ip.parse::<std::net::IpAddr>().is_err() {
                self.push(
                    &format!("{f}.hostAliases[{i}].ip"),
                    format!("{ip:?} is not an IP address"),
                );
            }
        }
        let dns = &spec["dnsConfig"];
        let servers: Vec<(usize, &Value)> = items(dns, "nameservers").collect();
        if servers.len() > 3 {
            self.push(
                &at(f, "dnsConfig.nameservers"),
                format!("{} nameservers, at most 3", servers.len()),
            );
        }
        for (i, s) in servers {
            let s = s.as_str().unwrap_or_default();
            if s.parse::<std::net::IpAddr>().is_err() {
                self.push(
                    &format!("{f}.dnsConfig.nameservers[{i}]"),
                    format!("{s:?} is not an IP address"),
                );
            }
        }
        if items(dns, "searches").count() > 32 {
            self.push(&at(f, "dnsConfig.searches"), "at most 32 search domains");
        }
        let sc = &spec["securityContext"];
        for k in ["runAsUser", "runAsGroup", "fsGroup"] {
            self.id(&sc[k], &format!("{f}.securityContext.{k}"));
        }
        for (i, s) in items(sc, "sysctls") {
            let n = s["name"].as_str().unwrap_or_default();
            if !is_sysctl_name(n) {
                self.push(
                    &format!("{f}.securityContext.sysctls[{i}].name"),
                    format!("{n:?} is not a sysctl name"),
                );
            }
        }
        self.labels(&spec["nodeSelector"], &at(f, "nodeSelector"));
    }

    fn volume_source(&mut self, v: &Value, vf: &str) {
        for (src, mode_key) in [("configMap", "defaultMode"), ("secret", "defaultMode")] {
            let s = &v[src];
            if s.is_null() {
                continue;
            }
            let sf = at(vf, src);
            self.mode(&s[mode_key], &at(&sf, mode_key));
            for (j, it) in items(s, "items") {
                let itf = format!("{sf}.items[{j}]");
                let k = it["key"].as_str().unwrap_or_default();
                if !is_config_key(k) {
                    self.push(&at(&itf, "key"), format!("{k:?} is not a valid key"));
                }
                let p = it["path"].as_str().unwrap_or_default();
                if p.is_empty() || !is_safe_relative(p) {
                    self.push(
                        &at(&itf, "path"),
                        format!("{p:?} must be a relative path without '..'"),
                    );
                }
                self.mode(&it["mode"], &at(&itf, "mode"));
            }
        }
        if let Some(n) = v.pointer("/secret/secretName").and_then(Value::as_str)
            && !is_dns1123_subdomain(n)
        {
            self.push(
                &at(vf, "secret.secretName"),
                format!("{n:?} is not a DNS-1123 subdomain"),
            );
        }
        if let Some(n) = v.pointer("/configMap/name").and_then(Value::as_str)
            && !is_dns1123_subdomain(n)
        {
            self.push(
                &at(vf, "configMap.name"),
                format!("{n:?} is not a DNS-1123 subdomain"),
            );
        }
        if let Some(n) = v
            .pointer("/persistentVolumeClaim/claimName")
            .and_then(Value::as_str)
            && !is_dns1123_subdomain(n)
        {
            self.push(
                &at(vf, "persistentVolumeClaim.claimName"),
                format!("{n:?} is not a DNS-1123 subdomain"),
            );
        }
        if let Some(q) = v.pointer("/emptyDir/sizeLimit").and_then(Value::as_str)
            && quantity(q).is_none_or(|n| n < 0.0)
        {
            self.push(
                &at(vf, "emptyDir.sizeLimit"),
                format!("{q:?} is not a quantity"),
            );
        }
        if v.pointer("/hostPath/path")
            .and_then(Value::as_str)
            .is_some_and(str::is_empty)
        {
            self.push(&at(vf, "hostPath.path"), "required");
        }
    }

    fn container(
        &mut self,
        c: &Value,
        cf: &str,
        volumes: &BTreeSet<String>,
        port_names: &mut BTreeSet<String>,
    ) {
        if c["image"].as_str().is_none_or(|i| i.trim().is_empty()) {
            self.push(&at(cf, "image"), "required");
        }
        for (j, e) in items(c, "env") {
            let ef = format!("{cf}.env[{j}]");
            let n = e["name"].as_str().unwrap_or_default();
            if let Some(why) = env_name_error(n) {
                self.push(&at(&ef, "name"), why);
            }
            if let Some(r) = e.pointer("/valueFrom/secretKeyRef") {
                let sn = r["name"].as_str().unwrap_or_default();
                if !is_dns1123_subdomain(sn) {
                    self.push(
                        &at(&ef, "valueFrom.secretKeyRef.name"),
                        format!("{sn:?} is not a DNS-1123 subdomain"),
                    );
                }
                let k = r["key"].as_str().unwrap_or_default();
                if !is_config_key(k) {
                    self.push(
                        &at(&ef, "valueFrom.secretKeyRef.key"),
                        format!("{k:?} is not a valid key"),
                    );
                }
            }
        }
        for (j, p) in items(c, "ports") {
            let pf = format!("{cf}.ports[{j}]");
            self.port_number(p["containerPort"].as_i64(), &at(&pf, "containerPort"));
            if let Some(h) = p["hostPort"].as_i64() {
                self.port_number(Some(h), &at(&pf, "hostPort"));
            }
            self.protocol(
                p["protocol"].as_str().unwrap_or("TCP"),
                &at(&pf, "protocol"),
            );
            if let Some(n) = p["name"].as_str() {
                if let Some(why) = port_name_error(n) {
                    self.push(&at(&pf, "name"), format!("{n:?}: {why}"));
                } else if !port_names.insert(n.to_string()) {
                    self.push(&at(&pf, "name"), format!("duplicate port name {n:?}"));
                }
            }
        }
        let mut paths = BTreeSet::new();
        for (j, m) in items(c, "volumeMounts") {
            let mf = format!("{cf}.volumeMounts[{j}]");
            let n = m["name"].as_str().unwrap_or_default();
            if !volumes.contains(n) {
                self.push(&at(&mf, "name"), format!("no volume {n:?} in the pod"));
            }
            let p = m["mountPath"].as_str().unwrap_or_default();
            if p.is_empty() {
                self.push(&at(&mf, "mountPath"), "required");
            } else if !paths.insert(p.to_string()) {
                self.push(&at(&mf, "mountPath"), format!("{p:?} is mounted twice"));
            }
            if let Some(s) = m["subPath"].as_str()
                && !is_safe_relative(s)
            {
                self.push(
                    &at(&mf, "subPath"),
                    format!("{s:?} must be a relative path without '..'"),
                );
            }
        }
        self.resources(&c["resources"], &at(cf, "resources"));
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let p = &c[probe];
            if p.is_null() {
                continue;
            }
            let pf = at(cf, probe);
            let handlers = ["exec", "httpGet", "tcpSocket", "grpc"]
                .iter()
                .filter(|h| !p[**h].is_null())
                .count();
            if handlers != 1 {
                self.push(&pf, format!("{handlers} handlers; exactly 1 is required"));
            }
            if p["exec"].is_object() && items(&p["exec"], "command").next().is_none() {
                self.push(&at(&pf, "exec.command"), "required");
            }
            for h in ["httpGet", "tcpSocket"] {
                if let Some(n) = p[h]["port"].as_i64() {
                    self.port_number(Some(n), &format!("{pf}.{h}.port"));
                }
            }
            for k in [
                "initialDelaySeconds",
                "timeoutSeconds",
                "periodSeconds",
                "successThreshold",
                "failureThreshold",
            ] {
                if p[k].as_i64().is_some_and(|n| n < 0) {
                    self.push(&at(&pf, k), "must be greater than or equal to 0");
                }
            }
            if probe != "readinessProbe" && p["successThreshold"].as_i64().is_some_and(|n| n != 1) {
                self.push(&at(&pf, "successThreshold"), "must be 1");
            }
        }
        let sc = &c["securityContext"];
        for k in ["runAsUser", "runAsGroup"] {
            self.id(&sc[k], &format!("{cf}.securityContext.{k}"));
        }
    }

    fn resources(&mut self, r: &Value, f: &str) {
        let mut parsed: BTreeMap<(&str, String), (String, f64)> = BTreeMap::new();
        for part in ["requests", "limits"] {
            let Some(m) = r.get(part).and_then(Value::as_object) else {
                continue;
            };
            for (k, v) in m {
                let q = v.as_str().unwrap_or_default();
                match quantity(q) {
                    None => self.push(
                        &format!("{f}.{part}.{k}"),
                        format!("{q:?} is not a quantity"),
                    ),
                    Some(n) if n < 0.0 => self.push(
                        &format!("{f}.{part}.{k}"),
                        format!("{q:?} must be greater than or equal to 0"),
                    ),
                    Some(n) => {
                        parsed.insert((part, k.clone()), (q.to_string(), n));
                    }
                }
            }
        }
        for ((part, k), (q, n)) in &parsed {
            if *part != "requests" {
                continue;
            }
            if let Some((lq, l)) = parsed.get(&("limits", k.clone()))
                && n > l
            {
                self.push(
                    &format!("{f}.requests.{k}"),
                    format!("{q:?} must be less than or equal to the {k} limit of {lq:?}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
