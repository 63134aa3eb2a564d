import sys
from collections import deque


def main():
    data = sys.stdin.read().split("\n")
    s, w = map(int, data[0].split())
    shifts = []
    for line in data[1 : 1 + s]:
        name, n = line.split()
        shifts.append((name, int(n)))
    workers = []
    for line in data[1 + s : 1 + s + w]:
        p = line.split()
        workers.append((p[0], int(p[1]), set(p[2:])))
    # Max flow: source -> shift (needed) -> worker (1 if available) -> sink (max shifts).
    n = 2 + s + w
    src, sink = 0, n - 1
    cap = [[0] * n for _ in range(n)]
    for i, (_, need) in enumerate(shifts):
        cap[src][1 + i] = need
        for j, (_, most, avail) in enumerate(workers):
            if shifts[i][0] in avail:
                cap[1 + i][1 + s + j] = 1
    for j, (_, most, _) in enumerate(workers):
        cap[1 + s + j][sink] = most
    flow = 0
    while True:
        parent = [-1] * n
        parent[src] = src
        q = deque([src])
        while q and parent[sink] == -1:
            u = q.popleft()
            for v in range(n):
                if parent[v] == -1 and cap[u][v] > 0:
                    parent[v] = u
                    q.append(v)
        if parent[sink] == -1:
            break
        v, push = sink, float("inf")
        while v != src:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        v = sink
        while v != src:
            cap[parent[v]][v] -= push
            cap[v][parent[v]] += push
            v = parent[v]
        flow += push
    if flow < sum(need for _, need in shifts):
        print("IMPOSSIBLE")
        return
    for i, (name, _) in enumerate(shifts):
        chosen = [workers[j][0] for j in range(w) if cap[1 + s + j][1 + i] > 0]
        print("%s: %s" % (name, " ".join(chosen)))


main()
