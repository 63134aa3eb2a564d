import csv
from collections import defaultdict
from decimal import Decimal

months = defaultdict(lambda: {"income": Decimal(0), "expenses": Decimal(0), "n": 0})
skipped = 0
with open("statement.csv", encoding="utf-8-sig", newline="") as f:
    for row in csv.DictReader(f, delimiter=";"):
        if row["Currency"].strip() != "EUR":
            skipped += 1
            continue
        amount = Decimal(row["Amount"].strip().replace(".", "").replace(",", "."))
        day, month, year = row["Date"].strip().split(".")
        m = months[f"{year}-{month}"]
        m["income" if amount > 0 else "expenses"] += abs(amount)
        m["n"] += 1

with open("monthly.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["month", "income", "expenses", "net", "transactions"])
    for key in sorted(months):
        m = months[key]
        w.writerow([key, f"{m['income']:.2f}", f"{m['expenses']:.2f}", f"{m['income'] - m['expenses']:.2f}", m["n"]])

net = sum(m["income"] - m["expenses"] for m in months.values())
print(f"months {len(months)}")
print(f"skipped {skipped}")
print(f"net {net:.2f}")
