use task::{Coin, VendError, VendingMachine};

fn machine() -> VendingMachine {
    VendingMachine::new(&[("cola", 125, 2), ("gum", 65, 1), ("water", 100, 0)])
}

#[test]
fn exact_payment_gives_no_change() {
    let mut m = machine();
    m.insert(Coin::Dollar);
    m.insert(Coin::Quarter);
    assert_eq!(m.balance(), 125);
    assert_eq!(m.select("cola"), Ok(vec![]));
    assert_eq!(m.balance(), 0);
}

#[test]
fn change_uses_fewest_coins_largest_first() {
    let mut m = machine();
    m.insert(Coin::Dollar);
    assert_eq!(m.select("gum"), Ok(vec![Coin::Quarter, Coin::Dime]));
}

#[test]
fn insufficient_funds_reports_the_missing_amount() {
    let mut m = machine();
    m.insert(Coin::Dollar);
    m.insert(Coin::Dime);
    assert_eq!(m.select("cola"), Err(VendError::InsufficientFunds { needed: 15 }));
    assert_eq!(m.balance(), 110);
}

#[test]
fn unknown_product() {
    let mut m = machine();
    m.insert(Coin::Dollar);
    assert_eq!(m.select("coffee"), Err(VendError::UnknownProduct));
    assert_eq!(m.balance(), 100);
}

#[test]
fn sold_out_is_checked_before_funds() {
    let mut m = machine();
    assert_eq!(m.select("water"), Err(VendError::SoldOut));
    m.insert(Coin::Dollar);
    assert_eq!(m.select("gum"), Ok(vec![Coin::Quarter, Coin::Dime]));
    m.insert(Coin::Dollar);
    assert_eq!(m.select("gum"), Err(VendError::SoldOut));
}

#[test]
fn stock_runs_down() {
    let mut m = machine();
    for _ in 0..2 {
        for _ in 0..5 {
            m.insert(Coin::Quarter);
        }
        assert_eq!(m.select("cola"), Ok(vec![]));
    }
    m.insert(Coin::Dollar);
    m.insert(Coin::Quarter);
    assert_eq!(m.select("cola"), Err(VendError::SoldOut));
}

#[test]
fn cancel_refunds_everything() {
    let mut m = machine();
    assert_eq!(m.cancel(), vec![]);
    for c in [Coin::Nickel, Coin::Nickel, Coin::Dime, Coin::Dime, Coin::Nickel] {
        m.insert(c);
    }
    assert_eq!(m.cancel(), vec![Coin::Quarter, Coin::Dime]);
    assert_eq!(m.balance(), 0);
}
