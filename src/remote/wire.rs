//! What crosses the wire between `crucible run --executor` and a `crucible serve` replica: the
//! spec goes out, evidence (never a verdict) comes back. The coordinator judges.
use crate::execution::{Evidence, ExecutionSpec};
use serde::{Deserialize, Serialize};

/// The paths of the executor API, relative to a replica's base URL.
pub const INFO_PATH: &str = "/v1/executor/info";
pub const IMAGE_PATH: &str = "/v1/executor/image/";
pub const EXECUTE_PATH: &str = "/v1/executor/execute";

/// `POST /v1/executor/execute`: one execution, as the coordinator built it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutorRequest {
    /// The execution spec exactly as crucible builds it (image, command, payload, limits,
    /// expectation, split judge); see `src/execution/spec.rs`.
    #[schema(value_type = Object)]
    pub spec: ExecutionSpec,
    /// `fresh` (a new container; what `crucible run` uses) or `reuse` (a warm slot); default:
    /// the server's default isolation.
    #[serde(default)]
    pub isolation: Option<String>,
    /// The image id the coordinator keyed this execution with; a replica whose image differs
    /// refuses (409), so every result of one run comes from the same image.
    #[serde(default)]
    pub image_id: Option<String>,
}

/// The answer to an execution: the evidence, or why the replica could not produce it (its
/// daemon or image failed: an infrastructure error, retried elsewhere).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExecutorAnswer {
    #[schema(value_type = Object)]
    Evidence(Box<Evidence>),
    InfraError {
        message: String,
    },
}

/// `GET /v1/executor/info`: what the coordinator must know before sending work.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExecutorInfo {
    /// crucible's version on the replica.
    pub version: String,
    /// The OCI runtime of every container (part of the execution key).
    pub runtime: Option<String>,
    /// Executions the replica runs at once.
    pub concurrency: usize,
    /// Isolation modes a request may ask for.
    pub isolation: Vec<String>,
    /// A request is given up after this long on the replica (504).
    pub request_deadline_secs: u64,
}

/// `GET /v1/executor/image/{name}`: the content identity of an image on the replica.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImageIdentity {
    pub image: String,
    pub image_id: String,
}
