//! API errors and refusal reasons must not tell a client where things live on the host (a
//! daemon error or a judge's reason can name a host path): absolute paths outside the
//! container's own places are replaced.

/// Paths inside the container a client may see: its own files live there.
const CONTAINER_PLACES: [&str; 3] = ["/work", "/tmp", "/dev/"];

/// `text` with every absolute host path replaced by `<path>`.
pub fn scrub_host_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let starts_path = c == '/'
            && prev.is_none_or(|p| p.is_whitespace() || "`'\"(=:[{,".contains(p))
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_alphanumeric() || n == '.' || n == '_');
        if starts_path {
            let end = rest
                .find(|ch: char| ch.is_whitespace() || "`'\"),;:]}".contains(ch))
                .unwrap_or(rest.len());
            let path = &rest[..end];
            let inside = CONTAINER_PLACES.iter().any(|p| {
                path == p.trim_end_matches('/')
                    || path.starts_with(&format!("{}/", p.trim_end_matches('/')))
            });
            if inside {
                out.push_str(path);
            } else {
                out.push_str("<path>");
            }
            prev = path.chars().last();
            rest = &rest[end..];
            continue;
        }
        out.push(c);
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_paths_go_container_paths_stay() {
        assert_eq!(
            scrub_host_paths("cannot read /home/me/tasks/x.toml: denied"),
            "cannot read <path>: denied"
        );
        assert_eq!(
            scrub_host_paths("entry `/etc/passwd`: absolute"),
            "entry `<path>`: absolute"
        );
        assert_eq!(
            scrub_host_paths("wrote /tmp/prog and /work/a.py"),
            "wrote /tmp/prog and /work/a.py"
        );
        assert_eq!(scrub_host_paths("1/2 and a/b"), "1/2 and a/b");
    }
}
