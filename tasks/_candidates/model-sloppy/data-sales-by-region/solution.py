import pandas as pd

# Bug: duplicated orders are counted every time they appear.
df = pd.read_csv("sales.csv")
df = df.dropna(subset=["units"])
df["region"] = df["region"].str.strip().str.title()
df["unit_price"] = df["unit_price"].astype(str).str.replace("$", "").str.replace(",", "").astype(float)
df["revenue"] = df["units"] * df["unit_price"]
totals = df.groupby("region")["revenue"].sum()
for region, revenue in totals.items():
    print(region, round(revenue, 2))
print("TOTAL", round(totals.sum(), 2))
