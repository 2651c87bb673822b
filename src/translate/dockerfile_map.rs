//! A resolved Dockerfile [`ImageConfig`] → a [`Bundle`] of one workload.
//!
//! The image built from the Dockerfile keeps its own ENTRYPOINT, CMD, ENV, WORKDIR, LABELs and
//! STOPSIGNAL, so those are not repeated; what Kubernetes must know (ports, probes, user,
//! volumes) is mapped. The resolver's warnings keep their line numbers (`line N`).

use super::common::{self, Health};
use std::time::Duration;

use super::dockerfile::{HealthTest, ImageConfig};
use crate::render::labels;
use crate::render::validate;
use crate::workload::{
    Bundle, Component, Container, EnvVar, Mount, Port, Volume, VolumeSource, Warning, Workload,
};

/// Options of the Dockerfile mapping.
#[derive(Debug, Clone, Default)]
pub struct DockerfileMapOptions {
    /// Workload name (already a DNS label).
    pub name: String,
    /// Image to run; default `<name>:latest` with a warning to build and push it.
    pub image: Option<String>,
    pub extra_env: Vec<(String, String)>,
    /// The `b00t.elastic.ventures/source` annotation.
    pub source: Option<String>,
}

/// A value of the Dockerfile Kubernetes cannot take (or Docker would refuse to run), at its
/// instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Check what the mapping would emit from `cfg` against Kubernetes' limits, before mapping:
/// USER ids (0 to 2147483647), HEALTHCHECK durations and counts that fit the probe's int32
/// seconds and thresholds, and STOPSIGNAL numbers that are Linux signals. BuildKit's own
/// rules (bad ports, protocols, durations, unknown signal names) are the resolver's.
pub fn check(cfg: &ImageConfig) -> Result<(), BadValue> {
    let at = |pos: Option<(usize, usize)>, message: String| {
        let (line, col) = pos.unwrap_or((1, 1));
        BadValue { line, col, message }
    };
    if let Some(u) = &cfg.user {
        let (user, group) = match u.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (u.as_str(), None),
        };
        for (what, id) in [("user", Some(user)), ("group", group)] {
            let Some(id) = id.filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            if id.parse::<i64>().ok().is_none_or(|n| n > validate::MAX_ID) {
                return Err(at(
                    cfg.lines.user,
                    format!(
                        "USER {u}: {what} id {id} is out of range (0 to {})",
                        validate::MAX_ID
                    ),
                ));
            }
        }
    }
    if let Some(h) = &cfg.healthcheck
        && !matches!(h.test, HealthTest::Disabled)
    {
        let max = Duration::from_secs(i32::MAX as u64);
        for (flag, d) in [
            ("interval", h.interval),
            ("timeout", h.timeout),
            ("start-period", h.start_period),
            ("start-interval", h.start_interval),
        ] {
            if d > max {
                return Err(at(
                    cfg.lines.healthcheck,
                    format!(
                        "HEALTHCHECK --{flag}: {} s is more than a probe can wait ({} s)",
                        d.as_secs(),
                        i32::MAX
                    ),
                ));
            }
        }
        // The startup probe counts start-period / start-interval attempts, plus the retries.
        let period = h.start_interval.as_secs().max(1);
        let attempts = h.start_period.as_secs().div_ceil(period) + u64::from(h.retries);
        if !h.start_period.is_zero() && attempts > i32::MAX as u64 {
            return Err(at(
                cfg.lines.healthcheck,
                format!(
                    "HEALTHCHECK: --start-period / --start-interval is {attempts} attempts, more than a probe's failureThreshold can count ({})",
                    i32::MAX
                ),
            ));
        }
    }
    if let Some(sig) = &cfg.stop_signal
        && let Ok(n) = sig.parse::<u64>()
        && n > 64
    {
        return Err(at(
            cfg.lines.stop_signal,
            format!(
                "STOPSIGNAL {sig}: not a Linux signal (1 to 64); the container could not be stopped with it"
            ),
        ));
    }
    Ok(())
}

/// `VOLUME data` is mounted at `/data` (Docker joins a volume path to the container's root):
/// the clean absolute path, and whether it differs from what was written.
fn mount_path(v: &str) -> (String, bool) {
    let mut parts: Vec<&str> = Vec::new();
    for p in v.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let clean = format!("/{}", parts.join("/"));
    let changed = clean != v.trim_end_matches('/') && !(clean == "/" && v.starts_with('/'));
    (clean, changed)
}

/// Map a resolved image config.
pub fn map_image_config(cfg: &ImageConfig, opts: &DockerfileMapOptions) -> Bundle {
    let name = opts.name.clone();
    let mut warnings: Vec<Warning> = cfg
        .warnings
        .iter()
        .map(|(line, m)| Warning {
            subject: format!("line {line}"),
            message: m.clone(),
        })
        .collect();
    let image = match &opts.image {
        Some(i) => i.clone(),
        None => {
            let i = format!("{name}:latest");
            warnings.push(Warning {
                subject: name.clone(),
                message: format!(
                    "image: none given (--image); build and push the image as {i} to a registry the cluster can pull from"
                ),
            });
            i
        }
    };
    let mut c = Container {
        name: name.clone(),
        image,
        ..Default::default()
    };
    c.ports = cfg
        .exposed_ports
        .iter()
        .map(|(p, proto)| Port {
            container_port: *p,
            protocol: *proto,
            name: None,
            service_port: Some(*p),
        })
        .collect();
    if let Some(h) = &cfg.healthcheck {
        let argv = match &h.test {
            HealthTest::Disabled => None,
            HealthTest::Exec(v) if v.is_empty() => None,
            HealthTest::Exec(v) => Some(v.clone()),
            HealthTest::Shell(cmd) => {
                let mut v = cfg.shell_or_default();
                v.push(cmd.clone());
                Some(v)
            }
        };
        if let Some(argv) = argv {
            let p = common::probes(&Health {
                argv,
                interval: Some(h.interval),
                timeout: Some(h.timeout),
                retries: Some(u64::from(h.retries)),
                start_period: Some(h.start_period),
                start_interval: Some(h.start_interval),
            });
            c.liveness = Some(p.liveness);
            c.readiness = Some(p.readiness);
            c.startup = p.startup;
        }
    }
    c.security.run_as_user = cfg.uid.map(i64::from);
    c.security.run_as_group = cfg.gid.map(i64::from);
    let mut volumes = Vec::new();
    for (i, path) in cfg.volumes.iter().enumerate() {
        let vname = format!("volume-{}", i + 1);
        let (path, changed) = mount_path(path);
        if changed {
            let line = cfg.lines.volumes.get(i).map_or(1, |(l, _)| *l);
            warnings.push(Warning {
                subject: format!("line {line}"),
                message: format!(
                    "VOLUME {}: Docker mounts it at {path} (relative to the root); so does the pod",
                    cfg.volumes[i]
                ),
            });
        }
        volumes.push(Volume {
            name: vname.clone(),
            source: VolumeSource::EmptyDir {
                memory: false,
                size_limit: None,
            },
        });
        c.mounts.push(Mount {
            volume: vname,
            mount_path: path,
            read_only: false,
            sub_path: None,
        });
    }
    for (k, _) in cfg
        .env
        .iter()
        .filter(|(k, v)| crate::workload::looks_secret(k, v))
    {
        warnings.push(Warning {
            subject: name.clone(),
            message: format!(
                "ENV {k}: looks like a secret and is baked into the image; pass it at deploy time with --env (it then goes into a Secret)"
            ),
        });
    }
    for (k, v) in &opts.extra_env {
        c.env.retain(|e| &e.name != k);
        c.env.push(EnvVar::new(k.clone(), v.clone()));
    }
    c.env.sort_by(|a, b| a.name.cmp(&b.name));
    let mut w = Workload {
        name: name.clone(),
        app: name.clone(),
        component: Component::App,
        containers: vec![c],
        volumes,
        source: opts.source.clone(),
        ..Default::default()
    };
    w.labels.insert(labels::PART_OF.into(), name);
    Bundle {
        workloads: vec![w],
        claims: vec![],
        data: vec![],
        warnings,
    }
}

/// A plain image as one workload (`deploy --image IMG`).
pub fn map_image(image: &str, name: &str, extra_env: &[(String, String)]) -> Bundle {
    let cfg = ImageConfig::default();
    let opts = DockerfileMapOptions {
        name: name.to_string(),
        image: Some(image.to_string()),
        extra_env: extra_env.to_vec(),
        source: None,
    };
    map_image_config(&cfg, &opts)
}
