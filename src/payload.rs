//! The payload: a deterministic tarball of the files one execution needs, validated before any
//! container exists.
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;

/// The uid of the trusted judge process (a split judge): hidden entries are its alone.
pub const JUDGE_UID: u32 = 10002;

/// Bounds on what a payload may hold. Past any of them the payload is `invalid_input`.
#[derive(Debug, Clone)]
pub struct PayloadLimits {
    pub max_total_bytes: u64,
    pub max_entries: usize,
    pub max_path_bytes: usize,
}

impl Default for PayloadLimits {
    fn default() -> Self {
        PayloadLimits {
            max_total_bytes: 64 * 1024 * 1024,
            max_entries: 10_000,
            max_path_bytes: 255,
        }
    }
}

/// Why a payload was refused; the message names the offending entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("entry `{0}`: absolute paths are not allowed")]
    AbsolutePath(String),
    #[error("entry `{0}`: `..` components are not allowed")]
    ParentComponent(String),
    #[error("entry `{0}`: empty path or empty component")]
    EmptyPath(String),
    #[error("entry `{path}`: path is {len} bytes, the limit is {max}")]
    PathTooLong {
        path: String,
        len: usize,
        max: usize,
    },
    #[error("entry `{path}`: {kind} entries are not allowed (only regular files and directories)")]
    ForbiddenType { path: String, kind: String },
    #[error("entry `{0}`: setuid/setgid/sticky bits are not allowed")]
    SpecialMode(String),
    #[error("payload holds {count} entries, the limit is {max}")]
    TooManyEntries { count: usize, max: usize },
    #[error("payload holds {total} bytes, the limit is {max}")]
    TooLarge { total: u64, max: u64 },
    #[error("entry `{0}` appears twice (a candidate file may not replace one of the task's files)")]
    Duplicate(String),
    #[error("entry `{0}`: a file is used as a directory by another entry")]
    FileIsDirectory(String),
    #[error("entry `{0}`: path is not valid UTF-8")]
    NotUtf8(String),
    #[error("archive is malformed: {0}")]
    Malformed(String),
}

/// One regular file of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFile {
    pub path: String,
    /// The judge's alone (`JUDGE_UID`, 0400).
    pub hidden: bool,
    pub bytes: Vec<u8>,
}

/// A validated, deterministic tarball and its identity. On the wire it is its tar bytes, and
/// reading it back validates every entry again.
#[derive(Debug, Clone)]
pub struct Payload {
    bytes: Vec<u8>,
    sha256: String,
    entries: usize,
}

impl Payload {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// Hex sha256 of the tarball's bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// The content of the regular file at `path`, if the payload holds one.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        let mut archive = tar::Archive::new(self.bytes.as_slice());
        for entry in archive.entries().ok()? {
            let mut entry = entry.ok()?;
            if entry.header().entry_type().is_file()
                && entry.path_bytes().as_ref() == path.as_bytes()
            {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut bytes).ok()?;
                return Some(bytes);
            }
        }
        None
    }

    /// A payload of no files (a spec whose payload travels apart from it).
    pub fn empty() -> Payload {
        Payload::from_layers(&[], &PayloadLimits::default(), &|_| false)
            .expect("an empty payload is valid")
    }

    /// Every regular file with its bytes and whether it is the judge's (hidden), in order.
    pub fn files(&self) -> Result<Vec<PayloadFile>, PayloadError> {
        let malformed = |e: std::io::Error| PayloadError::Malformed(e.to_string());
        let mut files = Vec::new();
        let mut archive = tar::Archive::new(self.bytes.as_slice());
        for entry in archive.entries().map_err(malformed)? {
            let mut entry = entry.map_err(malformed)?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let hidden = entry.header().uid().map_err(malformed)? == JUDGE_UID as u64;
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).map_err(malformed)?;
            files.push(PayloadFile {
                path,
                hidden,
                bytes,
            });
        }
        Ok(files)
    }

    /// Build a payload from named files. The layering is the caller's: `layers` are applied in
    /// order, and a path present in two layers is refused rather than overwritten. Every entry
    /// is root's and read-only once unpacked; entries `hidden` says are the judge's alone
    /// (`JUDGE_UID`, mode 0400).
    pub fn from_layers(
        layers: &[&BTreeMap<String, Vec<u8>>],
        limits: &PayloadLimits,
        hidden: &dyn Fn(&str) -> bool,
    ) -> Result<Payload, PayloadError> {
        let mut files: BTreeMap<&str, &[u8]> = BTreeMap::new();
        for layer in layers {
            for (path, bytes) in layer.iter() {
                if files.insert(path.as_str(), bytes.as_slice()).is_some() {
                    return Err(PayloadError::Duplicate(path.clone()));
                }
            }
        }
        let mut total = 0u64;
        for (path, bytes) in &files {
            check_path(path, limits)?;
            total += bytes.len() as u64;
        }
        check_no_file_as_dir(files.keys().copied())?;
        if files.len() > limits.max_entries {
            return Err(PayloadError::TooManyEntries {
                count: files.len(),
                max: limits.max_entries,
            });
        }
        if total > limits.max_total_bytes {
            return Err(PayloadError::TooLarge {
                total,
                max: limits.max_total_bytes,
            });
        }
        let mut builder = tar::Builder::new(Vec::new());
        builder.mode(tar::HeaderMode::Deterministic);
        for (path, bytes) in &files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            let (owner, mode) = if hidden(path) {
                (JUDGE_UID as u64, 0o400)
            } else {
                (0, 0o644)
            };
            header.set_mode(mode);
            header.set_mtime(0);
            header.set_uid(owner);
            header.set_gid(owner);
            header.set_entry_type(tar::EntryType::Regular);
            builder
                .append_data(&mut header, path, *bytes)
                .map_err(|e| PayloadError::Malformed(format!("{path}: {e}")))?;
        }
        let bytes = builder
            .into_inner()
            .map_err(|e| PayloadError::Malformed(e.to_string()))?;
        Ok(Payload::from_validated(bytes, files.len()))
    }

    /// Accept a tarball from outside (e.g. a user's archive), validating every entry.
    pub fn from_tar(bytes: Vec<u8>, limits: &PayloadLimits) -> Result<Payload, PayloadError> {
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut count = 0usize;
        let mut total = 0u64;
        let mut seen = std::collections::BTreeSet::new();
        let entries = archive
            .entries()
            .map_err(|e| PayloadError::Malformed(e.to_string()))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| PayloadError::Malformed(e.to_string()))?;
            let raw = entry.path_bytes().into_owned();
            let path = String::from_utf8(raw.clone())
                .map_err(|_| PayloadError::NotUtf8(String::from_utf8_lossy(&raw).into_owned()))?;
            let header = entry.header();
            let kind = header.entry_type();
            if !(kind.is_file() || kind.is_dir()) {
                return Err(PayloadError::ForbiddenType {
                    path,
                    kind: entry_kind_name(kind),
                });
            }
            let mode = header
                .mode()
                .map_err(|e| PayloadError::Malformed(format!("{path}: {e}")))?;
            if mode & 0o7000 != 0 {
                return Err(PayloadError::SpecialMode(path));
            }
            let trimmed = path.trim_end_matches('/');
            check_path(trimmed, limits)?;
            if !seen.insert(trimmed.to_string()) {
                return Err(PayloadError::Duplicate(trimmed.to_string()));
            }
            count += 1;
            if count > limits.max_entries {
                return Err(PayloadError::TooManyEntries {
                    count,
                    max: limits.max_entries,
                });
            }
            // Count what the entry really holds, not what its header claims.
            let read = std::io::copy(
                &mut (&mut entry).take(limits.max_total_bytes + 1),
                &mut std::io::sink(),
            )
            .map_err(|e| PayloadError::Malformed(format!("{path}: {e}")))?;
            total += read;
            if total > limits.max_total_bytes {
                return Err(PayloadError::TooLarge {
                    total,
                    max: limits.max_total_bytes,
                });
            }
        }
        Ok(Payload::from_validated(bytes, count))
    }

    fn from_validated(bytes: Vec<u8>, entries: usize) -> Payload {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Payload {
            bytes,
            sha256,
            entries,
        }
    }
}

impl serde::Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.bytes)
    }
}

impl<'de> serde::Deserialize<'de> for Payload {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes: Vec<u8> = serde::Deserialize::deserialize(d)?;
        Payload::from_tar(bytes, &PayloadLimits::default()).map_err(serde::de::Error::custom)
    }
}

fn entry_kind_name(kind: tar::EntryType) -> String {
    match kind {
        tar::EntryType::Symlink => "symlink".into(),
        tar::EntryType::Link => "hardlink".into(),
        tar::EntryType::Char => "character device".into(),
        tar::EntryType::Block => "block device".into(),
        tar::EntryType::Fifo => "FIFO".into(),
        other => format!("{other:?}"),
    }
}

fn check_path(path: &str, limits: &PayloadLimits) -> Result<(), PayloadError> {
    if path.len() > limits.max_path_bytes {
        return Err(PayloadError::PathTooLong {
            path: path.chars().take(80).collect::<String>() + "…",
            len: path.len(),
            max: limits.max_path_bytes,
        });
    }
    if path.starts_with('/')
        || path.starts_with('\\')
        || path.contains(':') && path.len() > 1 && path.as_bytes()[1] == b':'
    {
        return Err(PayloadError::AbsolutePath(path.into()));
    }
    if path.contains('\0') || path.contains('\\') {
        return Err(PayloadError::Malformed(format!(
            "entry `{}`: NUL or backslash in path",
            path.escape_debug()
        )));
    }
    for component in path.split('/') {
        match component {
            ".." => return Err(PayloadError::ParentComponent(path.into())),
            "" | "." => return Err(PayloadError::EmptyPath(path.into())),
            _ => {}
        }
    }
    Ok(())
}

/// `a` and `a/b` cannot both be files.
fn check_no_file_as_dir<'a>(paths: impl Iterator<Item = &'a str>) -> Result<(), PayloadError> {
    let files: std::collections::BTreeSet<&str> = paths.collect();
    for path in &files {
        let mut prefix = String::new();
        for component in path
            .split('/')
            .collect::<Vec<_>>()
            .iter()
            .rev()
            .skip(1)
            .rev()
        {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(component);
            if files.contains(prefix.as_str()) {
                return Err(PayloadError::FileIsDirectory(prefix));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pairs
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    fn raw_tar(path: &str, kind: tar::EntryType, mode: u32, link: Option<&str>) -> Vec<u8> {
        let mut header = tar::Header::new_gnu();
        // Write the name bytes directly: `set_path` itself refuses `..` and absolute paths.
        header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(0);
        if let Some(l) = link {
            header.set_link_name(l).unwrap();
        }
        header.set_cksum();
        let mut b = tar::Builder::new(Vec::new());
        b.append(&header, std::io::empty()).unwrap();
        b.into_inner().unwrap()
    }

    #[test]
    fn same_files_give_the_same_bytes_and_hash() {
        let a = files(&[("b.py", "2"), ("a.py", "1")]);
        let p1 = Payload::from_layers(&[&a], &PayloadLimits::default(), &|_| false).unwrap();
        let p2 =
            Payload::from_layers(&[&a.clone()], &PayloadLimits::default(), &|_| false).unwrap();
        assert_eq!(p1.bytes(), p2.bytes());
        assert_eq!(p1.sha256(), p2.sha256());
        assert_eq!(p1.sha256().len(), 64);
        let changed = files(&[("b.py", "2"), ("a.py", "x")]);
        let p3 = Payload::from_layers(&[&changed], &PayloadLimits::default(), &|_| false).unwrap();
        assert_ne!(p1.sha256(), p3.sha256());
    }

    #[test]
    fn candidate_may_not_replace_a_task_file() {
        let task = files(&[("tests/test_a.py", "real")]);
        let cand = files(&[("tests/test_a.py", "fake")]);
        let err = Payload::from_layers(&[&task, &cand], &PayloadLimits::default(), &|_| false)
            .unwrap_err();
        assert_eq!(err, PayloadError::Duplicate("tests/test_a.py".into()));
    }

    #[test]
    fn hostile_paths_are_refused_by_name() {
        let l = PayloadLimits::default();
        for (path, expect) in [
            ("/etc/passwd", "absolute"),
            ("../escape.py", "`..`"),
            ("a/../../b", "`..`"),
            ("a//b", "empty"),
            ("./a", "empty"),
        ] {
            let err = Payload::from_layers(&[&files(&[(path, "x")])], &l, &|_| false).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(expect) && msg.contains(path), "{path}: {msg}");
        }
        let long = "a".repeat(300);
        let err = Payload::from_layers(&[&files(&[(&long, "x")])], &l, &|_| false).unwrap_err();
        assert!(matches!(err, PayloadError::PathTooLong { len: 300, .. }));
        let err = Payload::from_layers(&[&files(&[("a", "x"), ("a/b", "y")])], &l, &|_| false)
            .unwrap_err();
        assert_eq!(err, PayloadError::FileIsDirectory("a".into()));
    }

    #[test]
    fn size_and_count_caps_hold() {
        let l = PayloadLimits {
            max_total_bytes: 10,
            max_entries: 2,
            max_path_bytes: 255,
        };
        let err =
            Payload::from_layers(&[&files(&[("a", "0123456789ab")])], &l, &|_| false).unwrap_err();
        assert!(matches!(err, PayloadError::TooLarge { total: 12, max: 10 }));
        let err = Payload::from_layers(&[&files(&[("a", ""), ("b", ""), ("c", "")])], &l, &|_| {
            false
        })
        .unwrap_err();
        assert!(matches!(
            err,
            PayloadError::TooManyEntries { count: 3, max: 2 }
        ));
    }

    #[test]
    fn foreign_archives_with_links_devices_or_traversal_are_refused() {
        let l = PayloadLimits::default();
        let cases = [
            (
                raw_tar("evil", tar::EntryType::Symlink, 0o777, Some("/etc/passwd")),
                "symlink",
            ),
            (
                raw_tar("hard", tar::EntryType::Link, 0o644, Some("../../x")),
                "hardlink",
            ),
            (
                raw_tar("dev", tar::EntryType::Char, 0o644, None),
                "character device",
            ),
            (raw_tar("fifo", tar::EntryType::Fifo, 0o644, None), "FIFO"),
            (
                raw_tar("../up", tar::EntryType::Regular, 0o644, None),
                "`..`",
            ),
            (
                raw_tar("/abs", tar::EntryType::Regular, 0o644, None),
                "absolute",
            ),
            (
                raw_tar("suid", tar::EntryType::Regular, 0o4755, None),
                "setuid",
            ),
        ];
        for (bytes, expect) in cases {
            let err = Payload::from_tar(bytes, &l).unwrap_err().to_string();
            assert!(err.contains(expect), "expected {expect}: {err}");
        }
        let good =
            Payload::from_layers(&[&files(&[("ok.py", "print(1)")])], &l, &|_| false).unwrap();
        let again = Payload::from_tar(good.bytes().to_vec(), &l).unwrap();
        assert_eq!(again.sha256(), good.sha256());
        assert_eq!(again.entries(), 1);
    }
}
