//! The naive loop: `docker run --rm -i` per task through the docker CLI, the payload tar on
//! stdin, N at a time with `xargs -P`.
use crucible::sandbox::{Payload, PayloadLimits};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const IMAGE: &str = "crucible/python:latest";

pub fn run(w: &super::workloads::Workload, scratch: &Path, j: usize) -> anyhow::Result<Duration> {
    let dir = scratch.join(format!("naive-{}", w.name));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    // The same payload bytes crucible streams (task files + candidate files).
    let mut list = String::new();
    for t in &w.tasks {
        let payload = Payload::from_layers(&[&t.files], &PayloadLimits::default(), &|_| false)?;
        let path = dir.join(format!("{}.tar", t.id));
        std::fs::write(&path, payload.bytes())?;
        list.push_str(&format!("{}\n", path.display()));
    }
    std::fs::write(dir.join("list"), list)?;
    let one = format!(
        "docker run --rm -i --network none --label crucible.bench=naive \
         -e CRUCIBLE_REPORT=/tmp/report -e CMD {IMAGE} \
         sh -c 'tar -xmf - -C /work && cd /work && eval \"$CMD\"' <\"$0\" >/dev/null 2>&1; true"
    );
    let started = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "xargs -P {j} -n 1 sh -c '{}' <list",
            one.replace('\'', "'\\''")
        ))
        .current_dir(&dir)
        .env("CMD", &w.command)
        .stdin(Stdio::null())
        .status()?;
    let elapsed = started.elapsed();
    anyhow::ensure!(status.success(), "the naive xargs loop failed: {status}");
    std::fs::remove_dir_all(&dir)?;
    Ok(elapsed)
}
