//! One image ready to build: its context bytes and the hash they (with base and args) give.
use super::context::{build_context, collect_ca_files};
use super::dirs::ImageDir;
use super::error::ImagesError;
use super::hash::context_hash;
use super::naming;
use super::spec::ImageSet;
use crate::task::Language;

#[derive(Debug, Clone)]
pub struct PreparedImage {
    pub dir: ImageDir,
    pub context: Vec<u8>,
    pub hash: String,
}

impl PreparedImage {
    pub fn language(&self) -> Language {
        self.dir.language
    }

    pub fn hash_tag(&self) -> String {
        naming::hash_tag(self.language(), &self.hash)
    }
}

/// The contexts and hashes of the selected images, given the base image's id.
pub fn prepare_images(set: &ImageSet, base_id: &str) -> Result<Vec<PreparedImage>, ImagesError> {
    let ca_files = collect_ca_files(&set.extra_ca)?;
    let args = set.build_args();
    set.dirs()?
        .into_iter()
        .map(|dir| {
            let context = build_context(&dir.path, &ca_files)?;
            let hash = context_hash(&context, set.base_ref(), base_id, &args);
            Ok(PreparedImage { dir, context, hash })
        })
        .collect()
}
