//! Server-side task roots, named: a client picks a root by name (and optionally a directory under
//! it), never by host path. Anything that could leave the root is refused: `..`, absolute paths,
//! and symlinks that resolve outside it.
use super::error::ApiError;
use std::path::{Component, Path, PathBuf};

/// A configured task root: its public name and where it is on the host.
#[derive(Debug, Clone)]
pub struct TaskRoot {
    pub name: String,
    pub path: PathBuf,
}

impl TaskRoot {
    /// A root named after its directory (`tasks` for `/srv/bench/tasks`).
    pub fn from_path(path: PathBuf) -> TaskRoot {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "tasks".into());
        TaskRoot { name, path }
    }
}

/// Where a selection points: the root and the directory under it (relative, `/`-separated,
/// empty for the root itself).
#[derive(Debug, Clone)]
pub struct Selection {
    pub root: TaskRoot,
    pub sub: String,
    pub dir: PathBuf,
}

impl Selection {
    /// How the client named it (`root` or `root/sub/dir`).
    pub fn label(&self) -> String {
        if self.sub.is_empty() {
            self.root.name.clone()
        } else {
            format!("{}/{}", self.root.name, self.sub)
        }
    }

    /// `message` with the host's paths of this root replaced by its name.
    pub fn redact(&self, message: &str) -> String {
        redact_roots(message, std::slice::from_ref(&self.root))
    }
}

/// Every configured root's host path (as given and canonical) replaced by `<name>`.
pub fn redact_roots(message: &str, roots: &[TaskRoot]) -> String {
    let mut out = message.to_string();
    for r in roots {
        let mut paths = vec![r.path.clone()];
        if let Ok(c) = r.path.canonicalize() {
            paths.push(c);
        }
        // Longest first, so a canonical path that extends the given one is replaced whole.
        paths.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
        for p in paths {
            let s = p.to_string_lossy();
            if !s.is_empty() {
                out = out.replace(s.as_ref(), &r.name);
            }
        }
    }
    out
}

/// Resolve `root[/sub/dir]` against the configured roots.
pub fn select(roots: &[TaskRoot], wanted: Option<&str>) -> Result<Selection, ApiError> {
    let names = || {
        roots
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let wanted = match wanted.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => w,
        None if roots.len() == 1 => roots[0].name.as_str(),
        None => {
            return Err(ApiError::BadRequest(format!(
                "name a task root with `tasks` (one of: {})",
                names()
            )));
        }
    };
    if wanted.starts_with('/') || wanted.contains('\\') || wanted.contains('\0') {
        return Err(ApiError::BadRequest(format!(
            "`tasks` names a task root (one of: {}) and optionally a directory under it, never a host path",
            names()
        )));
    }
    let (name, sub) = wanted.split_once('/').unwrap_or((wanted, ""));
    let root = roots
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| {
            ApiError::NotFound(format!("no task root `{name}` (configured: {})", names()))
        })?
        .clone();
    let sub = sub.trim_end_matches('/');
    let mut rel = PathBuf::new();
    for c in Path::new(sub).components() {
        match c {
            Component::Normal(part) => rel.push(part),
            Component::CurDir => {}
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "`{wanted}`: only plain directory names may follow the root (no `..`, no absolute path)"
                )));
            }
        }
    }
    let base = root
        .path
        .canonicalize()
        .map_err(|_| ApiError::Internal(format!("task root `{}` cannot be read", root.name)))?;
    let dir = base.join(&rel).canonicalize().map_err(|_| {
        ApiError::NotFound(format!(
            "`{wanted}`: no such directory in task root `{name}`"
        ))
    })?;
    // A symlink under the root may point anywhere: judge where it really leads.
    if !dir.starts_with(&base) {
        return Err(ApiError::BadRequest(format!(
            "`{wanted}` leads outside task root `{name}`"
        )));
    }
    if !dir.is_dir() {
        return Err(ApiError::NotFound(format!(
            "`{wanted}`: not a directory in task root `{name}`"
        )));
    }
    let sub = rel.to_string_lossy().into_owned();
    Ok(Selection { root, sub, dir })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(dir: &Path) -> Vec<TaskRoot> {
        vec![TaskRoot {
            name: "bench".into(),
            path: dir.to_path_buf(),
        }]
    }

    #[test]
    fn refuses_what_leaves_the_root() {
        let tmp = std::env::temp_dir().join(format!("crucible-roots-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(tmp.join("bench/sub")).unwrap();
        std::fs::create_dir_all(tmp.join("outside")).unwrap();
        std::os::unix::fs::symlink(tmp.join("outside"), tmp.join("bench/escape")).unwrap();
        let r = roots(&tmp.join("bench"));
        assert!(select(&r, Some("bench")).is_ok());
        assert_eq!(select(&r, None).unwrap().sub, "");
        assert_eq!(select(&r, Some("bench/sub/")).unwrap().sub, "sub");
        for bad in [
            "bench/../outside",
            "/etc",
            "bench/escape",
            "other",
            "bench/none",
        ] {
            let e = select(&r, Some(bad)).unwrap_err().to_string();
            assert!(!e.contains(tmp.to_str().unwrap()), "{bad}: {e}");
        }
        assert!(matches!(
            select(&r, Some("bench/escape")),
            Err(ApiError::BadRequest(_))
        ));
        let msg = format!("{}/x/task.toml: bad", tmp.join("bench").display());
        assert_eq!(redact_roots(&msg, &r), "bench/x/task.toml: bad");
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
