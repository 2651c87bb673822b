//! The validator against objects that break each rule, one rule at a time, starting from a
//! rendered bundle that passes.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::*;
use crate::render::{RenderOptions, bundle_objects};
use crate::workload::{
    AccessMode, Bundle, Claim, Container, DataObject, EnvVar, KeyToPath, Mount, Port, Protocol,
    Resources, Volume, VolumeSource, Workload,
};

fn bundle() -> Bundle {
    let web = Workload {
        name: "web".into(),
        app: "shop".into(),
        reachable_by_name: true,
        containers: vec![Container {
            name: "web".into(),
            image: "nginx:1.25".into(),
            env: vec![EnvVar::new("MODE", "x"), EnvVar::new("API_KEY", "k")],
            ports: vec![
                Port {
                    container_port: 80,
                    protocol: Protocol::Tcp,
                    name: Some("http".into()),
                    service_port: Some(8080),
                },
                Port {
                    container_port: 53,
                    protocol: Protocol::Udp,
                    name: None,
                    service_port: Some(53),
                },
            ],
            resources: Resources {
                requests_cpu: Some("100m".into()),
                requests_memory: Some("128Mi".into()),
                limits_cpu: Some("1".into()),
                limits_memory: Some("1Gi".into()),
                ..Default::default()
            },
            mounts: vec![
                Mount {
                    volume: "site".into(),
                    mount_path: "/etc/site".into(),
                    read_only: true,
                    sub_path: None,
                },
                Mount {
                    volume: "data".into(),
                    mount_path: "/data".into(),
                    read_only: false,
                    sub_path: Some("web".into()),
                },
            ],
            ..Default::default()
        }],
        volumes: vec![
            Volume {
                name: "site".into(),
                source: VolumeSource::ConfigMap {
                    name: "site".into(),
                    items: vec![KeyToPath {
                        key: "site".into(),
                        path: "site.conf".into(),
                        mode: Some(0o644),
                    }],
                },
            },
            Volume {
                name: "data".into(),
                source: VolumeSource::Claim {
                    claim: "data".into(),
                    read_only: false,
                },
            },
        ],
        ..Default::default()
    };
    let db = Workload {
        name: "db".into(),
        app: "shop".into(),
        reachable_by_name: true,
        containers: vec![Container {
            name: "db".into(),
            image: "postgres:16".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    Bundle {
        workloads: vec![web, db],
        claims: vec![Claim {
            name: "data".into(),
            size: "1Gi".into(),
            storage_class: None,
            access_mode: AccessMode::ReadWriteOnce,
        }],
        data: vec![DataObject {
            name: "site".into(),
            secret: false,
            data: BTreeMap::from([("site".to_string(), "server {}".to_string())]),
        }],
        warnings: vec![],
    }
}

fn objects() -> Vec<Object> {
    bundle_objects(&bundle(), &RenderOptions::default())
}

/// The violations after `f` changed the objects; the unchanged bundle has none.
fn broken(f: impl FnOnce(&mut Vec<Object>)) -> Vec<Violation> {
    let mut objs = objects();
    f(&mut objs);
    violations(&objs)
}

/// Exactly one violation, on `field` of `kind`, with `msg` in its message.
#[track_caller]
fn assert_one(v: &[Violation], kind: &str, field: &str, msg: &str) {
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(
        (v[0].kind.as_str(), v[0].field.as_str()),
        (kind, field),
        "{v:#?}"
    );
    assert!(
        v[0].message.contains(msg),
        "{:?} lacks {msg:?}",
        v[0].message
    );
}

fn deployment<'a>(
    objs: &'a mut [Object],
    name: &str,
) -> &'a mut k8s_openapi::api::apps::v1::Deployment {
    objs.iter_mut()
        .find_map(|o| match o {
            Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => Some(d),
            _ => None,
        })
        .expect("deployment")
}

fn pod_spec<'a>(objs: &'a mut [Object], name: &str) -> &'a mut core::PodSpec {
    deployment(objs, name)
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
}

fn web(objs: &mut [Object]) -> &mut core::Container {
    &mut pod_spec(objs, "web").containers[0]
}

/// The ports of Service web.
fn web_ports(objs: &mut [Object]) -> &mut Vec<core::ServicePort> {
    service(objs, "web")
        .spec
        .as_mut()
        .unwrap()
        .ports
        .as_mut()
        .unwrap()
}

/// The web pod's ConfigMap volume `site`, and its one item.
fn site_volume(objs: &mut [Object]) -> &mut core::ConfigMapVolumeSource {
    pod_spec(objs, "web").volumes.as_mut().unwrap()[0]
        .config_map
        .as_mut()
        .unwrap()
}

fn site_item(objs: &mut [Object]) -> &mut core::KeyToPath {
    &mut site_volume(objs).items.as_mut().unwrap()[0]
}

fn service<'a>(objs: &'a mut [Object], name: &str) -> &'a mut core::Service {
    objs.iter_mut()
        .find_map(|o| match o {
            Object::Service(s) if s.metadata.name.as_deref() == Some(name) => Some(s),
            _ => None,
        })
        .expect("service")
}

#[test]
fn a_rendered_bundle_passes_and_has_a_headless_service_for_the_portless_workload() {
    let objs = objects();
    assert_eq!(violations(&objs), vec![]);
    assert!(validate(&objs).is_ok());
    let mut objs = objs;
    let db = service(&mut objs, "db").spec.clone().unwrap();
    assert_eq!(db.cluster_ip.as_deref(), Some("None"));
    assert_eq!(db.ports, None);
    assert!(db.selector.is_some());
}

#[test]
fn object_names_follow_the_rule_of_their_kind() {
    // A Deployment name may be a subdomain; a Service name must be a DNS-1035 label.
    let v = broken(|o| deployment(o, "db").metadata.name = Some("db.v1".into()));
    assert_eq!(v, vec![]);
    let v = broken(|o| service(o, "db").metadata.name = Some("1db".into()));
    assert_one(&v, "Service", "metadata.name", "not a DNS-1035 label");
    let v = broken(|o| deployment(o, "db").metadata.name = Some("Db".into()));
    assert_one(&v, "Deployment", "metadata.name", "DNS-1123 subdomain");
    let v = broken(|o| deployment(o, "db").metadata.name = Some("a".repeat(254)));
    assert_one(&v, "Deployment", "metadata.name", "DNS-1123 subdomain");
    let v = broken(|o| deployment(o, "db").metadata.name = None);
    assert_one(&v, "Deployment", "metadata.name", "required");
    let v = broken(|o| deployment(o, "db").metadata.namespace = Some("a.b".into()));
    assert_one(&v, "Deployment", "metadata.namespace", "DNS-1123 label");
}

#[test]
fn label_keys_and_values() {
    let v = broken(|o| {
        let l = deployment(o, "db").metadata.labels.as_mut().unwrap();
        l.insert("bad key".into(), "x".into());
    });
    assert_one(&v, "Deployment", "metadata.labels", "not a qualified name");
    let v = broken(|o| {
        let l = deployment(o, "db").metadata.labels.as_mut().unwrap();
        l.insert("ok".into(), "x".repeat(64));
    });
    assert_one(
        &v,
        "Deployment",
        "metadata.labels",
        "not a valid label value",
    );
    let v = broken(|o| {
        let l = deployment(o, "db").metadata.labels.as_mut().unwrap();
        l.insert("Example.COM/x".into(), "-x".into());
    });
    assert_eq!(v.len(), 2, "{v:#?}");
    let v = broken(|o| {
        deployment(o, "db").metadata.annotations =
            Some(BTreeMap::from([("a/b/c".to_string(), "x".to_string())]));
    });
    assert_one(&v, "Deployment", "metadata.annotations", "qualified name");
    let v = broken(|o| {
        deployment(o, "db").metadata.annotations = Some(BTreeMap::from([(
            "big".to_string(),
            "x".repeat(MAX_ANNOTATION_BYTES),
        )]));
    });
    assert_one(&v, "Deployment", "metadata.annotations", "over the limit");
}

#[test]
fn selector_must_match_the_template() {
    let v = broken(|o| {
        let s = deployment(o, "db").spec.as_mut().unwrap();
        s.selector
            .match_labels
            .as_mut()
            .unwrap()
            .insert("x".into(), "y".into());
    });
    assert_one(
        &v,
        "Deployment",
        "spec.template.metadata.labels",
        "does not match",
    );
    let v = broken(|o| {
        deployment(o, "db")
            .spec
            .as_mut()
            .unwrap()
            .selector
            .match_labels = None
    });
    assert_one(&v, "Deployment", "spec.selector", "empty selector");
}

#[test]
fn env_names() {
    for bad in ["1", "DEBUG ", "A=B", "", "ä"] {
        let v = broken(|o| web(o).env.as_mut().unwrap()[0].name = bad.into());
        assert!(
            v.iter()
                .any(|v| v.field == "spec.template.spec.containers[0].env[0].name"),
            "{bad:?}: {v:#?}"
        );
    }
    for good in ["_x", "a.b-c", "-x", ".X1"] {
        let v = broken(|o| web(o).env.as_mut().unwrap()[1].name = good.into());
        assert_eq!(v, vec![], "{good:?}");
    }
}

#[test]
fn container_ports_and_names() {
    let v = broken(|o| web(o).ports.as_mut().unwrap()[0].container_port = 0);
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].ports[0].containerPort",
        "between 1 and 65535",
    );
    let v = broken(|o| web(o).ports.as_mut().unwrap()[0].container_port = 65536);
    assert_eq!(v.len(), 1, "{v:#?}");
    let v =
        broken(|o| web(o).ports.as_mut().unwrap()[0].name = Some("a-very-long-port-name".into()));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].ports[0].name",
        "no more than 15",
    );
    let v = broken(|o| web(o).ports.as_mut().unwrap()[0].name = Some("8080".into()));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].ports[0].name",
        "at least one letter",
    );
    let v = broken(|o| web(o).ports.as_mut().unwrap()[1].name = Some("http".into()));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].ports[1].name",
        "duplicate",
    );
    let v = broken(|o| web(o).ports.as_mut().unwrap()[1].protocol = Some("ICMP".into()));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].ports[1].protocol",
        "unsupported",
    );
}

#[test]
fn service_ports() {
    let v = broken(|o| web_ports(o)[0].port = 0);
    assert_one(&v, "Service", "spec.ports[0].port", "between 1 and 65535");
    let v = broken(|o| web_ports(o)[0].name = None);
    assert_one(&v, "Service", "spec.ports[0].name", "more than one port");
    let v = broken(|o| {
        let p = web_ports(o);
        p[1].name = p[0].name.clone();
    });
    assert_one(&v, "Service", "spec.ports[1].name", "duplicate");
    // Only a headless Service may have no ports.
    let v = broken(|o| service(o, "web").spec.as_mut().unwrap().ports = None);
    assert_one(&v, "Service", "spec.ports", "required");
    let v = broken(|o| service(o, "db").spec.as_mut().unwrap().cluster_ip = None);
    assert_one(&v, "Service", "spec.ports", "required");
    let v = broken(|o| service(o, "db").spec.as_mut().unwrap().type_ = Some("NodePort".into()));
    assert_one(
        &v,
        "Service",
        "spec.clusterIP",
        "only valid with type ClusterIP",
    );
}

#[test]
fn volumes_mounts_and_modes() {
    let v = broken(|o| pod_spec(o, "web").volumes.as_mut().unwrap()[0].name = "Site".into());
    // The volume is misnamed, and the mount now points at nothing.
    assert_eq!(v.len(), 2, "{v:#?}");
    assert_eq!(v[0].field, "spec.template.spec.volumes[0].name");
    assert!(v[1].message.contains("no volume \"site\""), "{v:#?}");
    let v = broken(|o| {
        let vols = pod_spec(o, "web").volumes.as_mut().unwrap();
        vols[1].name = "site".into();
    });
    assert!(
        v.iter().any(|v| v.message.contains("duplicate volume")),
        "{v:#?}"
    );
    for (mode, ok) in [
        (0o777, true),
        (0, true),
        (0o1777, false),
        (644, false),
        (-1, false),
    ] {
        let v = broken(|o| site_item(o).mode = Some(mode));
        if ok {
            assert_eq!(v, vec![], "{mode:o}");
        } else {
            assert_one(
                &v,
                "Deployment",
                "spec.template.spec.volumes[0].configMap.items[0].mode",
                "between 0 and 0777",
            );
        }
    }
    let v = broken(|o| site_volume(o).default_mode = Some(0o4755));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.volumes[0].configMap.defaultMode",
        "0777",
    );
    let v = broken(|o| site_item(o).path = "../x".into());
    assert_eq!(v.len(), 1, "{v:#?}");
    let v = broken(|o| web(o).volume_mounts.as_mut().unwrap()[1].mount_path = "/etc/site".into());
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].volumeMounts[1].mountPath",
        "mounted twice",
    );
    let v = broken(|o| web(o).volume_mounts.as_mut().unwrap()[1].sub_path = Some("/abs".into()));
    assert_eq!(v.len(), 1, "{v:#?}");
}

#[test]
fn resources_parse_and_requests_stay_under_limits() {
    let set = |o: &mut Vec<Object>, part: &str, k: &str, q: &str| {
        let r = web(o).resources.as_mut().unwrap();
        let m = if part == "requests" {
            r.requests.as_mut().unwrap()
        } else {
            r.limits.as_mut().unwrap()
        };
        m.insert(k.into(), Quantity(q.into()));
    };
    let v = broken(|o| set(o, "requests", "memory", "2Gi"));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].resources.requests.memory",
        "less than or equal to the memory limit of \"1Gi\"",
    );
    let v = broken(|o| set(o, "requests", "cpu", "1500m"));
    assert_eq!(v.len(), 1, "{v:#?}");
    let v = broken(|o| set(o, "limits", "memory", "10485760e3"));
    assert_eq!(v, vec![], "10485760e3 is a (clumsy) quantity");
    for bad in ["1 Gi", "1GB", "", "x", "1.2.3"] {
        let v = broken(|o| set(o, "limits", "memory", bad));
        assert_one(
            &v,
            "Deployment",
            "spec.template.spec.containers[0].resources.limits.memory",
            "not a quantity",
        );
    }
    let v = broken(|o| set(o, "requests", "cpu", "-1"));
    assert_eq!(v.len(), 1, "{v:#?}");
}

#[test]
fn replicas_user_ids_and_grace_period() {
    let v = broken(|o| deployment(o, "db").spec.as_mut().unwrap().replicas = Some(-1));
    assert_one(
        &v,
        "Deployment",
        "spec.replicas",
        "greater than or equal to 0",
    );
    let v = broken(|o| {
        web(o).security_context = Some(core::SecurityContext {
            run_as_user: Some(99_999_999_999),
            ..Default::default()
        })
    });
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].securityContext.runAsUser",
        "between 0 and 2147483647",
    );
    let v = broken(|o| {
        pod_spec(o, "db").security_context = Some(core::PodSecurityContext {
            run_as_group: Some(-1),
            fs_group: Some(MAX_ID),
            ..Default::default()
        })
    });
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.securityContext.runAsGroup",
        "between 0",
    );
    let v = broken(|o| pod_spec(o, "db").termination_grace_period_seconds = Some(-5));
    assert_eq!(v.len(), 1, "{v:#?}");
    let v = broken(|o| pod_spec(o, "db").restart_policy = Some("Never".into()));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.restartPolicy",
        "only supports \"Always\"",
    );
}

#[test]
fn pod_fields() {
    let v = broken(|o| pod_spec(o, "db").hostname = Some("my_host".into()));
    assert_one(&v, "Deployment", "spec.template.spec.hostname", "DNS-1123");
    let v = broken(|o| {
        pod_spec(o, "db").security_context = Some(core::PodSecurityContext {
            sysctls: Some(vec![core::Sysctl {
                name: "net..x".into(),
                value: "1".into(),
            }]),
            ..Default::default()
        })
    });
    assert_eq!(v.len(), 1, "{v:#?}");
    let v = broken(|o| {
        pod_spec(o, "db").dns_config = Some(core::PodDNSConfig {
            nameservers: Some(vec!["1.1.1.1".into(); 4]),
            ..Default::default()
        })
    });
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.dnsConfig.nameservers",
        "at most 3",
    );
    let v = broken(|o| pod_spec(o, "db").containers[0].image = Some(" ".into()));
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].image",
        "required",
    );
    let v = broken(|o| {
        let ps = pod_spec(o, "db");
        ps.init_containers = Some(vec![ps.containers[0].clone()]);
    });
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].name",
        "duplicate container",
    );
    let v = broken(|o| {
        pod_spec(o, "db").containers[0].liveness_probe = Some(core::Probe {
            exec: Some(core::ExecAction { command: None }),
            ..Default::default()
        })
    });
    assert_one(
        &v,
        "Deployment",
        "spec.template.spec.containers[0].livenessProbe.exec.command",
        "required",
    );
}

#[test]
fn claims_and_data() {
    let v = broken(|o| {
        for x in o.iter_mut() {
            if let Object::Claim(c) = x {
                c.spec
                    .as_mut()
                    .unwrap()
                    .resources
                    .as_mut()
                    .unwrap()
                    .requests = Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity("0".into()),
                )]));
            }
        }
    });
    assert_one(
        &v,
        "PersistentVolumeClaim",
        "spec.resources.requests.storage",
        "greater than zero",
    );
    let v = broken(|o| {
        for x in o.iter_mut() {
            if let Object::ConfigMap(c) = x {
                c.data.as_mut().unwrap().insert("a/b".into(), "x".into());
            }
        }
    });
    assert_one(&v, "ConfigMap", "data", "key \"a/b\"");
}

#[test]
fn the_size_of_one_object() {
    let v = broken(|o| {
        let ports = (1..=40_000)
            .map(|p| core::ContainerPort {
                container_port: p,
                protocol: Some("TCP".into()),
                ..Default::default()
            })
            .collect();
        web(o).ports = Some(ports);
    });
    assert_one(
        &v,
        "Deployment",
        "(the whole object)",
        "over the 1572864-byte limit",
    );
}

#[test]
fn the_error_names_the_object_and_field_and_is_an_internal_error() {
    let mut objs = objects();
    web(&mut objs).env.as_mut().unwrap()[0].name = "1".into();
    pod_spec(&mut objs, "db").hostname = Some("_".into());
    let e = validate(&objs).unwrap_err();
    assert_eq!(e.exit(), Exit::Failed);
    assert_eq!(
        e.to_string(),
        "internal error: b00t produced an invalid Deployment \"web\": spec.template.spec.containers[0].env[0].name: invalid variable name \"1\" (letters, digits, '_', '-' and '.', not starting with a digit) (and 1 more) (this is a bug in b00t; please report it)"
    );
}

#[test]
fn name_rules() {
    assert!(is_dns1035_label("web-v1") && !is_dns1035_label("1web"));
    assert!(is_dns1123_label("1web") && !is_dns1123_label("web.v1"));
    assert!(is_dns1123_subdomain("web.v1") && !is_dns1123_subdomain("web..v1"));
    assert!(!is_dns1035_label(&"a".repeat(64)));
    assert!(is_qualified_name("example.com/x_y.z") && !is_qualified_name("/x"));
    assert!(is_label_value("") && !is_label_value("x-"));
    assert_eq!(quantity("1.5Gi"), Some(1.5 * 1024f64.powi(3)));
    assert_eq!(quantity("250m"), Some(0.25));
    assert_eq!(quantity("1e3"), Some(1000.0));
    assert_eq!(quantity(".5"), Some(0.5));
    assert_eq!(quantity("1 Gi"), None);
    assert_eq!(port_name_error("http"), None);
    assert!(port_name_error("h--p").is_some());
}

/// The bundle with `db` a StatefulSet claiming `state` per pod, `web` autoscaled and a `job`
/// CronJob.
fn kinds_objects() -> Vec<Object> {
    use crate::workload::{Autoscale, Controller, CronSchedule, RestartPolicy};
    let mut b = bundle();
    let db = &mut b.workloads[1];
    db.controller = Controller::StatefulSet;
    db.containers[0].mounts.push(Mount {
        volume: "state".into(),
        mount_path: "/var/lib/db".into(),
        read_only: false,
        sub_path: None,
    });
    db.claim_templates.push(Claim {
        name: "state".into(),
        size: "5Gi".into(),
        storage_class: None,
        access_mode: AccessMode::ReadWriteOnce,
    });
    b.workloads[0].autoscale = Some(Autoscale {
        min: 2,
        max: 5,
        cpu_percent: Some(80),
        memory_percent: None,
    });
    b.workloads.push(Workload {
        name: "job".into(),
        app: "shop".into(),
        controller: Controller::CronJob,
        restart_policy: RestartPolicy::OnFailure,
        cron: Some(CronSchedule {
            schedule: "*/5 * * * *".into(),
            concurrency_policy: Some("Forbid".into()),
            backoff_limit: Some(2),
        }),
        containers: vec![Container {
            name: "job".into(),
            image: "busybox".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    bundle_objects(&b, &RenderOptions::default())
}

fn kinds_broken(f: impl FnOnce(&mut Vec<Object>)) -> Vec<Violation> {
    let mut objs = kinds_objects();
    f(&mut objs);
    violations(&objs)
}

#[test]
fn statefulset_cronjob_and_autoscaler_pass_as_rendered() {
    let objs = kinds_objects();
    assert_eq!(violations(&objs), vec![]);
    let kinds: Vec<&str> = objs.iter().map(Object::kind).collect();
    for k in ["StatefulSet", "CronJob", "HorizontalPodAutoscaler"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    // The autoscaled Deployment leaves replicas to the autoscaler.
    let Some(Object::Deployment(d)) = objs.iter().find(|o| o.kind() == "Deployment") else {
        panic!()
    };
    assert_eq!(d.spec.as_ref().unwrap().replicas, None);
}

#[test]
fn statefulset_rules() {
    fn sts(objs: &mut [Object]) -> &mut k8s_openapi::api::apps::v1::StatefulSetSpec {
        objs.iter_mut()
            .find_map(|o| match o {
                Object::StatefulSet(s) => s.spec.as_mut(),
                _ => None,
            })
            .unwrap()
    }
    // A mount of a claim template's volume is a mount of a pod volume.
    let v = kinds_broken(|o| sts(o).volume_claim_templates = None);
    assert_one(
        &v,
        "StatefulSet",
        "spec.template.spec.containers[0].volumeMounts[0].name",
        "no volume \"state\"",
    );
    let v = kinds_broken(|o| sts(o).service_name = Some("1db".into()));
    assert_one(&v, "StatefulSet", "spec.serviceName", "DNS-1035");
    let v = kinds_broken(|o| {
        sts(o).template.spec.as_mut().unwrap().restart_policy = Some("Never".into())
    });
    assert_one(
        &v,
        "StatefulSet",
        "spec.template.spec.restartPolicy",
        "only supports \"Always\"",
    );
    let v = kinds_broken(|o| {
        sts(o).volume_claim_templates.as_mut().unwrap()[0]
            .spec
            .as_mut()
            .unwrap()
            .access_modes = None
    });
    assert_one(
        &v,
        "StatefulSet",
        "spec.volumeClaimTemplates[0].spec.accessModes",
        "at least 1",
    );
}

#[test]
fn cronjob_rules() {
    fn cj(objs: &mut [Object]) -> &mut k8s_openapi::api::batch::v1::CronJobSpec {
        objs.iter_mut()
            .find_map(|o| match o {
                Object::CronJob(s) => s.spec.as_mut(),
                _ => None,
            })
            .unwrap()
    }
    for (bad, why) in [
        ("", "required"),
        ("* * * *", "4 fields"),
        ("0 24 * * *", "hour 24 is out of range"),
        ("0 0 0 * *", "day of month 0 is out of range"),
        ("0 0 * 13 *", "month 13"),
        ("0 0 * * 7", "day of week 7"),
        ("*/0 * * * *", "step 0"),
        ("5-1 * * * *", "runs backwards"),
        ("TZ=UTC 0 0 * * *", "time zone"),
        ("@fortnightly", "unknown macro"),
    ] {
        let v = kinds_broken(|o| cj(o).schedule = bad.into());
        assert_one(&v, "CronJob", "spec.schedule", why);
    }
    for good in [
        "@hourly",
        "@every 1h30m",
        "0 0 * * SUN",
        "*/15 9-17 ? * mon-fri",
        "0,30 * 1,15 jan-jun *",
    ] {
        assert_eq!(
            kinds_broken(|o| cj(o).schedule = good.into()),
            vec![],
            "{good}"
        );
    }
    let v = kinds_broken(|o| cj(o).concurrency_policy = Some("Never".into()));
    assert_one(&v, "CronJob", "spec.concurrencyPolicy", "unsupported");
    let v = kinds_broken(|o| {
        cj(o)
            .job_template
            .spec
            .as_mut()
            .unwrap()
            .template
            .spec
            .as_mut()
            .unwrap()
            .restart_policy = Some("Always".into())
    });
    assert_one(
        &v,
        "CronJob",
        "spec.jobTemplate.spec.template.spec.restartPolicy",
        "OnFailure",
    );
    let v = kinds_broken(|o| cj(o).job_template.spec.as_mut().unwrap().backoff_limit = Some(-1));
    assert_one(&v, "CronJob", "spec.jobTemplate.spec.backoffLimit", "-1");
    let v = kinds_broken(|o| {
        for x in o.iter_mut() {
            if let Object::CronJob(c) = x {
                c.metadata.name = Some("j".repeat(53));
            }
        }
    });
    assert_one(&v, "CronJob", "metadata.name", "52 characters");
}

#[test]
fn autoscaler_rules() {
    use k8s_openapi::api::autoscaling::v2 as hpa;
    fn spec(objs: &mut [Object]) -> &mut hpa::HorizontalPodAutoscalerSpec {
        objs.iter_mut()
            .find_map(|o| match o {
                Object::Autoscaler(s) => s.spec.as_mut(),
                _ => None,
            })
            .unwrap()
    }
    let v = kinds_broken(|o| spec(o).min_replicas = Some(0));
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.minReplicas",
        "0 must be",
    );
    let v = kinds_broken(|o| spec(o).min_replicas = Some(6));
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.maxReplicas",
        "minReplicas (6)",
    );
    let v = kinds_broken(|o| spec(o).max_replicas = 0);
    assert_eq!(v[0].field, "spec.maxReplicas", "{v:#?}");
    let v = kinds_broken(|o| {
        spec(o).metrics.as_mut().unwrap()[0]
            .resource
            .as_mut()
            .unwrap()
            .target
            .average_utilization = Some(0)
    });
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.metrics[0].resource.target.averageUtilization",
        "greater than 0",
    );
    let v = kinds_broken(|o| spec(o).metrics.as_mut().unwrap()[0].type_ = "Cpu".into());
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.metrics[0].type",
        "unsupported",
    );
    let v = kinds_broken(|o| spec(o).scale_target_ref.name = String::new());
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.scaleTargetRef.name",
        "required",
    );
}

#[test]
fn image_references_follow_dockers_grammar() {
    for ok in [
        "nginx",
        "nginx:1.27",
        "library/nginx:1.27-alpine",
        "registry.example/team/api:1.4",
        "localhost:5000/app",
        "[::1]:5000/app:v1",
        "ghcr.io/org/a__b-c.d:latest",
        "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "b00t-web:latest",
    ] {
        assert_eq!(image_reference_error(ok), None, "{ok}");
    }
    for bad in [
        "",
        "registry.example/web:",
        ":1.0",
        "Nginx",
        "nginx:1.0:2",
        "app/-x",
        "nginx@sha256:abc",
        "a b",
        "nginx:-tag",
    ] {
        assert!(image_reference_error(bad).is_some(), "{bad:?}");
    }
    let long = format!("{}:1", "a".repeat(256));
    assert!(image_reference_error(&long).unwrap().contains("255"));
}

/// The web workload with a budget, an autoscaler and a policy; all valid.
fn scaled_objects() -> Vec<Object> {
    use crate::workload::{
        Autoscale, DisruptionBudget, NetworkPolicy, PodCount, PolicyPeer, PolicyRule,
    };
    let mut b = bundle();
    let w = &mut b.workloads[0];
    w.disruption_budget = Some(DisruptionBudget::MinAvailable(PodCount::Count(1)));
    w.autoscale = Some(Autoscale {
        min: 2,
        max: 4,
        cpu_percent: Some(70),
        memory_percent: None,
    });
    w.network_policy = Some(NetworkPolicy {
        ingress: Some(vec![PolicyRule {
            peers: vec![PolicyPeer::Pods {
                pods: Some(BTreeMap::from([("app".to_string(), "client".to_string())])),
                namespaces: None,
            }],
            ports: vec![(Protocol::Tcp, 80)],
        }]),
        egress: Some(vec![PolicyRule {
            peers: vec![PolicyPeer::Cidr {
                cidr: "10.0.0.0/8".into(),
                except: vec!["10.1.0.0/16".into()],
            }],
            ports: vec![(Protocol::Udp, 53)],
        }]),
    });
    bundle_objects(&b, &RenderOptions::default())
}

fn find_mut<'a>(objs: &'a mut [Object], kind: &str) -> &'a mut Object {
    objs.iter_mut().find(|o| o.kind() == kind).unwrap()
}

#[test]
fn budgets_autoscalers_and_policies() {
    assert_eq!(violations(&scaled_objects()), vec![]);
    let check = |f: &dyn Fn(&mut Vec<Object>)| {
        let mut objs = scaled_objects();
        f(&mut objs);
        violations(&objs)
    };
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let v = check(&|o| {
        if let Object::DisruptionBudget(b) = find_mut(o, "PodDisruptionBudget") {
            b.spec.as_mut().unwrap().max_unavailable = Some(IntOrString::Int(1));
        }
    });
    assert_one(&v, "PodDisruptionBudget", "spec", "cannot both be set");
    let v = check(&|o| {
        if let Object::DisruptionBudget(b) = find_mut(o, "PodDisruptionBudget") {
            b.spec.as_mut().unwrap().min_available = Some(IntOrString::String("150%".into()));
        }
    });
    assert_one(&v, "PodDisruptionBudget", "spec.minAvailable", "percentage");
    let v = check(&|o| {
        if let Object::Autoscaler(h) = find_mut(o, "HorizontalPodAutoscaler") {
            h.spec.as_mut().unwrap().max_replicas = 1;
        }
    });
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.maxReplicas",
        "greater than or equal to minReplicas (2)",
    );
    let v = check(&|o| {
        if let Object::Autoscaler(h) = find_mut(o, "HorizontalPodAutoscaler") {
            h.spec.as_mut().unwrap().min_replicas = Some(0);
        }
    });
    assert_one(
        &v,
        "HorizontalPodAutoscaler",
        "spec.minReplicas",
        "0 must be greater than or equal to 1",
    );
    let v = check(&|o| {
        if let Object::Autoscaler(h) = find_mut(o, "HorizontalPodAutoscaler") {
            h.spec.as_mut().unwrap().metrics = None;
        }
    });
    // The API server defaults an autoscaler without metrics to 80 % CPU: not an error.
    assert!(v.is_empty(), "{v:?}");
    let v = check(&|o| {
        if let Object::NetworkPolicy(p) = find_mut(o, "NetworkPolicy") {
            let e = &mut p.spec.as_mut().unwrap().egress.as_mut().unwrap()[0];
            e.to.as_mut().unwrap()[0].ip_block.as_mut().unwrap().except =
                Some(vec!["192.168.0.0/16".into()]);
        }
    });
    assert_one(
        &v,
        "NetworkPolicy",
        "spec.egress[0].to[0].ipBlock.except[0]",
        "within 10.0.0.0/8",
    );
    let v = check(&|o| {
        if let Object::NetworkPolicy(p) = find_mut(o, "NetworkPolicy") {
            let e = &mut p.spec.as_mut().unwrap().egress.as_mut().unwrap()[0];
            e.to.as_mut().unwrap()[0].ip_block.as_mut().unwrap().cidr = "10.0.0.0/40".into();
        }
    });
    assert_one(
        &v,
        "NetworkPolicy",
        "spec.egress[0].to[0].ipBlock.cidr",
        "not a valid CIDR",
    );
    let v = check(&|o| {
        if let Object::NetworkPolicy(p) = find_mut(o, "NetworkPolicy") {
            let i = &mut p.spec.as_mut().unwrap().ingress.as_mut().unwrap()[0];
            i.ports.as_mut().unwrap()[0].port = Some(IntOrString::Int(0));
        }
    });
    assert_one(
        &v,
        "NetworkPolicy",
        "spec.ingress[0].ports[0].port",
        "0 must be between 1 and 65535",
    );
}
