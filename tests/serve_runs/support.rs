//! Shared by tests/serve_runs.rs and tests/dashboard.rs: the runs router on a loopback port with
//! a real sandbox, a temporary store and task roots copied from the sample benchmark.
#![allow(dead_code)]
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::serve::runs::{RunsState, router};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Server {
    pub base: String,
    pub state: RunsState,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The sample tasks `ids` copied into `root`.
pub fn copy_tasks(root: &Path, ids: &[&str]) {
    let tasks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tasks");
    for id in ids {
        copy_dir(&tasks.join(id), &root.join(id));
    }
}

/// A JSONL line per (model, task) from `tasks/_candidates/<model>/<task>/`.
pub fn sample_candidates(models: &[&str], tasks: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tasks/_candidates");
    let mut out = String::new();
    for m in models {
        for t in tasks {
            let mut files = serde_json::Map::new();
            for e in std::fs::read_dir(dir.join(m).join(t)).unwrap() {
                let e = e.unwrap();
                files.insert(
                    e.file_name().to_string_lossy().into_owned(),
                    json!(std::fs::read_to_string(e.path()).unwrap()),
                );
            }
            out.push_str(&json!({ "task_id": t, "model": m, "files": files }).to_string());
            out.push('\n');
        }
    }
    out
}

/// Start the router with task roots named after the given directories (created under the
/// server's temp dir by `setup`).
pub async fn start(setup: impl FnOnce(&Path) -> Vec<PathBuf>, concurrency: usize) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let roots = setup(dir.path());
    let store = dir.path().join("results.db").to_string_lossy().into_owned();
    let sandbox = Sandbox::connect(SandboxPolicy::default(), Backend::Fresh)
        .await
        .expect("Docker is needed: run scripts/ensure-docker");
    let state = RunsState::new(store, roots, Arc::new(sandbox), concurrency).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        base,
        state,
        dir,
        client: reqwest::Client::new(),
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
        (status, v)
    }

    pub async fn get_text(&self, path: &str) -> (u16, String, String) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ct, r.text().await.unwrap())
    }

    /// POST a JSONL body with options as query parameters; (status, JSON answer).
    pub async fn post_jsonl(&self, query: &str, body: String) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(&format!("/v1/runs?{query}")))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn post_json(&self, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url("/v1/runs"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    /// The run's server-sent events until `done` (or `until` says stop), as (event, data).
    pub async fn follow(
        &self,
        run_id: &str,
        deadline: Duration,
        mut until: impl FnMut(&str, &Value) -> bool,
    ) -> Vec<(String, Value)> {
        use futures_util::StreamExt;
        let r = self
            .client
            .get(self.url(&format!("/v1/runs/{run_id}/events")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let mut stream = r.bytes_stream();
        let mut buf = String::new();
        let mut out = Vec::new();
        let started = Instant::now();
        loop {
            let left = deadline.saturating_sub(started.elapsed());
            let chunk = tokio::time::timeout(left, stream.next())
                .await
                .unwrap_or_else(|_| panic!("no `done` within {deadline:?}; got {out:#?}"));
            let Some(chunk) = chunk else {
                return out;
            };
            buf.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                let mut name = "message".to_string();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event:") {
                        name = n.trim().to_string();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // keep-alive comment
                }
                let value: Value = serde_json::from_str(&data).unwrap();
                let stop = name == "done" || until(&name, &value);
                out.push((name, value));
                if stop {
                    return out;
                }
            }
        }
    }
}

/// Containers (any state) of this run, by label.
pub fn containers_of_run(run_id: &str) -> Vec<String> {
    let out = std::process::Command::new("docker")
        .args([
            "ps",
            "-aq",
            "--filter",
            &format!("label=crucible.run={run_id}"),
        ])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}
