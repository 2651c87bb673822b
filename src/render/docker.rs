//! `Workload` → Docker containers ([`ContainerSpec`]s): one container per replica, named like
//! the workload (`<server>-mcp`, with `-N` suffixes when there are several), with the b00t
//! labels and the hardening of DESIGN.md §3 that Docker can express (user, read-only root with a
//! tmpfs `/tmp`, cap-drop ALL, no-new-privileges, memory and CPU limits).
//!
//! Pure: no IO.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::runtime::docker::{Bind, ContainerSpec, HealthCheck, NVIDIA_GPU, Port, Restart};
use crate::workload::{ProbeAction, VolumeSource, Workload};

use super::labels;

/// Label on each container: its replica number (1-based).
pub const REPLICA: &str = "b00t.elastic.ventures/replica";

/// How to render for Docker.
#[derive(Debug, Clone, Default)]
pub struct DockerOptions {
    /// Publish ports on every interface instead of 127.0.0.1.
    pub publish_all_interfaces: bool,
}

/// Names of the containers of a workload with `replicas` replicas.
pub fn container_names(name: &str, replicas: usize) -> Vec<String> {
    if replicas == 1 {
        vec![name.to_string()]
    } else {
        (1..=replicas).map(|i| format!("{name}-{i}")).collect()
    }
}

/// The containers of a workload, one per replica (none with 0 replicas). Only the first
/// container of the workload runs (Docker has no pods); a workload with sidecars is refused by
/// the caller.
pub fn render_containers(w: &Workload, opts: &DockerOptions) -> Vec<ContainerSpec> {
    let Some(c) = w.containers.first() else {
        return vec![];
    };
    let replicas = w.replicas.unwrap_or(1).max(0) as usize;
    let names = container_names(&w.name, replicas);
    let mut env: BTreeMap<String, String> = c
        .env
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    let read_only = c
        .security
        .read_only_root_filesystem
        .unwrap_or(w.pod_security.restricted);
    let mut tmpfs = BTreeMap::new();
    if read_only {
        tmpfs.insert("/tmp".to_string(), "rw,nosuid,nodev,size=64m".to_string());
        env.entry("HOME".into()).or_insert_with(|| "/tmp".into());
    }
    let user = c.security.run_as_user.or(w.pod_security.run_as_user);
    let group = c.security.run_as_group.or(w.pod_security.run_as_group);
    let user = user.map(|u| match group {
        Some(g) => format!("{u}:{g}"),
        None => u.to_string(),
    });
    let mut cap_drop = c.security.cap_drop.clone();
    if w.pod_security.restricted && !cap_drop.iter().any(|c| c == "ALL") {
        cap_drop.push("ALL".into());
    }
    let no_escalation =
        c.security.allow_privilege_escalation == Some(false) || w.pod_security.restricted;
    let healthcheck = c.readiness.as_ref().and_then(|p| match &p.action {
        // Only a command can run inside the container; TCP and HTTP probes are checked by b00t
        // from outside, through the published port.
        ProbeAction::Exec(cmd) => Some(HealthCheck {
            command: cmd.clone(),
            interval: Duration::from_secs(p.period_seconds.unwrap_or(10).max(1) as u64),
            timeout: Duration::from_secs(p.timeout_seconds.unwrap_or(1).max(1) as u64),
            retries: i64::from(p.failure_threshold.unwrap_or(3).max(1)),
            start_period: Duration::from_secs(p.initial_delay_seconds.unwrap_or(0).max(0) as u64),
        }),
        _ => None,
    });
    // A claim becomes a named volume of the same name (the engine's local driver), mounted
    // where the claim is; it is the one volume kind a Docker workload may have.
    let binds: Vec<Bind> = c
        .mounts
        .iter()
        .filter_map(|m| {
            let v = w.volumes.iter().find(|v| v.name == m.volume)?;
            match &v.source {
                VolumeSource::Claim { claim, read_only } => Some(Bind {
                    source: claim.clone(),
                    target: m.mount_path.clone(),
                    read_only: *read_only || m.read_only,
                }),
                _ => None,
            }
        })
        .collect();
    let volumes: Vec<String> = binds.iter().map(|b| b.source.clone()).collect();
    let gpus = c
        .resources
        .extended
        .get(NVIDIA_GPU)
        .and_then(|n| n.parse::<i64>().ok());
    let host_ip = if opts.publish_all_interfaces {
        String::new()
    } else {
        "127.0.0.1".to_string()
    };
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut l = labels::for_workload(w);
            l.insert(REPLICA.into(), (i + 1).to_string());
            ContainerSpec {
                name: name.clone(),
                image: c.image.clone(),
                entrypoint: c.command.clone(),
                cmd: c.args.clone(),
                working_dir: c.working_dir.clone(),
                ports: c
                    .ports
                    .iter()
                    .map(|p| Port {
                        container_port: p.container_port,
                        protocol: p.protocol.as_k8s().to_ascii_lowercase(),
                        host_ip: host_ip.clone(),
                        // One replica takes the service port; several let the engine choose.
                        host_port: if names.len() == 1 {
                            p.service_port
                        } else {
                            None
                        },
                    })
                    .collect(),
                env: env.clone(),
                labels: l,
                user: user.clone(),
                privileged: c.security.privileged.unwrap_or(false),
                cap_add: c.security.cap_add.clone(),
                cap_drop: cap_drop.clone(),
                security_opt: if no_escalation {
                    vec!["no-new-privileges:true".into()]
                } else {
                    vec![]
                },
                read_only,
                tmpfs: tmpfs.clone(),
                binds: binds.clone(),
                volumes: volumes.clone(),
                gpus,
                restart: Restart::UnlessStopped,
                memory_bytes: c.resources.limits_memory.as_deref().and_then(bytes),
                nano_cpus: c.resources.limits_cpu.as_deref().and_then(nano_cpus),
                open_stdin: c.stdin,
                healthcheck: healthcheck.clone(),
                ..Default::default()
            }
        })
        .collect()
}

/// A Kubernetes memory quantity (`512Mi`, `1G`, `1048576`) in bytes.
pub fn bytes(q: &str) -> Option<i64> {
    super::quantity::bytes(q).and_then(|b| i64::try_from(b).ok())
}

/// A Kubernetes CPU quantity (`500m`, `1.5`) in billionths of a CPU.
pub fn nano_cpus(q: &str) -> Option<i64> {
    super::quantity::millicores(q).map(|m| (m * 1e6) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Container, EnvVar, PodSecurity, Port as WPort, Protocol, Resources};

    fn workload(replicas: i32) -> Workload {
        Workload {
            name: "echo-mcp".into(),
            app: "echo".into(),
            replicas: Some(replicas),
            containers: vec![Container {
                name: "echo".into(),
                image: "busybox".into(),
                args: Some(vec!["sh".into(), "-c".into(), "cat".into()]),
                env: vec![EnvVar::new("API_TOKEN", "s3cret"), EnvVar::new("MODE", "x")],
                stdin: true,
                ports: vec![WPort {
                    container_port: 8080,
                    protocol: Protocol::Tcp,
                    name: None,
                    service_port: Some(18080),
                }],
                resources: Resources {
                    limits_cpu: Some("500m".into()),
                    limits_memory: Some("512Mi".into()),
                    ..Default::default()
                },
                ..Default::default()
            }],
            pod_security: PodSecurity {
                run_as_user: Some(1000),
                run_as_group: Some(1000),
                restricted: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn one_replica_is_one_hardened_container_named_like_the_workload() {
        let specs = render_containers(&workload(1), &DockerOptions::default());
        assert_eq!(specs.len(), 1);
        let s = &specs[0];
        assert_eq!(s.name, "echo-mcp");
        assert_eq!(s.user.as_deref(), Some("1000:1000"));
        assert!(s.read_only && s.open_stdin);
        assert_eq!(s.env.get("HOME").map(String::as_str), Some("/tmp"));
        assert!(s.tmpfs.contains_key("/tmp"));
        assert_eq!(s.cap_drop, vec!["ALL".to_string()]);
        assert_eq!(s.security_opt, vec!["no-new-privileges:true".to_string()]);
        assert_eq!(s.memory_bytes, Some(512 << 20));
        assert_eq!(s.nano_cpus, Some(500_000_000));
        assert_eq!(s.restart, Restart::UnlessStopped);
        assert_eq!(
            s.labels.get(labels::MANAGED_BY).map(String::as_str),
            Some("b00t")
        );
        assert_eq!(
            s.labels.get(labels::INSTANCE).map(String::as_str),
            Some("echo-mcp")
        );
        assert_eq!(s.ports[0].host_ip, "127.0.0.1");
        assert_eq!(s.ports[0].host_port, Some(18080));
    }

    #[test]
    fn replicas_get_suffixes_and_engine_chosen_ports() {
        let specs = render_containers(
            &workload(3),
            &DockerOptions {
                publish_all_interfaces: true,
            },
        );
        let names: Vec<_> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["echo-mcp-1", "echo-mcp-2", "echo-mcp-3"]);
        assert!(specs.iter().all(|s| s.ports[0].host_port.is_none()));
        assert!(specs.iter().all(|s| s.ports[0].host_ip.is_empty()));
        assert_eq!(specs[2].labels.get(REPLICA).map(String::as_str), Some("3"));
    }

    #[test]
    fn quantities_convert() {
        assert_eq!(bytes("128Mi"), Some(134_217_728));
        assert_eq!(bytes("1G"), Some(1_000_000_000));
        assert_eq!(nano_cpus("1.5"), Some(1_500_000_000));
        assert_eq!(nano_cpus("250m"), Some(250_000_000));
        assert_eq!(bytes("lots"), None);
    }
}
