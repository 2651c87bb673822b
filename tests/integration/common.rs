#![allow(dead_code)]
//! Running the built `b00t` as a process, and what it printed.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The binary with a clean environment: no inherited kubeconfig, no colours, no user config.
pub fn bin(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_b00t"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// Exit code and output of one run.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Out {
    fn from(o: Output) -> Out {
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Out {
    /// stdout as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self}"))
    }

    /// The single `error: …` line.
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(lines.len(), 1, "exactly one error line expected: {self}");
        lines[0]
    }
}

/// A fake cluster and a temporary HOME: what every CLI test against the API server needs.
pub struct KubeCtx {
    pub cluster: crate::support::FakeCluster,
    pub home: tempfile::TempDir,
}

impl KubeCtx {
    pub fn new(cluster: crate::support::FakeCluster) -> KubeCtx {
        KubeCtx {
            cluster,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// `b00t --kubeconfig <the fake's> ARGS` with a clean environment.
    pub fn cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = bin(self.home.path());
        c.arg("--kubeconfig").arg(self.cluster.kubeconfig_path());
        c.args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Out {
        Out::from(self.cmd(args).output().expect("run b00t"))
    }
}

/// `docker import` an image holding only Debian's busybox-static (`/bin/busybox`, `/bin/sh`)
/// whose default command is `sh -c SCRIPT`. Nothing is pulled. `Err` says what is missing.
pub fn import_busybox_image(tag: &str, script: &str) -> Result<(), String> {
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .ok_or("busybox-static is not installed (apt-get install busybox-static)")?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::create_dir(dir.path().join("bin")).map_err(|e| e.to_string())?;
    std::fs::copy(&busybox, dir.path().join("bin/busybox")).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink("busybox", dir.path().join("bin/sh")).map_err(|e| e.to_string())?;
    let cmd = serde_json::json!(["sh", "-c", script]).to_string();
    let out = std::process::Command::new("docker")
        .args(["import", "--change", &format!("CMD {cmd}"), "-", tag])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let tar = std::process::Command::new("tar")
                .arg("-C")
                .arg(dir.path())
                .args(["-c", "."])
                .stdout(child.stdin.take().expect("piped stdin"))
                .status()?;
            let out = child.wait_with_output()?;
            if !tar.success() {
                return Err(std::io::Error::other("tar failed"));
            }
            Ok(out)
        })
        .map_err(|e| format!("docker import {tag}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "docker import {tag}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The third-party MCP programs `scripts/mcp-clients` installs (npm, pinned): Node ≥ 22, the MCP
/// Inspector CLI and server-everything.
pub struct McpClients {
    pub node: std::path::PathBuf,
    /// `node <inspector> --cli …`
    pub inspector: std::path::PathBuf,
    /// `node <everything> [stdio|streamableHttp]`: a real stdio / streamable-HTTP MCP server.
    pub everything: std::path::PathBuf,
}

impl McpClients {
    /// `node SCRIPT ARGS…` with the given environment cleared to PATH and HOME.
    pub fn node(&self, script: &Path) -> Command {
        let mut c = Command::new(&self.node);
        c.arg(script);
        c
    }
}

/// The installed MCP clients, or `None` (with a message) when `scripts/mcp-clients` has not run;
/// under `CI=true` a missing install is a failure, not a skip.
pub fn mcp_clients() -> Option<McpClients> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp-clients/node_modules");
    let found = std::fs::read_to_string(root.join(".b00t-node"))
        .ok()
        .map(|n| std::path::PathBuf::from(n.trim()))
        .filter(|n| n.exists())
        .map(|node| McpClients {
            node,
            inspector: root.join("@modelcontextprotocol/inspector/clients/launcher/build/index.js"),
            everything: root.join("@modelcontextprotocol/server-everything/dist/index.js"),
        })
        .filter(|c| c.inspector.exists() && c.everything.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the MCP clients are not installed: run scripts/mcp-clients"
        );
        eprintln!("skipped: the MCP clients are not installed (run scripts/mcp-clients)");
    }
    found
}
