use crate::testreport::test_support::{message_of, outcomes, parse_fixture};
use crate::testreport::{ReportError, ReportFormat, TestOutcome::*, parse};

fn junit(name: &str) -> crate::testreport::Report {
    parse_fixture(ReportFormat::Junit, "junit", name)
}

fn malformed(text: &str) -> String {
    match parse(ReportFormat::Junit, text.as_bytes()) {
        Err(e @ ReportError::Malformed { .. }) => e.to_string(),
        other => panic!("expected a malformed-report error for {text:?}, got {other:?}"),
    }
}

#[test]
fn pytest_passing_report() {
    let report = junit("pytest9-pass.xml");
    assert_eq!(
        outcomes(&report),
        [
            ("tests.test_ok.test_add", Passed),
            ("tests.test_ok.test_add_negative", Passed),
            ("tests.test_ok.TestGroup.test_method", Passed),
        ]
    );
    assert!(report.errors.is_empty());
    assert!(report.cases.iter().all(|c| c.message.is_none()));
}

#[test]
fn pytest_failing_report_has_every_outcome() {
    // pytest 9 on the host and Debian bookworm's pytest 7.2 (the crucible/python image).
    for fixture in ["pytest9-fail.xml", "pytest7-fail.xml"] {
        pytest_failing_report(fixture);
    }
}

fn pytest_failing_report(fixture: &str) {
    let report = junit(fixture);
    assert_eq!(
        outcomes(&report),
        [
            ("tests.test_mixed.test_passes", Passed),
            ("tests.test_mixed.test_fails", Failed),
            ("tests.test_mixed.test_raises", Failed),
            ("tests.test_mixed.test_fixture_error", Error),
            ("tests.test_mixed.test_skipped", Skipped),
            ("tests.test_mixed.test_xfail", Skipped),
            ("tests.test_mixed.test_param[1]", Passed),
            ("tests.test_mixed.test_param[2]", Failed),
            ("tests.test_mixed.test_param[3]", Passed),
        ]
    );
    assert!(report.errors.is_empty());
    let fails = message_of(&report, "tests.test_mixed.test_fails");
    assert!(
        fails.starts_with("AssertionError: lists differ\nassert [1, 2, 3]"),
        "{fails}"
    );
    assert!(
        fails.contains("tests/test_mixed.py:7: AssertionError"),
        "{fails}"
    );
    let raises = message_of(&report, "tests.test_mixed.test_raises");
    assert!(
        raises.starts_with(r#"ValueError: boom <&> "quoted""#),
        "{raises}"
    );
    assert!(message_of(&report, "tests.test_mixed.test_skipped").starts_with("not today"));
    assert_eq!(
        message_of(&report, "tests.test_mixed.test_xfail"),
        "known bug"
    );
}

#[test]
fn pytest_collection_error_is_a_report_error_not_a_case() {
    for fixture in [
        "pytest9-collection-error.xml",
        "pytest7-collection-error.xml",
    ] {
        pytest_collection_error(fixture);
    }
}

fn pytest_collection_error(fixture: &str) {
    let report = junit(fixture);
    assert!(report.cases.is_empty(), "{:?}", report.cases);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].starts_with("collection error in tests.test_bad: collection failure"));
    assert!(report.errors[0].contains("SyntaxError: invalid syntax"));
}

#[test]
fn junit5_passing_report_with_nested_and_parameterized_tests() {
    let report = junit("junit5-pass.xml");
    assert_eq!(
        outcomes(&report),
        [
            ("CalcTest$Inner.nestedWorks()", Passed),
            ("CalcTest.identity(int)[1]", Passed),
            ("CalcTest.addsPositive()", Passed),
            ("CalcTest.identity(int)[2]", Passed),
            ("CalcTest.addsNegative()", Passed),
        ]
    );
    assert!(report.errors.is_empty());
}

#[test]
fn junit5_failing_report() {
    let report = junit("junit5-fail.xml");
    assert_eq!(
        outcomes(&report),
        [
            ("CalcTest.assumptionFails()", Skipped),
            ("CalcTest.disabled()", Skipped),
            ("CalcTest.throwsException()", Error),
            ("CalcTest.failsAssert()", Failed),
            ("CalcTest.passes()", Passed),
        ]
    );
    assert!(
        message_of(&report, "CalcTest.failsAssert()")
            .starts_with("two plus two ==> expected: <5> but was: <4>")
    );
    assert!(message_of(&report, "CalcTest.throwsException()").starts_with("boom <&>"));
    // JUnit 5 stack traces are long; messages are clipped, never unbounded.
    for case in &report.cases {
        let len = case.message.as_deref().map_or(0, str::len);
        assert!(
            len <= crate::testreport::MAX_TEXT_BYTES,
            "{}: {len}",
            case.name
        );
    }
}

#[test]
fn junit5_before_all_failure_errors_every_test_of_the_class() {
    let report = junit("junit5-beforeall-error.xml");
    assert_eq!(
        outcomes(&report),
        [
            ("CalcTest.two()", Error),
            ("OtherTest.fine()", Passed),
            ("CalcTest.one()", Error),
        ]
    );
    assert!(message_of(&report, "CalcTest.one()").starts_with("setup exploded"));
}

#[test]
fn junit5_system_exit_leaves_a_suite_without_cases() {
    // System.exit(0) inside a test: the launcher exits 0 and only the empty suite report exists.
    let report = junit("junit5-system-exit-suite-only.xml");
    assert!(report.cases.is_empty());
    assert!(report.errors.is_empty());
}

#[test]
fn planted_all_pass_report_is_reported_as_written() {
    let report = junit("planted-all-pass.xml");
    assert_eq!(
        outcomes(&report),
        [
            ("tests.test_solution.test_one", Passed),
            ("tests.test_solution.test_two", Passed),
            ("tests.test_solution.test_three", Passed),
        ]
    );
    assert!(report.errors.is_empty());
}

#[test]
fn concatenated_reports_are_read_in_order() {
    let mut both = crate::testreport::test_support::fixture("junit", "junit5-fail.xml");
    both.extend(crate::testreport::test_support::fixture(
        "junit",
        "junit5-system-exit-suite-only.xml",
    ));
    both.extend(crate::testreport::test_support::fixture(
        "junit",
        "pytest9-pass.xml",
    ));
    let report = parse(ReportFormat::Junit, &both).unwrap();
    assert_eq!(report.cases.len(), 5 + 3);
}

#[test]
fn doctype_and_entities_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<testsuite><testcase name="a"><failure>&lol2;</failure></testcase></testsuite>"#;
    assert!(malformed(bomb).contains("DOCTYPE"));
    let undefined =
        r#"<testsuite><testcase name="a"><failure>&lol;</failure></testcase></testsuite>"#;
    assert!(malformed(undefined).contains("undefined entity `&lol;`"));
    let in_attribute = r#"<testsuite><testcase name="a&lol;b"/></testsuite>"#;
    assert!(malformed(in_attribute).contains("attribute `name`"));
    let external = r#"<!DOCTYPE x SYSTEM "file:///etc/passwd"><testsuite/>"#;
    assert!(malformed(external).contains("DOCTYPE"));
}

#[test]
fn character_references_are_resolved() {
    let text = r#"<testsuite><testcase classname="c" name="n&#x41;&#66;"><failure message="a&#10;b">x &lt; y</failure></testcase></testsuite>"#;
    let report = parse(ReportFormat::Junit, text.as_bytes()).unwrap();
    assert_eq!(report.cases[0].name, "c.nAB");
    assert_eq!(report.cases[0].message.as_deref(), Some("a\nb\nx < y"));
}

#[test]
fn truncated_and_garbage_reports_are_malformed_with_a_location() {
    assert!(malformed("").contains("no <testsuite>"));
    assert!(malformed("not xml at all").contains("no <testsuite>"));
    let truncated = r#"<testsuites><testsuite name="x"><testcase name="a">"#;
    assert!(malformed(truncated).contains("truncated"));
    let mismatched = "<testsuite>\n<testcase name=\"a\">\n</testsuite>";
    let message = malformed(mismatched);
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("junit report is malformed"), "{message}");
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("<testsuite>{}", "<a>".repeat(10_000));
    assert!(malformed(&text).contains("nested deeper"));
}

#[test]
fn nested_testcase_is_refused() {
    let text = r#"<testsuite><testcase name="a"><testcase name="b"/></testcase></testsuite>"#;
    assert!(malformed(text).contains("inside another"));
}

#[test]
fn worst_result_wins_and_suite_level_errors_are_report_errors() {
    let text = r#"<testsuite><error message="suite setup failed">trace</error>
        <testcase name="a"><skipped/><failure message="f"/><error message="teardown"/></testcase>
        <testcase name="a"/></testsuite>"#;
    let report = parse(ReportFormat::Junit, text.as_bytes()).unwrap();
    assert_eq!(outcomes(&report), [("a", Error), ("a", Passed)]);
    assert_eq!(report.cases[0].message.as_deref(), Some("f\nteardown"));
    assert_eq!(
        report.errors,
        ["test suite reported an <error>: suite setup failed\ntrace"]
    );
}
