//! `obi logs`: every agent pod merged by time, filtered by OBI's `level=` field.

use serde::Serialize;

use super::NAME;
use crate::error::Result;
use crate::runtime::kube::logs::{LogLine, LogOptions};
use crate::runtime::kube::resolve::Resolved;
use crate::runtime::kube::wait::Target;
use crate::runtime::kube::{Kube, KubeError};

/// OBI's log levels, least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

/// The level of one OBI log line: `level=WARN` in the text format, `"level":"warn"` in JSON.
/// `None` for lines without one (panics, stack traces, anything not from the logger).
pub fn line_level(line: &str) -> Option<Level> {
    let value = if let Some(i) = line.find("level=") {
        let v = &line[i + 6..];
        v.trim_start_matches('"')
            .split(|c: char| c.is_whitespace() || c == '"')
            .next()
            .unwrap_or_default()
    } else if let Some(i) = line.find("\"level\":") {
        line[i + 8..]
            .trim_start()
            .trim_start_matches('"')
            .split('"')
            .next()
            .unwrap_or_default()
    } else {
        return None;
    };
    match value.to_ascii_uppercase().as_str() {
        "DEBUG" => Some(Level::Debug),
        "INFO" => Some(Level::Info),
        "WARN" | "WARNING" => Some(Level::Warn),
        "ERROR" | "FATAL" | "PANIC" => Some(Level::Error),
        _ => None,
    }
}

/// Whether a line passes `--level min`. Lines without a level (a panic and its stack) are kept:
/// they are what one looks for when an agent fails.
pub fn passes(line: &str, min: Option<Level>) -> bool {
    match (min, line_level(line)) {
        (None, _) | (_, None) => true,
        (Some(min), Some(l)) => l >= min,
    }
}

/// Options of `obi logs`.
#[derive(Debug, Clone, Default)]
pub struct ObiLogs {
    pub level: Option<Level>,
    pub log: LogOptions,
}

/// Stream the agents' logs into `sink`; returns notes about containers with nothing to give.
pub async fn logs(
    kube: &Kube,
    req: &ObiLogs,
    sink: &mut (dyn FnMut(LogLine) + Send),
) -> Result<Vec<String>> {
    // Without the DaemonSet there is nothing to read, and `-f` would wait for pods forever.
    if kube.daemonset(NAME).await?.is_none() {
        return Err(KubeError::NotFound {
            what: format!("daemonset.apps/{NAME} in namespace {}", kube.namespace),
            hint: "; deploy the agent with: b00t obi deploy".into(),
        }
        .into());
    }
    let target = Resolved::Instance {
        instance: NAME.into(),
        target: Target::DaemonSet,
    };
    let min = req.level;
    let mut filter = |l: LogLine| {
        if passes(&l.line, min) {
            sink(l)
        }
    };
    Ok(kube.logs(&target, &req.log, &mut filter).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_of_obi_lines() {
        let l = r#"time=2025-08-08T10:00:00Z level=WARN msg="Unable to load eBPF watcher for process events" component=discover"#;
        assert_eq!(line_level(l), Some(Level::Warn));
        assert_eq!(
            line_level("time=x level=ERROR msg=\"wrong configuration\""),
            Some(Level::Error)
        );
        assert_eq!(line_level("level=info msg=x"), Some(Level::Info));
        assert_eq!(
            line_level(r#"{"time":"x","level":"DEBUG","msg":"y"}"#),
            Some(Level::Debug)
        );
        assert_eq!(line_level("panic: runtime error"), None);
        assert!(passes("level=ERROR msg=x", Some(Level::Warn)));
        assert!(!passes("level=INFO msg=x", Some(Level::Warn)));
        assert!(passes("goroutine 1 [running]:", Some(Level::Error)));
        assert!(passes("level=DEBUG", None));
    }
}
