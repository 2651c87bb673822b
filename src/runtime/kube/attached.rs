//! The objects a workload has besides its controller and pods, with their state: claims,
//! NetworkPolicies, PodDisruptionBudgets and HorizontalPodAutoscalers (`status NAME`), and
//! the claims that cannot bind (an early stop of `wait_ready`).

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use serde::Serialize;

use super::{Kube, Result};

/// What `status NAME` shows besides the pods (`--json`: these four arrays).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Attached {
    pub claims: Vec<ClaimState>,
    pub network_policies: Vec<PolicyState>,
    pub disruption_budgets: Vec<BudgetState>,
    pub autoscalers: Vec<AutoscalerState>,
}

impl Attached {
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
            && self.network_policies.is_empty()
            && self.disruption_budgets.is_empty()
            && self.autoscalers.is_empty()
    }
}

/// A PersistentVolumeClaim: `Bound` with its capacity, or `Pending` with the reason of its
/// last event.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimState {
    pub name: String,
    /// `Pending`, `Bound`, `Lost`.
    pub phase: String,
    /// Requested size.
    pub request: Option<String>,
    /// Provisioned size (bound claims).
    pub capacity: Option<String>,
    pub storage_class: Option<String>,
    pub access_modes: Vec<String>,
    /// `reason: message` of the claim's last event while it is not bound.
    pub reason: Option<String>,
}

/// A NetworkPolicy: which directions it restricts and how many rules allow traffic.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyState {
    pub name: String,
    /// `Ingress`, `Egress`.
    pub policy_types: Vec<String>,
    pub ingress_rules: usize,
    pub egress_rules: usize,
}

/// A PodDisruptionBudget with its status.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetState {
    pub name: String,
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
    pub current_healthy: i32,
    pub desired_healthy: i32,
    pub expected_pods: i32,
    pub disruptions_allowed: i32,
}

/// A HorizontalPodAutoscaler with its status.
#[derive(Debug, Clone, Serialize)]
pub struct AutoscalerState {
    pub name: String,
    /// `Deployment/x`.
    pub target: String,
    pub min_replicas: i32,
    pub max_replicas: i32,
    pub current_replicas: i32,
    pub desired_replicas: i32,
    /// Target utilisation per resource (`cpu` → 80).
    pub targets: Vec<(String, i32)>,
    /// The condition that matters most: the first one that is not True
    /// (`ScalingActive False FailedGetResourceMetric: …`), else `ScalingActive`.
    pub condition: Option<String>,
}

fn int_or_string(v: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString) -> String {
    match v {
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => n.to_string(),
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
    }
}

/// Events that mean a Pending claim will not bind by waiting: no volume and no class
/// (`FailedBinding`), or a provisioner that failed (`ProvisioningFailed`). `WaitForFirstConsumer`
/// and `ExternalProvisioning` are normal waits.
const CLAIM_FAILURES: &[&str] = &["FailedBinding", "ProvisioningFailed"];

impl Kube {
    /// Claims, policies, budgets and autoscalers with the instance selector `selector`.
    pub async fn attached(&self, selector: &str) -> Result<Attached> {
        let lp = ListParams::default().labels(selector);
        let ns = &self.namespace;
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), ns);
        let claims = self
            .call("list", "persistentvolumeclaims", claims.list(&lp))
            .await?
            .items;
        let mut claim_states = Vec::new();
        for c in &claims {
            let phase = c
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into());
            let reason = if phase == "Bound" {
                None
            } else {
                self.last_claim_event(&c.name_any(), &[])
                    .await?
                    .map(|(r, m)| format!("{r}: {m}"))
            };
            let spec = c.spec.clone().unwrap_or_default();
            claim_states.push(ClaimState {
                name: c.name_any(),
                phase,
                request: spec
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .and_then(|r| r.get("storage"))
                    .map(|q| q.0.clone()),
                capacity: c
                    .status
                    .as_ref()
                    .and_then(|s| s.capacity.as_ref())
                    .and_then(|r| r.get("storage"))
                    .map(|q| q.0.clone()),
                storage_class: spec.storage_class_name.clone(),
                access_modes: spec.access_modes.clone().unwrap_or_default(),
                reason,
            });
        }
        let pols: Api<NetworkPolicy> = Api::namespaced(self.client.clone(), ns);
        let network_policies = self
            .call("list", "networkpolicies.networking.k8s.io", pols.list(&lp))
            .await?
            .items
            .into_iter()
            .map(|p| {
                let spec = p.spec.clone().unwrap_or_default();
                PolicyState {
                    name: p.name_any(),
                    policy_types: spec.policy_types.clone().unwrap_or_default(),
                    ingress_rules: spec.ingress.as_ref().map_or(0, Vec::len),
                    egress_rules: spec.egress.as_ref().map_or(0, Vec::len),
                }
            })
            .collect();
        let pdbs: Api<PodDisruptionBudget> = Api::namespaced(self.client.clone(), ns);
        let disruption_budgets = self
            .call("list", "poddisruptionbudgets.policy", pdbs.list(&lp))
            .await?
            .items
            .into_iter()
            .map(|b| {
                let spec = b.spec.clone().unwrap_or_default();
                let st = b.status.clone().unwrap_or_default();
                BudgetState {
                    name: b.name_any(),
                    min_available: spec.min_available.as_ref().map(int_or_string),
                    max_unavailable: spec.max_unavailable.as_ref().map(int_or_string),
                    current_healthy: st.current_healthy,
                    desired_healthy: st.desired_healthy,
                    expected_pods: st.expected_pods,
                    disruptions_allowed: st.disruptions_allowed,
                }
            })
            .collect();
        let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(self.client.clone(), ns);
        let autoscalers = self
            .call(
                "list",
                "horizontalpodautoscalers.autoscaling",
                hpas.list(&lp),
            )
            .await?
            .items
            .into_iter()
            .map(|h| {
                let spec = h.spec.clone().unwrap_or_default();
                let st = h.status.clone().unwrap_or_default();
                let conds = st.conditions.clone().unwrap_or_default();
                let cond = conds
                    .iter()
                    .find(|c| c.status != "True")
                    .or_else(|| conds.iter().find(|c| c.type_ == "ScalingActive"))
                    .map(|c| {
                        let mut s = format!("{} {}", c.type_, c.status);
                        if let Some(r) = &c.reason {
                            s.push_str(&format!(" {r}"));
                        }
                        if let Some(m) = c.message.as_deref().filter(|m| !m.is_empty()) {
                            s.push_str(&format!(": {m}"));
                        }
                        s
                    });
                AutoscalerState {
                    name: h.name_any(),
                    target: format!(
                        "{}/{}",
                        spec.scale_target_ref.kind, spec.scale_target_ref.name
                    ),
                    min_replicas: spec.min_replicas.unwrap_or(1),
                    max_replicas: spec.max_replicas,
                    current_replicas: st.current_replicas.unwrap_or(0),
                    desired_replicas: st.desired_replicas,
                    targets: spec
                        .metrics
                        .iter()
                        .flatten()
                        .filter_map(|m| {
                            let r = m.resource.as_ref()?;
                            Some((r.name.clone(), r.target.average_utilization?))
                        })
                        .collect(),
                    condition: cond,
                }
            })
            .collect();
        Ok(Attached {
            claims: claim_states,
            network_policies,
            disruption_budgets,
            autoscalers,
        })
    }

    /// The last event of claim `name` (`(reason, message)`), only among `reasons` unless empty.
    async fn last_claim_event(
        &self,
        name: &str,
        reasons: &[&str],
    ) -> Result<Option<(String, String)>> {
        let api: Api<Event> = Api::namespaced(self.client.clone(), &self.namespace);
        let lp = ListParams::default().fields(&format!(
            "involvedObject.kind=PersistentVolumeClaim,involvedObject.name={name}"
        ));
        let mut evs = self
            .call(
                "list",
                &format!("events of persistentvolumeclaim/{name}"),
                api.list(&lp),
            )
            .await?
            .items;
        evs.retain(|e| {
            reasons.is_empty() || reasons.contains(&e.reason.as_deref().unwrap_or_default())
        });
        evs.sort_by_key(|e| {
            e.last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or_else(|| e.event_time.as_ref().map(|t| t.0))
                .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0))
        });
        Ok(evs.pop().map(|e| {
            (
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default().trim().to_string(),
            )
        }))
    }

    /// Claims of the instance that stay Pending for a reason waiting will not fix, one line
    /// each: `persistentvolumeclaim/x Pending: FailedBinding: no persistent volumes …`.
    pub async fn claim_problems(&self, selector: &str) -> Result<Vec<String>> {
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &self.namespace);
        let claims = self
            .call(
                "list",
                "persistentvolumeclaims",
                api.list(&ListParams::default().labels(selector)),
            )
            .await?
            .items;
        let mut out = Vec::new();
        for c in claims {
            let phase = c
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into());
            if phase != "Pending" {
                continue;
            }
            if let Some((reason, message)) =
                self.last_claim_event(&c.name_any(), CLAIM_FAILURES).await?
            {
                out.push(format!(
                    "persistentvolumeclaim/{} Pending: {reason}: {message}",
                    c.name_any()
                ));
            }
        }
        Ok(out)
    }
}
