//! What a run shows while it runs: a bar on a terminal, plain lines in CI logs, JSON for machines.
use crate::store::ExecutionRecord;
use crate::verdict::Verdict;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    Bar,
    Lines,
    Json,
    Quiet,
}

pub struct Progress {
    mode: ProgressMode,
    verbose: bool,
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    passed: u64,
    skipped: u64,
    started: Instant,
}

impl Progress {
    pub fn new(mode: ProgressMode, verbose: bool, total: u64) -> Progress {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} {msg} [{elapsed_precise}, ETA {eta}]",
                )
                .expect("static template"),
            );
            bar
        });
        Progress {
            mode,
            verbose,
            bar,
            total,
            done: 0,
            passed: 0,
            skipped: 0,
            started: Instant::now(),
        }
    }

    pub fn skipped(&mut self, n: u64) {
        self.skipped += n;
        self.done += n;
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    pub fn finished(&mut self, r: &ExecutionRecord, will_retry: bool) {
        if !will_retry {
            self.done += 1;
            if r.verdict == Verdict::Passed {
                self.passed += 1;
            }
        }
        let rate =
            (self.done - self.skipped) as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let line = format!(
            "{}/{} {:<13} {} {} #{}{} ({} ms){}",
            self.done,
            self.total,
            r.verdict.as_str(),
            r.model,
            r.task_id,
            r.sample,
            if r.attempt > 1 {
                format!(" attempt {}", r.attempt)
            } else {
                String::new()
            },
            r.wall_ms,
            if will_retry { " - will retry" } else { "" }
        );
        match self.mode {
            ProgressMode::Bar => {
                let bar = self.bar.as_ref().expect("bar mode");
                if !will_retry {
                    bar.inc(1);
                }
                bar.set_message(format!("passed {} | {rate:.1}/s", self.passed));
                if self.verbose {
                    bar.println(line);
                }
            }
            ProgressMode::Lines => eprintln!("{line}"),
            ProgressMode::Json => {
                let event = serde_json::json!({
                    "event": "execution",
                    "task_id": r.task_id, "model": r.model, "sample": r.sample, "repeat": r.repeat,
                    "attempt": r.attempt, "verdict": r.verdict, "reason": r.reason, "wall_ms": r.wall_ms,
                    "will_retry": will_retry, "done": self.done, "total": self.total,
                });
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{event}");
            }
            ProgressMode::Quiet => {}
        }
    }

    pub fn message(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None if self.mode != ProgressMode::Json => eprintln!("{text}"),
            None => {}
        }
    }

    pub fn close(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
