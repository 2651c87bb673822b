//! Listing b00t-managed workloads (or every pod), with readiness, restarts and a health verdict.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    DaemonSet, Deployment, DeploymentSpec, DeploymentStatus, StatefulSet,
};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, PodStatus, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use serde::Deserialize;
use serde::Serialize;

use super::{Kube, Result};
use crate::render::labels;

/// One row of `b00t k8s list` (and the element of `list --json`). Field names are a contract:
/// only ever add.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkloadSummary {
    pub name: String,
    /// Empty (shown as `null`) on Docker, which has no namespaces.
    #[serde(serialize_with = "crate::runtime::empty_as_null")]
    pub namespace: String,
    /// Deployment, DaemonSet, StatefulSet, CronJob or Pod (Container on Docker).
    pub kind: String,
    /// `app.kubernetes.io/name`.
    pub app: String,
    /// `b00t.elastic.ventures/type` (`mcp-server`, `app`, `obi`), empty for foreign pods.
    #[serde(rename = "type")]
    pub type_: String,
    /// Running, Pending, Failing, Stopped, Succeeded; a CronJob is Scheduled or Suspended.
    pub status: String,
    /// `ready/desired` (a CronJob: ready pods of its running Jobs / running Jobs).
    pub ready: String,
    pub restarts: i32,
    /// Pods in phase Running.
    pub running: i32,
    pub image: String,
    pub age_seconds: i64,
    /// Nodes the pods run on (wide output).
    pub nodes: Vec<String>,
    /// Why it is not healthy (empty when it is).
    pub reasons: Vec<String>,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    pub all_namespaces: bool,
    /// Every pod, not only b00t-managed workloads.
    pub all_pods: bool,
    /// Extra label selector (`-l`).
    pub selector: Option<String>,
    /// Label value of `b00t.elastic.ventures/type`.
    pub type_label: Option<String>,
}

impl Kube {
    fn api<K>(&self, all: bool) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        if all {
            Api::all(self.client.clone())
        } else {
            Api::namespaced(self.client.clone(), &self.namespace)
        }
    }

    fn where_(&self, all: bool) -> String {
        if all {
            "in all namespaces".into()
        } else {
            format!("in namespace {}", self.namespace)
        }
    }

    /// The label selector for b00t-managed objects plus the user's additions.
    fn managed_selector(&self, opts: &ListOptions) -> String {
        let mut sel = labels::selector_managed();
        if let Some(t) = &opts.type_label {
            sel.push_str(&format!(",{}={t}", labels::TYPE));
        }
        if let Some(extra) = &opts.selector {
            sel.push(',');
            sel.push_str(extra);
        }
        sel
    }

    /// b00t-managed workloads (or all pods), sorted by namespace then name.
    pub async fn list(&self, opts: &ListOptions) -> Result<Vec<WorkloadSummary>> {
        let all = opts.all_namespaces;
        let where_ = self.where_(all);
        let now = jiff::Timestamp::now();
        if opts.all_pods {
            let mut sel = String::new();
            if let Some(t) = &opts.type_label {
                sel = format!("{}={t}", labels::TYPE);
            }
            if let Some(extra) = &opts.selector {
                if !sel.is_empty() {
                    sel.push(',');
                }
                sel.push_str(extra);
            }
            let lp = if sel.is_empty() {
                ListParams::default()
            } else {
                ListParams::default().labels(&sel)
            };
            let pods: Api<Pod> = self.api(all);
            let pods = self
                .call("list", &format!("pods {where_}"), pods.list(&lp))
                .await?;
            let mut rows: Vec<WorkloadSummary> =
                pods.items.iter().map(|p| pod_row(p, now)).collect();
            rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
            return Ok(rows);
        }
        let lp = ListParams::default().labels(&self.managed_selector(opts));
        let sapi = self.api::<DaemonSet>(all);
        let stsapi = self.api::<StatefulSet>(all);
        let cjapi = self.api::<CronJob>(all);
        let (dw, sw, pw, stw, cjw) = (
            format!("deployments.apps {where_}"),
            format!("daemonsets.apps {where_}"),
            format!("pods {where_}"),
            format!("statefulsets.apps {where_}"),
            format!("cronjobs.batch {where_}"),
        );
        let (deps, dss, pods, sts, cjs) = tokio::join!(
            self.call(
                "list",
                &dw,
                self.list_slim::<SlimDeployment, Deployment>(
                    all,
                    "apis/apps/v1",
                    "deployments",
                    &lp
                )
            ),
            self.call("list", &sw, sapi.list(&lp)),
            self.call(
                "list",
                &pw,
                self.list_slim::<SlimPod, Pod>(all, "api/v1", "pods", &lp)
            ),
            self.call("list", &stw, stsapi.list(&lp)),
            self.call("list", &cjw, cjapi.list(&lp)),
        );
        let (deps, dss, pods) = (deps?, dss?, pods?);
        let controllers = Controllers {
            deployments: &deps,
            daemonsets: &dss.items,
            statefulsets: &sts?.items,
            cronjobs: &cjs?.items,
        };
        Ok(summarise(&controllers, &pods, now))
    }
}

/// List through slim types that keep only what `list` shows: objects arrive with
/// `managedFields` and whole pod specs, and decoding all of that into k8s-openapi types more
/// than doubled the peak memory of `list` on a few hundred pods.
#[derive(Deserialize)]
struct SlimList<T> {
    items: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimMeta {
    name: Option<String>,
    namespace: Option<String>,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
    creation_timestamp: Option<Time>,
    deletion_timestamp: Option<Time>,
    generation: Option<i64>,
    #[serde(default)]
    owner_references: Option<Vec<OwnerReference>>,
}

impl From<SlimMeta> for ObjectMeta {
    fn from(m: SlimMeta) -> ObjectMeta {
        ObjectMeta {
            name: m.name,
            namespace: m.namespace,
            labels: m.labels,
            creation_timestamp: m.creation_timestamp,
            deletion_timestamp: m.deletion_timestamp,
            generation: m.generation,
            owner_references: m.owner_references,
            ..Default::default()
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimContainer {
    name: String,
    image: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimPodSpec {
    node_name: Option<String>,
    #[serde(default)]
    containers: Vec<SlimContainer>,
}

impl From<SlimPodSpec> for PodSpec {
    fn from(s: SlimPodSpec) -> PodSpec {
        PodSpec {
            node_name: s.node_name,
            containers: s
                .containers
                .into_iter()
                .map(|c| Container {
                    name: c.name,
                    image: c.image,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }
}

#[derive(Deserialize)]
struct SlimPod {
    metadata: SlimMeta,
    spec: Option<SlimPodSpec>,
    status: Option<PodStatus>,
}

impl From<SlimPod> for Pod {
    fn from(p: SlimPod) -> Pod {
        Pod {
            metadata: p.metadata.into(),
            spec: p.spec.map(Into::into),
            status: p.status,
        }
    }
}

#[derive(Deserialize)]
struct SlimTemplate {
    spec: Option<SlimPodSpec>,
}

#[derive(Deserialize)]
struct SlimDeploymentSpec {
    replicas: Option<i32>,
    template: SlimTemplate,
}

#[derive(Deserialize)]
struct SlimDeployment {
    metadata: SlimMeta,
    spec: Option<SlimDeploymentSpec>,
    status: Option<DeploymentStatus>,
}

impl From<SlimDeployment> for Deployment {
    fn from(d: SlimDeployment) -> Deployment {
        Deployment {
            metadata: d.metadata.into(),
            spec: d.spec.map(|s| DeploymentSpec {
                replicas: s.replicas,
                template: PodTemplateSpec {
                    metadata: None,
                    spec: s.template.spec.map(Into::into),
                },
                ..Default::default()
            }),
            status: d.status,
        }
    }
}

impl Kube {
    /// GET a list at `/<prefix>/[namespaces/<ns>/]<plural>` into slim items.
    async fn list_slim<S, K>(
        &self,
        all: bool,
        prefix: &str,
        plural: &str,
        lp: &ListParams,
    ) -> Result<Vec<K>, kube::Error>
    where
        S: serde::de::DeserializeOwned,
        K: From<S>,
    {
        let path = if all {
            format!("/{prefix}/{plural}")
        } else {
            format!("/{prefix}/namespaces/{}/{plural}", self.namespace)
        };
        let req = kube::core::Request::new(path)
            .list(lp)
            .map_err(kube::Error::BuildRequest)?;
        let list: SlimList<S> = self.client.request(req).await?;
        Ok(list.items.into_iter().map(K::from).collect())
    }
}

/// The controllers b00t makes, as listed.
#[derive(Debug, Default, Clone, Copy)]
pub struct Controllers<'a> {
    pub deployments: &'a [Deployment],
    pub daemonsets: &'a [DaemonSet],
    pub statefulsets: &'a [StatefulSet],
    pub cronjobs: &'a [CronJob],
}

/// One controller as `list` shows it.
struct Ctl<'a> {
    kind: &'static str,
    meta: &'a ObjectMeta,
    template: Option<&'a PodSpec>,
    desired: i32,
    ready: i32,
    /// Problems the controller reports besides its pods'.
    extra: Vec<String>,
    /// A CronJob: whether it is suspended.
    cron: Option<bool>,
}

/// Join controllers with their pods (by namespace and instance label).
pub fn summarise(c: &Controllers<'_>, pods: &[Pod], now: jiff::Timestamp) -> Vec<WorkloadSummary> {
    let mut by_instance: BTreeMap<(String, String), Vec<&Pod>> = BTreeMap::new();
    for p in pods {
        if let Some(inst) = p.labels().get(labels::INSTANCE) {
            by_instance
                .entry((p.namespace().unwrap_or_default(), inst.clone()))
                .or_default()
                .push(p);
        }
    }
    let mut ctls: Vec<Ctl<'_>> = Vec::new();
    for d in c.deployments {
        let mut extra = Vec::new();
        for c in d.status.iter().flat_map(|s| s.conditions.iter().flatten()) {
            if c.type_ == "ReplicaFailure" && c.status == "True" {
                extra.push(
                    c.message
                        .clone()
                        .unwrap_or_else(|| c.reason.clone().unwrap_or_default()),
                );
            }
            if c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded") {
                extra.push(
                    c.message
                        .clone()
                        .unwrap_or_else(|| "progress deadline exceeded".into()),
                );
            }
        }
        let spec = d.spec.as_ref();
        ctls.push(Ctl {
            kind: "Deployment",
            meta: &d.metadata,
            template: spec.and_then(|s| s.template.spec.as_ref()),
            desired: spec.and_then(|s| s.replicas).unwrap_or(1),
            ready: d
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0),
            extra,
            cron: None,
        });
    }
    for d in c.daemonsets {
        let st = d.status.as_ref();
        ctls.push(Ctl {
            kind: "DaemonSet",
            meta: &d.metadata,
            template: d.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
            desired: st.map(|s| s.desired_number_scheduled).unwrap_or(0),
            ready: st.map(|s| s.number_ready).unwrap_or(0),
            extra: vec![],
            cron: None,
        });
    }
    for d in c.statefulsets {
        let spec = d.spec.as_ref();
        ctls.push(Ctl {
            kind: "StatefulSet",
            meta: &d.metadata,
            template: spec.and_then(|s| s.template.spec.as_ref()),
            desired: spec.and_then(|s| s.replicas).unwrap_or(1),
            ready: d
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0),
            extra: vec![],
            cron: None,
        });
    }
    // A CronJob is healthy when scheduled: its pods come and go with its Jobs; `ready/desired`
    // counts its running Jobs' ready pods and the Jobs.
    for cj in c.cronjobs {
        let spec = cj.spec.as_ref();
        ctls.push(Ctl {
            kind: "CronJob",
            meta: &cj.metadata,
            template: spec
                .and_then(|s| s.job_template.spec.as_ref())
                .and_then(|j| j.template.spec.as_ref()),
            desired: cj
                .status
                .as_ref()
                .and_then(|s| s.active.as_ref())
                .map_or(0, Vec::len) as i32,
            ready: 0,
            extra: vec![],
            cron: Some(spec.and_then(|s| s.suspend) == Some(true)),
        });
    }
    let mut rows = Vec::new();
    let mut claimed: Vec<(String, String)> = Vec::new();
    for ctl in ctls {
        let key = (
            ctl.meta.namespace.clone().unwrap_or_default(),
            instance_of(
                ctl.meta.labels.as_ref().unwrap_or(&BTreeMap::new()),
                ctl.meta.name.as_deref().unwrap_or_default(),
            ),
        );
        let mut ps = by_instance.get(&key).cloned().unwrap_or_default();
        let mut ready = ctl.ready;
        if ctl.cron.is_some() {
            // Finished Jobs' pods are history, not the workload's state.
            ps.retain(|p| phase(p) != "Succeeded");
            ready = ps.iter().filter(|p| super::wait::pod_ready(p)).count() as i32;
        }
        let mut r = row(
            ctl.kind,
            ctl.meta.labels.as_ref().unwrap_or(&BTreeMap::new()),
            &key,
            ctl.desired,
            ready,
            &ps,
            ctl.template
                .map(|s| images(&s.containers))
                .unwrap_or_default(),
            age(ctl.meta, now),
            ctl.extra,
        );
        if let Some(suspended) = ctl.cron
            && r.reasons.is_empty()
        {
            r.status = if suspended { "Suspended" } else { "Scheduled" }.into();
        }
        rows.push(r);
        claimed.push(key);
    }
    // Bare pods (no controller of ours): each its own workload.
    for p in pods {
        let key = (
            p.namespace().unwrap_or_default(),
            instance_of(p.labels(), &p.name_any()),
        );
        if claimed.contains(&key) || has_controller(p) {
            continue;
        }
        rows.push(pod_row(p, now));
    }
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    rows
}

fn instance_of(l: &BTreeMap<String, String>, fallback: &str) -> String {
    l.get(labels::INSTANCE)
        .cloned()
        .unwrap_or_else(|| fallback.to_string())
}

fn has_controller(p: &Pod) -> bool {
    p.metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true))
}

fn images(cs: &[k8s_openapi::api::core::v1::Container]) -> String {
    cs.iter()
        .filter_map(|c| c.image.clone())
        .collect::<Vec<_>>()
        .join(",")
}

fn age(
    m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    now: jiff::Timestamp,
) -> i64 {
    m.creation_timestamp
        .as_ref()
        .map(|t| now.as_second() - t.0.as_second())
        .unwrap_or(0)
        .max(0)
}

#[allow(clippy::too_many_arguments)]
fn row(
    kind: &str,
    l: &BTreeMap<String, String>,
    key: &(String, String),
    desired: i32,
    ready: i32,
    pods: &[&Pod],
    image: String,
    age_seconds: i64,
    mut reasons: Vec<String>,
) -> WorkloadSummary {
    let restarts = pods.iter().map(|p| restarts(p)).sum();
    let running = pods
        .iter()
        .filter(|p| phase(p) == "Running" && p.metadata.deletion_timestamp.is_none())
        .count() as i32;
    for p in pods {
        for r in pod_problems(p) {
            let r = format!("{}: {r}", p.name_any());
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    let mut nodes: Vec<String> = pods
        .iter()
        .filter_map(|p| p.spec.as_ref()?.node_name.clone())
        .collect();
    nodes.sort();
    nodes.dedup();
    let status = if !reasons.is_empty() {
        "Failing"
    } else if desired == 0 {
        "Stopped"
    } else if ready >= desired {
        "Running"
    } else {
        "Pending"
    };
    WorkloadSummary {
        name: key.1.clone(),
        namespace: key.0.clone(),
        kind: kind.into(),
        app: l.get(labels::NAME).cloned().unwrap_or_default(),
        type_: l.get(labels::TYPE).cloned().unwrap_or_default(),
        status: status.into(),
        ready: format!("{ready}/{desired}"),
        restarts,
        running,
        image,
        age_seconds,
        nodes,
        reasons,
    }
}

/// A row for one pod (`--all`, and bare pods).
pub fn pod_row(p: &Pod, now: jiff::Timestamp) -> WorkloadSummary {
    let l = p.labels();
    let statuses = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    let total = p.spec.as_ref().map(|s| s.containers.len()).unwrap_or(0);
    let ready = statuses.iter().filter(|c| c.ready).count();
    let problems = pod_problems(p);
    let ph = phase(p);
    let status = if !problems.is_empty() {
        "Failing"
    } else if p.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if ph == "Succeeded" {
        "Succeeded"
    } else if ph == "Running" && ready == total {
        "Running"
    } else {
        "Pending"
    };
    WorkloadSummary {
        name: p.name_any(),
        namespace: p.namespace().unwrap_or_default(),
        kind: "Pod".into(),
        app: l.get(labels::NAME).cloned().unwrap_or_default(),
        type_: l.get(labels::TYPE).cloned().unwrap_or_default(),
        status: status.into(),
        ready: format!("{ready}/{total}"),
        restarts: restarts(p),
        running: i32::from(ph == "Running"),
        image: p
            .spec
            .as_ref()
            .map(|s| images(&s.containers))
            .unwrap_or_default(),
        age_seconds: age(&p.metadata, now),
        nodes: p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .into_iter()
            .collect(),
        reasons: problems,
    }
}

pub fn phase(p: &Pod) -> &str {
    p.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

pub fn restarts(p: &Pod) -> i32 {
    let st = p.status.as_ref();
    st.and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            st.and_then(|s| s.init_container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
        .map(|c| c.restart_count)
        .sum()
}

/// Waiting reasons that mean the pod will not become ready on its own.
pub const FATAL_WAITING: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
];

/// Why a pod is unhealthy, one line per problem (empty when it is fine or merely starting).
pub fn pod_problems(p: &Pod) -> Vec<String> {
    let mut out = Vec::new();
    let Some(st) = &p.status else { return out };
    for c in st
        .init_container_statuses
        .iter()
        .flatten()
        .chain(st.container_statuses.iter().flatten())
    {
        if let Some(w) = c.state.as_ref().and_then(|s| s.waiting.as_ref()) {
            let reason = w.reason.as_deref().unwrap_or_default();
            if FATAL_WAITING.contains(&reason) {
                let mut line = format!("container {} {reason}", c.name);
                if let Some(m) = w.message.as_deref().filter(|m| !m.is_empty()) {
                    line.push_str(&format!(": {m}"));
                }
                if let Some(t) = c.last_state.as_ref().and_then(|s| s.terminated.as_ref()) {
                    line.push_str(&format!(
                        " (last exit code {}{})",
                        t.exit_code,
                        t.reason
                            .as_deref()
                            .map(|r| format!(", {r}"))
                            .unwrap_or_default()
                    ));
                }
                out.push(line);
            }
        }
        // Between back-offs a crash-looping container is briefly "running" again: a container
        // that is not ready and whose last instance failed is failing all the same.
        let waiting_fatal = c
            .state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .is_some_and(|w| FATAL_WAITING.contains(&w.reason.as_deref().unwrap_or_default()));
        if !waiting_fatal
            && !c.ready
            && c.restart_count > 0
            && let Some(t) = c.last_state.as_ref().and_then(|s| s.terminated.as_ref())
            && t.exit_code != 0
        {
            out.push(format!(
                "container {} restarted {} times (last exit code {}{})",
                c.name,
                c.restart_count,
                t.exit_code,
                t.reason
                    .as_deref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default()
            ));
        }
        if let Some(t) = c.state.as_ref().and_then(|s| s.terminated.as_ref())
            && t.exit_code != 0
            && phase(p) == "Failed"
        {
            out.push(format!(
                "container {} terminated with exit code {}",
                c.name, t.exit_code
            ));
        }
    }
    for cond in st.conditions.iter().flatten() {
        if cond.type_ == "PodScheduled"
            && cond.status == "False"
            && cond.reason.as_deref() == Some("Unschedulable")
        {
            out.push(format!(
                "unschedulable: {}",
                cond.message.as_deref().unwrap_or("no node fits")
            ));
        }
    }
    if phase(p) == "Failed" && out.is_empty() {
        out.push(format!(
            "pod failed{}",
            st.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    out
}
