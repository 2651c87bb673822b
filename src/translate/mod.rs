//! Dockerfile and compose parsing → `Workload`. Pure: no IO besides reading the inputs.
