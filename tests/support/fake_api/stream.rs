//! The streaming pod subresources over WebSocket, as the API server (and the kubelet behind
//! it) speak them:
//!
//! - `pods/{name}/exec?command=…&stdin=…&stdout=…&stderr=…&container=…` with the channel
//!   subprotocols `v5.channel.k8s.io` (preferred; the client half-closes stdin with the close
//!   channel 255) and `v4.channel.k8s.io`. The command runs as a LOCAL process with the
//!   container's `env` values added; channels 0/1/2 carry stdin/stdout/stderr byte for byte
//!   and channel 3 the exit status as a `v1.Status` (`Success`, or `Failure` with reason
//!   `NonZeroExitCode` and an `ExitCode` cause).
//! - `pods/{name}/portforward?ports=P[,Q]` with `v4.channel.k8s.io` (or `portforward.k8s.io`):
//!   per port a data channel 2i and an error channel 2i+1, the first frame of each carrying
//!   the port number (little-endian u16). Each port connects to the local address a test
//!   registered with `FakeCluster::forward_pod_port`; nothing registered is the kubelet's
//!   "connection refused" on the error channel.
//!
//! Authorisation is `create` on `pods/exec` / `pods/portforward`; errors before the upgrade
//! are the real statuses (404 pod, 400 container not found / not running, 403).

use std::process::Stdio;
use std::time::Duration;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use hyper::Response;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::authz::{self, Attrs};
use super::http::{Body, Shared, error_response, full, lock};
use super::registry;
use super::status::ApiError;
use super::util::{name_of, uid_of};

/// A test-registered TCP endpoint of pods (`FakeCluster::forward_pod_port`).
#[derive(Debug, Clone)]
pub struct PodTcp {
    pub ns: String,
    pub pod_prefix: String,
    pub port: u16,
    pub addr: std::net::SocketAddr,
}

/// What the upgrade needs from the request.
pub struct WsRequest {
    pub key: Option<String>,
    pub protocols: Vec<String>,
    pub upgrade: Option<OnUpgrade>,
}

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const CLOSE: u8 = 255;

/// `pods/{name}/exec` or `pods/{name}/portforward`.
pub fn handle(
    shared: &Shared,
    sub: &str,
    ns: &str,
    name: &str,
    query: &[(String, String)],
    ws: WsRequest,
) -> Response<Body> {
    let res = registry::by_name("pods").expect("pods");
    let pod = {
        let st = lock(shared);
        let attrs = Attrs {
            verb: "create",
            group: "",
            resource: "pods",
            subresource: Some(sub),
            namespace: Some(ns),
        };
        if !authz::allowed(&st, &attrs) {
            return error_response(&ApiError::forbidden(
                res,
                Some(sub),
                "create",
                Some(ns),
                Some(name),
                &st.cfg.user,
            ));
        }
        match st.get("pods", ns, name) {
            Some(p) => p.clone(),
            None => return error_response(&ApiError::not_found(res, name)),
        }
    };
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let flag = |k: &str| matches!(get(k), Some("true" | "1" | "True"));
    if pod
        .pointer("/spec/nodeName")
        .and_then(Value::as_str)
        .is_none()
    {
        return error_response(&ApiError::bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("");
    if matches!(phase, "Succeeded" | "Failed") {
        return error_response(&ApiError::bad_request(format!(
            "cannot {} into a container in a completed pod; current phase is {phase}",
            if sub == "exec" {
                "exec"
            } else {
                "port-forward"
            }
        )));
    }
    let containers: Vec<&Value> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if sub == "portforward" {
        if phase != "Running" {
            return error_response(&ApiError::bad_request(format!(
                "unable to upgrade connection: pod {name} is not running (phase {phase})"
            )));
        }
        let ports: Vec<u16> = match get("ports")
            .unwrap_or("")
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| p.trim().parse::<u16>())
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(p) if !p.is_empty() => p,
            _ => {
                return error_response(&ApiError::bad_request(
                    "unable to upgrade connection: you must specify at least 1 port",
                ));
            }
        };
        let targets: Vec<(u16, Option<std::net::SocketAddr>)> = {
            let st = lock(shared);
            ports
                .iter()
                .map(|p| {
                    let addr = st
                        .pod_tcp
                        .iter()
                        .find(|t| t.ns == ns && name.starts_with(&t.pod_prefix) && t.port == *p)
                        .map(|t| t.addr);
                    (*p, addr)
                })
                .collect()
        };
        let uid = uid_of(&pod).to_string();
        let pod_name = name_of(&pod).to_string();
        return upgrade(
            ws,
            &["v4.channel.k8s.io", "portforward.k8s.io"],
            move |ws| portforward(ws, targets, pod_name, uid),
        );
    }
    // exec
    let container = match get("container") {
        Some(c) => match containers.iter().find(|x| x["name"] == c) {
            Some(x) => *x,
            None => {
                return error_response(&ApiError::bad_request(format!(
                    "container {c} is not valid for pod {name}"
                )));
            }
        },
        None if containers.len() == 1 => containers[0],
        None => {
            let names: Vec<&str> = containers
                .iter()
                .filter_map(|c| c["name"].as_str())
                .collect();
            return error_response(&ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            )));
        }
    };
    let cname = container["name"].as_str().unwrap_or("").to_string();
    let running = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|s| s["name"] == cname.as_str() && s.pointer("/state/running").is_some());
    if !running {
        return error_response(&ApiError::bad_request(format!(
            "unable to upgrade connection: container not found (\"{cname}\")"
        )));
    }
    let command: Vec<String> = query
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    if command.is_empty() {
        return error_response(&ApiError::bad_request(
            "you must specify at least 1 command",
        ));
    }
    let env: Vec<(String, String)> = container
        .get("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str()?.to_string(),
            ))
        })
        .collect();
    let streams = (flag("stdin"), flag("stdout"), flag("stderr"));
    upgrade(ws, &["v5.channel.k8s.io", "v4.channel.k8s.io"], move |ws| {
        exec(ws, command, env, streams)
    })
}

/// Answer 101 with the first of `supported` the client offered, then run `f` on the socket.
fn upgrade<F, Fut>(ws: WsRequest, supported: &[&str], f: F) -> Response<Body>
where
    F: FnOnce(WsSocket) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (Some(key), Some(on_upgrade)) = (ws.key, ws.upgrade) else {
        return error_response(&ApiError::bad_request("Upgrade request required"));
    };
    let Some(protocol) = supported
        .iter()
        .find(|p| ws.protocols.iter().any(|o| o == *p))
        .map(|p| p.to_string())
    else {
        return error_response(&ApiError::bad_request(format!(
            "unable to upgrade connection: none of the requested subprotocols {:?} is supported (want one of {supported:?})",
            ws.protocols
        )));
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    tokio::spawn(async move {
        if let Ok(upgraded) = on_upgrade.await {
            let socket =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            f(socket).await;
        }
    });
    Response::builder()
        .status(101)
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-accept", accept)
        .header("sec-websocket-protocol", protocol)
        .body(full(Bytes::new()))
        .expect("response")
}

type WsSocket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

fn frame(ch: u8, data: &[u8]) -> Message {
    let mut v = Vec::with_capacity(data.len() + 1);
    v.push(ch);
    v.extend_from_slice(data);
    Message::binary(v)
}

/// Run the command locally and bridge it over the channels.
async fn exec(
    ws: WsSocket,
    command: Vec<String>,
    env: Vec<(String, String)>,
    (stdin, stdout, stderr): (bool, bool, bool),
) {
    let (mut tx, mut rx) = ws.split();
    let mut cmd = tokio::process::Command::new(&command[0]);
    cmd.args(&command[1..])
        .envs(env)
        .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
        .stdout(if stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(if stderr {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .kill_on_drop(true);
    // The real server opens each channel with an empty frame.
    for ch in [STDOUT, STDERR, ERROR] {
        let _ = tx.send(frame(ch, &[])).await;
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            // What the runtime says for a missing executable: an error status, exit code 128.
            let status = json!({
                "metadata": {},
                "status": "Failure",
                "message": format!("failed to exec in container: exec: {:?}: {e}", command[0]),
                "reason": "InternalError",
                "details": {"causes": [{"message": format!("exec: {:?}: {e}", command[0])}]},
                "code": 500,
            });
            let _ = tx.send(frame(ERROR, status.to_string().as_bytes())).await;
            close(tx, rx).await;
            return;
        }
    };
    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<(u8, Vec<u8>)>(16);
    if let Some(r) = child.stdout.take() {
        tokio::spawn(pump(STDOUT, r, out_tx.clone()));
    }
    if let Some(r) = child.stderr.take() {
        tokio::spawn(pump(STDERR, r, out_tx.clone()));
    }
    drop(out_tx);
    let mut child_stdin = child.stdin.take();
    let mut client_gone = false;
    let mut output_done = false;
    loop {
        tokio::select! {
            msg = rx.next(), if !client_gone => match msg {
                Some(Ok(Message::Binary(b))) if !b.is_empty() => match b[0] {
                    STDIN => {
                        if let Some(w) = child_stdin.as_mut()
                            && (w.write_all(&b[1..]).await.is_err() || w.flush().await.is_err())
                        {
                            child_stdin = None;
                        }
                    }
                    CLOSE if b.get(1) == Some(&STDIN) => child_stdin = None,
                    _ => {}
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    client_gone = true;
                    child_stdin = None;
                }
                Some(Ok(_)) => {}
            },
            out = out_rx.recv(), if !output_done => match out {
                Some((ch, data)) => {
                    if tx.send(frame(ch, &data)).await.is_err() {
                        client_gone = true;
                        child_stdin = None;
                    }
                }
                None => output_done = true,
            },
        }
        if output_done {
            break;
        }
        if client_gone {
            // Nobody reads any more: give the process a moment to end on its closed stdin.
            if tokio::time::timeout(Duration::from_secs(1), child.wait())
                .await
                .is_err()
            {
                let _ = child.kill().await;
            }
            break;
        }
    }
    let status = child.wait().await.ok().and_then(|s| s.code());
    if client_gone {
        return;
    }
    let status = match status {
        Some(0) => json!({"metadata": {}, "status": "Success"}),
        code => {
            let code = code.unwrap_or(137);
            json!({
                "metadata": {},
                "status": "Failure",
                "message": format!("command terminated with non-zero exit code: error executing command {command:?}, exit code {code}"),
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
            })
        }
    };
    let _ = tx.send(frame(ERROR, status.to_string().as_bytes())).await;
    close(tx, rx).await;
}

/// Forward each port to its registered local address.
async fn portforward(
    ws: WsSocket,
    targets: Vec<(u16, Option<std::net::SocketAddr>)>,
    pod: String,
    uid: String,
) {
    let (mut tx, mut rx) = ws.split();
    for (i, (port, _)) in targets.iter().enumerate() {
        let p = port.to_le_bytes();
        for ch in [2 * i as u8, 2 * i as u8 + 1] {
            if tx.send(frame(ch, &p)).await.is_err() {
                return;
            }
        }
    }
    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<(u8, Vec<u8>)>(16);
    let mut writers: Vec<Option<tokio::net::tcp::OwnedWriteHalf>> = Vec::new();
    let mut open = 0usize;
    for (i, (port, addr)) in targets.iter().enumerate() {
        let conn = match addr {
            Some(a) => tokio::net::TcpStream::connect(a).await.ok(),
            None => None,
        };
        let Some(conn) = conn else {
            let msg = format!(
                "error forwarding port {port} to pod {pod}, uid {uid}: failed to connect to localhost:{port} inside namespace: dial tcp4 127.0.0.1:{port}: connect: connection refused"
            );
            let _ = tx.send(frame(2 * i as u8 + 1, msg.as_bytes())).await;
            writers.push(None);
            continue;
        };
        let (r, w) = conn.into_split();
        writers.push(Some(w));
        open += 1;
        let out_tx = out_tx.clone();
        let ch = 2 * i as u8;
        tokio::spawn(async move {
            if pump(ch, r, out_tx.clone()).await {
                // The pod closed its end of this port.
                let _ = out_tx.send((ch, Vec::new())).await;
            }
        });
    }
    drop(out_tx);
    while open > 0 {
        tokio::select! {
            msg = rx.next() => match msg {
                Some(Ok(Message::Binary(b))) if b.len() > 1 && b[0] % 2 == 0 => {
                    let i = usize::from(b[0] / 2);
                    if let Some(Some(w)) = writers.get_mut(i)
                        && w.write_all(&b[1..]).await.is_err()
                    {
                        writers[i] = None;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            out = out_rx.recv() => match out {
                // The pod closed its end of this port.
                Some((_, data)) if data.is_empty() => open -= 1,
                Some((ch, data)) => {
                    if tx.send(frame(ch, &data)).await.is_err() {
                        return;
                    }
                }
                None => break,
            },
        }
    }
    close(tx, rx).await;
}

/// The WebSocket closing handshake: our Close, then what the client still sends (stdin that
/// was on its way, ignored) until its Close, for at most a second. Without it a client that
/// writes while we close gets a broken pipe instead of the frames we sent before.
async fn close(
    mut tx: futures::stream::SplitSink<WsSocket, Message>,
    mut rx: futures::stream::SplitStream<WsSocket>,
) {
    if tx.send(Message::Close(None)).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(m)) = rx.next().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
}

/// Send what `reader` yields as `(ch, bytes)` until its end; `false` when nobody listens.
async fn pump<R: tokio::io::AsyncRead + Unpin>(
    ch: u8,
    mut reader: R,
    tx: tokio::sync::mpsc::Sender<(u8, Vec<u8>)>,
) -> bool {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return true,
            Ok(n) => {
                if tx.send((ch, buf[..n].to_vec())).await.is_err() {
                    return false;
                }
            }
        }
    }
}
