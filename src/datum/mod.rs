//! `*.mcp.toml` datums → [`Workload`](crate::workload::Workload).
//!
//! A datum describes one MCP server (DESIGN.md §4). Both forms load:
//!
//! - legacy: `[b00t] name, type = "mcp", command, args, hint` and `[b00t.env]`;
//! - current: `[[b00t.mcp.stdio]]` methods (command, args, priority, `env`) and
//!   `[b00t.mcp.httpstream]` (url, priority), a table or an array of tables.
//!
//! b00t's own Kubernetes settings live in `[b00t.k8s]` ([`K8s`]). Unknown keys are ignored,
//! except inside the setting tables that add objects (`storage`, `network_policy`, `gpu`, `pdb`,
//! `autoscale`), where a misspelt key would silently drop a constraint; keys b00t reads are
//! validated and errors say `path:line:col: key: message`.
//!
//! # API
//!
//! - [`search_dirs`]`(explicit)`: the datum directories, in lookup order (`--path`, then
//!   `~/.b00t/_b00t_`, then `~/.dotfiles/_b00t_`), existing or not.
//! - [`find`]`(name, dirs)`: load `<name>.mcp.toml` from the first directory that has it
//!   ([`Error::Find`], exit class not-found, otherwise).
//! - [`list`]`(dirs)`: every datum found ([`DatumEntry`]: name and path), sorted by name.
//! - [`load`]`(path)` / [`Datum::parse`]: read one datum.
//! - [`UserConfig`]: `~/.config/b00t/config.toml` (`[images]` overrides per command).
//! - [`to_workload`]`(datum, &`[`DeployOptions`]`)`: pick the method to run, resolve its image
//!   (`--image` > `[b00t.k8s] image` > `docker run` image / user config / built-in default per
//!   command), interpolate `${VAR}` from the caller's environment, and build the workload.
//!
//! Nothing here prints or knows about the command line.

mod config;
mod deploy;
mod docker;
mod error;
mod interp;
mod settings;
mod spans;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use snafu::ResultExt;
use toml::de::DeTable;

pub use config::{DEFAULT_IMAGES, UserConfig};
pub use deploy::{DeployOptions, EnvLookup, process_env, to_workload};
pub use error::{Error, Result};
pub use settings::{DEFAULT_CPU_PERCENT, DEFAULT_MOUNT, Gpu, GpuVendor, Storage};
pub use spans::{Location, is_quantity};

use crate::workload::{Resources, dns_label};
use error::{ListSnafu, ReadSnafu};
use spans::{Doc, Val, get, is_dns_label, is_dns_subdomain};

/// File name suffix of MCP datums.
pub const SUFFIX: &str = ".mcp.toml";

/// One MCP server datum, as read from `<name>.mcp.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datum {
    /// `b00t.name`, or the file name without `.mcp.toml` when absent.
    pub name: String,
    pub path: PathBuf,
    /// `b00t.hint`: a one-line description, for `list` and `status`.
    pub hint: Option<String>,
    /// `[b00t.env]`: env for every method (a method's own env wins).
    pub env: BTreeMap<String, String>,
    /// Local (stdio) methods in file order; the legacy `[b00t] command` comes first.
    pub stdio: Vec<StdioMethod>,
    /// Remote (httpstream) methods in file order.
    pub httpstream: Vec<HttpMethod>,
    /// `[b00t.k8s]`.
    pub k8s: K8s,
}

/// A `[[b00t.mcp.stdio]]` method (or the legacy `[b00t] command`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdioMethod {
    pub command: String,
    pub args: Vec<String>,
    /// Lower wins; default 0.
    pub priority: i64,
    /// Method env (`[b00t.mcp.stdio.env]`), winning over `[b00t.env]`.
    pub env: BTreeMap<String, String>,
    /// Where it is defined: `b00t.mcp.stdio[1]`, `b00t.mcp.stdio` or `b00t` (legacy).
    pub key: String,
    pub at: Location,
}

/// A `[b00t.mcp.httpstream]` method: the server is reachable at `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpMethod {
    pub url: String,
    pub priority: i64,
    pub key: String,
    pub at: Location,
}

/// `[b00t.k8s]`: how b00t runs the server on Kubernetes. Everything is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct K8s {
    /// Image to run, winning over the per-command defaults (not over `--image`).
    pub image: Option<String>,
    /// The server listens on this port (container and Service port; no stdin attached).
    pub port: Option<u16>,
    pub replicas: Option<i32>,
    /// `size = "small" | "medium" | "large"`: preset requests and limits ([`Size`]); unset is
    /// small.
    pub size: Option<Size>,
    /// `resources = { requests = { cpu, memory }, limits = { cpu, memory } }`; each field set
    /// wins over the size preset's.
    pub resources: Resources,
    pub service_account: Option<String>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    /// Default namespace for this server (the `-n` flag wins).
    pub namespace: Option<String>,
    /// Extra env values (interpolated like the others), winning over method env.
    pub env: BTreeMap<String, String>,
    /// Kubernetes `command`, replacing what the method implies.
    pub command: Option<Vec<String>>,
    /// Kubernetes `args`, replacing what the method implies.
    pub args: Option<Vec<String>>,
    /// `storage = { size, class, mount, access }`: a claim owned by the server.
    pub storage: Option<Storage>,
    /// `network_policy`: a NetworkPolicy over the server's pods.
    pub network_policy: Option<crate::workload::NetworkPolicy>,
    /// `gpu = { count, vendor, product }`.
    pub gpu: Option<Gpu>,
    /// `pdb = { min_available | max_unavailable }`.
    pub pdb: Option<crate::workload::DisruptionBudget>,
    /// `autoscale = { min, max, cpu_percent, memory_percent }`.
    pub autoscale: Option<crate::workload::Autoscale>,
}

/// A sizing preset: requests and limits of the server's container.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// requests 100m CPU / 128Mi, limits 500m / 512Mi (the default).
    #[default]
    Small,
    /// requests 500m / 512Mi, limits 1 / 1Gi.
    Medium,
    /// requests 1 / 2Gi, limits 2 / 4Gi.
    Large,
}

impl Size {
    pub const NAMES: [&'static str; 3] = ["small", "medium", "large"];

    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "large" => Some(Size::Large),
            _ => None,
        }
    }

    /// `(requests cpu, requests memory, limits cpu, limits memory)`.
    pub fn quantities(self) -> [&'static str; 4] {
        match self {
            Size::Small => ["100m", "128Mi", "500m", "512Mi"],
            Size::Medium => ["500m", "512Mi", "1", "1Gi"],
            Size::Large => ["1", "2Gi", "2", "4Gi"],
        }
    }

    /// The preset's requests and limits.
    pub fn resources(self) -> Resources {
        let [rc, rm, lc, lm] = self.quantities();
        Resources {
            requests_cpu: Some(rc.into()),
            requests_memory: Some(rm.into()),
            limits_cpu: Some(lc.into()),
            limits_memory: Some(lm.into()),
            ..Resources::default()
        }
    }
}

impl K8s {
    /// The container's requests and limits: the size preset (`size` if given, else the datum's,
    /// else small), each field the datum's `resources` sets winning.
    pub fn container_resources(&self, size: Option<Size>) -> Resources {
        let preset = size.or(self.size).unwrap_or_default().resources();
        let r = &self.resources;
        Resources {
            requests_cpu: r.requests_cpu.clone().or(preset.requests_cpu),
            requests_memory: r.requests_memory.clone().or(preset.requests_memory),
            limits_cpu: r.limits_cpu.clone().or(preset.limits_cpu),
            limits_memory: r.limits_memory.clone().or(preset.limits_memory),
            extended: self
                .gpu
                .iter()
                .map(|g| (g.vendor.resource().to_string(), g.count.to_string()))
                .collect(),
        }
    }
}

impl Datum {
    /// Default namespace from `[b00t.k8s] namespace`.
    pub fn namespace(&self) -> Option<&str> {
        self.k8s.namespace.as_deref()
    }

    /// Only remote methods: nothing to run.
    pub fn is_remote_only(&self) -> bool {
        self.stdio.is_empty() && self.k8s.image.is_none() && !self.httpstream.is_empty()
    }

    /// Stdio methods, best first (lowest priority, then file order).
    pub fn stdio_by_priority(&self) -> Vec<&StdioMethod> {
        let mut v: Vec<&StdioMethod> = self.stdio.iter().collect();
        v.sort_by_key(|m| m.priority);
        v
    }

    /// Parse datum text; `path` is used in messages and as the workload source.
    pub fn parse(path: &Path, src: &str) -> Result<Datum> {
        let doc = Doc::new(path, src);
        let root = doc.parse()?;
        let b = match get(root.get_ref(), "b00t") {
            Some(v) => doc.table("b00t", v)?,
            None => return Err(doc.invalid("b00t", 0..0, "missing [b00t] table")),
        };

        if let Some(v) = get(b, "type") {
            let ty = doc.str("b00t.type", v)?;
            if ty != "mcp" {
                return Err(doc.invalid(
                    "b00t.type",
                    v.span(),
                    format!("unsupported datum type {ty:?}, expected \"mcp\""),
                ));
            }
        }

        let name = match get(b, "name") {
            Some(v) => {
                let name = doc.word("b00t.name", v)?;
                if dns_label(&name).is_none() {
                    return Err(doc.invalid(
                        "b00t.name",
                        v.span(),
                        format!("{name:?} has no letters or digits to make a kubernetes name from"),
                    ));
                }
                name
            }
            None => {
                let file = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or_default();
                let stem = file.strip_suffix(SUFFIX).unwrap_or(file);
                if dns_label(stem).is_none() {
                    return Err(doc.invalid(
                        "b00t.name",
                        0..0,
                        "missing, and the file name is not a usable name",
                    ));
                }
                stem.to_string()
            }
        };

        let hint = get(b, "hint")
            .map(|v| doc.str("b00t.hint", v))
            .transpose()?;
        let env = get(b, "env")
            .map(|v| doc.env_table("b00t.env", v))
            .transpose()?
            .unwrap_or_default();

        let mut stdio = Vec::new();
        let mut httpstream = Vec::new();
        if let Some(cmd) = get(b, "command") {
            let command = command(&doc, "b00t.command", cmd)?;
            let args = match get(b, "args") {
                Some(v) => templates(&doc, "b00t.args", v)?,
                None => Vec::new(),
            };
            let at = doc.location(cmd.span().start);
            stdio.push(StdioMethod {
                command,
                args,
                priority: 0,
                env: BTreeMap::new(),
                key: "b00t".into(),
                at,
            });
        }

        if let Some(m) = get(b, "mcp") {
            let mcp = doc.table("b00t.mcp", m)?;
            if let Some(v) = get(mcp, "stdio") {
                for (key, span, t) in tables(&doc, "b00t.mcp.stdio", v)? {
                    stdio.push(stdio_method(&doc, key, span, t)?);
                }
            }
            if let Some(v) = get(mcp, "httpstream") {
                for (key, span, t) in tables(&doc, "b00t.mcp.httpstream", v)? {
                    let Some(u) = get(t, "url") else {
                        return Err(doc.invalid(&key, span, "missing key url"));
                    };
                    let url = doc.word(&format!("{key}.url"), u)?;
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        return Err(doc.invalid(
                            &format!("{key}.url"),
                            u.span(),
                            format!("expected an http:// or https:// url, found {url:?}"),
                        ));
                    }
                    let priority = priority(&doc, &key, t)?;
                    httpstream.push(HttpMethod {
                        url,
                        priority,
                        at: doc.location(span.start),
                        key,
                    });
                }
            }
        }

        let k8s = match get(b, "k8s") {
            Some(v) => k8s(&doc, doc.table("b00t.k8s", v)?)?,
            None => K8s::default(),
        };

        Ok(Datum {
            name,
            path: path.to_path_buf(),
            hint,
            env,
            stdio,
            httpstream,
            k8s,
        })
    }
}

/// A table, or an array of tables, with the key to name each in messages.
fn tables<'v, 'i>(
    doc: &Doc<'i>,
    key: &str,
    v: &'v Val<'i>,
) -> Result<Vec<(String, Range<usize>, &'v DeTable<'i>)>> {
    match v.get_ref() {
        toml::de::DeValue::Table(t) => Ok(vec![(key.to_string(), v.span(), t)]),
        toml::de::DeValue::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let k = format!("{key}[{i}]");
                let t = doc.table(&k, item)?;
                Ok((k, item.span(), t))
            })
            .collect(),
        _ => Err(doc.wrong_type(key, "a table or an array of tables", v)),
    }
}

fn stdio_method(
    doc: &Doc<'_>,
    key: String,
    span: Range<usize>,
    t: &DeTable<'_>,
) -> Result<StdioMethod> {
    let Some(cmd) = get(t, "command") else {
        return Err(doc.invalid(&key, span, "missing key command"));
    };
    let command = command(doc, &format!("{key}.command"), cmd)?;
    let args = match get(t, "args") {
        Some(v) => templates(doc, &format!("{key}.args"), v)?,
        None => Vec::new(),
    };
    let env = match get(t, "env") {
        Some(v) => doc.env_table(&format!("{key}.env"), v)?,
        None => BTreeMap::new(),
    };
    let priority = priority(doc, &key, t)?;
    Ok(StdioMethod {
        command,
        args,
        priority,
        env,
        at: doc.location(span.start),
        key,
    })
}

fn command(doc: &Doc<'_>, key: &str, v: &Val<'_>) -> Result<String> {
    let c = doc.str(key, v)?;
    if c.trim().is_empty() {
        return Err(doc.invalid(key, v.span(), "must not be empty"));
    }
    Ok(c)
}

fn priority(doc: &Doc<'_>, key: &str, t: &DeTable<'_>) -> Result<i64> {
    get(t, "priority").map_or(Ok(0), |v| doc.int(&format!("{key}.priority"), v))
}

/// An array of strings that may hold `${VAR}` templates (syntax checked here).
fn templates(doc: &Doc<'_>, key: &str, v: &Val<'_>) -> Result<Vec<String>> {
    let out = doc.str_array(key, v)?;
    if let Some(arr) = v.get_ref().as_array() {
        for (i, (s, item)) in out.iter().zip(arr.iter()).enumerate() {
            interp::check(s)
                .map_err(|(_, msg)| doc.invalid(&format!("{key}[{i}]"), item.span(), msg))?;
        }
    }
    Ok(out)
}

fn k8s(doc: &Doc<'_>, t: &DeTable<'_>) -> Result<K8s> {
    let mut k = K8s::default();
    if let Some(v) = get(t, "image") {
        k.image = Some(doc.word("b00t.k8s.image", v)?);
    }
    if let Some(v) = get(t, "port") {
        let p = doc.int_in(
            "b00t.k8s.port",
            v,
            1,
            65535,
            "must be a port number between 1 and 65535",
        )?;
        k.port = u16::try_from(p).ok();
    }
    if let Some(v) = get(t, "replicas") {
        let key = "b00t.k8s.replicas";
        let n = doc.int(key, v)?;
        if n < 0 {
            return Err(doc.invalid(key, v.span(), format!("must be 0 or more, found {n}")));
        }
        let n = i32::try_from(n).map_err(|_| {
            doc.invalid(
                key,
                v.span(),
                format!("must be at most {}, found {n}", i32::MAX),
            )
        })?;
        k.replicas = Some(n);
    }
    if let Some(v) = get(t, "resources") {
        let r = doc.table("b00t.k8s.resources", v)?;
        for (section, cpu_field, mem_field) in [
            (
                "requests",
                &mut k.resources.requests_cpu,
                &mut k.resources.requests_memory,
            ),
            (
                "limits",
                &mut k.resources.limits_cpu,
                &mut k.resources.limits_memory,
            ),
        ] {
            let Some(sv) = get(r, section) else { continue };
            let key = format!("b00t.k8s.resources.{section}");
            let s = doc.table(&key, sv)?;
            if let Some(c) = get(s, "cpu") {
                *cpu_field = Some(doc.quantity(&format!("{key}.cpu"), c)?);
            }
            if let Some(m) = get(s, "memory") {
                *mem_field = Some(doc.quantity(&format!("{key}.memory"), m)?);
            }
        }
    }
    if let Some(v) = get(t, "service_account") {
        let key = "b00t.k8s.service_account";
        let sa = doc.word(key, v)?;
        if !is_dns_subdomain(&sa) {
            return Err(doc.invalid(
                key,
                v.span(),
                format!("{sa:?} is not a valid kubernetes name"),
            ));
        }
        k.service_account = Some(sa);
    }
    if let Some(v) = get(t, "run_as_user") {
        let key = "b00t.k8s.run_as_user";
        k.run_as_user = Some(doc.int_in(
            key,
            v,
            1,
            i64::MAX,
            "must be a non-root user id (1 or more)",
        )?);
    }
    if let Some(v) = get(t, "run_as_group") {
        let key = "b00t.k8s.run_as_group";
        k.run_as_group = Some(doc.int_in(key, v, 0, i64::MAX, "must be a group id (0 or more)")?);
    }
    if let Some(v) = get(t, "namespace") {
        let key = "b00t.k8s.namespace";
        let ns = doc.word(key, v)?;
        if !is_dns_label(&ns) {
            return Err(doc.invalid(
                key,
                v.span(),
                format!("{ns:?} is not a valid namespace (lowercase letters, digits and '-', at most 63)"),
            ));
        }
        k.namespace = Some(ns);
    }
    if let Some(v) = get(t, "env") {
        k.env = doc.env_table("b00t.k8s.env", v)?;
    }
    if let Some(v) = get(t, "command") {
        k.command = Some(templates(doc, "b00t.k8s.command", v)?);
    }
    if let Some(v) = get(t, "args") {
        k.args = Some(templates(doc, "b00t.k8s.args", v)?);
    }
    settings::parse(doc, t, &mut k)?;
    Ok(k)
}

/// Read and parse one datum file.
pub fn load(path: &Path) -> Result<Datum> {
    let src = std::fs::read_to_string(path).context(ReadSnafu { path })?;
    Datum::parse(path, &src)
}

/// A datum file found in a datum directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatumEntry {
    /// File name without `.mcp.toml` (what `--server` takes).
    pub name: String,
    pub path: PathBuf,
}

impl DatumEntry {
    pub fn load(&self) -> Result<Datum> {
        load(&self.path)
    }
}

/// Datum directories in lookup order: `explicit` (`--path` / `_B00T_Path`, a leading `~/` is
/// expanded), then `~/.b00t/_b00t_`, then `~/.dotfiles/_b00t_`. Whether they exist or not.
pub fn search_dirs(explicit: Option<&Path>) -> Vec<PathBuf> {
    search_dirs_in(explicit, dirs::home_dir().as_deref())
}

fn search_dirs_in(explicit: Option<&Path>, home: Option<&Path>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    if let Some(p) = explicit {
        let expanded = match (p.strip_prefix("~"), home) {
            (Ok(rest), Some(h)) => h.join(rest),
            _ => p.to_path_buf(),
        };
        out.push(expanded);
    }
    if let Some(h) = home {
        for d in [
            h.join(".b00t").join("_b00t_"),
            h.join(".dotfiles").join("_b00t_"),
        ] {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// Load `<name>.mcp.toml` from the first directory in `dirs` that has it.
pub fn find(name: &str, dirs: &[PathBuf]) -> Result<Datum> {
    let name = name.strip_suffix(SUFFIX).unwrap_or(name);
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
        return Err(Error::ServerName {
            name: name.to_string(),
        });
    }
    let file = format!("{name}{SUFFIX}");
    if let Some(path) = dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file()) {
        return load(&path);
    }
    let found = list(dirs)
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.name)
        .collect();
    Err(Error::Find {
        name: name.to_string(),
        found,
        dirs: dirs.to_vec(),
        missing: dirs.iter().filter(|d| !d.is_dir()).cloned().collect(),
    })
}

/// All datums in `dirs` (top-level `*.mcp.toml` files), sorted by name; for a name in several
/// directories the first directory wins. Missing directories are skipped.
pub fn list(dirs: &[PathBuf]) -> Result<Vec<DatumEntry>> {
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let entries = std::fs::read_dir(dir).context(ListSnafu { dir })?;
        for entry in entries {
            let entry = entry.context(ListSnafu { dir })?;
            let Some(file) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let Some(name) = file.strip_suffix(SUFFIX).filter(|n| !n.is_empty()) else {
                continue;
            };
            let path = entry.path();
            if path.is_file() {
                seen.entry(name.to_string()).or_insert(path);
            }
        }
    }
    Ok(seen
        .into_iter()
        .map(|(name, path)| DatumEntry { name, path })
        .collect())
}

#[cfg(test)]
mod tests;
