import numpy as np
import pandas as pd
from scipy.stats import norm

df = pd.read_csv("events.csv", dtype={"user_id": str, "variant": str, "converted": int})
df["variant"] = df["variant"].str.strip().str.upper()

per_user = df.groupby("user_id").agg(variants=("variant", "nunique"), variant=("variant", "first"),
                                     converted=("converted", "max"))
contaminated = per_user["variants"] > 1
users = per_user[~contaminated]

stats = {}
for v in ("A", "B"):
    group = users[users["variant"] == v]
    n, c = len(group), int(group["converted"].sum())
    stats[v] = (n, c, c / n)
    print(f"{v} {n} {c} {c / n:.6f}")
print(f"excluded {int(contaminated.sum())}")

(na, ca, ra), (nb, cb, rb) = stats["A"], stats["B"]
print("lift n/a" if ra == 0 else f"lift {(rb - ra) / ra:.6f}")
pooled = (ca + cb) / (na + nb)
if pooled in (0.0, 1.0):
    z, p = 0.0, 1.0
else:
    z = (rb - ra) / np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    p = 2 * norm.sf(abs(z))
print(f"z {z:.6f}")
print(f"p_value {p:.6f}")
print(f"significant {'yes' if p < 0.05 else 'no'}")
