//! OBI (OpenTelemetry eBPF Instrumentation): configuration key sets per OBI version, validation of
//! a configuration file against them, and the configuration b00t deploys by default.
//!
//! Ops module: no clap, no printing.

pub mod config;
pub mod schema;

pub use config::{
    ConfigError, ConfigFacts, DefaultConfigOptions, Diagnostic, Severity, Validation, config_facts,
    default_config, validate, validate_file,
};
