//! The dashboard in a real browser: Debian's chromium driven through chromium-driver's WebDriver
//! API (plain HTTP, no client crate). A run starts; the page shows its finished count change
//! live; a click on a failed cell opens that execution with its verdict; candidate-controlled
//! text (a model name with markup) shows as text. Screenshots (mid-run and at the end): `target/test-artifacts/dashboard/`.
//!
//! Needs Docker, `crucible/python:latest`, `chromium` and `chromedriver`
//! (`scripts/ensure-chromium`). Without the browser it fails when `CI` is set and is skipped
//! with a message otherwise; without Docker it fails.
mod common;
#[path = "serve_runs/support.rs"]
mod support;

use base64::Engine as _;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BAD: &str = "bad<i>x</i>";

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// chromium and chromedriver, or None (skip) outside CI.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = on_path("chromium").or_else(|| on_path("chromium-browser"));
    let driver = on_path("chromedriver");
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI is set but chromium or chromedriver is missing: run scripts/ensure-chromium"
            );
            eprintln!(
                "skipping: chromium or chromedriver is missing (scripts/ensure-chromium installs them)"
            );
            None
        }
    }
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
}

impl Driver {
    async fn start(chromium: &PathBuf, driver: &PathBuf, profile: &std::path::Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = http.get(format!("{base}/status")).send().await
                && r.status().is_success()
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not answer"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,1400",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let mut d = Driver {
            child,
            base,
            session: String::new(),
            http,
        };
        let r = d.call("POST", "/session", caps).await;
        d.session = r["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        d
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let r = req.send().await.unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status.is_success(), "WebDriver {method} {path}: {v}");
        v["value"].clone()
    }

    async fn session(&self, method: &str, path: &str, body: Value) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
            .await
    }

    async fn script(&self, script: &str) -> Value {
        self.session(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
        .await
    }

    async fn text(&self, selector: &str) -> Option<String> {
        let s = serde_json::to_string(selector).unwrap();
        self.script(&format!(
            "const e = document.querySelector({s}); return e ? e.textContent : null;"
        ))
        .await
        .as_str()
        .map(str::to_string)
    }

    /// Poll until `f` returns Some, or panic after `limit` with `what`.
    async fn wait_for<T>(
        &self,
        limit: Duration,
        what: &str,
        mut f: impl AsyncFnMut(&Driver) -> Option<T>,
    ) -> T {
        let started = Instant::now();
        loop {
            if let Some(v) = f(self).await {
                return v;
            }
            assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_follows_a_run_live_and_opens_an_execution() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    common::require_image(common::PYTHON_IMAGE);
    let server = support::start(
        |dir| {
            // 2 s per test, one container at a time: the page must see the count move.
            common::python_benchmark(dir, 3, 2.0);
            vec![dir.join("tasks")]
        },
        1,
    )
    .await;
    let candidates: Vec<Value> = (0..3)
        .flat_map(|i| {
            [("good", "return a + b"), (BAD, "return abs(a) + b")].map(|(m, body)| {
                json!({
                    "task_id": format!("add-{i:03}"), "model": m,
                    "files": { "solution.py": format!("def add(a, b):\n    print('<script>window.pwned = 1</script>')\n    {body}\n") },
                })
            })
        })
        .collect();
    let (status, created) = server
        .post_json(json!({ "tasks": "tasks", "candidates": candidates }))
        .await;
    assert_eq!(status, 202, "{created}");
    let run_id = created["run_id"].as_str().unwrap().to_string();

    let artifacts = common::repo_root().join("target/test-artifacts/dashboard");
    std::fs::create_dir_all(&artifacts).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&chromium, &driver, profile.path()).await;

    // The list of runs shows it.
    d.session("POST", "/url", json!({ "url": server.url("/") }))
        .await;
    d.wait_for(Duration::from_secs(20), "the run in the list", async |d| {
        let s = serde_json::to_string(&run_id).unwrap();
        d.script(&format!(
            "return !!document.querySelector('tr.run[data-run=' + JSON.stringify({s}) + ']');"
        ))
        .await
        .as_bool()
        .filter(|x| *x)
    })
    .await;

    // The run's page, while it runs: the finished count changes without a reload.
    d.session(
        "POST",
        "/url",
        json!({ "url": server.url(&format!("/#/runs/{run_id}")) }),
    )
    .await;
    let first = d
        .wait_for(Duration::from_secs(30), "the finished count", async |d| {
            d.text("#run-finished").await
        })
        .await;
    assert_eq!(
        d.text("#run-state").await.as_deref(),
        Some("running"),
        "the run should still be going when the page opens (first count {first})"
    );
    d.script("window.marker = 'same page'; return null;").await;
    let changed = d
        .wait_for(Duration::from_secs(180), "the count to change", async |d| {
            d.text("#run-finished").await.filter(|t| *t != first)
        })
        .await;
    assert_eq!(
        d.script("return window.marker;").await,
        "same page",
        "the count changed by a reload"
    );
    eprintln!("live count: {first} -> {changed}");
    screenshot(&d, &artifacts.join("dashboard-live.png")).await;
    d.wait_for(Duration::from_secs(240), "the run to finish", async |d| {
        d.text("#run-state").await.filter(|s| s == "finished")
    })
    .await;
    assert_eq!(d.text("#run-finished").await.as_deref(), Some("6 / 6"));

    // Click the failed cell of the bad model on add-001 and read the verdict.
    let cell = format!(
        "td.cell[data-task=\"add-001\"][data-model={}]",
        serde_json::to_string(BAD).unwrap()
    );
    let found = d
        .wait_for(Duration::from_secs(20), "the failed cell", async |d| {
            let v = d
                .session(
                    "POST",
                    "/elements",
                    json!({ "using": "css selector", "value": cell }),
                )
                .await;
            let first = v.as_array()?.first()?.clone();
            let class = d
                .text_of_attr(&first, "class")
                .await
                .filter(|c| c.contains("failed"))?;
            Some((first, class))
        })
        .await;
    let id = found
        .0
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    d.session("POST", &format!("/element/{id}/click"), json!({}))
        .await;
    let verdict = d
        .wait_for(
            Duration::from_secs(20),
            "the execution's verdict",
            async |d| d.text("#ex-verdict").await,
        )
        .await;
    assert_eq!(verdict, "failed");
    let reason = d.text("#ex-reason").await.unwrap();
    assert!(!reason.is_empty());
    assert!(d.text("#ex-tests").await.unwrap().contains("test_negative"));

    // Candidate-controlled text stayed text: the model name's markup and the printed script
    // (pytest shows a failing test's captured stdout).
    let stdout = d.text("#ex-stdout").await.unwrap();
    assert!(
        stdout.contains("<script>window.pwned = 1</script>"),
        "the candidate's output is shown as text: {stdout}"
    );
    let header_ok = d
        .script(&format!(
            "return [...document.querySelectorAll('th')].some(t => t.textContent === {});",
            serde_json::to_string(BAD).unwrap()
        ))
        .await;
    assert_eq!(header_ok, true, "the model name is shown as typed");
    assert_eq!(
        d.script("return document.querySelectorAll('i').length + (window.pwned ? 100 : 0);")
            .await,
        0,
        "markup from the API became elements"
    );

    screenshot(&d, &artifacts.join("dashboard.png")).await;

    // A run that does not exist says so instead of waiting for events forever.
    d.session(
        "POST",
        "/url",
        json!({ "url": server.url("/#/runs/run-that-is-not-there") }),
    )
    .await;
    let error = d
        .wait_for(
            Duration::from_secs(20),
            "the unknown run's error",
            async |d| d.text("#run-error").await,
        )
        .await;
    assert!(error.contains("no run"), "{error}");
    let _ = d.session("DELETE", "", Value::Null).await;
    assert!(support::containers_of_run(&run_id).is_empty());
}

impl Driver {
    async fn text_of_attr(&self, element: &Value, name: &str) -> Option<String> {
        let id = element.as_object()?.values().next()?.as_str()?.to_string();
        self.session(
            "GET",
            &format!("/element/{id}/attribute/{name}"),
            Value::Null,
        )
        .await
        .as_str()
        .map(str::to_string)
    }
}

async fn screenshot(d: &Driver, path: &std::path::Path) {
    let shot = d.session("GET", "/screenshot", Value::Null).await;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot.as_str().unwrap())
        .unwrap();
    std::fs::write(path, &png).unwrap();
    eprintln!("screenshot: {}", path.display());
}
