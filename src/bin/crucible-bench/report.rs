//! The bench's output: a table on stdout, JSON under target/bench/.
use serde_json::{Value, json};
use std::path::Path;

/// One measured contender of one workload.
pub struct Row {
    pub workload: &'static str,
    pub contender: String,
    pub executions: usize,
    pub seconds: f64,
}

impl Row {
    pub fn rate(&self) -> f64 {
        self.executions as f64 / self.seconds.max(1e-9)
    }
}

pub fn print_table(rows: &[Row], notes: &[(String, String)]) {
    println!(
        "{:<15} {:<40} {:>6} {:>9} {:>9}",
        "workload", "contender", "n", "seconds", "tasks/s"
    );
    for r in rows {
        println!(
            "{:<15} {:<40} {:>6} {:>9.2} {:>9.2}",
            r.workload,
            r.contender,
            r.executions,
            r.seconds,
            r.rate()
        );
    }
    println!();
    for (k, v) in notes {
        println!("{k:<52} {v}");
    }
}

pub fn rows_json(rows: &[Row]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({"workload": r.workload, "contender": r.contender, "executions": r.executions,
                       "seconds": r.seconds, "tasks_per_second": r.rate()})
            })
            .collect(),
    )
}

/// Write `<dir>/<unix time>.json` and `<dir>/latest.json`; the path written.
pub fn write_json(dir: &Path, doc: &Value) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let text = serde_json::to_string_pretty(doc).expect("json values serialize");
    let path = dir.join(format!("{stamp}.json"));
    std::fs::write(&path, &text)?;
    std::fs::write(dir.join("latest.json"), &text)?;
    Ok(path)
}
