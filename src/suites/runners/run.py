"""crucible's runner for Python suite problems (HumanEval, HumanEval-X Python, MBPP).

The suites' own harnesses paste the candidate and the tests into ONE program and run it. This
runner keeps that meaning -- every file runs, in order, in one shared module namespace, so tests
can use helpers the prompt defined -- while telling a candidate that does not load (exit 2: the
tests could not run) from a failed test (exit 1). It writes one line per test case in crucible's
simple format (`PASS name` / `FAIL name: message`) to $CRUCIBLE_REPORT.

Usage: python3 tests/run.py tests/cases.json
cases.json: {"module": str, "prelude": path|null, "candidate": path, "setup": path|null,
             "cases": [{"name": str, "file": path}, ...]}
"""
import builtins
import json
import os
import sys
import traceback
import types

# Taken before any candidate code runs: the candidate shares this process and may replace them.
_open = builtins.open
_exit = os._exit
_report_path = os.environ.get("CRUCIBLE_REPORT", "/tmp/crucible-report")


def one_line(text, limit=400):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def describe(exc):
    """`Type: message`, plus the failing source line when the message is empty (bare asserts)."""
    message = one_line(exc)
    if not message:
        frames = traceback.extract_tb(exc.__traceback__)
        if frames and frames[-1].line:
            message = one_line(frames[-1].line)
    return type(exc).__name__ + (": " + message if message else "")


def run_file(path, namespace):
    with _open(path, "rb") as f:
        source = f.read()
    exec(compile(source, path, "exec", dont_inherit=True), namespace)


def finish(lines, code):
    with _open(_report_path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    # _exit: threads or atexit hooks the candidate left behind must not keep the run alive.
    _exit(code)


def main():
    with _open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    names = [case["name"] for case in spec["cases"]]

    module = types.ModuleType(spec.get("module") or "solution")
    sys.modules[module.__name__] = module
    namespace = module.__dict__

    if spec.get("prelude"):
        run_file(spec["prelude"], namespace)
    try:
        run_file(spec["candidate"], namespace)
    except BaseException as exc:  # noqa: B036 -- SystemExit from the candidate is a failure too
        reason = "the candidate does not load: " + describe(exc)
        print(reason, file=sys.stderr)
        traceback.print_exc()
        finish(["FAIL %s: %s" % (name, reason) for name in names], 2)

    if spec.get("setup"):
        try:
            run_file(spec["setup"], namespace)
        except BaseException as exc:
            reason = "the test setup failed: " + describe(exc)
            traceback.print_exc()
            finish(["FAIL %s: %s" % (name, reason) for name in names], 1)

    lines = []
    failed = False
    for case in spec["cases"]:
        try:
            run_file(case["file"], namespace)
            lines.append("PASS %s" % case["name"])
        except BaseException as exc:
            failed = True
            traceback.print_exc()
            lines.append("FAIL %s: %s" % (case["name"], describe(exc)))
    finish(lines, 1 if failed else 0)


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # a broken spec or runner: the tests could not run
        traceback.print_exc()
        _exit(3)
