//! `crucible doctor`: what crucible needs from this machine, and how to fix what is missing.
use super::exit;
use crucible::docker::{self, Engine};
use crucible::limits::format_bytes;
use crucible::task::Language;

#[derive(clap::Args, Debug)]
pub struct DoctorArgs {}

struct Report {
    problems: usize,
}

impl Report {
    fn ok(&self, what: &str, detail: impl std::fmt::Display) {
        println!("ok    {what:<14} {detail}");
    }
    fn warn(&mut self, what: &str, detail: impl std::fmt::Display, fix: &str) {
        println!("warn  {what:<14} {detail}\n      {:<14} fix: {fix}", "");
    }
    fn fail(&mut self, what: &str, detail: impl std::fmt::Display, fix: &str) {
        self.problems += 1;
        println!("FAIL  {what:<14} {detail}\n      {:<14} fix: {fix}", "");
    }
}

pub async fn run(_args: DoctorArgs) -> anyhow::Result<i32> {
    let mut r = Report { problems: 0 };
    let client = match docker::connect().await {
        Ok(d) => d,
        Err(e) => {
            r.fail(
                "daemon",
                e,
                "run scripts/ensure-docker (installs and starts Docker on Debian as root)",
            );
            return Ok(exit::UNAVAILABLE);
        }
    };
    let engine = match docker::system::version(&client).await {
        Ok(v) => {
            r.ok(
                "daemon",
                format!(
                    "{} {} (API {}, client speaks {})",
                    v.engine.name(),
                    v.version,
                    v.api_version,
                    v.client_api_version
                ),
            );
            v.engine
        }
        Err(e) => {
            r.fail(
                "daemon",
                e,
                "check that dockerd is healthy: `docker version`",
            );
            Engine::Docker
        }
    };
    if docker::limits_ignored() {
        r.fail(
            "limits",
            "Podman rootless on cgroup v1 ignores memory, CPU and pids limits: crucible refuses to create containers",
            "use rootful Podman, Docker, or a cgroup v2 host with systemd",
        );
    }
    for difference in engine.differences() {
        r.ok("engine", format!("{}: {difference}", engine.name()));
    }
    let info = match docker::system::info(&client).await {
        Ok(i) => i,
        Err(e) => {
            r.fail("daemon", e, "check that dockerd is healthy: `docker info`");
            return Ok(exit::UNAVAILABLE);
        }
    };
    let cgroup = info.cgroup_version.as_deref().unwrap_or("unknown");
    let driver = info.cgroup_driver.as_deref().unwrap_or_default();
    r.ok("cgroups", format!("v{cgroup} ({driver} driver)"));
    let runtimes = &info.runtimes;
    let default_runtime = info.default_runtime.as_deref().unwrap_or("runc");
    if engine == Engine::Podman {
        // Its compat API runs every container under the default runtime (see Engine).
        let detail = format!("{default_runtime} (Podman's default; --runtime accepts only it)");
        if default_runtime == "runsc" {
            r.ok("runtimes", format!("{detail}: gVisor for every container"));
        } else {
            r.warn(
                "runtimes",
                detail,
                "for gVisor make runsc Podman's default (`runtime = \"runsc\"` under [engine] in containers.conf)",
            );
        }
    } else if runtimes.iter().any(|x| x == "runsc") {
        r.ok(
            "runtimes",
            format!(
                "{} (gVisor available: --runtime runsc)",
                runtimes.join(", ")
            ),
        );
    } else {
        r.warn(
            "runtimes",
            format!("{} (no gVisor)", runtimes.join(", ")),
            "for a stronger boundary install gVisor (Debian: runsc) and register it in /etc/docker/daemon.json",
        );
    }
    if info.has_seccomp() {
        r.ok("seccomp", "default profile active");
    } else {
        r.warn(
            "seccomp",
            "not reported by the daemon",
            "use a kernel and dockerd built with seccomp",
        );
    }
    for lang in Language::ALL {
        let image = lang.image();
        match docker::image_id(&client, &image).await {
            Ok(id) => r.ok("image", format!("{image} {}", &id[..id.len().min(19)])),
            Err(_) => r.fail(
                "image",
                format!("{image} missing"),
                "make images (or `crucible images build`)",
            ),
        }
    }
    let root = info.root_dir.as_deref().unwrap_or("/var/lib/docker");
    let probe = if std::path::Path::new(root).exists() {
        root
    } else {
        "."
    };
    let storage = info
        .storage_driver
        .as_deref()
        .map(|d| format!(" ({d} storage driver)"))
        .unwrap_or_default();
    match free_bytes(probe) {
        Some(free) if free < 5 * crucible::limits::GIB => r.fail(
            "disk",
            format!("{} free under {probe}{storage}", format_bytes(free)),
            "free disk space; images need ~5 GiB",
        ),
        Some(free) => r.ok(
            "disk",
            format!("{} free under {probe}{storage}", format_bytes(free)),
        ),
        None => r.warn(
            "disk",
            format!("cannot measure free space under {probe}"),
            "check `df -h`",
        ),
    }
    println!(
        "{}",
        if r.problems == 0 {
            "crucible is ready".to_string()
        } else {
            format!("{} problem(s) found", r.problems)
        }
    );
    Ok(if r.problems == 0 {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}

fn free_bytes(path: &str) -> Option<u64> {
    let c = std::ffi::CString::new(path).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid C string and `s` a writable statvfs for the call's duration.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut s) };
    (rc == 0).then(|| s.f_bavail as u64 * s.f_frsize as u64)
}
