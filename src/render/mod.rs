//! `Workload` → Kubernetes objects (k8s-openapi types).
