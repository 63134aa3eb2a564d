//! A comparison of two runs in each output format: the compare and flips views through the
//! shared table renderers, JSON through serde, JUnit through quick-xml.
use super::compare::{Comparison, Flip};
use super::csv::to_csv;
use super::html::{page, sections};
use super::markdown::{self, cell};
use super::output_format::OutputFormat;
use super::table::{Table, to_text, verdict_label};
use super::text::{one_line, xml_chars};
use super::views;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use std::io;

pub fn render(format: OutputFormat, c: &Comparison) -> String {
    match format {
        OutputFormat::Table => text(c),
        OutputFormat::Json => {
            let mut out = serde_json::to_string_pretty(c).expect("Comparison serializes to JSON");
            out.push('\n');
            out
        }
        // One CSV is one table: the flips (the per-model counts follow from them).
        OutputFormat::Csv => to_csv(&views::flips(c)),
        OutputFormat::Markdown => markdown_doc(c),
        OutputFormat::Junit => junit(c),
        OutputFormat::Html => html_page(c),
    }
}

/// The models view, then the flips view when something flipped.
fn tables(c: &Comparison) -> Vec<Table> {
    let flips = views::flips(c);
    let mut out = vec![views::compare_models(c)];
    if !flips.rows.is_empty() {
        out.push(flips);
    }
    out
}

fn title(c: &Comparison) -> String {
    format!("Compare {} → {}", c.base_run_id, c.head_run_id)
}

fn text(c: &Comparison) -> String {
    let mut out = format!("{}\n", one_line(&title(c)));
    for t in tables(c) {
        out.push('\n');
        out.push_str(&to_text(&t));
    }
    out
}

fn markdown_doc(c: &Comparison) -> String {
    let mut out = format!("# {}\n", cell(&title(c)));
    for t in tables(c) {
        out.push_str(&format!("\n## {}\n\n", cell(&t.title)));
        out.push_str(&markdown::table(&t));
    }
    out
}

fn html_page(c: &Comparison) -> String {
    let mut body = format!("<h1>{}</h1>", super::text::html(&title(c)));
    body.push_str(&sections(&tables(c)));
    page(&format!("crucible {}", title(c)), &body)
}

/// One testsuite per model; a testcase per flipped task; regressions are failures.
fn junit(c: &Comparison) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    write_junit(&mut writer, c).expect("writing XML into memory");
    let mut out = String::from_utf8(writer.into_inner()).expect("quick-xml writes UTF-8");
    out.push('\n');
    out
}

fn write_junit(w: &mut Writer<Vec<u8>>, c: &Comparison) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let name = xml_chars(&format!(
        "crucible compare {} to {}",
        c.base_run_id, c.head_run_id
    ));
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", name.as_str()));
    w.write_event(Event::Start(root))?;
    for m in &c.models {
        let model = xml_chars(&m.model);
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", model.as_str()));
        let tests = m.newly_solved.len() + m.newly_failed.len();
        suite.push_attribute(("tests", tests.to_string().as_str()));
        suite.push_attribute(("failures", m.newly_failed.len().to_string().as_str()));
        suite.push_attribute(("errors", "0"));
        suite.push_attribute(("skipped", "0"));
        w.write_event(Event::Start(suite))?;
        for f in &m.newly_failed {
            write_case(w, &model, f, true)?;
        }
        for f in &m.newly_solved {
            write_case(w, &model, f, false)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, model: &str, f: &Flip, failed: bool) -> io::Result<()> {
    let task = xml_chars(&f.task_id);
    let mut case = BytesStart::new("testcase");
    case.push_attribute(("name", task.as_str()));
    case.push_attribute(("classname", model));
    if !failed {
        return w.write_event(Event::Empty(case));
    }
    w.write_event(Event::Start(case))?;
    let message = xml_chars(&format!(
        "newly failed: {} → {}: {}",
        verdict_label(f.base_verdict),
        verdict_label(f.head_verdict),
        f.head_reason
    ));
    let mut failure = BytesStart::new("failure");
    failure.push_attribute(("message", message.as_str()));
    failure.push_attribute(("type", "regression"));
    w.write_event(Event::Empty(failure))?;
    w.write_event(Event::End(BytesEnd::new("testcase")))
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
        let csv = render(OutputFormat::Csv, &c);
        assert_eq!(
            csv,
            "model,task_id,change,base_verdict,head_verdict,price_usd,head_reason\r\n\
             beta,t2,newly_failed,passed,failed,50.00,\"assert <x> & \"\"y\"\"\"\r\n"
        );
        let html = render(OutputFormat::Html, &c);
        assert!(
            html.contains("assert &lt;x&gt; &amp; &quot;y&quot;"),
            "{html}"
        );
    }

    #[test]
    fn every_format_has_the_same_columns() {
        let c = sample();
        let md = render(OutputFormat::Markdown, &c);
        let html = render(OutputFormat::Html, &c);
        let text = render(OutputFormat::Table, &c);
        for t in tables(&c) {
            for col in &t.columns {
                assert!(text.contains(&col.label), "text lacks {}", col.label);
                assert!(
                    md.contains(&cell(&col.label)),
                    "markdown lacks {}",
                    col.label
                );
                assert!(
                    html.contains(&format!(">{}</th>", col.label)),
                    "html lacks {}",
                    col.label
                );
            }
        }
    }

    #[test]
    fn compare_junit_is_well_formed() {
        let mut c = sample();
        c.models[0].model = "m\"<&>\x00".into();
        let xml = render(OutputFormat::Junit, &c);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut failures = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Empty(e) if e.name().as_ref() == "failure" => failures.push(
                    e.try_get_attribute("message")
                        .unwrap()
                        .unwrap()
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                ),
                _ => {}
            }
        }
        assert_eq!(
            failures,
            ["newly failed: passed → failed: assert <x> & \"y\""]
        );
        assert!(xml.contains("name=\"m&quot;&lt;&amp;&gt;\""), "{xml}");
    }
}
