//! Payloads stored by content: each file is a blob named by its sha256, and a payload is a
//! manifest of (path, hidden, blob). Task files shared by every candidate of a task are one blob
//! each, whatever the number of candidates; only candidates' own files are new.
use crate::payload::{Payload, PayloadLimits};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PayloadManifest {
    /// The payload tarball's sha256: what the rebuilt payload must hash to.
    pub sha256: String,
    pub files: Vec<ManifestFile>,
    /// Set when the payload cannot be rebuilt from its files (a tarball from outside with its
    /// own modes): the whole tarball is this one blob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tar: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ManifestFile {
    pub path: String,
    pub hidden: bool,
    pub blob: String,
}

pub(crate) type Blobs = Vec<(String, Vec<u8>)>;

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl PayloadManifest {
    /// The blobs this manifest names.
    pub fn blob_names(&self) -> BTreeSet<String> {
        match &self.tar {
            Some(tar) => BTreeSet::from([tar.clone()]),
            None => self.files.iter().map(|f| f.blob.clone()).collect(),
        }
    }
}

/// A payload as a manifest and the blobs it needs. Falls back to one blob for the whole
/// tarball when rebuilding from the files would not give the same bytes.
pub(crate) fn split(payload: &Payload) -> (PayloadManifest, Blobs) {
    if let Ok(files) = payload.files() {
        let mut blobs = Vec::new();
        let mut entries = Vec::new();
        let mut by_name = HashMap::new();
        for f in files {
            let blob = sha256(&f.bytes);
            entries.push(ManifestFile {
                path: f.path,
                hidden: f.hidden,
                blob: blob.clone(),
            });
            by_name.insert(blob.clone(), Arc::new(f.bytes.clone()));
            blobs.push((blob, f.bytes));
        }
        let manifest = PayloadManifest {
            sha256: payload.sha256().to_string(),
            files: entries,
            tar: None,
        };
        if join(&manifest, &by_name).is_ok() {
            return (manifest, blobs);
        }
    }
    let tar = sha256(payload.bytes());
    (
        PayloadManifest {
            sha256: payload.sha256().to_string(),
            files: Vec::new(),
            tar: Some(tar.clone()),
        },
        vec![(tar, payload.bytes().to_vec())],
    )
}

/// Rebuild the payload from its blobs; refused unless it hashes to what was enqueued.
pub(crate) fn join(
    manifest: &PayloadManifest,
    blobs: &HashMap<String, Arc<Vec<u8>>>,
) -> Result<Payload, String> {
    let get = |name: &str| {
        blobs
            .get(name)
            .ok_or_else(|| format!("blob {name} is missing from the store"))
    };
    let payload = match &manifest.tar {
        Some(tar) => Payload::from_tar(get(tar)?.to_vec(), &PayloadLimits::default())
            .map_err(|e| e.to_string())?,
        None => {
            let mut files = BTreeMap::new();
            let mut hidden = BTreeSet::new();
            for f in &manifest.files {
                files.insert(f.path.clone(), get(&f.blob)?.to_vec());
                if f.hidden {
                    hidden.insert(f.path.clone());
                }
            }
            Payload::from_layers(&[&files], &PayloadLimits::default(), &|p| {
                hidden.contains(p)
            })
            .map_err(|e| e.to_string())?
        }
    };
    if payload.sha256() != manifest.sha256 {
        return Err(format!(
            "the payload rebuilt from the store hashes to {}, not {} as enqueued",
            payload.sha256(),
            manifest.sha256
        ));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_survives_the_round_trip_and_shares_blobs_by_content() {
        let task = BTreeMap::from([
            ("tests/test_x.py".to_string(), b"def test(): pass".to_vec()),
            ("secret.txt".to_string(), b"answer".to_vec()),
        ]);
        let a = BTreeMap::from([("solution.py".to_string(), b"x = 1".to_vec())]);
        let b = BTreeMap::from([("solution.py".to_string(), b"x = 2".to_vec())]);
        let limits = PayloadLimits::default();
        let hidden = |p: &str| p == "secret.txt";
        let pa = Payload::from_layers(&[&task, &a], &limits, &hidden).unwrap();
        let pb = Payload::from_layers(&[&task, &b], &limits, &hidden).unwrap();
        let (ma, ba) = split(&pa);
        let (mb, _) = split(&pb);
        assert!(ma.tar.is_none());
        let shared: BTreeSet<_> = ma
            .blob_names()
            .intersection(&mb.blob_names())
            .cloned()
            .collect();
        assert_eq!(
            shared.len(),
            2,
            "the task's two files are one blob each for both"
        );
        let store: HashMap<_, _> = ba.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let back = join(&ma, &store).unwrap();
        assert_eq!(back.bytes(), pa.bytes());
        assert_eq!(back.files().unwrap().iter().filter(|f| f.hidden).count(), 1);
    }

    #[test]
    fn a_tampered_blob_is_refused() {
        let files = BTreeMap::from([("a.py".to_string(), b"print(1)".to_vec())]);
        let p = Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false).unwrap();
        let (m, blobs) = split(&p);
        let mut store: HashMap<_, _> = blobs
            .into_iter()
            .map(|(k, _)| (k, Arc::new(b"evil".to_vec())))
            .collect();
        assert!(join(&m, &store).unwrap_err().contains("hashes to"));
        store.clear();
        assert!(join(&m, &store).unwrap_err().contains("missing"));
    }
}
