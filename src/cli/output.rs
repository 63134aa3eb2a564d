//! Writing to stdout without panicking when the reader went away (e.g. `| head`).
use std::io::Write;

pub fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
