//! `crucible tasks list|validate`: look at a benchmark, and prove each task's suite means something.
use super::exit;
use super::run::{connect_executor, default_concurrency, listen_for_signals};
use crucible::limits::Limits;
use crucible::run::{RetryPolicy, StopHandle, ValidateOptions, validate_tasks};
use crucible::task::{EXPECTED_TESTS_FILE, Task, load_tasks};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct TasksArgs {
    #[command(subcommand)]
    command: TasksCommand,
}

#[derive(clap::Subcommand, Debug)]
enum TasksCommand {
    /// One line per task: id, language, price, test cases, title.
    List {
        #[arg(default_value = "tasks")]
        dir: PathBuf,
    },
    /// Load every task, then run its reference solution (must pass with the declared number of
    /// test cases, named as in the task's expected_tests.txt when it has one) and a stub (must
    /// not pass). Exit 1 on any failure.
    Validate {
        #[arg(default_value = "tasks")]
        dir: PathBuf,
        /// Only tasks whose id contains this text (repeatable).
        #[arg(long)]
        only: Vec<String>,
        /// Containers in flight at once (default: the machine's cores).
        #[arg(long, short = 'j')]
        concurrency: Option<usize>,
        /// OCI runtime (e.g. runsc).
        #[arg(long, env = "CRUCIBLE_RUNTIME")]
        runtime: Option<String>,
        /// Write each passing reference's test-case names to the task's expected_tests.txt
        /// (sorted, one per line); later runs then require exactly these names.
        #[arg(long)]
        record: bool,
        /// Retries of an infra error (daemon or image trouble), with exponential backoff.
        #[arg(long, default_value_t = 2)]
        retries: u32,
    },
}

pub async fn run(args: TasksArgs) -> anyhow::Result<i32> {
    match args.command {
        TasksCommand::List { dir } => list(dir),
        TasksCommand::Validate {
            dir,
            only,
            concurrency,
            runtime,
            record,
            retries,
        } => {
            let options = ValidateOptions {
                concurrency: concurrency.unwrap_or_else(default_concurrency).max(1),
                retry: RetryPolicy {
                    retries,
                    ..RetryPolicy::default()
                },
                record,
            };
            validate(dir, only, runtime, options).await
        }
    }
}

fn list(dir: PathBuf) -> anyhow::Result<i32> {
    let (tasks, errors) = load_tasks(&dir, &Limits::default())?;
    let mut text = String::new();
    for t in &tasks {
        text += &format!(
            "{:<32} {:<7} ${:>8.2} {:>3} tests  {}\n",
            t.id,
            t.language.as_str(),
            t.price_usd,
            t.test_cases,
            t.title
        );
    }
    let total: f64 = tasks.iter().map(|t| t.price_usd).sum();
    text += &format!("{} tasks, ${total:.2} in all\n", tasks.len());
    super::output::write_stdout(&text);
    for e in &errors {
        eprintln!("invalid: {e}");
    }
    Ok(if errors.is_empty() {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}

async fn validate(
    dir: PathBuf,
    only: Vec<String>,
    runtime: Option<String>,
    options: ValidateOptions,
) -> anyhow::Result<i32> {
    let (tasks, errors) = load_tasks(&dir, &Limits::default())?;
    let mut problems = errors.len();
    for e in &errors {
        println!("INVALID {e}");
    }
    let tasks: Vec<Task> = tasks
        .into_iter()
        .filter(|t| only.is_empty() || only.iter().any(|o| t.id.contains(o.as_str())))
        .collect();
    let executor = match connect_executor(runtime, false).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("crucible tasks validate: {e}");
            return Ok(exit::UNAVAILABLE);
        }
    };
    let stop = StopHandle::default();
    listen_for_signals(stop.clone());
    let validation = validate_tasks(tasks, executor, &options, stop).await?;
    for check in &validation.checks {
        let timing = check
            .reference_wall_ms
            .map(|ms| format!("{ms} ms"))
            .unwrap_or_default();
        if check.faults.is_empty() {
            let recorded = check
                .recorded
                .map(|n| format!(", {n} names recorded in {EXPECTED_TESTS_FILE}"))
                .unwrap_or_default();
            println!("ok      {:<32} {timing}{recorded}", check.task_id);
        } else {
            problems += 1;
            println!("FAILED  {:<32} {}", check.task_id, check.faults.join("; "));
        }
    }
    println!(
        "{} tasks checked, {problems} problem(s){}",
        validation.checks.len(),
        if validation.interrupted {
            ", INTERRUPTED (tasks not run are not checked)"
        } else {
            ""
        }
    );
    Ok(if validation.interrupted {
        exit::INTERRUPTED
    } else if problems == 0 {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}
