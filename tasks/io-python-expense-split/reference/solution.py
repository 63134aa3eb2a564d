import sys
from collections import defaultdict


def cents(text):
    # Exact cents: a float split of 100.00 three ways loses or invents a cent.
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def money(c):
    sign = "-" if c < 0 else ""
    return f"{sign}{abs(c) // 100}.{abs(c) % 100:02d}"


balance = defaultdict(int)
for line in sys.stdin:
    if not line.strip():
        continue
    payer, amount, names = line.split()
    total = cents(amount)
    sharers = sorted({n.lower() for n in names.split(",")})
    balance[payer.lower()] += total
    share, rest = divmod(total, len(sharers))
    for i, name in enumerate(sharers):
        balance[name] -= share + (1 if i < rest else 0)

for name in sorted(balance):
    print(name, money(balance[name]))

owed = dict(balance)
transfers = 0
while True:
    debtors = [n for n in sorted(owed) if owed[n] < 0]
    if not debtors:
        break
    # max() keeps the first of equal keys, and the names are sorted: ties go alphabetically.
    debtor = max(debtors, key=lambda n: -owed[n])
    creditor = max((n for n in sorted(owed) if owed[n] > 0), key=lambda n: owed[n])
    amount = min(-owed[debtor], owed[creditor])
    owed[debtor] += amount
    owed[creditor] -= amount
    transfers += 1
    print(debtor, creditor, money(amount))
if transfers == 0:
    print("settled")
