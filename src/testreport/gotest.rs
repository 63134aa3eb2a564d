//! `go test -json` event streams (go 1.19 as in Debian bookworm; the newer `build-output` /
//! `build-fail` events and `FailedBuild` field are understood too).
//!
//! How subtests count: like TAP, only **leaf** tests are cases. `TestTable` with subtests
//! `TestTable/zero` and `TestTable/neg` is two cases, not three. A parent is a case only when it
//! failed while none of its subtests did (its own assertion after `t.Run` failed), so a failure is
//! never lost. Names are go's own (`TestSubs/bad_case`, duplicates as `TestSubs2/dup#01`); when the
//! report covers several packages, names are prefixed with `package.`.
//!
//! Report-level errors: build failures (go 1.19 prints `FAIL <pkg> [build failed]` as a non-JSON
//! line; the compiler messages go to stderr), any other non-JSON output, a package that failed
//! without a failing test (panic in `init`/`TestMain`, `os.Exit`), and tests that started but never
//! finished (the test binary crashed or was killed). Such unfinished tests are `error` cases.
use super::MAX_TEXT_BYTES;
use super::bounded::{ReportBuilder, TextBuf, prefix_within};
use super::{Report, ReportError, ReportFormat, TestOutcome};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Subtest levels searched for a parent (go names nest with `/`; real tests nest a few levels).
const MAX_SUBTEST_DEPTH: usize = 16;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoEvent {
    action: String,
    #[serde(default)]
    package: String,
    #[serde(default)]
    import_path: String,
    #[serde(default)]
    test: Option<String>,
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    failed_build: Option<String>,
}

struct GoTest {
    package: String,
    name: String,
    outcome: Option<TestOutcome>,
    output: TextBuf,
    parent: Option<usize>,
    has_children: bool,
    child_failed: bool,
}

#[derive(Default)]
struct GoPackage {
    output: TextBuf,
    failed: bool,
    any_test_failed: bool,
}

#[derive(Default)]
struct GoParser {
    tests: Vec<GoTest>,
    /// package → test name → index into `tests`.
    by_key: HashMap<String, HashMap<String, usize>>,
    packages: HashMap<String, GoPackage>,
    package_order: Vec<String>,
    not_json: TextBuf,
    build_failures: Vec<String>,
}

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let report = ReportBuilder::new(ReportFormat::GoTestJson);
    let mut parser = GoParser::default();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<GoEvent>(line) {
            Ok(event) => parser.event(event)?,
            Err(_) => {
                parser.not_json.push(line);
                parser.not_json.push("\n");
            }
        }
    }
    parser.finish(report)
}

impl GoParser {
    fn event(&mut self, event: GoEvent) -> Result<(), ReportError> {
        let package_name = if event.package.is_empty() {
            &event.import_path
        } else {
            &event.package
        };
        // Keys stay small whatever the report says: names longer than a message are clipped.
        let package_name = prefix_within(package_name, MAX_TEXT_BYTES).to_string();
        match (event.action.as_str(), event.test) {
            ("build-output", _) => {
                let package = self.package(&package_name);
                package.output.push(event.output.as_deref().unwrap_or(""));
            }
            ("build-fail", _) => {
                self.build_failures.push(package_name);
            }
            (action, Some(test)) => {
                let index = self.test(&package_name, prefix_within(&test, MAX_TEXT_BYTES))?;
                match action {
                    "output" => {
                        let output = event.output.as_deref().unwrap_or("");
                        if !is_framing(output) {
                            self.tests[index].output.push(output.trim_start());
                        }
                    }
                    "pass" => self.tests[index].outcome = Some(TestOutcome::Passed),
                    "skip" => self.tests[index].outcome = Some(TestOutcome::Skipped),
                    "fail" => {
                        self.tests[index].outcome = Some(TestOutcome::Failed);
                        self.package(&package_name).any_test_failed = true;
                        self.mark_ancestors_failed(index);
                    }
                    _ => {}
                }
            }
            (action, None) => {
                let package = self.package(&package_name);
                match action {
                    "output" => package.output.push(event.output.as_deref().unwrap_or("")),
                    "fail" => {
                        package.failed = true;
                        if event.failed_build.is_some() {
                            self.build_failures.push(package_name);
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn package(&mut self, name: &str) -> &mut GoPackage {
        if !self.packages.contains_key(name) {
            self.package_order.push(name.to_string());
        }
        self.packages.entry(name.to_string()).or_default()
    }

    /// The index of a test, registering it (and linking it to its parent) on first sight.
    fn test(&mut self, package: &str, name: &str) -> Result<usize, ReportError> {
        if let Some(&index) = self.by_key.get(package).and_then(|tests| tests.get(name)) {
            return Ok(index);
        }
        if self.tests.len() >= super::MAX_CASES {
            return Err(ReportError::TooManyCases {
                format: ReportFormat::GoTestJson,
                max: super::MAX_CASES,
            });
        }
        let known = self.by_key.entry(package.to_string()).or_default();
        let parent = name
            .rmatch_indices('/')
            .take(MAX_SUBTEST_DEPTH)
            .find_map(|(at, _)| known.get(&name[..at]).copied());
        if let Some(parent) = parent {
            self.tests[parent].has_children = true;
        }
        self.package(package);
        let index = self.tests.len();
        self.tests.push(GoTest {
            package: package.to_string(),
            name: name.to_string(),
            outcome: None,
            output: TextBuf::default(),
            parent,
            has_children: false,
            child_failed: false,
        });
        self.by_key
            .entry(package.to_string())
            .or_default()
            .insert(name.to_string(), index);
        Ok(index)
    }

    fn mark_ancestors_failed(&mut self, index: usize) {
        let mut next = self.tests[index].parent;
        for _ in 0..MAX_SUBTEST_DEPTH {
            let Some(parent) = next else { break };
            self.tests[parent].child_failed = true;
            next = self.tests[parent].parent;
        }
    }

    fn finish(mut self, mut report: ReportBuilder) -> Result<Report, ReportError> {
        if !self.not_json.is_empty() {
            report.error(&format!(
                "go test printed output that is not a test event (a build failure prints \
                 `FAIL <package> [build failed]` here and the compiler errors on stderr):\n{}",
                self.not_json.take()
            ));
        }
        for package in &self.build_failures {
            let output = self
                .packages
                .get_mut(package)
                .map(|p| p.output.take())
                .unwrap_or_default();
            report.error(&format!("package {package} failed to build:\n{output}"));
        }
        let packages_with_tests: HashSet<&str> =
            self.tests.iter().map(|t| t.package.as_str()).collect();
        let prefix_packages = packages_with_tests.len() > 1;
        let mut unfinished = Vec::new();
        for test in &mut self.tests {
            let name = if prefix_packages {
                format!("{}.{}", test.package, test.name)
            } else {
                test.name.clone()
            };
            let outcome = match test.outcome {
                None => {
                    unfinished.push(name.clone());
                    TestOutcome::Error
                }
                Some(TestOutcome::Failed) if test.has_children && test.child_failed => continue,
                Some(TestOutcome::Failed) => TestOutcome::Failed,
                Some(_) if test.has_children => continue,
                Some(outcome) => outcome,
            };
            let message = match outcome {
                TestOutcome::Passed => None,
                TestOutcome::Error => Some("started but never reported a result".to_string()),
                _ => Some(test.output.take()),
            };
            if let Some(panic) = message.as_deref().and_then(panic_line) {
                report.error(&format!(
                    "{name} panicked ({panic}); the test binary stopped, later tests did not run"
                ));
            }
            report.case(&name, outcome, message.as_deref())?;
        }
        if !unfinished.is_empty() {
            report.error(&format!(
                "{} test(s) started but never finished (the test binary crashed, exited or was \
                 killed): {}",
                unfinished.len(),
                unfinished
                    .iter()
                    .take(20)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for name in &self.package_order {
            let package = self.packages.get_mut(name).expect("listed package exists");
            if package.failed && !package.any_test_failed && !self.build_failures.contains(name) {
                report.error(&format!(
                    "package {name} failed without a failing test (panic in init or TestMain, \
                     os.Exit, or a timeout):\n{}",
                    package.output.take()
                ));
            }
        }
        Ok(report.finish())
    }
}

/// The first `panic: …` line of a test's output.
fn panic_line(output: &str) -> Option<&str> {
    output
        .lines()
        .find(|line| line.starts_with("panic: "))
        .map(|line| line.trim_end_matches(" [recovered]"))
}

/// go's own progress lines, which say nothing a case does not.
fn is_framing(output: &str) -> bool {
    let line = output.trim_start();
    [
        "=== RUN",
        "=== PAUSE",
        "=== CONT",
        "=== NAME",
        "--- PASS",
        "--- FAIL",
        "--- SKIP",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

#[cfg(test)]
#[path = "gotest_tests.rs"]
mod tests;
