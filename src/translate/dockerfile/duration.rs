//! Go's `time.ParseDuration`.

/// Parses a Go duration (`300ms`, `-1.5h`, `2h45m`, `1µs`, `0`) into signed nanoseconds.
/// Errors are Go's messages (`time: invalid duration "x"`, `time: unknown unit …`).
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", super::dump::go_quote(orig));
    let mut s = s;
    let mut neg = false;
    if let Some(c) = s.chars().next()
        && (c == '-' || c == '+')
    {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Integer part.
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            if v > (LIMIT - 1) / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        let pre = int_len > 0;
        s = &s[int_len..];
        // Fraction.
        let mut post = false;
        let (mut f, mut scale) = (0u64, 1f64);
        if let Some(rest) = s.strip_prefix('.') {
            let b = rest.as_bytes();
            let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let mut overflow = false;
            for &c in &b[..n] {
                if overflow {
                    continue;
                }
                if f > (i64::MAX as u64 - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = n > 0;
            s = &rest[n..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit.
        let unit_len = s
            .bytes()
            .take_while(|c| *c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                super::dump::go_quote(orig)
            ));
        }
        let (u, rest) = s.split_at(unit_len);
        s = rest;
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::dump::go_quote(u),
                    super::dump::go_quote(orig)
                ));
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        d += v;
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i128).wrapping_neg() as i64);
    }
    if d > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

#[cfg(test)]
mod tests {
    use super::parse_go_duration as p;

    #[test]
    fn go_durations() {
        assert_eq!(p("0"), Ok(0));
        assert_eq!(p("5s"), Ok(5_000_000_000));
        assert_eq!(p("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(p("2h45m"), Ok(9_900_000_000_000));
        assert_eq!(p("-1ms"), Ok(-1_000_000));
        assert_eq!(p("+300ms"), Ok(300_000_000));
        assert_eq!(p("1µs"), Ok(1_000));
        assert_eq!(p(".5s"), Ok(500_000_000));
        assert_eq!(p("1.s"), Ok(1_000_000_000));
        assert!(p("").is_err());
        assert!(p("5").is_err());
        assert!(p("s").is_err());
        assert!(p(".s").is_err());
        assert!(p("5x").is_err());
        assert!(p("9999999999999h").is_err());
        assert_eq!(p("-9223372036854775808ns"), Ok(i64::MIN));
        assert!(p("9223372036854775808ns").is_err());
    }
}
