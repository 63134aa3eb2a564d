use crate::testreport::test_support::{message_of, outcomes, parse_fixture};
use crate::testreport::{Report, ReportFormat, TestOutcome, TestOutcome::*, parse};

fn cargo(name: &str) -> Report {
    parse_fixture(ReportFormat::Libtest, "libtest", name)
}

/// Test threads finish in any order: compare sorted.
fn sorted(report: &Report) -> Vec<(&str, TestOutcome)> {
    let mut cases = outcomes(report);
    cases.sort_by(|a, b| a.0.cmp(b.0));
    cases
}

const VERSIONS: [&str; 2] = ["cargo1.63", "cargo1.95"];

#[test]
fn verbose_passing_output_names_every_test() {
    for version in VERSIONS {
        let report = cargo(&format!("{version}-pass-verbose.txt"));
        assert_eq!(
            sorted(&report),
            [
                ("adds_negative", Passed),
                ("adds_positive", Passed),
                ("nested::inner", Passed),
                ("src/lib.rs - add (line 3)", Passed),
                ("tests::unit_add", Passed),
            ],
            "{version}"
        );
        assert!(report.errors.is_empty(), "{version}: {:?}", report.errors);
    }
}

#[test]
fn quiet_passing_output_counts_tests_under_placeholder_names() {
    for version in VERSIONS {
        let report = cargo(&format!("{version}-pass-quiet.txt"));
        assert_eq!(
            outcomes(&report),
            [
                (
                    "test binary #1: passing test #1 (name not shown by cargo test -q)",
                    Passed
                ),
                (
                    "test binary #2: passing test #1 (name not shown by cargo test -q)",
                    Passed
                ),
                (
                    "test binary #2: passing test #2 (name not shown by cargo test -q)",
                    Passed
                ),
                (
                    "test binary #2: passing test #3 (name not shown by cargo test -q)",
                    Passed
                ),
                (
                    "test binary #3: passing test #1 (name not shown by cargo test -q)",
                    Passed
                ),
            ],
            "{version}"
        );
        assert!(report.errors.is_empty(), "{version}: {:?}", report.errors);
    }
}

#[test]
fn verbose_failing_output() {
    for version in VERSIONS {
        let report = cargo(&format!("{version}-fail-verbose.txt"));
        assert_eq!(
            sorted(&report),
            [
                ("fails_eq", Failed),
                ("ignored_one", Skipped),
                ("ignored_reason", Skipped),
                ("panics", Failed),
                ("passes", Passed),
                ("should_panic_ok", Passed),
                ("should_panic_wrong", Failed),
                ("tests::unit_add", Passed),
            ],
            "{version}"
        );
        assert!(report.errors.is_empty(), "{version}: {:?}", report.errors);
        assert_eq!(message_of(&report, "ignored_reason"), "slow");
        let fails_eq = message_of(&report, "fails_eq");
        assert!(fails_eq.starts_with("thread 'fails_eq'"), "{fails_eq}");
        assert!(fails_eq.contains("two plus two"), "{fails_eq}");
        assert!(
            message_of(&report, "should_panic_wrong")
                .contains("panic did not contain expected string")
        );
    }
}

#[test]
fn quiet_failing_output_names_failures_and_counts_the_rest() {
    for version in VERSIONS {
        let report = cargo(&format!("{version}-fail-quiet.txt"));
        let label = "test binary #2";
        assert_eq!(
            sorted(&report),
            [
                ("fails_eq", Failed),
                ("panics", Failed),
                ("should_panic_wrong", Failed),
                (
                    "test binary #1: passing test #1 (name not shown by cargo test -q)",
                    Passed
                ),
                (
                    &*format!("{label}: ignored test #1 (name not shown by cargo test -q)"),
                    Skipped
                ),
                (
                    &*format!("{label}: ignored test #2 (name not shown by cargo test -q)"),
                    Skipped
                ),
                (
                    &*format!("{label}: passing test #1 (name not shown by cargo test -q)"),
                    Passed
                ),
                (
                    &*format!("{label}: passing test #2 (name not shown by cargo test -q)"),
                    Passed
                ),
            ],
            "{version}"
        );
        assert!(report.errors.is_empty(), "{version}: {:?}", report.errors);
        assert!(message_of(&report, "panics").contains("boom"));
    }
}

#[test]
fn compile_errors_are_report_errors() {
    for version in VERSIONS {
        for mode in ["quiet", "verbose"] {
            let report = cargo(&format!("{version}-compile-{mode}.txt"));
            assert!(report.cases.is_empty(), "{version} {mode}");
            assert_eq!(
                report.errors.len(),
                2,
                "{version} {mode}: {:?}",
                report.errors
            );
            assert!(
                report.errors[0]
                    .starts_with("error[E0308]: mismatched types\n --> tests/basic.rs:3:31")
            );
            assert!(report.errors[1].starts_with("error: could not compile `task`"));
        }
    }
}

#[test]
fn an_aborting_test_binary_is_a_report_error() {
    for version in VERSIONS {
        let report = cargo(&format!("{version}-abort-verbose.txt"));
        assert_eq!(
            sorted(&report),
            [("fine", Passed), ("tests::unit_add", Passed)],
            "{version}"
        );
        assert_eq!(report.errors.len(), 2, "{version}: {:?}", report.errors);
        assert!(
            report.errors[0].starts_with(
                "test binary tests/b_abort.rs stopped before its summary (cargo reported an error)"
            ),
            "{}",
            report.errors[0]
        );
        assert!(report.errors[1].starts_with("test binary process didn't exit successfully"));
        assert!(report.errors[1].contains("SIGABRT"));
        let quiet = cargo(&format!("{version}-abort-quiet.txt"));
        assert_eq!(quiet.cases.len(), 2, "{version}");
        assert_eq!(quiet.errors.len(), 2, "{version}: {:?}", quiet.errors);
    }
}

#[test]
fn cargo_errors_before_any_test_are_report_errors() {
    let report = cargo("cargo1.63-lockfile-v4.txt");
    assert!(report.cases.is_empty());
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].contains("failed to parse lock file"));
    assert!(report.errors[0].contains("lock file version `4`"));
}

#[test]
fn forged_result_lines_beyond_the_summary_are_flagged() {
    let text = "running 1 test\ntest real ... FAILED\ntest fake ... ok\ntest fake2 ... ok\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let report = parse(ReportFormat::Libtest, text.as_bytes()).unwrap();
    assert_eq!(report.cases.len(), 3);
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].contains("more results"),
        "{:?}",
        report.errors
    );
}

#[test]
fn captured_output_cannot_forge_results_or_summaries() {
    let text = "running 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\ntest fake ... ok\nrunning 5 tests\ntest result: ok. 9 passed; 0 failed; 0 ignored\n\nfailures:\n    t\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let report = parse(ReportFormat::Libtest, text.as_bytes()).unwrap();
    assert_eq!(outcomes(&report), [("t", Failed)]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(message_of(&report, "t").contains("test fake ... ok"));
}

#[test]
fn huge_summary_counts_hit_the_case_cap() {
    let text =
        "running 1 test\ntest result: ok. 18446744073709551615 passed; 0 failed; 0 ignored\n";
    assert!(matches!(
        parse(ReportFormat::Libtest, text.as_bytes()),
        Err(crate::testreport::ReportError::TooManyCases { .. })
    ));
}
