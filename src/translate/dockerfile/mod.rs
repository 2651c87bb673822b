//! Dockerfile parsing and evaluation, faithful to BuildKit's `frontend/dockerfile`.
//!
//! Three layers, each usable on its own:
//! - [`parse`]: the line-level parser (directives, continuations, comments, heredocs, exec vs
//!   shell form, flags) producing a [`Dockerfile`] whose [`Dockerfile::dump`] is byte-identical
//!   to BuildKit's `Node.Dump()`; unknown instructions are rejected here.
//! - [`shell`]: BuildKit's shell-word lexer (quotes, escapes, `${V:-w}` substitutions).
//! - [`resolve`]: the semantic layer (stages, `--target`, ARG/ENV scoping and substitution) that
//!   yields the [`ImageConfig`] of the final (or target) stage, plus [`Instruction::command`],
//!   the typed per-instruction checks of BuildKit's `instructions` package.
//!
//! Pure: no IO, no printing.
//!
//! Deliberate differences from BuildKit:
//! - Unknown instructions (also as ONBUILD triggers) are parse errors; BuildKit's parser keeps
//!   them and its `instructions` layer rejects top-level ones only.
//! - Flags and the HEALTHCHECK type word are split on characters; BuildKit splits on bytes,
//!   re-encoding non-ASCII flag bytes as Latin-1 and treating the bytes 0x85/0xA0 of
//!   multi-byte characters as spaces.
//! - Bounds against hostile input that BuildKit lacks: `${…}` nesting (128), `ONBUILD` nesting
//!   (8), one word expansion (1 MiB), all substitutions of one [`resolve`] (64 MiB).
//! - [`resolve`] does not know the base image's config: ENV starts empty (no default `PATH`
//!   for `scratch`), and the automatic platform ARGs assume `linux/amd64`.
//! - `EXPOSE 0` is skipped with a warning (not a valid Kubernetes container port).

mod dump;
mod duration;
mod instructions;
mod parser;
mod resolve;
pub mod shell;

#[cfg(test)]
mod conformance;
#[cfg(test)]
mod tests;

use snafu::Snafu;

use crate::error::{Classify, Exit};

pub use duration::parse_go_duration;
pub use instructions::{Command, CommandLine, HealthSpec, InstructionError};
pub use resolve::{HealthTest, Healthcheck, ImageConfig, Lines, ResolveOptions, resolve};

/// Parses a Dockerfile the way BuildKit's parser does, and rejects unknown instructions.
pub fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    parser::parse(source)
}

/// A parsed Dockerfile: the instructions in order (BuildKit's AST root children).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    /// The escape token: `\` or `` ` `` (`# escape=` directive).
    pub escape: char,
    /// Parser directives (`syntax`, `escape`, `check`) found at the top of the file.
    pub directives: Vec<Directive>,
    /// Parser warnings as (line, message), e.g. empty continuation lines.
    pub warnings: Vec<(usize, String)>,
}

impl Dockerfile {
    /// BuildKit's `Node.Dump()` of the AST root: one `(keyword [flags] "arg" …)` per line.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        for i in &self.instructions {
            s.push('(');
            s.push_str(&i.dump());
            s.push_str(")\n");
        }
        dump::go_trim_space(&s).to_string()
    }
}

/// A parser directive (`# escape=\``) and the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    pub line: usize,
}

/// A heredoc attached to RUN/COPY/ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, quotes removed.
    pub name: String,
    /// The file descriptor prefix (`3<<EOF`), 0 when absent.
    pub fd: u32,
    /// Whether `$VAR` in the content is expanded (false when the delimiter is quoted).
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the content and the terminator.
    pub chomp: bool,
    /// The body, line endings included, terminator excluded (tabs not yet chomped).
    pub content: String,
}

/// The instruction keywords BuildKit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    StopSignal,
    User,
    Volume,
    Workdir,
}

impl Kind {
    /// Case-insensitive lookup of a keyword (Go `strings.ToLower` semantics).
    pub fn from_keyword(keyword: &str) -> Option<Kind> {
        Some(match dump::go_lower(keyword).as_str() {
            "add" => Kind::Add,
            "arg" => Kind::Arg,
            "cmd" => Kind::Cmd,
            "copy" => Kind::Copy,
            "entrypoint" => Kind::Entrypoint,
            "env" => Kind::Env,
            "expose" => Kind::Expose,
            "from" => Kind::From,
            "healthcheck" => Kind::Healthcheck,
            "label" => Kind::Label,
            "maintainer" => Kind::Maintainer,
            "onbuild" => Kind::Onbuild,
            "run" => Kind::Run,
            "shell" => Kind::Shell,
            "stopsignal" => Kind::StopSignal,
            "user" => Kind::User,
            "volume" => Kind::Volume,
            "workdir" => Kind::Workdir,
            _ => return None,
        })
    }

    /// The canonical upper-case keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::StopSignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
        }
    }
}

/// One instruction as BuildKit's parser sees it (an AST node and its argument chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword as written (`run`, `RUN`, …).
    pub keyword: String,
    pub kind: Kind,
    /// Leading `--name[=value]` flags, verbatim (quotes removed).
    pub flags: Vec<String>,
    /// The arguments: one per JSON element (exec form), the whole rest of the line (shell
    /// form of RUN/CMD/ENTRYPOINT/SHELL), whitespace-separated words (FROM, EXPOSE, COPY, ADD,
    /// VOLUME, ARG), or `key value separator` triples (ENV, LABEL; separator `=` or `""` for
    /// the legacy `ENV key value`). Values are raw: quotes and escapes are processed later.
    /// HEALTHCHECK: the type word (`CMD`, `NONE`, …) first. Empty for ONBUILD.
    pub args: Vec<String>,
    /// Exec (JSON array) form.
    pub json: bool,
    /// ONBUILD: the trigger instruction.
    pub trigger: Option<Box<Instruction>>,
    pub heredocs: Vec<Heredoc>,
    /// The instruction line after continuation joining (BuildKit's `Node.Original`).
    pub original: String,
    /// 1-based first and last line (heredoc bodies and continuations included).
    pub start_line: usize,
    pub end_line: usize,
    /// 1-based column of the keyword on `start_line`.
    pub col: usize,
}

/// A Dockerfile BuildKit's parser would reject (or with an instruction it does not know).
#[derive(Debug, Clone, PartialEq, Eq, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum ParseError {
    #[snafu(display("line {line}:{col}: unknown instruction: {instruction}"))]
    UnknownInstruction {
        line: usize,
        col: usize,
        instruction: String,
    },
    #[snafu(display("line {line}:{col}: file with no instructions"))]
    NoInstructions { line: usize, col: usize },
    #[snafu(display("line {line}:{col}: {message}"))]
    Directive {
        line: usize,
        col: usize,
        message: String,
    },
    #[snafu(display("line {line}:{col}: unterminated heredoc {name}"))]
    Heredoc {
        line: usize,
        col: usize,
        name: String,
    },
    #[snafu(display("line {line}:{col}: {message}"))]
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
}

impl ParseError {
    /// 1-based line of the error.
    pub fn line(&self) -> usize {
        match self {
            ParseError::UnknownInstruction { line, .. }
            | ParseError::NoInstructions { line, .. }
            | ParseError::Directive { line, .. }
            | ParseError::Heredoc { line, .. }
            | ParseError::Syntax { line, .. } => *line,
        }
    }

    /// 1-based column of the error.
    pub fn col(&self) -> usize {
        match self {
            ParseError::UnknownInstruction { col, .. }
            | ParseError::NoInstructions { col, .. }
            | ParseError::Directive { col, .. }
            | ParseError::Heredoc { col, .. }
            | ParseError::Syntax { col, .. } => *col,
        }
    }
}

impl Classify for ParseError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }
}

/// A Dockerfile that parses but cannot be evaluated (bad instruction arguments, substitution
/// errors, invalid ports, unknown `--target`).
#[derive(Debug, Clone, PartialEq, Eq, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum ResolveError {
    /// Wrong arguments or flags for an instruction (BuildKit's `instructions` layer).
    #[snafu(display("line {line}:{col}: {message}"))]
    Instruction {
        line: usize,
        col: usize,
        message: String,
    },
    /// A variable substitution failed.
    #[snafu(display("line {line}:{col}: {message}"))]
    Substitution {
        line: usize,
        col: usize,
        message: String,
    },
    #[snafu(display("line {line}:{col}: invalid port {spec}: {message}"))]
    Port {
        line: usize,
        col: usize,
        spec: String,
        message: String,
    },
    #[snafu(display("line {line}:{col}: invalid signal: {signal}"))]
    Signal {
        line: usize,
        col: usize,
        signal: String,
    },
    #[snafu(display("line {line}:{col}: base name ({name}) should not be blank"))]
    BlankBase {
        line: usize,
        col: usize,
        name: String,
    },
    #[snafu(display("target stage {target:?} could not be found; stages: {stages}"))]
    UnknownTarget { target: String, stages: String },
    #[snafu(display("line {line}:{col}: no build stage in current context"))]
    NoStage { line: usize, col: usize },
    #[snafu(display("dockerfile contains no stages to build"))]
    NoStages,
}

impl ResolveError {
    /// 1-based (line, column), when the error has a location.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            ResolveError::Instruction { line, col, .. }
            | ResolveError::Substitution { line, col, .. }
            | ResolveError::Port { line, col, .. }
            | ResolveError::Signal { line, col, .. }
            | ResolveError::BlankBase { line, col, .. }
            | ResolveError::NoStage { line, col } => Some((*line, *col)),
            ResolveError::UnknownTarget { .. } | ResolveError::NoStages => None,
        }
    }
}

impl Classify for ResolveError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }
}
