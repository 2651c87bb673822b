//! Reading typed values out of a spanned TOML tree, with `path:line:col` errors.
//!
//! Only the keys b00t reads are looked at; everything else in the document is ignored.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{Error, Result};

pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// A 1-based position in a file (column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

/// The file being read: its path (for messages) and text (for line:col).
pub(crate) struct Doc<'a> {
    pub path: &'a Path,
    pub src: &'a str,
}

impl<'a> Doc<'a> {
    pub fn new(path: &'a Path, src: &'a str) -> Self {
        Doc { path, src }
    }

    /// Parse the whole document; syntax errors carry `path:line:col`.
    pub fn parse(&self) -> Result<Spanned<DeTable<'a>>> {
        DeTable::parse(self.src).map_err(|e| {
            let at = self.location(e.span().map_or(0, |s| s.start));
            Error::Parse {
                path: self.path.to_path_buf(),
                line: at.line,
                col: at.col,
                message: e.message().trim_end_matches('.').to_string(),
            }
        })
    }

    /// Byte offset → 1-based line and column (columns count characters).
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.src.len());
        let mut offset = offset;
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Location { line, col }
    }

    pub fn invalid(&self, key: &str, span: Range<usize>, message: impl Into<String>) -> Error {
        let at = self.location(span.start);
        Error::Validate {
            path: self.path.to_path_buf(),
            line: at.line,
            col: at.col,
            key: key.to_string(),
            message: message.into(),
        }
    }

    pub fn wrong_type(&self, key: &str, expected: &str, v: &Val<'_>) -> Error {
        self.invalid(
            key,
            v.span(),
            format!("expected {expected}, found {}", article(v.get_ref())),
        )
    }

    pub fn str(&self, key: &str, v: &Val<'_>) -> Result<String> {
        v.get_ref()
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.wrong_type(key, "a string", v))
    }

    /// A string that must not be empty or contain whitespace (images, names).
    pub fn word(&self, key: &str, v: &Val<'_>) -> Result<String> {
        let s = self.str(key, v)?;
        if s.trim().is_empty() {
            return Err(self.invalid(key, v.span(), "must not be empty"));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(self.invalid(
                key,
                v.span(),
                format!("must not contain whitespace, found {s:?}"),
            ));
        }
        Ok(s)
    }

    pub fn int(&self, key: &str, v: &Val<'_>) -> Result<i64> {
        let i = v
            .get_ref()
            .as_integer()
            .ok_or_else(|| self.wrong_type(key, "an integer", v))?;
        i64::from_str_radix(i.as_str(), i.radix())
            .map_err(|_| self.invalid(key, v.span(), "integer out of range"))
    }

    /// An integer within `min..=max`.
    pub fn int_in(&self, key: &str, v: &Val<'_>, min: i64, max: i64, what: &str) -> Result<i64> {
        let n = self.int(key, v)?;
        if n < min || n > max {
            return Err(self.invalid(key, v.span(), format!("{what}, found {n}")));
        }
        Ok(n)
    }

    pub fn table<'v>(&self, key: &str, v: &'v Val<'a>) -> Result<&'v DeTable<'a>> {
        v.get_ref()
            .as_table()
            .ok_or_else(|| self.wrong_type(key, "a table", v))
    }

    pub fn str_array(&self, key: &str, v: &Val<'_>) -> Result<Vec<String>> {
        let arr = v
            .get_ref()
            .as_array()
            .ok_or_else(|| self.wrong_type(key, "an array of strings", v))?;
        arr.iter()
            .enumerate()
            .map(|(i, item)| self.str(&format!("{key}[{i}]"), item))
            .collect()
    }

    /// A table of environment values. Values are strings; numbers and booleans are accepted and
    /// written as TOML writes them (`PORT = 8080` → `"8080"`).
    pub fn env_table(&self, key: &str, v: &Val<'_>) -> Result<BTreeMap<String, String>> {
        let t = v
            .get_ref()
            .as_table()
            .ok_or_else(|| self.wrong_type(key, "a table", v))?;
        let mut out = BTreeMap::new();
        for (k, val) in t.iter() {
            let name = k.get_ref();
            let full = format!("{key}.{name}");
            if name.is_empty() || name.contains('=') {
                return Err(self.invalid(&full, k.span(), "not a valid environment variable name"));
            }
            let value = match val.get_ref() {
                DeValue::String(s) => s.to_string(),
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .map_err(|_| self.invalid(&full, val.span(), "integer out of range"))?
                    .to_string(),
                DeValue::Float(f) => f.as_str().to_string(),
                DeValue::Boolean(b) => b.to_string(),
                _ => return Err(self.wrong_type(&full, "a string", val)),
            };
            super::interp::check(&value)
                .map_err(|(offset, msg)| self.invalid(&full, val_offset(val, offset), msg))?;
            out.insert(name.to_string(), value);
        }
        Ok(out)
    }

    /// A Kubernetes quantity (`100m`, `0.5`, `128Mi`, `1G`); numbers are accepted too.
    pub fn quantity(&self, key: &str, v: &Val<'_>) -> Result<String> {
        let s = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(i) => i.as_str().to_string(),
            DeValue::Float(f) => f.as_str().to_string(),
            _ => {
                return Err(self.wrong_type(
                    key,
                    "a quantity string such as \"100m\" or \"128Mi\"",
                    v,
                ));
            }
        };
        if !is_quantity(&s) {
            return Err(self.invalid(
                key,
                v.span(),
                format!("{s:?} is not a kubernetes quantity (such as 100m, 0.5, 128Mi, 1G)"),
            ));
        }
        Ok(s)
    }
}

/// Span of a template error: inside a basic string the offset maps approximately onto the source
/// (exactly when the string has no escapes); point at the string start otherwise.
fn val_offset(v: &Val<'_>, offset: usize) -> Range<usize> {
    let span = v.span();
    // +1 skips the opening quote.
    let start = span.start + 1 + offset;
    if start < span.end {
        start..span.end
    } else {
        span
    }
}

/// Look a key up in a spanned table.
pub(crate) fn get<'t, 'i>(t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
    t.get(key)
}

fn article(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Does `s` look like a non-negative Kubernetes quantity?
///
/// `<digits>[.<digits>]` followed by nothing, a decimal SI suffix (`n u m k M G T P E`), a binary
/// SI suffix (`Ki Mi Gi Ti Pi Ei`) or a decimal exponent (`e3`, `E-2`).
pub fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix('+').unwrap_or(s);
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_end);
    let digits = num.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || num.matches('.').count() > 1 {
        return false;
    }
    match suffix {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => true,
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => true,
        exp => {
            let Some(rest) = exp.strip_prefix(['e', 'E']) else {
                return false;
            };
            let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// A DNS-1123 label: lowercase alphanumerics and `-`, starting and ending alphanumeric, ≤ 63.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain: dot-separated labels, ≤ 253 characters.
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for q in [
            "100m", "0.5", "128Mi", "1G", "2", "1.5Gi", "1e3", "500k", ".5", "+1",
        ] {
            assert!(is_quantity(q), "{q}");
        }
        for q in [
            "", "m", "100x", "1.2.3", "-1", "1 Gi", "1MiB", "1e", "lots", "128mi",
        ] {
            assert!(!is_quantity(q), "{q}");
        }
    }

    #[test]
    fn locations_are_one_based_and_count_characters() {
        let src = "a = 1\nbé = \"x\"\n";
        let doc = Doc::new(Path::new("f.toml"), src);
        assert_eq!(doc.location(0), Location { line: 1, col: 1 });
        assert_eq!(doc.location(6), Location { line: 2, col: 1 });
        // `"x"` starts after `bé = ` (5 characters, 6 bytes).
        let quote = src.find('"').unwrap();
        assert_eq!(doc.location(quote), Location { line: 2, col: 6 });
        assert_eq!(doc.location(src.len()), Location { line: 3, col: 1 });
    }

    #[test]
    fn dns_names() {
        assert!(is_dns_label("mcp-servers"));
        assert!(!is_dns_label("MCP"));
        assert!(!is_dns_label("-a"));
        assert!(is_dns_subdomain("my.sa-1"));
        assert!(!is_dns_subdomain("my..sa"));
    }
}
