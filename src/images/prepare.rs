//! One image ready to build: its context bytes and the hash they (with base and args) give.
use super::context::{build_context, collect_ca_files};
use super::dirs::{ImageDir, find_image_dirs};
use super::error::ImagesError;
use super::hash::context_hash;
use super::naming::{self, ImageName};
use super::spec::ImageSet;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct PreparedImage {
    pub dir: ImageDir,
    pub context: Vec<u8>,
    pub hash: String,
    /// The build args (BASE_IMAGE: the base image, or the parent's hash tag).
    pub build_args: BTreeMap<String, String>,
    /// False for an image prepared only because a selected one builds on it.
    pub selected: bool,
}

impl PreparedImage {
    pub fn name(&self) -> &ImageName {
        &self.dir.name
    }

    pub fn hash_tag(&self) -> String {
        naming::hash_tag(self.name(), &self.hash)
    }
}

/// The contexts and hashes of the selected images and of the images they build on, given the base
/// image's id; parents come before the images built on them. An image on another crucible image gets
/// `BASE_IMAGE=crucible/<parent>:<parent hash>`, so its hash changes whenever the parent's does.
pub fn prepare_images(set: &ImageSet, base_id: &str) -> Result<Vec<PreparedImage>, ImagesError> {
    let all = find_image_dirs(&set.repo_root)?;
    let selected: Vec<ImageName> = set.select(&all)?.into_iter().map(|d| d.name).collect();
    let ca_files = collect_ca_files(&set.extra_ca)?;
    let mut hashes: HashMap<ImageName, String> = HashMap::new();
    let mut prepared = Vec::new();
    for dir in build_order(&all, &selected) {
        let mut args = set.build_args();
        if let Some(parent) = &dir.parent {
            // build_order puts the parent first, and find_image_dirs checked that it exists.
            let parent_hash = hashes.get(parent).cloned().unwrap_or_default();
            args.insert(
                "BASE_IMAGE".to_string(),
                naming::hash_tag(parent, &parent_hash),
            );
        }
        let context = build_context(&dir.path, &ca_files)?;
        let hash = context_hash(&context, set.base_ref(), base_id, &args);
        hashes.insert(dir.name.clone(), hash.clone());
        prepared.push(PreparedImage {
            selected: selected.contains(&dir.name),
            dir: dir.clone(),
            context,
            hash,
            build_args: args,
        });
    }
    Ok(prepared)
}

/// The selected images and their ancestors, each after its parent, otherwise in `all`'s order.
fn build_order<'a>(all: &'a [ImageDir], selected: &[ImageName]) -> Vec<&'a ImageDir> {
    let find = |name: &ImageName| all.iter().find(|d| d.name == *name);
    let mut needed: Vec<&ImageName> = Vec::new();
    for name in selected {
        let mut next = find(name);
        while let Some(dir) = next {
            if needed.contains(&&dir.name) {
                break;
            }
            needed.push(&dir.name);
            next = dir.parent.as_ref().and_then(find);
        }
    }
    let mut order: Vec<&ImageDir> = Vec::new();
    // Parents exist and have no cycle (find_image_dirs), so every pass places at least one image.
    while order.len() < needed.len() {
        let before = order.len();
        for dir in all.iter().filter(|d| needed.contains(&&d.name)) {
            let placed = |n: &ImageName| order.iter().any(|o| o.name == *n);
            if !placed(&dir.name) && dir.parent.as_ref().is_none_or(placed) {
                order.push(dir);
            }
        }
        if order.len() == before {
            break;
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn dir(name: &str, parent: Option<&str>) -> ImageDir {
        ImageDir {
            name: ImageName::parse(name).unwrap(),
            path: PathBuf::from(name),
            parent: parent.map(|p| ImageName::parse(p).unwrap()),
        }
    }

    fn names(order: Vec<&ImageDir>) -> Vec<&str> {
        order.iter().map(|d| d.name.as_str()).collect()
    }

    #[test]
    fn parents_come_first_and_are_added_when_needed() {
        let all = [
            dir("child", Some("python")),
            dir("python", None),
            dir("grandchild", Some("child")),
            dir("node", None),
        ];
        let every: Vec<ImageName> = all.iter().map(|d| d.name.clone()).collect();
        assert_eq!(
            names(build_order(&all, &every)),
            ["python", "node", "child", "grandchild"]
        );
        let only = [ImageName::parse("grandchild").unwrap()];
        assert_eq!(
            names(build_order(&all, &only)),
            ["python", "child", "grandchild"]
        );
        let only = [ImageName::parse("node").unwrap()];
        assert_eq!(names(build_order(&all, &only)), ["node"]);
    }
}
