import sys


def solve(shifts, workers):
    """Backtracking over shifts with the most constrained first; fine for café-sized inputs."""
    load = {name: 0 for name, _, _ in workers}
    cap = {name: most for name, most, _ in workers}
    roster = {}
    order = sorted(range(len(shifts)), key=lambda i: sum(shifts[i][0] in a for _, _, a in workers) - shifts[i][1])

    def pick(k):
        if k == len(order):
            return True
        name, need = shifts[order[k]]
        free = [w for w, _, a in workers if name in a and load[w] < cap[w]]
        free.sort(key=lambda w: cap[w] - load[w], reverse=True)

        def choose(start, chosen):
            if len(chosen) == need:
                roster[name] = list(chosen)
                return pick(k + 1)
            for j in range(start, len(free)):
                w = free[j]
                load[w] += 1
                chosen.append(w)
                if choose(j + 1, chosen):
                    return True
                chosen.pop()
                load[w] -= 1
            return False

        return choose(0, [])

    return roster if pick(0) else None


lines = sys.stdin.read().split("\n")
s, w = map(int, lines[0].split())
shifts = [(l.split()[0], int(l.split()[1])) for l in lines[1 : 1 + s]]
workers = [(p[0], int(p[1]), set(p[2:])) for p in (l.split() for l in lines[1 + s : 1 + s + w])]
roster = solve(shifts, workers)
if roster is None:
    print("IMPOSSIBLE")
else:
    for name, _ in shifts:
        print(f"{name}: {' '.join(roster[name])}")
