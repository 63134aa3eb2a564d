import sys
from decimal import Decimal

lines = sys.stdin.read().splitlines()
first_account = lines[0].split()[1]  # the statement always starts with a transaction
balances = {first_account: Decimal(0)}
for line in lines:
    _, account, amount = line.split()
    balances[account] = balances.get(account, Decimal(0)) + Decimal(amount)
for account in sorted(balances):
    print(account, balances[account].quantize(Decimal("0.01")))
print("TOTAL", sum(balances.values()).quantize(Decimal("0.01")))
