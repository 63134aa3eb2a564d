import csv
from collections import defaultdict
from decimal import Decimal

totals = defaultdict(Decimal)
seen = set()
with open("sales.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["order_id"] in seen:
            continue
        seen.add(row["order_id"])
        if not row["units"].strip():
            continue
        price = Decimal(row["unit_price"].replace("$", "").replace(",", "").strip())
        totals[row["region"].strip().title()] += int(row["units"]) * price

for region in sorted(totals):
    print(f"{region} {totals[region]:.2f}")
print(f"TOTAL {sum(totals.values(), Decimal(0)):.2f}")
