//! Captured output: what the harness kept of a stream, as text.
use crate::execution::CapturedOutput;

/// Turn raw bytes into captured text: first `cap` bytes, invalid UTF-8 replaced.
pub fn capture(bytes: &[u8], total: u64, cap: u64) -> CapturedOutput {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let kept = &bytes[..bytes.len().min(cap)];
    CapturedOutput {
        text: String::from_utf8_lossy(kept).into_owned(),
        total_bytes: total,
        truncated: total > kept.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        let c = capture(&[b'o', b'k', 0xff, 0xfe], 4, 100);
        assert_eq!(c.text, "ok\u{fffd}\u{fffd}");
        assert!(!c.truncated);
    }
}
