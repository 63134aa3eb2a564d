//! The formats `crucible report --format` offers.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Named `OutputFormat` so it does not clash with `testreport::ReportFormat` (what runners write).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Aligned text table for the terminal.
    Table,
    Json,
    /// One row per model (per-task rows: `report::tasks_csv`).
    Csv,
    Markdown,
    /// JUnit XML: one testsuite per model, one testcase per task (for CI dashboards).
    Junit,
    /// One self-contained HTML file with inline SVG charts.
    Html,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 6] = [
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Csv,
        OutputFormat::Markdown,
        OutputFormat::Junit,
        OutputFormat::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Junit => "junit",
            OutputFormat::Html => "html",
        }
    }

    /// The usual file extension, for `--output` defaults.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Table => "txt",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
            OutputFormat::Markdown => "md",
            OutputFormat::Junit => "xml",
            OutputFormat::Html => "html",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        let wanted = match wanted.as_str() {
            "md" => "markdown",
            "xml" => "junit",
            "text" | "txt" => "table",
            other => other,
        };
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown report format `{s}`; use one of: {}",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_work() {
        for f in OutputFormat::ALL {
            assert_eq!(f.as_str().parse::<OutputFormat>(), Ok(f));
        }
        assert_eq!("MD".parse::<OutputFormat>(), Ok(OutputFormat::Markdown));
        let err = "pdf".parse::<OutputFormat>().unwrap_err();
        assert!(err.contains("pdf") && err.contains("junit"), "{err}");
    }
}
