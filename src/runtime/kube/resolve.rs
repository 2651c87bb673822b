//! Resolve what the user typed (`NAME`, `POD`, `TYPE/NAME`) to a b00t instance or a pod.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams};

use super::wait::Target;
use super::{Kube, KubeError, Result};
use crate::render::labels;

/// Metadata of b00t's controllers, by kind, and pods.
struct Metadata {
    controllers: [(Target, Vec<ObjectMeta>); 4],
    pods: Vec<ObjectMeta>,
}

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A b00t instance (`app.kubernetes.io/instance`), with the controller that runs it.
    Instance { instance: String, target: Target },
    /// One pod (any pod, b00t-managed or not).
    Pod { name: String },
    /// Every workload of an application (`app.kubernetes.io/part-of`, e.g. a compose project).
    App { name: String },
}

impl Resolved {
    /// Label selector for the pods it covers (`None` for a single pod).
    pub fn pod_selector(&self) -> Option<String> {
        match self {
            Resolved::Instance { instance, .. } => Some(labels::selector_for_instance(instance)),
            Resolved::Pod { .. } => None,
            Resolved::App { name } => Some(format!(
                "{},{}={name}",
                labels::selector_managed(),
                labels::PART_OF
            )),
        }
    }

    pub fn display(&self) -> String {
        match self {
            Resolved::Instance { instance, .. } => instance.clone(),
            Resolved::Pod { name } => format!("pod/{name}"),
            Resolved::App { name } => format!("app/{name}"),
        }
    }
}

impl Kube {
    /// `NAME` → the instance `NAME`, else the MCP instance `NAME-mcp`, else the pod `NAME`.
    /// `TYPE/NAME` (`deployment/x`, `deploy/x`, `daemonset/x`, `ds/x`, `pod/x`, `po/x`,
    /// `mcp/x`) says which.
    pub async fn resolve(&self, input: &str) -> Result<Resolved> {
        let not_found = |what: String| KubeError::NotFound {
            what,
            hint: format!(
                " in namespace {}; `b00t k8s list` shows what b00t manages here",
                self.namespace
            ),
        };
        if let Some((ty, name)) = input.split_once('/') {
            let ty = ty.to_ascii_lowercase();
            return match ty.as_str() {
                "pod" | "pods" | "po" => {
                    let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
                    match self
                        .call_opt("get", &format!("pod/{name}"), pods.get(name))
                        .await?
                    {
                        Some(_) => Ok(Resolved::Pod { name: name.into() }),
                        None => Err(not_found(format!("pod {name:?}"))),
                    }
                }
                "deployment" | "deployments" | "deploy" | "daemonset" | "daemonsets" | "ds"
                | "statefulset" | "statefulsets" | "sts" | "cronjob" | "cronjobs" | "cj"
                | "mcp" | "app" => {
                    let instance = if ty == "mcp" && !name.ends_with("-mcp") {
                        format!("{name}-mcp")
                    } else {
                        name.to_string()
                    };
                    match self.find_instance(&[instance.as_str()]).await? {
                        Some(r) => Ok(r),
                        None if ty == "app" && self.is_app(name).await? => {
                            Ok(Resolved::App { name: name.into() })
                        }
                        None => Err(not_found(format!("{ty}/{name}"))),
                    }
                }
                other => Err(KubeError::Refused {
                    message: format!(
                        "unknown type {other:?} in {input:?}; use deployment/NAME, daemonset/NAME, statefulset/NAME, cronjob/NAME, pod/NAME or mcp/NAME"
                    ),
                }),
            };
        }
        let mcp = format!("{input}-mcp");
        if let Some(r) = self.find_instance(&[input, mcp.as_str()]).await? {
            return Ok(r);
        }
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        if self
            .call_opt("get", &format!("pod/{input}"), pods.get(input))
            .await?
            .is_some()
        {
            return Ok(Resolved::Pod { name: input.into() });
        }
        if self.is_app(input).await? {
            return Ok(Resolved::App { name: input.into() });
        }
        Err(not_found(format!(
            "no b00t workload or pod named {input:?}"
        )))
    }

    /// Whether b00t objects of the application `name` (`app.kubernetes.io/part-of`) exist here.
    async fn is_app(&self, name: &str) -> Result<bool> {
        let sel = format!("{},{}={name}", labels::selector_managed(), labels::PART_OF);
        let m = self
            .workload_metadata(&ListParams::default().labels(&sel).limit(1))
            .await?;
        Ok(m.controllers.iter().any(|(_, v)| !v.is_empty()) || !m.pods.is_empty())
    }

    /// Metadata of the controllers b00t makes and the pods matching `lp` here, fetched
    /// together.
    async fn workload_metadata(&self, lp: &ListParams) -> Result<Metadata> {
        fn api<K>(k: &Kube) -> Api<K>
        where
            K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
            <K as kube::Resource>::DynamicType: Default,
        {
            Api::namespaced(k.client.clone(), &k.namespace)
        }
        fn metas<K: Clone>(
            l: kube::core::ObjectList<kube::core::PartialObjectMeta<K>>,
        ) -> Vec<ObjectMeta> {
            l.items.into_iter().map(|m| m.metadata).collect()
        }
        let w = |what: &str| format!("{what} in namespace {}", self.namespace);
        let (dw, sw, stw, cjw, pw) = (
            w("deployments.apps"),
            w("daemonsets.apps"),
            w("statefulsets.apps"),
            w("cronjobs.batch"),
            w("pods"),
        );
        let (da, sa, sta, cja, pa) = (
            api::<Deployment>(self),
            api::<DaemonSet>(self),
            api::<StatefulSet>(self),
            api::<CronJob>(self),
            api::<Pod>(self),
        );
        let (d, s, st, cj, p) = tokio::join!(
            self.call("list", &dw, da.list_metadata(lp)),
            self.call("list", &sw, sa.list_metadata(lp)),
            self.call("list", &stw, sta.list_metadata(lp)),
            self.call("list", &cjw, cja.list_metadata(lp)),
            self.call("list", &pw, pa.list_metadata(lp)),
        );
        Ok(Metadata {
            controllers: [
                (Target::Deployment, metas(d?)),
                (Target::DaemonSet, metas(s?)),
                (Target::StatefulSet, metas(st?)),
                (Target::CronJob, metas(cj?)),
            ],
            pods: metas(p?),
        })
    }

    /// The first of `candidates` that is a b00t instance here.
    async fn find_instance(&self, candidates: &[&str]) -> Result<Option<Resolved>> {
        let sel = format!(
            "{},{} in ({})",
            labels::selector_managed(),
            labels::INSTANCE,
            candidates.join(",")
        );
        let m = self
            .workload_metadata(&ListParams::default().labels(&sel))
            .await?;
        for c in candidates {
            let inst = |m: &ObjectMeta| {
                m.labels
                    .as_ref()
                    .and_then(|l| l.get(labels::INSTANCE))
                    .map(String::as_str)
                    == Some(*c)
            };
            if let Some((target, _)) = m.controllers.iter().find(|(_, v)| v.iter().any(inst)) {
                return Ok(Some(Resolved::Instance {
                    instance: c.to_string(),
                    target: *target,
                }));
            }
            if let Some(pod) = m.pods.iter().find(|m| inst(m)) {
                let bare = !pod
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.controller == Some(true));
                let target = if bare {
                    Target::Pod
                } else {
                    Target::Deployment
                };
                return Ok(Some(Resolved::Instance {
                    instance: c.to_string(),
                    target,
                }));
            }
        }
        Ok(None)
    }
}
