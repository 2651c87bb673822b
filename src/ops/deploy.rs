//! Apply, report each object, wait until ready, explain a failure: once, for every deploy path
//! (`deploy-mcp`, `deploy --from-*`, `obi deploy`).

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::{Event, Events, LogTail};
use crate::datum;
use crate::error::Result;
use crate::render::{self, Object, RenderOptions};
use crate::runtime::kube::apply::{Action, Applied, ApplyOptions};
use crate::runtime::kube::wait::{NotReady, Target};
use crate::runtime::kube::{ConnectOptions, Kube, KubeError};
use crate::runtime::{ApplyWorkload, Runtime, RuntimeKind};
use crate::workload::{Bundle, Controller, Workload};

/// `--dry-run[=client|server]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DryRun {
    /// Render only; no cluster is contacted.
    Client,
    /// The API server validates and defaults; nothing is stored.
    Server,
}

/// A server dry run needs a Kubernetes API server: refused on Docker before connecting.
pub fn check_dry_run(kind: RuntimeKind, dry_run: Option<DryRun>) -> Result<()> {
    if kind == RuntimeKind::Docker && dry_run == Some(DryRun::Server) {
        return Err(server_dry_run_on_docker());
    }
    Ok(())
}

/// The error of a server dry run on Docker.
pub fn server_dry_run_on_docker() -> crate::error::Error {
    crate::error::Error::msg(
        crate::error::Exit::Usage,
        "--dry-run=server needs a Kubernetes API server; with --runtime docker use --dry-run (client)",
    )
}

/// Why one workload did not become ready.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub workload: String,
    pub reasons: Vec<String>,
    pub logs: Vec<LogTail>,
}

impl Failure {
    fn from_not_ready(workload: &str, nr: NotReady) -> Failure {
        Failure {
            workload: workload.to_string(),
            reasons: nr.reasons,
            logs: nr
                .logs
                .into_iter()
                .map(|(source, lines)| LogTail { source, lines })
                .collect(),
        }
    }

    /// The error a command ends with when this is why.
    pub fn into_error(self) -> crate::error::Error {
        KubeError::Failed {
            what: format!("{} did not become ready", self.workload),
            reason: self.reasons.join("; "),
        }
        .into()
    }
}

/// What a deploy did. `--json` prints this.
#[derive(Debug, Clone, Serialize)]
pub struct DeployReport {
    pub name: String,
    /// `None` on a client dry run without `-n`.
    pub namespace: Option<String>,
    pub objects: Vec<Applied>,
    /// Anything created or configured.
    pub changed: bool,
    /// `Some(true)` when waited for and ready; `Some(false)` when it could not get there.
    pub ready: Option<bool>,
    /// Workloads that did not become ready, with the reasons and last log lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// The objects as rendered (client dry run) or as the server returned them (server dry run).
    #[serde(skip)]
    pub manifests: Vec<serde_json::Value>,
    #[serde(skip)]
    pub dry_run: Option<DryRun>,
    /// Where it ran (for the next-step hints).
    #[serde(skip)]
    pub runtime: RuntimeKind,
}

impl DeployReport {
    /// The first failure as the command's error, or `Ok`.
    pub fn result(&self) -> Result<()> {
        match self.failures.first() {
            None => Ok(()),
            Some(f) if self.failures.len() == 1 => Err(f.clone().into_error()),
            Some(_) => Err(KubeError::Failed {
                what: format!(
                    "{}: {} did not become ready",
                    self.name,
                    self.failures
                        .iter()
                        .map(|f| f.workload.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                reason: self
                    .failures
                    .iter()
                    .flat_map(|f| f.reasons.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("; "),
            }
            .into()),
        }
    }
}

/// What to wait for after applying.
#[derive(Debug, Clone)]
pub struct WaitFor {
    pub target: Target,
    pub name: String,
}

/// How [`apply_and_wait`] runs.
#[derive(Debug, Clone)]
pub struct ApplyPlan {
    /// Name for messages and the report (the workload or the app).
    pub name: String,
    pub server_dry_run: bool,
    /// Workloads to wait for, in order (empty: do not wait).
    pub wait: Vec<WaitFor>,
    /// Per workload.
    pub timeout: Duration,
    pub apply: ApplyOptions,
}

/// Serialise rendered objects.
pub fn values(objects: &[Object]) -> Vec<serde_json::Value> {
    objects
        .iter()
        .map(|o| serde_json::to_value(o).expect("objects serialise"))
        .collect()
}

/// Wait for one workload with progress events; `Ok(Some(failure))` when it cannot get ready.
pub async fn wait_for(
    rt: &dyn Runtime,
    w: &WaitFor,
    timeout: Duration,
    events: &dyn Events,
) -> Result<Option<Failure>> {
    events.emit(Event::Started(format!(
        "waiting for {} to become ready",
        w.name
    )));
    let res = rt
        .wait_ready(w.target, &w.name, timeout, &|m| {
            events.emit(Event::Progress(m.to_string()))
        })
        .await;
    events.emit(Event::Finished);
    Ok(res?.err().map(|nr| Failure::from_not_ready(&w.name, nr)))
}

/// Apply `objects` in order (each reported as an [`Event::Applied`]), then wait for each
/// workload of the plan. A workload that cannot become ready is a [`Failure`] in the report,
/// not an error: the caller decides (the CLI exits 1 after showing it).
pub async fn apply_and_wait(
    kube: &Kube,
    objects: &[Object],
    plan: &ApplyPlan,
    events: &dyn Events,
) -> Result<DeployReport> {
    let mut report = apply(kube, objects, plan, events).await?;
    wait_all(kube, &mut report, plan, events).await?;
    Ok(report)
}

/// The apply half of [`apply_and_wait`].
pub async fn apply(
    kube: &Kube,
    objects: &[Object],
    plan: &ApplyPlan,
    events: &dyn Events,
) -> Result<DeployReport> {
    let mut opts = plan.apply;
    opts.server_dry_run = plan.server_dry_run;
    let applied = kube.apply_all(objects, opts).await?;
    Ok(applied_report(
        &plan.name,
        Some(kube.namespace.clone()),
        RuntimeKind::Kubernetes,
        applied,
        plan.server_dry_run,
        events,
    ))
}

/// The report of an apply: a server dry run keeps what the server returned; otherwise each
/// object is reported as an [`Event::Applied`].
fn applied_report(
    name: &str,
    namespace: Option<String>,
    runtime: RuntimeKind,
    applied: Vec<Applied>,
    server_dry_run: bool,
    events: &dyn Events,
) -> DeployReport {
    let changed = applied.iter().any(|a| a.action != Action::Unchanged);
    let mut report = DeployReport {
        name: name.to_string(),
        namespace,
        objects: applied.clone(),
        changed,
        ready: None,
        failures: vec![],
        manifests: vec![],
        dry_run: None,
        runtime,
    };
    if server_dry_run {
        report.manifests = applied.iter().map(|a| a.object.clone()).collect();
        report.dry_run = Some(DryRun::Server);
        return report;
    }
    for a in applied {
        events.emit(Event::Applied(a));
    }
    report
}

/// The waiting half of [`apply_and_wait`]: fills `ready` and `failures`.
pub async fn wait_all(
    kube: &Kube,
    report: &mut DeployReport,
    plan: &ApplyPlan,
    events: &dyn Events,
) -> Result<()> {
    if plan.wait.is_empty() || report.dry_run.is_some() {
        return Ok(());
    }
    for w in &plan.wait {
        if w.target == Target::CronJob {
            // Nothing runs until the schedule says so: check it exists, say so.
            if wait_for(kube, w, plan.timeout, events).await?.is_none() {
                events.emit(Event::Note(format!(
                    "{} is scheduled (CronJob) in namespace {}",
                    w.name, kube.namespace
                )));
            }
            continue;
        }
        match wait_for(kube, w, plan.timeout, events).await? {
            None => events.emit(Event::Note(format!(
                "{} is ready in namespace {}",
                w.name, kube.namespace
            ))),
            Some(f) => report.failures.push(f),
        }
    }
    report.ready = Some(report.failures.is_empty());
    Ok(())
}

/// `deploy-mcp`: the datum, its options and where to look for it.
#[derive(Debug, Clone, Default)]
pub struct DeployMcp {
    pub server: String,
    pub dirs: Vec<PathBuf>,
    pub image: Option<String>,
    pub replicas: Option<i32>,
    /// `--size`: the sizing preset, winning over the datum's.
    pub size: Option<datum::Size>,
    pub env: Vec<(String, String)>,
    pub dry_run: Option<DryRun>,
    pub wait: bool,
    pub timeout: Duration,
    /// How the backend applies (pull policy, published interfaces on Docker).
    pub apply: ApplyWorkload,
}

/// The MCP server's datum as a [`Workload`], and the namespace the datum asks for.
pub fn mcp_workload(req: &DeployMcp) -> Result<(Workload, Option<String>)> {
    let d = datum::find(&req.server, &req.dirs)?;
    let config = datum::UserConfig::load_default()?;
    let opts = datum::DeployOptions {
        image: req.image.clone(),
        replicas: req.replicas,
        size: req.size,
        extra_env: req.env.clone(),
        config,
        ..Default::default()
    };
    let w = datum::to_workload(&d, &opts)?;
    Ok((w, d.namespace().map(str::to_string)))
}

/// Rendered objects as one JSON document, a `v1` `List` (what a client dry run prints with
/// `--json`).
pub fn object_list(objects: &[serde_json::Value]) -> serde_json::Value {
    serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects})
}

/// The containers a Docker deploy would create (a client dry run with `--runtime docker`), with
/// secret values hidden.
pub fn planned_containers(w: &Workload, apply: &ApplyWorkload) -> Result<Vec<serde_json::Value>> {
    crate::runtime::docker::supports(w)?;
    let secret: std::collections::BTreeSet<&str> = w
        .containers
        .iter()
        .flat_map(|c| c.env.iter().filter(|e| e.secret).map(|e| e.name.as_str()))
        .collect();
    Ok(crate::render::docker::render_containers(
        w,
        &crate::render::docker::DockerOptions {
            publish_all_interfaces: apply.publish_all_interfaces,
        },
    )
    .into_iter()
    .map(|mut s| {
        for (k, v) in s.env.iter_mut() {
            if secret.contains(k.as_str()) {
                *v = "<hidden>".into();
            }
        }
        serde_json::to_value(&s).expect("a spec serialises")
    })
    .collect())
}

/// The Kubernetes objects of a client dry run (`--dry-run` with the Kubernetes runtime).
pub fn planned_mcp(w: &Workload, namespace: Option<String>) -> Result<DeployReport> {
    let objects = render::render_workload(
        w,
        &RenderOptions {
            namespace: namespace.clone(),
        },
    )?;
    Ok(planned(&w.name, namespace, &objects))
}

/// Deploy one workload (an MCP server, an image) on any runtime: apply, report each object, wait until ready
/// (unless `req.wait` is off), explain a failure.
pub async fn deploy_workload(
    rt: &dyn Runtime,
    w: &Workload,
    req: &DeployMcp,
    events: &dyn Events,
) -> Result<DeployReport> {
    let mut opts = req.apply.clone();
    opts.server_dry_run = req.dry_run == Some(DryRun::Server);
    // Backend progress while applying (an image pull) is one step: it starts with the first
    // message and ends when the apply does.
    let step = std::sync::atomic::AtomicBool::new(false);
    let progress = |m: &str| {
        if step.swap(true, std::sync::atomic::Ordering::SeqCst) {
            events.emit(Event::Progress(m.to_string()));
        } else {
            events.emit(Event::Started(m.to_string()));
        }
    };
    let applied = rt.apply(w, &opts, &progress).await;
    if step.load(std::sync::atomic::Ordering::SeqCst) {
        events.emit(Event::Finished);
    }
    let mut report = applied_report(
        &w.name,
        rt.namespace(),
        rt.kind(),
        applied?,
        opts.server_dry_run,
        events,
    );
    if w.network_policy.is_some() {
        events.emit(network_policy_notice(w, rt.kind()));
    }
    if report.dry_run.is_some() {
        return Ok(report);
    }
    if req.wait {
        let wf = WaitFor {
            target: Target::Deployment,
            name: w.name.clone(),
        };
        match wait_for(rt, &wf, req.timeout, events).await? {
            None => events.emit(Event::Note(format!(
                "{} is ready {}",
                w.name,
                rt.scope(false)
            ))),
            Some(f) => report.failures.push(f),
        }
        report.ready = Some(report.failures.is_empty());
    }
    Ok(report)
}

/// What to say once about a workload's NetworkPolicy: who enforces it (Kubernetes), or that it
/// is not enforced at all (Docker).
pub fn network_policy_notice(w: &Workload, kind: RuntimeKind) -> Event {
    match kind {
        RuntimeKind::Kubernetes => Event::Note(format!(
            "networkpolicy/{}: enforced only if the cluster's network plugin implements NetworkPolicy (Calico and Cilium do, flannel alone does not); b00t cannot tell",
            w.name
        )),
        RuntimeKind::Docker => Event::Warning(format!(
            "{}: the Docker runtime cannot express b00t.k8s.network_policy; the container's network is not restricted",
            w.name
        )),
    }
}

/// The report of a client dry run: the rendered objects, nothing applied.
pub fn planned(name: &str, namespace: Option<String>, objects: &[Object]) -> DeployReport {
    DeployReport {
        name: name.to_string(),
        namespace,
        objects: vec![],
        changed: false,
        ready: None,
        failures: vec![],
        manifests: values(objects),
        dry_run: Some(DryRun::Client),
        runtime: RuntimeKind::Kubernetes,
    }
}

fn target_of(c: Controller) -> Target {
    match c {
        Controller::Deployment => Target::Deployment,
        Controller::DaemonSet => Target::DaemonSet,
        Controller::Pod => Target::Pod,
        Controller::StatefulSet => Target::StatefulSet,
        Controller::CronJob => Target::CronJob,
    }
}

/// `deploy --from-*`: apply a translated bundle. Everything is applied before anything is
/// waited for (services may need each other to become ready).
pub async fn deploy_bundle(
    conn: &ConnectOptions,
    bundle: &Bundle,
    dry_run: Option<DryRun>,
    wait: bool,
    timeout: Duration,
    events: &dyn Events,
) -> Result<(DeployReport, Vec<Object>)> {
    let name = bundle
        .workloads
        .first()
        .map(|w| {
            if bundle.workloads.len() == 1 {
                w.name.clone()
            } else {
                w.app.clone()
            }
        })
        .unwrap_or_default();
    let app = bundle
        .workloads
        .first()
        .map(|w| w.app.clone())
        .unwrap_or_default();
    if dry_run == Some(DryRun::Client) {
        let objects = render::render_bundle(
            bundle,
            &RenderOptions {
                namespace: conn.namespace.clone(),
            },
        )?;
        return Ok((planned(&name, conn.namespace.clone(), &objects), objects));
    }
    let kube = Kube::connect(conn).await?;
    let objects = render::render_bundle(
        bundle,
        &RenderOptions {
            namespace: Some(kube.namespace.clone()),
        },
    )?;
    let plan = ApplyPlan {
        name,
        server_dry_run: dry_run == Some(DryRun::Server),
        wait: if wait {
            bundle
                .workloads
                .iter()
                .map(|w| WaitFor {
                    target: target_of(w.controller),
                    name: w.name.clone(),
                })
                .collect()
        } else {
            vec![]
        },
        timeout,
        apply: ApplyOptions::default(),
    };
    let mut report = apply(&kube, &objects, &plan, events).await?;
    if report.dry_run.is_none() {
        let file = write_resources(&app, &objects)?;
        events.emit(Event::Note(format!(
            "manifests written to {}",
            file.display()
        )));
    }
    wait_all(&kube, &mut report, &plan, events).await?;
    Ok((report, objects))
}

/// `.b00t/k8s/<name>-resources.yaml` (relative to the current directory): what was applied.
fn write_resources(name: &str, objects: &[Object]) -> Result<PathBuf> {
    let dir = std::path::Path::new(".b00t").join("k8s");
    let file = dir.join(format!("{name}-resources.yaml"));
    let mut text = String::new();
    for v in values(objects) {
        text.push_str("---\n");
        text.push_str(&serde_saphyr::to_string(&v).expect("objects serialise to YAML"));
    }
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&file, text))
        .map_err(|e| {
            crate::error::Error::msg(
                crate::error::Exit::Failed,
                format!("writing {}: {e}", file.display()),
            )
        })?;
    Ok(file)
}
