//! What both backends share: the daemon connection, the hardening policy, the containers in
//! flight and their background removal, and the image ids already asked for.
use super::live::LiveContainers;
use super::policy::SandboxPolicy;
use super::reaper::Reaper;
use crate::docker::{self, Docker, DockerError};
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

    /// Remove a container in the background; it stays in the live set until it is gone.
    pub fn retire(&self, id: &str) {
        self.reaper.remove(&self.docker, &self.live, id);
    }
}
