//! A second Docker daemon of a test's own, to stop, restart or break without touching the
//! machine's main daemon (other tests use it meanwhile). Its socket, data, exec root, pid file
//! and log live in one directory; it gets a bridge of its own (never `docker0`), no iptables
//! rules (sandbox containers run with network none) and its own containerd namespace. Dropping it stops it, unmounts what
//! it left mounted and deletes the directory.
//!
//! ```ignore
//! let daemon = SecondDaemon::start(dir.path());
//! daemon.load_images(&["crucible/python:latest"]);
//! Command::new(...).env("DOCKER_HOST", daemon.host());
//! daemon.stop(); daemon.start_again();
//! ```
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a daemon may take to answer after start, or to exit after SIGTERM.
const READY_WITHIN: Duration = Duration::from_secs(60);
const EXIT_WITHIN: Duration = Duration::from_secs(60);

pub struct SecondDaemon {
    dir: PathBuf,
    child: Option<Child>,
    storage_driver: String,
    namespace: String,
    /// A bridge of its own: with `--bridge none` dockerd deletes the interface named `docker0`,
    /// which is the main daemon's, and every image build there fails after.
    bridge: String,
}

impl SecondDaemon {
    /// Start a daemon in `dir` (created if missing; keep its path short: unix socket paths are
    /// limited to 107 bytes) and wait until it answers. Panics, saying why, when it cannot:
    /// a test that needs it must fail loudly, never skip. Needs root, as dockerd does.
    pub fn start(dir: &Path) -> SecondDaemon {
        std::fs::create_dir_all(dir).expect("create the second daemon's directory");
        let dir = dir.canonicalize().expect("the second daemon's directory");
        assert!(
            dir.join("exec/containerd/containerd.sock")
                .as_os_str()
                .len()
                < 100,
            "{} is too long for the daemon's unix sockets: use a shorter directory",
            dir.display()
        );
        // The same storage driver as the main daemon: known to work on this file system.
        let driver = Command::new("docker")
            .args(["info", "--format", "{{.Driver}}"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .expect("the main Docker daemon is unreachable: run scripts/ensure-docker");
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "second".into());
        let bridge = format!("cdb{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let made = Command::new("ip")
            .args(["link", "add", "name", &bridge, "type", "bridge"])
            .status()
            .expect("run ip (iproute2)");
        assert!(
            made.success(),
            "could not make bridge {bridge} for the second dockerd"
        );
        let mut daemon = SecondDaemon {
            dir,
            child: None,
            storage_driver: driver,
            namespace: format!("crucible-test-{name}"),
            bridge,
        };
        daemon.start_again();
        daemon
    }

    /// `unix://…/docker.sock`, for DOCKER_HOST.
    pub fn host(&self) -> String {
        format!("unix://{}", self.dir.join("docker.sock").display())
    }

    /// The docker CLI, talking to this daemon.
    pub fn docker(&self) -> Command {
        let mut c = Command::new("docker");
        c.env("DOCKER_HOST", self.host());
        c
    }

    /// Whether it answers now.
    pub fn answers(&self) -> bool {
        self.docker()
            .args(["info", "--format", "{{.ServerVersion}}"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Start it (again, on the same directories: images and containers are still there) and
    /// wait until it answers.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the second daemon is running already");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("dockerd.log"))
            .expect("open the second daemon's log");
        let d = |sub: &str| self.dir.join(sub).display().to_string();
        let child = Command::new("dockerd")
            .arg("--host")
            .arg(self.host())
            .args(["--data-root", &d("data"), "--exec-root", &d("exec")])
            .args(["--pidfile", &d("pid")])
            .args([
                "--bridge",
                &self.bridge,
                "--iptables=false",
                "--ip-masq=false",
            ])
            .args(["--storage-driver", &self.storage_driver])
            .args(["--containerd-namespace", &self.namespace])
            .arg("--containerd-plugins-namespace")
            .arg(format!("{}-plugins", self.namespace))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start dockerd (is Docker installed? run scripts/ensure-docker)");
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                panic!(
                    "the second dockerd exited ({status}) before it answered:\n{}",
                    self.log_tail()
                );
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "the second dockerd did not answer within {READY_WITHIN:?}:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, as a service manager stops it, and wait until it has exited (it stops its
    /// containers first). Panics when it does not exit in time.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        signal(&child, libc::SIGTERM);
        let started = Instant::now();
        loop {
            if child.try_wait().ok().flatten().is_some() {
                return;
            }
            if started.elapsed() > EXIT_WITHIN {
                signal(&child, libc::SIGKILL);
                let _ = child.wait();
                panic!("the second dockerd did not exit within {EXIT_WITHIN:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Copy images from the main daemon (`docker save | docker load`), with every tag the main
    /// daemon gives the same image (e.g. `crucible/python:latest` and its context-hash tag).
    pub fn load_images(&self, images: &[&str]) {
        let mut refs = Vec::new();
        for image in images {
            refs.extend(tags_of_same_image(image));
        }
        let mut save = Command::new("docker")
            .arg("save")
            .args(&refs)
            .stdout(Stdio::piped())
            .spawn()
            .expect("docker save");
        let out = save.stdout.take().expect("piped");
        let load = self
            .docker()
            .arg("load")
            .stdin(out)
            .output()
            .expect("docker load");
        assert!(
            save.wait().expect("docker save").success(),
            "docker save {refs:?} failed"
        );
        assert!(
            load.status.success(),
            "docker load into the second daemon failed: {}",
            String::from_utf8_lossy(&load.stderr)
        );
    }

    /// Ids of its containers (any state) carrying `label` (`key` or `key=value`).
    pub fn containers(&self, label: &str) -> Vec<String> {
        let out = self
            .docker()
            .args(["ps", "-aq", "--no-trunc", "--filter"])
            .arg(format!("label={label}"))
            .output()
            .expect("docker ps");
        assert!(
            out.status.success(),
            "docker ps on the second daemon: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The end of its log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for SecondDaemon {
    fn drop(&mut self) {
        if self.child.is_some() {
            // Its containers go first, so that nothing of theirs stays mounted.
            if let Ok(out) = self.docker().args(["ps", "-aq"]).output() {
                let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::to_string)
                    .collect();
                if !ids.is_empty() {
                    let _ = self.docker().args(["rm", "-f"]).args(&ids).output();
                }
            }
            if let Some(mut child) = self.child.take() {
                signal(&child, libc::SIGTERM);
                let started = Instant::now();
                while child.try_wait().ok().flatten().is_none() {
                    if started.elapsed() > EXIT_WITHIN {
                        signal(&child, libc::SIGKILL);
                        let _ = child.wait();
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
        unmount_under(&self.dir);
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .status();
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("could not remove {}: {e}", self.dir.display());
        }
    }
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill(2) on the pid of a child this process started and has not reaped.
    unsafe {
        libc::kill(child.id() as libc::pid_t, sig);
    }
}

/// Every tag of the main daemon that names the same image as `image`.
fn tags_of_same_image(image: &str) -> Vec<String> {
    let id = |args: &[&str]| {
        Command::new("docker")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let wanted = id(&["image", "inspect", "--format", "{{.Id}}", image]).unwrap_or_else(|| {
        panic!("image {image} is missing on the main daemon: run `make images`")
    });
    let repo = image.rsplit_once(':').map(|(r, _)| r).unwrap_or(image);
    let listed = id(&[
        "images",
        "--no-trunc",
        "--format",
        "{{.Repository}}:{{.Tag}} {{.ID}}",
        repo,
    ])
    .unwrap_or_default();
    let mut tags: Vec<String> = listed
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, i)| *i == wanted)
        .map(|(t, _)| t.to_string())
        .collect();
    if !tags.iter().any(|t| t == image) {
        tags.push(image.to_string());
    }
    tags
}

/// dockerd leaves overlay and shm mounts (and its exec root's) behind when it dies: unmount
/// everything under `dir`, deepest first, before the directory is deleted.
fn unmount_under(dir: &Path) {
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return;
    };
    let prefix = dir.display().to_string();
    let mut points: Vec<String> = info
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|p| p.replace("\\040", " "))
        .filter(|p| p == &prefix || p.starts_with(&format!("{prefix}/")))
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    points.dedup();
    for p in points {
        let _ = Command::new("umount").args(["-l", &p]).output();
    }
}
