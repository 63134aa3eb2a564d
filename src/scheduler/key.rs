//! What makes two executions the same: resume skips an execution whose key already has a verdict.
use crate::execution::ExecutionSpec;
use sha2::{Digest, Sha256};

/// sha256 over the task id, image id, payload, command, limits and runtime. Changing a test file
/// or rebuilding an image changes the key of exactly the executions it affects.
pub fn execution_key(
    task_id: &str,
    image_id: &str,
    spec: &ExecutionSpec,
    runtime: Option<&str>,
) -> String {
    let material = serde_json::json!({
        "task": task_id,
        "image_id": image_id,
        "payload_sha256": spec.payload.sha256(),
        "command": spec.command,
        "limits": spec.limits,
        "runtime": runtime,
    });
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}
