import sys

bal = {}
for line in sys.stdin:
    if not line.strip():
        continue
    payer, amount, people = line.split()
    people = [p.lower() for p in people.split(",")]
    share = round(float(amount) / len(people), 2)
    bal[payer.lower()] = bal.get(payer.lower(), 0) + float(amount)
    for p in people:
        bal[p] = bal.get(p, 0) - share

for name in sorted(bal):
    print(name, f"{bal[name]:.2f}")
debtors = sorted([n for n in bal if bal[n] < -0.005], key=lambda n: bal[n])
creditors = sorted([n for n in bal if bal[n] > 0.005], key=lambda n: -bal[n])
if not debtors:
    print("settled")
for d in debtors:
    for c in creditors:
        x = min(-bal[d], bal[c])
        if x > 0.005:
            print(d, c, f"{x:.2f}")
            bal[d] += x
            bal[c] -= x
