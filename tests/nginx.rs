//! deploy/nginx/crucible.conf in front of three `crucible serve` replicas: a load of
//! `/v1/execute` requests runs while one replica is SIGKILLed, and not one request is lost
//! (every answer is a judged, correct result); `crucible run --executor http://<nginx>` gives
//! the keys and verdicts of a local run; nothing is left behind. nginx is Debian's (installed
//! by scripts/ensure-nginx), started here with its own prefix on a loopback port.
mod common;
mod scale_support;

use common::*;
use crucible::store::{ExecutionRecord, SqliteStore, StoreReader};
use scale_support::{Replica, gc, owned_by};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Nginx {
    child: Child,
    url: String,
}

impl Nginx {
    /// The repo's config with our replicas in its upstream and a free loopback port.
    fn start(dir: &Path, replicas: &[&Replica]) -> Nginx {
        let ensure = Command::new(repo_root().join("scripts/ensure-nginx"))
            .output()
            .expect("run scripts/ensure-nginx");
        assert!(
            ensure.status.success(),
            "nginx is unavailable: {}",
            String::from_utf8_lossy(&ensure.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = std::fs::read_to_string(repo_root().join("deploy/nginx/crucible.conf")).unwrap();
        let mut out = String::new();
        let mut servers_written = false;
        for line in conf.lines() {
            let t = line.trim_start();
            if t.starts_with("server 127.0.0.1:") {
                if !servers_written {
                    for r in replicas {
                        out.push_str(&format!(
                            "    server 127.0.0.1:{} max_fails=1 fail_timeout=10s;\n",
                            r.port()
                        ));
                    }
                    servers_written = true;
                }
            } else if t.starts_with("listen ") {
                out.push_str(&format!("    listen 127.0.0.1:{port};\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        assert!(servers_written, "the config's upstream lists no server");
        std::fs::write(dir.join("crucible.conf"), out).unwrap();
        let d = dir.display();
        std::fs::write(
            dir.join("nginx.conf"),
            format!(
                "user nobody nogroup;\nworker_processes 2;\npid {d}/nginx.pid;\n\
                 error_log {d}/error.log warn;\nevents {{ worker_connections 1024; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  \
                 proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  \
                 uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
                 include {d}/crucible.conf;\n}}\n"
            ),
        )
        .unwrap();
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx");
        let url = format!("http://127.0.0.1:{port}");
        let end = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < end,
                "nginx did not listen: {}",
                std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Nginx { child, url }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> PathBuf {
    let path = PathBuf::from("/usr/sbin/nginx");
    if path.exists() {
        path
    } else {
        PathBuf::from("nginx")
    }
}

fn square(n: u64) -> Value {
    json!({
        "language": "python",
        "files": {"main.py": {"content": format!("print({n} * {n})\n")}},
        "command": ["python3", "main.py"],
        "limits": {"timeout_ms": 20000}
    })
}

/// `count` executions, `parallel` at a time, against `url`; `after(done)` is called as they
/// end. Returns every answer as (n, HTTP status, body) and the time taken.
async fn load(
    url: &str,
    count: u64,
    parallel: usize,
    after: Arc<dyn Fn(usize) + Send + Sync>,
) -> (Vec<(u64, u16, Value)>, Duration) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..parallel {
        let (http, next, done, after) = (http.clone(), next.clone(), done.clone(), after.clone());
        let url = format!("{url}/v1/execute");
        workers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst) as u64;
                if n >= count {
                    return answers;
                }
                let answer = http.post(&url).json(&square(n)).send().await;
                let (status, body) = match answer {
                    Ok(a) => {
                        let s = a.status().as_u16();
                        (s, a.json::<Value>().await.unwrap_or(Value::Null))
                    }
                    Err(e) => (0, json!({"transport_error": e.to_string()})),
                };
                answers.push((n, status, body));
                after(done.fetch_add(1, Ordering::SeqCst) + 1);
            }
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all.sort_by_key(|(n, _, _)| *n);
    (all, started.elapsed())
}

fn assert_all_correct(answers: &[(u64, u16, Value)], count: u64) {
    assert_eq!(answers.len() as u64, count);
    let wrong: Vec<String> = answers
        .iter()
        .filter(|(n, status, body)| {
            *status != 200
                || body["verdict"] != "passed"
                || body["stdout"]["text"].as_str().map(str::trim) != Some(&(n * n).to_string())
        })
        .map(|(n, status, body)| format!("#{n}: {status} {body}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {count} requests lost or wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn finals(store: &Path, run_id: &str) -> BTreeMap<(String, String), ExecutionRecord> {
    let store = SqliteStore::open(store).unwrap();
    let mut last: BTreeMap<(String, String), ExecutionRecord> = BTreeMap::new();
    for r in store.executions(run_id).unwrap() {
        let k = (r.model.clone(), r.task_id.clone());
        if last.get(&k).is_none_or(|prev| prev.attempt < r.attempt) {
            last.insert(k, r);
        }
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nginx_loses_no_request_when_a_replica_dies() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("nginx");
    let replicas: Vec<Replica> = (0..3)
        .map(|_| Replica::start(&["--concurrency", "2"]))
        .collect();
    let pids: Vec<u32> = replicas.iter().map(|r| r.pid).collect();
    let nginx_dir = scratch.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir).unwrap();
    let nginx = Nginx::start(&nginx_dir, &replicas.iter().collect::<Vec<_>>());
    let quiet: Arc<dyn Fn(usize) + Send + Sync> = Arc::new(|_| {});

    // Throughput, same load: one replica directly, then three behind nginx.
    let (direct, direct_took) = load(&replicas[0].url, 60, 8, quiet.clone()).await;
    assert_all_correct(&direct, 60);
    let (proxied, proxied_took) = load(&nginx.url, 60, 8, quiet.clone()).await;
    assert_all_correct(&proxied, 60);
    eprintln!(
        "60 executions, 8 at a time: one replica direct {:.1}/s, three behind nginx {:.1}/s",
        60.0 / direct_took.as_secs_f64(),
        60.0 / proxied_took.as_secs_f64()
    );

    // A long load; the first replica is SIGKILLed a quarter of the way in.
    let total = 240;
    let victim = Arc::new(std::sync::Mutex::new(Some(
        replicas.into_iter().collect::<Vec<_>>(),
    )));
    let kill_at = total as usize / 4;
    let killed_pid = pids[0];
    let v = victim.clone();
    let killer: Arc<dyn Fn(usize) + Send + Sync> = Arc::new(move |done| {
        if done == kill_at
            && let Some(rs) = v.lock().unwrap().as_mut()
        {
            rs[0].kill();
            eprintln!("killed replica {killed_pid} after {done} answers");
        }
    });
    let (answers, took) = load(&nginx.url, total, 12, killer).await;
    assert_all_correct(&answers, total);
    eprintln!(
        "{total} executions through nginx with a replica killed: {:.1}/s, none lost",
        total as f64 / took.as_secs_f64()
    );
    let log = std::fs::read_to_string(nginx_dir.join("error.log")).unwrap_or_default();
    let resent = log
        .lines()
        .filter(|l| l.contains("upstream") && l.contains("/v1/execute"))
        .count();
    eprintln!(
        "nginx logged {resent} upstream failure(s) of /v1/execute (each re-sent to the next replica)"
    );
    let mut replicas = victim.lock().unwrap().take().unwrap();
    let survivors = replicas.split_off(1);

    // The executor API through nginx: a run's keys and verdicts equal a local run's.
    let (tasks, cands) = python_benchmark(scratch.path(), 4, 0.0);
    let store = scratch.path().join("n.db");
    for (run_id, extra) in [
        ("local", vec!["-j".to_string(), "2".to_string()]),
        (
            "via-nginx",
            vec!["--executor".to_string(), nginx.url.clone()],
        ),
    ] {
        let out = crucible()
            .args(["run", "--tasks"])
            .arg(&tasks)
            .arg("--candidates")
            .arg(&cands)
            .arg("--store")
            .arg(&store)
            .args(["--run-id", run_id, "--json"])
            .args(&extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{run_id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (l, r) = (finals(&store, "local"), finals(&store, "via-nginx"));
    assert_eq!(l.len(), 8);
    assert_eq!(l.keys().collect::<Vec<_>>(), r.keys().collect::<Vec<_>>());
    for (k, lr) in &l {
        assert_eq!(lr.verdict, r[k].verdict, "{k:?}");
        assert_eq!(lr.key, r[k].key, "{k:?}");
    }

    // Nothing left: the killed replica's containers go with `crucible gc`, the others' at
    // their clean shutdown.
    drop(nginx);
    gc();
    assert!(
        owned_by(killed_pid).is_empty(),
        "the killed replica's containers stayed"
    );
    for r in survivors {
        r.stop_clean();
    }
    for pid in pids {
        assert!(owned_by(pid).is_empty());
    }
}
