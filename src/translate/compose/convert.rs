//! Typing: the merged node tree → the compose model, short syntax normalised to the long form.
//! Scalars carry their raw text, so each field decides: strings stay verbatim (`yes`, `0440`,
//! `1.10`), booleans accept `true/false/yes/no/on/off/y/n`, `mode` fields are octal.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::error::LoadError;
use super::merge::absolutize;
use super::model::*;
use super::units::{parse_bytes, parse_duration};
use super::yaml::{Key, Node, Value};
use crate::render::validate::env_name_error;

type R<T> = Result<T, LoadError>;

pub(crate) const SERVICE_KEYS: &[&str] = &[
    "develop",
    "deploy",
    "annotations",
    "attach",
    "build",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_shares",
    "cpu_quota",
    "cpu_period",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "label_file",
    "environment",
    "expose",
    "extends",
    "provider",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "network_mode",
    "models",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "pre_start",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "security_opt",
    "shm_size",
    "secrets",
    "sysctls",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "uts",
    "userns_mode",
    "volumes",
    "volumes_from",
    "working_dir",
];

pub(crate) const TOP_KEYS: &[&str] = &[
    "version", "name", "include", "services", "models", "networks", "volumes", "secrets", "configs",
];

/// What the typing needs from the loader.
pub(crate) struct Cx<'a> {
    pub env: &'a BTreeMap<String, String>,
    pub workdir: &'a Path,
    pub warnings: Vec<Warning>,
}

fn bad(n: &Node, field: &str, msg: impl Into<String>) -> LoadError {
    LoadError::at(&n.pos, field, msg)
}

fn sub(field: &str, key: &str) -> String {
    format!("{field}.{key}")
}

fn idx(field: &str, i: usize) -> String {
    format!("{field}[{i}]")
}

// ---------------------------------------------------------------- scalar helpers

pub(crate) fn string(n: &Node, f: &str) -> R<String> {
    match &n.value {
        Value::Scalar { text, .. } => Ok(text.clone()),
        _ => Err(bad(n, f, format!("must be a string, not a {}", n.kind()))),
    }
}

fn opt_string(n: &Node, f: &str) -> R<Option<String>> {
    if n.is_null() {
        Ok(None)
    } else {
        string(n, f).map(Some)
    }
}

pub(crate) fn boolean(n: &Node, f: &str) -> R<bool> {
    let s = string(n, f)?;
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Ok(true),
        "false" | "no" | "n" | "off" => Ok(false),
        _ => Err(bad(n, f, format!("invalid boolean {s:?}"))),
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let t = t.replace('_', "");
    let v = if let Some(h) = t.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = t.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else {
        t.parse::<i64>().ok()?
    };
    Some(if neg { -v } else { v })
}

fn int(n: &Node, f: &str) -> R<i64> {
    let s = string(n, f)?;
    parse_int(&s).ok_or_else(|| bad(n, f, format!("invalid integer {s:?}")))
}

fn uint(n: &Node, f: &str) -> R<u64> {
    let v = int(n, f)?;
    u64::try_from(v).map_err(|_| bad(n, f, format!("must not be negative, got {v}")))
}

fn float(n: &Node, f: &str) -> R<f64> {
    let s = string(n, f)?;
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| bad(n, f, format!("invalid number {s:?}")))
}

fn duration(n: &Node, f: &str) -> R<std::time::Duration> {
    let s = string(n, f)?;
    parse_duration(&s).map_err(|e| bad(n, f, e))
}

fn bytes(n: &Node, f: &str) -> R<u64> {
    let s = string(n, f)?;
    parse_bytes(&s).map_err(|e| bad(n, f, e))
}

/// A file mode. `0440`, `0o440` and strings (quoted or interpolated) are octal, like
/// compose-go; a plain `0x1a4` is hexadecimal. A plain decimal-looking number (`644`) is what
/// compose files mean as octal: it is read as octal with a warning when every digit is 0-7,
/// and is an error otherwise (`648`) — YAML's decimal reading would give Kubernetes a mode it
/// rejects (644 = 0o1204), or a different one.
pub(crate) fn mode(n: &Node, f: &str, warnings: &mut Vec<Warning>) -> R<u32> {
    let s = string(n, f)?;
    let plain = matches!(n.value, Value::Scalar { plain: true, .. });
    let t = s.trim();
    let v = if let Some(o) = t.strip_prefix("0o") {
        u32::from_str_radix(o, 8).ok()
    } else if let Some(h) = t.strip_prefix("0x").filter(|_| plain) {
        u32::from_str_radix(h, 16).ok()
    } else if !plain || (t.len() > 1 && t.starts_with('0')) {
        u32::from_str_radix(t, 8).ok()
    } else if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
        if t.bytes().any(|b| b > b'7') {
            return Err(bad(
                n,
                f,
                format!(
                    "file mode {t} is a decimal number with digits 8 or 9; compose file modes are octal (write it as 0644, 0o644 or \"0644\")"
                ),
            ));
        }
        if t.len() > 1 {
            warnings.push(Warning {
                pos: Some(n.pos.clone()),
                message: format!(
                    "{f}: file mode {t} is read as octal 0{t} (compose file modes are octal; write 0{t} to say so)"
                ),
            });
        }
        u32::from_str_radix(t, 8).ok()
    } else {
        None
    };
    v.filter(|m| *m <= 0o7777)
        .ok_or_else(|| bad(n, f, format!("invalid file mode {s:?}")))
}

/// `tmpfs.mode`: always octal (`1777`), as docker's `--tmpfs mode=` and the compose docs
/// describe it (compose-go reads a bare YAML number as decimal there).
fn octal_mode(n: &Node, f: &str) -> R<u32> {
    let s = string(n, f)?;
    let t = s.trim();
    u32::from_str_radix(t.strip_prefix("0o").unwrap_or(t), 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| bad(n, f, format!("invalid file mode {s:?}")))
}

fn entries<'a>(n: &'a Node, f: &str) -> R<&'a [(Key, Node)]> {
    match &n.value {
        Value::Map(m) => Ok(m),
        Value::Null => Ok(&[]),
        _ => Err(bad(n, f, format!("must be a mapping, not a {}", n.kind()))),
    }
}

/// The items of a list (`null` = none).
fn items<'a>(n: &'a Node, f: &str) -> R<&'a [Node]> {
    match &n.value {
        Value::Seq(items) => Ok(items),
        Value::Null => Ok(&[]),
        _ => Err(bad(n, f, format!("must be a list, not a {}", n.kind()))),
    }
}

/// A string or a list of strings.
fn string_list(n: &Node, f: &str) -> R<Vec<String>> {
    match &n.value {
        Value::Null => Ok(Vec::new()),
        Value::Scalar { text, .. } => Ok(vec![text.clone()]),
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, it)| string(it, &idx(f, i)))
            .collect(),
        Value::Map(_) => Err(bad(
            n,
            f,
            "must be a string or a list of strings, not a mapping",
        )),
    }
}

/// `K=V` list or mapping. Values: `None` for `K` / `K: null`.
fn kv(n: &Node, f: &str) -> R<Vec<(String, Option<String>, crate::translate::compose::yaml::Pos)>> {
    match &n.value {
        Value::Null => Ok(Vec::new()),
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let s = string(it, &idx(f, i))?;
                Ok(match s.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string()), it.pos.clone()),
                    None => (s, None, it.pos.clone()),
                })
            })
            .collect(),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| {
                let f = sub(f, &k.name);
                let v = match &v.value {
                    Value::Null => None,
                    Value::Scalar { text, .. } => Some(text.clone()),
                    _ => {
                        return Err(bad(
                            v,
                            &f,
                            format!("must be a string, number or boolean, not a {}", v.kind()),
                        ));
                    }
                };
                Ok((k.name.clone(), v, k.pos.clone()))
            })
            .collect(),
        Value::Scalar { .. } => Err(bad(n, f, "must be a list of KEY=VALUE or a mapping")),
    }
}

fn string_map(n: &Node, f: &str) -> R<BTreeMap<String, String>> {
    Ok(kv(n, f)?
        .into_iter()
        .map(|(k, v, _)| (k, v.unwrap_or_default()))
        .collect())
}

/// A label map with the position of each key.
fn labels(n: &Node, f: &str) -> R<(BTreeMap<String, String>, Keys)> {
    let mut map = BTreeMap::new();
    let mut keys = Keys::new();
    for (k, v, pos) in kv(n, f)? {
        keys.insert(k.clone(), pos);
        map.insert(k, v.unwrap_or_default());
    }
    Ok((map, keys))
}

fn split_keys(m: &[(Key, Node)]) -> (Keys, Keys) {
    let mut keys = Keys::new();
    let mut ext = Keys::new();
    for (k, _) in m {
        if k.name.starts_with("x-") {
            ext.insert(k.name.clone(), k.pos.clone());
        } else {
            keys.insert(k.name.clone(), k.pos.clone());
        }
    }
    (keys, ext)
}

// ---------------------------------------------------------------- ports

fn port_range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a, b),
        None => (s, s),
    };
    let a: u16 = a.trim().parse().ok()?;
    let b: u16 = b.trim().parse().ok()?;
    (a <= b).then_some((a, b))
}

fn protocol(p: &str) -> Option<String> {
    let p = p.to_ascii_lowercase();
    matches!(p.as_str(), "tcp" | "udp" | "sctp").then_some(p)
}

/// `[[ip:]published:]target[/protocol]` with ranges and `[v6]` addresses.
pub(crate) fn parse_port_short(s: &str, pos: &Pos) -> Result<Vec<Port>, String> {
    let invalid = || format!("invalid port {s:?}");
    let (spec, proto) = match s.rsplit_once('/') {
        Some((a, p)) => (a, protocol(p).ok_or_else(invalid)?),
        None => (s, "tcp".to_string()),
    };
    let (ip, rest) = if let Some(r) = spec.strip_prefix('[') {
        let (ip, rest) = r.split_once("]:").ok_or_else(invalid)?;
        (Some(ip.to_string()), rest.to_string())
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts.len() {
            1 | 2 => (None, spec.to_string()),
            3 => (
                Some(parts[0].to_string()),
                format!("{}:{}", parts[1], parts[2]),
            ),
            _ => return Err(invalid()),
        }
    };
    if let Some(ip) = &ip
        && ip.parse::<IpAddr>().is_err()
    {
        return Err(format!("invalid port {s:?}: invalid host ip {ip:?}"));
    }
    let (host, target) = match rest.rsplit_once(':') {
        Some((h, t)) => (Some(h).filter(|h| !h.is_empty()), t),
        None => (None, rest.as_str()),
    };
    let (ts, te) = port_range(target).ok_or_else(invalid)?;
    let hr = host
        .map(|h| port_range(h).ok_or_else(invalid))
        .transpose()?;
    let mk = |target: u16, published: Option<String>| Port {
        target,
        published,
        host_ip: ip.clone().filter(|i| !i.is_empty()),
        protocol: proto.clone(),
        mode: "ingress".into(),
        name: None,
        app_protocol: None,
        pos: pos.clone(),
    };
    Ok(match hr {
        None => (ts..=te).map(|t| mk(t, None)).collect(),
        Some((hs, he)) if ts == te => {
            vec![mk(
                ts,
                Some(if hs == he {
                    hs.to_string()
                } else {
                    format!("{hs}-{he}")
                }),
            )]
        }
        Some((hs, he)) if he - hs == te - ts => (ts..=te)
            .zip(hs..=he)
            .map(|(t, h)| mk(t, Some(h.to_string())))
            .collect(),
        Some(_) => {
            return Err(format!(
                "invalid port {s:?}: host and container port ranges differ in size"
            ));
        }
    })
}

fn ports(n: &Node, f: &str) -> R<Vec<Port>> {
    let mut out = Vec::new();
    let Some(items) = n.as_seq() else {
        if n.is_null() {
            return Ok(out);
        }
        return Err(bad(n, f, "must be a list"));
    };
    for (i, it) in items.iter().enumerate() {
        let f = idx(f, i);
        match &it.value {
            Value::Scalar { text, .. } => {
                out.extend(parse_port_short(text, &it.pos).map_err(|e| bad(it, &f, e))?)
            }
            Value::Map(m) => {
                let mut p = Port {
                    target: 0,
                    published: None,
                    host_ip: None,
                    protocol: "tcp".into(),
                    mode: "ingress".into(),
                    name: None,
                    app_protocol: None,
                    pos: it.pos.clone(),
                };
                let mut has_target = false;
                for (k, v) in m {
                    let f = sub(&f, &k.name);
                    match k.name.as_str() {
                        "target" => {
                            let t = int(v, &f)?;
                            p.target = u16::try_from(t)
                                .map_err(|_| bad(v, &f, format!("invalid port {t}")))?;
                            has_target = true;
                        }
                        "published" => {
                            if let Some(s) = opt_string(v, &f)? {
                                port_range(&s)
                                    .ok_or_else(|| bad(v, &f, format!("invalid port {s:?}")))?;
                                p.published = Some(s);
                            }
                        }
                        "host_ip" => p.host_ip = opt_string(v, &f)?,
                        "protocol" => {
                            let s = string(v, &f)?;
                            p.protocol = protocol(&s)
                                .ok_or_else(|| bad(v, &f, format!("invalid protocol {s:?}")))?;
                        }
                        "mode" => {
                            let s = string(v, &f)?;
                            if s != "host" && s != "ingress" {
                                return Err(bad(
                                    v,
                                    &f,
                                    format!("invalid mode {s:?} (host or ingress)"),
                                ));
                            }
                            p.mode = s;
                        }
                        "name" => p.name = opt_string(v, &f)?,
                        "app_protocol" => p.app_protocol = opt_string(v, &f)?,
                        x if x.starts_with("x-") => {}
                        other => return Err(bad(v, &f, format!("unknown key {other:?}"))),
                    }
                }
                if !has_target {
                    return Err(bad(it, &f, "target is required"));
                }
                out.push(p);
            }
            _ => return Err(bad(it, &f, "must be a string, a number or a mapping")),
        }
    }
    Ok(out)
}

fn expose(n: &Node, f: &str) -> R<Vec<Expose>> {
    let mut out = Vec::new();
    for (i, it) in items(n, f)?.iter().enumerate() {
        let f = idx(f, i);
        let s = string(it, &f)?;
        let (p, proto) = match s.split_once('/') {
            Some((p, pr)) => (
                p,
                protocol(pr).ok_or_else(|| bad(it, &f, format!("invalid protocol in {s:?}")))?,
            ),
            None => (s.as_str(), "tcp".to_string()),
        };
        let (a, b) = port_range(p).ok_or_else(|| bad(it, &f, format!("invalid port {s:?}")))?;
        out.extend((a..=b).map(|port| Expose {
            port,
            protocol: proto.clone(),
            pos: it.pos.clone(),
        }));
    }
    Ok(out)
}

// ---------------------------------------------------------------- volumes

/// The pieces of a short volume spec `[source:]target[:mode]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShortVolume {
    pub source: Option<String>,
    pub target: String,
    pub mode: Option<String>,
}

pub(crate) fn parse_volume_short(s: &str) -> Result<ShortVolume, String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        // As compose-go's `isWindowsDrive`: a colon after a one-letter section is a drive
        // letter (`C:\…`, but also `w:/w`), whatever follows and wherever the section is.
        let drive = c == ':' && {
            let mut l = cur.chars();
            matches!((l.next(), l.next()), (Some(d), None) if d.is_alphabetic())
        };
        if c == ':' && !drive {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    let (source, target, mode) = match parts.as_slice() {
        [t] => (None, t.clone(), None),
        [s, t] => (Some(s.clone()), t.clone(), None),
        [s, t, m] => (Some(s.clone()), t.clone(), Some(m.clone())),
        _ => return Err(format!("invalid volume {s:?}: too many colons")),
    };
    if target.is_empty() || source.as_deref() == Some("") {
        return Err(format!("invalid volume {s:?}"));
    }
    Ok(ShortVolume {
        source,
        target,
        mode,
    })
}

/// A short-syntax source is a host path when it starts like one; otherwise a volume name.
pub(crate) fn volume_is_bind_source(s: &str) -> bool {
    s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || s.starts_with('\\')
        || (s.len() >= 2 && s.as_bytes()[0].is_ascii_alphabetic() && s.as_bytes()[1] == b':')
}

fn is_abs_target(t: &str) -> bool {
    t.starts_with('/') || t.starts_with('\\') || (t.len() >= 2 && t.as_bytes()[1] == b':')
}

const PROPAGATION: &[&str] = &[
    "shared", "rshared", "slave", "rslave", "private", "rprivate",
];

fn short_mount(s: &str, n: &Node, f: &str, cx: &Cx<'_>) -> R<Mount> {
    let v = parse_volume_short(s).map_err(|e| bad(n, f, e))?;
    if !is_abs_target(&v.target) {
        // `v:/v:ro` is source `v:/v`, target `ro` for Docker Compose too: say why.
        let hint = match &v.source {
            Some(src) if src.chars().nth(1) == Some(':') && src.chars().count() > 2 => format!(
                " ({:?} is read as a Windows drive letter, as Docker Compose does; use a volume name of two or more characters or the long syntax)",
                src.chars().take(2).collect::<String>()
            ),
            _ => String::new(),
        };
        return Err(bad(
            n,
            f,
            format!(
                "invalid volume {s:?}: container path {:?} is not absolute{hint}",
                v.target
            ),
        ));
    }
    let kind = match &v.source {
        Some(src) if volume_is_bind_source(src) => MountType::Bind,
        _ => MountType::Volume,
    };
    let mut m = Mount {
        kind,
        source: v.source.map(|src| {
            if kind == MountType::Bind {
                host_path(&src, cx)
            } else {
                src
            }
        }),
        target: v.target,
        read_only: false,
        consistency: None,
        bind: (kind == MountType::Bind).then(|| BindOptions {
            create_host_path: true,
            ..Default::default()
        }),
        volume: None,
        tmpfs: None,
        image_subpath: None,
        pos: n.pos.clone(),
    };
    for opt in v.mode.iter().flat_map(|m| m.split(',')) {
        match opt {
            "ro" => m.read_only = true,
            "rw" => m.read_only = false,
            // Docker relabels named volumes too; compose-go keeps it in the bind options.
            "z" | "Z" => {
                m.bind.get_or_insert_with(Default::default).selinux = Some(opt.to_string());
            }
            "nocopy" if kind == MountType::Volume => {
                m.volume.get_or_insert_with(Default::default).nocopy = true
            }
            p if PROPAGATION.contains(&p) && kind == MountType::Bind => {
                m.bind.get_or_insert_with(Default::default).propagation = Some(p.to_string());
            }
            "consistent" | "cached" | "delegated" => m.consistency = Some(opt.to_string()),
            other => {
                return Err(bad(
                    n,
                    f,
                    format!("invalid volume {s:?}: unknown option {other:?}"),
                ));
            }
        }
    }
    Ok(m)
}

/// A host path: `~` expanded with `HOME`, relative paths made absolute against the project.
fn host_path(p: &str, cx: &Cx<'_>) -> String {
    if let Some(rest) = p.strip_prefix('~') {
        if (rest.is_empty() || rest.starts_with('/'))
            && let Some(home) = cx.env.get("HOME")
        {
            return format!("{}{rest}", home.trim_end_matches('/'));
        }
        return p.to_string();
    }
    absolutize(p, cx.workdir)
}

fn long_mount(n: &Node, f: &str, cx: &Cx<'_>) -> R<Mount> {
    let m = entries(n, f)?;
    let kind_node = n.get("type").ok_or_else(|| bad(n, f, "type is required"))?;
    let kind = match string(kind_node, &sub(f, "type"))?.as_str() {
        "bind" => MountType::Bind,
        "volume" => MountType::Volume,
        "tmpfs" => MountType::Tmpfs,
        "npipe" => MountType::Npipe,
        "image" => MountType::Image,
        "cluster" => MountType::Cluster,
        other => {
            return Err(bad(
                kind_node,
                &sub(f, "type"),
                format!("invalid mount type {other:?}"),
            ));
        }
    };
    let mut out = Mount {
        kind,
        source: None,
        target: String::new(),
        read_only: false,
        consistency: None,
        bind: None,
        volume: None,
        tmpfs: None,
        image_subpath: None,
        pos: n.pos.clone(),
    };
    for (k, v) in m {
        let f = sub(f, &k.name);
        match k.name.as_str() {
            "type" => {}
            "source" => out.source = opt_string(v, &f)?,
            "target" => out.target = string(v, &f)?,
            "read_only" => out.read_only = boolean(v, &f)?,
            "consistency" => out.consistency = opt_string(v, &f)?,
            "bind" => {
                let mut b = BindOptions::default();
                for (bk, bv) in entries(v, &f)? {
                    let f = sub(&f, &bk.name);
                    match bk.name.as_str() {
                        "propagation" => b.propagation = opt_string(bv, &f)?,
                        "create_host_path" => b.create_host_path = boolean(bv, &f)?,
                        "selinux" => b.selinux = opt_string(bv, &f)?,
                        _ => {}
                    }
                }
                out.bind = Some(b);
            }
            "volume" => {
                let mut o = VolumeOptions::default();
                for (vk, vv) in entries(v, &f)? {
                    let f = sub(&f, &vk.name);
                    match vk.name.as_str() {
                        "nocopy" => o.nocopy = boolean(vv, &f)?,
                        "subpath" => o.subpath = opt_string(vv, &f)?,
                        _ => {}
                    }
                }
                out.volume = Some(o);
            }
            "tmpfs" => {
                let mut o = TmpfsOptions::default();
                for (tk, tv) in entries(v, &f)? {
                    let f = sub(&f, &tk.name);
                    match tk.name.as_str() {
                        "size" => o.size = Some(bytes(tv, &f)?),
                        "mode" => o.mode = Some(octal_mode(tv, &f)?),
                        _ => {}
                    }
                }
                out.tmpfs = Some(o);
            }
            "image" => {
                if let Some(sp) = v.get("subpath") {
                    out.image_subpath = opt_string(sp, &sub(&f, "subpath"))?;
                }
            }
            x if x.starts_with("x-") => {}
            other => return Err(bad(v, &f, format!("unknown key {other:?}"))),
        }
    }
    if out.target.is_empty() {
        return Err(bad(n, f, "target is required"));
    }
    if kind == MountType::Bind {
        let Some(src) = &out.source else {
            return Err(bad(n, f, "source is required for a bind mount"));
        };
        out.source = Some(host_path(src, cx));
    }
    if kind == MountType::Tmpfs && out.source.is_some() {
        return Err(bad(n, f, "source is not allowed for a tmpfs mount"));
    }
    Ok(out)
}

fn mounts(n: &Node, f: &str, cx: &Cx<'_>) -> R<Vec<Mount>> {
    let mut out = Vec::new();
    for (i, it) in items(n, f)?.iter().enumerate() {
        let f = idx(f, i);
        out.push(match &it.value {
            Value::Scalar { text, .. } => short_mount(text, it, &f, cx)?,
            Value::Map(_) => long_mount(it, &f, cx)?,
            _ => return Err(bad(it, &f, "must be a string or a mapping")),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- other service fields

fn command(n: &Node, f: &str) -> R<Option<Command>> {
    match &n.value {
        Value::Null => Ok(None),
        Value::Scalar { text, .. } => Ok(Some(Command::Shell(text.clone()))),
        Value::Seq(items) => Ok(Some(Command::Exec(
            items
                .iter()
                .enumerate()
                .map(|(i, it)| string(it, &idx(f, i)))
                .collect::<R<_>>()?,
        ))),
        Value::Map(_) => Err(bad(n, f, "must be a string or a list")),
    }
}

fn healthcheck(n: &Node, f: &str) -> R<Healthcheck> {
    let m = entries(n, f)?;
    let (keys, _) = split_keys(m);
    let mut h = Healthcheck {
        pos: n.pos.clone(),
        keys,
        ..Default::default()
    };
    for (k, v) in m {
        let f = sub(f, &k.name);
        if v.is_null() {
            continue;
        }
        match k.name.as_str() {
            "test" => {
                let t = match &v.value {
                    Value::Scalar { text, .. } => HealthTest::Shell(text.clone()),
                    Value::Seq(items) => {
                        let words: Vec<String> = items
                            .iter()
                            .enumerate()
                            .map(|(i, it)| string(it, &idx(&f, i)))
                            .collect::<R<_>>()?;
                        match words.split_first() {
                            Some((c, rest)) if c == "CMD" => HealthTest::Exec(rest.to_vec()),
                            Some((c, rest)) if c == "CMD-SHELL" => {
                                HealthTest::Shell(rest.join(" "))
                            }
                            Some((c, _)) if c == "NONE" => HealthTest::None,
                            _ => return Err(bad(v, &f, "must start with CMD, CMD-SHELL or NONE")),
                        }
                    }
                    _ => return Err(bad(v, &f, "must be a string or a list")),
                };
                if t == HealthTest::None {
                    h.disable = true;
                }
                h.test = Some(t);
            }
            "interval" => h.interval = Some(duration(v, &f)?),
            "timeout" => h.timeout = Some(duration(v, &f)?),
            "start_period" => h.start_period = Some(duration(v, &f)?),
            "start_interval" => h.start_interval = Some(duration(v, &f)?),
            "retries" => h.retries = Some(uint(v, &f)?),
            "disable" => h.disable |= boolean(v, &f)?,
            x if x.starts_with("x-") => {}
            other => return Err(bad(v, &f, format!("unknown key {other:?}"))),
        }
    }
    Ok(h)
}

fn depends_on(n: &Node, f: &str) -> R<BTreeMap<String, Dependency>> {
    let dflt = |pos: &Pos| Dependency {
        condition: "service_started".into(),
        restart: false,
        required: true,
        pos: pos.clone(),
    };
    let mut out = BTreeMap::new();
    match &n.value {
        Value::Null => {}
        Value::Seq(items) => {
            for (i, it) in items.iter().enumerate() {
                out.insert(string(it, &idx(f, i))?, dflt(&it.pos));
            }
        }
        Value::Map(m) => {
            for (k, v) in m {
                let f = sub(f, &k.name);
                let mut d = dflt(&k.pos);
                for (dk, dv) in entries(v, &f)? {
                    let f = sub(&f, &dk.name);
                    match dk.name.as_str() {
                        "condition" => {
                            let c = string(dv, &f)?;
                            if !matches!(
                                c.as_str(),
                                "service_started"
                                    | "service_healthy"
                                    | "service_completed_successfully"
                            ) {
                                return Err(bad(dv, &f, format!("invalid condition {c:?}")));
                            }
                            d.condition = c;
                        }
                        "restart" => d.restart = boolean(dv, &f)?,
                        "required" => d.required = boolean(dv, &f)?,
                        x if x.starts_with("x-") => {}
                        other => return Err(bad(dv, &f, format!("unknown key {other:?}"))),
                    }
                }
                out.insert(k.name.clone(), d);
            }
        }
        Value::Scalar { .. } => return Err(bad(n, f, "must be a list or a mapping")),
    }
    Ok(out)
}

fn resource_spec(n: &Node, f: &str) -> R<ResourceSpec> {
    let m = entries(n, f)?;
    let (keys, _) = split_keys(m);
    let mut r = ResourceSpec {
        keys,
        ..Default::default()
    };
    for (k, v) in m {
        let f = sub(f, &k.name);
        if v.is_null() {
            continue;
        }
        match k.name.as_str() {
            "cpus" => r.cpus = Some(float(v, &f)?),
            "memory" => r.memory = Some(bytes(v, &f)?),
            "pids" => r.pids = Some(int(v, &f)?),
            _ => {}
        }
    }
    Ok(r)
}

fn deploy(n: &Node, f: &str) -> R<Deploy> {
    let m = entries(n, f)?;
    let (keys, _) = split_keys(m);
    let mut d = Deploy {
        keys,
        pos: n.pos.clone(),
        ..Default::default()
    };
    for (k, v) in m {
        let f = sub(f, &k.name);
        if v.is_null() {
            continue;
        }
        match k.name.as_str() {
            "mode" => {
                let s = string(v, &f)?;
                if !matches!(
                    s.as_str(),
                    "replicated" | "global" | "replicated-job" | "global-job"
                ) {
                    return Err(bad(v, &f, format!("invalid mode {s:?}")));
                }
                d.mode = Some(s);
            }
            "replicas" => d.replicas = Some(uint(v, &f)?),
            "labels" => d.labels = string_map(v, &f)?,
            "endpoint_mode" => d.endpoint_mode = opt_string(v, &f)?,
            "resources" => {
                for (rk, rv) in entries(v, &f)? {
                    let f = sub(&f, &rk.name);
                    match rk.name.as_str() {
                        "limits" => d.resources.limits = Some(resource_spec(rv, &f)?),
                        "reservations" => d.resources.reservations = Some(resource_spec(rv, &f)?),
                        _ => {}
                    }
                }
            }
            "restart_policy" => {
                let mut p = RestartPolicy::default();
                for (rk, rv) in entries(v, &f)? {
                    let f = sub(&f, &rk.name);
                    if rv.is_null() {
                        continue;
                    }
                    match rk.name.as_str() {
                        "condition" => {
                            let c = string(rv, &f)?;
                            if !matches!(c.as_str(), "none" | "on-failure" | "any") {
                                return Err(bad(
                                    rv,
                                    &f,
                                    format!("invalid condition {c:?} (none, on-failure, any)"),
                                ));
                            }
                            p.condition = Some(c);
                        }
                        "delay" => p.delay = Some(duration(rv, &f)?),
                        "max_attempts" => p.max_attempts = Some(uint(rv, &f)?),
                        "window" => p.window = Some(duration(rv, &f)?),
                        _ => {}
                    }
                }
                d.restart_policy = Some(p);
            }
            "placement" => {
                if let Some(c) = v.get("constraints") {
                    d.placement_constraints = string_list(c, &sub(&f, "constraints"))?;
                }
            }
            _ => {}
        }
    }
    Ok(d)
}

fn restart(n: &Node, f: &str) -> R<Restart> {
    let s = string(n, f)?;
    Ok(match s.as_str() {
        "no" | "" => Restart::No,
        "always" => Restart::Always,
        "unless-stopped" => Restart::UnlessStopped,
        "on-failure" => Restart::OnFailure(None),
        other => match other
            .strip_prefix("on-failure:")
            .and_then(|n| n.parse::<u64>().ok())
        {
            Some(n) => Restart::OnFailure(Some(n)),
            None => return Err(bad(n, f, format!("invalid restart policy {s:?}"))),
        },
    })
}

fn file_mounts(n: &Node, f: &str, secrets: bool, cx: &mut Cx<'_>) -> R<Vec<FileMount>> {
    let dflt = |source: &str, target: Option<String>| match target {
        Some(t) if t.starts_with('/') || t.as_bytes().get(1) == Some(&b':') => t,
        Some(t) if secrets => format!("/run/secrets/{t}"),
        Some(t) => format!("/{t}"),
        None if secrets => format!("/run/secrets/{source}"),
        None => format!("/{source}"),
    };
    let mut out = Vec::new();
    for (i, it) in items(n, f)?.iter().enumerate() {
        let f = idx(f, i);
        match &it.value {
            Value::Scalar { text, .. } => out.push(FileMount {
                source: text.clone(),
                target: dflt(text, None),
                uid: None,
                gid: None,
                mode: None,
                pos: it.pos.clone(),
            }),
            Value::Map(m) => {
                let mut source = None;
                let mut target = None;
                let mut fm = FileMount {
                    source: String::new(),
                    target: String::new(),
                    uid: None,
                    gid: None,
                    mode: None,
                    pos: it.pos.clone(),
                };
                for (k, v) in m {
                    let f = sub(&f, &k.name);
                    match k.name.as_str() {
                        "source" => source = Some(string(v, &f)?),
                        "target" => target = opt_string(v, &f)?,
                        "uid" => fm.uid = opt_string(v, &f)?,
                        "gid" => fm.gid = opt_string(v, &f)?,
                        "mode" => {
                            fm.mode = if v.is_null() {
                                None
                            } else {
                                Some(mode(v, &f, &mut cx.warnings)?)
                            }
                        }
                        x if x.starts_with("x-") => {}
                        other => return Err(bad(v, &f, format!("unknown key {other:?}"))),
                    }
                }
                let source = source.ok_or_else(|| bad(it, &f, "source is required"))?;
                fm.target = dflt(&source, target);
                fm.source = source;
                out.push(fm);
            }
            _ => return Err(bad(it, &f, "must be a string or a mapping")),
        }
    }
    Ok(out)
}

fn extra_hosts(n: &Node, f: &str) -> R<Vec<ExtraHost>> {
    let unbracket = |ip: &str| {
        ip.trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string()
    };
    let mut out = Vec::new();
    match &n.value {
        Value::Null => {}
        Value::Seq(items) => {
            for (i, it) in items.iter().enumerate() {
                let f = idx(f, i);
                let s = string(it, &f)?;
                let (h, ip) = s
                    .split_once('=')
                    .or_else(|| s.split_once(':'))
                    .ok_or_else(|| {
                        bad(
                            it,
                            &f,
                            format!("invalid extra host {s:?} (host:ip or host=ip)"),
                        )
                    })?;
                let ip = unbracket(ip);
                if h.is_empty() || ip.is_empty() {
                    return Err(bad(it, &f, format!("invalid extra host {s:?}")));
                }
                out.push(ExtraHost {
                    host: h.trim().to_string(),
                    ip,
                    pos: it.pos.clone(),
                });
            }
        }
        Value::Map(m) => {
            for (k, v) in m {
                let f = sub(f, &k.name);
                for ip in string_list(v, &f)? {
                    out.push(ExtraHost {
                        host: k.name.clone(),
                        ip: unbracket(&ip),
                        pos: k.pos.clone(),
                    });
                }
            }
        }
        Value::Scalar { .. } => return Err(bad(n, f, "must be a list or a mapping")),
    }
    Ok(out)
}

fn ulimits(n: &Node, f: &str) -> R<BTreeMap<String, Ulimit>> {
    let mut out = BTreeMap::new();
    for (k, v) in entries(n, f)? {
        let f = sub(f, &k.name);
        let u = match &v.value {
            Value::Scalar { .. } => {
                let x = int(v, &f)?;
                Ulimit { soft: x, hard: x }
            }
            Value::Map(_) => {
                let soft = v
                    .get("soft")
                    .ok_or_else(|| bad(v, &f, "soft is required"))?;
                let hard = v
                    .get("hard")
                    .ok_or_else(|| bad(v, &f, "hard is required"))?;
                Ulimit {
                    soft: int(soft, &sub(&f, "soft"))?,
                    hard: int(hard, &sub(&f, "hard"))?,
                }
            }
            _ => {
                return Err(bad(
                    v,
                    &f,
                    "must be a number or a mapping with soft and hard",
                ));
            }
        };
        out.insert(k.name.clone(), u);
    }
    Ok(out)
}

fn networks(n: &Node, f: &str) -> R<BTreeMap<String, ServiceNetwork>> {
    let mut out = BTreeMap::new();
    match &n.value {
        Value::Null => {}
        Value::Seq(items) => {
            for (i, it) in items.iter().enumerate() {
                out.insert(string(it, &idx(f, i))?, ServiceNetwork::default());
            }
        }
        Value::Map(m) => {
            for (k, v) in m {
                let f = sub(f, &k.name);
                let mut sn = ServiceNetwork::default();
                for (nk, nv) in entries(v, &f)? {
                    let f = sub(&f, &nk.name);
                    if nv.is_null() {
                        continue;
                    }
                    match nk.name.as_str() {
                        "aliases" => sn.aliases = string_list(nv, &f)?,
                        "ipv4_address" => sn.ipv4_address = opt_string(nv, &f)?,
                        "ipv6_address" => sn.ipv6_address = opt_string(nv, &f)?,
                        "priority" => sn.priority = Some(int(nv, &f)?),
                        _ => {}
                    }
                }
                out.insert(k.name.clone(), sn);
            }
        }
        Value::Scalar { .. } => return Err(bad(n, f, "must be a list or a mapping")),
    }
    Ok(out)
}

fn devices(n: &Node, f: &str) -> R<Vec<Device>> {
    let mut out = Vec::new();
    for (i, it) in items(n, f)?.iter().enumerate() {
        let f = idx(f, i);
        match &it.value {
            Value::Scalar { text, .. } => {
                let parts: Vec<&str> = text.split(':').collect();
                let d = match parts.as_slice() {
                    [s] => Device {
                        source: s.to_string(),
                        target: s.to_string(),
                        permissions: None,
                    },
                    [s, t] => Device {
                        source: s.to_string(),
                        target: t.to_string(),
                        permissions: None,
                    },
                    [s, t, p] => Device {
                        source: s.to_string(),
                        target: t.to_string(),
                        permissions: Some(p.to_string()),
                    },
                    _ => return Err(bad(it, &f, format!("invalid device {text:?}"))),
                };
                out.push(d);
            }
            Value::Map(_) => {
                let source = it
                    .get("source")
                    .map(|v| string(v, &sub(&f, "source")))
                    .transpose()?;
                let source = source.ok_or_else(|| bad(it, &f, "source is required"))?;
                let target = it
                    .get("target")
                    .map(|v| string(v, &sub(&f, "target")))
                    .transpose()?;
                let permissions = it
                    .get("permissions")
                    .map(|v| string(v, &sub(&f, "permissions")))
                    .transpose()?;
                out.push(Device {
                    target: target.unwrap_or_else(|| source.clone()),
                    source,
                    permissions,
                });
            }
            _ => return Err(bad(it, &f, "must be a string or a mapping")),
        }
    }
    Ok(out)
}

fn build(n: &Node, f: &str, cx: &Cx<'_>) -> R<Build> {
    let ctx = |s: &str| {
        if super::merge::is_remote(s) {
            s.to_string()
        } else {
            absolutize(s, cx.workdir)
        }
    };
    match &n.value {
        Value::Scalar { text, .. } => Ok(Build {
            context: Some(ctx(text)),
            dockerfile: Some("Dockerfile".into()),
            ..Default::default()
        }),
        Value::Map(m) => {
            let (keys, _) = split_keys(m);
            let mut b = Build {
                keys,
                context: Some(ctx(".")),
                ..Default::default()
            };
            for (k, v) in m {
                let f = sub(f, &k.name);
                if v.is_null() {
                    continue;
                }
                match k.name.as_str() {
                    "context" => b.context = Some(ctx(&string(v, &f)?)),
                    "dockerfile" => b.dockerfile = opt_string(v, &f)?,
                    "dockerfile_inline" => b.dockerfile_inline = opt_string(v, &f)?,
                    "args" => b.args = kv(v, &f)?.into_iter().map(|(k, v, _)| (k, v)).collect(),
                    "target" => b.target = opt_string(v, &f)?,
                    "labels" => b.labels = string_map(v, &f)?,
                    "network" => b.network = opt_string(v, &f)?,
                    "platforms" => b.platforms = string_list(v, &f)?,
                    "tags" => b.tags = string_list(v, &f)?,
                    "cache_from" => b.cache_from = string_list(v, &f)?,
                    _ => {}
                }
            }
            if b.dockerfile.is_none() && b.dockerfile_inline.is_none() {
                b.dockerfile = Some("Dockerfile".into());
            }
            Ok(b)
        }
        _ => Err(bad(n, f, "must be a string or a mapping")),
    }
}

fn env_files(n: &Node, f: &str, cx: &Cx<'_>) -> R<Vec<EnvFile>> {
    let one = |s: &str| EnvFile {
        path: PathBuf::from(host_path(s, cx)),
        required: true,
        format: None,
    };
    match &n.value {
        Value::Null => Ok(Vec::new()),
        Value::Scalar { text, .. } => Ok(vec![one(text)]),
        Value::Seq(items) => {
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                let f = idx(f, i);
                match &it.value {
                    Value::Scalar { text, .. } => out.push(one(text)),
                    Value::Map(_) => {
                        let p = it
                            .get("path")
                            .ok_or_else(|| bad(it, &f, "path is required"))?;
                        let mut e = one(&string(p, &sub(&f, "path"))?);
                        if let Some(r) = it.get("required") {
                            e.required = boolean(r, &sub(&f, "required"))?;
                        }
                        if let Some(fm) = it.get("format") {
                            e.format = opt_string(fm, &sub(&f, "format"))?;
                        }
                        out.push(e);
                    }
                    _ => return Err(bad(it, &f, "must be a string or a mapping")),
                }
            }
            Ok(out)
        }
        Value::Map(_) => Err(bad(n, f, "must be a string or a list")),
    }
}

fn logging(n: &Node, f: &str) -> R<Logging> {
    let mut l = Logging::default();
    for (k, v) in entries(n, f)? {
        let f = sub(f, &k.name);
        match k.name.as_str() {
            "driver" => l.driver = opt_string(v, &f)?,
            "options" => l.options = string_map(v, &f)?,
            _ => {}
        }
    }
    Ok(l)
}

fn opt<T>(v: &Node, f: impl FnOnce() -> R<T>) -> R<Option<T>> {
    if v.is_null() { Ok(None) } else { f().map(Some) }
}

/// Type one (merged, extended) service; the flag tells whether one of its profiles is selected
/// (`selected` may contain `*`). `env_file`s of inactive services are not read.
pub(crate) fn service(
    name: &str,
    key_pos: &Pos,
    n: &Node,
    cx: &mut Cx<'_>,
    selected: &[String],
) -> R<(Service, bool)> {
    let base = format!("services.{name}");
    let m = entries(n, &base)?;
    let (keys, extensions) = split_keys(m);
    let mut s = Service {
        name: name.to_string(),
        pos: key_pos.clone(),
        keys,
        extensions,
        ..Default::default()
    };
    let mut environment: Vec<(String, Option<String>, Pos)> = Vec::new();
    for (k, v) in m {
        let f = sub(&base, &k.name);
        let f = f.as_str();
        match k.name.as_str() {
            "image" => s.image = opt_string(v, f)?,
            "build" => s.build = opt(v, || build(v, f, cx))?,
            "command" => s.command = command(v, f)?,
            "entrypoint" => s.entrypoint = command(v, f)?,
            "environment" => environment = kv(v, f)?,
            "env_file" => s.env_file = env_files(v, f, cx)?,
            "labels" => (s.labels, s.label_keys) = labels(v, f)?,
            "annotations" => s.annotations = string_map(v, f)?,
            "ports" => s.ports = ports(v, f)?,
            "expose" => s.expose = expose(v, f)?,
            "volumes" => s.volumes = mounts(v, f, cx)?,
            "volumes_from" => s.volumes_from = string_list(v, f)?,
            "tmpfs" => s.tmpfs = string_list(v, f)?,
            "healthcheck" => s.healthcheck = opt(v, || healthcheck(v, f))?,
            "depends_on" => s.depends_on = depends_on(v, f)?,
            "deploy" => s.deploy = opt(v, || deploy(v, f))?,
            "restart" => s.restart = opt(v, || restart(v, f))?,
            "configs" => s.configs = file_mounts(v, f, false, cx)?,
            "secrets" => s.secrets = file_mounts(v, f, true, cx)?,
            "extra_hosts" => s.extra_hosts = extra_hosts(v, f)?,
            "dns" => s.dns = string_list(v, f)?,
            "dns_search" => s.dns_search = string_list(v, f)?,
            "dns_opt" => s.dns_opt = string_list(v, f)?,
            "sysctls" => s.sysctls = string_map(v, f)?,
            "ulimits" => s.ulimits = ulimits(v, f)?,
            "cap_add" => s.cap_add = string_list(v, f)?,
            "cap_drop" => s.cap_drop = string_list(v, f)?,
            "security_opt" => s.security_opt = string_list(v, f)?,
            "privileged" => s.privileged = opt(v, || boolean(v, f))?.unwrap_or(false),
            "read_only" => s.read_only = opt(v, || boolean(v, f))?.unwrap_or(false),
            "stdin_open" => s.stdin_open = opt(v, || boolean(v, f))?.unwrap_or(false),
            "tty" => s.tty = opt(v, || boolean(v, f))?.unwrap_or(false),
            "init" => s.init = opt(v, || boolean(v, f))?,
            "oom_kill_disable" => s.oom_kill_disable = opt(v, || boolean(v, f))?,
            "user" => s.user = opt_string(v, f)?,
            "group_add" => s.group_add = string_list(v, f)?,
            "working_dir" => s.working_dir = opt_string(v, f)?,
            "hostname" => s.hostname = opt_string(v, f)?,
            "domainname" => s.domainname = opt_string(v, f)?,
            "mac_address" => s.mac_address = opt_string(v, f)?,
            "stop_grace_period" => s.stop_grace_period = opt(v, || duration(v, f))?,
            "stop_signal" => s.stop_signal = opt_string(v, f)?,
            "network_mode" => s.network_mode = opt_string(v, f)?,
            "networks" => s.networks = networks(v, f)?,
            "links" => s.links = string_list(v, f)?,
            "external_links" => s.external_links = string_list(v, f)?,
            "pid" => s.pid = opt_string(v, f)?,
            "ipc" => s.ipc = opt_string(v, f)?,
            "uts" => s.uts = opt_string(v, f)?,
            "userns_mode" => s.userns_mode = opt_string(v, f)?,
            "cgroup" => s.cgroup = opt_string(v, f)?,
            "cgroup_parent" => s.cgroup_parent = opt_string(v, f)?,
            "container_name" => s.container_name = opt_string(v, f)?,
            "platform" => s.platform = opt_string(v, f)?,
            "pull_policy" => s.pull_policy = opt_string(v, f)?,
            "runtime" => s.runtime = opt_string(v, f)?,
            "isolation" => s.isolation = opt_string(v, f)?,
            "scale" => s.scale = opt(v, || uint(v, f))?,
            "profiles" => s.profiles = string_list(v, f)?,
            "shm_size" => s.shm_size = opt(v, || bytes(v, f))?,
            "mem_limit" => s.mem_limit = opt(v, || bytes(v, f))?,
            "mem_reservation" => s.mem_reservation = opt(v, || bytes(v, f))?,
            "memswap_limit" => {
                s.memswap_limit = opt(v, || {
                    if v.as_scalar().map(str::trim) == Some("-1") {
                        Ok(-1)
                    } else {
                        let b = bytes(v, f)?;
                        i64::try_from(b).map_err(|_| bad(v, f, "out of range"))
                    }
                })?
            }
            "mem_swappiness" => s.mem_swappiness = opt(v, || int(v, f))?,
            "cpus" => s.cpus = opt(v, || float(v, f))?,
            "cpu_shares" => s.cpu_shares = opt(v, || int(v, f))?,
            "cpu_quota" => s.cpu_quota = opt(v, || int(v, f))?,
            "cpu_period" => s.cpu_period = opt(v, || int(v, f))?,
            "cpuset" => s.cpuset = opt_string(v, f)?,
            "pids_limit" => s.pids_limit = opt(v, || int(v, f))?,
            "oom_score_adj" => s.oom_score_adj = opt(v, || int(v, f))?,
            "devices" => s.devices = devices(v, f)?,
            "device_cgroup_rules" => s.device_cgroup_rules = string_list(v, f)?,
            "logging" => s.logging = opt(v, || logging(v, f))?,
            "storage_opt" => s.storage_opt = string_map(v, f)?,
            x if x.starts_with("x-") => {}
            x if SERVICE_KEYS.contains(&x) => {}
            other => {
                return Err(LoadError::at(
                    &k.pos,
                    &base,
                    format!("additional property {other:?} is not allowed"),
                ));
            }
        }
    }
    // Environment, as compose-go resolves it: `environment` first (keys without a value take
    // the project environment's value, if any); then each env_file in order, whose values may
    // refer to the service's `environment`, to earlier files' values and to the project
    // environment; `environment` wins over the files.
    let active =
        s.profiles.is_empty() || selected.iter().any(|p| p == "*" || s.profiles.contains(p));
    let mut own: Vec<(String, Option<String>)> = Vec::new();
    for (k, v, pos) in environment {
        if k.is_empty() {
            return Err(LoadError::at(
                &pos,
                sub(&base, "environment"),
                "empty variable name",
            ));
        }
        if let Some(why) = env_name_error(&k) {
            return Err(LoadError::at(&pos, sub(&base, "environment"), why));
        }
        let v = v.or_else(|| cx.env.get(&k).cloned());
        own.push((k, v));
    }
    // What env_file values see first (compose-go's `vars`): the service's own values, then
    // each file's values over them.
    let mut vars: BTreeMap<String, String> = own
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
        .collect();
    let mut env: BTreeMap<String, Option<String>> = BTreeMap::new();
    for ef in s.env_file.iter().filter(|_| active) {
        let Some(text) = read_env_file(ef, n, &base)? else {
            continue;
        };
        let pairs = if ef.format.as_deref() == Some("raw") {
            super::dotenv::parse_raw(&text)
        } else {
            let lookup = |k: &str| vars.get(k).or_else(|| cx.env.get(k)).cloned();
            super::dotenv::parse(&text, &lookup).map_err(|e| LoadError::EnvFile {
                file: ef.path.display().to_string(),
                line: e.line,
                message: e.message,
            })?
        };
        for (k, v) in pairs {
            if let Some(why) = env_name_error(&k) {
                return Err(LoadError::at(
                    n.get("env_file").map(|x| &x.pos).unwrap_or(&n.pos),
                    sub(&base, "env_file"),
                    format!("{}: {why}", ef.path.display()),
                ));
            }
            vars.insert(k.clone(), v.clone());
            env.insert(k, Some(v));
        }
    }
    for (k, v) in own {
        match v {
            Some(v) => {
                env.insert(k, Some(v));
            }
            None => {
                env.entry(k).or_insert(None);
            }
        }
    }
    s.environment = env;
    if active && s.image.is_none() && s.build.is_none() {
        cx.warnings.push(Warning {
            pos: Some(key_pos.clone()),
            message: format!("service {name:?} has neither an image nor a build context"),
        });
    }
    Ok((s, active))
}

fn read_env_file(ef: &EnvFile, n: &Node, base: &str) -> R<Option<String>> {
    match std::fs::read_to_string(&ef.path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !ef.required => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(LoadError::at(
            n.get("env_file").map(|x| &x.pos).unwrap_or(&n.pos),
            sub(base, "env_file"),
            format!("env file {} not found", ef.path.display()),
        )),
        Err(source) => Err(LoadError::Read {
            path: ef.path.clone(),
            source,
        }),
    }
}

// ---------------------------------------------------------------- top-level objects

fn top_name_external(v: &Node, f: &str) -> R<(bool, Option<String>)> {
    // `external: true`, or the legacy `external: {name: x}`.
    match &v.value {
        Value::Map(_) => {
            let name = v
                .get("name")
                .map(|n| string(n, &sub(f, "name")))
                .transpose()?;
            Ok((true, name))
        }
        Value::Null => Ok((false, None)),
        _ => Ok((boolean(v, f)?, None)),
    }
}

pub(crate) fn volume_def(name: &str, key_pos: &Pos, n: &Node) -> R<VolumeDef> {
    let f = format!("volumes.{name}");
    let m = entries(n, &f)?;
    let (keys, _) = split_keys(m);
    let mut d = VolumeDef {
        pos: key_pos.clone(),
        keys,
        ..Default::default()
    };
    for (k, v) in m {
        let f = sub(&f, &k.name);
        match k.name.as_str() {
            "name" => d.name = opt_string(v, &f)?,
            "driver" => d.driver = opt_string(v, &f)?,
            "driver_opts" => d.driver_opts = string_map(v, &f)?,
            "labels" => (d.labels, d.label_keys) = labels(v, &f)?,
            "external" => {
                let (e, n) = top_name_external(v, &f)?;
                d.external = e;
                if n.is_some() {
                    d.name = n;
                }
            }
            _ => {}
        }
    }
    Ok(d)
}

pub(crate) fn network_def(name: &str, key_pos: &Pos, n: &Node) -> R<NetworkDef> {
    let f = format!("networks.{name}");
    let m = entries(n, &f)?;
    let (keys, _) = split_keys(m);
    let mut d = NetworkDef {
        pos: key_pos.clone(),
        keys,
        ..Default::default()
    };
    for (k, v) in m {
        let f = sub(&f, &k.name);
        if v.is_null() {
            continue;
        }
        match k.name.as_str() {
            "name" => d.name = opt_string(v, &f)?,
            "driver" => d.driver = opt_string(v, &f)?,
            "driver_opts" => d.driver_opts = string_map(v, &f)?,
            "labels" => d.labels = string_map(v, &f)?,
            "internal" => d.internal = boolean(v, &f)?,
            "attachable" => d.attachable = boolean(v, &f)?,
            "enable_ipv6" => d.enable_ipv6 = Some(boolean(v, &f)?),
            "external" => {
                let (e, n) = top_name_external(v, &f)?;
                d.external = e;
                if n.is_some() {
                    d.name = n;
                }
            }
            _ => {}
        }
    }
    Ok(d)
}

pub(crate) fn file_object(
    kind: &str,
    name: &str,
    key_pos: &Pos,
    n: &Node,
    cx: &Cx<'_>,
) -> R<FileObject> {
    let f = format!("{kind}.{name}");
    let m = entries(n, &f)?;
    let (keys, _) = split_keys(m);
    let mut d = FileObject {
        pos: key_pos.clone(),
        keys,
        ..Default::default()
    };
    for (k, v) in m {
        let f = sub(&f, &k.name);
        if v.is_null() {
            continue;
        }
        match k.name.as_str() {
            "name" => d.name = opt_string(v, &f)?,
            "file" => d.file = Some(PathBuf::from(host_path(&string(v, &f)?, cx))),
            "content" => d.content = opt_string(v, &f)?,
            "environment" => d.environment = opt_string(v, &f)?,
            "driver" => d.driver = opt_string(v, &f)?,
            "labels" => d.labels = string_map(v, &f)?,
            "external" => {
                let (e, n) = top_name_external(v, &f)?;
                d.external = e;
                if n.is_some() {
                    d.name = n;
                }
            }
            _ => {}
        }
    }
    let sources = [
        d.file.is_some(),
        d.content.is_some(),
        d.environment.is_some(),
        d.external,
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if sources == 0 && d.driver.is_none() {
        return Err(bad(
            n,
            &f,
            "one of file, content, environment or external is required",
        ));
    }
    if sources > 1 {
        return Err(bad(
            n,
            &f,
            "only one of file, content, environment or external may be set",
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::compose::yaml::parse;

    fn node(src: &str) -> Node {
        parse(src, "t.yaml").unwrap().remove(0)
    }

    fn p() -> Pos {
        Pos::default()
    }

    #[test]
    fn short_ports() {
        let one = |s: &str| parse_port_short(s, &p()).unwrap();
        let x = one("8080:80");
        assert_eq!(
            (
                x[0].target,
                x[0].published.as_deref(),
                x[0].protocol.as_str()
            ),
            (80, Some("8080"), "tcp")
        );
        let x = one("127.0.0.1:8080:80/udp");
        assert_eq!(
            (x[0].host_ip.as_deref(), x[0].protocol.as_str()),
            (Some("127.0.0.1"), "udp")
        );
        assert_eq!(one("3000-3005").len(), 6);
        assert_eq!(one("3000-3005")[5].published, None);
        let x = one("9090-9091:8080-8081");
        assert_eq!(
            (x[1].target, x[1].published.as_deref()),
            (8081, Some("9091"))
        );
        let x = one("9090-9091:8080");
        assert_eq!((x.len(), x[0].published.as_deref()), (1, Some("9090-9091")));
        let x = one("[::1]:6000:6000");
        assert_eq!(x[0].host_ip.as_deref(), Some("::1"));
        let x = one("127.0.0.1::5000");
        assert_eq!((x[0].published.as_deref(), x[0].target), (None, 5000));
        for bad in [
            "80:80:80:80",
            "x",
            "70000",
            "80/foo",
            "1-2:1-3",
            "nothost:80:80",
        ] {
            assert!(parse_port_short(bad, &p()).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_volumes() {
        let v = parse_volume_short("./data:/data:ro").unwrap();
        assert_eq!(
            (v.source.as_deref(), v.target.as_str(), v.mode.as_deref()),
            (Some("./data"), "/data", Some("ro"))
        );
        let v = parse_volume_short("C:\\x:/data").unwrap();
        assert_eq!(v.source.as_deref(), Some("C:\\x"));
        let v = parse_volume_short("/anon").unwrap();
        assert_eq!((v.source, v.target.as_str()), (None, "/anon"));
        assert!(parse_volume_short("aa:bb:cc:dd").is_err());
        // compose-go's isWindowsDrive: any one-letter section followed by a colon.
        let short = |s: &str| {
            let v = parse_volume_short(s).unwrap();
            (v.source, v.target, v.mode)
        };
        let some = |s: &str| Some(s.to_string());
        assert_eq!(short("w:/w"), (None, "w:/w".into(), None));
        assert_eq!(short("w:/w:ro"), (some("w:/w"), "ro".into(), None));
        assert_eq!(short("c:x"), (None, "c:x".into(), None));
        assert_eq!(short("w:"), (None, "w:".into(), None));
        assert_eq!(
            short("data:c:/x:ro"),
            (some("data"), "c:/x".into(), some("ro"))
        );
        assert_eq!(short("é:/x"), (None, "é:/x".into(), None));
        assert_eq!(short("vv:/v:ro"), (some("vv"), "/v".into(), some("ro")));
        assert_eq!(short("1:/x"), (some("1"), "/x".into(), None));
        assert_eq!(short("a:b:c:d"), (some("a:b"), "c:d".into(), None));
    }

    #[test]
    fn modes_and_bools() {
        let n = node(
            "a: 0440\nb: '0440'\nc: 440\nd: '440'\ne: 0o440\nf: yes\ng: Off\nh: maybe\ni: 288\nj: 0x120\nk: 7\n",
        );
        let mut w = Vec::new();
        for k in ["a", "b", "c", "d", "e", "j"] {
            assert_eq!(mode(n.get(k).unwrap(), k, &mut w).unwrap(), 0o440, "{k}");
        }
        // Only the plain decimal-looking 440 is read differently from YAML, and says so.
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(
            w[0].to_string(),
            "t.yaml:3:4: c: file mode 440 is read as octal 0440 (compose file modes are octal; write 0440 to say so)"
        );
        assert_eq!(mode(n.get("k").unwrap(), "k", &mut w).unwrap(), 7);
        assert_eq!(w.len(), 1, "one digit means the same either way");
        let e = mode(n.get("i").unwrap(), "i", &mut w)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.yaml:9:4: i: file mode 288 is a decimal number"),
            "{e}"
        );
        assert!(boolean(n.get("f").unwrap(), "f").unwrap());
        assert!(!boolean(n.get("g").unwrap(), "g").unwrap());
        let e = boolean(n.get("h").unwrap(), "h").unwrap_err().to_string();
        assert_eq!(e, "t.yaml:8:4: h: invalid boolean \"maybe\"");
    }
}
