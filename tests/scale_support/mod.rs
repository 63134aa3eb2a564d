//! `crucible serve` replicas for the scale-out tests (tests/remote_executor.rs, tests/nginx.rs):
//! the real binary on free loopback ports, killed with SIGKILL on demand, and the containers
//! each one owns (the owner label starts with its pid).
#![allow(dead_code)]
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Replica {
    child: Option<Child>,
    pub url: String,
    pub pid: u32,
}

impl Replica {
    /// `crucible serve --listen 127.0.0.1:0 <args>`; returns once it is ready (warm pool).
    pub fn start(args: &[&str]) -> Replica {
        Replica::start_with_token(args, None)
    }

    /// The same, for a replica started with tokens (`/readyz` needs one of them).
    pub fn start_with_token(args: &[&str], token: Option<&str>) -> Replica {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crucible"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("CRUCIBLE_TOKENS")
            .env_remove("CRUCIBLE_CONFIG")
            .env("CRUCIBLE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start crucible serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("crucible serve did not say where it listens: {line:?}"))
            .to_string();
        let r = Replica {
            pid: child.id(),
            child: Some(child),
            url,
        };
        r.wait_ready(token);
        r
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn wait_ready(&self, token: Option<&str>) {
        let end = Instant::now() + Duration::from_secs(120);
        let auth = token.map(|t| format!("Authorization: Bearer {t}"));
        loop {
            let out = Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
                .args(auth.iter().flat_map(|a| ["-H", a.as_str()]))
                .arg(format!("{}/readyz", self.url))
                .output();
            if out.is_ok_and(|o| o.stdout == b"200") {
                return;
            }
            assert!(Instant::now() < end, "crucible serve never became ready");
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// SIGKILL: no clean-up of any kind (a crashed machine).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Containers (any state) this replica created.
    pub fn containers(&self) -> Vec<String> {
        owned_by(self.pid)
    }

    /// SIGTERM, wait for the exit, and check nothing of this replica is left.
    pub fn stop_clean(mut self) {
        let mut child = self.child.take().expect("a running replica");
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let end = Instant::now() + Duration::from_secs(40);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < end, "serve did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(status.success(), "serve exited with {status}");
        assert!(
            wait_until(Duration::from_secs(10), || owned_by(self.pid).is_empty()),
            "containers left after shutdown: {:?}",
            owned_by(self.pid)
        );
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
            let end = Instant::now() + Duration::from_secs(30);
            while Instant::now() < end {
                if child.try_wait().ok().flatten().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Containers whose owner label says process `pid` created them.
pub fn owned_by(pid: u32) -> Vec<String> {
    let out = Command::new("docker")
        .args([
            "ps",
            "-a",
            "--filter",
            "label=crucible.owner",
            "--format",
            "{{.ID}} {{.Label \"crucible.owner\"}}",
        ])
        .output()
        .expect("docker ps");
    let prefix = format!("{pid}-");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, owner)| owner.starts_with(&prefix))
        .map(|(id, _)| id.to_string())
        .collect()
}

pub fn wait_until(within: Duration, cond: impl Fn() -> bool) -> bool {
    let end = Instant::now() + within;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `crucible gc`: removes what dead processes (a killed replica) left behind.
pub fn gc() {
    let out = Command::new(env!("CARGO_BIN_EXE_crucible"))
        .arg("gc")
        .output()
        .expect("crucible gc");
    assert!(
        out.status.success(),
        "crucible gc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
