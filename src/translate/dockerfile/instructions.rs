//! Typed instructions: BuildKit's `frontend/dockerfile/instructions` (parse.go, bflag.go) —
//! argument counts, flags and forms checked one layer above the parser.

use std::collections::BTreeMap;
use std::fmt;

use super::duration::parse_go_duration;
use super::parser::parse_heredoc;
use super::{Heredoc, Instruction, Kind};

/// Why an instruction's arguments or flags are invalid (located by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstructionError {
    pub message: String,
}

impl fmt::Display for InstructionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InstructionError {}

fn err<T>(message: impl Into<String>) -> Result<T, InstructionError> {
    Err(InstructionError {
        message: message.into(),
    })
}

/// A command line of RUN/CMD/ENTRYPOINT: exec form, or shell form to run through SHELL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// Exec form: the argv. Shell form: one element, the command string.
    pub args: Vec<String>,
    /// Shell form: prepend the stage's SHELL (default `/bin/sh -c`).
    pub prepend_shell: bool,
}

/// HEALTHCHECK as written (durations in nanoseconds, 0 = unset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthSpec {
    /// `HEALTHCHECK NONE`.
    None,
    /// `HEALTHCHECK [flags] CMD …`: `test` is `["CMD", argv…]` or `["CMD-SHELL", command]`.
    Cmd {
        test: Vec<String>,
        interval: i64,
        timeout: i64,
        start_period: i64,
        start_interval: i64,
        retries: u32,
    },
}

/// One instruction with its arguments checked and typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    From {
        image: String,
        name: Option<String>,
        platform: Option<String>,
    },
    Run {
        line: CommandLine,
        heredocs: Vec<Heredoc>,
        flags: BTreeMap<String, Vec<String>>,
    },
    Cmd(CommandLine),
    /// `args` is empty for `ENTRYPOINT []` (which resets the entrypoint).
    Entrypoint(CommandLine),
    Label(Vec<(String, String)>),
    Maintainer(String),
    Expose(Vec<String>),
    Env(Vec<(String, String)>),
    Add {
        sources: Vec<String>,
        inline: Vec<Heredoc>,
        dest: String,
        chown: Option<String>,
        chmod: Option<String>,
    },
    Copy {
        sources: Vec<String>,
        inline: Vec<Heredoc>,
        dest: String,
        from: Option<String>,
        chown: Option<String>,
        chmod: Option<String>,
    },
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    Arg(Vec<(String, Option<String>)>),
    Onbuild(Box<Instruction>),
    StopSignal(String),
    Healthcheck(HealthSpec),
    Shell(Vec<String>),
}

#[derive(Clone, Copy, PartialEq)]
enum FlagType {
    Bool,
    String,
    Strings,
}

/// BuildKit's `BFlags.Parse`: the values of the flags used (bools as `"true"`/`"false"`).
fn parse_flags(
    flags: &[String],
    known: &[(&str, FlagType)],
) -> Result<BTreeMap<String, Vec<String>>, InstructionError> {
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for arg in flags {
        let Some(body) = arg.strip_prefix("--") else {
            return err(format!("arg should start with -- : {arg}"));
        };
        if body.is_empty() {
            break;
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let Some((_, ty)) = known.iter().find(|(n, _)| *n == name) else {
            return err(format!("unknown flag: --{name}"));
        };
        if used.contains_key(name) && *ty != FlagType::Strings {
            return err(format!("duplicate flag specified: {name}"));
        }
        let value = match (ty, value) {
            (FlagType::Bool, None) => "true".to_string(),
            (FlagType::Bool, Some("")) => return err(format!("missing a value on flag: {name}")),
            (FlagType::Bool, Some(v)) => match v.to_ascii_lowercase().as_str() {
                l @ ("true" | "false") => l.to_string(),
                _ => return err(format!("expecting boolean value for flag {name}, not: {v}")),
            },
            (_, None) => return err(format!("missing a value on flag: {name}")),
            (_, Some(v)) => v.to_string(),
        };
        used.entry(name.to_string()).or_default().push(value);
    }
    Ok(used)
}

fn one(flags: &BTreeMap<String, Vec<String>>, name: &str) -> Option<String> {
    flags.get(name).and_then(|v| v.last().cloned())
}

fn exactly_one(ins: &Instruction) -> Result<String, InstructionError> {
    match ins.args.as_slice() {
        [a] => Ok(a.clone()),
        _ => err(format!(
            "{} requires exactly one argument",
            ins.kind.as_str()
        )),
    }
}

fn at_least_one(ins: &Instruction) -> Result<(), InstructionError> {
    if ins.args.is_empty() {
        return err(format!(
            "{} requires at least one argument",
            ins.kind.as_str()
        ));
    }
    Ok(())
}

/// `handleJSONArgs`: exec form as is; shell form joined into one string.
fn json_args(args: &[String], json: bool) -> Vec<String> {
    if args.is_empty() {
        return Vec::new();
    }
    if json {
        return args.to_vec();
    }
    vec![args.join(" ")]
}

fn key_values(ins: &Instruction) -> Result<Vec<(String, String)>, InstructionError> {
    let name = ins.kind.as_str();
    if ins.args.is_empty() {
        return err(format!("{name} requires at least one argument"));
    }
    if !ins.args.len().is_multiple_of(3) {
        return err(format!("bad input to {name}, too many arguments"));
    }
    let mut out = Vec::new();
    for kv in ins.args.chunks(3) {
        if kv[0].is_empty() {
            return err(format!("{name} names can not be blank"));
        }
        out.push((kv[0].clone(), kv[1].clone()));
    }
    Ok(out)
}

fn stage_name_ok(name: &str) -> bool {
    // ^[a-z][a-z0-9-_.]*$
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.'))
}

/// A HEALTHCHECK duration flag: Go duration, 0 = unset, else at least 1ms.
fn interval(flags: &BTreeMap<String, Vec<String>>, name: &str) -> Result<i64, InstructionError> {
    let Some(v) = one(flags, name).filter(|v| !v.is_empty()) else {
        return Ok(0);
    };
    let d = parse_go_duration(&v).map_err(|message| InstructionError { message })?;
    if d == 0 {
        return Ok(0);
    }
    if d < 1_000_000 {
        return err(format!("interval \"{name}\" cannot be less than 1ms"));
    }
    Ok(d)
}

/// Splits COPY/ADD arguments into sources, heredoc sources and the destination.
fn sources_and_dest(
    ins: &Instruction,
) -> Result<(Vec<String>, Vec<Heredoc>, String), InstructionError> {
    let name = ins.kind.as_str();
    let Some((dest, srcs)) = ins.args.split_last().filter(|(_, s)| !s.is_empty()) else {
        return err(format!(
            "{name} requires at least two arguments (sources and a destination), but only one was provided"
        ));
    };
    if parse_heredoc(dest).ok().flatten().is_some() {
        return err(format!("{name} cannot accept a heredoc as a destination"));
    }
    let mut sources = Vec::new();
    let mut inline = Vec::new();
    for src in srcs {
        match parse_heredoc(src).ok().flatten() {
            Some(doc) => {
                let mut content = ins
                    .heredocs
                    .iter()
                    .rev()
                    .find(|h| h.name == doc.name)
                    .map(|h| h.content.clone())
                    .unwrap_or_default();
                if doc.chomp {
                    content = chomp_heredoc(&content);
                }
                inline.push(Heredoc { content, ..doc });
            }
            None => sources.push(src.clone()),
        }
    }
    Ok((sources, inline, dest.clone()))
}

/// `ChompHeredocContent`: strips leading tabs from every line.
pub fn chomp_heredoc(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|l| l.trim_start_matches('\t'))
        .collect()
}

impl Instruction {
    /// Checks the instruction's arguments and flags as BuildKit's `instructions.Parse` does.
    pub fn command(&self) -> Result<Command, InstructionError> {
        use FlagType::*;
        let no_flags = || parse_flags(&self.flags, &[]);
        Ok(match self.kind {
            Kind::Env => {
                no_flags()?;
                Command::Env(key_values(self)?)
            }
            Kind::Label => {
                no_flags()?;
                Command::Label(key_values(self)?)
            }
            Kind::Maintainer => {
                let m = exactly_one(self)?;
                no_flags()?;
                Command::Maintainer(m)
            }
            Kind::Add => {
                let f = parse_flags(
                    &self.flags,
                    &[
                        ("chown", String),
                        ("chmod", String),
                        ("link", Bool),
                        ("keep-git-dir", Bool),
                        ("checksum", String),
                        ("exclude", Strings),
                        ("unpack", Bool),
                    ],
                )?;
                let (sources, inline, dest) = sources_and_dest(self)?;
                Command::Add {
                    sources,
                    inline,
                    dest,
                    chown: one(&f, "chown"),
                    chmod: one(&f, "chmod"),
                }
            }
            Kind::Copy => {
                let f = parse_flags(
                    &self.flags,
                    &[
                        ("chown", String),
                        ("from", String),
                        ("chmod", String),
                        ("link", Bool),
                        ("parents", Bool),
                        ("exclude", Strings),
                    ],
                )?;
                let (sources, inline, dest) = sources_and_dest(self)?;
                Command::Copy {
                    sources,
                    inline,
                    dest,
                    from: one(&f, "from"),
                    chown: one(&f, "chown"),
                    chmod: one(&f, "chmod"),
                }
            }
            Kind::From => {
                let name = match self.args.as_slice() {
                    [_] => None,
                    [_, as_, name] if as_.eq_ignore_ascii_case("as") => {
                        let lower = name.to_lowercase();
                        if !stage_name_ok(&lower) {
                            return err(format!(
                                "invalid name for build stage: {}, name can't start with a number or contain symbols",
                                super::dump::go_quote(name)
                            ));
                        }
                        Some(lower)
                    }
                    _ => return err("FROM requires either one or three arguments"),
                };
                let f = parse_flags(&self.flags, &[("platform", String)])?;
                Command::From {
                    image: self.args[0].clone(),
                    name,
                    platform: one(&f, "platform").filter(|p| !p.is_empty()),
                }
            }
            Kind::Onbuild => {
                let Some(trigger) = &self.trigger else {
                    return err("ONBUILD requires at least one argument");
                };
                no_flags()?;
                match trigger.kind {
                    Kind::Onbuild => {
                        return err("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                    }
                    Kind::Maintainer | Kind::From => {
                        return err(format!(
                            "{} isn't allowed as an ONBUILD trigger",
                            trigger.kind.as_str()
                        ));
                    }
                    _ => {}
                }
                Command::Onbuild(trigger.clone())
            }
            Kind::Workdir => {
                let p = exactly_one(self)?;
                no_flags()?;
                Command::Workdir(p)
            }
            Kind::Run => {
                let f = parse_flags(
                    &self.flags,
                    &[
                        ("mount", Strings),
                        ("network", String),
                        ("security", String),
                        ("device", Strings),
                    ],
                )?;
                Command::Run {
                    line: CommandLine {
                        args: json_args(&self.args, self.json),
                        prepend_shell: !self.json,
                    },
                    heredocs: self.heredocs.clone(),
                    flags: f,
                }
            }
            Kind::Cmd => {
                no_flags()?;
                Command::Cmd(CommandLine {
                    args: json_args(&self.args, self.json),
                    prepend_shell: !self.json,
                })
            }
            Kind::Entrypoint => {
                no_flags()?;
                Command::Entrypoint(CommandLine {
                    args: json_args(&self.args, self.json),
                    prepend_shell: !self.json,
                })
            }
            Kind::Healthcheck => {
                let Some((typ, args)) = self.args.split_first() else {
                    return err("HEALTHCHECK requires at least one argument");
                };
                let typ = typ.to_uppercase();
                if typ == "NONE" {
                    if !args.is_empty() {
                        return err("HEALTHCHECK NONE takes no arguments");
                    }
                    Command::Healthcheck(HealthSpec::None)
                } else {
                    let f = parse_flags(
                        &self.flags,
                        &[
                            ("interval", String),
                            ("timeout", String),
                            ("start-period", String),
                            ("start-interval", String),
                            ("retries", String),
                        ],
                    )?;
                    if typ != "CMD" {
                        return err(format!(
                            "unknown type {} in HEALTHCHECK (try CMD)",
                            super::dump::go_quote(&typ)
                        ));
                    }
                    let cmd = json_args(args, self.json);
                    if cmd.is_empty() {
                        return err("missing command after HEALTHCHECK CMD");
                    }
                    let head = if self.json { "CMD" } else { "CMD-SHELL" };
                    let mut test = vec![head.to_string()];
                    test.extend(cmd);
                    let interval_ns = interval(&f, "interval")?;
                    let timeout = interval(&f, "timeout")?;
                    let start_period = interval(&f, "start-period")?;
                    let start_interval = interval(&f, "start-interval")?;
                    let retries = match one(&f, "retries").filter(|v| !v.is_empty()) {
                        None => 0,
                        Some(v) => {
                            let digits = v.strip_prefix(['+', '-']).unwrap_or(&v);
                            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                                return err(format!(
                                    "strconv.ParseInt: parsing {}: invalid syntax",
                                    super::dump::go_quote(&v)
                                ));
                            }
                            let n: i32 = v.parse().map_err(|_| InstructionError {
                                message: format!(
                                    "strconv.ParseInt: parsing {}: value out of range",
                                    super::dump::go_quote(&v)
                                ),
                            })?;
                            if n < 0 {
                                return err(format!("--retries cannot be negative ({n})"));
                            }
                            n.unsigned_abs()
                        }
                    };
                    Command::Healthcheck(HealthSpec::Cmd {
                        test,
                        interval: interval_ns,
                        timeout,
                        start_period,
                        start_interval,
                        retries,
                    })
                }
            }
            Kind::Expose => {
                at_least_one(self)?;
                no_flags()?;
                Command::Expose(self.args.clone())
            }
            Kind::User => {
                let u = exactly_one(self)?;
                no_flags()?;
                Command::User(u)
            }
            Kind::Volume => {
                at_least_one(self)?;
                no_flags()?;
                let mut vols = Vec::new();
                for v in &self.args {
                    let v = v.trim();
                    if v.is_empty() {
                        return err("VOLUME specified can not be an empty string");
                    }
                    vols.push(v.to_string());
                }
                Command::Volume(vols)
            }
            Kind::StopSignal => Command::StopSignal(exactly_one(self)?),
            Kind::Arg => {
                at_least_one(self)?;
                let mut out = Vec::new();
                for a in &self.args {
                    match a.split_once('=') {
                        Some(("", _)) => return err("ARG names can not be blank"),
                        Some((k, v)) => out.push((k.to_string(), Some(v.to_string()))),
                        None => out.push((a.clone(), None)),
                    }
                }
                Command::Arg(out)
            }
            Kind::Shell => {
                no_flags()?;
                let shell = json_args(&self.args, self.json);
                if shell.is_empty() {
                    return err("SHELL requires at least one argument");
                }
                if !self.json {
                    return err(format!(
                        "SHELL requires the arguments to be in JSON form: {}",
                        self.original.trim()
                    ));
                }
                Command::Shell(shell)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::dockerfile::parse;

    fn cmd(src: &str) -> Result<Command, InstructionError> {
        let df = parse(src).expect("parses");
        df.instructions.last().expect("one").command()
    }

    #[test]
    fn flags_are_checked() {
        assert!(cmd("COPY --from=build a b").is_ok());
        assert_eq!(
            cmd("COPY --nope=1 a b").unwrap_err().message,
            "unknown flag: --nope"
        );
        assert_eq!(
            cmd("COPY --from a b").unwrap_err().message,
            "missing a value on flag: from"
        );
        assert_eq!(
            cmd("COPY --from=a --from=b a b").unwrap_err().message,
            "duplicate flag specified: from"
        );
        assert!(cmd("COPY --link a b").is_ok());
        assert!(cmd("COPY --link=maybe a b").is_err());
        assert!(cmd("ENV --x=1 a=b").is_err());
        assert!(cmd("RUN --mount=type=cache,target=/x --mount=type=tmpfs,target=/y echo").is_ok());
    }

    #[test]
    fn argument_counts() {
        assert!(cmd("FROM a b").is_err());
        assert!(cmd("FROM a AS 1x").is_err());
        assert_eq!(
            cmd("FROM A as Build").unwrap(),
            Command::From {
                image: "A".into(),
                name: Some("build".into()),
                platform: None
            }
        );
        assert!(cmd("COPY a").is_err());
        assert!(cmd("FROM x\nHEALTHCHECK").is_err());
        assert!(cmd("FROM x\nHEALTHCHECK CONNECT TCP 7000").is_err());
        assert!(cmd("FROM x\nHEALTHCHECK CMD").is_err());
        assert!(cmd("FROM x\nHEALTHCHECK NONE x").is_err());
        assert!(cmd("FROM x\nHEALTHCHECK --retries=-1 CMD x").is_err());
        assert!(cmd("FROM x\nHEALTHCHECK --interval=1ns CMD x").is_err());
        assert!(cmd("FROM x\nSHELL bash -c").is_err());
        assert!(cmd("FROM x\nSHELL []").is_err());
        assert!(cmd("FROM x\nARG =x").is_err());
        assert!(cmd("FROM x\nONBUILD FROM y").is_err());
        assert!(cmd("FROM x\nONBUILD ONBUILD RUN y").is_err());
        assert!(cmd("FROM x\nENV").is_err());
        assert!(cmd("FROM x\nUSER").is_err());
        assert!(cmd("FROM x\nUSER a b").is_ok());
        assert!(cmd("FROM x\nVOLUME [\"\"]").is_err());
    }

    /// BuildKit's instructions/parse_test.go cases.
    #[test]
    fn buildkit_instruction_cases() {
        for kw in ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"] {
            assert_eq!(
                cmd(kw).unwrap_err().message,
                format!("{kw} requires exactly one argument")
            );
        }
        for kw in ["ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME"] {
            assert_eq!(
                cmd(kw).unwrap_err().message,
                format!("{kw} requires at least one argument")
            );
        }
        for kw in ["ADD", "COPY"] {
            assert!(
                cmd(&format!("{kw} arg1"))
                    .unwrap_err()
                    .message
                    .starts_with(&format!("{kw} requires at least two arguments"))
            );
        }
        let Command::Healthcheck(HealthSpec::Cmd { test, .. }) =
            cmd("HEALTHCHECK CMD hello world").unwrap()
        else {
            panic!("healthcheck")
        };
        assert_eq!(
            test,
            vec!["CMD-SHELL".to_string(), "hello world".to_string()]
        );
        assert!(
            cmd("HEALTHCHECK --interval=50ns CMD x")
                .unwrap_err()
                .message
                .contains("cannot be less than 1ms")
        );
        assert!(cmd("HEALTHCHECK --interval=0ms CMD x").is_ok());
        assert!(cmd("HEALTHCHECK --interval=1ms CMD x").is_ok());
        assert!(
            cmd("COPY\t\n")
                .unwrap_err()
                .message
                .contains("COPY requires at least two arguments")
        );
        assert!(
            cmd("ONBUILD FROM scratch")
                .unwrap_err()
                .message
                .contains("FROM isn't allowed as an ONBUILD trigger")
        );
        assert!(
            cmd("MAINTAINER --boo joe@example.com")
                .unwrap_err()
                .message
                .contains("unknown flag: --boo")
        );
        assert!(
            cmd("ONBUILD ONBUILD RUN touch foobar")
                .unwrap_err()
                .message
                .contains("`ONBUILD ONBUILD` isn't allowed")
        );
        let Command::Run { flags, .. } =
            cmd("RUN --mount=type=tmpfs,target=/foo/ echo hello").unwrap()
        else {
            panic!("run")
        };
        assert_eq!(flags.keys().collect::<Vec<_>>(), ["mount"]);
    }

    #[test]
    fn heredoc_sources() {
        let c = cmd("FROM x\nCOPY <<-EOF /dest\n\thello\n\tEOF\n").unwrap();
        let Command::Copy {
            inline,
            dest,
            sources,
            ..
        } = c
        else {
            panic!()
        };
        assert_eq!(dest, "/dest");
        assert!(sources.is_empty());
        assert_eq!(inline[0].content, "hello\n");
        assert!(cmd("FROM x\nCOPY a <<EOF\nx\nEOF\n").is_err());
    }
}
