//! Which tasks changed solved status between two runs, per model.
use super::summary::{RunSummary, TaskResult};
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Comparison {
    pub base_run_id: String,
    pub head_run_id: String,
    /// Models present in both runs, in the head run's order.
    pub models: Vec<ModelComparison>,
    pub models_only_in_base: Vec<String>,
    pub models_only_in_head: Vec<String>,
    pub tasks_only_in_base: Vec<String>,
    pub tasks_only_in_head: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelComparison {
    pub model: String,
    pub solved_base: u32,
    pub solved_head: u32,
    pub dollars_base: f64,
    pub dollars_head: f64,
    /// Tasks of both runs that the head run solves and the base run did not.
    pub newly_solved: Vec<Flip>,
    /// Tasks of both runs that the base run solved and the head run does not.
    pub newly_failed: Vec<Flip>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Flip {
    pub task_id: String,
    pub price_usd: f64,
    /// None when the model did not run the task in that run.
    pub base_verdict: Option<Verdict>,
    pub head_verdict: Option<Verdict>,
    pub base_reason: String,
    pub head_reason: String,
}

/// Compare `head` against `base`. Only tasks present in both runs can flip; the others are
/// listed apart so a changed task set is visible rather than counted as regressions.
pub fn compare(base: &RunSummary, head: &RunSummary) -> Comparison {
    let names = |s: &RunSummary| {
        s.models
            .iter()
            .map(|m| m.model.clone())
            .collect::<BTreeSet<_>>()
    };
    let task_ids = |s: &RunSummary| {
        s.tasks
            .iter()
            .map(|t| t.task_id.clone())
            .collect::<BTreeSet<_>>()
    };
    let (base_models, head_models) = (names(base), names(head));
    let (base_tasks, head_tasks) = (task_ids(base), task_ids(head));

    let results = |s: &RunSummary| -> BTreeMap<(String, String), TaskResult> {
        s.tasks
            .iter()
            .flat_map(|t| {
                t.results
                    .iter()
                    .map(move |r| ((r.model.clone(), t.task_id.clone()), r.clone()))
            })
            .collect()
    };
    let (base_results, head_results) = (results(base), results(head));

    let models = head
        .models
        .iter()
        .filter_map(|hm| {
            let bm = base.models.iter().find(|m| m.model == hm.model)?;
            let mut newly_solved = Vec::new();
            let mut newly_failed = Vec::new();
            for task in head
                .tasks
                .iter()
                .filter(|t| base_tasks.contains(&t.task_id))
            {
                let key = (hm.model.clone(), task.task_id.clone());
                let (b, h) = (base_results.get(&key), head_results.get(&key));
                let solved = |r: Option<&TaskResult>| r.is_some_and(|r| r.solved);
                if solved(b) == solved(h) {
                    continue;
                }
                let flip = Flip {
                    task_id: task.task_id.clone(),
                    price_usd: task.price_usd,
                    base_verdict: b.and_then(|r| r.verdict),
                    head_verdict: h.and_then(|r| r.verdict),
                    base_reason: b.map(|r| r.reason.clone()).unwrap_or_default(),
                    head_reason: h.map(|r| r.reason.clone()).unwrap_or_default(),
                };
                if solved(h) {
                    newly_solved.push(flip)
                } else {
                    newly_failed.push(flip)
                }
            }
            Some(ModelComparison {
                model: hm.model.clone(),
                solved_base: bm.tasks_solved,
                solved_head: hm.tasks_solved,
                dollars_base: bm.dollars_earned,
                dollars_head: hm.dollars_earned,
                newly_solved,
                newly_failed,
            })
        })
        .collect();

    Comparison {
        base_run_id: base.run_id.clone(),
        head_run_id: head.run_id.clone(),
        models,
        models_only_in_base: base_models.difference(&head_models).cloned().collect(),
        models_only_in_head: head_models.difference(&base_models).cloned().collect(),
        tasks_only_in_base: base_tasks.difference(&head_tasks).cloned().collect(),
        tasks_only_in_head: head_tasks.difference(&base_tasks).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summarize;
    use crate::report::test_fixtures::{attempt, records, summary, task};

    #[test]
    fn flips_are_listed_per_model_with_verdicts() {
        let base = summary();
        let (tasks, mut executions) = records();
        // head: alpha now fails t1 (sample 0 final attempt timeouts) and solves t2.
        for e in executions
            .iter_mut()
            .filter(|e| e.model == "alpha" && e.sample == 0)
        {
            e.run_id = "run-2".into();
            e.verdict = match e.task_id.as_str() {
                "t1" => Verdict::Timeout,
                "t2" => Verdict::Passed,
                _ => e.verdict,
            };
        }
        executions.push(attempt(&task("t4", 5.0, 1), "gamma", 0, 1, Verdict::Passed));
        let head = summarize("run-2", None, &tasks, &executions);
        let c = compare(&base, &head);
        assert_eq!(c.models_only_in_head, ["gamma"]);
        assert_eq!(c.tasks_only_in_head, ["t4"]);
        let alpha = c.models.iter().find(|m| m.model == "alpha").unwrap();
        assert_eq!(alpha.newly_failed.len(), 1);
        assert_eq!(alpha.newly_failed[0].task_id, "t1");
        assert_eq!(alpha.newly_failed[0].base_verdict, Some(Verdict::Passed));
        assert_eq!(alpha.newly_failed[0].head_verdict, Some(Verdict::Timeout));
        assert_eq!(alpha.newly_solved.len(), 1);
        assert_eq!(alpha.newly_solved[0].task_id, "t2");
        let beta = c.models.iter().find(|m| m.model == "beta").unwrap();
        assert!(beta.newly_failed.is_empty() && beta.newly_solved.is_empty());
    }
}
