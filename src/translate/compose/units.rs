//! Compose durations (Go `time.ParseDuration`: `1m30s`, `10s`, `1.5h`, `500ms`) and byte sizes
//! (docker `RAMInBytes`: `512m`, `1gb`, `100k`, plain bytes; binary multiples).

use std::time::Duration;

/// Parse a Go-style duration. Negative durations are rejected (compose has no use for them).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.starts_with('-') {
        return Err(format!("invalid duration {s:?}: negative"));
    }
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    if t.is_empty() {
        return Err(format!("invalid duration {s:?}"));
    }
    let mut total: f64 = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(n);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(format!("invalid duration {s:?}"));
        }
        let u = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(u);
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => {
                return Err(format!(
                    "invalid duration {s:?}: missing unit (e.g. 10s, 1m30s)"
                ));
            }
            other => return Err(format!("invalid duration {s:?}: unknown unit {other:?}")),
        };
        let v: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
        total += v * scale;
        rest = tail;
    }
    if !total.is_finite() || total > 1e12 {
        return Err(format!("invalid duration {s:?}: out of range"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Parse a byte size like docker's `RAMInBytes`: `<number>[.<frac>][ ]<k|m|g|t|p>[i][b]`,
/// case-insensitive, binary multiples; a plain number is bytes.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let n = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(n);
    let unit = unit.trim_start().to_ascii_lowercase();
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1
    {
        return Err(format!("invalid size {s:?}"));
    }
    let mut u = unit.as_str();
    u = u.strip_suffix('b').unwrap_or(u);
    u = u.strip_suffix('i').unwrap_or(u);
    let mult: u64 = match u {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        "p" => 1 << 50,
        _ => return Err(format!("invalid size {s:?}: unknown unit {unit:?}")),
    };
    if unit == "i" || unit == "ib" {
        return Err(format!("invalid size {s:?}"));
    }
    let v: f64 = num.parse().map_err(|_| format!("invalid size {s:?}"))?;
    let bytes = v * mult as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("invalid size {s:?}: out of range"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2h45m").unwrap(), Duration::from_secs(9900));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("100us").unwrap(), Duration::from_micros(100));
        for bad in ["", "10", "s", "1x", "-1s", "1..2s", "1e400h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes() {
        assert_eq!(parse_bytes("512m").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("1gb").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("100k").unwrap(), 100 << 10);
        assert_eq!(parse_bytes("1024").unwrap(), 1024);
        assert_eq!(parse_bytes("1.5g").unwrap(), 3 << 29);
        assert_eq!(parse_bytes("64 MB").unwrap(), 64 << 20);
        assert_eq!(parse_bytes("2b").unwrap(), 2);
        for bad in ["", "m", "1x", "-1", "1.2.3k", "99999999999999999999p"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }
}
