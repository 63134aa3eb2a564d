//! The HTML report in a real browser: headless Chromium lays out a report of a run written to a
//! SQLite store, and a script injected into the test's copy of the page measures it.
//!
//! Checks what broke before: model names wrapped one letter per line, the Models table ran off
//! the page, the wall-time histogram stacked every execution into its first bar.
//!
//! Needs `chromium` (`scripts/ensure-chromium` installs it). Without it the test fails when `CI`
//! is set and is skipped with a message otherwise. Artifacts: `target/tmp/report_html/`
//! (report.html, report.png).
use crucible::Verdict;
use crucible::report::{KList, OutputFormat, render, summarize_run_with_k};
use crucible::store::{ExecutionRecord, RunRecord, TaskRecord, open_store};
use crucible::testreport::{TestCase, TestOutcome};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUN: &str = "run-html-layout";
const MODELS: [&str; 3] = [
    "model-strong-2025-06-instruct-with-a-long-name",
    "model-chaotic",
    "model-sloppy",
];
const TASKS: usize = 30;
const SAMPLES: u32 = 10;
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Every verdict occurs, so the Models table has all its columns (its widest form); wall times
/// run from 80 ms to a few seconds, with some 60 s timeouts, as in a real suite.
fn verdict_and_wall(model: usize, task: usize, sample: u32) -> (Verdict, u64) {
    let seed = (model * 7919 + task * 104_729 + sample as usize * 1_299_709) % 1000;
    let verdict = match (model, seed % 20) {
        (0, 0..=13) | (1, 0..=6) | (2, 0..=2) => Verdict::Passed,
        (_, 14) if model == 1 => Verdict::Timeout,
        (_, 15) => Verdict::Error,
        (1, 16) => Verdict::MemoryLimit,
        (1, 17) => Verdict::OutputLimit,
        (2, 16) => Verdict::InvalidInput,
        (2, 17) => Verdict::InfraError,
        (2, 18) => Verdict::Interrupted,
        _ => Verdict::Failed,
    };
    let wall = match verdict {
        Verdict::Timeout => 60_000,
        _ => 80 + (seed as u64 * 37) % 3000,
    };
    (verdict, wall)
}

/// Writes the run through the SQLite store (its writing side; reports only read).
fn write_run(location: &str) {
    let mut store = open_store(location).unwrap();
    store
        .begin_run(&RunRecord {
            run_id: RUN.into(),
            config_json: "{}".into(),
            started_at_ms: 1_700_000_000_000,
            finished_at_ms: None,
            crucible_version: "0.1.0".into(),
            host: "test".into(),
        })
        .unwrap();
    let tasks: Vec<TaskRecord> = (0..TASKS)
        .map(|t| TaskRecord {
            run_id: RUN.into(),
            task_id: format!("py-task-{t:02}"),
            title: format!("Freelance job {t}: parse the invoice export and total it per client"),
            language: "python".into(),
            price_usd: 60.0 + 25.0 * t as f64,
            test_cases: 3,
        })
        .collect();
    store.put_tasks(&tasks).unwrap();
    let mut executions = Vec::new();
    for (m, model) in MODELS.iter().enumerate() {
        for (t, task) in tasks.iter().enumerate() {
            for sample in 0..SAMPLES {
                let (verdict, wall_ms) = verdict_and_wall(m, t, sample);
                let passing = match verdict {
                    Verdict::Passed => 3,
                    Verdict::Failed => 2,
                    _ => 0,
                };
                let tests = (0..passing)
                    .map(|i| TestCase {
                        name: format!("test_{i}"),
                        outcome: TestOutcome::Passed,
                        message: None,
                    })
                    .chain((verdict == Verdict::Failed).then(|| TestCase {
                        name: "test_rounding".into(),
                        outcome: TestOutcome::Failed,
                        message: Some("assert 10.01 == 10.0".into()),
                    }))
                    .collect();
                executions.push(ExecutionRecord {
                    run_id: RUN.into(),
                    task_id: task.task_id.clone(),
                    model: (*model).into(),
                    sample,
                    repeat: 0,
                    attempt: 1,
                    key: format!("{}-{model}-{sample}", task.task_id),
                    verdict,
                    reason: format!("{verdict}: see the output"),
                    exit_code: Some(i64::from(verdict.exit_code())),
                    signal: None,
                    wall_ms,
                    cpu_ms: None,
                    peak_memory_bytes: None,
                    stdout: String::new(),
                    stderr: String::new(),
                    output_truncated: false,
                    image_id: None,
                    payload_sha256: None,
                    finished_at_ms: 1_700_000_000_000,
                    tests,
                });
            }
        }
    }
    store.put_executions(&executions).unwrap();
    store.finish_run(RUN, 1_700_000_100_000).unwrap();
}

fn report_page(dir: &Path) -> String {
    let location = format!("sqlite://{}", dir.join("results.db").display());
    write_run(&location);
    let store = open_store(&location).unwrap();
    let ks: KList = "1,10".parse().unwrap();
    let summary = summarize_run_with_k(store.as_ref(), RUN, Some(&ks)).unwrap();
    render(OutputFormat::Html, &summary)
}

/// Runs in the test's copy of the page once it is laid out; writes the measurements as JSON
/// into `<pre id="measure">` so `--dump-dom` returns them.
const MEASURE: &str = r#"<script>
(function () {
  const rect = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, right: r.right, width: r.width, height: r.height }; };
  const lines = (el) => { const range = document.createRange(); range.selectNodeContents(el); return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; };
  const table = (cls) => {
    const t = document.querySelector("table." + cls);
    const box = t.parentElement;
    return { table: rect(t), boxWidth: box.clientWidth, boxScrollWidth: box.scrollWidth,
             names: [...t.querySelectorAll("tbody td.name")].map((td) => ({ lines: lines(td), ...rect(td) })) };
  };
  const hist = document.querySelector("svg.histogram");
  const out = {
    viewport: document.documentElement.clientWidth,
    pageScrollWidth: document.documentElement.scrollWidth,
    models: table("models"),
    tasks: table("tasks"),
    histogram: { svg: rect(hist), bars: [...hist.querySelectorAll("rect.bar")].map((r) => ({ bin: Number(r.dataset.bin), ...rect(r) })) },
  };
  const pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"#;

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// Chromium with the flags a headless, offline, throw-away browser needs, plus `args`; its
/// stdout. Killed after CHROMIUM_TIMEOUT.
fn chromium(binary: &Path, profile: &Path, args: &[String]) -> String {
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "chromium {args:?} did not finish within {CHROMIUM_TIMEOUT:?}; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "chromium {args:?} failed ({}); stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn html_report_lays_out_in_a_real_browser() {
    let Some(binary) = find_chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is not installed, and CI is set so this test may not be skipped: \
                 run scripts/ensure-chromium (as root on Debian) first"
            );
        }
        eprintln!(
            "skipped: no `chromium` on PATH; run scripts/ensure-chromium to test the HTML \
             report in a real browser"
        );
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let page = report_page(scratch.path());
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html");
    std::fs::create_dir_all(&artifacts).unwrap();
    let report = artifacts.join("report.html");
    std::fs::write(&report, &page).unwrap();
    let measured_page = scratch.path().join("measured.html");
    assert!(page.contains("</body>"));
    std::fs::write(
        &measured_page,
        page.replace("</body>", &format!("{MEASURE}</body>")),
    )
    .unwrap();

    let dom = chromium(
        &binary,
        &scratch.path().join("profile-dom"),
        &[
            "--run-all-compositor-stages-before-draw".into(),
            "--virtual-time-budget=5000".into(),
            "--dump-dom".into(),
            file_url(&measured_page),
        ],
    );
    let screenshot = artifacts.join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    chromium(
        &binary,
        &scratch.path().join("profile-shot"),
        &[
            "--run-all-compositor-stages-before-draw".into(),
            "--virtual-time-budget=5000".into(),
            format!("--screenshot={}", screenshot.display()),
            file_url(&report),
        ],
    );
    assert!(
        std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot at {}",
        screenshot.display()
    );

    let start = dom
        .find("<pre id=\"measure\">")
        .unwrap_or_else(|| panic!("the measuring script did not run; DOM:\n{dom}"))
        + "<pre id=\"measure\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let m: serde_json::Value = serde_json::from_str(&dom[start..end]).unwrap();
    println!("measurements: {m:#}");
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    let viewport = num(&m["viewport"]);
    assert!(viewport >= 1200.0, "window size not applied: {m}");
    assert!(
        num(&m["pageScrollWidth"]) <= viewport,
        "the page scrolls sideways: {m}"
    );

    for table in ["models", "tasks"] {
        let t = &m[table];
        let names = t["names"].as_array().unwrap();
        assert!(!names.is_empty(), "{table}: no name cells: {m}");
        for name in names {
            assert_eq!(name["lines"], 1, "{table}: a name wraps: {name}");
            assert!(
                num(&name["width"]) > 60.0,
                "{table}: a name cell is narrow: {name}"
            );
        }
    }
    // The Models table fits the page as it is, without its scroll box.
    let models = &m["models"];
    assert!(
        num(&models["table"]["right"]) <= viewport
            && num(&models["boxScrollWidth"]) <= num(&models["boxWidth"]),
        "the Models table overflows: {models}"
    );
    for name in models["names"].as_array().unwrap() {
        assert!(num(&name["height"]) < 40.0, "a model's row is tall: {name}");
    }
    assert_eq!(models["names"].as_array().unwrap().len(), MODELS.len());

    let bars = m["histogram"]["bars"].as_array().unwrap();
    let drawn: Vec<&serde_json::Value> = bars.iter().filter(|b| num(&b["height"]) > 0.0).collect();
    let mut xs: Vec<i64> = drawn.iter().map(|b| num(&b["x"]).round() as i64).collect();
    xs.sort_unstable();
    xs.dedup();
    assert!(
        xs.len() >= 4,
        "the wall-time histogram stacks its bars in {} column(s): {bars:?}",
        xs.len()
    );
    let svg = &m["histogram"]["svg"];
    assert!(
        drawn
            .iter()
            .all(|b| num(&b["x"]) >= num(&svg["x"]) && num(&b["right"]) <= num(&svg["right"]) + 0.5),
        "histogram bars outside the chart: {m}"
    );
    println!(
        "report: {}\nscreenshot: {}",
        report.display(),
        screenshot.display()
    );
}
