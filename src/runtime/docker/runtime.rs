//! [`Runtime`] for a Docker engine: a workload is one container per replica
//! ([`crate::render::docker`]), found again by the b00t labels; "unchanged" is decided by the
//! config-hash label.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Serialize;

use super::{ContainerInfo, Docker, DockerError, LogEntry, LogOptions as EngineLogOptions, labels};
use crate::error::{Error, Exit, Result};
use crate::render::docker::{DockerOptions, render_containers};
use crate::render::labels as l;
use crate::runtime::kube::apply::Action;
use crate::runtime::kube::status::{LogTail, WorkloadCounts};
use crate::runtime::{
    Applied, ApplyWorkload, BoxFuture, ContainerState, DeleteTarget, Deleted, Deletion,
    ListOptions, LogLine, LogOptions, NotReady, Overview, Progress, Runtime, RuntimeKind, Target,
    WorkloadStatus, WorkloadSummary,
};
use crate::workload::Workload;

/// How many log lines a failure report carries.
const LAST_LINES: u64 = 20;
/// How often waiting looks again.
const POLL: Duration = Duration::from_millis(250);

/// `status` without a name, on Docker.
#[derive(Debug, Clone, Serialize)]
pub struct EngineStatus {
    pub runtime: &'static str,
    /// The engine address and where it came from (`DOCKER_HOST`, a context, the default).
    pub host: String,
    pub host_source: String,
    pub version: String,
    pub api_version: String,
    /// The engine host's operating system (`Debian GNU/Linux 12 (bookworm)`).
    pub operating_system: String,
    pub os: String,
    pub arch: String,
    /// b00t-managed workloads by health.
    pub workloads: WorkloadCounts,
    /// b00t-managed containers by engine state (`running`, `exited`, …).
    pub containers: BTreeMap<String, usize>,
}

fn managed() -> BTreeMap<String, String> {
    BTreeMap::from([(labels::MANAGED_BY.into(), labels::MANAGED_BY_VALUE.into())])
}

fn of_instance(instance: &str) -> BTreeMap<String, String> {
    let mut m = managed();
    m.insert(labels::INSTANCE.into(), instance.into());
    m
}

/// `k=v,k2=v2` → a map; only equality is supported on Docker.
fn parse_selector(s: &str) -> Result<BTreeMap<String, String>> {
    let mut m = BTreeMap::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, v)) if !k.contains('!') && !v.starts_with('=') => {
                m.insert(k.trim().to_string(), v.trim().to_string());
            }
            _ => {
                return Err(Error::msg(
                    Exit::Usage,
                    format!(
                        "selector {part:?}: the Docker runtime supports only KEY=VALUE terms (joined with commas)"
                    ),
                ));
            }
        }
    }
    Ok(m)
}

fn ts_string(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

fn port_strings(c: &ContainerInfo) -> Vec<String> {
    c.ports
        .iter()
        .map(|p| {
            let ip = if p.host_ip.is_empty() {
                "0.0.0.0"
            } else {
                &p.host_ip
            };
            match p.host_port {
                Some(h) => format!("{ip}:{h}->{}", p.key()),
                None => p.key(),
            }
        })
        .collect()
}

/// How long a restarted container must stay up before its restarts count as over.
const RECOVERED: Duration = Duration::from_secs(10);

fn up_for(c: &ContainerInfo, d: Duration) -> bool {
    c.running
        && c.started_at.is_some_and(|t| {
            jiff::Timestamp::now().as_millisecond() - t.as_millisecond() >= d.as_millis() as i64
        })
}

/// Restarted by the engine and not up for long: the process keeps exiting. (While it runs
/// again, the engine reports exit code 0, so the restarts and the uptime tell.)
fn crash_looping(c: &ContainerInfo) -> bool {
    c.restarting || (c.restart_count > 0 && !up_for(c, RECOVERED))
}

fn times(n: i64) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

/// Why a container is not healthy (empty when it is), and whether it is ready.
fn problems(c: &ContainerInfo) -> (Vec<String>, bool) {
    let mut reasons = Vec::new();
    let exit = c
        .last_exit_code()
        .map(|e| format!(" with code {e}"))
        .unwrap_or_default();
    if c.oom_killed {
        reasons.push(format!(
            "{}: killed for using too much memory (OOMKilled)",
            c.name
        ));
    }
    if let Some(e) = &c.error {
        reasons.push(format!("{}: {e}", c.name));
    }
    if crash_looping(c) {
        reasons.push(format!(
            "{}: keeps exiting{exit} (restarted {})",
            c.name,
            times(c.restart_count)
        ));
    } else if !c.running && c.status != "created" {
        reasons.push(format!("{}: exited{exit}", c.name));
    }
    if c.health.as_deref() == Some("unhealthy") {
        reasons.push(format!("{}: health check failing", c.name));
    }
    let ready = c.running
        && !c.restarting
        && matches!(c.health.as_deref(), None | Some("healthy"))
        && reasons.is_empty();
    (reasons, ready)
}

/// One row for a set of containers (a workload's replicas, or one foreign container).
fn summarize(name: &str, cs: &[ContainerInfo]) -> WorkloadSummary {
    let now = jiff::Timestamp::now();
    let mut reasons = Vec::new();
    let mut ready = 0;
    for c in cs {
        let (r, ok) = problems(c);
        reasons.extend(r);
        ready += i32::from(ok);
    }
    let running = cs.iter().filter(|c| c.running && !c.restarting).count() as i32;
    let failing = cs.iter().any(|c| {
        crash_looping(c)
            || c.oom_killed
            || c.health.as_deref() == Some("unhealthy")
            || (!c.running && c.exit_code.is_some_and(|e| e != 0))
    });
    let status = if failing {
        "Failing"
    } else if !cs.is_empty() && ready as usize == cs.len() {
        "Running"
    } else if cs.iter().all(|c| !c.running && c.status != "created") {
        "Stopped"
    } else {
        "Pending"
    };
    let first = cs.first();
    let label = |k: &str| {
        first
            .and_then(|c| c.labels.get(k))
            .cloned()
            .unwrap_or_default()
    };
    let type_ = {
        let t = label(l::TYPE);
        if t.is_empty() { label(l::COMPONENT) } else { t }
    };
    WorkloadSummary {
        name: name.to_string(),
        namespace: String::new(),
        kind: "Container".into(),
        app: label(l::NAME),
        type_,
        status: status.into(),
        ready: format!("{ready}/{}", cs.len()),
        restarts: cs.iter().map(|c| c.restart_count as i32).sum(),
        running,
        image: first.map(|c| c.image.clone()).unwrap_or_default(),
        age_seconds: cs
            .iter()
            .filter_map(|c| c.created)
            .min()
            .map(|t| (now.as_second() - t.as_second()).max(0))
            .unwrap_or(0),
        nodes: vec![],
        reasons,
    }
}

fn state_of(c: &ContainerInfo) -> ContainerState {
    ContainerState {
        name: c.name.clone(),
        state: c.status.clone(),
        health: c.health.clone(),
        restarts: c.restart_count,
        exit_code: c.last_exit_code(),
        oom_killed: c.oom_killed,
        started_at: ts_string(c.started_at),
        ports: port_strings(c),
    }
}

/// How long a container must have been running before it counts as ready: a process that
/// exits right after starting is reported as the failure it is, not as ready.
const STEADY: Duration = Duration::from_secs(1);

fn steady(c: &ContainerInfo) -> bool {
    c.started_at.is_some_and(|t| {
        jiff::Timestamp::now().as_millisecond() - t.as_millisecond() >= STEADY.as_millis() as i64
    })
}

/// Whether the server listens behind its published ports (what a TCP readiness probe checks on
/// Kubernetes). Connecting is not enough: docker-proxy accepts on the host and only then dials
/// the container, closing the connection when nothing listens there. So a connection that is
/// closed or reset right away means "not yet"; one that stays open (or sends data) means ready.
/// Only for a local engine: a remote one publishes on its own host.
async fn ports_answer(d: &Docker, c: &ContainerInfo) -> bool {
    use tokio::io::AsyncReadExt;
    if !d.host.url.starts_with("unix://") {
        return true;
    }
    for p in &c.ports {
        let Some(port) = p.host_port else { continue };
        let ip = if p.host_ip.is_empty() || p.host_ip == "0.0.0.0" {
            "127.0.0.1"
        } else if p.host_ip == "::" {
            "::1"
        } else {
            &p.host_ip
        };
        let addr = format!("{ip}:{port}");
        let Ok(Ok(mut conn)) = tokio::time::timeout(
            Duration::from_secs(1),
            tokio::net::TcpStream::connect(&addr),
        )
        .await
        else {
            return false;
        };
        let mut buf = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(300), conn.read(&mut buf)).await {
            // Still open and quiet, or the server spoke first: it listens.
            Err(_) | Ok(Ok(1..)) => {}
            // Closed or reset at once: nothing behind the proxy.
            Ok(Ok(0)) | Ok(Err(_)) => return false,
        }
    }
    true
}

fn log_line(container: &str, workload_container: &str, e: LogEntry) -> LogLine {
    LogLine {
        ts: e.time.parse::<jiff::Timestamp>().ok(),
        time: e.time,
        pod: container.to_string(),
        container: workload_container.to_string(),
        line: e.line,
    }
}

impl Docker {
    /// `NAME` → the instance `NAME`, else `NAME-mcp`, else a b00t container named `NAME`;
    /// `mcp/NAME`, `container/NAME` say which. The instance and its containers.
    pub(crate) async fn resolve(&self, input: &str) -> Result<(String, Vec<ContainerInfo>)> {
        let not_found = |what: String| {
            DockerError::NotFound {
            what,
            hint: " on the Docker engine; `b00t k8s list --runtime docker` shows what b00t manages there".into(),
        }
        };
        let (ty, name) = match input.split_once('/') {
            Some((t, n)) => (Some(t.to_ascii_lowercase()), n),
            None => (None, input),
        };
        match ty.as_deref() {
            None | Some("mcp") | Some("app") | Some("deployment") | Some("deploy") => {
                let mcp = if name.ends_with("-mcp") {
                    name.to_string()
                } else {
                    format!("{name}-mcp")
                };
                let candidates: Vec<&str> = match ty.as_deref() {
                    Some("mcp") => vec![mcp.as_str()],
                    _ => vec![name, mcp.as_str()],
                };
                for inst in candidates {
                    let cs = self.list_info(&of_instance(inst)).await?;
                    if !cs.is_empty() {
                        return Ok((inst.to_string(), cs));
                    }
                }
                if ty.is_some() {
                    return Err(not_found(input.to_string()).into());
                }
            }
            Some("container") | Some("pod") => {}
            Some(other) => {
                return Err(Error::msg(
                    Exit::Usage,
                    format!(
                        "unknown type {other:?} in {input:?}; on Docker use mcp/NAME or container/NAME"
                    ),
                ));
            }
        }
        match self.inspect(name).await? {
            Some(c) if c.managed_by_b00t() => {
                let inst = c.labels.get(labels::INSTANCE).cloned().unwrap_or_default();
                Ok((inst, vec![c]))
            }
            Some(_) => Err(Error::msg(
                Exit::Usage,
                format!("container {name} is not managed by b00t; b00t leaves it alone"),
            )),
            None => Err(not_found(format!("no b00t workload or container named {name:?}")).into()),
        }
    }

    async fn apply_workload(
        &self,
        w: &Workload,
        opts: &ApplyWorkload,
        progress: Progress<'_>,
    ) -> Result<Vec<Applied>> {
        if opts.server_dry_run {
            return Err(crate::ops::deploy::server_dry_run_on_docker());
        }
        // Claims the workload owns become named volumes; any other volume cannot run here.
        let foreign_volumes = w
            .volumes
            .iter()
            .filter(|v| {
                !matches!(&v.source, crate::workload::VolumeSource::Claim { claim, .. }
                    if w.claims.iter().any(|c| &c.name == claim))
            })
            .count();
        if w.containers.len() != 1 || !w.init_containers.is_empty() || foreign_volumes > 0 {
            return Err(Error::msg(
                Exit::Usage,
                format!(
                    "{} has {} containers, {} init containers and {} volumes; the Docker runtime runs workloads of exactly one container without volumes",
                    w.name,
                    w.containers.len(),
                    w.init_containers.len(),
                    foreign_volumes
                ),
            ));
        }
        super::supports(w)?;
        let specs = render_containers(
            w,
            &DockerOptions {
                publish_all_interfaces: opts.publish_all_interfaces,
            },
        );
        let image = &w.containers[0].image;
        if !specs.is_empty() {
            let mut p = |m: String| progress(&m);
            if self.ensure_image(image, opts.pull, &mut p).await? {
                progress(&format!("pulled {image}"));
            }
        }
        // Named volumes (from claims) first, given to the container's user.
        let owner = specs.first().and_then(|s| s.user.clone());
        for v in specs
            .iter()
            .flat_map(|s| &s.volumes)
            .collect::<std::collections::BTreeSet<_>>()
        {
            if self
                .ensure_volume(
                    v,
                    &crate::render::labels::for_workload(w),
                    image,
                    owner.as_deref(),
                )
                .await?
            {
                progress(&format!("created volume {v}"));
            }
        }
        let existing = self.list_info(&of_instance(&w.name)).await?;
        let wanted: HashSet<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        let mut applied = Vec::new();
        // Replicas no longer wanted go first (their names may be reused, 1 ⇄ N replicas).
        for c in existing
            .iter()
            .filter(|c| !wanted.contains(c.name.as_str()))
        {
            self.remove(&c.name).await?;
            applied.push(Applied {
                kind: "Container".into(),
                name: c.name.clone(),
                namespace: String::new(),
                action: Action::Deleted,
                reference: format!("container/{}", c.name),
                object: serde_json::Value::Null,
            });
        }
        for spec in &specs {
            let hash = spec.hash();
            let current = match existing.iter().find(|c| c.name == spec.name) {
                Some(c) => Some(c.clone()),
                None => self.inspect(&spec.name).await?,
            };
            let action = match current {
                Some(c)
                    if !c.managed_by_b00t() || c.labels.get(labels::INSTANCE) != Some(&w.name) =>
                {
                    return Err(Error::msg(
                        Exit::Failed,
                        format!(
                            "a container named {} exists and is not b00t's {}; remove or rename it (docker rm -f {})",
                            spec.name, w.name, spec.name
                        ),
                    ));
                }
                Some(c) if c.labels.get(labels::CONFIG_HASH) == Some(&hash) => {
                    if c.status == "created"
                        || (!c.running
                            && !c.restarting
                            && c.exit_code == Some(0)
                            && c.finished_at.is_none())
                    {
                        self.start(&spec.name).await?;
                    }
                    Action::Unchanged
                }
                Some(_) => {
                    self.remove(&spec.name).await?;
                    self.create(spec).await?;
                    self.start(&spec.name).await?;
                    Action::Configured
                }
                None => {
                    self.create(spec).await?;
                    self.start(&spec.name).await?;
                    Action::Created
                }
            };
            applied.push(Applied {
                kind: "Container".into(),
                name: spec.name.clone(),
                namespace: String::new(),
                action,
                reference: format!("container/{}", spec.name),
                object: serde_json::Value::Null,
            });
        }
        Ok(applied)
    }

    async fn wait_workload(
        &self,
        name: &str,
        timeout: Duration,
        progress: Progress<'_>,
    ) -> Result<std::result::Result<(), NotReady>> {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            let cs = self.list_info(&of_instance(name)).await?;
            let mut failing = Vec::new();
            let mut reasons = Vec::new();
            let mut ready = 0;
            for c in &cs {
                let (r, ok) = problems(c);
                if !r.is_empty() {
                    failing.push(c.name.clone());
                    reasons.extend(r);
                } else if ok && steady(c) && ports_answer(self, c).await {
                    ready += 1;
                }
            }
            if !failing.is_empty() {
                let mut logs = Vec::new();
                for f in failing {
                    logs.push((f.clone(), self.last_lines(&f, LAST_LINES).await?));
                }
                return Ok(Err(NotReady { reasons, logs }));
            }
            if !cs.is_empty() && ready == cs.len() {
                return Ok(Ok(()));
            }
            let state = format!("{ready}/{} containers ready", cs.len());
            if state != last {
                progress(&state);
                last = state.clone();
            }
            if start.elapsed() >= timeout {
                return Err(Error::msg(
                    Exit::TimedOut,
                    format!(
                        "waiting for {name} to become ready: timed out after {}s ({state})",
                        timeout.as_secs()
                    ),
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn list_workloads(&self, opts: &ListOptions) -> Result<Vec<WorkloadSummary>> {
        let mut filter = if opts.all_pods {
            BTreeMap::new()
        } else {
            managed()
        };
        if let Some(s) = &opts.selector {
            filter.extend(parse_selector(s)?);
        }
        if let Some(t) = &opts.type_label {
            filter.insert(l::TYPE.into(), t.clone());
        }
        let cs = self.list_info(&filter).await?;
        if opts.all_pods {
            return Ok(cs
                .iter()
                .map(|c| summarize(&c.name, std::slice::from_ref(c)))
                .collect());
        }
        let mut by: BTreeMap<String, Vec<ContainerInfo>> = BTreeMap::new();
        for c in cs {
            let inst = c
                .labels
                .get(labels::INSTANCE)
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            by.entry(inst).or_default().push(c);
        }
        Ok(by.iter().map(|(n, cs)| summarize(n, cs)).collect())
    }

    async fn workload_logs(
        &self,
        target: &str,
        opts: &LogOptions,
        sink: &mut (dyn FnMut(LogLine) + Send),
    ) -> Result<Vec<String>> {
        if opts.previous {
            return Err(Error::msg(
                Exit::Usage,
                "--previous: Docker keeps one log per container across restarts; drop --previous to read it all",
            ));
        }
        let (_, cs) = self.resolve(target).await?;
        let cname = |c: &ContainerInfo| {
            c.labels
                .get(l::NAME)
                .cloned()
                .unwrap_or_else(|| c.name.clone())
        };
        if let Some(want) = &opts.container
            && !cs.iter().any(|c| &cname(c) == want || &c.name == want)
        {
            return Err(DockerError::NotFound {
                what: format!("container {want:?} of {target}"),
                hint: String::new(),
            }
            .into());
        }
        let cs: Vec<&ContainerInfo> = cs
            .iter()
            .filter(|c| {
                opts.container
                    .as_ref()
                    .is_none_or(|w| &cname(c) == w || &c.name == w)
            })
            .collect();
        let since = opts.since_time.map(|t| t.as_second()).or(opts
            .since_seconds
            .map(|s| jiff::Timestamp::now().as_second() - s));
        let engine_opts = EngineLogOptions {
            follow: false,
            since,
            tail: opts.tail.map(|t| t.max(0) as u64),
        };
        let keep = |l: &LogLine| opts.grep.as_ref().is_none_or(|re| re.is_match(&l.line));
        // History: every container's lines, merged by time.
        let mut all = Vec::new();
        let mut last_ts: BTreeMap<String, jiff::Timestamp> = BTreeMap::new();
        for c in &cs {
            let wc = cname(c);
            let mut lines = Vec::new();
            let mut s = |e: LogEntry| lines.push(log_line(&c.name, &wc, e));
            self.logs(&c.name, &engine_opts, &mut s).await?;
            if let Some(t) = lines.iter().filter_map(|l| l.ts).max() {
                last_ts.insert(c.name.clone(), t);
            }
            all.extend(lines);
        }
        all.sort_by_key(|a| a.ts);
        for line in all.into_iter().filter(|l| keep(l)) {
            sink(line);
        }
        if !opts.follow {
            return Ok(vec![]);
        }
        // Follow: every container from where its history ended, lines as they come.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<LogLine>();
        let mut tasks = Vec::new();
        for c in &cs {
            let d = self.clone();
            let tx = tx.clone();
            let name = c.name.clone();
            let wc = cname(c);
            let after = last_ts.get(&name).copied();
            let o = EngineLogOptions {
                follow: true,
                since: after.map(|t| t.as_second()).or(since),
                tail: if after.is_some() { None } else { Some(0) },
            };
            tasks.push(tokio::spawn(async move {
                let mut s = |e: LogEntry| {
                    let line = log_line(&name, &wc, e);
                    if after.is_none_or(|a| line.ts.is_some_and(|t| t > a)) {
                        let _ = tx.send(line);
                    }
                };
                d.logs(&name, &o, &mut s).await
            }));
        }
        drop(tx);
        while let Some(line) = rx.recv().await {
            if keep(&line) {
                sink(line);
            }
        }
        let mut notes = Vec::new();
        for t in futures::stream::iter(tasks)
            .then(|t| t)
            .collect::<Vec<_>>()
            .await
        {
            if let Ok(Err(e)) = t {
                notes.push(e.to_string());
            }
        }
        Ok(notes)
    }

    async fn delete_workload(&self, target: &DeleteTarget, purge: bool) -> Result<Deletion> {
        let (selector, label, cs) = match target {
            DeleteTarget::All => (
                managed(),
                "every b00t workload on the Docker engine".to_string(),
                self.list_info(&managed()).await?,
            ),
            DeleteTarget::Named(t) => {
                let (inst, cs) = self.resolve(t).await?;
                if cs.len() == 1 && cs[0].name != inst && !t.contains('/') && t == &cs[0].name {
                    // One container asked for by its own name.
                    let mut sel = managed();
                    sel.insert(labels::INSTANCE.into(), inst);
                    (sel, format!("container/{t}"), cs)
                } else {
                    (of_instance(&inst), inst, cs)
                }
            }
        };
        let mut deleted = Vec::new();
        for c in &cs {
            self.remove(&c.name).await?;
            deleted.push(Deleted {
                kind: "Container".into(),
                name: c.name.clone(),
                namespace: String::new(),
                reference: format!("container/{}", c.name),
            });
        }
        let labels_sel = selector.clone();
        // The named volumes of the workload(s): kept unless purged (one container asked for by
        // name leaves them alone).
        let mut kept = Vec::new();
        if !label.starts_with("container/") {
            for v in self.volumes(&labels_sel).await? {
                let d = Deleted {
                    kind: "Volume".into(),
                    name: v.clone(),
                    namespace: String::new(),
                    reference: format!("volume/{v}"),
                };
                if purge {
                    self.remove_volume(&v).await?;
                    deleted.push(d);
                } else {
                    kept.push(d);
                }
            }
        }
        let selector =
            if matches!(target, DeleteTarget::Named(_)) && label.starts_with("container/") {
                None
            } else {
                Some(
                    selector
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(","),
                )
            };
        Ok(Deletion {
            kept,
            label,
            pod: selector.is_none().then(|| cs[0].name.clone()),
            deleted,
            selector,
        })
    }

    async fn gone(&self, deletion: &Deletion, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            let left = match (&deletion.selector, &deletion.pod) {
                (Some(sel), _) => !self.list(&parse_selector(sel)?).await?.is_empty(),
                (None, Some(name)) => self.inspect(name).await?.is_some(),
                _ => false,
            };
            if !left {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                return Err(Error::msg(
                    Exit::TimedOut,
                    format!(
                        "waiting for {} to be gone: timed out after {}s",
                        deletion.label,
                        timeout.as_secs()
                    ),
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn restart_workload(&self, name: &str) -> Result<(Target, String)> {
        let (inst, cs) = self.resolve(name).await?;
        for c in &cs {
            self.restart(&c.name, Duration::from_secs(10)).await?;
        }
        Ok((Target::Deployment, inst))
    }

    async fn workload_status(&self, name: &str) -> Result<WorkloadStatus> {
        let (inst, cs) = self.resolve(name).await?;
        let summary = summarize(&inst, &cs);
        let healthy = summary.status == "Running";
        let mut logs = Vec::new();
        if !healthy {
            for c in &cs {
                if !problems(c).0.is_empty() || !c.running {
                    logs.push(LogTail {
                        source: c.name.clone(),
                        lines: self.last_lines(&c.name, LAST_LINES).await?,
                    });
                }
            }
        }
        Ok(WorkloadStatus {
            pods: cs
                .iter()
                .map(|c| summarize(&c.name, std::slice::from_ref(c)))
                .collect(),
            containers: cs.iter().map(state_of).collect(),
            summary,
            healthy,
            events: vec![],
            logs,
            attached: Default::default(),
        })
    }

    async fn engine_status(&self) -> Result<EngineStatus> {
        let info = self
            .client
            .info()
            .await
            .map_err(|e| self.api("asking the engine for its info", e))?;
        let rows = self.list_workloads(&ListOptions::default()).await?;
        let mut w = WorkloadCounts {
            total: rows.len(),
            ..Default::default()
        };
        for r in &rows {
            match r.status.as_str() {
                "Running" => w.running += 1,
                "Failing" => w.failing += 1,
                "Stopped" => w.stopped += 1,
                _ => w.pending += 1,
            }
        }
        let mut containers = BTreeMap::new();
        for c in self.list_info(&managed()).await? {
            *containers.entry(c.status).or_insert(0) += 1;
        }
        Ok(EngineStatus {
            runtime: "docker",
            host: self.host.url.clone(),
            host_source: self.host.source.clone(),
            version: self.version.version.clone(),
            api_version: self.version.api_version.clone(),
            operating_system: info.operating_system.unwrap_or_default(),
            os: self.version.os.clone(),
            arch: self.version.arch.clone(),
            workloads: w,
            containers,
        })
    }
}

impl Runtime for Docker {
    fn kind(&self) -> RuntimeKind {
        RuntimeKind::Docker
    }

    fn namespace(&self) -> Option<String> {
        None
    }

    fn scope(&self, _all_namespaces: bool) -> String {
        format!("on the Docker engine at {}", self.host.url)
    }

    fn apply<'a>(
        &'a self,
        w: &'a Workload,
        opts: &'a ApplyWorkload,
        progress: Progress<'a>,
    ) -> BoxFuture<'a, Result<Vec<Applied>>> {
        Box::pin(self.apply_workload(w, opts, progress))
    }

    fn wait_ready<'a>(
        &'a self,
        _target: Target,
        name: &'a str,
        timeout: Duration,
        progress: Progress<'a>,
    ) -> BoxFuture<'a, Result<std::result::Result<(), NotReady>>> {
        Box::pin(self.wait_workload(name, timeout, progress))
    }

    fn list<'a>(&'a self, opts: &'a ListOptions) -> BoxFuture<'a, Result<Vec<WorkloadSummary>>> {
        Box::pin(self.list_workloads(opts))
    }

    fn logs<'a>(
        &'a self,
        target: &'a str,
        opts: &'a LogOptions,
        sink: &'a mut (dyn FnMut(LogLine) + Send),
    ) -> BoxFuture<'a, Result<Vec<String>>> {
        Box::pin(self.workload_logs(target, opts, sink))
    }

    fn delete<'a>(
        &'a self,
        target: &'a DeleteTarget,
        purge: bool,
    ) -> BoxFuture<'a, Result<Deletion>> {
        Box::pin(self.delete_workload(target, purge))
    }

    fn wait_gone<'a>(
        &'a self,
        deletion: &'a Deletion,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.gone(deletion, timeout))
    }

    fn restart<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<(Target, String)>> {
        Box::pin(self.restart_workload(name))
    }

    fn status<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<WorkloadStatus>> {
        Box::pin(self.workload_status(name))
    }

    fn overview(&self, _all_namespaces: bool) -> BoxFuture<'_, Result<Overview>> {
        Box::pin(async move { Ok(Overview::Engine(self.engine_status().await?)) })
    }

    fn mcp_endpoint<'a>(
        &'a self,
        name: &'a str,
        opts: &'a crate::runtime::mcp::EndpointOptions,
    ) -> BoxFuture<'a, Result<crate::runtime::mcp::McpEndpoint>> {
        Box::pin(Docker::mcp_endpoint(self, name, opts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(status: &str, running: bool, restarts: i64, exit: Option<i64>) -> ContainerInfo {
        ContainerInfo {
            id: "id".into(),
            name: "x-mcp".into(),
            image: "img".into(),
            labels: BTreeMap::from([(l::TYPE.to_string(), "mcp-server".to_string())]),
            status: status.into(),
            running,
            restarting: status == "restarting",
            exit_code: exit,
            last_exit: None,
            restart_count: restarts,
            started_at: None,
            finished_at: None,
            oom_killed: false,
            error: None,
            health: None,
            created: None,
            ports: vec![],
        }
    }

    #[test]
    fn rows_say_running_failing_or_stopped() {
        let ok = summarize("x-mcp", &[info("running", true, 0, Some(0))]);
        assert_eq!((ok.status.as_str(), ok.ready.as_str()), ("Running", "1/1"));
        assert_eq!(ok.type_, "mcp-server");
        let crash = summarize("x-mcp", &[info("restarting", false, 2, Some(3))]);
        assert_eq!(crash.status, "Failing");
        assert!(
            crash.reasons[0].contains("keeps exiting with code 3 (restarted 2 times)"),
            "{crash:?}"
        );
        let stopped = summarize("x-mcp", &[info("exited", false, 0, Some(0))]);
        assert_eq!(stopped.status, "Stopped");
        // Restarted and running again: the engine says 0; the last `die` event says 3.
        let mut again = info("running", true, 1, Some(0));
        again.last_exit = Some(3);
        let crash = summarize("x-mcp", std::slice::from_ref(&again));
        assert!(
            crash.reasons[0].contains("keeps exiting with code 3 (restarted once)"),
            "{crash:?}"
        );
        assert_eq!(state_of(&again).exit_code, Some(3));
    }

    #[test]
    fn selectors_are_equality_only() {
        assert_eq!(
            parse_selector("a=b, c=d").unwrap(),
            BTreeMap::from([("a".into(), "b".into()), ("c".into(), "d".into())])
        );
        assert!(parse_selector("a!=b").is_err());
        assert!(parse_selector("a in (b)").is_err());
    }
}
