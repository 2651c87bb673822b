//! Deploy, upgrade, reconfigure and remove the agent.
//!
//! What a deploy chose (image, capabilities, host network, OTLP endpoint, …) is kept on the
//! DaemonSet as the annotation [`SETTINGS`], so `upgrade` and `config set` re-render exactly the
//! same objects with one thing changed, and a rollback re-applies the previous ones. The config
//! itself lives in the ConfigMap; the previous config is kept in [`PREVIOUS_CONFIG_MAP`].

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
use kube::api::{Api, ListParams};
use serde::{Deserialize, Serialize};

use super::preflight::{PreflightReport, preflight};
use super::{CONTAINER, Mode, NAME};
use crate::error::{Error, Exit, Result};
use crate::obi::config::{self as obi_config, DefaultConfigOptions, Validation};
use crate::obi::manifest::{
    self, CONFIG_KEY, CONFIG_MAP, HEADERS_SECRET, ObiManifest, Otlp, Prometheus,
    SIDECAR_FIELD_MANAGER,
};
use crate::ops::deploy::{ApplyPlan, DryRun, values};
use crate::ops::{Event, Events};
use crate::render::{Object, labels};
use crate::runtime::kube::apply::{Action, Applied, ApplyOptions};
use crate::runtime::kube::delete::Deleted;
use crate::runtime::kube::rollout::{NodeProgress, RolloutFailure};
use crate::runtime::kube::wait::Target;
use crate::runtime::kube::{Kube, KubeError};
use crate::workload::Resources;

/// DaemonSet annotation: the deploy's settings as JSON.
pub const SETTINGS: &str = "b00t.elastic.ventures/obi-settings";
/// The config before the last `config set` (or upgrade), for a rollback.
pub const PREVIOUS_CONFIG_MAP: &str = "obi-config-previous";
/// The agent image repository when `--image` names none.
pub const DEFAULT_REPOSITORY: &str = "otel/ebpf-instrument";
/// The tag when none is given.
pub const DEFAULT_TAG: &str = "main";

/// Everything a deploy chose besides the config text and the OTLP headers' value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub image: String,
    pub privileged: bool,
    pub extra_capabilities: Vec<String>,
    pub host_network: bool,
    pub node_selector: BTreeMap<String, String>,
    pub tolerate_all_taints: bool,
    pub resources: Resources,
    pub prometheus: Option<(u16, String)>,
    pub internal_metrics_port: Option<u16>,
    /// Where the internal metrics are served (for `obi status`).
    #[serde(default)]
    pub internal_metrics_path: Option<String>,
    pub cluster_name: String,
    pub otlp_endpoint: Option<String>,
    pub otlp_protocol: Option<String>,
    pub create_namespace: bool,
}

impl Settings {
    fn manifest(&self, namespace: &str, config: &str, headers: Option<String>) -> ObiManifest {
        ObiManifest {
            namespace: namespace.to_string(),
            create_namespace: self.create_namespace,
            image: self.image.clone(),
            config_yaml: config.to_string(),
            privileged: self.privileged,
            extra_capabilities: self.extra_capabilities.clone(),
            host_network: self.host_network,
            node_selector: self.node_selector.clone(),
            tolerate_all_taints: self.tolerate_all_taints,
            resources: self.resources.clone(),
            prometheus: self
                .prometheus
                .clone()
                .map(|(port, path)| Prometheus { port, path }),
            internal_metrics_port: self.internal_metrics_port,
            cluster_name: self.cluster_name.clone(),
            otlp: self.otlp_endpoint.clone().map(|endpoint| Otlp {
                endpoint,
                protocol: self.otlp_protocol.clone(),
                headers: headers.clone(),
            }),
        }
    }

    /// The tag part of the image (`main` for `otel/ebpf-instrument:main`; `unknown` for a
    /// digest), which decides the config key set.
    pub fn tag(&self) -> String {
        image_tag(&self.image)
    }
}

/// The tag of an image reference.
pub fn image_tag(image: &str) -> String {
    if image.contains('@') {
        return "unknown".into();
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, t)) => t.to_string(),
        None => "latest".into(),
    }
}

/// `--image` and `--image-tag` → the reference to run.
pub fn image_ref(image: Option<&str>, tag: Option<&str>) -> Result<String> {
    let repo = image.unwrap_or(DEFAULT_REPOSITORY);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    let has_tag = last.contains(':') || repo.contains('@');
    match (has_tag, tag) {
        (true, Some(t)) => Err(Error::msg(
            Exit::Usage,
            format!("--image {repo} already names a tag or digest; drop --image-tag {t}"),
        )),
        (true, None) => Ok(repo.to_string()),
        (false, t) => Ok(format!("{repo}:{}", t.unwrap_or(DEFAULT_TAG))),
    }
}

/// Where the stage stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The config has errors; nothing was applied.
    ConfigInvalid,
    /// Preflight found a blocker; nothing was applied.
    PreflightFailed,
    /// `--dry-run`.
    DryRun,
    /// Applied (and waited for, unless told not to).
    Applied,
}

/// What `obi deploy` did.
#[derive(Debug, Clone, Serialize)]
pub struct ObiDeployReport {
    pub stage: Stage,
    /// `daemonset` or `sidecar`.
    pub mode: String,
    pub namespace: String,
    /// The Deployment instrumented (sidecar mode).
    pub target: Option<String>,
    pub image: String,
    pub config_checksum: String,
    pub validation: Validation,
    pub preflight: Option<PreflightReport>,
    pub objects: Vec<Applied>,
    pub changed: bool,
    pub ready: Option<bool>,
    pub nodes: Vec<NodeProgress>,
    pub failure: Option<RolloutFailure>,
    #[serde(skip)]
    pub manifests: Vec<serde_json::Value>,
    #[serde(skip)]
    pub dry_run: Option<DryRun>,
}

impl ObiDeployReport {
    /// The error `obi deploy` ends with: an invalid config (exit 2) or a preflight blocker
    /// (nothing applied), or agents that did not become ready.
    pub fn result(&self) -> Result<()> {
        match self.stage {
            Stage::ConfigInvalid => Err(Error::msg(
                Exit::Usage,
                format!("{}; nothing was applied", self.validation.summary()),
            )),
            Stage::PreflightFailed => match &self.preflight {
                Some(p) => p.result().map_err(|e| {
                    Error::msg(
                        e.exit(),
                        format!(
                            "{}; nothing was applied (--skip-preflight to deploy anyway)",
                            e.chain()
                        ),
                    )
                }),
                None => Ok(()),
            },
            Stage::DryRun | Stage::Applied => match &self.failure {
                Some(f) => Err(Error::msg(
                    Exit::Failed,
                    format!(
                        "the obi agent did not become ready in namespace {}: {}",
                        self.namespace,
                        f.reasons.join("; ")
                    ),
                )),
                None => Ok(()),
            },
        }
    }
}

impl UpgradeReport {
    /// The error a rollout (`what`: `upgrade`, `config change`) ends with: rolled back
    /// (exit 7), or failed.
    pub fn result(&self, what: &str) -> Result<()> {
        let r = self;
        if r.succeeded {
            return Ok(());
        }
        let reason = r
            .failure
            .as_ref()
            .map(|f| f.reasons.join("; "))
            .unwrap_or_default();
        match (r.rolled_back, r.recovered) {
            (true, Some(true)) => Err(Error::msg(
                Exit::RolledBack,
                format!(
                    "{what} to {} failed and was rolled back to {}: {reason}",
                    r.to_image, r.from_image
                ),
            )),
            (true, _) => Err(Error::msg(
                Exit::Failed,
                format!(
                    "{what} to {} failed, and after rolling back to {} the agents are still not ready: {reason}",
                    r.to_image, r.from_image
                ),
            )),
            (false, _) => Err(Error::msg(
                Exit::Failed,
                format!(
                    "{what} to {} failed (not rolled back): {reason}",
                    r.to_image
                ),
            )),
        }
    }
}

impl ConfigSetReport {
    /// An invalid config (exit 2, nothing changed), or the rollout's verdict.
    pub fn result(&self) -> Result<()> {
        if !self.validation.valid {
            return Err(Error::msg(
                Exit::Usage,
                format!(
                    "{}; the deployed config is unchanged",
                    self.validation.summary()
                ),
            ));
        }
        match &self.rollout {
            Some(u) => u.result("config change"),
            None => Ok(()),
        }
    }
}

/// Options of `obi deploy`.
#[derive(Debug, Clone)]
pub struct ObiDeploy {
    pub mode: Mode,
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub privileged: bool,
    /// `(file name, text)`; `None`: b00t's default for the tag.
    pub config: Option<(String, String)>,
    /// `None`: on when the config enables network metrics.
    pub host_network: Option<bool>,
    pub node_selector: BTreeMap<String, String>,
    pub tolerate_all_taints: bool,
    pub resources: Resources,
    pub otlp_endpoint: Option<String>,
    pub otlp_protocol: Option<String>,
    pub otlp_headers: Option<String>,
    /// `None`: the kubeconfig context's name.
    pub cluster_name: Option<String>,
    /// Sidecar: the ports that select the application (`None`: the target's container ports).
    pub open_ports: Option<String>,
    pub skip_preflight: bool,
    pub dry_run: Option<DryRun>,
    pub wait: bool,
    pub timeout: Duration,
    pub progress_deadline: Duration,
}

/// The environment the agent's pod has, for `${VAR}` in the config: what b00t sets. Anything
/// else expands to empty, as it would in the pod.
fn pod_env(cluster_name: &str) -> impl Fn(&str) -> Option<String> + '_ {
    move |k: &str| match k {
        "OTEL_EBPF_KUBE_CLUSTER_NAME" => Some(cluster_name.to_string()),
        "OTEL_EBPF_CONFIG_PATH" => Some(manifest::CONFIG_PATH.to_string()),
        _ => None,
    }
}

fn config_text(req: &ObiDeploy, tag: &str, sidecar: bool) -> (String, String) {
    match &req.config {
        Some((file, text)) => (file.clone(), text.clone()),
        None => {
            let opts = DefaultConfigOptions {
                otlp_endpoint: req.otlp_endpoint.clone(),
                kubernetes: !sidecar,
                ..Default::default()
            };
            (
                "<default config>".into(),
                obi_config::default_config(tag, &opts),
            )
        }
    }
}

fn base_report(req: &ObiDeploy, ns: &str, image: &str, validation: Validation) -> ObiDeployReport {
    ObiDeployReport {
        stage: Stage::Applied,
        mode: match req.mode {
            Mode::DaemonSet => "daemonset".into(),
            Mode::Sidecar { .. } => "sidecar".into(),
        },
        namespace: ns.to_string(),
        target: match &req.mode {
            Mode::Sidecar { target } => Some(target.clone()),
            Mode::DaemonSet => None,
        },
        image: image.to_string(),
        config_checksum: String::new(),
        validation,
        preflight: None,
        objects: vec![],
        changed: false,
        ready: None,
        nodes: vec![],
        failure: None,
        manifests: vec![],
        dry_run: None,
    }
}

/// Settings from the request and what the config says it needs.
fn settings_for(
    req: &ObiDeploy,
    image: &str,
    facts: Option<&obi_config::ConfigFacts>,
    cluster_name: String,
    create_namespace: bool,
) -> Settings {
    let mut node_selector = req.node_selector.clone();
    node_selector
        .entry("kubernetes.io/os".into())
        .or_insert_with(|| "linux".into());
    let s = Settings {
        image: image.to_string(),
        privileged: req.privileged,
        extra_capabilities: vec![],
        host_network: req
            .host_network
            .unwrap_or_else(|| facts.is_some_and(|f| f.network_metrics)),
        node_selector,
        tolerate_all_taints: req.tolerate_all_taints,
        resources: req.resources.clone(),
        prometheus: None,
        internal_metrics_port: None,
        internal_metrics_path: None,
        cluster_name,
        otlp_endpoint: req.otlp_endpoint.clone(),
        otlp_protocol: req.otlp_protocol.clone(),
        create_namespace,
    };
    with_facts(s, facts)
}

/// What the config decides in the settings: the exporter's port and path, the internal
/// metrics' port and path, and the capabilities it needs beyond the base set. `config set`
/// re-derives these, so a config that moves the Prometheus port moves the container port (and
/// the readiness probe, and what `obi status` scrapes) with it.
fn with_facts(mut s: Settings, facts: Option<&obi_config::ConfigFacts>) -> Settings {
    let mut extra = Vec::new();
    if facts.is_some_and(|f| f.needs_sys_admin) {
        extra.push("SYS_ADMIN".to_string());
    }
    if facts.is_some_and(|f| f.needs_net_admin) {
        extra.push("NET_ADMIN".to_string());
    }
    s.extra_capabilities = extra;
    s.prometheus = facts.and_then(|f| f.prometheus_port.map(|p| (p, f.prometheus_path.clone())));
    s.internal_metrics_port = facts.and_then(|f| {
        (f.internal_metrics_exporter == "prometheus")
            .then_some(f.internal_metrics_port)
            .flatten()
    });
    s.internal_metrics_path = facts.map(|f| f.internal_metrics_path.clone());
    s
}

/// Put the settings on the DaemonSet (not its template: they must not roll the pods).
fn annotate(objects: &mut [Object], settings: &Settings) {
    for o in objects.iter_mut() {
        if let Object::DaemonSet(ds) = o {
            ds.metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(
                    SETTINGS.into(),
                    serde_json::to_string(settings).expect("settings serialise"),
                );
        }
    }
}

/// Wait for the DaemonSet, reporting per-node progress.
async fn watch(
    kube: &Kube,
    timeout: Duration,
    deadline: Duration,
    events: &dyn Events,
) -> Result<std::result::Result<Vec<NodeProgress>, RolloutFailure>> {
    events.emit(Event::Started(format!(
        "waiting for daemonset.apps/{NAME} to roll out on every node"
    )));
    let res = kube
        .watch_daemonset_rollout(NAME, CONTAINER, timeout, deadline, &|m, _| {
            events.emit(Event::Progress(m.to_string()))
        })
        .await;
    events.emit(Event::Finished);
    Ok(res?.map(|d| d.nodes))
}

/// `obi deploy`.
pub async fn deploy(
    kube: Option<&Kube>,
    namespace: &str,
    req: &ObiDeploy,
    events: &dyn Events,
) -> Result<ObiDeployReport> {
    let image = image_ref(req.image.as_deref(), req.image_tag.as_deref())?;
    let tag = image_tag(&image);
    let sidecar = matches!(req.mode, Mode::Sidecar { .. });
    let cluster_name = req
        .cluster_name
        .clone()
        .or(kube.map(|k| k.context.clone()))
        .unwrap_or_default();
    let (file, text) = config_text(req, &tag, sidecar);
    let env = pod_env(&cluster_name);
    let validation = obi_config::validate(&file, &text, &tag, &env);
    let mut report = base_report(req, namespace, &image, validation.clone());
    // b00t's own default config is written for every known version at once: its notes and
    // deprecations are b00t's business, not the user's.
    for d in validation
        .diagnostics
        .iter()
        .filter(|d| d.severity != obi_config::Severity::Error && req.config.is_some())
    {
        events.emit(Event::Warning(format!(
            "{file}:{}:{}: {}",
            d.line, d.column, d.message
        )));
    }
    if !validation.valid {
        report.stage = Stage::ConfigInvalid;
        return Ok(report);
    }
    if let (Some(k), false) = (
        kube,
        req.skip_preflight || req.dry_run == Some(DryRun::Client),
    ) {
        events.emit(Event::Started("running preflight checks".into()));
        let p = preflight(k, &req.mode).await;
        events.emit(Event::Finished);
        let p = p?;
        let ok = p.ok;
        report.preflight = Some(p);
        if !ok {
            report.stage = Stage::PreflightFailed;
            return Ok(report);
        }
    }
    // Create (and label) the namespace only when it is absent or already b00t's.
    let create_namespace = match (kube, &req.mode) {
        (_, Mode::Sidecar { .. }) => false,
        (None, _) => true,
        (Some(k), Mode::DaemonSet) => {
            let api: Api<Namespace> = Api::all(k.client.clone());
            match k
                .call_opt("get", &format!("namespace/{namespace}"), api.get(namespace))
                .await?
            {
                None => true,
                Some(ns) => {
                    ns.metadata
                        .labels
                        .unwrap_or_default()
                        .get(labels::MANAGED_BY)
                        == Some(&labels::B00T.to_string())
                }
            }
        }
    };
    let settings = settings_for(
        req,
        &image,
        validation.facts.as_ref(),
        cluster_name.clone(),
        create_namespace,
    );
    let m = settings.manifest(namespace, &text, req.otlp_headers.clone());
    report.config_checksum = manifest::config_checksum(&m.config_yaml, req.otlp_headers.as_deref());
    match &req.mode {
        Mode::DaemonSet => {
            let mut objects = manifest::daemonset_objects(&m);
            annotate(&mut objects, &settings);
            if req.dry_run == Some(DryRun::Client) || kube.is_none() {
                report.stage = Stage::DryRun;
                report.dry_run = Some(DryRun::Client);
                report.manifests = values(&objects);
                return Ok(report);
            }
            let kube = kube.expect("connected unless a client dry run");
            if let Some(conflict) = host_port_conflict(kube, namespace, &settings).await? {
                return Err(Error::msg(
                    Exit::Failed,
                    format!("{conflict}; nothing was applied"),
                ));
            }
            apply_daemonset(kube, &objects, req, &mut report, events).await?;
        }
        Mode::Sidecar { target } => {
            // The sidecar's ports come from the target, so even a client dry run reads it.
            let Some(kube) = kube else {
                return Err(Error::msg(
                    Exit::Usage,
                    "a sidecar deploy needs the cluster to read the target Deployment",
                ));
            };
            deploy_sidecar(kube, target, &m, req, &mut report, events).await?;
        }
    }
    Ok(report)
}

/// On the host network the agent's container ports are host ports (the API server defaults
/// `hostPort` to `containerPort`), and a node has each port once: another b00t install on the
/// host network with one of the same ports would leave this one's pods Pending. What clashes,
/// or `None` (also when the user may not list DaemonSets cluster-wide).
async fn host_port_conflict(
    kube: &Kube,
    namespace: &str,
    settings: &Settings,
) -> Result<Option<String>> {
    let mine: Vec<i32> = settings
        .prometheus
        .iter()
        .map(|(p, _)| i32::from(*p))
        .chain(settings.internal_metrics_port.map(i32::from))
        .collect();
    if !settings.host_network || mine.is_empty() {
        return Ok(None);
    }
    let api: Api<DaemonSet> = Api::all(kube.client.clone());
    let lp = ListParams::default().labels(&format!(
        "{}={},{}={NAME}",
        labels::MANAGED_BY,
        labels::B00T,
        labels::INSTANCE
    ));
    let list = match kube.call("list", "daemonsets.apps", api.list(&lp)).await {
        Ok(l) => l,
        Err(KubeError::Api { code: 403, .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    for ds in list.items {
        let ns = ds.metadata.namespace.clone().unwrap_or_default();
        let Some(spec) = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref()) else {
            continue;
        };
        if ns == namespace || spec.host_network != Some(true) {
            continue;
        }
        let taken = spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .map(|p| p.host_port.unwrap_or(p.container_port))
            .find(|p| mine.contains(p));
        if let Some(port) = taken {
            return Ok(Some(format!(
                "the obi agent in namespace {ns} already uses host port {port} on the host network, so this one's pods could not be scheduled next to it; deploy with --host-network=false, or with a --config whose Prometheus and internal metrics ports differ"
            )));
        }
    }
    Ok(None)
}

async fn apply_daemonset(
    kube: &Kube,
    objects: &[Object],
    req: &ObiDeploy,
    report: &mut ObiDeployReport,
    events: &dyn Events,
) -> Result<()> {
    let plan = ApplyPlan {
        name: NAME.into(),
        server_dry_run: req.dry_run == Some(DryRun::Server),
        wait: vec![],
        timeout: req.timeout,
        apply: ApplyOptions::default(),
    };
    let applied = crate::ops::deploy::apply(kube, objects, &plan, events).await?;
    report.changed = applied.changed;
    report.objects = applied.objects;
    if applied.dry_run.is_some() {
        report.stage = Stage::DryRun;
        report.dry_run = applied.dry_run;
        report.manifests = applied.manifests;
        return Ok(());
    }
    if req.wait {
        match watch(kube, req.timeout, req.progress_deadline, events).await? {
            Ok(nodes) => {
                if nodes.is_empty() {
                    let selector = req
                        .node_selector
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",");
                    events.emit(Event::Warning(format!(
                        "the agent runs on no node: no node matches its node selector{}{}",
                        if selector.is_empty() {
                            String::new()
                        } else {
                            format!(" ({selector})")
                        },
                        if req.tolerate_all_taints {
                            ""
                        } else {
                            " and tolerates its taints (--no-tolerations)"
                        }
                    )));
                }
                report.nodes = nodes;
                report.ready = Some(true);
            }
            Err(f) => {
                report.nodes = f.nodes.clone();
                report.failure = Some(f);
                report.ready = Some(false);
            }
        }
    }
    Ok(())
}

/// The container ports of a Deployment's pod template, joined for `OTEL_EBPF_OPEN_PORT`.
fn open_ports_of(d: &k8s_openapi::api::apps::v1::Deployment) -> String {
    let mut ports: Vec<i32> = d
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|s| {
            s.containers
                .iter()
                .filter(|c| c.name != CONTAINER)
                .flat_map(|c| c.ports.iter().flatten().map(|p| p.container_port))
                .collect()
        })
        .unwrap_or_default();
    ports.sort_unstable();
    ports.dedup();
    ports
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

async fn deploy_sidecar(
    kube: &Kube,
    target: &str,
    m: &ObiManifest,
    req: &ObiDeploy,
    report: &mut ObiDeployReport,
    events: &dyn Events,
) -> Result<()> {
    let api: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(kube.client.clone(), &kube.namespace);
    let what = format!("deployment.apps/{target}");
    let d = kube
        .call_opt("get", &what, api.get(target))
        .await?
        .ok_or_else(|| KubeError::NotFound {
            what: format!("{what} in namespace {}", kube.namespace),
            hint: "; --target names the Deployment to instrument".into(),
        })?;
    let ports = match &req.open_ports {
        Some(p) => p.clone(),
        None => open_ports_of(&d),
    };
    if ports.is_empty() {
        return Err(Error::msg(
            Exit::Usage,
            format!(
                "{what} declares no container ports; say which ports select the application with --open-port"
            ),
        ));
    }
    let server_dry = req.dry_run == Some(DryRun::Server);
    let objects = manifest::sidecar_objects(target, &kube.namespace, m);
    let body = manifest::sidecar_patch(target, &kube.namespace, m, &ports);
    if req.dry_run == Some(DryRun::Client) {
        // What would be applied: the ConfigMap (and Secret) and the patch to the Deployment.
        report.stage = Stage::DryRun;
        report.dry_run = Some(DryRun::Client);
        report.manifests = values(&objects);
        report.manifests.push(body);
        return Ok(());
    }
    let mut applied = kube
        .apply_all(
            &objects,
            ApplyOptions {
                server_dry_run: server_dry,
                ..Default::default()
            },
        )
        .await?;
    applied.push(
        kube.apply_patch_deployment(target, &body, SIDECAR_FIELD_MANAGER, server_dry)
            .await?,
    );
    report.changed = applied.iter().any(|a| a.action != Action::Unchanged);
    if server_dry {
        report.stage = Stage::DryRun;
        report.dry_run = Some(DryRun::Server);
        report.manifests = applied.iter().map(|a| a.object.clone()).collect();
        report.objects = applied;
        return Ok(());
    }
    for a in &applied {
        events.emit(Event::Applied(a.clone()));
    }
    report.objects = applied;
    if req.wait {
        let w = crate::ops::deploy::WaitFor {
            target: Target::Deployment,
            name: target.to_string(),
        };
        let f = crate::ops::deploy::wait_for(kube, &w, req.timeout, events).await?;
        report.ready = Some(f.is_none());
        report.failure = f.map(|f| RolloutFailure {
            reasons: f.reasons,
            events: vec![],
            logs: f.logs.into_iter().map(|l| (l.source, l.lines)).collect(),
            nodes: vec![],
        });
    }
    Ok(())
}

/// What is deployed now: settings, config text and OTLP headers.
pub struct Current {
    pub settings: Settings,
    pub config: String,
    pub headers: Option<String>,
    pub previous_config: Option<String>,
    /// The config checksum on the pod template: what the agents run (after `config set
    /// --no-restart` it is not the ConfigMap's).
    pub template_checksum: Option<String>,
}

/// Read what deploy left on the cluster.
pub async fn current(kube: &Kube) -> Result<Current> {
    let ds = kube
        .daemonset(NAME)
        .await?
        .ok_or_else(|| KubeError::NotFound {
            what: format!("daemonset.apps/{NAME} in namespace {}", kube.namespace),
            hint: "; deploy the agent with: b00t obi deploy".into(),
        })?;
    let template_checksum = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(labels::CONFIG_HASH))
        .cloned();
    let raw = ds
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(SETTINGS))
        .ok_or_else(|| {
            Error::msg(
                Exit::Failed,
                format!(
                    "daemonset.apps/{NAME} in namespace {} was not deployed by b00t obi deploy (no {SETTINGS} annotation); redeploy it with b00t obi deploy",
                    kube.namespace
                ),
            )
        })?;
    let settings: Settings = serde_json::from_str(raw).map_err(|e| {
        Error::msg(
            Exit::Failed,
            format!("reading the {SETTINGS} annotation of daemonset.apps/{NAME}: {e}"),
        )
    })?;
    let cms: Api<ConfigMap> = Api::namespaced(kube.client.clone(), &kube.namespace);
    let config = kube
        .call_opt(
            "get",
            &format!("configmap/{CONFIG_MAP}"),
            cms.get(CONFIG_MAP),
        )
        .await?
        .and_then(|c| c.data.and_then(|d| d.get(CONFIG_KEY).cloned()))
        .ok_or_else(|| KubeError::NotFound {
            what: format!(
                "configmap/{CONFIG_MAP} (key {CONFIG_KEY}) in namespace {}",
                kube.namespace
            ),
            hint: "; redeploy with b00t obi deploy".into(),
        })?;
    let previous_config = kube
        .call_opt(
            "get",
            &format!("configmap/{PREVIOUS_CONFIG_MAP}"),
            cms.get(PREVIOUS_CONFIG_MAP),
        )
        .await?
        .and_then(|c| c.data.and_then(|d| d.get(CONFIG_KEY).cloned()));
    let headers = if settings.otlp_endpoint.is_some() {
        let secrets: Api<Secret> = Api::namespaced(kube.client.clone(), &kube.namespace);
        kube.call_opt(
            "get",
            &format!("secret/{HEADERS_SECRET}"),
            secrets.get(HEADERS_SECRET),
        )
        .await?
        .and_then(|s| s.data)
        .and_then(|d| d.get("OTEL_EXPORTER_OTLP_HEADERS").cloned())
        .map(|b| String::from_utf8_lossy(&b.0).into_owned())
    } else {
        None
    };
    Ok(Current {
        settings,
        config,
        headers,
        previous_config,
        template_checksum,
    })
}

/// The ConfigMap holding the config a rollback restores.
fn previous_config_map(namespace: &str, config: &str) -> Object {
    Object::ConfigMap(ConfigMap {
        metadata: kube::api::ObjectMeta {
            name: Some(PREVIOUS_CONFIG_MAP.into()),
            namespace: Some(namespace.into()),
            labels: Some(labels::for_obi(NAME)),
            ..Default::default()
        },
        data: Some(BTreeMap::from([(
            CONFIG_KEY.to_string(),
            config.to_string(),
        )])),
        ..Default::default()
    })
}

/// Render and apply `settings` + `config` (the DaemonSet install).
async fn apply_state(
    kube: &Kube,
    settings: &Settings,
    config: &str,
    headers: Option<String>,
    extra: Vec<Object>,
    events: &dyn Events,
) -> Result<Vec<Applied>> {
    let m = settings.manifest(&kube.namespace, config, headers);
    let mut objects = manifest::daemonset_objects(&m);
    annotate(&mut objects, settings);
    objects.extend(extra);
    let applied = kube.apply_all(&objects, ApplyOptions::default()).await?;
    for a in &applied {
        events.emit(Event::Applied(a.clone()));
    }
    Ok(applied)
}

/// What `obi upgrade` (and `config set`) did.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeReport {
    pub namespace: String,
    pub from_image: String,
    pub to_image: String,
    pub from_checksum: String,
    pub to_checksum: String,
    pub objects: Vec<Applied>,
    pub changed: bool,
    /// The new version runs on every node.
    pub succeeded: bool,
    /// Why it did not (reasons, Warning events, last log lines).
    pub failure: Option<RolloutFailure>,
    /// The previous image and config were re-applied.
    pub rolled_back: bool,
    /// After the rollback, every node runs a ready agent again.
    pub recovered: Option<bool>,
    pub nodes: Vec<NodeProgress>,
    pub validation: Option<Validation>,
}

/// Options of `obi upgrade`.
#[derive(Debug, Clone)]
pub struct Upgrade {
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub rollback: bool,
    pub timeout: Duration,
    pub progress_deadline: Duration,
}

/// Apply a new state, watch the rollout, roll back to `cur` on failure.
#[allow(clippy::too_many_arguments)]
async fn roll(
    kube: &Kube,
    cur: &Current,
    settings: Settings,
    config: String,
    extra: Vec<Object>,
    rollback: bool,
    timeout: Duration,
    deadline: Duration,
    validation: Option<Validation>,
    events: &dyn Events,
) -> Result<UpgradeReport> {
    let from_checksum = manifest::config_checksum(&cur.config, cur.headers.as_deref());
    let to_checksum = manifest::config_checksum(&config, cur.headers.as_deref());
    let objects = apply_state(kube, &settings, &config, cur.headers.clone(), extra, events).await?;
    let changed = objects.iter().any(|a| a.action != Action::Unchanged);
    let mut report = UpgradeReport {
        namespace: kube.namespace.clone(),
        from_image: cur.settings.image.clone(),
        to_image: settings.image.clone(),
        from_checksum,
        to_checksum,
        objects,
        changed,
        succeeded: false,
        failure: None,
        rolled_back: false,
        recovered: None,
        nodes: vec![],
        validation,
    };
    match watch(kube, timeout, deadline, events).await? {
        Ok(nodes) => {
            report.succeeded = true;
            report.nodes = nodes;
        }
        Err(f) => {
            report.nodes = f.nodes.clone();
            report.failure = Some(f);
            if rollback {
                events.emit(Event::Warning(format!(
                    "rolling back to {} and the previous config",
                    cur.settings.image
                )));
                apply_state(
                    kube,
                    &cur.settings,
                    &cur.config,
                    cur.headers.clone(),
                    vec![],
                    events,
                )
                .await?;
                report.rolled_back = true;
                let back = watch(kube, timeout, deadline, events).await?;
                report.recovered = Some(back.is_ok());
                if let Ok(nodes) = back {
                    report.nodes = nodes;
                }
            }
        }
    }
    Ok(report)
}

/// `obi upgrade`: a new image (and the same config, checked against the new version first).
pub async fn upgrade(kube: &Kube, req: &Upgrade, events: &dyn Events) -> Result<UpgradeReport> {
    let cur = current(kube).await?;
    let image = match (&req.image, &req.image_tag) {
        (None, None) => {
            return Err(Error::msg(
                Exit::Usage,
                "say what to upgrade to: --image-tag T or --image IMG",
            ));
        }
        (None, Some(t)) => {
            // Keep the repository deployed, change the tag.
            let repo = cur
                .settings
                .image
                .split('@')
                .next()
                .unwrap_or_default()
                .to_string();
            let repo = match repo.rsplit_once(':') {
                Some((r, t)) if !t.contains('/') => r.to_string(),
                _ => repo,
            };
            image_ref(Some(&repo), Some(t))?
        }
        (Some(i), t) => image_ref(Some(i), t.as_deref())?,
    };
    let tag = image_tag(&image);
    let env = pod_env(&cur.settings.cluster_name);
    let validation = obi_config::validate(CONFIG_MAP, &cur.config, &tag, &env);
    if !validation.valid {
        return Err(Error::msg(
            Exit::Usage,
            format!(
                "the deployed config is not valid for {image} ({}); fix it with b00t obi config set FILE --image-tag {tag} first: {}",
                validation.summary(),
                validation
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == obi_config::Severity::Error)
                    .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    }
    let mut settings = cur.settings.clone();
    settings.image = image;
    let config = cur.config.clone();
    roll(
        kube,
        &cur,
        settings,
        config,
        vec![],
        req.rollback,
        req.timeout,
        req.progress_deadline,
        Some(validation),
        events,
    )
    .await
}

/// `obi config set FILE`.
#[derive(Debug, Clone)]
pub struct ConfigSet {
    pub file: String,
    pub text: String,
    pub restart: bool,
    pub wait: bool,
    pub rollback: bool,
    pub timeout: Duration,
    pub progress_deadline: Duration,
}

/// What `config set` did.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigSetReport {
    pub namespace: String,
    pub validation: Validation,
    /// The config differs from the deployed one.
    pub changed: bool,
    /// The pods were rolled (the checksum changed and `--no-restart` was not given).
    pub restarted: bool,
    pub rollout: Option<UpgradeReport>,
}

/// Validate, store the previous config, update the ConfigMap, roll the pods when the checksum
/// changes (unless `--no-restart`), roll back on failure.
pub async fn config_set(
    kube: &Kube,
    req: &ConfigSet,
    events: &dyn Events,
) -> Result<ConfigSetReport> {
    let cur = current(kube).await?;
    let tag = cur.settings.tag();
    let env = pod_env(&cur.settings.cluster_name);
    let validation = obi_config::validate(&req.file, &req.text, &tag, &env);
    let mut report = ConfigSetReport {
        namespace: kube.namespace.clone(),
        validation: validation.clone(),
        changed: false,
        restarted: false,
        rollout: None,
    };
    if !validation.valid {
        return Ok(report);
    }
    let checksum = manifest::config_checksum(&req.text, cur.headers.as_deref());
    let running = cur.template_checksum.as_deref() == Some(checksum.as_str());
    if req.text == cur.config && (running || !req.restart) {
        events.emit(Event::Note(
            "the config is unchanged; nothing to roll".into(),
        ));
        return Ok(report);
    }
    if req.text == cur.config {
        // Stored by an earlier `config set --no-restart` but not running yet: roll the agents
        // onto it. The previous config stays what a rollback restores, and is what the agents
        // run now when its checksum says so.
        events.emit(Event::Note(
            "the ConfigMap already holds this config, but the agents do not run it yet; rolling them"
                .into(),
        ));
        let mut base = Current {
            settings: cur.settings.clone(),
            config: cur.config.clone(),
            headers: cur.headers.clone(),
            previous_config: cur.previous_config.clone(),
            template_checksum: cur.template_checksum.clone(),
        };
        if let Some(prev) = &cur.previous_config
            && cur.template_checksum.as_deref()
                == Some(manifest::config_checksum(prev, cur.headers.as_deref()).as_str())
        {
            base.config = prev.clone();
        }
        report.restarted = true;
        let rollout = roll(
            kube,
            &base,
            with_facts(cur.settings.clone(), validation.facts.as_ref()),
            req.text.clone(),
            vec![],
            req.rollback,
            req.timeout,
            req.progress_deadline,
            None,
            events,
        )
        .await?;
        report.rollout = Some(rollout);
        return Ok(report);
    }
    report.changed = true;
    let keep = previous_config_map(&kube.namespace, &cur.config);
    if !req.restart {
        // Only the ConfigMap: the template (and its checksum) stays, so no pod restarts.
        let mut cm = manifest::daemonset_objects(&cur.settings.manifest(
            &kube.namespace,
            &req.text,
            cur.headers.clone(),
        ))
        .into_iter()
        .filter(|o| matches!(o, Object::ConfigMap(_)))
        .collect::<Vec<_>>();
        cm.push(keep);
        let applied = kube.apply_all(&cm, ApplyOptions::default()).await?;
        for a in applied {
            events.emit(Event::Applied(a));
        }
        events.emit(Event::Note(
            "the agents keep running with the old config until they restart (--no-restart)".into(),
        ));
        return Ok(report);
    }
    report.restarted = true;
    let rollout = roll(
        kube,
        &cur,
        with_facts(cur.settings.clone(), validation.facts.as_ref()),
        req.text.clone(),
        vec![keep],
        req.rollback,
        req.timeout,
        req.progress_deadline,
        None,
        events,
    )
    .await?;
    report.rollout = Some(rollout);
    Ok(report)
}

/// What `config show` prints.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigShow {
    pub namespace: String,
    pub image: String,
    pub config: String,
    pub checksum: String,
    pub previous: Option<String>,
}

pub async fn config_show(kube: &Kube) -> Result<ConfigShow> {
    let cur = current(kube).await?;
    Ok(ConfigShow {
        namespace: kube.namespace.clone(),
        image: cur.settings.image.clone(),
        checksum: manifest::config_checksum(&cur.config, cur.headers.as_deref()),
        config: cur.config,
        previous: cur.previous_config,
    })
}

/// What `obi undeploy` removed.
#[derive(Debug, Clone, Serialize)]
pub struct UndeployReport {
    pub mode: String,
    pub namespace: String,
    pub deleted: Vec<Deleted>,
    /// Objects applied to put a sidecar's Deployment back.
    pub restored: Vec<Applied>,
    pub kept: Vec<String>,
}

/// Options of `obi undeploy`.
#[derive(Debug, Clone)]
pub struct Undeploy {
    pub mode: Mode,
    pub keep_config: bool,
    pub delete_namespace: bool,
    pub wait: bool,
    pub timeout: Duration,
}

/// Remove everything deploy created; wait until the agent pods are gone.
pub async fn undeploy(kube: &Kube, req: &Undeploy, events: &dyn Events) -> Result<UndeployReport> {
    let ns = kube.namespace.clone();
    let mut report = UndeployReport {
        mode: match req.mode {
            Mode::DaemonSet => "daemonset".into(),
            Mode::Sidecar { .. } => "sidecar".into(),
        },
        namespace: ns.clone(),
        deleted: vec![],
        restored: vec![],
        kept: vec![],
    };
    match &req.mode {
        Mode::Sidecar { target } => {
            let body = manifest::sidecar_removal_patch(target, &ns);
            let a = kube
                .apply_patch_deployment(target, &body, SIDECAR_FIELD_MANAGER, false)
                .await?;
            report.restored.push(a);
            for name in [
                manifest::sidecar_config_name(target),
                manifest::sidecar_headers_name(target),
            ] {
                let d = if name.ends_with("-config") {
                    if req.keep_config {
                        report.kept.push(format!("configmap/{name}"));
                        None
                    } else {
                        kube.delete_owned::<ConfigMap>("configmap", &name).await?
                    }
                } else {
                    kube.delete_owned::<Secret>("secret", &name).await?
                };
                report.deleted.extend(d);
            }
            if req.wait {
                let w = crate::ops::deploy::WaitFor {
                    target: Target::Deployment,
                    name: target.clone(),
                };
                if let Some(f) = crate::ops::deploy::wait_for(kube, &w, req.timeout, events).await?
                {
                    return Err(f.into_error());
                }
            }
        }
        Mode::DaemonSet => {
            let role = manifest::cluster_role_name(&ns);
            let mut d = Vec::new();
            d.push(
                kube.delete_owned::<DaemonSet>("daemonset.apps", NAME)
                    .await?,
            );
            if req.keep_config {
                report.kept.push(format!("configmap/{CONFIG_MAP}"));
                report.kept.push(format!("configmap/{PREVIOUS_CONFIG_MAP}"));
            } else {
                d.push(
                    kube.delete_owned::<ConfigMap>("configmap", CONFIG_MAP)
                        .await?,
                );
                d.push(
                    kube.delete_owned::<ConfigMap>("configmap", PREVIOUS_CONFIG_MAP)
                        .await?,
                );
            }
            d.push(
                kube.delete_owned::<Secret>("secret", HEADERS_SECRET)
                    .await?,
            );
            d.push(
                kube.delete_owned::<ServiceAccount>("serviceaccount", NAME)
                    .await?,
            );
            d.push(
                kube.delete_owned_cluster::<ClusterRoleBinding>(
                    "clusterrolebinding.rbac.authorization.k8s.io",
                    &role,
                )
                .await?,
            );
            d.push(
                kube.delete_owned_cluster::<ClusterRole>(
                    "clusterrole.rbac.authorization.k8s.io",
                    &role,
                )
                .await?,
            );
            report.deleted.extend(d.into_iter().flatten());
            if req.wait {
                events.emit(Event::Started(format!(
                    "waiting for the agent pods in namespace {ns} to be gone"
                )));
                let res = kube
                    .wait_gone(&labels::selector_for_instance(NAME), None, req.timeout)
                    .await;
                events.emit(Event::Finished);
                res?;
            }
            if req.delete_namespace {
                // Only the namespace deploy created: another one is kept, and everything
                // else is still removed (and reported).
                match kube
                    .delete_owned_cluster::<Namespace>("namespace", &ns)
                    .await
                {
                    Ok(Some(x)) => report.deleted.push(x),
                    Ok(None) => {}
                    Err(KubeError::Refused { .. }) => {
                        report.kept.push(format!("namespace/{ns}"));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Ok(report)
}
