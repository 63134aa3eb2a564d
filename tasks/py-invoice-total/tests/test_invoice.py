import pytest
from solution import invoice_total


def line(price, qty, discount=None):
    d = {"description": "item", "unit_price": price, "quantity": qty}
    if discount is not None:
        d["discount_pct"] = discount
    return d


def test_simple_invoice():
    got = invoice_total([line("10.00", 2), line("5.50", 1)], "0.10")
    assert got == {"subtotal": "25.50", "tax": "2.55", "total": "28.05"}


def test_tax_rounds_half_up():
    got = invoice_total([line("2.50", 1)], "0.05")
    assert got == {"subtotal": "2.50", "tax": "0.13", "total": "2.63"}


def test_each_line_is_rounded_before_summing():
    got = invoice_total([line("0.333", 1), line("0.333", 1)], "0")
    assert got["subtotal"] == "0.66"


def test_discount_applies_per_line():
    got = invoice_total([line("19.99", 3, 15), line("1.00", 1)], "0.20")
    # 59.97 * 0.85 = 50.9745 -> 50.97; subtotal 51.97; tax 10.394 -> 10.39
    assert got == {"subtotal": "51.97", "tax": "10.39", "total": "62.36"}


def test_empty_invoice():
    assert invoice_total([], "0.19") == {"subtotal": "0.00", "tax": "0.00", "total": "0.00"}


def test_zero_quantity_line():
    got = invoice_total([line("99.99", 0), line("1.10", 3)], "0.07")
    assert got == {"subtotal": "3.30", "tax": "0.23", "total": "3.53"}


def test_negative_quantity_is_rejected():
    with pytest.raises(ValueError):
        invoice_total([line("1.00", -1)], "0.10")
