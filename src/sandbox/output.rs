//! Bounded capture of a container's stdout and stderr.
use super::result::CapturedOutput;

/// Collects one stream up to `keep` bytes and counts the rest. `over()` tells the executor to
/// kill the container; memory stays bounded whatever the candidate prints.
#[derive(Debug)]
pub struct BoundedBuffer {
    bytes: Vec<u8>,
    keep: usize,
    total: u64,
}

impl BoundedBuffer {
    pub fn new(keep: u64) -> Self {
        BoundedBuffer {
            bytes: Vec::new(),
            keep: usize::try_from(keep).unwrap_or(usize::MAX),
            total: 0,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.total += chunk.len() as u64;
        let room = self.keep.saturating_sub(self.bytes.len());
        self.bytes
            .extend_from_slice(&chunk[..chunk.len().min(room)]);
    }

    /// Bytes someone else already kept (up to `keep`) out of `total` produced.
    pub fn kept_elsewhere(bytes: &[u8], total: u64, keep: u64) -> Self {
        let mut buffer = BoundedBuffer::new(keep);
        buffer.push(bytes);
        buffer.total = buffer.total.max(total);
        buffer
    }

    /// More arrived than can be kept.
    pub fn over(&self) -> bool {
        self.total > self.keep as u64
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn total(&self) -> u64 {
        self.total
    }
}

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
    fn keeps_the_first_bytes_and_counts_the_rest() {
        let mut b = BoundedBuffer::new(4);
        b.push(b"abc");
        assert!(!b.over());
        b.push(b"defg");
        assert!(b.over());
        assert_eq!(b.bytes(), b"abcd");
        assert_eq!(b.total(), 7);
        let c = capture(b.bytes(), b.total(), 2);
        assert_eq!(c.text, "ab");
        assert!(c.truncated);
        assert_eq!(c.total_bytes, 7);
    }

    #[test]
    fn output_kept_elsewhere_keeps_its_total() {
        let b = BoundedBuffer::kept_elsewhere(b"abcd", 9, 4);
        assert_eq!(b.bytes(), b"abcd");
        assert_eq!(b.total(), 9);
        assert!(b.over());
    }

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        let c = capture(&[b'o', b'k', 0xff, 0xfe], 4, 100);
        assert_eq!(c.text, "ok\u{fffd}\u{fffd}");
        assert!(!c.truncated);
    }
}
