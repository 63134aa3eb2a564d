# crucible's Python forkserver for reuse-mode slots (docs/reuse-mode.md, "Python forkserver").
# Started by the trusted harness (harness.pl) as root holding only the harness's capabilities,
# with cwd / and the slot's environment, by `python3 [-I] -c <this> <work dir>`, once per slot
# and interpreter flags. It imports the Python runtime and pytest, never anything from the
# working directory or the candidate, then forks one child per execution. The child becomes the
# candidate: new session, stdin /dev/null, stdout/stderr the harness's pipes, every other
# descriptor closed, no supplementary groups, the candidate's gid and uid (which clears every
# capability; no-new-privileges is the container's), the work directory, the environment the
# forkserver started with. Only then does it read anything the candidate wrote. What a child
# changes in memory is its own copy (fork): nothing of one execution reaches the next.
#
# Descriptors: 0 requests from the harness, 1 answers to it, 2 the harness's diagnostics,
# 3 and 4 the write ends of the pipes the harness reads as the candidate's stdout and stderr.
#   harness: "FORK <uid> <gid> <hex of kind NUL target NUL args...>\n" (kind m: -m, s: script)
#   here:    "PID <pid>\n" (or "ERR <why>\n"), then once the child is reaped "EXIT <status>\n".
#   harness: "PRELOAD pytest\n" (sent only while no candidate process lives and the writable
#            places are empty, before a payload is unpacked)
#   here:    "OK\n" once pytest and its built-in plugins are imported (or found missing).
# stdin's end: exit.
import os
import sys

# `python3 -c` puts the working directory first on sys.path; nothing is imported from it.
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]
WORK = sys.argv[1]
ENVIRON = dict(os.environ)
BASE_PATH = list(sys.path)

import gc  # noqa: E402
import importlib  # noqa: E402
import io  # noqa: E402
import runpy  # noqa: E402


def preload_pytest():
    """Import pytest and its built-in plugins here, once, when the slot first runs pytest: a
    forkserver that only runs scripts stays small (its start and every fork cost less)."""
    global PRELOADED
    try:
        import pytest  # noqa: F401
        from _pytest.config import default_plugins

        for name in default_plugins:
            try:
                importlib.import_module("_pytest." + name)
            except Exception:
                pass
    except Exception:
        pass
    PRELOADED = frozenset(sys.modules)
    gc.freeze()


def answer(line):
    os.write(1, line.encode() + b"\n")


def read_requests():
    buf = b""
    while True:
        while b"\n" not in buf:
            chunk = os.read(0, 65536)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        yield line.decode()


def become_candidate(uid, gid):
    """In the child, before anything of the candidate's is read."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(3, 1)
    os.dup2(4, 2)
    os.closerange(3, max(os.sysconf("SC_OPEN_MAX"), 5))
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if 0 in os.getresuid() or 0 in os.getresgid() or os.getgroups() not in ([], [gid]):
        os._exit(126)
    os.chdir(WORK)
    os.environ.clear()
    os.environ.update(ENVIRON)
    # As `sh -c`, which runs these commands without a forkserver, exports it.
    os.environ["PWD"] = WORK


def serve():
    """Fork a child per request; returns (in the child only) what it is to run."""
    answer("READY")
    for line in read_requests():
        words = line.split(" ")
        if words == ["PRELOAD", "pytest"]:
            preload_pytest()
            answer("OK")
            continue
        if len(words) != 4 or words[0] != "FORK":
            answer("ERR bad request")
            continue
        uid, gid = int(words[1]), int(words[2])
        spec = bytes.fromhex(words[3]).decode("utf-8", "surrogateescape").split("\0")
        try:
            pid = os.fork()
        except OSError as e:
            answer("ERR fork: %s" % e)
            continue
        if pid == 0:
            try:
                become_candidate(uid, gid)
            except BaseException:
                os._exit(126)
            return spec
        answer("PID %d" % pid)
        _, status = os.waitpid(pid, 0)
        answer("EXIT %d" % status)
    sys.exit(0)


def launch(spec):
    """Run the candidate's command as `python3 [flags] -m <module> args` or `python3 [flags]
    <script> args` would, in the __main__ module emptied of the forkserver's names, then exit
    as python would."""
    # Emptying __main__ takes this module's globals too: only locals from here on.
    sys_, os_, io_, gc_, runpy_, base, preloaded = sys, os, io, gc, runpy, BASE_PATH, PRELOADED
    kind, target, args = spec[0], spec[1], spec[2:]
    isolated = sys_.flags.isolated
    main = sys_.modules["__main__"]
    keep = {"__builtins__": main.__dict__["__builtins__"]}
    main.__dict__.clear()
    main.__dict__.update(keep, __name__="__main__", __doc__=None, __package__=None,
                         __spec__=None, __loader__=None)
    status = 0
    try:
        if kind == "m":
            sys_.path[:] = ([] if isolated else [os_.getcwd()]) + base
            sys_.argv[:] = ["-m"] + args
            runpy_._run_module_as_main(target, alter_argv=True)
        else:
            sys_.argv[:] = [target] + args
            here = os_.path.dirname(os_.path.realpath(target))
            sys_.path[:] = ([] if isolated else [here]) + base
            if os_.path.isfile(target):
                # python makes the script's path absolute (sys.argv keeps it as given).
                path = os_.path.abspath(target)
                with io_.open_code(path) as f:
                    source = f.read()
                from importlib.machinery import SourceFileLoader

                main.__dict__.update(__file__=path, __cached__=None,
                                     __loader__=SourceFileLoader("__main__", path))
                exec(compile(source, path, "exec", dont_inherit=True), main.__dict__)
            else:
                runpy_.run_path(target, run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            status = 0
        elif isinstance(e.code, int):
            status = e.code
        else:
            try:
                print(e.code, file=sys_.stderr)
            except Exception:
                pass
            status = 1
    except BaseException as e:
        # As python would report it: without this function's frame.
        tb = e.__traceback__.tb_next if e.__traceback__ else None
        sys_.excepthook(type(e), e.with_traceback(tb), tb)
        status = 1
    # python's exit: wait for threads, run atexit, then finalize. The full finalization would
    # tear down every preloaded module (tens of ms); what this execution loaded (__main__, its
    # modules) is torn down, so that its objects' finalizers (open files' buffers) still run.
    try:
        if "threading" in sys_.modules:
            sys_.modules["threading"]._shutdown()
        import atexit

        atexit._run_exitfuncs()
        for name in [n for n in list(sys_.modules) if n not in preloaded]:
            sys_.modules.pop(name, None)
        main.__dict__.clear()
        del main
        gc_.collect()
    except BaseException:
        pass
    for stream in (sys_.stdout, sys_.stderr):
        try:
            stream.flush()
        except Exception:
            status = 120
    try:
        os_._exit(status)
    except OverflowError:
        os_._exit(1)


# Objects that exist now are never collected: a child's collections do not touch (and copy)
# the forkserver's pages.
PRELOADED = frozenset(sys.modules)
gc.freeze()
launch(serve())
