//! crucible: run untrusted, model-generated code in hardened containers and judge it.
//!
//! The library is the engine; `src/main.rs` is a thin CLI over it.
pub mod cases;
pub mod docker;
pub mod execution;
pub mod images;
pub mod judge;
pub mod limits;
pub mod payload;
pub mod queue;
pub mod remote;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod serve;
pub mod store;
pub mod suites;
pub mod task;
pub mod testreport;
pub mod verdict;

pub use verdict::Verdict;
