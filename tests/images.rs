//! Real-daemon test of the images engine: build (or reuse) crucible/python, check that a second build
//! is a fast no-op and that `list` calls it up to date. Without Docker this test is skipped, except
//! under CI=true, where it fails. Set CRUCIBLE_EXTRA_CA (':'-separated) to the CA files your images
//! were built with, or the python image is rebuilt under another hash.
use crucible::docker::{self, Docker};
use crucible::images::{self, BuildOptions, BuildStatus, ImageSet, ImageState, ProgressMode};
use crucible::task::Language;
use std::path::PathBuf;
use std::time::{Duration, Instant};

async fn docker_or_skip() -> Option<Docker> {
    let connected = docker::connect().await;
    match connected {
        Ok(docker) => Some(docker),
        Err(err) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("Docker is unreachable under CI=true: {err}")
        }
        Err(err) => {
            eprintln!("skipping: Docker is unreachable ({err})");
            None
        }
    }
}

fn python_set() -> ImageSet {
    let mut set = ImageSet::new(env!("CARGO_MANIFEST_DIR"));
    set.only = vec![Language::Python.into()];
    set.extra_ca = std::env::var("CRUCIBLE_EXTRA_CA")
        .map(|v| {
            v.split(':')
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default();
    set
}

#[tokio::test]
async fn python_image_builds_once_then_is_up_to_date() {
    let Some(docker) = docker_or_skip().await else {
        return;
    };
    let mut options = BuildOptions::new(python_set());
    options.progress = ProgressMode::Quiet;

    let first = images::build(&docker, &options).await.expect("first build");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, Language::Python.into());

    let started = Instant::now();
    let second = images::build(&docker, &options)
        .await
        .expect("second build");
    let took = started.elapsed();
    assert_eq!(second[0].status, BuildStatus::UpToDate, "{second:?}");
    assert_eq!(second[0].tag, first[0].tag, "same sources, same hash tag");
    assert!(took < Duration::from_secs(5), "a no-op build took {took:?}");

    // latest and the hash tag are the same image.
    let by_hash = docker::image_id(&docker, &first[0].tag).await.unwrap();
    let latest = docker::image_id(&docker, &images::latest_tag(&Language::Python.into()))
        .await
        .unwrap();
    assert_eq!(by_hash, latest);

    let statuses = images::list(&docker, &options.set).await.expect("list");
    assert_eq!(statuses.len(), 1);
    let python = &statuses[0];
    assert_eq!(python.state, ImageState::UpToDate, "{python:?}");
    assert_eq!(
        python.latest.as_ref().and_then(|l| l.context_hash.clone()),
        python.current_hash
    );
}

#[tokio::test]
async fn changed_sources_make_the_image_stale() {
    let Some(docker) = docker_or_skip().await else {
        return;
    };
    // The context with one more CA file has another hash, so `latest` (built without it) must show
    // as stale for that set, without building anything.
    let dir = std::env::temp_dir().join(format!("crucible-images-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("extra.crt");
    std::fs::write(&ca, "not really a certificate\n").unwrap();
    let mut set = python_set();
    set.extra_ca.push(ca);
    let statuses = images::list(&docker, &set).await.expect("list");
    std::fs::remove_dir_all(&dir).unwrap();
    let python = &statuses[0];
    if python.latest.is_some() {
        assert_eq!(python.state, ImageState::Stale, "{python:?}");
    } else {
        assert_eq!(python.state, ImageState::Missing);
    }
}

#[test]
fn only_language_without_image_dir_is_an_error_naming_the_path() {
    let mut set = ImageSet::new(std::env::temp_dir());
    set.only = vec![Language::Python.into()];
    let err = set.dirs().unwrap_err().to_string();
    assert!(err.contains("images"), "{err}");
}

/// Two throwaway images named by their directories, the second on the first: `--only` the second
/// builds both, parent first; the label carries the name; list and prune work per name. Both are
/// removed at the end.
#[tokio::test]
async fn images_named_by_directory_build_on_each_other() {
    let Some(docker) = docker_or_skip().await else {
        return;
    };
    let id = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let parent = format!("test-{id}");
    let child = format!("test-{id}-child");
    let root = std::env::temp_dir().join(format!("crucible-images-named-{id}"));
    let write = |name: &str, dockerfile: String| {
        let dir = root.join("images").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    };
    write(
        &parent,
        "ARG BASE_IMAGE=crucible/base:bookworm\nFROM ${BASE_IMAGE}\nRUN echo parent > /parent-marker\n"
            .into(),
    );
    write(
        &child,
        format!(
            "ARG BASE_IMAGE=crucible/{parent}:latest\nFROM ${{BASE_IMAGE}}\nRUN test -f /parent-marker\n"
        ),
    );
    let mut set = ImageSet::new(&root);
    set.only = vec![child.parse().unwrap()];
    let mut options = BuildOptions::new(set.clone());
    options.progress = ProgressMode::Quiet;

    let first = images::build(&docker, &options).await;
    let second = images::build(&docker, &options).await;
    let statuses = images::list(&docker, &set).await;
    let labelled = images::crucible_images(&docker).await;
    let pruned = images::prune(&docker, &set).await;
    // Clean up before asserting: the child's names first, then the parent's.
    for name in [&child, &parent] {
        let repo = format!("crucible/{name}");
        for image in images::crucible_images(&docker).await.unwrap_or_default() {
            for tag in image
                .tags
                .iter()
                .filter(|t| t.starts_with(&format!("{repo}:")))
            {
                let _ = docker::image::remove_image(&docker, tag).await;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);

    let first = first.expect("first build");
    let built: Vec<(String, BuildStatus)> = first
        .iter()
        .map(|o| (o.name.to_string(), o.status))
        .collect();
    assert_eq!(
        built,
        [
            (parent.clone(), BuildStatus::Built),
            (child.clone(), BuildStatus::Built)
        ]
    );
    assert!(first[1].tag.starts_with(&format!("crucible/{child}:")));
    let second = second.expect("second build");
    assert!(
        second.iter().all(|o| o.status == BuildStatus::UpToDate),
        "{second:?}"
    );
    let statuses = statuses.expect("list");
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_eq!(statuses[0].name.as_str(), child);
    assert_eq!(statuses[0].state, ImageState::UpToDate);
    let child_image = labelled
        .expect("crucible images")
        .into_iter()
        .find(|i| i.tags.contains(&first[1].tag))
        .expect("the child image is labelled");
    assert_eq!(child_image.name.map(|n| n.to_string()), Some(child.clone()));
    let pruned = pruned.expect("prune");
    assert!(pruned.removed.is_empty(), "{pruned:?}");
    assert!(pruned.kept.contains(&first[1].tag), "{pruned:?}");
}
