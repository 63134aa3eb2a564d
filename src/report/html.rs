//! One self-contained HTML page: inline CSS, four inline SVG charts, the model table and the
//! task × model table. No script, no fonts, no links: it opens offline and from a mail attachment.
use super::summary::RunSummary;
use super::svg::{bar_chart, histogram, stacked_bars};
use super::text::{duration_ms, fraction_pct, html, pct, usd};
use crate::verdict::Verdict;
use std::fmt::Write;

const CSS: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#777;fill:#777}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px}
svg.chart{max-width:100%;height:auto;font-size:12px;fill:#222}
.chart-title{font-weight:600;font-size:13px}.legend{font-size:11px}.axis{stroke:#999}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;word-break:break-word}
th{background:#f6f6f6}
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

fn model_table(summary: &RunSummary) -> String {
    let ks: Vec<u32> = summary
        .models
        .first()
        .map(|m| m.pass_at_k.iter().map(|p| p.k).collect())
        .unwrap_or_default();
    let mut out = String::from(
        "<table><thead><tr><th>Model</th><th>Solved</th><th>Accuracy</th><th>Earned</th><th>Tests passed</th>",
    );
    for k in &ks {
        let _ = write!(out, "<th>pass@{k}</th>");
    }
    for v in Verdict::ALL {
        let _ = write!(out, "<th>{}</th>", v.as_str().replace('_', " "));
    }
    out.push_str("<th>Median wall</th>");
    if summary.repeats > 1 {
        out.push_str("<th>Flaky</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for m in &summary.models {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}/{}</td><td>{}</td><td>{} / {}</td><td>{}</td>",
            html(&m.model),
            m.tasks_solved,
            m.tasks_total,
            pct(m.accuracy_pct),
            usd(m.dollars_earned),
            usd(m.dollars_available),
            m.test_case_pass_rate_pct.map_or_else(
                || "–".into(),
                |p| format!(
                    "{} ({}/{})",
                    pct(p),
                    m.test_cases_passed,
                    m.test_cases_total
                )
            ),
        );
        for p in &m.pass_at_k {
            let _ = write!(out, "<td>{}</td>", fraction_pct(p.value));
        }
        for v in Verdict::ALL {
            let _ = write!(out, "<td>{}</td>", m.verdicts.get(v));
        }
        let _ = write!(
            out,
            "<td>{}</td>",
            m.median_wall_ms.map_or_else(|| "–".into(), duration_ms)
        );
        if summary.repeats > 1 {
            let _ = write!(
                out,
                "<td>{}</td>",
                m.flake_rate.map_or_else(|| "–".into(), fraction_pct)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn task_table(summary: &RunSummary) -> String {
    let mut out = String::from("<table><thead><tr><th>Task</th><th>Price</th>");
    for m in &summary.models {
        let _ = write!(out, "<th>{}</th>", html(&m.model));
    }
    out.push_str("</tr></thead><tbody>");
    for t in &summary.tasks {
        let _ = write!(
            out,
            "<tr><td title=\"{}\">{}<br><span class=\"muted\">{}</span></td><td>{}</td>",
            html(&t.language),
            html(&t.task_id),
            html(&t.title),
            usd(t.price_usd)
        );
        for r in &t.results {
            let (class, label) = r
                .verdict
                .map_or(("none", "not run"), |v| (v.as_str(), v.as_str()));
            let _ = write!(
                out,
                "<td class=\"v {class}\" title=\"{}\">{label}<br><span class=\"muted\">{}/{} tests</span></td>",
                html(&r.reason),
                r.tests_passed,
                r.tests_total,
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

pub fn render(summary: &RunSummary) -> String {
    let mut body = format!(
        "<h1>crucible run {}</h1><p class=\"muted\">{} tasks · {} available · {} sample(s) × {} repeat(s). \
         A task is solved when the final attempt of its sample 0, repeat 0 passed.</p>",
        html(&summary.run_id),
        summary.task_count,
        usd(summary.dollars_available),
        summary.samples,
        summary.repeats,
    );
    body.push_str(&charts(summary));
    body.push_str("<h2>Models</h2>");
    body.push_str(&model_table(summary));
    body.push_str("<h2>Tasks</h2>");
    body.push_str(&task_table(summary));
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
