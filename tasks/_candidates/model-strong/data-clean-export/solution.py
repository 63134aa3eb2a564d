import csv

with open("customers.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))

kept, seen = [], set()
for row in rows:
    email = row["email"].strip().lower()
    if "@" not in email or email in seen:
        continue
    seen.add(email)
    kept.append({**row, "email": email, "name": row["name"].strip()})
kept.sort(key=lambda r: (r["signup"], int(r["id"])))

with open("clean.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=["id", "name", "email", "signup"], lineterminator="\n")
    w.writeheader()
    w.writerows(kept)
print(f"written {len(kept)}")
print(f"dropped {len(rows) - len(kept)}")
