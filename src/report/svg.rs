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
    open_with_class(out, title, height, "chart");
}

fn open_with_class(out: &mut String, title: &str, height: f64, class: &str) {
    let _ = write!(
        out,
        r#"<svg class="{class}" role="img" aria-label="{t}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"><title>{t}</title><text x="0" y="18" class="chart-title">{t}</text>"#,
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

/// The next number of the 1-2-5 sequence (1, 2, 5, 10, 20, …), saturating at u64::MAX.
fn next_125(x: u64) -> u64 {
    let mut magnitude = 1u64;
    while let Some(next) = magnitude.checked_mul(10).filter(|&m| m <= x) {
        magnitude = next;
    }
    match x / magnitude {
        1 => magnitude.saturating_mul(2),
        2..=4 => magnitude.saturating_mul(5),
        _ => magnitude.saturating_mul(10),
    }
}

/// Where the bins of a histogram of values from `min` to `max` start, ascending.
///
/// Wall times often span orders of magnitude (50 ms runs next to a 60 s timeout): bins of one
/// width starting at 0 then put nearly everything into the first bin. So when `max` is more than
/// 20 times `min` the bins grow 1-2-5 (log scale); otherwise they are equal round steps
/// starting at the bin of `min`, not at 0.
pub fn bin_starts(min: u64, max: u64) -> Vec<u64> {
    let low = min.max(1);
    if max / low > 20 {
        let mut start = 1u64;
        while next_125(start) <= low && next_125(start) > start {
            start = next_125(start);
        }
        let mut starts = vec![start];
        while next_125(start) <= max && next_125(start) > start {
            start = next_125(start);
            starts.push(start);
        }
        return starts;
    }
    let step = nice_step(max - min + 1, 12);
    let first = min / step * step;
    (0..=(max - first) / step)
        .map(|i| first.saturating_add(i.saturating_mul(step)))
        .collect()
}

/// The end of bin `b` (the next bin's start, or one step past the last).
fn bin_end(starts: &[u64], b: usize) -> u64 {
    match starts.get(b + 1) {
        Some(&next) => next,
        None if starts.len() >= 2 && starts[1] - starts[0] == starts[b] - starts[b - 1] => {
            starts[b].saturating_add(starts[1] - starts[0])
        }
        None => next_125(starts[b]),
    }
}

/// Vertical histogram of values (e.g. wall times in ms), stacked by series (e.g. model).
/// Each bar is a `rect.bar`; see [`bin_starts`] for the bins.
pub fn histogram(
    title: &str,
    series: &[(String, &[u64])],
    format: impl Fn(u64) -> String,
) -> String {
    let all = || series.iter().flat_map(|(_, v)| v.iter().copied());
    let (Some(min), Some(max)) = (all().min(), all().max()) else {
        return empty_chart(title);
    };
    let starts = bin_starts(min, max);
    let bins = starts.len();
    let log_scale = bins >= 2 && starts[1] - starts[0] != starts[bins - 1] - starts[bins - 2];
    let title = if log_scale {
        format!("{title} (log scale)")
    } else {
        title.to_string()
    };
    let title = title.as_str();
    let bin_of = |v: u64| starts.partition_point(|&s| s <= v).saturating_sub(1);
    let counts: Vec<Vec<u64>> = series
        .iter()
        .map(|(_, values)| {
            let mut c = vec![0u64; bins];
            for &v in values.iter() {
                c[bin_of(v)] += 1;
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
    open_with_class(&mut out, title, height, "chart histogram");
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
                r#"<rect class="bar" data-bin="{b}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"><title>{n}: {count} in {from}–{to}</title></rect>"#,
                w = (col_w - 2.0).max(1.0),
                colour = model_colour(s),
                n = html(&series[s].0),
                count = c[b],
                from = html(&format(starts[b])),
                to = html(&format(bin_end(&starts, b))),
            );
        }
        if b % 2 == 0 || bins <= 8 {
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{ty:.1}" class="legend">{label}</text>"#,
                ty = base + 14.0,
                label = html(&format(starts[b])),
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
    fn bins_spread_values_of_every_range() {
        // The report's case: sub-second runs and one 60 s timeout. Linear bins from 0 put every
        // run but the timeout in the first bin.
        let starts = bin_starts(80, 60_000);
        assert_eq!(
            starts,
            [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000]
        );
        // A narrow range: equal steps from the smallest value's bin, not from 0.
        assert_eq!(
            bin_starts(900, 1100),
            [900, 920, 940, 960, 980, 1000, 1020, 1040, 1060, 1080, 1100]
        );
        assert_eq!(bin_starts(7, 7), [7]);
        assert_eq!(bin_starts(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(next_125(1), 2);
        assert_eq!(next_125(20), 50);
        assert_eq!(next_125(50), 100);
        assert_eq!(next_125(u64::MAX), u64::MAX);
        let values = [80u64, 120, 150, 300, 450, 700, 900, 60_000];
        let hist = histogram("Wall", &[("m".into(), &values[..])], |v| v.to_string());
        let bins: std::collections::BTreeSet<&str> = hist
            .split("data-bin=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert!(bins.len() >= 5, "{bins:?}");
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
        // Three bars (0, 5 and 10000 fall in different bins of a log scale) and one legend box.
        assert_eq!(hist.matches("<rect").count(), 3 + 1, "{hist}");
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
