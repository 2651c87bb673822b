//! Integration tests: one binary. CLI tests run the real `b00t` binary as a process against the
//! fake API server in `tests/support/`, a real dockerd, or the real kernel.

#[path = "../support/mod.rs"]
mod support;

mod common;
mod contexts;
mod docker_runtime;
mod docs;
mod fake_api;
mod k8s;
mod mcp_connect;
mod mcp_inspector;
mod mcp_serve;
mod obi_agent;
mod obi_apply;
mod obi_config;
mod obi_deploy;
mod obi_docker;
mod obi_ops;
mod obi_rules;
mod sensor;
mod translate;
