//! Making user-supplied text (task ids, titles, model names, failure reasons) safe for each
//! output, and the number formats all reports share.

/// Characters that must never reach a terminal or a document from untrusted names: control
/// characters (escape sequences could rewrite the screen) and bidi overrides (text that reads
/// differently than it is).
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// One line of plain text: hostile characters become `?`, whitespace controls a space.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if is_hostile(c) => '?',
            c => c,
        })
        .collect()
}

/// Keeps only characters XML 1.0 allows (a parser rejects the whole file otherwise).
pub fn xml_chars(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || !(is_hostile(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect()
}

/// Escaped for HTML text and attribute values (also valid inside inline SVG).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in xml_chars(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with `…` marking a cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `$1,234.50`
pub fn usd(amount: f64) -> String {
    let cents = (amount * 100.0).round();
    let negative = cents < 0.0;
    let cents = cents.abs() as u64;
    let dollars = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!(
        "{}${grouped}.{:02}",
        if negative { "-" } else { "" },
        cents % 100
    )
}

/// `83.3%`
pub fn pct(value: f64) -> String {
    format!("{value:.1}%")
}

/// A fraction in 0..=1 as a percentage: `0.3` → `30.0%`.
pub fn fraction_pct(value: f64) -> String {
    pct(value * 100.0)
}

/// `850ms`, `1.25s`, `2m05s`
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.2}s", ms as f64 / 1000.0)
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_are_neutralised() {
        assert_eq!(one_line("a\x1b[2Jb\nc\u{202E}d"), "a?[2Jb c?d");
        assert_eq!(
            xml_chars("ok\x00\x08\x0b\ttext\u{FFFF}\u{202E}"),
            "ok\ttext"
        );
        assert_eq!(
            html(r#"<img src=x onerror="a('b')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
    }

    #[test]
    fn numbers_format() {
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(1_000_000.0), "$1,000,000.00");
        assert_eq!(usd(999.999), "$1,000.00");
        assert_eq!(pct(83.333), "83.3%");
        assert_eq!(fraction_pct(0.3), "30.0%");
        assert_eq!(duration_ms(850), "850ms");
        assert_eq!(duration_ms(1250), "1.25s");
        assert_eq!(duration_ms(125_000), "2m05s");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
