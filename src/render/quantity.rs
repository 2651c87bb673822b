//! Kubernetes resource quantities (`128Mi`, `1G`, `250m`, `1500000n`) as numbers: one parser
//! for the renderers (Docker limits from a workload's resources) and for reading usage back
//! (metrics.k8s.io, budgets).

/// A memory quantity in bytes (`512Mi`, `1G`, `2048Ki`, `1048576`); `None` when unreadable.
pub fn bytes(q: &str) -> Option<u64> {
    let q = q.trim();
    const UNITS: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    let (num, f) = UNITS
        .iter()
        .find_map(|(s, f)| q.strip_suffix(s).map(|n| (n, *f)))
        .unwrap_or((q, 1.0));
    num.parse::<f64>()
        .ok()
        .filter(|v| *v >= 0.0)
        .map(|v| (v * f) as u64)
}

/// A CPU quantity in thousandths of a CPU (`250m` → 250, `1.5` → 1500, `1500000n` → 1.5,
/// `20u` → 0.02); `None` when unreadable.
pub fn millicores(q: &str) -> Option<f64> {
    let q = q.trim();
    let (num, factor) = if let Some(n) = q.strip_suffix('n') {
        (n, 1e-6)
    } else if let Some(n) = q.strip_suffix('u') {
        (n, 1e-3)
    } else if let Some(n) = q.strip_suffix('m') {
        (n, 1.0)
    } else {
        (q, 1000.0)
    };
    num.parse::<f64>()
        .ok()
        .filter(|v| *v >= 0.0)
        .map(|v| v * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(millicores("250m"), Some(250.0));
        assert_eq!(millicores("2"), Some(2000.0));
        assert!((millicores("1500000n").unwrap() - 1.5).abs() < 1e-9);
        assert!((millicores("20u").unwrap() - 0.02).abs() < 1e-9);
        assert_eq!(millicores("lots"), None);
        assert_eq!(bytes("128Mi"), Some(134_217_728));
        assert_eq!(bytes("1G"), Some(1_000_000_000));
        assert_eq!(bytes("2048Ki"), Some(2_097_152));
        assert_eq!(bytes("1000"), Some(1000));
        assert_eq!(bytes("junk"), None);
    }
}
