//! Validation of an OBI configuration file against the key set of the image's OBI version, the
//! facts the deployer needs from it, and the configuration b00t writes when the user gives none.
//!
//! OBI expands `${VAR}` in the file, parses it with yaml.v3 into its config structs (silently
//! ignoring unknown keys), applies env vars on top and then runs its start-up checks. This module
//! does the same steps, but reports every problem with its position in the original file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;
use snafu::{ResultExt, Snafu};

use super::schema::{self, KeyInfo, TagMatch, Version};
use crate::translate::compose::yaml::{self, Node, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One finding, positioned in the original (unexpanded) file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Dotted key path as written (`discovery.instrument[0].exe_path`); empty for the document.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The result of [`validate`].
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    pub file: String,
    pub image_tag: String,
    /// The OBI versions the file was checked against.
    pub versions: Vec<String>,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// What the config enables (from the newest version checked), when it parsed.
    #[serde(skip)]
    pub facts: Option<ConfigFacts>,
}

/// What a configuration turns on, for the deployer (after `${VAR}` expansion and env overrides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFacts {
    pub network_metrics: bool,
    pub application_metrics: bool,
    /// `prometheus_export.port` when it is set (it enables the exporter).
    pub prometheus_port: Option<u16>,
    pub prometheus_path: String,
    /// `disabled`, `prometheus` or `otel`.
    pub internal_metrics_exporter: String,
    pub internal_metrics_port: Option<u16>,
    pub internal_metrics_path: String,
    pub otlp_metrics_endpoint: Option<String>,
    pub otlp_traces_endpoint: Option<String>,
    /// Go context propagation writes into the instrumented processes (bpf_probe_write_user).
    pub needs_sys_admin: bool,
    /// Traffic Control programs: `network.source: tc`, or context propagation through TC.
    pub needs_net_admin: bool,
    pub log_level: String,
}

/// Validate `text` (the contents of `file`) for an image tag. `env` supplies environment
/// variables, for `${VAR}` expansion and for the env overrides OBI applies after the file.
pub fn validate(
    file: &str,
    text: &str,
    image_tag: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Validation {
    let versions = schema::versions_for(image_tag);
    let pinned = matches!(schema::resolve_tag(image_tag), TagMatch::Pinned(_));
    let expanded = expand(text, env);
    let mut diagnostics = Vec::new();
    let mut facts = None;
    match yaml::parse(&expanded.text, file) {
        Err(e) => {
            let (line, column, message) = match &e {
                crate::translate::compose::LoadError::Syntax {
                    line, col, message, ..
                } => (*line, *col, message.clone()),
                other => (1, 1, other.to_string()),
            };
            let (line, column) = expanded.original(line, column);
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: String::new(),
                line,
                column,
                message: format!("invalid YAML: {message}"),
            });
        }
        Ok(docs) => {
            let root = docs
                .into_iter()
                .next()
                .unwrap_or_else(|| Node::null(Default::default()));
            let per_version: Vec<Vec<Finding>> = versions
                .iter()
                .map(|v| check_version(v, &root, env))
                .collect();
            diagnostics = merge(&versions, per_version, pinned);
            for d in &mut diagnostics {
                let (l, c) = expanded.original(d.line, d.column);
                d.line = l;
                d.column = c;
            }
            let newest = versions.last().expect("at least one known OBI version");
            facts = Some(facts_for(newest, &root, env));
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.line, a.column, a.severity, &a.message).cmp(&(b.line, b.column, b.severity, &b.message))
    });
    diagnostics.dedup();
    let errors = count(&diagnostics, Severity::Error);
    let warnings = count(&diagnostics, Severity::Warning);
    Validation {
        file: file.to_string(),
        image_tag: image_tag.to_string(),
        versions: versions.iter().map(|v| v.name.clone()).collect(),
        valid: errors == 0,
        errors,
        warnings,
        diagnostics,
        facts,
    }
}

/// Errors of this module (the findings themselves are data, not errors).
#[derive(Debug, Snafu)]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[snafu(display("reading {}", path.display()))]
    ReadConfig {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl crate::error::Classify for ConfigError {
    fn exit(&self) -> crate::error::Exit {
        crate::error::Exit::Usage
    }
}

/// [`validate`] a file on disk; `file` in the result is the path as given.
pub fn validate_file(
    path: &std::path::Path,
    image_tag: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Validation, ConfigError> {
    let text = std::fs::read_to_string(path).context(ReadConfigSnafu { path })?;
    Ok(validate(&path.display().to_string(), &text, image_tag, env))
}

impl Validation {
    /// `FILE: 2 errors, 1 warning (OBI main-fdb0bd7, v0.10.0)`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let notes = count(&self.diagnostics, Severity::Note);
        let mut s = format!(
            "{}: {}, {}",
            self.file,
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        );
        if notes > 0 {
            let _ = write!(s, ", {}", plural(notes, "note"));
        }
        let _ = write!(
            s,
            " (image tag {}: OBI {})",
            self.image_tag,
            self.versions.join(", ")
        );
        s
    }
}

fn count(d: &[Diagnostic], s: Severity) -> usize {
    d.iter().filter(|d| d.severity == s).count()
}

/// [`ConfigFacts`] of a configuration, read as the newest OBI version of the tag reads it.
pub fn config_facts(
    text: &str,
    image_tag: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<ConfigFacts> {
    validate("config", text, image_tag, env).facts
}

// ---------------------------------------------------------------------------------------------
// ${VAR} expansion, as OBI's config.ReplaceEnv does it.

struct Expanded {
    text: String,
    /// (expanded start, expanded end, original start, original end) of each replacement, in chars.
    spans: Vec<(usize, usize, usize, usize)>,
    orig_lines: Vec<usize>,
    exp_lines: Vec<usize>,
}

fn line_starts(s: &str) -> Vec<usize> {
    let mut v = vec![0];
    for (i, c) in s.chars().enumerate() {
        if c == '\n' {
            v.push(i + 1);
        }
    }
    v
}

impl Expanded {
    /// Map a 1-based line/column of the expanded text onto the original text.
    fn original(&self, line: usize, col: usize) -> (usize, usize) {
        let Some(start) = self.exp_lines.get(line.saturating_sub(1)) else {
            return (line, col);
        };
        let e = start + col.saturating_sub(1);
        let mut o = e;
        for &(es, ee, os, oe) in &self.spans {
            if es > e {
                break;
            }
            o = if e < ee { os } else { oe + (e - ee) };
        }
        let l = self.orig_lines.partition_point(|&s| s <= o).max(1);
        (l, o - self.orig_lines[l - 1] + 1)
    }
}

fn env_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // The pattern of OBI's pkg/config/env_replacer.go: `$${…}` escapes, `${env:X}`, `$(X)`,
    // `${X:-default}`.
    R.get_or_init(|| {
        Regex::new(r"\$?\$[{(](?:env:)?([a-zA-Z_][a-zA-Z0-9_]*)(?::-([^})]*))?[})]")
            .expect("valid regex")
    })
}

fn expand(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::new();
    let (mut last, mut ochars, mut echars) = (0usize, 0usize, 0usize);
    for caps in env_regex().captures_iter(text) {
        let m = caps.get(0).expect("whole match");
        let before = &text[last..m.start()];
        out.push_str(before);
        let n = before.chars().count();
        ochars += n;
        echars += n;
        let matched = m.as_str();
        let replacement = if let Some(rest) = matched.strip_prefix("$$") {
            format!("${rest}")
        } else {
            let value = env(&caps[1]).unwrap_or_default();
            let default = caps.get(2).map(|d| d.as_str()).unwrap_or("");
            if value.is_empty() && !default.is_empty() {
                default.to_string()
            } else {
                value
            }
        };
        let (olen, elen) = (matched.chars().count(), replacement.chars().count());
        spans.push((echars, echars + elen, ochars, ochars + olen));
        out.push_str(&replacement);
        ochars += olen;
        echars += elen;
        last = m.end();
    }
    out.push_str(&text[last..]);
    Expanded {
        exp_lines: line_starts(&out),
        orig_lines: line_starts(text),
        text: out,
        spans,
    }
}

// ---------------------------------------------------------------------------------------------
// Checking one version.

/// A diagnostic of one version, with what identifies it across versions.
#[derive(Debug, Clone)]
struct Finding {
    code: &'static str,
    severity: Severity,
    /// Schema path (`discovery.instrument[].exe_path`), for looking the key up in other versions.
    schema_path: String,
    path: String,
    line: usize,
    column: usize,
    message: String,
    /// "did you mean" for an unknown key.
    hint: Option<String>,
}

struct Checker<'a> {
    v: &'a Version,
    out: Vec<Finding>,
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn check_version(v: &Version, root: &Node, env: &dyn Fn(&str) -> Option<String>) -> Vec<Finding> {
    let mut c = Checker { v, out: Vec::new() };
    match &root.value {
        Value::Null => {}
        Value::Map(_) => c.object(root, "", ""),
        _ => c.push(
            "type",
            Severity::Error,
            "",
            "",
            root,
            format!("the configuration must be a mapping, not a {}", root.kind()),
        ),
    }
    // OBI stops at the first value yaml.v3 cannot decode ("parsing YAML configuration"), before
    // its start-up checks; rules evaluated on such a value would only add noise.
    let undecodable = c.out.iter().any(|f| f.code == "type");
    if !undecodable && (root.as_map().is_some() || root.is_null()) {
        startup_rules(&mut c, root, env);
    }
    c.out
}

impl Checker<'_> {
    fn push(
        &mut self,
        code: &'static str,
        severity: Severity,
        schema_path: &str,
        path: &str,
        at: &Node,
        message: String,
    ) {
        self.push_at(
            code,
            severity,
            schema_path,
            path,
            (at.pos.line.max(1), at.pos.col.max(1)),
            message,
        );
    }

    fn push_at(
        &mut self,
        code: &'static str,
        severity: Severity,
        schema_path: &str,
        path: &str,
        (line, column): (usize, usize),
        message: String,
    ) {
        self.out.push(Finding {
            code,
            severity,
            schema_path: schema_path.to_string(),
            path: path.to_string(),
            line,
            column,
            message,
            hint: None,
        });
    }

    fn object(&mut self, node: &Node, spath: &str, upath: &str) {
        let Some(entries) = node.as_map() else {
            if !node.is_null() {
                self.push(
                    "type",
                    Severity::Error,
                    spath,
                    upath,
                    node,
                    format!("{upath}: expected a mapping, found a {}", node.kind()),
                );
            }
            return;
        };
        for (key, value) in entries {
            let sp = join(spath, &key.name);
            let up = join(upath, &key.name);
            let Some(info) = self.v.key(&sp) else {
                self.push_at(
                    "unknown",
                    Severity::Error,
                    &sp,
                    &up,
                    (key.pos.line, key.pos.col),
                    format!("unknown key {:?}", key.name),
                );
                if let Some(f) = self.out.last_mut() {
                    f.hint = suggest(&key.name, self.v.children(spath))
                        .map(|s| format!("; did you mean {s:?}?"));
                }
                continue;
            };
            if let Some(dep) = &info.deprecated {
                self.push_at(
                    "deprecated",
                    Severity::Warning,
                    &sp,
                    &up,
                    (key.pos.line, key.pos.col),
                    match (&info.replacement, dep.as_str()) {
                        (Some(r), "deprecated") => format!("{up} is deprecated, use {r} instead"),
                        (Some(r), _) => format!("{up} is deprecated, use {r} instead ({dep})"),
                        (None, _) => format!("{up} is deprecated: {dep}"),
                    },
                );
            }
            self.value(value, info, &sp, &up);
        }
    }

    fn value(&mut self, node: &Node, info: &KeyInfo, sp: &str, up: &str) {
        if node.is_null() {
            return;
        }
        match info.kind.as_str() {
            "object" => self.object(node, sp, up),
            "objects" => match node.as_seq() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.object(item, &format!("{sp}[]"), &format!("{up}[{i}]"));
                    }
                }
                None => self.type_error(node, sp, up, "a list of mappings"),
            },
            "map" => match node.as_map() {
                Some(entries) => {
                    let vt = info.map_values();
                    for (k, v) in entries {
                        let child = format!("{up}.{}", k.name);
                        if vt == "object" {
                            self.object(v, &format!("{sp}.*"), &child);
                        } else {
                            let vinfo = KeyInfo {
                                kind: vt.to_string(),
                                items: None,
                                values: None,
                                env: None,
                                deprecated: None,
                                replacement: None,
                                case_insensitive: false,
                            };
                            self.value(v, &vinfo, &format!("{sp}.*"), &child);
                        }
                    }
                }
                None => self.type_error(node, sp, up, "a mapping"),
            },
            "list" | "features" => match node.as_seq() {
                Some(items) => {
                    let item_kind = if info.kind == "features" {
                        "features"
                    } else {
                        info.items.as_deref().unwrap_or("any")
                    };
                    for (i, item) in items.iter().enumerate() {
                        let iu = format!("{up}[{i}]");
                        if item_kind == "features" {
                            self.feature(item, info, sp, &iu);
                        } else {
                            self.scalar(item, item_kind, info, sp, &iu);
                        }
                    }
                }
                None => self.type_error(node, sp, up, "a list"),
            },
            kind => self.scalar(node, kind, info, sp, up),
        }
    }

    fn type_error(&mut self, node: &Node, sp: &str, up: &str, want: &str) {
        let found = match node.as_scalar() {
            Some(s) => format!("{s:?}"),
            None => format!("a {}", node.kind()),
        };
        self.push(
            "type",
            Severity::Error,
            sp,
            up,
            node,
            format!("{up}: expected {want}, found {found}"),
        );
    }

    fn feature(&mut self, node: &Node, info: &KeyInfo, sp: &str, up: &str) {
        let Some(name) = node.as_scalar() else {
            return self.type_error(node, sp, up, "a feature name");
        };
        let allowed = info.allowed();
        if !allowed.contains(&name) {
            let mut message = format!("{up}: unknown metric feature {name:?}");
            if let Some(s) = suggest(name, allowed.iter().copied()) {
                let _ = write!(message, "; did you mean {s:?}?");
            }
            let _ = write!(message, " (valid: {})", allowed.join(", "));
            self.push("value", Severity::Error, sp, up, node, message);
        }
    }

    fn scalar(&mut self, node: &Node, kind: &str, info: &KeyInfo, sp: &str, up: &str) {
        let Value::Scalar { text, plain } = &node.value else {
            if node.is_null() || matches!(kind, "any" | "custom") {
                return;
            }
            let want = match kind {
                "bool" => "a boolean",
                "int" => "an integer",
                "float" => "a number",
                "duration" => "a duration",
                _ => "a single value",
            };
            return self.type_error(node, sp, up, want);
        };
        let ok = match kind {
            "bool" => is_bool(text) && (*plain || !is_core_bool(text)),
            "int" => *plain && is_int(text),
            "float" => *plain && (is_int(text) || is_float(text)),
            // A plain number resolves to an int, which yaml.v3 refuses for time.Duration.
            "duration" => is_duration(text) && !(*plain && is_int(text)),
            "enum" => {
                let allowed = info.allowed();
                let found = if info.case_insensitive {
                    allowed.iter().any(|a| a.eq_ignore_ascii_case(text))
                } else {
                    allowed.contains(&text.as_str())
                };
                if !found {
                    let shown: Vec<&str> = allowed.into_iter().filter(|a| !a.is_empty()).collect();
                    self.push(
                        "value",
                        Severity::Error,
                        sp,
                        up,
                        node,
                        format!("{up}: invalid value {text:?} (valid: {})", shown.join(", ")),
                    );
                }
                return;
            }
            _ => true,
        };
        if !ok {
            let want = match kind {
                "bool" => "a boolean (true or false)",
                "int" => "an integer",
                "float" => "a number",
                _ => "a duration such as 30s, 5m or 1h30m",
            };
            let quoted = if *plain { "" } else { " (quoted)" };
            self.push(
                "type",
                Severity::Error,
                sp,
                up,
                node,
                format!("{up}: expected {want}, found {text:?}{quoted}"),
            );
        }
    }
}

/// The booleans yaml.v3 decodes into a Go bool (YAML 1.1 forms included).
fn is_bool(s: &str) -> bool {
    matches!(
        s,
        "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "y"
            | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// YAML 1.2 core booleans: yaml.v3 takes these into a Go bool only unquoted (quoted they are
/// strings, and only the YAML 1.1 forms such as `yes` and `on` are accepted from a string).
fn is_core_bool(s: &str) -> bool {
    matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

fn is_int(s: &str) -> bool {
    let s = s.replace('_', "");
    let s = s.strip_prefix(['-', '+']).unwrap_or(&s);
    if let Some(h) = s.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(o) = s.strip_prefix("0o") {
        return !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c));
    }
    if let Some(b) = s.strip_prefix("0b") {
        return !b.is_empty() && b.chars().all(|c| c == '0' || c == '1');
    }
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

fn is_float(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().trim_start_matches(['-', '+']),
        ".inf" | ".nan"
    ) || s.parse::<f64>().is_ok()
}

/// Go's time.ParseDuration syntax (what yaml.v3 uses for time.Duration).
fn is_duration(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$").expect("valid regex")
    });
    r.is_match(s)
}

/// The closest candidate by edit distance, when it is close enough to be a typo.
fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = levenshtein(&word.to_ascii_lowercase(), &c.to_ascii_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (word.chars().count().max(c.chars().count()) / 3).max(1);
    (d <= limit).then(|| c.to_string())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------------
// Merging the findings of several versions.

/// Codes of the start-up rules (as named by `scripts/obi-keys`).
const STARTUP: &[&str] = &[
    "no_feature",
    "network_needs_exporter",
    "stats_needs_exporter",
    "app_needs_exporter",
    "span_formats",
    "wildcard_char",
    "informers_sync_timeout",
    "batch_length",
    "internal_otel_and_prom",
    "internal_otel_needs_metrics",
];

fn merge(versions: &[&Version], per_version: Vec<Vec<Finding>>, pinned: bool) -> Vec<Diagnostic> {
    if pinned {
        let v = versions[0];
        return per_version
            .into_iter()
            .flatten()
            .map(|f| {
                let mut message = f.message;
                if f.code == "unknown" {
                    let others: Vec<&str> = schema::versions()
                        .iter()
                        .filter(|o| o.name != v.name && o.key(&f.schema_path).is_some())
                        .map(|o| o.name.as_str())
                        .collect();
                    if others.is_empty() {
                        let _ = write!(message, " in OBI {}", v.name);
                        message.push_str(f.hint.as_deref().unwrap_or(""));
                    } else {
                        message = format!(
                            "key {:?} does not exist in OBI {} (it exists in OBI {})",
                            f.path,
                            v.name,
                            others.join(", ")
                        );
                    }
                }
                Diagnostic {
                    severity: f.severity,
                    path: f.path,
                    line: f.line,
                    column: f.column,
                    message,
                }
            })
            .collect();
    }
    // Moving tag: a finding every version makes keeps its severity; one only some make is a note.
    type Id = (&'static str, String, usize, usize);
    let mut groups: BTreeMap<Id, (Finding, Vec<&str>)> = BTreeMap::new();
    let mut order: Vec<Id> = Vec::new();
    for (v, findings) in versions.iter().zip(per_version) {
        for f in findings {
            // A start-up rule is one finding whichever key each version reports it at.
            let id = if f.schema_path.is_empty() || STARTUP.contains(&f.code) {
                (f.code, String::new(), 0, 0)
            } else {
                (f.code, f.path.clone(), f.line, f.column)
            };
            match groups.get_mut(&id) {
                Some((_, vs)) => vs.push(&v.name),
                None => {
                    order.push(id.clone());
                    groups.insert(id, (f, vec![&v.name]));
                }
            }
        }
    }
    let n = versions.len();
    order
        .into_iter()
        .map(|id| {
            let (f, vs) = groups.remove(&id).expect("grouped");
            if vs.len() == n || f.severity == Severity::Note {
                let mut message = f.message;
                if f.code == "unknown" {
                    message.push_str(" in any known OBI version");
                    // Suggest from the keys any version has at that level.
                    let (parent, name) = schema::split_path(&f.schema_path);
                    let mut names: Vec<&str> =
                        versions.iter().flat_map(|v| v.children(parent)).collect();
                    names.sort_unstable();
                    names.dedup();
                    if let Some(s) = suggest(name, names.into_iter()) {
                        let _ = write!(message, "; did you mean {s:?}?");
                    }
                }
                return Diagnostic {
                    severity: f.severity,
                    path: f.path,
                    line: f.line,
                    column: f.column,
                    message,
                };
            }
            let others: Vec<&str> = versions
                .iter()
                .map(|v| v.name.as_str())
                .filter(|name| !vs.contains(name))
                .collect();
            let message = if f.code == "unknown" {
                format!(
                    "key {:?} is known only to OBI {} (not {}); the image tag does not pin a version",
                    f.path,
                    others.join(", "),
                    vs.join(", ")
                )
            } else {
                format!(
                    "in OBI {} only ({} elsewhere): {}",
                    vs.join(", "),
                    if f.severity == Severity::Error {
                        "accepted"
                    } else {
                        "no warning"
                    },
                    f.message
                )
            };
            Diagnostic {
                severity: Severity::Note,
                path: f.path,
                line: f.line,
                column: f.column,
                message,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The effective configuration (file, then env overrides) and OBI's start-up checks.

struct Effective<'a> {
    v: &'a Version,
    root: &'a Node,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Effective<'a> {
    fn node(&self, path: &str) -> Option<&'a Node> {
        let mut n = self.root;
        for part in path.split('.') {
            n = n.get(part)?;
        }
        Some(n)
    }

    fn env_of(&self, path: &str) -> Option<String> {
        let name = self.v.key(path)?.env.as_deref()?;
        (self.env)(name).filter(|s| !s.is_empty())
    }

    /// A scalar after env overrides (only for keys this version knows).
    fn scalar(&self, path: &str) -> Option<String> {
        self.v.key(path)?;
        if let Some(e) = self.env_of(path) {
            return Some(e);
        }
        self.node(path)?.as_scalar().map(str::to_string)
    }

    fn list(&self, path: &str) -> Option<Vec<String>> {
        self.v.key(path)?;
        if let Some(e) = self.env_of(path) {
            return Some(e.split(',').map(|s| s.trim().to_string()).collect());
        }
        let n = self.node(path)?;
        n.as_seq().map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_scalar().map(str::to_string))
                .collect()
        })
    }

    fn flag(&self, path: &str) -> bool {
        self.scalar(path)
            .is_some_and(|s| matches!(s.as_str(), "true" | "True" | "TRUE" | "yes" | "on" | "1"))
    }

    fn int(&self, path: &str) -> i64 {
        self.scalar(path)
            .and_then(|s| s.replace('_', "").parse().ok())
            .unwrap_or(0)
    }

    fn set(&self, path: &str) -> bool {
        self.scalar(path).is_some_and(|s| !s.is_empty())
            || self
                .node(path)
                .and_then(|n| n.as_seq())
                .is_some_and(|s| !s.is_empty())
    }

    fn any_env(&self, names: &[&str]) -> bool {
        names
            .iter()
            .any(|n| (self.env)(n).is_some_and(|s| !s.is_empty()))
    }

    fn prom(&self) -> bool {
        self.int("prometheus_export.port") != 0
    }

    fn otel_metrics(&self) -> bool {
        self.set("otel_metrics_export.endpoint")
            || self.any_env(&[
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            ])
    }

    fn otel_traces(&self) -> bool {
        self.set("otel_traces_export.endpoint")
            || self.any_env(&[
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            ])
    }

    /// Metric features per exporter (prometheus, otel), as this version resolves them.
    fn features(&self) -> (Vec<String>, Vec<String>) {
        let default = || vec!["application".to_string()];
        let prom = self.list("prometheus_export.features");
        let otel = self.list("otel_metrics_export.features");
        if self.v.global_features() {
            // Deprecated per-exporter lists take precedence when their exporter is on.
            let global = if self.otel_metrics() && otel.as_ref().is_some_and(|f| !f.is_empty()) {
                otel.unwrap_or_default()
            } else if self.prom() && prom.as_ref().is_some_and(|f| !f.is_empty()) {
                prom.unwrap_or_default()
            } else {
                self.list("metrics.features").unwrap_or_else(default)
            };
            (global.clone(), global)
        } else {
            (prom.unwrap_or_else(default), otel.unwrap_or_else(default))
        }
    }

    fn has_feature(&self, names: &[&str]) -> bool {
        let (prom, otel) = self.features();
        let any = |f: &[String]| {
            f.iter()
                .any(|x| x == "all" || x == "*" || names.contains(&x.as_str()))
        };
        (self.prom() && any(&prom)) || (self.otel_metrics() && any(&otel))
    }

    fn network(&self) -> bool {
        self.flag("network.enable")
            || self.has_feature(&["network", "network_inter_zone", "network_flow_packets"])
    }

    fn stats(&self) -> bool {
        self.v.key("stats").is_some()
            && self.has_feature(&[
                "stats",
                "stats_tcp_rtt",
                "stats_tcp_failed_connections",
                "stats_tcp_retransmits",
                "stats_tcp_io",
            ])
    }

    /// Application observability is on when something selects processes.
    fn application(&self) -> bool {
        self.set("open_port")
            || self.set("executable_path")
            || self.set("target_pids")
            || self.set("discovery.instrument")
            || self.set("discovery.services")
            || self.any_env(&[
                "OTEL_EBPF_AUTO_TARGET_EXE",
                "OTEL_GO_AUTO_TARGET_EXE",
                "OTEL_EBPF_AUTO_TARGET_LANGUAGE",
            ])
    }

    fn pos(&self, paths: &[&str]) -> (usize, usize) {
        for p in paths {
            if let Some(n) = self.node(p) {
                return (n.pos.line.max(1), n.pos.col.max(1));
            }
        }
        (1, 1)
    }
}

fn startup_rules(c: &mut Checker<'_>, root: &Node, env: &dyn Fn(&str) -> Option<String>) {
    let e = Effective { v: c.v, root, env };
    let v = c.v;
    let rule =
        |c: &mut Checker<'_>, name: &'static str, path: &str, at: (usize, usize), msg: &str| {
            if v.has_rule(name) {
                c.push_at(
                    name,
                    Severity::Error,
                    path,
                    path,
                    at,
                    format!("OBI would refuse to start: {msg}"),
                );
            }
        };
    let (net, app, stats) = (e.network(), e.application(), e.stats());
    let (prom, otel, traces) = (e.prom(), e.otel_metrics(), e.otel_traces());
    let printer = e
        .scalar("trace_printer")
        .is_some_and(|s| !s.is_empty() && s != "disabled");
    let features_path = if v.global_features() {
        "metrics.features"
    } else {
        "prometheus_export.features"
    };
    if !net && !app && !stats {
        rule(
            c,
            "no_feature",
            "",
            e.pos(&[features_path, "prometheus_export", "otel_metrics_export"]),
            "no metric feature is enabled: select processes to instrument (discovery.instrument, open_port) or enable the network feature with a metrics exporter",
        );
    }
    if net && !otel && !prom && !e.flag("network.print_flows") {
        rule(
            c,
            "network_needs_exporter",
            "network",
            e.pos(&["network", features_path]),
            "network metrics need an exporter: prometheus_export.port or an OTLP metrics endpoint (or network.print_flows)",
        );
    }
    if stats && !otel && !prom && !e.flag("stats.print_stats") {
        rule(
            c,
            "stats_needs_exporter",
            "stats",
            e.pos(&["stats", features_path]),
            "stats metrics need an exporter: prometheus_export.port or an OTLP metrics endpoint (or stats.print_stats)",
        );
    }
    if app && !printer && !otel && !traces && !prom {
        rule(
            c,
            "app_needs_exporter",
            "",
            e.pos(&["discovery", "open_port"]),
            "application instrumentation needs at least one exporter: trace_printer, otel_metrics_export, otel_traces_export or prometheus_export",
        );
    }
    let span_clash = |f: &[String]| {
        f.iter().any(|x| x == "application_span") && f.iter().any(|x| x == "application_span_otel")
    };
    let (pf, of) = e.features();
    if app && ((prom && span_clash(&pf)) || (otel && span_clash(&of))) {
        rule(
            c,
            "span_formats",
            features_path,
            e.pos(&[features_path, "otel_metrics_export.features"]),
            "only one span metrics format can be enabled: application_span or application_span_otel",
        );
    }
    if e.scalar("routes.wildcard_char")
        .is_some_and(|w| w.chars().count() > 1)
    {
        rule(
            c,
            "wildcard_char",
            "routes.wildcard_char",
            e.pos(&["routes.wildcard_char"]),
            "routes.wildcard_char must be a single character",
        );
    }
    let zero_duration =
        |t: &str| is_duration(t) && t.chars().filter(char::is_ascii_digit).all(|c| c == '0');
    if e.scalar("attributes.kubernetes.informers_sync_timeout")
        .is_some_and(|t| zero_duration(&t))
    {
        rule(
            c,
            "informers_sync_timeout",
            "attributes.kubernetes.informers_sync_timeout",
            e.pos(&["attributes.kubernetes.informers_sync_timeout"]),
            "attributes.kubernetes.informers_sync_timeout must be greater than 0s",
        );
    }
    if e.scalar("ebpf.batch_length")
        .is_some_and(|s| s.trim() == "0")
    {
        rule(
            c,
            "batch_length",
            "ebpf.batch_length",
            e.pos(&["ebpf.batch_length"]),
            "ebpf.batch_length must be at least 1",
        );
    }
    let internal_otel = e.scalar("internal_metrics.exporter").as_deref() == Some("otel");
    if internal_otel && e.int("internal_metrics.prometheus.port") != 0 {
        rule(
            c,
            "internal_otel_and_prom",
            "internal_metrics",
            e.pos(&["internal_metrics.exporter"]),
            "internal_metrics.exporter otel cannot be combined with internal_metrics.prometheus.port",
        );
    }
    if internal_otel && !otel {
        rule(
            c,
            "internal_otel_needs_metrics",
            "internal_metrics.exporter",
            e.pos(&["internal_metrics.exporter"]),
            "internal_metrics.exporter otel needs an OTLP metrics endpoint",
        );
    }
}

fn facts_for(v: &Version, root: &Node, env: &dyn Fn(&str) -> Option<String>) -> ConfigFacts {
    let e = Effective { v, root, env };
    let port = |p: &str| u16::try_from(e.int(p)).ok().filter(|p| *p != 0);
    let endpoint = |key: &str, specific: &str| {
        e.scalar(key)
            .filter(|s| !s.is_empty())
            .or_else(|| env(specific).filter(|s| !s.is_empty()))
            .or_else(|| env("OTEL_EXPORTER_OTLP_ENDPOINT").filter(|s| !s.is_empty()))
    };
    let network = e.network();
    let application = e.application();
    let cp = e
        .scalar("ebpf.context_propagation")
        .unwrap_or_else(|| "disabled".into())
        .to_ascii_lowercase();
    let cp_on = (cp != "disabled" && !cp.is_empty()) || e.flag("ebpf.enable_context_propagation");
    let tc_source = e.scalar("network.source").as_deref() == Some("tc");
    let exporter = e
        .scalar("internal_metrics.exporter")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "disabled".into());
    ConfigFacts {
        network_metrics: network,
        application_metrics: application,
        prometheus_port: port("prometheus_export.port"),
        prometheus_path: e
            .scalar("prometheus_export.path")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/metrics".into()),
        internal_metrics_port: port("internal_metrics.prometheus.port"),
        internal_metrics_path: e
            .scalar("internal_metrics.prometheus.path")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/internal/metrics".into()),
        internal_metrics_exporter: exporter,
        otlp_metrics_endpoint: endpoint(
            "otel_metrics_export.endpoint",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        ),
        otlp_traces_endpoint: endpoint(
            "otel_traces_export.endpoint",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        ),
        // OBI's CheckOSCapabilities: NET_ADMIN for TC (network source tc; context propagation
        // with application instrumentation). bpf_probe_write_user, with which Go library-level
        // context propagation (all, headers) injects the context, needs SYS_ADMIN; without it
        // OBI turns that part off.
        needs_sys_admin: application
            && (e.flag("ebpf.enable_context_propagation")
                || cp.split(',').any(|m| matches!(m.trim(), "all" | "headers"))),
        needs_net_admin: (network && tc_source) || (application && cp_on),
        log_level: e
            .scalar("log_level")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "INFO".into())
            .to_ascii_uppercase(),
    }
}

// ---------------------------------------------------------------------------------------------
// The configuration b00t deploys when the user gives none.

/// What the default configuration turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultConfigOptions {
    /// `prometheus_export.port`; `None` leaves the Prometheus exporter off.
    pub prometheus_port: Option<u16>,
    /// Network flow metrics.
    pub network: bool,
    /// Application metrics (selects processes: every namespace on Kubernetes, else every
    /// executable).
    pub application: bool,
    /// OBI's own metrics on a Prometheus endpoint (`internal_metrics_port`), for `obi status`.
    pub internal_metrics: bool,
    /// Default: the Prometheus port + 1, else 9091.
    pub internal_metrics_port: Option<u16>,
    /// OTLP endpoint for metrics and traces.
    pub otlp_endpoint: Option<String>,
    /// Running on Kubernetes (process selection by namespace).
    pub kubernetes: bool,
    pub log_level: String,
}

impl Default for DefaultConfigOptions {
    fn default() -> Self {
        DefaultConfigOptions {
            prometheus_port: Some(9400),
            network: true,
            application: true,
            internal_metrics: true,
            internal_metrics_port: None,
            otlp_endpoint: None,
            kubernetes: true,
            log_level: "INFO".into(),
        }
    }
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// The YAML b00t puts in the ConfigMap when the user gives no `--config`. For a pinned tag it
/// uses that version's keys; for `main`, `latest` and unknown tags only keys every known version
/// accepts (per-exporter `features` lists, which later releases still honour as deprecated).
/// Emits no `network` or `attributes` section, so callers may append their own.
pub fn default_config(tag: &str, opts: &DefaultConfigOptions) -> String {
    let versions = schema::versions_for(tag);
    let global = versions.iter().all(|v| v.global_features());
    let mut features = Vec::new();
    if opts.network {
        features.push("network");
    }
    if opts.application {
        features.push("application");
    }
    let list = format!("[{}]", features.join(", "));
    let mut y = String::new();
    let _ = writeln!(y, "# OBI configuration written by b00t for image tag {tag}");
    let _ = writeln!(y, "log_level: {}", opts.log_level.to_ascii_uppercase());
    if global {
        let _ = writeln!(y, "metrics:\n  features: {list}");
    }
    if let Some(port) = opts.prometheus_port {
        let _ = writeln!(y, "prometheus_export:\n  port: {port}\n  path: /metrics");
        if !global {
            let _ = writeln!(y, "  features: {list}");
        }
    }
    if let Some(ep) = &opts.otlp_endpoint {
        let _ = writeln!(y, "otel_metrics_export:\n  endpoint: {}", yaml_str(ep));
        if !global {
            let _ = writeln!(y, "  features: {list}");
        }
        if opts.application {
            let _ = writeln!(y, "otel_traces_export:\n  endpoint: {}", yaml_str(ep));
        }
    }
    if opts.internal_metrics {
        let port = opts
            .internal_metrics_port
            .or_else(|| opts.prometheus_port.and_then(|p| p.checked_add(1)))
            .unwrap_or(9091);
        let _ = writeln!(
            y,
            "internal_metrics:\n  exporter: prometheus\n  prometheus:\n    port: {port}\n    path: /internal/metrics"
        );
    }
    if opts.application {
        let selector = if opts.kubernetes {
            "k8s_namespace: \"*\""
        } else {
            "exe_path: \"*\""
        };
        let _ = writeln!(y, "discovery:\n  instrument:\n    - {selector}");
    }
    y
}

#[cfg(test)]
mod tests;
