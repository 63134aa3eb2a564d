//! Exit codes of every verb but `exec` (whose code is the verdict's; see `Verdict::exit_code`).
/// Everything worked and nothing failed.
pub const OK: i32 = 0;
/// The command worked and found failures (doctor problems, invalid tasks, failing tests in CI mode).
pub const FOUND_PROBLEMS: i32 = 1;
/// Bad input, configuration or usage.
pub const ERROR: i32 = 2;
/// Docker (or another service crucible needs) is unavailable.
pub const UNAVAILABLE: i32 = 69;
/// Interrupted by Ctrl-C or SIGTERM.
pub const INTERRUPTED: i32 = 130;
