//! Invoice arithmetic in integer cents; rates in basis points (1/100 of a percent).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub unit_cents: i64,
    pub quantity: i64,
    pub discount_bps: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Totals {
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
}

/// numerator / 10000 rounded half-up, for non-negative numerators (i128 avoids overflow).
fn bps_round(numerator: i128) -> i64 {
    ((numerator + 5_000) / 10_000) as i64
}

pub fn invoice(lines: &[Line], tax_bps: i64) -> Result<Totals, String> {
    let mut subtotal: i64 = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.quantity < 0 || l.unit_cents < 0 {
            return Err(format!("line {}: negative quantity or price: {l:?}", i + 1));
        }
        if !(0..=10_000).contains(&l.discount_bps) {
            return Err(format!("line {}: discount {} bps outside 0..=10000", i + 1, l.discount_bps));
        }
        let numerator = l.unit_cents as i128 * l.quantity as i128 * (10_000 - l.discount_bps) as i128;
        subtotal += bps_round(numerator);
    }
    let tax = bps_round(subtotal as i128 * tax_bps as i128);
    Ok(Totals { subtotal, tax, total: subtotal + tax })
}
