//! Caps shared by every report parser: a report is written by code the candidate controls, so
//! nothing it contains may make crucible allocate without bound or print terminal escapes.
use super::{Report, ReportError, ReportFormat, TestCase, TestOutcome};

/// More cases than this is an error (benchmark tasks have tens, not hundreds of thousands).
pub const MAX_CASES: usize = 100_000;
/// Longest kept name or message, in bytes; longer text ends with `…`.
pub const MAX_TEXT_BYTES: usize = 4096;
/// Report-level problems kept; the rest are counted in one final line.
pub const MAX_ERRORS: usize = 100;
/// Larger reports are refused before parsing. The caller should not read more than this.
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

const ELLIPSIS: char = '…';

/// Collects cases and report-level errors under the caps.
pub(crate) struct ReportBuilder {
    format: ReportFormat,
    report: Report,
    dropped_errors: usize,
}

impl ReportBuilder {
    pub(crate) fn new(format: ReportFormat) -> Self {
        ReportBuilder {
            format,
            report: Report::default(),
            dropped_errors: 0,
        }
    }

    pub(crate) fn case(
        &mut self,
        name: &str,
        outcome: TestOutcome,
        message: Option<&str>,
    ) -> Result<(), ReportError> {
        if self.report.cases.len() >= MAX_CASES {
            return Err(ReportError::TooManyCases {
                format: self.format,
                max: MAX_CASES,
            });
        }
        let message = message.map(clip_message).filter(|m| !m.is_empty());
        self.report.cases.push(TestCase {
            name: clip_name(name),
            outcome,
            message,
        });
        Ok(())
    }

    pub(crate) fn error(&mut self, text: &str) {
        if self.report.errors.len() >= MAX_ERRORS {
            self.dropped_errors += 1;
            return;
        }
        self.report.errors.push(clip_message(text));
    }

    pub(crate) fn malformed(&self, location: String, problem: impl Into<String>) -> ReportError {
        ReportError::Malformed {
            format: self.format,
            location,
            problem: clip_message(&problem.into()),
        }
    }

    pub(crate) fn finish(mut self) -> Report {
        if self.dropped_errors > 0 {
            self.report.errors.push(format!(
                "… and {} more report-level problems not kept",
                self.dropped_errors
            ));
        }
        self.report
    }
}

/// Text gathered piecewise (a failure body, go test output lines) that stops growing at the cap.
#[derive(Debug, Default)]
pub(crate) struct TextBuf {
    text: String,
    truncated: bool,
}

impl TextBuf {
    pub(crate) fn push(&mut self, piece: &str) {
        if self.truncated {
            return;
        }
        let room = MAX_TEXT_BYTES + 1 - self.text.len().min(MAX_TEXT_BYTES + 1);
        if piece.len() <= room {
            self.text.push_str(piece);
        } else {
            self.text.push_str(prefix_within(piece, room));
            self.truncated = true;
        }
    }

    pub(crate) fn push_char(&mut self, c: char) {
        self.push(c.encode_utf8(&mut [0; 4]));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The gathered text, clipped and sanitized like any message.
    pub(crate) fn take(&mut self) -> String {
        let mut out = clip_message(&self.text);
        if self.truncated && !out.ends_with(ELLIPSIS) {
            out = with_ellipsis(out);
        }
        *self = TextBuf::default();
        out
    }
}

/// A test name: one line, no control characters, at most [`MAX_TEXT_BYTES`].
pub(crate) fn clip_name(name: &str) -> String {
    clip(name.trim(), |c| c.is_control())
}

/// A message: newlines and tabs kept, other control characters (terminal escapes) replaced.
pub(crate) fn clip_message(message: &str) -> String {
    clip(message.trim(), |c| c.is_control() && c != '\n' && c != '\t')
}

fn clip(text: &str, replace: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        out.push(if replace(c) { '\u{FFFD}' } else { c });
        if out.len() > MAX_TEXT_BYTES {
            return with_ellipsis(out);
        }
    }
    out
}

/// `text` cut so that it ends with `…` and fits in [`MAX_TEXT_BYTES`].
fn with_ellipsis(mut text: String) -> String {
    let keep = prefix_within(&text, MAX_TEXT_BYTES - ELLIPSIS.len_utf8()).len();
    text.truncate(keep);
    text.push(ELLIPSIS);
    text
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub(crate) fn prefix_within(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_clipped_with_an_ellipsis_on_a_char_boundary() {
        let name = "é".repeat(5000);
        let clipped = clip_name(&name);
        assert!(clipped.len() <= MAX_TEXT_BYTES, "{}", clipped.len());
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn text_of_exactly_the_cap_is_kept_whole() {
        let name = "a".repeat(MAX_TEXT_BYTES);
        assert_eq!(clip_name(&name), name);
    }

    #[test]
    fn control_characters_in_names_are_replaced() {
        assert_eq!(clip_name("a\u{1b}[31mb\nc"), "a\u{FFFD}[31mb\u{FFFD}c");
        assert_eq!(clip_message("a\nb\tc\u{7}"), "a\nb\tc\u{FFFD}");
    }

    #[test]
    fn text_buffer_stops_growing_at_the_cap() {
        let mut buf = TextBuf::default();
        for _ in 0..10_000 {
            buf.push("0123456789");
        }
        let text = buf.take();
        assert!(text.len() <= MAX_TEXT_BYTES);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn case_cap_is_an_error() {
        let mut builder = ReportBuilder::new(ReportFormat::Simple);
        for i in 0..MAX_CASES {
            builder
                .case(&i.to_string(), TestOutcome::Passed, None)
                .unwrap();
        }
        let err = builder.case("one more", TestOutcome::Passed, None);
        assert!(matches!(err, Err(ReportError::TooManyCases { .. })));
    }

    #[test]
    fn error_list_is_capped_and_says_how_many_were_dropped() {
        let mut builder = ReportBuilder::new(ReportFormat::Simple);
        for i in 0..MAX_ERRORS + 5 {
            builder.error(&format!("problem {i}"));
        }
        let report = builder.finish();
        assert_eq!(report.errors.len(), MAX_ERRORS + 1);
        assert!(report.errors.last().unwrap().contains("5 more"));
    }
}
