//! `crucible exec`: one command, one fresh hardened container, one verdict.
use super::limits_args::LimitArgs;
use crucible::execution::{ExecutionResult, ExecutionSpec, Executor, Expectation};
use crucible::limits::{Limits, format_bytes};
use crucible::sandbox::{Backend, Payload, PayloadLimits, Sandbox, SandboxPolicy};
use crucible::testreport::ReportFormat;
use crucible::verdict::Verdict;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ExecArgs {
    /// Image to run in (e.g. crucible/python:latest).
    #[arg(long)]
    image: String,
    /// A file to send: `PATH` (placed under its file name) or `PATH:DEST` (relative DEST).
    #[arg(long = "file", value_name = "PATH[:DEST]")]
    files: Vec<String>,
    /// A directory whose regular files are sent, keeping their relative paths.
    #[arg(long = "dir", value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// A tarball to send as is (validated: no links, devices, absolute paths or `..`).
    #[arg(long, conflicts_with_all = ["files", "dirs"])]
    tar: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    /// OCI runtime (e.g. runsc for gVisor). Refused when the daemon does not offer it.
    #[arg(long, env = "CRUCIBLE_RUNTIME")]
    runtime: Option<String>,
    /// Give the container a network (off by default).
    #[arg(long)]
    network: bool,
    /// Parse the report the command writes to $CRUCIBLE_REPORT (junit, tap, go-test-json, libtest, simple).
    #[arg(long, value_enum)]
    report: Option<ReportArg>,
    /// Number of test cases the suite holds; fewer in the report is not a pass.
    #[arg(long, default_value_t = 0)]
    tests: u32,
    /// Exit codes meaning "the tests could not run" (verdict `error`), e.g. 2 for pytest.
    #[arg(long = "error-exit-code", value_name = "CODE")]
    error_exit_codes: Vec<i64>,
    /// Label the container with this run id (for tracing and `crucible gc`).
    #[arg(long, hide = true)]
    run_id: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// The command to run in the working directory.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum ReportArg {
    Junit,
    Tap,
    GoTestJson,
    Libtest,
    Simple,
}

impl From<ReportArg> for ReportFormat {
    fn from(r: ReportArg) -> Self {
        match r {
            ReportArg::Junit => ReportFormat::Junit,
            ReportArg::Tap => ReportFormat::Tap,
            ReportArg::GoTestJson => ReportFormat::GoTestJson,
            ReportArg::Libtest => ReportFormat::Libtest,
            ReportArg::Simple => ReportFormat::Simple,
        }
    }
}

pub async fn run(args: ExecArgs) -> anyhow::Result<i32> {
    let limits = args.limits.over(&Limits::default());
    let payload = match build_payload(&args) {
        Ok(p) => p,
        Err(PayloadProblem::Io(e)) => return Err(e),
        Err(PayloadProblem::Refused(message)) => {
            let result = refused(&args, &limits, message);
            print(&result, args.json)?;
            return Ok(result.verdict.exit_code());
        }
    };
    let policy = SandboxPolicy {
        runtime: args.runtime.clone(),
        network: args.network,
        ..SandboxPolicy::default()
    };
    let sandbox = match Sandbox::connect(policy, Backend::Fresh).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("crucible: {e}");
            return Ok(Verdict::InfraError.exit_code());
        }
    };
    let spec = ExecutionSpec {
        image: args.image.clone(),
        command: args.command.clone(),
        payload,
        limits,
        expectation: Expectation {
            report: args.report.map(Into::into),
            declared_tests: args.tests,
            error_exit_codes: args.error_exit_codes.clone(),
            ..Default::default()
        },
        split: None,
        run_id: args.run_id.clone(),
        task_id: None,
    };
    let result = tokio::select! {
        r = sandbox.run(&spec) => r,
        _ = tokio::signal::ctrl_c() => {
            let removed = sandbox.abort_all().await;
            eprintln!("crucible: interrupted; removed {removed} container(s)");
            return Ok(Verdict::Interrupted.exit_code());
        }
    };
    // The container is removed in the background; nothing may outlive the command.
    sandbox.finish().await;
    print(&result, args.json)?;
    Ok(result.verdict.exit_code())
}

enum PayloadProblem {
    Io(anyhow::Error),
    Refused(String),
}

fn build_payload(args: &ExecArgs) -> Result<Payload, PayloadProblem> {
    let limits = PayloadLimits::default();
    if let Some(tar) = &args.tar {
        let bytes = std::fs::read(tar).map_err(|e| {
            PayloadProblem::Io(anyhow::anyhow!("cannot read {}: {e}", tar.display()))
        })?;
        return Payload::from_tar(bytes, &limits)
            .map_err(|e| PayloadProblem::Refused(e.to_string()));
    }
    let mut files = BTreeMap::new();
    for spec in &args.files {
        let (src, dest) = match spec.split_once(':') {
            Some((s, d)) => (PathBuf::from(s), d.to_string()),
            None => {
                let p = PathBuf::from(spec);
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| {
                        PayloadProblem::Io(anyhow::anyhow!("--file {spec}: not a file path"))
                    })?;
                (p, name)
            }
        };
        let bytes = std::fs::read(&src)
            .map_err(|e| PayloadProblem::Io(anyhow::anyhow!("--file {}: {e}", src.display())))?;
        if files.insert(dest.clone(), bytes).is_some() {
            return Err(PayloadProblem::Refused(format!(
                "entry `{dest}` is given twice"
            )));
        }
    }
    for dir in &args.dirs {
        add_dir(dir, dir, &mut files)
            .map_err(|e| PayloadProblem::Io(anyhow::anyhow!("--dir {}: {e}", dir.display())))?;
    }
    Payload::from_layers(&[&files], &limits, &|_| false)
        .map_err(|e| PayloadProblem::Refused(e.to_string()))
}

fn add_dir(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            add_dir(root, &entry.path(), files)?;
        } else if kind.is_file() {
            let rel = entry
                .path()
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .into_owned();
            files.insert(rel, std::fs::read(entry.path())?);
        } else {
            return Err(std::io::Error::other(format!(
                "{}: only regular files and directories can be sent",
                entry.path().display()
            )));
        }
    }
    Ok(())
}

fn refused(args: &ExecArgs, limits: &Limits, message: String) -> ExecutionResult {
    let mut r = crucible::judge::invalid_input(&args.image, limits, message);
    r.runtime = args.runtime.clone();
    r
}

fn print(r: &ExecutionResult, json: bool) -> anyhow::Result<()> {
    let text = if json {
        serde_json::to_string_pretty(r)? + "\n"
    } else {
        table(r)
    };
    super::output::write_stdout(&text);
    Ok(())
}

fn table(r: &ExecutionResult) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    macro_rules! println {
        ($($t:tt)*) => { let _ = writeln!(s, $($t)*); };
    }
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    println!("verdict     {}", r.verdict);
    println!("reason      {}", r.reason);
    println!("exit code   {}", opt(r.exit_code.map(|c| c.to_string())));
    if let Some(s) = r.signal {
        println!("signal      {s}");
    }
    println!("wall time   {} ms", r.wall_ms);
    println!("cpu time    {}", opt(r.cpu_ms.map(|c| format!("{c} ms"))));
    println!("peak memory {}", opt(r.peak_memory_bytes.map(format_bytes)));
    if !r.tests.is_empty() {
        println!("tests       {}/{} passed", r.tests_passed(), r.tests.len());
    }
    println!(
        "limits      {}s, {}, {} cpus, {} pids{}",
        r.limits.timeout.as_secs_f64(),
        format_bytes(r.limits.memory_bytes),
        r.limits.cpus,
        r.limits.pids,
        r.runtime
            .as_ref()
            .map(|rt| format!(", runtime {rt}"))
            .unwrap_or_default()
    );
    println!("image       {} {}", r.image, opt(r.image_id.clone()));
    println!("payload     {}", opt(r.payload_sha256.clone()));
    for (name, out) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        if out.total_bytes > 0 {
            let cut = if out.truncated {
                format!(
                    " (truncated: {} of {} bytes shown)",
                    out.text.len(),
                    out.total_bytes
                )
            } else {
                String::new()
            };
            println!("--- {name}{cut}\n{}", out.text.trim_end());
        }
    }
    s
}
