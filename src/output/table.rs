//! Tables in kubectl's plain style: no borders, upper-case headers, columns padded.

use comfy_table::{Cell, ContentArrangement, Table, presets};

/// A new table with the given headers.
pub fn new<I, S>(headers: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.into_iter().map(|h| Cell::new(h.into())));
    for col in t.column_iter_mut() {
        col.set_padding((0, 3));
    }
    t
}

/// The table as text with trailing spaces trimmed on each line.
pub fn render(t: &Table) -> String {
    let mut s = String::new();
    for line in t.to_string().lines() {
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Human age like kubectl: 45s, 12m, 3h, 5d, 2y.
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=119 => format!("{s}s"),
        120..=7199 => format!("{}m", s / 60),
        7200..=172_799 => format!("{}h", s / 3600),
        172_800..=63_071_999 => format!("{}d", s / 86_400),
        _ => format!("{}y", s / 31_536_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(age(-5), "0s");
        assert_eq!(age(59), "59s");
        assert_eq!(age(600), "10m");
        assert_eq!(age(7200), "2h");
        assert_eq!(age(86_400 * 3), "3d");
    }

    #[test]
    fn renders_without_borders() {
        let mut t = new(["NAME", "READY"]);
        t.add_row(["a", "1/1"]);
        let s = render(&t);
        assert!(s.starts_with("NAME"), "{s}");
        assert!(!s.contains('|'), "{s}");
        assert!(s.lines().all(|l| !l.ends_with(' ')));
    }
}
