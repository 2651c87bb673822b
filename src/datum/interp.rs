//! `${VAR}` interpolation of datum env values and args, from the caller's environment.
//!
//! - `${VAR}`: the variable's value; an unset variable is an error.
//! - `${VAR:-default}`: `default` when `VAR` is unset or empty; `${VAR-default}`: only when unset.
//! - `$$`: a literal `$`. A `$` followed by anything else is kept as is.
//! - `{{env.VAR}}` (the b00t CLI's own placeholder) behaves like `${VAR}`.

/// One piece of a parsed template.
#[derive(Debug, PartialEq, Eq)]
enum Part<'a> {
    Text(&'a str),
    Dollar,
    Var {
        name: &'a str,
        default: Option<Default<'a>>,
    },
}

#[derive(Debug, PartialEq, Eq)]
struct Default<'a> {
    value: &'a str,
    /// `:-` (also when empty) rather than `-` (only when unset).
    if_empty: bool,
}

/// Why a template could not be parsed: byte offset in the template and a message.
type SyntaxError = (usize, String);

fn parse(s: &str) -> Result<Vec<Part<'_>>, SyntaxError> {
    let mut parts = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        let rest = &s[i..];
        let (consumed, part) = if rest.starts_with("$$") {
            (2, Part::Dollar)
        } else if rest.starts_with("${") {
            let close = rest
                .find('}')
                .ok_or_else(|| (i, "unterminated ${ (missing })".to_string()))?;
            let inner = &rest[2..close];
            let (name, default) = match inner.find(['-', ':']) {
                Some(p) if inner[p..].starts_with(":-") => (
                    &inner[..p],
                    Some(Default {
                        value: &inner[p + 2..],
                        if_empty: true,
                    }),
                ),
                Some(p) if inner[p..].starts_with('-') => (
                    &inner[..p],
                    Some(Default {
                        value: &inner[p + 1..],
                        if_empty: false,
                    }),
                ),
                Some(p) => {
                    return Err((
                        i,
                        format!(
                            "unsupported ${{{inner}}}: expected ${{VAR}} or ${{VAR:-default}} (found {:?})",
                            &inner[p..]
                        ),
                    ));
                }
                None => (inner, None),
            };
            check_name(name).map_err(|m| (i, m))?;
            (close + 1, Part::Var { name, default })
        } else if rest.starts_with("{{env.") {
            let close = rest
                .find("}}")
                .ok_or_else(|| (i, "unterminated {{env. (missing }})".to_string()))?;
            let name = rest[6..close].trim();
            check_name(name).map_err(|m| (i, m))?;
            (
                close + 2,
                Part::Var {
                    name,
                    default: None,
                },
            )
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        if text_start < i {
            parts.push(Part::Text(&s[text_start..i]));
        }
        parts.push(part);
        i += consumed;
        text_start = i;
    }
    if text_start < s.len() {
        parts.push(Part::Text(&s[text_start..]));
    }
    Ok(parts)
}

fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("invalid variable name {name:?}"))
    }
}

/// Check a template's syntax (at load time, so errors get a file position).
pub(crate) fn check(s: &str) -> Result<(), SyntaxError> {
    parse(s).map(|_| ())
}

/// Expand a template. Errors are messages naming the variable.
pub(crate) fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let parts = parse(s).map_err(|(_, m)| m)?;
    let mut out = String::with_capacity(s.len());
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Dollar => out.push('$'),
            Part::Var { name, default } => match (lookup(name), default) {
                (Some(v), Some(d)) if v.is_empty() && d.if_empty => out.push_str(d.value),
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d.value),
                (None, None) => {
                    return Err(format!(
                        "environment variable {name} is not set and has no default"
                    ));
                }
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "GITHUB_TOKEN" => Some("ghp_123".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn set_variables_are_substituted() {
        assert_eq!(expand("${GITHUB_TOKEN}", &env).unwrap(), "ghp_123");
        assert_eq!(
            expand("token=${GITHUB_TOKEN}!", &env).unwrap(),
            "token=ghp_123!"
        );
        assert_eq!(expand("{{env.GITHUB_TOKEN}}", &env).unwrap(), "ghp_123");
        assert_eq!(expand("plain", &env).unwrap(), "plain");
        assert_eq!(expand("é${GITHUB_TOKEN}é", &env).unwrap(), "éghp_123é");
    }

    #[test]
    fn defaults() {
        assert_eq!(expand("${TZ:-UTC}", &env).unwrap(), "UTC");
        assert_eq!(expand("${GITHUB_TOKEN:-x}", &env).unwrap(), "ghp_123");
        assert_eq!(expand("${EMPTY:-x}", &env).unwrap(), "x");
        assert_eq!(expand("${EMPTY-x}", &env).unwrap(), "");
        assert_eq!(expand("${UNSET-x}", &env).unwrap(), "x");
        assert_eq!(expand("${UNSET:-}", &env).unwrap(), "");
        assert_eq!(
            expand("${UNSET:-http://a:1/b}", &env).unwrap(),
            "http://a:1/b"
        );
    }

    #[test]
    fn dollars() {
        assert_eq!(expand("$$", &env).unwrap(), "$");
        assert_eq!(expand("$${GITHUB_TOKEN}", &env).unwrap(), "${GITHUB_TOKEN}");
        assert_eq!(expand("cost: $5", &env).unwrap(), "cost: $5");
        assert_eq!(expand("a$", &env).unwrap(), "a$");
    }

    #[test]
    fn unset_without_default_is_an_error() {
        assert_eq!(
            expand("Bearer ${API_TOKEN}", &env).unwrap_err(),
            "environment variable API_TOKEN is not set and has no default"
        );
    }

    #[test]
    fn syntax_errors_have_offsets() {
        assert_eq!(
            check("ab${X"),
            Err((2, "unterminated ${ (missing })".to_string()))
        );
        assert_eq!(
            check("${1X}"),
            Err((0, "invalid variable name \"1X\"".to_string()))
        );
        assert_eq!(
            check("${}"),
            Err((0, "invalid variable name \"\"".to_string()))
        );
        assert!(
            check("${X:?oops}")
                .unwrap_err()
                .1
                .starts_with("unsupported ${X:?oops}")
        );
    }
}
