//! The summary as pretty JSON. Field names are the serde names of `RunSummary` and are stable
//! within a `format_version`.
use super::summary::RunSummary;

pub fn render(summary: &RunSummary) -> String {
    // Serializing plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(summary).expect("RunSummary serializes to JSON");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use crate::report::test_fixtures::summary;

    #[test]
    fn json_parses_back_with_stable_field_names() {
        let text = super::render(&summary());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format_version"], 2);
        assert_eq!(value["models"][0]["model"], "beta");
        assert_eq!(value["models"][0]["tasks_solved"], 2);
        assert_eq!(value["models"][0]["verdicts"]["infra_error"], 1);
        assert_eq!(value["models"][0]["pass_at_k"][0]["k"], 1);
        assert_eq!(value["models"][0]["pass_at_k"][0]["tasks"], 3);
        assert_eq!(
            value["models"][0]["pass_at_k"][0]["tasks_without_samples"],
            0
        );
        assert_eq!(value["models"][0]["tasks_with_samples"], 3);
        assert_eq!(value["pass_at_k_requested"], serde_json::json!([1]));
        assert_eq!(value["tasks"][0]["results"][1]["verdict"], "passed");
        assert!(value["models"][0].get("wall_ms").is_none());
        let back: crate::report::RunSummary = serde_json::from_str(&text).unwrap();
        assert_eq!(back.models[1].dollars_earned, 100.0);
        // A version 1 report (no pass@k task counts) still reads.
        let mut old = value.clone();
        old["format_version"] = 1.into();
        let p = old["models"][0]["pass_at_k"][0].as_object_mut().unwrap();
        p.retain(|k, _| k == "k" || k == "value");
        old.as_object_mut().unwrap().remove("pass_at_k_requested");
        let back: crate::report::RunSummary = serde_json::from_value(old).unwrap();
        assert_eq!(back.models[0].pass_at_k[0].tasks, 0);
    }
}
