//! Defaulting the API server applies on every write (the subset for the types we serve).

use serde_json::{Map, Value, json};

use super::registry::Res;
use super::store::State;
use super::util::{base64_encode, obj_mut};

fn default(m: &mut Map<String, Value>, k: &str, v: Value) {
    m.entry(k.to_string()).or_insert(v);
}

fn default_container(c: &mut Value) {
    let Some(m) = c.as_object_mut() else { return };
    let image = m
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let last = image.rsplit('/').next().unwrap_or("");
    let tag = if last.contains('@') {
        Some("digest")
    } else {
        last.split_once(':').map(|(_, t)| t)
    };
    let policy = match tag {
        None | Some("latest") => "Always",
        _ => "IfNotPresent",
    };
    default(m, "imagePullPolicy", json!(policy));
    default(m, "terminationMessagePath", json!("/dev/termination-log"));
    default(m, "terminationMessagePolicy", json!("File"));
    default(m, "resources", json!({}));
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            default(p, "protocol", json!("TCP"));
        }
    }
    // Requests default to limits when only limits are given.
    if let Some(res) = m.get_mut("resources").and_then(Value::as_object_mut)
        && let Some(limits) = res.get("limits").cloned()
    {
        let req = res.entry("requests").or_insert(json!({}));
        if let (Some(req), Some(limits)) = (req.as_object_mut(), limits.as_object()) {
            for (k, v) in limits {
                default(req, k, v.clone());
            }
        }
    }
}

pub fn pod_spec(spec: &mut Value) {
    let Some(m) = spec.as_object_mut() else {
        return;
    };
    default(m, "restartPolicy", json!("Always"));
    default(m, "dnsPolicy", json!("ClusterFirst"));
    default(m, "schedulerName", json!("default-scheduler"));
    default(m, "terminationGracePeriodSeconds", json!(30));
    default(m, "securityContext", json!({}));
    for key in ["containers", "initContainers"] {
        if let Some(cs) = m.get_mut(key).and_then(Value::as_array_mut) {
            cs.iter_mut().for_each(default_container);
        }
    }
}

fn template(obj: &mut Value) {
    if let Some(spec) = obj.pointer_mut("/spec/template/spec") {
        pod_spec(spec);
    }
    // Go's zero metav1.Time: templates always show `creationTimestamp: null` (v1.33).
    if obj.pointer("/spec/template").is_some() {
        obj_mut(obj, &["spec", "template", "metadata"])
            .insert("creationTimestamp".into(), Value::Null);
    }
}

/// Apply defaults to `obj` (`old` is the stored object on updates).
pub fn apply(st: &mut State, res: &Res, obj: &mut Value, old: Option<&Value>) {
    match res.plural {
        "pods" => {
            if let Some(spec) = obj.get_mut("spec") {
                pod_spec(spec);
                let m = spec.as_object_mut().expect("object");
                default(m, "serviceAccountName", json!("default"));
                default(m, "serviceAccount", json!("default"));
                default(m, "enableServiceLinks", json!(true));
                default(m, "preemptionPolicy", json!("PreemptLowerPriority"));
                default(m, "priority", json!(0));
                default(
                    m,
                    "tolerations",
                    json!([
                        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                    ]),
                );
            }
            if old.is_none() {
                let status = obj_mut(obj, &["status"]);
                default(status, "phase", json!("Pending"));
                default(status, "qosClass", json!("BestEffort"));
            }
        }
        "deployments" => {
            let spec = obj_mut(obj, &["spec"]);
            default(spec, "replicas", json!(1));
            default(spec, "revisionHistoryLimit", json!(10));
            default(spec, "progressDeadlineSeconds", json!(600));
            let strategy = spec.entry("strategy").or_insert(json!({}));
            if let Some(s) = strategy.as_object_mut() {
                default(s, "type", json!("RollingUpdate"));
                if s["type"] == "RollingUpdate" {
                    let ru = s.entry("rollingUpdate").or_insert(json!({}));
                    if let Some(ru) = ru.as_object_mut() {
                        default(ru, "maxSurge", json!("25%"));
                        default(ru, "maxUnavailable", json!("25%"));
                    }
                }
            }
            template(obj);
        }
        "statefulsets" => {
            let spec = obj_mut(obj, &["spec"]);
            default(spec, "replicas", json!(1));
            default(spec, "revisionHistoryLimit", json!(10));
            default(spec, "podManagementPolicy", json!("OrderedReady"));
            default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
            default(
                spec,
                "persistentVolumeClaimRetentionPolicy",
                json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
            );
            if let Some(ts) = spec
                .get_mut("volumeClaimTemplates")
                .and_then(Value::as_array_mut)
            {
                for t in ts {
                    default(obj_mut(t, &["spec"]), "volumeMode", json!("Filesystem"));
                    default(obj_mut(t, &["status"]), "phase", json!("Pending"));
                }
            }
            template(obj);
        }
        "cronjobs" => {
            let spec = obj_mut(obj, &["spec"]);
            default(spec, "concurrencyPolicy", json!("Allow"));
            default(spec, "suspend", json!(false));
            default(spec, "successfulJobsHistoryLimit", json!(3));
            default(spec, "failedJobsHistoryLimit", json!(1));
            if let Some(ps) = obj.pointer_mut("/spec/jobTemplate/spec/template/spec") {
                pod_spec(ps);
            }
        }
        "replicasets" => {
            default(obj_mut(obj, &["spec"]), "replicas", json!(1));
            template(obj);
        }
        "daemonsets" => {
            let spec = obj_mut(obj, &["spec"]);
            default(spec, "revisionHistoryLimit", json!(10));
            let strategy = spec.entry("updateStrategy").or_insert(json!({}));
            if let Some(s) = strategy.as_object_mut() {
                default(s, "type", json!("RollingUpdate"));
                if s["type"] == "RollingUpdate" {
                    let ru = s.entry("rollingUpdate").or_insert(json!({}));
                    if let Some(ru) = ru.as_object_mut() {
                        default(ru, "maxUnavailable", json!(1));
                        default(ru, "maxSurge", json!(0));
                    }
                }
            }
            template(obj);
            // spec.templateGeneration of extensions/v1beta1, kept as an annotation: it moves
            // only when the pod template changes.
            let generation = match old {
                None => 1,
                Some(o) => {
                    let prev: i64 = o
                        .pointer("/metadata/annotations/deprecated.daemonset.template.generation")
                        .and_then(Value::as_str)
                        .and_then(|g| g.parse().ok())
                        .unwrap_or(1);
                    if o.pointer("/spec/template") != obj.pointer("/spec/template") {
                        prev + 1
                    } else {
                        prev
                    }
                }
            };
            obj_mut(obj, &["metadata", "annotations"]).insert(
                "deprecated.daemonset.template.generation".into(),
                json!(generation.to_string()),
            );
        }
        "services" => {
            let old_ip = old.and_then(|o| o.pointer("/spec/clusterIP")).cloned();
            let spec = obj_mut(obj, &["spec"]);
            default(spec, "type", json!("ClusterIP"));
            default(spec, "sessionAffinity", json!("None"));
            default(spec, "internalTrafficPolicy", json!("Cluster"));
            default(spec, "ipFamilyPolicy", json!("SingleStack"));
            default(spec, "ipFamilies", json!(["IPv4"]));
            if !spec.contains_key("clusterIP") {
                let ip = match old_ip {
                    Some(ip) => ip,
                    None => {
                        st.next_service_ip += 1;
                        let n = st.next_service_ip;
                        json!(format!("10.96.{}.{}", n / 250, n % 250 + 2))
                    }
                };
                spec.insert("clusterIP".into(), ip);
            }
            let ip = spec["clusterIP"].clone();
            default(spec, "clusterIPs", json!([ip]));
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                    default(p, "protocol", json!("TCP"));
                    let port = p.get("port").cloned().unwrap_or(Value::Null);
                    default(p, "targetPort", port);
                }
            }
            if old.is_none() {
                obj_mut(obj, &["status"]).insert("loadBalancer".into(), json!({}));
            }
        }
        "secrets" => {
            let m = obj.as_object_mut().expect("object");
            default(m, "type", json!("Opaque"));
            if let Some(Value::Object(sd)) = m.remove("stringData") {
                let data = m.entry("data").or_insert(json!({}));
                if let Some(data) = data.as_object_mut() {
                    for (k, v) in sd {
                        data.insert(k, json!(base64_encode(v.as_str().unwrap_or("").as_bytes())));
                    }
                }
            }
        }
        "namespaces" => {
            let name = super::util::name_of(obj).to_string();
            obj_mut(obj, &["metadata", "labels"])
                .insert("kubernetes.io/metadata.name".into(), json!(name));
            default(obj_mut(obj, &["spec"]), "finalizers", json!(["kubernetes"]));
            default(obj_mut(obj, &["status"]), "phase", json!("Active"));
        }
        "persistentvolumeclaims" => {
            // The DefaultStorageClass admission plugin: a new claim naming no class gets the
            // default one, if the cluster has one.
            if old.is_none()
                && obj
                    .pointer("/spec/storageClassName")
                    .is_none_or(Value::is_null)
                && let Some(class) = super::storage::default_class(st)
            {
                obj_mut(obj, &["spec"]).insert("storageClassName".into(), json!(class));
            }
            default(obj_mut(obj, &["spec"]), "volumeMode", json!("Filesystem"));
            default(obj_mut(obj, &["status"]), "phase", json!("Pending"));
        }
        _ => {}
    }
}
