import pytest
from solution import merge_ranges


def test_empty():
    assert merge_ranges([]) == []


def test_single_day_range():
    assert merge_ranges([("2024-05-01", "2024-05-01")]) == [("2024-05-01", "2024-05-01")]


def test_overlapping_ranges_merge():
    got = merge_ranges([("2024-01-01", "2024-01-10"), ("2024-01-05", "2024-01-12")])
    assert got == [("2024-01-01", "2024-01-12")]


def test_adjacent_days_merge():
    got = merge_ranges([("2024-01-01", "2024-01-03"), ("2024-01-04", "2024-01-06")])
    assert got == [("2024-01-01", "2024-01-06")]


def test_one_day_gap_stays_separate():
    got = merge_ranges([("2024-01-01", "2024-01-02"), ("2024-01-04", "2024-01-05")])
    assert got == [("2024-01-01", "2024-01-02"), ("2024-01-04", "2024-01-05")]


def test_unsorted_and_contained():
    got = merge_ranges(
        [("2024-03-10", "2024-03-20"), ("2024-01-01", "2024-01-31"), ("2024-03-12", "2024-03-13")]
    )
    assert got == [("2024-01-01", "2024-01-31"), ("2024-03-10", "2024-03-20")]


def test_adjacent_across_leap_day():
    got = merge_ranges([("2024-03-01", "2024-03-05"), ("2024-02-20", "2024-02-29")])
    assert got == [("2024-02-20", "2024-03-05")]


def test_reversed_range_is_rejected():
    with pytest.raises(ValueError):
        merge_ranges([("2024-02-02", "2024-02-01")])
