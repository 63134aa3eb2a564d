import sys

# Greedy: fill each shift with the first available workers, in input order.
lines = sys.stdin.read().split("\n")
s, w = map(int, lines[0].split())
shifts = [(l.split()[0], int(l.split()[1])) for l in lines[1 : 1 + s]]
workers = [(p[0], int(p[1]), set(p[2:])) for p in (l.split() for l in lines[1 + s : 1 + s + w])]
load = {name: 0 for name, _, _ in workers}
out = []
for name, need in shifts:
    chosen = [wn for wn, most, a in workers if name in a and load[wn] < most][:need]
    if len(chosen) < need:
        print("IMPOSSIBLE")
        sys.exit(0)
    for wn in chosen:
        load[wn] += 1
    out.append(f"{name}: {' '.join(chosen)}")
print("\n".join(out))
