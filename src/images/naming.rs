//! Image names and labels: one place for the `crucible/<lang>:<tag>` scheme.
use crate::task::Language;

/// Label on every image crucible builds: the language it runs.
pub const LABEL_IMAGE: &str = "crucible.image";
/// Label with the context hash the image was built from.
pub const LABEL_CONTEXT_HASH: &str = "crucible.context-hash";
/// The base image the Dockerfiles start from unless told otherwise (built by `scripts/build-base-image`).
pub const DEFAULT_BASE_IMAGE: &str = "crucible/base:bookworm";

/// `crucible/<lang>`
pub fn repository(lang: Language) -> String {
    format!("crucible/{}", lang.as_str())
}

/// `crucible/<lang>:<hash>`: the tag that says "built from exactly this context".
pub fn hash_tag(lang: Language, hash: &str) -> String {
    format!("{}:{hash}", repository(lang))
}

/// `crucible/<lang>:latest`: what tasks run (see `Language::image`).
pub fn latest_tag(lang: Language) -> String {
    lang.image()
}
