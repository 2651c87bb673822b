//! Line-level parser: BuildKit's `frontend/dockerfile/parser` (parser.go, line_parsers.go,
//! split_command.go, directives.go), plus its "unknown instruction" check.

use std::sync::LazyLock;

use regex::Regex;

use super::dump::{
    JsonError, go_lower, go_quote, go_quote_list, go_trim_space, parse_json_string_array,
};
use super::shell::Lex;
use super::{Directive, Dockerfile, Heredoc, Instruction, Kind, ParseError};

/// bufio.Scanner's limit: BuildKit fails on longer lines.
const MAX_LINE: usize = 65535;
/// `ONBUILD ONBUILD …` nesting accepted by the parser (BuildKit rejects any nesting one layer
/// up; the bound only keeps hostile input from recursing deeply).
const MAX_ONBUILD_NESTING: usize = 8;

/// `[\t\v\f\r ]+` — BuildKit's `reWhitespace` / `tokenWhitespace`.
fn is_token_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$")
        .expect("valid regex")
});
static HEREDOC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$").expect("valid regex"));

/// Splits `s` once at the first run of `[\t\v\f\r ]`.
fn split_ws2(s: &str) -> (&str, Option<&str>) {
    match s.find(is_token_ws) {
        None => (s, None),
        Some(i) => {
            let rest = s[i..].trim_start_matches(is_token_ws);
            (&s[..i], Some(rest))
        }
    }
}

/// `reWhitespace.Split(s, -1)` for an already trimmed, non-empty `s`.
fn split_ws_all(s: &str) -> Vec<String> {
    s.split(is_token_ws)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn trim_newline(s: &str) -> &str {
    s.trim_end_matches(['\r', '\n'])
}

fn is_comment(s: &str) -> bool {
    s.trim_start_matches(char::is_whitespace).starts_with('#')
}

struct Directives {
    escape: char,
    done: bool,
    found: Vec<Directive>,
}

impl Directives {
    /// BuildKit's `DirectiveParser.ParseLine` + `setEscapeToken`. Returns an error message.
    fn check(&mut self, token: &str, line: usize) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        let Some(rest) = token.strip_prefix('#') else {
            self.done = true;
            return Ok(());
        };
        let rest = rest.trim_start_matches(char::is_whitespace);
        let Some(caps) = DIRECTIVE.captures(rest) else {
            self.done = true;
            return Ok(());
        };
        let name = caps[1].to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.found.iter().any(|d| d.name == name) {
            return Err(format!("only one {name} parser directive can be used"));
        }
        let value = caps[2].to_string();
        if name == "escape" {
            self.escape = match value.as_str() {
                "\\" => '\\',
                "`" => '`',
                _ => {
                    return Err(format!(
                        "invalid escape token '{value}' does not match ` or \\"
                    ));
                }
            };
        }
        self.found.push(Directive { name, value, line });
        Ok(())
    }
}

/// BuildKit's line-continuation regex `([^E])E[ \t]*$|^E[ \t]*$`, replaced by `$1`.
/// Returns the line without the continuation and whether the instruction ends here.
fn trim_continuation(line: &str, esc: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    let Some(before) = t.strip_suffix(esc) else {
        return (line, true);
    };
    if before.is_empty() || !before.ends_with(esc) {
        (before, false)
    } else {
        // An escaped escape token (`\\`) is not a continuation.
        (line, true)
    }
}

/// Column (1-based, in characters) of the first non-blank character of `line`.
fn keyword_col(line: &str) -> usize {
    1 + line.chars().take_while(|c| c.is_whitespace()).count()
}

pub(super) fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines: Vec<&str> = source.split_inclusive('\n').collect();
    // Lines past one longer than bufio.Scanner's buffer are never seen.
    let too_long = lines
        .iter()
        .position(|l| l.strip_suffix('\n').unwrap_or(l).len() > MAX_LINE);
    if let Some(i) = too_long {
        lines.truncate(i);
    }

    let mut d = Directives {
        escape: '\\',
        done: false,
        found: Vec::new(),
    };
    let mut instructions = Vec::new();
    let mut warnings = Vec::new();
    let mut next = 0usize; // index of the next line to scan == number of lines read
    while next < lines.len() {
        let raw = lines[next];
        next += 1;
        let line_no = next;
        let token = trim_newline(raw).trim_start_matches(char::is_whitespace);
        d.check(token, line_no)
            .map_err(|message| ParseError::Directive {
                line: line_no,
                col: 1,
                message,
            })?;
        let processed = if is_comment(token) { "" } else { token };

        let start_line = line_no;
        let (first, mut end_of_line) = trim_continuation(processed, d.escape);
        if end_of_line && first.is_empty() {
            continue;
        }
        let mut buf = first.to_string();
        let mut has_empty_continuation = false;
        while !end_of_line && next < lines.len() {
            let raw = lines[next];
            next += 1;
            if is_comment(raw) {
                continue;
            }
            let token = trim_newline(raw);
            if token.trim_start_matches(char::is_whitespace).is_empty() {
                has_empty_continuation = true;
                continue;
            }
            let (part, eol) = trim_continuation(token, d.escape);
            buf.push_str(part);
            end_of_line = eol;
        }
        let end_line = next;
        if has_empty_continuation {
            warnings.push((end_line, format!("empty continuation line found in: {buf}")));
        }

        let col = keyword_col(lines[start_line - 1]);
        let mut node = new_node_from_line(&buf, d.escape, 0).map_err(|e| e.at(start_line, col))?;

        if node.can_contain_heredoc() && buf.contains("<<") {
            let docs = heredocs_from_line(&buf).map_err(|message| ParseError::Syntax {
                line: start_line,
                col,
                message,
            })?;
            for mut doc in docs {
                let mut terminated = false;
                while next < lines.len() {
                    let raw = lines[next];
                    next += 1;
                    let mut candidate = trim_newline(raw);
                    if doc.chomp {
                        candidate = candidate.trim_start_matches('\t');
                    }
                    if candidate == doc.name {
                        terminated = true;
                        break;
                    }
                    doc.content.push_str(raw);
                }
                if !terminated {
                    return Err(ParseError::Heredoc {
                        line: start_line,
                        col,
                        name: doc.name,
                    });
                }
                node.heredocs.push(doc);
            }
            // An ONBUILD trigger owns the heredocs it will run with.
            if let Some(trigger) = &mut node.trigger {
                trigger.heredocs = node.heredocs.clone();
            }
        }
        node.set_lines(start_line, next, col);
        instructions.push(node);
    }

    if instructions.is_empty() {
        return Err(ParseError::NoInstructions {
            line: next.max(1),
            col: 1,
        });
    }
    if let Some(i) = too_long {
        return Err(ParseError::Syntax {
            line: i + 1,
            col: 1,
            message: format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
        });
    }
    Ok(Dockerfile {
        instructions,
        escape: d.escape,
        directives: d.found,
        warnings,
    })
}

/// A line-level failure before its location is known.
pub(super) enum NodeError {
    Unknown(String),
    Syntax(String),
}

impl NodeError {
    fn at(self, line: usize, col: usize) -> ParseError {
        match self {
            NodeError::Unknown(mut instruction) => {
                // The "keyword" of a garbage line can be a whole (long) line.
                if let Some((cut, _)) = instruction.char_indices().nth(64) {
                    instruction.truncate(cut);
                    instruction.push('…');
                }
                ParseError::UnknownInstruction {
                    line,
                    col,
                    instruction,
                }
            }
            NodeError::Syntax(message) => ParseError::Syntax { line, col, message },
        }
    }
}

/// `newNodeFromLine`: split off the keyword and flags, then run the keyword's line parser.
pub(super) fn new_node_from_line(
    line: &str,
    esc: char,
    depth: usize,
) -> Result<Instruction, NodeError> {
    let (keyword, flags, rest) = split_command(line);
    let Some(kind) = Kind::from_keyword(&keyword) else {
        return Err(NodeError::Unknown(keyword));
    };
    let mut node = Instruction {
        keyword,
        kind,
        flags,
        args: Vec::new(),
        json: false,
        trigger: None,
        heredocs: Vec::new(),
        original: line.to_string(),
        start_line: 0,
        end_line: 0,
        col: 1,
    };
    let syntax = NodeError::Syntax;
    match kind {
        Kind::Add | Kind::Copy | Kind::Volume => {
            (node.args, node.json) = parse_maybe_json_to_list(rest).map_err(syntax)?;
        }
        Kind::Cmd | Kind::Entrypoint | Kind::Run | Kind::Shell => {
            (node.args, node.json) = parse_maybe_json(rest).map_err(syntax)?;
        }
        Kind::Arg => node.args = parse_words(rest, esc),
        Kind::Env => node.args = parse_name_val(rest, "ENV", esc).map_err(syntax)?,
        Kind::Label => node.args = parse_name_val(rest, "LABEL", esc).map_err(syntax)?,
        Kind::Expose | Kind::From => {
            if !rest.is_empty() {
                node.args = split_ws_all(rest);
            }
        }
        Kind::Maintainer | Kind::StopSignal | Kind::User | Kind::Workdir => {
            if !rest.is_empty() {
                node.args = vec![rest.to_string()];
            }
        }
        Kind::Healthcheck => (node.args, node.json) = parse_health_config(rest).map_err(syntax)?,
        Kind::Onbuild => {
            if !rest.is_empty() {
                if depth >= MAX_ONBUILD_NESTING {
                    return Err(NodeError::Syntax("ONBUILD nested too deeply".into()));
                }
                let child = new_node_from_line(rest, esc, depth + 1)?;
                node.trigger = Some(Box::new(child));
            }
        }
    }
    Ok(node)
}

/// `splitCommand`: keyword (as written), flags, and the rest of the line (trimmed).
fn split_command(line: &str) -> (String, Vec<String>, &str) {
    let (cmd, rest) = split_ws2(go_trim_space(line));
    let (args, flags) = match rest {
        Some(rest) => extract_builder_flags(rest),
        None => ("", Vec::new()),
    };
    (cmd.to_string(), flags, go_trim_space(args))
}

/// `extractBuilderFlags`: leading `--name[=value]` words; `--` ends them.
fn extract_builder_flags(line: &str) -> (&str, Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let n = chars.len();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut i = 0;
    while i <= n {
        let (pos, mut ch) = if i < n { chars[i] } else { (line.len(), '\0') };
        if phase == Phase::Spaces {
            if i == n {
                break;
            }
            if ch.is_whitespace() {
                i += 1;
                continue;
            }
            // Only keep going if the next word starts with --.
            if ch != '-' || i + 1 == n || chars[i + 1].1 != '-' {
                return (&line[pos..], words);
            }
            phase = Phase::Word;
        }
        if i == n {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if word == "--" {
                    return (&line[pos..], words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                i += 1;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                i += 1;
                continue;
            }
            if ch == '\\' {
                if i + 1 == n {
                    i += 1;
                    continue;
                }
                i += 1;
                ch = chars[i].1;
            }
            word.push(ch);
            i += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            i += 1;
            continue;
        }
        if ch == '\\' {
            if i + 1 == n {
                phase = Phase::Word;
                i += 1;
                continue;
            }
            i += 1;
            ch = chars[i].1;
        }
        word.push(ch);
        i += 1;
    }
    ("", words)
}

/// `parseWords`: whitespace-separated words; quotes and escapes are kept (processed later).
pub(super) fn parse_words(rest: &str, esc: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = rest.chars().collect();
    let n = chars.len();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word = String::new();
    let mut i = 0;
    while i <= n {
        let mut ch = if i < n { chars[i] } else { '\0' };
        if phase == Phase::Spaces {
            if i == n {
                break;
            }
            if ch.is_whitespace() {
                i += 1;
                continue;
            }
            phase = Phase::Word;
        }
        if i == n {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                i += 1;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == esc {
                if i + 1 == n {
                    i += 1;
                    continue; // an escape token at the end of the line is dropped
                }
                // Unquoted: keep the escape token and the character it escapes.
                word.push(ch);
                i += 1;
                ch = chars[i];
            }
            word.push(ch);
            i += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        // The escape token works in "…" but not in '…'.
        if ch == esc && quote != '\'' {
            if i + 1 == n {
                phase = Phase::Word;
                i += 1;
                continue;
            }
            i += 1;
            word.push(ch);
            ch = chars[i];
        }
        word.push(ch);
        i += 1;
    }
    words
}

/// `parseNameVal` (ENV, LABEL): `key value` (legacy, value = rest of line) or `k=v …`.
/// Returns (key, value, separator) triples flattened, like BuildKit's node chain.
fn parse_name_val(rest: &str, keyword: &str, esc: char) -> Result<Vec<String>, String> {
    let words = parse_words(rest, esc);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        let (key, value) = split_ws2(rest);
        let Some(value) = value else {
            return Err(format!("{keyword} must have two arguments"));
        };
        return Ok(vec![key.to_string(), value.to_string(), String::new()]);
    }
    let mut out = Vec::with_capacity(words.len() * 3);
    for word in &words {
        let Some((k, v)) = word.split_once('=') else {
            return Err(format!(
                "syntax error - can't find = in {}; must be of the form name=value",
                go_quote(word)
            ));
        };
        out.extend([k.to_string(), v.to_string(), "=".to_string()]);
    }
    Ok(out)
}

fn parse_json(rest: &str) -> Result<Vec<String>, JsonError> {
    let rest = rest.trim_start_matches(char::is_whitespace);
    if !rest.starts_with('[') {
        return Err(JsonError::Syntax);
    }
    parse_json_string_array(rest)
}

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// `parseMaybeJSON`: a JSON array of strings (exec form), else the whole rest (shell form).
fn parse_maybe_json(rest: &str) -> Result<(Vec<String>, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    match parse_json(rest) {
        Ok(v) => Ok((v, true)),
        Err(JsonError::NotStringArray) => Err(NOT_STRING_ARRAY.into()),
        Err(JsonError::Syntax) => Ok((vec![rest.to_string()], false)),
    }
}

/// `parseMaybeJSONToList`: a JSON array of strings, else whitespace-separated words.
fn parse_maybe_json_to_list(rest: &str) -> Result<(Vec<String>, bool), String> {
    match parse_json(rest) {
        Ok(v) => Ok((v, true)),
        Err(JsonError::NotStringArray) => Err(NOT_STRING_ARRAY.into()),
        Err(JsonError::Syntax) if rest.is_empty() => Ok((Vec::new(), false)),
        Err(JsonError::Syntax) => Ok((split_ws_all(rest), false)),
    }
}

/// `parseHealthConfig`: the type word (`CMD`, `NONE`, …), then `parseMaybeJSON` of the rest.
fn parse_health_config(rest: &str) -> Result<(Vec<String>, bool), String> {
    let sep = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let typ = &rest[..sep];
    let cmd = rest[sep..].trim_start_matches(char::is_whitespace);
    let (args, json) = parse_maybe_json(cmd)?;
    let mut out = vec![typ.to_string()];
    out.extend(args);
    Ok((out, json))
}

/// `heredocsFromLine`: the `<<EOF` words of an instruction line, in order.
pub(super) fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc>, String> {
    let lex = Lex {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        ..Lex::new('\\')
    };
    let words = lex.process_words(line, &Vec::new()).unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc(&word)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// `ParseHeredoc`: `[fd]<<[-]WORD` → a heredoc (content not yet read).
pub(super) fn parse_heredoc(src: &str) -> Result<Option<Heredoc>, String> {
    let Some(caps) = HEREDOC.captures(src) else {
        return Ok(None);
    };
    let fd = caps[1].parse::<u32>().unwrap_or(0);
    let chomp = &caps[2] == "-";
    let rest = &caps[3];
    if rest.is_empty() {
        return Ok(None);
    }
    // Lex with and without quotes: differing quote counts mean part of the word is quoted,
    // and then the content is not expanded.
    let mut lex = Lex {
        skip_unset_env: true,
        ..Lex::new('\\')
    };
    let words = lex
        .process_words(rest, &Vec::new())
        .map_err(|e| e.message)?;
    if words.len() != 1 {
        return Ok(None);
    }
    lex.raw_quotes = true;
    let raw = lex
        .process_words(rest, &Vec::new())
        .map_err(|e| e.message)?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let quotes = |s: &str| s.chars().filter(|c| *c == '\'' || *c == '"').count();
    let expand = quotes(&words[0]) == quotes(&raw[0]);
    Ok(Some(Heredoc {
        name: words[0].clone(),
        fd,
        expand,
        chomp,
        content: String::new(),
    }))
}

impl Instruction {
    fn can_contain_heredoc(&self) -> bool {
        let node = match (&self.kind, &self.trigger) {
            (Kind::Onbuild, Some(child)) => child,
            _ => self,
        };
        matches!(node.kind, Kind::Add | Kind::Copy | Kind::Run) && !node.json
    }

    fn set_lines(&mut self, start: usize, end: usize, col: usize) {
        self.start_line = start;
        self.end_line = end;
        self.col = col;
        if let Some(t) = &mut self.trigger {
            t.set_lines(start, end, col);
        }
    }

    /// This instruction as one S-expression of BuildKit's `Node.Dump()` (without parentheses).
    pub fn dump(&self) -> String {
        let mut s = go_lower(&self.keyword);
        if !self.flags.is_empty() {
            s.push(' ');
            s.push_str(&go_quote_list(&self.flags));
        }
        if let Some(t) = &self.trigger {
            s.push_str(" (");
            s.push_str(&t.dump());
            s.push(')');
        }
        for a in &self.args {
            s.push(' ');
            s.push_str(&go_quote(a));
        }
        go_trim_space(&s).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_like_buildkit() {
        let cases: &[(&str, &[&str])] = &[
            ("foo", &["foo"]),
            ("foo bar", &["foo", "bar"]),
            ("foo\\ bar", &["foo\\ bar"]),
            ("foo=bar", &["foo=bar"]),
            ("foo bar 'abc xyz'", &["foo", "bar", "'abc xyz'"]),
            ("foo bar \"abc xyz\"", &["foo", "bar", "\"abc xyz\""]),
            ("àöû", &["àöû"]),
            ("föo bàr \"âbc xÿz\"", &["föo", "bàr", "\"âbc xÿz\""]),
        ];
        for (input, expect) in cases {
            assert_eq!(parse_words(input, '\\'), *expect, "{input}");
        }
    }

    #[test]
    fn continuation_regex() {
        assert_eq!(trim_continuation("foo \\", '\\'), ("foo ", false));
        assert_eq!(trim_continuation("foo\\  \t", '\\'), ("foo", false));
        assert_eq!(trim_continuation("\\", '\\'), ("", false));
        assert_eq!(trim_continuation(" \\", '\\'), (" ", false));
        assert_eq!(trim_continuation("foo\\\\", '\\'), ("foo\\\\", true));
        assert_eq!(trim_continuation("foo `", '`'), ("foo ", false));
        assert_eq!(trim_continuation("foo \\", '`'), ("foo \\", true));
        assert_eq!(trim_continuation("", '\\'), ("", true));
    }

    #[test]
    fn flags() {
        assert_eq!(
            extract_builder_flags("--a=b --c foo"),
            ("foo", vec!["--a=b".into(), "--c".into()])
        );
        assert_eq!(
            extract_builder_flags("--a=\"x y\" -- foo"),
            (" foo", vec!["--a=x y".into()])
        );
        assert_eq!(extract_builder_flags("--a"), ("", vec!["--a".into()]));
        assert_eq!(extract_builder_flags("-a"), ("-a", vec![]));
    }
}
