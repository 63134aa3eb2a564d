//! Resource limits applied to one execution, and the parsing of human-written sizes.
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Limits for one execution. Every field is applied; none is silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    #[serde(with = "humantime_serde_compat")]
    pub timeout: Duration,
    /// Memory limit in bytes; swap is set equal to it (no swap).
    pub memory_bytes: u64,
    /// CPU quota in cores (nano_cpus = cpus * 1e9).
    pub cpus: f64,
    pub pids: i64,
    /// Cap on captured stdout and on captured stderr, each.
    pub output_bytes: u64,
    /// Size of the tmpfs holding the working directory.
    pub workdir_bytes: u64,
    /// Size of the /tmp tmpfs.
    pub tmp_bytes: u64,
    pub open_files: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            memory_bytes: 512 * MIB,
            cpus: 1.0,
            pids: 256,
            output_bytes: MIB,
            workdir_bytes: 256 * MIB,
            tmp_bytes: 256 * MIB,
            open_files: 1024,
        }
    }
}

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;
pub const GIB: u64 = 1024 * MIB;

/// Parse `256MiB`, `1g`, `512m`, `1048576` (bytes). Units are binary (k = KiB).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 256MiB, 1GiB, 512m)"))?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => KIB,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => GIB,
        other => {
            return Err(format!(
                "`{text}`: unknown size unit `{other}` (use KiB, MiB or GiB)"
            ));
        }
    };
    let bytes = value * scale as f64;
    if !(bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(format!("`{text}` is not a usable size"));
    }
    Ok(bytes as u64)
}

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let d = if t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        t.parse::<f64>().ok().map(Duration::from_secs_f64)
    } else {
        humantime::parse_duration(t).ok()
    };
    match d {
        Some(d) if !d.is_zero() => Ok(d),
        _ => Err(format!(
            "`{text}` is not a duration (examples: 10s, 1500ms, 2m)"
        )),
    }
}

pub fn format_bytes(bytes: u64) -> String {
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{}GiB", bytes / GIB)
    } else if bytes >= GIB {
        format!("{:.1}GiB", bytes as f64 / GIB as f64)
    } else if bytes >= MIB {
        format!("{:.0}MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.0}KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes}B")
    }
}

/// Durations serialise as milliseconds so stored limits stay comparable across versions.
mod humantime_serde_compat {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_binary_units() {
        assert_eq!(parse_bytes("256MiB").unwrap(), 256 * MIB);
        assert_eq!(parse_bytes("1g").unwrap(), GIB);
        assert_eq!(parse_bytes("1.5k").unwrap(), 1536);
        assert_eq!(parse_bytes("4096").unwrap(), 4096);
        assert!(parse_bytes("lots").is_err());
        assert!(
            parse_bytes("1TiB")
                .unwrap_err()
                .contains("unknown size unit")
        );
        assert!(parse_bytes("0").is_err());
    }

    #[test]
    fn durations_parse_plain_seconds_and_units() {
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(
            parse_duration("1500ms").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
