//! The use cases (DESIGN.md §2): deploy an MCP server, deploy a translated bundle, restart,
//! delete, the OBI agent's life cycle. Each combines datum/translate/render/runtime, reports
//! progress as [`Event`]s through an [`Events`] sink and returns a plain, serialisable report.
//! Nothing here prints, knows clap or knows MCP: `cli/` and `mcp/` parse, call and render.

use serde::Serialize;

use crate::runtime::kube::apply::Applied;

pub mod connect;
pub mod contexts;
pub mod deploy;
pub mod mcp;
pub mod obi;
pub mod sensor;
pub mod translate;
pub mod workloads;

pub use deploy::{DeployReport, DryRun, Failure, apply_and_wait, deploy_bundle, deploy_workload};

/// What a use case reports while it works.
#[derive(Debug, Clone)]
pub enum Event {
    /// One object was applied (or would be, on a server dry run).
    Applied(Applied),
    /// A long step starts (`waiting for x to become ready`).
    Started(String),
    /// The current state of that step changed.
    Progress(String),
    /// The step ended.
    Finished,
    /// Something the user should read, not a failure.
    Note(String),
    /// Something that may be wrong.
    Warning(String),
}

/// Where events go: the CLI draws them on stderr, the MCP server sends notifications.
pub trait Events: Sync {
    fn emit(&self, event: Event);
}

/// An [`Events`] sink that drops everything (tests, callers without a user).
pub struct Quiet;

impl Events for Quiet {
    fn emit(&self, _event: Event) {}
}

/// The last log lines of one container.
#[derive(Debug, Clone, Serialize)]
pub struct LogTail {
    /// `pod/container`.
    pub source: String,
    pub lines: Vec<String>,
}
