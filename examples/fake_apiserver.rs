//! Run the test suite's fake Kubernetes API server standalone, e.g. for benchmarks or to poke
//! at it with kubectl:
//!
//! ```text
//! cargo run --example fake_apiserver -- --kubeconfig /tmp/fake.kubeconfig --pods 200
//! kubectl --kubeconfig /tmp/fake.kubeconfig get pods -A
//! ```
//!
//! Prints the server URL on stdout and runs until killed.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use support::FakeCluster;

fn usage() -> ! {
    eprintln!(
        "usage: fake_apiserver --kubeconfig PATH [--pods N] [--namespace NS] [--nodes N] [--obi-metrics NS]..."
    );
    std::process::exit(2)
}

fn main() {
    let mut kubeconfig: Option<PathBuf> = None;
    let mut pods = 0usize;
    let mut namespace = "default".to_string();
    let mut nodes = 2usize;
    let mut obi_namespaces: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--kubeconfig" => kubeconfig = Some(PathBuf::from(value())),
            "--pods" => pods = value().parse().unwrap_or_else(|_| usage()),
            "--namespace" | "-n" => namespace = value(),
            "--nodes" => nodes = value().parse().unwrap_or_else(|_| usage()),
            "--obi-metrics" => obi_namespaces.push(value()),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let Some(kubeconfig) = kubeconfig else {
        usage()
    };
    let mut builder = FakeCluster::builder()
        .nodes(nodes)
        .pod_ready_delay(Duration::from_millis(50))
        .allow_anonymous(true);
    if namespace != "default" {
        builder = builder.namespace(&namespace);
    }
    let cluster = builder.start();
    cluster.write_kubeconfig_to(&kubeconfig, "fake", &namespace);

    // N b00t-managed MCP servers, one pod each (Deployment → ReplicaSet → Pod).
    for i in 0..pods {
        let name = format!("server{i}-mcp");
        let labels = json!({
            "app.kubernetes.io/managed-by": "b00t",
            "app.kubernetes.io/name": format!("server{i}"),
            "app.kubernetes.io/instance": name,
            "app.kubernetes.io/component": "mcp-server",
            "b00t.elastic.ventures/type": "mcp-server",
        });
        cluster.create(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app.kubernetes.io/instance": name}},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{
                        "name": "mcp",
                        "image": "node:22-alpine",
                        "command": ["npx", "-y", format!("@example/server-{i}")],
                        "stdin": true,
                    }]}
                }
            }
        }));
    }
    if pods > 0 {
        let ok = cluster.wait_until(Duration::from_secs(300), |c| {
            std::thread::sleep(Duration::from_millis(250));
            c.list("deployments", Some(&namespace))
                .iter()
                .filter(|d| d.pointer("/status/readyReplicas").and_then(|r| r.as_i64()) == Some(1))
                .count()
                >= pods
        });
        if !ok {
            eprintln!("warning: not all {pods} pods became ready");
        }
    }
    // OBI agents in these namespaces serve what a working agent serves: flow series on the
    // Prometheus port, export counters on the internal metrics port.
    for ns in &obi_namespaces {
        cluster.serve_pod_http(ns, "obi-", 9400, "/metrics", OBI_METRICS);
        cluster.serve_pod_http(ns, "obi-", 9401, "/internal/metrics", OBI_INTERNAL);
    }
    println!("{}", cluster.url());
    eprintln!(
        "fake apiserver ready; kubeconfig written to {}",
        kubeconfig.display()
    );
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

const OBI_METRICS: &str = "# HELP obi_network_flow_bytes_total Bytes of network flows\n# TYPE obi_network_flow_bytes_total counter\nobi_network_flow_bytes_total{direction=\"egress\",dst_address=\"10.0.0.2\",src_address=\"10.0.0.1\",transport=\"TCP\"} 4096\nobi_network_flow_bytes_total{direction=\"ingress\",dst_address=\"10.0.0.1\",src_address=\"10.0.0.2\",transport=\"TCP\"} 1024\n";
const OBI_INTERNAL: &str = "# HELP obi_otel_metric_exports_total OTLP metric exports\n# TYPE obi_otel_metric_exports_total counter\nobi_otel_metric_exports_total 12\n";
