pub mod dashboard;
pub mod runs;
