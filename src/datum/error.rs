//! Errors of the datum module, and their exit classes.

use std::path::PathBuf;

use snafu::Snafu;

use crate::error::{Classify, Exit};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong loading a datum or turning it into a workload.
///
/// Locations are `path:line:col` (1-based, columns in characters) wherever the problem is in a
/// file.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum Error {
    /// A datum or config file could not be read.
    #[snafu(display("reading {}", path.display()))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// TOML syntax error.
    #[snafu(display("{}:{line}:{col}: {message}", path.display()))]
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },

    /// A key b00t reads has the wrong type or an invalid value, or a required key is missing.
    #[snafu(display("{}:{line}:{col}: {key}: {message}", path.display()))]
    Validate {
        path: PathBuf,
        line: usize,
        col: usize,
        key: String,
        message: String,
    },

    /// A datum directory exists but could not be listed.
    #[snafu(display("listing datums in {}", dir.display()))]
    List {
        dir: PathBuf,
        source: std::io::Error,
    },

    /// No `<name>.mcp.toml` in any datum directory.
    #[snafu(display("{}", not_found_message(name, found, dirs, missing)))]
    Find {
        name: String,
        /// Names of the datums that do exist.
        found: Vec<String>,
        /// Directories looked in, in order.
        dirs: Vec<PathBuf>,
        /// Those of `dirs` that do not exist.
        missing: Vec<PathBuf>,
    },

    /// The server name cannot be a datum file name.
    #[snafu(display(
        "invalid mcp server name {name:?}: expected a datum name such as \"github\" (the file <name>.mcp.toml)"
    ))]
    ServerName { name: String },

    /// The datum only describes a remote (httpstream) server.
    #[snafu(display(
        "mcp server {server} is remote only: it is served at {url} (httpstream) and has no command to run; connect to that url instead of deploying it"
    ))]
    RemoteOnly {
        server: String,
        path: PathBuf,
        url: String,
    },

    /// No stdio method has an image b00t knows.
    #[snafu(display(
        "no container image known for mcp server {server} (command {}): set [b00t.k8s] image in {} or pass --image",
        commands.join(", "),
        path.display()
    ))]
    NoImage {
        server: String,
        path: PathBuf,
        commands: Vec<String>,
    },

    /// Nothing to run at all.
    #[snafu(display(
        "{}: mcp server {server} has no command, no [[b00t.mcp.stdio]] method, no [b00t.mcp.httpstream] method and no [b00t.k8s] image",
        path.display()
    ))]
    NoMethod { server: String, path: PathBuf },

    /// A `docker run …` command line the datum gives could not be understood.
    #[snafu(display("{}: {key}: {message}", path.display()))]
    DockerRun {
        path: PathBuf,
        key: String,
        message: String,
    },

    /// `${VAR}` interpolation failed at deploy time.
    #[snafu(display("{}: {key}: {message}", path.display()))]
    Interpolate {
        path: PathBuf,
        key: String,
        message: String,
    },

    /// A deploy option (flag) has an invalid value.
    #[snafu(display("{option}: {message}"))]
    DeployOption { option: String, message: String },
}

impl Classify for Error {
    fn exit(&self) -> Exit {
        match self {
            Error::Find { .. } => Exit::NotFound,
            Error::Read { .. }
            | Error::Parse { .. }
            | Error::Validate { .. }
            | Error::List { .. }
            | Error::ServerName { .. }
            | Error::RemoteOnly { .. }
            | Error::NoImage { .. }
            | Error::NoMethod { .. }
            | Error::DockerRun { .. }
            | Error::Interpolate { .. }
            | Error::DeployOption { .. } => Exit::Usage,
        }
    }
}

/// At most this many available names are listed.
const SHOW_FOUND: usize = 20;

fn not_found_message(
    name: &str,
    found: &[String],
    dirs: &[PathBuf],
    missing: &[PathBuf],
) -> String {
    let available = if found.is_empty() {
        "no datums found".to_string()
    } else if found.len() > SHOW_FOUND {
        let more = found.len() - SHOW_FOUND;
        format!(
            "available: {} and {more} more",
            found[..SHOW_FOUND].join(", ")
        )
    } else {
        format!("available: {}", found.join(", "))
    };
    let looked = if dirs.is_empty() {
        "no datum directory (pass --path or set _B00T_Path)".to_string()
    } else {
        dirs.iter()
            .map(|d| {
                if missing.contains(d) {
                    format!("{} (missing)", d.display())
                } else {
                    d.display().to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("mcp server {name:?} not found: no {name}.mcp.toml; {available}; looked in {looked}")
}
