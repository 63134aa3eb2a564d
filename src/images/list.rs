//! `crucible images list`: what is built, how big and old it is, and whether it matches the sources.
use super::base::base_image_id;
use super::error::ImagesError;
use super::naming::{self, ImageName, LABEL_CONTEXT_HASH, LABEL_IMAGE};
use super::prepare::prepare_images;
use super::spec::ImageSet;
use crate::docker::{self, Docker};
use std::collections::HashMap;

/// One image crucible built (any of its tags).
#[derive(Debug, Clone)]
pub struct ImageEntry {
    pub id: String,
    /// The `crucible.image` label: the image's name (a language for images built before names).
    pub name: Option<ImageName>,
    /// `crucible/<name>:<tag>` names; empty for an image whose tags were all taken by newer builds.
    pub tags: Vec<String>,
    pub context_hash: Option<String>,
    pub size_bytes: i64,
    /// Unix seconds.
    pub created: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageState {
    /// `latest` was built from the current context.
    UpToDate,
    /// `latest` exists but was built from another context: `crucible images build` would rebuild it.
    Stale,
    /// No `latest` image.
    Missing,
    /// The base image is missing, so the current hash cannot be known.
    Unknown,
}

impl ImageState {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageState::UpToDate => "up to date",
            ImageState::Stale => "stale",
            ImageState::Missing => "missing",
            ImageState::Unknown => "unknown (base image missing)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImageStatus {
    pub name: ImageName,
    /// The hash the sources give now (None when the base image is missing).
    pub current_hash: Option<String>,
    pub latest: Option<ImageEntry>,
    pub state: ImageState,
}

/// Every image carrying the `crucible.image` label (including untagged leftovers).
pub async fn crucible_images(docker: &Docker) -> Result<Vec<ImageEntry>, ImagesError> {
    let summaries = docker::image::list_labelled_images(docker, LABEL_IMAGE).await?;
    Ok(summaries
        .into_iter()
        .map(|s| ImageEntry {
            name: s
                .labels
                .get(LABEL_IMAGE)
                .and_then(|l| ImageName::parse(l).ok()),
            context_hash: s.labels.get(LABEL_CONTEXT_HASH).cloned(),
            tags: s.tags,
            id: s.id,
            size_bytes: s.size_bytes,
            created: s.created,
        })
        .collect())
}

/// The state of each selected image: its `latest` against the hash of the current sources.
pub async fn list(docker: &Docker, set: &ImageSet) -> Result<Vec<ImageStatus>, ImagesError> {
    let current: HashMap<ImageName, String> = match base_image_id(docker, set.base_ref()).await? {
        Some(base_id) => prepare_images(set, &base_id)?
            .into_iter()
            .map(|p| (p.dir.name, p.hash))
            .collect(),
        None => HashMap::new(),
    };
    let images = crucible_images(docker).await?;
    let statuses = set
        .dirs()?
        .into_iter()
        .map(|dir| {
            let latest_tag = naming::latest_tag(&dir.name);
            let latest = images
                .iter()
                .find(|i| i.tags.contains(&latest_tag))
                .cloned();
            let current_hash = current.get(&dir.name).cloned();
            let state = match (&latest, &current_hash) {
                (None, _) => ImageState::Missing,
                (Some(_), None) => ImageState::Unknown,
                (Some(image), Some(hash)) if image.context_hash.as_ref() == Some(hash) => {
                    ImageState::UpToDate
                }
                (Some(_), Some(_)) => ImageState::Stale,
            };
            ImageStatus {
                name: dir.name,
                current_hash,
                latest,
                state,
            }
        })
        .collect();
    Ok(statuses)
}
