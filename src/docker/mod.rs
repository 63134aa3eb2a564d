//! The one place that talks to the Docker Engine API (bollard).
mod client;
pub mod container;
mod container_spec;
mod engine;
mod error;
pub mod labels;

pub use bollard::Docker;
pub use client::{connect, image_id, ping, require_runtime, runtimes};
pub use container_spec::ContainerSpec;
pub use engine::{Engine, limits_ignored};
pub use error::DockerError;

pub mod build;
pub mod image;
pub mod system;
pub use build::{BuildEvent, BuildRequest};
pub use image::ImageSummary;
pub use system::{DaemonInfo, DaemonVersion};
