//! TAP 13/14 as written by `node --test --test-reporter=tap` (node 18 and 20 write the same shape).
//!
//! - Subtests are indented 4 spaces per level and come *before* their parent's test point. Only
//!   leaf test points (no subtests) are cases. A parent is a case only when it failed on its own
//!   (a failing hook, a crashed test file), not when it failed because a subtest failed
//!   (`failureType: 'subtestsFailed'`).
//! - A case is named by the `# Subtest:` names of its ancestors and its own description, joined
//!   with ` > ` (`string group > nested group > deep leaf`).
//! - `# SKIP` makes a case skipped. `not ok … # TODO` is skipped too (TAP: todo failures do not
//!   count), `ok … # TODO` passed.
//! - The message of a failing case comes from its YAML block (`error:`, plus `failureType` when it
//!   is not the ordinary `testCodeFailure`).
//! - A test point whose YAML has an `exitCode` or a `signal` is a test file whose process failed
//!   (syntax error, `process.exit`, uncaught error): an `error` case and a report-level error.
//! - `Bail out!`, a missing top-level plan and fewer test points than a plan announced are
//!   report-level errors (the run stopped early or the report was cut).
use super::bounded::{ReportBuilder, TextBuf};
use super::{Report, ReportError, ReportFormat, TestOutcome};

/// Deeper subtest nesting than this is refused.
pub const MAX_DEPTH: usize = 64;
const INDENT: usize = 4;

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let mut parser = TapParser {
        report: ReportBuilder::new(ReportFormat::Tap),
        levels: vec![Level::default()],
        pending: None,
        yaml: None,
        saw_anything: false,
    };
    for (index, raw) in text.lines().enumerate() {
        parser.line(index + 1, raw.strip_suffix('\r').unwrap_or(raw))?;
    }
    parser.finish()
}

/// What is known about one nesting level since its parent last claimed it.
#[derive(Default)]
struct Level {
    /// Name from the latest `# Subtest:` comment at this level.
    subtest_name: Option<String>,
    test_points: usize,
    plan: Option<(usize, usize)>, // (announced count, line)
}

/// A test point whose YAML block may still follow.
struct PendingPoint {
    ok: bool,
    is_leaf: bool,
    name: String,
    directive: Directive,
    reason: String,
    error: TextBuf,
    failure_type: String,
    process_exit: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Directive {
    None,
    Skip,
    Todo,
}

/// An open YAML block: its indentation and, inside a block scalar, which key it belongs to.
struct YamlBlock {
    indent: usize,
    block_key: Option<(String, usize)>,
}

struct TapParser {
    report: ReportBuilder,
    levels: Vec<Level>,
    pending: Option<PendingPoint>,
    yaml: Option<YamlBlock>,
    saw_anything: bool,
}

impl TapParser {
    fn line(&mut self, number: usize, line: &str) -> Result<(), ReportError> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        if self.yaml_line(indent, content) {
            return Ok(());
        }
        let depth = indent / INDENT;
        if depth > MAX_DEPTH {
            return Err(self.report.malformed(
                format!("line {number}"),
                format!("subtests nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if content == "---" && self.pending.is_some() {
            self.yaml = Some(YamlBlock {
                indent,
                block_key: None,
            });
            return Ok(());
        }
        if let Some(point) = parse_test_point(content) {
            self.flush()?;
            self.test_point(depth, point);
        } else if let Some(name) = content.strip_prefix("# Subtest: ") {
            self.flush()?;
            self.level_mut(depth).subtest_name = Some(unescape(name));
        } else if let Some(count) = parse_plan(content) {
            self.flush()?;
            self.saw_anything = true;
            self.level_mut(depth).plan = Some((count, number));
        } else if let Some(reason) = content.strip_prefix("Bail out!") {
            self.flush()?;
            self.report
                .error(&format!("test run bailed out: {}", reason.trim()));
        } else if !content.is_empty() && !content.starts_with('#') {
            // Not TAP (TAP says ignore); it also ends any YAML-less pending point.
            self.flush()?;
        }
        Ok(())
    }

    /// Feeds a line to the open YAML block; false when the line is not part of one.
    fn yaml_line(&mut self, indent: usize, content: &str) -> bool {
        let Some(yaml) = self.yaml.as_mut() else {
            return false;
        };
        if indent == yaml.indent && content == "..." {
            self.yaml = None;
            return true;
        }
        if indent < yaml.indent || (indent == yaml.indent && content.is_empty()) {
            // The block was never closed; treat this line as ordinary TAP.
            self.yaml = None;
            return false;
        }
        let Some(point) = self.pending.as_mut() else {
            return true;
        };
        if let Some((key, key_indent)) = &yaml.block_key {
            if indent > *key_indent || content.is_empty() {
                if key == "error" {
                    separate(&mut point.error);
                    // Keep the block's own relative indentation.
                    point
                        .error
                        .push(&" ".repeat(indent.saturating_sub(key_indent + 2).min(64)));
                    point.error.push(content);
                }
                return true;
            }
            yaml.block_key = None;
        }
        if indent != yaml.indent {
            return true; // nested mapping (expected/actual objects): not used
        }
        let Some((key, value)) = content.split_once(':') else {
            return true;
        };
        let value = value.trim();
        if matches!(value, "|" | "|-" | "|+" | ">" | ">-" | ">+") {
            yaml.block_key = Some((key.to_string(), indent));
            return true;
        }
        let value = yaml_scalar(value);
        match key {
            "error" => point.error.push(&value),
            "failureType" => point.failure_type = value,
            "exitCode" | "signal" if !value.is_empty() && value != "~" && value != "null" => {
                let what = if key == "exitCode" {
                    format!("exited with code {value}")
                } else {
                    format!("was killed by signal {value}")
                };
                point.process_exit = Some(what);
            }
            _ => {}
        }
        true
    }

    fn test_point(&mut self, depth: usize, point: ParsedPoint) {
        self.saw_anything = true;
        let children = self.levels.get(depth + 1).map_or(0, |l| l.test_points);
        if children > 0 {
            self.close_level(depth + 1);
        }
        let mut path: Vec<&str> = self.levels[..depth.min(self.levels.len())]
            .iter()
            .filter_map(|l| l.subtest_name.as_deref())
            .collect();
        path.push(&point.description);
        let name = path.join(" > ");
        let level = self.level_mut(depth);
        level.test_points += 1;
        // The announcement belonged to this test point; the next sibling brings its own.
        level.subtest_name = None;
        self.pending = Some(PendingPoint {
            ok: point.ok,
            is_leaf: children == 0,
            name,
            directive: point.directive,
            reason: point.reason,
            error: TextBuf::default(),
            failure_type: String::new(),
            process_exit: None,
        });
    }

    /// A parent claimed the test points at `depth` and below: check their plan, forget them.
    fn close_level(&mut self, depth: usize) {
        if let Some(level) = self.levels.get(depth)
            && let Some((announced, line)) = level.plan
            && level.test_points < announced
        {
            let problem = format!(
                "plan on line {line} announced {announced} tests but only {} reported: \
                 the run stopped early",
                level.test_points
            );
            self.report.error(&problem);
        }
        self.levels.truncate(depth);
    }

    fn level_mut(&mut self, depth: usize) -> &mut Level {
        if self.levels.len() <= depth {
            self.levels.resize_with(depth + 1, Level::default);
        }
        &mut self.levels[depth]
    }

    /// The pending test point is complete (its YAML, if any, has been read): record it.
    fn flush(&mut self) -> Result<(), ReportError> {
        self.yaml = None;
        let Some(mut point) = self.pending.take() else {
            return Ok(());
        };
        let error = point.error.take();
        if let Some(exit) = &point.process_exit {
            let mut problem = format!("test file {} {exit}", point.name);
            if !error.is_empty() && error != "test failed" {
                problem.push_str(&format!(": {error}"));
            }
            self.report.error(&problem);
            return self
                .report
                .case(&point.name, TestOutcome::Error, Some(&problem));
        }
        let failed_on_its_own = !point.ok && point.failure_type != "subtestsFailed";
        if !point.is_leaf && !failed_on_its_own {
            return Ok(());
        }
        let (outcome, message) = match (point.ok, point.directive) {
            (_, Directive::Skip) => (TestOutcome::Skipped, point.reason),
            (false, Directive::Todo) => (TestOutcome::Skipped, format!("TODO {}", point.reason)),
            (true, _) => (TestOutcome::Passed, String::new()),
            (false, Directive::None) => {
                let mut message = error;
                if !point.failure_type.is_empty() && point.failure_type != "testCodeFailure" {
                    message = format!("{}: {message}", point.failure_type);
                }
                (TestOutcome::Failed, message)
            }
        };
        let message = Some(message.trim()).filter(|m| !m.is_empty());
        self.report.case(&point.name, outcome, message)
    }

    fn finish(mut self) -> Result<Report, ReportError> {
        self.flush()?;
        if !self.saw_anything {
            self.report
                .error("no TAP plan or test point found: the runner wrote no results");
        } else if self.levels.first().is_none_or(|l| l.plan.is_none()) {
            self.report.error(
                "no top-level plan (`1..N`) at the end: the report is truncated \
                 (the runner was killed or stopped early)",
            );
        }
        // Nested levels left open mean a parent never reported: same cause.
        if self.levels.len() > 1 && self.levels[1..].iter().any(|l| l.test_points > 0) {
            self.report
                .error("subtests without their parent's result: the report is truncated");
        }
        self.close_level(0);
        Ok(self.report.finish())
    }
}

struct ParsedPoint {
    ok: bool,
    description: String,
    directive: Directive,
    reason: String,
}

/// `ok 1 - name # SKIP reason` / `not ok 2 name`.
fn parse_test_point(content: &str) -> Option<ParsedPoint> {
    let (ok, rest) = if let Some(rest) = content.strip_prefix("not ok") {
        (false, rest)
    } else {
        (true, content.strip_prefix("ok")?)
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let (description, directive, reason) = split_directive(rest);
    let description = unescape(description.trim());
    Some(ParsedPoint {
        ok,
        description: if description.is_empty() {
            "(unnamed test)".into()
        } else {
            description
        },
        directive,
        reason: reason.trim().to_string(),
    })
}

/// Splits at the first unescaped `#` followed by SKIP/TODO (case-insensitive).
fn split_directive(text: &str) -> (&str, Directive, &str) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'#' => {
                let after = text[i + 1..].trim_start();
                let word = after.get(..4).unwrap_or("");
                let directive = if word.eq_ignore_ascii_case("skip") {
                    Directive::Skip
                } else if word.eq_ignore_ascii_case("todo") {
                    Directive::Todo
                } else {
                    i += 1;
                    continue;
                };
                let reason = after[4..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
                return (&text[..i], directive, reason);
            }
            _ => i += 1,
        }
    }
    (text, Directive::None, "")
}

/// `1..N` (optionally followed by `# reason`).
fn parse_plan(content: &str) -> Option<usize> {
    let rest = content.strip_prefix("1..")?;
    let digits: &str = rest.split(|c: char| !c.is_ascii_digit()).next()?;
    if digits.is_empty() {
        return None;
    }
    Some(digits.parse().unwrap_or(usize::MAX))
}

/// Node escapes `#` and `\` in names.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('#' | '\\')) => out.push(next),
                Some('n') => out.push('\n'),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A one-line YAML scalar: `'single'` (with `''`), `"double"` (common escapes) or plain.
fn yaml_scalar(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return inner
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\"", "\"")
            .replace("\\\\", "\\");
    }
    value.to_string()
}

fn separate(text: &mut TextBuf) {
    if !text.is_empty() {
        text.push("\n");
    }
}

#[cfg(test)]
#[path = "tap_tests.rs"]
mod tests;
