//! `Workload` → Kubernetes objects (k8s-openapi types).
//!
//! Pure: no IO. The same function serves `deploy-mcp`, `deploy`, `translate` and every
//! `--dry-run`, so what is printed is exactly what is applied.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, DeploymentStrategy,
    RollingUpdateDeployment, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::autoscaling::v2 as autoscaling;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::workload::{
    Autoscale, Bundle, Claim, Component, Container, Controller, DataObject, DisruptionBudget,
    NetworkPolicy, PodCount, PolicyPeer, PolicyRule, Probe, ProbeAction, RestartPolicy,
    ServiceType, VolumeSource, Workload,
};

pub mod docker;
pub mod labels;
pub mod quantity;
pub mod validate;

pub use labels::{MANAGED_BY, selector_for_instance};
pub use validate::InvalidObject;

/// One object to apply, in a form both serde (for `-o yaml|json`) and the typed API accept.
///
/// `Namespace`, `ClusterRole` and `ClusterRoleBinding` are cluster-scoped
/// ([`Object::is_cluster_scoped`]): they are applied without a namespace.
// Workload kinds are 2–3 KiB each and the small kinds are rare: boxing would only add
// indirection to a handful of objects built once per command.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Object {
    Namespace(core::Namespace),
    ServiceAccount(core::ServiceAccount),
    ClusterRole(rbac::ClusterRole),
    ClusterRoleBinding(rbac::ClusterRoleBinding),
    Secret(core::Secret),
    ConfigMap(core::ConfigMap),
    Claim(core::PersistentVolumeClaim),
    Service(core::Service),
    Deployment(Deployment),
    DaemonSet(DaemonSet),
    Pod(core::Pod),
    StatefulSet(StatefulSet),
    CronJob(batch::CronJob),
    Ingress(net::Ingress),
    NetworkPolicy(net::NetworkPolicy),
    DisruptionBudget(policy::PodDisruptionBudget),
    Autoscaler(autoscaling::HorizontalPodAutoscaler),
}

impl Object {
    /// kubectl's `kind.group` spelling, used in `deployment.apps/x created` lines.
    pub fn kind_ref(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "namespace",
            Object::ServiceAccount(_) => "serviceaccount",
            Object::ClusterRole(_) => "clusterrole.rbac.authorization.k8s.io",
            Object::ClusterRoleBinding(_) => "clusterrolebinding.rbac.authorization.k8s.io",
            Object::Secret(_) => "secret",
            Object::ConfigMap(_) => "configmap",
            Object::Claim(_) => "persistentvolumeclaim",
            Object::Service(_) => "service",
            Object::Deployment(_) => "deployment.apps",
            Object::DaemonSet(_) => "daemonset.apps",
            Object::Pod(_) => "pod",
            Object::StatefulSet(_) => "statefulset.apps",
            Object::CronJob(_) => "cronjob.batch",
            Object::Ingress(_) => "ingress.networking.k8s.io",
            Object::NetworkPolicy(_) => "networkpolicy.networking.k8s.io",
            Object::DisruptionBudget(_) => "poddisruptionbudget.policy",
            Object::Autoscaler(_) => "horizontalpodautoscaler.autoscaling",
        }
    }

    /// The object's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "Namespace",
            Object::ServiceAccount(_) => "ServiceAccount",
            Object::ClusterRole(_) => "ClusterRole",
            Object::ClusterRoleBinding(_) => "ClusterRoleBinding",
            Object::Secret(_) => "Secret",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Claim(_) => "PersistentVolumeClaim",
            Object::Service(_) => "Service",
            Object::Deployment(_) => "Deployment",
            Object::DaemonSet(_) => "DaemonSet",
            Object::Pod(_) => "Pod",
            Object::StatefulSet(_) => "StatefulSet",
            Object::CronJob(_) => "CronJob",
            Object::Ingress(_) => "Ingress",
            Object::NetworkPolicy(_) => "NetworkPolicy",
            Object::DisruptionBudget(_) => "PodDisruptionBudget",
            Object::Autoscaler(_) => "HorizontalPodAutoscaler",
        }
    }

    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::ServiceAccount(o) => &o.metadata,
            Object::ClusterRole(o) => &o.metadata,
            Object::ClusterRoleBinding(o) => &o.metadata,
            Object::Secret(o) => &o.metadata,
            Object::ConfigMap(o) => &o.metadata,
            Object::Claim(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::DaemonSet(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::StatefulSet(o) => &o.metadata,
            Object::CronJob(o) => &o.metadata,
            Object::Ingress(o) => &o.metadata,
            Object::NetworkPolicy(o) => &o.metadata,
            Object::DisruptionBudget(o) => &o.metadata,
            Object::Autoscaler(o) => &o.metadata,
        }
    }

    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut o.metadata,
            Object::ServiceAccount(o) => &mut o.metadata,
            Object::ClusterRole(o) => &mut o.metadata,
            Object::ClusterRoleBinding(o) => &mut o.metadata,
            Object::Secret(o) => &mut o.metadata,
            Object::ConfigMap(o) => &mut o.metadata,
            Object::Claim(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::DaemonSet(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
            Object::StatefulSet(o) => &mut o.metadata,
            Object::CronJob(o) => &mut o.metadata,
            Object::Ingress(o) => &mut o.metadata,
            Object::NetworkPolicy(o) => &mut o.metadata,
            Object::DisruptionBudget(o) => &mut o.metadata,
            Object::Autoscaler(o) => &mut o.metadata,
        }
    }

    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or_default()
    }

    /// Objects that live outside any namespace.
    pub fn is_cluster_scoped(&self) -> bool {
        matches!(
            self,
            Object::Namespace(_) | Object::ClusterRole(_) | Object::ClusterRoleBinding(_)
        )
    }
}

/// Options that are not part of the workload itself.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Namespace written into every object (`None` leaves it unset, for `translate`).
    pub namespace: Option<String>,
}

/// Render a whole bundle: shared data objects and claims first, then each workload's objects.
/// Order is the apply order (Secrets/ConfigMaps/PVCs before what mounts them). The objects
/// pass the offline schema check ([`validate`]) or nothing is returned.
pub fn render_bundle(bundle: &Bundle, opts: &RenderOptions) -> Result<Vec<Object>, InvalidObject> {
    let out = bundle_objects(bundle, opts);
    validate::validate(&out)?;
    Ok(out)
}

/// Render one workload: its env Secret (if any), Service (if it listens, or a headless one
/// when it must be reachable by name), and controller; checked like [`render_bundle`].
pub fn render_workload(w: &Workload, opts: &RenderOptions) -> Result<Vec<Object>, InvalidObject> {
    let out = workload_objects(w, opts);
    validate::validate(&out)?;
    Ok(out)
}

fn bundle_objects(bundle: &Bundle, opts: &RenderOptions) -> Vec<Object> {
    let part_of = bundle
        .workloads
        .first()
        .map(|w| w.app.clone())
        .unwrap_or_default();
    let component = bundle
        .workloads
        .first()
        .map(|w| w.component)
        .unwrap_or(Component::App);
    let mut out = Vec::new();
    for d in &bundle.data {
        out.push(data_object(d, &part_of, component, opts));
    }
    for c in &bundle.claims {
        out.push(Object::Claim(claim(c, &part_of, component, opts)));
    }
    for w in &bundle.workloads {
        out.extend(workload_objects(w, opts));
    }
    out
}

/// A workload's objects before the check: only for translate's own size check, which
/// reports an input error with its position; everything else goes through [`render_workload`].
pub(crate) fn workload_objects(w: &Workload, opts: &RenderOptions) -> Vec<Object> {
    let labels = labels::for_workload(w);
    let meta = |name: &str| ObjectMeta {
        name: Some(name.to_string()),
        namespace: opts.namespace.clone(),
        labels: Some(labels.clone()),
        ..Default::default()
    };
    let mut out = Vec::new();

    // Secret-looking env values: one Secret per workload, referenced by secretKeyRef.
    let secret_name = format!("{}-env", w.name);
    let secret_data: BTreeMap<String, ByteString> = w
        .containers
        .iter()
        .flat_map(|c| c.env.iter())
        .filter(|e| e.secret)
        .map(|e| (e.name.clone(), ByteString(e.value.clone().into_bytes())))
        .collect();
    let config_hash = (!secret_data.is_empty()).then(|| {
        let mut h = Sha256::new();
        for (k, v) in &secret_data {
            h.update(k.as_bytes());
            h.update([0]);
            h.update(&v.0);
            h.update([0]);
        }
        hex(&h.finalize()[..16])
    });
    if !secret_data.is_empty() {
        out.push(Object::Secret(core::Secret {
            metadata: meta(&secret_name),
            type_: Some("Opaque".into()),
            data: Some(secret_data),
            ..Default::default()
        }));
    }

    // Claims the workload owns: before the controller that mounts them.
    for c in &w.claims {
        out.push(Object::Claim(claim_with(c, meta(&c.name))));
    }

    let ports: Vec<core::ServicePort> = w
        .service_ports()
        .map(|(_, p)| core::ServicePort {
            name: Some(p.name.clone().unwrap_or_else(|| {
                format!(
                    "{}-{}",
                    p.protocol.as_k8s().to_lowercase(),
                    p.container_port
                )
            })),
            port: i32::from(p.service_port.unwrap_or(p.container_port)),
            target_port: Some(IntOrString::Int(i32::from(p.container_port))),
            protocol: Some(p.protocol.as_k8s().into()),
            ..Default::default()
        })
        .collect();
    // A workload that publishes nothing but must be reachable by name gets a headless Service:
    // no ports (valid when `clusterIP: None`), DNS A records are the ready pods' IPs.
    // A StatefulSet always has its governing Service (`serviceName`).
    let headless =
        ports.is_empty() && (w.reachable_by_name || w.controller == Controller::StatefulSet);
    let mut ports = ports;
    if let (Some(np), [p]) = (w.node_port, ports.as_mut_slice()) {
        p.node_port = Some(i32::from(np));
    }
    if (!ports.is_empty() || headless) && w.controller != Controller::DaemonSet {
        let type_ = match w.service_type {
            ServiceType::NodePort if !headless => "NodePort",
            ServiceType::LoadBalancer if !headless => "LoadBalancer",
            _ => "ClusterIP",
        };
        let headless = headless || w.service_type == ServiceType::Headless;
        out.push(Object::Service(core::Service {
            metadata: meta(&w.name),
            spec: Some(core::ServiceSpec {
                type_: Some(type_.into()),
                cluster_ip: headless.then(|| "None".into()),
                selector: Some(labels::selector_labels(w)),
                ports: (!ports.is_empty()).then_some(ports),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }

    let mut template_annotations = w.annotations.clone();
    if let Some(h) = &config_hash {
        template_annotations.insert(labels::CONFIG_HASH.into(), h.clone());
    }
    let pod_meta = ObjectMeta {
        labels: Some(labels.clone()),
        annotations: (!template_annotations.is_empty()).then_some(template_annotations),
        ..Default::default()
    };
    let pod_spec = pod_spec(w, &secret_name);
    let mut controller_meta = meta(&w.name);
    let mut annotations = w.annotations.clone();
    if let Some(src) = &w.source {
        annotations.insert(labels::SOURCE.into(), src.clone());
    }
    controller_meta.annotations = (!annotations.is_empty()).then_some(annotations);
    let selector = LabelSelector {
        match_labels: Some(labels::selector_labels(w)),
        ..Default::default()
    };
    let template = core::PodTemplateSpec {
        metadata: Some(pod_meta.clone()),
        spec: Some(pod_spec.clone()),
    };
    // An autoscaled controller leaves `replicas` to the autoscaler: applying a count would
    // undo its scaling on every deploy.
    let replicas = w.autoscale.is_none().then(|| w.replicas.unwrap_or(1));
    match w.controller {
        Controller::Deployment => out.push(Object::Deployment(Deployment {
            metadata: controller_meta,
            spec: Some(DeploymentSpec {
                replicas,
                selector,
                template,
                strategy: Some(DeploymentStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateDeployment {
                        max_surge: Some(IntOrString::String("25%".into())),
                        max_unavailable: Some(IntOrString::String("25%".into())),
                    }),
                }),
                ..Default::default()
            }),
            ..Default::default()
        })),
        Controller::DaemonSet => out.push(Object::DaemonSet(DaemonSet {
            metadata: controller_meta,
            spec: Some(DaemonSetSpec {
                selector,
                template,
                ..Default::default()
            }),
            ..Default::default()
        })),
        Controller::StatefulSet => out.push(Object::StatefulSet(StatefulSet {
            metadata: controller_meta,
            spec: Some(StatefulSetSpec {
                replicas,
                selector,
                service_name: Some(w.name.clone()),
                template,
                volume_claim_templates: (!w.claim_templates.is_empty()).then(|| {
                    w.claim_templates
                        .iter()
                        .map(|c| {
                            let mut pvc = claim(c, &w.app, w.component, &RenderOptions::default());
                            // The controller names each pod's claim `<template>-<pod>`.
                            pvc.metadata = ObjectMeta {
                                name: Some(c.name.clone()),
                                labels: Some(labels.clone()),
                                ..Default::default()
                            };
                            pvc
                        })
                        .collect()
                }),
                ..Default::default()
            }),
            ..Default::default()
        })),
        Controller::CronJob => {
            let cron = w
                .cron
                .clone()
                .unwrap_or_else(|| crate::workload::CronSchedule {
                    schedule: String::new(),
                    concurrency_policy: None,
                    backoff_limit: None,
                });
            out.push(Object::CronJob(batch::CronJob {
                metadata: controller_meta,
                spec: Some(batch::CronJobSpec {
                    schedule: cron.schedule,
                    concurrency_policy: cron.concurrency_policy,
                    job_template: batch::JobTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(labels.clone()),
                            ..Default::default()
                        }),
                        spec: Some(batch::JobSpec {
                            backoff_limit: cron.backoff_limit,
                            template,
                            ..Default::default()
                        }),
                    },
                    ..Default::default()
                }),
                ..Default::default()
            }))
        }
        Controller::Pod => {
            let mut m = controller_meta;
            let mut ann = m.annotations.take().unwrap_or_default();
            ann.extend(pod_meta.annotations.clone().unwrap_or_default());
            m.annotations = (!ann.is_empty()).then_some(ann);
            out.push(Object::Pod(core::Pod {
                metadata: m,
                spec: Some(pod_spec),
                ..Default::default()
            }))
        }
    }
    if let Some(i) = &w.ingress {
        out.push(Object::Ingress(ingress(i, &w.name, meta(&w.name))));
    }
    let pods = LabelSelector {
        match_labels: Some(labels::selector_labels(w)),
        ..Default::default()
    };
    if let Some(p) = &w.network_policy {
        out.push(Object::NetworkPolicy(network_policy(
            p,
            pods.clone(),
            meta(&w.name),
        )));
    }
    if let Some(b) = &w.disruption_budget {
        out.push(Object::DisruptionBudget(disruption_budget(
            *b,
            pods,
            meta(&w.name),
        )));
    }
    if let Some(a) = &w.autoscale
        && matches!(
            w.controller,
            Controller::Deployment | Controller::StatefulSet
        )
    {
        out.push(Object::Autoscaler(autoscaler(w, a, meta(&w.name))));
    }
    out
}

/// The HorizontalPodAutoscaler (autoscaling/v2) of a Deployment or StatefulSet: resource
/// utilization targets, as kompose writes them.
pub fn autoscaler(
    w: &Workload,
    a: &Autoscale,
    metadata: ObjectMeta,
) -> autoscaling::HorizontalPodAutoscaler {
    let kind = match w.controller {
        Controller::StatefulSet => "StatefulSet",
        _ => "Deployment",
    };
    let metric = |name: &str, percent: Option<u8>| {
        percent.map(|p| autoscaling::MetricSpec {
            type_: "Resource".into(),
            resource: Some(autoscaling::ResourceMetricSource {
                name: name.into(),
                target: autoscaling::MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(i32::from(p)),
                    ..Default::default()
                },
            }),
            ..Default::default()
        })
    };
    let metrics: Vec<_> = [
        metric("cpu", a.cpu_percent),
        metric("memory", a.memory_percent),
    ]
    .into_iter()
    .flatten()
    .collect();
    autoscaling::HorizontalPodAutoscaler {
        metadata,
        spec: Some(autoscaling::HorizontalPodAutoscalerSpec {
            scale_target_ref: autoscaling::CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: kind.into(),
                name: w.name.clone(),
            },
            min_replicas: Some(a.min),
            max_replicas: a.max,
            metrics: (!metrics.is_empty()).then_some(metrics),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn pod_count(c: PodCount) -> IntOrString {
    match c {
        PodCount::Count(n) => IntOrString::Int(n),
        PodCount::Percent(p) => IntOrString::String(format!("{p}%")),
    }
}

/// A PodDisruptionBudget (policy/v1) over the pods `selector` selects.
fn disruption_budget(
    b: DisruptionBudget,
    selector: LabelSelector,
    metadata: ObjectMeta,
) -> policy::PodDisruptionBudget {
    let (min_available, max_unavailable) = match b {
        DisruptionBudget::MinAvailable(c) => (Some(pod_count(c)), None),
        DisruptionBudget::MaxUnavailable(c) => (None, Some(pod_count(c))),
    };
    policy::PodDisruptionBudget {
        metadata,
        spec: Some(policy::PodDisruptionBudgetSpec {
            selector: Some(selector),
            min_available,
            max_unavailable,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn policy_peer(p: &PolicyPeer) -> net::NetworkPolicyPeer {
    let selector = |m: &Option<BTreeMap<String, String>>| {
        m.as_ref().map(|m| LabelSelector {
            match_labels: (!m.is_empty()).then(|| m.clone()),
            ..Default::default()
        })
    };
    match p {
        PolicyPeer::Pods { pods, namespaces } => net::NetworkPolicyPeer {
            pod_selector: selector(pods),
            namespace_selector: selector(namespaces),
            ..Default::default()
        },
        PolicyPeer::Cidr { cidr, except } => net::NetworkPolicyPeer {
            ip_block: Some(net::IPBlock {
                cidr: cidr.clone(),
                except: (!except.is_empty()).then(|| except.clone()),
            }),
            ..Default::default()
        },
    }
}

fn policy_ports(r: &PolicyRule) -> Option<Vec<net::NetworkPolicyPort>> {
    (!r.ports.is_empty()).then(|| {
        r.ports
            .iter()
            .map(|(proto, port)| net::NetworkPolicyPort {
                protocol: Some(proto.as_k8s().into()),
                port: Some(IntOrString::Int(i32::from(*port))),
                ..Default::default()
            })
            .collect()
    })
}

fn policy_peers(r: &PolicyRule) -> Option<Vec<net::NetworkPolicyPeer>> {
    (!r.peers.is_empty()).then(|| r.peers.iter().map(policy_peer).collect())
}

/// A NetworkPolicy (networking.k8s.io/v1) over the pods `selector` selects. A direction the
/// policy leaves open is not in `policyTypes`.
fn network_policy(
    p: &NetworkPolicy,
    selector: LabelSelector,
    metadata: ObjectMeta,
) -> net::NetworkPolicy {
    let mut types = Vec::new();
    if p.ingress.is_some() {
        types.push("Ingress".to_string());
    }
    if p.egress.is_some() {
        types.push("Egress".to_string());
    }
    net::NetworkPolicy {
        metadata,
        spec: Some(net::NetworkPolicySpec {
            pod_selector: Some(selector),
            policy_types: Some(types),
            ingress: p.ingress.as_ref().map(|rules| {
                rules
                    .iter()
                    .map(|r| net::NetworkPolicyIngressRule {
                        from: policy_peers(r),
                        ports: policy_ports(r),
                    })
                    .collect()
            }),
            egress: p.egress.as_ref().map(|rules| {
                rules
                    .iter()
                    .map(|r| net::NetworkPolicyEgressRule {
                        to: policy_peers(r),
                        ports: policy_ports(r),
                    })
                    .collect()
            }),
        }),
    }
}

/// The Ingress of a workload: each rule routes to the workload's Service on `i.port`.
fn ingress(i: &crate::workload::Ingress, service: &str, metadata: ObjectMeta) -> net::Ingress {
    let backend = net::IngressBackend {
        service: Some(net::IngressServiceBackend {
            name: service.to_string(),
            port: Some(net::ServiceBackendPort {
                number: Some(i32::from(i.port)),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    let rules = i
        .rules
        .iter()
        .map(|(host, path)| net::IngressRule {
            host: host.clone(),
            http: Some(net::HTTPIngressRuleValue {
                paths: vec![net::HTTPIngressPath {
                    path: Some(path.clone()),
                    path_type: "Prefix".into(),
                    backend: backend.clone(),
                }],
            }),
        })
        .collect();
    let hosts: Vec<String> = i.rules.iter().filter_map(|(h, _)| h.clone()).collect();
    net::Ingress {
        metadata,
        spec: Some(net::IngressSpec {
            ingress_class_name: i.class_name.clone(),
            rules: Some(rules),
            tls: i.tls_secret.as_ref().map(|s| {
                vec![net::IngressTLS {
                    hosts: (!hosts.is_empty()).then_some(hosts),
                    secret_name: Some(s.clone()),
                }]
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn pod_spec(w: &Workload, secret_name: &str) -> core::PodSpec {
    let restricted = w.pod_security.restricted;
    let mut volumes: Vec<core::Volume> = w.volumes.iter().map(volume).collect();
    // Pod Security "restricted" with a read-only root: give the program a writable /tmp and
    // point HOME at it (npx and uvx keep caches under HOME).
    let tmp_volume = restricted && !w.volumes.iter().any(|v| v.name == "tmp");
    if tmp_volume {
        volumes.push(core::Volume {
            name: "tmp".into(),
            empty_dir: Some(core::EmptyDirVolumeSource::default()),
            ..Default::default()
        });
    }
    let containers = w
        .containers
        .iter()
        .map(|c| container(c, restricted, tmp_volume, secret_name))
        .collect();
    let init: Vec<core::Container> = w
        .init_containers
        .iter()
        .map(|c| container(c, restricted, tmp_volume, secret_name))
        .collect();
    let ps = &w.pod_security;
    let security = core::PodSecurityContext {
        run_as_user: ps.run_as_user,
        run_as_group: ps.run_as_group,
        fs_group: ps.fs_group,
        supplemental_groups: (!ps.supplemental_groups.is_empty())
            .then(|| ps.supplemental_groups.clone()),
        run_as_non_root: ps.run_as_non_root.or(restricted.then_some(true)),
        seccomp_profile: restricted.then(|| core::SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        sysctls: (!w.sysctls.is_empty()).then(|| {
            w.sysctls
                .iter()
                .map(|(k, v)| core::Sysctl {
                    name: k.clone(),
                    value: v.clone(),
                })
                .collect()
        }),
        ..Default::default()
    };
    let security = (security != core::PodSecurityContext::default()).then_some(security);
    core::PodSpec {
        containers,
        init_containers: (!init.is_empty()).then_some(init),
        volumes: (!volumes.is_empty()).then_some(volumes),
        restart_policy: Some(
            match w.restart_policy {
                RestartPolicy::Always => "Always",
                RestartPolicy::OnFailure => "OnFailure",
                RestartPolicy::Never => "Never",
            }
            .into(),
        ),
        image_pull_secrets: (!w.image_pull_secrets.is_empty()).then(|| {
            w.image_pull_secrets
                .iter()
                .map(|n| core::LocalObjectReference { name: n.clone() })
                .collect()
        }),
        host_network: w.host_network.then_some(true),
        host_pid: w.host_pid.then_some(true),
        host_ipc: w.host_ipc.then_some(true),
        dns_policy: w.host_network.then(|| "ClusterFirstWithHostNet".into()),
        hostname: w.hostname.clone(),
        host_aliases: (!w.host_aliases.is_empty()).then(|| {
            w.host_aliases
                .iter()
                .map(|h| core::HostAlias {
                    ip: h.ip.clone(),
                    hostnames: Some(h.hostnames.clone()),
                })
                .collect()
        }),
        dns_config: w.dns.as_ref().map(|d| core::PodDNSConfig {
            nameservers: (!d.nameservers.is_empty()).then(|| d.nameservers.clone()),
            searches: (!d.searches.is_empty()).then(|| d.searches.clone()),
            options: (!d.options.is_empty()).then(|| {
                d.options
                    .iter()
                    .map(|(n, v)| core::PodDNSConfigOption {
                        name: Some(n.clone()),
                        value: v.clone(),
                    })
                    .collect()
            }),
        }),
        termination_grace_period_seconds: w.termination_grace_period_seconds,
        service_account_name: w.service_account.clone(),
        automount_service_account_token: Some(w.automount_service_account_token),
        node_selector: (!w.node_selector.is_empty()).then(|| w.node_selector.clone()),
        affinity: node_affinity(&w.node_affinity),
        tolerations: (!w.tolerations.is_empty()).then(|| {
            w.tolerations
                .iter()
                .map(|t| core::Toleration {
                    key: Some(t.key.clone()),
                    operator: Some(t.operator.into()),
                    value: t.value.clone(),
                    effect: t.effect.map(Into::into),
                    ..Default::default()
                })
                .collect()
        }),
        subdomain: w.subdomain.clone(),
        runtime_class_name: w.runtime_class_name.clone(),
        security_context: security,
        ..Default::default()
    }
}

/// Required node affinity: one term whose expressions must all hold.
fn node_affinity(reqs: &[crate::workload::NodeRequirement]) -> Option<core::Affinity> {
    (!reqs.is_empty()).then(|| core::Affinity {
        node_affinity: Some(core::NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(core::NodeSelector {
                node_selector_terms: vec![core::NodeSelectorTerm {
                    match_expressions: Some(
                        reqs.iter()
                            .map(|r| core::NodeSelectorRequirement {
                                key: r.key.clone(),
                                operator: r.operator.into(),
                                values: Some(r.values.clone()),
                            })
                            .collect(),
                    ),
                    ..Default::default()
                }],
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The kubelet expands `$(VAR)` in command, args and env values; our inputs (datums, Docker,
/// compose) never mean that, so a literal `$(` is escaped as `$$(`.
pub fn escape_kubelet(s: &str) -> String {
    s.replace("$(", "$$(")
}

fn escape_all(v: &Option<Vec<String>>) -> Option<Vec<String>> {
    v.as_ref()
        .map(|v| v.iter().map(|s| escape_kubelet(s)).collect())
}

fn container(c: &Container, restricted: bool, tmp: bool, secret_name: &str) -> core::Container {
    let mut env: Vec<core::EnvVar> = c
        .env
        .iter()
        .map(|e| {
            if e.secret {
                core::EnvVar {
                    name: e.name.clone(),
                    value_from: Some(core::EnvVarSource {
                        secret_key_ref: Some(core::SecretKeySelector {
                            name: secret_name.to_string(),
                            key: e.name.clone(),
                            optional: None,
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }
            } else {
                core::EnvVar {
                    name: e.name.clone(),
                    value: Some(escape_kubelet(&e.value)),
                    ..Default::default()
                }
            }
        })
        .collect();
    let mut mounts: Vec<core::VolumeMount> = c
        .mounts
        .iter()
        .map(|m| core::VolumeMount {
            name: m.volume.clone(),
            mount_path: m.mount_path.clone(),
            read_only: m.read_only.then_some(true),
            sub_path: m.sub_path.clone(),
            ..Default::default()
        })
        .collect();
    if tmp {
        if !mounts.iter().any(|m| m.mount_path == "/tmp") {
            mounts.push(core::VolumeMount {
                name: "tmp".into(),
                mount_path: "/tmp".into(),
                ..Default::default()
            });
        }
        if !env.iter().any(|e| e.name == "HOME") {
            env.push(core::EnvVar {
                name: "HOME".into(),
                value: Some("/tmp".into()),
                ..Default::default()
            });
        }
    }
    let s = &c.security;
    let mut drop = s.cap_drop.clone();
    if restricted && !drop.iter().any(|d| d == "ALL") {
        drop.insert(0, "ALL".into());
    }
    let caps = (!drop.is_empty() || !s.cap_add.is_empty()).then(|| core::Capabilities {
        add: (!s.cap_add.is_empty()).then(|| s.cap_add.clone()),
        drop: (!drop.is_empty()).then_some(drop),
    });
    let security = core::SecurityContext {
        privileged: s.privileged,
        read_only_root_filesystem: s.read_only_root_filesystem.or(restricted.then_some(true)),
        allow_privilege_escalation: s.allow_privilege_escalation.or(restricted.then_some(false)),
        run_as_user: s.run_as_user,
        run_as_group: s.run_as_group,
        run_as_non_root: restricted.then_some(true),
        capabilities: caps,
        ..Default::default()
    };
    let security = (security != core::SecurityContext::default()).then_some(security);
    let r = &c.resources;
    let q = |pairs: [(&str, &Option<String>); 2]| {
        let m: BTreeMap<String, Quantity> = pairs
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), Quantity(v.clone()))))
            .collect();
        (!m.is_empty()).then_some(m)
    };
    let requests = q([("cpu", &r.requests_cpu), ("memory", &r.requests_memory)]);
    let mut limits = q([("cpu", &r.limits_cpu), ("memory", &r.limits_memory)]);
    if !r.extended.is_empty() {
        let l = limits.get_or_insert_with(BTreeMap::new);
        for (k, v) in &r.extended {
            l.insert(k.clone(), Quantity(v.clone()));
        }
    }
    core::Container {
        name: c.name.clone(),
        image: Some(c.image.clone()),
        image_pull_policy: Some(
            c.image_pull_policy
                .clone()
                .unwrap_or_else(|| "IfNotPresent".into()),
        ),
        command: escape_all(&c.command),
        args: escape_all(&c.args),
        working_dir: c.working_dir.clone(),
        env: (!env.is_empty()).then_some(env),
        ports: (!c.ports.is_empty()).then(|| {
            c.ports
                .iter()
                .map(|p| core::ContainerPort {
                    container_port: i32::from(p.container_port),
                    protocol: Some(p.protocol.as_k8s().into()),
                    name: p.name.clone(),
                    ..Default::default()
                })
                .collect()
        }),
        stdin: c.stdin.then_some(true),
        tty: c.tty.then_some(true),
        resources: (requests.is_some() || limits.is_some()).then(|| core::ResourceRequirements {
            requests,
            limits,
            ..Default::default()
        }),
        liveness_probe: c.liveness.as_ref().map(probe),
        readiness_probe: c.readiness.as_ref().map(probe),
        startup_probe: c.startup.as_ref().map(probe),
        security_context: security,
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Default::default()
    }
}

fn probe(p: &Probe) -> core::Probe {
    let mut out = core::Probe {
        period_seconds: p.period_seconds,
        timeout_seconds: p.timeout_seconds,
        failure_threshold: p.failure_threshold,
        initial_delay_seconds: p.initial_delay_seconds,
        ..Default::default()
    };
    match &p.action {
        ProbeAction::Exec(cmd) => {
            out.exec = Some(core::ExecAction {
                command: Some(cmd.clone()),
            });
        }
        ProbeAction::Http { path, port } => {
            out.http_get = Some(core::HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::Int(i32::from(*port)),
                ..Default::default()
            });
        }
        ProbeAction::Tcp { port } => {
            out.tcp_socket = Some(core::TCPSocketAction {
                port: IntOrString::Int(i32::from(*port)),
                ..Default::default()
            });
        }
    }
    out
}

fn volume(v: &crate::workload::Volume) -> core::Volume {
    let mut out = core::Volume {
        name: v.name.clone(),
        ..Default::default()
    };
    let items = |items: &[crate::workload::KeyToPath]| {
        (!items.is_empty()).then(|| {
            items
                .iter()
                .map(|i| core::KeyToPath {
                    key: i.key.clone(),
                    path: i.path.clone(),
                    mode: i.mode,
                })
                .collect()
        })
    };
    match &v.source {
        VolumeSource::EmptyDir { memory, size_limit } => {
            out.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: memory.then(|| "Memory".into()),
                size_limit: size_limit.clone().map(Quantity),
            });
        }
        VolumeSource::Claim { claim, read_only } => {
            out.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: read_only.then_some(true),
            });
        }
        VolumeSource::HostPath { path } => {
            out.host_path = Some(core::HostPathVolumeSource {
                path: path.clone(),
                type_: None,
            });
        }
        VolumeSource::ConfigMap { name, items: it } => {
            out.config_map = Some(core::ConfigMapVolumeSource {
                name: name.clone(),
                items: items(it),
                ..Default::default()
            });
        }
        VolumeSource::Secret { name, items: it } => {
            out.secret = Some(core::SecretVolumeSource {
                secret_name: Some(name.clone()),
                items: items(it),
                ..Default::default()
            });
        }
    }
    out
}

fn data_object(
    d: &DataObject,
    part_of: &str,
    component: Component,
    opts: &RenderOptions,
) -> Object {
    let metadata = ObjectMeta {
        name: Some(d.name.clone()),
        namespace: opts.namespace.clone(),
        labels: Some(labels::shared(part_of, &d.name, component)),
        ..Default::default()
    };
    if d.secret {
        Object::Secret(core::Secret {
            metadata,
            type_: Some("Opaque".into()),
            data: Some(
                d.data
                    .iter()
                    .map(|(k, v)| (k.clone(), ByteString(v.clone().into_bytes())))
                    .collect(),
            ),
            ..Default::default()
        })
    } else {
        Object::ConfigMap(core::ConfigMap {
            metadata,
            data: Some(d.data.clone()),
            ..Default::default()
        })
    }
}

fn claim(
    c: &Claim,
    part_of: &str,
    component: Component,
    opts: &RenderOptions,
) -> core::PersistentVolumeClaim {
    claim_with(
        c,
        ObjectMeta {
            name: Some(c.name.clone()),
            namespace: opts.namespace.clone(),
            labels: Some(labels::shared(part_of, &c.name, component)),
            ..Default::default()
        },
    )
}

/// A PersistentVolumeClaim with the given metadata.
fn claim_with(c: &Claim, metadata: ObjectMeta) -> core::PersistentVolumeClaim {
    core::PersistentVolumeClaim {
        metadata,
        spec: Some(core::PersistentVolumeClaimSpec {
            access_modes: Some(vec![c.access_mode.as_k8s().into()]),
            resources: Some(core::VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity(c.size.clone()),
                )])),
                ..Default::default()
            }),
            storage_class_name: c.storage_class.clone(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{EnvVar, PodSecurity, Port, Protocol, Resources};

    fn mcp(port: Option<u16>) -> Workload {
        Workload {
            name: "github-mcp".into(),
            app: "github".into(),
            component: Component::McpServer,
            containers: vec![Container {
                name: "github".into(),
                image: "node:24-alpine".into(),
                command: Some(vec!["npx".into()]),
                args: Some(vec![
                    "-y".into(),
                    "@modelcontextprotocol/server-github".into(),
                ]),
                env: vec![
                    EnvVar::new("GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_x"),
                    EnvVar::new("LOG", "1"),
                ],
                stdin: port.is_none(),
                ports: port
                    .map(|p| Port {
                        container_port: p,
                        protocol: Protocol::Tcp,
                        name: Some("mcp".into()),
                        service_port: Some(p),
                    })
                    .into_iter()
                    .collect(),
                resources: Resources {
                    requests_cpu: Some("100m".into()),
                    requests_memory: Some("128Mi".into()),
                    limits_cpu: Some("500m".into()),
                    limits_memory: Some("512Mi".into()),
                    ..Default::default()
                },
                ..Default::default()
            }],
            pod_security: PodSecurity {
                run_as_user: Some(1000),
                run_as_group: Some(1000),
                fs_group: Some(1000),
                run_as_non_root: Some(true),
                restricted: true,
                ..PodSecurity::default()
            },
            ..Default::default()
        }
    }

    fn first_container(d: &Deployment) -> &core::Container {
        &d.spec
            .as_ref()
            .unwrap()
            .template
            .spec
            .as_ref()
            .unwrap()
            .containers[0]
    }

    fn deployment(objs: &[Object]) -> &Deployment {
        objs.iter()
            .find_map(|o| {
                if let Object::Deployment(d) = o {
                    Some(d)
                } else {
                    None
                }
            })
            .expect("a deployment")
    }

    #[test]
    fn secret_env_goes_to_a_secret_never_a_plain_value() {
        let objs = render_workload(&mcp(None), &RenderOptions::default()).unwrap();
        let Object::Secret(s) = &objs[0] else {
            panic!("secret first: {objs:?}")
        };
        assert_eq!(s.metadata.name.as_deref(), Some("github-mcp-env"));
        assert_eq!(
            s.data.as_ref().unwrap()["GITHUB_PERSONAL_ACCESS_TOKEN"].0,
            b"ghp_x"
        );
        let d = deployment(&objs);
        let c = first_container(d);
        let env = c.env.as_ref().unwrap();
        let tok = env
            .iter()
            .find(|e| e.name == "GITHUB_PERSONAL_ACCESS_TOKEN")
            .unwrap();
        assert!(tok.value.is_none());
        let r = tok
            .value_from
            .as_ref()
            .unwrap()
            .secret_key_ref
            .as_ref()
            .unwrap();
        assert_eq!(
            (r.name.as_str(), r.key.as_str()),
            ("github-mcp-env", "GITHUB_PERSONAL_ACCESS_TOKEN")
        );
        let yaml = crate::output::to_yaml(&objs);
        assert!(
            !yaml.contains("ghp_x"),
            "the plain value must not appear anywhere:\n{yaml}"
        );
        // A change of the secret value rolls the pods.
        let mut w2 = mcp(None);
        w2.containers[0].env[0].value = "ghp_y".into();
        let d2 = deployment(&render_workload(&w2, &RenderOptions::default()).unwrap()).clone();
        let ann = |d: &Deployment| {
            d.spec
                .as_ref()
                .unwrap()
                .template
                .metadata
                .as_ref()
                .unwrap()
                .annotations
                .clone()
        };
        assert_ne!(ann(d), ann(&d2));
    }

    #[test]
    fn stdio_server_is_restricted_and_attached_to_stdin() {
        let objs = render_workload(
            &mcp(None),
            &RenderOptions {
                namespace: Some("ns".into()),
            },
        )
        .unwrap();
        assert!(
            !objs.iter().any(|o| matches!(o, Object::Service(_))),
            "no port, no Service"
        );
        let d = deployment(&objs);
        assert_eq!(d.metadata.namespace.as_deref(), Some("ns"));
        let spec = d.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
        let c = &spec.containers[0];
        assert_eq!(c.stdin, Some(true));
        let sc = c.security_context.as_ref().unwrap();
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        assert_eq!(
            sc.capabilities.as_ref().unwrap().drop.as_deref(),
            Some(&["ALL".to_string()][..])
        );
        let psc = spec.security_context.as_ref().unwrap();
        assert_eq!(psc.run_as_non_root, Some(true));
        assert_eq!(psc.run_as_user, Some(1000));
        assert_eq!(
            psc.seccomp_profile.as_ref().unwrap().type_,
            "RuntimeDefault"
        );
        assert_eq!(spec.automount_service_account_token, Some(false));
        let mounts = c.volume_mounts.as_ref().unwrap();
        assert!(
            mounts
                .iter()
                .any(|m| m.mount_path == "/tmp" && m.name == "tmp")
        );
        assert!(
            spec.volumes
                .as_ref()
                .unwrap()
                .iter()
                .any(|v| v.name == "tmp" && v.empty_dir.is_some())
        );
        let home = c
            .env
            .as_ref()
            .unwrap()
            .iter()
            .find(|e| e.name == "HOME")
            .unwrap();
        assert_eq!(home.value.as_deref(), Some("/tmp"));
        let labels = d.metadata.labels.as_ref().unwrap();
        assert_eq!(labels["app.kubernetes.io/managed-by"], "b00t");
        assert_eq!(labels["app.kubernetes.io/component"], "mcp-server");
        assert_eq!(labels["b00t.elastic.ventures/type"], "mcp-server");
        assert_eq!(labels["app.kubernetes.io/instance"], "github-mcp");
        assert_eq!(labels["app.kubernetes.io/name"], "github");
        let sel = d
            .spec
            .as_ref()
            .unwrap()
            .selector
            .match_labels
            .as_ref()
            .unwrap();
        let tpl = d
            .spec
            .as_ref()
            .unwrap()
            .template
            .metadata
            .as_ref()
            .unwrap()
            .labels
            .as_ref()
            .unwrap();
        assert!(
            sel.iter().all(|(k, v)| tpl.get(k) == Some(v)),
            "selector must match the template"
        );
    }

    #[test]
    fn listening_server_gets_a_service() {
        let objs = render_workload(&mcp(Some(8080)), &RenderOptions::default()).unwrap();
        let svc = objs
            .iter()
            .find_map(|o| {
                if let Object::Service(s) = o {
                    Some(s)
                } else {
                    None
                }
            })
            .expect("service");
        let p = &svc.spec.as_ref().unwrap().ports.as_ref().unwrap()[0];
        assert_eq!((p.port, p.name.as_deref()), (8080, Some("mcp")));
        assert_eq!(p.target_port, Some(IntOrString::Int(8080)));
        assert_eq!(
            svc.spec.as_ref().unwrap().selector,
            Some(labels::selector_labels(&mcp(Some(8080))))
        );
    }

    #[test]
    fn literal_dollar_paren_is_not_expanded_by_the_kubelet() {
        let mut w = mcp(None);
        w.containers[0].args = Some(vec!["echo $(date) $HOME".into()]);
        w.containers[0].env.push(EnvVar::new("PS1", "$(whoami)"));
        let objs = render_workload(&w, &RenderOptions::default()).unwrap();
        let c = first_container(deployment(&objs));
        assert_eq!(
            c.args.as_deref(),
            Some(&["echo $$(date) $HOME".to_string()][..])
        );
        let ps1 = c
            .env
            .as_ref()
            .unwrap()
            .iter()
            .find(|e| e.name == "PS1")
            .unwrap();
        assert_eq!(ps1.value.as_deref(), Some("$$(whoami)"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let a = crate::output::to_yaml(
            &render_workload(&mcp(Some(1)), &RenderOptions::default()).unwrap(),
        );
        let b = crate::output::to_yaml(
            &render_workload(&mcp(Some(1)), &RenderOptions::default()).unwrap(),
        );
        assert_eq!(a, b);
    }
}
