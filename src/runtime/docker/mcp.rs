//! The MCP server of a workload on Docker: a running container of it, then either a fresh
//! stdio process per connection through `docker exec` (the container's Entrypoint + Cmd,
//! stdin/stdout/stderr attached), or HTTP on the port the engine publishes on the host (the
//! container's IP when it is not published).

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use super::{Docker, DockerError};
use crate::error::Result;
use crate::runtime::BoxFuture;
use crate::runtime::mcp::{
    EndpointOptions, HttpTarget, McpEndpoint, McpTransport, StdioOpener, StdioProcess, StdioTarget,
};

impl Docker {
    /// A running container of `name` and how to speak MCP to it.
    pub async fn mcp_endpoint(&self, name: &str, opts: &EndpointOptions) -> Result<McpEndpoint> {
        let (inst, cs) = self.resolve(name).await?;
        let Some(c) = cs.iter().find(|c| c.running && !c.restarting) else {
            let states: Vec<String> = cs
                .iter()
                .map(|c| format!("{} {}", c.name, c.status))
                .collect();
            return Err(crate::error::Error::msg(
                crate::error::Exit::Failed,
                format!(
                    "{inst} on the Docker engine: not running: no running container ({})",
                    states.join(", ")
                ),
            ));
        };
        let raw = self
            .client
            .inspect_container(&c.name, None)
            .await
            .map_err(|e| self.api(format!("inspecting container {}", c.name), e))?;
        let config = raw.config.unwrap_or_default();
        let transport = if config.open_stdin == Some(true) {
            let mut command: Vec<String> = config.entrypoint.unwrap_or_default();
            command.extend(config.cmd.unwrap_or_default());
            if command.is_empty() {
                return Err(crate::error::Error::msg(
                    crate::error::Exit::Failed,
                    format!(
                        "container {}: neither Entrypoint nor Cmd is set; set [b00t.k8s] command in the datum",
                        c.name
                    ),
                ));
            }
            McpTransport::Stdio(StdioTarget {
                command,
                via: format!("docker exec in container {}:", c.name),
                opener: Box::new(ExecOpener {
                    docker: self.clone(),
                    container: c.name.clone(),
                }),
            })
        } else {
            McpTransport::Http(self.http_target(
                c,
                raw.network_settings,
                &config,
                &opts.mcp_path,
            )?)
        };
        Ok(McpEndpoint {
            workload: inst,
            pod: c.name.clone(),
            container: c.name.clone(),
            transport,
        })
    }

    fn http_target(
        &self,
        c: &super::ContainerInfo,
        net: Option<bollard::models::NetworkSettings>,
        config: &bollard::models::ContainerConfig,
        path: &str,
    ) -> Result<HttpTarget> {
        let target = |url: String, via: String| HttpTarget {
            url,
            via,
            errors: Default::default(),
            _guard: None,
        };
        if let Some(p) = c
            .ports
            .iter()
            .find(|p| p.protocol == "tcp" && p.host_port.is_some())
        {
            let ip = match p.host_ip.as_str() {
                "" | "0.0.0.0" => "127.0.0.1",
                "::" => "[::1]",
                ip => ip,
            };
            let host_port = p.host_port.unwrap_or_default();
            return Ok(target(
                format!("http://{ip}:{host_port}{path}"),
                format!(
                    "published port of container {}:{}",
                    c.name, p.container_port
                ),
            ));
        }
        let port = config
            .exposed_ports
            .iter()
            .flatten()
            .filter_map(|k| {
                let (port, proto) = k.split_once('/').unwrap_or((k.as_str(), "tcp"));
                (proto == "tcp").then(|| port.parse::<u16>().ok()).flatten()
            })
            .min();
        let ip = net.and_then(|n| n.networks).and_then(|m| {
            m.into_values()
                .find_map(|e| e.ip_address.filter(|i| !i.is_empty()))
        });
        match (port, ip) {
            (Some(port), Some(ip)) => Ok(target(
                format!("http://{ip}:{port}{path}"),
                format!("container {} at {ip}", c.name),
            )),
            _ => Err(crate::error::Error::msg(
                crate::error::Exit::Failed,
                format!(
                    "container {}: neither stdin (a stdio MCP server) nor a published or exposed port (an HTTP MCP server): nothing to connect to",
                    c.name
                ),
            )),
        }
    }
}

/// A fresh process per `open`, through `docker exec`.
struct ExecOpener {
    docker: Docker,
    container: String,
}

impl StdioOpener for ExecOpener {
    fn open<'a>(&'a self, command: &'a [String]) -> BoxFuture<'a, Result<StdioProcess>> {
        Box::pin(async move {
            let d = &self.docker;
            let what = format!("docker exec in container {}", self.container);
            let created = d
                .client
                .create_exec(
                    &self.container,
                    CreateExecOptions {
                        attach_stdin: Some(true),
                        attach_stdout: Some(true),
                        attach_stderr: Some(true),
                        tty: Some(false),
                        cmd: Some(command.to_vec()),
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| d.api(what.clone(), e))?;
            let started = d
                .client
                .start_exec(
                    &created.id,
                    Some(StartExecOptions {
                        detach: false,
                        tty: false,
                        output_capacity: Some(1024 * 1024),
                    }),
                )
                .await
                .map_err(|e| d.api(what.clone(), e))?;
            let StartExecResults::Attached { mut output, input } = started else {
                return Err(DockerError::BadHost {
                    message: format!("{what}: the engine did not attach the streams"),
                }
                .into());
            };
            let (mut out_w, out_r) = tokio::io::duplex(64 * 1024);
            let (mut err_w, err_r) = tokio::io::duplex(64 * 1024);
            let (done_tx, done_rx) = tokio::sync::oneshot::channel();
            let docker = d.clone();
            let id = created.id.clone();
            tokio::spawn(async move {
                while let Some(Ok(chunk)) = output.next().await {
                    let ok = match chunk {
                        LogOutput::StdOut { message } | LogOutput::Console { message } => {
                            out_w.write_all(&message).await.is_ok()
                        }
                        LogOutput::StdErr { message } => err_w.write_all(&message).await.is_ok(),
                        LogOutput::StdIn { .. } => true,
                    };
                    if !ok {
                        break;
                    }
                }
                let _ = out_w.shutdown().await;
                let _ = err_w.shutdown().await;
                drop((out_w, err_w));
                // The exit code is there once the output has ended (the engine may take a moment).
                let mut code = None;
                for _ in 0..20 {
                    match docker.client.inspect_exec(&id).await {
                        Ok(i) if i.running == Some(false) => {
                            code = i.exit_code;
                            break;
                        }
                        Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
                        Err(_) => break,
                    }
                }
                let _ = done_tx.send(code);
            });
            Ok(StdioProcess {
                stdin: input,
                stdout: Box::pin(out_r),
                stderr: Box::pin(err_r),
                exit: Box::pin(async move { done_rx.await.ok().flatten() }),
            })
        })
    }
}
