//! `b00t obi …` (also `obi …` through a link).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Global;
use crate::error::{Error, Exit, Result};
use crate::obi;
use crate::output::Out;

#[derive(Debug, Args)]
pub struct ObiArgs {
    #[command(subcommand)]
    pub command: ObiCommand,
}

#[derive(Debug, Subcommand)]
pub enum ObiCommand {
    /// OBI configuration files: check one against the key set of an OBI version
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The embedded eBPF sensor: watch this machine's TCP connections (needs root)
    Sensor(super::sensor::SensorArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a configuration file: unknown keys, types, values, deprecations and OBI's start-up
    /// rules, for the OBI version of an image tag (exit 2 when there are errors)
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The OBI configuration file (YAML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Image tag whose OBI version to check against (`main`, `latest` and unknown tags: every
    /// known version)
    #[arg(long, default_value = "main", value_name = "TAG")]
    pub image_tag: String,
}

impl ObiArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        match self.command {
            ObiCommand::Config(ConfigCommand::Validate(a)) => a.run(out),
            ObiCommand::Sensor(a) => a.run(global, out).await,
        }
    }
}

impl ValidateArgs {
    fn run(self, out: &Out) -> Result<()> {
        let env = |name: &str| std::env::var(name).ok();
        let v = obi::validate_file(&self.file, &self.image_tag, &env)?;
        if out.is_table() {
            for d in &v.diagnostics {
                out.line(&format!(
                    "{}:{}:{}: {}: {}",
                    v.file,
                    d.line,
                    d.column,
                    d.severity.as_str(),
                    d.message
                ));
            }
        } else {
            out.document(&v);
        }
        if v.valid {
            out.note(&v.summary());
            Ok(())
        } else {
            Err(Error::msg(Exit::Usage, v.summary()))
        }
    }
}
