//! `obi preflight`: can the agent run here, and may this user deploy it? Nodes (kernel, OS,
//! architecture), the namespace's Pod Security labels, every permission deploy needs
//! (SelfSubjectAccessReview), metrics-server.

use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::{Api, ListParams};
use serde::Serialize;

use super::{Mode, POD_SECURITY_ENFORCE};
use crate::error::{Error, Exit, Result};
use crate::render::labels;
use crate::runtime::kube::Kube;
use crate::runtime::kube::cluster::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Warning,
    Blocker,
}

/// One line of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `node`, `namespace`, `permission`, `cluster`.
    pub category: &'static str,
    pub name: String,
    pub status: CheckStatus,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreflightReport {
    pub namespace: String,
    pub checks: Vec<Check>,
    pub blockers: usize,
    pub warnings: usize,
    /// No blocker.
    pub ok: bool,
}

/// `5.15.0-1052-azure` → (5, 15).
pub fn kernel_version(s: &str) -> Option<(u32, u32)> {
    let mut it = s.split(|c: char| !c.is_ascii_digit());
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

/// RHEL and its rebuilds backport what OBI needs into 4.18.
fn is_rhel_family(os_image: &str) -> bool {
    let o = os_image.to_lowercase();
    [
        "red hat",
        "rhel",
        "rocky linux",
        "almalinux",
        "centos",
        "oracle linux",
    ]
    .iter()
    .any(|n| o.contains(n))
}

/// Whether OBI can run on a node with this nodeInfo.
pub fn node_check(node: &Node) -> Check {
    let name = node.metadata.name.clone().unwrap_or_default();
    let info = node.status.as_ref().and_then(|s| s.node_info.clone());
    let Some(info) = info else {
        return Check {
            category: "node",
            name,
            status: CheckStatus::Warning,
            detail: "the node reports no nodeInfo (kernel, OS, architecture unknown)".into(),
        };
    };
    let desc = format!(
        "kernel {}, {}, {}",
        info.kernel_version, info.os_image, info.architecture
    );
    if info.operating_system != "linux" {
        return Check {
            category: "node",
            name,
            status: CheckStatus::Ok,
            detail: format!(
                "{desc}: not Linux, so no agent runs here (deploy selects kubernetes.io/os=linux)"
            ),
        };
    }
    if !matches!(info.architecture.as_str(), "amd64" | "arm64") {
        return Check {
            category: "node",
            name,
            status: CheckStatus::Blocker,
            detail: format!("{desc}: OBI runs on amd64 and arm64 only"),
        };
    }
    match kernel_version(&info.kernel_version) {
        Some(v) if v >= (5, 8) => Check {
            category: "node",
            name,
            status: CheckStatus::Ok,
            detail: desc,
        },
        Some(v) if v >= (4, 18) && is_rhel_family(&info.os_image) => Check {
            category: "node",
            name,
            status: CheckStatus::Ok,
            detail: format!("{desc} (RHEL-family 4.18 has the backports OBI needs)"),
        },
        Some(_) => Check {
            category: "node",
            name,
            status: CheckStatus::Blocker,
            detail: format!("{desc}: OBI needs Linux 5.8 or later (RHEL-family 4.18)"),
        },
        None => Check {
            category: "node",
            name,
            status: CheckStatus::Warning,
            detail: format!("{desc}: cannot read the kernel version"),
        },
    }
}

/// What the namespace's Pod Security labels mean for the agent.
pub fn namespace_check(ns: &str, existing: Option<&Namespace>, create: bool) -> Check {
    let Some(n) = existing else {
        return Check {
            category: "namespace",
            name: ns.to_string(),
            status: if create {
                CheckStatus::Ok
            } else {
                CheckStatus::Blocker
            },
            detail: if create {
                format!("does not exist; deploy creates it with {POD_SECURITY_ENFORCE}=privileged")
            } else {
                "does not exist".into()
            },
        };
    };
    let labels = n.metadata.labels.clone().unwrap_or_default();
    let level = |mode: &str| {
        labels
            .get(&format!("pod-security.kubernetes.io/{mode}"))
            .cloned()
    };
    let fix = format!("kubectl label namespace {ns} {POD_SECURITY_ENFORCE}=privileged --overwrite");
    match level("enforce").as_deref() {
        Some(l @ ("restricted" | "baseline")) => Check {
            category: "namespace",
            name: ns.to_string(),
            status: CheckStatus::Blocker,
            detail: format!(
                "enforces Pod Security {l:?}, which refuses the agent's pods (hostPID, hostPath, capabilities); change the label {POD_SECURITY_ENFORCE} to privileged: {fix}"
            ),
        },
        _ => {
            let noisy: Vec<String> = ["warn", "audit"]
                .iter()
                .filter_map(|m| {
                    level(m)
                        .filter(|l| l == "restricted" || l == "baseline")
                        .map(|l| format!("{m}={l}"))
                })
                .collect();
            if noisy.is_empty() {
                Check {
                    category: "namespace",
                    name: ns.to_string(),
                    status: CheckStatus::Ok,
                    detail: format!(
                        "Pod Security enforce={}",
                        level("enforce").unwrap_or_else(|| "privileged (unset)".into())
                    ),
                }
            } else {
                Check {
                    category: "namespace",
                    name: ns.to_string(),
                    status: CheckStatus::Warning,
                    detail: format!(
                        "Pod Security {} will warn about every agent pod",
                        noisy.join(", ")
                    ),
                }
            }
        }
    }
}

/// Every permission `obi deploy` (and undeploy, status, logs) needs. `applies_namespace`:
/// deploy applies the Namespace (it is absent, or b00t's own from an earlier deploy).
pub fn permissions(ns: &str, mode: &Mode, applies_namespace: bool) -> Vec<Permission> {
    let nsd = |verb, group, resource| Permission {
        verb,
        group,
        resource,
        namespace: Some(ns.to_string()),
    };
    let cluster = |verb, group, resource| Permission {
        verb,
        group,
        resource,
        namespace: None,
    };
    let mut out = Vec::new();
    match mode {
        Mode::DaemonSet => {
            if applies_namespace {
                out.push(cluster("patch", "", "namespaces"));
            }
            for (g, r) in [
                ("", "serviceaccounts"),
                ("", "configmaps"),
                ("", "secrets"),
                ("apps", "daemonsets"),
            ] {
                out.push(nsd("get", g, r));
                out.push(nsd("patch", g, r));
                out.push(nsd("delete", g, r));
            }
            for r in ["clusterroles", "clusterrolebindings"] {
                out.push(cluster("get", "rbac.authorization.k8s.io", r));
                out.push(cluster("patch", "rbac.authorization.k8s.io", r));
                out.push(cluster("delete", "rbac.authorization.k8s.io", r));
            }
            // RBAC lets a user grant only what they hold themselves.
            for (g, r) in [
                ("", "pods"),
                ("", "services"),
                ("", "nodes"),
                ("apps", "replicasets"),
            ] {
                for verb in ["get", "list", "watch"] {
                    out.push(cluster(verb, g, r));
                }
            }
        }
        Mode::Sidecar { .. } => {
            out.push(nsd("get", "apps", "deployments"));
            out.push(nsd("patch", "apps", "deployments"));
            out.push(nsd("get", "", "configmaps"));
            out.push(nsd("patch", "", "configmaps"));
            out.push(nsd("delete", "", "configmaps"));
        }
    }
    out.push(nsd("list", "", "pods"));
    out.push(nsd("get", "", "pods/log"));
    out
}

/// Run every check.
pub async fn preflight(kube: &Kube, mode: &Mode) -> Result<PreflightReport> {
    let ns = kube.namespace.clone();
    let mut checks = Vec::new();

    let nodes: Api<Node> = Api::all(kube.client.clone());
    match kube
        .call("list", "nodes", nodes.list(&ListParams::default()))
        .await
    {
        Ok(list) => {
            if list.items.is_empty() {
                checks.push(Check {
                    category: "node",
                    name: "-".into(),
                    status: CheckStatus::Blocker,
                    detail: "the cluster has no nodes".into(),
                });
            }
            checks.extend(list.items.iter().map(node_check));
        }
        Err(crate::runtime::kube::KubeError::Api {
            code: 403, message, ..
        }) => checks.push(Check {
            category: "node",
            name: "-".into(),
            status: CheckStatus::Warning,
            detail: format!("cannot list nodes to check kernels: {message}"),
        }),
        Err(e) => return Err(e.into()),
    }

    let namespaces: Api<Namespace> = Api::all(kube.client.clone());
    let existing = match kube
        .call_opt("get", &format!("namespace/{ns}"), namespaces.get(&ns))
        .await
    {
        Ok(n) => Some(n),
        Err(crate::runtime::kube::KubeError::Api {
            code: 403, message, ..
        }) => {
            checks.push(Check {
                category: "namespace",
                name: ns.clone(),
                status: CheckStatus::Warning,
                detail: format!("cannot read the namespace's Pod Security labels: {message}"),
            });
            None
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(existing) = &existing {
        let create = matches!(mode, Mode::DaemonSet);
        checks.push(namespace_check(&ns, existing.as_ref(), create));
    }
    // Deploy applies the namespace when it is absent, and again when it is b00t's own.
    let applies_namespace = match &existing {
        Some(None) => true,
        Some(Some(n)) => {
            n.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(labels::MANAGED_BY))
                .map(String::as_str)
                == Some(labels::B00T)
        }
        None => false,
    };

    let perms = permissions(&ns, mode, applies_namespace);
    let reviews = futures::future::join_all(perms.iter().map(|p| kube.access_review(p))).await;
    for (p, r) in perms.iter().zip(reviews) {
        let (allowed, reason) = r?;
        checks.push(Check {
            category: "permission",
            name: p.display(),
            status: if allowed {
                CheckStatus::Ok
            } else {
                CheckStatus::Blocker
            },
            detail: if allowed {
                "allowed".into()
            } else if reason.is_empty() {
                "denied".into()
            } else {
                format!("denied: {reason}")
            },
        });
    }

    let metrics = kube.has_api_group("metrics.k8s.io").await?;
    checks.push(Check {
        category: "cluster",
        name: "metrics-server".into(),
        status: if metrics {
            CheckStatus::Ok
        } else {
            CheckStatus::Warning
        },
        detail: if metrics {
            "metrics.k8s.io is served".into()
        } else {
            "metrics.k8s.io is not served; obi status reads CPU and memory from the kubelets instead"
                .into()
        },
    });

    let blockers = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Blocker)
        .count();
    let warnings = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Warning)
        .count();
    Ok(PreflightReport {
        namespace: ns,
        checks,
        blockers,
        warnings,
        ok: blockers == 0,
    })
}

impl PreflightReport {
    /// Exit 1 on a blocker, naming the first: preflight is a check for scripts.
    pub fn result(&self) -> Result<()> {
        let r = self;
        match r.checks.iter().find(|c| c.status == CheckStatus::Blocker) {
            None => Ok(()),
            Some(c) => Err(Error::msg(
                Exit::Failed,
                format!(
                    "preflight found {} blocker(s); first: {} {}: {}",
                    r.blockers, c.category, c.name, c.detail
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{NodeStatus, NodeSystemInfo};

    fn node(kernel: &str, os: &str, arch: &str, sys: &str) -> Node {
        Node {
            metadata: kube::api::ObjectMeta {
                name: Some("n1".into()),
                ..Default::default()
            },
            status: Some(NodeStatus {
                node_info: Some(NodeSystemInfo {
                    kernel_version: kernel.into(),
                    os_image: os.into(),
                    architecture: arch.into(),
                    operating_system: sys.into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn kernels_architectures_and_rhel() {
        let ok = |k, os, a| node_check(&node(k, os, a, "linux")).status;
        assert_eq!(
            ok("6.1.0-18-amd64", "Debian GNU/Linux 12", "amd64"),
            CheckStatus::Ok
        );
        assert_eq!(ok("5.8.0", "Ubuntu", "arm64"), CheckStatus::Ok);
        assert_eq!(
            ok("5.4.0-42", "Ubuntu 20.04", "amd64"),
            CheckStatus::Blocker
        );
        assert_eq!(
            ok(
                "4.18.0-513.el8.x86_64",
                "Red Hat Enterprise Linux 8.9",
                "amd64"
            ),
            CheckStatus::Ok
        );
        assert_eq!(ok("4.18.0", "Ubuntu 18.04", "amd64"), CheckStatus::Blocker);
        assert_eq!(ok("6.1.0", "Debian", "s390x"), CheckStatus::Blocker);
        assert_eq!(ok("garbage", "Debian", "amd64"), CheckStatus::Warning);
        assert_eq!(
            node_check(&node(
                "10.0.20348",
                "Windows Server 2022",
                "amd64",
                "windows"
            ))
            .status,
            CheckStatus::Ok
        );
        assert_eq!(kernel_version("5.15.0-1052-azure"), Some((5, 15)));
    }

    #[test]
    fn pod_security_labels() {
        let ns = |labels: &[(&str, &str)]| Namespace {
            metadata: kube::api::ObjectMeta {
                name: Some("observability".into()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            },
            ..Default::default()
        };
        let c = namespace_check(
            "observability",
            Some(&ns(&[(POD_SECURITY_ENFORCE, "restricted")])),
            true,
        );
        assert_eq!(c.status, CheckStatus::Blocker);
        assert!(
            c.detail.contains("pod-security.kubernetes.io/enforce"),
            "{}",
            c.detail
        );
        assert!(c.detail.contains("privileged"), "{}", c.detail);
        let c = namespace_check(
            "observability",
            Some(&ns(&[(POD_SECURITY_ENFORCE, "baseline")])),
            true,
        );
        assert_eq!(c.status, CheckStatus::Blocker);
        let c = namespace_check(
            "observability",
            Some(&ns(&[("pod-security.kubernetes.io/warn", "restricted")])),
            true,
        );
        assert_eq!(c.status, CheckStatus::Warning);
        assert_eq!(namespace_check("x", None, true).status, CheckStatus::Ok);
        assert_eq!(
            namespace_check("x", None, false).status,
            CheckStatus::Blocker
        );
    }

    #[test]
    fn daemonset_mode_needs_cluster_rbac_and_the_granted_reads() {
        let p = permissions("observability", &Mode::DaemonSet, true);
        let has = |verb: &str, res: &str| p.iter().any(|x| x.verb == verb && x.resource == res);
        assert!(has("patch", "namespaces"));
        assert!(has("patch", "clusterroles"));
        assert!(has("patch", "clusterrolebindings"));
        assert!(has("watch", "replicasets"));
        assert!(has("patch", "daemonsets"));
        let p = permissions("observability", &Mode::DaemonSet, false);
        assert!(!p.iter().any(|x| x.resource == "namespaces"));
        let p = permissions(
            "apps",
            &Mode::Sidecar {
                target: "web".into(),
            },
            false,
        );
        assert!(
            p.iter()
                .any(|x| x.verb == "patch" && x.resource == "deployments")
        );
        assert!(!p.iter().any(|x| x.resource == "clusterroles"));
    }
}
