//! A candidate is its declared files, nothing more, and its sizes are checked before anything is
//! read: no Docker needed. The memory tests reset and read this process's peak RSS (VmHWM), one
//! at a time.
use crucible::limits::{Limits, MIB};
use crucible::sandbox::PayloadLimits;
use crucible::suites::completions::read_completions;
use crucible::task::{CandidateError, Task, read_candidate_dir};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Memory measurements are per process: one at a time.
static MEMORY: Mutex<()> = Mutex::new(());

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crucible-it-{tag}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn declared(files: &[&str]) -> Vec<String> {
    files.iter().map(|f| f.to_string()).collect()
}

/// Reset the peak RSS to the current RSS (Linux >= 4.0), so the next reading covers only what
/// follows.
fn reset_peak_rss() {
    std::fs::write("/proc/self/clear_refs", "5")
        .expect("reset VmHWM through /proc/self/clear_refs");
}

/// Peak RSS of this process, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/self/status");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("VmHWM value");
    kib * 1024
}

fn payload_cap() -> u64 {
    PayloadLimits::default().max_total_bytes
}

#[test]
fn an_undeclared_file_in_a_candidate_dir_is_refused_by_name() {
    let dir = temp_dir("undeclared");
    std::fs::write(dir.join("solution.py"), "def f():\n    return 1\n").unwrap();
    std::fs::write(dir.join("conftest.py"), "import pytest\n").unwrap();
    let err = read_candidate_dir(&dir, &declared(&["solution.py"])).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("`conftest.py` is not one of the task's candidate files (solution.py)"),
        "{message}"
    );
    std::fs::remove_file(dir.join("conftest.py")).unwrap();
    let files = read_candidate_dir(&dir, &declared(&["solution.py"])).unwrap();
    assert_eq!(files.keys().collect::<Vec<_>>(), ["solution.py"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_sparse_gigabyte_candidate_file_is_refused_without_being_read() {
    let _one = MEMORY.lock().unwrap_or_else(|e| e.into_inner());
    let dir = temp_dir("sparse");
    let big = std::fs::File::create(dir.join("solution.py")).unwrap();
    big.set_len(1024 * MIB).unwrap();
    drop(big);

    reset_peak_rss();
    let declared_big = read_candidate_dir(&dir, &declared(&["solution.py"])).unwrap_err();
    std::fs::rename(dir.join("solution.py"), dir.join("data.bin")).unwrap();
    let undeclared_big = read_candidate_dir(&dir, &declared(&["solution.py"])).unwrap_err();
    let peak = peak_rss();
    std::fs::remove_dir_all(&dir).unwrap();

    assert!(
        matches!(declared_big, CandidateError::FileTooLarge { size, .. } if size == 1024 * MIB),
        "{declared_big}"
    );
    assert!(
        declared_big
            .to_string()
            .contains("1GiB is more than the 64MiB"),
        "{declared_big}"
    );
    assert!(
        undeclared_big
            .to_string()
            .contains("`data.bin` is not one of"),
        "{undeclared_big}"
    );
    eprintln!(
        "peak RSS while refusing a 1 GiB candidate file: {} KiB",
        peak / 1024
    );
    assert!(
        peak < payload_cap() / 4,
        "peak RSS {} KiB: the file was read",
        peak / 1024
    );
}

/// A loaded python task `demo/1` with one candidate file, `solution.py`.
fn demo_task(dir: &Path) -> BTreeMap<String, Task> {
    let task_dir = dir.join("task");
    std::fs::create_dir_all(&task_dir).unwrap();
    std::fs::write(
        task_dir.join("task.toml"),
        "id = \"demo/1\"\ntitle = \"t\"\nlanguage = \"python\"\nprice_usd = 0\n\
         description = \"d\"\ntest_cases = 1\n[candidate]\nfiles = [\"solution.py\"]\n",
    )
    .unwrap();
    let task = Task::load(&task_dir, &Limits::default()).unwrap();
    BTreeMap::from([(task.id.clone(), task)])
}

#[test]
fn a_jsonl_line_over_the_payload_cap_is_an_error_with_its_number_in_bounded_memory() {
    let _one = MEMORY.lock().unwrap_or_else(|e| e.into_inner());
    let dir = temp_dir("jsonl");
    let tasks = demo_task(&dir);
    let path = dir.join("model.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "{{\"task_id\": \"demo/1\", \"solution\": \"x = 1\"}}").unwrap();
    write!(out, "{{\"task_id\": \"demo/1\", \"solution\": \"").unwrap();
    let chunk = vec![b'x'; MIB as usize];
    for _ in 0..100 {
        out.write_all(&chunk).unwrap();
    }
    writeln!(out, "\"}}").unwrap();
    writeln!(out, "{{\"task_id\": \"demo/1\", \"solution\": \"x = 3\"}}").unwrap();
    out.into_inner().unwrap().sync_all().unwrap();
    drop(chunk);

    reset_peak_rss();
    let read = read_completions(&path, &tasks, Some("m")).unwrap();
    let peak = peak_rss();
    std::fs::remove_dir_all(&dir).unwrap();

    let lines: Vec<usize> = read.candidates.iter().map(|c| c.line).collect();
    assert_eq!(lines, [1, 3], "the lines around the long one are read");
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    let error = read.errors[0].to_string();
    assert!(
        error.contains("model.jsonl:2: line is longer than 67108864 bytes"),
        "{error}"
    );
    eprintln!(
        "peak RSS while reading a 100 MiB JSONL line: {} KiB",
        peak / 1024
    );
    // At most the cap's worth of the line is ever held, never its 100 MiB.
    assert!(
        peak < payload_cap() + 16 * MIB,
        "peak RSS {} KiB: the line was read whole",
        peak / 1024
    );
}
