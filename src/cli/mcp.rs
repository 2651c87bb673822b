//! `b00t mcp serve`: flags → [`crate::mcp::ServeOptions`]; the server itself is `src/mcp/`.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::{Global, parse_duration};
use crate::error::{Error, Exit, Result};
use crate::mcp::{self, Defaults, ServeOptions, Toolset};

#[derive(Debug, Args)]
pub struct McpArgs {
    #[command(subcommand)]
    pub command: McpCommand,
}

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)
    ///
    /// In stdio mode nothing but JSON-RPC is written to stdout; logs go to stderr. The global
    /// --kubeconfig, --context, -n and --path are the defaults of every call (a tool's own
    /// parameter wins).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765)
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Allow --http on a non-loopback address
    #[arg(long, requires = "http")]
    pub listen_any: bool,
    /// With --http: require `Authorization: Bearer <token>`, the token read from this env var
    #[arg(long, value_name = "VAR", requires = "http")]
    pub token_env: Option<String>,
    /// Offer only tools that change nothing
    #[arg(long)]
    pub read_only: bool,
    /// Offer no tool that deletes or stops anything
    #[arg(long)]
    pub disable_destructive: bool,
    /// Tool groups to offer (comma-separated: k8s, obi, docker, sensor)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "k8s,obi,docker,sensor"
    )]
    pub toolsets: Vec<String>,
    /// Give up on a single API request after this long (e.g. 30s, 1m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub request_timeout: Duration,
}

impl McpArgs {
    pub async fn run(self, global: &Global) -> Result<()> {
        match self.command {
            McpCommand::Serve(a) => a.run(global).await,
        }
    }
}

impl ServeArgs {
    async fn run(self, global: &Global) -> Result<()> {
        let mut toolsets = BTreeSet::new();
        for t in &self.toolsets {
            let set = Toolset::parse(t).ok_or_else(|| {
                Error::msg(
                    Exit::Usage,
                    format!("--toolsets: unknown toolset {t:?} (k8s, obi, docker, sensor)"),
                )
            })?;
            toolsets.insert(set);
        }
        let opts = ServeOptions {
            defaults: Defaults {
                kubeconfig: global.kubeconfig.clone(),
                context: global.context.clone(),
                namespace: global.namespace.clone(),
                path: global.path.clone(),
                request_timeout: self.request_timeout,
            },
            read_only: self.read_only,
            disable_destructive: self.disable_destructive,
            toolsets,
        };
        let Some(addr) = self.http else {
            return mcp::serve_stdio(opts).await;
        };
        if !addr.ip().is_loopback() && !self.listen_any {
            return Err(Error::msg(
                Exit::Usage,
                format!(
                    "--http {addr} is not a loopback address: anyone who reaches it could drive your clusters; use 127.0.0.1, or add --listen-any (with --token-env)"
                ),
            ));
        }
        let token = match &self.token_env {
            None => None,
            Some(var) => match std::env::var(var) {
                Ok(t) if !t.is_empty() => Some(t),
                _ => {
                    return Err(Error::msg(
                        Exit::Usage,
                        format!("--token-env {var}: the variable is not set or empty"),
                    ));
                }
            },
        };
        mcp::serve_http(opts, addr, token).await
    }
}
