//! Which images to work on and how their contexts are made; shared by build, list and prune.
use super::dirs::{ImageDir, find_image_dirs};
use super::error::ImagesError;
use super::naming::{DEFAULT_BASE_IMAGE, ImageName};
use crate::task::Language;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ImageSet {
    /// The crucible repository: images are read from `<repo_root>/images/<name>/`.
    pub repo_root: PathBuf,
    /// Only these images; empty means every image directory found. A language alias (`py`) that is
    /// not itself a directory name selects its language's image.
    pub only: Vec<ImageName>,
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

    /// The build args an image on the base image gets (they are part of the context hash); an image
    /// on another crucible image gets that image's hash tag as BASE_IMAGE instead.
    pub fn build_args(&self) -> BTreeMap<String, String> {
        BTreeMap::from([("BASE_IMAGE".to_string(), self.base_ref().to_string())])
    }

    /// The selected image directories; an `--only` name without a directory is an error.
    pub fn dirs(&self) -> Result<Vec<ImageDir>, ImagesError> {
        let all = find_image_dirs(&self.repo_root)?;
        self.select(&all)
    }

    /// The selected ones among `all`, in `all`'s order.
    pub(crate) fn select(&self, all: &[ImageDir]) -> Result<Vec<ImageDir>, ImagesError> {
        if self.only.is_empty() {
            return Ok(all.to_vec());
        }
        let mut chosen: Vec<&ImageName> = Vec::new();
        for wanted in &self.only {
            let alias = Language::parse(wanted.as_str()).map(ImageName::from);
            let found = all
                .iter()
                .find(|d| d.name == *wanted)
                .or_else(|| all.iter().find(|d| Some(&d.name) == alias.as_ref()));
            match found {
                Some(dir) => chosen.push(&dir.name),
                None => {
                    let known: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
                    return Err(ImagesError::UnknownImage {
                        name: wanted.to_string(),
                        root: self.repo_root.clone(),
                        known: known.join(", "),
                    });
                }
            }
        }
        Ok(all
            .iter()
            .filter(|d| chosen.contains(&&d.name))
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn only_takes_names_and_language_aliases() {
        let root = std::env::temp_dir().join(format!("crucible-spec-{}", uuid::Uuid::new_v4()));
        for name in ["python", "cpp", "python-data"] {
            fs::create_dir_all(root.join("images").join(name)).unwrap();
            fs::write(
                root.join("images").join(name).join("Dockerfile"),
                "FROM x\n",
            )
            .unwrap();
        }
        let mut set = ImageSet::new(&root);
        let picked = |set: &ImageSet| -> Vec<String> {
            set.dirs()
                .unwrap()
                .into_iter()
                .map(|d| d.name.to_string())
                .collect()
        };
        assert_eq!(picked(&set), ["python", "cpp", "python-data"]);
        set.only = ["python-data", "py", "cpp"]
            .iter()
            .map(|n| ImageName::parse(n).unwrap())
            .collect();
        assert_eq!(picked(&set), ["python", "cpp", "python-data"]);
        set.only = vec![ImageName::parse("nope").unwrap()];
        let err = set.dirs().unwrap_err().to_string();
        fs::remove_dir_all(&root).unwrap();
        assert!(err.contains("images/nope/"), "{err}");
        assert!(err.contains("python, cpp, python-data"), "{err}");
    }
}
