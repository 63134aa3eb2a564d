//! The remote executor: specs go to `crucible serve` replicas over HTTP, evidence comes back
//! and is judged here like a local execution's. Each execution goes to the replica with the
//! lowest load (in flight per place; ties in turn), at most its concurrency per replica; on a
//! connection error, 429, 502, 503, a 409 image mismatch or a replica's infra error it goes to
//! another replica, and only when every replica failed is it an infra error (which the run's
//! own retry policy then retries). Re-running an execution elsewhere is safe: it changes
//! nothing outside its own container.
use super::error::RemoteError;
use super::replica::Replica;
use super::wire::{
    EXECUTE_PATH, ExecutorAnswer, ExecutorInfo, IMAGE_PATH, INFO_PATH, ImageIdentity,
};
use crate::execution::{Evidence, ExecutionSpec, Executor, InfraError, Ticket};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

/// Passes over all replicas while every failure is a transient one (busy, shutting down,
/// unreachable), with a growing pause between passes.
const PASSES: u32 = 5;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// Base URLs of the replicas (http://host:port).
    pub urls: Vec<String>,
    pub token: Option<String>,
    /// `fresh` or `reuse`.
    pub isolation: String,
    /// Executions in flight per replica; default: the replica's concurrency.
    pub in_flight_per_replica: Option<usize>,
    /// The runtime the caller asked for (`--runtime`); the replicas must use exactly it.
    pub runtime: Option<String>,
}

pub struct RemoteExecutor {
    http: reqwest::Client,
    replicas: Vec<Replica>,
    token: Option<String>,
    isolation: String,
    runtime: Option<String>,
    request_timeout: Duration,
    /// Image ids by image name, as the first replica that knew them said.
    image_ids: Mutex<HashMap<String, String>>,
    /// Bounds what is in flight over all replicas (the sum of their limits).
    slots: Semaphore,
    /// Bumped by `abort_all`: every request in flight then gives up (and its replica removes
    /// the container when the connection closes).
    aborts: watch::Sender<u64>,
    in_flight: AtomicUsize,
    /// Requests dropped before their answer since the last `abort_all`.
    dropped: AtomicUsize,
    turn: AtomicUsize,
    warnings: Vec<String>,
}

/// How one attempt on one replica failed.
enum Failure {
    /// Worth another replica now or on a later pass (busy, shutting down, unreachable).
    Transient(String),
    /// Worth another replica, not another pass (this replica's daemon or image).
    Elsewhere(String),
    /// No replica will do better (refused token, malformed spec, deadline).
    Final(String),
}

#[derive(Serialize)]
struct RequestRef<'a> {
    spec: &'a ExecutionSpec,
    isolation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_id: Option<&'a str>,
}

/// Counts a request as dropped unless it reached its end.
struct Tracked<'a> {
    executor: &'a RemoteExecutor,
    done: bool,
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.executor.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !self.done {
            self.executor.dropped.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn normalise(url: &str) -> Result<String, RemoteError> {
    let u = url.trim().trim_end_matches('/');
    let rest = u
        .strip_prefix("http://")
        .ok_or_else(|| RemoteError::BadUrl(url.to_string()))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(RemoteError::BadUrl(url.to_string()));
    }
    Ok(u.to_string())
}

/// The `{"error": {"message"}}` of an error answer, else its first bytes.
fn error_message(status: reqwest::StatusCode, body: &[u8]) -> String {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    format!("HTTP {}: {}", status.as_u16(), message.trim())
}

impl RemoteExecutor {
    /// Ask every replica for its runtime, concurrency and isolation modes; refuse to start
    /// when none answers, when one refuses the token, or when they would run differently from
    /// what was asked. Replicas that do not answer yet are kept (tried last) and reported in
    /// `warnings`.
    pub async fn connect(options: RemoteOptions) -> Result<RemoteExecutor, RemoteError> {
        if options.urls.is_empty() {
            return Err(RemoteError::NoUrls);
        }
        let urls = options
            .urls
            .iter()
            .map(|u| normalise(u))
            .collect::<Result<Vec<_>, _>>()?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| RemoteError::Client(e.to_string()))?;
        let infos = futures_util::future::join_all(
            urls.iter()
                .map(|u| fetch_info(&http, u, options.token.as_deref())),
        )
        .await;
        let mut silent = Vec::new();
        let mut known: Vec<(String, ExecutorInfo)> = Vec::new();
        for (url, info) in urls.iter().zip(infos) {
            match info {
                Ok(info) => known.push((url.clone(), info)),
                Err(Failure::Final(why)) if why.contains("HTTP 401") => {
                    return Err(RemoteError::Unauthorized(url.clone()));
                }
                Err(Failure::Final(why) | Failure::Elsewhere(why) | Failure::Transient(why)) => {
                    silent.push(format!("{url}: {why}"))
                }
            }
        }
        if known.is_empty() {
            return Err(RemoteError::NoReplica(silent.join("; ")));
        }
        let warnings = silent
            .iter()
            .map(|s| format!("replica {s}; sending to the others, trying it again later"))
            .collect();
        for (url, info) in &known {
            if info.runtime != options.runtime {
                return Err(RemoteError::Runtime {
                    url: url.clone(),
                    theirs: info.runtime.clone(),
                    wanted: options.runtime.clone(),
                });
            }
            if !info.isolation.contains(&options.isolation) {
                return Err(RemoteError::Isolation {
                    url: url.clone(),
                    isolation: options.isolation.clone(),
                    allowed: info.isolation.join(", "),
                });
            }
        }
        let typical = known[0].1.concurrency;
        let deadline = known
            .iter()
            .map(|(_, i)| i.request_deadline_secs)
            .max()
            .unwrap_or(300);
        let replicas: Vec<Replica> = urls
            .iter()
            .map(|url| {
                let info = known.iter().find(|(u, _)| u == url).map(|(_, i)| i);
                let limit = options
                    .in_flight_per_replica
                    .unwrap_or_else(|| info.map_or(typical, |i| i.concurrency));
                let r = Replica::new(url.clone(), limit);
                if info.is_none() {
                    r.mark_down();
                }
                r
            })
            .collect();
        let capacity = replicas.iter().map(Replica::limit).sum();
        Ok(RemoteExecutor {
            http,
            replicas,
            token: options.token,
            isolation: options.isolation,
            runtime: options.runtime,
            // The replica gives up at its deadline (504); the margin covers the answer's way.
            request_timeout: Duration::from_secs(deadline + 30),
            image_ids: Mutex::new(HashMap::new()),
            slots: Semaphore::new(capacity),
            aborts: watch::channel(0).0,
            in_flight: AtomicUsize::new(0),
            dropped: AtomicUsize::new(0),
            turn: AtomicUsize::new(0),
            warnings,
        })
    }

    /// Executions the replicas take at once: a good `--concurrency` for the run.
    pub fn capacity(&self) -> usize {
        self.replicas.iter().map(Replica::limit).sum()
    }

    /// What `connect` noticed but did not refuse (replicas not answering yet).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The untried replica to send to next: up before down, then the lowest load, ties in turn.
    fn pick(&self, tried: &[bool]) -> Option<usize> {
        let n = self.replicas.len();
        let start = self.turn.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|k| (start + k) % n)
            .filter(|&i| !tried[i])
            .min_by(|&a, &b| {
                let (ra, rb) = (&self.replicas[a], &self.replicas[b]);
                (ra.is_down(), ra.load())
                    .partial_cmp(&(rb.is_down(), rb.load()))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
    }

    fn authorised(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// One attempt on replica `i`.
    async fn send(&self, i: usize, body: bytes::Bytes) -> Result<Evidence, Failure> {
        let replica = &self.replicas[i];
        let _counted = replica.begin();
        let req = self
            .http
            .post(format!("{}{EXECUTE_PATH}", replica.url))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .timeout(self.request_timeout)
            .body(body);
        let answer = match self.authorised(req).send().await {
            Ok(a) => a,
            Err(e) if e.is_timeout() => {
                return Err(Failure::Final(format!(
                    "no answer within {}s",
                    self.request_timeout.as_secs()
                )));
            }
            Err(e) => {
                replica.mark_down();
                return Err(Failure::Transient(format!("request failed: {e}")));
            }
        };
        let status = answer.status();
        let body = match answer.bytes().await {
            Ok(b) => b,
            Err(e) => {
                replica.mark_down();
                return Err(Failure::Transient(format!(
                    "reading the answer failed: {e}"
                )));
            }
        };
        replica.mark_up();
        match status.as_u16() {
            200 => match serde_json::from_slice::<ExecutorAnswer>(&body) {
                Ok(ExecutorAnswer::Evidence(evidence)) => Ok(*evidence),
                Ok(ExecutorAnswer::InfraError { message }) => Err(Failure::Elsewhere(message)),
                Err(e) => Err(Failure::Final(format!(
                    "unreadable answer ({e}); is this a crucible serve of the same version?"
                ))),
            },
            429 | 502 | 503 => Err(Failure::Transient(error_message(status, &body))),
            409 => Err(Failure::Elsewhere(error_message(status, &body))),
            _ => Err(Failure::Final(error_message(status, &body))),
        }
    }

    /// Every replica in turn until one answers; more passes while all failures are transient.
    async fn dispatch(&self, body: bytes::Bytes) -> Result<Evidence, InfraError> {
        let mut failures = Vec::new();
        for pass in 0..PASSES {
            if pass > 0 {
                tokio::time::sleep(Duration::from_millis(250 << (pass - 1))).await;
            }
            let mut tried = vec![false; self.replicas.len()];
            let mut transient_only = true;
            failures.clear();
            while let Some(i) = self.pick(&tried) {
                tried[i] = true;
                let url = &self.replicas[i].url;
                match self.send(i, body.clone()).await {
                    Ok(evidence) => return Ok(evidence),
                    Err(Failure::Transient(why)) => failures.push(format!("{url}: {why}")),
                    Err(Failure::Elsewhere(why)) => {
                        transient_only = false;
                        failures.push(format!("{url}: {why}"));
                    }
                    Err(Failure::Final(why)) => {
                        return Err(InfraError::new(format!("replica {url}: {why}")));
                    }
                }
            }
            if !transient_only {
                break;
            }
        }
        Err(InfraError::new(format!(
            "every replica failed: {}",
            failures.join("; ")
        )))
    }
}

async fn fetch_info(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
) -> Result<ExecutorInfo, Failure> {
    let mut req = http
        .get(format!("{url}{INFO_PATH}"))
        .timeout(Duration::from_secs(10));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let answer = req
        .send()
        .await
        .map_err(|e| Failure::Transient(e.to_string()))?;
    let status = answer.status();
    let body = answer
        .bytes()
        .await
        .map_err(|e| Failure::Transient(e.to_string()))?;
    if status.is_success() {
        serde_json::from_slice(&body).map_err(|e| {
            Failure::Final(format!(
                "{url}{INFO_PATH} is not a crucible executor API ({e}); is it crucible serve?"
            ))
        })
    } else {
        Err(Failure::Final(error_message(status, &body)))
    }
}

#[async_trait::async_trait]
impl Executor for RemoteExecutor {
    async fn image_id(&self, image: &str) -> Result<String, InfraError> {
        if let Some(id) = self.image_ids.lock().expect("image ids").get(image) {
            return Ok(id.clone());
        }
        let mut tried = vec![false; self.replicas.len()];
        let mut failures = Vec::new();
        while let Some(i) = self.pick(&tried) {
            tried[i] = true;
            let replica = &self.replicas[i];
            let req = self
                .http
                .get(format!("{}{IMAGE_PATH}{image}", replica.url))
                .timeout(Duration::from_secs(30));
            let answer = match self.authorised(req).send().await {
                Ok(a) => a,
                Err(e) => {
                    replica.mark_down();
                    failures.push(format!("{}: {e}", replica.url));
                    continue;
                }
            };
            let status = answer.status();
            let body = answer.bytes().await.unwrap_or_default();
            if status.is_success()
                && let Ok(found) = serde_json::from_slice::<ImageIdentity>(&body)
            {
                self.image_ids
                    .lock()
                    .expect("image ids")
                    .insert(image.to_string(), found.image_id.clone());
                return Ok(found.image_id);
            }
            failures.push(format!("{}: {}", replica.url, error_message(status, &body)));
        }
        Err(InfraError::new(format!(
            "no replica knows image {image}: {}",
            failures.join("; ")
        )))
    }

    async fn execute(&self, _ticket: Ticket, spec: &ExecutionSpec) -> Result<Evidence, InfraError> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let mut tracked = Tracked {
            executor: self,
            done: false,
        };
        let mut aborted = self.aborts.subscribe();
        let image_id = self
            .image_ids
            .lock()
            .expect("image ids")
            .get(&spec.image)
            .cloned();
        let body = serde_json::to_vec(&RequestRef {
            spec,
            isolation: &self.isolation,
            image_id: image_id.as_deref(),
        })
        .map_err(|e| InfraError::new(format!("encoding the spec failed: {e}")))?;
        let work = async {
            let _slot = self
                .slots
                .acquire()
                .await
                .map_err(|_| InfraError::new("the remote executor was shut down"))?;
            self.dispatch(bytes::Bytes::from(body)).await
        };
        let ran = tokio::select! {
            ran = work => ran,
            _ = aborted.changed() => Err(InfraError::new(
                "interrupted: the request was cancelled and its replica removes the container",
            )),
        };
        tracked.done = true;
        ran
    }

    async fn abort_all(&self) -> usize {
        let cancelled =
            self.in_flight.load(Ordering::SeqCst) + self.dropped.swap(0, Ordering::SeqCst);
        self.aborts.send_modify(|g| *g += 1);
        cancelled
    }

    async fn finish(&self) {}

    fn runtime(&self) -> Option<String> {
        self.runtime.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_base_urls_are_taken() {
        assert_eq!(
            normalise("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "https://x:1",
            "127.0.0.1:8080",
            "http://",
            "http://a/b",
            "ftp://a",
        ] {
            assert!(normalise(bad).is_err(), "{bad}");
        }
    }
}
