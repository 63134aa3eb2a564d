//! Small inline SVG charts for the HTML report, drawn by hand so the file needs no script and
//! no network. Every label goes through `text::html`; no `xmlns` is written because inline SVG
//! in HTML does not need one (and the report must not reference any URL).
use super::text::{html, truncate};
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 170.0;
const VALUE_WIDTH: f64 = 90.0;
const ROW_HEIGHT: f64 = 26.0;
const TOP: f64 = 34.0;
const LABEL_CHARS: usize = 24;

/// Colours for models (cycled) and for verdicts (fixed, so charts read the same in every report).
pub const MODEL_COLOURS: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
];

pub fn model_colour(index: usize) -> &'static str {
    MODEL_COLOURS[index % MODEL_COLOURS.len()]
}

fn open(out: &mut String, title: &str, height: f64) {
    let _ = write!(
        out,
        r#"<svg class="chart" role="img" aria-label="{t}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"><title>{t}</title><text x="0" y="18" class="chart-title">{t}</text>"#,
        t = html(title)
    );
}

fn empty_chart(title: &str) -> String {
    let mut out = String::new();
    open(&mut out, title, 70.0);
    out.push_str(r#"<text x="0" y="52" class="muted">no data</text></svg>"#);
    out
}

/// Horizontal bars, one per label, scaled to `max` (or the largest value).
pub fn bar_chart(
    title: &str,
    bars: &[(String, f64)],
    max: Option<f64>,
    format: impl Fn(f64) -> String,
) -> String {
    if bars.is_empty() {
        return empty_chart(title);
    }
    let largest = max.unwrap_or_else(|| bars.iter().map(|b| b.1).fold(0.0, f64::max));
    let scale = if largest > 0.0 {
        (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest
    } else {
        0.0
    };
    let height = TOP + ROW_HEIGHT * bars.len() as f64 + 8.0;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * i as f64;
        let w = (value.max(0.0) * scale).max(0.0);
        let _ = write!(
            out,
            r#"<text x="{lx}" y="{ty:.1}" text-anchor="end">{short}<title>{full}</title></text><rect x="{LABEL_WIDTH}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{c}"/><text x="{vx:.1}" y="{ty:.1}">{v}</text>"#,
            lx = LABEL_WIDTH - 8.0,
            ty = y + ROW_HEIGHT * 0.62,
            short = html(&truncate(label, LABEL_CHARS)),
            full = html(label),
            h = ROW_HEIGHT - 8.0,
            c = model_colour(i),
            vx = LABEL_WIDTH + w + 6.0,
            v = html(&format(*value)),
        );
    }
    out.push_str("</svg>");
    out
}

/// One horizontal bar per row, split into segments by share of the row's total.
/// `series` gives each segment's name and colour; a legend lists the series that occur.
pub fn stacked_bars(title: &str, rows: &[(String, Vec<u64>)], series: &[(String, &str)]) -> String {
    if rows.is_empty() {
        return empty_chart(title);
    }
    let bar_width = WIDTH - LABEL_WIDTH - 10.0;
    let used: Vec<usize> = (0..series.len())
        .filter(|&s| rows.iter().any(|r| r.1.get(s).copied().unwrap_or(0) > 0))
        .collect();
    let legend_rows = used.len().div_ceil(4).max(1) as f64;
    let height = TOP + ROW_HEIGHT * rows.len() as f64 + 20.0 * legend_rows + 8.0;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * i as f64;
        let total: u64 = counts.iter().sum();
        let _ = write!(
            out,
            r#"<text x="{lx}" y="{ty:.1}" text-anchor="end">{short}<title>{full}</title></text>"#,
            lx = LABEL_WIDTH - 8.0,
            ty = y + ROW_HEIGHT * 0.62,
            short = html(&truncate(label, LABEL_CHARS)),
            full = html(label),
        );
        let mut x = LABEL_WIDTH;
        for (s, &count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let w = bar_width * count as f64 / total as f64;
            let (name, colour) = series
                .get(s)
                .map(|(n, c)| (n.as_str(), *c))
                .unwrap_or(("other", "#999"));
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"><title>{n}: {count}</title></rect>"#,
                h = ROW_HEIGHT - 8.0,
                n = html(name),
            );
            x += w;
        }
    }
    let legend_top = TOP + ROW_HEIGHT * rows.len() as f64 + 4.0;
    for (slot, &s) in used.iter().enumerate() {
        let x = LABEL_WIDTH + (slot % 4) as f64 * 115.0;
        let y = legend_top + 20.0 * (slot / 4) as f64;
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="12" height="12" fill="{c}"/><text x="{tx:.1}" y="{ty:.1}" class="legend">{n}</text>"#,
            c = series[s].1,
            tx = x + 16.0,
            ty = y + 10.0,
            n = html(&series[s].0),
        );
    }
    out.push_str("</svg>");
    out
}

/// A 1-2-5 step that splits `max` into at most `bins` bins.
pub fn nice_step(max: u64, bins: u64) -> u64 {
    let raw = max.div_ceil(bins.max(1)).max(1);
    let mut magnitude = 1u64;
    while magnitude.saturating_mul(10) <= raw {
        magnitude = magnitude.saturating_mul(10);
    }
    [1u64, 2, 5, 10]
        .iter()
        .map(|m| magnitude.saturating_mul(*m))
        .find(|&step| step >= raw)
        .unwrap_or(raw)
}

/// Vertical histogram of values (e.g. wall times in ms), stacked by series (e.g. model).
pub fn histogram(
    title: &str,
    series: &[(String, &[u64])],
    format: impl Fn(u64) -> String,
) -> String {
    let max = series.iter().flat_map(|(_, v)| v.iter().copied()).max();
    let Some(max) = max else {
        return empty_chart(title);
    };
    let step = nice_step(max.saturating_add(1), 12);
    let bins = (max / step + 1) as usize;
    let counts: Vec<Vec<u64>> = series
        .iter()
        .map(|(_, values)| {
            let mut c = vec![0u64; bins];
            for &v in values.iter() {
                c[((v / step) as usize).min(bins - 1)] += 1;
            }
            c
        })
        .collect();
    let tallest = (0..bins)
        .map(|b| counts.iter().map(|c| c[b]).sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (left, plot_h, plot_w) = (40.0, 180.0, WIDTH - 50.0);
    let legend_rows = series.len().div_ceil(4) as f64;
    let height = TOP + plot_h + 24.0 + 20.0 * legend_rows + 8.0;
    let col_w = plot_w / bins as f64;
    let mut out = String::new();
    open(&mut out, title, height);
    let base = TOP + plot_h;
    let _ = write!(
        out,
        r#"<line x1="{left}" y1="{base}" x2="{x2}" y2="{base}" class="axis"/><text x="{tx}" y="{ty}" text-anchor="end" class="legend">{tallest}</text>"#,
        x2 = left + plot_w,
        tx = left - 4.0,
        ty = TOP + 10.0,
    );
    for b in 0..bins {
        let x = left + col_w * b as f64;
        let mut y = base;
        for (s, c) in counts.iter().enumerate().filter(|(_, c)| c[b] > 0) {
            let h = plot_h * c[b] as f64 / tallest as f64;
            y -= h;
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"><title>{n}: {count} in {from}–{to}</title></rect>"#,
                w = (col_w - 2.0).max(1.0),
                colour = model_colour(s),
                n = html(&series[s].0),
                count = c[b],
                from = html(&format(step.saturating_mul(b as u64))),
                to = html(&format(step.saturating_mul(b as u64 + 1))),
            );
        }
        if b % 2 == 0 || bins <= 8 {
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{ty:.1}" class="legend">{label}</text>"#,
                ty = base + 14.0,
                label = html(&format(step.saturating_mul(b as u64))),
            );
        }
    }
    for (s, (name, _)) in series.iter().enumerate() {
        let x = left + (s % 4) as f64 * 150.0;
        let y = base + 24.0 + 20.0 * (s / 4) as f64;
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="12" height="12" fill="{c}"/><text x="{tx:.1}" y="{ty:.1}" class="legend">{n}</text>"#,
            c = model_colour(s),
            tx = x + 16.0,
            ty = y + 10.0,
            n = html(&truncate(name, 20)),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_numbers() {
        assert_eq!(nice_step(10_001, 12), 1000);
        assert_eq!(nice_step(100, 12), 10);
        assert_eq!(nice_step(1, 12), 1);
        assert_eq!(nice_step(30_000, 12), 5000);
        assert!(nice_step(u64::MAX, 12) >= u64::MAX / 12);
        // Absurd wall times from a broken record must not overflow the axis labels.
        let hist = histogram(
            "t",
            &[("m".into(), &[u64::MAX, 0, u64::MAX / 2][..])],
            |v| v.to_string(),
        );
        assert!(hist.ends_with("</svg>"));
    }

    #[test]
    fn charts_escape_labels_and_handle_empty_data() {
        let bars = bar_chart("Accuracy", &[("<b>x</b>".into(), 50.0)], Some(100.0), |v| {
            format!("{v}%")
        });
        assert!(bars.contains("&lt;b&gt;x&lt;/b&gt;") && !bars.contains("<b>"));
        assert!(bar_chart("t", &[], None, |v| v.to_string()).contains("no data"));
        assert!(histogram("t", &[], |v| v.to_string()).contains("no data"));
        let hist = histogram("Wall", &[("m".into(), &[0, 5, 10_000][..])], |v| {
            v.to_string()
        });
        assert_eq!(hist.matches("<rect").count(), 2 + 1, "{hist}");
        let stacked = stacked_bars(
            "V",
            &[("m".into(), vec![3, 0, 1])],
            &[
                ("passed".into(), "#0a0"),
                ("failed".into(), "#a00"),
                ("error".into(), "#f80"),
            ],
        );
        assert!(
            stacked.contains("passed: 3")
                && stacked.contains("error: 1")
                && !stacked.contains("failed")
        );
    }
}
