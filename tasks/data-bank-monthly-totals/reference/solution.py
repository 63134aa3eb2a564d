import pandas as pd

# Read everything as text: the amounts are in German number format and the dates day-first.
df = pd.read_csv("statement.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
eur = df["Currency"].str.strip() == "EUR"
skipped = int((~eur).sum())
df = df[eur].copy()

amount = df["Amount"].str.strip().str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
df["amount"] = pd.to_numeric(amount)
df["month"] = pd.to_datetime(df["Date"].str.strip(), format="%d.%m.%Y").dt.strftime("%Y-%m")

monthly = (
    df.groupby("month")["amount"]
    .agg(
        income=lambda a: a[a > 0].sum(),
        expenses=lambda a: -a[a < 0].sum(),
        transactions="count",
    )
    .reset_index()
    .sort_values("month")
)
monthly["net"] = monthly["income"] - monthly["expenses"]
monthly = monthly[["month", "income", "expenses", "net", "transactions"]]
monthly.to_csv("monthly.csv", index=False, float_format="%.2f", lineterminator="\n")

print(f"months {len(monthly)}")
print(f"skipped {skipped}")
print(f"net {df['amount'].sum():.2f}")
