//! `cargo test` human output (stdout and stderr together), with or without `-q`.
//!
//! Each test binary prints `running N tests`, its results, and a summary
//! `test result: ok. P passed; F failed; I ignored; …`.
//!
//! - Without `-q` every test has a line `test NAME ... ok|FAILED|ignored[, reason]`: all cases are
//!   named. **Prefer this**: it is the only mode where passing tests have names.
//! - With `-q` passing and ignored tests are dots and `i`s. Failed tests are named (from the
//!   `failures:` list, and newer cargo's `NAME --- FAILED` lines); passing and ignored ones are
//!   counted from the summary and get placeholder names
//!   `<binary>: passing test #k (name not shown by cargo test -q)`.
//! - Failure messages come from the `---- NAME stdout ----` sections.
//!
//! Report-level errors: compiler errors (`error[E…]`, `error: could not compile …`) and any other
//! cargo `error:` outside the test output, a test binary that announced tests but never printed its
//! summary (panic=abort, `process::abort`, a signal, stack overflow), cargo's `process didn't exit
//! successfully` line, and named results that exceed what the summary counts (interleaved or
//! forged lines).
//!
//! Note: cargo stops at the first failing test binary unless run with `--no-fail-fast`, so without
//! it the cases of later binaries are missing from a failing run.
use super::bounded::{ReportBuilder, TextBuf};
use super::{Report, ReportError, ReportFormat, TestOutcome};
use std::collections::HashSet;

/// Failure messages kept per binary; more failures still count, without a message.
const MAX_MESSAGES: usize = 1000;

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let mut parser = LibtestParser {
        report: ReportBuilder::new(ReportFormat::Libtest),
        label: None,
        binaries: 0,
        block: None,
        error: None,
        error_paused_at_blank: false,
    };
    for raw in text.lines() {
        parser.line(raw.strip_suffix('\r').unwrap_or(raw))?;
    }
    parser.finish()
}

/// One test binary's output, from `running N tests` to its summary.
struct Block {
    label: String,
    announced: u64,
    results: Vec<(String, TestOutcome, Option<String>)>,
    failure_list: Vec<String>,
    messages: Vec<(String, TextBuf)>,
    section: Section,
}

#[derive(PartialEq)]
enum Section {
    Results,
    /// Inside `---- NAME stdout ----`: lines are the test's output, never results.
    Output,
    /// The final `failures:` name list.
    FailureList,
}

struct LibtestParser {
    report: ReportBuilder,
    /// From cargo's `Running tests/x.rs (…)` / `Doc-tests x` line, for the next block.
    label: Option<String>,
    binaries: usize,
    block: Option<Block>,
    /// A cargo/rustc `error…` message being gathered until its blank line (a blank line followed
    /// by cargo's `Caused by:` continues it).
    error: Option<TextBuf>,
    error_paused_at_blank: bool,
}

impl LibtestParser {
    fn line(&mut self, line: &str) -> Result<(), ReportError> {
        let trimmed = line.trim();
        // A failing test's captured output is printed verbatim: nothing in it is a result line.
        if let Some(block) = self.block.as_mut()
            && block.section == Section::Output
            && trimmed != "failures:"
            && !trimmed.starts_with("---- ")
        {
            block.line(line);
            return Ok(());
        }
        // Cargo's own errors start at column 0, where no test result line does: the binary is over.
        if self.block.is_some() && (line.starts_with("error:") || line.starts_with("error[")) {
            self.end_block("cargo reported an error")?;
        }
        if let Some(announced) = parse_running(trimmed) {
            self.end_block("the next binary starts")?;
            self.flush_error();
            self.binaries += 1;
            let label = self
                .label
                .take()
                .unwrap_or_else(|| format!("test binary #{}", self.binaries));
            self.block = Some(Block {
                label,
                announced,
                results: Vec::new(),
                failure_list: Vec::new(),
                messages: Vec::new(),
                section: Section::Results,
            });
            return Ok(());
        }
        if let Some(block) = self.block.as_mut() {
            if let Some(summary) = trimmed.strip_prefix("test result: ") {
                let summary = parse_summary(summary);
                return self.end_block_with(summary);
            }
            block.line(line);
            return Ok(());
        }
        self.outside_block(line, trimmed);
        Ok(())
    }

    /// Cargo's own lines between test binaries: labels and errors.
    fn outside_block(&mut self, line: &str, trimmed: &str) {
        if let Some(error) = self.error.as_mut() {
            let paused = std::mem::take(&mut self.error_paused_at_blank);
            if trimmed.is_empty() {
                self.error_paused_at_blank = true;
                return;
            }
            if !paused || trimmed == "Caused by:" {
                error.push(if paused { "\n\n" } else { "\n" });
                error.push(line);
                return;
            }
            self.flush_error();
        }
        if let Some(rest) = trimmed.strip_prefix("Running ") {
            let label = rest.split(" (").next().unwrap_or(rest);
            let label = label.strip_prefix("unittests ").unwrap_or(label);
            self.label = Some(label.to_string());
        } else if let Some(rest) = trimmed.strip_prefix("Doc-tests ") {
            self.label = Some(format!("doc-tests {rest}"));
        } else if trimmed.starts_with("process didn't exit successfully") {
            self.report.error(&format!("test binary {trimmed}"));
        } else if (trimmed.starts_with("error[") || trimmed.starts_with("error:"))
            && !trimmed.starts_with("error: test failed, to rerun pass")
        {
            let mut error = TextBuf::default();
            error.push(trimmed);
            self.error = Some(error);
        }
    }

    fn flush_error(&mut self) {
        self.error_paused_at_blank = false;
        if let Some(mut error) = self.error.take() {
            self.report.error(&error.take());
        }
    }

    /// Ends a block that has no summary; `when` says what came instead.
    fn end_block(&mut self, when: &str) -> Result<(), ReportError> {
        let Some(block) = self.block.as_ref() else {
            return Ok(());
        };
        let reported = block.results.len() + block.failure_list.len();
        self.report.error(&format!(
            "test binary {} stopped before its summary ({when}): it announced {} tests and \
             reported {reported}; it crashed, aborted or was killed",
            block.label, block.announced
        ));
        self.end_block_with(None)
    }

    /// Records the block's cases, reconciled with its summary when there is one.
    fn end_block_with(&mut self, summary: Option<Summary>) -> Result<(), ReportError> {
        let Some(mut block) = self.block.take() else {
            return Ok(());
        };
        let mut counts = Summary::default();
        let results = std::mem::take(&mut block.results);
        for (name, outcome, reason) in &results {
            counts.add(*outcome);
            let message = match outcome {
                TestOutcome::Failed => block.message_for(name),
                _ => reason.clone(),
            };
            self.report.case(name, *outcome, message.as_deref())?;
        }
        let named_failures: HashSet<&str> = results
            .iter()
            .filter(|(_, outcome, _)| *outcome == TestOutcome::Failed)
            .map(|(name, _, _)| name.as_str())
            .collect();
        for name in std::mem::take(&mut block.failure_list) {
            if named_failures.contains(name.as_str()) {
                continue;
            }
            counts.failed += 1;
            let message = block.message_for(&name);
            self.report
                .case(&name, TestOutcome::Failed, message.as_deref())?;
        }
        let Some(summary) = summary else {
            return Ok(());
        };
        if counts.passed > summary.passed
            || counts.failed > summary.failed
            || counts.ignored > summary.ignored
        {
            self.report.error(&format!(
                "test binary {} printed more results ({} passed, {} failed, {} ignored) than its \
                 summary counts ({} passed, {} failed, {} ignored): output interleaved or forged",
                block.label,
                counts.passed,
                counts.failed,
                counts.ignored,
                summary.passed,
                summary.failed,
                summary.ignored
            ));
            return Ok(());
        }
        self.unnamed(
            &block.label,
            "passing",
            TestOutcome::Passed,
            summary.passed - counts.passed,
        )?;
        self.unnamed(
            &block.label,
            "ignored",
            TestOutcome::Skipped,
            summary.ignored - counts.ignored,
        )?;
        self.unnamed(
            &block.label,
            "failed",
            TestOutcome::Failed,
            summary.failed - counts.failed,
        )
    }

    /// Cases the summary counts but no line names (the `-q` dots).
    fn unnamed(
        &mut self,
        label: &str,
        kind: &str,
        outcome: TestOutcome,
        count: u64,
    ) -> Result<(), ReportError> {
        for k in 1..=count {
            let name = format!("{label}: {kind} test #{k} (name not shown by cargo test -q)");
            self.report.case(&name, outcome, None)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Report, ReportError> {
        self.end_block("the output ends")?;
        self.flush_error();
        Ok(self.report.finish())
    }
}

impl Block {
    fn line(&mut self, line: &str) {
        let trimmed = line.trim();
        if let Some(name) = trimmed
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            self.section = Section::Output;
            if self.messages.len() < MAX_MESSAGES {
                self.messages.push((name.to_string(), TextBuf::default()));
            }
            return;
        }
        if trimmed == "failures:" {
            // Opens the output sections (which switch to `Output` at their headers) or the name list.
            self.section = Section::FailureList;
            return;
        }
        match self.section {
            Section::Output => {
                if let Some((_, message)) = self.messages.last_mut() {
                    message.push(line);
                    message.push("\n");
                }
            }
            Section::FailureList => {
                if line.starts_with("    ") && !trimmed.is_empty() {
                    self.failure_list.push(trimmed.to_string());
                }
            }
            Section::Results => {
                if let Some(result) = parse_result_line(trimmed) {
                    self.results.push(result);
                } else if let Some(name) = trimmed.strip_suffix(" --- FAILED") {
                    // cargo ≥ 1.8x with -q names failures as they happen.
                    self.results
                        .push((name.to_string(), TestOutcome::Failed, None));
                }
            }
        }
    }

    fn message_for(&mut self, name: &str) -> Option<String> {
        self.messages
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, message)| message.take())
    }
}

/// `test NAME ... ok` / `... FAILED` / `... ignored[, reason]`.
fn parse_result_line(line: &str) -> Option<(String, TestOutcome, Option<String>)> {
    let rest = line.strip_prefix("test ")?;
    let (name, result) = rest.rsplit_once(" ... ")?;
    let name = name.strip_suffix(" - should panic").unwrap_or(name);
    let (outcome, reason) = if result == "ok" || result.starts_with("ok ") {
        (TestOutcome::Passed, None)
    } else if result == "FAILED" || result.starts_with("FAILED ") {
        (TestOutcome::Failed, None)
    } else if let Some(rest) = result.strip_prefix("ignored") {
        let reason = rest.trim_start_matches(',').trim();
        (
            TestOutcome::Skipped,
            Some(reason).filter(|r| !r.is_empty()).map(String::from),
        )
    } else {
        return None;
    };
    Some((name.to_string(), outcome, reason))
}

/// `running 3 tests` / `running 1 test`.
fn parse_running(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("running ")?;
    let (count, word) = rest.split_once(' ')?;
    if word != "tests" && word != "test" {
        return None;
    }
    count.parse().ok()
}

#[derive(Default, Clone, Copy)]
struct Summary {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Summary {
    fn add(&mut self, outcome: TestOutcome) {
        match outcome {
            TestOutcome::Passed => self.passed += 1,
            TestOutcome::Failed | TestOutcome::Error => self.failed += 1,
            TestOutcome::Skipped => self.ignored += 1,
        }
    }
}

/// `ok. 2 passed; 3 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s`.
fn parse_summary(text: &str) -> Option<Summary> {
    let (_, counts) = text.split_once(". ")?;
    let mut summary = Summary::default();
    for part in counts.split(';') {
        let Some((number, word)) = part.trim().split_once(' ') else {
            continue;
        };
        let Ok(number) = number.parse::<u64>() else {
            continue;
        };
        match word {
            "passed" => summary.passed = number,
            "failed" => summary.failed = number,
            "ignored" => summary.ignored = number,
            _ => {}
        }
    }
    Some(summary)
}

#[cfg(test)]
#[path = "libtest_tests.rs"]
mod tests;
