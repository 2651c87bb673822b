//! The configuration key sets of the OBI versions b00t knows, generated from OBI's own Go source
//! by `scripts/obi-keys` and embedded here.
//!
//! Paths are dotted; `[]` stands for the items of a list of mappings and `*` for the values of a
//! map (`discovery.instrument[].exe_path`, `attributes.select.*.include`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

/// The generated schemas, oldest first.
const SOURCES: &[&str] = &[
    include_str!("schema/main-fdb0bd7.json"),
    include_str!("schema/v0.3.0.json"),
    include_str!("schema/v0.10.0.json"),
];

/// What one key accepts.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyInfo {
    /// bool, int, float, string, duration, list, objects, object, map, enum, features, custom, any
    #[serde(rename = "type")]
    pub kind: String,
    /// Item type of a `list`.
    #[serde(default)]
    pub items: Option<String>,
    /// Allowed values of an `enum`/`features`, or the value type of a `map` (a string).
    #[serde(default)]
    pub values: Option<serde_json::Value>,
    /// The environment variable that overrides the key.
    #[serde(default)]
    pub env: Option<String>,
    /// What OBI's source says replaces the key.
    #[serde(default)]
    pub deprecated: Option<String>,
    /// The key that replaces a deprecated one, when OBI's note names it.
    #[serde(default)]
    pub replacement: Option<String>,
    /// Bounds of an `int` that OBI's start-up validation enforces.
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// Enum values compare without case (`log_level`).
    #[serde(default)]
    pub case_insensitive: bool,
}

impl KeyInfo {
    /// Allowed values of an enum or a feature list.
    pub fn allowed(&self) -> Vec<&str> {
        match &self.values {
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// The value type of a `map`.
    pub fn map_values(&self) -> &str {
        match &self.values {
            Some(serde_json::Value::String(s)) => s,
            _ => "any",
        }
    }
}

#[derive(Deserialize)]
struct Raw {
    version: String,
    commit: String,
    date: String,
    feature_names: Vec<String>,
    startup_rules: Vec<String>,
    keys: BTreeMap<String, KeyInfo>,
}

/// One OBI version's key set.
#[derive(Debug)]
pub struct Version {
    /// `main-fdb0bd7`, `v0.3.0`, …
    pub name: String,
    pub commit: String,
    pub date: String,
    pub feature_names: Vec<String>,
    /// Start-up checks this version performs (names as in `scripts/obi-keys`).
    pub startup_rules: BTreeSet<String>,
    pub keys: BTreeMap<String, KeyInfo>,
    /// Parent path → names of its keys.
    children: BTreeMap<String, BTreeSet<String>>,
}

impl Version {
    fn load(src: &str) -> Version {
        let raw: Raw = serde_json::from_str(src).expect("embedded OBI schema is valid JSON");
        let mut children: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for path in raw.keys.keys() {
            let (parent, name) = split_path(path);
            children
                .entry(parent.to_string())
                .or_default()
                .insert(name.to_string());
        }
        Version {
            name: raw.version,
            commit: raw.commit,
            date: raw.date,
            feature_names: raw.feature_names,
            startup_rules: raw.startup_rules.into_iter().collect(),
            keys: raw.keys,
            children,
        }
    }

    pub fn key(&self, path: &str) -> Option<&KeyInfo> {
        self.keys.get(path)
    }

    /// Key names directly under `parent` (`""` for the top level).
    pub fn children(&self, parent: &str) -> impl Iterator<Item = &str> {
        self.children
            .get(parent)
            .into_iter()
            .flat_map(|s| s.iter().map(String::as_str))
    }

    pub fn has_rule(&self, rule: &str) -> bool {
        self.startup_rules.contains(rule)
    }

    /// Whether metric features are one top-level list (`metrics.features`, later releases) rather
    /// than one list per exporter.
    pub fn global_features(&self) -> bool {
        self.keys.contains_key("metrics.features")
    }
}

/// `a.b[].c` → (`a.b[]`, `c`); `a` → (``, `a`).
pub fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('.') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Every known version, oldest first.
pub fn versions() -> &'static [Version] {
    static V: OnceLock<Vec<Version>> = OnceLock::new();
    V.get_or_init(|| SOURCES.iter().map(|s| Version::load(s)).collect())
}

/// How an image tag maps onto known versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagMatch {
    /// One known version (`v0.3.0`, `0.3.0`, `main-fdb0bd7`, a commit prefix of 7+ hex digits).
    Pinned(&'static Version),
    /// `main`, `latest` or any tag b00t does not know: every known version.
    Moving,
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Version {}

/// Resolve an image tag (`v0.3.0`, `main-fdb0bd7`, `fdb0bd7e19…`, `main`, `latest`).
pub fn resolve_tag(tag: &str) -> TagMatch {
    let tag = tag.trim();
    let bare = tag.strip_prefix('v').unwrap_or(tag);
    for v in versions() {
        let vbare = v.name.strip_prefix('v').unwrap_or(&v.name);
        if tag == v.name || bare == vbare {
            return TagMatch::Pinned(v);
        }
        let hex = tag.strip_prefix("main-").unwrap_or(tag);
        if hex.len() >= 7
            && hex.len() <= 40
            && hex.chars().all(|c| c.is_ascii_hexdigit())
            && v.commit.starts_with(&hex.to_ascii_lowercase())
        {
            return TagMatch::Pinned(v);
        }
    }
    TagMatch::Moving
}

/// The versions a tag is checked against.
pub fn versions_for(tag: &str) -> Vec<&'static Version> {
    match resolve_tag(tag) {
        TagMatch::Pinned(v) => vec![v],
        TagMatch::Moving => versions().iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_load_with_the_keys_each_version_has() {
        let names: Vec<_> = versions().iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["main-fdb0bd7", "v0.3.0", "v0.10.0"]);
        let old = &versions()[0];
        let new = &versions()[2];
        assert!(old.key("prometheus_export.features").is_some());
        assert!(old.key("metrics.features").is_none());
        assert!(new.key("metrics.features").is_some());
        assert!(!old.global_features() && new.global_features());
        assert_eq!(
            old.key("attributes.host_id.override")
                .unwrap()
                .env
                .as_deref(),
            Some("OTEL_EBPF_HOST_ID")
        );
        assert!(old.feature_names.iter().any(|f| f == "application_process"));
        assert!(!new.feature_names.iter().any(|f| f == "application_process"));
        assert!(old.children("").any(|k| k == "prometheus_export"));
        assert!(
            old.children("discovery.instrument[]")
                .any(|k| k == "k8s_namespace")
        );
    }

    #[test]
    fn tags_resolve_to_versions() {
        let name = |t: &str| match resolve_tag(t) {
            TagMatch::Pinned(v) => v.name.clone(),
            TagMatch::Moving => "moving".into(),
        };
        assert_eq!(name("v0.3.0"), "v0.3.0");
        assert_eq!(name("0.3.0"), "v0.3.0");
        assert_eq!(name("main-fdb0bd7"), "main-fdb0bd7");
        assert_eq!(name("fdb0bd7e19"), "main-fdb0bd7");
        assert_eq!(name("main"), "moving");
        assert_eq!(name("latest"), "moving");
        assert_eq!(name("v9.9.9"), "moving");
        assert_eq!(name("fdb0bd"), "moving");
        assert_eq!(versions_for("main").len(), 3);
    }
}
