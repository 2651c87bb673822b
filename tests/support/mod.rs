//! Test support: the fake Kubernetes API server and helpers to run the binary.
#![allow(dead_code, unused_imports)]

pub mod fake_api;

pub use fake_api::{
    ApiError, Behavior, FakeCluster, FakeClusterBuilder, FaultRule, Matcher, RawResponse,
    RecordedRequest,
};
