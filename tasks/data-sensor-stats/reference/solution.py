import json

import pandas as pd

with open("measurements.json", encoding="utf-8") as f:
    readings = json.load(f)["readings"]
df = pd.DataFrame(readings)
df["value"] = pd.to_numeric(df["value"].replace({"": None, "n/a": None}), errors="coerce")
df = df.dropna(subset=["value"])
for sensor, values in sorted(df.groupby("sensor")["value"]):
    std = values.std(ddof=1) if len(values) > 1 else 0.0
    print(
        f"{sensor} {len(values)} {values.mean():.4f} {values.median():.4f} {std:.4f} "
        f"{values.min():.4f} {values.max():.4f}"
    )
