//! Per-language defaults: which image runs a task and how its tests are run and reported.
use crate::testreport::ReportFormat;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    Node,
    Go,
    Rust,
    Java,
    Cpp,
    /// Mono C#: stdin/stdout (`[io]`) tasks only, there is no unit-test runner for it.
    CSharp,
}

impl Language {
    /// The languages with a unit-test runner (and a HumanEval-X suite), in image-build order.
    /// C# is not one of them: it runs I/O tasks only (see [`Language::runs_unit_tests`]).
    pub const ALL: [Language; 6] = [
        Language::Python,
        Language::Node,
        Language::Go,
        Language::Rust,
        Language::Java,
        Language::Cpp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Node => "node",
            Language::Go => "go",
            Language::Rust => "rust",
            Language::Java => "java",
            Language::Cpp => "cpp",
            Language::CSharp => "csharp",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "python" | "py" => Some(Language::Python),
            "node" | "js" | "javascript" => Some(Language::Node),
            "go" | "golang" => Some(Language::Go),
            "rust" | "rs" => Some(Language::Rust),
            "java" => Some(Language::Java),
            "cpp" | "c++" | "c" => Some(Language::Cpp),
            "csharp" | "cs" | "c#" => Some(Language::CSharp),
            _ => None,
        }
    }

    /// The image repository; `crucible images build` tags `crucible/<lang>:latest`.
    pub fn image(self) -> String {
        format!("crucible/{}:latest", self.as_str())
    }

    /// Whether tasks without `[io]` (tests run by the language's test runner) exist for it.
    pub fn runs_unit_tests(self) -> bool {
        self != Language::CSharp
    }

    /// The report format the language's default test command writes.
    pub fn default_report(self) -> ReportFormat {
        match self {
            Language::Python | Language::Java => ReportFormat::Junit,
            Language::Node => ReportFormat::Tap,
            Language::Go => ReportFormat::GoTestJson,
            Language::Rust => ReportFormat::Libtest,
            // C#: nothing writes a report (see `default_test_command`).
            Language::Cpp | Language::CSharp => ReportFormat::Simple,
        }
    }

    /// The default test command, run by `/bin/sh -c` in the working directory.
    pub fn default_test_command(self) -> &'static str {
        match self {
            Language::Python => {
                "python3 -m pytest -q -p no:cacheprovider --junitxml=\"$CRUCIBLE_REPORT\" tests"
            }
            Language::Node => {
                "node --test --test-reporter=tap --test-reporter-destination=\"$CRUCIBLE_REPORT\" tests/"
            }
            Language::Go => "go test -json ./... > \"$CRUCIBLE_REPORT\"",
            Language::Rust => {
                "cargo test --offline --no-fail-fast > \"$CRUCIBLE_REPORT\" 2>&1; rc=$?; cat \"$CRUCIBLE_REPORT\"; exit $rc"
            }
            Language::Java => "crucible-junit",
            Language::Cpp => "crucible-cpp-test",
            // Such a task is refused when loaded; should one get this far, it says why.
            Language::CSharp => {
                "echo 'crucible: C# runs stdin/stdout ([io]) tasks only' >&2; exit 2"
            }
        }
    }

    /// Exit codes of the default runner that mean "the tests could not run" (verdict `error`)
    /// rather than "a test failed".
    pub fn error_exit_codes(self) -> &'static [i64] {
        match self {
            // pytest: 2 interrupted (collection error), 3 internal, 4 usage, 5 no tests.
            Language::Python => &[2, 3, 4, 5],
            // Compile failures of compiled languages: crucible's wrappers exit 3.
            Language::Java | Language::Cpp => &[3],
            // go test: 2 is build failure / bad flags.
            Language::Go | Language::CSharp => &[2],
            // cargo test: 101 is both panic and compile error; the report tells them apart.
            Language::Rust | Language::Node => &[],
        }
    }
}
