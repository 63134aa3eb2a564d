//! Image names and labels: one place for the `crucible/<name>:<tag>` scheme. An image is named by
//! its directory, `images/<name>/`; the six languages are names too.
use super::error::ImagesError;
use crate::task::Language;
use std::fmt;

/// Label on every image crucible builds: its name (for images built before names, the language,
/// which is the same string).
pub const LABEL_IMAGE: &str = "crucible.image";
/// Label with the context hash the image was built from.
pub const LABEL_CONTEXT_HASH: &str = "crucible.context-hash";
/// The base image the Dockerfiles start from unless told otherwise (built by `scripts/build-base-image`).
pub const DEFAULT_BASE_IMAGE: &str = "crucible/base:bookworm";
/// The repository of the default base image: no image directory may take its name.
const RESERVED_NAMES: [&str; 1] = ["base"];
/// Longest name accepted (a Docker repository path component may be longer; this keeps tags short).
const MAX_NAME_LEN: usize = 64;

/// The name of an image directory: lowercase ASCII letters, digits and `-`, starting and ending
/// with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageName(String);

impl ImageName {
    /// Check `name`; the error says what is wrong (not which directory: the caller knows that).
    pub fn parse(name: &str) -> Result<ImageName, String> {
        if name.is_empty() {
            return Err("an image name cannot be empty".into());
        }
        if name.len() > MAX_NAME_LEN {
            return Err(format!("{name:?} is longer than {MAX_NAME_LEN} characters"));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "{name:?} has {bad:?}: image names use only lowercase letters, digits and '-'"
            ));
        }
        if name.starts_with('-') || name.ends_with('-') {
            return Err(format!(
                "{name:?} starts or ends with '-': image names start and end with a letter or digit"
            ));
        }
        if RESERVED_NAMES.contains(&name) {
            return Err(format!(
                "{name:?} is reserved (crucible/{name} is the base image's repository)"
            ));
        }
        Ok(ImageName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language whose default image this is, if any (exact name, no aliases).
    pub fn language(&self) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_str() == self.0)
    }

    /// The name in a reference `crucible/<name>[:tag][@digest]`, if it is one (not the base image).
    pub fn from_reference(reference: &str) -> Option<ImageName> {
        let rest = reference.strip_prefix("crucible/")?;
        let name = rest.split(['@', ':']).next().unwrap_or_default();
        ImageName::parse(name).ok()
    }
}

impl From<Language> for ImageName {
    fn from(lang: Language) -> ImageName {
        ImageName(lang.as_str().to_string())
    }
}

impl fmt::Display for ImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ImageName {
    type Err = ImagesError;

    fn from_str(s: &str) -> Result<ImageName, ImagesError> {
        ImageName::parse(s).map_err(|reason| ImagesError::InvalidName { reason })
    }
}

/// `crucible/<name>`
pub fn repository(name: &ImageName) -> String {
    format!("crucible/{name}")
}

/// `crucible/<name>:<hash>`: the tag that says "built from exactly this context".
pub fn hash_tag(name: &ImageName, hash: &str) -> String {
    format!("{}:{hash}", repository(name))
}

/// `crucible/<name>:latest`: what tasks run (for a language, `Language::image`).
pub fn latest_tag(name: &ImageName) -> String {
    format!("{}:latest", repository(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_letters_digits_and_dashes() {
        for good in ["python", "python-data", "cpp", "x", "a1-b2"] {
            assert_eq!(ImageName::parse(good).unwrap().as_str(), good);
        }
        for (bad, why) in [
            ("", "empty"),
            ("Python", "'P'"),
            ("python_data", "'_'"),
            ("py.data", "'.'"),
            ("-x", "starts or ends"),
            ("x-", "starts or ends"),
            ("base", "reserved"),
        ] {
            let err = ImageName::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        assert!(ImageName::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn a_language_name_gives_its_default_image() {
        for lang in Language::ALL {
            let name = ImageName::from(lang);
            assert_eq!(latest_tag(&name), lang.image());
            assert_eq!(name.language(), Some(lang));
        }
        let data = ImageName::parse("python-data").unwrap();
        assert_eq!(data.language(), None);
        assert_eq!(latest_tag(&data), "crucible/python-data:latest");
        assert_eq!(hash_tag(&data, "abc"), "crucible/python-data:abc");
    }

    #[test]
    fn references_to_crucible_images() {
        let python = Some(ImageName::from(Language::Python));
        assert_eq!(ImageName::from_reference("crucible/python:latest"), python);
        assert_eq!(ImageName::from_reference("crucible/python"), python);
        assert_eq!(
            ImageName::from_reference("crucible/python@sha256:00"),
            python
        );
        assert_eq!(ImageName::from_reference("crucible/base:bookworm"), None);
        assert_eq!(ImageName::from_reference("debian:bookworm-slim"), None);
        assert_eq!(ImageName::from_reference("${BASE_IMAGE}"), None);
    }
}
