use super::*;
use crate::report::pass_at_k::KList;
use crate::report::summary::{summarize, summarize_with_k};
use crate::report::test_fixtures::{attempt, summary, task};
use crate::report::{OutputFormat, render};
use crate::store::{ExecutionRecord, TaskRecord};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// 10 tasks; the model has samples for the first 4 only: 3 samples on t0..t2, 1 on t3.
/// Passing samples: t0 3/3, t1 1/3, t2 0/3, t3 1/1.
fn subset_run() -> (Vec<TaskRecord>, Vec<ExecutionRecord>) {
    let tasks: Vec<TaskRecord> = (0..10).map(|i| task(&format!("t{i}"), 10.0, 1)).collect();
    let mut executions = Vec::new();
    for (t, passing, samples) in [(0, 3, 3), (1, 1, 3), (2, 0, 3), (3, 1, 1)] {
        for s in 0..samples {
            let verdict = if s < passing {
                Verdict::Passed
            } else {
                Verdict::Failed
            };
            executions.push(attempt(&tasks[t], "m", s, 1, verdict));
        }
    }
    (tasks, executions)
}

#[test]
fn pass_at_k_is_over_the_tasks_with_samples_and_says_so() {
    let (tasks, executions) = subset_run();
    let ks: KList = "1,2,5".parse().unwrap();
    let s = summarize_with_k("r", None, &tasks, &executions, Some(&ks));
    let m = &s.models[0];
    assert_eq!(m.tasks_with_samples, 4);
    // Solved, accuracy and dollars stay over all 10 tasks: t0, t1 and t3 passed sample 0.
    assert_eq!((m.tasks_solved, m.tasks_total), (3, 10));
    assert!(close(m.accuracy_pct, 30.0));
    assert!(close(m.dollars_earned, 30.0));

    let p1 = m.pass_at_k.iter().find(|p| p.k == 1).unwrap();
    // (1 + 1/3 + 0 + 1) / 4, not / 10.
    assert!(close(p1.value, (1.0 + 1.0 / 3.0 + 1.0) / 4.0), "{p1:?}");
    assert_eq!(
        (
            p1.tasks,
            p1.tasks_without_samples,
            p1.tasks_with_fewer_samples
        ),
        (4, 6, 0)
    );
    let p2 = m.pass_at_k.iter().find(|p| p.k == 2).unwrap();
    // t3 has one sample: left out of pass@2. t1: 1 - C(2,2)/C(3,2) = 2/3.
    assert!(close(p2.value, (1.0 + 2.0 / 3.0) / 3.0), "{p2:?}");
    assert_eq!(
        (
            p2.tasks,
            p2.tasks_without_samples,
            p2.tasks_with_fewer_samples
        ),
        (3, 6, 1)
    );
    assert!(
        m.pass_at_k.iter().all(|p| p.k != 5),
        "no task has 5 samples"
    );
    assert_eq!(s.pass_at_k_requested, [1, 2, 5]);

    let t = models(&s);
    let notes = t.notes.join("\n");
    assert!(
        notes.contains("pass@1 over 4 of 10 tasks; 6 without samples."),
        "{notes}"
    );
    assert!(
        notes
            .contains("pass@2 over 3 of 10 tasks; 6 without samples, 1 with fewer than 2 samples."),
        "{notes}"
    );
    assert!(notes.contains("pass@5: no task has 5 samples."), "{notes}");
    assert!(notes.contains("over all 10 tasks"), "{notes}");
    let labels: Vec<&str> = t.columns.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.contains(&"pass@5"),
        "asked for, so shown (empty): {labels:?}"
    );
    let row = &t.rows[0];
    let at = |label: &str| &row[labels.iter().position(|l| *l == label).unwrap()];
    assert_eq!(at("tasks with samples"), &Cell::Ratio(4, 10));
    assert_eq!(at("pass@5"), &Cell::Empty);
    assert_eq!(at("solved (all tasks)"), &Cell::Ratio(3, 10));

    // The task view says which tasks never ran.
    let tasks_view = super::tasks(&s);
    assert_eq!(
        tasks_view.rows[9][4],
        Cell::Verdict {
            verdict: None,
            detail: String::new(),
            note: String::new(),
            failures: String::new()
        }
    );
}

#[test]
fn notes_name_the_models_they_apply_to() {
    let (tasks, mut executions) = subset_run();
    for t in &tasks {
        executions.push(attempt(t, "full", 0, 1, Verdict::Passed));
    }
    let s = summarize("r", None, &tasks, &executions);
    let notes = models(&s).notes.join("\n");
    assert!(
        notes.contains("pass@1 over 4 of 10 tasks; 6 without samples (m)."),
        "{notes}"
    );
    assert!(!notes.contains("(full)"), "{notes}");
}

#[test]
fn a_hundred_samples_report_pass_at_1_10_and_100_by_default() {
    let t = task("t1", 1.0, 1);
    let executions: Vec<ExecutionRecord> = (0..100)
        .map(|s| {
            let verdict = if s % 10 == 0 {
                Verdict::Passed
            } else {
                Verdict::Failed
            };
            attempt(&t, "m", s, 1, verdict)
        })
        .collect();
    let s = summarize("r", None, std::slice::from_ref(&t), &executions);
    assert_eq!(s.pass_at_k_requested, [1, 10, 100]);
    let ks: Vec<u32> = s.models[0].pass_at_k.iter().map(|p| p.k).collect();
    assert_eq!(ks, [1, 10, 100]);
    assert!(close(s.models[0].pass_at_k[0].value, 0.1));
    assert!(close(s.models[0].pass_at_k[2].value, 1.0));
    let text = render(OutputFormat::Table, &s);
    let header = text.lines().nth(2).unwrap();
    assert!(
        header.contains("pass@1") && header.contains("pass@10") && header.contains("pass@100"),
        "{text}"
    );
    assert!(text.lines().nth(3).unwrap().contains("100.0%"), "{text}");
    assert!(render(OutputFormat::Csv, &s).contains("pass_at_100"));
    // Asked for explicitly, other k are reported instead.
    let ks: KList = "1,50".parse().unwrap();
    let s = summarize_with_k("r", None, std::slice::from_ref(&t), &executions, Some(&ks));
    let text = render(OutputFormat::Table, &s);
    assert!(
        text.contains("pass@50") && !text.contains("pass@100"),
        "{text}"
    );
}

/// The column labels each format shows for the models and tasks views, in order.
#[test]
fn every_format_shows_the_same_columns_in_the_same_order() {
    let s = summary();
    let models_view = models(&s);
    let labels: Vec<String> = models_view
        .columns
        .iter()
        .map(|c| c.label.clone())
        .collect();

    let text = render(OutputFormat::Table, &s);
    let header = text.lines().nth(2).unwrap();
    let mut at = 0;
    for label in &labels {
        let found = header[at..]
            .find(label.as_str())
            .unwrap_or_else(|| panic!("text: {label} missing or out of order: {header}"));
        at += found + label.len();
    }

    let md = render(OutputFormat::Markdown, &s);
    let md_header = md.lines().find(|l| l.starts_with("| model")).unwrap();
    let md_labels: Vec<String> = md_header
        .trim_matches(|c| c == '|' || c == ' ')
        .split(" | ")
        .map(|l| l.replace('\\', ""))
        .collect();
    assert_eq!(md_labels, labels);

    let page = render(OutputFormat::Html, &s);
    let table = &page[page.find("<table class=\"models\">").unwrap()..];
    let thead = table[..table.find("</thead>").unwrap()].replace("<wbr>", "");
    let html_labels: Vec<String> = thead
        .split("</th>")
        .filter_map(|h| h.rsplit('>').next())
        .filter(|h| !h.is_empty())
        .map(String::from)
        .collect();
    assert_eq!(html_labels, labels);

    let csv = render(OutputFormat::Csv, &s);
    let keys: Vec<String> = models_view
        .columns
        .iter()
        .flat_map(|c| std::iter::once(c.key.clone()).chain(c.total_key.clone()))
        .collect();
    assert_eq!(csv.lines().next().unwrap(), keys.join(","));
}

#[test]
fn flips_list_regressions_first() {
    let base = summary();
    let mut head = summary();
    head.tasks[1].results[0].solved = false; // beta loses t2
    head.tasks[1].results[1].solved = true; // alpha gains t2
    let c = crate::report::compare(&base, &head);
    let t = flips(&c);
    let changes: Vec<String> = t.rows.iter().map(|r| r[2].display()).collect();
    assert_eq!(changes, ["newly failed", "newly solved"]);
    assert_eq!(compare_models(&c).rows.len(), 2);
}

#[test]
fn a_failing_cell_names_its_failed_cases_and_the_first_ones_message() {
    let s = summary();
    let grid = super::tasks(&s);
    let failing = grid
        .rows
        .iter()
        .flatten()
        .find_map(|c| match c {
            Cell::Verdict { failures, .. } if !failures.is_empty() => Some(failures.clone()),
            _ => None,
        })
        .expect("the fixture has a failed test");
    assert!(failing.starts_with("failed: "), "{failing}");
    assert!(failing.contains(": assert 1 == 2"), "{failing}");
    let html = render(OutputFormat::Html, &s);
    assert!(
        html.contains("<div class=\"fails\">failed: "),
        "the HTML grid shows it"
    );
}
