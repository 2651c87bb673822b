//! Load errors of the compose loader. Every variant is a usage error (bad input file).

use std::path::PathBuf;

use snafu::Snafu;

use super::yaml::Pos;
use crate::error::{Classify, Exit};

#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum LoadError {
    /// A compose file, `.env`, `env_file` or `extends` file could not be read.
    #[snafu(display("reading {}", path.display()))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// YAML syntax error, alias limits, duplicate keys, merge-key errors.
    #[snafu(display("{file}:{line}:{col}: {message}"))]
    Syntax {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },

    /// A value that does not fit the compose model (`field` is the dotted path).
    #[snafu(display("{file}:{line}:{col}: {field}: {message}"))]
    Invalid {
        file: String,
        line: usize,
        col: usize,
        field: String,
        message: String,
    },

    /// A `.env` / `env_file` syntax error.
    #[snafu(display("{file}:{line}: {message}"))]
    EnvFile {
        file: String,
        line: usize,
        message: String,
    },

    /// Project-level problems without a single position (no compose file, name, …).
    #[snafu(display("{message}"))]
    Project { message: String },
}

impl Classify for LoadError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }
}

impl LoadError {
    pub(crate) fn at(pos: &Pos, field: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError::Invalid {
            file: pos.file.to_string(),
            line: pos.line,
            col: pos.col,
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn syntax(pos: &Pos, message: impl Into<String>) -> Self {
        LoadError::Syntax {
            file: pos.file.to_string(),
            line: pos.line,
            col: pos.col,
            message: message.into(),
        }
    }

    pub(crate) fn project(message: impl Into<String>) -> Self {
        LoadError::Project {
            message: message.into(),
        }
    }

    /// The position the error points at, when it has one.
    pub fn position(&self) -> Option<(String, usize, usize)> {
        match self {
            LoadError::Syntax {
                file, line, col, ..
            }
            | LoadError::Invalid {
                file, line, col, ..
            } => Some((file.clone(), *line, *col)),
            LoadError::EnvFile { file, line, .. } => Some((file.clone(), *line, 0)),
            _ => None,
        }
    }
}
