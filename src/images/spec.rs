//! Which images to work on and how their contexts are made; shared by build, list and prune.
use super::dirs::{ImageDir, find_image_dirs};
use super::error::ImagesError;
use super::naming::DEFAULT_BASE_IMAGE;
use crate::task::Language;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ImageSet {
    /// The crucible repository: images are read from `<repo_root>/images/<lang>/`.
    pub repo_root: PathBuf,
    /// Only these languages; empty means every image directory found.
    pub only: Vec<Language>,
    /// The image the Dockerfiles start `FROM` (build arg BASE_IMAGE); None means `crucible/base:bookworm`,
    /// which crucible can make itself with `scripts/build-base-image`.
    pub base_image: Option<String>,
    /// CA certificate files, or directories of `*.crt`, installed in every image before any HTTPS use.
    pub extra_ca: Vec<PathBuf>,
}

impl ImageSet {
    pub fn new(repo_root: impl Into<PathBuf>) -> ImageSet {
        ImageSet {
            repo_root: repo_root.into(),
            only: Vec::new(),
            base_image: None,
            extra_ca: Vec::new(),
        }
    }

    pub fn base_ref(&self) -> &str {
        self.base_image.as_deref().unwrap_or(DEFAULT_BASE_IMAGE)
    }

    /// The build args every image gets (they are part of the context hash).
    pub fn build_args(&self) -> BTreeMap<String, String> {
        BTreeMap::from([("BASE_IMAGE".to_string(), self.base_ref().to_string())])
    }

    /// The selected image directories; an `--only` language without a directory is an error.
    pub fn dirs(&self) -> Result<Vec<ImageDir>, ImagesError> {
        let all = find_image_dirs(&self.repo_root)?;
        if self.only.is_empty() {
            return Ok(all);
        }
        let mut chosen = Vec::new();
        for lang in &self.only {
            match all.iter().find(|d| d.language == *lang) {
                Some(dir) if !chosen.contains(dir) => chosen.push(dir.clone()),
                Some(_) => {}
                None => {
                    return Err(ImagesError::NoImageDirs {
                        root: self.repo_root.join("images").join(lang.as_str()),
                    });
                }
            }
        }
        Ok(chosen)
    }
}
