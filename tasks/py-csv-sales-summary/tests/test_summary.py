import pytest
from solution import summarize_sales


def test_totals_per_region():
    text = "date,region,amount\n2024-01-01,north,10.50\n2024-01-02,south,4\n2024-01-03,north,2.25\n"
    got = summarize_sales(text)
    assert got["rows"] == 3
    assert got["total"] == 16.75
    assert got["by_region"] == {"north": 12.75, "south": 4.0}
    assert got["top_region"] == "north"


def test_header_only_has_no_rows():
    got = summarize_sales("date,region,amount\n")
    assert got == {"rows": 0, "total": 0.0, "by_region": {}, "top_region": None}


def test_empty_text_has_no_rows():
    got = summarize_sales("")
    assert got == {"rows": 0, "total": 0.0, "by_region": {}, "top_region": None}


def test_tie_goes_to_alphabetically_first_region():
    text = "date,region,amount\n2024-01-01,west,5\n2024-01-01,east,5\n"
    assert summarize_sales(text)["top_region"] == "east"


def test_totals_are_rounded_to_cents():
    text = "date,region,amount\n" + "".join("2024-01-01,a,0.1\n" for _ in range(3))
    got = summarize_sales(text)
    assert got["total"] == 0.3
    assert got["by_region"]["a"] == 0.3


def test_blank_lines_and_spaces_are_ignored():
    text = "date,region,amount\n\n2024-01-01,  north , 1.5 \n   \n2024-01-02,north,1\n\n"
    got = summarize_sales(text)
    assert got["rows"] == 2
    assert got["by_region"] == {"north": 2.5}


def test_bad_amount_names_the_line():
    text = "date,region,amount\n2024-01-01,north,1\n2024-01-02,south,abc\n"
    with pytest.raises(ValueError, match="line 3"):
        summarize_sales(text)
