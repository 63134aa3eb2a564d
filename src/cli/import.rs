//! `crucible import humaneval|humaneval-x|mbpp|codeforces-io <file> --out DIR [--language L]`
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use crucible::suites::{JudgeKind, Suite, import_judged};
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
    /// CodeScope's Codeforces stdin/stdout problems (codeforces_io.jsonl.gz); --language c|cpp|python|csharp
    CodeforcesIo,
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
    /// (`humaneval_<lang>.jsonl.gz`). codeforces-io: c, cpp, python, csharp, comma-separated (default all).
    #[arg(long)]
    pub language: Option<String>,
    /// How Python problems are judged: `calls` runs the tests in a trusted process that calls the
    /// candidate across a process boundary (forgery-proof); `in-process` runs them in the
    /// candidate's own process, as the suites' own harnesses do.
    #[arg(long, value_enum, default_value = "calls")]
    pub judge: JudgeArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum JudgeArg {
    Calls,
    InProcess,
}

/// Exit code: 0 when every line was imported, 1 when some lines were skipped (listed on stderr).
pub fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let suite = match args.suite {
        SuiteArg::Humaneval => Suite::HumanEval,
        SuiteArg::Mbpp => Suite::Mbpp,
        SuiteArg::HumanevalX => Suite::HumanEvalX(humaneval_x_language(&args)?),
        SuiteArg::CodeforcesIo => return import_codeforces_io(&args),
    };
    let judge = match args.judge {
        JudgeArg::Calls => JudgeKind::Calls,
        JudgeArg::InProcess => JudgeKind::InProcess,
    };
    let summary = import_judged(suite, &args.file, &args.out, judge)
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

/// Exit code as for `run`; prints records read, tasks and cases written, languages skipped.
fn import_codeforces_io(args: &ImportArgs) -> anyhow::Result<i32> {
    use crucible::suites::codeforces_io::{CfLanguage, import};
    let languages = match &args.language {
        Some(list) => list
            .split(',')
            .map(|l| {
                CfLanguage::parse(l.trim()).with_context(|| {
                    format!("unknown Codeforces language `{l}` (one of: c, cpp, python, csharp)")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let s = import(&args.file, &args.out, &languages)
        .with_context(|| format!("importing codeforces-io from {}", args.file.display()))?;
    for e in &s.errors {
        eprintln!("skipped {e}");
    }
    println!(
        "read {} records; imported {} codeforces-io tasks ({} cases) into {}",
        s.records,
        s.written.len(),
        s.cases,
        args.out.display()
    );
    for (lang, (records, cases)) in &s.skipped_languages {
        let why = match CfLanguage::from_dataset(lang) {
            Some(l) if l.has_image() => "not selected by --language",
            _ => "no image runs them",
        };
        println!("not imported: {records} {lang} problems ({cases} cases): {why}");
    }
    if let Some(path) = &s.candidates {
        println!(
            "memory-baseline solutions (model memory-baseline): {}",
            path.display()
        );
    }
    if s.written.is_empty() {
        bail!("{} holds no importable problem", args.file.display());
    }
    Ok(if s.errors.is_empty() { 0 } else { 1 })
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
