//! Backends that apply, list, stream logs of and delete workloads.
pub mod docker;
pub mod kube;
