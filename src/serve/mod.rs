//! `crucible serve`: the sandbox as an HTTP service. A native JSON API (`/v1`), drop-in
//! SandboxFusion (`/run_code`) and Piston (`/api/v2`) endpoints, health, metrics and OpenAPI,
//! over warm reuse and fresh sandboxes, with bounded admission, bearer tokens and graceful
//! shutdown (docs/serve.md).
mod admission;
mod app;
mod auth;
mod batch;
mod config;
pub mod dashboard;
mod error;
mod executor_api;
mod files;
mod health;
mod io_spec;
mod languages;
mod metrics;
mod native;
mod openapi;
mod piston;
mod runner;
pub mod runs;
mod sandboxfusion;
mod scrub;
mod server;
mod state;
mod warm;

pub use admission::{Admission, AdmissionError};
pub use app::{app, app_with};
pub use config::{Isolation, LimitCaps, ServeConfig};
pub use error::ApiError;
pub use metrics::Metrics;
pub use native::{CaseRequest, ExecuteRequest, LimitsRequest};
pub use openapi::openapi;
pub use runner::Ran;
pub use scrub::scrub_host_paths;
pub use server::{ServeError, ShutdownReport, check_exposure, serve};
pub use state::{ServeState, Warmth};
pub use warm::warm_up;
