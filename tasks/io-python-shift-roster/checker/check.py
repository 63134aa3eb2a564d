"""Roster checker (testlib convention: input output answer; exit 0 ok, 1 wrong answer).

The answer file only says whether a roster exists; any valid roster is accepted."""
import sys


def reject(why):
    sys.stderr.write("wrong answer: " + why + "\n")
    sys.exit(1)


def main():
    lines = open(sys.argv[1]).read().split("\n")
    s, w = map(int, lines[0].split())
    needed = {}
    order = []
    for line in lines[1 : 1 + s]:
        name, n = line.split()
        needed[name] = int(n)
        order.append(name)
    workers = {}
    for line in lines[1 + s : 1 + s + w]:
        parts = line.split()
        workers[parts[0]] = (int(parts[1]), set(parts[2:]))
    out = [l.rstrip() for l in open(sys.argv[2]).read().split("\n")]
    while out and out[-1] == "":
        out.pop()
    possible = open(sys.argv[3]).read().strip() != "IMPOSSIBLE"
    if out == ["IMPOSSIBLE"]:
        if possible:
            reject("printed IMPOSSIBLE but a roster exists")
        return
    if not possible:
        reject("no roster exists; expected IMPOSSIBLE")
    if len(out) != s:
        reject("expected %d shift lines, got %d" % (s, len(out)))
    load = {}
    for shift, line in zip(order, out):
        head, sep, rest = line.partition(":")
        if not sep or head != shift:
            reject("expected the line of shift %s, got %r" % (shift, line[:40]))
        names = rest.split()
        if len(names) != len(set(names)):
            reject("shift %s names a worker twice" % shift)
        if len(names) != needed[shift]:
            reject("shift %s needs %d workers, got %d" % (shift, needed[shift], len(names)))
        for n in names:
            if n not in workers:
                reject("unknown worker %s on %s" % (n, shift))
            if shift not in workers[n][1]:
                reject("%s is not available for %s" % (n, shift))
            load[n] = load.get(n, 0) + 1
    for n, count in load.items():
        if count > workers[n][0]:
            reject("%s works %d shifts, at most %d" % (n, count, workers[n][0]))
    sys.stderr.write("ok roster of %d shifts\n" % s)


main()
