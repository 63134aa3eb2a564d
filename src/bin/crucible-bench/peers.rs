//! Peer sandboxes against crucible in the same run: llm-sandbox (a fresh session per task, and
//! its container pool), epicbox, and a docker-py loop in SWE-bench's style, each on the first N
//! tasks of the trivial and realistic workloads, with crucible's two modes and the floor timed
//! on the same N tasks. The peers run in Python (`scripts/bench-peers.py`, one process per
//! workload and peer) from the virtual environment `scripts/bench-peers-venv` makes; each writes
//! one result per task, and the ratios and the verdict agreement are computed here.
use super::report::Row;
use super::workloads::{self, Workload};
use super::{cli_run, floor};
use crucible::limits::{Limits, MIB};
use crucible::sandbox::SandboxPolicy;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The limits every contender of this section runs with (crucible's through the task files).
const MEMORY_BYTES: u64 = 256 * MIB;
const TIMEOUT_SECONDS: u64 = 10;
const SCRIPT: &str = "scripts/bench-peers.py";
const VENV_SCRIPT: &str = "scripts/bench-peers-venv";

/// (name in bench-peers.py, label in the table)
const PEERS: [(&str, &str); 4] = [
    ("llm-sandbox", "peer: llm-sandbox, session per task"),
    ("llm-sandbox-pool", "peer: llm-sandbox, container pool"),
    ("epicbox", "peer: epicbox"),
    ("docker-py", "peer: docker-py create/put/start/wait"),
];

pub struct Section {
    pub rows: Vec<Row>,
    pub notes: Vec<(String, String)>,
    pub json: Value,
}

struct PeerTask {
    id: String,
    passed: bool,
    error: Option<String>,
}

pub fn bench(work: &Path, venv: &Path, n: usize, j: usize) -> anyhow::Result<Section> {
    let root = work.join("peers");
    std::fs::create_dir_all(&root)?;
    let mut s = Section {
        rows: Vec::new(),
        notes: Vec::new(),
        json: Value::Null,
    };
    let python = venv_python(venv).map_err(|e| {
        let reason = format!("{e:#}");
        s.notes
            .push(("peers: NOT RUN".into(), reason.chars().take(200).collect()));
        reason
    });
    let probe = match &python {
        Ok(py) => probe(py, &root).unwrap_or_else(|e| json!({"error": format!("{e:#}")})),
        Err(reason) => json!({"error": reason}),
    };
    let crucible_iso = crucible_isolation();
    s.notes.push((
        "isolation crucible (both modes, as run)".into(),
        describe(&crucible_iso),
    ));
    for (peer, _) in PEERS {
        let iso = &probe["isolation"][peer];
        let text = match (iso.get("default"), iso.get("as_run")) {
            (Some(d), Some(r)) => format!("default: {}; as run: {}", describe(d), describe(r)),
            _ => format!("not probed: {}", probe_error(&probe, peer)),
        };
        s.notes.push((format!("isolation {peer}"), text));
    }

    let mut per_workload = serde_json::Map::new();
    for (name, make) in [
        ("peers/trivial", workloads::trivial as fn(&Path, usize) -> _),
        ("peers/realistic", workloads::realistic),
    ] {
        let w = make(&root, n)?;
        limit_tasks(&w)?;
        let wj = workload(name, &w, &root, j, python.as_ref(), &mut s)?;
        per_workload.insert(name.trim_start_matches("peers/").into(), wj);
    }
    s.json = json!({
        "tasks_per_workload": n, "parallelism": j,
        "memory_bytes": MEMORY_BYTES, "timeout_seconds": TIMEOUT_SECONDS,
        "versions": probe.get("versions"), "isolation": probe.get("isolation"),
        "probe_error": probe.get("error"),
        "crucible_isolation": crucible_iso, "workloads": per_workload,
    });
    Ok(s)
}

fn workload(
    name: &'static str,
    w: &Workload,
    root: &Path,
    j: usize,
    python: Result<&PathBuf, &String>,
    s: &mut Section,
) -> anyhow::Result<Value> {
    let n = w.tasks.len();
    let row = |contender: &str, d: Duration| Row {
        workload: name,
        contender: contender.into(),
        executions: n,
        seconds: d.as_secs_f64(),
    };
    eprintln!("[{name}] floor");
    let floor = floor::run(w, root, j)?;
    let mut crucible = Vec::new();
    for (mode, extra) in [
        ("crucible run", &[][..]),
        (
            "crucible run --reuse-containers",
            &["--reuse-containers"][..],
        ),
    ] {
        eprintln!("[{name}] {mode}");
        let store = root.join(format!("{}-{}.db", w.name, crucible.len()));
        let log = root.join(format!("{}-{}.log", w.name, crucible.len()));
        let run = cli_run::run(
            &w.tasks_dir,
            &w.candidates_dir,
            &store,
            j,
            extra,
            None,
            &log,
        )?;
        let verdicts = cli_run::task_verdicts(&store)?;
        let passed = verdicts.values().filter(|v| *v == "passed").count();
        anyhow::ensure!(
            verdicts.len() == n && passed == floor.passed,
            "{mode} on {name}: {} recorded, {passed} passed, the floor passed {} of {n}; see {}",
            verdicts.len(),
            floor.passed,
            log.display()
        );
        crucible.push((mode, run.elapsed, verdicts));
    }
    let floor_rate = n as f64 / floor.elapsed.as_secs_f64();
    let fresh_rate = n as f64 / crucible[0].1.as_secs_f64();
    let reuse_rate = n as f64 / crucible[1].1.as_secs_f64();
    let fresh_verdicts = &crucible[0].2;
    let modes_agree = w
        .tasks
        .iter()
        .filter(|t| fresh_verdicts.get(&t.id) == crucible[1].2.get(&t.id))
        .count();
    s.rows.push(row("floor: host subprocess", floor.elapsed));
    for (mode, elapsed, _) in &crucible {
        s.rows.push(row(mode, *elapsed));
    }
    s.notes.push((
        format!("{name} crucible reuse vs fresh: verdicts agree"),
        format!("{modes_agree}/{n}"),
    ));

    let mut peers_json = Vec::new();
    for (peer, label) in PEERS {
        eprintln!("[{name}] {label}");
        let outcome = match python {
            Ok(py) => run_peer(py, peer, w, root, j),
            Err(reason) => Err(anyhow::anyhow!("the peers' environment: {reason}")),
        };
        let (seconds, tasks) = match outcome {
            Ok(r) => r,
            Err(e) => {
                let reason = format!("{e:#}");
                s.notes.push((
                    format!("{name} {peer}"),
                    format!("NOT RUN: {}", reason.chars().take(160).collect::<String>()),
                ));
                peers_json.push(json!({"peer": peer, "available": false, "reason": reason}));
                continue;
            }
        };
        let rate = n as f64 / seconds.max(1e-9);
        let agree = tasks
            .iter()
            .filter(|t| {
                (fresh_verdicts.get(&t.id).map(String::as_str) == Some("passed")) == t.passed
            })
            .count();
        let disagree: Vec<&str> = tasks
            .iter()
            .filter(|t| {
                (fresh_verdicts.get(&t.id).map(String::as_str) == Some("passed")) != t.passed
            })
            .map(|t| t.id.as_str())
            .collect();
        let errors: Vec<Value> = tasks
            .iter()
            .filter_map(|t| t.error.as_ref().map(|e| json!({"id": t.id, "error": e})))
            .collect();
        s.rows.push(Row {
            workload: name,
            contender: label.into(),
            executions: n,
            seconds,
        });
        s.notes.push((
            format!("{name} {peer}: crucible fresh/peer, reuse/peer, peer/floor"),
            format!(
                "{:.2}x {:.2}x {:.3}x; verdicts agree {agree}/{n}{}",
                fresh_rate / rate,
                reuse_rate / rate,
                rate / floor_rate,
                if errors.is_empty() {
                    String::new()
                } else {
                    format!("; {} errors, first: {}", errors.len(), errors[0]["error"])
                }
            ),
        ));
        peers_json.push(json!({
            "peer": peer, "available": true, "tasks_per_second": rate, "seconds": seconds,
            "crucible_fresh_over_peer": fresh_rate / rate,
            "crucible_reuse_over_peer": reuse_rate / rate,
            "peer_over_floor": rate / floor_rate,
            "verdicts_agree": agree, "disagreeing_tasks": disagree, "errors": errors,
        }));
    }
    Ok(json!({
        "executions": n, "parallelism": j,
        "floor": {"tasks_per_second": floor_rate, "passed": floor.passed},
        "crucible": [
            {"mode": crucible[0].0, "tasks_per_second": fresh_rate},
            {"mode": crucible[1].0, "tasks_per_second": reuse_rate},
        ],
        "crucible_modes_agree": modes_agree,
        "peers": peers_json,
    }))
}

/// The generated tasks with the section's limits written into their task files, so crucible
/// runs with the peers' 256 MiB (its default is 512 MiB) and 10 s.
fn limit_tasks(w: &Workload) -> anyhow::Result<()> {
    for t in &w.tasks {
        let path = w.tasks_dir.join(&t.id).join("task.toml");
        let mut text = std::fs::read_to_string(&path)?;
        text.push_str(&format!(
            "\n[limits]\nmemory = \"{}MiB\"\ntimeout = \"{TIMEOUT_SECONDS}s\"\n",
            MEMORY_BYTES / MIB
        ));
        std::fs::write(&path, text)?;
    }
    Ok(())
}

/// The venv's interpreter, made (or reused) by `scripts/bench-peers-venv`.
fn venv_python(venv: &Path) -> anyhow::Result<PathBuf> {
    anyhow::ensure!(
        Path::new(SCRIPT).is_file() && Path::new(VENV_SCRIPT).is_file(),
        "{SCRIPT} and {VENV_SCRIPT} are missing: run crucible-bench from the repository root"
    );
    eprintln!(
        "crucible-bench: the peers' virtual environment ({})",
        venv.display()
    );
    let out = Command::new(VENV_SCRIPT)
        .arg(venv)
        .stdin(Stdio::null())
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success(),
        "{VENV_SCRIPT} failed ({}): {}",
        out.status,
        stderr.trim().lines().last().unwrap_or("")
    );
    let path = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .to_string();
    let py = PathBuf::from(path);
    anyhow::ensure!(py.exists(), "{VENV_SCRIPT} printed no interpreter");
    Ok(py)
}

/// The isolation each peer's containers get, read back from the daemon (bench-peers.py probe).
fn probe(python: &Path, root: &Path) -> anyhow::Result<Value> {
    eprintln!("[peers] probing each peer's default isolation");
    let out = root.join("probe.json");
    let log = root.join("probe.log");
    python_child(
        python,
        &[
            "probe",
            "--image",
            super::naive::IMAGE,
            "--out",
            &out.to_string_lossy(),
        ],
        &log,
        Duration::from_secs(120),
    )?;
    Ok(serde_json::from_slice(&std::fs::read(&out)?)?)
}

fn probe_error(probe: &Value, peer: &str) -> String {
    probe["isolation"][peer]["error"]
        .as_str()
        .or(probe["error"].as_str())
        .unwrap_or("no result")
        .chars()
        .take(160)
        .collect()
}

/// One peer on one workload: (seconds, per-task results).
fn run_peer(
    python: &Path,
    peer: &str,
    w: &Workload,
    root: &Path,
    j: usize,
) -> anyhow::Result<(f64, Vec<PeerTask>)> {
    let manifest = root.join(format!("{}-manifest.json", w.name));
    let mut tasks = Vec::new();
    for t in &w.tasks {
        let task_dir = w.tasks_dir.join(&t.id).canonicalize()?;
        let candidate_dir = w.candidates_dir.join("bench").join(&t.id).canonicalize()?;
        tasks.push(json!({"id": t.id, "dirs": [task_dir, candidate_dir]}));
    }
    std::fs::write(
        &manifest,
        serde_json::to_vec_pretty(&json!({
            "image": super::naive::IMAGE, "jobs": j, "memory_bytes": MEMORY_BYTES,
            "timeout_seconds": TIMEOUT_SECONDS, "command": w.command, "tasks": tasks,
        }))?,
    )?;
    let out = root.join(format!("{}-{peer}.json", w.name));
    let log = root.join(format!("{}-{peer}.log", w.name));
    if out.exists() {
        std::fs::remove_file(&out)?;
    }
    // A hung peer must not hang the bench: 60 s plus the tasks' timeouts run serially.
    let limit = Duration::from_secs(60 + TIMEOUT_SECONDS * w.tasks.len() as u64);
    python_child(
        python,
        &[
            "run",
            "--manifest",
            &manifest.to_string_lossy(),
            "--peer",
            peer,
            "--out",
            &out.to_string_lossy(),
        ],
        &log,
        limit,
    )?;
    let doc: Value = serde_json::from_slice(&std::fs::read(&out)?)?;
    let seconds = doc["seconds"]
        .as_f64()
        .ok_or_else(|| anyhow::anyhow!("{}: no seconds", out.display()))?;
    let tasks = doc["tasks"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("{}: no tasks", out.display()))?
        .iter()
        .map(|t| PeerTask {
            id: t["id"].as_str().unwrap_or("").to_string(),
            passed: t["passed"].as_bool().unwrap_or(false),
            error: t["error"].as_str().map(str::to_string),
        })
        .collect::<Vec<_>>();
    anyhow::ensure!(
        tasks.len() == w.tasks.len(),
        "{}: {} results for {} tasks",
        out.display(),
        tasks.len(),
        w.tasks.len()
    );
    Ok((seconds, tasks))
}

/// Run bench-peers.py with `args`, its stderr to `log`, killed after `limit`.
fn python_child(python: &Path, args: &[&str], log: &Path, limit: Duration) -> anyhow::Result<()> {
    let mut child = Command::new(python)
        .arg(SCRIPT)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?)
        .spawn()?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > limit {
            child.kill()?;
            child.wait()?;
            anyhow::bail!(
                "{SCRIPT} {} did not finish in {} s (killed); see {}",
                args[0],
                limit.as_secs(),
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        anyhow::bail!(
            "{SCRIPT} {} failed ({status}): {}; see {}",
            args[0],
            text.trim().lines().last().unwrap_or(""),
            log.display()
        );
    }
    Ok(())
}

/// crucible's isolation in the shape the probe reports, from the policy and limits it applies.
fn crucible_isolation() -> Value {
    let p = SandboxPolicy::default();
    json!({
        "network": if p.network { "default" } else { "none" },
        "memory_bytes": MEMORY_BYTES,
        "read_only_rootfs": p.read_only_root,
        "user": p.user,
        "pids_limit": Limits::default().pids,
        "cap_drop": if p.drop_all_capabilities { vec!["ALL"] } else { vec![] },
        "security_opt": if p.no_new_privileges { vec!["no-new-privileges"] } else { vec![] },
    })
}

/// One line: network, memory, rootfs, user, pids, capabilities.
fn describe(iso: &Value) -> String {
    let mem = iso["memory_bytes"].as_u64().unwrap_or(0);
    let pids = iso["pids_limit"].as_i64().unwrap_or(0);
    let caps = iso["cap_drop"].as_array().map_or(0, Vec::len);
    let nnp = iso["security_opt"]
        .as_array()
        .is_some_and(|o| o.iter().any(|v| v.as_str() == Some("no-new-privileges")));
    format!(
        "net {}, mem {}, rootfs {}, user {}, pids {}, caps {}{}",
        iso["network"].as_str().unwrap_or("?"),
        if mem == 0 {
            "unlimited".to_string()
        } else {
            format!("{} MiB", mem / MIB)
        },
        if iso["read_only_rootfs"].as_bool() == Some(true) {
            "ro"
        } else {
            "rw"
        },
        iso["user"].as_str().unwrap_or("?"),
        if pids <= 0 {
            "unlimited".to_string()
        } else {
            pids.to_string()
        },
        if caps > 0 {
            "dropped"
        } else {
            "docker default"
        },
        if nnp { ", no-new-privileges" } else { "" },
    )
}
