//! Unit tests of the parser and the semantic layer.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::workload::Protocol;

/// The start of a test input, for failure messages.
fn short(src: &str) -> String {
    format!("{:?}", src.chars().take(200).collect::<String>())
}

fn dump(src: &str) -> String {
    parse(src)
        .unwrap_or_else(|e| panic!("{}: {e}", short(src)))
        .dump()
}

fn config(src: &str) -> ImageConfig {
    resolve_with(src, None, &[])
}

fn resolve_with(src: &str, target: Option<&str>, args: &[(&str, &str)]) -> ImageConfig {
    let df = parse(src).unwrap_or_else(|e| panic!("{}: {e}", short(src)));
    let opts = ResolveOptions {
        target: target.map(str::to_owned),
        build_args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    };
    resolve(&df, &opts).unwrap_or_else(|e| panic!("{}: {e}", short(src)))
}

fn resolve_err(src: &str) -> String {
    let df = parse(src).unwrap_or_else(|e| panic!("{}: {e}", short(src)));
    resolve(&df, &ResolveOptions::default())
        .expect_err("should fail")
        .to_string()
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- heredocs

#[test]
fn heredoc_body_is_not_parsed_as_instructions() {
    let src = "FROM alpine\nRUN <<EOF\nFROM not-an-instruction\nFRUM neither\nEOF\nCMD [\"x\"]\n";
    let df = parse(src).unwrap();
    assert_eq!(df.instructions.len(), 3);
    let run = &df.instructions[1];
    assert_eq!(run.args, v(&["<<EOF"]));
    assert_eq!((run.start_line, run.end_line), (2, 5));
    assert_eq!(run.heredocs.len(), 1);
    let doc = &run.heredocs[0];
    assert_eq!(doc.name, "EOF");
    assert_eq!(doc.content, "FROM not-an-instruction\nFRUM neither\n");
    assert!(doc.expand && !doc.chomp);
    assert_eq!(df.instructions[2].start_line, 6);
    assert_eq!(df.dump(), "(from \"alpine\")\n(run \"<<EOF\")\n(cmd \"x\")");
}

/// BuildKit's TestParseExtractsHeredoc (parser_heredoc_test.go); its unknown `INVALID` line
/// (ignored by BuildKit's parser, an error here) is a LABEL instead.
#[test]
fn buildkit_heredoc_extraction() {
    let src = "
FROM alpine:3.6

ENV NAME=me

RUN ls

USER <<INVALID
LABEL INVALID=1

RUN <<EMPTY
EMPTY

RUN 3<<EMPTY2
EMPTY2

RUN \"<<NOHEREDOC\"

RUN <<INDENT
\tfoo
\tbar
INDENT

RUN <<-UNINDENT
\tbaz
\tquux
UNINDENT

RUN <<-UNINDENT2
\tbaz
\tquux
\tUNINDENT2

RUN <<-EXPAND
\texpand $NAME
EXPAND

RUN <<-'NOEXPAND'
\tdon't expand $NAME
NOEXPAND

RUN <<COPY
echo hello world
echo foo bar
COPY

RUN <<COMMENT
# internal comment
echo hello world
echo foo bar # trailing comment
COMMENT

RUN --mount=type=cache,target=/foo <<MOUNT
echo hello
MOUNT

COPY <<FILE1 <<FILE2 /dest
content 1
FILE1
content 2
FILE2

COPY <<EOF /quotes
\"foo\"
'bar'
EOF

COPY <<X <<Y /dest
Y
X
X
Y

RUN <<COMPLEX python3
print('hello world')
COMPLEX

COPY <<file.txt /dest
hello world
file.txt

RUN <<eo'f'
echo foo
eof

RUN <<eo\\'f
echo foo
eo'f

RUN <<'e'o\\'f
echo foo
eo'f

RUN <<'one two'
echo bar
one two

RUN <<$EOF
$EOF

RUN <<  EOF
EOF

RUN <<  EOF  > foo
EOF
\t";
    // (name, content, expand, chomp, fd) per instruction after FROM.
    type Doc = (String, String, bool, bool, u32);
    let d =
        |n: &str, c: &str, e: bool, ch: bool, fd: u32| -> Doc { (n.into(), c.into(), e, ch, fd) };
    let expected: Vec<Vec<Doc>> = vec![
        vec![],
        vec![],
        vec![],
        vec![],
        vec![d("EMPTY", "", true, false, 0)],
        vec![d("EMPTY2", "", true, false, 3)],
        vec![],
        vec![d("INDENT", "\tfoo\n\tbar\n", true, false, 0)],
        vec![d("UNINDENT", "\tbaz\n\tquux\n", true, true, 0)],
        vec![d("UNINDENT2", "\tbaz\n\tquux\n", true, true, 0)],
        vec![d("EXPAND", "\texpand $NAME\n", true, true, 0)],
        vec![d("NOEXPAND", "\tdon't expand $NAME\n", false, true, 0)],
        vec![d(
            "COPY",
            "echo hello world\necho foo bar\n",
            true,
            false,
            0,
        )],
        vec![d(
            "COMMENT",
            "# internal comment\necho hello world\necho foo bar # trailing comment\n",
            true,
            false,
            0,
        )],
        vec![d("MOUNT", "echo hello\n", true, false, 0)],
        vec![
            d("FILE1", "content 1\n", true, false, 0),
            d("FILE2", "content 2\n", true, false, 0),
        ],
        vec![d("EOF", "\"foo\"\n'bar'\n", true, false, 0)],
        vec![d("X", "Y\n", true, false, 0), d("Y", "X\n", true, false, 0)],
        vec![d("COMPLEX", "print('hello world')\n", true, false, 0)],
        vec![d("file.txt", "hello world\n", true, false, 0)],
        vec![d("eof", "echo foo\n", false, false, 0)],
        vec![d("eo'f", "echo foo\n", true, false, 0)],
        vec![d("eo'f", "echo foo\n", false, false, 0)],
        vec![d("one two", "echo bar\n", false, false, 0)],
        vec![d("$EOF", "", true, false, 0)],
        vec![d("EOF", "", true, false, 0)],
        vec![d("EOF", "", true, false, 0)],
    ];
    let df = parse(src).unwrap();
    assert_eq!(df.instructions.len(), expected.len() + 1);
    for (i, want) in expected.iter().enumerate() {
        let ins = &df.instructions[i + 1];
        let got: Vec<Doc> = ins
            .heredocs
            .iter()
            .map(|h| d(&h.name, &h.content, h.expand, h.chomp, h.fd))
            .collect();
        assert_eq!(&got, want, "instruction {}: {}", i + 2, ins.original);
    }
}

/// BuildKit's TestParseHeredocHelpers, TestHeredocsFromLine and TestParseJSONHeredoc.
#[test]
fn buildkit_heredoc_helpers() {
    for src in [
        "<<EOF",
        "<<'EOF'",
        "<<\"EOF\"",
        "<<-EOF",
        "<<-'EOF'",
        "<<-\"EOF\"",
        "<<EO\"F\"",
        "<< EOF",
        "<<- EOF",
    ] {
        let doc = parser::parse_heredoc(src)
            .unwrap()
            .unwrap_or_else(|| panic!("{src}"));
        assert_eq!(doc.name, "EOF", "{src}");
    }
    for src in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
        assert!(parser::parse_heredoc(src).is_err(), "{src}");
    }
    for src in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
        assert_eq!(parser::parse_heredoc(src), Ok(None), "{src}");
    }
    let cases: &[(&str, &[&str])] = &[
        ("RUN <<EOF", &["EOF"]),
        ("RUN <<-EOF", &["EOF"]),
        // BuildKit's own test expects EOF here but only checks the heredocs it gets (none):
        // `<<-` then a blank is not one word for the lexer.
        ("RUN <<- EOF", &[]),
        ("RUN << -EOF", &["-EOF"]),
        ("RUN <<'EOF'", &["EOF"]),
        ("RUN 4<<EOF", &["EOF"]),
        ("RUN <<EOF <<EOF2", &["EOF", "EOF2"]),
        ("RUN '<<EOF'", &[]),
        ("RUN \"<<EOF\"", &[]),
    ];
    for (line, names) in cases {
        let docs = parser::heredocs_from_line(line).unwrap();
        let got: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(got, *names, "{line}");
    }
    let df =
        parse("FROM alpine:3.6\nRUN [\"whoami\"]\nRUN [\"<<EOF\"]\nRUN [\"<<'EOF'\"]\n").unwrap();
    assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
}

#[test]
fn heredoc_forms() {
    let src = "FROM a\nRUN <<-EOT bash\n\techo $HOME\n\tEOT\nCOPY <<\"A\" <<'B' /dst/\na $X\nA\nb\nB\nRUN 3<<X cat <&3\nfd\nX\n";
    let df = parse(src).unwrap();
    let dash = &df.instructions[1].heredocs[0];
    assert_eq!(
        (dash.name.as_str(), dash.chomp, dash.expand),
        ("EOT", true, true)
    );
    assert_eq!(dash.content, "\techo $HOME\n");
    let copy = &df.instructions[2];
    assert_eq!(copy.heredocs.len(), 2);
    assert_eq!(
        (copy.heredocs[0].name.as_str(), copy.heredocs[0].expand),
        ("A", false)
    );
    assert_eq!(
        (copy.heredocs[1].name.as_str(), copy.heredocs[1].expand),
        ("B", false)
    );
    assert_eq!(copy.heredocs[0].content, "a $X\n");
    assert_eq!(copy.heredocs[1].content, "b\n");
    assert_eq!((copy.start_line, copy.end_line), (5, 9));
    assert_eq!(df.instructions[3].heredocs[0].fd, 3);
    assert_eq!(df.instructions[3].end_line, 12);
}

#[test]
fn heredoc_only_for_shell_form_run_copy_add_and_onbuild() {
    // Exec form: no heredoc, the next line is an instruction.
    let df = parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nCMD x\n").unwrap();
    assert!(df.instructions[1].heredocs.is_empty());
    assert_eq!(df.instructions.len(), 3);
    // Not RUN/COPY/ADD: `<<` is literal.
    let df = parse("FROM a\nLABEL x=<<EOF\nCMD x\n").unwrap();
    assert_eq!(df.instructions.len(), 3);
    // ONBUILD RUN takes heredocs.
    let df = parse("FROM a\nONBUILD RUN <<EOF\nhi\nEOF\n").unwrap();
    assert_eq!(df.instructions[1].heredocs[0].content, "hi\n");
    assert_eq!(df.dump(), "(from \"a\")\n(onbuild (run \"<<EOF\"))");
}

#[test]
fn unterminated_heredoc_is_an_error() {
    let e = parse("FROM a\n  RUN <<EOF\necho\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2:3: unterminated heredoc EOF");
    assert_eq!((e.line(), e.col()), (2, 3));
}

#[test]
fn heredoc_with_crlf_and_chomped_terminator() {
    let df = parse("FROM a\r\nRUN <<-EOF\r\n\tx\r\n\t\tEOF\r\nCMD y\r\n").unwrap();
    assert_eq!(df.instructions[1].heredocs[0].content, "\tx\r\n");
    assert_eq!(df.instructions[2].args, v(&["y"]));
}

// ---------------------------------------------------------------- directives and escapes

#[test]
fn backtick_escape_directive() {
    let src = "# escape=`\nFROM windows\nRUN dir c:\\ `\n    && echo hi\nCOPY a\\b c:\\d\\\nENV P C:\\path `\n  \\more\n";
    let df = parse(src).unwrap();
    assert_eq!(df.escape, '`');
    assert_eq!(
        df.directives,
        vec![Directive {
            name: "escape".into(),
            value: "`".into(),
            line: 1
        }]
    );
    assert_eq!(
        df.dump(),
        "(from \"windows\")\n(run \"dir c:\\\\     && echo hi\")\n(copy \"a\\\\b\" \"c:\\\\d\\\\\")\n(env \"P\" \"C:\\\\path   \\\\more\" \"\")"
    );
}

#[test]
fn directives_only_at_the_top() {
    // After an ordinary comment: a plain comment.
    let df = parse("# hello\n# escape=`\nFROM a\n").unwrap();
    assert_eq!(df.escape, '\\');
    assert!(df.directives.is_empty());
    // After a blank line: a plain comment.
    let df = parse("# syntax=docker/dockerfile:1\n\n# escape=`\nFROM a\n").unwrap();
    assert_eq!(df.escape, '\\');
    assert_eq!(df.directives.len(), 1);
    // After an instruction.
    let df = parse("FROM a\n# escape=`\nRUN x \\\n y\n").unwrap();
    assert_eq!(df.instructions[1].args, v(&["x  y"]));
    // All three, case-insensitive names, spaces around `=`.
    let df = parse(
        "#SYNTAX = docker/dockerfile:1.7\n# Check=skip=all;error=true\n#  escape =\t`  \nFROM a\n",
    )
    .unwrap();
    let names: Vec<_> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("syntax", "docker/dockerfile:1.7"),
            ("check", "skip=all;error=true"),
            ("escape", "`")
        ]
    );
    // Unknown directive names end the directive block.
    let df = parse("# foo=bar\n# escape=`\nFROM a\n").unwrap();
    assert_eq!(df.escape, '\\');
}

#[test]
fn bad_directives() {
    let e = parse("# escape=`\n# escape=\\\nFROM a\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2:1: only one escape parser directive can be used"
    );
    let e = parse("# escape=x\nFROM a\n").unwrap_err();
    assert_eq!((e.line(), e.col()), (1, 1));
    assert!(e.to_string().contains("invalid escape token 'x'"), "{e}");
}

#[test]
fn bom_is_ignored() {
    assert_eq!(dump("\u{feff}# escape=`\nFROM `\n a\n"), "(from \"a\")");
}

// ---------------------------------------------------------------- continuations

#[test]
fn continuation_edge_cases() {
    // A trailing escape joins the next line with no space added.
    assert_eq!(dump("RUN echo hel\\\nlo\n"), "(run \"echo hello\")");
    // Whitespace after the escape is allowed.
    assert_eq!(dump("RUN a \\  \t\n b\n"), "(run \"a  b\")");
    // Comment lines inside a continuation are dropped; so are empty lines (with a warning).
    let df = parse("RUN a \\\n# comment\n   # indented comment\n\n b\n").unwrap();
    assert_eq!(df.dump(), "(run \"a  b\")");
    assert_eq!(
        (df.instructions[0].start_line, df.instructions[0].end_line),
        (1, 5)
    );
    assert_eq!(df.warnings.len(), 1);
    assert!(df.warnings[0].1.contains("empty continuation line"));
    // `\\` at the end of a line is not a continuation.
    assert_eq!(
        dump("ENV A b\\\\\nENV C d\n"),
        "(env \"A\" \"b\\\\\\\\\" \"\")\n(env \"C\" \"d\" \"\")"
    );
    // Continuation at end of file.
    assert_eq!(dump("RUN a \\"), "(run \"a\")");
    // A line that is only the escape contributes nothing.
    assert_eq!(dump("RUN a\\\n\\\nb\n"), "(run \"ab\")");
    // Leading whitespace of continuation lines is kept, of the first line dropped.
    assert_eq!(dump("   RUN a\\\n   b\n"), "(run \"a   b\")");
    // CRLF line endings.
    assert_eq!(
        dump("FROM a\r\nRUN b \\\r\n c\r\n"),
        "(from \"a\")\n(run \"b  c\")"
    );
}

/// BuildKit's TestParseWarnsOnEmptyContinutationLine.
#[test]
fn warns_on_empty_continuation_lines() {
    let src = "\nFROM alpine:3.6\n\nRUN valid \\\n    continuation\n\nRUN something \\\n\n    following \\\n\n    more\n\nRUN another \\\n\n    thing\n\nRUN non-indented \\\n# this is a comment\n   after-comment\n\nRUN indented \\\n    # this is an indented comment\n    comment\n\t";
    let df = parse(src).unwrap();
    assert_eq!(df.warnings.len(), 2, "{:?}", df.warnings);
    assert!(
        df.warnings[0]
            .1
            .contains("empty continuation line found in")
    );
    assert!(
        df.warnings[0]
            .1
            .contains("RUN something     following     more")
    );
    assert!(df.warnings[1].1.contains("RUN another     thing"));
    assert_eq!(
        df.instructions[4].args,
        v(&["non-indented    after-comment"])
    );
    assert_eq!(df.instructions[5].args, v(&["indented     comment"]));
}

#[test]
fn comments_and_blank_lines() {
    let df = parse("\n\n# c\n   # indented\nFROM a # not a comment\n\n").unwrap();
    assert_eq!(df.dump(), "(from \"a\" \"#\" \"not\" \"a\" \"comment\")");
    assert_eq!(df.instructions[0].start_line, 5);
}

// ---------------------------------------------------------------- forms, flags, instructions

#[test]
fn exec_and_shell_forms() {
    let df = parse("CMD [\"a\", \"b c\"]\nCMD a \"b c\"\nCMD ['a']\nENTRYPOINT []\n").unwrap();
    assert!(df.instructions[0].json && !df.instructions[1].json && !df.instructions[2].json);
    assert_eq!(df.instructions[0].args, v(&["a", "b c"]));
    assert_eq!(df.instructions[1].args, v(&["a \"b c\""]));
    assert_eq!(df.instructions[2].args, v(&["['a']"]));
    let e = parse("FROM a\nRUN [\"a\", 1]\n").unwrap_err();
    assert_eq!((e.line(), e.col()), (2, 1));
    assert!(
        e.to_string()
            .contains("arrays must be comprised of strings only")
    );
}

#[test]
fn all_instructions_dump() {
    let src = "ARG V=1\nFROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nMAINTAINER me\nSTOPSIGNAL SIGINT\nSHELL [\"/bin/bash\", \"-c\"]\nWORKDIR /src\nUSER 1000:1000\nHEALTHCHECK --interval=5s CMD curl -f localhost\nONBUILD COPY --chown=1 . /x\nCOPY --from=build --chmod=755 a b\nADD --link x y\n";
    assert_eq!(
        dump(src),
        "(arg \"V=1\")\n(from [\"--platform=$BUILDPLATFORM\"] \"golang:1.22\" \"AS\" \"Build\")\n(maintainer \"me\")\n(stopsignal \"SIGINT\")\n(shell \"/bin/bash\" \"-c\")\n(workdir \"/src\")\n(user \"1000:1000\")\n(healthcheck [\"--interval=5s\"] \"CMD\" \"curl -f localhost\")\n(onbuild (copy [\"--chown=1\"] \".\" \"/x\"))\n(copy [\"--from=build\" \"--chmod=755\"] \"a\" \"b\")\n(add [\"--link\"] \"x\" \"y\")"
    );
}

#[test]
fn keywords_are_case_insensitive() {
    assert_eq!(dump("from a\nRuN b\n"), "(from \"a\")\n(run \"b\")");
}

// ---------------------------------------------------------------- errors

#[test]
fn parse_errors_have_line_and_column() {
    let e = parse("FROM a\n\nFRUM b\n").unwrap_err();
    assert_eq!(e.to_string(), "line 3:1: unknown instruction: FRUM");
    let e = parse("FROM a\n  \tFRUM b\n").unwrap_err();
    assert_eq!((e.line(), e.col()), (2, 4));
    let e = parse(&format!("FROM a\n{}\n", "x".repeat(1000))).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("line 2:1: unknown instruction: {}…", "x".repeat(64))
    );
    let e = parse("FROM a\nONBUILD FRUM b\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2:1: unknown instruction: FRUM");
    let e = parse("FROM busybox\n\nENV PATH\n").unwrap_err();
    assert_eq!((e.line(), e.col()), (3, 1));
    assert!(e.to_string().contains("ENV must have two arguments"));
    let e = parse("FROM a\nENV a=b c\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("line 2:1: syntax error - can't find = in \"c\""),
        "{e}"
    );
    assert_eq!(
        parse("").unwrap_err().to_string(),
        "line 1:1: file with no instructions"
    );
    assert_eq!(
        parse("# a\n# b\n\n").unwrap_err().to_string(),
        "line 3:1: file with no instructions"
    );
    assert_eq!(crate::error::Classify::exit(&e), crate::error::Exit::Usage);
}

#[test]
fn resolve_errors_have_line_and_column() {
    assert_eq!(
        resolve_err("FROM a\nEXPOSE 80/foo\n"),
        "line 2:1: invalid port 80/foo: invalid proto: foo"
    );
    assert_eq!(
        resolve_err("FROM a\nEXPOSE 99999\n"),
        "line 2:1: invalid port 99999: invalid containerPort: 99999"
    );
    assert!(resolve_err("FROM a\n ENV x=${y\n").starts_with("line 2:2: failed to process \"${y\""));
    assert_eq!(
        resolve_err("FROM a\nCOPY x\n"),
        "line 2:1: COPY requires at least two arguments (sources and a destination), but only one was provided"
    );
    assert_eq!(
        resolve_err("ENV a=b\nFROM a\n"),
        "line 1:1: no build stage in current context"
    );
    assert_eq!(
        resolve_err("ARG a\n"),
        "dockerfile contains no stages to build"
    );
    assert_eq!(
        resolve_err("ARG B\nFROM $B\n"),
        "line 2:1: base name ($B) should not be blank"
    );
    assert_eq!(
        resolve_err("FROM a\nSTOPSIGNAL SIGNOPE\n"),
        "line 2:1: invalid signal: SIGNOPE"
    );
    assert_eq!(
        resolve_err("FROM a\nHEALTHCHECK --interval=5 CMD x\n"),
        "line 2:1: time: missing unit in duration \"5\""
    );
    assert_eq!(
        resolve_err("FROM a\nCOPY --nope a b\n"),
        "line 2:1: unknown flag: --nope"
    );
}

// ---------------------------------------------------------------- stages and --target

const MULTI: &str = "\
ARG BASE=alpine:3.19
FROM ${BASE} AS build
ENV A=1 B=2
CMD [\"build\"]
EXPOSE 8080
FROM build AS test
ENTRYPOINT [\"run-tests\"]
ENV B=3
FROM debian:12
CMD [\"final\"]
";

#[test]
fn final_stage_by_default() {
    let c = config(MULTI);
    assert_eq!(c.base_image, "debian:12");
    assert_eq!(c.stage, None);
    assert!(c.env.is_empty());
    assert_eq!(c.cmd, Some(v(&["final"])));
    assert!(c.exposed_ports.is_empty());
}

#[test]
fn target_stage_inherits_its_parents() {
    let c = resolve_with(MULTI, Some("TEST"), &[]);
    assert_eq!(c.base_image, "alpine:3.19");
    assert_eq!(c.stage.as_deref(), Some("test"));
    assert_eq!(
        c.env,
        vec![("A".into(), "1".into()), ("B".into(), "3".into())]
    );
    assert_eq!(c.entrypoint, Some(v(&["run-tests"])));
    // The ENTRYPOINT in `test` clears the CMD inherited from `build`.
    assert_eq!(c.cmd, None);
    assert_eq!(c.exposed_ports, vec![(8080, Protocol::Tcp)]);
    let c = resolve_with(MULTI, Some("build"), &[("BASE", "ubuntu:24.04")]);
    assert_eq!(c.base_image, "ubuntu:24.04");
    assert_eq!(c.cmd, Some(v(&["build"])));
}

#[test]
fn unknown_target_names_the_stages() {
    let df = parse(MULTI).unwrap();
    let opts = ResolveOptions {
        target: Some("prod".into()),
        ..ResolveOptions::default()
    };
    let e = resolve(&df, &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "target stage \"prod\" could not be found; stages: build, test"
    );
    assert_eq!(e.location(), None);
}

#[test]
fn from_refers_to_earlier_stages_only() {
    // A stage's own name, or a later stage's, is an image.
    let c = config("FROM alpine AS alpine\nENV X=1\n");
    assert_eq!(c.base_image, "alpine");
    let c = resolve_with(
        "FROM later AS first\nFROM busybox AS later\n",
        Some("first"),
        &[],
    );
    assert_eq!(c.base_image, "later");
    // An earlier stage's name is that stage.
    let c = config("FROM alpine AS alpine\nENV X=1\nFROM alpine\n");
    assert_eq!(c.base_image, "alpine");
    assert_eq!(c.env, vec![("X".into(), "1".into())]);
}

#[test]
fn onbuild_triggers_run_in_child_stages() {
    let c =
        config("FROM a AS base\nONBUILD ENV FROM_TRIGGER=yes\nFROM base\nENV X=$FROM_TRIGGER\n");
    assert_eq!(
        c.env,
        vec![
            ("FROM_TRIGGER".into(), "yes".into()),
            ("X".into(), "yes".into())
        ]
    );
    assert!(c.onbuild.is_empty());
    let c = config("FROM a\nONBUILD RUN <<EOF\nmake\nEOF\n");
    assert_eq!(c.onbuild, v(&["RUN <<EOF\nmake\nEOF"]));
    let c = config("FROM a\nONBUILD RUN make\n");
    assert_eq!(c.onbuild, v(&["RUN make"]));
    assert!(
        c.warnings
            .iter()
            .any(|(l, m)| *l == 2 && m.contains("ONBUILD"))
    );
}

// ---------------------------------------------------------------- ARG and ENV

#[test]
fn global_args_only_in_from_unless_redeclared() {
    let src = "ARG V=1\nARG IMG=busybox:$V\nFROM $IMG\nENV X=\"[$V]\"\nARG V\nENV Y=$V\n";
    let c = config(src);
    assert_eq!(c.base_image, "busybox:1");
    assert_eq!(
        c.env,
        vec![("X".into(), "[]".into()), ("Y".into(), "1".into())]
    );
    let c = resolve_with(src, None, &[("V", "2")]);
    assert_eq!(c.base_image, "busybox:2");
    assert_eq!(c.env[1], ("Y".into(), "2".into()));
}

#[test]
fn global_args_see_earlier_globals_on_the_same_line() {
    assert_eq!(config("ARG A=1 B=x$A\nFROM img:$B\n").base_image, "img:x1");
    // So does one inside a stage (unlike ENV, whose substitutions see the values from before
    // the instruction); build-arg values are not substituted.
    let c = config("FROM a\nARG A=1 B=x$A\nENV OUT=$B\n");
    assert_eq!(c.env, vec![("OUT".into(), "x1".into())]);
    let c = resolve_with("FROM a\nARG A=$HOME\nENV OUT=$A\n", None, &[("A", "$LIT")]);
    assert_eq!(c.env, vec![("OUT".into(), "$LIT".into())]);
    // A global declared without a value is unset, in FROM lines too.
    assert_eq!(
        config("ARG X\nFROM img:${X-unset}\n").base_image,
        "img:unset"
    );
}

#[test]
fn arg_defaults_and_build_args() {
    let src = "FROM a\nENV E=env\nARG A=${E}-x B C=c\nENV OUT=\"$A|${B:-unset}|$C\"\n";
    assert_eq!(config(src).env[1].1, "env-x|unset|c");
    let c = resolve_with(src, None, &[("B", "b"), ("C", "over"), ("UNUSED", "1")]);
    assert_eq!(c.env[1].1, "env-x|b|over");
    // ARG values are not image ENV.
    assert_eq!(c.env.len(), 2);
    // Platform args exist globally.
    assert_eq!(
        config("FROM --platform=$TARGETPLATFORM x:$TARGETARCH\n").base_image,
        "x:amd64"
    );
}

#[test]
fn env_substitution_sees_values_from_before_the_instruction() {
    let c = config("FROM a\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\nENV abc=again\n");
    assert_eq!(
        c.env,
        vec![
            ("abc".into(), "again".into()),
            ("def".into(), "hello".into()),
            ("ghi".into(), "bye".into())
        ]
    );
    let c = config("FROM a\nENV A 1 2  3\nENV B=\"x y\" C=x\\ y D='$A'\n");
    assert_eq!(c.env[0], ("A".into(), "1 2  3".into()));
    assert_eq!(
        c.env[1..],
        [
            ("B".into(), "x y".into()),
            ("C".into(), "x y".into()),
            ("D".into(), "$A".into())
        ]
    );
}

#[test]
fn substitution_not_in_run_cmd_entrypoint() {
    let c = config("FROM a\nENV X=1\nCMD echo $X\nENTRYPOINT [\"sh\", \"$X\"]\nCMD [\"$X\"]\n");
    assert_eq!(c.entrypoint, Some(v(&["sh", "$X"])));
    assert_eq!(c.cmd, Some(v(&["$X"])));
}

#[test]
fn substitution_with_backtick_escape() {
    let c = config("# escape=`\nFROM a\nENV A=1\nENV B=`$A C=c:\\$A\n");
    assert_eq!(
        c.env[1..],
        [("B".into(), "$A".into()), ("C".into(), "c:\\1".into())]
    );
}

// ---------------------------------------------------------------- EXPOSE, USER, WORKDIR, …

#[test]
fn expose_forms() {
    let c = config(
        "FROM a\nARG PORT=9000\nEXPOSE 80 443/tcp 53/UDP\nEXPOSE 8000-8002/udp $PORT 80/TCP\nENV P2=\"7000 7001\"\nEXPOSE $P2\n",
    );
    assert_eq!(
        c.exposed_ports,
        vec![
            (53, Protocol::Udp),
            (80, Protocol::Tcp),
            (443, Protocol::Tcp),
            (7000, Protocol::Tcp),
            (7001, Protocol::Tcp),
            (8000, Protocol::Udp),
            (8001, Protocol::Udp),
            (8002, Protocol::Udp),
            (9000, Protocol::Tcp),
        ]
    );
    let c = config("FROM a\nEXPOSE 5000/sctp 127.0.0.1:8080:80\n");
    assert_eq!(
        c.exposed_ports,
        vec![(80, Protocol::Tcp), (5000, Protocol::Sctp)]
    );
    assert!(
        c.warnings
            .iter()
            .any(|(l, m)| *l == 2 && m.contains("host address"))
    );
}

#[test]
fn user_workdir_volume_label_stopsignal() {
    let c = config(
        "FROM a\nUSER 1000:2000\nWORKDIR /app\nWORKDIR src/../lib\nENV D=data\nVOLUME /$D\nVOLUME [\"/x\", \"/data\"]\nLABEL a=1 \"b c\"=\"d e\"\nLABEL a=2\nSTOPSIGNAL SIGQUIT\nMAINTAINER me\n",
    );
    assert_eq!(
        (c.user.as_deref(), c.uid, c.gid),
        (Some("1000:2000"), Some(1000), Some(2000))
    );
    assert_eq!(c.workdir.as_deref(), Some("/app/lib"));
    assert_eq!(c.volumes, v(&["/data", "/x"]));
    assert_eq!(c.labels.get("a").map(String::as_str), Some("2"));
    assert_eq!(c.labels.get("b c").map(String::as_str), Some("d e"));
    assert_eq!(c.stop_signal.as_deref(), Some("SIGQUIT"));
    assert_eq!(c.maintainer.as_deref(), Some("me"));
    let lines: Vec<usize> = c.warnings.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        c.warnings
            .iter()
            .filter(|(_, m)| m.contains("/data"))
            .count(),
        1
    );
    assert!(
        lines.contains(&6) && lines.contains(&10) && lines.contains(&11),
        "{:?}",
        c.warnings
    );
    let c = config("FROM a\nWORKDIR /a//b/\nENV E=\nWORKDIR $E\nWORKDIR ./c/../d\n");
    assert_eq!(c.workdir.as_deref(), Some("/a/b/d"));
    let c = config("FROM a\nWORKDIR /x/./\n");
    assert_eq!(c.workdir.as_deref(), Some("/x/./"));
    let c = config("FROM a\nUSER app\nWORKDIR rel\n");
    assert_eq!((c.uid, c.gid), (None, None));
    assert_eq!(c.workdir.as_deref(), Some("/rel"));
    assert!(
        c.warnings
            .iter()
            .any(|(l, m)| *l == 2 && m.contains("not numeric"))
    );
    let c = config("FROM a\nUSER 0:wheel\n");
    assert_eq!((c.uid, c.gid), (Some(0), None));
}

// ---------------------------------------------------------------- ENTRYPOINT and CMD

#[test]
fn shell_form_uses_sh_or_shell() {
    let c = config("FROM a\nCMD echo \"hi there\"\n");
    assert_eq!(c.cmd, Some(v(&["/bin/sh", "-c", "echo \"hi there\""])));
    assert!(c.cmd_shell_form);
    let c = config("FROM a\nSHELL [\"bash\", \"-eu\", \"-c\"]\nENTRYPOINT exec app\n");
    assert_eq!(c.entrypoint, Some(v(&["bash", "-eu", "-c", "exec app"])));
    assert!(c.entrypoint_shell_form);
}

#[test]
fn entrypoint_and_cmd_rules() {
    // CMD before ENTRYPOINT in the same stage is kept.
    let c = config("FROM a\nCMD [\"--help\"]\nENTRYPOINT [\"app\"]\n");
    assert_eq!(
        (c.entrypoint.clone(), c.cmd.clone()),
        (Some(v(&["app"])), Some(v(&["--help"])))
    );
    assert_eq!(c.command_line(), v(&["app", "--help"]));
    // A CMD inherited from the parent stage is cleared by an ENTRYPOINT.
    let c = config("FROM a AS p\nCMD [\"x\"]\nFROM p\nENTRYPOINT [\"app\"]\n");
    assert_eq!(c.cmd, None);
    // … unless the stage sets CMD again, before or after.
    let c = config("FROM a AS p\nCMD [\"x\"]\nFROM p\nENTRYPOINT [\"app\"]\nCMD [\"y\"]\n");
    assert_eq!(c.cmd, Some(v(&["y"])));
    // Shell-form ENTRYPOINT ignores CMD.
    let c = config("FROM a\nENTRYPOINT app run\nCMD [\"ignored\"]\n");
    assert_eq!(c.command_line(), v(&["/bin/sh", "-c", "app run"]));
    // ENTRYPOINT [] resets; CMD [] is an empty command.
    let c = config("FROM a\nENTRYPOINT [\"x\"]\nENTRYPOINT []\nCMD []\n");
    assert_eq!((c.entrypoint, c.cmd), (None, Some(vec![])));
    // Nothing set: both None (the base image's apply).
    let c = config("FROM a\n");
    assert_eq!((c.entrypoint, c.cmd), (None, None));
}

// ---------------------------------------------------------------- HEALTHCHECK

#[test]
fn healthcheck_defaults_none_and_last_wins() {
    let c = config("FROM a\nHEALTHCHECK CMD curl -f http://localhost/\n");
    let h = c.healthcheck.unwrap();
    assert_eq!(
        h.test,
        HealthTest::Shell("curl -f http://localhost/".into())
    );
    assert_eq!(
        (
            h.interval,
            h.timeout,
            h.start_period,
            h.start_interval,
            h.retries
        ),
        (
            Duration::from_secs(30),
            Duration::from_secs(30),
            Duration::ZERO,
            Duration::from_secs(5),
            3
        )
    );
    let c = config(
        "FROM a\nHEALTHCHECK CMD x\nHEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1s --retries=5 CMD [\"/bin/check\", \"-q\"]\n",
    );
    let h = c.healthcheck.unwrap();
    assert_eq!(h.test, HealthTest::Exec(v(&["/bin/check", "-q"])));
    assert_eq!(h.interval, Duration::from_secs(90));
    assert_eq!(h.timeout, Duration::from_millis(500));
    assert_eq!(
        (h.start_period, h.start_interval, h.retries, h.line),
        (Duration::from_secs(2), Duration::from_secs(1), 5, 3)
    );
    // NONE disables one inherited from a parent stage; zero values mean defaults.
    let c = config("FROM a AS p\nHEALTHCHECK CMD x\nFROM p\nHEALTHCHECK NONE\n");
    assert_eq!(c.healthcheck.unwrap().test, HealthTest::Disabled);
    let c = config("FROM a\nHEALTHCHECK --interval=0s --retries=0 CMD x\n");
    let h = c.healthcheck.unwrap();
    assert_eq!((h.interval, h.retries), (Duration::from_secs(30), 3));
}

// ---------------------------------------------------------------- robustness

#[test]
fn hostile_inputs_do_not_panic() {
    let long = format!("FROM a\nRUN {}\n", "x".repeat(70_000));
    assert!(
        parse(&long)
            .unwrap_err()
            .to_string()
            .contains("max allowed size of 65535")
    );
    let nested_json = format!("FROM a\nCMD {}\n", "[".repeat(50_000));
    assert!(parse(&nested_json).is_ok());
    let onbuilds = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(5_000));
    assert!(parse(&onbuilds).is_err());
    let dollars = format!("FROM a\nENV X={}\n", "${a:-".repeat(10_000));
    let df = parse(&dollars).unwrap();
    assert!(resolve(&df, &ResolveOptions::default()).is_err());
    for src in [
        "\\",
        "`",
        "#",
        "# escape=`\n`",
        "RUN <<",
        "RUN <<\"",
        "COPY <<A <<B\nA\n",
        "FROM a\nEXPOSE -",
        "FROM a\nHEALTHCHECK --retries=99999999999 CMD x",
        "\u{130}\u{212a}",
        "FROM a\nWORKDİR /x",
    ] {
        if let Ok(df) = parse(src) {
            let _ = df.dump();
            let _ = resolve(&df, &ResolveOptions::default());
        }
    }
}

#[test]
fn expansion_blowups_are_bounded() {
    let doubling = format!(
        "FROM a\nENV A=0123456789\n{}",
        "ENV A=$A$A$A$A$A$A$A$A$A$A\n".repeat(12)
    );
    let e = resolve_err(&doubling);
    assert!(
        e.contains("larger than 1 MiB") || e.contains("more than 64 MiB"),
        "{e}"
    );
    let replace = "FROM a\nENV A=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nENV B=${A//x/$A}\nENV C=${B//x/$B}\nENV D=${C//x/$C}\n";
    assert!(resolve_err(replace).contains("larger than 1 MiB"));
    let many = format!(
        "FROM a\nENV A={}\n{}",
        "x".repeat(60_000),
        "ENV B=$A$A$A$A$A$A$A$A$A$A$A$A$A$A$A\n".repeat(100)
    );
    assert!(resolve_err(&many).contains("more than 64 MiB"));
    let c = config("FROM a\nEXPOSE 0-65535/udp 1-65535/tcp 1-65535/sctp\n");
    assert_eq!(c.exposed_ports.len(), 3 * 65535);
}

#[test]
fn many_names_are_not_quadratic() {
    let n: usize = 20_000;
    let lines = |keyword: &str, item: &dyn Fn(usize) -> String| -> String {
        let items: Vec<String> = (0..n).map(item).collect();
        items
            .chunks(1_000)
            .map(|c| format!("{keyword} {}\n", c.join(" ")))
            .collect()
    };
    let src = format!(
        "{}FROM a\n{}{}",
        lines("ARG", &|i| format!("A{i}=$A{}", i.saturating_sub(1))),
        lines("ENV", &|i| format!("E{i}=$E{}", i.saturating_sub(1))),
        lines("VOLUME", &|i| format!("/v{i}")),
    );
    let start = std::time::Instant::now();
    let c = config(&src);
    assert_eq!((c.env.len(), c.volumes.len()), (n, n));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn random_inputs_do_not_panic() {
    // Deterministic xorshift over a Dockerfile-flavoured alphabet.
    const ALPHABET: &[&str] = &[
        "FROM ",
        "RUN ",
        "CMD ",
        "ENV ",
        "ARG ",
        "COPY ",
        "ONBUILD ",
        "HEALTHCHECK ",
        "EXPOSE ",
        "LABEL ",
        "USER ",
        "WORKDIR ",
        "SHELL ",
        "ENTRYPOINT ",
        " AS ",
        "\n",
        "\r\n",
        "\\",
        "`",
        "\"",
        "'",
        "$",
        "{",
        "}",
        ":-",
        ":+",
        "?",
        "=",
        "[",
        "]",
        ",",
        "<<",
        "<<-",
        "EOF",
        "# escape=`\n",
        "#",
        " ",
        "\t",
        "--",
        "--from=",
        "a",
        "é",
        "\u{85}",
        "\u{a0}",
        "0",
        "80/udp",
        "-",
        "/",
        "%",
        "#",
        "NONE",
        "\u{0}",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let iterations = std::env::var("DOCKERFILE_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    for _ in 0..iterations {
        let len = (next() % 40) as usize;
        let src: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        if let Ok(df) = parse(&src) {
            let _ = df.dump();
            let _ = resolve(
                &df,
                &ResolveOptions {
                    target: Some("a".into()),
                    ..ResolveOptions::default()
                },
            );
            let _ = resolve(&df, &ResolveOptions::default());
        }
        let _ = shell::process_words(&src, &Vec::new());
        let _ = Lex {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            ..Lex::new('`')
        }
        .process_word(&src, &Vec::new());
    }
}

use shell::Lex;

#[test]
fn empty_volume_after_substitution_is_an_error() {
    assert_eq!(
        resolve_err("FROM a\nVOLUME $NOPE\n"),
        "line 2:1: VOLUME specified can not be an empty string"
    );
}
