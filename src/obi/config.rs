//! Validation of an OBI configuration file against the key set of the image's OBI version, the
//! facts the deployer needs from it, and the configuration b00t writes when the user gives none.
//!
//! OBI expands `${VAR}` in the file, parses it with yaml.v3 into its config structs (silently
//! ignoring unknown keys), applies env vars on top and then runs its start-up checks. This module
//! does the same steps, but reports every problem with its position in the original file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use snafu::{ResultExt, Snafu};

use super::schema::{self, TagMatch, Version};
use crate::translate::compose::yaml::{self, Node};

mod check;
mod default;
mod expand;
mod rules;

use check::{Finding, check_version, suggest};
use expand::expand;
use rules::facts_for;

pub use default::{DefaultConfigOptions, default_config};

#[cfg(test)]
use check::{is_duration, is_int};

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
    "discovery_criteria",
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

#[cfg(test)]
mod tests;
