//! Image operations: inspect, list, tag, remove, each mapped to its own error variant.
use super::error::DockerError;
use bollard::Docker;
use bollard::query_parameters::{
    ListImagesOptionsBuilder, RemoveImageOptionsBuilder, TagImageOptionsBuilder,
};
use std::collections::HashMap;

/// One image as the daemon lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSummary {
    /// `sha256:…`
    pub id: String,
    /// `repo:tag` names; the daemon's `<none>:<none>` placeholder is left out.
    pub tags: Vec<String>,
    pub labels: HashMap<String, String>,
    pub size_bytes: i64,
    /// Unix seconds.
    pub created: i64,
}

/// The image's id (`sha256:…`), or None when the daemon has no image of that name.
pub async fn find_image_id(docker: &Docker, image: &str) -> Result<Option<String>, DockerError> {
    match docker.inspect_image(image).await {
        Ok(inspect) => Ok(Some(inspect.id.unwrap_or_default())),
        Err(source) if DockerError::is_missing_image(&source) => Ok(None),
        Err(source) => Err(DockerError::InspectImage {
            image: image.into(),
            source,
        }),
    }
}

/// Top-level images carrying `label` (a key, or `key=value`).
pub async fn list_labelled_images(
    docker: &Docker,
    label: &str,
) -> Result<Vec<ImageSummary>, DockerError> {
    let filter = HashMap::from([("label", vec![label])]);
    let options = ListImagesOptionsBuilder::new()
        .all(false)
        .filters(&filter)
        .build();
    let summaries =
        docker
            .list_images(Some(options))
            .await
            .map_err(|source| DockerError::ListImages {
                filter: format!("label={label}"),
                source,
            })?;
    Ok(summaries
        .into_iter()
        .map(|s| ImageSummary {
            id: s.id,
            tags: s
                .repo_tags
                .into_iter()
                .filter(|t| t != "<none>:<none>")
                .collect(),
            labels: s.labels,
            size_bytes: s.size,
            created: s.created,
        })
        .collect())
}

/// Give the image `image` the name `repository:tag` (moving that name if another image had it).
pub async fn tag_image(
    docker: &Docker,
    image: &str,
    repository: &str,
    tag: &str,
) -> Result<(), DockerError> {
    let options = TagImageOptionsBuilder::new()
        .repo(repository)
        .tag(tag)
        .build();
    docker
        .tag_image(image, Some(options))
        .await
        .map_err(|source| DockerError::TagImage {
            image: image.into(),
            tag: format!("{repository}:{tag}"),
            source,
        })
}

/// Remove one name of an image (the image goes with its last name), or an untagged image by id.
/// Nothing is forced: an image used by a container stays, and this fails.
pub async fn remove_image(docker: &Docker, name: &str) -> Result<(), DockerError> {
    docker
        .remove_image(name, Some(RemoveImageOptionsBuilder::new().build()), None)
        .await
        .map(|_| ())
        .map_err(|source| DockerError::RemoveImage {
            image: name.into(),
            source,
        })
}
