//! A loaded compose [`Project`] → a [`Bundle`] of workloads, claims and config data, following
//! the target mapping of `reference/translate.md` row by row. Every key that is present and not
//! (fully) mapped produces a [`Warning`] naming the service and the key: never silence.
//!
//! Pure: besides the project, it reads only the `file:` of top-level configs and secrets. It
//! never looks at bind-mount sources, so the output does not depend on where it runs.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::common::{self, Health};
use super::compose::{self, Command, HealthTest, MountType, Project, Restart, Service};
use snafu::IntoError;

use super::kompose::{self, ControllerType, VolumeLabels};
use super::{MapError, ReadConfigSnafu, SplitSnafu};
use crate::render::{labels, validate};
use crate::workload::{
    AccessMode, Bundle, Claim, Component, Container, ContainerSecurity, Controller, DataObject,
    DnsConfig, EnvVar, HostAlias, Ingress, KeyToPath, Mount, NodeRequirement, Port, Probe,
    Protocol, RestartPolicy, ServiceType, Volume, VolumeSource, Warning, Workload, dns_label,
};

/// Default size of a PersistentVolumeClaim for a named volume.
pub const DEFAULT_CLAIM_SIZE: &str = "1Gi";
/// Volume label that sets the claim size (`b00t.elastic.ventures/size: 10Gi`).
pub const SIZE_LABEL: &str = "b00t.elastic.ventures/size";

/// Options of the compose mapping.
#[derive(Debug, Clone, Default)]
pub struct ComposeMapOptions {
    /// `app.kubernetes.io/name` and part-of (default: the project name).
    pub name: Option<String>,
    /// Image for a single-service project (overrides `image`/`build`).
    pub image: Option<String>,
    /// Extra environment for every service (`--env K=V`).
    pub extra_env: Vec<(String, String)>,
    /// The `b00t.elastic.ventures/source` annotation (the compose file as given).
    pub source: Option<String>,
    /// `depends_on` → an initContainer that waits for the dependency's Service port.
    pub wait_deps: bool,
}

/// Image of the `--wait-deps` initContainers (has `nc`).
pub const WAIT_IMAGE: &str = "busybox:1.36";

/// The Service port a dependency is reached on: its first published or exposed port (TCP).
fn first_service_port(s: &Service) -> Option<u16> {
    let mut ports: Vec<u16> = s
        .ports
        .iter()
        .filter(|p| p.protocol == "tcp" && p.target != 0)
        .map(|p| {
            p.published
                .as_deref()
                .and_then(|x| x.parse::<u16>().ok())
                .filter(|x| *x > 0)
                .unwrap_or(p.target)
        })
        .chain(
            s.expose
                .iter()
                .filter(|e| e.protocol == "tcp" && e.port != 0)
                .map(|e| e.port),
        )
        .collect();
    ports.sort_unstable();
    ports.first().copied()
}

/// The Kubernetes name of a compose service: a DNS-1035 label (Service names are), made
/// from the compose name by lower-casing, `_`/`.`/others → `-`, a `svc-` prefix when it starts
/// with a digit, and cutting at 63 characters. Callers warn when it differs.
fn object_name(service: &str) -> String {
    let Some(l) = dns_label(service) else {
        return "service".into();
    };
    if l.starts_with(|c: char| c.is_ascii_digit()) {
        dns_label(&format!("svc-{l}")).unwrap_or(l)
    } else {
        l
    }
}

/// `key` of `keys` (or else the service itself) as `file:line:col`.
fn key_pos(s: &Service, keys: &compose::Keys, key: &str) -> String {
    keys.get(key).unwrap_or(&s.pos).to_string()
}

/// A value of service `s` Kubernetes would refuse; `key` is dotted below `services.<name>`.
fn refused(s: &Service, pos: String, key: &str, message: impl Into<String>) -> MapError {
    MapError::Refused {
        pos,
        key: if key.is_empty() {
            format!("services.{}", s.name)
        } else {
            format!("services.{}.{key}", s.name)
        },
        message: message.into(),
    }
}

/// Keys of a service this mapping handles (fully, or with a warning of its own).
const MAPPED: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "tmpfs",
    "configs",
    "secrets",
    "healthcheck",
    "deploy",
    "restart",
    "user",
    "cap_add",
    "cap_drop",
    "privileged",
    "read_only",
    "working_dir",
    "stdin_open",
    "tty",
    "hostname",
    "stop_grace_period",
    "network_mode",
    "pid",
    "ipc",
    "extra_hosts",
    "dns",
    "dns_search",
    "dns_opt",
    "sysctls",
    "labels",
    "annotations",
    "depends_on",
    "profiles",
    "scale",
    "mem_limit",
    "mem_reservation",
    "cpus",
    "shm_size",
    "platform",
    "security_opt",
    "networks",
    "group_add",
    "domainname",
    "runtime",
    "volumes_from",
];

struct Cx<'a> {
    project: &'a Project,
    app: String,
    warnings: Vec<Warning>,
    /// Claims by name: size, whether every mount of it is read-only, StorageClass.
    claims: BTreeMap<String, (String, bool, Option<String>)>,
    /// kompose labels of the top-level volumes, by key.
    volume_labels: BTreeMap<String, VolumeLabels>,
    /// Data objects by name.
    data: BTreeMap<String, DataObject>,
    used_volumes: BTreeSet<String>,
}

impl Cx<'_> {
    fn warn(&mut self, subject: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            subject: subject.to_string(),
            message: message.into(),
        });
    }

    /// A host path for messages: relative to the project directory when inside it.
    fn show_path(&self, p: &str) -> String {
        let dir = &self.project.working_dir;
        match Path::new(p).strip_prefix(dir) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
            Ok(rel) => format!("./{}", rel.display()),
            Err(_) => p.to_string(),
        }
    }
}

/// Map a loaded compose project.
pub fn map_project(project: &Project, opts: &ComposeMapOptions) -> Result<Bundle, MapError> {
    let app = opts
        .name
        .as_deref()
        .and_then(dns_label)
        .or_else(|| dns_label(&project.name))
        .unwrap_or_else(|| "app".into());
    let mut cx = Cx {
        project,
        app,
        warnings: Vec::new(),
        claims: BTreeMap::new(),
        volume_labels: BTreeMap::new(),
        data: BTreeMap::new(),
        used_volumes: BTreeSet::new(),
    };
    for w in &project.warnings {
        let subject = w
            .pos
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "compose".into());
        cx.warn(&subject, w.message.clone());
    }
    top_level(&mut cx);
    for (name, d) in &project.volumes {
        let l = kompose::volume(name, d, &mut cx.warnings)?;
        cx.volume_labels.insert(name.clone(), l);
    }
    if opts.image.is_some() && project.services.len() > 1 {
        return Err(MapError::ImageForMany {
            services: project.services.len(),
        });
    }
    if project.services.is_empty() {
        return Err(MapError::NoServices {
            file: project
                .files
                .first()
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
        });
    }
    let mut workloads: Vec<Workload> = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut of_service: BTreeMap<String, usize> = BTreeMap::new();
    for (name, svc) in &project.services {
        let w = service(&mut cx, name, svc, opts)?;
        fits(svc, &w)?;
        if let Some(other) = names.insert(w.name.clone(), name.clone()) {
            return Err(MapError::NameClash {
                a: other,
                b: name.clone(),
                name: w.name,
            });
        }
        of_service.insert(name.clone(), workloads.len());
        workloads.push(w);
    }
    let mut workloads = share_network(&mut cx, workloads, &of_service)?;
    claim_templates(&mut cx, &mut workloads);
    for (key, def) in &project.volumes {
        if !cx.used_volumes.contains(key) {
            let _ = def;
            cx.warn(
                &format!("volumes.{key}"),
                "not used by any service; no PersistentVolumeClaim created",
            );
        }
    }
    let claims = std::mem::take(&mut cx.claims)
        .into_iter()
        .map(|(name, c)| claim(name, c))
        .collect();
    let data = std::mem::take(&mut cx.data).into_values().collect();
    Ok(Bundle {
        workloads,
        claims,
        data,
        warnings: cx.warnings,
    })
}

/// A claim from [`Cx::claims`]' entry: read-only many when every mount is read-only.
fn claim(name: String, (size, ro, storage_class): (String, bool, Option<String>)) -> Claim {
    Claim {
        name,
        size,
        storage_class,
        access_mode: if ro {
            AccessMode::ReadOnlyMany
        } else {
            AccessMode::ReadWriteOnce
        },
    }
}

/// A StatefulSet's named volumes become `volumeClaimTemplates`, one claim per pod, as kompose
/// embeds them; a volume another service also mounts stays one shared claim (with a warning),
/// and an external one stays the claim that must exist.
fn claim_templates(cx: &mut Cx<'_>, workloads: &mut [Workload]) {
    let users = |ws: &[Workload], claim: &str| {
        ws.iter()
            .filter(|w| {
                w.volumes.iter().any(
                    |v| matches!(&v.source, VolumeSource::Claim { claim: c, .. } if c == claim),
                )
            })
            .count()
    };
    for i in 0..workloads.len() {
        if workloads[i].controller != Controller::StatefulSet {
            continue;
        }
        let claims: Vec<String> = workloads[i]
            .volumes
            .iter()
            .filter_map(|v| match &v.source {
                VolumeSource::Claim { claim, .. } if cx.claims.contains_key(claim) => {
                    Some(claim.clone())
                }
                _ => None,
            })
            .collect();
        for claim in claims {
            let name = workloads[i].name.clone();
            if users(workloads, &claim) > 1 {
                cx.warn(
                    &name,
                    format!("volume {claim:?} is shared with another service: one PersistentVolumeClaim for all pods of the StatefulSet, not one each"),
                );
                continue;
            }
            let Some(c) = cx.claims.remove(&claim) else {
                continue;
            };
            let w = &mut workloads[i];
            w.volumes.retain(|v| v.name != claim);
            w.claim_templates.push(self::claim(claim, c));
        }
    }
}

fn top_level(cx: &mut Cx<'_>) {
    let p = cx.project;
    for key in p.keys.keys() {
        match key.as_str() {
            "version" | "name" | "services" | "volumes" | "configs" | "secrets" | "include" => {}
            "networks" => {
                for (n, def) in &p.networks {
                    if n == "default" && def.keys.is_empty() {
                        continue;
                    }
                    cx.warn(
                        &format!("networks.{n}"),
                        "not mapped: every pod can reach every Service of the namespace (use a NetworkPolicy to isolate)",
                    );
                }
            }
            other => cx.warn(
                "compose",
                format!("{other}: not mapped (no Kubernetes equivalent)"),
            ),
        }
    }
    for (kind, objs) in [("configs", &p.configs), ("secrets", &p.secrets)] {
        for (name, o) in objs {
            for k in o.keys.keys() {
                if k == "driver" {
                    let driver = o.driver.as_deref().unwrap_or_default();
                    let why = if o.file.is_none()
                        && o.content.is_none()
                        && o.environment.is_none()
                        && !o.external
                    {
                        "not mapped; treated as external (the object must exist in the cluster)"
                    } else {
                        "not mapped"
                    };
                    cx.warn(
                        &format!("{kind}.{name}"),
                        format!("driver: {driver:?} {why}"),
                    );
                } else if !matches!(
                    k.as_str(),
                    "file" | "content" | "environment" | "external" | "name"
                ) {
                    cx.warn(&format!("{kind}.{name}"), format!("{k}: not mapped"));
                }
            }
        }
    }
    for (name, v) in &p.volumes {
        for k in v.keys.keys() {
            match k.as_str() {
                "name" | "external" => {}
                // kompose labels: read (or warned about) by `kompose::volume`.
                "labels"
                    if v
                        .labels
                        .keys()
                        .all(|l| l == SIZE_LABEL || kompose::is_kompose(l)) => {}
                "labels" => cx.warn(
                    &format!("volumes.{name}"),
                    format!("labels: not mapped (only {SIZE_LABEL} and kompose.volume.* are read)"),
                ),
                other => cx.warn(
                    &format!("volumes.{name}"),
                    format!("{other}: not mapped (the cluster's default StorageClass provides the volume)"),
                ),
            }
        }
    }
}

fn protocol(p: &str) -> Protocol {
    match p {
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        _ => Protocol::Tcp,
    }
}

/// Command / entrypoint → argv; `None` with a warning when it cannot be expressed.
fn argv(
    cx: &mut Cx<'_>,
    svc: &Service,
    key: &str,
    c: &Command,
) -> Result<Option<Vec<String>>, MapError> {
    let v = match c {
        Command::Exec(v) => v.clone(),
        Command::Shell(s) => common::split_words(s).map_err(|message| {
            let pos = svc
                .keys
                .get(key)
                .cloned()
                .unwrap_or_else(|| svc.pos.clone());
            SplitSnafu {
                pos: pos.to_string(),
                key: key.to_string(),
                message,
            }
            .build()
        })?,
    };
    if v.is_empty() {
        cx.warn(
            &svc.name,
            format!(
                "{key}: an empty {key} cannot be expressed (Kubernetes treats an empty list as unset); the image's {} is used",
                if key == "entrypoint" { "ENTRYPOINT" } else { "CMD" }
            ),
        );
        return Ok(None);
    }
    Ok(Some(v))
}

fn service(
    cx: &mut Cx<'_>,
    name: &str,
    s: &Service,
    opts: &ComposeMapOptions,
) -> Result<Workload, MapError> {
    let wname = object_name(name);
    let subject = name.to_string();
    if wname != name {
        cx.warn(
            &subject,
            format!(
                "renamed to {wname:?}: Service names must be DNS-1035 labels (at most 63 lower-case letters, digits and '-', starting with a letter); other pods reach it as {wname}"
            ),
        );
    }
    let mut w = Workload {
        name: wname.clone(),
        app: cx.app.clone(),
        component: Component::App,
        source: opts.source.clone(),
        // As on a compose network, every service is reachable by its name.
        reachable_by_name: true,
        ..Default::default()
    };
    w.labels.insert(labels::PART_OF.into(), cx.app.clone());
    let kl = kompose::service(s, &mut cx.warnings)?;
    let mut c = Container {
        name: wname.clone(),
        image_pull_policy: kl.image_pull_policy.map(String::from),
        ..Default::default()
    };
    w.image_pull_secrets.extend(kl.image_pull_secret.clone());
    if let Some((name, image, command)) = &kl.init {
        if *name == wname {
            return Err(refused(
                s,
                key_pos(s, &s.label_keys, kompose::INIT_NAME),
                &format!("labels.{}", kompose::INIT_NAME),
                format!("{name:?} is the name of the service's own container"),
            ));
        }
        w.init_containers.push(Container {
            name: name.clone(),
            image: image.clone(),
            command: command.clone(),
            image_pull_policy: kl.image_pull_policy.map(String::from),
            ..Default::default()
        });
    }
    w.pod_security.fs_group = kl.fs_group;

    // ---- image / build
    // An empty `image: ""` is no image (Kubernetes requires one).
    let image = s.image.as_ref().filter(|i| !i.trim().is_empty());
    c.image = match (&opts.image, image, &s.build) {
        (Some(i), _, _) => i.clone(),
        (None, Some(i), b) => {
            if let Some(why) = validate::image_reference_error(i) {
                return Err(refused(s, key_pos(s, &s.keys, "image"), "image", why));
            }
            if b.is_some() {
                cx.warn(
                    &subject,
                    format!("build: not run by b00t; the image {i} is used, build and push it to a registry the cluster can pull from"),
                );
            }
            i.clone()
        }
        (None, None, b) => {
            let img = format!("{}-{}:latest", cx.app, wname);
            if b.is_some() {
                cx.warn(
                    &subject,
                    format!(
                        "build: not run by b00t; build and push the image as {img} (or set image:)"
                    ),
                );
            } else {
                cx.warn(&subject, format!("image: none given; using {img}"));
            }
            img
        }
    };
    if let Some(b) = &s.build {
        for k in b.keys.keys() {
            if !matches!(
                k.as_str(),
                "context" | "dockerfile" | "dockerfile_inline" | "args" | "target"
            ) {
                cx.warn(&subject, format!("build.{k}: not mapped"));
            }
        }
    }

    // ---- entrypoint / command
    if let Some(e) = &s.entrypoint {
        c.command = argv(cx, s, "entrypoint", e)?;
    }
    if let Some(cmd) = &s.command {
        c.args = argv(cx, s, "command", cmd)?;
    }

    // ---- environment
    for (k, v) in &s.environment {
        match v {
            Some(v) => c.env.push(EnvVar::new(k.clone(), v.clone())),
            None => cx.warn(
                &subject,
                format!("environment.{k}: declared without a value and not set in the environment; left out"),
            ),
        }
    }
    for (k, v) in &opts.extra_env {
        c.env.retain(|e| &e.name != k);
        c.env.push(EnvVar::new(k.clone(), v.clone()));
    }
    c.env.sort_by(|a, b| a.name.cmp(&b.name));

    // ---- ports and expose
    ports(cx, s, &mut c);
    if !c.ports.is_empty()
        && kl.controller.is_none()
        && s.deploy.as_ref().and_then(|d| d.mode.as_deref()) == Some("global")
    {
        cx.warn(
            &subject,
            "ports: a DaemonSet gets no Service; reach its pods by node or pod IP",
        );
    }

    // ---- volumes, tmpfs, shm_size, configs, secrets
    volumes(cx, s, &kl.volume, &mut w, &mut c);
    tmpfs(cx, s, &mut w, &mut c)?;
    if let Some(shm) = s.shm_size {
        w.volumes.push(Volume {
            name: "dshm".into(),
            source: VolumeSource::EmptyDir {
                memory: true,
                size_limit: Some(common::memory_quantity(shm)),
            },
        });
        c.mounts.push(Mount {
            volume: "dshm".into(),
            mount_path: "/dev/shm".into(),
            read_only: false,
            sub_path: None,
        });
    }
    file_mounts(cx, s, &mut w, &mut c, false)?;
    file_mounts(cx, s, &mut w, &mut c, true)?;
    let mut paths = BTreeSet::new();
    for m in &c.mounts {
        if !paths.insert(m.mount_path.as_str()) {
            return Err(refused(
                s,
                s.pos.to_string(),
                "",
                format!(
                    "{} is mounted twice (by volumes, tmpfs, shm_size, configs or secrets); Docker and Kubernetes refuse duplicate mount points",
                    m.mount_path
                ),
            ));
        }
    }

    // ---- healthcheck
    if let Some(h) = &s.healthcheck {
        healthcheck(cx, s, h, &mut c);
    }
    for (labels, slot) in [
        (&kl.readiness, &mut c.readiness),
        (&kl.liveness, &mut c.liveness),
    ] {
        if let Some(l) = labels {
            *slot = Some(label_probe(l, s.healthcheck.as_ref()));
        }
    }

    // ---- deploy, resources, restart
    // Resources with the position they come from; 0 means "no limit" / "no reservation", as
    // in Docker (`mem_limit: 0` is unlimited, not a limit of 0).
    let mut limits = Amounts::default();
    let mut requests = Amounts::default();
    let mut controller = Controller::Deployment;
    let mut restart = RestartPolicy::Always;
    if let Some(d) = &s.deploy {
        match d.mode.as_deref() {
            Some("global") if kl.controller.is_none() => controller = Controller::DaemonSet,
            Some(m @ ("replicated-job" | "global-job")) => {
                controller = Controller::Pod;
                restart = RestartPolicy::OnFailure;
                cx.warn(
                    &subject,
                    format!("deploy.mode: {m} runs as a bare Pod (a Job is not generated)"),
                );
            }
            _ => {}
        }
        if let Some(r) = d.replicas {
            if controller == Controller::DaemonSet {
                cx.warn(
                    &subject,
                    "deploy.replicas: ignored for deploy.mode: global (one pod per node)",
                );
            } else {
                w.replicas = Some(replicas(
                    s,
                    r,
                    key_pos(s, &d.keys, "replicas"),
                    "deploy.replicas",
                )?);
            }
        }
        let res = &d.resources;
        if let Some(l) = &res.limits {
            limits = amounts(cx, s, l, "limits");
        }
        if let Some(r) = &res.reservations {
            requests = amounts(cx, s, r, "reservations");
        }
        if let Some(rp) = &d.restart_policy {
            match rp.condition.as_deref() {
                Some("none") => {
                    controller = Controller::Pod;
                    restart = RestartPolicy::Never;
                }
                Some("on-failure") => {
                    controller = Controller::Pod;
                    restart = RestartPolicy::OnFailure;
                }
                _ => {}
            }
            if let Some(n) = rp.max_attempts {
                cx.warn(
                    &subject,
                    format!("deploy.restart_policy.max_attempts: Kubernetes restarts without a limit (with back-off); the limit of {n} is not kept"),
                );
            }
            if rp.delay.is_some() || rp.window.is_some() {
                cx.warn(&subject, "deploy.restart_policy.delay/window: not mapped (the kubelet uses exponential back-off)");
            }
        }
        for k in d.keys.keys() {
            match k.as_str() {
                "mode" | "replicas" | "resources" | "restart_policy" => {}
                "labels" => {
                    for (lk, lv) in &d.labels {
                        annotate(cx, &subject, &mut w, "deploy.labels", lk, lv);
                    }
                }
                "placement" if d.placement_constraints.is_empty() => cx.warn(
                    &subject,
                    "deploy.placement: not mapped (use nodeSelector/affinity)",
                ),
                "placement" => {
                    for c in &d.placement_constraints {
                        match placement(c) {
                            Ok(r) => w.node_affinity.push(r),
                            Err(why) => cx.warn(
                                &subject,
                                format!("deploy.placement.constraints: {c:?} not mapped ({why})"),
                            ),
                        }
                    }
                }
                other => cx.warn(&subject, format!("deploy.{other}: not mapped")),
            }
        }
    }
    // Legacy resource keys, when deploy.resources does not set them.
    let at = |k: &str| key_pos(s, &s.keys, k);
    if limits.memory.is_none() {
        limits.memory = Amount::memory(s.mem_limit, at("mem_limit"), "mem_limit");
    }
    if requests.memory.is_none() {
        requests.memory =
            Amount::memory(s.mem_reservation, at("mem_reservation"), "mem_reservation");
    }
    if limits.cpu.is_none() {
        limits.cpu = Amount::cpus(s.cpus, at("cpus"), "cpus");
    }
    resources(s, limits, requests, &mut c)?;
    // kompose.controller.type overrides deploy.mode.
    match kl.controller {
        Some((ControllerType::DaemonSet, _)) => {
            controller = Controller::DaemonSet;
            if !c.ports.is_empty() {
                cx.warn(
                    &subject,
                    "ports: a DaemonSet gets no Service; reach its pods by node or pod IP",
                );
            }
            if w.replicas.is_some() {
                cx.warn(
                    &subject,
                    "replicas: a DaemonSet runs one pod per node; replicas not kept",
                );
                w.replicas = None;
            }
        }
        Some((ControllerType::Deployment, _)) => controller = Controller::Deployment,
        Some((ControllerType::StatefulSet, _)) => {
            controller = Controller::StatefulSet;
            // kompose makes a StatefulSet's Service headless, so each pod has a DNS name
            // (`name-0.name`); an explicit kompose.service.type still wins.
            if kl.service_type.is_none() {
                w.service_type = ServiceType::Headless;
            }
        }
        None => {}
    }
    // kompose.service.type / kompose.service.nodeport.port.
    if let Some(t) = kl.service_type {
        if matches!(t, ServiceType::NodePort | ServiceType::LoadBalancer)
            && !c.ports.iter().any(|p| p.service_port.is_some())
        {
            return Err(refused(
                s,
                key_pos(s, &s.label_keys, kompose::SERVICE_TYPE),
                &format!("labels.{}", kompose::SERVICE_TYPE),
                format!("a {t:?} Service needs ports (or expose)"),
            ));
        }
        w.service_type = t;
    }
    if let Some((np, pos)) = &kl.node_port {
        let n = c.ports.iter().filter(|p| p.service_port.is_some()).count();
        if n != 1 {
            return Err(refused(
                s,
                pos.to_string(),
                &format!("labels.{}", kompose::NODEPORT_PORT),
                format!("the Service has {n} ports; a node port can be set only for exactly one"),
            ));
        }
        w.node_port = Some(*np);
    }
    // kompose.service.expose → an Ingress to the first Service port.
    if let Some((e, pos)) = &kl.expose {
        let key = format!("labels.{}", kompose::EXPOSE);
        if controller == Controller::DaemonSet {
            return Err(refused(
                s,
                pos.to_string(),
                &key,
                "a DaemonSet gets no Service for an Ingress to route to",
            ));
        }
        let Some(port) = c.ports.iter().find_map(|p| p.service_port) else {
            return Err(refused(
                s,
                pos.to_string(),
                &key,
                "an Ingress needs a port to route to (ports or expose)",
            ));
        };
        w.ingress = Some(Ingress {
            rules: e.rules.clone(),
            port,
            tls_secret: e.tls_secret.clone(),
            class_name: e.class_name.clone(),
        });
    }
    if w.replicas.is_none()
        && let Some(n) = s.scale
    {
        w.replicas = Some(replicas(s, n, key_pos(s, &s.keys, "scale"), "scale")?);
    }
    // A DaemonSet's or StatefulSet's pods always restart.
    let always = |c: Controller| match c {
        Controller::DaemonSet => Some("DaemonSet"),
        Controller::StatefulSet => Some("StatefulSet"),
        _ => None,
    };
    match &s.restart {
        None | Some(Restart::Always) | Some(Restart::UnlessStopped) => {}
        Some(Restart::No) => {
            if let Some(kind) = always(controller) {
                cx.warn(
                    &subject,
                    format!("restart: \"no\" cannot apply to a {kind} (always restarted)"),
                );
            } else {
                controller = Controller::Pod;
                restart = RestartPolicy::Never;
            }
        }
        Some(Restart::OnFailure(n)) => {
            if let Some(kind) = always(controller) {
                cx.warn(
                    &subject,
                    format!("restart: on-failure cannot apply to a {kind} (always restarted)"),
                );
            } else {
                controller = Controller::Pod;
                restart = RestartPolicy::OnFailure;
                if let Some(n) = n {
                    cx.warn(
                        &subject,
                        format!("restart: on-failure:{n}: Kubernetes restarts without a limit (with back-off); the limit of {n} is not kept"),
                    );
                }
            }
        }
    }
    // kompose.cronjob.schedule → a CronJob; its pods cannot restart Always, so an unset or
    // `always` restart becomes OnFailure, as kompose converts it.
    if let Some(cron) = &kl.cron {
        if let Some((_, cpos)) = &kl.controller {
            return Err(refused(
                s,
                cpos.to_string(),
                &format!("labels.{}", kompose::CONTROLLER_TYPE),
                format!(
                    "a service with {} runs as a CronJob, not another controller",
                    kompose::CRON_SCHEDULE
                ),
            ));
        }
        if controller == Controller::DaemonSet {
            cx.warn(
                &subject,
                "deploy.mode: global not kept; the CronJob runs one pod per schedule",
            );
        }
        if restart == RestartPolicy::Always {
            if matches!(
                s.restart,
                Some(Restart::Always) | Some(Restart::UnlessStopped)
            ) {
                cx.warn(
                    &subject,
                    "restart: a CronJob's pods restart OnFailure (Always is not allowed for a Job)",
                );
            }
            restart = RestartPolicy::OnFailure;
        }
        if let Some(r) = w.replicas.take() {
            cx.warn(
                &subject,
                format!("replicas: a CronJob runs one pod per schedule; {r} replicas not kept"),
            );
        }
        controller = Controller::CronJob;
        w.cron = Some(cron.clone());
    }
    // kompose.hpa.* → a HorizontalPodAutoscaler for the Deployment or StatefulSet; the
    // controller's replicas are then the autoscaler's to set.
    if let Some((a, pos, first)) = &kl.autoscale {
        if !matches!(controller, Controller::Deployment | Controller::StatefulSet) {
            return Err(refused(
                s,
                pos.to_string(),
                &format!("labels.{first}"),
                format!(
                    "a HorizontalPodAutoscaler scales a Deployment or StatefulSet; this service runs as a {}",
                    match controller {
                        Controller::DaemonSet => "DaemonSet (one pod per node)",
                        Controller::CronJob => "CronJob",
                        _ => "bare Pod (restart policy not always)",
                    }
                ),
            ));
        }
        if let Some(r) = w.replicas.take() {
            cx.warn(
                &subject,
                format!(
                    "replicas: {r} left to the HorizontalPodAutoscaler (between {} and {})",
                    a.min, a.max
                ),
            );
        }
        w.autoscale = Some(*a);
    }
    // A CronJob's Jobs and a StatefulSet's revision label append 11 characters to the name,
    // which must stay within 63.
    if matches!(controller, Controller::CronJob | Controller::StatefulSet) && w.name.len() > 52 {
        let k = if controller == Controller::CronJob {
            kompose::CRON_SCHEDULE
        } else {
            kompose::CONTROLLER_TYPE
        };
        return Err(refused(
            s,
            key_pos(s, &s.label_keys, k),
            &format!("labels.{k}"),
            format!(
                "the name {:?} has {} characters; a {controller:?} name has at most 52",
                w.name,
                w.name.len()
            ),
        ));
    }
    if controller == Controller::Pod && w.replicas.is_some_and(|r| r != 1) {
        cx.warn(
            &subject,
            format!(
                "replicas: a bare Pod (restart policy {restart:?}) runs once; {} replicas not kept",
                w.replicas.unwrap_or(1)
            ),
        );
        w.replicas = None;
    }
    w.controller = controller;
    w.restart_policy = restart;

    // ---- user, security
    if let Some(u) = &s.user {
        let (uid, gid) = match u.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (u.as_str(), None),
        };
        let pos = || key_pos(s, &s.keys, "user");
        let numeric = |x: &str| {
            let d = x.strip_prefix('-').unwrap_or(x);
            !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
        };
        for (what, x) in [("uid", Some(uid)), ("gid", gid)] {
            if let Some(x) = x.filter(|x| numeric(x) && x.parse::<i64>().is_err()) {
                return Err(refused(
                    s,
                    pos(),
                    "user",
                    format!("{what} {x} is out of range (0 to {})", validate::MAX_ID),
                ));
            }
        }
        match uid.parse::<i64>() {
            Ok(n) => c.security.run_as_user = Some(user_id(s, n, "uid", pos())?),
            Err(_) => cx.warn(
                &subject,
                format!("user: {uid:?} is a name; Kubernetes needs a numeric UID (the image's USER applies)"),
            ),
        }
        if let Some(g) = gid {
            match g.parse::<i64>() {
                Ok(n) => c.security.run_as_group = Some(user_id(s, n, "gid", pos())?),
                Err(_) => cx.warn(
                    &subject,
                    format!("user: group {g:?} is a name; Kubernetes needs a numeric GID"),
                ),
            }
        }
    }
    let cap = |v: &[String]| -> Vec<String> {
        let mut out: Vec<String> = v
            .iter()
            .map(|c| {
                let u = c.to_ascii_uppercase();
                u.strip_prefix("CAP_").map(str::to_string).unwrap_or(u)
            })
            .collect();
        out.dedup();
        out
    };
    c.security = ContainerSecurity {
        privileged: s.privileged.then_some(true),
        read_only_root_filesystem: s.read_only.then_some(true),
        cap_add: cap(&s.cap_add),
        cap_drop: cap(&s.cap_drop),
        ..c.security
    };
    for opt in &s.security_opt {
        match opt.as_str() {
            "no-new-privileges" | "no-new-privileges:true" | "no-new-privileges=true" => {
                c.security.allow_privilege_escalation = Some(false)
            }
            other => cx.warn(&subject, format!("security_opt: {other:?} not mapped")),
        }
    }

    // ---- simple container and pod fields
    c.working_dir = s.working_dir.clone();
    c.stdin = s.stdin_open;
    c.tty = s.tty;
    if let Some(h) = &s.hostname {
        match dns_label(h) {
            Some(l) if &l == h => w.hostname = Some(l),
            Some(l) => {
                cx.warn(
                    &subject,
                    format!("hostname: {h:?} is not a DNS label; using {l:?}"),
                );
                w.hostname = Some(l);
            }
            None => cx.warn(
                &subject,
                format!("hostname: {h:?} is not usable as a pod hostname"),
            ),
        }
    }
    for g in &s.group_add {
        match g.trim().parse::<i64>() {
            Ok(n) if !(0..=validate::MAX_ID).contains(&n) => {
                return Err(refused(
                    s,
                    key_pos(s, &s.keys, "group_add"),
                    "group_add",
                    format!("gid {n} is out of range (0 to {})", validate::MAX_ID),
                ));
            }
            Ok(n) => {
                if !w.pod_security.supplemental_groups.contains(&n) {
                    w.pod_security.supplemental_groups.push(n);
                }
            }
            Err(_) => cx.warn(
                &subject,
                format!("group_add: {g:?} is a group name; not mapped (supplementalGroups takes numeric gids)"),
            ),
        }
    }
    if let Some(d) = &s.domainname {
        if validate::is_dns1123_label(d) {
            w.subdomain = Some(d.clone());
        } else {
            cx.warn(
                &subject,
                format!("domainname: {d:?} is not a DNS label; not mapped (a pod subdomain is one label, the name of a headless Service)"),
            );
        }
    }
    match s.runtime.as_deref() {
        None => {}
        Some("runc") => cx.warn(
            &subject,
            "runtime: runc is the default runtime; no runtimeClassName",
        ),
        Some(r) if validate::is_dns1123_subdomain(r) => {
            w.runtime_class_name = Some(r.to_string());
            cx.warn(
                &subject,
                format!(
                    "runtime: {r:?} → runtimeClassName {r}; a RuntimeClass named {r} must exist"
                ),
            );
        }
        Some(r) => cx.warn(
            &subject,
            format!("runtime: {r:?} is not a valid RuntimeClass name; not mapped"),
        ),
    }
    if let Some(g) = s.stop_grace_period {
        w.termination_grace_period_seconds = Some(common::seconds(g, 0));
    }
    match s.network_mode.as_deref() {
        None => {}
        Some("host") => w.host_network = true,
        // Merged into the other service's pod by `share_network`.
        Some(m) if m.starts_with("service:") => {}
        Some(m) => cx.warn(
            &subject,
            format!("network_mode: {m:?} not mapped (every pod has its own network namespace)"),
        ),
    }
    match s.pid.as_deref() {
        None => {}
        Some("host") => w.host_pid = true,
        Some(m) => cx.warn(
            &subject,
            format!("pid: {m:?} not mapped (only \"host\" is)"),
        ),
    }
    match s.ipc.as_deref() {
        None | Some("private") => {}
        Some("host") => w.host_ipc = true,
        Some(m) => cx.warn(
            &subject,
            format!("ipc: {m:?} not mapped (only \"host\" is)"),
        ),
    }
    let mut aliases: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for h in &s.extra_hosts {
        if h.ip == "host-gateway" {
            cx.warn(
                &subject,
                format!(
                    "extra_hosts: {}:host-gateway has no Kubernetes equivalent; left out",
                    h.host
                ),
            );
            continue;
        }
        if h.ip.parse::<std::net::IpAddr>().is_err() {
            cx.warn(
                &subject,
                format!(
                    "extra_hosts: {}:{} is not an IP address; left out",
                    h.host, h.ip
                ),
            );
            continue;
        }
        aliases
            .entry(h.ip.clone())
            .or_default()
            .insert(h.host.clone());
    }
    w.host_aliases = aliases
        .into_iter()
        .map(|(ip, hosts)| HostAlias {
            ip,
            hostnames: hosts.into_iter().collect(),
        })
        .collect();
    if !s.dns.is_empty() || !s.dns_search.is_empty() || !s.dns_opt.is_empty() {
        let mut nameservers = Vec::new();
        for d in &s.dns {
            if d.parse::<std::net::IpAddr>().is_ok() {
                nameservers.push(d.clone());
            } else {
                cx.warn(
                    &subject,
                    format!("dns: {d:?} is not an IP address; left out"),
                );
            }
        }
        w.dns = Some(DnsConfig {
            nameservers,
            searches: s.dns_search.clone(),
            options: s
                .dns_opt
                .iter()
                .map(|o| match o.split_once(':') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (o.clone(), None),
                })
                .collect(),
        });
    }
    for (k, v) in &s.sysctls {
        if w.host_network && k.starts_with("net.") {
            // The kubelet rejects namespaced net.* sysctls in a pod on the host network.
            cx.warn(
                &subject,
                format!("sysctls.{k}: not allowed with network_mode: host; left out"),
            );
            continue;
        }
        if !validate::is_sysctl_name(k) {
            return Err(refused(
                s,
                key_pos(s, &s.keys, "sysctls"),
                "sysctls",
                format!("{k:?} is not a sysctl name"),
            ));
        }
        w.sysctls.insert(k.clone(), v.clone());
    }
    // kompose labels were read (or warned about) above; they are not annotations.
    for (k, v) in s.labels.iter().filter(|(k, _)| !kompose::is_kompose(k)) {
        annotate(cx, &subject, &mut w, "labels", k, v);
    }
    for (k, v) in &s.annotations {
        annotate(cx, &subject, &mut w, "annotations", k, v);
    }
    for (dep, d) in &s.depends_on {
        let target = cx
            .project
            .services
            .get(dep)
            .and_then(|ds| first_service_port(ds).map(|p| (ds, p)));
        match (opts.wait_deps, target, d.condition.as_str()) {
            (true, Some((ds, port)), "service_started" | "service_healthy") => {
                let host = object_name(&ds.name);
                // Through the Service: it only routes to ready pods, and readiness comes from
                // the dependency's healthcheck, so this also covers service_healthy.
                let script = format!(
                    "until nc -z -w 2 {host} {port}; do echo waiting for {host}:{port}; sleep 2; done"
                );
                w.init_containers.push(Container {
                    name: format!("wait-for-{host}").chars().take(63).collect::<String>().trim_end_matches('-').to_string(),
                    image: WAIT_IMAGE.into(),
                    command: Some(vec!["sh".into(), "-c".into(), script]),
                    ..Default::default()
                });
            }
            (true, None, _) => cx.warn(
                &subject,
                format!("depends_on: {dep}: it has no port to wait for (--wait-deps); Kubernetes has no start order"),
            ),
            (true, Some(_), cond) => cx.warn(
                &subject,
                format!("depends_on: {dep} ({cond}): cannot be awaited by an initContainer; Kubernetes has no start order"),
            ),
            (false, ..) => cx.warn(
                &subject,
                format!(
                    "depends_on: {dep} ({}): Kubernetes has no start order; {name} must retry until {dep} is reachable (or use --wait-deps)",
                    d.condition
                ),
            ),
        }
    }
    if let Some(p) = &s.platform {
        match common::platform_selector(p) {
            Some(sel) => w.node_selector.extend(sel),
            None => cx.warn(
                &subject,
                format!("platform: {p:?} not understood; not mapped"),
            ),
        }
    }
    for (net, sn) in &s.networks {
        if net == "default" && *sn == Default::default() {
            continue;
        }
        cx.warn(
            &subject,
            format!("networks.{net}: not mapped (pods reach each other through Services named after the services)"),
        );
    }

    // ---- everything else
    for key in s.keys.keys() {
        if MAPPED.contains(&key.as_str()) {
            continue;
        }
        let why = match key.as_str() {
            "container_name" => {
                format!("container_name: not mapped (the pod is named after the service, {wname})")
            }
            "links" | "external_links" => {
                format!("{key}: not mapped (services reach each other by Service name)")
            }
            "ulimits" => "ulimits: not mapped (Kubernetes has no per-pod ulimits)".into(),
            "init" => {
                "init: not mapped (no init process is injected; use an image with one)".into()
            }
            "stop_signal" => {
                "stop_signal: not mapped (Kubernetes sends SIGTERM; set STOPSIGNAL in the image)"
                    .into()
            }
            "logging" => "logging: not mapped (the cluster's log collection applies)".into(),
            "pull_policy" => "pull_policy: not mapped (imagePullPolicy is IfNotPresent)".into(),
            "devices" => "devices: not mapped (use a device plugin)".into(),
            other => format!("{other}: not mapped (no Kubernetes equivalent)"),
        };
        cx.warn(&subject, why);
    }

    // The HPA's utilization is a percentage of the pods' requests: without one it cannot
    // compute it and does not scale on that resource.
    if let Some(a) = &w.autoscale {
        // (A limit without a request is also the request: the API server defaults it.)
        let r = &c.resources;
        for (what, target, set) in [
            (
                "cpu",
                a.cpu_percent,
                r.requests_cpu.is_some() || r.limits_cpu.is_some(),
            ),
            (
                "memory",
                a.memory_percent,
                r.requests_memory.is_some() || r.limits_memory.is_some(),
            ),
        ] {
            if let (Some(p), false) = (target, set) {
                cx.warn(
                    &subject,
                    format!("kompose.hpa: the {what} target ({p}% utilization) is a share of the {what} request, and the service sets none (deploy.resources); the autoscaler cannot compute it"),
                );
            }
        }
    }
    w.containers.push(c);
    Ok(w)
}

/// `network_mode: service:X`: as in Compose the containers share one network namespace, so the
/// service runs as an extra container in X's pod (one controller, one Service with both
/// containers' ports); its own pod-level settings give way to X's, with a warning.
fn share_network(
    cx: &mut Cx<'_>,
    mut workloads: Vec<Workload>,
    of_service: &BTreeMap<String, usize>,
) -> Result<Vec<Workload>, MapError> {
    let project = cx.project;
    let mut removed = BTreeSet::new();
    for (name, s) in &project.services {
        let Some(mut host) = s
            .network_mode
            .as_deref()
            .and_then(|m| m.strip_prefix("service:"))
        else {
            continue;
        };
        // Follow a chain (a → b → c) to the service that owns the namespace.
        let mut seen = BTreeSet::from([name.as_str()]);
        while let Some(next) = project
            .services
            .get(host)
            .and_then(|h| h.network_mode.as_deref())
            .and_then(|m| m.strip_prefix("service:"))
        {
            if !seen.insert(host) {
                break;
            }
            host = next;
        }
        let pos = key_pos(s, &s.keys, "network_mode");
        let (Some(&from), Some(&to)) = (of_service.get(name), of_service.get(host)) else {
            return Err(refused(
                s,
                pos,
                "network_mode",
                format!("service:{host}: no such service"),
            ));
        };
        if from == to || seen.contains(host) {
            return Err(refused(
                s,
                pos,
                "network_mode",
                "services share a network namespace in a cycle",
            ));
        }
        let guest = std::mem::take(&mut workloads[from]);
        let target = &mut workloads[to];
        for c in &guest.containers {
            for p in &c.ports {
                let taken = target
                    .containers
                    .iter()
                    .flat_map(|t| &t.ports)
                    .any(|q| q.container_port == p.container_port && q.protocol == p.protocol);
                if taken {
                    return Err(refused(
                        s,
                        pos,
                        "network_mode",
                        format!(
                            "service:{host}: port {}/{} is used in both services, which share one network namespace",
                            p.container_port,
                            p.protocol.as_k8s()
                        ),
                    ));
                }
            }
            for e in c.env.iter().filter(|e| e.secret) {
                let clash = target
                    .containers
                    .iter()
                    .flat_map(|t| &t.env)
                    .any(|x| x.secret && x.name == e.name && x.value != e.value);
                if clash {
                    return Err(refused(
                        s,
                        pos,
                        "network_mode",
                        format!(
                            "service:{host}: {} has different values in the two services, which share one pod and its Secret",
                            e.name
                        ),
                    ));
                }
            }
        }
        // Volume names are per pod: the same claim or data object is one volume; an emptyDir
        // (anonymous volume, tmpfs) is the guest's own, as is anything else of the same name.
        let mut containers = guest.containers;
        for v in guest.volumes {
            let own = matches!(v.source, VolumeSource::EmptyDir { .. });
            match target.volumes.iter().find(|x| x.name == v.name) {
                Some(x) if x.source == v.source && !own => {}
                Some(_) => {
                    let renamed = format!("{}-{}", guest.name, v.name);
                    for m in containers.iter_mut().flat_map(|c| c.mounts.iter_mut()) {
                        if m.volume == v.name {
                            m.volume = renamed.clone();
                        }
                    }
                    target.volumes.push(Volume { name: renamed, ..v });
                }
                None => target.volumes.push(v),
            }
        }
        target.containers.extend(containers);
        target.init_containers.extend(guest.init_containers);
        cx.warn(
            name,
            format!("network_mode: service:{host}: runs as container {} in {host}'s pod ({}); its own pod settings (replicas, restart, hostname, host namespaces, dns, sysctls, security context, labels) are {host}'s", guest.name, target.name),
        );
        removed.insert(from);
    }
    Ok(workloads
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !removed.contains(i))
        .map(|(_, w)| w)
        .collect())
}

/// Every object of the workload fits in one etcd value (a port range of thousands of ports
/// makes a Service and a controller of megabytes): an error with the count, at the key.
fn fits(s: &Service, w: &Workload) -> Result<(), MapError> {
    let Some(big) = super::oversized(w) else {
        return Ok(());
    };
    Err(
        match ["ports", "expose"]
            .into_iter()
            .find(|k| s.keys.contains_key(*k))
        {
            Some(key) if big.ports > 1000 => {
                refused(s, key_pos(s, &s.keys, key), key, big.to_string())
            }
            _ => refused(s, s.pos.to_string(), "", big.to_string()),
        },
    )
}

/// A uid or gid Docker and the API server accept (0 to 2³¹-1).
fn user_id(s: &Service, n: i64, what: &str, pos: String) -> Result<i64, MapError> {
    if (0..=validate::MAX_ID).contains(&n) {
        Ok(n)
    } else {
        Err(refused(
            s,
            pos,
            "user",
            format!("{what} {n} is out of range (0 to {})", validate::MAX_ID),
        ))
    }
}

/// A swarm placement constraint (`node.hostname==x`, `node.labels.k!=v`,
/// `node.platform.os==linux`, `node.platform.arch==x86_64`) as a node affinity requirement.
fn placement(c: &str) -> Result<NodeRequirement, String> {
    let (lhs, rhs, operator) = if let Some((l, r)) = c.split_once("!=") {
        (l, r, "NotIn")
    } else if let Some((l, r)) = c.split_once("==") {
        (l, r, "In")
    } else {
        return Err("expected == or !=".into());
    };
    let (lhs, value) = (lhs.trim(), rhs.trim());
    let (key, value) = match lhs {
        "node.hostname" => ("kubernetes.io/hostname", value),
        "node.platform.os" => ("kubernetes.io/os", value),
        "node.platform.arch" => (
            "kubernetes.io/arch",
            match value {
                "x86_64" => "amd64",
                "aarch64" => "arm64",
                "armv7l" => "arm",
                v => v,
            },
        ),
        _ => match lhs.strip_prefix("node.labels.") {
            Some(k) => (k, value),
            None => return Err(format!("{lhs} has no node label equivalent")),
        },
    };
    if !validate::is_qualified_name(key) {
        return Err(format!("{key:?} is not a valid label key"));
    }
    if !validate::is_label_value(value) {
        return Err(format!("{value:?} is not a valid label value"));
    }
    Ok(NodeRequirement {
        key: key.into(),
        operator,
        values: vec![value.into()],
    })
}

/// `deploy.replicas` / `scale` as the int32 Kubernetes stores.
fn replicas(s: &Service, n: u64, pos: String, key: &str) -> Result<i32, MapError> {
    i32::try_from(n).map_err(|_| {
        refused(
            s,
            pos,
            key,
            format!("{n} replicas is more than Kubernetes allows ({})", i32::MAX),
        )
    })
}

/// One CPU or memory amount of a limit or reservation, with where it was set.
struct Amount {
    /// CPUs or bytes.
    value: f64,
    /// As Kubernetes writes it (`500m`, `256Mi`).
    quantity: String,
    pos: String,
    /// The compose key (`deploy.resources.limits.memory`, `mem_limit`).
    key: String,
}

impl Amount {
    /// 0 is "none" in compose (no limit, no reservation).
    fn cpus(v: Option<f64>, pos: String, key: &str) -> Option<Amount> {
        v.filter(|c| *c > 0.0).map(|c| Amount {
            value: c,
            quantity: common::cpu_quantity(c),
            pos,
            key: key.into(),
        })
    }

    fn memory(v: Option<u64>, pos: String, key: &str) -> Option<Amount> {
        v.filter(|m| *m > 0).map(|m| Amount {
            value: m as f64,
            quantity: common::memory_quantity(m),
            pos,
            key: key.into(),
        })
    }
}

/// CPU and memory of limits or reservations.
#[derive(Default)]
struct Amounts {
    cpu: Option<Amount>,
    memory: Option<Amount>,
}

/// `deploy.resources.<part>` (limits or reservations); other keys than cpus and memory warn.
fn amounts(cx: &mut Cx<'_>, s: &Service, spec: &compose::ResourceSpec, part: &str) -> Amounts {
    for k in spec
        .keys
        .keys()
        .filter(|k| !matches!(k.as_str(), "cpus" | "memory"))
    {
        cx.warn(&s.name, format!("deploy.resources.{part}.{k}: not mapped"));
    }
    let pos = |k: &str| key_pos(s, &spec.keys, k);
    Amounts {
        cpu: Amount::cpus(
            spec.cpus,
            pos("cpus"),
            &format!("deploy.resources.{part}.cpus"),
        ),
        memory: Amount::memory(
            spec.memory,
            pos("memory"),
            &format!("deploy.resources.{part}.memory"),
        ),
    }
}

/// Resources as quantities; a reservation above its limit is refused, as Docker refuses it
/// ("Minimum memory limit can not be less than memory reservation limit") and the API server
/// does (requests must not exceed limits).
fn resources(
    s: &Service,
    limits: Amounts,
    requests: Amounts,
    c: &mut Container,
) -> Result<(), MapError> {
    for (what, r, l) in [
        ("memory", &requests.memory, &limits.memory),
        ("CPU", &requests.cpu, &limits.cpu),
    ] {
        if let (Some(r), Some(l)) = (r, l)
            && r.value > l.value
        {
            return Err(refused(
                s,
                r.pos.clone(),
                &r.key,
                format!(
                    "{what} reservation {} is above the limit of {} ({}); a reservation cannot exceed the limit",
                    r.quantity, l.quantity, l.key
                ),
            ));
        }
    }
    let r = &mut c.resources;
    r.limits_cpu = limits.cpu.map(|a| a.quantity);
    r.limits_memory = limits.memory.map(|a| a.quantity);
    r.requests_cpu = requests.cpu.map(|a| a.quantity);
    r.requests_memory = requests.memory.map(|a| a.quantity);
    Ok(())
}

fn annotate(cx: &mut Cx<'_>, subject: &str, w: &mut Workload, key: &str, k: &str, v: &str) {
    if common::valid_annotation_key(k) {
        w.annotations.insert(k.to_string(), v.to_string());
    } else {
        cx.warn(
            subject,
            format!("{key}.{k}: not a valid Kubernetes annotation key; left out"),
        );
    }
}

fn ports(cx: &mut Cx<'_>, s: &Service, c: &mut Container) {
    let subject = s.name.clone();
    let mut seen_target: BTreeSet<(u16, Protocol)> = BTreeSet::new();
    let mut seen_service: BTreeSet<(u16, Protocol)> = BTreeSet::new();
    let mut out: Vec<Port> = Vec::new();
    // A range is one item that expands to many ports: each warning about it is said once.
    let mut said = Said::default();
    for p in &s.ports {
        let proto = protocol(&p.protocol);
        if p.target == 0 {
            cx.warn(&subject, "ports: container port 0 is not valid; left out");
            continue;
        }
        if let Some(ip) = &p.host_ip {
            said.port(cx, &subject, &p.pos, "ip", format!("ports: host IP {ip} dropped (a ClusterIP Service listens on the cluster network)"));
        }
        if p.mode == "host" {
            cx.warn(
                &subject,
                format!(
                    "ports: mode host for {} not mapped (a ClusterIP Service is used)",
                    p.target
                ),
            );
        }
        if let Some(ap) = &p.app_protocol {
            cx.warn(&subject, format!("ports: app_protocol {ap:?} not mapped"));
        }
        let service_port = match p.published.as_deref() {
            None | Some("") => p.target,
            Some(pub_) => match pub_.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => {
                    cx.warn(
                        &subject,
                        format!("ports: published range {pub_} for {} cannot be a Service port; the container port is used", p.target),
                    );
                    p.target
                }
            },
        };
        if !seen_target.insert((p.target, proto)) {
            said.port(
                cx,
                &subject,
                &p.pos,
                "target",
                format!("ports: container port {}/{} is published more than once; only the first is kept", p.target, p.protocol),
            );
            continue;
        }
        if !seen_service.insert((service_port, proto)) {
            said.port(
                cx,
                &subject,
                &p.pos,
                "service",
                format!(
                    "ports: Service port {service_port}/{} used twice; {} left out",
                    p.protocol, p.target
                ),
            );
            seen_target.remove(&(p.target, proto));
            continue;
        }
        let name = p.name.as_ref().filter(|n| {
            let taken = out
                .iter()
                .any(|o| o.name.is_some() && o.name == dns_label(n));
            if taken {
                cx.warn(
                    &subject,
                    format!("ports: name {n:?} used twice; left out for {}", p.target),
                );
            }
            !taken
        });
        let name = name.and_then(|n| {
            let l = dns_label(n).filter(|l| l.len() <= 15 && l.chars().any(|c| c.is_ascii_lowercase()));
            if l.is_none() {
                cx.warn(&subject, format!("ports: name {n:?} is not a valid port name (≤ 15 characters, a letter); left out"));
            }
            l
        });
        out.push(Port {
            container_port: p.target,
            protocol: proto,
            name,
            service_port: Some(service_port),
        });
    }
    for e in &s.expose {
        let proto = protocol(&e.protocol);
        if e.port == 0 || seen_target.contains(&(e.port, proto)) {
            continue;
        }
        if !seen_service.insert((e.port, proto)) {
            said.port(
                cx,
                &subject,
                &e.pos,
                "expose",
                format!(
                    "expose: Service port {}/{} already used; left out",
                    e.port, e.protocol
                ),
            );
            continue;
        }
        seen_target.insert((e.port, proto));
        out.push(Port {
            container_port: e.port,
            protocol: proto,
            name: None,
            service_port: Some(e.port),
        });
    }
    said.finish(cx);
    out.sort_by_key(|p| (p.container_port, p.protocol));
    c.ports = out;
}

/// Warnings about the ports of one `ports`/`expose` item, said once per item: the first
/// port's warning, then how many more ports of the same range it applies to.
#[derive(Default)]
struct Said {
    /// (item position, kind) → (index of the warning, further ports).
    seen: BTreeMap<(compose::Pos, &'static str), (usize, usize)>,
}

impl Said {
    /// Said for the first port of an item, counting the others (`kind` "ip" is about the
    /// item as a whole: said once, without a count).
    fn port(
        &mut self,
        cx: &mut Cx<'_>,
        subject: &str,
        pos: &compose::Pos,
        kind: &'static str,
        message: String,
    ) {
        match self.seen.entry((pos.clone(), kind)) {
            Entry::Occupied(mut e) => e.get_mut().1 += 1,
            Entry::Vacant(e) => {
                cx.warn(subject, message);
                e.insert((cx.warnings.len() - 1, 0));
            }
        }
    }

    fn finish(self, cx: &mut Cx<'_>) {
        for ((_, kind), (i, more)) in self.seen {
            if more > 0 && kind != "ip" {
                cx.warnings[i]
                    .message
                    .push_str(&format!(" (and {more} more port(s) of the same range)"));
            }
        }
    }
}

fn add_volume(w: &mut Workload, v: Volume) {
    if !w.volumes.iter().any(|x| x.name == v.name) {
        w.volumes.push(v);
    }
}

fn volumes(cx: &mut Cx<'_>, s: &Service, kl: &VolumeLabels, w: &mut Workload, c: &mut Container) {
    let subject = s.name.clone();
    let mut anon = 0usize;
    let mounts = shared_mounts(cx, s);
    for (field, m) in &mounts {
        match m.kind {
            MountType::Volume => {
                let Some(src) = &m.source else {
                    anon += 1;
                    let vname = format!("anon-{anon}");
                    cx.warn(
                        &subject,
                        format!(
                            "{field}: anonymous volume at {} becomes an emptyDir (not persistent)",
                            m.target
                        ),
                    );
                    add_volume(
                        w,
                        Volume {
                            name: vname.clone(),
                            source: VolumeSource::EmptyDir {
                                memory: false,
                                size_limit: None,
                            },
                        },
                    );
                    c.mounts.push(Mount {
                        volume: vname,
                        mount_path: m.target.clone(),
                        read_only: m.read_only,
                        sub_path: None,
                    });
                    continue;
                };
                cx.used_volumes.insert(src.clone());
                let def = cx.project.volumes.get(src);
                let external = def.is_some_and(|d| d.external);
                let raw = def
                    .and_then(|d| d.name.clone())
                    .unwrap_or_else(|| src.clone());
                let claim = dns_label(&raw).unwrap_or_else(|| "volume".into());
                if claim != raw {
                    // kompose kept names as written (invalid object names): say what we did.
                    cx.warn(
                        &subject,
                        format!("{field}: volume {raw:?} is named {claim:?} in Kubernetes"),
                    );
                }
                if external {
                    cx.warn(
                        &subject,
                        format!("{field}: volume {raw:?} is external; a PersistentVolumeClaim named {claim} must exist"),
                    );
                } else {
                    // The volume's own labels first, then the service's kompose labels.
                    let vl = cx.volume_labels.get(src).cloned().unwrap_or_default();
                    let size = vl
                        .size
                        .or_else(|| def.and_then(|d| d.labels.get(SIZE_LABEL).cloned()))
                        .or_else(|| kl.size.clone())
                        .unwrap_or_else(|| DEFAULT_CLAIM_SIZE.to_string());
                    let class = vl.storage_class.or_else(|| kl.storage_class.clone());
                    let e = cx
                        .claims
                        .entry(claim.clone())
                        .or_insert((size, true, class));
                    e.1 &= m.read_only;
                }
                if let Some(l) = m.bind.as_ref().and_then(|b| b.selinux.as_deref()) {
                    cx.warn(
                        &subject,
                        format!("{field}: SELinux relabel {l:?} not mapped (the kubelet labels a pod's volumes itself)"),
                    );
                }
                if let Some(vo) = &m.volume
                    && vo.nocopy
                {
                    cx.warn(
                        &subject,
                        format!("{field}: nocopy not mapped (a new claim starts empty)"),
                    );
                }
                let all_ro = mounts
                    .iter()
                    .map(|(_, o)| o)
                    .filter(|o| {
                        o.kind == MountType::Volume && o.source.as_deref() == Some(src.as_str())
                    })
                    .all(|o| o.read_only);
                add_volume(
                    w,
                    Volume {
                        name: claim.clone(),
                        source: VolumeSource::Claim {
                            claim: claim.clone(),
                            read_only: all_ro,
                        },
                    },
                );
                c.mounts.push(Mount {
                    volume: claim,
                    mount_path: m.target.clone(),
                    read_only: m.read_only,
                    sub_path: m.volume.as_ref().and_then(|v| v.subpath.clone()),
                });
            }
            MountType::Bind => {
                let src = m
                    .source
                    .as_deref()
                    .map(|p| cx.show_path(p))
                    .unwrap_or_default();
                cx.warn(
                    &subject,
                    format!("{field}: bind mount {src} → {} has no portable meaning in a cluster; not mounted (use a volume, a config or a secret)", m.target),
                );
            }
            MountType::Tmpfs => {
                let vname = format!(
                    "tmpfs-{}",
                    w.volumes
                        .iter()
                        .filter(|v| v.name.starts_with("tmpfs-"))
                        .count()
                        + 1
                );
                let t = m.tmpfs.clone().unwrap_or_default();
                if t.mode.is_some() {
                    cx.warn(
                        &subject,
                        format!("{field}: tmpfs mode not mapped (an emptyDir is world-writable)"),
                    );
                }
                add_volume(
                    w,
                    Volume {
                        name: vname.clone(),
                        source: VolumeSource::EmptyDir {
                            memory: true,
                            size_limit: t.size.map(common::memory_quantity),
                        },
                    },
                );
                c.mounts.push(Mount {
                    volume: vname,
                    mount_path: m.target.clone(),
                    read_only: m.read_only,
                    sub_path: None,
                });
            }
            other => cx.warn(
                &subject,
                format!("{field}: mount type {other:?} not mapped").to_lowercase(),
            ),
        }
        if m.consistency.is_some() {
            cx.warn(
                &subject,
                format!("{field}: consistency not mapped (Docker Desktop only)"),
            );
        }
    }
}

/// The service's own mounts, then those it takes from `volumes_from` services (as Docker: the
/// other service's named volumes and bind mounts at the same paths, read-only with `:ro`; a
/// path the service mounts itself wins), each with the field to name in warnings.
fn shared_mounts(cx: &mut Cx<'_>, s: &Service) -> Vec<(String, compose::Mount)> {
    let mut out: Vec<(String, compose::Mount)> = s
        .volumes
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("volumes[{i}]"), m.clone()))
        .collect();
    for (j, from) in s.volumes_from.iter().enumerate() {
        let (name, mode) = match from.split_once(':') {
            Some((n, m)) if n != "container" => (n, Some(m)),
            _ => (from.as_str(), None),
        };
        let project = cx.project;
        let other = project.services.get(name);
        let Some(other) = other.filter(|_| !from.starts_with("container:")) else {
            cx.warn(
                &s.name,
                format!("volumes_from[{j}]: {from:?} not mapped (only services of this project can share volumes)"),
            );
            continue;
        };
        if let Some(m) = mode.filter(|m| !matches!(*m, "ro" | "rw")) {
            cx.warn(
                &s.name,
                format!("volumes_from[{j}]: mode {m:?} not understood; read-write"),
            );
        }
        for (i, m) in other.volumes.iter().enumerate() {
            let field = format!("volumes_from[{j}] ({name} volumes[{i}])");
            if out.iter().any(|(_, o)| o.target == m.target) {
                continue;
            }
            match m.kind {
                MountType::Volume if m.source.is_none() => cx.warn(
                    &s.name,
                    format!("{field}: anonymous volume at {} cannot be shared between pods; not mounted", m.target),
                ),
                MountType::Volume | MountType::Bind => {
                    let mut m = m.clone();
                    m.read_only |= mode == Some("ro");
                    out.push((field, m));
                }
                _ => {}
            }
        }
    }
    out
}

fn tmpfs(
    cx: &mut Cx<'_>,
    s: &Service,
    w: &mut Workload,
    c: &mut Container,
) -> Result<(), MapError> {
    let subject = s.name.clone();
    for spec in &s.tmpfs {
        let (path, options) = match spec.split_once(':') {
            Some((p, o)) => (p, Some(o)),
            None => (spec.as_str(), None),
        };
        if !path.starts_with('/') {
            return Err(refused(
                s,
                key_pos(s, &s.keys, "tmpfs"),
                "tmpfs",
                format!("{spec:?}: the mount path must be absolute"),
            ));
        }
        let mut size = None;
        for o in options
            .iter()
            .flat_map(|o| o.split(','))
            .filter(|o| !o.is_empty())
        {
            match o.split_once('=') {
                Some(("size", v)) => match compose::parse_bytes(v) {
                    Ok(b) => size = Some(common::memory_quantity(b)),
                    Err(e) => cx.warn(&subject, format!("tmpfs: {path}: {e}; no size limit")),
                },
                _ => cx.warn(&subject, format!("tmpfs: {path}: option {o:?} not mapped")),
            }
        }
        let vname = format!(
            "tmpfs-{}",
            w.volumes
                .iter()
                .filter(|v| v.name.starts_with("tmpfs-"))
                .count()
                + 1
        );
        add_volume(
            w,
            Volume {
                name: vname.clone(),
                source: VolumeSource::EmptyDir {
                    memory: true,
                    size_limit: size,
                },
            },
        );
        c.mounts.push(Mount {
            volume: vname,
            mount_path: path.to_string(),
            read_only: false,
            sub_path: None,
        });
    }
    Ok(())
}

fn file_mounts(
    cx: &mut Cx<'_>,
    s: &Service,
    w: &mut Workload,
    c: &mut Container,
    secret: bool,
) -> Result<(), MapError> {
    let subject = s.name.clone();
    let (kind, refs, defs) = if secret {
        ("secrets", &s.secrets, &cx.project.secrets)
    } else {
        ("configs", &s.configs, &cx.project.configs)
    };
    for r in refs {
        let Some(def) = defs.get(&r.source) else {
            continue;
        };
        let raw = def.name.clone().unwrap_or_else(|| r.source.clone());
        let obj = dns_label(&raw).unwrap_or_else(|| kind.trim_end_matches('s').into());
        let key: String = r
            .source
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let sourceless = def.file.is_none() && def.content.is_none() && def.environment.is_none();
        if def.external || sourceless {
            cx.warn(
                &subject,
                format!(
                    "{kind}.{}: external; a {} named {obj} with key {key} must exist",
                    r.source,
                    if secret { "Secret" } else { "ConfigMap" }
                ),
            );
        } else if !cx.data.contains_key(&obj) {
            let value = if let Some(content) = &def.content {
                content.clone()
            } else if let Some(var) = &def.environment {
                match cx.project.environment.get(var) {
                    Some(v) => v.clone(),
                    None => {
                        cx.warn(
                            &subject,
                            format!(
                                "{kind}.{}: environment variable {var} is not set; empty",
                                r.source
                            ),
                        );
                        String::new()
                    }
                }
            } else if let Some(file) = &def.file {
                let bytes = std::fs::read(file).map_err(|source| {
                    ReadConfigSnafu {
                        pos: def.pos.to_string(),
                        path: cx.show_path(&file.display().to_string()),
                    }
                    .into_error(source)
                })?;
                match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        cx.warn(
                            &subject,
                            format!("{kind}.{}: not UTF-8; invalid bytes replaced", r.source),
                        );
                        String::from_utf8_lossy(e.as_bytes()).into_owned()
                    }
                }
            } else {
                String::new()
            };
            cx.data.insert(
                obj.clone(),
                DataObject {
                    name: obj.clone(),
                    secret,
                    data: BTreeMap::from([(key.clone(), value)]),
                },
            );
        }
        if r.uid.is_some() || r.gid.is_some() {
            cx.warn(
                &subject,
                format!(
                    "{kind}.{}: uid/gid not mapped (files belong to root; fsGroup applies)",
                    r.source
                ),
            );
        }
        let vname = format!("{}-{obj}", if secret { "secret" } else { "config" });
        let vname: String = vname
            .chars()
            .take(63)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string();
        if let Some(m) = r.mode.filter(|m| *m > 0o777) {
            return Err(refused(
                s,
                r.pos.to_string(),
                &format!("{kind}.{}.mode", r.source),
                format!(
                    "0{m:o} sets setuid, setgid or sticky bits, which Kubernetes cannot give a mounted file (at most 0777)"
                ),
            ));
        }
        let items = vec![KeyToPath {
            key: key.clone(),
            path: key.clone(),
            mode: r.mode.map(|m| m as i32),
        }];
        let source = if secret {
            VolumeSource::Secret {
                name: obj.clone(),
                items,
            }
        } else {
            VolumeSource::ConfigMap {
                name: obj.clone(),
                items,
            }
        };
        add_volume(
            w,
            Volume {
                name: vname.clone(),
                source,
            },
        );
        c.mounts.push(Mount {
            volume: vname,
            mount_path: r.target.clone(),
            read_only: true,
            sub_path: Some(key),
        });
    }
    Ok(())
}

/// A probe from `kompose.service.healthcheck.<kind>.*`: timings from the labels, else from the
/// service's `healthcheck`, else Docker's defaults; `start_period` → `initialDelaySeconds`.
fn label_probe(l: &kompose::ProbeLabels, h: Option<&compose::Healthcheck>) -> Probe {
    let p = common::probes(&Health {
        argv: Vec::new(),
        interval: l.interval.or(h.and_then(|h| h.interval)),
        timeout: l.timeout.or(h.and_then(|h| h.timeout)),
        retries: l.retries.or(h.and_then(|h| h.retries)),
        start_period: None,
        start_interval: None,
    });
    Probe {
        action: l.action.clone(),
        initial_delay_seconds: l
            .start_period
            .filter(|d| !d.is_zero())
            .map(|d| i32::try_from(common::seconds(d, 1)).unwrap_or(i32::MAX)),
        ..p.readiness
    }
}

fn healthcheck(cx: &mut Cx<'_>, s: &Service, h: &compose::Healthcheck, c: &mut Container) {
    if h.disable {
        return;
    }
    let argv = match &h.test {
        None => {
            cx.warn(
                &s.name,
                "healthcheck: no test given (the image's HEALTHCHECK is not known here); no probe",
            );
            return;
        }
        Some(HealthTest::None) => return,
        Some(HealthTest::Exec(v)) if v.is_empty() => {
            cx.warn(&s.name, "healthcheck: empty CMD; no probe");
            return;
        }
        Some(HealthTest::Exec(v)) => v.clone(),
        Some(HealthTest::Shell(cmd)) => vec!["/bin/sh".into(), "-c".into(), cmd.clone()],
    };
    let p = common::probes(&Health {
        argv,
        interval: h.interval,
        timeout: h.timeout,
        retries: h.retries,
        start_period: h.start_period,
        start_interval: h.start_interval,
    });
    c.liveness = Some(p.liveness);
    c.readiness = Some(p.readiness);
    c.startup = p.startup;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::compose::{LoadOptions, load_from_strings};

    fn map(yaml: &str) -> Bundle {
        let opts = LoadOptions {
            working_dir: Some("/nonexistent/b00t-test".into()),
            ..Default::default()
        };
        let p = load_from_strings(&opts, &[("compose.yaml", yaml)]).expect("loads");
        map_project(&p, &ComposeMapOptions::default()).expect("maps")
    }

    /// kompose fault 3: a controller always restarts its pods; whatever the compose file
    /// says, a Deployment or DaemonSet never gets OnFailure/Never.
    #[test]
    fn controllers_always_restart() {
        let restarts = [
            "",
            "restart: \"no\"",
            "restart: always",
            "restart: on-failure",
            "restart: on-failure:3",
            "restart: unless-stopped",
        ];
        let modes = [
            "",
            "mode: global",
            "mode: replicated",
            "mode: replicated-job",
        ];
        let conditions = [
            "",
            "restart_policy: {condition: none}",
            "restart_policy: {condition: on-failure}",
            "restart_policy: {condition: any}",
        ];
        for r in restarts {
            for m in modes {
                for c in conditions {
                    let y = format!(
                        "name: p\nservices:\n  s:\n    image: x\n    {r}\n    deploy:\n      {m}\n      {c}\n"
                    );
                    let b = map(&y);
                    let w = &b.workloads[0];
                    if w.controller != Controller::Pod {
                        assert_eq!(w.restart_policy, RestartPolicy::Always, "{y}");
                    }
                }
            }
        }
    }

    #[test]
    fn claims_are_read_only_only_when_every_mount_is() {
        let b = map(
            "name: p\nservices:\n  a:\n    image: x\n    volumes: [\"vv:/v:ro\", \"ww:/w:ro\"]\n  b:\n    image: x\n    volumes: [\"vv:/v\"]\nvolumes:\n  vv:\n  ww:\n",
        );
        let modes: Vec<(String, AccessMode)> = b
            .claims
            .iter()
            .map(|c| (c.name.clone(), c.access_mode))
            .collect();
        assert_eq!(
            modes,
            [
                ("vv".to_string(), AccessMode::ReadWriteOnce),
                ("ww".to_string(), AccessMode::ReadOnlyMany)
            ]
        );
    }

    #[test]
    fn every_unmapped_key_is_named_in_a_warning() {
        use crate::translate::compose::LoadOptions;
        // Every service key compose knows: each is either in MAPPED or produces a warning.
        let keys = [
            "container_name: c",
            "init: true",
            "stop_signal: SIGINT",
            "isolation: default",
            "cpu_shares: 5",
            "oom_kill_disable: true",
            "uts: host",
        ];
        for k in keys {
            let y = format!("name: p\nservices:\n  s:\n    image: x\n    {k}\n");
            let opts = LoadOptions {
                working_dir: Some("/nonexistent".into()),
                ..Default::default()
            };
            let p = load_from_strings(&opts, &[("compose.yaml", &y)]).unwrap();
            let b = map_project(&p, &ComposeMapOptions::default()).unwrap();
            let key = k.split(':').next().unwrap();
            assert!(
                b.warnings
                    .iter()
                    .any(|w| w.subject == "s" && w.message.starts_with(key)),
                "{k}: {:?}",
                b.warnings
            );
        }
    }
}
