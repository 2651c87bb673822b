//! The `[b00t.k8s]` settings that add objects or scheduling constraints to a server: `size`,
//! `storage`, `network_policy`, `gpu`, `pdb` and `autoscale` (README "Datum reference").
//!
//! Each table accepts only the keys documented; an unknown key is an error with its position,
//! so a typo never silently drops a setting.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

use super::error::Result;
use super::spans::{Doc, Val, get, is_dns_label, is_dns_subdomain};
use super::{K8s, Size};
use crate::workload::{
    AccessMode, Autoscale, DisruptionBudget, NetworkPolicy, NodeRequirement, PodCount, PolicyPeer,
    PolicyRule, Protocol, Toleration,
};

/// `storage = { size, class, mount, access }`: one PersistentVolumeClaim owned by the server,
/// mounted writable at `mount`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    pub size: String,
    /// `storageClassName`; `None` is the cluster's default class.
    pub class: Option<String>,
    /// Where the volume is mounted (default `/data`).
    pub mount: String,
    pub access: AccessMode,
}

/// The default mount path of `storage`.
pub const DEFAULT_MOUNT: &str = "/data";

/// GPU vendors b00t knows the device plugin conventions of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuVendor {
    Nvidia,
    Amd,
}

impl GpuVendor {
    /// The extended resource the vendor's device plugin advertises (and taints nodes with).
    pub fn resource(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "nvidia.com/gpu",
            GpuVendor::Amd => "amd.com/gpu",
        }
    }

    /// The node label holding the GPU model: NVIDIA GPU feature discovery's
    /// `nvidia.com/gpu.product`, the AMD GPU node labeller's `amd.com/gpu.product-name`.
    pub fn product_label(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "nvidia.com/gpu.product",
            GpuVendor::Amd => "amd.com/gpu.product-name",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "nvidia",
            GpuVendor::Amd => "amd",
        }
    }
}

/// `gpu = { count, vendor, product }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gpu {
    pub count: u32,
    pub vendor: GpuVendor,
    /// Required value of the vendor's product label, if any.
    pub product: Option<String>,
}

impl Gpu {
    /// Required node affinity on the product label (none without a product).
    pub fn affinity(&self) -> Option<NodeRequirement> {
        self.product.as_ref().map(|p| NodeRequirement {
            key: self.vendor.product_label().into(),
            operator: "In",
            values: vec![p.clone()],
        })
    }

    /// The toleration of the taint the vendor's GPU nodes usually carry
    /// (`<resource>:NoSchedule`, any value).
    pub fn toleration(&self) -> Toleration {
        Toleration {
            key: self.vendor.resource().into(),
            operator: "Exists",
            value: None,
            effect: Some("NoSchedule"),
        }
    }
}

/// Keys `t` may have; anything else is an error at its position.
fn only(doc: &Doc<'_>, key: &str, t: &DeTable<'_>, allowed: &[&str]) -> Result<()> {
    for (k, _) in t.iter() {
        let name = k.get_ref();
        if !allowed.contains(&name.as_ref()) {
            return Err(doc.invalid(
                &format!("{key}.{name}"),
                k.span(),
                format!("unknown key (expected one of: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn one_of<T: Copy>(doc: &Doc<'_>, key: &str, v: &Val<'_>, choices: &[(&str, T)]) -> Result<T> {
    let s = doc.str(key, v)?;
    choices
        .iter()
        .find(|(n, _)| *n == s)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let names: Vec<String> = choices.iter().map(|(n, _)| format!("{n:?}")).collect();
            doc.invalid(
                key,
                v.span(),
                format!("expected one of {}, found {s:?}", names.join(", ")),
            )
        })
}

/// Parse the settings of this module into `k` (after `port` and `resources`, which they refer
/// to).
pub(super) fn parse(doc: &Doc<'_>, t: &DeTable<'_>, k: &mut K8s) -> Result<()> {
    if let Some(v) = get(t, "size") {
        let choices: Vec<(&str, Size)> = Size::NAMES
            .iter()
            .map(|n| (*n, Size::parse(n).expect("a size name")))
            .collect();
        k.size = Some(one_of(doc, "b00t.k8s.size", v, &choices)?);
    }
    if let Some(v) = get(t, "storage") {
        k.storage = Some(storage(doc, v)?);
    }
    if let Some(v) = get(t, "gpu") {
        k.gpu = Some(gpu(doc, v)?);
    }
    if let Some(v) = get(t, "pdb") {
        k.pdb = Some(pdb(doc, v)?);
    }
    if let Some(v) = get(t, "autoscale") {
        let a = autoscale(doc, v)?;
        if let Some(r) = get(t, "replicas") {
            return Err(doc.invalid(
                "b00t.k8s.replicas",
                r.span(),
                "conflicts with autoscale (the autoscaler sets the replicas between min and max)",
            ));
        }
        // Utilisation is a percentage of the request: the request must be the user's choice,
        // not a default they never saw.
        let explicit = k.size.is_some();
        if a.cpu_percent.is_some() && !explicit && k.resources.requests_cpu.is_none() {
            return Err(doc.invalid(
                "b00t.k8s.autoscale.cpu_percent",
                v.span(),
                "needs a CPU request to measure utilisation against: set size or resources.requests.cpu",
            ));
        }
        if a.memory_percent.is_some() && !explicit && k.resources.requests_memory.is_none() {
            return Err(doc.invalid(
                "b00t.k8s.autoscale.memory_percent",
                v.span(),
                "needs a memory request to measure utilisation against: set size or resources.requests.memory",
            ));
        }
        k.autoscale = Some(a);
    }
    if let Some(v) = get(t, "network_policy") {
        k.network_policy = Some(network_policy(doc, v, k.port)?);
    }
    Ok(())
}

fn storage(doc: &Doc<'_>, v: &Val<'_>) -> Result<Storage> {
    let key = "b00t.k8s.storage";
    let t = doc.table(key, v)?;
    only(doc, key, t, &["size", "class", "mount", "access"])?;
    let Some(size_v) = get(t, "size") else {
        return Err(doc.invalid(key, v.span(), "missing key size (such as \"1Gi\")"));
    };
    let size = doc.quantity(&format!("{key}.size"), size_v)?;
    if crate::render::validate::quantity(&size).is_none_or(|q| q <= 0.0) {
        return Err(doc.invalid(
            &format!("{key}.size"),
            size_v.span(),
            "must be greater than zero",
        ));
    }
    let class = match get(t, "class") {
        Some(c) => {
            let name = doc.word(&format!("{key}.class"), c)?;
            if !is_dns_subdomain(&name) {
                return Err(doc.invalid(
                    &format!("{key}.class"),
                    c.span(),
                    format!("{name:?} is not a valid storage class name"),
                ));
            }
            Some(name)
        }
        None => None,
    };
    let mount = match get(t, "mount") {
        Some(m) => {
            let path = doc.word(&format!("{key}.mount"), m)?;
            if !path.starts_with('/') || path == "/" || path.split('/').any(|s| s == "..") {
                return Err(doc.invalid(
                    &format!("{key}.mount"),
                    m.span(),
                    format!(
                        "expected an absolute path other than / (such as \"/data\"), found {path:?}"
                    ),
                ));
            }
            if path == "/tmp" {
                return Err(doc.invalid(
                    &format!("{key}.mount"),
                    m.span(),
                    "/tmp is the pod's scratch directory; choose another path",
                ));
            }
            path
        }
        None => DEFAULT_MOUNT.to_string(),
    };
    let access = match get(t, "access") {
        Some(a) => one_of(
            doc,
            &format!("{key}.access"),
            a,
            &[
                ("rwo", AccessMode::ReadWriteOnce),
                ("rwx", AccessMode::ReadWriteMany),
                ("rox", AccessMode::ReadOnlyMany),
                ("rwop", AccessMode::ReadWriteOncePod),
            ],
        )?,
        None => AccessMode::ReadWriteOnce,
    };
    Ok(Storage {
        size,
        class,
        mount,
        access,
    })
}

fn gpu(doc: &Doc<'_>, v: &Val<'_>) -> Result<Gpu> {
    let key = "b00t.k8s.gpu";
    let t = doc.table(key, v)?;
    only(doc, key, t, &["count", "vendor", "product"])?;
    let count = match get(t, "count") {
        Some(c) => doc.int_in(
            &format!("{key}.count"),
            c,
            1,
            64,
            "must be between 1 and 64",
        )? as u32,
        None => 1,
    };
    let vendor = match get(t, "vendor") {
        Some(vv) => one_of(
            doc,
            &format!("{key}.vendor"),
            vv,
            &[("nvidia", GpuVendor::Nvidia), ("amd", GpuVendor::Amd)],
        )?,
        None => GpuVendor::Nvidia,
    };
    let product = match get(t, "product") {
        Some(p) => {
            let s = doc.word(&format!("{key}.product"), p)?;
            if !crate::render::validate::is_label_value(&s) || s.len() > 63 {
                return Err(doc.invalid(
                    &format!("{key}.product"),
                    p.span(),
                    format!(
                        "{s:?} is not a node label value (letters, digits, '-', '_', '.', at most 63)"
                    ),
                ));
            }
            Some(s)
        }
        None => None,
    };
    Ok(Gpu {
        count,
        vendor,
        product,
    })
}

/// `1` or `"50%"`.
fn pod_count(doc: &Doc<'_>, key: &str, v: &Val<'_>) -> Result<PodCount> {
    match v.get_ref() {
        DeValue::Integer(_) => {
            let n = doc.int_in(key, v, 0, i64::from(i32::MAX), "must be 0 or more")?;
            Ok(PodCount::Count(n as i32))
        }
        DeValue::String(s) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<u8>().ok())
            .filter(|p| *p <= 100)
            .map(PodCount::Percent)
            .ok_or_else(|| {
                doc.invalid(
                    key,
                    v.span(),
                    format!(
                        "expected a number of pods or a percentage such as \"50%\", found {s:?}"
                    ),
                )
            }),
        _ => Err(doc.wrong_type(key, "a number of pods or a percentage string", v)),
    }
}

fn pdb(doc: &Doc<'_>, v: &Val<'_>) -> Result<DisruptionBudget> {
    let key = "b00t.k8s.pdb";
    let t = doc.table(key, v)?;
    only(doc, key, t, &["min_available", "max_unavailable"])?;
    match (get(t, "min_available"), get(t, "max_unavailable")) {
        (Some(m), None) => Ok(DisruptionBudget::MinAvailable(pod_count(
            doc,
            &format!("{key}.min_available"),
            m,
        )?)),
        (None, Some(m)) => Ok(DisruptionBudget::MaxUnavailable(pod_count(
            doc,
            &format!("{key}.max_unavailable"),
            m,
        )?)),
        (Some(_), Some(m)) => Err(doc.invalid(
            &format!("{key}.max_unavailable"),
            m.span(),
            "set min_available or max_unavailable, not both",
        )),
        (None, None) => Err(doc.invalid(
            key,
            v.span(),
            "missing key min_available or max_unavailable",
        )),
    }
}

fn autoscale(doc: &Doc<'_>, v: &Val<'_>) -> Result<Autoscale> {
    let key = "b00t.k8s.autoscale";
    let t = doc.table(key, v)?;
    only(
        doc,
        key,
        t,
        &["min", "max", "cpu_percent", "memory_percent"],
    )?;
    let min = match get(t, "min") {
        Some(m) => doc.int_in(
            &format!("{key}.min"),
            m,
            1,
            i64::from(i32::MAX),
            "must be 1 or more",
        )? as i32,
        None => 1,
    };
    let Some(max_v) = get(t, "max") else {
        return Err(doc.invalid(key, v.span(), "missing key max"));
    };
    let max = doc.int_in(
        &format!("{key}.max"),
        max_v,
        1,
        i64::from(i32::MAX),
        "must be 1 or more",
    )? as i32;
    if max < min {
        return Err(doc.invalid(
            &format!("{key}.max"),
            max_v.span(),
            format!("must be at least min ({min}), found {max}"),
        ));
    }
    let percent = |name: &str| -> Result<Option<u8>> {
        get(t, name)
            .map(|p| {
                doc.int_in(
                    &format!("{key}.{name}"),
                    p,
                    1,
                    100,
                    "must be a percentage between 1 and 100",
                )
                .map(|n| n as u8)
            })
            .transpose()
    };
    let mut cpu_percent = percent("cpu_percent")?;
    let memory_percent = percent("memory_percent")?;
    if cpu_percent.is_none() && memory_percent.is_none() {
        cpu_percent = Some(DEFAULT_CPU_PERCENT);
    }
    Ok(Autoscale {
        min,
        max,
        cpu_percent,
        memory_percent,
    })
}

/// `autoscale` without a target aims at this average CPU utilisation.
pub const DEFAULT_CPU_PERCENT: u8 = 80;

/// DNS: UDP and TCP 53 to any destination (cluster DNS, a node-local cache, or an upstream).
fn dns_rule() -> PolicyRule {
    PolicyRule {
        peers: Vec::new(),
        ports: vec![(Protocol::Udp, 53), (Protocol::Tcp, 53)],
    }
}

/// The server's own port (if it listens): what an isolated server still accepts.
fn own_port(port: Option<u16>) -> Vec<(Protocol, u16)> {
    port.map(|p| (Protocol::Tcp, p)).into_iter().collect()
}

/// `network_policy`: `"none"`, `"all"` or `{ isolate, ingress_from, egress_to }`.
fn network_policy(doc: &Doc<'_>, v: &Val<'_>, port: Option<u16>) -> Result<NetworkPolicy> {
    let key = "b00t.k8s.network_policy";
    if let DeValue::String(s) = v.get_ref() {
        return match s.as_ref() {
            "none" => Ok(NetworkPolicy {
                ingress: Some(Vec::new()),
                egress: Some(Vec::new()),
            }),
            "all" => Ok(NetworkPolicy {
                ingress: Some(vec![PolicyRule::default()]),
                egress: Some(vec![PolicyRule::default()]),
            }),
            other => Err(doc.invalid(
                key,
                v.span(),
                format!("expected \"none\", \"all\" or a table, found {other:?}"),
            )),
        };
    }
    let t = doc.table(key, v)?;
    only(doc, key, t, &["isolate", "ingress_from", "egress_to"])?;
    let isolate = match get(t, "isolate") {
        Some(b) => b
            .get_ref()
            .as_bool()
            .ok_or_else(|| doc.wrong_type(&format!("{key}.isolate"), "a boolean", b))?,
        None => true,
    };
    let ingress = match get(t, "ingress_from") {
        Some(list) => {
            let peers = peers(doc, &format!("{key}.ingress_from"), list, false)?;
            Some(
                peers
                    .into_iter()
                    .map(|r| PolicyRule {
                        ports: own_port(port),
                        ..r
                    })
                    .collect(),
            )
        }
        None if isolate => Some(
            port.map(|p| PolicyRule {
                peers: Vec::new(),
                ports: own_port(Some(p)),
            })
            .into_iter()
            .collect(),
        ),
        None => None,
    };
    let egress = match get(t, "egress_to") {
        Some(list) => {
            let mut rules = vec![dns_rule()];
            rules.extend(peers(doc, &format!("{key}.egress_to"), list, true)?);
            Some(rules)
        }
        None if isolate => Some(vec![dns_rule()]),
        None => None,
    };
    Ok(NetworkPolicy { ingress, egress })
}

/// An array of peer tables, one rule each: `{ pods = {labels}, namespace = "name" | namespaces = {labels} }`
/// or `{ cidr = "10.0.0.0/8", except = [...] }`, egress ones with `ports = [443, "53/udp"]`.
fn peers(doc: &Doc<'_>, key: &str, v: &Val<'_>, with_ports: bool) -> Result<Vec<PolicyRule>> {
    let arr = v
        .get_ref()
        .as_array()
        .ok_or_else(|| doc.wrong_type(key, "an array of tables", v))?;
    let mut out = Vec::new();
    for (i, item) in arr.iter().enumerate() {
        let k = format!("{key}[{i}]");
        let t = doc.table(&k, item)?;
        let mut allowed = vec!["pods", "namespace", "namespaces", "cidr", "except"];
        if with_ports {
            allowed.push("ports");
        }
        only(doc, &k, t, &allowed)?;
        let peer = if let Some(c) = get(t, "cidr") {
            if let Some((name, x)) = ["pods", "namespace", "namespaces"]
                .iter()
                .find_map(|n| get(t, n).map(|x| (n, x)))
            {
                return Err(doc.invalid(
                    &format!("{k}.{name}"),
                    x.span(),
                    "a peer is either a cidr or pods/namespaces, not both",
                ));
            }
            let cidr = self::cidr(doc, &format!("{k}.cidr"), c)?;
            let except = match get(t, "except") {
                Some(e) => {
                    let ek = format!("{k}.except");
                    let arr = e
                        .get_ref()
                        .as_array()
                        .ok_or_else(|| doc.wrong_type(&ek, "an array of CIDRs", e))?;
                    arr.iter()
                        .enumerate()
                        .map(|(j, x)| self::cidr(doc, &format!("{ek}[{j}]"), x))
                        .collect::<Result<Vec<_>>>()?
                }
                None => Vec::new(),
            };
            PolicyPeer::Cidr { cidr, except }
        } else {
            if let Some(e) = get(t, "except") {
                return Err(doc.invalid(&format!("{k}.except"), e.span(), "except goes with cidr"));
            }
            let pods = get(t, "pods")
                .map(|p| labels(doc, &format!("{k}.pods"), p))
                .transpose()?;
            let namespaces = match (get(t, "namespace"), get(t, "namespaces")) {
                (Some(_), Some(n)) => {
                    return Err(doc.invalid(
                        &format!("{k}.namespaces"),
                        n.span(),
                        "set namespace or namespaces, not both",
                    ));
                }
                (Some(n), None) => {
                    let name = doc.word(&format!("{k}.namespace"), n)?;
                    if !is_dns_label(&name) {
                        return Err(doc.invalid(
                            &format!("{k}.namespace"),
                            n.span(),
                            format!("{name:?} is not a valid namespace"),
                        ));
                    }
                    Some(BTreeMap::from([(
                        "kubernetes.io/metadata.name".to_string(),
                        name,
                    )]))
                }
                (None, Some(n)) => Some(labels(doc, &format!("{k}.namespaces"), n)?),
                (None, None) => None,
            };
            if pods.is_none() && namespaces.is_none() {
                return Err(doc.invalid(
                    &k,
                    item.span(),
                    "expected pods, namespace, namespaces or cidr",
                ));
            }
            PolicyPeer::Pods { pods, namespaces }
        };
        let ports = match get(t, "ports") {
            Some(p) => policy_ports(doc, &format!("{k}.ports"), p)?,
            None => Vec::new(),
        };
        out.push(PolicyRule {
            peers: vec![peer],
            ports,
        });
    }
    Ok(out)
}

/// A table of label selectors (`{ "app.kubernetes.io/name" = "client" }`; `{}` is everything).
fn labels(doc: &Doc<'_>, key: &str, v: &Val<'_>) -> Result<BTreeMap<String, String>> {
    let t = doc.table(key, v)?;
    let mut out = BTreeMap::new();
    for (k, val) in t.iter() {
        let name = k.get_ref().to_string();
        let full = format!("{key}.{name}");
        if !crate::render::validate::is_qualified_name(&name) {
            return Err(doc.invalid(&full, k.span(), "not a valid label key"));
        }
        let value = doc.str(&full, val)?;
        if !crate::render::validate::is_label_value(&value) {
            return Err(doc.invalid(
                &full,
                val.span(),
                format!("{value:?} is not a valid label value"),
            ));
        }
        out.insert(name, value);
    }
    Ok(out)
}

/// An IPv4 or IPv6 CIDR (`10.0.0.0/8`, `2001:db8::/32`).
fn cidr(doc: &Doc<'_>, key: &str, v: &Val<'_>) -> Result<String> {
    let s = doc.word(key, v)?;
    let ok = s.split_once('/').is_some_and(|(ip, bits)| {
        match (ip.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
            (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
            (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
            _ => false,
        }
    });
    if !ok {
        return Err(doc.invalid(
            key,
            v.span(),
            format!("expected a CIDR such as \"10.0.0.0/8\", found {s:?}"),
        ));
    }
    Ok(s)
}

/// `[443, "53/udp", "8080/tcp"]`.
fn policy_ports(doc: &Doc<'_>, key: &str, v: &Val<'_>) -> Result<Vec<(Protocol, u16)>> {
    let arr = v
        .get_ref()
        .as_array()
        .ok_or_else(|| doc.wrong_type(key, "an array of ports", v))?;
    let mut out = Vec::new();
    for (i, item) in arr.iter().enumerate() {
        let k = format!("{key}[{i}]");
        let parsed = match item.get_ref() {
            DeValue::Integer(_) => {
                let n = doc.int_in(
                    &k,
                    item,
                    1,
                    65535,
                    "must be a port number between 1 and 65535",
                )?;
                Some((Protocol::Tcp, n as u16))
            }
            DeValue::String(s) => {
                let (n, proto) = s.split_once('/').unwrap_or((s, "tcp"));
                let proto = match proto {
                    "tcp" => Some(Protocol::Tcp),
                    "udp" => Some(Protocol::Udp),
                    "sctp" => Some(Protocol::Sctp),
                    _ => None,
                };
                match (n.parse::<u16>(), proto) {
                    (Ok(n), Some(p)) if n > 0 => Some((p, n)),
                    _ => None,
                }
            }
            _ => None,
        };
        out.push(parsed.ok_or_else(|| {
            doc.invalid(
                &k,
                item.span(),
                "expected a port number or \"PORT/tcp|udp|sctp\"",
            )
        })?);
    }
    Ok(out)
}
