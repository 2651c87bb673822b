//! Dockerfile and compose parsing → `Workload`. Pure: no IO besides reading the inputs.
pub mod compose;
pub mod dockerfile;
