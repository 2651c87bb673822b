//! Everything that reaches stdout goes through here (DESIGN.md §2): tables, JSON/YAML documents,
//! JSON Lines streams. Progress and notes go to stderr. A closed stdout pipe ends the process
//! quietly with exit 0.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::cli::{ColorChoice, Global, OutputFormat};

pub mod progress;
pub mod table;

pub use progress::Progress;

/// The raw stdout byte stream, for `k8s connect`: what the bridged MCP server sends, and
/// nothing else (JSON-RPC only; notes and errors go to stderr).
pub fn stdout_stream() -> tokio::io::Stdout {
    tokio::io::stdout()
}

/// Write bytes to stdout in as few syscalls as the kernel allows (bypassing the line buffer);
/// a closed pipe ends the process like every other write here.
pub fn write_bytes(bytes: &[u8]) {
    let mut so = std::io::stdout().lock();
    check_pipe(so.flush().and_then(|_| so.write_all(bytes)));
}

/// Where and how a command prints.
#[derive(Debug, Clone)]
pub struct Out {
    format: Option<OutputFormat>,
    color: bool,
    err_color: bool,
    stdout_tty: bool,
    stderr_tty: bool,
}

impl Out {
    pub fn new(global: &Global) -> Out {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Out {
            format: global.format(),
            color: decide(stdout_tty),
            err_color: decide(stderr_tty),
            stdout_tty,
            stderr_tty,
        }
    }

    /// For tests and library callers: a plain, colourless printer.
    pub fn plain(format: Option<OutputFormat>) -> Out {
        Out {
            format,
            color: false,
            err_color: false,
            stdout_tty: false,
            stderr_tty: false,
        }
    }

    /// The format the user asked for, or `None` for the command's default.
    pub fn format(&self) -> Option<OutputFormat> {
        self.format
    }

    /// Table (or wide table) output wanted.
    pub fn is_table(&self) -> bool {
        matches!(
            self.format,
            None | Some(OutputFormat::Table) | Some(OutputFormat::Wide)
        )
    }

    pub fn is_wide(&self) -> bool {
        self.format == Some(OutputFormat::Wide)
    }

    /// Colours allowed on stdout.
    pub fn color(&self) -> bool {
        self.color
    }

    /// Colours allowed on stderr.
    pub fn err_color(&self) -> bool {
        self.err_color
    }

    pub fn stdout_tty(&self) -> bool {
        self.stdout_tty
    }

    pub fn stderr_tty(&self) -> bool {
        self.stderr_tty
    }

    /// Write raw text to stdout (no newline added).
    pub fn write(&self, text: &str) {
        let mut so = std::io::stdout().lock();
        check_pipe(so.write_all(text.as_bytes()).and_then(|_| so.flush()));
    }

    /// Write one line to stdout.
    pub fn line(&self, text: &str) {
        let mut so = std::io::stdout().lock();
        check_pipe(writeln!(so, "{text}").and_then(|_| so.flush()));
    }

    /// One pretty-printed JSON document.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).expect("serialising plain data to JSON");
        self.line(&text);
    }

    /// One JSON Lines record (compact, one line).
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) {
        let text = serde_json::to_string(value).expect("serialising plain data to JSON");
        self.line(&text);
    }

    /// One YAML document (no leading `---`).
    pub fn yaml<T: Serialize>(&self, value: &T) {
        self.write(&to_yaml(value));
    }

    /// Print a document in the chosen structured format: JSON unless YAML was asked for.
    pub fn document<T: Serialize>(&self, value: &T) {
        if self.format == Some(OutputFormat::Yaml) {
            self.yaml(value)
        } else {
            self.json(value)
        }
    }

    /// A line for a person, on stderr (notes, next steps).
    pub fn note(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// `warning: …` on stderr.
    pub fn warn(&self, text: &str) {
        use owo_colors::OwoColorize;
        let mut se = std::io::stderr().lock();
        if self.err_color {
            let _ = writeln!(se, "{} {text}", "warning:".yellow().bold());
        } else {
            let _ = writeln!(se, "warning: {text}");
        }
    }

    /// A spinner on a TTY, plain progress lines otherwise (never on stdout).
    pub fn progress(&self, message: &str) -> Progress {
        Progress::start(self.stderr_tty, message)
    }
}

/// Serialise to YAML (block style). Panics only on data that cannot be YAML, which our
/// plain serde types never are.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).expect("serialising plain data to YAML")
}

/// A closed stdout pipe (`b00t … | head -1`) ends the process quietly with exit 0.
fn check_pipe(res: std::io::Result<()>) {
    if let Err(e) = res {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "error: writing to stdout: {e}");
        std::process::exit(1);
    }
}
