//! Where the image build directories live: `<repo>/images/<name>/Dockerfile`, one image per
//! directory, named by it. An image builds on the base image, or on one other crucible image that its
//! Dockerfile names (`ARG BASE_IMAGE=crucible/<name>:latest`, or `FROM crucible/<name>...`).
use super::error::ImagesError;
use super::naming::ImageName;
use crate::task::Language;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDir {
    pub name: ImageName,
    /// The directory holding the Dockerfile: the build context (plus `extra-ca/` files).
    pub path: PathBuf,
    /// The crucible image this one builds on, if any (else the base image).
    pub parent: Option<ImageName>,
}

/// The image directories under `repo_root/images`: the languages first (in `Language::ALL` order),
/// then the other names sorted. Hidden directories are skipped; a directory with a Dockerfile and an
/// invalid name, or a parent that is missing or makes a cycle, is an error. Errors when there is no
/// image at all, since then the root is almost certainly wrong.
pub fn find_image_dirs(repo_root: &Path) -> Result<Vec<ImageDir>, ImagesError> {
    let mut dirs = Vec::new();
    for path in dockerfile_dirs(repo_root)? {
        let dir_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = ImageName::parse(&dir_name).map_err(|reason| ImagesError::InvalidImageDir {
            path: path.clone(),
            reason,
        })?;
        let dockerfile = path.join("Dockerfile");
        let text = fs::read_to_string(&dockerfile).map_err(|source| ImagesError::Context {
            path: dockerfile.clone(),
            source,
        })?;
        let parent = declared_parent(&text).map_err(|message| ImagesError::Parent {
            dockerfile: dockerfile.clone(),
            message,
        })?;
        dirs.push(ImageDir { name, path, parent });
    }
    if dirs.is_empty() {
        return Err(ImagesError::NoImageDirs {
            root: repo_root.to_path_buf(),
        });
    }
    dirs.sort_by_key(|d| (d.name.language().map_or(usize::MAX, rank), d.name.clone()));
    check_parents(&dirs)?;
    Ok(dirs)
}

/// The nearest ancestor of `start` (itself included) that has some `images/<name>/Dockerfile`.
/// Names are not checked here, so a bad one is reported by the command, not as "no repository".
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dockerfile_dirs(dir).is_ok_and(|found| !found.is_empty()))
        .map(Path::to_path_buf)
}

fn rank(lang: Language) -> usize {
    Language::ALL.iter().position(|l| *l == lang).unwrap_or(0)
}

/// The non-hidden directories of `repo_root/images` that hold a Dockerfile (unsorted).
fn dockerfile_dirs(repo_root: &Path) -> Result<Vec<PathBuf>, ImagesError> {
    let images = repo_root.join("images");
    let Ok(entries) = fs::read_dir(&images) else {
        return Err(ImagesError::NoImageDirs {
            root: repo_root.to_path_buf(),
        });
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ImagesError::Context {
            path: images.clone(),
            source,
        })?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let path = entry.path();
        if !hidden && path.join("Dockerfile").is_file() {
            found.push(path);
        }
    }
    Ok(found)
}

/// The crucible image a Dockerfile builds on: the default of `ARG BASE_IMAGE` or a `FROM` naming
/// `crucible/<name>` (the base image `crucible/base` is not one). At most one.
pub fn declared_parent(dockerfile: &str) -> Result<Option<ImageName>, String> {
    let mut found = BTreeSet::new();
    for line in dockerfile.lines() {
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else {
            continue;
        };
        let reference = if instruction.eq_ignore_ascii_case("ARG") {
            words
                .next()
                .and_then(|w| w.strip_prefix("BASE_IMAGE="))
                .map(|v| v.trim_matches(['"', '\'']))
        } else if instruction.eq_ignore_ascii_case("FROM") {
            words.find(|w| !w.starts_with("--"))
        } else {
            None
        };
        if let Some(name) = reference.and_then(ImageName::from_reference) {
            found.insert(name);
        }
    }
    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (first, None) => Ok(first),
        (Some(a), Some(b)) => Err(format!(
            "it builds on several crucible images (crucible/{a}, crucible/{b}); an image builds on one at most"
        )),
        (None, Some(_)) => unreachable!("an iterator yields nothing after its end"),
    }
}

/// Every parent exists and no image builds on itself, directly or not.
fn check_parents(dirs: &[ImageDir]) -> Result<(), ImagesError> {
    let find = |name: &ImageName| dirs.iter().find(|d| d.name == *name);
    for dir in dirs {
        let mut chain = vec![dir.name.clone()];
        let mut current = dir;
        while let Some(parent) = &current.parent {
            let fail = |message: String| ImagesError::Parent {
                dockerfile: current.path.join("Dockerfile"),
                message,
            };
            let Some(next) = find(parent) else {
                return Err(fail(format!(
                    "it builds on crucible/{parent}, but there is no image directory images/{parent}/"
                )));
            };
            if chain.contains(parent) {
                chain.push(parent.clone());
                let cycle: Vec<&str> = chain.iter().map(ImageName::as_str).collect();
                return Err(fail(format!(
                    "images build on each other in a cycle: {}",
                    cycle.join(" -> ")
                )));
            }
            chain.push(parent.clone());
            current = next;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempRepo(PathBuf);

    impl TempRepo {
        fn new() -> TempRepo {
            let dir = std::env::temp_dir().join(format!("crucible-dirs-{}", uuid::Uuid::new_v4()));
            fs::create_dir_all(dir.join("images")).unwrap();
            TempRepo(dir)
        }

        fn image(&self, name: &str, dockerfile: &str) -> &TempRepo {
            let dir = self.0.join("images").join(name);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
            self
        }
    }

    impl Drop for TempRepo {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const ON_BASE: &str = "ARG BASE_IMAGE=crucible/base:bookworm\nFROM ${BASE_IMAGE}\n";

    fn names(dirs: &[ImageDir]) -> Vec<&str> {
        dirs.iter().map(|d| d.name.as_str()).collect()
    }

    #[test]
    fn every_dir_with_a_dockerfile_is_an_image_named_by_it() {
        let repo = TempRepo::new();
        repo.image("foo-bar", ON_BASE)
            .image("cpp", ON_BASE)
            .image("python", ON_BASE)
            .image("abc", ON_BASE);
        fs::create_dir_all(repo.0.join("images/notes")).unwrap(); // no Dockerfile: not an image
        fs::create_dir_all(repo.0.join("images/.cache")).unwrap();
        fs::write(repo.0.join("images/.cache/Dockerfile"), ON_BASE).unwrap(); // hidden: skipped
        fs::write(repo.0.join("images/README.md"), "x").unwrap();

        let dirs = find_image_dirs(&repo.0).unwrap();
        assert_eq!(names(&dirs), ["python", "cpp", "abc", "foo-bar"]);
        let foo = &dirs[3];
        assert_eq!(foo.path, repo.0.join("images/foo-bar"));
        assert_eq!(foo.parent, None);
        assert_eq!(
            find_repo_root(&repo.0.join("images/foo-bar")),
            Some(repo.0.clone())
        );
    }

    #[test]
    fn an_invalid_name_is_refused_naming_the_directory() {
        let repo = TempRepo::new();
        repo.image("python", ON_BASE).image("Foo_Bar", ON_BASE);
        let err = find_image_dirs(&repo.0).unwrap_err().to_string();
        assert!(err.contains("images/Foo_Bar"), "{err}");
        assert!(err.contains("lowercase letters, digits and '-'"), "{err}");
        // The repository is still found, so the command can say what is wrong with it.
        assert_eq!(find_repo_root(&repo.0), Some(repo.0.clone()));
    }

    #[test]
    fn no_images_dir_is_an_error() {
        let repo = TempRepo::new();
        assert!(matches!(
            find_image_dirs(&repo.0),
            Err(ImagesError::NoImageDirs { .. })
        ));
    }

    #[test]
    fn a_dockerfile_names_its_parent() {
        assert_eq!(declared_parent(ON_BASE), Ok(None));
        assert_eq!(declared_parent("FROM debian:bookworm-slim\n"), Ok(None));
        let python = Some(ImageName::from(Language::Python));
        let by_arg = "# on python\nARG BASE_IMAGE=crucible/python:latest\nFROM ${BASE_IMAGE}\n";
        assert_eq!(declared_parent(by_arg), Ok(python.clone()));
        let by_from = "FROM --platform=linux/amd64 crucible/python:latest AS run\n";
        assert_eq!(declared_parent(by_from), Ok(python));
        let two = "FROM crucible/python AS a\nFROM crucible/node\n";
        assert!(declared_parent(two).unwrap_err().contains("one at most"));
    }

    #[test]
    fn parents_must_exist_and_not_cycle() {
        let repo = TempRepo::new();
        repo.image("python", ON_BASE).image(
            "python-data",
            "ARG BASE_IMAGE=crucible/python:latest\nFROM ${BASE_IMAGE}\n",
        );
        let dirs = find_image_dirs(&repo.0).unwrap();
        assert_eq!(dirs[1].parent, Some(ImageName::from(Language::Python)));

        repo.image("orphan", "FROM crucible/missing:latest\n");
        let err = find_image_dirs(&repo.0).unwrap_err().to_string();
        assert!(err.contains("no image directory images/missing/"), "{err}");
        fs::remove_dir_all(repo.0.join("images/orphan")).unwrap();

        repo.image("a", "FROM crucible/b\n")
            .image("b", "FROM crucible/a\n");
        let err = find_image_dirs(&repo.0).unwrap_err().to_string();
        assert!(err.contains("cycle: a -> b -> a"), "{err}");
    }
}
