//! The runs API over real HTTP with a real sandbox: start a run of uploaded candidates over a
//! task root, follow its server-sent events to the end, read its report in every format and one
//! execution's record, list tasks; refuse paths that leave a root; cancel a run mid-way and find
//! no container of it left.
//!
//! Needs Docker and `crucible/python:latest` (fails, never skips, without them).
mod common;
#[path = "serve_runs/support.rs"]
mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{containers_of_run, copy_tasks, sample_candidates};

const TASKS: [&str; 2] = ["py-slugify", "io-python-bank-statement"];
const MODELS: [&str; 2] = ["model-strong", "model-sloppy"];

fn expected(model: &str, task: &str) -> String {
    let all: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo_root().join("tasks/_candidates/EXPECTED.json"))
            .unwrap(),
    )
    .unwrap();
    all[model][task].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_over_http_streams_its_results_and_reports() {
    common::require_image(common::PYTHON_IMAGE);
    let server = support::start(
        |dir| {
            let root = dir.join("bench");
            copy_tasks(&root, &TASKS);
            vec![root]
        },
        2,
    )
    .await;
    let host_path = server.dir.path().to_string_lossy().into_owned();

    // The tasks under the root, by name, never by host path.
    let (status, tasks) = server.get_json("/v1/tasks").await;
    assert_eq!(status, 200, "{tasks}");
    assert_eq!(tasks["roots"], json!(["bench"]));
    let ids: Vec<&str> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["io-python-bank-statement", "py-slugify"]);
    assert!(!tasks.to_string().contains(&host_path), "{tasks}");

    // Paths that would leave the root are refused, and the answer names no host path.
    for (tasks_param, want) in [
        ("bench/../..", 400),
        ("/etc", 400),
        ("nope", 404),
        ("bench/missing", 404),
    ] {
        let (status, body) = server
            .post_jsonl(
                &format!("tasks={}", urlencode(tasks_param)),
                sample_candidates(&MODELS, &TASKS),
            )
            .await;
        assert_eq!(status, want, "{tasks_param}: {body}");
        let error = body["error"].as_str().unwrap();
        assert!(!error.contains(&host_path), "{error}");
    }
    // A malformed option is a JSON error too.
    let (status, body) = server
        .post_jsonl(
            "tasks=bench&samples=many",
            sample_candidates(&MODELS, &TASKS),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("query string"),
        "{body}"
    );
    // Nothing usable uploaded: a clear 400.
    let (status, body) = server
        .post_jsonl(
            "tasks=bench",
            "{\"task_id\": \"nope\", \"code\": \"x\"}\n".into(),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("line 1"), "{body}");

    // The run: JSONL body, options in the query.
    let (status, created) = server
        .post_jsonl("tasks=bench", sample_candidates(&MODELS, &TASKS))
        .await;
    assert_eq!(status, 202, "{created}");
    assert_eq!(created["executions"], 4, "{created}");
    let run_id = created["run_id"].as_str().unwrap().to_string();

    let events = server
        .follow(&run_id, Duration::from_secs(300), |_, _| false)
        .await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.first(), Some(&"snapshot"), "{names:?}");
    assert_eq!(names.last(), Some(&"done"), "{names:?}");
    // Every execution arrived on its own (the snapshot may hold some already).
    let mut seen: Vec<(String, String, String)> = events
        .iter()
        .flat_map(|(n, v)| match n.as_str() {
            "execution" => vec![v.clone()],
            "snapshot" => v["executions"].as_array().unwrap().clone(),
            _ => vec![],
        })
        .map(|e| {
            (
                e["model"].as_str().unwrap().to_string(),
                e["task_id"].as_str().unwrap().to_string(),
                e["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4, "{seen:?}");
    for (model, task, verdict) in &seen {
        assert_eq!(verdict, &expected(model, task), "{model} on {task}");
    }
    assert!(
        names.contains(&"progress"),
        "progress counts while it ran: {names:?}"
    );
    let done = &events.last().unwrap().1;
    assert_eq!(done["state"], "finished", "{done}");
    assert_eq!(done["finished"], 4);
    assert_eq!(done["planned"], 4);
    let passed = seen.iter().filter(|(_, _, v)| v == "passed").count();
    assert_eq!(done["passed"], passed as u64, "{done}");

    // A late subscriber gets the whole run at once.
    let late = server
        .follow(&run_id, Duration::from_secs(30), |_, _| false)
        .await;
    assert_eq!(late.len(), 2, "{late:?}");
    assert_eq!(late[0].1["executions"].as_array().unwrap().len(), 4);

    // The run in the listing and on its own.
    let (_, runs) = server.get_json("/v1/runs").await;
    let listed = runs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["run_id"] == run_id.as_str())
        .unwrap();
    assert_eq!(listed["state"], "finished");
    assert_eq!(listed["progress"]["finished"], 4);
    assert_eq!(listed["settings"]["tasks"], "bench");
    let (status, one) = server.get_json(&format!("/v1/runs/{run_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["progress"]["passed"], passed as u64, "{one}");
    assert!(!one.to_string().contains(&host_path), "{one}");
    let (status, missing) = server.get_json("/v1/runs/run-nope").await;
    assert_eq!(status, 404, "{missing}");

    // The report, in every format the API offers.
    let (status, ct, text) = server
        .get_text(&format!("/v1/runs/{run_id}/report?format=json"))
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["run_id"], run_id.as_str());
    assert_eq!(report["models"].as_array().unwrap().len(), 2);
    for (format, ct_prefix, needle) in [
        ("csv", "text/csv", "model-strong"),
        ("markdown", "text/markdown", "| model-strong"),
        ("junit", "application/xml", "<testsuite"),
        ("html", "text/html", "<svg"),
    ] {
        let (status, ct, text) = server
            .get_text(&format!("/v1/runs/{run_id}/report?format={format}"))
            .await;
        assert_eq!(status, 200, "{format}: {text}");
        assert!(ct.starts_with(ct_prefix), "{format}: {ct}");
        assert!(text.contains(needle), "{format}: {text}");
    }
    let (status, _, text) = server
        .get_text(&format!("/v1/runs/{run_id}/report?format=pdf"))
        .await;
    assert_eq!(status, 400, "{text}");

    // One execution's full record: the sloppy bank statement fails a case, with its message.
    let (status, ex) = server
        .get_json(&format!(
            "/v1/runs/{run_id}/executions/io-python-bank-statement/model-sloppy?sample=0"
        ))
        .await;
    assert_eq!(status, 200, "{ex}");
    assert_eq!(ex["execution"]["verdict"], "failed", "{ex}");
    assert!(!ex["execution"]["reason"].as_str().unwrap().is_empty());
    assert!(ex["tests_total"].as_u64().unwrap() >= 5, "{ex}");
    assert!(ex["first_failure"]["name"].is_string(), "{ex}");
    assert!(ex["limits"]["memory_bytes"].as_u64().unwrap() > 0, "{ex}");
    assert_eq!(ex["image"], "crucible/python:latest");
    assert!(ex["execution"]["payload_sha256"].is_string(), "{ex}");
    assert!(ex["execution"]["image_id"].is_string(), "{ex}");
    assert!(ex["execution"]["wall_ms"].as_u64().unwrap() > 0, "{ex}");
    let (status, _) = server
        .get_json(&format!("/v1/runs/{run_id}/executions/py-slugify/nobody"))
        .await;
    assert_eq!(status, 404);

    // The same upload under the same run id resumes it: everything is judged already.
    let (status, resumed) = server
        .post_jsonl(
            &format!("tasks=bench&run_id={run_id}"),
            sample_candidates(&MODELS, &TASKS),
        )
        .await;
    assert_eq!(status, 202, "{resumed}");
    let events = server
        .follow(&run_id, Duration::from_secs(120), |_, _| false)
        .await;
    assert_eq!(events.last().unwrap().1["state"], "finished", "{events:?}");
    let (_, again) = server
        .get_json(&format!("/v1/runs/{run_id}/report?format=json"))
        .await;
    for m in again["models"].as_array().unwrap() {
        assert_eq!(m["attempts"], 2, "nothing ran again: {m}");
    }

    // Cancelling a finished run is a conflict.
    let r = server
        .client
        .delete(server.url(&format!("/v1/runs/{run_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 409);
    assert!(containers_of_run(&run_id).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_leaves_no_container() {
    common::require_image(common::PYTHON_IMAGE);
    let server = support::start(
        |dir| {
            // Slow tests (6 s each) so that the run is surely mid-way when cancelled.
            common::python_benchmark(dir, 4, 6.0);
            vec![dir.join("tasks")]
        },
        2,
    )
    .await;
    let candidates: Vec<Value> = (0..4)
        .flat_map(|i| {
            [("good", "return a + b"), ("bad", "return abs(a) + b")].map(|(m, body)| {
                json!({
                    "task_id": format!("add-{i:03}"), "model": m,
                    "files": { "solution.py": format!("def add(a, b):\n    {body}\n") },
                })
            })
        })
        .collect();
    // The JSON body shape this time.
    let (status, created) = server
        .post_json(json!({ "tasks": "tasks", "candidates": candidates, "models": ["good", "bad"] }))
        .await;
    assert_eq!(status, 202, "{created}");
    assert_eq!(created["executions"], 8);
    let run_id = created["run_id"].as_str().unwrap().to_string();

    // Another run beside it, which the cancel must not touch.
    let (status, other) = server
        .post_json(json!({ "tasks": "tasks", "task_ids": ["add-001"], "candidates": candidates }))
        .await;
    assert_eq!(status, 202, "{other}");
    let other_id = other["run_id"].as_str().unwrap().to_string();

    // A second run with the same id while it runs is refused.
    let (status, body) = server
        .post_json(json!({ "tasks": "tasks", "run_id": run_id, "candidates": candidates }))
        .await;
    assert_eq!(status, 409, "{body}");

    let started = Instant::now();
    while containers_of_run(&run_id).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no container of {run_id} appeared"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, running) = server.get_json(&format!("/v1/runs/{run_id}")).await;
    assert_eq!(running["state"], "running", "{running}");
    assert_eq!(running["progress"]["planned"], 8);

    let r = server
        .client
        .delete(server.url(&format!("/v1/runs/{run_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let cancelled: Value = r.json().await.unwrap();
    assert_eq!(cancelled["state"], "interrupted", "{cancelled}");
    assert!(
        cancelled["progress"]["finished"].as_u64().unwrap() < 8,
        "{cancelled}"
    );
    assert!(
        cancelled["progress"]["verdicts"]["interrupted"]
            .as_u64()
            .unwrap_or(0)
            >= 1,
        "{cancelled}"
    );
    let left = containers_of_run(&run_id);
    assert!(left.is_empty(), "containers left after cancel: {left:?}");

    // The other run went on: each of its executions judged at the first attempt.
    let events = server
        .follow(&other_id, Duration::from_secs(240), |_, _| false)
        .await;
    let done = &events.last().unwrap().1;
    assert_eq!(done["state"], "finished", "{events:?}");
    let (_, report) = server
        .get_json(&format!("/v1/runs/{other_id}/report?format=json"))
        .await;
    let verdicts: Vec<(String, String, u64)> = report["tasks"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["model"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
                r["attempts"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut verdicts = verdicts;
    verdicts.sort();
    assert_eq!(
        verdicts,
        [
            ("bad".into(), "failed".into(), 1),
            ("good".into(), "passed".into(), 1)
        ],
        "the cancel of {run_id} reached {other_id}"
    );

    // The stream of a cancelled run ends at once with its counts.
    let events = server
        .follow(&run_id, Duration::from_secs(30), |_, _| false)
        .await;
    assert_eq!(
        events.last().unwrap().1["state"],
        "interrupted",
        "{events:?}"
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
