//! Top-level error and the exit-code contract of DESIGN.md §1.
//!
//! Each ops module has its own snafu enum; each knows which [`Exit`] class its variants belong
//! to. `main` prints the chain once (`error: outer: inner: root`) and exits with that code.

use std::error::Error as StdError;

/// Process exit codes users script against. Never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// The operation failed (rollout failed, pod crashed, …).
    Failed = 1,
    /// Usage error or bad input file.
    Usage = 2,
    /// Cluster or Docker engine unreachable.
    Unreachable = 3,
    NotFound = 4,
    /// RBAC denial / missing privileges.
    Forbidden = 5,
    TimedOut = 6,
    RolledBack = 7,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The class's name, as JSON error entries and MCP tool errors give it (`exit_class`).
    pub fn class(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Failed => "failed",
            Exit::Usage => "usage",
            Exit::Unreachable => "unreachable",
            Exit::NotFound => "not found",
            Exit::Forbidden => "forbidden",
            Exit::TimedOut => "timed out",
            Exit::RolledBack => "rolled back",
        }
    }
}

/// Anything that can end a command carries its exit class.
pub trait Classify {
    fn exit(&self) -> Exit;
}

/// The error a command returns to `main`.
#[derive(Debug)]
pub struct Error {
    exit: Exit,
    inner: Box<dyn StdError + Send + Sync + 'static>,
    /// A process exit code to pass on instead of the class's (`k8s connect` ends with the
    /// remote server's).
    code: Option<u8>,
}

impl Error {
    pub fn new<E>(err: E) -> Self
    where
        E: StdError + Classify + Send + Sync + 'static,
    {
        Error {
            exit: err.exit(),
            inner: Box::new(err),
            code: None,
        }
    }

    /// An error with an explicit class and a message (for CLI-level checks).
    pub fn msg(exit: Exit, message: impl Into<String>) -> Self {
        Error {
            exit,
            inner: Box::new(Message(message.into())),
            code: None,
        }
    }

    /// A process another end ran (`k8s connect`'s server) exited with `code`: exit with it too.
    pub fn exited(code: i64, message: impl Into<String>) -> Self {
        Error {
            exit: Exit::Failed,
            inner: Box::new(Message(message.into())),
            code: Some(u8::try_from(code).unwrap_or(1)).filter(|c| *c != 0),
        }
    }

    /// The process exit code: the class's, or the one [`Error::exited`] passes on.
    pub fn code(&self) -> u8 {
        self.code.unwrap_or(self.exit.code() as u8)
    }

    pub fn exit(&self) -> Exit {
        self.exit
    }

    /// `outer: inner: root`, each source once, skipping a source whose text the outer message
    /// already ends with (some libraries repeat their source in their own message).
    pub fn chain(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut cur: Option<&(dyn StdError + 'static)> = Some(self.inner.as_ref());
        while let Some(e) = cur {
            let text = e.to_string();
            let dup = parts
                .last()
                .is_some_and(|p| p.ends_with(&text) || p.contains(&text));
            if !text.is_empty() && !dup {
                parts.push(text);
            }
            cur = e.source();
        }
        parts.join(": ")
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.chain())
    }
}

impl<E> From<E> for Error
where
    E: StdError + Classify + Send + Sync + 'static,
{
    fn from(e: E) -> Self {
        Error::new(e)
    }
}

#[derive(Debug)]
struct Message(String);

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Message {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use snafu::Snafu;

    #[derive(Debug, Snafu)]
    enum Inner {
        #[snafu(display("reading {path}"))]
        Read {
            path: String,
            source: std::io::Error,
        },
    }
    impl Classify for Inner {
        fn exit(&self) -> Exit {
            Exit::Usage
        }
    }

    #[test]
    fn chain_prints_each_source_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = Error::new(Inner::Read {
            path: "a.toml".into(),
            source: io,
        });
        assert_eq!(e.chain(), "reading a.toml: no such file");
        assert_eq!(e.exit(), Exit::Usage);
    }
}
