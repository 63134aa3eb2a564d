//! One self-contained HTML page: inline CSS, four inline SVG charts, the model table and the
//! task × model table. No script, no fonts, no links: it opens offline and from a mail attachment.
use super::summary::RunSummary;
use super::svg::{bar_chart, histogram, stacked_bars};
use super::table::{Align, Cell, Column, Table};
use super::text::{duration_ms, html, pct, usd};
use super::views;
use crate::verdict::Verdict;
use std::fmt::Write;

// Tables: numbers never wrap, headers may (so many columns still fit), the first column (model
// or task names) stays on one line and is cut with an ellipsis when very long; a table wider
// than the page scrolls inside its own box instead of stretching the page.
const CSS: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1240px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#777;fill:#777}
.fails{font-size:11px;color:#8a1f11;max-width:28em;white-space:normal}.fails code{white-space:pre-wrap;word-break:break-word}
.note{font-size:12px;margin:6px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:18px}
svg.chart{width:100%;max-width:640px;height:auto;font-size:12px;fill:#222}
.chart-title{font-weight:600;font-size:13px}.legend{font-size:11px}.axis{stroke:#999}
.table-box{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 5px;text-align:right;white-space:nowrap;vertical-align:top}
th{background:#f6f6f6;white-space:normal;vertical-align:bottom;font-size:12px}
th.t,td.t{text-align:left}
td.t{white-space:normal;min-width:8em;max-width:32em;overflow-wrap:anywhere}
th:first-child,td.name{text-align:left}
td.name{white-space:nowrap;max-width:15em;overflow:hidden;text-overflow:ellipsis}
td.v{text-align:center}
.passed{background:#e3f4e1}.failed{background:#fbe3e3}.error,.invalid_input{background:#fdebd3}
.timeout,.memory_limit,.output_limit{background:#f3e3f7}.infra_error,.interrupted,.none{background:#eee}
";

/// Verdict colours in charts; the table cells use the CSS classes above.
pub fn verdict_colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "#59a14f",
        Verdict::Failed => "#e15759",
        Verdict::Error => "#f28e2b",
        Verdict::Timeout => "#b07aa1",
        Verdict::MemoryLimit => "#7b4f9d",
        Verdict::OutputLimit => "#d4a6c8",
        Verdict::InvalidInput => "#edc948",
        Verdict::InfraError => "#9c9c9c",
        Verdict::Interrupted => "#c8c8c8",
    }
}

/// The page skeleton shared with the comparison report.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n",
        html(title)
    )
}

fn charts(summary: &RunSummary) -> String {
    let accuracy: Vec<(String, f64)> = summary
        .models
        .iter()
        .map(|m| (m.model.clone(), m.accuracy_pct))
        .collect();
    let dollars: Vec<(String, f64)> = summary
        .models
        .iter()
        .map(|m| (m.model.clone(), m.dollars_earned))
        .collect();
    let verdict_rows: Vec<(String, Vec<u64>)> = summary
        .models
        .iter()
        .map(|m| {
            (
                m.model.clone(),
                Verdict::ALL.iter().map(|&v| m.verdicts.get(v)).collect(),
            )
        })
        .collect();
    let verdict_series: Vec<(String, &str)> = Verdict::ALL
        .iter()
        .map(|&v| (v.as_str().to_string(), verdict_colour(v)))
        .collect();
    let walls: Vec<(String, &[u64])> = summary
        .models
        .iter()
        .map(|m| (m.model.clone(), m.wall_ms.as_slice()))
        .collect();
    let dollar_max = (summary.dollars_available > 0.0).then_some(summary.dollars_available);
    format!(
        "<div class=\"charts\">{}{}{}{}</div>",
        bar_chart("Accuracy (tasks solved)", &accuracy, Some(100.0), pct),
        bar_chart("Dollars earned", &dollars, dollar_max, usd),
        stacked_bars(
            "Verdicts (all final attempts)",
            &verdict_rows,
            &verdict_series
        ),
        histogram("Wall time of judged executions", &walls, duration_ms),
    )
}

/// A class name safe in an attribute, from a table's title: "Task results" → "task-results".
fn slug(title: &str) -> String {
    title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn td(out: &mut String, index: usize, column: &Column, c: &Cell) {
    match c {
        Cell::Verdict {
            verdict,
            detail,
            note,
            failures,
        } => {
            let class = verdict.map_or("none", Verdict::as_str);
            let _ = write!(
                out,
                "<td class=\"v {class}\" title=\"{}\">{}",
                html(note),
                html(&c.display())
            );
            if !detail.is_empty() {
                let _ = write!(out, "<br><span class=\"muted\">{}</span>", html(detail));
            }
            if let Some((names, first)) = failures
                .split_once('\n')
                .or((!failures.is_empty()).then_some((failures.as_str(), "")))
            {
                let _ = write!(out, "<div class=\"fails\">{}", html(names));
                if !first.is_empty() {
                    let _ = write!(out, "<br><code>{}</code>", html(first));
                }
                out.push_str("</div>");
            }
            out.push_str("</td>");
        }
        Cell::Status { label, good } => {
            let class = if *good { "passed" } else { "failed" };
            let _ = write!(out, "<td class=\"v {class}\">{}</td>", html(label));
        }
        Cell::Text(s) if index == 0 => {
            let _ = write!(out, "<td class=\"name\" title=\"{0}\">{0}</td>", html(s));
        }
        Cell::Text(s) if column.align == Align::Left => {
            let _ = write!(out, "<td class=\"t\">{}</td>", html(s));
        }
        c => {
            let _ = write!(out, "<td>{}</td>", html(&c.display()));
        }
    }
}

/// A report table in its scroll box, then its notes.
pub fn table(t: &Table) -> String {
    let mut out = format!(
        "<div class=\"table-box\"><table class=\"{}\"><thead><tr>",
        slug(&t.title)
    );
    for c in &t.columns {
        let class = if c.align == Align::Left {
            " class=\"t\""
        } else {
            ""
        };
        // Labels like memory_limit may break after the underscore: narrower columns.
        let label = html(&c.label).replace('_', "_<wbr>");
        let _ = write!(out, "<th{class}>{label}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, column) in t.columns.iter().enumerate() {
            td(&mut out, i, column, row.get(i).unwrap_or(&Cell::Empty));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    for note in &t.notes {
        let _ = write!(out, "<p class=\"muted note\">{}</p>", html(note));
    }
    out
}

/// Tables under their `<h2>` titles.
pub fn sections(tables: &[Table]) -> String {
    let mut out = String::new();
    for t in tables {
        let _ = write!(out, "<h2>{}</h2>", html(&t.title));
        out.push_str(&table(t));
    }
    out
}

pub fn render(summary: &RunSummary) -> String {
    let mut body = format!(
        "<h1>crucible run {}</h1><p class=\"muted\">{} tasks · {} available · {} sample(s) × {} repeat(s)</p>",
        html(&summary.run_id),
        summary.task_count,
        usd(summary.dollars_available),
        summary.samples,
        summary.repeats,
    );
    if summary.models.is_empty() {
        body.push_str("<p>No executions recorded for this run yet.</p>");
    } else {
        body.push_str(&charts(summary));
        body.push_str(&sections(&[views::models(summary), views::tasks(summary)]));
    }
    page(&format!("crucible run {}", summary.run_id), &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::summary;

    #[test]
    fn page_has_four_charts_and_no_urls() {
        let page = render(&summary());
        assert_eq!(page.matches("<svg").count(), 4, "{page}");
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(page.contains("<td class=\"v passed\""));
    }

    #[test]
    fn user_names_are_escaped_everywhere() {
        let mut s = summary();
        s.models[0].model = "<script>alert(1)</script>".into();
        s.tasks[0].task_id = "\"><img src=x onerror=alert(2)>".into();
        s.tasks[0].results[0].reason = "'><svg onload=alert(3)>".into();
        let page = render(&s);
        assert!(
            !page.contains("<script") && !page.contains("<img") && !page.contains("<svg onload"),
            "{page}"
        );
        assert_eq!(page.matches("<svg").count(), 4);
    }
}
