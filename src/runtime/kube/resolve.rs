//! Resolve what the user typed (`NAME`, `POD`, `TYPE/NAME`) to a b00t instance or a pod.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams};

use super::wait::Target;
use super::{Kube, KubeError, Result};
use crate::render::labels;

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
                        "unknown type {other:?} in {input:?}; use deployment/NAME, daemonset/NAME, pod/NAME or mcp/NAME"
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
        let (d, s, p) = self
            .workload_metadata(&ListParams::default().labels(&sel).limit(1))
            .await?;
        Ok(!d.is_empty() || !s.is_empty() || !p.is_empty())
    }

    /// Metadata of the Deployments, DaemonSets and pods matching `lp` here, fetched together.
    async fn workload_metadata(
        &self,
        lp: &ListParams,
    ) -> Result<(Vec<ObjectMeta>, Vec<ObjectMeta>, Vec<ObjectMeta>)> {
        let deps: Api<Deployment> = Api::namespaced(self.client.clone(), &self.namespace);
        let dss: Api<DaemonSet> = Api::namespaced(self.client.clone(), &self.namespace);
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let where_ = format!("in namespace {}", self.namespace);
        let (dw, sw, pw) = (
            format!("deployments.apps {where_}"),
            format!("daemonsets.apps {where_}"),
            format!("pods {where_}"),
        );
        let (d, s, p) = tokio::join!(
            self.call("list", &dw, deps.list_metadata(lp)),
            self.call("list", &sw, dss.list_metadata(lp)),
            self.call("list", &pw, pods.list_metadata(lp)),
        );
        fn metas<K: Clone>(
            l: kube::core::ObjectList<kube::core::PartialObjectMeta<K>>,
        ) -> Vec<ObjectMeta> {
            l.items.into_iter().map(|m| m.metadata).collect()
        }
        let (d, s, p) = (d?, s?, p?);
        Ok((metas(d), metas(s), metas(p)))
    }

    /// The first of `candidates` that is a b00t instance here.
    async fn find_instance(&self, candidates: &[&str]) -> Result<Option<Resolved>> {
        let sel = format!(
            "{},{} in ({})",
            labels::selector_managed(),
            labels::INSTANCE,
            candidates.join(",")
        );
        let (d, s, p) = self
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
            if d.iter().any(inst) {
                return Ok(Some(Resolved::Instance {
                    instance: c.to_string(),
                    target: Target::Deployment,
                }));
            }
            if s.iter().any(inst) {
                return Ok(Some(Resolved::Instance {
                    instance: c.to_string(),
                    target: Target::DaemonSet,
                }));
            }
            if let Some(pod) = p.iter().find(|m| inst(m)) {
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
