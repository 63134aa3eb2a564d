//! `crucible report`: per-model results of a stored run, in the format a reader needs.
use super::exit;
use anyhow::Context;
use crucible::report::{
    KList, OutputFormat, compare, render, render_compare, summarize_run_with_k,
};
use crucible::store::open_store;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Result store: a SQLite path or sqlite://PATH.
    #[arg(long, env = "CRUCIBLE_STORE", default_value = "results/crucible.db")]
    store: String,
    /// The run to report (default: the latest).
    #[arg(long)]
    run: Option<String>,
    /// table, json, csv, markdown, junit, html.
    #[arg(long, short, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Which tasks flipped between two runs: BASE HEAD.
    #[arg(long, num_args = 2, value_names = ["BASE", "HEAD"])]
    compare: Option<Vec<String>>,
    /// pass@k for these k, comma-separated (e.g. 1,10,100). Default: 1, 10, 100, … up to the
    /// most samples any task has. A task with fewer than k samples is left out of pass@k.
    #[arg(long, value_name = "K,K,...")]
    k: Option<KList>,
    /// List the runs in the store.
    #[arg(long)]
    list: bool,
}

pub async fn run(args: ReportArgs) -> anyhow::Result<i32> {
    let store = open_store(&args.store)?;
    if args.list {
        for r in store.runs()? {
            let state = if r.finished_at_ms.is_some() {
                "finished"
            } else {
                "unfinished"
            };
            println!("{}  started {}  {state}", r.run_id, r.started_at_ms);
        }
        return Ok(exit::OK);
    }
    let text = match &args.compare {
        Some(pair) => {
            let base = summarize_run_with_k(store.as_ref(), &pair[0], args.k.as_ref())?;
            let head = summarize_run_with_k(store.as_ref(), &pair[1], args.k.as_ref())?;
            render_compare(args.format, &compare(&base, &head))
        }
        None => {
            let run_id = match &args.run {
                Some(r) => r.clone(),
                None => store.latest_run()?.map(|r| r.run_id).with_context(|| {
                    format!(
                        "the store {} holds no run yet: start one with `crucible run`",
                        args.store
                    )
                })?,
            };
            render(
                args.format,
                &summarize_run_with_k(store.as_ref(), &run_id, args.k.as_ref())?,
            )
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => super::output::write_stdout(&text),
    }
    Ok(exit::OK)
}
