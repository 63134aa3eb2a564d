//! The build context of one image, made in memory: the image directory plus the extra CA files under
//! `extra-ca/`. The tar is deterministic (sorted entries, fixed owner and mtime, modes reduced to
//! 0644/0755) so the same files always give the same bytes, and thus the same context hash.
use super::error::ImagesError;
use std::fs;
use std::path::{Path, PathBuf};

/// The directory in the context whose `*.crt` files the Dockerfiles install as CA certificates.
pub const EXTRA_CA_DIR: &str = "extra-ca";

/// Entries under these names are never sent (editor/VCS leftovers would only change the hash).
const IGNORED_NAMES: [&str; 2] = [".git", ".DS_Store"];

/// The tar bytes of the context of the image in `image_dir`, with `ca_files` added under `extra-ca/`.
pub fn build_context(image_dir: &Path, ca_files: &[PathBuf]) -> Result<Vec<u8>, ImagesError> {
    let mut tar = tar::Builder::new(Vec::new());
    append_dir(&mut tar, image_dir, "")?;
    if !image_dir.join(EXTRA_CA_DIR).is_dir() {
        append_entry(&mut tar, EXTRA_CA_DIR, None, false, image_dir)?;
    }
    for file in ca_files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = fs::read(file).map_err(|source| ImagesError::Context {
            path: file.clone(),
            source,
        })?;
        // Prefixed so a given CA file cannot replace one that ships in the image directory.
        let path = format!("{EXTRA_CA_DIR}/given-{name}");
        append_entry(&mut tar, &path, Some(&bytes), false, file)?;
    }
    tar.into_inner().map_err(|source| ImagesError::Context {
        path: image_dir.to_path_buf(),
        source,
    })
}

/// Expand `--extra-ca` paths: a file is taken as is, a directory gives its `*.crt` files (sorted).
pub fn collect_ca_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImagesError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|source| ImagesError::Context {
            path: path.clone(),
            source,
        })?;
        if meta.is_file() {
            files.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = read_dir_sorted(path)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "crt") && p.is_file())
            .collect();
        if found.is_empty() {
            return Err(ImagesError::NoCaFiles { path: path.clone() });
        }
        files.append(&mut found);
    }
    Ok(files)
}

fn append_dir(
    tar: &mut tar::Builder<Vec<u8>>,
    dir: &Path,
    prefix: &str,
) -> Result<(), ImagesError> {
    for path in read_dir_sorted(dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if IGNORED_NAMES.contains(&name.as_str()) {
            continue;
        }
        let rel = format!("{prefix}{name}");
        let meta = fs::metadata(&path).map_err(|source| ImagesError::Context {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            append_entry(tar, &rel, None, false, &path)?;
            append_dir(tar, &path, &format!("{rel}/"))?;
        } else {
            let bytes = fs::read(&path).map_err(|source| ImagesError::Context {
                path: path.clone(),
                source,
            })?;
            append_entry(tar, &rel, Some(&bytes), is_executable(&meta), &path)?;
        }
    }
    Ok(())
}

/// One entry: a directory when `data` is None, else a regular file.
fn append_entry(
    tar: &mut tar::Builder<Vec<u8>>,
    rel: &str,
    data: Option<&[u8]>,
    executable: bool,
    origin: &Path,
) -> Result<(), ImagesError> {
    let mut header = tar::Header::new_gnu();
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    let result = match data {
        None => {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
            header.set_cksum();
            tar.append_data(&mut header, rel, std::io::empty())
        }
        Some(bytes) => {
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(if executable { 0o755 } else { 0o644 });
            header.set_size(bytes.len() as u64);
            header.set_cksum();
            tar.append_data(&mut header, rel, bytes)
        }
    };
    result.map_err(|source| ImagesError::Context {
        path: origin.to_path_buf(),
        source,
    })
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, ImagesError> {
    let entries = fs::read_dir(dir).map_err(|source| ImagesError::Context {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ImagesError::Context {
            path: dir.to_path_buf(),
            source,
        })?;
        paths.push(entry.path());
    }
    paths.sort();
    Ok(paths)
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crucible-ctx-{tag}-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entry_names(bytes: &[u8]) -> Vec<(String, u32)> {
        let mut archive = tar::Archive::new(bytes);
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.header().mode().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn context_is_deterministic_and_holds_ca_files() {
        let dir = temp_dir("img");
        fs::write(dir.join("Dockerfile"), "FROM x\n").unwrap();
        fs::write(dir.join("runner"), "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir.join("runner"), fs::Permissions::from_mode(0o700)).unwrap();
        }
        let ca_dir = temp_dir("ca");
        fs::write(ca_dir.join("b.crt"), "B").unwrap();
        fs::write(ca_dir.join("a.crt"), "A").unwrap();
        fs::write(ca_dir.join("notes.txt"), "ignored").unwrap();

        let cas = collect_ca_files(std::slice::from_ref(&ca_dir)).unwrap();
        assert_eq!(cas, vec![ca_dir.join("a.crt"), ca_dir.join("b.crt")]);
        let first = build_context(&dir, &cas).unwrap();
        let second = build_context(&dir, &cas).unwrap();
        assert_eq!(first, second, "same files must give the same bytes");
        let names = entry_names(&first);
        assert_eq!(
            names,
            vec![
                ("Dockerfile".to_string(), 0o644),
                ("runner".to_string(), 0o755),
                ("extra-ca".to_string(), 0o755),
                ("extra-ca/given-a.crt".to_string(), 0o644),
                ("extra-ca/given-b.crt".to_string(), 0o644),
            ]
        );
        let without_ca = build_context(&dir, &[]).unwrap();
        assert_ne!(first, without_ca);
        fs::remove_dir_all(dir).unwrap();
        fs::remove_dir_all(ca_dir).unwrap();
    }

    #[test]
    fn ca_dir_without_crt_files_is_an_error() {
        let dir = temp_dir("noca");
        fs::write(dir.join("readme"), "x").unwrap();
        let err = collect_ca_files(std::slice::from_ref(&dir)).unwrap_err();
        assert!(err.to_string().contains("no *.crt file"), "{err}");
        fs::remove_dir_all(dir).unwrap();
    }
}
