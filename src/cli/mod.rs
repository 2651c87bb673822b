//! Command-line parsing (clap only) and thin adapters to the ops modules. One file per group.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::Result;

pub mod events;
pub mod k8s;
pub mod mcp;
pub mod obi;
pub mod obi_docker;
pub mod runtime;
pub mod sensor;
pub mod tools;
pub mod translate;

/// b00t: MCP servers and the OBI eBPF agent on Kubernetes and Docker.
#[derive(Debug, Parser)]
#[command(name = "b00t", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// MCP servers and applications on Kubernetes
    K8s(k8s::K8sArgs),
    /// The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)
    Obi(obi::ObiArgs),
    /// b00t as an MCP server: every use case as a tool
    Mcp(mcp::McpArgs),
    /// Print a shell completion script
    #[command(hide = true)]
    Completions(tools::CompletionsArgs),
    /// Write man pages
    #[command(hide = true)]
    Man(tools::ManArgs),
}

/// Flags every command accepts, with kubectl's meaning.
#[derive(Debug, Clone, Args, Default)]
pub struct Global {
    /// Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (k8s list and status: several, separated by commas)
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// Namespace (default: the context's, else "default")
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub namespace: Option<String>,
    /// Read across all namespaces
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Same as -o json
    #[arg(long, global = true)]
    pub json: bool,
    /// When to use colours (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// More logs on stderr (-v, -vv)
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)
    #[arg(long, global = true, env = "_B00T_Path", value_name = "DIR")]
    pub path: Option<PathBuf>,
}

impl Global {
    /// Where to connect, from `--kubeconfig`, `--context`, `-n` and `-A`.
    pub fn target(&self) -> crate::ops::connect::Target {
        crate::ops::connect::Target {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
        }
    }

    /// The output format asked for (`--json` wins over `-o`), or `None` for the default.
    pub fn format(&self) -> Option<OutputFormat> {
        if self.json {
            Some(OutputFormat::Json)
        } else {
            self.output
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Parse a duration like kubectl: `90s`, `10m`, `1h30m`, `500ms`, or plain seconds (`30`).
pub fn parse_duration(s: &str) -> std::result::Result<std::time::Duration, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(secs));
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return Err(format!(
                "invalid duration {s:?}: expected a number before {rest:?} (e.g. 30s, 10m, 1h30m)"
            ));
        }
        let n: f64 = rest[..num_end]
            .parse()
            .map_err(|_| format!("invalid duration {s:?}"))?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "" => {
                return Err(format!(
                    "invalid duration {s:?}: missing unit (ms, s, m, h)"
                ));
            }
            u => {
                return Err(format!(
                    "invalid duration {s:?}: unknown unit {u:?} (ms, s, m, h)"
                ));
            }
        };
        total += n * factor;
        rest = &rest[unit_end..];
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

/// Parse `K=V` (environment variables, node selectors); the value may be empty or hold `=`.
pub fn parse_kv(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected K=V, got {s:?}")),
    }
}

/// Parse `--env K=V`: as [`parse_kv`], and K must be a name the API server accepts.
pub fn parse_env(s: &str) -> std::result::Result<(String, String), String> {
    let (k, v) = parse_kv(s)?;
    match crate::render::validate::env_name_error(&k) {
        Some(why) => Err(why),
        None => Ok((k, v)),
    }
}

/// Parse the process arguments. A binary invoked as `obi` (a link) behaves as `b00t obi`.
pub fn parse_args() -> std::result::Result<Cli, clap::Error> {
    Cli::try_parse_from(multicall(std::env::args_os().collect()))
}

/// Insert `obi` after argv[0] when the program is called through a link named `obi`.
pub fn multicall(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let is_obi = args
        .first()
        .and_then(|a0| {
            std::path::Path::new(a0)
                .file_stem()
                .map(|s| s.to_os_string())
        })
        .is_some_and(|s| s == "obi");
    if is_obi {
        args[0] = "b00t".into();
        args.insert(1, "obi".into());
    }
    args
}

/// Run a parsed command line.
pub async fn run(cli: Cli) -> Result<()> {
    let out = crate::output::Out::new(&cli.global);
    match cli.command {
        Command::K8s(a) => a.run(&cli.global, &out).await,
        Command::Obi(a) => a.run(&cli.global, &out).await,
        Command::Mcp(a) => a.run(&cli.global).await,
        Command::Completions(a) => a.run(&out),
        Command::Man(a) => a.run(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        use std::time::Duration;
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("10x").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn obi_link_is_the_obi_group() {
        let args = multicall(vec!["/usr/local/bin/obi".into(), "sensor".into()]);
        assert_eq!(args, vec!["b00t", "obi", "sensor"]);
        let args = multicall(vec!["b00t".into(), "k8s".into()]);
        assert_eq!(args, vec!["b00t", "k8s"]);
    }
}
