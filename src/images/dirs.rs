//! Where the image build directories live: `<repo>/images/<lang>/Dockerfile`.
use super::error::ImagesError;
use crate::task::Language;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDir {
    pub language: Language,
    /// The directory holding the Dockerfile: the build context (plus `extra-ca/` files).
    pub path: PathBuf,
}

/// The image directories present under `repo_root/images`, in `Language::ALL` order.
/// Errors when there is none, since then the root is almost certainly wrong.
pub fn find_image_dirs(repo_root: &Path) -> Result<Vec<ImageDir>, ImagesError> {
    let dirs: Vec<ImageDir> = Language::ALL
        .iter()
        .map(|&language| ImageDir {
            language,
            path: repo_root.join("images").join(language.as_str()),
        })
        .filter(|dir| dir.path.join("Dockerfile").is_file())
        .collect();
    if dirs.is_empty() {
        return Err(ImagesError::NoImageDirs {
            root: repo_root.to_path_buf(),
        });
    }
    Ok(dirs)
}

/// The nearest ancestor of `start` (itself included) that has `images/<lang>/Dockerfile`.
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| find_image_dirs(dir).is_ok())
        .map(Path::to_path_buf)
}
