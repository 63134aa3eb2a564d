import json
import statistics

with open("measurements.json", encoding="utf-8") as f:
    data = json.load(f)

values = {}
for r in data["readings"]:
    v = r.get("value")
    if v is None or (isinstance(v, str) and v.strip().lower() in ("", "n/a")):
        continue
    values.setdefault(r["sensor"], []).append(float(v))

for sensor in sorted(values):
    xs = values[sensor]
    std = statistics.stdev(xs) if len(xs) > 1 else 0.0
    print(
        f"{sensor} {len(xs)} {statistics.fmean(xs):.4f} {statistics.median(xs):.4f} "
        f"{std:.4f} {min(xs):.4f} {max(xs):.4f}"
    )
