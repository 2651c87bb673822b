//! Our own compose loader: YAML with positions → interpolation → `extends` → merge of the `-f`
//! files (`!reset` / `!override`) → typed [`Project`], following compose-go's semantics.
//!
//! Pure: reads only its inputs (compose files, `.env`, `env_file`, `extends`'d and `include`d
//! files); never prints. Every error is a [`LoadError`] (exit class usage) with
//! `file:line:col` where known.
//!
//! Deliberate differences with compose-go:
//! - `command`/`entrypoint` strings stay strings ([`Command::Shell`]); the translator splits them.
//! - A duration without a unit (`stop_grace_period: 10`) is an error, not 10 nanoseconds.
//! - `tmpfs.mode` is always octal (`1777`); config/secret `mode` follows compose-go (a YAML
//!   number is decimal unless written `0440`/`0o440`, a string is octal).
//! - Scalars keep their source text in string fields (`1.10` stays `1.10`, `yes` stays `yes`).
//! - Remote (git/OCI) `include`/`extends` are not loaded; `include` of local files is.

mod convert;
mod dotenv;
mod error;
mod interp;
mod merge;
mod model;
mod units;
pub(crate) mod yaml;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub use error::LoadError;
pub use interp::{InterpError, UnsetUse, substitute, unset_note};
pub use model::*;
pub use units::{parse_bytes, parse_duration};

use convert::Cx;
use yaml::{Node, Value};

/// What to load. `env` is the process environment (passed in: the loader does not read it).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Compose files in merge order. Empty: `COMPOSE_FILE`, else `compose.yaml` & co. (plus
    /// `compose.override.yaml`) in the working directory.
    pub files: Vec<PathBuf>,
    pub project_name: Option<String>,
    /// Active profiles; empty: `COMPOSE_PROFILES`.
    pub profiles: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// `--env-file`s, replacing the project's `.env`.
    pub env_files: Vec<PathBuf>,
    /// Project directory; default: the directory of the first compose file.
    pub working_dir: Option<PathBuf>,
}

type R<T> = Result<T, LoadError>;

const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDE_FILES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Load and merge the compose files of `opts` into a typed [`Project`].
pub fn load(opts: &LoadOptions) -> R<Project> {
    let sources = Vec::new();
    load_with_sources(opts, sources)
}

/// Like [`load`], with the compose files' contents given (`(display path, text)`); `extends`
/// and `env_file` still read from disk.
pub fn load_from_strings(opts: &LoadOptions, files: &[(&str, &str)]) -> R<Project> {
    let sources = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    load_with_sources(opts, sources)
}

/// Absolute and lexically normalised (no file system access besides the current directory).
fn absolute(p: &Path) -> PathBuf {
    merge::normalize_path(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

fn read(path: &Path) -> R<String> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn load_with_sources(opts: &LoadOptions, mut sources: Vec<(PathBuf, String)>) -> R<Project> {
    let given: Vec<PathBuf> = if sources.is_empty() {
        opts.files.clone()
    } else {
        sources.iter().map(|s| s.0.clone()).collect()
    };
    let workdir = match (&opts.working_dir, given.first()) {
        (Some(d), _) => absolute(d),
        (None, Some(f)) => absolute(
            f.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        ),
        (None, None) => absolute(Path::new(".")),
    };

    let env = project_env(opts, &workdir)?;

    let mut files = given;
    if files.is_empty() {
        files = discover_files(&env, &workdir)?;
    }
    if sources.is_empty() {
        for f in &files {
            sources.push((f.clone(), read(f)?));
        }
    }

    let mut unset = Vec::new();
    let mut root = load_layers(&sources, &env, &mut Vec::new(), &mut unset)?;
    merge::strip(&mut root);
    let mut project = build_project(opts, root, env, workdir, files).map_err(|e| match e {
        // An error caused by an empty value names the unset variable that emptied it.
        LoadError::Invalid {
            file,
            line,
            col,
            field,
            message,
        } => {
            let note = interp::unset_note(&unset, &format!("{file}:{line}:{col}"));
            LoadError::Invalid {
                file,
                line,
                col,
                field,
                message: message + &note,
            }
        }
        e => e,
    })?;
    let warned = interp::unset_warnings(&unset)
        .into_iter()
        .map(|(pos, message)| Warning {
            pos: Some(pos),
            message,
        });
    project.warnings.splice(0..0, warned);
    project.unset = unset;
    Ok(project)
}

const MAX_INCLUDE_DEPTH: usize = 16;

/// Parse, interpolate, resolve `extends` and `include` of each document of `sources`, and
/// merge them in order. The result still carries `!reset`/`!override` markers.
fn load_layers(
    sources: &[(PathBuf, String)],
    env: &BTreeMap<String, String>,
    stack: &mut Vec<PathBuf>,
    unset: &mut Vec<interp::UnsetUse>,
) -> R<Node> {
    let mut loader = Loader {
        env,
        cache: HashMap::new(),
        unset,
    };
    let mut root: Option<Node> = None;
    for (path, text) in sources {
        let display = path.display().to_string();
        let abs = absolute(path);
        let docs = yaml::parse(text, &display)?;
        if docs.iter().all(Node::is_null) {
            return Err(LoadError::project(format!("{display}: empty compose file")));
        }
        for mut doc in docs {
            if doc.is_null() {
                continue;
            }
            if doc.as_map().is_none() {
                return Err(LoadError::syntax(
                    &doc.pos,
                    "top-level object must be a mapping",
                ));
            }
            loader.interpolate(&mut doc)?;
            if let Some(inc) = doc.remove("include") {
                stack.push(abs.clone());
                let r = apply_include(
                    &mut doc,
                    &inc,
                    abs.parent().unwrap_or(Path::new("/")),
                    env,
                    stack,
                    loader.unset,
                );
                stack.pop();
                r?;
            }
            loader.resolve_extends(&mut doc, &abs)?;
            root = Some(match root {
                None => doc,
                Some(base) => merge::merge(Some(base), doc, &mut Vec::new()),
            });
        }
    }
    root.ok_or_else(|| LoadError::project("no compose file"))
}

/// Top-level `include`: each entry is loaded as its own project (own project directory and
/// `.env`/`env_file`), its relative paths resolved there, and its resources added to `doc`;
/// a resource defined both here and in an included file is an error unless identical.
fn apply_include(
    doc: &mut Node,
    inc: &Node,
    dir: &Path,
    env: &BTreeMap<String, String>,
    stack: &mut Vec<PathBuf>,
    unset: &mut Vec<interp::UnsetUse>,
) -> R<()> {
    let items: Vec<Node> = match &inc.value {
        Value::Null => return Ok(()),
        Value::Seq(items) => items.clone(),
        _ => return Err(LoadError::at(&inc.pos, "include", "must be a list")),
    };
    for (i, item) in items.iter().enumerate() {
        let field = format!("include[{i}]");
        let (paths, project_dir, env_files) = match &item.value {
            Value::Scalar { text, .. } => (vec![text.clone()], None, Vec::new()),
            Value::Map(_) => {
                let p = item
                    .get("path")
                    .ok_or_else(|| LoadError::at(&item.pos, &field, "path is required"))?;
                let paths = match &p.value {
                    Value::Seq(ps) => ps
                        .iter()
                        .map(|x| convert::string(x, &field))
                        .collect::<R<Vec<_>>>()?,
                    _ => vec![convert::string(p, &format!("{field}.path"))?],
                };
                let pd = item
                    .get("project_directory")
                    .map(|x| convert::string(x, &field))
                    .transpose()?;
                let ef = match item.get("env_file") {
                    None => Vec::new(),
                    Some(x) => match &x.value {
                        Value::Seq(es) => es
                            .iter()
                            .map(|e| convert::string(e, &field))
                            .collect::<R<Vec<_>>>()?,
                        _ => vec![convert::string(x, &format!("{field}.env_file"))?],
                    },
                };
                (paths, pd, ef)
            }
            _ => {
                return Err(LoadError::at(
                    &item.pos,
                    &field,
                    "must be a path or a mapping",
                ));
            }
        };
        if paths.is_empty() {
            return Err(LoadError::at(&item.pos, &field, "path is required"));
        }
        let files: Vec<PathBuf> = paths
            .iter()
            .map(|p| PathBuf::from(merge::absolutize(p, dir)))
            .collect();
        for f in &files {
            if stack.contains(f) {
                return Err(LoadError::at(
                    &item.pos,
                    &field,
                    format!(
                        "include cycle detected: {} is already being loaded",
                        f.display()
                    ),
                ));
            }
        }
        if stack.len() >= MAX_INCLUDE_DEPTH {
            return Err(LoadError::at(
                &item.pos,
                &field,
                "includes nested too deeply",
            ));
        }
        let project_dir = match project_dir {
            Some(pd) => PathBuf::from(merge::absolutize(&pd, dir)),
            None => files[0]
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dir.to_path_buf()),
        };
        // The included project's environment: its env files (or its `.env`) under ours.
        let explicit = !env_files.is_empty();
        let env_paths: Vec<PathBuf> = if explicit {
            env_files
                .iter()
                .map(|e| PathBuf::from(merge::absolutize(e, dir)))
                .collect()
        } else {
            vec![project_dir.join(".env")]
        };
        let mut inc_env: BTreeMap<String, String> = BTreeMap::new();
        for p in env_paths {
            let text = match std::fs::read_to_string(&p) {
                Ok(t) => t,
                Err(_) if !explicit => continue,
                Err(source) => return Err(LoadError::Read { path: p, source }),
            };
            let lookup = |k: &str| env.get(k).or_else(|| inc_env.get(k)).cloned();
            let pairs = dotenv::parse(&text, &lookup).map_err(|e| LoadError::EnvFile {
                file: p.display().to_string(),
                line: e.line,
                message: e.message,
            })?;
            inc_env.extend(pairs);
        }
        inc_env.extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut sources = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).map_err(|e| {
                LoadError::at(
                    &item.pos,
                    &field,
                    format!("cannot read {}: {e}", f.display()),
                )
            })?;
            sources.push((f.clone(), text));
        }
        let mut inc_root = load_layers(&sources, &inc_env, stack, unset)?;
        merge::strip(&mut inc_root);
        if let Some(Value::Map(svcs)) = inc_root.get_mut("services").map(|s| &mut s.value) {
            for (_, svc) in svcs.iter_mut() {
                merge::rebase_service(svc, &project_dir);
            }
        }
        for section in ["configs", "secrets"] {
            if let Some(Value::Map(objs)) = inc_root.get_mut(section).map(|s| &mut s.value) {
                for (_, obj) in objs.iter_mut() {
                    if let Some(Value::Scalar { text, .. }) =
                        obj.get_mut("file").map(|f| &mut f.value)
                    {
                        *text = merge::absolutize(text, &project_dir);
                    }
                }
            }
        }
        for section in ["services", "volumes", "networks", "configs", "secrets"] {
            let Some(Value::Map(imported)) = inc_root.remove(section).map(|n| n.value) else {
                continue;
            };
            if doc.get(section).is_none_or(Node::is_null) {
                let pos = inc.pos.clone();
                doc.remove(section);
                if let Value::Map(m) = &mut doc.value {
                    m.push((
                        yaml::Key {
                            name: section.to_string(),
                            pos: pos.clone(),
                        },
                        Node::new(Value::Map(Vec::new()), pos),
                    ));
                }
            }
            let Some(target) = doc.get_mut(section).and_then(Node::as_map_mut) else {
                return Err(LoadError::at(&inc.pos, section, "must be a mapping"));
            };
            for (k, v) in imported {
                if let Some((_, existing)) = target.iter().find(|(t, _)| t.name == k.name) {
                    if !same_value(existing, &v) {
                        return Err(LoadError::at(
                            &existing.pos,
                            format!("{section}.{}", k.name),
                            format!(
                                "conflicts with the one imported from {}",
                                files[0].display()
                            ),
                        ));
                    }
                    continue;
                }
                target.push((k, v));
            }
        }
    }
    Ok(())
}

/// Structural equality ignoring positions.
fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Scalar { text: x, .. }, Value::Scalar { text: y, .. }) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| k.name == k2.name && same_value(v, v2))
                })
        }
        _ => false,
    }
}

/// Process environment over `.env` (or the `--env-file`s).
fn project_env(opts: &LoadOptions, workdir: &Path) -> R<BTreeMap<String, String>> {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let explicit = !opts.env_files.is_empty();
    let paths: Vec<PathBuf> = if explicit {
        opts.env_files.clone()
    } else {
        vec![workdir.join(".env")]
    };
    for p in paths {
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if !explicit && p.is_dir() => {
                let _ = e;
                continue;
            }
            Err(source) => return Err(LoadError::Read { path: p, source }),
        };
        let lookup = |k: &str| opts.env.get(k).or_else(|| env.get(k)).cloned();
        let pairs = dotenv::parse(&text, &lookup).map_err(|e| LoadError::EnvFile {
            file: p.display().to_string(),
            line: e.line,
            message: e.message,
        })?;
        env.extend(pairs);
    }
    env.extend(opts.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(env)
}

fn discover_files(env: &BTreeMap<String, String>, workdir: &Path) -> R<Vec<PathBuf>> {
    if let Some(list) = env.get("COMPOSE_FILE").filter(|s| !s.is_empty()) {
        let sep = env
            .get("COMPOSE_PATH_SEPARATOR")
            .map(String::as_str)
            .unwrap_or(":");
        return Ok(list
            .split(sep)
            .filter(|s| !s.is_empty())
            .map(|f| workdir.join(f))
            .collect());
    }
    let first = DEFAULT_FILES
        .iter()
        .map(|f| workdir.join(f))
        .find(|p| p.is_file());
    let Some(first) = first else {
        return Err(LoadError::project(format!(
            "no compose file found in {} (looked for {})",
            workdir.display(),
            DEFAULT_FILES.join(", ")
        )));
    };
    let mut out = vec![first];
    out.extend(
        OVERRIDE_FILES
            .iter()
            .map(|f| workdir.join(f))
            .find(|p| p.is_file()),
    );
    Ok(out)
}

struct Loader<'a> {
    env: &'a BTreeMap<String, String>,
    /// Parsed and interpolated `extends` files.
    cache: HashMap<PathBuf, Node>,
    /// Variables used without a default while unset, for warnings and error notes.
    unset: &'a mut Vec<interp::UnsetUse>,
}

const MAX_EXTENDS_DEPTH: usize = 64;

impl Loader<'_> {
    fn interpolate(&mut self, doc: &mut Node) -> R<()> {
        let env = self.env;
        interp::interpolate_node(doc, &mut Vec::new(), &|k| env.get(k).cloned(), self.unset)
    }

    fn file_for_extends(&mut self, path: &Path, at: &Node) -> R<Node> {
        if let Some(n) = self.cache.get(path) {
            return Ok(n.clone());
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            LoadError::at(
                &at.pos,
                "extends.file",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let display = path.display().to_string();
        let mut root: Option<Node> = None;
        for mut doc in yaml::parse(&text, &display)? {
            if doc.is_null() {
                continue;
            }
            self.interpolate(&mut doc)?;
            root = Some(match root {
                None => doc,
                Some(b) => merge::merge(Some(b), doc, &mut Vec::new()),
            });
        }
        let root = root.unwrap_or_else(|| Node::null(at.pos.clone()));
        self.cache.insert(path.to_path_buf(), root.clone());
        Ok(root)
    }

    /// Replace every service of `doc` that uses `extends` by its merged form.
    fn resolve_extends(&mut self, doc: &mut Node, file: &Path) -> R<()> {
        let Some(services) = doc
            .get("services")
            .filter(|s| s.as_map().is_some())
            .cloned()
        else {
            return Ok(());
        };
        let extending: Vec<(usize, String)> = services
            .as_map()
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(_, (_, v))| v.get("extends").is_some())
            .map(|(i, (k, _))| (i, k.name.clone()))
            .collect();
        for (i, name) in extending {
            let mut stack = Vec::new();
            let resolved = self.resolve_service(&services, &name, file, &mut stack)?;
            if let Some(slot) = doc
                .get_mut("services")
                .and_then(Node::as_map_mut)
                .and_then(|m| m.get_mut(i))
            {
                slot.1 = resolved;
            }
        }
        Ok(())
    }

    fn resolve_service(
        &mut self,
        services: &Node,
        name: &str,
        file: &Path,
        stack: &mut Vec<(PathBuf, String)>,
    ) -> R<Node> {
        let svc = services.get(name).cloned().ok_or_else(|| {
            LoadError::syntax(
                &services.pos,
                format!(
                    "cannot extend service {name:?}: not found in {}",
                    file.display()
                ),
            )
        })?;
        let Some(ext) = svc.get("extends").cloned() else {
            return Ok(svc);
        };
        let field = format!("services.{name}.extends");
        let (base_name, base_file) = match &ext.value {
            Value::Scalar { text, .. } => (text.clone(), None),
            Value::Map(_) => {
                let s = ext
                    .get("service")
                    .ok_or_else(|| LoadError::at(&ext.pos, &field, "service is required"))?;
                let s = convert::string(s, &format!("{field}.service"))?;
                let f = ext
                    .get("file")
                    .map(|f| convert::string(f, &format!("{field}.file")))
                    .transpose()?;
                (s, f)
            }
            _ => {
                return Err(LoadError::at(
                    &ext.pos,
                    &field,
                    "must be a service name or a mapping",
                ));
            }
        };
        let key = (file.to_path_buf(), name.to_string());
        if stack.contains(&key) || stack.len() > MAX_EXTENDS_DEPTH {
            let chain: Vec<String> = stack
                .iter()
                .chain(std::iter::once(&key))
                .map(|(_, n)| n.clone())
                .collect();
            return Err(LoadError::at(
                &ext.pos,
                &field,
                format!("circular reference with extends: {}", chain.join(" -> ")),
            ));
        }
        stack.push(key);
        let base = match base_file {
            Some(bf) => {
                let dir = file.parent().unwrap_or(Path::new("/"));
                let path = PathBuf::from(merge::absolutize(&bf, dir));
                let other = self.file_for_extends(&path, &ext)?;
                let null = Node::null(ext.pos.clone());
                let other_services = other.get("services").unwrap_or(&null);
                if other_services.get(&base_name).is_none() {
                    return Err(LoadError::at(
                        &ext.pos,
                        &field,
                        format!(
                            "cannot extend service {base_name:?}: not found in {}",
                            path.display()
                        ),
                    ));
                }
                let mut b = self.resolve_service(other_services, &base_name, &path, stack)?;
                merge::rebase_service(&mut b, path.parent().unwrap_or(Path::new("/")));
                b
            }
            None => {
                if services.get(&base_name).is_none() {
                    return Err(LoadError::at(
                        &ext.pos,
                        &field,
                        format!("cannot extend service {base_name:?}: not found"),
                    ));
                }
                self.resolve_service(services, &base_name, file, stack)?
            }
        };
        stack.pop();
        let mut over = svc;
        over.remove("extends");
        let base = if base.is_null() {
            Node::new(Value::Map(Vec::new()), base.pos)
        } else {
            base
        };
        let mut path = vec!["services".to_string(), name.to_string()];
        Ok(merge::merge(Some(base), over, &mut path))
    }
}

/// Compose's project name normalisation: lower case, only `[a-z0-9_-]`, starting with a
/// letter or digit.
pub fn normalize_project_name(s: &str) -> String {
    let lower: String = s
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    lower.trim_start_matches(['_', '-']).to_string()
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn build_project(
    opts: &LoadOptions,
    root: Node,
    env: BTreeMap<String, String>,
    workdir: PathBuf,
    files: Vec<PathBuf>,
) -> R<Project> {
    let mut cx = Cx {
        env: &env,
        workdir: &workdir,
        warnings: Vec::new(),
    };
    let mut project = Project {
        working_dir: workdir.clone(),
        files,
        ..Default::default()
    };
    let null = Node::null(root.pos.clone());
    let mut top_name = None;
    for (k, v) in root.as_map().into_iter().flatten() {
        if k.name.starts_with("x-") {
            project.extensions.insert(k.name.clone(), k.pos.clone());
            continue;
        }
        if !convert::TOP_KEYS.contains(&k.name.as_str()) {
            return Err(LoadError::at(
                &k.pos,
                "(root)",
                format!("additional property {:?} is not allowed", k.name),
            ));
        }
        project.keys.insert(k.name.clone(), k.pos.clone());
        match k.name.as_str() {
            "version" => cx.warnings.push(Warning {
                pos: Some(k.pos.clone()),
                message: "the attribute `version` is obsolete, it will be ignored".into(),
            }),
            "name" if !v.is_null() => top_name = Some(convert::string(v, "name")?),
            _ => {}
        }
    }

    // Project name: option > COMPOSE_PROJECT_NAME > `name:` > directory name.
    let raw_name = opts
        .project_name
        .clone()
        .or_else(|| {
            env.get("COMPOSE_PROJECT_NAME")
                .filter(|s| !s.is_empty())
                .cloned()
        })
        .or(top_name)
        .unwrap_or_else(|| {
            workdir
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    project.name = normalize_project_name(&raw_name);
    if project.name.is_empty() {
        return Err(LoadError::project(format!(
            "invalid project name {raw_name:?}: must contain a lower-case letter, digit, dash or underscore"
        )));
    }

    let section = |name: &str| -> R<&[(yaml::Key, Node)]> {
        let n = root.get(name).unwrap_or(&null);
        match &n.value {
            Value::Map(m) => Ok(m.as_slice()),
            Value::Null => Ok(&[]),
            _ => Err(LoadError::at(
                &n.pos,
                name,
                format!("must be a mapping, not a {}", n.kind()),
            )),
        }
    };
    for (k, v) in section("volumes")? {
        project
            .volumes
            .insert(k.name.clone(), convert::volume_def(&k.name, &k.pos, v)?);
    }
    for (k, v) in section("networks")? {
        project
            .networks
            .insert(k.name.clone(), convert::network_def(&k.name, &k.pos, v)?);
    }
    for (k, v) in section("configs")? {
        project.configs.insert(
            k.name.clone(),
            convert::file_object("configs", &k.name, &k.pos, v, &cx)?,
        );
    }
    for (k, v) in section("secrets")? {
        project.secrets.insert(
            k.name.clone(),
            convert::file_object("secrets", &k.name, &k.pos, v, &cx)?,
        );
    }

    let profiles: Vec<String> = if opts.profiles.is_empty() {
        env.get("COMPOSE_PROFILES")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        opts.profiles.clone()
    };
    for (k, v) in section("services")? {
        if !valid_name(&k.name) {
            return Err(LoadError::at(
                &k.pos,
                "services",
                format!("invalid service name {:?}", k.name),
            ));
        }
        let mut v = v.clone();
        if v.is_null() {
            v = Node::new(Value::Map(Vec::new()), v.pos);
        }
        let written = v.clone();
        merge::enforce_unicity(&mut v);
        let (svc, active) = convert::service(&k.name, &k.pos, &v, &mut cx, &profiles)
            .map_err(|e| renumber(e, &k.name, &written, &v))?;
        if active {
            project.services.insert(k.name.clone(), svc);
        } else {
            project.disabled_services.insert(k.name.clone(), svc);
        }
    }
    project.warnings = cx.warnings;
    project.environment = env.clone();
    check_consistency(&project)?;
    Ok(project)
}

/// An error about item `[i]` of a list made unique (`volumes`, `ports`, …) names the item by
/// its index in the list as written: when a later entry replaced an earlier one with the same
/// key, it sits at the earlier one's index in `unique`.
fn renumber(e: LoadError, service: &str, written: &Node, unique: &Node) -> LoadError {
    let LoadError::Invalid {
        file,
        line,
        col,
        field,
        message,
    } = e
    else {
        return e;
    };
    let prefix = format!("services.{service}.");
    let renamed = (|| {
        let rest = field.strip_prefix(&prefix)?;
        let (key, tail) = rest.split_once('[')?;
        let (i, tail) = tail.split_once(']')?;
        let i: usize = i.parse().ok()?;
        let item = unique.get(key)?.as_seq()?.get(i)?;
        let j = written
            .get(key)?
            .as_seq()?
            .iter()
            .position(|w| w.pos == item.pos)?;
        Some(format!("{prefix}{key}[{j}]{tail}"))
    })();
    LoadError::Invalid {
        file,
        line,
        col,
        field: renamed.unwrap_or(field),
        message,
    }
}

/// compose-go's consistency checks: references to undefined services, volumes, networks,
/// configs, secrets; `depends_on` cycles.
fn check_consistency(p: &Project) -> R<()> {
    for (name, s) in &p.services {
        for dep in model::referenced_services(s) {
            if !p.services.contains_key(&dep) && !p.disabled_services.contains_key(&dep) {
                let pos = s.depends_on.get(&dep).map(|d| &d.pos).unwrap_or(&s.pos);
                return Err(LoadError::at(
                    pos,
                    format!("services.{name}"),
                    format!("service {name:?} depends on undefined service {dep:?}"),
                ));
            }
        }
        for m in &s.volumes {
            if let (MountType::Volume, Some(src)) = (m.kind, &m.source)
                && !p.volumes.contains_key(src)
            {
                return Err(LoadError::at(
                    &m.pos,
                    format!("services.{name}.volumes"),
                    format!("service {name:?} refers to undefined volume {src:?}"),
                ));
            }
        }
        for net in s.networks.keys() {
            if net != "default" && !p.networks.contains_key(net) {
                let pos = s.keys.get("networks").unwrap_or(&s.pos);
                return Err(LoadError::at(
                    pos,
                    format!("services.{name}.networks"),
                    format!("service {name:?} refers to undefined network {net:?}"),
                ));
            }
        }
        for (kind, refs, defs) in [
            ("config", &s.configs, &p.configs),
            ("secret", &s.secrets, &p.secrets),
        ] {
            for r in refs {
                if !defs.contains_key(&r.source) {
                    return Err(LoadError::at(
                        &r.pos,
                        format!("services.{name}.{kind}s"),
                        format!("service {name:?} refers to undefined {kind} {:?}", r.source),
                    ));
                }
            }
        }
    }
    // depends_on cycles (among active services).
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = visiting, 2 = done
    for start in p.services.keys() {
        if state.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start.as_str(), deps(p, start))];
        state.insert(start, 1);
        while let Some((node, children)) = stack.last_mut() {
            let node = *node;
            match children.pop() {
                Some(c) => match state.get(c) {
                    Some(1) => {
                        let mut chain: Vec<&str> = stack
                            .iter()
                            .map(|(n, _)| *n)
                            .skip_while(|n| *n != c)
                            .collect();
                        chain.push(c);
                        let s = &p.services[c];
                        return Err(LoadError::at(
                            &s.pos,
                            format!("services.{c}.depends_on"),
                            format!("dependency cycle detected: {}", chain.join(" -> ")),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        state.insert(c, 1);
                        stack.push((c, deps(p, c)));
                    }
                },
                None => {
                    state.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    Ok(())
}

fn deps<'a>(p: &'a Project, name: &str) -> Vec<&'a str> {
    p.services
        .get(name)
        .map(|s| {
            s.depends_on
                .keys()
                .filter(|d| p.services.contains_key(*d))
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default()
}
