//! Checking a document against one OBI version's key set: keys, types, values, deprecations.

use std::fmt::Write as _;
use std::sync::OnceLock;

use regex::Regex;

use super::Severity;
use super::rules::startup_rules;
use crate::obi::schema::{KeyInfo, Version};
use crate::translate::compose::yaml::{Node, Value};

/// A diagnostic of one version, with what identifies it across versions.
#[derive(Debug, Clone)]
pub(super) struct Finding {
    pub(super) code: &'static str,
    pub(super) severity: Severity,
    /// Schema path (`discovery.instrument[].exe_path`), for looking the key up in other versions.
    pub(super) schema_path: String,
    pub(super) path: String,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) message: String,
    /// "did you mean" for an unknown key.
    pub(super) hint: Option<String>,
}

pub(super) struct Checker<'a> {
    pub(super) v: &'a Version,
    pub(super) out: Vec<Finding>,
}

pub(super) fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

pub(super) fn check_version(
    v: &Version,
    root: &Node,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<Finding> {
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

    pub(super) fn push_at(
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
                                min: None,
                                max: None,
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
            "int" => {
                if *plain && is_int(text) {
                    let n = parse_int(text);
                    let low = info.min.is_some_and(|m| n.is_none_or(|n| n < m));
                    let high = info.max.is_some_and(|m| n.is_none_or(|n| n > m));
                    if low || high {
                        let range = match (info.min, info.max) {
                            (Some(a), Some(b)) => format!("between {a} and {b}"),
                            (Some(a), None) => format!("at least {a}"),
                            (None, Some(b)) => format!("at most {b}"),
                            (None, None) => unreachable!("a bound was checked"),
                        };
                        self.push(
                            "value",
                            Severity::Error,
                            sp,
                            up,
                            node,
                            format!("{up}: {text} is out of range (must be {range})"),
                        );
                    }
                    return;
                }
                false
            }
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
pub(super) fn is_bool(s: &str) -> bool {
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
pub(super) fn is_core_bool(s: &str) -> bool {
    matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

/// The value of an integer literal as yaml.v3 reads it (`None` when it does not fit an i64).
fn parse_int(s: &str) -> Option<i64> {
    let s = s.replace('_', "");
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let v = if let Some(h) = digits.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = digits.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if let Some(b) = digits.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

pub(super) fn is_int(s: &str) -> bool {
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

pub(super) fn is_float(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().trim_start_matches(['-', '+']),
        ".inf" | ".nan"
    ) || s.parse::<f64>().is_ok()
}

/// Go's time.ParseDuration syntax (what yaml.v3 uses for time.Duration).
pub(super) fn is_duration(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$").expect("valid regex")
    });
    r.is_match(s)
}

/// The closest candidate by edit distance, when it is close enough to be a typo.
pub(super) fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
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
