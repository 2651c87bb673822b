//! `b00t obi …` (also `obi …` through a link).

use clap::{Args, Subcommand};

use super::Global;
use crate::error::Result;
use crate::output::Out;

#[derive(Debug, Args)]
pub struct ObiArgs {
    #[command(subcommand)]
    pub command: ObiCommand,
}

#[derive(Debug, Subcommand)]
pub enum ObiCommand {
    /// The embedded eBPF sensor: watch this machine's TCP connections (needs root)
    Sensor(super::sensor::SensorArgs),
}

impl ObiArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        match self.command {
            ObiCommand::Sensor(a) => a.run(global, out).await,
        }
    }
}
