//! Deleting everything b00t created for an instance, selected by label so nothing is left and
//! nothing foreign is touched.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolumeClaim, Pod, Secret, Service};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, DeleteParams, ListParams};
use kube::{Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Kube, KubeError, Result};
use crate::render::labels;

/// One deleted object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Deleted {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// `deployment.apps/x` (kubectl's spelling).
    #[serde(skip)]
    pub reference: String,
}

impl Kube {
    /// Delete every b00t-managed object matching `selector` (which must include the managed-by
    /// label). Pods owned by a controller go with it (background propagation). Claims only
    /// with `purge` (their data outlives the workload otherwise). Returns what was deleted and
    /// the claims kept.
    pub async fn delete_selected(
        &self,
        selector: &str,
        purge: bool,
    ) -> Result<(Vec<Deleted>, Vec<Deleted>)> {
        debug_assert!(selector.contains(labels::MANAGED_BY));
        let mut out = Vec::new();
        let mut kept = Vec::new();
        macro_rules! kind {
            ($k:ty, $kind_ref:literal, $kind:literal) => {
                out.extend(self.delete_kind::<$k>($kind_ref, $kind, selector).await?)
            };
        }
        // The autoscaler first, so nothing scales what is being deleted.
        kind!(
            HorizontalPodAutoscaler,
            "horizontalpodautoscaler.autoscaling",
            "HorizontalPodAutoscaler"
        );
        kind!(Deployment, "deployment.apps", "Deployment");
        kind!(DaemonSet, "daemonset.apps", "DaemonSet");
        kind!(StatefulSet, "statefulset.apps", "StatefulSet");
        kind!(CronJob, "cronjob.batch", "CronJob");
        kind!(
            PodDisruptionBudget,
            "poddisruptionbudget.policy",
            "PodDisruptionBudget"
        );
        kind!(Ingress, "ingress.networking.k8s.io", "Ingress");
        kind!(
            NetworkPolicy,
            "networkpolicy.networking.k8s.io",
            "NetworkPolicy"
        );
        kind!(Service, "service", "Service");
        kind!(Secret, "secret", "Secret");
        kind!(ConfigMap, "configmap", "ConfigMap");
        if purge {
            kind!(
                PersistentVolumeClaim,
                "persistentvolumeclaim",
                "PersistentVolumeClaim"
            );
        } else {
            let api: Api<PersistentVolumeClaim> =
                Api::namespaced(self.client.clone(), &self.namespace);
            let claims = self
                .call(
                    "list",
                    &format!("persistentvolumeclaims in namespace {}", self.namespace),
                    api.list_metadata(&ListParams::default().labels(selector)),
                )
                .await?;
            kept.extend(
                claims
                    .items
                    .into_iter()
                    .filter(|c| c.metadata.deletion_timestamp.is_none())
                    .map(|c| {
                        let name = c.name_any();
                        Deleted {
                            kind: "PersistentVolumeClaim".into(),
                            reference: format!("persistentvolumeclaim/{name}"),
                            name,
                            namespace: self.namespace.clone(),
                        }
                    }),
            );
        }
        // Bare pods (ours, without a controller); controller-owned pods are collected.
        out.extend(self.delete_kind::<Pod>("pod", "Pod", selector).await?);
        Ok((out, kept))
    }

    /// Delete one pod by name.
    pub async fn delete_pod(&self, name: &str) -> Result<Deleted> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let what = format!("pod/{name}");
        self.call(
            "delete",
            &what,
            api.delete(name, &DeleteParams::background()),
        )
        .await?;
        Ok(Deleted {
            kind: "Pod".into(),
            name: name.into(),
            namespace: self.namespace.clone(),
            reference: what,
        })
    }

    /// Delete the namespaced object `name` when b00t manages it. `Ok(None)` when it is absent;
    /// an object without b00t's label is left alone and named in the error.
    pub async fn delete_owned<K>(&self, kind_ref: &str, name: &str) -> Result<Option<Deleted>>
    where
        K: Resource<Scope = NamespaceResourceScope> + Clone + DeserializeOwned + Serialize + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let api: Api<K> = Api::namespaced(self.client.clone(), &self.namespace);
        self.delete_owned_in(api, kind_ref, name, &self.namespace)
            .await
    }

    /// [`Kube::delete_owned`] for a cluster-scoped object.
    pub async fn delete_owned_cluster<K>(
        &self,
        kind_ref: &str,
        name: &str,
    ) -> Result<Option<Deleted>>
    where
        K: Resource<Scope = k8s_openapi::ClusterResourceScope>
            + Clone
            + DeserializeOwned
            + Serialize
            + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let api: Api<K> = Api::all(self.client.clone());
        self.delete_owned_in(api, kind_ref, name, "").await
    }

    async fn delete_owned_in<K>(
        &self,
        api: Api<K>,
        kind_ref: &str,
        name: &str,
        namespace: &str,
    ) -> Result<Option<Deleted>>
    where
        K: Resource + Clone + DeserializeOwned + Serialize + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let what = format!("{kind_ref}/{name}");
        let Some(obj) = self.call_opt("get", &what, api.get(name)).await? else {
            return Ok(None);
        };
        if obj
            .meta()
            .labels
            .as_ref()
            .and_then(|l| l.get(labels::MANAGED_BY))
            != Some(&labels::B00T.to_string())
        {
            return Err(KubeError::Refused {
                message: format!(
                    "{what} exists but was not created by b00t (no {}={} label); left alone",
                    labels::MANAGED_BY,
                    labels::B00T
                ),
            });
        }
        if obj.meta().deletion_timestamp.is_some() {
            return Ok(None);
        }
        let kind = K::kind(&Default::default()).to_string();
        Ok(self
            .call_opt(
                "delete",
                &what,
                api.delete(name, &DeleteParams::background()),
            )
            .await?
            .map(|_| Deleted {
                kind,
                name: name.into(),
                namespace: namespace.into(),
                reference: what,
            }))
    }

    async fn delete_kind<K>(
        &self,
        kind_ref: &str,
        kind: &str,
        selector: &str,
    ) -> Result<Vec<Deleted>>
    where
        K: Resource<Scope = NamespaceResourceScope> + Clone + DeserializeOwned + Serialize + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let api: Api<K> = Api::namespaced(self.client.clone(), &self.namespace);
        let plural = format!("{kind_ref}s");
        let items = self
            .call(
                "list",
                &format!("{plural} in namespace {}", self.namespace),
                api.list(&ListParams::default().labels(selector)),
            )
            .await?;
        let mut out = Vec::new();
        for o in items.items {
            // Pods that a controller owns go away with their controller.
            if kind == "Pod"
                && o.meta()
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|r| r.controller == Some(true))
            {
                continue;
            }
            if o.meta().deletion_timestamp.is_some() {
                continue;
            }
            let name = o.name_any();
            let what = format!("{kind_ref}/{name}");
            if self
                .call_opt(
                    "delete",
                    &what,
                    api.delete(&name, &DeleteParams::background()),
                )
                .await?
                .is_some()
            {
                out.push(Deleted {
                    kind: kind.into(),
                    name,
                    namespace: self.namespace.clone(),
                    reference: what,
                });
            }
        }
        Ok(out)
    }

    /// Wait until nothing matching `selector` is left (pods included).
    pub async fn wait_gone(
        &self,
        selector: &str,
        pod: Option<&str>,
        timeout: Duration,
    ) -> Result<()> {
        let start = Instant::now();
        let lp = ListParams::default().labels(selector);
        loop {
            let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
            let remaining = match pod {
                Some(name) => usize::from(
                    self.call_opt("get", &format!("pod/{name}"), pods.get(name))
                        .await?
                        .is_some(),
                ),
                None => {
                    let deps: Api<Deployment> =
                        Api::namespaced(self.client.clone(), &self.namespace);
                    let p = self.call("list", "pods", pods.list_metadata(&lp)).await?;
                    let d = self
                        .call("list", "deployments.apps", deps.list_metadata(&lp))
                        .await?;
                    p.items.len() + d.items.len()
                }
            };
            if remaining == 0 {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                return Err(KubeError::TimedOut {
                    what: format!("waiting for deletion ({remaining} objects left)"),
                    after: timeout,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
