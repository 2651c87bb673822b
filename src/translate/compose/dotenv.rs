//! `.env` / `env_file` parsing, following compose-go's `dotenv` package: `KEY=VALUE` and
//! `KEY: VALUE`, `export ` prefix, `#` comments (inline only after a space in unquoted values),
//! single quotes (literal), double quotes (escapes, multi-line, `${}` expansion), unquoted values
//! (expanded), bare `KEY` lines inherited from the lookup environment, a leading UTF-8 BOM.

use std::collections::BTreeMap;

use super::interp::substitute;

/// A syntax error at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    pub line: usize,
    pub message: String,
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// Parse `src`. Variables referenced in values are looked up first among the keys already
/// parsed from this file, then with `lookup` (the project environment). Returns the pairs in
/// file order (later duplicates win when collected into a map).
pub fn parse(
    src: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, DotenvError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut rest = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut line = 1usize;
    loop {
        // Skip blank space and comment lines.
        loop {
            let trimmed = rest.trim_start_matches(|c: char| is_space(c) || c == '\n');
            line += rest[..rest.len() - trimmed.len()].matches('\n').count();
            rest = trimmed;
            if rest.starts_with('#') {
                match rest.find('\n') {
                    Some(i) => rest = &rest[i..],
                    None => rest = "",
                }
                continue;
            }
            break;
        }
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix("export ") {
            rest = after.trim_start_matches(is_space);
        }
        // Key up to `=`, `:` or end of line.
        let mut end = None;
        for (i, c) in rest.char_indices() {
            if is_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    end = Some((i, c));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if c.is_alphanumeric() => {}
                c => {
                    let first = rest.lines().next().unwrap_or_default();
                    return Err(DotenvError {
                        line,
                        message: format!("unexpected character {c:?} in variable name {first:?}"),
                    });
                }
            }
        }
        let (key, sep, after) = match end {
            Some((i, c)) => (&rest[..i], c, &rest[i + c.len_utf8()..]),
            None => (rest, '\n', ""),
        };
        let key = key.trim_end_matches(char::is_whitespace).to_string();
        if key.contains(' ') || key.contains('\t') {
            return Err(DotenvError {
                line,
                message: "key cannot contain a space".to_string(),
            });
        }
        if sep == '\n' {
            // Inherited: `KEY` alone takes its value from the environment, if set.
            if let Some(v) = lookup(&key) {
                seen.insert(key.clone(), v.clone());
                out.push((key, v));
            }
            line += 1;
            rest = after;
            continue;
        }
        let after = after.trim_start_matches(is_space);
        let lk = |name: &str| seen.get(name).cloned().or_else(|| lookup(name));
        let (value, left) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let (raw, left, lines) = quoted(&after[1..], q).ok_or_else(|| DotenvError {
                    line,
                    message: format!(
                        "unterminated quoted value {}",
                        after.lines().next().unwrap_or_default()
                    ),
                })?;
                line += lines;
                let value = if q == '"' {
                    substitute(&expand_escapes(&raw), &lk).map_err(|e| DotenvError {
                        line,
                        message: format!("{key}: {e}"),
                    })?
                } else {
                    raw
                };
                (value, left)
            }
            _ => {
                let (v, left) = match after.find('\n') {
                    Some(i) => (&after[..i], &after[i..]),
                    None => (after, ""),
                };
                let v = match v.find(" #") {
                    Some(i) => &v[..i],
                    None => v,
                };
                let v = v.trim_end_matches(char::is_whitespace);
                let value = substitute(v, &lk).map_err(|e| DotenvError {
                    line,
                    message: format!("{key}: {e}"),
                })?;
                (value, left)
            }
        };
        seen.insert(key.clone(), value.clone());
        out.push((key, value));
        rest = left;
    }
    Ok(out)
}

/// The body of a quoted value up to the closing quote: (text, rest, newlines consumed).
fn quoted(src: &str, q: char) -> Option<(String, &str, usize)> {
    let mut chars = String::new();
    let mut escape = false;
    let mut lines = 0;
    for (i, c) in src.char_indices() {
        if c == '\n' {
            lines += 1;
        }
        if c != q {
            if !escape && c == '\\' {
                escape = true;
                continue;
            }
            if escape {
                escape = false;
                chars.push('\\');
            }
            chars.push(c);
            continue;
        }
        if escape {
            escape = false;
            chars.push(c);
            continue;
        }
        return Some((chars, &src[i + c.len_utf8()..], lines));
    }
    None
}

/// Shell escapes inside double quotes; `\$` becomes `$$` so it is not expanded.
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('$') => out.push_str("$$"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `raw` format: `KEY=VALUE` lines taken literally (no quotes, no expansion, no comments).
pub fn parse_raw(src: &str) -> Vec<(String, String)> {
    src.strip_prefix('\u{feff}')
        .unwrap_or(src)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(src: &str) -> BTreeMap<String, String> {
        let env: BTreeMap<String, String> =
            [("VAR_TO_BE_LOADED_FROM_OS_ENV".to_string(), "os".to_string())]
                .into_iter()
                .collect();
        parse(src, &|k| env.get(k).cloned())
            .unwrap()
            .into_iter()
            .collect()
    }

    #[test]
    fn plain_and_quoted() {
        let m = map(
            "OPTION_A=1\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\n456 = ABC\nOPTION_F = \nOPTION_H = my string # Inline comment\nexport X=2\nY: yaml\n",
        );
        assert_eq!(m["OPTION_A"], "1");
        assert_eq!(m["OPTION_C"], "3");
        assert_eq!(m["OPTION_D"], "4");
        assert_eq!(m["OPTION_E"], "5");
        assert_eq!(m["456"], "ABC");
        assert_eq!(m["OPTION_F"], "");
        assert_eq!(m["OPTION_H"], "my string");
        assert_eq!(m["X"], "2");
        assert_eq!(m["Y"], "yaml");
        let m = map(
            "A='\\n'\nB=\"\\n\"\nC = \"echo 'asd'\" # c\nD = 'first line\nsecond line'\nE='Let\\'s go!'\nF=\"a\\$b\"\nG=\"x\n y\"\nH=after\n",
        );
        assert_eq!(m["A"], "\\n");
        assert_eq!(m["B"], "\n");
        assert_eq!(m["C"], "echo 'asd'");
        assert_eq!(m["D"], "first line\nsecond line");
        assert_eq!(m["E"], "Let's go!");
        assert_eq!(m["F"], "a$b");
        assert_eq!(m["G"], "x\n y");
        assert_eq!(m["H"], "after");
    }

    #[test]
    fn substitution_and_inherited() {
        let m = map(
            "A=1\nB=${A}\nC=$B\nD=${A}_${B}\nE=${NOPE}\nF=${NOPE:-dflt}\nVAR_TO_BE_LOADED_FROM_OS_ENV\nMISSING\n",
        );
        assert_eq!(m["B"], "1");
        assert_eq!(m["C"], "1");
        assert_eq!(m["D"], "1_1");
        assert_eq!(m["E"], "");
        assert_eq!(m["F"], "dflt");
        assert_eq!(m["VAR_TO_BE_LOADED_FROM_OS_ENV"], "os");
        assert!(!m.contains_key("MISSING"));
        let m = map("\u{feff}A=1\n");
        assert_eq!(m["A"], "1");
    }

    #[test]
    fn errors() {
        let e = parse("# c\nfoo=\"\n  a\n\"\nINVALID LINE\nzot=qix", &|_| None).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("space"));
        assert!(parse("A=\"open\n", &|_| None).is_err());
        assert!(parse("A B=1", &|_| None).is_err());
        assert!(parse("A!=1", &|_| None).is_err());
    }
}
