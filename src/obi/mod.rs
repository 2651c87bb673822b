//! The OBI agent (OpenTelemetry eBPF Instrumentation): its Kubernetes objects and the
//! Prometheus alert rules that watch it. Pure: no IO, no printing, no clap.

pub mod manifest;
pub mod rules;
