//! What a run shows while it runs: a bar on a terminal, plain lines in CI logs, or JSON lines
//! for machines. Both are event sinks.
use super::events::{EventSink, RunEvent};
use crate::store::ExecutionRecord;
use crate::verdict::Verdict;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    Bar,
    Lines,
    Quiet,
}

/// Counts shared by the display and the JSON lines: executions done of the total.
#[derive(Debug, Default)]
struct Tally {
    total: u64,
    done: u64,
    passed: u64,
    skipped: u64,
}

impl Tally {
    fn follow(&mut self, event: &RunEvent) {
        match event {
            RunEvent::Planned { executions, .. } => self.total = *executions,
            RunEvent::Skipped { .. } => {
                self.skipped += 1;
                self.done += 1;
            }
            RunEvent::Finished { record, will_retry } if !will_retry => {
                self.done += 1;
                if record.verdict == Verdict::Passed {
                    self.passed += 1;
                }
            }
            _ => {}
        }
    }
}

/// The human display: stderr, a bar on a terminal (`verbose`: a line per execution too).
pub struct Progress {
    mode: ProgressMode,
    verbose: bool,
    bar: Option<ProgressBar>,
    tally: Tally,
    started: Instant,
}

impl Progress {
    pub fn new(mode: ProgressMode, verbose: bool) -> Progress {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::new(0);
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
            tally: Tally::default(),
            started: Instant::now(),
        }
    }

    fn print(&self, text: &str) {
        match (&self.bar, self.mode) {
            (Some(bar), _) => bar.println(text),
            (None, ProgressMode::Quiet) => {}
            (None, _) => eprintln!("{text}"),
        }
    }

    fn line(&self, r: &ExecutionRecord, will_retry: bool) -> String {
        format!(
            "{}/{} {:<13} {} {} #{}{} ({} ms){}",
            self.tally.done,
            self.tally.total,
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
        )
    }
}

impl EventSink for Progress {
    fn event(&mut self, event: &RunEvent) {
        self.tally.follow(event);
        match event {
            RunEvent::Planned { executions, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(*executions);
                }
            }
            RunEvent::Skipped { .. } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
            RunEvent::Finished { record, will_retry } => {
                let line = self.line(record, *will_retry);
                match &self.bar {
                    Some(bar) => {
                        if !will_retry {
                            bar.inc(1);
                        }
                        let ran = self.tally.done - self.tally.skipped;
                        let rate = ran as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
                        bar.set_message(format!("passed {} | {rate:.1}/s", self.tally.passed));
                        if self.verbose {
                            bar.println(line);
                        }
                    }
                    None if self.mode == ProgressMode::Lines => eprintln!("{line}"),
                    None => {}
                }
            }
            RunEvent::Paused { reason, in_flight } => {
                if let Some(bar) = &self.bar {
                    bar.set_message("PAUSED: Docker daemon unreachable, waiting for it");
                }
                self.print(&format!(
                    "paused: the Docker daemon is unreachable ({reason}); starting nothing until \
                     it is back, {in_flight} execution(s) still in flight"
                ));
            }
            RunEvent::Resumed {
                paused_ms,
                rerun,
                removed,
            } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("passed {}", self.tally.passed));
                }
                self.print(&format!(
                    "resumed: the Docker daemon is back after {:.1} s; {rerun} execution(s) cut \
                     short run again, {removed} leftover container(s) removed",
                    *paused_ms as f64 / 1000.0
                ));
            }
            RunEvent::DaemonLost { waited_ms } => {
                self.print(&format!(
                    "the Docker daemon stayed unreachable for {} s (--daemon-wait): stopping the \
                     run; start it (scripts/ensure-docker) and continue with --resume",
                    waited_ms / 1000
                ));
            }
            RunEvent::Interrupted { removed, .. } => {
                self.print(&format!(
                    "interrupted: removed {removed} container(s) in flight"
                ));
            }
            RunEvent::RunFinished { .. } => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
            }
            RunEvent::Started { .. } | RunEvent::Retried { .. } => {}
        }
    }
}

/// `--json`: one JSON object per line on stdout for every event but `started` (the stream
/// stays proportional to the work done). Finished executions are summarised: verdict, reason,
/// timing and progress, not their output.
#[derive(Default)]
pub struct JsonLines {
    tally: Tally,
}

impl JsonLines {
    pub fn new() -> JsonLines {
        JsonLines::default()
    }
}

impl EventSink for JsonLines {
    fn event(&mut self, event: &RunEvent) {
        self.tally.follow(event);
        let value = match event {
            RunEvent::Started { .. } => return,
            RunEvent::Finished {
                record: r,
                will_retry,
            } => serde_json::json!({
                "event": "finished",
                "task_id": r.task_id, "model": r.model, "sample": r.sample, "repeat": r.repeat,
                "attempt": r.attempt, "verdict": r.verdict, "reason": r.reason,
                "wall_ms": r.wall_ms, "tests_passed": r.tests.iter()
                    .filter(|t| t.outcome == crate::testreport::TestOutcome::Passed).count(),
                "will_retry": will_retry, "done": self.tally.done, "total": self.tally.total,
            }),
            other => match serde_json::to_value(other) {
                Ok(v) => v,
                Err(e) => serde_json::json!({"event": "error", "message": e.to_string()}),
            },
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
    }
}
