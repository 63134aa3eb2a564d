//! A vending machine: coins in, product and change out.
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coin {
    Nickel,
    Dime,
    Quarter,
    Dollar,
}

impl Coin {
    fn cents(self) -> u32 {
        match self {
            Coin::Nickel => 5,
            Coin::Dime => 10,
            Coin::Quarter => 25,
            Coin::Dollar => 100,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum VendError {
    UnknownProduct,
    SoldOut,
    InsufficientFunds { needed: u32 },
}

pub struct VendingMachine {
    products: HashMap<String, (u32, u32)>,
    balance: u32,
}

/// Greedy change is optimal for US coin denominations.
fn change_for(mut cents: u32) -> Vec<Coin> {
    let mut out = Vec::new();
    for coin in [Coin::Dollar, Coin::Quarter, Coin::Dime, Coin::Nickel] {
        while cents >= coin.cents() {
            out.push(coin);
            cents -= coin.cents();
        }
    }
    out
}

impl VendingMachine {
    pub fn new(stock: &[(&str, u32, u32)]) -> Self {
        let products = stock
            .iter()
            .map(|&(name, price, count)| (name.to_string(), (price, count)))
            .collect();
        VendingMachine { products, balance: 0 }
    }

    pub fn insert(&mut self, coin: Coin) {
        self.balance += coin.cents();
    }

    pub fn balance(&self) -> u32 {
        self.balance
    }

    pub fn select(&mut self, product: &str) -> Result<Vec<Coin>, VendError> {
        let (price, count) = self
            .products
            .get_mut(product)
            .ok_or(VendError::UnknownProduct)?;
        if *count == 0 {
            return Err(VendError::SoldOut);
        }
        if self.balance < *price {
            return Err(VendError::InsufficientFunds {
                needed: *price - self.balance,
            });
        }
        *count -= 1;
        let change = self.balance - *price;
        self.balance = 0;
        Ok(change_for(change))
    }

    pub fn cancel(&mut self) -> Vec<Coin> {
        let refund = change_for(self.balance);
        self.balance = 0;
        refund
    }
}
