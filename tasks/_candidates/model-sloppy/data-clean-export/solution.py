import pandas as pd

df = pd.read_csv("customers.csv", dtype=str).fillna("")
total = len(df)
# Bug: duplicates are found before the emails are normalised, so `  ANA4@EXAMPLE.COM ` survives.
df = df.drop_duplicates(subset="email")
df["email"] = df["email"].str.strip().str.lower()
df = df[df["email"].str.contains("@")]
df = df.sort_values("signup")
df.to_csv("clean.csv", index=False)
print("written", len(df))
print("dropped", total - len(df))
