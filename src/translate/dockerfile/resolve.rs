//! The semantic layer: stages, `--target`, ARG/ENV scoping and substitution, and the image
//! config of the resolved stage (what BuildKit's `dockerfile2llb` dispatch records in the
//! image config).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::time::Duration;

use crate::workload::Protocol;

use super::instructions::{Command, CommandLine, HealthSpec};
use super::shell::{Env, Lex};
use super::{Dockerfile, Instruction, ResolveError};

/// What to evaluate: the stage (`--target`, default the last) and `--build-arg` values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolveOptions {
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
}

/// The test of a HEALTHCHECK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthTest {
    /// `HEALTHCHECK NONE`: disables a health check inherited from the base image.
    Disabled,
    /// `HEALTHCHECK CMD ["a", "b"]`: run this argv.
    Exec(Vec<String>),
    /// `HEALTHCHECK CMD a b`: run this string with the image's shell (`shell`, default
    /// `/bin/sh -c`).
    Shell(String),
}

/// A HEALTHCHECK with Docker's defaults filled in for unset (zero) values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    pub test: HealthTest,
    /// Default 30s.
    pub interval: Duration,
    /// Default 30s.
    pub timeout: Duration,
    /// Default 0s.
    pub start_period: Duration,
    /// Default 5s.
    pub start_interval: Duration,
    /// Default 3.
    pub retries: u32,
    /// Line of the HEALTHCHECK instruction.
    pub line: usize,
}

/// The image config of the resolved stage, as far as the Dockerfile determines it (the base
/// image's own config is unknown here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    /// The FROM image at the root of the stage chain, build args substituted.
    pub base_image: String,
    /// `FROM --platform=…` of that root, substituted.
    pub platform: Option<String>,
    /// Name of the resolved stage, if it has one.
    pub stage: Option<String>,
    /// ENV in definition order; redefining a name keeps its position.
    pub env: Vec<(String, String)>,
    /// EXPOSE ports (ranges expanded), sorted and de-duplicated.
    pub exposed_ports: Vec<(u16, Protocol)>,
    /// `None`: not set by the Dockerfile (the base image's applies). `Some([])` cannot come
    /// from ENTRYPOINT (`ENTRYPOINT []` resets it to `None`).
    pub entrypoint: Option<Vec<String>>,
    /// The entrypoint came from shell form (`[shell…, "cmd"]`), so CMD is ignored at run time.
    pub entrypoint_shell_form: bool,
    /// `None`: not set (or cleared by an ENTRYPOINT in a later stage than the CMD).
    pub cmd: Option<Vec<String>>,
    pub cmd_shell_form: bool,
    /// USER as written (substituted): `name`, `uid`, `name:group`, `uid:gid`.
    pub user: Option<String>,
    /// The numeric user part of USER, if numeric.
    pub uid: Option<u32>,
    /// The numeric group part of USER, if present and numeric.
    pub gid: Option<u32>,
    /// WORKDIR, relative ones resolved against the previous one.
    pub workdir: Option<String>,
    pub healthcheck: Option<Healthcheck>,
    /// VOLUME paths in order, de-duplicated.
    pub volumes: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
    /// SHELL, if set (default `/bin/sh -c`).
    pub shell: Option<Vec<String>>,
    /// ONBUILD triggers recorded in the image (not run for this image).
    pub onbuild: Vec<String>,
    pub maintainer: Option<String>,
    /// Things a Kubernetes translation cannot express, as (line, message).
    pub warnings: Vec<(usize, String)>,
    /// Where the instructions behind the values above are, for the mapping's errors.
    pub lines: Lines,
}

/// `(line, col)` of the instructions whose values the Kubernetes mapping checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    pub user: Option<(usize, usize)>,
    pub healthcheck: Option<(usize, usize)>,
    pub stop_signal: Option<(usize, usize)>,
    pub workdir: Option<(usize, usize)>,
    /// The instruction of each of [`ImageConfig::volumes`].
    pub volumes: Vec<(usize, usize)>,
    /// Each EXPOSE instruction and how many ports it names.
    pub expose: Vec<(usize, usize, usize)>,
}

impl ImageConfig {
    /// SHELL, or Docker's default `["/bin/sh", "-c"]`.
    pub fn shell_or_default(&self) -> Vec<String> {
        self.shell.clone().unwrap_or_else(default_shell)
    }

    /// The argv a container of this image runs, as far as the Dockerfile sets it: ENTRYPOINT
    /// then CMD, except that a shell-form ENTRYPOINT ignores CMD.
    pub fn command_line(&self) -> Vec<String> {
        let mut argv = self.entrypoint.clone().unwrap_or_default();
        if !(self.entrypoint.is_some() && self.entrypoint_shell_form) {
            argv.extend(self.cmd.clone().unwrap_or_default());
        }
        argv
    }
}

fn default_shell() -> Vec<String> {
    vec!["/bin/sh".to_string(), "-c".to_string()]
}

/// Automatic platform ARGs BuildKit provides in the global scope (linux/amd64 assumed).
const PLATFORM_ARGS: &[(&str, &str)] = &[
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
];

/// ARG names and optional defaults.
type ArgList = Vec<(String, Option<String>)>;

struct Stage<'a> {
    from: &'a Instruction,
    image: String,
    name: Option<String>,
    platform: Option<String>,
    commands: Vec<(&'a Instruction, Command)>,
}

#[derive(Clone, Default)]
struct State {
    cfg: ImageConfig,
    /// Position of each name in `cfg.env`.
    env_index: HashMap<String, usize>,
    /// The build environment used for substitution: ENV and ARG values.
    env: BTreeMap<String, String>,
    /// `cfg.volumes` as a set.
    volume_set: HashSet<String>,
    /// ONBUILD triggers, run at the start of a stage built FROM this one.
    triggers: Vec<Instruction>,
    /// EXPOSEd ports (a set: ranges can be large).
    ports: BTreeSet<(u16, Protocol)>,
}

/// Everything dispatch needs besides the stage state.
struct Ctx<'a> {
    lex: Lex,
    opts: &'a ResolveOptions,
    /// Global ARGs (declared before the first FROM); `None` when declared without a value.
    globals: BTreeMap<String, Option<String>>,
    /// Bytes substitutions may still produce (repeated `$A$A` doubling is exponential).
    budget: Cell<usize>,
}

/// Total output of all substitutions of one [`resolve`] call.
const SUBSTITUTION_BUDGET: usize = 64 << 20;

impl State {
    /// Sets an image ENV value; redefining a name keeps its position.
    fn set_image_env(&mut self, key: String, value: String) {
        match self.env_index.get(&key) {
            Some(&i) => self.cfg.env[i].1 = value,
            None => {
                self.env_index.insert(key.clone(), self.cfg.env.len());
                self.cfg.env.push((key, value));
            }
        }
    }
}

fn located(ins: &Instruction) -> impl Fn(String) -> ResolveError + '_ {
    move |message| ResolveError::Instruction {
        line: ins.start_line,
        col: ins.col,
        message,
    }
}

/// Evaluates the Dockerfile to the image config of the target (default: last) stage.
pub fn resolve(df: &Dockerfile, opts: &ResolveOptions) -> Result<ImageConfig, ResolveError> {
    let mut ctx = Ctx {
        lex: Lex::new(df.escape),
        opts,
        globals: BTreeMap::new(),
        budget: Cell::new(SUBSTITUTION_BUDGET),
    };

    // Instructions → stages (BuildKit's instructions.Parse).
    let mut meta: Vec<(&Instruction, ArgList)> = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for ins in &df.instructions {
        let cmd = ins.command().map_err(|e| located(ins)(e.message))?;
        match cmd {
            Command::Arg(args) if stages.is_empty() => meta.push((ins, args)),
            Command::From {
                image,
                name,
                platform,
            } => {
                stages.push(Stage {
                    from: ins,
                    image,
                    name,
                    platform,
                    commands: Vec::new(),
                });
            }
            cmd => match stages.last_mut() {
                Some(stage) => stage.commands.push((ins, cmd)),
                None => {
                    return Err(ResolveError::NoStage {
                        line: ins.start_line,
                        col: ins.col,
                    });
                }
            },
        }
    }
    if stages.is_empty() {
        return Err(ResolveError::NoStages);
    }

    // Global ARGs: visible in FROM lines only (and as defaults of re-declared stage ARGs).
    // Global ARGs: visible in FROM lines only (and as defaults of re-declared stage ARGs); one
    // declared without a value (and no --build-arg) stays unset.
    let mut globals: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut from_env: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in PLATFORM_ARGS {
        let v = opts
            .build_args
            .get(*k)
            .cloned()
            .unwrap_or_else(|| v.to_string());
        globals.insert(k.to_string(), Some(v.clone()));
        from_env.insert(k.to_string(), v);
    }
    for (ins, args) in &meta {
        // One argument at a time: `ARG A=1 B=$A` sees A (unlike ARG inside a stage).
        for (key, default) in args {
            let key = key.clone();
            let value = match opts.build_args.get(&key) {
                Some(v) => Some(v.clone()),
                None => match default {
                    Some(d) => Some(expand(&ctx, ins, d, &from_env)?),
                    None => None,
                },
            };
            match value {
                Some(v) => {
                    from_env.insert(key.clone(), v.clone());
                    globals.insert(key, Some(v));
                }
                None => {
                    globals.entry(key).or_insert(None);
                }
            }
        }
    }
    ctx.globals = globals;

    // FROM lines: substitute, then link stages to earlier stages by name.
    let mut bases: Vec<(String, Option<String>, Option<usize>)> = Vec::new();
    for (i, st) in stages.iter().enumerate() {
        let image = expand(&ctx, st.from, &st.image, &from_env)?;
        if image.is_empty() {
            return Err(ResolveError::BlankBase {
                line: st.from.start_line,
                col: st.from.col,
                name: st.image.clone(),
            });
        }
        let platform = match &st.platform {
            Some(p) => Some(expand(&ctx, st.from, p, &from_env)?),
            None => None,
        };
        let lower = image.to_lowercase();
        let parent = stages[..i]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(lower.as_str()));
        bases.push((image, platform, parent));
    }

    let target = match &opts.target {
        None => stages.len() - 1,
        Some(t) => {
            let lower = t.to_lowercase();
            match stages
                .iter()
                .position(|s| s.name.as_deref() == Some(lower.as_str()))
            {
                Some(i) => i,
                None => {
                    let names: Vec<&str> =
                        stages.iter().filter_map(|s| s.name.as_deref()).collect();
                    return Err(ResolveError::UnknownTarget {
                        target: t.clone(),
                        stages: if names.is_empty() {
                            "(no named stages)".to_string()
                        } else {
                            names.join(", ")
                        },
                    });
                }
            }
        }
    };

    let mut chain = vec![target];
    while let Some(parent) = bases[*chain.last().unwrap_or(&target)].2 {
        chain.push(parent);
    }
    chain.reverse();

    let root = chain[0];
    let mut state = State::default();
    for &i in &chain {
        let stage = &stages[i];
        // A stage FROM an earlier stage starts from its state and runs its ONBUILD triggers.
        let triggers = std::mem::take(&mut state.triggers);
        state.cfg.onbuild.clear();
        let mut cmd_set = false;
        for trigger in &triggers {
            let cmd = trigger.command().map_err(|e| located(trigger)(e.message))?;
            dispatch(&ctx, &mut state, &mut cmd_set, trigger, cmd)?;
        }
        for (ins, cmd) in &stage.commands {
            dispatch(&ctx, &mut state, &mut cmd_set, ins, cmd.clone())?;
        }
    }

    let mut cfg = state.cfg;
    cfg.exposed_ports = state.ports.into_iter().collect();
    cfg.base_image = bases[root].0.clone();
    cfg.platform = bases[root].1.clone();
    cfg.stage = stages[target].name.clone();
    for t in &state.triggers {
        cfg.warnings.push((
            t.start_line,
            format!(
                "ONBUILD {}: triggers only run when another build uses this image as its base; ignored",
                t.original.trim()
            ),
        ));
    }
    cfg.warnings.extend(df.warnings.iter().cloned());
    cfg.warnings.sort_by_key(|(line, _)| *line);
    Ok(cfg)
}

fn expand(
    ctx: &Ctx,
    ins: &Instruction,
    word: &str,
    env: &(impl Env + ?Sized),
) -> Result<String, ResolveError> {
    let out = ctx
        .lex
        .process_word(word, env)
        .map_err(|e| ResolveError::Substitution {
            line: ins.start_line,
            col: ins.col,
            message: e.message,
        })?;
    charge(ctx, ins, out.len())?;
    Ok(out)
}

fn charge(ctx: &Ctx, ins: &Instruction, bytes: usize) -> Result<(), ResolveError> {
    let left = ctx.budget.get();
    if bytes > left {
        return Err(ResolveError::Substitution {
            line: ins.start_line,
            col: ins.col,
            message: "substitutions expand to more than 64 MiB".into(),
        });
    }
    ctx.budget.set(left - bytes);
    Ok(())
}

fn with_shell(cfg: &ImageConfig, args: &[String]) -> Vec<String> {
    let mut out = cfg.shell_or_default();
    out.push(args.join(" "));
    out
}

fn dispatch(
    ctx: &Ctx,
    state: &mut State,
    cmd_set: &mut bool,
    ins: &Instruction,
    cmd: Command,
) -> Result<(), ResolveError> {
    let line = ins.start_line;
    let ex = |w: &str, env: &BTreeMap<String, String>| expand(ctx, ins, w, env);
    match cmd {
        Command::From { .. } => {}
        Command::Env(pairs) => {
            // Every substitution sees the environment from before the instruction.
            let mut expanded = Vec::new();
            for (k, v) in &pairs {
                expanded.push((ex(k, &state.env)?, ex(v, &state.env)?));
            }
            for (k, v) in expanded {
                state.env.insert(k.clone(), v.clone());
                state.set_image_env(k, v);
            }
        }
        Command::Label(pairs) => {
            let mut expanded = Vec::new();
            for (k, v) in &pairs {
                expanded.push((ex(k, &state.env)?, ex(v, &state.env)?));
            }
            state.cfg.labels.extend(expanded);
        }
        Command::Maintainer(m) => {
            state.cfg.maintainer = Some(m);
            state
                .cfg
                .warnings
                .push((line, "MAINTAINER is deprecated; use a LABEL instead".into()));
        }
        Command::Arg(args) => {
            // BuildKit's dispatchArg, one name at a time: a --build-arg value is taken as is;
            // else the default is substituted with the environment so far (earlier names of
            // the same ARG included); else a global ARG of that name supplies its value.
            for (k, default) in args {
                let value = match (ctx.opts.build_args.get(&k), default) {
                    (Some(b), _) => Some(b.clone()),
                    (None, Some(d)) => Some(ex(&d, &state.env)?),
                    (None, None) => ctx.globals.get(&k).cloned().flatten(),
                };
                if let Some(value) = value {
                    state.env.insert(k, value);
                }
            }
        }
        Command::Add {
            sources,
            dest,
            chown,
            ..
        }
        | Command::Copy {
            sources,
            dest,
            chown,
            ..
        } => {
            // Substituted by BuildKit (errors surface), but nothing reaches the image config.
            for s in sources.iter().chain([&dest]).chain(chown.iter()) {
                ex(s, &state.env)?;
            }
        }
        Command::Expose(specs) => {
            for spec in &specs {
                let words = ctx.lex.process_words(spec, &state.env).map_err(|e| {
                    ResolveError::Substitution {
                        line,
                        col: ins.col,
                        message: e.message,
                    }
                })?;
                charge(ctx, ins, words.iter().map(String::len).sum())?;
                let before = state.ports.len();
                for word in words {
                    let (ports, host) =
                        parse_port_spec(&word).map_err(|message| ResolveError::Port {
                            line,
                            col: ins.col,
                            spec: word.clone(),
                            message,
                        })?;
                    if host {
                        state.cfg.warnings.push((
                            line,
                            format!("EXPOSE {word}: host address and port are ignored; only the container port is exposed"),
                        ));
                    }
                    for p in ports {
                        if p.0 == 0 {
                            state.cfg.warnings.push((
                                line,
                                format!(
                                    "EXPOSE {word}: port 0 cannot be a container port; skipped"
                                ),
                            ));
                            continue;
                        }
                        state.ports.insert(p);
                    }
                }
                let added = state.ports.len() - before;
                state.cfg.lines.expose.push((line, ins.col, added));
            }
        }
        Command::User(u) => {
            let u = ex(&u, &state.env)?;
            let (user, group) = match u.split_once(':') {
                Some((a, b)) => (a, Some(b)),
                None => (u.as_str(), None),
            };
            state.cfg.uid = numeric(user);
            state.cfg.gid = group.and_then(numeric);
            if state.cfg.uid.is_none() {
                state.cfg.warnings.push((
                    line,
                    format!("USER {u}: not numeric; runAsUser cannot be set without the image's /etc/passwd"),
                ));
            } else if group.is_some() && state.cfg.gid.is_none() {
                state.cfg.warnings.push((
                    line,
                    format!("USER {u}: group is not numeric; runAsGroup cannot be set"),
                ));
            }
            state.cfg.user = Some(u);
            state.cfg.lines.user = Some((line, ins.col));
        }
        Command::Volume(vols) => {
            for v in &vols {
                let v = ex(v, &state.env)?;
                if v.is_empty() {
                    return Err(located(ins)(
                        "VOLUME specified can not be an empty string".into(),
                    ));
                }
                if state.volume_set.insert(v.clone()) {
                    state.cfg.warnings.push((
                        line,
                        format!("VOLUME {v}: becomes an emptyDir; its data is not persistent"),
                    ));
                    state.cfg.volumes.push(v);
                    state.cfg.lines.volumes.push((line, ins.col));
                }
            }
        }
        Command::Workdir(p) => {
            // BuildKit's system.NormalizeWorkdir: relative paths join the current one (and
            // are cleaned); absolute ones are kept as written; empty keeps the current one.
            let p = ex(&p, &state.env)?;
            let current = match state.cfg.workdir.as_deref() {
                None | Some("") => "/".to_string(),
                Some(c) if c.starts_with('/') => c.to_string(),
                Some(c) => clean_path(&format!("/{c}")),
            };
            let absolute = p.starts_with('/');
            let wd = if p.is_empty() {
                current
            } else if absolute {
                p.clone()
            } else {
                clean_path(&format!("{current}/{p}"))
            };
            // BuildKit's lint rule WorkdirRelativePath: relative to a WORKDIR this build
            // does not set, the result depends on the base image.
            if !p.is_empty() && !absolute && state.cfg.lines.workdir.is_none() {
                state.cfg.warnings.push((
                    line,
                    format!("WORKDIR {p}: relative, and no absolute WORKDIR is set before it; the directory depends on the base image's WORKDIR (taken as /)"),
                ));
            }
            state.cfg.workdir = Some(wd);
            if absolute || state.cfg.lines.workdir.is_some() {
                state.cfg.lines.workdir = Some((line, ins.col));
            }
        }
        Command::StopSignal(s) => {
            let s = ex(&s, &state.env)?;
            if !valid_signal(&s) {
                return Err(ResolveError::Signal {
                    line,
                    col: ins.col,
                    signal: s,
                });
            }
            state.cfg.warnings.push((
                line,
                format!("STOPSIGNAL {s}: applied by the container runtime from the image; nothing to emit"),
            ));
            state.cfg.stop_signal = Some(s);
            state.cfg.lines.stop_signal = Some((line, ins.col));
        }
        Command::Run { .. } => {}
        Command::Cmd(CommandLine {
            args,
            prepend_shell,
        }) => {
            let argv = if prepend_shell {
                with_shell(&state.cfg, &args)
            } else {
                args
            };
            state.cfg.cmd = Some(argv);
            state.cfg.cmd_shell_form = prepend_shell;
            *cmd_set = true;
        }
        Command::Entrypoint(CommandLine {
            args,
            prepend_shell,
        }) => {
            state.cfg.entrypoint = if prepend_shell {
                Some(with_shell(&state.cfg, &args))
            } else if args.is_empty() {
                None
            } else {
                Some(args)
            };
            state.cfg.entrypoint_shell_form = prepend_shell;
            // An ENTRYPOINT drops a CMD inherited from the parent, not one of this stage.
            if !*cmd_set {
                state.cfg.cmd = None;
                state.cfg.cmd_shell_form = false;
            }
        }
        Command::Healthcheck(spec) => {
            state.cfg.healthcheck = Some(healthcheck(spec, line));
            state.cfg.lines.healthcheck = Some((line, ins.col));
        }
        Command::Shell(shell) => state.cfg.shell = Some(shell),
        Command::Onbuild(trigger) => {
            // The trigger's source, heredoc bodies appended, as BuildKit records it.
            let mut expression = trigger.original.trim().to_string();
            for doc in &trigger.heredocs {
                expression.push('\n');
                expression.push_str(&doc.content);
                expression.push_str(&doc.name);
            }
            state.cfg.onbuild.push(expression);
            state.triggers.push(*trigger);
        }
    }
    Ok(())
}

fn healthcheck(spec: HealthSpec, line: usize) -> Healthcheck {
    let or = |ns: i64, default_secs: u64| {
        if ns > 0 {
            Duration::from_nanos(ns.unsigned_abs())
        } else {
            Duration::from_secs(default_secs)
        }
    };
    match spec {
        HealthSpec::None => Healthcheck {
            test: HealthTest::Disabled,
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
            start_period: Duration::ZERO,
            start_interval: Duration::from_secs(5),
            retries: 3,
            line,
        },
        HealthSpec::Cmd {
            test,
            interval,
            timeout,
            start_period,
            start_interval,
            retries,
        } => {
            let test = match test.split_first() {
                Some((head, rest)) if head == "CMD-SHELL" => HealthTest::Shell(rest.join(" ")),
                Some((_, rest)) => HealthTest::Exec(rest.to_vec()),
                None => HealthTest::Disabled,
            };
            Healthcheck {
                test,
                interval: or(interval, 30),
                timeout: or(timeout, 30),
                start_period: or(start_period, 0),
                start_interval: or(start_interval, 5),
                retries: if retries == 0 { 3 } else { retries },
                line,
            }
        }
    }
}

/// A decimal id (`1000`), if the whole string is one.
fn numeric(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse::<u32>().ok()
    } else {
        None
    }
}

/// Go's `path.Clean` for an absolute path.
fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// moby's `signal.ParseSignal` on Linux: a non-zero number or a known name (`SIG` optional).
fn valid_signal(s: &str) -> bool {
    if let Ok(n) = s.parse::<i64>() {
        return n != 0;
    }
    let upper = s.to_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    const NAMES: &[&str] = &[
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
        "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
        "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
        "RTMIN", "RTMAX",
    ];
    if NAMES.contains(&name) {
        return true;
    }
    let rt = |prefix: &str, sign: char, max: u8| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(sign))
            .and_then(|n| n.parse::<u8>().ok().filter(|v| v.to_string() == n))
            .is_some_and(|n| (1..=max).contains(&n))
    };
    rt("RTMIN", '+', 15) || rt("RTMAX", '-', 14)
}

/// `[ip:][hostPort:]containerPort[-end][/proto]` → container ports; `true` if a host part
/// was given. BuildKit's `parsePortSpec`.
fn parse_port_spec(raw: &str) -> Result<(Vec<(u16, Protocol)>, bool), String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let (ip, host_port, container) = match n {
        1 => (String::new(), "", parts[0]),
        2 => (String::new(), parts[0], parts[1]),
        _ => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    };
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() {
        return Err(format!("no port specified: {container}<empty>"));
    }
    let proto = match proto.to_lowercase().as_str() {
        "" | "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        other => return Err(format!("invalid proto: {other}")),
    };
    if !ip.is_empty() {
        let bare = ip
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .unwrap_or(&ip);
        if bare.parse::<IpAddr>().is_err() {
            return Err(format!("invalid IP address: {ip}"));
        }
    }
    let (start, end) = port_range(port).ok_or_else(|| format!("invalid containerPort: {port}"))?;
    if !host_port.is_empty() {
        let (hs, he) =
            port_range(host_port).ok_or_else(|| format!("invalid hostPort: {host_port}"))?;
        if end - start != he - hs && end != start {
            return Err(format!(
                "invalid ranges specified for container and host Ports: {port} and {host_port}"
            ));
        }
    }
    let ports = (start..=end).map(|p| (p, proto)).collect();
    Ok((ports, !ip.is_empty() || !host_port.is_empty()))
}

/// `8000` or `8000-8010`: digits only, at most 65535, start ≤ end.
fn port_range(s: &str) -> Option<(u16, u16)> {
    let num = |t: &str| {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u16>().ok()
    };
    match s.split_once('-') {
        None => num(s).map(|p| (p, p)),
        Some((a, b)) => {
            if b.contains('-') {
                return None;
            }
            let (a, b) = (num(a)?, num(b)?);
            (b >= a).then_some((a, b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(parse_port_spec("80").unwrap().0, vec![(80, Protocol::Tcp)]);
        assert_eq!(
            parse_port_spec("80/TCP").unwrap().0,
            vec![(80, Protocol::Tcp)]
        );
        assert_eq!(
            parse_port_spec("53/Udp").unwrap().0,
            vec![(53, Protocol::Udp)]
        );
        assert_eq!(parse_port_spec("8000-8002/udp").unwrap().0.len(), 3);
        assert!(parse_port_spec("80/foo").is_err());
        assert!(parse_port_spec("+80").is_err());
        assert!(parse_port_spec("65536").is_err());
        assert!(parse_port_spec("90-80").is_err());
        assert!(parse_port_spec("/tcp").is_err());
        assert_eq!(
            parse_port_spec("127.0.0.1:8080:80").unwrap(),
            (vec![(80, Protocol::Tcp)], true)
        );
        assert!(parse_port_spec("nope:8080:80").is_err());
        assert!(parse_port_spec("[::1]:8080:80").is_ok());
    }

    #[test]
    fn signals() {
        for s in ["SIGTERM", "term", "9", "SIGRTMIN+3", "RTMAX-2", "sigusr1"] {
            assert!(valid_signal(s), "{s}");
        }
        for s in ["0", "SIGNOPE", "", "RTMIN+16"] {
            assert!(!valid_signal(s), "{s}");
        }
    }

    #[test]
    fn clean() {
        assert_eq!(clean_path("/a/b/../c/./d/"), "/a/c/d");
        assert_eq!(clean_path("//"), "/");
        assert_eq!(clean_path("/../x"), "/x");
    }
}
