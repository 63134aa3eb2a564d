//! The context hash: what an image was built from, short enough for a tag.
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Hex digits of the hash used in tags (`crucible/<name>:<hash>`).
pub const HASH_LEN: usize = 12;

/// sha256 over the context tar, the base image reference and id, and the build args.
/// Any change to the Dockerfile, a wrapper, a CA file, the base image or an arg changes it.
pub fn context_hash(
    context: &[u8],
    base_ref: &str,
    base_id: &str,
    args: &BTreeMap<String, String>,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(context);
    hasher.update(b"\0base-ref=");
    hasher.update(base_ref.as_bytes());
    hasher.update(b"\0base-id=");
    hasher.update(base_id.as_bytes());
    for (key, value) in args {
        hasher.update(format!("\0arg:{key}={value}").as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = hex::encode(digest.as_slice());
    hex.truncate(HASH_LEN);
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_changes_the_hash() {
        let args = BTreeMap::from([("BASE_IMAGE".to_string(), "b".to_string())]);
        let h = context_hash(b"ctx", "b", "sha256:1", &args);
        assert_eq!(h.len(), HASH_LEN);
        assert_eq!(h, context_hash(b"ctx", "b", "sha256:1", &args));
        assert_ne!(h, context_hash(b"ctx2", "b", "sha256:1", &args));
        assert_ne!(h, context_hash(b"ctx", "c", "sha256:1", &args));
        assert_ne!(h, context_hash(b"ctx", "b", "sha256:2", &args));
        let other = BTreeMap::from([("BASE_IMAGE".to_string(), "x".to_string())]);
        assert_ne!(h, context_hash(b"ctx", "b", "sha256:1", &other));
    }
}
