//! JUnit XML for CI dashboards: one `<testsuite>` per model, one `<testcase>` per task (its
//! sample 0, repeat 0 result). Anything but `passed` is a `<failure>` whose message is the
//! verdict and reason; a task the model never ran is `<skipped>`.
use super::summary::{RunSummary, TaskResult};
use super::text::xml_chars;
use crate::verdict::Verdict;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::io;

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

pub fn render(summary: &RunSummary) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    write_document(&mut writer, summary).expect("writing XML into memory");
    let mut out = String::from_utf8(writer.into_inner()).expect("quick-xml writes UTF-8");
    out.push('\n');
    out
}

fn write_document(w: &mut Writer<Vec<u8>>, summary: &RunSummary) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (mut tests, mut failures, mut skipped) = (0usize, 0usize, 0usize);
    for t in &summary.tasks {
        for r in &t.results {
            tests += 1;
            match r.verdict {
                None => skipped += 1,
                Some(Verdict::Passed) => {}
                Some(_) => failures += 1,
            }
        }
    }
    let name = xml_chars(&format!("crucible run {}", summary.run_id));
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", name.as_str()));
    root.push_attribute(("tests", tests.to_string().as_str()));
    root.push_attribute(("failures", failures.to_string().as_str()));
    root.push_attribute(("errors", "0"));
    root.push_attribute(("skipped", skipped.to_string().as_str()));
    w.write_event(Event::Start(root))?;
    for (index, model) in summary.models.iter().enumerate() {
        let results: Vec<(&str, &str, &TaskResult)> = summary
            .tasks
            .iter()
            .filter_map(|t| {
                t.results
                    .get(index)
                    .map(|r| (t.task_id.as_str(), t.title.as_str(), r))
            })
            .collect();
        let failures = results
            .iter()
            .filter(|(_, _, r)| r.verdict.is_some_and(|v| v != Verdict::Passed))
            .count();
        let skipped = results
            .iter()
            .filter(|(_, _, r)| r.verdict.is_none())
            .count();
        let time: u64 = results.iter().filter_map(|(_, _, r)| r.wall_ms).sum();
        let model_name = xml_chars(&model.model);
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", model_name.as_str()));
        suite.push_attribute(("tests", results.len().to_string().as_str()));
        suite.push_attribute(("failures", failures.to_string().as_str()));
        suite.push_attribute(("errors", "0"));
        suite.push_attribute(("skipped", skipped.to_string().as_str()));
        suite.push_attribute(("time", seconds(time).as_str()));
        w.write_event(Event::Start(suite))?;
        for (task_id, title, result) in results {
            write_case(w, &model_name, task_id, title, result)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    Ok(())
}

fn write_case(
    w: &mut Writer<Vec<u8>>,
    model: &str,
    task_id: &str,
    title: &str,
    r: &TaskResult,
) -> io::Result<()> {
    let name = xml_chars(task_id);
    let mut case = BytesStart::new("testcase");
    case.push_attribute(("name", name.as_str()));
    case.push_attribute(("classname", model));
    case.push_attribute(("time", seconds(r.wall_ms.unwrap_or(0)).as_str()));
    let Some(verdict) = r.verdict else {
        w.write_event(Event::Start(case))?;
        let mut skipped = BytesStart::new("skipped");
        skipped.push_attribute(("message", "no execution recorded for this model"));
        w.write_event(Event::Empty(skipped))?;
        return w.write_event(Event::End(BytesEnd::new("testcase")));
    };
    if verdict == Verdict::Passed {
        return w.write_event(Event::Empty(case));
    }
    w.write_event(Event::Start(case))?;
    let message = xml_chars(&format!("{verdict}: {}", r.reason));
    let mut failure = BytesStart::new("failure");
    failure.push_attribute(("message", message.as_str()));
    failure.push_attribute(("type", verdict.as_str()));
    w.write_event(Event::Start(failure))?;
    let mut body = format!(
        "{title}\nverdict: {verdict}\nreason: {}\ntests passed: {}/{}\nattempts: {}\n",
        r.reason, r.tests_passed, r.tests_total, r.attempts
    );
    for t in &r.failed_tests {
        body.push_str(&format!(
            "FAILED {}: {}\n",
            t.name,
            t.message.as_deref().unwrap_or("")
        ));
    }
    w.write_event(Event::Text(BytesText::new(&xml_chars(&body))))?;
    w.write_event(Event::End(BytesEnd::new("failure")))?;
    w.write_event(Event::End(BytesEnd::new("testcase")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::summary;
    use quick_xml::Reader;

    /// (element name, attributes) of every start/empty element, via a real XML parser.
    fn elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut reader = Reader::from_str(xml);
        let mut out = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => {
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            let value = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned();
                            (a.key.as_ref().to_string(), value)
                        })
                        .collect();
                    out.push((e.name().as_ref().to_string(), attrs));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn suites_cases_and_failures_are_counted() {
        let xml = render(&summary());
        let els = elements(&xml);
        let count = |name: &str| els.iter().filter(|(n, _)| n == name).count();
        assert_eq!(
            (count("testsuites"), count("testsuite"), count("testcase")),
            (1, 2, 6)
        );
        assert_eq!(count("failure"), 3);
        let failure = els.iter().find(|(n, _)| n == "failure").unwrap();
        assert_eq!(
            failure.1[0],
            ("message".into(), "failed: failed reason".into())
        );
    }

    #[test]
    fn hostile_names_stay_well_formed() {
        let mut s = summary();
        s.models[0].model = "m\"<&>\x00\x1b".into();
        s.tasks[0].task_id = "]]><x>".into();
        s.tasks[0].results[0].reason = "bad\x0bchar </failure>".into();
        let xml = render(&s);
        let els = elements(&xml);
        let suite = els.iter().find(|(n, _)| n == "testsuite").unwrap();
        assert_eq!(suite.1[0].1, "m\"<&>");
        assert!(
            els.iter()
                .any(|(n, a)| n == "testcase" && a[0].1 == "]]><x>")
        );
    }
}
