//! JUnit XML, as written by `pytest --junitxml` and the JUnit 5 console launcher (legacy XML
//! reporter), and by most other runners.
//!
//! - `<testcase>` elements are found at any depth under `<testsuites>`/`<testsuite>`; one case each,
//!   named `classname.name` (just `name` when `classname` is empty or missing).
//! - A `<failure>` child makes the case failed, `<error>` an error, `<skipped>` skipped; with several,
//!   the worst wins (error > failure > skipped). The message is the `message` attribute followed by
//!   the element's text. `<system-out>`/`<system-err>`/`<properties>` are ignored.
//! - pytest's collection errors (a case with an empty classname whose error message is
//!   `collection failure`) are report-level errors, not cases: they are files that never ran.
//! - `<failure>`/`<error>` directly under a `<testsuite>` are report-level errors too.
//! - Several concatenated documents (e.g. `cat TEST-*.xml`) are read one after the other.
//! - A DOCTYPE is refused (no entity definitions, so no entity expansion attacks), an undefined
//!   entity is a malformed report, nesting deeper than [`MAX_DEPTH`] is refused.
use super::bounded::{ReportBuilder, TextBuf};
use super::{Report, ReportError, ReportFormat, TestOutcome};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

/// Deeper element nesting than this is refused (real reports nest 3–4 levels).
pub const MAX_DEPTH: usize = 64;

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let mut parser = JunitParser {
        report: ReportBuilder::new(ReportFormat::Junit),
        text,
        depth: 0,
        saw_suite: false,
        case: None,
        capture: None,
        suite_problem: None,
    };
    parser.run()?;
    if !parser.saw_suite {
        return Err(parser.report.malformed(
            "end of input".into(),
            "no <testsuite> or <testsuites> element",
        ));
    }
    Ok(parser.report.finish())
}

struct OpenCase {
    name: String,
    classname: String,
    outcome: TestOutcome,
    message: TextBuf,
    depth: usize,
}

/// Which element's text is being gathered into a message, and at what depth it was opened.
#[derive(Clone, Copy)]
enum Capture {
    CaseResult { depth: usize },
    SuiteProblem { depth: usize },
}

struct JunitParser<'a> {
    report: ReportBuilder,
    text: &'a str,
    depth: usize,
    saw_suite: bool,
    case: Option<OpenCase>,
    capture: Option<Capture>,
    suite_problem: Option<TextBuf>,
}

impl<'a> JunitParser<'a> {
    fn run(&mut self) -> Result<(), ReportError> {
        let mut reader = Reader::from_str(self.text);
        loop {
            let position = reader.buffer_position();
            let event = reader.read_event().map_err(|e| {
                self.malformed_at(reader.error_position(), format!("not well-formed XML: {e}"))
            })?;
            match event {
                Event::Start(element) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(self.malformed_at(
                            position,
                            format!("elements nested deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                    self.open(&element, position, false)?;
                }
                Event::Empty(element) => self.open(&element, position, true)?,
                Event::End(_) => {
                    self.close()?;
                    self.depth = self.depth.saturating_sub(1);
                }
                Event::Text(text) => self.gather(&text.xml10_content()),
                Event::CData(data) => self.gather(&data.xml10_content()),
                Event::GeneralRef(reference) => {
                    let resolved = resolve_reference(&reference)
                        .map_err(|problem| self.malformed_at(position, problem))?;
                    self.gather(resolved.encode_utf8(&mut [0; 4]));
                }
                Event::DocType(_) => {
                    return Err(self.malformed_at(
                        position,
                        "a DOCTYPE is not allowed in a test report (entity definitions are refused)",
                    ));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if self.depth > 0 {
            return Err(self.report.malformed(
                "end of input".into(),
                format!(
                    "{} element(s) left open: the report is truncated",
                    self.depth
                ),
            ));
        }
        Ok(())
    }

    fn open(
        &mut self,
        element: &BytesStart,
        position: u64,
        empty: bool,
    ) -> Result<(), ReportError> {
        let tag = element.local_name();
        match tag.as_ref() {
            "testsuites" | "testsuite" => self.saw_suite = true,
            "testcase" => {
                if self.case.is_some() {
                    return Err(self.malformed_at(position, "<testcase> inside another <testcase>"));
                }
                let case = OpenCase {
                    name: self
                        .attribute(element, "name", position)?
                        .unwrap_or_default(),
                    classname: self
                        .attribute(element, "classname", position)?
                        .unwrap_or_default(),
                    outcome: TestOutcome::Passed,
                    message: TextBuf::default(),
                    depth: self.depth,
                };
                self.case = Some(case);
                if empty {
                    self.finish_case()?;
                }
            }
            "failure" | "error" | "skipped" => {
                let message = self.attribute(element, "message", position)?;
                let outcome = match tag.as_ref() {
                    "failure" => TestOutcome::Failed,
                    "error" => TestOutcome::Error,
                    _ => TestOutcome::Skipped,
                };
                if let Some(case) = self.case.as_mut() {
                    if severity(outcome) > severity(case.outcome) {
                        case.outcome = outcome;
                    }
                    if let Some(message) = message {
                        separate(&mut case.message);
                        case.message.push(&message);
                    }
                    if !empty {
                        separate(&mut case.message);
                        self.capture = Some(Capture::CaseResult { depth: self.depth });
                    }
                } else if outcome != TestOutcome::Skipped {
                    let mut problem = TextBuf::default();
                    problem.push(&format!("test suite reported an {}", tag_name(outcome)));
                    if let Some(message) = message {
                        problem.push(": ");
                        problem.push(&message);
                    }
                    if empty {
                        self.report.error(&problem.take());
                    } else {
                        problem.push_char('\n');
                        self.suite_problem = Some(problem);
                        self.capture = Some(Capture::SuiteProblem { depth: self.depth });
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), ReportError> {
        match self.capture {
            Some(Capture::CaseResult { depth }) if depth == self.depth => self.capture = None,
            Some(Capture::SuiteProblem { depth }) if depth == self.depth => {
                self.capture = None;
                if let Some(mut problem) = self.suite_problem.take() {
                    self.report.error(&problem.take());
                }
            }
            _ => {}
        }
        if self
            .case
            .as_ref()
            .is_some_and(|case| case.depth == self.depth)
        {
            self.finish_case()?;
        }
        Ok(())
    }

    fn gather(&mut self, text: &str) {
        match self.capture {
            Some(Capture::CaseResult { .. }) => {
                if let Some(case) = self.case.as_mut() {
                    case.message.push(text);
                }
            }
            Some(Capture::SuiteProblem { .. }) => {
                if let Some(problem) = self.suite_problem.as_mut() {
                    problem.push(text);
                }
            }
            None => {}
        }
    }

    fn finish_case(&mut self) -> Result<(), ReportError> {
        let Some(mut case) = self.case.take() else {
            return Ok(());
        };
        self.capture = None;
        let message = case.message.take();
        if case.classname.is_empty()
            && case.outcome == TestOutcome::Error
            && message.starts_with("collection failure")
        {
            self.report
                .error(&format!("collection error in {}: {message}", case.name));
            return Ok(());
        }
        let name = match (case.classname.is_empty(), case.name.is_empty()) {
            (true, true) => "(unnamed testcase)".to_string(),
            (true, false) => case.name,
            (false, true) => case.classname,
            (false, false) => format!("{}.{}", case.classname, case.name),
        };
        let message = Some(message.as_str()).filter(|m| !m.is_empty());
        self.report.case(&name, case.outcome, message)
    }

    fn attribute(
        &self,
        element: &BytesStart,
        key: &str,
        position: u64,
    ) -> Result<Option<String>, ReportError> {
        for attribute in element.attributes() {
            let attribute = attribute
                .map_err(|e| self.malformed_at(position, format!("bad attribute: {e}")))?;
            if attribute.key.as_ref() == key {
                let value = attribute
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| {
                        self.malformed_at(position, format!("bad value of attribute `{key}`: {e}"))
                    })?;
                // Attribute values can be long (JUnit 5 puts whole messages there): clip early.
                let mut clipped = TextBuf::default();
                clipped.push(&value);
                return Ok(Some(clipped.take()));
            }
        }
        Ok(None)
    }

    fn malformed_at(&self, position: u64, problem: impl Into<String>) -> ReportError {
        self.report
            .malformed(line_of(self.text, position), problem.into())
    }
}

fn separate(message: &mut TextBuf) {
    if !message.is_empty() {
        message.push("\n");
    }
}

fn severity(outcome: TestOutcome) -> u8 {
    match outcome {
        TestOutcome::Passed => 0,
        TestOutcome::Skipped => 1,
        TestOutcome::Failed => 2,
        TestOutcome::Error => 3,
    }
}

fn tag_name(outcome: TestOutcome) -> &'static str {
    match outcome {
        TestOutcome::Failed => "<failure>",
        _ => "<error>",
    }
}

/// `&lt;` and friends and `&#NN;`; any other entity is undefined because DOCTYPEs are refused.
fn resolve_reference(reference: &BytesRef) -> Result<char, String> {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c),
        Ok(None) => {}
        Err(e) => return Err(format!("bad character reference `&{};`: {e}", &**reference)),
    }
    match &**reference {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(format!("undefined entity `&{other};`")),
    }
}

/// `line N` for a byte offset into the report.
fn line_of(text: &str, position: u64) -> String {
    let end = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let line = text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    format!("line {line} (byte {position})")
}

#[cfg(test)]
#[path = "junit_tests.rs"]
mod tests;
