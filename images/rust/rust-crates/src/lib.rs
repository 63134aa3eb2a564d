//! Empty: this package only exists so `cargo vendor` fetches the crates listed in Cargo.toml.
