import sys
from decimal import Decimal

balances = {}
for line in sys.stdin:
    parts = line.split()
    if len(parts) != 3:
        continue
    _, account, amount = parts
    balances[account] = balances.get(account, Decimal(0)) + Decimal(amount)
cents = Decimal("0.01")
for account in sorted(balances):
    print(account, balances[account].quantize(cents))
print("TOTAL", sum(balances.values(), Decimal(0)).quantize(cents))
