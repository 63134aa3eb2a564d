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
    set.only = vec![Language::Python];
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
    assert_eq!(first[0].language, Language::Python);

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
    let latest = docker::image_id(&docker, &images::latest_tag(Language::Python))
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
    set.only = vec![Language::Python];
    let err = set.dirs().unwrap_err().to_string();
    assert!(err.contains("images"), "{err}");
}
