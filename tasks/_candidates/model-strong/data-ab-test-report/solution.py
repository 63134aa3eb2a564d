import math

import pandas as pd

events = pd.read_csv("events.csv", dtype=str)
events["variant"] = events["variant"].str.strip().str.upper()
events["converted"] = events["converted"].astype(int)

seen = events.groupby("user_id")["variant"].nunique()
clean = events[events["user_id"].isin(seen[seen == 1].index)]
users = clean.groupby(["user_id", "variant"])["converted"].max().reset_index()

n = users.groupby("variant")["converted"].count()
c = users.groupby("variant")["converted"].sum()
rate = c / n
for v in "AB":
    print(f"{v} {n[v]} {c[v]} {rate[v]:.6f}")
print(f"excluded {int((seen > 1).sum())}")
print("lift n/a" if rate["A"] == 0 else f"lift {(rate['B'] - rate['A']) / rate['A']:.6f}")
p = c.sum() / n.sum()
if p <= 0 or p >= 1:
    z, pv = 0.0, 1.0
else:
    z = (rate["B"] - rate["A"]) / math.sqrt(p * (1 - p) * (1 / n["A"] + 1 / n["B"]))
    pv = math.erfc(abs(z) / math.sqrt(2))
print(f"z {z:.6f}")
print(f"p_value {pv:.6f}")
print("significant", "yes" if pv < 0.05 else "no")
