//! A resolved Dockerfile [`ImageConfig`] → a [`Bundle`] of one workload.
//!
//! The image built from the Dockerfile keeps its own ENTRYPOINT, CMD, ENV, WORKDIR, LABELs and
//! STOPSIGNAL, so those are not repeated; what Kubernetes must know (ports, probes, user,
//! volumes) is mapped. The resolver's warnings keep their line numbers (`line N`).

use super::common::{self, Health};
use super::dockerfile::{HealthTest, ImageConfig};
use crate::render::labels;
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
        volumes.push(Volume {
            name: vname.clone(),
            source: VolumeSource::EmptyDir {
                memory: false,
                size_limit: None,
            },
        });
        c.mounts.push(Mount {
            volume: vname,
            mount_path: path.clone(),
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
