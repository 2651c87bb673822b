//! Shell-word lexer: BuildKit's `frontend/dockerfile/shell` (`shell.Lex`).
//!
//! Processes quotes (`'…'`, `"…"`), the escape token (backslash or backtick) and variable
//! references (`$V`, `${V}`, `${V:-w}`, `${V-w}`, `${V:+w}`, `${V+w}`, `${V:?m}`, `${V?m}`,
//! `${V#p}`, `${V%p}`, `${V/p/r}` …) the way BuildKit does when it expands `ENV`, `LABEL`,
//! `COPY`, `EXPOSE`, … arguments. Unix rules only (variable names are case-sensitive).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// How deeply `${…${…}…}` may nest before the lexer gives up (BuildKit has no limit; a bound
/// keeps hostile input from exhausting the stack).
const MAX_NESTING: usize = 128;
/// Largest result of one word expansion (BuildKit has no limit; `${A//x/$B}` and friends can
/// otherwise multiply sizes).
const MAX_WORD: usize = 1 << 20;

/// A variable environment the lexer can look names up in.
pub trait Env {
    /// The value of `name`, or `None` when it is unset (an empty value is set).
    fn lookup(&self, name: &str) -> Option<&str>;
}

impl Env for BTreeMap<String, String> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for HashMap<String, String> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// Ordered `(name, value)` pairs; a later pair for the same name wins (like `KEY=v` lists).
impl Env for [(String, String)] {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Env for Vec<(String, String)> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.as_slice().lookup(name)
    }
}

/// A failed word expansion (`bad substitution`, unterminated quote, `${V:?message}`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError {
    /// BuildKit's wording: `failed to process "<word>": <reason>`.
    pub message: String,
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShellError {}

/// The lexer and its modes (BuildKit's `shell.Lex`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lex {
    /// `\` (default) or `` ` `` (`# escape=` directive).
    pub escape: char,
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape tokens in the output.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written (`$V`, `${V:-w}`).
    pub skip_unset_env: bool,
}

impl Default for Lex {
    fn default() -> Self {
        Lex::new('\\')
    }
}

impl Lex {
    pub fn new(escape: char) -> Self {
        Lex {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// Expands `word` into one string (quotes removed, spaces kept): `ENV`, `LABEL`, `USER`, …
    pub fn process_word(
        &self,
        word: &str,
        env: &(impl Env + ?Sized),
    ) -> Result<String, ShellError> {
        self.process(word, env, false).map(|(w, _)| w)
    }

    /// Expands `word` and splits it into words like a shell would (after substitution): `EXPOSE`.
    pub fn process_words(
        &self,
        word: &str,
        env: &(impl Env + ?Sized),
    ) -> Result<Vec<String>, ShellError> {
        self.process(word, env, true).map(|(_, ws)| ws)
    }

    fn process(
        &self,
        word: &str,
        env: &(impl Env + ?Sized),
        split: bool,
    ) -> Result<(String, Vec<String>), ShellError> {
        let mut sw = ShellWord {
            lex: self,
            chars: word.chars().collect(),
            pos: 0,
            env: &|name: &str| env.lookup(name).map(str::to_owned),
            raw_escapes: self.raw_escapes,
            depth: 0,
            split,
        };
        sw.process_stop_on(None, self.raw_escapes)
            .map_err(|reason| ShellError {
                message: format!(
                    "failed to process {}: {reason}",
                    super::dump::go_quote(word)
                ),
            })
    }
}

/// [`Lex::process_word`] with the default escape token.
pub fn process_word(word: &str, env: &(impl Env + ?Sized)) -> Result<String, ShellError> {
    Lex::default().process_word(word, env)
}

/// [`Lex::process_words`] with the default escape token.
pub fn process_words(word: &str, env: &(impl Env + ?Sized)) -> Result<Vec<String>, ShellError> {
    Lex::default().process_words(word, env)
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

struct ShellWord<'a> {
    lex: &'a Lex,
    chars: Vec<char>,
    pos: usize,
    env: Lookup<'a>,
    raw_escapes: bool,
    depth: usize,
    /// Whether the caller wants the words (ProcessWords) or only the string.
    split: bool,
}

struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
    /// Off for ProcessWord: splitting is skipped, the result is the same.
    enabled: bool,
}

impl Words {
    fn new(enabled: bool) -> Self {
        Words {
            word: String::new(),
            words: Vec::new(),
            in_word: false,
            enabled,
        }
    }

    fn add_char(&mut self, ch: char) {
        if !self.enabled {
            return;
        }
        if ch.is_whitespace() && self.in_word {
            if !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else if !ch.is_whitespace() {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        if !self.enabled {
            return;
        }
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        if !self.enabled {
            return;
        }
        for ch in s.chars() {
            self.add_char(ch);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        if !self.enabled {
            return;
        }
        self.word.push_str(s);
        self.in_word = true;
    }

    fn get_words(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(std::mem::take(&mut self.word));
        }
        self.words
    }
}

type Step<T> = Result<T, String>;

impl ShellWord<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn get_env(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Step<(String, Vec<String>)> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let out = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        out
    }

    fn process_stop_on_inner(&mut self, stop: Option<char>) -> Step<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::new(self.split);
        let quotes = !self.lex.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok((result, words.get_words()));
            }
            match ch {
                '$' => {
                    let tmp = self.process_dollar()?;
                    result.push_str(&tmp);
                    check_size(&result)?;
                    words.add_string(&tmp);
                }
                '<' => {
                    let tmp = self.process_possible_heredoc();
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                '\'' if quotes => {
                    let tmp = self.process_single_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                '"' if quotes => {
                    let tmp = self.process_double_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                _ => {
                    let mut ch = ch;
                    self.next();
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        // The escape token escapes the next character, except at the end.
                        match self.next() {
                            None => break,
                            Some(c) => ch = c,
                        }
                        words.add_raw_char(ch);
                    } else {
                        words.add_char(ch);
                    }
                    result.push(ch);
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.get_words()))
    }

    /// `<<` keeps the blanks after it in its word, so `<< EOF` stays one (heredoc) word.
    fn process_possible_heredoc(&mut self) -> String {
        self.next(); // '<'
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.next();
        let mut out = String::from("<<");
        while let Some(c @ (' ' | '\t' | '\r')) = self.peek() {
            out.push(c);
            self.next();
        }
        out
    }

    fn process_single_quote(&mut self) -> Step<String> {
        // Everything up to the next ' is literal; ' cannot be escaped.
        let mut result = String::new();
        let open = self.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    );
                }
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Step<String> {
        // Everything up to the next " is literal except $ and the escape token, which escapes
        // only ", $ and itself.
        let mut result = String::new();
        let open = self.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                    check_size(&result)?;
                }
                Some(_) => {
                    let Some(mut ch) = self.next() else { continue };
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.lex.escape => {
                                self.next();
                                ch = c;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_dollar(&mut self) -> Step<String> {
        self.depth += 1;
        let out = if self.depth > MAX_NESTING {
            Err("syntax error: substitutions nested too deeply".to_string())
        } else {
            self.process_dollar_inner()
        };
        self.depth -= 1;
        out
    }

    fn process_dollar_inner(&mut self) -> Step<String> {
        self.next(); // '$'
        let skip_unset = self.lex.skip_unset_env;

        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if skip_unset => format!("${name}"),
                None => String::new(),
            });
        }

        self.next(); // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.process_name();
        let first = self.next();
        let mut chs: String = first.map_or_else(|| "\u{fffd}".to_string(), String::from);
        let mut null_is_unset = false;
        let mut modifier = first;

        match first {
            Some('}') => {
                // ${name}
                Ok(match self.get_env(&name) {
                    Some(v) => v,
                    None if skip_unset => format!("${{{name}}}"),
                    None => String::new(),
                })
            }
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                if first == Some(':') {
                    null_is_unset = true;
                    modifier = self.next();
                    chs.push_str(&modifier.map_or_else(|| "\u{fffd}".to_string(), String::from));
                }
                let raw = matches!(modifier, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({chs}) in substitution"));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return Err("syntax error: missing '}'".into());
                        }
                        return Err(e);
                    }
                };
                let value = self.get_env(&name);
                if skip_unset && value.is_none() {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                let set = value.is_some();
                let value = value.unwrap_or_default();
                match modifier {
                    Some('-') => {
                        if !set || (null_is_unset && value.is_empty()) {
                            Ok(word)
                        } else {
                            Ok(value)
                        }
                    }
                    Some('+') => {
                        if !set || (null_is_unset && value.is_empty()) {
                            Ok(String::new())
                        } else {
                            Ok(word)
                        }
                    }
                    Some('?') => {
                        if !set {
                            let msg = if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        if null_is_unset && value.is_empty() {
                            let msg = if word.is_empty() {
                                "is not allowed to be empty"
                            } else {
                                &word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        Ok(value)
                    }
                    Some(m @ ('%' | '#')) => {
                        // %/# remove the shortest matching suffix/prefix, %%/## the longest.
                        let (pattern, greedy) = match word.strip_prefix(m) {
                            Some(rest) => (rest.to_string(), true),
                            None => (word, false),
                        };
                        if m == '%' {
                            trim_suffix(&pattern, &value, greedy)
                        } else {
                            trim_prefix(&pattern, &value, greedy)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({chs}) in substitution")),
                }
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return Err("syntax error: missing '/' in ${}".into());
                        }
                        return Err(e);
                    }
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return Err("syntax error: missing '}'".into());
                        }
                        return Err(e);
                    }
                };
                let Some(value) = self.get_env(&name) else {
                    if skip_unset {
                        return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                    }
                    return replace(&pattern, "", &replacement, replace_all);
                };
                replace(&pattern, &value, &replacement, replace_all)
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    fn process_name(&mut self) -> String {
        // A name is alphanumeric or _; one starting with a digit is a positional parameter
        // made of digits only; a special parameter is one character.
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_go_digit(ch) {
                while let Some(c) = self.peek() {
                    if !is_go_digit(c) {
                        break;
                    }
                    self.next();
                    name.push(c);
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.next();
                return ch.to_string();
            }
            if !is_go_letter(ch) && !is_go_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }
}

fn check_size(s: &str) -> Step<()> {
    if s.len() > MAX_WORD {
        return Err("expansion larger than 1 MiB".into());
    }
    Ok(())
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

static LETTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{L}$").expect("valid regex"));
static DIGIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{Nd}$").expect("valid regex"));

/// Go's `unicode.IsLetter` (general category L).
fn is_go_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    let mut buf = [0u8; 4];
    LETTER.is_match(c.encode_utf8(&mut buf))
}

/// Go's `unicode.IsDigit` (general category Nd).
fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let mut buf = [0u8; 4];
    DIGIT.is_match(c.encode_utf8(&mut buf))
}

/// A shell wildcard pattern (`?`, `*`, `\`-escapes; no brackets) as a regular expression.
fn pattern_to_regex(pattern: &str, greedy: bool, anchored: bool) -> Step<Regex> {
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut it = pattern.chars().peekable();
    while let Some(tok) = it.next() {
        match tok {
            '*' => out.push_str(star),
            '?' => out.push('.'),
            '\\' => {
                // \} and \/ inside ${} are escapes of the ${} syntax, not of the pattern.
                if matches!(it.peek(), Some('}' | '/')) {
                    continue;
                }
                match it.next() {
                    Some(c @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(c);
                    }
                    Some(c) => return Err(format!("invalid escape '\\{c}'")),
                    None => return Err("invalid escape '\\'".into()),
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => {
                out.push('\\');
                out.push(tok);
            }
            c => {
                let mut buf = [0u8; 4];
                out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
            }
        }
    }
    Regex::new(&out).map_err(|e| e.to_string())
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Step<String> {
    let re = pattern_to_regex(pattern, greedy, true)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match re.find(value) {
        Some(m) => value[m.end()..].to_string(),
        None => value.to_string(),
    })
}

/// Reverses a pattern without reversing its escapes (`a\*c` → `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let runes: Vec<char> = pattern.chars().collect();
    let n = runes.len();
    let mut out = vec!['\0'; n];
    let mut i = 0;
    while i < n {
        let tok = runes[i];
        let out_idx = n - 1 - i;
        if tok == '\\' && i != n - 1 {
            out[out_idx - 1] = tok;
            out[out_idx] = runes[i + 1];
            i += 2;
        } else {
            out[out_idx] = tok;
            i += 1;
        }
    }
    out.into_iter().collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Step<String> {
    // Regular expressions cannot find the shortest rightmost match, so reverse both.
    let pattern = reverse_pattern(pattern);
    let word: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&pattern, &word, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

fn replace(pattern: &str, value: &str, replacement: &str, all: bool) -> Step<String> {
    let re = pattern_to_regex(pattern, true, false)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    if all {
        let matches = re.find_iter(value).count();
        if matches
            .saturating_mul(replacement.len())
            .saturating_add(value.len())
            > MAX_WORD
        {
            return Err("expansion larger than 1 MiB".into());
        }
        // Go's ReplaceAllString expands $n / ${name} in the replacement, as does `regex`.
        return Ok(re.replace_all(value, replacement).into_owned());
    }
    Ok(match re.find(value) {
        Some(m) => format!(
            "{}{}{}",
            &value[..m.start()],
            replacement,
            &value[m.end()..]
        ),
        None => value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn mandatory_vars() {
        let set = env(&[("VAR", "plain"), ("ARG", "x")]);
        let empty = env(&[("VAR", ""), ("ARG", "x")]);
        let unset = env(&[("ARG", "x")]);
        let no_empty = "${VAR:?message here$ARG}";
        let no_unset = "${VAR?message here$ARG}";
        assert_eq!(process_word(no_empty, &set).unwrap(), "plain");
        assert!(
            process_word(no_empty, &empty)
                .unwrap_err()
                .message
                .contains("message herex")
        );
        assert!(
            process_word(no_empty, &unset)
                .unwrap_err()
                .message
                .contains("message herex")
        );
        assert_eq!(process_word(no_unset, &set).unwrap(), "plain");
        assert_eq!(process_word(no_unset, &empty).unwrap(), "");
        assert!(
            process_word(no_unset, &unset)
                .unwrap_err()
                .message
                .contains("message herex")
        );
    }

    #[test]
    fn patterns() {
        let e = env(&[("FOO", "xxyy"), ("BAR", "x")]);
        assert_eq!(process_word("${FOO#*x*y}", &e).unwrap(), "y");
        assert_eq!(process_word("${FOO##*x}", &e).unwrap(), "yy");
        assert_eq!(process_word("${FOO#$BAR}", &e).unwrap(), "xyy");
        assert_eq!(process_word("${FOO%y}", &e).unwrap(), "xxy");
        assert_eq!(process_word("${FOO%%y*}", &e).unwrap(), "xx");
        let e = env(&[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")]);
        assert_eq!(
            process_word("${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}", &e).unwrap(),
            "/tmp/bar.txt - /bar.txt"
        );
        let e = env(&[("FOO", "/tmp/foo.txt")]);
        assert_eq!(
            process_word("${FOO//\\//\\/}", &e).unwrap(),
            "\\/tmp\\/foo.txt"
        );
        let e = env(&[("FOO", "a***yy*")]);
        assert_eq!(process_word("${FOO%%\\**\\*}", &e).unwrap(), "a");
        assert!(process_word("${FOO//ww}", &e).is_err());
    }

    #[test]
    fn reverse() {
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("\\\\\\ab"), "b\\a\\\\");
        assert_eq!(reverse_pattern("ab\\"), "\\ba");
    }

    #[test]
    fn backtick_escape() {
        let lex = Lex::new('`');
        let e = env(&[("A", "1")]);
        assert_eq!(lex.process_word("a`$A\\b", &e).unwrap(), "a$A\\b");
        assert_eq!(lex.process_word("\"x`\"y\"", &e).unwrap(), "x\"y");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let word = "${a:-".repeat(100_000);
        assert!(process_word(&word, &env(&[])).is_err());
    }
}
