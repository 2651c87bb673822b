//! The embedded eBPF sensor: the only module where `unsafe` may appear.
