//! b00t: run MCP servers and the OBI eBPF agent on Kubernetes and Docker, translate
//! Dockerfiles and compose files into Kubernetes objects, and watch the local network with an
//! embedded eBPF sensor.
//!
//! See ARCHITECTURE.md for the map. The binary (`src/main.rs`) is a thin shell around
//! [`cli::run`].

#![cfg_attr(not(test), warn(clippy::print_stdout))]

pub mod cli;
pub mod datum;
pub mod error;
pub mod mcp;
pub mod obi;
pub mod ops;
pub mod output;
pub mod render;
pub mod runtime;
pub mod sensor;
pub mod translate;
pub mod workload;
