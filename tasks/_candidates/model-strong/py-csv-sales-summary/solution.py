def summarize_sales(csv_text):
    by_region = {}
    rows = 0
    lines = csv_text.splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3:
            raise ValueError(f"line {number}: expected 3 fields, got {len(parts)}")
        _, region, amount = parts
        try:
            value = float(amount)
        except ValueError:
            raise ValueError(f"line {number}: amount {amount!r} is not a number") from None
        by_region[region] = by_region.get(region, 0.0) + value
        rows += 1
    by_region = {r: round(v, 2) for r, v in by_region.items()}
    top = None
    if by_region:
        top = min(by_region, key=lambda r: (-by_region[r], r))
    return {
        "rows": rows,
        "total": round(sum(by_region.values()), 2),
        "by_region": by_region,
        "top_region": top,
    }
