//! The bench's workloads, generated deterministically (same sizes → same bytes) as task and
//! candidate directories that `crucible run` reads, plus the per-task file sets the floor and
//! the naive loop run.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One task as the floor and the naive loop see it: every file of the working directory.
pub struct BenchTask {
    pub id: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

pub struct Workload {
    pub name: &'static str,
    pub tasks_dir: PathBuf,
    pub candidates_dir: PathBuf,
    /// The test command, identical for every task of the workload.
    pub command: String,
    pub tasks: Vec<BenchTask>,
}

/// HumanEval shape: one function, a `check(candidate)` of asserts, a one-line simple report.
const TRIVIAL_COMMAND: &str = "python3 -I check.py";
/// The python image's default: pytest writing JUnit XML.
const PYTEST_COMMAND: &str =
    "python3 -m pytest -q -p no:cacheprovider --junitxml=\"$CRUCIBLE_REPORT\" tests";

pub fn trivial(root: &Path, n: usize) -> std::io::Result<Workload> {
    let tasks = (0..n).map(trivial_task).collect();
    materialize(root, "trivial", TRIVIAL_COMMAND, "simple", 1, tasks, 1)
}

pub fn realistic(root: &Path, n: usize) -> std::io::Result<Workload> {
    let tasks = (0..n).map(realistic_task).collect();
    materialize(root, "realistic", PYTEST_COMMAND, "junit", 0, tasks, 1)
}

/// The trivial workload with every test command replaced by `true`: the same payloads and
/// containers, no test work, to tell crucible's own overhead from the test's CPU.
pub fn untested(root: &Path, n: usize) -> std::io::Result<Workload> {
    let tasks = (0..n).map(trivial_task).collect();
    materialize(root, "untested", "true", "simple", 1, tasks, 1)
}

/// `samples` candidates per trivial task (`<task>#<k>`), for the scale workload.
pub fn scale(root: &Path, tasks: usize, samples: usize) -> std::io::Result<Workload> {
    let tasks = (0..tasks).map(trivial_task).collect();
    materialize(root, "scale", TRIVIAL_COMMAND, "simple", 1, tasks, samples)
}

/// (task files, candidate files, declared test cases)
type Generated = (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>, u32);

fn trivial_task(i: usize) -> Generated {
    let (a, b) = (i % 7 + 2, i % 11);
    // Every 10th candidate is wrong, so verdicts are not all alike.
    let body = if i % 10 == 9 {
        format!("return x * {a} + {b} + 1")
    } else {
        format!("return x * {a} + {b}")
    };
    let solution = format!("def f(x):\n    \"\"\"Task {i}: x*{a}+{b}.\"\"\"\n    {body}\n");
    let check = format!(
        "import os\nimport sys\n\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\nfrom solution import f\n\n\ndef check(candidate):\n    \
         for x in range(-3, 4):\n        assert candidate(x) == x * {a} + {b}, x\n\n\n\
         try:\n    check(f)\n    line = 'PASS check'\nexcept AssertionError as e:\n    \
         line = 'FAIL check: ' + repr(e)\nwith open(os.environ['CRUCIBLE_REPORT'], 'w') as r:\n    \
         r.write(line + '\\n')\nraise SystemExit(0 if line.startswith('PASS') else 1)\n"
    );
    let task = BTreeMap::from([("check.py".to_string(), check.into_bytes())]);
    let candidate = BTreeMap::from([("solution.py".to_string(), solution.into_bytes())]);
    (task, candidate, 1)
}

fn realistic_task(i: usize) -> Generated {
    let k = 5 + i % 6; // 5..=10 tests
    let solution = format!(
        "def normalize(words):\n    return sorted({{w.strip().lower() for w in words if w.strip()}})\n\n\n\
         def chunk(items, size):\n    if size <= 0:\n        raise ValueError('size')\n    \
         return [items[j:j + size] for j in range(0, len(items), size)]\n\n\n\
         def score(text):\n    return sum(ord(c) % {m} for c in text)\n",
        m = i % 13 + 3
    );
    let mut tests = String::from("import pytest\nfrom solution import normalize, chunk, score\n");
    for t in 0..k {
        let case = match t % 5 {
            0 => format!(
                "\n\ndef test_normalize_{t}():\n    assert normalize([' B', 'a', 'b ', '']) == ['a', 'b']\n"
            ),
            1 => format!(
                "\n\ndef test_chunk_{t}():\n    assert chunk(list(range({n})), 3)[-1] == list(range({n}))[({n} - 1) // 3 * 3:]\n",
                n = t + i % 9 + 1
            ),
            2 => format!(
                "\n\ndef test_chunk_rejects_zero_{t}():\n    with pytest.raises(ValueError):\n        chunk([1], 0)\n"
            ),
            3 => format!(
                "\n\ndef test_score_{t}():\n    assert score('ab') == ord('a') % {m} + ord('b') % {m}\n",
                m = i % 13 + 3
            ),
            _ => format!(
                "\n\n@pytest.mark.parametrize('n', [0, 1])\ndef test_param_{t}(n):\n    assert len(chunk([0] * n, 1)) == n\n"
            ),
        };
        tests.push_str(&case);
    }
    // Parametrized cases count twice.
    let declared = (0..k).map(|t| if t % 5 == 4 { 2 } else { 1 }).sum();
    let task = BTreeMap::from([("tests/test_solution.py".to_string(), tests.into_bytes())]);
    let candidate = BTreeMap::from([("solution.py".to_string(), solution.into_bytes())]);
    (task, candidate, declared)
}

fn materialize(
    root: &Path,
    name: &'static str,
    command: &str,
    report: &str,
    declared_default: u32,
    generated: Vec<Generated>,
    samples: usize,
) -> std::io::Result<Workload> {
    let dir = root.join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let tasks_dir = dir.join("tasks");
    let candidates_dir = dir.join("candidates");
    let mut tasks = Vec::new();
    for (i, (task_files, candidate_files, declared)) in generated.into_iter().enumerate() {
        let id = format!("{name}-{i:05}");
        let declared = if declared == 0 {
            declared_default
        } else {
            declared
        };
        let toml = format!(
            "id = \"{id}\"\ntitle = \"bench {name} {i}\"\nlanguage = \"python\"\nprice_usd = 0.0\n\
             description = \"generated by crucible-bench\"\ntest_cases = {declared}\n\
             test_command = '''{command}'''\nreport = \"{report}\"\n\n[candidate]\nfiles = [\"solution.py\"]\n"
        );
        write_files(&tasks_dir.join(&id), &task_files)?;
        std::fs::write(tasks_dir.join(&id).join("task.toml"), toml)?;
        for s in 0..samples {
            let cdir = if samples == 1 {
                id.clone()
            } else {
                format!("{id}#{s}")
            };
            write_files(&candidates_dir.join("bench").join(cdir), &candidate_files)?;
        }
        let mut files = task_files;
        files.extend(candidate_files);
        tasks.push(BenchTask { id, files });
    }
    Ok(Workload {
        name,
        tasks_dir,
        candidates_dir,
        command: command.to_string(),
        tasks,
    })
}

pub fn write_files(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("relative path under dir"))?;
        std::fs::write(path, bytes)?;
    }
    Ok(())
}
