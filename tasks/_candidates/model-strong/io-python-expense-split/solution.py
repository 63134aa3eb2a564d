import sys

balances = {}


def add(name, cents):
    balances[name] = balances.get(name, 0) + cents


for raw in sys.stdin.read().splitlines():
    parts = raw.split()
    if len(parts) != 3:
        continue
    payer, amount, names = parts
    units, _, frac = amount.partition(".")
    total = int(units) * 100 + int(frac.ljust(2, "0"))
    group = sorted(set(n.lower() for n in names.split(",")))
    add(payer.lower(), total)
    base, extra = divmod(total, len(group))
    for k, name in enumerate(group):
        add(name, -(base + (k < extra)))


def fmt(c):
    return ("-" if c < 0 else "") + "%d.%02d" % divmod(abs(c), 100)


for name in sorted(balances):
    print(name, fmt(balances[name]))
left = dict(balances)
moves = []
while any(v < 0 for v in left.values()):
    debtor = sorted((v, n) for n, v in left.items() if v < 0)[0][1]
    creditor = sorted((-v, n) for n, v in left.items() if v > 0)[0][1]
    x = min(-left[debtor], left[creditor])
    left[debtor] += x
    left[creditor] -= x
    moves.append(f"{debtor} {creditor} {fmt(x)}")
print("\n".join(moves) if moves else "settled")
