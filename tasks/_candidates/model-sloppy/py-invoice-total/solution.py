def invoice_total(lines, tax_rate):
    subtotal = 0.0
    for item in lines:
        if item["quantity"] < 0:
            raise ValueError("negative quantity")
        discount = item.get("discount_pct", 0) / 100
        subtotal += float(item["unit_price"]) * item["quantity"] * (1 - discount)
    tax = round(subtotal * float(tax_rate), 2)
    subtotal = round(subtotal, 2)
    return {
        "subtotal": f"{subtotal:.2f}",
        "tax": f"{tax:.2f}",
        "total": f"{subtotal + tax:.2f}",
    }
