//! `b00t k8s …`

use clap::{Args, Subcommand};

use super::Global;
use crate::error::Result;
use crate::output::Out;

#[derive(Debug, Args)]
pub struct K8sArgs {
    #[command(subcommand)]
    pub command: K8sCommand,
}

#[derive(Debug, Subcommand)]
pub enum K8sCommand {}

impl K8sArgs {
    pub async fn run(self, _global: &Global, _out: &Out) -> Result<()> {
        match self.command {}
    }
}
