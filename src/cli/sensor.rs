//! `b00t obi sensor …` (placeholder until the sensor lands)

use clap::{Args, Subcommand};

use super::Global;
use crate::error::Result;
use crate::output::Out;

#[derive(Debug, Args)]
pub struct SensorArgs {
    #[command(subcommand)]
    pub command: SensorCommand,
}

#[derive(Debug, Subcommand)]
pub enum SensorCommand {}

impl SensorArgs {
    pub async fn run(self, _global: &Global, _out: &Out) -> Result<()> {
        match self.command {}
    }
}
