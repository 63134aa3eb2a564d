"""crucible's function-call judge for Python: tests and candidate in two processes.

    python3 -I .crucible/calls.py judge  SPEC   # trusted: runs the tests, writes the report
    python3 -I .crucible/calls.py worker SPEC   # the candidate's uid: loads the candidate

The judge never loads candidate code. Each use the tests make of a candidate object (call,
attribute, iteration, len, indexing) is a request to the worker; the answer comes back as plain
data (JSON with tags, never pickle or eval) or as a *handle*: a judge-side proxy of an object
that stays in the worker. Every comparison happens in the judge, on plain values: a proxy is
equal only to itself and never forwards ==, hash, ordering or truth, so an object whose __eq__
always says yes cannot pass a test. Whatever the worker sends is only a claim about a return
value: the judge bounds and validates it and never lets it run code in the judge.

Wiring (set up by crucible's supervisor): the judge reads replies on fd 3 and writes requests on
fd 4; the worker reads requests on fd 3 and writes replies on fd 4. Frames: 4-byte big-endian
length + UTF-8 JSON. The judge writes its report to $CRUCIBLE_REPORT (the worker has no such
variable). Judge exit code: 0 all passed, 1 some failed, 2 the candidate did not load, 3 harness
or spec error.

Spec (JSON; readable by both processes, so it names hidden files but holds no test code):
  {"mode": "script" | "pytest",
   "module": "solution",          # the candidate's module name
   "candidate": "solution.py",    # the file the worker runs as that module
   "prelude": "prelude.py"|null,  # trusted task code run first in BOTH processes (imports)
   # script mode (HumanEval, MBPP): every file below runs in the judge in one namespace, in
   # order; the names they use that the candidate's module defines are bound to its objects.
   "setup": "tests/setup.py"|null,
   "cases": [{"name": str, "file": path}, ...],
   "shadow": [str],               # builtin names the candidate may define (MBPP's `sum`)
   # pytest mode: real pytest in the judge with sys.modules[module] = a proxy module.
   "tests": ["tests/test_x.py"], "conftest": path|null}
"""
import builtins
import math
import os
import sys
import types

# json is used through its C core (_json): the json package imports re and enum, which cost more
# than the rest of a judge's start-up. decimal, fractions, datetime, collections, binascii and
# traceback are imported only when
# needed: start-up time is most of the cost of a short execution. A value of one of their types
# can only exist in a process that already imported its module, so the encoder looks the module
# up in sys.modules instead of importing it.

READ_FD, WRITE_FD = 3, 4  # both processes read on fd 3 and write on fd 4 (see above)
MAX_MESSAGE = 64 << 20  # bytes in one frame
MAX_DEPTH = 100  # nesting of one value
MAX_TEXT = 10_000  # exception messages, str() of candidate objects, type names
SMALL_INT = 1 << 53

# Handle capabilities: which protocol operations the judge-side proxy offers.
CAN_CALL, CAN_ITER, CAN_NEXT, CAN_LEN, CAN_GETITEM, CAN_SETITEM = 1, 2, 4, 8, 16, 32

# defaultdict crosses as a value only with one of these factories.
FACTORIES = {t.__name__: t for t in (int, float, str, list, dict, set, frozenset, tuple, bool)}


class _JsonContext:
    """What _json's scanner reads from json.JSONDecoder: strict JSON, plain dicts."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name):
        raise ValueError("%s is not JSON" % name)


def _not_json(value):
    raise TypeError("%s is not JSON" % type(value).__name__)


try:
    import _json

    _scan = _json.make_scanner(_JsonContext())
    _encode = _json.make_encoder(None, _not_json, _json.encode_basestring_ascii, None, ":", ",",
                                 False, False, False)
except (ImportError, AttributeError):  # not CPython: the json package does the same
    import json

    _scan = json.JSONDecoder(parse_constant=_JsonContext.parse_constant).scan_once
    _encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).iterencode


def dumps(value):
    """Compact ASCII JSON; only None/bool/int/float/str/list/dict (what encode() makes)."""
    return "".join(_encode(value, 0))


def loads(text):
    """One JSON value filling all of `text` (no surrounding white space)."""
    try:
        value, end = _scan(text, 0)
    except (StopIteration, SystemError):
        # SystemError: _json reports a syntax error through json.decoder's exception class and
        # fails this way while json.decoder is not imported.
        raise ValueError("malformed JSON") from None
    if end != len(text):
        raise ValueError("data after the JSON value")
    return value


def loaded(name):
    """A module if this process already imported it (see above), else None."""
    return sys.modules.get(name)


def b64encode(data):
    import binascii

    return binascii.b2a_base64(data, newline=False).decode("ascii")


def b64decode(text):
    import binascii

    return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)


class BoundaryError(Exception):
    """A value cannot cross the boundary (too deep, too large, not plain data)."""


class ProtocolError(Exception):
    """The worker broke the protocol: the judge stops talking to it."""


class CandidateGone(BaseException):
    """The candidate's process ended or stopped answering sensibly; every later call fails.

    A BaseException, so a test's `except Exception` cannot mistake it for the candidate's own
    error and carry on."""


class CandidateError(Exception):
    """The candidate raised something that is not a builtin exception type."""


def one_line(text, limit=400):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def clip(text, limit=MAX_TEXT):
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------------------------
# Values: one encoder for both sides; the judge's decoder is the strict one.
#
# JSON null/bool/int/float/str stand for themselves; everything else is a one-key object:
#   I big int (hex)  F non-finite float  C complex  B bytes  A bytearray  L list  T tuple
#   S set  Z frozenset  D dict (pairs)  O OrderedDict  K Counter  E defaultdict [factory, pairs]
#   Q deque [maxlen, items]  N Decimal  R Fraction  G range  Y builtin type (by name)
#   dt/da/ti/td datetime types
#   H handle: worker→judge [id, type name, capabilities], judge→worker [id]
# ---------------------------------------------------------------------------------------------


def encode(value, handle_of, depth=0):
    """Encode `value`. Exact builtin types are read directly; subclasses of them are read through
    the base type's own (unbound) methods, so an overridden __eq__/__iter__/__len__/__str__ is
    never consulted; anything else goes to `handle_of` (worker: a new handle; judge: refuse)."""
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if -SMALL_INT < value < SMALL_INT else {"I": hex(value)}
    if t is float:
        return value if math.isfinite(value) else {"F": repr(value)}
    if depth >= MAX_DEPTH:
        raise BoundaryError("the value is nested more than %d levels deep" % MAX_DEPTH)
    d = depth + 1

    def many(items):
        return [encode(x, handle_of, d) for x in items]

    def pairs(items):
        return [[encode(k, handle_of, d), encode(v, handle_of, d)] for k, v in items]

    if t is list:
        return {"L": many(value)}
    if t is tuple:
        return {"T": many(value)}
    if t is dict:
        return {"D": pairs(dict.items(value))}
    if t is set:
        return {"S": many(value)}
    if t is frozenset:
        return {"Z": many(value)}
    if t is bytes:
        return {"B": b64encode(value)}
    if t is bytearray:
        return {"A": b64encode(bytes(value))}
    if t is complex:
        return {"C": [encode(value.real, handle_of, d), encode(value.imag, handle_of, d)]}
    if t is range:
        return {"G": [encode(value.start, handle_of, d), encode(value.stop, handle_of, d),
                      encode(value.step, handle_of, d)]}
    if t is type and getattr(builtins, value.__name__, None) is value:
        return {"Y": value.__name__}  # int, str... as in MBPP 533's remove_datatype(t, int)
    coll = loaded("collections")
    if coll is not None:
        if t is coll.OrderedDict:
            return {"O": pairs(coll.OrderedDict.items(value))}
        if t is coll.Counter:
            return {"K": pairs(dict.items(value))}
        if t is coll.defaultdict and value.default_factory in FACTORIES.values():
            return {"E": [value.default_factory.__name__, pairs(dict.items(value))]}
        if t is coll.deque:
            maxlen = coll.deque.maxlen.__get__(value)
            return {"Q": [maxlen, many(coll.deque.__iter__(value))]}
    dec = loaded("decimal")
    if dec is not None and t is dec.Decimal:
        return {"N": dec.Decimal.__str__(value)}
    frac = loaded("fractions")
    if frac is not None and t is frac.Fraction:
        return {"R": [encode(value.numerator, handle_of, d),
                      encode(value.denominator, handle_of, d)]}
    dt = loaded("datetime")
    if dt is not None:
        if t is dt.date:
            return {"da": dt.date.isoformat(value)}
        if t is dt.datetime and (value.tzinfo is None or type(value.tzinfo) is dt.timezone):
            return {"dt": dt.datetime.isoformat(value)}
        if t is dt.time and value.tzinfo is None:
            return {"ti": dt.time.isoformat(value)}
        if t is dt.timedelta:
            return {"td": [value.days, value.seconds, value.microseconds]}
    # Subclasses of plain types (IntEnum, namedtuple, a str with a lying __eq__...): their real
    # value, read with the base type's methods. bool cannot be subclassed.
    if isinstance(value, int):
        return encode(int.__index__(value), handle_of, depth)
    if isinstance(value, float):
        return encode(float.__float__(value), handle_of, depth)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return encode(bytes.__getitem__(value, slice(None)), handle_of, depth)
    if isinstance(value, bytearray):
        return {"A": b64encode(bytes(memoryview(value)))}
    if isinstance(value, complex):
        real = float.__float__(complex.__dict__["real"].__get__(value))
        imag = float.__float__(complex.__dict__["imag"].__get__(value))
        return encode(complex(real, imag), handle_of, depth)
    if isinstance(value, list):
        return {"L": many(list.__iter__(value))}
    if isinstance(value, tuple):
        return {"T": many(tuple.__iter__(value))}
    if isinstance(value, dict):
        return {"D": pairs(dict.items(value))}
    if isinstance(value, set):
        return {"S": many(set.__iter__(value))}
    if isinstance(value, frozenset):
        return {"Z": many(frozenset.__iter__(value))}
    return handle_of(value)


class Decoder:
    """Turns an encoded value back into a value; `handle` maps a handle's payload to an object.
    Strict: anything that is not exactly one of the shapes above raises ProtocolError."""

    def __init__(self, handle):
        self.handle = handle

    def __call__(self, x, depth=0):
        t = type(x)
        if x is None or t is bool or t is int or t is str:
            return x
        if t is float:
            return x
        if t is not dict or len(x) != 1:
            raise ProtocolError("malformed value of type %s" % t.__name__)
        if depth >= MAX_DEPTH:
            raise ProtocolError("a value nested more than %d levels deep" % MAX_DEPTH)
        ((tag, v),) = x.items()
        d = depth + 1
        try:
            if tag == "L":
                return [self(i, d) for i in self._list(v)]
            if tag == "T":
                return tuple(self(i, d) for i in self._list(v))
            if tag == "S":
                return {self(i, d) for i in self._list(v)}
            if tag == "Z":
                return frozenset(self(i, d) for i in self._list(v))
            if tag == "D":
                return dict(self._pairs(v, d))
            if tag == "Y":
                named = getattr(builtins, self._str(v), None)
                if not isinstance(named, type):
                    raise ProtocolError("not a builtin type")
                return named
            if tag in ("O", "K", "E", "Q"):
                import collections

                if tag == "O":
                    return collections.OrderedDict(self._pairs(v, d))
                if tag == "K":
                    return collections.Counter(dict(self._pairs(v, d)))
                if tag == "E":
                    factory, items = self._list(v, 2)
                    if factory not in FACTORIES:
                        raise ProtocolError("defaultdict factory %r" % (factory,))
                    return collections.defaultdict(FACTORIES[factory], self._pairs(items, d))
                maxlen, items = self._list(v, 2)
                if maxlen is not None and type(maxlen) is not int:
                    raise ProtocolError("deque maxlen")
                return collections.deque([self(i, d) for i in self._list(items)], maxlen)
            if tag == "I":
                return int(self._str(v), 16)
            if tag == "F":
                if v not in ("nan", "inf", "-inf"):
                    raise ProtocolError("non-finite float %r" % (v,))
                return float(v)
            if tag == "C":
                real, imag = (self(i, d) for i in self._list(v, 2))
                if type(real) is not float or type(imag) is not float:
                    raise ProtocolError("complex parts")
                return complex(real, imag)
            if tag == "B":
                return b64decode(self._str(v))
            if tag == "A":
                return bytearray(b64decode(self._str(v)))
            if tag == "G":
                start, stop, step = (self(i, d) for i in self._list(v, 3))
                if not all(type(i) is int for i in (start, stop, step)):
                    raise ProtocolError("range bounds")
                return range(start, stop, step)
            if tag == "N":
                import decimal

                return decimal.Decimal(self._str(v))
            if tag == "R":
                import fractions

                n, den = (self(i, d) for i in self._list(v, 2))
                if type(n) is not int or type(den) is not int:
                    raise ProtocolError("fraction parts")
                return fractions.Fraction(n, den)
            if tag in ("da", "dt", "ti", "td"):
                import datetime

                if tag == "da":
                    return datetime.date.fromisoformat(self._str(v))
                if tag == "dt":
                    return datetime.datetime.fromisoformat(self._str(v))
                if tag == "ti":
                    return datetime.time.fromisoformat(self._str(v))
                days, secs, micros = self._list(v, 3)
                if not all(type(i) is int for i in (days, secs, micros)):
                    raise ProtocolError("timedelta parts")
                return datetime.timedelta(days, secs, micros)
            if tag == "H":
                return self.handle(v)
        except ProtocolError:
            raise
        except (TypeError, ValueError, ArithmeticError, RecursionError) as e:
            # Unhashable keys, bad base64, bad ISO text, huge ints...
            raise ProtocolError("malformed %r value: %s" % (tag, one_line(e, 200))) from None
        raise ProtocolError("unknown value tag %r" % (clip(str(tag), 40),))

    @staticmethod
    def _list(v, n=None):
        if type(v) is not list or (n is not None and len(v) != n):
            raise ProtocolError("malformed value: expected a list" + (" of %d" % n if n else ""))
        return v

    @staticmethod
    def _str(v):
        if type(v) is not str or len(v) > MAX_MESSAGE:
            raise ProtocolError("malformed value: expected a string")
        return v

    def _pairs(self, v, d):
        out = []
        for pair in self._list(v):
            k, val = self._list(pair, 2)
            out.append((self(k, d), self(val, d)))
        return out


# ---------------------------------------------------------------------------------------------
# Framing
# ---------------------------------------------------------------------------------------------


def write_frame(fd, message):
    data = dumps(message)
    data = data.encode("ascii")
    if len(data) > MAX_MESSAGE:
        raise BoundaryError("the message is larger than %d MiB" % (MAX_MESSAGE >> 20))
    view = memoryview(len(data).to_bytes(4, "big") + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exactly(fd, n):
    """n bytes, or None at end of file before the first byte; EOF midway is a ProtocolError."""
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            if got == 0:
                return None
            raise ProtocolError("the stream ended inside a message")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(fd):
    """One decoded JSON message, None at a clean end of file."""
    head = read_exactly(fd, 4)
    if head is None:
        return None
    size = int.from_bytes(head, "big")
    if size > MAX_MESSAGE:
        raise ProtocolError("a message of %d bytes (the limit is %d MiB)" % (size, MAX_MESSAGE >> 20))
    body = read_exactly(fd, size)
    if body is None:
        raise ProtocolError("the stream ended inside a message")
    try:
        message = loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as e:
        raise ProtocolError("a message that is not JSON: %s" % one_line(e, 200)) from None
    if type(message) is not dict:
        raise ProtocolError("a message that is not a JSON object")
    return message


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        spec = loads(f.read().strip())
    if type(spec) is not dict or spec.get("mode") not in ("script", "pytest"):
        raise ValueError("the spec must be an object with mode script or pytest")
    for key in ("module", "candidate"):
        if type(spec.get(key)) is not str or not spec[key]:
            raise ValueError("the spec needs a string %r" % key)
    return spec


# ---------------------------------------------------------------------------------------------
# Worker: the candidate's side. It is the candidate's own process: nothing here is trusted by
# the judge; it only has to make honest candidates work.
# ---------------------------------------------------------------------------------------------


class Worker:
    def __init__(self, spec):
        self.spec = spec
        self.objects = {}  # handle id -> object (kept alive so ids stay valid)
        self.ids = {}  # id(object) -> handle id
        self.decode = Decoder(self._object_of)
        self.module = None

    def handle_of(self, obj):
        hid = self.ids.get(id(obj))
        if hid is None or self.objects[hid] is not obj:
            hid = len(self.objects) + 1
            self.objects[hid] = obj
            self.ids[id(obj)] = hid
        caps = 0
        t = type(obj)
        for flag, name in ((CAN_CALL, "__call__"), (CAN_ITER, "__iter__"), (CAN_NEXT, "__next__"),
                           (CAN_LEN, "__len__"), (CAN_GETITEM, "__getitem__"),
                           (CAN_SETITEM, "__setitem__")):
            if hasattr(t, name):
                caps |= flag
        return {"H": [hid, clip(getattr(t, "__qualname__", "object"), 200), caps]}

    def _object_of(self, v):
        if type(v) is not list or len(v) != 1 or v[0] not in self.objects:
            raise ProtocolError("unknown handle")
        return self.objects[v[0]]

    def enc(self, value):
        return encode(value, self.handle_of)

    def describe_module(self, name, value):
        """A module the candidate imported under its own name crosses as a name: the judge then
        uses its own import of it (if it is a standard module), not the candidate's copy."""
        if isinstance(value, types.ModuleType):
            real = getattr(value, "__name__", None)
            if type(real) is str and (name == real or real.endswith("." + name)):
                return {"module": real, "handle": self.handle_of(value)}
        return None

    def load(self, msg):
        spec = self.spec
        module = types.ModuleType(spec["module"])
        module.__file__ = os.path.abspath(spec["candidate"])
        sys.modules[module.__name__] = module
        namespace = module.__dict__
        if spec.get("prelude"):
            exec(compile(read_file(spec["prelude"]), spec["prelude"], "exec", dont_inherit=True),
                 namespace)
        source = read_file(spec["candidate"])
        exec(compile(source, spec["candidate"], "exec", dont_inherit=True), namespace)
        self.module = module
        names = {}
        wanted = msg.get("names")
        if type(wanted) is list:
            for name in wanted:
                if type(name) is str and name in namespace:
                    value = namespace[name]
                    try:
                        entry = self.describe_module(name, value) or {"value": self.enc(value)}
                    except BoundaryError:  # too deep for a value: the judge gets a handle
                        entry = {"value": self.handle_of(value)}
                    names[name] = entry
        return {"module": self.handle_of(module), "names": names}

    def serve(self, rfd, wfd):
        while True:
            try:
                msg = read_frame(rfd)
            except ProtocolError:
                return
            if msg is None:
                return
            reply = self.answer(msg)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:
                    pass
            try:
                write_frame(wfd, reply)
            except BoundaryError as e:
                write_frame(wfd, self.error_reply(msg.get("id"), e))
            if "exit" in reply:
                os._exit(0)

    def answer(self, msg):
        rid = msg.get("id")
        try:
            return self.dispatch(msg)
        except (SystemExit, KeyboardInterrupt) as e:
            # The candidate ended its own process (sys.exit, an interrupt): honour it.
            return {"id": rid, "exit": describe_exception(e)}
        except StopIteration as e:
            if msg.get("op") == "next":
                return {"id": rid, "stop": True}
            return self.error_reply(rid, e)
        except BaseException as e:
            return self.error_reply(rid, e)

    def error_reply(self, rid, exc):
        base = "Exception"
        for cls in type(exc).__mro__:
            if getattr(builtins, cls.__name__, None) is cls:
                base = cls.__name__
                break
        try:
            message = clip(str(exc))
        except BaseException:
            message = "(the exception's message could not be read)"
        try:
            args = self.enc(tuple.__getitem__(BaseException.args.__get__(exc), slice(None)))
            if len(dumps(args)) > MAX_TEXT:
                args = None
        except BaseException:
            args = None
        if isinstance(exc, BoundaryError):
            base, message = "TypeError", "the candidate's value cannot cross: " + message
        return {"id": rid, "raise": {"base": base, "name": clip(type(exc).__name__, 100),
                                     "message": message, "args": args}}

    def dispatch(self, msg):
        rid, op = msg.get("id"), msg.get("op")
        if op == "load":
            try:
                return {"id": rid, "ok": self.load(msg)}
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as e:
                print_traceback()
                return {"id": rid, "load_error": describe_exception(e)}
        obj = self._object_of(msg.get("h"))
        if op == "call":
            args = [self.decode(a) for a in msg.get("args", [])]
            kwargs = {k: self.decode(v) for k, v in msg.get("kwargs", [])}
            result = obj(*args, **kwargs)
            reply = {"id": rid}
            same = None
            changed = []
            # Plain mutable arguments the candidate changed in place go back to the judge.
            for key in msg.get("mutable", []):
                sent = msg["args"][key] if type(key) is int else dict(msg["kwargs"])[key]
                arg = args[key] if type(key) is int else kwargs[key]
                if result is arg:
                    same = key
                now = self.enc(arg)
                if now != sent:
                    changed.append([key, now])
            if changed:
                reply["mutated"] = changed
            if same is not None:
                reply["same"] = same
            elif isinstance(obj, type) and isinstance(result, obj) and type(result) not in PLAIN:
                # Constructing one of the candidate's classes gives an object to use, not a
                # value: a `class Stack(list)` instance keeps its methods (a handle).
                reply["ok"] = self.handle_of(result)
            else:
                reply["ok"] = self.enc(result)
            return reply
        if op == "getattr":
            return {"id": rid, "ok": self.enc(getattr(obj, msg["name"]))}
        if op == "setattr":
            setattr(obj, msg["name"], self.decode(msg["value"]))
            return {"id": rid, "ok": None}
        if op == "delattr":
            delattr(obj, msg["name"])
            return {"id": rid, "ok": None}
        if op == "iter":
            return {"id": rid, "ok": self.enc(iter(obj))}
        if op == "next":
            return {"id": rid, "ok": self.enc(next(obj))}
        if op == "len":
            return {"id": rid, "ok": self.enc(len(obj))}
        if op == "getitem":
            return {"id": rid, "ok": self.enc(obj[self.decode(msg["key"])])}
        if op == "setitem":
            obj[self.decode(msg["key"])] = self.decode(msg["value"])
            return {"id": rid, "ok": None}
        if op == "delitem":
            del obj[self.decode(msg["key"])]
            return {"id": rid, "ok": None}
        if op == "str":
            text = str(obj)
            return {"id": rid, "ok": str.__str__(text) if isinstance(text, str) else None}
        raise ProtocolError("unknown operation %r" % (op,))


def print_traceback():
    import traceback

    traceback.print_exc()


def describe_exception(exc):
    try:
        message = one_line(exc)
    except BaseException:
        message = ""
    if not message and not isinstance(exc, (SystemExit, KeyboardInterrupt)):
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        if frames and frames[-1].line:
            message = one_line(frames[-1].line)
    if isinstance(exc, SystemExit):
        return "SystemExit(%s)" % one_line(repr(exc.code), 100)
    return type(exc).__name__ + (": " + message if message else "")


def worker_main(spec_path):
    rfd, wfd = READ_FD, WRITE_FD
    for fd in (rfd, wfd):
        os.set_inheritable(fd, False)  # programs the candidate starts do not get the channel
    # -I keeps the working directory off sys.path; a multi-file candidate imports its siblings.
    sys.path.insert(0, os.getcwd())
    spec = load_spec(spec_path)
    Worker(spec).serve(rfd, wfd)
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# Judge
# ---------------------------------------------------------------------------------------------

# Builtin exception types a candidate's exception may come back as (not process-control ones).
RAISABLE = {
    name: cls for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception)
    and cls not in (StopIteration, StopAsyncIteration)
}
# Standard modules the judge will not import on the candidate's word (side effects).
NO_IMPORT = {"antigravity", "this", "idlelib", "turtle", "turtledemo", "tkinter", "__main__",
             "pydoc", "webbrowser", "site"}


class Channel:
    """The judge's end: numbered requests, one reply each, strictly in order. Any broken reply
    ends the conversation: every later call raises CandidateGone."""

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.next_id = 0
        self.dead = None
        self.proxies = {}
        self.decode = Decoder(self._proxy_for)

    def gone(self, reason):
        if self.dead is None:
            self.dead = reason
        raise CandidateGone("candidate process ended: " + self.dead)

    def request(self, op, **fields):
        if self.dead is not None:
            raise CandidateGone("candidate process ended: " + self.dead)
        self.next_id += 1
        rid = self.next_id
        try:
            write_frame(self.wfd, dict(fields, id=rid, op=op))
        except OSError as e:
            self.gone("it stopped reading requests (%s)" % e.strerror)
        try:
            reply = read_frame(self.rfd)
        except ProtocolError as e:
            self.gone("it sent a malformed reply (%s)" % e)
        except OSError as e:
            self.gone("its reply could not be read (%s)" % e.strerror)
        except Exception as e:  # whatever a reply does to the reader, it is the worker's fault
            self.gone("it sent an unreadable reply (%s)" % type(e).__name__)
        if reply is None:
            self.gone("it exited or closed its channel")
        if type(reply.get("id")) is not int or reply["id"] != rid:
            self.gone("it sent a reply out of turn")
        if "exit" in reply:
            self.gone("it exited: %s" % one_line(reply["exit"], 200))
        return reply

    def value(self, reply, key="ok"):
        try:
            return self.decode(reply[key])
        except KeyError:
            self.gone("it sent a reply without a value")
        except ProtocolError as e:
            self.gone("it sent a malformed value (%s)" % e)
        except Exception as e:
            self.gone("it sent an unreadable value (%s)" % type(e).__name__)

    def result(self, reply):
        """The value of a reply, or the candidate's exception raised here."""
        __tracebackhide__ = True  # pytest shows the test's line, not the harness's
        if "raise" in reply:
            raise self.exception(reply["raise"])
        return self.value(reply)

    def exception(self, info):
        """A candidate's exception as an exception of the judge: the same builtin type (a
        judge-made subclass carrying the candidate's class name when it was a subclass)."""
        if type(info) is not dict:
            self.gone("it sent a malformed exception")
        base = RAISABLE.get(info.get("base"), CandidateError)
        name = info.get("name") if type(info.get("name")) is str else base.__name__
        name = name[:100]
        message = clip(info.get("message")) if type(info.get("message")) is str else ""
        args = None
        if info.get("args") is not None:
            try:
                args = self.decode(info["args"])
            except ProtocolError:
                args = None
        if type(args) is not tuple:
            args = (message,)
        if name == base.__name__ and base is not CandidateError:
            try:
                exc = base(*args)
                if str(exc) == message:
                    return exc
            except Exception:
                pass
        if not name.isidentifier():
            name = base.__name__
        try:
            cls = type(name, (base,), {"__module__": "candidate", "__str__": lambda self: message})
            return cls.__new__(cls, *args)
        except Exception:  # a base whose constructor checks its arguments (ExceptionGroup...)
            return CandidateError("%s: %s" % (name, message))

    def _proxy_for(self, v):
        if type(v) is not list or len(v) != 3 or type(v[0]) is not int or type(v[1]) is not str \
                or type(v[2]) is not int:
            raise ProtocolError("malformed handle")
        hid, type_name, caps = v
        proxy = self.proxies.get(hid)
        if proxy is None:
            proxy = object.__new__(proxy_class(caps & 63))
            object.__setattr__(proxy, "_crucible_hid", hid)
            object.__setattr__(proxy, "_crucible_type", clip(type_name, 200))
            self.proxies[hid] = proxy
        return proxy

    def enc(self, value):
        return encode(value, self._refuse)

    @staticmethod
    def _refuse(value):
        if isinstance(value, Proxy):
            return {"H": [object.__getattribute__(value, "_crucible_hid")]}
        raise TypeError("a %s cannot be passed to the candidate: only plain values and the "
                        "candidate's own objects cross the process boundary" % type(value).__name__)

    def call(self, hid, args, kwargs):
        __tracebackhide__ = True
        enc_args = [self.enc(a) for a in args]
        enc_kwargs = [[k, self.enc(v)] for k, v in kwargs.items()]
        mutable = [i for i, a in enumerate(args) if type(a) in MUTABLE]
        mutable += [k for k, v in kwargs.items() if type(v) in MUTABLE]
        reply = self.request("call", h=[hid], args=enc_args, kwargs=enc_kwargs, mutable=mutable)
        if "raise" not in reply:
            for entry in reply.get("mutated", []):
                if type(entry) is not list or len(entry) != 2 or entry[0] not in mutable:
                    self.gone("it sent a malformed argument update")
                key, new = entry
                target = args[key] if type(key) is int else kwargs[key]
                update_in_place(target, self.value({"v": new}, "v"), self)
            if "same" in reply:
                if reply["same"] not in mutable:
                    self.gone("it sent a malformed reply")
                key = reply["same"]
                return args[key] if type(key) is int else kwargs[key]
        return self.result(reply)


MUTABLE = (list, dict, set, bytearray)
PLAIN = (type(None), bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set,
         frozenset, range)


def update_in_place(target, new, channel):
    """The test's own argument takes the state the candidate left it in (sorting in place...)."""
    if type(new) is not type(target):
        channel.gone("it changed an argument's type")
    if type(target) in (list, bytearray):
        target[:] = new
    else:
        target.clear()
        target.update(new)


CHANNEL = None  # the judge's one channel, set in judge_main


class Proxy:
    """A candidate object that stays in the worker. Equal only to itself, hashed by identity,
    always true; its calls, attributes, iteration, len and items are requests to the worker."""

    __slots__ = ("_crucible_hid", "_crucible_type", "__weakref__")

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    __hash__ = object.__hash__

    def __bool__(self):
        return True

    def __repr__(self):
        return "<candidate %s object #%d>" % (object.__getattribute__(self, "_crucible_type"),
                                              object.__getattribute__(self, "_crucible_hid"))

    def __str__(self):
        text = CHANNEL.result(CHANNEL.request("str", h=[_hid(self)]))
        if type(text) is not str:
            raise TypeError("__str__ of the candidate's object did not return a string")
        return text

    def __getattr__(self, name):
        # pytest probes every name a test module imported for its own markers: answer locally.
        if name.startswith(("_crucible", "_pytest", "pytest")) or (
                name.startswith("__") and name.endswith("__")
                and name not in ("__name__", "__qualname__")):
            raise AttributeError(name)
        return CHANNEL.result(CHANNEL.request("getattr", h=[_hid(self)], name=name))

    def __setattr__(self, name, value):
        CHANNEL.result(CHANNEL.request("setattr", h=[_hid(self)], name=name,
                                       value=CHANNEL.enc(value)))

    def __delattr__(self, name):
        CHANNEL.result(CHANNEL.request("delattr", h=[_hid(self)], name=name))


def _hid(proxy):
    return object.__getattribute__(proxy, "_crucible_hid")


def _call(self, *args, **kwargs):
    __tracebackhide__ = True
    return CHANNEL.call(_hid(self), args, kwargs)


def _iter(self):
    it = CHANNEL.result(CHANNEL.request("iter", h=[_hid(self)]))
    if not isinstance(it, Proxy):
        raise TypeError("iter() of the candidate's object did not return an iterator")
    return it


def _next(self):
    reply = CHANNEL.request("next", h=[_hid(self)])
    if reply.get("stop") is True:
        raise StopIteration
    return CHANNEL.result(reply)


def _len(self):
    n = CHANNEL.result(CHANNEL.request("len", h=[_hid(self)]))
    if type(n) is not int or n < 0:
        raise TypeError("len() of the candidate's object is not a non-negative int")
    return n


def _getitem(self, key):
    return CHANNEL.result(CHANNEL.request("getitem", h=[_hid(self)], key=CHANNEL.enc(key)))


def _setitem(self, key, value):
    CHANNEL.result(CHANNEL.request("setitem", h=[_hid(self)], key=CHANNEL.enc(key),
                                   value=CHANNEL.enc(value)))


def _delitem(self, key):
    CHANNEL.result(CHANNEL.request("delitem", h=[_hid(self)], key=CHANNEL.enc(key)))


_PROXY_CLASSES = {}


def proxy_class(caps):
    """The proxy type offering exactly the capabilities the object has (Python looks special
    methods up on the type, so `callable(p)` and `iter(p)` tell the truth)."""
    cls = _PROXY_CLASSES.get(caps)
    if cls is None:
        methods = {"__slots__": ()}
        for flag, name, fn in ((CAN_CALL, "__call__", _call), (CAN_ITER, "__iter__", _iter),
                               (CAN_NEXT, "__next__", _next), (CAN_LEN, "__len__", _len),
                               (CAN_GETITEM, "__getitem__", _getitem)):
            if caps & flag:
                methods[name] = fn
        if caps & CAN_SETITEM:
            methods["__setitem__"] = _setitem
            methods["__delitem__"] = _delitem
        cls = _PROXY_CLASSES[caps] = type("CandidateObject", (Proxy,), methods)
    return cls


def stdlib_module(name):
    """The judge's own import of a standard module, or None."""
    if type(name) is not str or name.split(".")[0] not in sys.stdlib_module_names \
            or name.split(".")[0] in NO_IMPORT:
        return None
    try:
        __import__(name)
        return sys.modules[name]
    except Exception:
        return None


def code_names(code):
    """Every name a code object (and those nested in it) may look up: a superset of the globals
    the test code uses."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const)
    return names


class LoadFailed(Exception):
    pass


def load_candidate(names):
    """Ask the worker to load the candidate; the module's proxy and the named values."""
    reply = CHANNEL.request("load", names=names)
    if "load_error" in reply:
        raise LoadFailed(one_line(reply["load_error"]))
    if "raise" in reply:
        raise LoadFailed(one_line(describe_exception(CHANNEL.exception(reply["raise"]))))
    ok = reply.get("ok")
    if type(ok) is not dict or type(ok.get("names")) is not dict:
        CHANNEL.gone("it sent a malformed load reply")
    module = CHANNEL.value(ok, "module")
    bound = {}
    for name, entry in ok["names"].items():
        if names is not None and name not in names:
            continue
        if type(entry) is not dict:
            CHANNEL.gone("it sent a malformed load reply")
        real = entry.get("module")
        # Only a module bound under its own name (`import math`): the worker's word cannot put
        # another standard module behind a name the tests use.
        fits = type(real) is str and (real == name or real.endswith("." + name))
        own = stdlib_module(real) if fits else None
        if own is not None:
            bound[name] = own
        elif "module" in entry:
            bound[name] = CHANNEL.value(entry, "handle")
        else:
            bound[name] = CHANNEL.value(entry, "value")
    return module, bound


def run_script(spec, report_path):
    """HumanEval/MBPP: prelude, setup and cases run in one judge namespace, as one program."""
    cases = spec.get("cases")
    if type(cases) is not list or not cases:
        raise ValueError("script mode needs a non-empty list of cases")
    # Every trusted file is read before the candidate runs: it cannot change them under us.
    prelude = compile_file(spec.get("prelude"))
    setup = compile_file(spec.get("setup"))
    compiled = [(case["name"], compile_file(case["file"])) for case in cases]
    names = [c["name"] for c in cases]

    namespace = {"__name__": "__crucible_tests__", "__builtins__": builtins}
    if prelude is not None:
        exec(prelude, namespace)
    trusted = set(namespace)
    shadow = set(spec.get("shadow") or [])
    wanted = set()
    for code in [setup] + [c for _, c in compiled]:
        if code is not None:
            wanted |= code_names(code)
    # The candidate cannot replace the prelude's names nor builtins the tests use (abs, len...),
    # except a builtin's name that the suite itself gives the candidate's function (`shadow`).
    wanted = sorted(n for n in wanted if n not in trusted and not n.startswith("__")
                    and (not hasattr(builtins, n) or n in shadow))
    try:
        _, bound = load_candidate(wanted)
    except (LoadFailed, CandidateGone) as e:
        reason = "the candidate does not load: %s" % one_line(e)
        print(reason, file=sys.stderr)
        return finish(report_path, ["FAIL %s: %s" % (n, reason) for n in names], 2)
    for name in bound:
        # A test's `math.fabs(...)` (HumanEval/32) means the standard module, whatever the
        # candidate bound to that name.
        own = stdlib_module(name) if name not in shadow else None
        if own is not None:
            bound[name] = own
    namespace.update(bound)

    if setup is not None:
        try:
            exec(setup, namespace)
        except BaseException as e:
            print_traceback()
            reason = "the test setup failed: " + describe_exception(e)
            return finish(report_path, ["FAIL %s: %s" % (n, reason) for n in names], 1)
    lines, failed = [], False
    for name, code in compiled:
        try:
            exec(code, namespace)
            lines.append("PASS %s" % name)
        except BaseException as e:
            failed = True
            print_traceback()
            lines.append("FAIL %s: %s" % (name, describe_exception(e)))
    return finish(report_path, lines, 1 if failed else 0)


def compile_file(path):
    if path is None:
        return None
    if type(path) is not str:
        raise ValueError("a file in the spec is not a path")
    return compile(read_file(path), path, "exec", dont_inherit=True)


def finish(report_path, lines, code):
    with open(report_path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    return code


def run_pytest(spec, report_path):
    """The task's pytest files, run by real pytest in this (trusted) process, against a proxy of
    the candidate's module. Configuration is pinned: no ini file, conftest, rootdir, plugin or
    environment option can come from a place the candidate could write."""
    tests = spec.get("tests")
    if type(tests) is not list or not tests or not all(type(t) is str for t in tests):
        raise ValueError("pytest mode needs a list of test files")
    for var in [v for v in os.environ if v.startswith("PYTEST_")]:
        del os.environ[var]
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    sys.dont_write_bytecode = True
    plugins = []
    if spec.get("conftest"):
        conftest = types.ModuleType("crucible_task_conftest")
        conftest.__file__ = os.path.abspath(spec["conftest"])
        exec(compile_file(spec["conftest"]), conftest.__dict__)
        plugins.append(conftest)
    import pytest  # the image's pytest, never one from the working directory (-I)

    try:
        module, _ = load_candidate(None)
        load_error = None
    except (LoadFailed, CandidateGone) as e:
        module, load_error = None, "the candidate does not load: %s" % one_line(e)
        print(load_error, file=sys.stderr)
    sys.modules[spec["module"]] = proxy_module(spec["module"], module, load_error)
    args = ["-q", "-c", os.devnull, "--rootdir", os.getcwd(), "--noconftest",
            "-p", "no:cacheprovider", "--import-mode=importlib",
            "--junitxml", report_path] + tests
    code = int(pytest.main(args, plugins=plugins))
    if load_error is not None:
        return 2
    # pytest: 2 interrupted (a collection error) means the tests could not run, as for us; its
    # internal error (3), usage error (4) and "no tests" (5) are harness/spec errors here.
    return code if code in (0, 1, 2) else 3


def proxy_module(name, module, load_error):
    """`import solution` in the tests gets this: attribute reads go to the worker's module."""
    proxy = types.ModuleType(name)

    def __getattr__(attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        if load_error is not None:
            raise ImportError(load_error)
        return getattr(module, attr)

    proxy.__getattr__ = __getattr__
    return proxy


def judge_main(spec_path):
    global CHANNEL
    report_path = os.environ.get("CRUCIBLE_REPORT")
    if not report_path:
        print("calls.py judge: CRUCIBLE_REPORT is not set", file=sys.stderr)
        return 3
    spec = load_spec(spec_path)
    for fd in (READ_FD, WRITE_FD):
        os.set_inheritable(fd, False)  # nothing the tests start gets the channel
    CHANNEL = Channel(READ_FD, WRITE_FD)
    if spec["mode"] == "script":
        return run_script(spec, report_path)
    return run_pytest(spec, report_path)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("judge", "worker"):
        print("usage: calls.py judge|worker SPEC", file=sys.stderr)
        return 3
    if argv[1] == "worker":
        worker_main(argv[2])
        return 0
    return judge_main(argv[2])


if __name__ == "__main__":
    try:
        code = main(sys.argv)
    except BaseException:  # a broken spec or harness: the tests could not run
        print_traceback()
        code = 3
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    os._exit(code)
