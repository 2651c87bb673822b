//! `*.mcp.toml` datums → `Workload`.
