//! Go-compatible text helpers: `strconv.Quote`, `%q` of a `[]string`, `strings.ToLower`,
//! `strings.TrimSpace`, and the `encoding/json` subset BuildKit uses for exec-form arguments.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

static PRINTABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{M}\p{N}\p{P}\p{S}]$").expect("valid regex"));

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space.
fn is_go_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let mut buf = [0u8; 4];
    PRINTABLE.is_match(c.encode_utf8(&mut buf))
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `fmt.Sprintf("%q", []string{…})`: `["a" "b"]`.
pub fn go_quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// Go's `strings.ToLower` (simple per-character mapping; `İ` → `i`).
pub fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\u{130}' {
                'i'
            } else {
                c.to_lowercase().next().unwrap_or(c)
            }
        })
        .collect()
}

/// Go's `strings.TrimSpace` (Unicode white space, same set as Rust's).
pub fn go_trim_space(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Not valid JSON: the caller falls back to shell form.
    Syntax,
    /// Valid JSON, but an element is not a string: an error in BuildKit.
    NotStringArray,
}

/// `json.Unmarshal` into `[]any` followed by BuildKit's "strings only" check. Iterative (no
/// recursion); Go's nesting limit of 10000 applies.
pub fn parse_json_string_array(s: &str) -> Result<Vec<String>, JsonError> {
    const MAX_DEPTH: usize = 10_000;
    let b = s.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    #[derive(PartialEq)]
    enum Container {
        Array,
        Object,
    }
    let mut stack: Vec<Container> = Vec::new();
    let mut out = Vec::new();
    let mut non_string = false;
    let mut i = ws(0);
    if b.get(i) != Some(&b'[') {
        return Err(JsonError::Syntax);
    }
    'value: loop {
        // At the start of a value.
        i = ws(i);
        let top_level_element = stack.len() == 1;
        match b.get(i) {
            Some(b'[') => {
                if top_level_element {
                    non_string = true;
                }
                stack.push(Container::Array);
                if stack.len() > MAX_DEPTH {
                    return Err(JsonError::Syntax);
                }
                i = ws(i + 1);
                if b.get(i) != Some(&b']') {
                    continue 'value;
                }
                i += 1;
                stack.pop();
            }
            Some(b'{') => {
                if top_level_element {
                    non_string = true;
                }
                stack.push(Container::Object);
                if stack.len() > MAX_DEPTH {
                    return Err(JsonError::Syntax);
                }
                i = ws(i + 1);
                if b.get(i) == Some(&b'}') {
                    i += 1;
                    stack.pop();
                } else {
                    i = object_key(b, i)?;
                    i = ws(i);
                    continue 'value;
                }
            }
            Some(b'"') => {
                let (v, ni) = json_string(s, i)?;
                if top_level_element {
                    out.push(v);
                }
                i = ni;
            }
            Some(b't') if b[i..].starts_with(b"true") => {
                non_string |= top_level_element;
                i += 4;
            }
            Some(b'f') if b[i..].starts_with(b"false") => {
                non_string |= top_level_element;
                i += 5;
            }
            Some(b'n') if b[i..].starts_with(b"null") => {
                non_string |= top_level_element;
                i += 4;
            }
            Some(b'-' | b'0'..=b'9') => {
                i = json_number(b, i)?;
                non_string |= top_level_element;
            }
            _ => return Err(JsonError::Syntax),
        }
        // After a value: separators and closing brackets.
        loop {
            i = ws(i);
            match stack.last() {
                None => {
                    if i != b.len() {
                        return Err(JsonError::Syntax);
                    }
                    return if non_string {
                        Err(JsonError::NotStringArray)
                    } else {
                        Ok(out)
                    };
                }
                Some(Container::Array) => match b.get(i) {
                    Some(b',') => {
                        i += 1;
                        continue 'value;
                    }
                    Some(b']') => {
                        i += 1;
                        stack.pop();
                    }
                    _ => return Err(JsonError::Syntax),
                },
                Some(Container::Object) => match b.get(i) {
                    Some(b',') => {
                        i = object_key(b, ws(i + 1))?;
                        continue 'value;
                    }
                    Some(b'}') => {
                        i += 1;
                        stack.pop();
                    }
                    _ => return Err(JsonError::Syntax),
                },
            }
        }
    }
}

/// `"key"` `:` — returns the position after the colon.
fn object_key(b: &[u8], i: usize) -> Result<usize, JsonError> {
    if b.get(i) != Some(&b'"') {
        return Err(JsonError::Syntax);
    }
    let mut j = skip_string(b, i)?;
    while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\n' | b'\r') {
        j += 1;
    }
    if b.get(j) != Some(&b':') {
        return Err(JsonError::Syntax);
    }
    Ok(j + 1)
}

fn skip_string(b: &[u8], start: usize) -> Result<usize, JsonError> {
    let mut i = start + 1;
    loop {
        match b.get(i) {
            None => return Err(JsonError::Syntax),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    if b.len() < i + 6 || !b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit) {
                        return Err(JsonError::Syntax);
                    }
                    i += 6;
                }
                _ => return Err(JsonError::Syntax),
            },
            Some(c) if *c < 0x20 => return Err(JsonError::Syntax),
            Some(_) => i += 1,
        }
    }
}

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let s = std::str::from_utf8(b.get(i..i + 4)?).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// Decodes the string starting at `start` (a `"`); returns it and the position after it.
/// Lone surrogates become U+FFFD, as in Go.
fn json_string(s: &str, start: usize) -> Result<(String, usize), JsonError> {
    let b = s.as_bytes();
    let end = skip_string(b, start)?;
    let mut out = String::new();
    let mut i = start + 1;
    let mut run = i;
    while i < end - 1 {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        let esc = b[i + 1];
        i += 2;
        match esc {
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let r = hex4(b, i).ok_or(JsonError::Syntax)?;
                i += 4;
                if (0xd800..0xe000).contains(&r) {
                    // A surrogate: valid only as the first half of a \uXXXX\uYYYY pair.
                    let low = if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u') {
                        hex4(b, i + 2)
                    } else {
                        None
                    };
                    match low {
                        Some(lo) if r < 0xdc00 && (0xdc00..0xe000).contains(&lo) => {
                            let c = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
                            out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                            i += 6;
                        }
                        _ => out.push('\u{fffd}'),
                    }
                } else {
                    out.push(char::from_u32(r).unwrap_or('\u{fffd}'));
                }
            }
            other => out.push(other as char),
        }
        run = i;
    }
    out.push_str(&s[run..end - 1]);
    Ok((out, end))
}

fn json_number(b: &[u8], mut i: usize) -> Result<usize, JsonError> {
    let digits = |mut j: usize| {
        let s = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        (j, j - s)
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i).0,
        _ => return Err(JsonError::Syntax),
    }
    if b.get(i) == Some(&b'.') {
        let (j, n) = digits(i + 1);
        if n == 0 {
            return Err(JsonError::Syntax);
        }
        i = j;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (j, n) = digits(i);
        if n == 0 {
            return Err(JsonError::Syntax);
        }
        i = j;
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            go_quote("\u{0}\u{7}\u{8}\u{c}\n\r\t\u{b}\u{7f}"),
            r#""\x00\a\b\f\n\r\t\v\x7f""#
        );
        assert_eq!(go_quote("♥ 한국어"), "\"♥ 한국어\"");
        assert_eq!(
            go_quote("\u{a0}\u{200b}\u{feff}"),
            r#""\u00a0\u200b\ufeff""#
        );
        assert_eq!(go_quote("\u{e0001}"), r#""\U000e0001""#);
        assert_eq!(go_quote("\u{1f600}"), "\"\u{1f600}\"");
        assert_eq!(
            go_quote_list(&["--a=b".into(), "--c".into()]),
            r#"["--a=b" "--c"]"#
        );
    }

    #[test]
    fn json_arrays() {
        use JsonError::*;
        let ok = |s: &str| parse_json_string_array(s);
        assert_eq!(ok(r#"[]"#), Ok(vec![]));
        assert_eq!(ok(r#"[ "a" , "b" ]"#), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(
            ok(r#"["\" \\ \/ \b \f \n \r \t \u0000"]"#),
            Ok(vec!["\" \\ / \u{8} \u{c} \n \r \t \u{0}".into()])
        );
        assert_eq!(
            ok(r#"["\ud83d\ude00", "\ud800x"]"#),
            Ok(vec!["\u{1f600}".into(), "\u{fffd}x".into()])
        );
        assert_eq!(ok(r#"[ "echo", [ "nested json" ] ]"#), Err(NotStringArray));
        assert_eq!(
            ok(r#"["a", 1, {"k": [true, null, -1.5e3]}]"#),
            Err(NotStringArray)
        );
        assert_eq!(ok(r#"['a']"#), Err(Syntax));
        assert_eq!(ok(r#"["a""#), Err(Syntax));
        assert_eq!(ok(r#"["a"] x"#), Err(Syntax));
        assert_eq!(ok(r#"["a",]"#), Err(Syntax));
        assert_eq!(ok(r#"[01]"#), Err(Syntax));
        assert_eq!(ok(&"[".repeat(20_000)), Err(Syntax));
        let deep = format!("[{}{}]", "[".repeat(9_998), "]".repeat(9_998));
        assert_eq!(ok(&deep), Err(NotStringArray));
    }
}
