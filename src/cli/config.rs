//! The configuration file layer: defaults → `crucible.toml` → environment → flags.
//!
//! Each key of the file stands for one `CRUCIBLE_*` variable that clap already reads; a key is
//! applied only where that variable is unset, so the environment and flags still win.
use anyhow::Context;
use std::path::PathBuf;

/// (section, key) → environment variable.
const KEYS: &[(&str, &str, &str)] = &[
    ("run", "store", "CRUCIBLE_STORE"),
    ("run", "concurrency", "CRUCIBLE_CONCURRENCY"),
    ("run", "runtime", "CRUCIBLE_RUNTIME"),
    ("limits", "timeout", "CRUCIBLE_TIMEOUT"),
    ("limits", "memory", "CRUCIBLE_MEMORY"),
    ("limits", "cpus", "CRUCIBLE_CPUS"),
    ("images", "base", "CRUCIBLE_BASE_IMAGE"),
    ("images", "extra_ca", "CRUCIBLE_EXTRA_CA"),
    ("serve", "listen", "CRUCIBLE_SERVE_LISTEN"),
    ("serve", "tokens_file", "CRUCIBLE_TOKENS_FILE"),
    ("serve", "concurrency", "CRUCIBLE_SERVE_CONCURRENCY"),
    ("serve", "max_queue", "CRUCIBLE_SERVE_MAX_QUEUE"),
    ("serve", "isolation", "CRUCIBLE_SERVE_ISOLATION"),
    ("serve", "grace", "CRUCIBLE_SERVE_GRACE"),
    (
        "serve",
        "request_deadline",
        "CRUCIBLE_SERVE_REQUEST_DEADLINE",
    ),
    ("serve", "max_body", "CRUCIBLE_SERVE_MAX_BODY"),
    ("serve", "max_files", "CRUCIBLE_SERVE_MAX_FILES"),
    ("serve", "max_batch", "CRUCIBLE_SERVE_MAX_BATCH"),
    ("serve", "max_timeout", "CRUCIBLE_SERVE_MAX_TIMEOUT"),
    ("serve", "max_memory", "CRUCIBLE_SERVE_MAX_MEMORY"),
    ("serve", "max_cpus", "CRUCIBLE_SERVE_MAX_CPUS"),
    ("serve", "max_output", "CRUCIBLE_SERVE_MAX_OUTPUT"),
    ("serve", "max_idle_slots", "CRUCIBLE_SERVE_MAX_IDLE_SLOTS"),
    ("serve", "warm_image", "CRUCIBLE_SERVE_WARM_IMAGE"),
];

/// `--config FILE` (or `--config=FILE`) anywhere on the command line, read before clap parses
/// so the file's values become defaults that the environment and flags still override.
pub fn config_flag(args: &[String]) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            return None;
        }
        if a == "--config" {
            return it.next().map(PathBuf::from);
        }
        if let Some(p) = a.strip_prefix("--config=") {
            return Some(PathBuf::from(p));
        }
    }
    None
}

/// `--config`, else `$CRUCIBLE_CONFIG`, else `./crucible.toml` when present.
fn config_path() -> Option<PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(p) = config_flag(&args) {
        return Some(p);
    }
    match std::env::var_os("CRUCIBLE_CONFIG") {
        Some(p) => Some(PathBuf::from(p)),
        None => Some(PathBuf::from("crucible.toml")).filter(|p| p.is_file()),
    }
}

/// Read the file and export its values as defaults. Must run before any thread starts.
pub fn apply_config_file() -> anyhow::Result<()> {
    let Some(path) = config_path() else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading config {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{}: not valid TOML", path.display()))?;
    for (section, values) in &table {
        let values = values
            .as_table()
            .with_context(|| format!("{}: `{section}` must be a [section]", path.display()))?;
        for (key, value) in values {
            let Some((_, _, var)) = KEYS.iter().find(|(s, k, _)| s == section && k == key) else {
                let known: Vec<String> = KEYS.iter().map(|(s, k, _)| format!("{s}.{k}")).collect();
                anyhow::bail!(
                    "{}: unknown key `{section}.{key}` (known: {})",
                    path.display(),
                    known.join(", ")
                );
            };
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(":"),
                other => other.to_string(),
            };
            if std::env::var_os(var).is_none() {
                // SAFETY: called from main before the runtime or any other thread exists.
                unsafe { std::env::set_var(var, text) };
            }
        }
    }
    Ok(())
}
