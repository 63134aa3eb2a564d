import pandas as pd

df = pd.read_csv("sales.csv", dtype=str, keep_default_na=False)
df = df.drop_duplicates(subset="order_id", keep="first")
df = df[df["units"].str.strip() != ""]
df["region"] = df["region"].str.strip().str.title()
price = df["unit_price"].str.replace(r"[$,\s]", "", regex=True).astype(float)
df["revenue"] = df["units"].astype(int) * price
totals = df.groupby("region")["revenue"].sum().sort_index()
for region, revenue in totals.items():
    print(f"{region} {revenue:.2f}")
print(f"TOTAL {totals.sum():.2f}")
