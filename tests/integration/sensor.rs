//! `b00t obi sensor …` as a process, loading real eBPF (root; skips otherwise, fails in CI).
