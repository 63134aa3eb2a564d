//! Why the remote executor could not start: nothing was sent yet.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "executor URL `{0}` is not usable: give a replica's base URL like http://127.0.0.1:8080 \
         (plain http; put TLS in a proxy in front, see docs/scale-out.md)"
    )]
    BadUrl(String),
    #[error("--executor needs at least one replica URL")]
    NoUrls,
    #[error("no replica answered: {0}; start `crucible serve` there or fix the URLs")]
    NoReplica(String),
    #[error(
        "replica {0} refused the token: give the replica's token with --executor-token or \
         CRUCIBLE_EXECUTOR_TOKEN"
    )]
    Unauthorized(String),
    #[error(
        "replica {url} runs containers with runtime {theirs:?} but {wanted:?} was asked for: \
         results would differ (the runtime is part of every execution key); start every replica \
         with the same --runtime"
    )]
    Runtime {
        url: String,
        theirs: Option<String>,
        wanted: Option<String>,
    },
    #[error(
        "replica {url} does not allow isolation `{isolation}` (it allows: {allowed}); start it \
         with --isolation including {isolation}"
    )]
    Isolation {
        url: String,
        isolation: String,
        allowed: String,
    },
    #[error("setting up the HTTP client failed: {0}")]
    Client(String),
}
