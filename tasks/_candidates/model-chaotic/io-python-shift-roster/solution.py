import itertools
import sys

# "Tries every roster": never finishes on the week-long case.
lines = sys.stdin.read().split("\n")
s, w = map(int, lines[0].split())
shifts = [(l.split()[0], int(l.split()[1])) for l in lines[1 : 1 + s]]
workers = [(p[0], int(p[1]), set(p[2:])) for p in (l.split() for l in lines[1 + s : 1 + s + w])]
names = [p[0] for p in workers]
for combo in itertools.product(*[itertools.combinations(names, need) for _, need in shifts]):
    load = {}
    ok = True
    for (shift, _), chosen in zip(shifts, combo):
        for n in chosen:
            load[n] = load.get(n, 0) + 1
            most, avail = next((m, a) for wn, m, a in workers if wn == n)
            ok = ok and shift in avail and load[n] <= most
    if ok:
        for (shift, _), chosen in zip(shifts, combo):
            print(f"{shift}: {' '.join(chosen)}")
        sys.exit(0)
while True:
    pass
