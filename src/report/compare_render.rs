//! A comparison of two runs in each output format.
use super::compare::{Comparison, Flip};
use super::html::page;
use super::markdown::{cell, verdict_mark};
use super::output_format::OutputFormat;
use super::table::align;
use super::text::{html, one_line, usd, xml_chars};
use std::fmt::Write;

pub fn render(format: OutputFormat, c: &Comparison) -> String {
    match format {
        OutputFormat::Table => table(c),
        OutputFormat::Json => {
            let mut out = serde_json::to_string_pretty(c).expect("Comparison serializes to JSON");
            out.push('\n');
            out
        }
        OutputFormat::Csv => csv(c),
        OutputFormat::Markdown => markdown(c),
        OutputFormat::Junit => junit(c),
        OutputFormat::Html => html_page(c),
    }
}

fn verdict(v: Option<crate::verdict::Verdict>) -> String {
    v.map_or_else(|| "not run".into(), |v| v.to_string())
}

/// (model, change, flip) for every flip, newly failed first: regressions matter most.
fn flips(c: &Comparison) -> Vec<(&str, &'static str, &Flip)> {
    let mut out = Vec::new();
    for m in &c.models {
        out.extend(
            m.newly_failed
                .iter()
                .map(|f| (m.model.as_str(), "newly_failed", f)),
        );
        out.extend(
            m.newly_solved
                .iter()
                .map(|f| (m.model.as_str(), "newly_solved", f)),
        );
    }
    out
}

fn notes(c: &Comparison) -> Vec<String> {
    let mut notes = Vec::new();
    for (what, list) in [
        ("models only in the base run", &c.models_only_in_base),
        ("models only in the head run", &c.models_only_in_head),
        ("tasks only in the base run", &c.tasks_only_in_base),
        ("tasks only in the head run", &c.tasks_only_in_head),
    ] {
        if !list.is_empty() {
            notes.push(format!("{what}: {}", list.join(", ")));
        }
    }
    notes
}

fn table(c: &Comparison) -> String {
    let mut out = format!(
        "compare {} → {}\n\n",
        one_line(&c.base_run_id),
        one_line(&c.head_run_id)
    );
    let mut rows = vec![
        ["model", "solved", "earned", "newly solved", "newly failed"]
            .map(String::from)
            .to_vec(),
    ];
    for m in &c.models {
        rows.push(vec![
            one_line(&m.model),
            format!("{} → {}", m.solved_base, m.solved_head),
            format!("{} → {}", usd(m.dollars_base), usd(m.dollars_head)),
            m.newly_solved.len().to_string(),
            m.newly_failed.len().to_string(),
        ]);
    }
    out.push_str(&align(&rows, &[false, true, true, true, true]));
    let list = flips(c);
    if !list.is_empty() {
        out.push('\n');
        let mut rows = vec![
            ["model", "task", "change", "before", "after", "reason now"]
                .map(String::from)
                .to_vec(),
        ];
        rows.extend(list.iter().map(|(model, change, f)| {
            vec![
                one_line(model),
                one_line(&f.task_id),
                change.replace('_', " "),
                verdict(f.base_verdict),
                verdict(f.head_verdict),
                super::text::truncate(&one_line(&f.head_reason), 80),
            ]
        }));
        out.push_str(&align(&rows, &[false; 6]));
    }
    for note in notes(c) {
        out.push_str(&format!("\n{}", one_line(&note)));
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn csv(c: &Comparison) -> String {
    let q = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = String::from(
        "base_run_id,head_run_id,model,task_id,change,price_usd,base_verdict,head_verdict,head_reason\r\n",
    );
    for (model, change, f) in flips(c) {
        let _ = write!(
            out,
            "{},{},{},{},{change},{:.2},{},{},{}\r\n",
            q(&c.base_run_id),
            q(&c.head_run_id),
            q(model),
            q(&f.task_id),
            f.price_usd,
            f.base_verdict.map(|v| v.as_str()).unwrap_or(""),
            f.head_verdict.map(|v| v.as_str()).unwrap_or(""),
            q(&f.head_reason),
        );
    }
    out
}

fn markdown(c: &Comparison) -> String {
    let mut out = format!(
        "# Compare {} → {}\n\n",
        cell(&c.base_run_id),
        cell(&c.head_run_id)
    );
    out.push_str(
        "| Model | Solved | Earned | Newly solved | Newly failed |\n|---|---:|---:|---:|---:|\n",
    );
    for m in &c.models {
        let _ = writeln!(
            out,
            "| {} | {} → {} | {} → {} | {} | {} |",
            cell(&m.model),
            m.solved_base,
            m.solved_head,
            usd(m.dollars_base),
            usd(m.dollars_head),
            m.newly_solved.len(),
            m.newly_failed.len()
        );
    }
    let list = flips(c);
    if !list.is_empty() {
        out.push_str("\n| Model | Task | Change | Before | After | Reason now |\n|---|---|---|---|---|---|\n");
        for (model, change, f) in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(model),
                cell(&f.task_id),
                change.replace('_', " "),
                verdict_mark(f.base_verdict),
                verdict_mark(f.head_verdict),
                cell(&super::text::truncate(&f.head_reason, 120)),
            );
        }
    }
    for note in notes(c) {
        let _ = write!(out, "\n{}\n", cell(&note));
    }
    out
}

/// One testsuite per model; a testcase per flipped task; regressions are failures.
fn junit(c: &Comparison) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let attr = |s: &str| html(&xml_chars(s));
    let _ = writeln!(
        out,
        "<testsuites name=\"crucible compare {} to {}\">",
        attr(&c.base_run_id),
        attr(&c.head_run_id)
    );
    for m in &c.models {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            attr(&m.model),
            m.newly_solved.len() + m.newly_failed.len(),
            m.newly_failed.len()
        );
        for f in &m.newly_failed {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"><failure message=\"newly failed: {} → {}: {}\" type=\"regression\"/></testcase>",
                attr(&f.task_id),
                attr(&m.model),
                verdict(f.base_verdict),
                verdict(f.head_verdict),
                attr(&f.head_reason)
            );
        }
        for f in &m.newly_solved {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"/>",
                attr(&f.task_id),
                attr(&m.model)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn html_page(c: &Comparison) -> String {
    let mut body = format!(
        "<h1>Compare {} → {}</h1>",
        html(&c.base_run_id),
        html(&c.head_run_id)
    );
    body.push_str("<table><thead><tr><th>Model</th><th>Solved</th><th>Earned</th><th>Newly solved</th><th>Newly failed</th></tr></thead><tbody>");
    for m in &c.models {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{} → {}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            html(&m.model),
            m.solved_base,
            m.solved_head,
            usd(m.dollars_base),
            usd(m.dollars_head),
            m.newly_solved.len(),
            m.newly_failed.len()
        );
    }
    body.push_str("</tbody></table>");
    let list = flips(c);
    if !list.is_empty() {
        body.push_str("<h2>Changes</h2><table><thead><tr><th>Model</th><th>Task</th><th>Change</th><th>Before</th><th>After</th><th>Reason now</th></tr></thead><tbody>");
        for (model, change, f) in list {
            let class = if change == "newly_failed" {
                "failed"
            } else {
                "passed"
            };
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td class=\"v {class}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html(model),
                html(&f.task_id),
                change.replace('_', " "),
                verdict(f.base_verdict),
                verdict(f.head_verdict),
                html(&f.head_reason)
            );
        }
        body.push_str("</tbody></table>");
    }
    for note in notes(c) {
        let _ = write!(body, "<p class=\"muted\">{}</p>", html(&note));
    }
    page(
        &format!("crucible compare {} → {}", c.base_run_id, c.head_run_id),
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::compare;
    use crate::report::test_fixtures::summary;
    use crate::verdict::Verdict;

    fn sample() -> Comparison {
        let base = summary();
        let mut head = summary();
        head.run_id = "run-2".into();
        // beta loses t2 in the head run.
        head.tasks[1].results[0].solved = false;
        head.tasks[1].results[0].verdict = Some(Verdict::Failed);
        head.tasks[1].results[0].reason = "assert <x> & \"y\"".into();
        compare(&base, &head)
    }

    #[test]
    fn every_format_names_the_regression() {
        let c = sample();
        for format in OutputFormat::ALL {
            let text = render(format, &c);
            assert!(text.contains("t2"), "{format}: {text}");
        }
        assert!(render(OutputFormat::Table, &c).contains("newly failed  passed  failed"));
        let json: serde_json::Value =
            serde_json::from_str(&render(OutputFormat::Json, &c)).unwrap();
        assert_eq!(
            json["models"][0]["newly_failed"][0]["head_verdict"],
            "failed"
        );
    }

    #[test]
    fn compare_junit_is_well_formed() {
        let xml = render(OutputFormat::Junit, &sample());
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut failures = 0;
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Empty(e) if e.name().as_ref() == "failure" => {
                    failures += 1
                }
                _ => {}
            }
        }
        assert_eq!(failures, 1);
    }
}
