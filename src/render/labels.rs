//! The labels and annotations b00t puts on everything it creates (DESIGN.md §3), and the
//! selectors that find them again. Lists and deletes select by these, so nothing foreign is
//! ever touched.

use std::collections::BTreeMap;

use crate::workload::{Component, Workload};

pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const NAME: &str = "app.kubernetes.io/name";
pub const INSTANCE: &str = "app.kubernetes.io/instance";
pub const COMPONENT: &str = "app.kubernetes.io/component";
pub const PART_OF: &str = "app.kubernetes.io/part-of";
pub const TYPE: &str = "b00t.elastic.ventures/type";
/// Annotation: where the workload came from (datum path, compose file).
pub const SOURCE: &str = "b00t.elastic.ventures/source";
/// Pod-template annotation: digest of the Secret/ConfigMap data the pods read, so a change rolls
/// the pods.
pub const CONFIG_HASH: &str = "b00t.elastic.ventures/config-hash";
/// Pod-template annotation of a Deployment that carries the OBI sidecar: digest of the sidecar's
/// config. Apart from [`CONFIG_HASH`] because another field manager owns it (the sidecar's), so
/// removing the sidecar never touches the workload's own digest.
pub const OBI_CONFIG_HASH: &str = "b00t.elastic.ventures/obi-config-hash";
/// Label on cluster-scoped objects that belong to a namespaced install (the OBI ClusterRole and
/// ClusterRoleBinding): the namespace of that install, so that removing one install selects
/// only its own cluster-scoped objects.
pub const OWNER_NAMESPACE: &str = "b00t.elastic.ventures/namespace";
/// Pod-template annotation kubectl uses for `rollout restart`; we use the same one.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// The value of [`MANAGED_BY`].
pub const B00T: &str = "b00t";

/// Every label on a workload's objects and pods.
pub fn for_workload(w: &Workload) -> BTreeMap<String, String> {
    let mut l = w.labels.clone();
    l.insert(MANAGED_BY.into(), B00T.into());
    l.insert(NAME.into(), w.app.clone());
    l.insert(INSTANCE.into(), w.name.clone());
    l.insert(COMPONENT.into(), w.component.label().into());
    l.insert(TYPE.into(), w.component.label().into());
    l
}

/// Labels on objects shared by several workloads of one app (PVCs, config data).
pub fn shared(app: &str, instance: &str, component: Component) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY.to_string(), B00T.to_string()),
        (NAME.to_string(), app.to_string()),
        (INSTANCE.to_string(), instance.to_string()),
        (PART_OF.to_string(), app.to_string()),
        (COMPONENT.to_string(), component.label().to_string()),
        (TYPE.to_string(), component.label().to_string()),
    ])
}

/// Every label on the OBI agent's objects: name and component `obi`, the given instance (`obi`
/// for the DaemonSet install, `<deployment>-obi` for a sidecar's objects).
pub fn for_obi(instance: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY.to_string(), B00T.to_string()),
        (NAME.to_string(), "obi".to_string()),
        (INSTANCE.to_string(), instance.to_string()),
        (COMPONENT.to_string(), Component::Obi.label().to_string()),
        (TYPE.to_string(), Component::Obi.label().to_string()),
    ])
}

/// The (immutable) Deployment/DaemonSet selector and Service selector.
pub fn selector_labels(w: &Workload) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY.to_string(), B00T.to_string()),
        (INSTANCE.to_string(), w.name.clone()),
    ])
}

/// Label selector string for everything b00t manages.
pub fn selector_managed() -> String {
    format!("{MANAGED_BY}={B00T}")
}

/// Label selector string for one instance.
pub fn selector_for_instance(instance: &str) -> String {
    format!("{MANAGED_BY}={B00T},{INSTANCE}={instance}")
}

/// Map the `--type` short names to the label value.
pub fn type_label(short: &str) -> Option<&'static str> {
    match short {
        "mcp" | "mcp-server" => Some(Component::McpServer.label()),
        "app" => Some(Component::App.label()),
        "obi" => Some(Component::Obi.label()),
        _ => None,
    }
}
