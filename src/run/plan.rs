//! What a run will do: every candidate on its task, `repeat` times. Candidates are references
//! (their files are read when dispatched), so a plan of 10,000 executions stays small.
use super::record::Job;
use crate::task::{CandidateRef, Task};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Which candidates to keep.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Only these models (empty: all).
    pub models: Vec<String>,
    /// Only samples `0..k` of each task and model.
    pub samples: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    tasks: Arc<Vec<Task>>,
    /// (index into `tasks`, candidate), in the order given.
    entries: Vec<(usize, CandidateRef)>,
    repeat: u32,
    /// Candidates naming a task the run does not have: `task (model m)`.
    pub unknown: BTreeSet<String>,
}

impl Plan {
    pub fn new(
        tasks: Vec<Task>,
        candidates: impl IntoIterator<Item = CandidateRef>,
        filter: &PlanFilter,
        repeat: u32,
    ) -> Plan {
        let index: HashMap<&str, usize> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut entries = Vec::new();
        let mut unknown = BTreeSet::new();
        for c in candidates {
            if !filter.models.is_empty() && !filter.models.contains(&c.model) {
                continue;
            }
            if filter.samples.is_some_and(|k| c.sample >= k) {
                continue;
            }
            match index.get(c.task_id.as_str()) {
                Some(&i) => entries.push((i, c)),
                None => {
                    unknown.insert(format!("{} (model {})", c.task_id, c.model));
                }
            }
        }
        Plan {
            tasks: Arc::new(tasks),
            entries,
            repeat: repeat.max(1),
            unknown,
        }
    }

    pub fn tasks(&self) -> &Arc<Vec<Task>> {
        &self.tasks
    }

    /// Executions the plan holds (before resume skips any).
    pub fn executions(&self) -> u64 {
        self.entries.len() as u64 * self.repeat as u64
    }

    /// The jobs, each candidate's repeats one after another.
    pub(crate) fn into_jobs(self) -> impl Iterator<Item = Job> + Send {
        let repeat = self.repeat;
        self.entries
            .into_iter()
            .flat_map(move |(task_index, candidate)| {
                (0..repeat).map(move |r| Job {
                    task_index,
                    candidate: candidate.clone(),
                    repeat: r,
                })
            })
    }
}
