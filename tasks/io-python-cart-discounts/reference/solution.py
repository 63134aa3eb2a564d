from decimal import Decimal, ROUND_HALF_UP


def _cents(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def price_cart(items, rules=None):
    subtotal = sum(Decimal(str(i["price"])) * i["qty"] for i in items)
    discount = Decimal(0)
    for rule in rules or []:
        if rule["type"] == "percent":
            base = sum(Decimal(str(i["price"])) * i["qty"] for i in items if i["category"] == rule["category"])
            discount += base * Decimal(str(rule["off"])) / 100
        elif rule["type"] == "bogo":
            for i in items:
                if i["sku"] == rule["sku"]:
                    discount += Decimal(str(i["price"])) * (i["qty"] // 2)
        elif rule["type"] == "threshold":
            if subtotal - discount >= Decimal(str(rule["min"])):
                discount += Decimal(str(rule["off"]))
    discount = min(_cents(discount), _cents(subtotal))
    subtotal = _cents(subtotal)
    return {"subtotal": float(subtotal), "discount": float(discount), "total": float(subtotal - discount)}


def cheapest_sku(items):
    best = None
    for i in items:
        if best is None or i["price"] < best["price"]:
            best = i
    return best["sku"] if best else None
