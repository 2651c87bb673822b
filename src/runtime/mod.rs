//! Backends that apply, list, stream logs of and delete workloads.
pub mod kube;
