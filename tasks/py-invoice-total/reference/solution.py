from decimal import Decimal, ROUND_HALF_UP

CENT = Decimal("0.01")


def _cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_total(lines, tax_rate):
    subtotal = Decimal("0")
    for item in lines:
        quantity = item["quantity"]
        if quantity < 0:
            raise ValueError(f"line {item.get('description')!r}: negative quantity {quantity}")
        discount = Decimal(item.get("discount_pct", 0)) / 100
        amount = Decimal(item["unit_price"]) * quantity * (1 - discount)
        subtotal += _cents(amount)
    tax = _cents(subtotal * Decimal(tax_rate))
    return {
        "subtotal": str(_cents(subtotal)),
        "tax": str(tax),
        "total": str(_cents(subtotal + tax)),
    }
