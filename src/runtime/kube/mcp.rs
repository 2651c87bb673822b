//! The MCP server of a workload on Kubernetes: a ready pod of it, then either a fresh stdio
//! process per connection through the exec API (the container's `command` + `args`), or a
//! local 127.0.0.1 listener whose every connection opens its own port-forward stream to the
//! pod's port (as `kubectl port-forward` does).

use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Container, Pod};
use kube::api::{Api, AttachParams, ListParams};
use tokio::io::AsyncReadExt;

use super::resolve::Resolved;
use super::{Kube, KubeError, Result};
use crate::runtime::BoxFuture;
use crate::runtime::mcp::{
    EndpointOptions, HttpTarget, McpEndpoint, McpTransport, StdioOpener, StdioProcess, StdioTarget,
    exit_code_of,
};

fn is_ready(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_none()
        && p.status.as_ref().is_some_and(|s| {
            s.phase.as_deref() == Some("Running")
                && s.conditions
                    .iter()
                    .flatten()
                    .any(|c| c.type_ == "Ready" && c.status == "True")
        })
}

/// `Pending`, `Running (not ready)`, `CrashLoopBackOff` …, for the "not running" message.
fn pod_state(p: &Pod) -> String {
    let s = p.status.as_ref();
    let waiting = s
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone());
    let phase = s.and_then(|s| s.phase.clone()).unwrap_or_default();
    match waiting {
        Some(w) => format!("{phase}: {w}"),
        None if phase == "Running" => "Running, not ready".into(),
        None => phase,
    }
}

impl Kube {
    /// A ready pod of `name` and how to speak MCP to it.
    pub async fn mcp_endpoint(&self, name: &str, opts: &EndpointOptions) -> Result<McpEndpoint> {
        let resolved = self.resolve(name).await?;
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let pods = match &resolved {
            Resolved::Pod { name } => {
                vec![
                    self.call("get", &format!("pod/{name}"), api.get(name))
                        .await?,
                ]
            }
            other => {
                let sel = other.pod_selector().unwrap_or_default();
                let what = format!("pods in namespace {}", self.namespace);
                self.call("list", &what, api.list(&ListParams::default().labels(&sel)))
                    .await?
                    .items
            }
        };
        let workload = resolved.display();
        let Some(pod) = pods
            .iter()
            .filter(|p| is_ready(p))
            .max_by_key(|p| p.metadata.creation_timestamp.clone())
        else {
            let states: Vec<String> = pods
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p.metadata.name.as_deref().unwrap_or(""),
                        pod_state(p)
                    )
                })
                .collect();
            return Err(KubeError::Failed {
                what: format!("{workload} in namespace {}", self.namespace),
                reason: if states.is_empty() {
                    "not running: it has no pods".into()
                } else {
                    format!("not running: no ready pod ({})", states.join(", "))
                },
            });
        };
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let containers: &[Container] = pod
            .spec
            .as_ref()
            .map(|s| s.containers.as_slice())
            .unwrap_or_default();
        let Some(c) = containers
            .iter()
            .find(|c| c.stdin == Some(true))
            .or_else(|| containers.first())
        else {
            return Err(KubeError::Failed {
                what: format!("pod/{pod_name}"),
                reason: "it has no containers".into(),
            });
        };
        let transport = if c.stdin == Some(true) {
            let mut command: Vec<String> = c.command.clone().unwrap_or_default();
            if command.is_empty() {
                command = self.image_cmdline(&api, &pod_name, &c.name).await?;
            } else {
                command.extend(c.args.clone().unwrap_or_default());
            }
            McpTransport::Stdio(StdioTarget {
                command,
                via: format!("exec in pod/{pod_name} container {}:", c.name),
                opener: Box::new(ExecOpener {
                    kube: self.clone(),
                    pod: pod_name.clone(),
                    container: c.name.clone(),
                }),
            })
        } else {
            let Some(port) = c
                .ports
                .iter()
                .flatten()
                .find(|p| p.protocol.as_deref().unwrap_or("TCP") == "TCP")
                .map(|p| p.container_port)
            else {
                return Err(KubeError::Failed {
                    what: format!("pod/{pod_name} container {}", c.name),
                    reason: "neither stdin (a stdio MCP server) nor a container port (an HTTP MCP server): nothing to connect to".into(),
                });
            };
            McpTransport::Http(self.forward(&pod_name, port as u16, &opts.mcp_path).await?)
        };
        Ok(McpEndpoint {
            workload,
            pod: pod_name,
            container: c.name.clone(),
            transport,
        })
    }

    /// The image's own command line (no `command` in the pod spec): `/proc/1/cmdline` of the
    /// container, read through exec.
    async fn image_cmdline(
        &self,
        api: &Api<Pod>,
        pod: &str,
        container: &str,
    ) -> Result<Vec<String>> {
        let fail = |why: String| KubeError::Failed {
            what: format!("pod/{pod} container {container}"),
            reason: format!(
                "its spec has no command (the image's entrypoint runs) and reading /proc/1/cmdline failed ({why}); set [b00t.k8s] command in the datum"
            ),
        };
        let ap = AttachParams::default()
            .container(container)
            .stdout(true)
            .stderr(false);
        let mut p = self
            .call(
                "create",
                &format!("pods/exec of pod/{pod} in namespace {}", self.namespace),
                api.exec(pod, ["cat", "/proc/1/cmdline"], &ap),
            )
            .await
            .map_err(|e| fail(e.to_string()))?;
        let mut out = Vec::new();
        if let Some(mut r) = p.stdout() {
            let _ = r.read_to_end(&mut out).await;
        }
        let status = match p.take_status() {
            Some(s) => s.await,
            None => None,
        };
        if status.as_ref().and_then(exit_code_of) != Some(0) {
            return Err(fail(
                status
                    .and_then(|s| s.message)
                    .unwrap_or_else(|| "no exit status".into()),
            ));
        }
        let args: Vec<String> = out
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.is_empty() {
            return Err(fail("it is empty".into()));
        }
        Ok(args)
    }

    /// A local listener forwarding each connection to `port` of `pod`. One port-forward is
    /// opened first, so that a denial or a missing pod is an error here, not a reset later.
    async fn forward(&self, pod: &str, port: u16, path: &str) -> Result<HttpTarget> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let what = format!(
            "pods/portforward of pod/{pod} in namespace {}",
            self.namespace
        );
        let first = self
            .call("create", &what, api.portforward(pod, &[port]))
            .await?;
        first.abort();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| KubeError::Failed {
                what: "listening on 127.0.0.1".into(),
                reason: e.to_string(),
            })?;
        let local = listener.local_addr().map_err(|e| KubeError::Failed {
            what: "listening on 127.0.0.1".into(),
            reason: e.to_string(),
        })?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let errs = errors.clone();
        let pod_name = pod.to_string();
        let task = tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let api = api.clone();
                let errs = errs.clone();
                let pod = pod_name.clone();
                tokio::spawn(async move {
                    let note = move |m: String| {
                        if let Ok(mut e) = errs.lock() {
                            e.push(m);
                        }
                    };
                    let mut pf = match api.portforward(&pod, &[port]).await {
                        Ok(pf) => pf,
                        Err(e) => return note(format!("port-forward to pod/{pod}:{port}: {e}")),
                    };
                    let Some(mut upstream) = pf.take_stream(port) else {
                        return;
                    };
                    // The kubelet's error for this port (it could not dial it), noted as soon
                    // as it arrives, whatever the copy does.
                    if let Some(error) = pf.take_error(port) {
                        tokio::spawn(async move {
                            if let Some(e) = error.await {
                                note(e);
                            }
                        });
                    }
                    let _ = tokio::io::copy_bidirectional(&mut conn, &mut upstream).await;
                    drop(upstream);
                    pf.abort();
                });
            }
        });
        Ok(HttpTarget {
            url: format!("http://{local}{path}"),
            via: format!("port-forward to pod/{pod}:{port}"),
            errors,
            _guard: Some(Box::new(AbortOnDrop(task))),
        })
    }
}

/// Stops a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A fresh process per `open`, through `pods/exec`.
struct ExecOpener {
    kube: Kube,
    pod: String,
    container: String,
}

impl StdioOpener for ExecOpener {
    fn open<'a>(
        &'a self,
        command: &'a [String],
    ) -> BoxFuture<'a, crate::error::Result<StdioProcess>> {
        Box::pin(async move {
            let api: Api<Pod> = Api::namespaced(self.kube.client.clone(), &self.kube.namespace);
            let ap = AttachParams::default()
                .container(&self.container)
                .stdin(true)
                .stdout(true)
                .stderr(true)
                .max_stdin_buf_size(64 * 1024)
                .max_stdout_buf_size(64 * 1024)
                .max_stderr_buf_size(64 * 1024);
            let what = format!(
                "pods/exec of pod/{} in namespace {}",
                self.pod, self.kube.namespace
            );
            let mut p = self
                .kube
                .call("create", &what, api.exec(&self.pod, command.to_vec(), &ap))
                .await?;
            let (Some(stdin), Some(stdout), Some(stderr), Some(status)) =
                (p.stdin(), p.stdout(), p.stderr(), p.take_status())
            else {
                return Err(KubeError::Failed {
                    what,
                    reason: "the exec streams were not attached".into(),
                }
                .into());
            };
            let exit: BoxFuture<'static, Option<i64>> = Box::pin(async move {
                let status = status.await;
                // Let the message loop finish, so stdout and stderr reach their end.
                let _ = p.join().await;
                status.as_ref().and_then(exit_code_of)
            });
            Ok(StdioProcess {
                stdin: Box::pin(stdin),
                stdout: Box::pin(stdout),
                stderr: Box::pin(stderr),
                exit,
            })
        })
    }
}
