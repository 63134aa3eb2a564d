from decimal import Decimal, ROUND_HALF_UP

CENT = Decimal("0.01")


def money(x):
    return Decimal(str(x))


def price_cart(items, rules=None):
    subtotal = sum((money(i["price"]) * i["qty"] for i in items), Decimal(0))
    discount = Decimal(0)
    for rule in rules or []:
        kind = rule["type"]
        if kind == "percent":
            base = sum((money(i["price"]) * i["qty"] for i in items if i["category"] == rule["category"]), Decimal(0))
            discount += base * money(rule["off"]) / 100
        elif kind == "bogo":
            discount += sum((money(i["price"]) * (i["qty"] // 2) for i in items if i["sku"] == rule["sku"]), Decimal(0))
        elif kind == "threshold" and subtotal - discount >= money(rule["min"]):
            discount += money(rule["off"])
    subtotal = subtotal.quantize(CENT, ROUND_HALF_UP)
    discount = min(discount.quantize(CENT, ROUND_HALF_UP), subtotal)
    return {"subtotal": float(subtotal), "discount": float(discount), "total": float(subtotal - discount)}


def cheapest_sku(items):
    return min(items, key=lambda i: i["price"])["sku"] if items else None
