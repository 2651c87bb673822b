//! Dockerfile and compose parsing → `Workload`. Pure: no IO besides reading the inputs.
//!
//! The facade: [`translate_compose`], [`translate_dockerfile`] and [`translate_image`] return a
//! [`Bundle`] (warnings inside) that `render::render_bundle` turns into Kubernetes objects.

pub mod common;
pub mod compose;
pub mod compose_map;
pub mod dockerfile;
pub mod dockerfile_map;
pub mod kompose;

use std::collections::BTreeMap;
use std::path::PathBuf;

use snafu::{ResultExt, Snafu};

use crate::error::{Classify, Exit};
use crate::render::validate;
use crate::workload::{Bundle, Workload, dns_label};

pub use compose_map::ComposeMapOptions;
pub use dockerfile_map::DockerfileMapOptions;

/// What went wrong while mapping a loaded input.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum MapError {
    /// A `command`/`entrypoint` string that cannot be split into words.
    #[snafu(display("{pos}: {key}: {message}"))]
    Split {
        pos: String,
        key: String,
        message: String,
    },
    /// Reading the `file:` of a top-level config or secret.
    #[snafu(display("{pos}: reading {path}"))]
    ReadConfig {
        pos: String,
        path: String,
        source: std::io::Error,
    },
    #[snafu(display("--image needs a project with one service; this one has {services}"))]
    ImageForMany { services: usize },
    #[snafu(display(
        "{file}: no services to translate (are their profiles active? use --profile)"
    ))]
    NoServices { file: String },
    #[snafu(display("services {a:?} and {b:?} both become {name:?} in Kubernetes; rename one"))]
    NameClash { a: String, b: String, name: String },
    /// A value Kubernetes (or Docker) would refuse, at `file:line:col` of its key.
    #[snafu(display("{pos}: {key}: {message}"))]
    Refused {
        pos: String,
        key: String,
        message: String,
    },
}

impl Classify for MapError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }
}

/// Errors of the facade; all are bad input (exit 2).
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum TranslateError {
    #[snafu(display("{source}"))]
    LoadCompose { source: compose::LoadError },
    #[snafu(display("reading {}", path.display()))]
    ReadDockerfile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[snafu(display("{path}:{line}:{col}: {message}"))]
    ParseDockerfile {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[snafu(display("{path}: {message}"))]
    ResolveDockerfile { path: String, message: String },
    #[snafu(display("{source}"))]
    MapCompose { source: MapError },
    #[snafu(display("{what}: cannot make a Kubernetes name of {raw:?}; pass --name"))]
    BadName { what: String, raw: String },
}

impl Classify for TranslateError {
    fn exit(&self) -> Exit {
        Exit::Usage
    }
}

/// A workload one of whose objects would not fit in etcd (see [`oversized`]).
#[derive(Debug)]
pub struct Oversized {
    /// `Service "media"`.
    pub object: String,
    pub size: usize,
    /// The workload's container ports (a range of thousands is the usual cause).
    pub ports: usize,
}

impl std::fmt::Display for Oversized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Oversized {
            object,
            size,
            ports,
        } = self;
        let limit = validate::MAX_OBJECT_BYTES;
        let over = format!(
            "over the {limit} bytes etcd stores in one object (its default --max-request-bytes, 1.5 MiB)"
        );
        if *ports > 1000 {
            write!(
                f,
                "{ports} ports make the {object} {size} bytes, {over}; publish fewer ports"
            )
        } else {
            write!(f, "the {object} would be {size} bytes, {over}")
        }
    }
}

/// The first object of `w` too large for one etcd value: an input error to report with its
/// position, before [`crate::render`]'s check would call it a bug.
pub fn oversized(w: &Workload) -> Option<Oversized> {
    crate::render::workload_objects(w, &Default::default())
        .iter()
        .map(|o| (o, validate::encoded_size(o)))
        .find(|(_, size)| *size > validate::MAX_OBJECT_BYTES)
        .map(|(o, size)| Oversized {
            object: format!("{} {:?}", o.kind(), o.name()),
            size,
            ports: w.containers.iter().map(|c| c.ports.len()).sum(),
        })
}

/// Input of [`translate_compose`].
#[derive(Debug, Clone, Default)]
pub struct ComposeInput {
    /// Compose files in merge order (display paths; read unless `sources` is given).
    pub files: Vec<PathBuf>,
    /// The files' contents when already read (e.g. from stdin): `(display path, text)`.
    pub sources: Vec<(String, String)>,
    pub profiles: Vec<String>,
    /// The process environment used for interpolation (passed in; never read here).
    pub env: BTreeMap<String, String>,
    /// Project directory (default: the first file's directory).
    pub working_dir: Option<PathBuf>,
    pub map: ComposeMapOptions,
}

/// Load and map compose files.
pub fn translate_compose(input: &ComposeInput) -> Result<Bundle, TranslateError> {
    let opts = compose::LoadOptions {
        files: input.files.clone(),
        project_name: None,
        profiles: input.profiles.clone(),
        env: input.env.clone(),
        env_files: vec![],
        working_dir: input.working_dir.clone(),
    };
    let project = if input.sources.is_empty() {
        compose::load(&opts)
    } else {
        let srcs: Vec<(&str, &str)> = input
            .sources
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        compose::load_from_strings(&opts, &srcs)
    }
    .context(LoadComposeSnafu)?;
    compose_map::map_project(&project, &input.map)
        .map_err(|e| match e {
            // A value refused because an unset variable emptied it names the variable.
            MapError::Refused { pos, key, message } => {
                let note = compose::unset_note(&project.unset, &pos);
                MapError::Refused {
                    pos,
                    key,
                    message: message + &note,
                }
            }
            e => e,
        })
        .context(MapComposeSnafu)
}

/// Input of [`translate_dockerfile`].
#[derive(Debug, Clone, Default)]
pub struct DockerfileInput {
    /// Path for messages.
    pub path: String,
    pub text: String,
    /// `--target` stage.
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    /// Workload name (`--name`); default: the directory holding the Dockerfile.
    pub name: Option<String>,
    /// The directory name used when no name is given.
    pub dir_name: Option<String>,
    pub image: Option<String>,
    pub extra_env: Vec<(String, String)>,
}

/// A Dockerfile error at `line:col`, as `path:line:col: message` (the parser's own
/// `line L:C: ` prefix is dropped so the position is not said twice).
fn located(path: &str, line: usize, col: usize, full: &str) -> TranslateError {
    let message = full
        .strip_prefix(&format!("line {line}:{col}: "))
        .unwrap_or(full);
    TranslateError::ParseDockerfile {
        path: path.to_string(),
        line,
        col,
        message: message.to_string(),
    }
}

/// Parse, resolve and map a Dockerfile.
pub fn translate_dockerfile(input: &DockerfileInput) -> Result<Bundle, TranslateError> {
    let df = dockerfile::parse(&input.text)
        .map_err(|e| located(&input.path, e.line(), e.col(), &e.to_string()))?;
    let opts = dockerfile::ResolveOptions {
        target: input.target.clone(),
        build_args: input.build_args.clone(),
    };
    let cfg = dockerfile::resolve(&df, &opts).map_err(|e| match e.location() {
        Some((line, col)) => located(&input.path, line, col, &e.to_string()),
        None => TranslateError::ResolveDockerfile {
            path: input.path.clone(),
            message: e.to_string(),
        },
    })?;
    let raw = input
        .name
        .clone()
        .or_else(|| input.dir_name.clone())
        .unwrap_or_else(|| "app".into());
    let name = dns_label(&raw).ok_or_else(|| TranslateError::BadName {
        what: input.path.clone(),
        raw,
    })?;
    let opts = DockerfileMapOptions {
        name,
        image: input.image.clone(),
        extra_env: input.extra_env.clone(),
        source: Some(input.path.clone()),
    };
    dockerfile_map::check(&cfg).map_err(|b| located(&input.path, b.line, b.col, &b.message))?;
    let bundle = dockerfile_map::map_image_config(&cfg, &opts);
    if let Some(big) = bundle.workloads.iter().find_map(oversized) {
        // The EXPOSE that names the most ports is the one to shrink.
        return Err(match cfg.lines.expose.iter().max_by_key(|(_, _, n)| *n) {
            Some((line, col, _)) if big.ports > 1000 => {
                located(&input.path, *line, *col, &format!("EXPOSE: {big}"))
            }
            _ => TranslateError::ResolveDockerfile {
                path: input.path.clone(),
                message: big.to_string(),
            },
        });
    }
    Ok(bundle)
}

/// A plain image as one workload; the name defaults to the image's repository name.
pub fn translate_image(
    image: &str,
    name: Option<&str>,
    extra_env: &[(String, String)],
) -> Result<Bundle, TranslateError> {
    let raw = name
        .map(str::to_string)
        .unwrap_or_else(|| image_name(image));
    let name = dns_label(&raw).ok_or_else(|| TranslateError::BadName {
        what: image.to_string(),
        raw,
    })?;
    Ok(dockerfile_map::map_image(image, &name, extra_env))
}

/// `ghcr.io/org/app:1.2@sha256:…` → `app`.
pub fn image_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        assert_eq!(image_name("nginx"), "nginx");
        assert_eq!(image_name("nginx:1.25"), "nginx");
        assert_eq!(image_name("ghcr.io/org/my_app:1@sha256:abc"), "my_app");
        assert_eq!(image_name("localhost:5000/x"), "x");
    }
}
