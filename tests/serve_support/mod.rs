//! The real `crucible serve` binary on a free loopback port, for tests/serve.rs and
//! tests/serve_compat.rs: start it, find its URL, list its containers, stop it.
#![allow(dead_code)]
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Fail loudly (never skip): these tests exist to run real containers.
pub fn require_images(images: &[&str]) {
    let ok = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "Docker is unreachable: run scripts/ensure-docker (or `make test`, which does)"
    );
    for image in images {
        let ok = Command::new("docker")
            .args(["image", "inspect", image])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(ok, "image {image} is missing: run `make images`");
    }
}

pub struct Server {
    child: Option<Child>,
    pub url: String,
    pid: u32,
}

impl Server {
    /// `crucible serve --listen 127.0.0.1:0 <args>` with `envs`; returns once it listens.
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_crucible"));
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("CRUCIBLE_TOKENS")
            .env_remove("CRUCIBLE_CONFIG")
            .env("CRUCIBLE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start crucible serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("crucible serve did not say where it listens: {line:?}"))
            .to_string();
        let pid = child.id();
        Server {
            child: Some(child),
            url,
            pid,
        }
    }

    /// Wait until `/readyz` says ready (the reuse pool's warm-up passed); no token.
    pub fn wait_ready(&self) {
        let end = Instant::now() + Duration::from_secs(120);
        loop {
            let out = Command::new("curl")
                .args([
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    &self.url("/readyz"),
                ])
                .output();
            if out.is_ok_and(|o| o.stdout == b"200") {
                return;
            }
            assert!(Instant::now() < end, "crucible serve never became ready");
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The status of a plain GET, over a raw connection (no async runtime needed).
    pub fn get_status(&self, path: &str) -> Option<u16> {
        use std::io::{Read, Write};
        let addr = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut head = [0u8; 12];
        s.read_exact(&mut head).ok()?;
        std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Containers (any state) this server created: their owner label starts with its pid.
    pub fn containers(&self) -> Vec<String> {
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
        let prefix = format!("{}-", self.pid);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(_, owner)| owner.starts_with(&prefix))
            .map(|(id, _)| id.to_string())
            .collect()
    }

    /// Wait until `cond(containers)` holds; false after `within`.
    pub fn wait_containers(&self, within: Duration, cond: impl Fn(&[String]) -> bool) -> bool {
        let end = Instant::now() + within;
        loop {
            if cond(&self.containers()) {
                return true;
            }
            if Instant::now() > end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn sigterm(&self) {
        unsafe { libc::kill(self.pid as i32, libc::SIGTERM) };
    }

    /// Wait for the process to exit (after a signal); `None` after `within`.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let end = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return Some(status);
            }
            if Instant::now() > end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, wait, and check nothing of this server is left.
    pub fn stop_clean(mut self) {
        self.sigterm();
        let status = self
            .wait_exit(Duration::from_secs(40))
            .expect("serve did not exit after SIGTERM");
        assert!(status.success(), "serve exited with {status}");
        assert!(
            self.wait_containers(Duration::from_secs(10), |c| c.is_empty()),
            "containers left after shutdown: {:?}",
            self.containers()
        );
    }
}

impl Drop for Server {
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

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(180))
        .build()
        .unwrap()
}

/// A fixture under tests/fixtures/serve/.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/serve")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// GET `url` and its body as text.
pub async fn get_text(http: &reqwest::Client, url: String) -> String {
    http.get(url).send().await.unwrap().text().await.unwrap()
}

/// POST `body` as JSON to `url` and its answer as JSON.
pub async fn post_json(
    http: &reqwest::Client,
    url: String,
    body: impl serde::Serialize,
) -> serde_json::Value {
    http.post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
