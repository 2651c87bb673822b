//! MCP with a deployed server, through the runtime ([`Runtime::mcp_endpoint`]):
//! - [`probe`]: `initialize` + `tools/list` as a health check, timed, with the reason when the
//!   server runs but does not answer MCP (timeout, not JSON-RPC, error response, exited);
//! - [`bridge_stdio`] and [`bridge_http`]: what `k8s connect` runs, a local stdio endpoint
//!   bridged byte for byte to a fresh stdio server process, or JSON lines bridged to a
//!   streamable-HTTP server.
//!
//! Ops module: no clap, no printing; the caller passes the streams.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use rmcp::ServiceExt;
use rmcp::model::{ClientJsonRpcMessage, JsonRpcMessage};
use rmcp::transport::{StreamableHttpClientTransport, Transport};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use crate::error::Result;
use crate::runtime::Runtime;
use crate::runtime::mcp::{
    EndpointOptions, HttpTarget, McpEndpoint, McpTransport, StdioProcess, TransportKind,
};

/// Options of [`probe`].
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// For `initialize` and `tools/list` together.
    pub timeout: Duration,
    pub endpoint: EndpointOptions,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: Duration::from_secs(10),
            endpoint: EndpointOptions::default(),
        }
    }
}

/// What an MCP handshake with a workload's server showed.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    /// The workload (b00t instance, pod or container) as resolved.
    pub name: String,
    /// The pod (Kubernetes) or container (Docker) probed (`null` when none could be).
    #[serde(serialize_with = "crate::runtime::empty_as_null")]
    pub pod: String,
    #[serde(serialize_with = "crate::runtime::empty_as_null")]
    pub container: String,
    pub transport: Option<TransportKind>,
    /// What ran or was reached (`exec in pod/x container c: node server.js stdio`).
    #[serde(serialize_with = "crate::runtime::empty_as_null")]
    pub endpoint: String,
    /// Answered `initialize` and `tools/list`.
    pub healthy: bool,
    /// Why not, when not healthy.
    pub reason: Option<String>,
    pub protocol_version: Option<String>,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    pub tool_count: Option<usize>,
    pub tools: Vec<String>,
    /// From sending `initialize` (including starting the process) to its response.
    pub initialize_ms: Option<f64>,
    pub tools_list_ms: Option<f64>,
    /// Exit code of a stdio server that ended during the probe.
    pub exit_code: Option<i64>,
    /// Last lines a stdio server wrote to stderr (when unhealthy).
    pub stderr: Vec<String>,
}

impl ProbeReport {
    fn new(ep: &McpEndpoint) -> ProbeReport {
        ProbeReport {
            pod: ep.pod.clone(),
            container: ep.container.clone(),
            transport: Some(ep.kind()),
            endpoint: ep.describe(),
            reason: None,
            ..ProbeReport::not_started(&ep.workload, String::new())
        }
    }

    /// A probe that could not start (the workload is not running, access denied, …).
    pub fn not_started(name: &str, reason: String) -> ProbeReport {
        ProbeReport {
            name: name.to_string(),
            pod: String::new(),
            container: String::new(),
            transport: None,
            endpoint: String::new(),
            healthy: false,
            reason: Some(reason),
            protocol_version: None,
            server_name: None,
            server_version: None,
            tool_count: None,
            tools: Vec::new(),
            initialize_ms: None,
            tools_list_ms: None,
            exit_code: None,
            stderr: Vec::new(),
        }
    }

    /// The error a command ends with when the server is unhealthy.
    pub fn unhealthy_error(&self) -> String {
        format!(
            "the MCP server {} is unhealthy: {}",
            self.name,
            self.reason.as_deref().unwrap_or("unknown reason")
        )
    }

    /// One line for tables: `ok: everything 2.0.0, 13 tools, 2025-06-18, 41 ms` or the reason.
    pub fn summary(&self) -> String {
        if self.healthy {
            format!(
                "ok: {} {}, {} tools, protocol {}, initialize {:.0} ms, tools/list {:.0} ms",
                self.server_name.as_deref().unwrap_or("?"),
                self.server_version.as_deref().unwrap_or("?"),
                self.tool_count.unwrap_or(0),
                self.protocol_version.as_deref().unwrap_or("?"),
                self.initialize_ms.unwrap_or_default(),
                self.tools_list_ms.unwrap_or_default(),
            )
        } else {
            format!(
                "unhealthy: {}",
                self.reason.as_deref().unwrap_or("unknown reason")
            )
        }
    }
}

const STDERR_LINES: usize = 10;
const STDOUT_KEPT: usize = 4096;

/// Probe the MCP server of workload `name`. Errors are what keeps the probe from starting
/// (not found, not running, forbidden); a server that does not answer MCP is a report with
/// `healthy: false`.
pub async fn probe(rt: &dyn Runtime, name: &str, opts: &ProbeOptions) -> Result<ProbeReport> {
    let ep = rt.mcp_endpoint(name, &opts.endpoint).await?;
    probe_endpoint(&ep, opts.timeout).await
}

/// [`probe`], with a failure to start the probe reported as an unhealthy result (for `list
/// --probe` and `status --probe`, where one workload's problem must not hide the others).
pub async fn probe_or_reason(rt: &dyn Runtime, name: &str, opts: &ProbeOptions) -> ProbeReport {
    match probe(rt, name, opts).await {
        Ok(r) => r,
        Err(e) => ProbeReport::not_started(name, e.chain()),
    }
}

/// [`probe`] on an endpoint already found.
pub async fn probe_endpoint(ep: &McpEndpoint, timeout: Duration) -> Result<ProbeReport> {
    let mut report = ProbeReport::new(ep);
    match &ep.transport {
        McpTransport::Stdio(s) => {
            let started = Instant::now();
            let p = s.open().await?;
            probe_stdio(&mut report, p, started, timeout).await;
        }
        McpTransport::Http(h) => probe_http(&mut report, h, timeout).await,
    }
    Ok(report)
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// Keeps the first bytes that pass through, to tell "not JSON-RPC" from silence.
struct Tee<R> {
    inner: R,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Tee<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r
            && let Ok(mut seen) = self.seen.lock()
            && seen.len() < STDOUT_KEPT
        {
            let new = &buf.filled()[before..];
            let take = new.len().min(STDOUT_KEPT - seen.len());
            seen.extend_from_slice(&new[..take]);
        }
        r
    }
}

/// Why a server that wrote `stdout` gave no usable answer, if its output says.
fn not_json_rpc(stdout: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stdout);
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let short: String = line.chars().take(120).collect();
    match serde_json::from_str::<serde_json::Value>(line) {
        Err(_) => Some(format!("not JSON-RPC: the server wrote {short:?}")),
        Ok(v) if v.get("jsonrpc").is_none() => {
            Some(format!("not JSON-RPC: the server wrote {short:?}"))
        }
        Ok(v) if v.get("method").is_some() && v.get("id") == Some(&serde_json::json!(0)) => Some(
            "not an MCP server: it echoed the initialize request instead of answering it".into(),
        ),
        Ok(_) => None,
    }
}

async fn probe_stdio(
    report: &mut ProbeReport,
    p: StdioProcess,
    started: Instant,
    timeout: Duration,
) {
    let StdioProcess {
        stdin,
        stdout,
        mut stderr,
        exit,
    } = p;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stdout = Tee {
        inner: stdout,
        seen: seen.clone(),
    };
    let lines = Arc::new(Mutex::new(VecDeque::new()));
    let err_lines = lines.clone();
    let stderr_task = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf).await;
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Ok(mut l) = err_lines.lock() {
            for line in text.lines() {
                l.push_back(line.to_string());
                if l.len() > STDERR_LINES {
                    l.pop_front();
                }
            }
        }
    });
    let mut exit = tokio::spawn(exit);
    let deadline = started + timeout;
    let outcome = handshake(report, ().serve((stdout, stdin)), started, deadline).await;
    if let Err(why) = outcome {
        // Did the process end? Give it a moment to report how.
        let ended = tokio::time::timeout(Duration::from_millis(1500), &mut exit).await;
        let _ = tokio::time::timeout(Duration::from_millis(500), stderr_task).await;
        let stdout = seen.lock().map(|s| s.clone()).unwrap_or_default();
        report.stderr = lines
            .lock()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default();
        report.reason = Some(match ended {
            Ok(Ok(code)) => {
                report.exit_code = code;
                let exited = code.map_or("exited (exit code unknown)".to_string(), |c| {
                    format!("exited with code {c}")
                });
                match not_json_rpc(&stdout) {
                    Some(n) => format!("{n}; then it {exited}"),
                    None => format!("{exited} before answering ({why})"),
                }
            }
            _ => match not_json_rpc(&stdout) {
                Some(n) => format!("{n} ({why})"),
                None => why,
            },
        });
    }
    exit.abort();
}

async fn probe_http(report: &mut ProbeReport, h: &HttpTarget, timeout: Duration) {
    let started = Instant::now();
    let transport = StreamableHttpClientTransport::from_uri(h.url.clone());
    let outcome = handshake(report, ().serve(transport), started, started + timeout).await;
    if let Err(why) = outcome {
        let errors = h.errors_after_failure().await;
        report.reason = Some(match errors.last() {
            Some(e) => format!("{why}; {e}"),
            None => why,
        });
    }
}

/// `initialize` (the `serve` future) then `tools/list`, filling `report`.
async fn handshake<F, E>(
    report: &mut ProbeReport,
    serve: F,
    started: Instant,
    deadline: Instant,
) -> std::result::Result<(), String>
where
    F: Future<Output = std::result::Result<rmcp::service::RunningService<rmcp::RoleClient, ()>, E>>,
    E: std::fmt::Display,
{
    let left = |what: &str| {
        deadline
            .checked_duration_since(Instant::now())
            .ok_or_else(|| format!("timeout: no answer to {what} within the probe's time"))
    };
    let total = deadline.saturating_duration_since(started);
    let client = match tokio::time::timeout(left("initialize")?, serve).await {
        Err(_) => {
            return Err(format!(
                "timeout: no answer to initialize within {}",
                crate::runtime::kube::humantime(total)
            ));
        }
        Ok(Err(e)) => return Err(format!("initialize failed: {}", rmcp_error(&e))),
        Ok(Ok(c)) => c,
    };
    report.initialize_ms = Some(ms(started.elapsed()));
    if let Some(info) = client.peer_info() {
        report.protocol_version = Some(info.protocol_version.to_string());
        if let Some(s) = &info.server_info {
            report.server_name = Some(s.name.clone());
            report.server_version = Some(s.version.clone());
        }
    }
    let t = Instant::now();
    let listed = tokio::time::timeout(left("tools/list")?, client.list_all_tools()).await;
    let result = match listed {
        Err(_) => Err(format!(
            "timeout: initialize answered, tools/list did not within {}",
            crate::runtime::kube::humantime(total)
        )),
        Ok(Err(e)) => Err(format!("error response to tools/list: {}", rmcp_error(&e))),
        Ok(Ok(tools)) => {
            report.tools_list_ms = Some(ms(t.elapsed()));
            report.tool_count = Some(tools.len());
            report.tools = tools.iter().map(|t| t.name.to_string()).collect();
            report.healthy = true;
            Ok(())
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), client.cancel()).await;
    result
}

/// rmcp's error text without the transport's Rust type name (`Send message error Transport
/// [rmcp::transport::worker::WorkerTransport<…>] error: HTTP 501, …` → `HTTP 501, …`).
fn rmcp_error(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    match text.find("] error: ") {
        Some(i) if text.contains("Transport [") => text[i + "] error: ".len()..].to_string(),
        _ => text,
    }
}

/// Bridge `input`/`output`/`errors` to a fresh server process byte for byte until the process
/// ends or `input` closes (then the process's stdin is closed and it ends on its own). The
/// process's exit code when known.
pub async fn bridge_stdio<I, O, E>(p: StdioProcess, input: I, output: O, errors: E) -> Option<i64>
where
    I: AsyncRead + Send + Unpin + 'static,
    O: AsyncWrite + Send + Unpin,
    E: AsyncWrite + Send + Unpin,
{
    let StdioProcess {
        mut stdin,
        stdout,
        stderr,
        exit,
    } = p;
    let feed = tokio::spawn(async move {
        let mut input = input;
        let _ = pump(&mut input, &mut stdin).await;
        // Our stdin closed: close the server's, so it ends.
        let _ = stdin.shutdown().await;
        // Keep the write half alive until the process ends (dropping it is not an EOF on
        // every runtime, but neither may it abort the stream).
        std::future::pending::<()>().await;
    });
    let (mut stdout, mut stderr, mut output, mut errors) = (stdout, stderr, output, errors);
    let (code, _, _) = tokio::join!(
        exit,
        pump(&mut stdout, &mut output),
        pump(&mut stderr, &mut errors)
    );
    feed.abort();
    code
}

/// Copy until EOF, flushing every chunk (a JSON-RPC line must not wait in a buffer).
async fn pump<R, W>(r: &mut R, w: &mut W) -> std::io::Result<()>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let n = r.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        w.write_all(&buf[..n]).await?;
        w.flush().await?;
    }
}

/// Bridge JSON-RPC lines on `input` to the streamable-HTTP server at `target` and write what
/// it sends back as JSON lines on `output`; diagnostics go to `errors`. Ends when `input`
/// closes or the server ends the session.
pub async fn bridge_http<I, O, E>(target: &HttpTarget, input: I, output: O, errors: E) -> Result<()>
where
    I: AsyncRead + Send + Unpin,
    O: AsyncWrite + Send + Unpin,
    E: AsyncWrite + Send + Unpin,
{
    let (mut output, mut errors) = (output, errors);
    let mut transport = StreamableHttpClientTransport::from_uri(target.url.clone());
    let mut lines = tokio::io::BufReader::new(input).lines();
    let mut sending = FuturesUnordered::new();
    let mut input_open = true;
    loop {
        tokio::select! {
            line = lines.next_line(), if input_open => match line {
                Ok(Some(l)) if l.trim().is_empty() => {}
                Ok(Some(l)) => match serde_json::from_str::<ClientJsonRpcMessage>(&l) {
                    Ok(msg) => {
                        let id = match &msg {
                            JsonRpcMessage::Request(r) => Some(r.id.clone()),
                            _ => None,
                        };
                        let send = transport.send(msg);
                        sending.push(async move { (id, send.await) });
                    }
                    Err(e) => {
                        let _ = errors
                            .write_all(format!("b00t: not a JSON-RPC message on stdin ({e}): {l}\n").as_bytes())
                            .await;
                    }
                },
                // Our client went away: the session ends with it.
                Ok(None) | Err(_) => input_open = false,
            },
            Some((id, sent)) = sending.next(), if !sending.is_empty() => {
                if let Err(e) = sent {
                    let mut why = format!("b00t: sending to {} failed: {}", target.url, rmcp_error(&e));
                    if let Some(fwd) = target.errors_after_failure().await.last() {
                        why.push_str(&format!("; {fwd}"));
                    }
                    let _ = errors.write_all(format!("{why}\n").as_bytes()).await;
                    if let Some(id) = id {
                        // Answer the request, so the client does not wait forever.
                        let answer = serde_json::json!({
                            "jsonrpc": "2.0",
                            "id": id,
                            "error": {"code": -32603, "message": why},
                        });
                        let _ = output.write_all(format!("{answer}\n").as_bytes()).await;
                        let _ = output.flush().await;
                    }
                }
            },
            msg = transport.receive() => match msg {
                Some(m) => {
                    let mut line = serde_json::to_vec(&m).unwrap_or_default();
                    line.push(b'\n');
                    if output.write_all(&line).await.is_err() || output.flush().await.is_err() {
                        break;
                    }
                }
                None => break,
            },
        }
        if !input_open && sending.is_empty() {
            break;
        }
    }
    let _ = transport.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_name_what_the_server_wrote() {
        assert_eq!(
            not_json_rpc(b"hello, I am not MCP\n").unwrap(),
            "not JSON-RPC: the server wrote \"hello, I am not MCP\""
        );
        assert!(
            not_json_rpc(br#"{"jsonrpc":"2.0","id":0,"method":"initialize"}"#)
                .unwrap()
                .contains("echoed the initialize request")
        );
        assert_eq!(
            not_json_rpc(br#"{"jsonrpc":"2.0","id":0,"result":{}}"#),
            None
        );
        assert_eq!(not_json_rpc(b""), None);
    }

    #[test]
    fn rmcp_errors_lose_the_transport_type_name() {
        let e = "Send message error Transport [rmcp::transport::worker::WorkerTransport<X<Y>>] error: HTTP 501, when send initialize request";
        assert_eq!(rmcp_error(&e), "HTTP 501, when send initialize request");
        assert_eq!(rmcp_error(&"connection closed"), "connection closed");
    }
}
