//! Test support: the fake Kubernetes API server and helpers to run the binary.
