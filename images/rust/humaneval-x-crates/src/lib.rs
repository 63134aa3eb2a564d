//! Empty: this package only exists so the image build vendors and pre-compiles the crates in Cargo.toml.
