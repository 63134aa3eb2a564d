//! `crucible serve`'s native API against the real binary and the real daemon: execute (python,
//! cpp with cases, both isolation modes), batch NDJSON and cancel-on-disconnect, 429 under
//! overload, tokens and the loopback rule, metrics and OpenAPI, SIGTERM with work in flight.
mod serve_support;

use serde_json::{Value, json};
use serve_support::{Server, client, get_text, post_json, require_images};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const PY: &str = "crucible/python:latest";
const CPP: &str = "crucible/cpp:latest";

/// A request on a raw connection, so that dropping it really closes the socket (a pooled
/// client may keep it open).
fn raw_post(server: &Server, path: &str, body: &Value) -> std::net::TcpStream {
    let body = serde_json::to_vec(body).unwrap();
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut socket = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        socket,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    socket.write_all(&body).unwrap();
    socket
}

fn sleeper(secs: f64, timeout_ms: u64) -> Value {
    json!({
        "language": "python",
        "files": {"s.py": {"content": format!("import time\ntime.sleep({secs})\nprint('slept')\n")}},
        "command": ["python3", "s.py"],
        "limits": {"timeout_ms": timeout_ms}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execute_python_and_cpp_in_both_isolation_modes() {
    require_images(&[PY, CPP]);
    let server = Server::start(&[], &[]);
    let http = client();
    for isolation in ["reuse", "fresh"] {
        let r: Value = http
            .post(server.url("/v1/execute"))
            .json(&json!({
                "language": "python",
                "isolation": isolation,
                "files": {
                    "main.py": {"content": "import helper\nprint(helper.twice(21))"},
                    "helper.py": {"content": "ZGVmIHR3aWNlKHgpOgogICAgcmV0dXJuIDIgKiB4Cg==", "encoding": "base64"}
                },
                "command": ["python3", "main.py"],
                "limits": {"timeout_ms": 10000, "memory_bytes": 268435456}
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["verdict"], "passed", "{isolation}: {r}");
        assert_eq!(r["stdout"]["text"], "42\n");
        assert_eq!(r["limits"]["memory_bytes"], 268435456);
        assert_eq!(r["image"], PY);
    }
    // C++ with stdin cases: a build, then each case judged against its expected output.
    let r: Value = http
        .post(server.url("/v1/execute"))
        .json(&json!({
            "image": CPP,
            "files": {"a.cpp": {"content": "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}"}},
            "build": ["g++", "-O2", "-o", "/tmp/prog", "a.cpp"],
            "command": ["/tmp/prog"],
            "cases": [
                {"name": "small", "stdin": "1 2\n", "expected_stdout": "3\n"},
                {"name": "wrong", "stdin": "2 2\n", "expected_stdout": "5\n"},
                {"name": "unjudged", "stdin": "5 5\n"}
            ],
            "limits": {"timeout_ms": 60000}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["verdict"], "failed", "{r}");
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0]["verdict"], "passed");
    assert_eq!(cases[1]["verdict"], "wrong_answer");
    assert_eq!(cases[2]["verdict"], "passed");
    assert_eq!(cases[2]["stdout"]["text"], "10\n");
    // Refusals: bad requests are 400 with a JSON error; a refused payload is invalid_input.
    let bad = http
        .post(server.url("/v1/execute"))
        .json(&json!({"image": "debian:bookworm", "command": ["true"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("only crucible images")
    );
    let over = http
        .post(server.url("/v1/execute"))
        .json(
            &json!({"language": "python", "command": ["true"], "limits": {"timeout_ms": 3600000}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(over.status(), 400);
    let refused: Value = http
        .post(server.url("/v1/execute"))
        .json(&json!({"language": "python", "command": ["true"],
                      "files": {"../escape.py": {"content": "x"}}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["verdict"], "invalid_input", "{refused}");
    server.stop_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_streams_ndjson_and_a_disconnect_removes_its_containers() {
    require_images(&[PY]);
    let server = Server::start(&["--concurrency", "2"], &[]);
    let http = client();
    let mut items = Vec::new();
    for (i, secs) in [0.8, 0.0, 0.3].iter().enumerate() {
        let mut e = sleeper(*secs, 10_000);
        e["id"] = json!(format!("job-{i}"));
        items.push(e);
    }
    items.push(json!({"id": "bad", "language": "cobol", "command": ["x"]}));
    let text = http
        .post(server.url("/v1/execute/batch"))
        .json(&json!({"executions": items}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    let mut ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["bad", "job-0", "job-1", "job-2"]);
    for l in &lines {
        if l["id"] == "bad" {
            assert_eq!(l["error"]["code"], "bad_request");
        } else {
            assert_eq!(l["result"]["verdict"], "passed", "{l}");
        }
    }

    // Cancel on disconnect: long executions in both modes; drop the connection while they run.
    let mut long = Vec::new();
    for i in 0..4 {
        let mut e = sleeper(45.0, 55_000);
        e["id"] = json!(i);
        e["isolation"] = json!(if i % 2 == 0 { "reuse" } else { "fresh" });
        long.push(e);
    }
    let before = server.containers().len();
    let mut socket = raw_post(&server, "/v1/execute/batch", &json!({"executions": long}));
    let mut head = [0u8; 12];
    socket.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(
        server.wait_containers(Duration::from_secs(60), |c| c.len() >= before + 2),
        "the batch's executions never started"
    );
    drop(socket);
    // What ran is removed; what waited never starts; idle slots of the first batch stay idle.
    let removed = server.wait_containers(Duration::from_secs(30), |c| c.len() <= before);
    assert!(
        removed,
        "containers left after the client went away: {:?}",
        server.containers()
    );
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        server.containers().len() <= before,
        "a waiting execution started after the disconnect"
    );

    // The same for one execution whose client goes away before the answer.
    for isolation in ["reuse", "fresh"] {
        let mut body = sleeper(45.0, 55_000);
        body["isolation"] = json!(isolation);
        let socket = raw_post(&server, "/v1/execute", &body);
        assert!(
            server.wait_containers(Duration::from_secs(60), |c| c.len() > before),
            "{isolation}: the execution never started"
        );
        drop(socket);
        assert!(
            server.wait_containers(Duration::from_secs(30), |c| c.len() <= before),
            "{isolation}: containers left after the client went away: {:?}",
            server.containers()
        );
    }
    server.stop_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_429_with_retry_after() {
    require_images(&[PY]);
    let server = Server::start(&["--concurrency", "1", "--max-queue", "1"], &[]);
    let http = client();
    let send = |body: Value| {
        let (http, url) = (http.clone(), server.url("/v1/execute"));
        tokio::spawn(async move { http.post(url).json(&body).send().await.unwrap() })
    };
    let first = send(sleeper(4.0, 20_000));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = send(sleeper(0.1, 20_000));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let third = http
        .post(server.url("/v1/execute"))
        .json(&sleeper(0.1, 20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 429);
    assert_eq!(third.headers()["retry-after"], "1");
    let piston = http
        .post(server.url("/api/v2/execute"))
        .json(&json!({"language": "python", "version": "*", "files": [{"content": "print(1)"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(piston.status(), 429, "the compat endpoints share the queue");
    assert_eq!(first.await.unwrap().status(), 200);
    assert_eq!(second.await.unwrap().status(), 200);
    let metrics = get_text(&http, server.url("/metrics")).await;
    assert!(metrics.contains("crucible_rejected_total 2"), "{metrics}");
    assert!(
        metrics.contains("crucible_executions_total{endpoint=\"v1\",verdict=\"passed\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("crucible_execution_seconds_count 2"),
        "{metrics}"
    );
    server.stop_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_required_and_exposure_needs_them() {
    // No Docker needed to refuse: the check comes first.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crucible"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .env_remove("CRUCIBLE_TOKENS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:0 without tokens"),
        "{err}"
    );
    // The same from a configuration file's [serve] section.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("crucible.toml");
    std::fs::write(&config, "[serve]\nlisten = \"0.0.0.0:0\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crucible"))
        .args(["serve", "--config", config.to_str().unwrap()])
        .env_remove("CRUCIBLE_TOKENS")
        .env_remove("CRUCIBLE_SERVE_LISTEN")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("0.0.0.0:0"));

    require_images(&[PY]);
    let token = "test-token-0123456789abcdef";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    std::fs::write(&file, format!("# serve tokens\n{token}\n")).unwrap();
    let server = Server::start(&["--tokens-file", file.to_str().unwrap()], &[]);
    let http = client();
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    for path in [
        "/v1/images",
        "/metrics",
        "/readyz",
        "/openapi.json",
        "/api/v2/runtimes",
    ] {
        let r = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        let wrong = http
            .get(server.url(path))
            .bearer_auth("nope-nope-nope-nope")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
    }
    let r = http
        .post(server.url("/run_code"))
        .json(&json!({"code": "print(1)", "language": "python"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let images: Value = http
        .get(server.url("/v1/images"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tags: Vec<&str> = images
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
        })
        .collect();
    assert!(tags.contains(&PY), "{images}");
    // Ready once the reuse pool's warm-up execution has passed.
    let mut ready = Value::Null;
    for _ in 0..120 {
        let r = http
            .get(server.url("/readyz"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let ok = r.status() == 200;
        ready = r.json().await.unwrap();
        if ok {
            break;
        }
        assert_eq!(ready["pool"], "warming", "{ready}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(ready["ready"], true, "{ready}");
    assert_eq!(ready["pool"], "warm", "{ready}");
    let metrics = http
        .get(server.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("crucible_pool_idle_slots 1"),
        "the warm slot waits: {metrics}"
    );
    // No CORS: a browser on another origin gets no permission.
    let preflight = http
        .request(reqwest::Method::OPTIONS, server.url("/v1/execute"))
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let spec: Value = http
        .get(server.url("/openapi.json"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/v1/execute",
        "/v1/execute/batch",
        "/run_code",
        "/api/v2/execute",
        "/api/v2/runtimes",
        "/metrics",
        "/v1/runs",
        "/v1/runs/{id}",
        "/v1/runs/{id}/events",
        "/v1/runs/{id}/report",
        "/v1/runs/{id}/executions/{task_id}/{model}",
        "/v1/tasks",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    server.stop_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_short_work_finish_and_removes_the_rest() {
    require_images(&[PY]);
    let mut server = Server::start(&["--grace", "3s", "--concurrency", "2"], &[]);
    server.wait_ready();
    let before = server.containers().len();
    let http = client();
    let send = |body: Value| {
        let (http, url) = (http.clone(), server.url("/v1/execute"));
        tokio::spawn(async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        })
    };
    let short = send(sleeper(1.5, 20_000));
    let mut long_body = sleeper(45.0, 55_000);
    long_body["isolation"] = json!("fresh");
    let long = send(long_body);
    assert!(
        server.wait_containers(Duration::from_secs(60), |c| c.len() >= before + 2),
        "the executions never started"
    );
    let signalled = Instant::now();
    server.sigterm();
    let (status, short) = short.await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(short["verdict"], "passed", "{short}");
    let (status, long) = long.await.unwrap();
    assert_eq!(status, 200, "{long}");
    assert_eq!(long["verdict"], "interrupted", "{long}");
    let exit = server
        .wait_exit(Duration::from_secs(30))
        .expect("serve did not exit");
    assert!(exit.success(), "{exit}");
    assert!(
        signalled.elapsed() < Duration::from_secs(25),
        "shutdown took {:?}",
        signalled.elapsed()
    );
    assert!(
        server.wait_containers(Duration::from_secs(10), |c| c.is_empty()),
        "containers left: {:?}",
        server.containers()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warm_slots_are_made_at_start() {
    require_images(&[PY]);
    let server = Server::start(&["--warm-slots", "2", "--concurrency", "2"], &[]);
    server.wait_ready();
    let metrics = client()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("crucible_pool_idle_slots 2"), "{metrics}");
    assert_eq!(server.containers().len(), 2, "{:?}", server.containers());
    server.stop_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_reuse_slots_are_capped_least_recent_first() {
    require_images(&[PY]);
    let server = Server::start(&["--max-idle-slots", "1"], &[]);
    server.wait_ready();
    let http = client();
    // Three limits, three slot kinds; only the last one used stays warm.
    for timeout_ms in [5000, 6000, 7000] {
        let r: Value = post_json(&http, server.url("/v1/execute"), &sleeper(0.0, timeout_ms)).await;
        assert_eq!(r["verdict"], "passed", "{r}");
    }
    assert!(
        server.wait_containers(Duration::from_secs(20), |c| c.len() == 1),
        "idle slots: {:?}",
        server.containers()
    );
    let metrics = get_text(&http, server.url("/metrics")).await;
    assert!(metrics.contains("crucible_pool_idle_slots 1"), "{metrics}");
    // The warm one is reused: no new container for the same limits.
    let before = server.containers();
    let r: Value = post_json(&http, server.url("/v1/execute"), &sleeper(0.0, 7000)).await;
    assert_eq!(r["verdict"], "passed");
    assert!(
        before[0].starts_with(&r["container_id"].as_str().unwrap()[..12]),
        "{r}"
    );
    server.stop_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_504_and_its_container_goes() {
    require_images(&[PY]);
    let server = Server::start(&["--request-deadline", "3s", "--isolation", "fresh"], &[]);
    let http = client();
    let mut body = sleeper(30.0, 40_000);
    body["isolation"] = json!("fresh");
    let r = http
        .post(server.url("/v1/execute"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "deadline", "{e}");
    assert!(
        server.wait_containers(Duration::from_secs(20), |c| c.is_empty()),
        "containers left after the deadline: {:?}",
        server.containers()
    );
    server.stop_clean();
}
