use crate::testreport::test_support::{message_of, outcomes, parse_fixture};
use crate::testreport::{Report, ReportError, ReportFormat, TestOutcome::*, parse};

fn tap(name: &str) -> Report {
    parse_fixture(ReportFormat::Tap, "tap", name)
}

fn tap_text(text: &str) -> Report {
    parse(ReportFormat::Tap, text.as_bytes()).unwrap()
}

#[test]
fn passing_reports_count_leaf_tests_only() {
    for node in ["node18", "node20"] {
        let report = tap(&format!("{node}-pass.tap"));
        assert_eq!(
            outcomes(&report),
            [
                ("adds numbers", Passed),
                ("string group > upper", Passed),
                ("string group > nested group > deep leaf", Passed),
                ("suite A > works", Passed),
                ("suite A > also works", Passed),
            ],
            "{node}"
        );
        assert!(report.errors.is_empty(), "{node}: {:?}", report.errors);
    }
}

#[test]
fn failing_reports_have_every_outcome_and_messages() {
    for node in ["node18", "node20"] {
        let report = tap(&format!("{node}-fail.tap"));
        assert_eq!(
            outcomes(&report),
            [
                ("passes", Passed),
                ("fails equal", Failed),
                ("throws", Failed),
                ("skipped one", Skipped),
                ("todo one", Skipped),
                ("group > inner pass", Passed),
                ("group > inner fail", Failed),
                ("group > inner skip", Skipped),
                ("parent with failing child > child ok", Passed),
                ("parent with failing child > child bad", Failed),
                ("same name", Passed),
                ("same name", Passed),
            ],
            "{node}"
        );
        assert!(report.errors.is_empty(), "{node}: {:?}", report.errors);
        assert_eq!(
            message_of(&report, "fails equal"),
            "Expected values to be strictly equal:\n\n2 !== 3"
        );
        assert_eq!(
            message_of(&report, "throws"),
            r#"boom: "quoted" # not a directive"#
        );
        assert_eq!(message_of(&report, "skipped one"), "not today");
        assert_eq!(message_of(&report, "todo one"), "TODO later");
        let inner = message_of(&report, "group > inner fail");
        assert!(
            inner.starts_with("Expected values to be strictly deep-equal:\n+ actual - expected"),
            "{inner}"
        );
        assert!(inner.contains("\n  {\n+   a: 1\n-   a: 2\n  }"), "{inner}");
        assert_eq!(
            message_of(&report, "parent with failing child > child bad"),
            "child failed"
        );
    }
}

#[test]
fn a_test_file_with_a_syntax_error_is_an_error_case_and_a_report_error() {
    for node in ["node18", "node20"] {
        let report = tap(&format!("{node}-syntax-error.tap"));
        assert_eq!(
            outcomes(&report),
            [("fine", Passed), ("/work/tests/syntax.test.js", Error)],
            "{node}"
        );
        assert_eq!(
            report.errors,
            ["test file /work/tests/syntax.test.js exited with code 1"],
            "{node}"
        );
    }
}

#[test]
fn process_exit_and_uncaught_errors_are_report_errors() {
    for node in ["node18", "node20"] {
        let report = tap(&format!("{node}-process-exit.tap"));
        assert_eq!(
            outcomes(&report),
            [
                ("uncaught later", Passed),
                ("still fine", Passed),
                ("/work/tests/async.test.js", Error),
                ("/work/tests/exit.test.js", Error),
            ],
            "{node}"
        );
        assert_eq!(
            report.errors,
            [
                "test file /work/tests/async.test.js exited with code 1",
                "test file /work/tests/exit.test.js exited with code 3",
            ],
            "{node}"
        );
    }
}

#[test]
fn a_report_cut_short_is_flagged() {
    let full = String::from_utf8(crate::testreport::test_support::fixture(
        "tap",
        "node20-pass.tap",
    ))
    .unwrap();
    let cut = &full[..full.find("ok 2 - string group").unwrap()];
    let report = tap_text(cut);
    assert_eq!(report.cases.len(), 3);
    assert!(
        report.errors.iter().any(|e| e.contains("truncated")),
        "{:?}",
        report.errors
    );
}

#[test]
fn an_empty_report_says_so() {
    let report = tap_text("");
    assert!(report.cases.is_empty());
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].contains("no TAP plan or test point"));
}

#[test]
fn plan_with_fewer_test_points_and_bail_out_are_report_errors() {
    let report = tap_text("TAP version 14\n1..3\nok 1 - a\nBail out! database down\n");
    assert_eq!(outcomes(&report), [("a", Passed)]);
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert!(report.errors[0].contains("database down"));
    assert!(report.errors[1].contains("announced 3 tests but only 1"));
}

#[test]
fn directives_escapes_and_bare_test_points() {
    let text = "1..6\nok 1 - a \\# b\nnot ok 2 - c # skip not here\nok 3 # TODO later\nok\nnot ok 5 - d # todo\nnot ok 6 e\n";
    let report = tap_text(text);
    assert_eq!(
        outcomes(&report),
        [
            ("a # b", Passed),
            ("c", Skipped),
            ("(unnamed test)", Passed),
            ("(unnamed test)", Passed),
            ("d", Skipped),
            ("e", Failed),
        ]
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn a_parent_failing_on_its_own_is_a_case() {
    let text = "# Subtest: suite\n    # Subtest: t\n    ok 1 - t\n    1..1\nnot ok 1 - suite\n  ---\n  failureType: 'hookFailed'\n  error: 'after hook blew up'\n  ...\n1..1\n";
    let report = tap_text(text);
    assert_eq!(
        outcomes(&report),
        [("suite > t", Passed), ("suite", Failed)]
    );
    assert_eq!(
        message_of(&report, "suite"),
        "hookFailed: after hook blew up"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("{}ok 1 - deep\n", " ".repeat(4 * 1000));
    match parse(ReportFormat::Tap, text.as_bytes()) {
        Err(ReportError::Malformed {
            location, problem, ..
        }) => {
            assert_eq!(location, "line 1");
            assert!(problem.contains("nested deeper"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unclosed_yaml_block_does_not_swallow_the_rest() {
    let text = "not ok 1 - a\n  ---\n  error: 'x'\nok 2 - b\n1..2\n";
    let report = tap_text(text);
    assert_eq!(outcomes(&report), [("a", Failed), ("b", Passed)]);
    assert_eq!(message_of(&report, "a"), "x");
}
