//! The remote executor: `crucible run --executor URL[,URL…]` sends each execution spec to a
//! `crucible serve` replica and judges the evidence that comes back (docs/scale-out.md).
//! `wire` is the protocol both sides share; `replica` one replica's load and health;
//! `executor` spreads, retries and cancels.
mod error;
mod executor;
mod replica;
pub mod wire;

pub use error::RemoteError;
pub use executor::{RemoteExecutor, RemoteOptions};
