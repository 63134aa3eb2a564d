import csv
import json
import os
import sys

source, out_dir = sys.argv[1], sys.argv[2]
regions = {}
rows = 0
with open(source, newline="") as f:
    for row in csv.DictReader(f):
        rows += 1
        units, revenue = regions.get(row["region"], (0, 0.0))
        qty = int(row["qty"])
        regions[row["region"]] = (units + qty, revenue + qty * float(row["unit_price"]))
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "summary.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["region", "units", "revenue"])
    for region in sorted(regions):
        units, revenue = regions[region]
        w.writerow([region, units, "%.2f" % revenue])
top = None
for region in sorted(regions):
    if top is None or regions[region][1] > regions[top][1]:
        top = region
summary = {
    "regions": len(regions),
    "units": sum(u for u, _ in regions.values()),
    "revenue": round(sum(r for _, r in regions.values()), 2),
    "top_region": top,
}
with open(os.path.join(out_dir, "summary.json"), "w") as f:
    json.dump(summary, f, indent=2)
print("wrote 2 files for %d rows" % rows)
