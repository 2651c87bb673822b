//! Helpers shared by the compose and Dockerfile mappings: Kubernetes quantities, shell-word
//! splitting without a shell, Docker health checks → probes, annotation key checks.

use std::time::Duration;

use crate::workload::{Probe, ProbeAction};

/// Docker's health-check defaults (used when a value is unset or zero).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_START_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_RETRIES: u64 = 3;

/// Bytes as a Kubernetes quantity in binary units: `512Mi`, `1Gi`, `1536Mi`, `100Ki`, else
/// plain bytes. Never an exponent form such as `10485760e3`.
pub fn memory_quantity(bytes: u64) -> String {
    const KI: u64 = 1 << 10;
    const MI: u64 = 1 << 20;
    const GI: u64 = 1 << 30;
    const TI: u64 = 1 << 40;
    if bytes == 0 {
        return "0".into();
    }
    for (unit, size) in [("Ti", TI), ("Gi", GI), ("Mi", MI), ("Ki", KI)] {
        if bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
    }
    // Not a whole number of KiB: round up to whole MiB when large, else keep bytes.
    if bytes >= MI {
        return format!("{}Mi", bytes.div_ceil(MI));
    }
    bytes.to_string()
}

/// CPUs (`0.5`, `2`) as a Kubernetes quantity: whole CPUs as `2`, else millicores `500m`
/// (at least `1m`).
pub fn cpu_quantity(cpus: f64) -> String {
    let milli = (cpus * 1000.0).round().max(1.0) as u64;
    if milli.is_multiple_of(1000) {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// Whole seconds for a probe or grace period: rounded up, at least `min`.
pub fn seconds(d: Duration, min: i64) -> i64 {
    let s = d.as_secs() as i64 + i64::from(d.subsec_nanos() > 0);
    s.max(min)
}

fn seconds_i32(d: Duration) -> i32 {
    i32::try_from(seconds(d, 1)).unwrap_or(i32::MAX)
}

/// Split a command string into words the way compose does (go-shellwords): whitespace
/// separates, `'…'` is literal, `"…"` allows `\"`, `\\`, `\$` and `` \` `` escapes, a backslash
/// outside quotes escapes the next character. No shell runs: `$VAR`, `|`, `&&` stay literal.
pub fn split_words(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(n) => cur.push(n),
                    None => cur.push('\\'),
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(n) => cur.push(n),
                        None => return Err(format!("unterminated single quote in {s:?}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.peek() {
                            Some(&n @ ('"' | '\\' | '$' | '`')) => {
                                cur.push(n);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => cur.push('\\'),
                        },
                        Some(n) => cur.push(n),
                        None => return Err(format!("unterminated double quote in {s:?}")),
                    }
                }
            }
            other => {
                in_word = true;
                cur.push(other);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// A Docker health check, already split into its parts (defaults not yet applied).
#[derive(Debug, Clone, Default)]
pub struct Health {
    pub argv: Vec<String>,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub retries: Option<u64>,
    pub start_period: Option<Duration>,
    pub start_interval: Option<Duration>,
}

/// Probes for a Docker health check: readiness (traffic only to healthy pods, like
/// `depends_on: service_healthy`) and liveness (an unhealthy container is replaced, as Swarm
/// does), both with Docker's defaults for unset values; plus a startup probe covering
/// `start_period` (failures during it do not count, as in Docker).
pub struct Probes {
    pub liveness: Probe,
    pub readiness: Probe,
    pub startup: Option<Probe>,
}

fn nonzero(d: Option<Duration>) -> Option<Duration> {
    d.filter(|d| !d.is_zero())
}

pub fn probes(h: &Health) -> Probes {
    let interval = nonzero(h.interval).unwrap_or(DEFAULT_INTERVAL);
    let timeout = nonzero(h.timeout).unwrap_or(DEFAULT_TIMEOUT);
    let retries = h.retries.filter(|r| *r > 0).unwrap_or(DEFAULT_RETRIES);
    let probe = Probe {
        action: ProbeAction::Exec(h.argv.clone()),
        period_seconds: Some(seconds_i32(interval)),
        timeout_seconds: Some(seconds_i32(timeout)),
        failure_threshold: Some(i32::try_from(retries).unwrap_or(i32::MAX)),
        initial_delay_seconds: None,
    };
    let startup = nonzero(h.start_period).map(|sp| {
        let si = nonzero(h.start_interval).unwrap_or(DEFAULT_START_INTERVAL);
        let period = seconds(si, 1);
        let window = seconds(sp, 1);
        // Enough attempts to cover the start period, then the normal retries.
        let attempts = (window + period - 1) / period + retries as i64;
        Probe {
            action: ProbeAction::Exec(h.argv.clone()),
            period_seconds: Some(i32::try_from(period).unwrap_or(i32::MAX)),
            timeout_seconds: Some(seconds_i32(timeout)),
            failure_threshold: Some(i32::try_from(attempts).unwrap_or(i32::MAX)),
            initial_delay_seconds: None,
        }
    });
    Probes {
        liveness: probe.clone(),
        readiness: probe,
        startup,
    }
}

/// Whether `k` is a valid Kubernetes label/annotation key (`[prefix/]name`): the rule the
/// offline schema check applies ([`crate::render::validate::is_qualified_name`]).
pub fn valid_annotation_key(k: &str) -> bool {
    crate::render::validate::is_qualified_name(k)
}

/// `linux/arm64/v8` → node selector entries (`kubernetes.io/os`, `kubernetes.io/arch`).
pub fn platform_selector(p: &str) -> Option<Vec<(String, String)>> {
    let mut parts = p.split('/');
    let os = parts.next().filter(|s| !s.is_empty())?;
    let arch = parts.next().filter(|s| !s.is_empty());
    let ok = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !ok(os) || arch.is_some_and(|a| !ok(a)) {
        return None;
    }
    let mut v = vec![("kubernetes.io/os".to_string(), os.to_ascii_lowercase())];
    if let Some(a) = arch {
        v.push(("kubernetes.io/arch".to_string(), a.to_ascii_lowercase()));
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(memory_quantity(10 << 20), "10Mi");
        assert_eq!(memory_quantity(1 << 30), "1Gi");
        assert_eq!(memory_quantity(1536 << 20), "1536Mi");
        assert_eq!(memory_quantity(100 << 10), "100Ki");
        assert_eq!(memory_quantity(1000), "1000");
        assert_eq!(memory_quantity(10_485_760_000), "10000Mi");
        assert_eq!(cpu_quantity(0.5), "500m");
        assert_eq!(cpu_quantity(2.0), "2");
        assert_eq!(cpu_quantity(0.0001), "1m");
        assert_eq!(cpu_quantity(1.25), "1250m");
    }

    #[test]
    fn words() {
        assert_eq!(split_words("a  b\tc").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            split_words(r#"sh -c 'echo $HOME && ls'"#).unwrap(),
            ["sh", "-c", "echo $HOME && ls"]
        );
        assert_eq!(
            split_words(r#"echo "a \"b\" \n""#).unwrap(),
            ["echo", r#"a "b" \n"#]
        );
        assert_eq!(split_words(r"a\ b ''").unwrap(), ["a b", ""]);
        assert!(split_words("'open").is_err());
        assert!(split_words("\"open").is_err());
        assert_eq!(split_words("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn probe_defaults() {
        let p = probes(&Health {
            argv: vec!["true".into()],
            ..Default::default()
        });
        assert_eq!(p.liveness.period_seconds, Some(30));
        assert_eq!(p.liveness.timeout_seconds, Some(30));
        assert_eq!(p.liveness.failure_threshold, Some(3));
        assert!(p.startup.is_none());
        let p = probes(&Health {
            argv: vec!["true".into()],
            start_period: Some(Duration::from_secs(40)),
            interval: Some(Duration::from_millis(1500)),
            ..Default::default()
        });
        assert_eq!(p.liveness.period_seconds, Some(2));
        let s = p.startup.unwrap();
        assert_eq!((s.period_seconds, s.failure_threshold), (Some(5), Some(11)));
    }

    #[test]
    fn annotation_keys() {
        assert!(valid_annotation_key("com.example.description"));
        assert!(valid_annotation_key("example.com/owner"));
        assert!(!valid_annotation_key("bad key"));
        assert!(!valid_annotation_key("Example.COM/x"));
        assert!(!valid_annotation_key(""));
    }
}
