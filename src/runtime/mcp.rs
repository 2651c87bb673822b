//! Reaching the MCP server of a deployed workload: a fresh stdio process per connection
//! (Kubernetes exec, docker exec), or an HTTP URL (a local port-forward listener, or a port
//! the engine publishes). Both backends return the same [`McpEndpoint`]; `ops::mcp` speaks
//! MCP over it (`connect`, `probe`).
//!
//! Ops module: no clap, no printing.

use std::pin::Pin;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite};

use super::BoxFuture;
use crate::error::Result;

/// How `mcp_endpoint` picks the transport details.
#[derive(Debug, Clone)]
pub struct EndpointOptions {
    /// The path of an HTTP server's MCP endpoint (`/mcp`).
    pub mcp_path: String,
}

impl EndpointOptions {
    /// For an HTTP server whose MCP endpoint is at `path` (a missing leading `/` is added).
    pub fn at(path: &str) -> EndpointOptions {
        EndpointOptions {
            mcp_path: if path.starts_with('/') {
                path.to_string()
            } else {
                format!("/{path}")
            },
        }
    }
}

impl Default for EndpointOptions {
    fn default() -> Self {
        EndpointOptions {
            mcp_path: "/mcp".into(),
        }
    }
}

/// Which transport a workload's server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    Stdio,
    Http,
}

/// A workload's MCP server, ready to be connected to.
pub struct McpEndpoint {
    /// The b00t instance (or pod/container) as the user reads it.
    pub workload: String,
    /// The pod (Kubernetes) or container (Docker) chosen.
    pub pod: String,
    pub container: String,
    pub transport: McpTransport,
}

impl McpEndpoint {
    pub fn kind(&self) -> TransportKind {
        match self.transport {
            McpTransport::Stdio(_) => TransportKind::Stdio,
            McpTransport::Http(_) => TransportKind::Http,
        }
    }

    /// `exec pod/x: node server.js stdio`, `http://127.0.0.1:41234/mcp (port-forward to pod/x:3001)`.
    pub fn describe(&self) -> String {
        match &self.transport {
            McpTransport::Stdio(s) => format!("{} {}", s.via, s.command.join(" ")),
            McpTransport::Http(h) => format!("{} ({})", h.url, h.via),
        }
    }
}

pub enum McpTransport {
    Stdio(StdioTarget),
    Http(HttpTarget),
}

/// A stdio server: every [`StdioTarget::open`] starts a fresh process.
pub struct StdioTarget {
    /// What runs (`node server.js stdio`).
    pub command: Vec<String>,
    /// How, for messages (`exec in pod/x container c:`).
    pub via: String,
    pub(crate) opener: Box<dyn StdioOpener>,
}

impl StdioTarget {
    pub async fn open(&self) -> Result<StdioProcess> {
        self.opener.open(&self.command).await
    }
}

/// Starts one server process.
pub(crate) trait StdioOpener: Send + Sync {
    fn open<'a>(&'a self, command: &'a [String]) -> BoxFuture<'a, Result<StdioProcess>>;
}

/// One running server process: its three streams and how it ended.
pub struct StdioProcess {
    pub stdin: Pin<Box<dyn AsyncWrite + Send>>,
    pub stdout: Pin<Box<dyn AsyncRead + Send>>,
    pub stderr: Pin<Box<dyn AsyncRead + Send>>,
    /// Resolves when the process has ended: its exit code when the runtime reports one.
    /// Dropping it abandons the process.
    pub exit: BoxFuture<'static, Option<i64>>,
}

/// An HTTP server at `url`, reachable while this value lives (a port-forward listener stops
/// when it is dropped).
pub struct HttpTarget {
    pub url: String,
    /// How, for messages (`port-forward to pod/x:3001`, `published port 127.0.0.1:49153`).
    pub via: String,
    /// Errors the forwarder met (the kubelet's `error forwarding port …`), newest last.
    pub errors: Arc<Mutex<Vec<String>>>,
    pub(crate) _guard: Option<Box<dyn Send + Sync>>,
}

impl HttpTarget {
    /// The forwarding errors so far.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// The forwarding errors after a failed request: the error of a stream arrives at about
    /// the time its connection closes, so wait a moment for one when there is none yet.
    pub async fn errors_after_failure(&self) -> Vec<String> {
        for _ in 0..10 {
            let e = self.errors();
            if !e.is_empty() || self._guard.is_none() {
                return e;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        self.errors()
    }
}

/// The `ExitCode` of an exec `Status` (channel 3): 0 on `Success`, the cause's code on
/// `NonZeroExitCode`, `None` otherwise.
pub fn exit_code_of(
    status: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Status,
) -> Option<i64> {
    if status.status.as_deref() == Some("Success") {
        return Some(0);
    }
    if status.reason.as_deref() != Some("NonZeroExitCode") {
        return None;
    }
    status
        .details
        .as_ref()?
        .causes
        .as_ref()?
        .iter()
        .find(|c| c.reason.as_deref() == Some("ExitCode"))
        .and_then(|c| c.message.as_deref()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

    #[test]
    fn exit_codes_from_exec_statuses() {
        let s: Status = serde_json::from_str(r#"{"metadata":{},"status":"Success"}"#).unwrap();
        assert_eq!(exit_code_of(&s), Some(0));
        let s: Status = serde_json::from_str(
            r#"{"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#,
        )
        .unwrap();
        assert_eq!(exit_code_of(&s), Some(3));
        let s: Status =
            serde_json::from_str(r#"{"metadata":{},"status":"Failure","reason":"InternalError"}"#)
                .unwrap();
        assert_eq!(exit_code_of(&s), None);
    }
}
