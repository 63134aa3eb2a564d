use task::{invoice, Line, Totals};

fn line(unit_cents: i64, quantity: i64, discount_bps: i64) -> Line {
    Line { unit_cents, quantity, discount_bps }
}

fn totals(subtotal: i64, tax: i64, total: i64) -> Totals {
    Totals { subtotal, tax, total }
}

#[test]
fn simple_invoice() {
    assert_eq!(invoice(&[line(1000, 2, 0), line(550, 1, 0)], 1000), Ok(totals(2550, 255, 2805)));
}

#[test]
fn tax_rounds_half_up() {
    assert_eq!(invoice(&[line(250, 1, 0)], 500), Ok(totals(250, 13, 263)));
}

#[test]
fn lines_are_rounded_before_summing() {
    // each line is 0.5 cent -> 1 cent; rounding the sum instead would give 1
    assert_eq!(invoice(&[line(1, 1, 5000), line(1, 1, 5000)], 0), Ok(totals(2, 0, 2)));
}

#[test]
fn discount_and_tax() {
    // 1999 * 3 * 0.85 = 5097.45 -> 5097; + 100 = 5197; tax 20% = 1039.4 -> 1039
    assert_eq!(invoice(&[line(1999, 3, 1500), line(100, 1, 0)], 2000), Ok(totals(5197, 1039, 6236)));
}

#[test]
fn empty_invoice_and_full_discount() {
    assert_eq!(invoice(&[], 1900), Ok(totals(0, 0, 0)));
    assert_eq!(invoice(&[line(5000, 2, 10000)], 1900), Ok(totals(0, 0, 0)));
}

#[test]
fn large_amounts_do_not_overflow() {
    assert_eq!(
        invoice(&[line(99_999_999, 10_000, 0)], 2500),
        Ok(totals(999_999_990_000, 249_999_997_500, 1_249_999_987_500))
    );
}

#[test]
fn invalid_lines_are_rejected() {
    assert!(invoice(&[line(100, -1, 0)], 0).is_err());
    assert!(invoice(&[line(-100, 1, 0)], 0).is_err());
    assert!(invoice(&[line(100, 1, 10001)], 0).is_err());
    assert!(invoice(&[line(100, 1, -1)], 0).is_err());
}
