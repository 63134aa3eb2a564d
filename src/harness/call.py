# One function-call case (docs/io-tasks.md): stdin holds {"call", "args", "kwargs"}; the
# candidate's module is loaded, the function called, and its return value printed as one JSON
# line. crucible compares that value with the expected one outside the container; this script
# runs as the candidate and is trusted with nothing.
import importlib.util
import json
import math
import os
import sys


def jsonable(value):
    """Tuples as lists (as the expected values are written); anything else JSON has no form
    for is an error, not a silent string."""
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a dict with non-string keys")
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"the float {value!r}")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a {type(value).__name__}")


def main():
    request = json.loads(sys.stdin.read())
    path = sys.argv[1]
    # The result goes to the real stdout; the candidate's own prints go to stderr.
    result_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.stdin = open(os.devnull)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    function = getattr(module, request["call"], None)
    if not callable(function):
        sys.exit(f"crucible-call: {path} defines no function `{request['call']}`")
    value = function(*request.get("args", []), **request.get("kwargs", {}))
    try:
        text = json.dumps(jsonable(value), allow_nan=False)
    except TypeError as e:
        sys.exit(f"crucible-call: `{request['call']}` returned {e}, which has no JSON form")
    result_out.write(text + "\n")
    result_out.flush()


main()
