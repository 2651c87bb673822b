//! Hidden generators for `completions/` and `man/`.

use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::error::{Exit, Result};
use crate::output::Out;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    #[arg(value_enum)]
    pub shell: Shell,
}

impl CompletionsArgs {
    pub fn run(self, out: &Out) -> Result<()> {
        let mut buf = Vec::new();
        clap_complete::generate(self.shell, &mut super::Cli::command(), "b00t", &mut buf);
        out.write(&String::from_utf8_lossy(&buf));
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into
    #[arg(long, default_value = "man", value_name = "DIR")]
    pub dir: PathBuf,
}

impl ManArgs {
    pub fn run(self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            Error::msg(
                Exit::Failed,
                format!("creating {}: {e}", self.dir.display()),
            )
        })?;
        clap_mangen::generate_to(super::Cli::command(), &self.dir).map_err(|e| {
            Error::msg(
                Exit::Failed,
                format!("writing man pages to {}: {e}", self.dir.display()),
            )
        })
    }
}

use crate::error::Error;
