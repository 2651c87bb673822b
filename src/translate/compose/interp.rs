//! Compose variable interpolation (`$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`,
//! `${VAR?e}`, `${VAR:+r}`, `${VAR+r}`, nesting, `$$`), as compose-go's `template` package.

use super::error::LoadError;
use super::yaml::{Node, Pos, Value};

/// Why a template could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpError {
    /// Malformed `${…}` expression.
    Invalid(String),
    /// `${VAR:?msg}` / `${VAR?msg}` with the variable missing.
    Required { name: String, message: String },
}

impl std::fmt::Display for InterpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InterpError::Invalid(t) => {
                write!(f, "invalid template: {t:?} (a literal $ is written $$)")
            }
            InterpError::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            InterpError::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
        }
    }
}

const MAX_NESTING: usize = 32;

fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

/// Substitute variables in `s`; `lookup` returns `None` for an unset variable.
pub fn substitute(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, InterpError> {
    substitute_noting(s, lookup, &mut Vec::new())
}

/// [`substitute`], pushing onto `unset` each variable that is unset and used without a default
/// (`$VAR`, `${VAR}`): the uses compose warns about ("defaulting to a blank string").
pub fn substitute_noting(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
) -> Result<String, InterpError> {
    let scope = Scope {
        lookup,
        unset: std::cell::RefCell::new(std::mem::take(unset)),
    };
    let r = subst(s, &scope, 0);
    *unset = scope.unset.into_inner();
    r
}

/// The lookup and the unset variables met on the way.
struct Scope<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    unset: std::cell::RefCell<Vec<String>>,
}

impl Scope<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    /// The value of a use without a default: empty, and noted, when unset.
    fn plain(&self, name: &str) -> String {
        self.get(name).unwrap_or_else(|| {
            let mut u = self.unset.borrow_mut();
            if !u.iter().any(|n| n == name) {
                u.push(name.to_string());
            }
            String::new()
        })
    }
}

fn subst(s: &str, lookup: &Scope<'_>, depth: usize) -> Result<String, InterpError> {
    if !s.contains('$') {
        return Ok(s.to_string());
    }
    if depth > MAX_NESTING {
        return Err(InterpError::Invalid(s.to_string()));
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut lit = 0; // start of the pending literal run
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        out.push_str(&s[lit..i]);
        match b.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(b'{') => {
                // Find the matching brace, counting nested braces.
                let start = i + 2;
                let mut depth_b = 1usize;
                let mut j = start;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth_b += 1,
                        b'}' => {
                            depth_b -= 1;
                            if depth_b == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if j >= b.len() {
                    return Err(InterpError::Invalid(s[i..].to_string()));
                }
                let expr = &s[start..j];
                out.push_str(&braced(expr, &s[i..=j], lookup, depth)?);
                i = j + 1;
            }
            Some(&c) if is_name_start(c) => {
                let mut j = i + 1;
                while j < b.len() && is_name_char(b[j]) {
                    j += 1;
                }
                out.push_str(&lookup.plain(&s[i + 1..j]));
                i = j;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
        lit = i;
    }
    out.push_str(&s[lit..]);
    Ok(out)
}

fn braced(
    expr: &str,
    whole: &str,
    lookup: &Scope<'_>,
    depth: usize,
) -> Result<String, InterpError> {
    let b = expr.as_bytes();
    if b.is_empty() || !is_name_start(b[0]) {
        return Err(InterpError::Invalid(whole.to_string()));
    }
    let mut n = 1;
    while n < b.len() && is_name_char(b[n]) {
        n += 1;
    }
    let name = &expr[..n];
    let rest = &expr[n..];
    if rest.is_empty() {
        return Ok(lookup.plain(name));
    }
    let value = lookup.get(name);
    let (op, arg) = ["-", ":-", "?", ":?", "+", ":+"]
        .iter()
        .filter_map(|op| rest.strip_prefix(op).map(|a| (*op, a)))
        .max_by_key(|(op, _)| op.len())
        .ok_or_else(|| InterpError::Invalid(whole.to_string()))?;
    let set = value.is_some();
    let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let present = if op.starts_with(':') { non_empty } else { set };
    match op.trim_start_matches(':') {
        "-" if present => Ok(value.unwrap_or_default()),
        "-" => subst(arg, lookup, depth + 1),
        "?" if present => Ok(value.unwrap_or_default()),
        "?" => Err(InterpError::Required {
            name: name.to_string(),
            message: subst(arg, lookup, depth + 1)?,
        }),
        "+" if present => subst(arg, lookup, depth + 1),
        _ => Ok(String::new()),
    }
}

/// A variable used without a default while unset, where it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetUse {
    pub name: String,
    /// The scalar that used it.
    pub pos: Pos,
    /// The key whose value it is, when the scalar is a mapping value (errors about a value are
    /// often reported at its key).
    pub key_pos: Option<Pos>,
    /// `services.web.ports[0]`.
    pub path: String,
}

/// Interpolate every scalar value (not keys) of a document in place. `path` names the node in
/// errors (`services.web.image`); unset variables used without a default go to `unset`.
pub fn interpolate_node(
    node: &mut Node,
    path: &mut Vec<String>,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<UnsetUse>,
) -> Result<(), LoadError> {
    walk(node, None, path, lookup, unset)
}

fn walk(
    node: &mut Node,
    key_pos: Option<&Pos>,
    path: &mut Vec<String>,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<UnsetUse>,
) -> Result<(), LoadError> {
    match &mut node.value {
        Value::Scalar { text, plain } => {
            if text.contains('$') {
                let mut names = Vec::new();
                let new = substitute_noting(text, lookup, &mut names)
                    .map_err(|e| LoadError::at(&node.pos, dotted(path), e.to_string()))?;
                unset.extend(names.into_iter().map(|name| UnsetUse {
                    name,
                    pos: node.pos.clone(),
                    key_pos: key_pos.cloned(),
                    path: dotted(path),
                }));
                if new != *text {
                    *text = new;
                    *plain = false;
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(format!("[{i}]"));
                let r = walk(item, None, path, lookup, unset);
                path.pop();
                r?;
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                path.push(k.name.clone());
                let r = walk(v, Some(&k.pos), path, lookup, unset);
                path.pop();
                r?;
            }
        }
        Value::Null => {}
    }
    Ok(())
}

/// One warning per unset variable, at its first use, as compose warns ("The "X" variable is
/// not set. Defaulting to a blank string."), counting the other uses.
pub fn unset_warnings(uses: &[UnsetUse]) -> Vec<(Pos, String)> {
    let mut order: Vec<&str> = Vec::new();
    for u in uses {
        if !order.contains(&u.name.as_str()) {
            order.push(&u.name);
        }
    }
    order
        .into_iter()
        .map(|name| {
            let all: Vec<&UnsetUse> = uses.iter().filter(|u| u.name == name).collect();
            let first = all[0];
            let more = match all.len() - 1 {
                0 => String::new(),
                1 => " and 1 other place".to_string(),
                n => format!(" and {n} other places"),
            };
            (
                first.pos.clone(),
                format!(
                    "variable {name:?} is not set; substituting an empty string (in {}{more})",
                    first.path
                ),
            )
        })
        .collect()
}

/// `" (variable X is not set)"` when the value at `pos` (`file:line:col`, or its key's) used
/// unset variables, so an error caused by the empty value names its cause; else empty.
pub fn unset_note(uses: &[UnsetUse], pos: &str) -> String {
    let at = |p: &Pos| p.to_string() == pos;
    let mut names: Vec<&str> = Vec::new();
    for u in uses
        .iter()
        .filter(|u| at(&u.pos) || u.key_pos.as_ref().is_some_and(at))
    {
        if !names.contains(&u.name.as_str()) {
            names.push(&u.name);
        }
    }
    match names.as_slice() {
        [] => String::new(),
        [one] => format!(" (variable {one} is not set)"),
        many => format!(" (variables {} are not set)", many.join(", ")),
    }
}

/// `services.web.ports[0]` from path segments.
pub fn dotted(path: &[String]) -> String {
    let mut s = String::new();
    for seg in path {
        if !s.is_empty() && !seg.starts_with('[') {
            s.push('.');
        }
        s.push_str(seg);
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env() -> BTreeMap<String, String> {
        [("FOO", "first"), ("BAR", ""), ("JSON", "{\"json\":2}")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The compose-go template table (`interpolation-cases.tsv`), embedded so it runs without
    /// the shared corpus too; the corpus copy is checked by `tests::corpus_interpolation`.
    pub(crate) fn run_case(template: &str, expected: &str) -> Result<(), String> {
        let env = env();
        let got = substitute(template, &|k| env.get(k).cloned());
        match (expected.strip_prefix("ERROR: "), got) {
            (Some(want), Err(e)) => {
                let want = want.split(" (result").next().unwrap_or(want);
                let e = e.to_string();
                if e.to_lowercase().starts_with(&want.to_lowercase()) {
                    Ok(())
                } else {
                    Err(format!("{template:?}: error {e:?}, want {want:?}"))
                }
            }
            (Some(want), Ok(v)) => Err(format!("{template:?}: got {v:?}, want error {want:?}")),
            (None, Ok(v)) if v == expected => Ok(()),
            (None, got) => Err(format!("{template:?}: got {got:?}, want {expected:?}")),
        }
    }

    #[test]
    fn basic_forms() {
        for (t, want) in [
            ("$FOO", "first"),
            ("${FOO}", "first"),
            ("$$FOO", "$FOO"),
            ("${UNSET:-d}", "d"),
            ("${BAR:-d}", "d"),
            ("${BAR-d}", ""),
            ("${FOO:+r}", "r"),
            ("${A:-${B:-${FOO}}}", "first"),
            ("$FOO-bar", "first-bar"),
            ("a $ b", "a $ b"),
            ("$1", "$1"),
        ] {
            run_case(t, want).unwrap();
        }
        run_case(
            "${X:?boom ${FOO}}",
            "ERROR: required variable X is missing a value: boom first",
        )
        .unwrap();
        run_case("${foo!}", "ERROR: invalid template").unwrap();
        let deep = "${A:-".repeat(100) + &"}".repeat(100);
        assert!(substitute(&deep, &|_| None).is_err());
    }
}
