use crate::testreport::test_support::{message_of, outcomes, parse_fixture};
use crate::testreport::{Report, ReportFormat, TestOutcome::*, parse};

fn go(name: &str) -> Report {
    parse_fixture(ReportFormat::GoTestJson, "gotest", name)
}

fn go_text(text: &str) -> Report {
    parse(ReportFormat::GoTestJson, text.as_bytes()).unwrap()
}

#[test]
fn passing_report_counts_subtests_not_their_parent() {
    let report = go("go1.19-pass.json");
    assert_eq!(
        outcomes(&report),
        [
            ("TestAdd", Passed),
            ("TestTable/zero", Passed),
            ("TestTable/neg", Passed)
        ]
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn failing_report_has_leaf_outcomes_and_messages() {
    let report = go("go1.19-fail.json");
    assert_eq!(
        outcomes(&report),
        [
            ("TestPass", Passed),
            ("TestFail", Failed),
            ("TestSkip", Skipped),
            ("TestSubs/ok_case", Passed),
            ("TestSubs/bad_case", Failed),
            ("TestSubs/nested/deep", Passed),
            ("TestSubs2/dup", Passed),
            ("TestSubs2/dup#01", Passed),
        ]
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        message_of(&report, "TestFail"),
        "some stdout\nadd_test.go:12: Add(2, 2) = 4, want 5"
    );
    assert_eq!(message_of(&report, "TestSkip"), "add_test.go:15: not today");
    assert_eq!(
        message_of(&report, "TestSubs/bad_case"),
        "add_test.go:19: sub failed"
    );
}

#[test]
fn build_failure_is_a_report_error_without_cases() {
    let report = go("go1.19-build-failed.json");
    assert!(report.cases.is_empty());
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].contains("FAIL\ttask [build failed]"),
        "{}",
        report.errors[0]
    );
}

#[test]
fn panic_fails_the_test_and_is_a_report_error() {
    let report = go("go1.19-panic.json");
    assert_eq!(
        outcomes(&report),
        [("TestFirst", Passed), ("TestPanics", Failed)]
    );
    assert!(message_of(&report, "TestPanics").starts_with("panic: assignment to entry in nil map"));
    assert_eq!(
        report.errors,
        [
            "TestPanics panicked (panic: assignment to entry in nil map); the test binary stopped, later tests did not run"
        ]
    );
}

#[test]
fn parent_failing_on_its_own_is_a_case() {
    let text = r#"{"Action":"run","Package":"task","Test":"TestP"}
{"Action":"run","Package":"task","Test":"TestP/a"}
{"Action":"pass","Package":"task","Test":"TestP/a"}
{"Action":"output","Package":"task","Test":"TestP","Output":"    p_test.go:9: after subtests\n"}
{"Action":"fail","Package":"task","Test":"TestP"}
{"Action":"fail","Package":"task"}
"#;
    let report = go_text(text);
    assert_eq!(outcomes(&report), [("TestP", Failed), ("TestP/a", Passed)]);
    assert_eq!(message_of(&report, "TestP"), "p_test.go:9: after subtests");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn unfinished_tests_and_package_failures_are_report_errors() {
    let text = r#"{"Action":"run","Package":"task","Test":"TestA"}
{"Action":"pass","Package":"task","Test":"TestA"}
{"Action":"run","Package":"task","Test":"TestB"}
{"Action":"output","Package":"task","Output":"exit status 3\n"}
{"Action":"fail","Package":"task"}
"#;
    let report = go_text(text);
    assert_eq!(outcomes(&report), [("TestA", Passed), ("TestB", Error)]);
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert!(report.errors[0].contains("started but never finished"));
    assert!(report.errors[0].contains("TestB"));
    assert!(report.errors[1].contains("package task failed without a failing test"));
    assert!(report.errors[1].contains("exit status 3"));
}

#[test]
fn newer_go_build_events_are_report_errors() {
    let text = r#"{"ImportPath":"task [task.test]","Action":"build-output","Output":"./a_test.go:6:18: invalid operation\n"}
{"ImportPath":"task [task.test]","Action":"build-fail"}
{"Action":"start","Package":"task"}
{"Action":"output","Package":"task","Output":"FAIL\ttask [build failed]\n"}
{"Action":"fail","Package":"task","FailedBuild":"task [task.test]"}
"#;
    let report = go_text(text);
    assert!(report.cases.is_empty());
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains("invalid operation")),
        "{:?}",
        report.errors
    );
    assert!(
        report
            .errors
            .iter()
            .all(|e| !e.contains("without a failing test")),
        "{:?}",
        report.errors
    );
}

#[test]
fn several_packages_prefix_names() {
    let text = r#"{"Action":"pass","Package":"task","Test":"TestA"}
{"Action":"pass","Package":"task/sub","Test":"TestA"}
"#;
    assert_eq!(
        outcomes(&go_text(text)),
        [("task.TestA", Passed), ("task/sub.TestA", Passed)]
    );
}
