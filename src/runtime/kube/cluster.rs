//! Cluster-level questions the OBI life cycle asks: may I do this (SelfSubjectAccessReview),
//! is this API group served, what do the kubelets and metrics-server say about a pod's CPU
//! and memory, and what does a container serve on a port (through the API server's proxies).

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};

use super::{Kube, Result};
use crate::render::quantity::{bytes, millicores};

/// One permission to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub verb: &'static str,
    /// `""` for the core group.
    pub group: &'static str,
    pub resource: &'static str,
    /// `None`: cluster-scoped (or every namespace).
    pub namespace: Option<String>,
}

impl Permission {
    /// `patch clusterroles.rbac.authorization.k8s.io`, `create pods (in observability)`.
    pub fn display(&self) -> String {
        let res = if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        match &self.namespace {
            Some(ns) => format!("{} {res} in namespace {ns}", self.verb),
            None => format!("{} {res}", self.verb),
        }
    }
}

/// CPU and memory of one pod, from metrics-server or the kubelet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodUsage {
    pub pod: String,
    /// Millicores.
    pub cpu_millis: f64,
    pub memory_bytes: u64,
}

impl Kube {
    /// Ask the API server whether the current user may do `p` (SelfSubjectAccessReview).
    /// Returns `(allowed, reason)`.
    pub async fn access_review(&self, p: &Permission) -> Result<(bool, String)> {
        let api: Api<SelfSubjectAccessReview> = Api::all(self.client.clone());
        let (resource, subresource) = match p.resource.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (p.resource, None),
        };
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(p.verb.to_string()),
                    group: Some(p.group.to_string()),
                    resource: Some(resource.to_string()),
                    subresource: subresource.map(str::to_string),
                    namespace: p.namespace.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let what = format!("selfsubjectaccessreview ({})", p.display());
        let r = self
            .call("create", &what, api.create(&PostParams::default(), &review))
            .await?;
        let st = r.status.unwrap_or_default();
        Ok((st.allowed, st.reason.unwrap_or_default()))
    }

    /// Whether the server serves this API group (`metrics.k8s.io`).
    pub async fn has_api_group(&self, group: &str) -> Result<bool> {
        let groups = self
            .call("list", "api groups", self.client.list_api_groups())
            .await?;
        Ok(groups.groups.iter().any(|g| g.name == group))
    }

    /// GET a path on the API server and return the body as text.
    pub async fn get_text(&self, what: &str, path: &str) -> Result<String> {
        let req = http::Request::get(path)
            .body(Vec::new())
            .expect("a GET request with a path is valid");
        self.call("get", what, self.no_retry.request_text(req))
            .await
    }

    /// CPU and memory of the pods matching `selector` in the namespace, from metrics-server
    /// (`metrics.k8s.io`). Containers are summed per pod.
    pub async fn pod_metrics(&self, selector: &str) -> Result<Vec<PodUsage>> {
        let path = format!(
            "/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods?labelSelector={}",
            self.namespace,
            url_escape(selector)
        );
        let text = self.get_text("pod metrics", &path).await?;
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let mut out = Vec::new();
        for item in v["items"].as_array().into_iter().flatten() {
            let mut u = PodUsage {
                pod: item["metadata"]["name"].as_str().unwrap_or_default().into(),
                ..Default::default()
            };
            for c in item["containers"].as_array().into_iter().flatten() {
                u.cpu_millis +=
                    millicores(c["usage"]["cpu"].as_str().unwrap_or("0")).unwrap_or(0.0);
                u.memory_bytes += bytes(c["usage"]["memory"].as_str().unwrap_or("0")).unwrap_or(0);
            }
            out.push(u);
        }
        Ok(out)
    }

    /// CPU and memory of the pods on `node` in the namespace, from the kubelet's summary API
    /// through the API server's node proxy.
    pub async fn node_summary_usage(&self, node: &str) -> Result<Vec<PodUsage>> {
        let path = format!("/api/v1/nodes/{node}/proxy/stats/summary");
        let text = self
            .get_text(&format!("node/{node} stats/summary"), &path)
            .await?;
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        Ok(v["pods"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["podRef"]["namespace"] == self.namespace.as_str())
            .map(|p| PodUsage {
                pod: p["podRef"]["name"].as_str().unwrap_or_default().into(),
                cpu_millis: p["cpu"]["usageNanoCores"].as_f64().unwrap_or(0.0) / 1e6,
                memory_bytes: p["memory"]["workingSetBytes"].as_u64().unwrap_or(0),
            })
            .collect())
    }

    /// What a pod serves on `port` (number or name) at `path`, through the API server's pod
    /// proxy.
    pub async fn pod_proxy_get(&self, pod: &str, port: &str, path: &str) -> Result<String> {
        let path = path.trim_start_matches('/');
        let url = format!(
            "/api/v1/namespaces/{}/pods/{pod}:{port}/proxy/{path}",
            self.namespace
        );
        self.get_text(&format!("pod/{pod} port {port} /{path}"), &url)
            .await
    }
}

/// Percent-encode a label selector for a query string.
pub fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_escaped() {
        assert_eq!(
            url_escape("app.kubernetes.io/instance=obi,a!=b"),
            "app.kubernetes.io%2Finstance%3Dobi%2Ca%21%3Db"
        );
    }
}
