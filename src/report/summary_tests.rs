use super::*;
use crate::report::pass_at_k::KList;
use crate::report::test_fixtures::{attempt, records, summary, task};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn models_are_ranked_and_counted_from_final_attempts() {
    let s = summary();
    assert_eq!((s.task_count, s.samples, s.repeats), (3, 2, 1));
    assert!(close(s.dollars_available, 175.0));
    let names: Vec<&str> = s.models.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, ["beta", "alpha"]);

    let beta = &s.models[0];
    assert_eq!((beta.tasks_solved, beta.tasks_total), (2, 3));
    assert!(close(beta.dollars_earned, 75.0));
    assert!(close(beta.accuracy_pct, 200.0 / 3.0));
    assert_eq!((beta.attempts, beta.final_executions), (7, 6));
    assert_eq!(
        beta.verdicts,
        VerdictCounts {
            passed: 3,
            failed: 2,
            infra_error: 1,
            ..Default::default()
        }
    );
    // Judged finals: t1 2/3 + 2/3, t2 2/2 + 2/2, t3 s0 1/1; the infra error is left out.
    assert_eq!((beta.test_cases_passed, beta.test_cases_total), (9, 11));
    assert_eq!(beta.median_wall_ms, Some(1000));
    assert_eq!(
        beta.pass_at_k,
        vec![PassAtK {
            k: 1,
            value: 0.5,
            tasks: 3,
            tasks_without_samples: 0,
            tasks_with_fewer_samples: 0,
        }]
    );
    assert_eq!(beta.tasks_with_samples, 3);
    assert_eq!(beta.flake_rate, None);

    let alpha = &s.models[1];
    assert_eq!(alpha.tasks_solved, 1);
    assert!(close(alpha.dollars_earned, 100.0));
    assert_eq!(
        alpha.verdicts,
        VerdictCounts {
            passed: 2,
            failed: 2,
            timeout: 2,
            ..Default::default()
        }
    );
    assert_eq!((alpha.test_cases_passed, alpha.test_cases_total), (8, 12));
    assert_eq!(alpha.median_wall_ms, Some(2000));
    assert!(close(alpha.pass_at_k[0].value, 1.0 / 3.0));
}

#[test]
fn tasks_list_who_solved_them_with_their_main_attempt() {
    let s = summary();
    let ids: Vec<&str> = s.tasks.iter().map(|t| t.task_id.as_str()).collect();
    assert_eq!(ids, ["t1", "t2", "t3"]);
    assert_eq!(s.tasks[0].solved_by, ["alpha"]);
    assert_eq!(s.tasks[1].solved_by, ["beta"]);
    assert_eq!(s.tasks[2].solved_by, ["beta"]);

    let alpha_t1 = &s.tasks[0].results[1];
    assert_eq!(alpha_t1.model, "alpha");
    assert_eq!(
        (alpha_t1.verdict, alpha_t1.attempts),
        (Some(Verdict::Passed), 2)
    );
    assert_eq!((alpha_t1.samples_passed, alpha_t1.samples), (1, 2));
    let beta_t1 = &s.tasks[0].results[0];
    assert_eq!((beta_t1.tests_passed, beta_t1.tests_total), (2, 3));
    assert_eq!(beta_t1.failed_tests.len(), 1);
    assert_eq!(
        beta_t1.failed_tests[0].message.as_deref(),
        Some("assert 1 == 2")
    );
}

#[test]
fn a_model_missing_a_task_has_it_unsolved_and_unknown_tasks_still_appear() {
    let (tasks, mut executions) = records();
    executions.retain(|e| !(e.model == "alpha" && e.task_id == "t1"));
    let stray = task("t9", 0.0, 0);
    executions.push(attempt(&stray, "alpha", 0, 1, Verdict::Passed));
    let s = summarize("run-1", None, &tasks, &executions);
    assert_eq!(s.task_count, 4);
    let t1 = s.tasks.iter().find(|t| t.task_id == "t1").unwrap();
    let alpha = t1.results.iter().find(|r| r.model == "alpha").unwrap();
    assert_eq!(
        (alpha.verdict, alpha.solved, alpha.tests_total),
        (None, false, 3)
    );
    assert!(
        s.tasks
            .iter()
            .any(|t| t.task_id == "t9" && t.solved_by == ["alpha"])
    );
}

#[test]
fn pass_at_k_is_reported_only_for_k_up_to_the_sample_count() {
    let t = task("t1", 10.0, 1);
    let mut executions = Vec::new();
    // 10 samples, 3 passing: pass@1 = 0.3, pass@5 = 1 - C(7,5)/C(10,5), pass@10 = 1.
    for s in 0..10 {
        let verdict = if s < 3 {
            Verdict::Passed
        } else {
            Verdict::Failed
        };
        executions.push(attempt(&t, "m", s, 1, verdict));
    }
    let ask: KList = "1,5,10,20".parse().unwrap();
    let summary = summarize_with_k("r", None, std::slice::from_ref(&t), &executions, Some(&ask));
    let ks: Vec<(u32, f64)> = summary.models[0]
        .pass_at_k
        .iter()
        .map(|p| (p.k, p.value))
        .collect();
    assert_eq!(ks.len(), 3);
    assert!(close(ks[0].1, 0.3));
    assert!(close(ks[1].1, 1.0 - 21.0 / 252.0));
    assert!(close(ks[2].1, 1.0));
    // k = 20 was asked for but no task has 20 samples: left out rather than counted as 0.
    assert_eq!(summary.pass_at_k_requested, [1, 5, 10, 20]);
    // Not asked: 1, 10.
    let summary = summarize("r", None, std::slice::from_ref(&t), &executions);
    let ks: Vec<u32> = summary.models[0].pass_at_k.iter().map(|p| p.k).collect();
    assert_eq!(ks, [1, 10]);
}

#[test]
fn flake_rate_counts_samples_whose_repeats_disagree() {
    let tasks = vec![task("t1", 1.0, 1), task("t2", 1.0, 1)];
    let mut executions = Vec::new();
    for (task, verdicts) in [
        (&tasks[0], [Verdict::Passed, Verdict::Failed]),
        (&tasks[1], [Verdict::Passed, Verdict::Passed]),
    ] {
        for (repeat, verdict) in verdicts.into_iter().enumerate() {
            let mut e = attempt(task, "m", 0, 1, verdict);
            e.repeat = repeat as u32;
            executions.push(e);
        }
    }
    let s = summarize("r", None, &tasks, &executions);
    assert_eq!(s.repeats, 2);
    assert_eq!(s.models[0].flake_rate, Some(0.5));
    assert_eq!(s.models[0].tasks_solved, 2);
}

#[test]
fn empty_runs_summarize_to_nothing_without_dividing_by_zero() {
    let s = summarize("r", None, &[], &[]);
    assert_eq!((s.task_count, s.models.len(), s.samples), (0, 0, 0));
    let s = summarize("r", None, &[task("t1", 5.0, 2)], &[]);
    assert_eq!(s.tasks.len(), 1);
    assert!(s.tasks[0].results.is_empty());
}

#[test]
fn median_handles_odd_even_and_huge_values() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[3]), Some(3));
    assert_eq!(median(&[1, 2]), Some(1));
    assert_eq!(median(&[1, 3]), Some(2));
    assert_eq!(median(&[u64::MAX, u64::MAX]), Some(u64::MAX));
}
