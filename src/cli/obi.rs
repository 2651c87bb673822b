//! `b00t obi …` (also `obi …` through a link).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Global, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::obi::{manifest, rules};
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
    /// Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)
    ///
    /// Alerts for the agent of a DaemonSet install: down, not on every node, restarting, export
    /// errors, exporting nothing, attached nothing. The install's namespace is -n/--namespace
    /// (default: observability, not the context's). Needs no cluster; check the file with
    /// `promtool check rules`.
    Rules(RulesArgs),
}

impl ObiArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        match self.command {
            ObiCommand::Sensor(a) => a.run(global, out).await,
            ObiCommand::Rules(a) => a.run(global, out),
        }
    }
}

/// `b00t obi rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Directory to write obi-alerts.yaml into (created when missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Serialize)]
struct RulesReport<'a> {
    files: Vec<String>,
    alerts: &'a [rules::Alert],
}

impl RulesArgs {
    pub fn run(self, global: &Global, out: &Out) -> Result<()> {
        let ns = global
            .namespace
            .as_deref()
            .unwrap_or(manifest::DEFAULT_NAMESPACE);
        let alerts = rules::alerts(ns)?;
        let text = rules::rule_file(&alerts);
        std::fs::create_dir_all(&self.out).map_err(|e| {
            Error::msg(
                Exit::Failed,
                format!("creating {}: {e}", self.out.display()),
            )
        })?;
        let file = self.out.join(rules::FILE_NAME);
        std::fs::write(&file, text)
            .map_err(|e| Error::msg(Exit::Failed, format!("writing {}: {e}", file.display())))?;
        let path = file.display().to_string();
        match out.format() {
            Some(OutputFormat::Json | OutputFormat::Yaml) => out.document(&RulesReport {
                files: vec![path],
                alerts: &alerts,
            }),
            Some(OutputFormat::Name) => out.line(&path),
            _ => {
                out.line(&format!(
                    "wrote {path}: {} alerts for the OBI agent in namespace {ns}",
                    alerts.len()
                ));
                // `{{ $labels.pod }}` reads as `<pod>` here.
                let label =
                    regex::Regex::new(r"\{\{\s*\$labels\.(\w+)\s*\}\}").expect("a valid regex");
                for a in &alerts {
                    let summary = label.replace_all(&a.summary, "<$1>");
                    out.line(&format!(
                        "  {:<22} {:<9} {:<4} {summary}",
                        a.name, a.severity, a.for_
                    ));
                }
                out.note(&format!(
                    "next: promtool check rules {path}, then add it to Prometheus' rule_files"
                ));
            }
        }
        Ok(())
    }
}
