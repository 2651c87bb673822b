//! kompose labels (`kompose.*` on services, `kompose.volume.*` on volumes): the ones with a
//! Kubernetes meaning are read into the workload, as kompose documents them (user guide,
//! "Labels"); the others are named in a warning. None is copied into an annotation.
//!
//! A value Kubernetes cannot take is an error at the label's `file:line:col`.

use super::MapError;
use super::compose::{Keys, Pos, Service, VolumeDef};
use crate::render::validate;
use std::time::Duration;

use super::common;
use super::compose::parse_duration;
use crate::workload::{Autoscale, CronSchedule, ProbeAction, ServiceType, Warning};

/// Prefix of every kompose label.
pub const PREFIX: &str = "kompose.";

pub const SERVICE_TYPE: &str = "kompose.service.type";
pub const NODEPORT_PORT: &str = "kompose.service.nodeport.port";
pub const IMAGE_PULL_POLICY: &str = "kompose.image-pull-policy";
pub const IMAGE_PULL_SECRET: &str = "kompose.image-pull-secret";
pub const FSGROUP: &str = "kompose.security-context.fsgroup";
pub const CONTROLLER_TYPE: &str = "kompose.controller.type";
pub const EXPOSE: &str = "kompose.service.expose";
pub const EXPOSE_TLS_SECRET: &str = "kompose.service.expose.tls-secret";
pub const EXPOSE_INGRESS_CLASS: &str = "kompose.service.expose.ingress-class-name";
pub const INIT_NAME: &str = "kompose.init.containers.name";
pub const INIT_IMAGE: &str = "kompose.init.containers.image";
pub const INIT_COMMAND: &str = "kompose.init.containers.command";
pub const VOLUME_SIZE: &str = "kompose.volume.size";
pub const VOLUME_STORAGE_CLASS: &str = "kompose.volume.storage-class-name";
pub const CRON_SCHEDULE: &str = "kompose.cronjob.schedule";
pub const CRON_CONCURRENCY: &str = "kompose.cronjob.concurrency_policy";
pub const CRON_BACKOFF: &str = "kompose.cronjob.backoff_limit";
pub const HPA_MIN: &str = "kompose.hpa.replicas.min";
pub const HPA_MAX: &str = "kompose.hpa.replicas.max";
pub const HPA_CPU: &str = "kompose.hpa.cpu";
pub const HPA_MEMORY: &str = "kompose.hpa.memory";

/// kompose's HPA defaults (pkg/transformer/kubernetes: min 1, max 3, CPU 50 %, memory 70 %),
/// used for the labels not given once any `kompose.hpa.*` label is.
pub const HPA_DEFAULTS: Autoscale = Autoscale {
    min: 1,
    max: 3,
    cpu_percent: Some(50),
    memory_percent: Some(70),
};

/// Service labels this mapping honours.
const SERVICE_LABELS: &[&str] = &[
    SERVICE_TYPE,
    NODEPORT_PORT,
    IMAGE_PULL_POLICY,
    IMAGE_PULL_SECRET,
    FSGROUP,
    CONTROLLER_TYPE,
    EXPOSE,
    EXPOSE_TLS_SECRET,
    EXPOSE_INGRESS_CLASS,
    INIT_NAME,
    INIT_IMAGE,
    INIT_COMMAND,
    VOLUME_SIZE,
    VOLUME_STORAGE_CLASS,
    CRON_SCHEDULE,
    CRON_CONCURRENCY,
    CRON_BACKOFF,
    HPA_MIN,
    HPA_MAX,
    HPA_CPU,
    HPA_MEMORY,
];

/// Prefix of the probe labels: `<prefix>.<readiness|liveness>.<field>`.
pub const HEALTHCHECK: &str = "kompose.service.healthcheck";
/// Fields of a probe label.
const PROBE_FIELDS: &[&str] = &[
    "test",
    "http_get_path",
    "http_get_port",
    "tcp_port",
    "interval",
    "timeout",
    "retries",
    "start_period",
];

/// Whether `k` is a probe label this mapping reads.
fn is_probe_label(k: &str) -> bool {
    k.strip_prefix(HEALTHCHECK)
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.split_once('.'))
        .is_some_and(|(kind, f)| {
            matches!(kind, "readiness" | "liveness") && PROBE_FIELDS.contains(&f)
        })
}

/// Volume labels this mapping honours.
const VOLUME_LABELS: &[&str] = &[VOLUME_SIZE, VOLUME_STORAGE_CLASS];

/// Whether `k` is a kompose label (never copied into an annotation).
pub fn is_kompose(k: &str) -> bool {
    k.starts_with(PREFIX)
}

/// `kompose.controller.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControllerType {
    Deployment,
    DaemonSet,
    StatefulSet,
}

/// What a service's kompose labels ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceLabels {
    pub service_type: Option<ServiceType>,
    pub node_port: Option<(u16, Pos)>,
    pub image_pull_policy: Option<&'static str>,
    pub image_pull_secret: Option<String>,
    pub fs_group: Option<i64>,
    pub controller: Option<(ControllerType, Pos)>,
    pub volume: VolumeLabels,
    pub readiness: Option<ProbeLabels>,
    pub liveness: Option<ProbeLabels>,
    /// `kompose.service.expose` (+ TLS secret, class), with the label's position.
    pub expose: Option<(Expose, Pos)>,
    /// `kompose.init.containers.*`: name, image, command.
    pub init: Option<(String, String, Option<Vec<String>>)>,
    /// `kompose.cronjob.*`.
    pub cron: Option<CronSchedule>,
    /// `kompose.hpa.*` (kompose's defaults for the ones not given), with the position and name
    /// of the first HPA label.
    pub autoscale: Option<(Autoscale, Pos, &'static str)>,
}

/// An Ingress asked for by `kompose.service.expose`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expose {
    /// `(host, path)`; `true` gives one rule without a host.
    pub rules: Vec<(Option<String>, String)>,
    pub tls_secret: Option<String>,
    pub class_name: Option<String>,
}

/// `kompose.service.healthcheck.<kind>.*`: one action and optional timings (unset ones come
/// from the service's `healthcheck`, then Docker's defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeLabels {
    pub action: ProbeAction,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub retries: Option<u64>,
    pub start_period: Option<Duration>,
}

/// `kompose.volume.size` and `kompose.volume.storage-class-name`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VolumeLabels {
    pub size: Option<String>,
    pub storage_class: Option<String>,
}

/// Where label `k` is, for errors.
fn pos_of(keys: &Keys, k: &str, fallback: &Pos) -> String {
    keys.get(k).unwrap_or(fallback).to_string()
}

fn bad(pos: String, key: String, message: String) -> MapError {
    MapError::Refused { pos, key, message }
}

/// An error about label `k` of service `s`, at the label.
fn label_err(s: &Service, k: &str, message: String) -> MapError {
    bad(
        pos_of(&s.label_keys, k, &s.pos),
        format!("services.{}.labels.{k}", s.name),
        message,
    )
}

/// The value of label `k` of service `s`, trimmed.
fn label<'a>(s: &'a Service, k: &str) -> Option<&'a str> {
    s.labels.get(k).map(|v| v.trim())
}

/// Where label `k` of service `s` is.
fn label_pos(s: &Service, k: &str) -> Pos {
    s.label_keys.get(k).unwrap_or(&s.pos).clone()
}

/// Label `k` of `s` as one of `choices` (matched case-insensitively); `what` names the set.
fn one_of<T: Copy>(
    s: &Service,
    k: &str,
    choices: &[(&str, T)],
    what: &str,
) -> Result<Option<T>, MapError> {
    let Some(v) = label(s, k) else {
        return Ok(None);
    };
    choices
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(v))
        .map(|(_, t)| Some(*t))
        .ok_or_else(|| label_err(s, k, format!("{v:?} is not {what}")))
}

/// Read the volume labels of `labels` (positions in `keys`); `key` is the dotted `labels` key.
fn volume_labels(
    labels: &std::collections::BTreeMap<String, String>,
    keys: &Keys,
    fallback: &Pos,
    key: &str,
) -> Result<VolumeLabels, MapError> {
    let mut out = VolumeLabels::default();
    if let Some(v) = labels.get(VOLUME_SIZE) {
        let v = v.trim();
        if validate::quantity(v).is_none_or(|q| q <= 0.0) {
            return Err(bad(
                pos_of(keys, VOLUME_SIZE, fallback),
                format!("{key}.{VOLUME_SIZE}"),
                format!("{v:?} is not a storage size (a positive quantity such as 500Mi or 10Gi)"),
            ));
        }
        out.size = Some(v.to_string());
    }
    if let Some(v) = labels.get(VOLUME_STORAGE_CLASS) {
        let v = v.trim();
        if !validate::is_dns1123_subdomain(v) {
            return Err(bad(
                pos_of(keys, VOLUME_STORAGE_CLASS, fallback),
                format!("{key}.{VOLUME_STORAGE_CLASS}"),
                format!("{v:?} is not a StorageClass name (a DNS-1123 subdomain)"),
            ));
        }
        out.storage_class = Some(v.to_string());
    }
    Ok(out)
}

/// The kompose labels of top-level volume `name`, warning about the ones not honoured.
pub fn volume(
    name: &str,
    d: &VolumeDef,
    warnings: &mut Vec<Warning>,
) -> Result<VolumeLabels, MapError> {
    for k in d.labels.keys().filter(|k| is_kompose(k)) {
        if !VOLUME_LABELS.contains(&k.as_str()) {
            warnings.push(Warning {
                subject: format!("volumes.{name}"),
                message: format!("labels.{k}: kompose label not honoured by b00t; left out"),
            });
        }
    }
    volume_labels(
        &d.labels,
        &d.label_keys,
        &d.pos,
        &format!("volumes.{name}.labels"),
    )
}

/// The kompose labels of service `s`, warning (subject: the service) about the ones not
/// honoured.
pub fn service(s: &Service, warnings: &mut Vec<Warning>) -> Result<ServiceLabels, MapError> {
    for k in s.labels.keys().filter(|k| is_kompose(k)) {
        if !SERVICE_LABELS.contains(&k.as_str()) && !is_probe_label(k) {
            warnings.push(Warning {
                subject: s.name.clone(),
                message: format!("labels.{k}: kompose label not honoured by b00t; left out"),
            });
        }
    }
    let mut out = ServiceLabels {
        volume: volume_labels(
            &s.labels,
            &s.label_keys,
            &s.pos,
            &format!("services.{}.labels", s.name),
        )?,
        ..Default::default()
    };
    let get = |k: &str| label(s, k);
    out.service_type = one_of(
        s,
        SERVICE_TYPE,
        &[
            ("clusterip", ServiceType::ClusterIp),
            ("nodeport", ServiceType::NodePort),
            ("loadbalancer", ServiceType::LoadBalancer),
            ("headless", ServiceType::Headless),
        ],
        "a Service type (clusterip, nodeport, loadbalancer or headless)",
    )?;
    if let Some(v) = get(NODEPORT_PORT) {
        let n = v.parse::<u16>().ok().filter(|n| *n > 0).ok_or_else(|| {
            label_err(
                s,
                NODEPORT_PORT,
                format!("{v:?} is not a port number (1 to 65535)"),
            )
        })?;
        if out.service_type != Some(ServiceType::NodePort) {
            return Err(label_err(
                s,
                NODEPORT_PORT,
                format!("needs {SERVICE_TYPE}: nodeport"),
            ));
        }
        out.node_port = Some((n, label_pos(s, NODEPORT_PORT)));
    }
    out.image_pull_policy = one_of(
        s,
        IMAGE_PULL_POLICY,
        &[
            ("Always", "Always"),
            ("Never", "Never"),
            ("IfNotPresent", "IfNotPresent"),
        ],
        "an image pull policy (Always, Never or IfNotPresent)",
    )?;
    if let Some(v) = get(IMAGE_PULL_SECRET) {
        if !validate::is_dns1123_subdomain(v) {
            return Err(label_err(
                s,
                IMAGE_PULL_SECRET,
                format!("{v:?} is not a Secret name (a DNS-1123 subdomain)"),
            ));
        }
        out.image_pull_secret = Some(v.to_string());
    }
    if let Some(v) = get(FSGROUP) {
        let n = v
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=validate::MAX_ID).contains(n))
            .ok_or_else(|| {
                label_err(
                    s,
                    FSGROUP,
                    format!("{v:?} is not a group id (0 to {})", validate::MAX_ID),
                )
            })?;
        out.fs_group = Some(n);
    }
    out.expose = expose(s)?;
    out.init = init(s)?;
    out.readiness = probe(s, "readiness")?;
    out.liveness = probe(s, "liveness")?;
    out.controller = one_of(
        s,
        CONTROLLER_TYPE,
        &[
            ("deployment", ControllerType::Deployment),
            ("daemonset", ControllerType::DaemonSet),
            ("statefulset", ControllerType::StatefulSet),
        ],
        "a controller type b00t makes (deployment, daemonset or statefulset)",
    )?
    .map(|c| (c, label_pos(s, CONTROLLER_TYPE)));
    out.cron = cron(s)?;
    out.autoscale = autoscale(s, warnings)?;
    Ok(out)
}

/// `kompose.cronjob.*`: the schedule (required by the other two), the concurrency policy and
/// the backoff limit. kompose checks only that the schedule is not empty; the API server
/// parses it (robfig/cron's standard parser), so it is checked here as it would be there.
fn cron(s: &Service) -> Result<Option<CronSchedule>, MapError> {
    let err = |k: &str, message: String| label_err(s, k, message);
    let Some(schedule) = label(s, CRON_SCHEDULE) else {
        if let Some(k) = [CRON_CONCURRENCY, CRON_BACKOFF]
            .into_iter()
            .find(|k| label(s, k).is_some())
        {
            return Err(err(k, format!("needs {CRON_SCHEDULE}")));
        }
        return Ok(None);
    };
    validate::check_schedule(schedule).map_err(|why| {
        err(
            CRON_SCHEDULE,
            format!("{schedule:?} is not a cron schedule: {why}"),
        )
    })?;
    let concurrency_policy = one_of(
        s,
        CRON_CONCURRENCY,
        &[
            ("Allow", "Allow"),
            ("Forbid", "Forbid"),
            ("Replace", "Replace"),
        ],
        "a concurrency policy (Allow, Forbid or Replace)",
    )?
    .map(String::from);
    let backoff_limit = label(s, CRON_BACKOFF)
        .map(|v| {
            v.parse::<i32>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                err(
                    CRON_BACKOFF,
                    format!("{v:?} is not a retry count (0 to {})", i32::MAX),
                )
            })
        })
        .transpose()?;
    Ok(Some(CronSchedule {
        schedule: schedule.to_string(),
        concurrency_policy,
        backoff_limit,
    }))
}

/// A percentage label of the HPA: `80` or `80%`, 1 to 100.
fn percent(s: &Service, k: &str) -> Result<Option<u8>, MapError> {
    label(s, k)
        .map(|v| {
            v.strip_suffix('%')
                .unwrap_or(v)
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| {
                    label_err(
                        s,
                        k,
                        format!("{v:?} is not a utilization percentage (1 to 100)"),
                    )
                })
        })
        .transpose()
}

/// `kompose.hpa.*`: any of them asks for an autoscaler, the others take kompose's defaults
/// ([`HPA_DEFAULTS`]). Where kompose falls back to a default for a bad value (not a number,
/// negative, a percentage outside 1–100, max below min), this is an error; an unset max below
/// a given min is raised to the min with a warning, as kompose does.
fn autoscale(
    s: &Service,
    warnings: &mut Vec<Warning>,
) -> Result<Option<(Autoscale, Pos, &'static str)>, MapError> {
    let keys = [HPA_MIN, HPA_MAX, HPA_CPU, HPA_MEMORY];
    let Some(first) = keys
        .iter()
        .filter_map(|k| s.label_keys.get(*k).map(|p| (p, *k)))
        .min_by_key(|(p, _)| (p.line, p.col))
        .map(|(_, k)| k)
        .or_else(|| keys.into_iter().find(|k| s.labels.contains_key(*k)))
    else {
        return Ok(None);
    };
    let count = |k: &str| -> Result<Option<i32>, MapError> {
        label(s, k)
            .map(|v| {
                v.parse::<i32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    label_err(
                        s,
                        k,
                        format!("{v:?} is not a replica count (1 to {})", i32::MAX),
                    )
                })
            })
            .transpose()
    };
    let min = count(HPA_MIN)?.unwrap_or(HPA_DEFAULTS.min);
    let max = match count(HPA_MAX)? {
        Some(max) if max < min => {
            return Err(label_err(
                s,
                HPA_MAX,
                format!("{max} is below {HPA_MIN} ({min})"),
            ));
        }
        Some(max) => max,
        None if min > HPA_DEFAULTS.max => {
            warnings.push(Warning {
                subject: s.name.clone(),
                message: format!(
                    "labels.{HPA_MAX}: not set; kompose's default {} is below the minimum, so the maximum is {min}",
                    HPA_DEFAULTS.max
                ),
            });
            min
        }
        None => HPA_DEFAULTS.max,
    };
    let a = Autoscale {
        min,
        max,
        cpu_percent: percent(s, HPA_CPU)?.or(HPA_DEFAULTS.cpu_percent),
        memory_percent: percent(s, HPA_MEMORY)?.or(HPA_DEFAULTS.memory_percent),
    };
    Ok(Some((a, label_pos(s, first), first)))
}

/// The probe labels of one kind (`readiness`, `liveness`) of service `s`.
fn probe(s: &Service, kind: &str) -> Result<Option<ProbeLabels>, MapError> {
    let name = |f: &str| format!("{HEALTHCHECK}.{kind}.{f}");
    let any = PROBE_FIELDS.iter().any(|f| s.labels.contains_key(&name(f)));
    if !any {
        return Ok(None);
    }
    let err = |f: &str, message: String| label_err(s, &name(f), message);
    let get = |f: &str| label(s, &name(f));
    let port = |f: &str| -> Result<Option<u16>, MapError> {
        get(f)
            .map(|v| {
                v.parse::<u16>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| err(f, format!("{v:?} is not a port number (1 to 65535)")))
            })
            .transpose()
    };
    let duration = |f: &str| -> Result<Option<Duration>, MapError> {
        get(f)
            .map(|v| parse_duration(v).map_err(|e| err(f, format!("{v:?}: {e}"))))
            .transpose()
    };
    let mut actions = Vec::new();
    if let Some(t) = get("test") {
        let argv = if t.starts_with('[') {
            match json_argv(t).as_deref() {
                Some([first, rest @ ..]) if first == "CMD" => rest.to_vec(),
                Some([first, rest]) if first == "CMD-SHELL" => {
                    vec!["/bin/sh".into(), "-c".into(), rest.clone()]
                }
                _ => {
                    return Err(err(
                        "test",
                        format!("{t:?} is not [\"CMD\", …] or [\"CMD-SHELL\", \"…\"]"),
                    ));
                }
            }
        } else if let Some(rest) = t.strip_prefix("CMD-SHELL ") {
            vec!["/bin/sh".into(), "-c".into(), rest.trim().to_string()]
        } else if let Some(rest) = t.strip_prefix("CMD ") {
            common::split_words(rest).map_err(|e| err("test", format!("{t:?}: {e}")))?
        } else {
            vec!["/bin/sh".into(), "-c".into(), t.to_string()]
        };
        if argv.is_empty() || t.is_empty() {
            return Err(err("test", "an empty command".into()));
        }
        actions.push(("test", ProbeAction::Exec(argv)));
    }
    let http_port = port("http_get_port")?;
    match (get("http_get_path"), http_port) {
        (Some(path), Some(port)) => {
            if !path.starts_with('/') {
                return Err(err(
                    "http_get_path",
                    format!("{path:?} is not an absolute path"),
                ));
            }
            actions.push((
                "http_get_path",
                ProbeAction::Http {
                    path: path.to_string(),
                    port,
                },
            ));
        }
        (Some(_), None) => {
            return Err(err(
                "http_get_path",
                format!("needs {}", name("http_get_port")),
            ));
        }
        (None, Some(port)) => actions.push((
            "http_get_port",
            ProbeAction::Http {
                path: "/".into(),
                port,
            },
        )),
        (None, None) => {}
    }
    if let Some(port) = port("tcp_port")? {
        actions.push(("tcp_port", ProbeAction::Tcp { port }));
    }
    let action = match actions.len() {
        1 => actions.remove(0).1,
        0 => {
            let f = PROBE_FIELDS
                .iter()
                .find(|f| s.labels.contains_key(&name(f)))
                .copied()
                .unwrap_or("test");
            return Err(err(
                f,
                format!("the {kind} probe needs test, http_get_path/http_get_port or tcp_port"),
            ));
        }
        _ => {
            return Err(err(
                actions[1].0,
                format!(
                    "the {kind} probe takes one of test, http_get_path/http_get_port and tcp_port, not {} and {}",
                    actions[0].0, actions[1].0
                ),
            ));
        }
    };
    let retries = get("retries")
        .map(|v| {
            v.parse::<u64>()
                .ok()
                .filter(|n| (1..=i32::MAX as u64).contains(n))
                .ok_or_else(|| err("retries", format!("{v:?} is not a positive count")))
        })
        .transpose()?;
    Ok(Some(ProbeLabels {
        action,
        interval: duration("interval")?,
        timeout: duration("timeout")?,
        retries,
        start_period: duration("start_period")?,
    }))
}

/// `kompose.service.expose`: `true`, or comma-separated `host[/path]`; with the optional TLS
/// secret and IngressClass, which need it.
fn expose(s: &Service) -> Result<Option<(Expose, Pos)>, MapError> {
    let err = |k: &str, message: String| label_err(s, k, message);
    let get = |k: &str| label(s, k);
    let name = |k: &str, what: &str| -> Result<Option<String>, MapError> {
        get(k)
            .map(|v| {
                if validate::is_dns1123_subdomain(v) {
                    Ok(v.to_string())
                } else {
                    Err(err(
                        k,
                        format!("{v:?} is not {what} (a DNS-1123 subdomain)"),
                    ))
                }
            })
            .transpose()
    };
    let tls_secret = name(EXPOSE_TLS_SECRET, "a Secret name")?;
    let class_name = name(EXPOSE_INGRESS_CLASS, "an IngressClass name")?;
    let Some(v) = get(EXPOSE).filter(|v| !v.eq_ignore_ascii_case("false")) else {
        for (k, set) in [
            (EXPOSE_TLS_SECRET, tls_secret.is_some()),
            (EXPOSE_INGRESS_CLASS, class_name.is_some()),
        ] {
            if set {
                return Err(err(k, format!("needs {EXPOSE}")));
            }
        }
        return Ok(None);
    };
    let mut rules = Vec::new();
    if v.eq_ignore_ascii_case("true") {
        rules.push((None, "/".to_string()));
    } else {
        for entry in v.split(',').map(str::trim) {
            let (host, path) = match entry.split_once('/') {
                Some((h, p)) => (h, format!("/{p}")),
                None => (entry, "/".to_string()),
            };
            let plain = host.strip_prefix("*.").unwrap_or(host);
            if !validate::is_dns1123_subdomain(plain) {
                return Err(err(
                    EXPOSE,
                    format!(
                        "{entry:?} is not a host name (lower-case DNS name, optionally with /path)"
                    ),
                ));
            }
            rules.push((Some(host.to_string()), path));
        }
    }
    let pos = label_pos(s, EXPOSE);
    Ok(Some((
        Expose {
            rules,
            tls_secret,
            class_name,
        },
        pos,
    )))
}

/// A JSON array of strings (`["echo", "hi"]`), as kompose writes list-valued labels.
fn json_argv(v: &str) -> Option<Vec<String>> {
    serde_json::from_str::<Vec<String>>(v).ok()
}

/// `kompose.init.containers.*`: an initContainer; the image is required, the name defaults to
/// `init`, the command is a JSON array (`["printenv"]`) or words split like `command:`.
#[allow(clippy::type_complexity)]
fn init(s: &Service) -> Result<Option<(String, String, Option<Vec<String>>)>, MapError> {
    let err = |k: &str, message: String| label_err(s, k, message);
    let get = |k: &str| label(s, k);
    if [INIT_NAME, INIT_IMAGE, INIT_COMMAND]
        .iter()
        .all(|k| get(k).is_none())
    {
        return Ok(None);
    }
    let image = match get(INIT_IMAGE) {
        Some(i) if !i.is_empty() && !i.contains(char::is_whitespace) => i.to_string(),
        Some(i) => return Err(err(INIT_IMAGE, format!("{i:?} is not an image reference"))),
        None => {
            let k = [INIT_NAME, INIT_COMMAND]
                .into_iter()
                .find(|k| get(k).is_some())
                .unwrap_or(INIT_NAME);
            return Err(err(k, format!("needs {INIT_IMAGE}")));
        }
    };
    let name = get(INIT_NAME).unwrap_or("init").to_string();
    if !validate::is_dns1123_label(&name) {
        return Err(err(
            INIT_NAME,
            format!("{name:?} is not a container name (a DNS-1123 label)"),
        ));
    }
    let command = match get(INIT_COMMAND) {
        None => None,
        Some(c) if c.starts_with('[') => Some(json_argv(c).ok_or_else(|| {
            err(
                INIT_COMMAND,
                format!("{c:?} is not a JSON array of strings"),
            )
        })?),
        Some(c) => {
            Some(common::split_words(c).map_err(|e| err(INIT_COMMAND, format!("{c:?}: {e}")))?)
        }
    };
    if command.as_ref().is_some_and(|c| c.is_empty()) {
        return Err(err(INIT_COMMAND, "an empty command".into()));
    }
    Ok(Some((name, image, command)))
}
