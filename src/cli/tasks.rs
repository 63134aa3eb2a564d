//! `crucible tasks list|validate`: look at a benchmark, and prove each task's suite means something.
use super::exit;
use super::run::default_concurrency;
use crucible::execution::{ExecutionResult, Executor};
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::task::{Task, execution_spec, load_tasks};
use crucible::verdict::Verdict;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// test cases) and a stub (must not pass). Exit 1 on any failure.
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
        } => validate(dir, only, concurrency, runtime).await,
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
    concurrency: Option<usize>,
    runtime: Option<String>,
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
    let sandbox = match Sandbox::connect(
        SandboxPolicy {
            runtime,
            ..SandboxPolicy::default()
        },
        Backend::Fresh,
    )
    .await
    {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("crucible tasks validate: {e}");
            return Ok(exit::UNAVAILABLE);
        }
    };
    let limit = Arc::new(tokio::sync::Semaphore::new(
        concurrency.unwrap_or_else(default_concurrency).max(1),
    ));
    let mut checks = tokio::task::JoinSet::new();
    for task in tasks.iter().cloned() {
        let (sandbox, limit) = (sandbox.clone(), limit.clone());
        checks.spawn(async move {
            let _slot = limit.acquire_owned().await.expect("semaphore open");
            let reference = check(
                &sandbox,
                &task,
                task.reference_solution().map_err(|e| e.to_string()),
            )
            .await;
            let stub = check(
                &sandbox,
                &task,
                task.stub_solution().map_err(|e| e.to_string()),
            )
            .await;
            (task, reference, stub)
        });
    }
    let mut lines = Vec::new();
    while let Some(joined) = checks.join_next().await {
        let (task, reference, stub) = joined?;
        let mut faults = Vec::new();
        match &reference {
            Ok(r)
                if r.verdict == Verdict::Passed && r.tests_passed() == task.test_cases as usize => {
            }
            Ok(r) if r.verdict == Verdict::Passed => faults.push(format!(
                "reference passed {} test cases, task.toml declares {}",
                r.tests_passed(),
                task.test_cases
            )),
            Ok(r) => faults.push(format!(
                "reference solution: {} ({}){}",
                r.verdict,
                r.reason,
                tail(r)
            )),
            Err(e) => faults.push(format!("reference solution: {e}")),
        }
        match &stub {
            Ok(r) if r.verdict == Verdict::Passed => {
                faults.push("an empty/stub solution passes: the suite tests nothing".into())
            }
            Ok(r) if r.verdict == Verdict::InfraError => {
                faults.push(format!("stub: infra error: {}", r.reason))
            }
            Ok(_) => {}
            Err(e) => faults.push(format!("stub solution: {e}")),
        }
        let timing = reference
            .as_ref()
            .map(|r| format!("{} ms", r.wall_ms))
            .unwrap_or_default();
        if faults.is_empty() {
            lines.push(format!("ok      {:<32} {timing}", task.id));
        } else {
            problems += 1;
            lines.push(format!("FAILED  {:<32} {}", task.id, faults.join("; ")));
        }
    }
    lines.sort_by(|a, b| a[8..].cmp(&b[8..]));
    for l in &lines {
        println!("{l}");
    }
    println!("{} tasks checked, {problems} problem(s)", tasks.len());
    Ok(if problems == 0 {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}

async fn check(
    sandbox: &Sandbox,
    task: &Task,
    solution: Result<std::collections::BTreeMap<String, Vec<u8>>, String>,
) -> Result<ExecutionResult, String> {
    let spec = execution_spec(task, &solution?, None).map_err(|e| e.to_string())?;
    let result = sandbox.run(&spec).await;
    sandbox.finish().await;
    Ok(result)
}

fn tail(r: &ExecutionResult) -> String {
    let text = if r.stderr.text.trim().is_empty() {
        &r.stdout.text
    } else {
        &r.stderr.text
    };
    let lines: Vec<&str> = text.lines().rev().take(3).collect();
    if lines.is_empty() {
        String::new()
    } else {
        format!(
            ": {}",
            lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )
    }
}
