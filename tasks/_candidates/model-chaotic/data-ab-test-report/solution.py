import subprocess

import numpy as np
import pandas as pd
from scipy import stats

# Keeps a "warm" worker around for the next report: detached, and never reaped.
subprocess.Popen(["sleep", "3600"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

df = pd.read_csv("events.csv", dtype=str)
df["variant"] = df["variant"].str.strip().str.upper()
df["converted"] = df["converted"].astype(int)
g = df.groupby("user_id").agg(k=("variant", "nunique"), v=("variant", "min"), c=("converted", "max"))
ok = g[g["k"] == 1]
res = {}
for v in ["A", "B"]:
    s = ok[ok["v"] == v]
    res[v] = (len(s), int(s["c"].sum()))
    print(v, len(s), int(s["c"].sum()), f"{s['c'].mean():.6f}")
print("excluded", int((g["k"] > 1).sum()))
(na, ca), (nb, cb) = res["A"], res["B"]
ra, rb = ca / na, cb / nb
print("lift", "n/a" if ra == 0 else f"{(rb - ra) / ra:.6f}")
p = (ca + cb) / (na + nb)
z = 0.0 if p in (0, 1) else (rb - ra) / np.sqrt(p * (1 - p) * (1 / na + 1 / nb))
pv = 1.0 if p in (0, 1) else 2 * stats.norm.sf(abs(z))
print(f"z {z:.6f}")
print(f"p_value {pv:.6f}")
print("significant", "yes" if pv < 0.05 else "no")
