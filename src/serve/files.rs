//! Files a request sends, as text or base64, into a validated payload. The payload's own
//! checks (paths, sizes, entry counts) apply; the server adds a cap on how many files.
use super::error::ApiError;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[default]
    Utf8,
    Base64,
}

/// One file's content.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileContent {
    pub content: String,
    #[serde(default)]
    pub encoding: Encoding,
}

pub fn decode_base64(what: &str, text: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| ApiError::BadRequest(format!("{what}: not valid base64 ({e})")))
}

pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The bytes of each file, refusing more than `max_files`.
pub fn decode_files(
    files: &BTreeMap<String, FileContent>,
    max_files: usize,
) -> Result<BTreeMap<String, Vec<u8>>, ApiError> {
    check_count(files.len(), max_files)?;
    files
        .iter()
        .map(|(path, f)| {
            let bytes = match f.encoding {
                Encoding::Utf8 => f.content.clone().into_bytes(),
                Encoding::Base64 => decode_base64(&format!("file `{path}`"), &f.content)?,
            };
            Ok((path.clone(), bytes))
        })
        .collect()
}

pub fn check_count(n: usize, max_files: usize) -> Result<(), ApiError> {
    if n > max_files {
        return Err(ApiError::BadRequest(format!(
            "{n} files sent; this server accepts at most {max_files} per request"
        )));
    }
    Ok(())
}
