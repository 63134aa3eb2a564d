//! The I/O workload's contenders on one N-case C++ task:
//! - crucible's I/O task: one container, one build, each case a fresh process (`Sandbox::run`,
//!   fresh and reuse backends);
//! - container per case, as RL pipelines call SandboxFusion's `/run_code` once per case: a fresh
//!   hardened container per case that builds the program and runs it on that case's stdin,
//!   through the same `Sandbox::run` crucible uses for a one-off execution;
//! - the floor: one build and N subprocesses on the host (or, without a host g++, `docker exec`
//!   in one long-lived container).
//!
//! Every contender's stdout is compared with the task's expected outputs by crucible's checker,
//! so the per-case verdicts can be compared case by case.
use super::io_workload::{CXX_FLAGS, IMAGE, IoWorkload, SOURCE_FILE};
use super::report::Row;
use crucible::cases::{LoadedCase, check_stdout};
use crucible::execution::{ExecutionResult, ExecutionSpec, Executor, Expectation};
use crucible::sandbox::{Backend, Payload, PayloadLimits, Sandbox, SandboxPolicy};
use crucible::task::execution_spec;
use crucible::testreport::TestOutcome;
use crucible::verdict::Verdict;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// One contender's wall time and, per case in the task's order, whether it passed.
pub struct Timed {
    pub elapsed: Duration,
    pub passed: Vec<bool>,
}

/// Where the floor runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FloorMode {
    /// The host's g++ when there is one, else `docker exec`.
    Auto,
    Host,
    /// One long-lived container of the cpp image; the build and each case a `docker exec`.
    DockerExec,
}

fn passes(w: &IoWorkload, case: &LoadedCase, stdout: &str) -> bool {
    let io = w.task.io.as_ref().expect("an I/O task");
    check_stdout(
        case.checker.unwrap_or(io.compare.checker),
        &io.compare,
        &case.expected_stdout,
        stdout,
    )
}

fn cases(w: &IoWorkload) -> &[LoadedCase] {
    &w.task.io.as_ref().expect("an I/O task").cases
}

/// What crucible's own path measured: each timed run, per case whether it passed, and in reuse
/// mode the first run (the slot's start included).
pub struct CrucibleRuns {
    pub runs: Vec<Duration>,
    pub passed: Vec<bool>,
    pub cold: Option<Duration>,
}

/// crucible's own path: the task's execution spec through `Sandbox::run`, `runs` times; each
/// run's wall time. Fresh: each run includes its container's removal. Reuse: one first run
/// starts the slot and is reported apart, as in a run of many tasks the slot's start is
/// amortized.
pub async fn crucible(
    w: &IoWorkload,
    backend: Backend,
    runs: usize,
) -> anyhow::Result<CrucibleRuns> {
    let spec = execution_spec(&w.task, &w.candidate, None)?;
    let sandbox = Sandbox::connect(SandboxPolicy::default(), backend).await?;
    let mut cold = None;
    if backend == Backend::Reuse {
        let started = Instant::now();
        let result = sandbox.run(&spec).await;
        cold = Some(started.elapsed());
        check_io_result(w, &result)?;
    }
    let mut times = Vec::new();
    let mut passed = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let result = sandbox.run(&spec).await;
        if backend == Backend::Fresh {
            sandbox.finish().await;
        }
        times.push(started.elapsed());
        passed = check_io_result(w, &result)?;
    }
    sandbox.finish().await;
    Ok(CrucibleRuns {
        runs: times,
        passed,
        cold,
    })
}

/// The execution must pass with every case passing; per case, whether it passed.
fn check_io_result(w: &IoWorkload, r: &ExecutionResult) -> anyhow::Result<Vec<bool>> {
    let n = cases(w).len();
    anyhow::ensure!(
        r.verdict == Verdict::Passed && r.tests_passed() == n,
        "crucible's I/O execution: {} ({}), {} of {n} cases passed; stderr: {}",
        r.verdict,
        r.reason,
        r.tests_passed(),
        r.stderr.text.chars().take(300).collect::<String>()
    );
    let outcome: BTreeMap<&str, TestOutcome> = r
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.outcome))
        .collect();
    Ok(cases(w)
        .iter()
        .map(|c| outcome.get(c.name.as_str()) == Some(&TestOutcome::Passed))
        .collect())
}

/// One fresh container per case, `j` at a time, each building the program and running it on
/// the case's stdin (sent in the payload), judged by exit code; stdout compared here.
pub async fn container_per_case(w: &IoWorkload, j: usize) -> anyhow::Result<Timed> {
    let io = w.task.io.as_ref().expect("an I/O task");
    let build = io.build.clone().expect("the cpp task has a build");
    let script = format!("{build} && {} < case.in", io.run);
    let mut specs = Vec::new();
    for case in cases(w) {
        let stdin = BTreeMap::from([("case.in".to_string(), case.stdin.clone())]);
        let payload =
            Payload::from_layers(&[&w.candidate, &stdin], &PayloadLimits::default(), &|_| {
                false
            })?;
        specs.push(Arc::new(ExecutionSpec {
            image: w.task.image.clone(),
            command: vec!["/bin/sh".into(), "-c".into(), script.clone()],
            payload,
            limits: w.task.limits.clone(),
            expectation: Expectation::default(),
            split: None,
            run_id: None,
            task_id: None,
        }));
    }
    let sandbox = Arc::new(Sandbox::connect(SandboxPolicy::default(), Backend::Fresh).await?);
    let mut stdout = vec![String::new(); specs.len()];
    let started = Instant::now();
    let mut set = JoinSet::new();
    let mut next = 0;
    while next < specs.len() || !set.is_empty() {
        while next < specs.len() && set.len() < j.max(1) {
            let (sandbox, spec, i) = (sandbox.clone(), specs[next].clone(), next);
            set.spawn(async move { (i, sandbox.run(&spec).await) });
            next += 1;
        }
        if let Some(joined) = set.join_next().await {
            let (i, r) = joined?;
            anyhow::ensure!(
                r.verdict == Verdict::Passed,
                "container for case {}: {} ({}); stderr: {}",
                cases(w)[i].name,
                r.verdict,
                r.reason,
                r.stderr.text.chars().take(300).collect::<String>()
            );
            stdout[i] = r.stdout.text;
        }
    }
    sandbox.finish().await;
    let elapsed = started.elapsed();
    let passed = cases(w)
        .iter()
        .zip(&stdout)
        .map(|(c, out)| passes(w, c, out))
        .collect();
    Ok(Timed { elapsed, passed })
}

/// The floor and where it ran (for the report), plus its build time.
pub struct Floor {
    pub timed: Timed,
    pub build: Duration,
    pub label: String,
}

/// One build and every case in sequence, as crucible's harness runs them, without a sandbox.
pub fn floor(w: &IoWorkload, scratch: &Path, mode: FloorMode) -> anyhow::Result<Floor> {
    let cxx = std::env::var("CRUCIBLE_BENCH_CXX").unwrap_or_else(|_| "g++".into());
    let host_cxx = Command::new(&cxx)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    match mode {
        FloorMode::Host | FloorMode::Auto if host_cxx => host_floor(w, scratch, &cxx),
        FloorMode::Host => anyhow::bail!("--io-floor host: no `{cxx}` on this host"),
        _ => {
            if mode == FloorMode::Auto {
                eprintln!(
                    "crucible-bench: no `{cxx}` on the host; the I/O floor runs in one \
                     long-lived container through `docker exec`"
                );
            }
            docker_exec_floor(w)
        }
    }
}

fn host_floor(w: &IoWorkload, scratch: &Path, cxx: &str) -> anyhow::Result<Floor> {
    std::fs::create_dir_all(scratch)?;
    let dir = scratch.canonicalize()?.join("io-cpp").join("floor");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(SOURCE_FILE), &w.candidate[SOURCE_FILE])?;
    let prog = dir.join("prog");
    let started = Instant::now();
    let built = Command::new(cxx)
        .args(CXX_FLAGS.split_whitespace())
        .arg("-o")
        .arg(&prog)
        .arg(SOURCE_FILE)
        .current_dir(&dir)
        .status()?;
    anyhow::ensure!(built.success(), "the floor's host build failed: {built}");
    let build = started.elapsed();
    let passed = run_cases(w, || {
        let mut c = Command::new(&prog);
        c.current_dir(&dir);
        c
    })?;
    let elapsed = started.elapsed();
    std::fs::remove_dir_all(&dir)?;
    Ok(Floor {
        timed: Timed { elapsed, passed },
        build,
        label: format!("floor: host {cxx}, {} processes", cases(w).len()),
    })
}

/// Each case's process with its stdin fed and stdout kept; whether each passed.
fn run_cases(w: &IoWorkload, command: impl Fn() -> Command) -> anyhow::Result<Vec<bool>> {
    let mut passed = Vec::new();
    for case in cases(w) {
        let mut child = command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = case.stdin.clone();
        // A writer thread: a case's stdin may exceed the pipe's buffer.
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output()?;
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("stdin writer panicked"))??;
        passed.push(out.status.success() && passes(w, case, &String::from_utf8_lossy(&out.stdout)));
    }
    Ok(passed)
}

/// Removes the floor's container however the floor ends.
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.0])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn docker_exec_floor(w: &IoWorkload) -> anyhow::Result<Floor> {
    let out = Command::new("docker")
        .args([
            "run",
            "-d",
            "--rm",
            "--network",
            "none",
            "--label",
            "crucible.bench=io-floor",
            IMAGE,
            "sleep",
            "infinity",
        ])
        .stderr(Stdio::inherit())
        .output()?;
    anyhow::ensure!(out.status.success(), "docker run for the I/O floor failed");
    let container = Container(String::from_utf8_lossy(&out.stdout).trim().to_string());
    let dir = "/tmp/crucible-bench-floor";
    let mut put = Command::new("docker")
        .args(["exec", "-i", &container.0, "sh", "-c"])
        .arg(format!("mkdir -p {dir} && cat > {dir}/{SOURCE_FILE}"))
        .stdin(Stdio::piped())
        .spawn()?;
    put.stdin
        .take()
        .expect("piped stdin")
        .write_all(&w.candidate[SOURCE_FILE])?;
    anyhow::ensure!(
        put.wait()?.success(),
        "copying the source for the floor failed"
    );
    let started = Instant::now();
    let built = Command::new("docker")
        .args(["exec", &container.0, "sh", "-c"])
        .arg(format!("cd {dir} && g++ {CXX_FLAGS} -o prog {SOURCE_FILE}"))
        .status()?;
    anyhow::ensure!(built.success(), "the floor's build (docker exec) failed");
    let build = started.elapsed();
    let prog = PathBuf::from(dir).join("prog");
    let passed = run_cases(w, || {
        let mut c = Command::new("docker");
        c.args(["exec", "-i", &container.0]).arg(&prog);
        c
    })?;
    let elapsed = started.elapsed();
    Ok(Floor {
        timed: Timed { elapsed, passed },
        build,
        label: format!("floor: docker exec, {} processes", cases(w).len()),
    })
}

/// Runs of crucible's I/O execution per mode; the median is reported (one execution is short
/// enough for the daemon's noise to matter).
const CRUCIBLE_RUNS: usize = 3;

/// The whole I/O workload: rows, notes and its JSON, in the bench's report format. Fails when
/// any contender's per-case verdicts differ from crucible's.
pub async fn bench(
    work: &Path,
    n: usize,
    j: usize,
    floor_mode: FloorMode,
) -> anyhow::Result<(Vec<Row>, Vec<(String, String)>, serde_json::Value)> {
    const NAME: &str = "io-cpp";
    let w = super::io_workload::cpp(work, n)?;
    eprintln!("[{NAME}] floor");
    let floor = floor(&w, work, floor_mode)?;
    eprintln!("[{NAME}] crucible I/O task, fresh container ({CRUCIBLE_RUNS} runs)");
    let fresh_mode = crucible(&w, Backend::Fresh, CRUCIBLE_RUNS).await?;
    let (fresh_runs, fresh_passed) = (&fresh_mode.runs, &fresh_mode.passed);
    eprintln!("[{NAME}] crucible I/O task, reuse mode ({CRUCIBLE_RUNS} runs, slot warm)");
    let reuse_mode = crucible(&w, Backend::Reuse, CRUCIBLE_RUNS).await?;
    let (reuse_runs, reuse_passed) = (&reuse_mode.runs, &reuse_mode.passed);
    let reuse_cold = reuse_mode.cold.unwrap_or_default().as_secs_f64();
    eprintln!("[{NAME}] container per case, sequential");
    let seq = container_per_case(&w, 1).await?;
    eprintln!("[{NAME}] container per case, -j{j}");
    let par = container_per_case(&w, j).await?;

    let agreed = (0..n)
        .filter(|&i| {
            let v = fresh_passed[i];
            [
                reuse_passed[i],
                seq.passed[i],
                par.passed[i],
                floor.timed.passed[i],
            ]
            .iter()
            .all(|&p| p == v)
        })
        .count();
    let passed = |p: &[bool]| p.iter().filter(|&&b| b).count();
    anyhow::ensure!(
        agreed == n,
        "the contenders' per-case verdicts differ on {} of {n} cases (passed: crucible \
         {}, reuse {}, per-case sequential {}, per-case -j{j} {}, floor {})",
        n - agreed,
        passed(fresh_passed),
        passed(reuse_passed),
        passed(&seq.passed),
        passed(&par.passed),
        passed(&floor.timed.passed),
    );

    let median = |runs: &[Duration]| {
        let secs: Vec<f64> = runs.iter().map(Duration::as_secs_f64).collect();
        super::stats::percentile(&secs, 50.0)
    };
    let (fresh, reuse) = (median(fresh_runs), median(reuse_runs));
    let floor_s = floor.timed.elapsed.as_secs_f64();
    let (seq_s, par_s) = (seq.elapsed.as_secs_f64(), par.elapsed.as_secs_f64());
    let row = |contender: String, seconds: f64| Row {
        workload: NAME,
        contender,
        executions: n,
        seconds,
    };
    let rows = vec![
        row(floor.label.clone(), floor_s),
        row("per case: fresh container, sequential".into(), seq_s),
        row(format!("per case: fresh container, -j{j}"), par_s),
        row("crucible I/O task, fresh container".into(), fresh),
        row("crucible I/O task, reuse (slot warm)".into(), reuse),
    ];
    let list = |runs: &[Duration]| {
        runs.iter()
            .map(|d| format!("{:.2}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let notes = vec![
        (
            format!("{NAME} per case (sequential) / crucible fresh"),
            format!(
                "{:.1}x the time (reuse: {:.1}x)",
                seq_s / fresh,
                seq_s / reuse
            ),
        ),
        (
            format!("{NAME} per case (-j{j}) / crucible fresh"),
            format!(
                "{:.1}x the time (reuse: {:.1}x)",
                par_s / fresh,
                par_s / reuse
            ),
        ),
        (
            format!("{NAME} crucible fresh / floor"),
            format!(
                "{:.2}x the time (reuse: {:.2}x)",
                fresh / floor_s,
                reuse / floor_s
            ),
        ),
        (
            format!("{NAME} crucible runs (s), fresh; reuse"),
            format!(
                "{}; {} (first, slot start: {reuse_cold:.2})",
                list(fresh_runs),
                list(reuse_runs)
            ),
        ),
        (
            format!("{NAME} floor's build"),
            format!("{:.2} s", floor.build.as_secs_f64()),
        ),
        (
            format!("{NAME} cases agreement"),
            format!(
                "{agreed}/{n} (all five contenders; {} passed)",
                passed(fresh_passed)
            ),
        ),
    ];
    let json = serde_json::json!({
        "cases": n, "parallelism": j,
        "floor": {"contender": floor.label, "seconds": floor_s,
                  "build_seconds": floor.build.as_secs_f64()},
        "per_case_sequential": {"seconds": seq_s, "vs_crucible_fresh": seq_s / fresh,
                                "vs_crucible_reuse": seq_s / reuse},
        "per_case_parallel": {"seconds": par_s, "vs_crucible_fresh": par_s / fresh,
                              "vs_crucible_reuse": par_s / reuse},
        "crucible_fresh": {"seconds": fresh, "runs": fresh_runs.iter().map(Duration::as_secs_f64).collect::<Vec<_>>(),
                           "vs_floor": fresh / floor_s},
        "crucible_reuse": {"seconds": reuse, "first_run_seconds": reuse_cold, "runs": reuse_runs.iter().map(Duration::as_secs_f64).collect::<Vec<_>>(),
                           "vs_floor": reuse / floor_s},
        "cases_agreed": agreed, "cases_passed": passed(fresh_passed),
    });
    Ok((rows, notes, json))
}
