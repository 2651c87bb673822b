//! Datum → [`Workload`]: choose the method, resolve the image, interpolate, build.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::config::UserConfig;
use super::docker;
use super::error::{Error, Result};
use super::interp;
use super::{Datum, Size, StdioMethod};
use crate::workload::{
    AccessMode, Claim, Component, Container, Controller, EnvVar, Mount, PodSecurity, Port, Probe,
    ProbeAction, Protocol, Volume, VolumeSource, Workload, dns_label,
};

/// Looks up a variable in the caller's environment (the process env by default; tests pass a
/// map).
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment as an [`EnvLookup`].
pub fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// What the caller adds to a datum when deploying it.
#[derive(Clone)]
pub struct DeployOptions {
    /// `--image`: wins over everything.
    pub image: Option<String>,
    /// `--replicas`: wins over `[b00t.k8s] replicas` (default 1).
    pub replicas: Option<i32>,
    /// `--env K=V`: literal values (not interpolated), winning over the datum's env.
    pub extra_env: Vec<(String, String)>,
    /// `--size`: wins over `[b00t.k8s] size` (explicit `resources` still win per field).
    pub size: Option<Size>,
    /// Image overrides from the user config.
    pub config: UserConfig,
    /// Where `${VAR}` values come from.
    pub env: EnvLookup,
}

impl Default for DeployOptions {
    fn default() -> Self {
        DeployOptions {
            image: None,
            replicas: None,
            extra_env: Vec::new(),
            size: None,
            config: UserConfig::default(),
            env: process_env(),
        }
    }
}

impl std::fmt::Debug for DeployOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeployOptions")
            .field("image", &self.image)
            .field("replicas", &self.replicas)
            .field("size", &self.size)
            .field(
                "extra_env",
                &self.extra_env.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DeployOptions {
    /// Use `lookup` instead of the process environment for `${VAR}`.
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(lookup);
        self
    }

    /// Use a fixed set of variables instead of the process environment.
    pub fn with_env_vars<K: Into<String>, V: Into<String>>(
        self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.with_env(move |name| map.get(name).cloned())
    }
}

/// Pods run as this user (and group) unless the datum says otherwise.
pub const DEFAULT_USER: i64 = 1000;

/// An env value on its way into the container.
enum Value {
    /// Interpolated with the caller's environment; `origin` names the datum key.
    Template { value: String, origin: String },
    /// Used as is.
    Literal(String),
}

/// What will run, before interpolation of args and env.
struct Plan<'d> {
    image: String,
    command: Option<Vec<String>>,
    /// `(value, origin key)`; already final for docker-run methods.
    args: Vec<(String, String)>,
    args_interpolated: bool,
    method: Option<&'d StdioMethod>,
    /// From `docker run -e`.
    docker_env: Vec<(String, Option<String>)>,
    workdir: Option<String>,
}

/// Turn a datum into the workload that runs it.
///
/// Method: the lowest-priority stdio method (ties: first in file) whose image is known
/// (`--image`, `[b00t.k8s] image`, the `docker run` image, or a per-command default). A datum
/// with no stdio method runs `[b00t.k8s] image` as is; an httpstream-only datum is an error.
pub fn to_workload(datum: &Datum, opts: &DeployOptions) -> Result<Workload> {
    if let Some(n) = opts.replicas.filter(|n| *n < 0) {
        return Err(option(
            "--replicas",
            format!("must be 0 or more, found {n}"),
        ));
    }
    if let Some(img) = &opts.image
        && (img.trim().is_empty() || img.chars().any(char::is_whitespace))
    {
        return Err(option(
            "--image",
            format!("expected an image reference, found {img:?}"),
        ));
    }
    for (k, _) in &opts.extra_env {
        if k.is_empty() || k.contains('=') {
            return Err(option("--env", format!("invalid variable name {k:?}")));
        }
    }

    let server = server_label(&datum.name);
    let plan = plan(datum, opts)?;
    let lookup = opts.env.as_ref();
    let expand = |value: &str, origin: &str| {
        interp::expand(value, lookup).map_err(|message| Error::Interpolate {
            path: datum.path.clone(),
            key: origin.to_string(),
            message,
        })
    };

    // Env, lowest precedence first.
    let mut env: BTreeMap<String, Value> = BTreeMap::new();
    for (k, v) in &datum.env {
        env.insert(
            k.clone(),
            Value::Template {
                value: v.clone(),
                origin: format!("b00t.env.{k}"),
            },
        );
    }
    let method_env = plan.method.map(|m| &m.env);
    for (k, v) in &plan.docker_env {
        match v {
            Some(v) => {
                env.insert(k.clone(), Value::Literal(v.clone()));
            }
            // `-e NAME`: the value the datum gives, else the caller's (docker run semantics:
            // skipped when unset).
            None => {
                let in_datum = env.contains_key(k) || method_env.is_some_and(|e| e.contains_key(k));
                if !in_datum && let Some(v) = lookup(k) {
                    env.insert(k.clone(), Value::Literal(v));
                }
            }
        }
    }
    if let Some(m) = plan.method {
        for (k, v) in &m.env {
            env.insert(
                k.clone(),
                Value::Template {
                    value: v.clone(),
                    origin: format!("{}.env.{k}", m.key),
                },
            );
        }
    }
    for (k, v) in &datum.k8s.env {
        env.insert(
            k.clone(),
            Value::Template {
                value: v.clone(),
                origin: format!("b00t.k8s.env.{k}"),
            },
        );
    }
    for (k, v) in &opts.extra_env {
        env.insert(k.clone(), Value::Literal(v.clone()));
    }
    let mut env_vars = Vec::with_capacity(env.len());
    for (k, v) in env {
        let value = match v {
            Value::Template { value, origin } => expand(&value, &origin)?,
            Value::Literal(v) => v,
        };
        env_vars.push(EnvVar::new(k, value));
    }

    // Command and args.
    let mut command = plan.command;
    let mut args = Vec::with_capacity(plan.args.len());
    for (a, origin) in &plan.args {
        args.push(if plan.args_interpolated {
            a.clone()
        } else {
            expand(a, origin)?
        });
    }
    let mut args = (!args.is_empty()).then_some(args);
    if let Some(c) = &datum.k8s.command {
        command = Some(expand_all(c, "b00t.k8s.command", &expand)?);
    }
    if let Some(a) = &datum.k8s.args {
        args = Some(expand_all(a, "b00t.k8s.args", &expand)?);
    }

    let port = datum.k8s.port;
    let ports = port
        .map(|p| Port {
            container_port: p,
            protocol: Protocol::Tcp,
            name: Some("mcp".into()),
            service_port: Some(p),
        })
        .into_iter()
        .collect();
    let readiness = port.map(|p| Probe {
        action: ProbeAction::Tcp { port: p },
        period_seconds: Some(5),
        timeout_seconds: None,
        failure_threshold: None,
        initial_delay_seconds: None,
    });

    let resources = datum.k8s.container_resources(opts.size);

    let container = Container {
        name: server.clone(),
        image: plan.image,
        command,
        args,
        working_dir: plan.workdir,
        env: env_vars,
        ports,
        stdin: port.is_none(),
        resources,
        readiness,
        ..Container::default()
    };

    let k = &datum.k8s;
    let name = format!("{server}-mcp");
    let mut container = container;
    let mut volumes = Vec::new();
    let mut claims = Vec::new();
    if let Some(s) = &k.storage {
        // The claim is the server's own (instance labels): `delete` keeps it unless --purge.
        let claim = format!("{name}-data");
        claims.push(Claim {
            name: claim.clone(),
            size: s.size.clone(),
            access_mode: s.access,
            storage_class: s.class.clone(),
        });
        volumes.push(Volume {
            name: "data".into(),
            source: VolumeSource::Claim {
                claim,
                read_only: s.access == AccessMode::ReadOnlyMany,
            },
        });
        container.mounts.push(Mount {
            volume: "data".into(),
            mount_path: s.mount.clone(),
            read_only: s.access == AccessMode::ReadOnlyMany,
            sub_path: None,
        });
    }
    if k.autoscale.is_some()
        && let Some(n) = opts.replicas
    {
        return Err(option(
            "--replicas",
            format!(
                "the datum autoscales (b00t.k8s.autoscale); replicas {n} would fight the autoscaler"
            ),
        ));
    }
    let replicas = match k.autoscale {
        Some(_) => None,
        None => Some(opts.replicas.or(k.replicas).unwrap_or(1)),
    };

    let user = datum.k8s.run_as_user.unwrap_or(DEFAULT_USER);
    let group = datum.k8s.run_as_group.unwrap_or(user);
    Ok(Workload {
        name,
        app: server,
        component: Component::McpServer,
        controller: Controller::Deployment,
        replicas,
        containers: vec![container],
        volumes,
        claims,
        network_policy: k.network_policy.clone(),
        disruption_budget: k.pdb,
        autoscale: k.autoscale,
        node_affinity: k.gpu.iter().filter_map(|g| g.affinity()).collect(),
        tolerations: k.gpu.iter().map(|g| g.toleration()).collect(),
        service_account: datum.k8s.service_account.clone(),
        automount_service_account_token: datum.k8s.service_account.is_some(),
        pod_security: PodSecurity {
            run_as_user: Some(user),
            run_as_group: Some(group),
            fs_group: Some(group),
            run_as_non_root: Some(true),
            restricted: true,
            ..PodSecurity::default()
        },
        source: Some(datum.path.display().to_string()),
        ..Workload::default()
    })
}

fn expand_all(
    items: &[String],
    key: &str,
    expand: &dyn Fn(&str, &str) -> Result<String>,
) -> Result<Vec<String>> {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| expand(s, &format!("{key}[{i}]")))
        .collect()
}

fn option(option: &str, message: String) -> Error {
    Error::DeployOption {
        option: option.to_string(),
        message,
    }
}

/// The server name as a DNS-1123 label short enough to take the `-mcp` suffix.
fn server_label(name: &str) -> String {
    let label = dns_label(name).unwrap_or_else(|| "mcp".to_string());
    let short: String = label.chars().take(59).collect();
    short.trim_end_matches('-').to_string()
}

fn plan<'d>(datum: &'d Datum, opts: &DeployOptions) -> Result<Plan<'d>> {
    let explicit = opts.image.clone().or_else(|| datum.k8s.image.clone());
    let ordered = datum.stdio_by_priority();
    for m in &ordered {
        let origins = (0..m.args.len()).map(|i| format!("{}.args[{i}]", m.key));
        if docker::is_docker(&m.command) {
            // Interpolate first so `${VAR}` works anywhere on the docker command line.
            let mut args = Vec::with_capacity(m.args.len());
            for (a, origin) in m.args.iter().zip(origins) {
                args.push(interp::expand(a, opts.env.as_ref()).map_err(|message| {
                    Error::Interpolate {
                        path: datum.path.clone(),
                        key: origin,
                        message,
                    }
                })?);
            }
            let run = docker::parse(&args).map_err(|message| Error::DockerRun {
                path: datum.path.clone(),
                key: format!("{}.args", m.key),
                message,
            })?;
            let origin = format!("{}.args", m.key);
            return Ok(Plan {
                image: explicit.unwrap_or(run.image),
                command: run.entrypoint.map(|e| vec![e]),
                args: run.args.into_iter().map(|a| (a, origin.clone())).collect(),
                args_interpolated: true,
                method: Some(m),
                docker_env: run.env,
                workdir: run.workdir,
            });
        }
        if let Some(image) = explicit
            .clone()
            .or_else(|| opts.config.image_for(&m.command))
        {
            return Ok(Plan {
                image,
                command: Some(vec![m.command.clone()]),
                args: m.args.iter().cloned().zip(origins).collect(),
                args_interpolated: false,
                method: Some(m),
                docker_env: Vec::new(),
                workdir: None,
            });
        }
    }
    if !ordered.is_empty() {
        let mut commands: Vec<String> = Vec::new();
        for m in &ordered {
            if !commands.contains(&m.command) {
                commands.push(m.command.clone());
            }
        }
        return Err(Error::NoImage {
            server: datum.name.clone(),
            path: datum.path.clone(),
            commands,
        });
    }
    if let Some(k8s_image) = &datum.k8s.image {
        return Ok(Plan {
            image: opts.image.clone().unwrap_or_else(|| k8s_image.clone()),
            command: None,
            args: Vec::new(),
            args_interpolated: true,
            method: None,
            docker_env: Vec::new(),
            workdir: None,
        });
    }
    if let Some(h) = datum.httpstream.iter().min_by_key(|h| h.priority) {
        return Err(Error::RemoteOnly {
            server: datum.name.clone(),
            path: datum.path.clone(),
            url: h.url.clone(),
        });
    }
    Err(Error::NoMethod {
        server: datum.name.clone(),
        path: datum.path.clone(),
    })
}
