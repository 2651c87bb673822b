//! Translating a Dockerfile, compose files or an image into a [`Bundle`] of workloads: the input
//! side of `k8s translate` and `k8s deploy`, shared by the CLI and the MCP server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Exit, Result};
use crate::translate::{self, ComposeInput, ComposeMapOptions, DockerfileInput};
use crate::workload::Bundle;

fn process_env() -> BTreeMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

fn dir_name(path: &Path) -> Option<String> {
    let abs = std::path::absolute(path).ok()?;
    abs.parent()?
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
}

/// Everything that selects and shapes the input, shared by both commands.
pub struct Source<'a> {
    pub dockerfile: Option<&'a Path>,
    pub compose: &'a [PathBuf],
    pub stdin: Option<String>,
    pub image: Option<&'a str>,
    pub name: Option<&'a str>,
    pub target: Option<&'a str>,
    pub profiles: &'a [String],
    pub env: &'a [(String, String)],
    pub wait_deps: bool,
}

pub fn bundle(src: &Source<'_>) -> Result<Bundle> {
    if src.target.is_some() && src.dockerfile.is_none() {
        return Err(Error::msg(
            Exit::Usage,
            "--target selects a Dockerfile stage; it needs --from-dockerfile",
        ));
    }
    if let Some(path) = src.dockerfile {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::msg(Exit::Usage, format!("reading {}: {e}", path.display())))?;
        let input = DockerfileInput {
            path: path.display().to_string(),
            text,
            target: src.target.map(str::to_string),
            build_args: BTreeMap::new(),
            name: src.name.map(str::to_string),
            dir_name: dir_name(path),
            image: src.image.map(str::to_string),
            extra_env: src.env.to_vec(),
        };
        return Ok(translate::translate_dockerfile(&input)?);
    }
    if src.compose.is_empty() && src.stdin.is_none() {
        let image = src.image.unwrap_or_default();
        return Ok(translate::translate_image(image, src.name, src.env)?);
    }
    let map = ComposeMapOptions {
        name: src.name.map(str::to_string),
        image: src.image.map(str::to_string),
        extra_env: src.env.to_vec(),
        source: src
            .compose
            .first()
            .map(|p| p.display().to_string())
            .or(src.stdin.as_ref().map(|_| "<stdin>".into())),
        wait_deps: src.wait_deps,
    };
    let input = ComposeInput {
        files: src.compose.to_vec(),
        sources: src
            .stdin
            .clone()
            .map(|t| vec![("<stdin>".to_string(), t)])
            .unwrap_or_default(),
        profiles: src.profiles.to_vec(),
        env: process_env(),
        working_dir: src.stdin.as_ref().map(|_| PathBuf::from(".")),
        map,
    };
    Ok(translate::translate_compose(&input)?)
}

/// `deploy --runtime docker` runs a plain image only.
pub fn docker_only(src: &Source<'_>) -> Result<()> {
    if src.dockerfile.is_some() || !src.compose.is_empty() || src.stdin.is_some() {
        return Err(Error::msg(
            Exit::Usage,
            "--runtime docker deploys --image only; --from-dockerfile, --from-compose and --from-stdin need Kubernetes (or run docker compose yourself)",
        ));
    }
    Ok(())
}

/// The one workload the Docker runtime deploys.
pub fn single_workload(b: &Bundle) -> Result<&crate::workload::Workload> {
    match b.workloads.as_slice() {
        [w] => Ok(w),
        ws => Err(Error::msg(
            Exit::Usage,
            format!(
                "--image made {} workloads; the Docker runtime deploys one",
                ws.len()
            ),
        )),
    }
}
