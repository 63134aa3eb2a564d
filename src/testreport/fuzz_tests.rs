//! Every parser is fed random bytes, truncated and mutated real reports, and hostile token soup.
//! The assertions are that nothing panics, caps hold, and pathological inputs finish quickly.
//! The generator is deterministic (seeded xorshift), so a failure reproduces.
use super::test_support::fixture;
use super::{MAX_CASES, MAX_ERRORS, MAX_TEXT_BYTES, ReportFormat, parse};
use std::time::{Duration, Instant};

const FORMATS: [(ReportFormat, &str); 5] = [
    (ReportFormat::Junit, "junit"),
    (ReportFormat::Tap, "tap"),
    (ReportFormat::GoTestJson, "gotest"),
    (ReportFormat::Libtest, "libtest"),
    (ReportFormat::Simple, "simple"),
];

const TOKENS: &[&str] = &[
    "<testsuites>",
    "<testsuite name=\"s\">",
    "</testsuite>",
    "<testcase classname=\"c\" name=\"n\">",
    "<testcase name=\"e\"/>",
    "</testcase>",
    "<failure message=\"m\">",
    "</failure>",
    "<error/>",
    "<skipped/>",
    "<![CDATA[x]]>",
    "&lt;",
    "&#10;",
    "&#x110000;",
    "&bogus;",
    "<!DOCTYPE x>",
    "<?xml version=\"1.0\"?>",
    "ok 1 - a",
    "not ok 2 - b # SKIP",
    "# TODO",
    "# Subtest: s",
    "    ",
    "  ---",
    "  ...",
    "  error: |-",
    "  exitCode: 1",
    "1..3",
    "Bail out!",
    "{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T/a\"}",
    "{\"Action\":\"fail\",\"Package\":\"p\"}",
    "{\"Action\":\"pass\",\"Test\":\"T\"}",
    "{\"Action\":\"output\",\"Output\":\"panic: x\\n\"}",
    "{\"Action\":\"build-fail\"}",
    "running 3 tests",
    "test x ... ok",
    "test y ... FAILED",
    "test z ... ignored, r",
    "failures:",
    "---- y stdout ----",
    "    y",
    "test result: FAILED. 1 passed; 1 failed; 1 ignored;",
    "error[E0308]: x",
    "Caused by:",
    "PASS a",
    "FAIL b: c",
    "SKIP d",
    "\n",
    "\r\n",
    "\u{1b}[31m",
    "\u{0}",
    "é",
    "\\#",
    "/",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn all_fixtures() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports");
    let mut out = Vec::new();
    for (_, sub) in FORMATS {
        let mut names: Vec<_> = std::fs::read_dir(format!("{dir}/{sub}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        out.extend(names.iter().map(|name| fixture(sub, name)));
    }
    out
}

fn check_all_formats(input: &[u8]) {
    for (format, _) in FORMATS {
        if let Ok(report) = parse(format, input) {
            assert!(report.cases.len() <= MAX_CASES);
            assert!(report.errors.len() <= MAX_ERRORS + 1);
            for case in &report.cases {
                assert!(
                    case.name.len() <= MAX_TEXT_BYTES,
                    "{format}: name {}",
                    case.name.len()
                );
                assert!(
                    !case.name.chars().any(char::is_control),
                    "{format}: {:?}",
                    case.name
                );
                let len = case.message.as_deref().map_or(0, str::len);
                assert!(len <= MAX_TEXT_BYTES, "{format}: message {len}");
            }
            for error in &report.errors {
                assert!(
                    error.len() <= MAX_TEXT_BYTES,
                    "{format}: error {}",
                    error.len()
                );
            }
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let len = rng.below(2000);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check_all_formats(&bytes);
    }
}

#[test]
fn truncated_and_mutated_fixtures_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for original in all_fixtures() {
        for _ in 0..12 {
            let cut = rng.below(original.len() + 1);
            check_all_formats(&original[..cut]);
            let mut mutated = original.clone();
            for _ in 0..1 + rng.below(8) {
                if mutated.is_empty() {
                    break;
                }
                let at = rng.below(mutated.len());
                match rng.below(3) {
                    0 => mutated[at] = rng.next() as u8,
                    1 => {
                        mutated.remove(at);
                    }
                    _ => {
                        let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                        mutated.splice(at..at, token.iter().copied());
                    }
                }
            }
            check_all_formats(&mutated);
        }
    }
}

#[test]
fn token_soup_never_panics() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..400 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            text.push_str(TOKENS[rng.below(TOKENS.len())]);
            if rng.below(3) == 0 {
                text.push('\n');
            }
        }
        check_all_formats(text.as_bytes());
    }
}

/// Inputs shaped to hit quadratic paths; each must parse in well under a second.
#[test]
fn pathological_inputs_finish_quickly() {
    let many_failures = {
        let mut text = String::from("running 1 test\n");
        for i in 0..20_000 {
            text.push_str(&format!("test t{i} ... FAILED\n"));
        }
        text.push_str("failures:\n");
        for i in 0..20_000 {
            text.push_str(&format!("    t{i}\n"));
        }
        text.push_str("test result: FAILED. 0 passed; 20000 failed; 0 ignored\n");
        text
    };
    let many_packages: String = (0..20_000)
        .map(|i| format!("{{\"Action\":\"pass\",\"Package\":\"p{i}\",\"Test\":\"T\"}}\n"))
        .collect();
    let deep_go_names: String = (0..500)
        .map(|i| {
            format!(
                "{{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T{}{i}\"}}\n",
                "/x".repeat(500)
            )
        })
        .collect();
    let deep_tap = (0..64)
        .map(|d| format!("{}# Subtest: s\n", " ".repeat(4 * d)))
        .collect::<String>()
        .repeat(200);
    let long_line = "x".repeat(8 * 1024 * 1024);
    let huge_attribute = format!("<testsuite><testcase name=\"{long_line}\"/></testsuite>");
    for input in [
        &many_failures,
        &many_packages,
        &deep_go_names,
        &deep_tap,
        &long_line,
        &huge_attribute,
    ] {
        let started = Instant::now();
        check_all_formats(input.as_bytes());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?} on a {}-byte input",
            started.elapsed(),
            input.len()
        );
    }
}

#[test]
fn too_many_cases_and_too_large_reports_are_errors() {
    let many: String = (0..MAX_CASES + 1).map(|i| format!("PASS t{i}\n")).collect();
    let err = parse(ReportFormat::Simple, many.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("more than 100000 test cases"),
        "{err}"
    );
    let big = vec![b' '; super::MAX_REPORT_BYTES + 1];
    let err = parse(ReportFormat::Tap, &big).unwrap_err();
    assert!(err.to_string().contains("over the"), "{err}");
}

#[test]
fn invalid_utf8_is_replaced_not_refused() {
    let report = parse(ReportFormat::Simple, b"PASS caf\xe9\nFAIL x: \xff\xfe\n").unwrap();
    assert_eq!(report.cases[0].name, "caf\u{FFFD}");
    assert_eq!(report.cases[1].message.as_deref(), Some("\u{FFFD}\u{FFFD}"));
}
