//! `b00t mcp serve`: every use case of `ops/` as an MCP tool (DESIGN.md §2). A thin adapter
//! like `cli/`: parameters in (schemars schemas), the ops call, the report out as
//! `structuredContent` (the same JSON document `--json` prints), progress as
//! `notifications/progress`. Nothing here writes to stdout except the stdio transport.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rmcp::ServiceExt;

use crate::error::{Error, Exit, Result};

mod progress;
mod resources;
mod server;
mod tools;

pub use server::B00tServer;

/// Groups of tools `--toolsets` chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Toolset {
    /// MCP servers and applications (`k8s_*`).
    K8s,
    /// The OBI agent on Kubernetes (`obi_k8s_*`).
    Obi,
    /// The OBI agent as a Docker container (`obi_docker_*`).
    Docker,
    /// The embedded eBPF sensor (`obi_sensor_*`).
    Sensor,
}

impl Toolset {
    pub const ALL: [Toolset; 4] = [Toolset::K8s, Toolset::Obi, Toolset::Docker, Toolset::Sensor];

    pub fn name(self) -> &'static str {
        match self {
            Toolset::K8s => "k8s",
            Toolset::Obi => "obi",
            Toolset::Docker => "docker",
            Toolset::Sensor => "sensor",
        }
    }

    pub fn parse(s: &str) -> Option<Toolset> {
        Toolset::ALL.into_iter().find(|t| t.name() == s.trim())
    }
}

/// What every call starts from: the global flags `mcp serve` was given. A tool's own
/// `namespace`/`context`/`kubeconfig` parameter wins.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    /// Datum directory (`--path`).
    pub path: Option<PathBuf>,
    pub request_timeout: Duration,
}

/// How `mcp serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub defaults: Defaults,
    /// Only tools that change nothing.
    pub read_only: bool,
    /// No tool that deletes or stops anything.
    pub disable_destructive: bool,
    pub toolsets: BTreeSet<Toolset>,
}

/// Serve on stdin/stdout until the client closes the connection.
pub async fn serve_stdio(opts: ServeOptions) -> Result<()> {
    let server = B00tServer::new(opts);
    let running = server
        .serve((tokio::io::stdin(), tokio::io::stdout()))
        .await
        .map_err(|e| {
            Error::msg(
                Exit::Failed,
                format!("starting the MCP server on stdio: {e}"),
            )
        })?;
    running.waiting().await.map_err(|e| {
        Error::msg(
            Exit::Failed,
            format!("the MCP server on stdio stopped: {e}"),
        )
    })?;
    Ok(())
}

/// Serve streamable HTTP at `/mcp` on `addr`; with `token`, every request must carry
/// `Authorization: Bearer <token>` (401 otherwise). Runs until the process is stopped.
pub async fn serve_http(opts: ServeOptions, addr: SocketAddr, token: Option<String>) -> Result<()> {
    use hyper_util::rt::TokioIo;
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    };

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::msg(Exit::Usage, format!("listening on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::msg(Exit::Failed, format!("listening on {addr}: {e}")))?;
    tracing::warn!("b00t MCP server listening on http://{local}/mcp");
    let mut config = StreamableHttpServerConfig::default();
    if !addr.ip().is_loopback() {
        // `--listen-any`: clients reach us by names we cannot know; the bearer token guards.
        config = config.disable_allowed_hosts();
    }
    let service: StreamableHttpService<B00tServer, LocalSessionManager> =
        StreamableHttpService::new(
            move || Ok(B00tServer::new(opts.clone())),
            Arc::new(LocalSessionManager::default()),
            config,
        );
    let service = Arc::new(service);
    let token = token.map(|t| Arc::<str>::from(format!("Bearer {t}")));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("accepting a connection: {e}");
                continue;
            }
        };
        let service = service.clone();
        let token = token.clone();
        tokio::spawn(async move {
            let handler =
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let service = service.clone();
                    let token = token.clone();
                    async move {
                        if let Some(expected) = &token {
                            let given = req
                                .headers()
                                .get(http::header::AUTHORIZATION)
                                .and_then(|v| v.to_str().ok());
                            if given != Some(expected) {
                                return Ok::<_, std::convert::Infallible>(unauthorized());
                            }
                        }
                        Ok(service.handle(req).await)
                    }
                });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), handler)
                .await
            {
                tracing::debug!("MCP HTTP connection: {e}");
            }
        });
    }
}

type Body = http_body_util::combinators::BoxBody<bytes::Bytes, std::convert::Infallible>;

fn unauthorized() -> http::Response<Body> {
    use http_body_util::BodyExt;
    http::Response::builder()
        .status(http::StatusCode::UNAUTHORIZED)
        .header(http::header::WWW_AUTHENTICATE, "Bearer")
        .header(http::header::CONTENT_TYPE, "text/plain")
        .body(
            http_body_util::Full::new(bytes::Bytes::from_static(
                b"a bearer token is required (Authorization: Bearer <token>)\n",
            ))
            .boxed(),
        )
        .expect("a static response")
}
