//! A run's counts as the API shows them: planned, finished, per verdict, pass rate and ETA.
//! Live runs keep them up to date from their events; finished runs get them from the store.
use crate::run::RunEvent;
use crate::verdict::Verdict;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Running,
    /// Cancelled, or the server stopped while it ran (an unfinished run in the store).
    Interrupted,
    Finished,
    /// The store failed while the run wrote to it.
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub state: RunState,
    /// Executions in the plan (None: unknown, e.g. a run made by `crucible run`).
    pub planned: Option<u64>,
    /// Executions with a final attempt (retries of infra errors not counted twice).
    pub finished: u64,
    /// Executions resume found already judged.
    pub skipped: u64,
    pub passed: u64,
    /// Final attempts per verdict (`passed`, `failed`, …).
    pub verdicts: BTreeMap<String, u64>,
    /// passed / finished, in percent.
    pub pass_rate_pct: Option<f64>,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    /// Time left at the pace so far (running runs only).
    pub eta_ms: Option<u64>,
    pub error: Option<String>,
}

impl Progress {
    pub fn new(planned: Option<u64>, started_at_ms: i64) -> Progress {
        Progress {
            state: RunState::Running,
            planned,
            finished: 0,
            skipped: 0,
            passed: 0,
            verdicts: BTreeMap::new(),
            pass_rate_pct: None,
            started_at_ms,
            finished_at_ms: None,
            eta_ms: None,
            error: None,
        }
    }

    /// Counts of a stored run, from its final attempts per verdict.
    pub fn from_counts(
        state: RunState,
        planned: Option<u64>,
        started_at_ms: i64,
        finished_at_ms: Option<i64>,
        counts: &[(Verdict, u64)],
    ) -> Progress {
        let mut p = Progress::new(planned, started_at_ms);
        p.state = state;
        p.finished_at_ms = finished_at_ms;
        for &(v, n) in counts {
            p.count(v, n);
        }
        p
    }

    fn count(&mut self, verdict: Verdict, n: u64) {
        self.finished += n;
        if verdict == Verdict::Passed {
            self.passed += n;
        }
        *self.verdicts.entry(verdict.as_str().into()).or_insert(0) += n;
        if self.finished > 0 {
            self.pass_rate_pct = Some(100.0 * self.passed as f64 / self.finished as f64);
        }
    }

    /// Follow one event of the live run.
    pub fn apply(&mut self, event: &RunEvent, now_ms: i64) {
        match event {
            RunEvent::Planned { executions, .. } => self.planned = Some(*executions),
            RunEvent::Skipped { .. } => self.skipped += 1,
            RunEvent::Finished { record, will_retry } if !will_retry => {
                self.count(record.verdict, 1)
            }
            RunEvent::RunFinished { outcome, error } => {
                self.state = if error.is_some() {
                    RunState::Failed
                } else if outcome.interrupted {
                    RunState::Interrupted
                } else {
                    RunState::Finished
                };
                self.error = error.clone();
                self.finished_at_ms = Some(now_ms);
            }
            _ => {}
        }
        self.eta_ms = self.eta(now_ms);
    }

    fn eta(&self, now_ms: i64) -> Option<u64> {
        if self.state != RunState::Running || self.finished == 0 {
            return None;
        }
        let left = self.planned?.saturating_sub(self.finished + self.skipped);
        let elapsed = u64::try_from(now_ms - self.started_at_ms).ok()?;
        Some(elapsed * left / self.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::RunOutcome;

    #[test]
    fn eta_follows_the_pace_and_ends_with_the_run() {
        let mut p = Progress::new(Some(10), 0);
        p.apply(
            &RunEvent::Interrupted {
                in_flight: 0,
                removed: 0,
            },
            1,
        );
        assert_eq!(p.eta_ms, None, "nothing finished yet: no pace");
        p.count(Verdict::Passed, 1);
        p.count(Verdict::Failed, 1);
        p.apply(
            &RunEvent::Interrupted {
                in_flight: 0,
                removed: 0,
            },
            2_000,
        );
        // 2 done in 2 s, 8 left.
        assert_eq!(p.eta_ms, Some(8_000));
        assert_eq!(p.pass_rate_pct, Some(50.0));
        p.apply(
            &RunEvent::RunFinished {
                outcome: RunOutcome {
                    interrupted: true,
                    ..RunOutcome::default()
                },
                error: None,
            },
            3_000,
        );
        assert_eq!(p.state, RunState::Interrupted);
        assert_eq!(p.eta_ms, None);
        assert_eq!(p.finished_at_ms, Some(3_000));
    }
}
