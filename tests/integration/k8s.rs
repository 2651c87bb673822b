//! `b00t k8s …` run as a process against the fake API server.
