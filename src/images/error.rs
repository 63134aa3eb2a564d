//! Everything that can go wrong while building, listing or pruning the runtime images.
use crate::docker::DockerError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImagesError {
    #[error(
        "no image directories under {root}: expected {root}/images/<name>/Dockerfile; run crucible from the crucible repository (or pass its path)"
    )]
    NoImageDirs { root: PathBuf },

    #[error("invalid image name: {reason}")]
    InvalidName { reason: String },

    #[error("image directory {path} has an invalid name: {reason}; rename the directory")]
    InvalidImageDir { path: PathBuf, reason: String },

    #[error(
        "no image directory {root}/images/{name}/ (with a Dockerfile); the images there are: {known}"
    )]
    UnknownImage {
        name: String,
        root: PathBuf,
        known: String,
    },

    #[error("{dockerfile}: {message}")]
    Parent {
        dockerfile: PathBuf,
        message: String,
    },

    #[error("{image} was not built because {parent}, which it builds on, failed")]
    ParentFailed { image: String, parent: String },

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

    /// A Docker operation failed; the error names the operation and its target.
    #[error(transparent)]
    Docker(#[from] DockerError),
}
