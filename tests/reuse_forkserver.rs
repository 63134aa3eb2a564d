//! Reuse mode's Python forkserver against the real daemon: plain `python3` commands run as
//! children of a pre-initialised interpreter (docs/reuse-mode.md), and nothing of one
//! execution reaches the next one or the forkserver itself.
mod common;
use common::*;
use crucible::execution::{ExecutionResult, ExecutionSpec, Executor, Expectation};
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Payload, PayloadLimits, Sandbox, SandboxPolicy};
use crucible::testreport::ReportFormat;
use crucible::verdict::Verdict;
use std::collections::BTreeMap;
use std::time::Duration;

/// Prints the candidate's view as one JSON line: who runs it (the forkserver is its parent) and
/// what it can see of earlier executions.
const PROBE: &str = r#"
import json, os, sys
def status(pid, key):
    try:
        for line in open('/proc/%d/status' % pid):
            if line.startswith(key + ':'):
                return line.split()[1:]
    except OSError:
        return None
def others():
    mine = []
    for d in os.listdir('/proc'):
        if d.isdigit() and int(d) != os.getpid() and (status(int(d), 'Uid') or [''])[0] == '10001':
            if (status(int(d), 'State') or ['Z'])[0] != 'Z':
                mine.append(open('/proc/%s/cmdline' % d, 'rb').read().decode(errors='replace'))
    return mine
ppid = os.getppid()
import pytest
view = {
    'ppid': ppid,
    'parent': (lambda p: p[0] == b'python3' and b'-c' in p[1:3])(
        open('/proc/%d/cmdline' % ppid, 'rb').read().split(b'\0')),
    'uid': os.getresuid(), 'gid': os.getresgid(), 'groups': os.getgroups(),
    'capeff': status(os.getpid(), 'CapEff'), 'capprm': status(os.getpid(), 'CapPrm'),
    'nnp': status(os.getpid(), 'NoNewPrivs'),
    'session': os.getsid(0) == os.getpid(), 'cwd': os.getcwd(),
    'fds': sorted(os.listdir('/proc/self/fd')),
    'argv': sys.argv, 'path0': sys.path[0], 'name': __name__, 'file': __file__,
    'leaks': [n for n in ('LEAK',) if n in os.environ]
        + [m for m in ('leaked_module',) if m in sys.modules]
        + (['json'] if json.dumps(1) != '1' else [])
        + (['pytest'] if hasattr(pytest, 'LEAKED') else [])
        + (['builtins'] if hasattr(__builtins__, 'LEAKED') else [])
        + (['sys.path'] if '/tmp/evil' in sys.path else [])
        + [p for p in ('/work/leak', '/tmp/leak', '/dev/shm/leak') if os.path.exists(p)],
    'others': others(),
    'env': sorted(os.environ),
}
print(json.dumps(view))
"#;

/// Run in the first execution after PROBE: mutate everything the next one could see, start a
/// background process, and attack the forkserver.
const ATTACK: &str = r#"
import builtins, ctypes, signal, subprocess, time
dumps = json.dumps
os.environ['LEAK'] = '1'
sys.modules['leaked_module'] = object()
json.dumps = lambda *a, **k: 'HACKED'
pytest.LEAKED = True
builtins.LEAKED = True
sys.path.append('/tmp/evil')
for p in ('/work/leak', '/tmp/leak', '/dev/shm/leak'):
    open(p, 'w').write('x')
subprocess.Popen(['setsid', 'sh', '-c', 'trap "" TERM HUP; exec sleep 3007'],
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    time.sleep(600)
    os._exit(0)
refused = {}
def attempt(name, f):
    print(name, file=sys.stderr, flush=True)
    try:
        f()
        refused[name] = False
    except OSError:
        refused[name] = True
attempt('kill', lambda: os.kill(ppid, signal.SIGKILL))
attempt('stop', lambda: os.kill(ppid, signal.SIGSTOP))
attempt('killpg', lambda: os.killpg(os.getpgid(ppid), signal.SIGKILL))
attempt('environ', lambda: open('/proc/%d/environ' % ppid, 'rb').read())
attempt('mem', lambda: open('/proc/%d/mem' % ppid, 'rb').read(1))
attempt('control', lambda: open('/proc/%d/fd/1' % ppid, 'w').write('PID 1\nEXIT 0\n'))
attempt('requests', lambda: open('/proc/%d/fd/0' % ppid, 'w').write('FORK 0 0 00\n'))
libc = ctypes.CDLL(None, use_errno=True)
refused['ptrace'] = libc.ptrace(16, ppid, None, None) != 0
time.sleep(0.2)
print(dumps(refused))
"#;

fn python_spec(command: &str, files: &[(&str, &str)]) -> ExecutionSpec {
    let files: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
        .collect();
    ExecutionSpec {
        image: PYTHON_IMAGE.into(),
        command: vec!["/bin/sh".into(), "-c".into(), command.into()],
        payload: Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false).unwrap(),
        limits: Limits {
            timeout: Duration::from_secs(30),
            ..Limits::default()
        },
        expectation: Expectation::default(),
        split: None,
        run_id: None,
        task_id: Some("reuse-forkserver-test".into()),
    }
}

async fn reuse_sandbox() -> Sandbox {
    require_image(PYTHON_IMAGE);
    Sandbox::connect(SandboxPolicy::default(), Backend::Reuse)
        .await
        .unwrap()
}

fn explain(r: &ExecutionResult) -> String {
    format!(
        "verdict {:?} ({}), exit {:?}, stdout {:?}, stderr {:?}",
        r.verdict, r.reason, r.exit_code, r.stdout.text, r.stderr.text
    )
}

/// The JSON lines the execution printed.
fn lines(r: &ExecutionResult) -> Vec<serde_json::Value> {
    r.stdout
        .text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {}", explain(r))))
        .collect()
}

#[tokio::test]
async fn an_execution_under_the_forkserver_cannot_reach_the_next_one_or_the_forkserver() {
    let sandbox = reuse_sandbox().await;
    let attack = format!("{PROBE}{ATTACK}");
    let first = python_spec("python3 -I attack.py", &[("attack.py", &attack)]);
    let a = sandbox.run(&first).await;
    assert_eq!(a.verdict, Verdict::Passed, "first: {}", explain(&a));
    let [view, refused] = &lines(&a)[..] else {
        panic!("first: {}", explain(&a))
    };
    assert_eq!(view["parent"], true, "run by the forkserver: {view}");
    for (what, refused) in refused.as_object().unwrap() {
        assert_eq!(refused, true, "the candidate could {what} the forkserver");
    }
    // A candidate that kills every process it may (kill(-1) spares the caller): its own.
    let kill_all = python_spec(
        "python3 -I k.py",
        &[("k.py", "import os, signal\nos.kill(-1, signal.SIGKILL)\n")],
    );
    let k = sandbox.run(&kill_all).await;
    assert_eq!(k.verdict, Verdict::Passed, "kill(-1): {}", explain(&k));

    let b = sandbox
        .run(&python_spec("python3 -I probe.py", &[("probe.py", PROBE)]))
        .await;
    sandbox.finish().await;
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
    let [after] = &lines(&b)[..] else {
        panic!("second: {}", explain(&b))
    };
    assert_eq!(a.container_id, b.container_id, "one slot");
    assert_eq!(
        after["ppid"], view["ppid"],
        "the same forkserver served both executions: {view} / {after}"
    );
    assert_eq!(after["leaks"], serde_json::json!([]), "{after}");
    assert_eq!(after["others"], serde_json::json!([]), "{after}");
}

#[tokio::test]
async fn the_child_is_the_candidate_in_a_fresh_session_with_nothing_inherited() {
    let sandbox = reuse_sandbox().await;
    let probe = python_spec("python3 probe.py a b", &[("probe.py", PROBE)]);
    // Not eligible (quoting): the same probe as its own interpreter, for comparison.
    let plain = python_spec("python3 probe.py a 'b'", &[("probe.py", PROBE)]);
    let a = sandbox.run(&probe).await;
    let p = sandbox.run(&plain).await;
    sandbox.finish().await;
    assert_eq!(a.verdict, Verdict::Passed, "{}", explain(&a));
    assert_eq!(p.verdict, Verdict::Passed, "{}", explain(&p));
    let (fs, plain) = (&lines(&a)[0], &lines(&p)[0]);
    assert_eq!(fs["parent"], true, "{fs}");
    assert_eq!(plain["parent"], false, "{plain}");
    assert_eq!(fs["uid"], serde_json::json!([10001, 10001, 10001]));
    assert_eq!(fs["gid"], serde_json::json!([10001, 10001, 10001]));
    assert!(fs["groups"] == serde_json::json!([]) || fs["groups"] == serde_json::json!([10001]));
    assert_eq!(fs["capeff"], serde_json::json!(["0000000000000000"]));
    assert_eq!(fs["capprm"], serde_json::json!(["0000000000000000"]));
    assert_eq!(fs["nnp"], serde_json::json!(["1"]));
    assert_eq!(fs["session"], true);
    assert_eq!(fs["cwd"], "/work");
    // stdin, stdout, stderr and the descriptor listdir itself opened.
    assert_eq!(fs["fds"], serde_json::json!(["0", "1", "2", "3"]), "{fs}");
    // As python3 itself would have set it up.
    for key in ["argv", "path0", "name", "file", "env", "uid", "fds", "cwd"] {
        assert_eq!(fs[key], plain[key], "{key}: {fs} / {plain}");
    }
}

const TESTS: &str = "from solution import add\n\n\
    def test_one():\n    assert add(1, 2) == 3\n\n\
    def test_two():\n    assert add(2, 2) == 4\n";

/// One timeout for every execution of the test: the slot is chosen by image and limits.
const SHORT: Duration = Duration::from_secs(6);

fn pytest_spec(solution: &str) -> ExecutionSpec {
    let mut spec = python_spec(
        "python3 -m pytest -q -p no:cacheprovider --junitxml=\"$CRUCIBLE_REPORT\" tests",
        &[("tests/test_add.py", TESTS), ("solution.py", solution)],
    );
    spec.expectation = Expectation {
        report: Some(ReportFormat::Junit),
        declared_tests: 2,
        error_exit_codes: vec![2, 3, 4, 5],
        ..Expectation::default()
    };
    spec.limits.timeout = SHORT;
    spec
}

#[tokio::test]
async fn pytest_verdicts_under_the_forkserver_and_a_timeout_leaves_it_serving() {
    let sandbox = reuse_sandbox().await;
    let right = "def add(a, b):\n    return a + b\n";
    // Patches pytest in its own process: the next execution's pytest is the forkserver's.
    let wrong = "import _pytest.runner, os\n\
        _pytest.runner.LEAKED = 1\n\
        os.environ['PYTEST_ADDOPTS'] = '-x'\n\
        def add(a, b):\n    return a - b\n";
    let hang = "import os\n\
        if os.fork() == 0:\n    os.setsid()\n    while True: pass\n\
        while True: pass\n";
    let mut timeout = python_spec("python3 hang.py", &[("hang.py", hang)]);
    timeout.limits.timeout = SHORT;
    let results = [
        sandbox.run(&pytest_spec(right)).await,
        sandbox.run(&pytest_spec(wrong)).await,
        sandbox.run(&timeout).await,
        sandbox.run(&pytest_spec(right)).await,
        sandbox
            .run(&pytest_spec(
                "import _pytest.runner\nassert not hasattr(_pytest.runner, 'LEAKED')\n\
                 def add(a, b):\n    return a + b\n",
            ))
            .await,
    ];
    sandbox.finish().await;
    let expected = [
        Verdict::Passed,
        Verdict::Failed,
        Verdict::Timeout,
        Verdict::Passed,
        Verdict::Passed,
    ];
    for (i, (r, v)) in results.iter().zip(expected).enumerate() {
        assert_eq!(r.verdict, v, "execution {i}: {}", explain(r));
    }
    assert_eq!(results[0].tests.len(), 2, "{:?}", results[0].tests);
    let slot = &results[0].container_id;
    assert!(
        results.iter().all(|r| &r.container_id == slot),
        "one slot served every execution"
    );
}

#[tokio::test]
async fn python_exit_codes_and_tracebacks_are_python_s() {
    let sandbox = reuse_sandbox().await;
    let run = |body: &str| python_spec("python3 -I t.py", &[("t.py", body)]);
    let raised = sandbox
        .run(&run("def f():\n    raise KeyError('k')\nf()\n"))
        .await;
    let exited = sandbox.run(&run("import sys\nsys.exit(3)\n")).await;
    let message = sandbox.run(&run("raise SystemExit('bye')\n")).await;
    let printed = sandbox
        .run(&run(
            "import sys\nprint('out')\nprint('err', file=sys.stderr)\n",
        ))
        .await;
    sandbox.finish().await;
    assert_eq!(raised.exit_code, Some(1), "{}", explain(&raised));
    let trace = &raised.stderr.text;
    assert!(
        trace.starts_with("Traceback (most recent call last):\n  File \"/work/t.py\", line 3"),
        "{trace}"
    );
    assert!(trace.ends_with("KeyError: 'k'\n"), "{trace}");
    assert_eq!(exited.exit_code, Some(3), "{}", explain(&exited));
    assert_eq!(message.exit_code, Some(1), "{}", explain(&message));
    assert_eq!(message.stderr.text, "bye\n");
    assert_eq!(printed.stdout.text, "out\n");
    assert_eq!(printed.stderr.text, "err\n");
}
