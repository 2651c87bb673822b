//! The embedded eBPF sensor: the only module where `unsafe` may appear.
//!
//! - [`object`]: the eBPF object (built from `ebpf/` by `build.rs`), embedded in the binary;
//! - [`privileges`]: capabilities, tracefs, kernel features, and [`probe`](privileges::probe);
//! - [`loader`]: load and attach with aya, read the ring buffer asynchronously;
//! - [`event`]: decode ring-buffer records into [`ConnEvent`]s;
//! - [`flows`]: aggregate connections into flows;
//! - [`obi_flows`]: per-connection counts labelled like the OBI agent's (`--obi-labels`);
//! - [`metrics`], [`prometheus`], [`otlp`]: OBI-named metrics, the Prometheus text endpoint and
//!   the OTLP/HTTP exporter.
//!
//! Nothing here prints: the CLI (`src/cli/sensor.rs`) decides what reaches stdout.

use snafu::Snafu;

use crate::error::{Classify, Exit};

pub mod event;
pub mod flows;
pub mod loader;
pub mod metrics;
pub mod obi_flows;
pub mod object;
pub mod otlp;
pub mod privileges;
pub mod prometheus;

pub use event::{ConnEvent, EventKind, FailureReason, Role};
pub use flows::{Aggregator, FlowKey, FlowStats};
pub use loader::{ByteMode, Health, Sensor, SensorConfig};
pub use privileges::{Probe, probe};

/// What can go wrong while starting or running the sensor.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum SensorError {
    /// The process lacks capabilities; the message says which and how to run.
    #[snafu(display("{message}"))]
    MissingPrivileges { message: String },

    /// The kernel lacks something the sensor needs (BTF, tracepoints, ring buffers).
    #[snafu(display("this kernel cannot run the sensor: {message}"))]
    KernelUnsupported { message: String },

    #[snafu(display("mounting tracefs at {path}"))]
    MountTracefs {
        path: String,
        source: std::io::Error,
    },

    #[snafu(display("loading the eBPF object: {message}"))]
    Load { message: String },

    #[snafu(display("attaching to tracepoint {tracepoint}: {message}"))]
    Attach { tracepoint: String, message: String },

    #[snafu(display("opening eBPF map {name}: {message}"))]
    Map { name: String, message: String },

    #[snafu(display("watching the ring buffer"))]
    RingBuffer { source: std::io::Error },

    #[snafu(display("serving Prometheus metrics on {addr}"))]
    PrometheusBind {
        addr: String,
        source: std::io::Error,
    },

    #[snafu(display("invalid OTLP endpoint {endpoint}: {reason}"))]
    OtlpEndpoint { endpoint: String, reason: String },

    #[snafu(display("exporting metrics to {url}: {message}"))]
    OtlpExport { url: String, message: String },
}

impl Classify for SensorError {
    fn exit(&self) -> Exit {
        match self {
            SensorError::MissingPrivileges { .. } => Exit::Forbidden,
            SensorError::KernelUnsupported { .. } => Exit::Unreachable,
            SensorError::MountTracefs { source, .. }
                if matches!(source.raw_os_error(), Some(libc::EPERM | libc::EACCES)) =>
            {
                Exit::Forbidden
            }
            SensorError::PrometheusBind { .. } | SensorError::OtlpEndpoint { .. } => Exit::Usage,
            SensorError::OtlpExport { .. } => Exit::Unreachable,
            _ => Exit::Failed,
        }
    }
}
