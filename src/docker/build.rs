//! `docker build` through the API, as a stream of crucible's own events.
use super::error::DockerError;
use bollard::Docker;
use bollard::models::BuildInfo;
use bollard::query_parameters::BuildImageOptionsBuilder;
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;

/// One image build: a tar context (with its Dockerfile) and what to call the result.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// The name the image gets (`repo:tag`).
    pub tag: String,
    /// Path of the Dockerfile inside the context.
    pub dockerfile: String,
    /// Build without the layer cache.
    pub no_cache: bool,
    pub build_args: HashMap<String, String>,
    pub labels: HashMap<String, String>,
    /// The build context, a tar archive.
    pub context: Vec<u8>,
}

/// What the daemon says while building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildEvent {
    /// Build output (a step, a command's output, a pull status); may hold several lines.
    Output(String),
    /// The daemon reports that the build failed, with its message.
    Failed(String),
}

/// Start a build; the stream ends when the daemon is done. An `Err` item is a failure of the API
/// call itself (the stream broke); a failing Dockerfile shows as `BuildEvent::Failed`.
/// Intermediate containers are always removed.
pub fn build_image(
    docker: &Docker,
    request: BuildRequest,
) -> impl Stream<Item = Result<BuildEvent, DockerError>> + '_ {
    let options = BuildImageOptionsBuilder::new()
        .dockerfile(&request.dockerfile)
        .t(&request.tag)
        .rm(true)
        .forcerm(true)
        .nocache(request.no_cache)
        .buildargs(&request.build_args)
        .labels(&request.labels)
        .build();
    let body = bollard::body_full(bytes::Bytes::from(request.context));
    let tag = request.tag;
    docker
        .build_image(options, None, Some(body))
        .flat_map(move |item| {
            let events = match item {
                Ok(info) => events_of(info).into_iter().map(Ok).collect(),
                Err(source) => vec![Err(DockerError::BuildImage {
                    image: tag.clone(),
                    source,
                })],
            };
            futures_util::stream::iter(events)
        })
}

fn events_of(info: BuildInfo) -> Vec<BuildEvent> {
    let mut events = Vec::new();
    if let Some(text) = info.stream.or(info.status) {
        events.push(BuildEvent::Output(text));
    }
    if let Some(message) = info.error_detail.and_then(|d| d.message) {
        events.push(BuildEvent::Failed(message));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::ErrorDetail;

    #[test]
    fn output_comes_before_the_failure_of_the_same_message() {
        let info = BuildInfo {
            stream: Some("Step 2/3 : RUN false\n".into()),
            error_detail: Some(ErrorDetail {
                code: Some(1),
                message: Some("returned a non-zero code: 1".into()),
            }),
            ..Default::default()
        };
        assert_eq!(
            events_of(info),
            vec![
                BuildEvent::Output("Step 2/3 : RUN false\n".into()),
                BuildEvent::Failed("returned a non-zero code: 1".into()),
            ]
        );
        let status = BuildInfo {
            status: Some("Pulling fs layer".into()),
            ..Default::default()
        };
        assert_eq!(
            events_of(status),
            vec![BuildEvent::Output("Pulling fs layer".into())]
        );
    }
}
