//! The runtime images (`images/<name>/`, one per directory; the six languages' and others such as
//! `python-data`): build them through the Docker API with content-hash tags, list their state, prune
//! old ones.
mod base;
mod build;
mod context;
mod dirs;
mod error;
mod hash;
mod list;
mod naming;
mod prepare;
mod progress;
mod prune;
mod spec;

pub use base::{BASE_SCRIPT, base_image_id, ensure_base_image};
pub use build::{BuildOptions, BuildOutcome, BuildStatus, build};
pub use context::{EXTRA_CA_DIR, build_context, collect_ca_files};
pub use dirs::{ImageDir, declared_parent, find_image_dirs, find_repo_root};
pub use error::ImagesError;
pub use hash::{HASH_LEN, context_hash};
pub use list::{ImageEntry, ImageState, ImageStatus, crucible_images, list};
pub use naming::{
    DEFAULT_BASE_IMAGE, ImageName, LABEL_CONTEXT_HASH, LABEL_IMAGE, hash_tag, latest_tag,
    repository,
};
pub use prepare::{PreparedImage, prepare_images};
pub use progress::ProgressMode;
pub use prune::{PruneOutcome, prune};
pub use spec::ImageSet;
