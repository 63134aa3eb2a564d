//! What both backends share: the daemon connection, the hardening policy, the containers in
//! flight and their background removal, and the image ids already asked for.
use super::live::LiveContainers;
use super::policy::SandboxPolicy;
use super::reaper::Reaper;
use crate::docker::{self, ContainerSpec, Docker, DockerError, container};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct Host {
    pub docker: Docker,
    pub policy: SandboxPolicy,
    pub live: LiveContainers,
    pub reaper: Reaper,
    image_ids: Mutex<HashMap<String, String>>,
}

impl Host {
    pub fn new(docker: Docker, policy: SandboxPolicy) -> Host {
        Host {
            docker,
            policy,
            live: LiveContainers::default(),
            reaper: Reaper::default(),
            image_ids: Mutex::new(HashMap::new()),
        }
    }

    /// The image's id, asked of the daemon once per image.
    pub async fn image_id(&self, image: &str) -> Result<String, DockerError> {
        if let Some(id) = self.image_ids.lock().expect("image id cache").get(image) {
            return Ok(id.clone());
        }
        let id = docker::image_id(&self.docker, image).await?;
        self.image_ids
            .lock()
            .expect("image id cache")
            .insert(image.into(), id.clone());
        Ok(id)
    }

    /// Create a container and track it as live. The daemon call runs to its end even when the
    /// caller gives up (a server's client went away): a container created for nobody is
    /// removed at once instead of waiting for the end-of-process sweep.
    pub async fn create(&self, spec: ContainerSpec) -> Result<String, DockerError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (docker, live) = (self.docker.clone(), self.live.clone());
        let image = spec.image.clone();
        tokio::spawn(async move {
            let created = container::create(&docker, &spec).await;
            if let Ok(id) = &created {
                live.track(&docker, id).hand_off();
            }
            if let Err(Ok(id)) = tx.send(created)
                && container::remove(&docker, &id).await.is_ok()
            {
                live.forget(&id);
            }
        });
        rx.await.unwrap_or_else(|e| {
            Err(DockerError::CreationAborted {
                image,
                message: e.to_string(),
            })
        })
    }

    /// Remove a container in the background; it stays in the live set until it is gone.
    pub fn retire(&self, id: &str) {
        self.reaper.remove(&self.docker, &self.live, id);
    }
}
