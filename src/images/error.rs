//! Everything that can go wrong while building, listing or pruning the runtime images.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImagesError {
    #[error(
        "no image directories under {root}: expected {root}/images/<lang>/Dockerfile; run crucible from the crucible repository (or pass its path)"
    )]
    NoImageDirs { root: PathBuf },

    #[error("cannot read {path} for the build context: {source}")]
    Context {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("extra CA path {path} has no *.crt file (give a PEM .crt file or a directory of them)")]
    NoCaFiles { path: PathBuf },

    #[error("{message}")]
    BaseImage { message: String },

    #[error("building {image} failed at {step}: {message}\nlast build output:\n{last_lines}")]
    Build {
        image: String,
        step: String,
        message: String,
        last_lines: String,
    },

    #[error("cannot inspect image {image}: {source}")]
    Inspect {
        image: String,
        #[source]
        source: bollard::errors::Error,
    },

    #[error("cannot list crucible images ({filter}): {source}")]
    List {
        filter: String,
        #[source]
        source: bollard::errors::Error,
    },

    #[error("cannot remove image {image}: {source}")]
    Remove {
        image: String,
        #[source]
        source: bollard::errors::Error,
    },

    #[error("cannot tag image {image} as {tag}: {source}")]
    Tag {
        image: String,
        tag: String,
        #[source]
        source: bollard::errors::Error,
    },
}

/// True when the daemon answered 404 (the image does not exist), as opposed to any other failure.
pub(crate) fn is_not_found(err: &bollard::errors::Error) -> bool {
    matches!(
        err,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}
