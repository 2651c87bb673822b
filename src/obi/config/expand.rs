//! `${VAR}` expansion, as OBI's `config.ReplaceEnv` does it, with a map back to the original
//! positions.

use std::sync::OnceLock;

use regex::Regex;

pub(super) struct Expanded {
    pub(super) text: String,
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
    pub(super) fn original(&self, line: usize, col: usize) -> (usize, usize) {
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

pub(super) fn expand(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Expanded {
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
