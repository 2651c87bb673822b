//! OBI (OpenTelemetry eBPF Instrumentation): configuration key sets per OBI version, validation of
//! a configuration file against them, the configuration b00t deploys by default, the agent's
//! Kubernetes objects and the Prometheus alert rules that watch it.
//!
//! Ops module: pure, no clap, no printing.

pub mod config;
pub mod manifest;
pub mod rules;
pub mod schema;

pub use config::{
    ConfigError, ConfigFacts, DefaultConfigOptions, Diagnostic, Severity, Validation, config_facts,
    default_config, validate, validate_file,
};
