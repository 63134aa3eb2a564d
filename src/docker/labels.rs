//! Labels on every container crucible creates, so leftovers can always be found and removed.
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every crucible container carries this label; its value is the creating process's instance id.
pub const OWNER: &str = "crucible.owner";
pub const RUN_ID: &str = "crucible.run";
pub const TASK_ID: &str = "crucible.task";
/// Unix time (s) the container was created; the start-up sweep removes only older orphans.
pub const CREATED: &str = "crucible.created";
/// Host name of the creating process, so a pid in `OWNER` is only checked on its own host.
pub const HOST: &str = "crucible.host";

/// This process's instance id: distinct per process, so concurrent crucible processes never
/// remove each other's live containers.
pub fn instance_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()))
}

pub fn for_execution(run_id: Option<&str>, task_id: Option<&str>) -> HashMap<String, String> {
    let mut labels = HashMap::new();
    labels.insert(OWNER.into(), instance_id().into());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    labels.insert(CREATED.into(), now.to_string());
    labels.insert(HOST.into(), hostname());
    if let Some(r) = run_id {
        labels.insert(RUN_ID.into(), r.into());
    }
    if let Some(t) = task_id {
        labels.insert(TASK_ID.into(), sanitize(t));
    }
    labels
}

/// Label values come from task ids (user input): keep them printable and short.
fn sanitize(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}
