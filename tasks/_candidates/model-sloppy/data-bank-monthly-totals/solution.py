import pandas as pd

df = pd.read_csv("statement.csv", sep=";", encoding="utf-8-sig", dtype=str)
skipped = (df["Currency"] != "EUR").sum()
df = df[df["Currency"] == "EUR"]
df["amount"] = df["Amount"].str.replace(".", "").str.replace(",", ".").astype(float)
df["month"] = pd.to_datetime(df["Date"], dayfirst=True).dt.strftime("%Y-%m")
out = df.groupby("month").agg(
    income=("amount", lambda a: a[a > 0].sum()),
    expenses=("amount", lambda a: a[a < 0].sum()),
    transactions=("amount", "size"),
)
out["net"] = out["income"] + out["expenses"]
out = out.reset_index()[["month", "income", "expenses", "net", "transactions"]]
out.round(2).to_csv("monthly.csv", index=False)
print("months", len(out))
print("skipped", skipped)
print("net", round(df["amount"].sum(), 2))
