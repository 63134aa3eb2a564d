//! Containers created ahead of need (default mode). The scheduler knows which executions come
//! next; creating and attaching their containers while the current ones run takes two of the
//! lifecycle's API round trips off the critical path, so a slot that frees only has to start.
use super::executor::{ExecutionSpec, Sandbox};
use crate::docker::DockerError;
use crate::docker::container::{self, OutputStream};
use std::pin::Pin;
use tokio::io::AsyncWrite;
use tokio::task::JoinHandle;

/// A created, attached, not yet started container.
pub struct Created {
    pub id: String,
    pub output: OutputStream,
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
}

/// A container being created in the background for one execution. Dropping it without running
/// leaves the container to the live set (`remove_all_live`) and the owner-label sweep.
pub struct Ahead {
    image: String,
    creation: JoinHandle<Result<Created, DockerError>>,
}

impl Ahead {
    pub(super) async fn ready(self) -> Result<Created, DockerError> {
        self.creation.await.unwrap_or_else(|e| {
            Err(DockerError::CreateContainer {
                image: self.image,
                source: bollard::errors::Error::DockerStreamError {
                    error: format!("the creation task ended early: {e}"),
                },
            })
        })
    }

    /// Stop a creation that will not be used (shutdown).
    pub fn abort(&self) {
        self.creation.abort();
    }
}

impl Sandbox {
    /// Start creating the container for `spec` now. `None` in reuse mode (nothing to create).
    pub fn create_ahead(self: &std::sync::Arc<Self>, spec: &ExecutionSpec) -> Option<Ahead> {
        if self.reusing() {
            return None;
        }
        let (sandbox, spec) = (self.clone(), spec.clone());
        Some(Ahead {
            image: spec.image.clone(),
            creation: tokio::spawn(async move { sandbox.create(&spec).await }),
        })
    }

    /// Create and attach the container of one execution; it is in the live set from here on.
    pub(super) async fn create(&self, spec: &ExecutionSpec) -> Result<Created, DockerError> {
        let body = self.container_body(spec);
        let id = container::create(self.docker(), body).await?;
        self.live().track(self.docker(), &id).hand_off();
        let attached = container::attach(self.docker(), &id).await?;
        Ok(Created {
            id,
            output: attached.output,
            input: attached.input,
        })
    }
}
