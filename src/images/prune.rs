//! `crucible images prune`: remove crucible images not built from the current sources.
use super::base::base_image_id;
use super::error::ImagesError;
use super::list::{ImageEntry, crucible_images};
use super::naming::ImageName;
use super::prepare::prepare_images;
use super::spec::ImageSet;
use crate::docker::{self, Docker};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct PruneOutcome {
    /// What was removed: tags, or the image id for untagged images.
    pub removed: Vec<String>,
    /// The current images (hash tag names) that were kept.
    pub kept: Vec<String>,
}

/// Remove every crucible image of the selected names whose context hash is not the current one.
/// Images in use by a container make this fail (nothing is forced).
pub async fn prune(docker: &Docker, set: &ImageSet) -> Result<PruneOutcome, ImagesError> {
    let base_ref = set.base_ref();
    let base_id = base_image_id(docker, base_ref)
        .await?
        .ok_or_else(|| ImagesError::BaseImage {
            message: format!(
                "base image {base_ref} is missing, so the current images cannot be told apart from old ones; build it first (`crucible images build`)"
            ),
        })?;
    let current: HashMap<ImageName, String> = prepare_images(set, &base_id)?
        .into_iter()
        .filter(|p| p.selected)
        .map(|p| (p.dir.name, p.hash))
        .collect();
    let mut outcome = PruneOutcome::default();
    for image in crucible_images(docker).await? {
        let Some(name) = &image.name else { continue };
        let Some(current_hash) = current.get(name) else {
            continue; // not selected (--only)
        };
        if image.context_hash.as_ref() == Some(current_hash) {
            outcome.kept.extend(image.tags.iter().cloned());
            continue;
        }
        outcome.removed.extend(remove(docker, &image).await?);
    }
    Ok(outcome)
}

/// Untag each tag (the last one deletes the image); an untagged image is deleted by id.
async fn remove(docker: &Docker, image: &ImageEntry) -> Result<Vec<String>, ImagesError> {
    let names = if image.tags.is_empty() {
        vec![image.id.clone()]
    } else {
        image.tags.clone()
    };
    for name in &names {
        docker::image::remove_image(docker, name).await?;
    }
    Ok(names)
}
