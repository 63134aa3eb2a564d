from datetime import date, timedelta


def merge_ranges(ranges):
    parsed = []
    for start, end in ranges:
        s, e = date.fromisoformat(start), date.fromisoformat(end)
        if s > e:
            raise ValueError(f"range {start}..{end} starts after it ends")
        parsed.append((s, e))
    parsed.sort()
    merged = []
    for s, e in parsed:
        if merged and s <= merged[-1][1] + timedelta(days=1):
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [(s.isoformat(), e.isoformat()) for s, e in merged]
