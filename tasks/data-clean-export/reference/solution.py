import pandas as pd

df = pd.read_csv("customers.csv", dtype=str, keep_default_na=False)
total = len(df)
df["email"] = df["email"].str.strip().str.lower()
df["name"] = df["name"].str.strip()
df = df[df["email"].str.contains("@", regex=False)]
df = df.drop_duplicates(subset="email", keep="first")
df = df.assign(_id=df["id"].astype(int)).sort_values(["signup", "_id"], kind="stable")
df[["id", "name", "email", "signup"]].to_csv("clean.csv", index=False, lineterminator="\n")
print(f"written {len(df)}")
print(f"dropped {total - len(df)}")
