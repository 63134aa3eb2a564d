//! What makes two executions the same: resume skips an execution whose key already has a verdict.
use crate::execution::{ExecutionSpec, JUDGE_VERSION};
use sha2::{Digest, Sha256};

/// sha256 over everything that can change a verdict: the task id, image id, payload, command
/// (and the split judge's worker command), limits, runtime, what the execution is judged
/// against (report format, declared tests and their names, exit rules, judge kind) and the
/// judge's version. Editing a test file or a task's `test_cases`, rebuilding an image or
/// fixing the judge changes the key of exactly the executions it affects.
pub fn execution_key(
    task_id: &str,
    image_id: &str,
    spec: &ExecutionSpec,
    runtime: Option<&str>,
) -> String {
    let material = serde_json::json!({
        "task": task_id,
        "image_id": image_id,
        "payload_sha256": spec.payload.sha256(),
        "command": spec.command,
        "worker": spec.split.as_ref().map(|s| &s.worker),
        "limits": spec.limits,
        "runtime": runtime,
        "expectation": spec.expectation,
        "judge_version": JUDGE_VERSION,
    });
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution::{Expectation, JudgeKind, SplitJudge};
    use crate::limits::Limits;
    use crate::payload::{Payload, PayloadLimits};
    use crate::testreport::ReportFormat;
    use std::collections::BTreeMap;

    fn spec() -> ExecutionSpec {
        let files = BTreeMap::from([("t.py".to_string(), b"x".to_vec())]);
        ExecutionSpec {
            image: "img".into(),
            command: vec!["true".into()],
            payload: Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false)
                .unwrap(),
            limits: Limits::default(),
            expectation: Expectation {
                report: Some(ReportFormat::Simple),
                declared_tests: 1,
                ..Default::default()
            },
            split: None,
            run_id: None,
            task_id: Some("t".into()),
        }
    }

    type Change = Box<dyn Fn(&mut ExecutionSpec)>;

    fn key(spec: &ExecutionSpec) -> String {
        execution_key("t", "sha256:i", spec, None)
    }

    #[test]
    fn every_part_of_the_expectation_and_the_worker_change_the_key() {
        let base = key(&spec());
        let changes: Vec<Change> = vec![
            Box::new(|s| s.expectation.declared_tests = 2),
            Box::new(|s| s.expectation.report = Some(ReportFormat::Junit)),
            Box::new(|s| s.expectation.test_names = vec!["a".into()]),
            Box::new(|s| s.expectation.error_exit_codes = vec![2]),
            Box::new(|s| s.expectation.judge = JudgeKind::Calls),
            Box::new(|s| {
                s.split = Some(SplitJudge {
                    worker: vec!["w".into()],
                })
            }),
            Box::new(|s| s.command = vec!["false".into()]),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut s = spec();
            change(&mut s);
            assert_ne!(key(&s), base, "change {i} kept the key");
        }
        // What only labels the execution does not change it.
        let mut s = spec();
        s.run_id = Some("other run".into());
        assert_eq!(key(&s), base);
    }
}
