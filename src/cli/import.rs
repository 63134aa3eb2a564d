//! `crucible import humaneval|humaneval-x|mbpp <file> --out DIR [--language L]`
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use crucible::suites::{Suite, import};
use crucible::task::Language;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SuiteArg {
    /// OpenAI HumanEval (HumanEval.jsonl.gz)
    Humaneval,
    /// HumanEval-X, one language per file (humaneval_<lang>.jsonl.gz); see --language
    HumanevalX,
    /// MBPP (mbpp.jsonl)
    Mbpp,
}

/// Turn a public suite into crucible task directories (one per problem).
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Which suite the file holds.
    pub suite: SuiteArg,
    /// The suite file (.jsonl or .jsonl.gz).
    pub file: PathBuf,
    /// Directory to write the tasks into (created if missing; a task imported again is replaced).
    #[arg(long)]
    pub out: PathBuf,
    /// HumanEval-X language: python, cpp, java, js, go, rust. Default: taken from the file name
    /// (`humaneval_<lang>.jsonl.gz`).
    #[arg(long)]
    pub language: Option<String>,
}

/// Exit code: 0 when every line was imported, 1 when some lines were skipped (listed on stderr).
pub fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let suite = match args.suite {
        SuiteArg::Humaneval => Suite::HumanEval,
        SuiteArg::Mbpp => Suite::Mbpp,
        SuiteArg::HumanevalX => Suite::HumanEvalX(humaneval_x_language(&args)?),
    };
    let summary = import(suite, &args.file, &args.out)
        .with_context(|| format!("importing {} from {}", suite.name(), args.file.display()))?;
    for e in &summary.errors {
        eprintln!("skipped {e}");
    }
    println!(
        "imported {} {} tasks into {}{}",
        summary.written.len(),
        suite.name(),
        args.out.display(),
        if summary.errors.is_empty() {
            String::new()
        } else {
            format!(" ({} lines skipped, listed above)", summary.errors.len())
        }
    );
    if summary.written.is_empty() {
        bail!("{} holds no importable problem", args.file.display());
    }
    Ok(if summary.errors.is_empty() { 0 } else { 1 })
}

fn humaneval_x_language(args: &ImportArgs) -> anyhow::Result<Language> {
    let given = match &args.language {
        Some(l) => l.clone(),
        None => {
            let name = args
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = name.split('.').next().unwrap_or("");
            match stem.strip_prefix("humaneval_") {
                Some(lang) => lang.to_string(),
                None => bail!(
                    "cannot tell the HumanEval-X language from `{name}`: pass --language \
                     python|cpp|java|js|go|rust"
                ),
            }
        }
    };
    Language::parse(&given.to_ascii_lowercase()).with_context(|| {
        format!("unknown HumanEval-X language `{given}` (one of: python, cpp, java, js, go, rust)")
    })
}
