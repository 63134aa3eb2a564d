#!/usr/bin/env python3
"""Peer sandboxes on crucible-bench's generated tasks (docs/bench.md, "Peers").

crucible-bench (src/bin/crucible-bench/peers.rs) runs this with the interpreter of the virtual
environment `scripts/bench-peers-venv` made, once per (workload, peer):

    bench-peers.py run --manifest M.json --peer NAME --out R.json
    bench-peers.py probe --image IMAGE --out R.json

`run` executes the manifest's tasks (the files of the task and candidate directories that
`crucible run` reads, the workload's test command) through one peer, `jobs` at a time, and
writes one result per task (pass = exit code 0, as crucible's verdicts for these tasks) and the
wall time from the first task's start to the last container's removal. `probe` creates one
container the way each library does with its defaults, and one as this bench configures it,
and reads the isolation the daemon applied from `docker inspect`.

Every peer runs on the local image and never pulls: the libraries look the image up locally
first (llm-sandbox `docker.py` `_get_or_pull_image`), epicbox and docker-py only create.
"""
import argparse
import json
import os
import shlex
import sys
import io
import tarfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

# The report file the generated tests write (crucible sets CRUCIBLE_REPORT; the naive loop too).
REPORT_ENV = "export CRUCIBLE_REPORT=/tmp/report; "
# llm-sandbox keeps one long-lived container per session and runs code with `docker exec`;
# crucible/python's CMD runs pytest and exits, so the session's container gets a command that
# stays up and exits at once on SIGTERM (close() calls `docker stop`, which would otherwise
# wait its 10 s grace period for a PID 1 without a TERM handler).
KEEPALIVE = ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
PEERS = ["llm-sandbox", "llm-sandbox-pool", "epicbox", "docker-py"]


def load_tasks(manifest):
    """[(id, [(relative path, bytes)])] from the manifest's directories, task.toml excluded."""
    tasks = []
    for t in manifest["tasks"]:
        files = []
        for d in t["dirs"]:
            for root, dirs, names in os.walk(d):
                dirs.sort()
                for name in sorted(names):
                    path = os.path.join(root, name)
                    rel = os.path.relpath(path, d)
                    if rel == "task.toml":
                        continue
                    with open(path, "rb") as f:
                        files.append((rel, f.read()))
        tasks.append((t["id"], files, [os.path.join(d, "") for d in t["dirs"]]))
    return tasks


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for rel, data in files:
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def memory_docker(manifest):
    return "%dm" % (manifest["memory_bytes"] // (1024 * 1024))


class Local(threading.local):
    """One Docker client per worker thread (the libraries' clients are not shared safely)."""

    client = None


def docker_client(local):
    import docker

    if local.client is None:
        local.client = docker.from_env()
    return local.client


# --- llm-sandbox ------------------------------------------------------------------------------


def llm_runtime_configs(manifest):
    return {
        "network_mode": "none",
        "mem_limit": memory_docker(manifest),
        "command": KEEPALIVE,
        "labels": {"crucible.bench": "peer-llm-sandbox"},
    }


def llm_exec(session, workdir, files, paths, manifest):
    """Copy the task's files in (llm-sandbox's copy_to_runtime: an exec `mkdir -p` and a
    put_archive per file) and run the test command with a 10 s kill inside the container
    (execute_command has no timeout of its own)."""
    for rel, _ in files:
        src = next(os.path.join(d, rel) for d in paths if os.path.exists(os.path.join(d, rel)))
        session.copy_to_runtime(src, f"{workdir}/{rel}")
    cmd = "timeout -s KILL %d sh -c %s" % (
        manifest["timeout_seconds"],
        shlex.quote(f"{REPORT_ENV}cd {workdir} && {manifest['command']}"),
    )
    out = session.execute_command(cmd, workdir=workdir)
    return out.exit_code


def run_llm_sandbox(manifest, tasks, jobs):
    from llm_sandbox import SandboxSession

    local = Local()

    def one(task):
        _, files, paths = task
        with SandboxSession(
            lang="python",
            image=manifest["image"],
            client=docker_client(local),
            skip_environment_setup=True,
            runtime_configs=llm_runtime_configs(manifest),
        ) as s:
            return llm_exec(s, "/sandbox", files, paths, manifest)

    return timed(tasks, jobs, one)


def run_llm_sandbox_pool(manifest, tasks, jobs):
    from llm_sandbox import SandboxSession
    from llm_sandbox.pool import PoolConfig, create_pool_manager

    client = docker_client(Local())
    state = {}

    def setup():
        # Pool creation (its containers' start) is inside the timed run, as crucible run's
        # slot start is inside its time.
        state["pool"] = create_pool_manager(
            backend="docker",
            config=PoolConfig(max_pool_size=jobs, min_pool_size=jobs),
            lang="python",
            image=manifest["image"],
            client=client,
            runtime_configs=llm_runtime_configs(manifest),
            skip_environment_setup=True,
        )

    def one(task):
        tid, files, paths = task
        with SandboxSession(pool=state["pool"], lang="python", image=manifest["image"]) as s:
            # A directory per task: the pool hands the same container to the next task as is.
            return llm_exec(s, f"/sandbox/{tid}", files, paths, manifest)

    return timed(tasks, jobs, one, setup=setup, teardown=lambda: state["pool"].close())


# --- epicbox ----------------------------------------------------------------------------------


def run_epicbox(manifest, tasks, jobs):
    import epicbox

    epicbox.configure(profiles=[epicbox.Profile("python", manifest["image"])])
    t = manifest["timeout_seconds"]
    limits = {"cputime": t, "realtime": t, "memory": manifest["memory_bytes"] // (1024 * 1024)}

    def one(task):
        _, files, _ = task
        result = epicbox.run(
            "python",
            REPORT_ENV + manifest["command"],
            files=[{"name": rel, "content": data} for rel, data in files],
            limits=dict(limits),
        )
        return None if result["timeout"] else result["exit_code"]

    return timed(tasks, jobs, one)


# --- docker-py, SWE-bench style ---------------------------------------------------------------


def run_docker_py(manifest, tasks, jobs):
    import docker.errors
    import requests

    local = Local()
    cmd = ["/bin/sh", "-c", REPORT_ENV + manifest["command"]]

    def one(task):
        _, files, _ = task
        client = docker_client(local)
        c = client.containers.create(
            manifest["image"],
            command=cmd,
            network_mode="none",
            mem_limit=memory_docker(manifest),
            labels={"crucible.bench": "peer-docker-py"},
        )
        try:
            c.put_archive("/work", tar_of(files))
            c.start()
            try:
                return c.wait(timeout=manifest["timeout_seconds"])["StatusCode"]
            except requests.exceptions.RequestException:
                # docker-py's wait(timeout) ends in a read timeout; SWE-bench kills then (the
                # container may have exited meanwhile: the task still ran out of time).
                try:
                    c.kill()
                except docker.errors.APIError:
                    pass
                return None
        finally:
            c.remove(force=True)

    return timed(tasks, jobs, one)


RUNNERS = {
    "llm-sandbox": run_llm_sandbox,
    "llm-sandbox-pool": run_llm_sandbox_pool,
    "epicbox": run_epicbox,
    "docker-py": run_docker_py,
}


def timed(tasks, jobs, one, setup=None, teardown=None):
    results = [None] * len(tasks)

    def wrapped(i):
        started = time.monotonic()
        exit_code, error = None, None
        try:
            exit_code = one(tasks[i])
        except Exception as e:  # a peer's failure is a result, not the bench's crash
            error = f"{type(e).__name__}: {e}"[:500]
            traceback.print_exc(file=sys.stderr)
        results[i] = {
            "id": tasks[i][0],
            "exit_code": exit_code,
            "passed": exit_code == 0 and error is None,
            "seconds": time.monotonic() - started,
            "error": error,
        }

    started = time.monotonic()
    if setup:
        setup()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(wrapped, range(len(tasks))))
    if teardown:
        teardown()
    return time.monotonic() - started, results


# --- probe ------------------------------------------------------------------------------------


def isolation_of(attrs):
    host = attrs["HostConfig"]
    return {
        # epicbox disables networking with Config.NetworkDisabled, not a network mode.
        "network": "disabled" if attrs["Config"].get("NetworkDisabled") else host.get("NetworkMode") or "default",
        "memory_bytes": host.get("Memory") or 0,
        "read_only_rootfs": bool(host.get("ReadonlyRootfs")),
        "user": attrs["Config"].get("User") or "(image default: root unless USER)",
        "pids_limit": host.get("PidsLimit") or 0,
        "cap_drop": host.get("CapDrop") or [],
        "security_opt": host.get("SecurityOpt") or [],
    }


def probe(image):
    import docker

    client = docker.from_env()
    manifest = {"memory_bytes": 256 * 1024 * 1024, "timeout_seconds": 10}
    out = {}

    def llm(configs):
        from llm_sandbox import SandboxSession

        s = SandboxSession(
            lang="python", image=image, client=client, skip_environment_setup=True,
            runtime_configs=configs,
        )
        note = None
        try:
            s.open()
        except Exception as e:
            # The defaults put the container on the default bridge, which a daemon run with
            # `--bridge none` cannot start; the created container still shows the settings.
            note = f"start failed: {type(e).__name__}: {e}"[:300]
        c = s.container
        if c is None:
            raise RuntimeError(note or "llm-sandbox created no container")
        try:
            c.reload()
            got = isolation_of(c.attrs)
        finally:
            c.remove(force=True)
            s.container = None
        if note:
            got["note"] = note
        return got

    def epic(limits):
        import epicbox

        epicbox.configure(profiles=[epicbox.Profile("python", image)])
        sb = epicbox.create("python", "true", limits=limits)
        try:
            sb.container.reload()
            return isolation_of(sb.container.attrs)
        finally:
            epicbox.destroy(sb)

    def dpy(kwargs):
        c = client.containers.create(image, command=["true"], **kwargs)
        try:
            return isolation_of(c.attrs if "HostConfig" in c.attrs else client.api.inspect_container(c.id))
        finally:
            c.remove(force=True)

    t = manifest["timeout_seconds"]
    cases = {
        # The library's defaults: only the keep-alive command the image needs.
        "llm-sandbox": (lambda: llm({"command": KEEPALIVE}), lambda: llm(llm_runtime_configs(manifest))),
        "epicbox": (
            lambda: epic(None),
            lambda: epic({"cputime": t, "realtime": t, "memory": 256}),
        ),
        "docker-py": (
            lambda: dpy({}),
            lambda: dpy({"network_mode": "none", "mem_limit": memory_docker(manifest)}),
        ),
    }
    for name, (default, as_run) in cases.items():
        try:
            out[name] = {"default": default(), "as_run": as_run()}
        except Exception as e:
            out[name] = {"error": f"{type(e).__name__}: {e}"[:500]}
    # The pool's containers are made by the same session code (pool/docker_pool.py).
    out["llm-sandbox-pool"] = out["llm-sandbox"]
    return out


def versions():
    from importlib.metadata import version

    return {p: version(p) for p in ["llm-sandbox", "epicbox", "docker", "urllib3", "requests"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--manifest", required=True)
    r.add_argument("--peer", required=True, choices=PEERS)
    r.add_argument("--out", required=True)
    p = sub.add_parser("probe")
    p.add_argument("--image", required=True)
    p.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.cmd == "probe":
        doc = {"versions": versions(), "isolation": probe(args.image)}
    else:
        with open(args.manifest) as f:
            manifest = json.load(f)
        tasks = load_tasks(manifest)
        seconds, results = RUNNERS[args.peer](manifest, tasks, manifest["jobs"])
        doc = {"peer": args.peer, "versions": versions(), "seconds": seconds, "tasks": results}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
