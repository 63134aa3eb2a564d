//! Import CodeScope's Codeforces problems from `../shared/data` and check the I/O tasks emitted;
//! check the shape of the data-analysis sample tasks (`tasks/data-*`).
//!
//! Without the data (and without CI) the tests say so and return; under CI it must be there.
//! Running the tasks needs the I/O task kind; this checks the files only.
use crucible::limits::Limits;
use crucible::suites::codeforces_io::{
    CANDIDATES_FILE, CASES_FILE, CandidateLine, CaseLine, CfLanguage, Expected, import,
};
use crucible::task::{Language, Task};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const DATA: &str = "codescope/codeforces_io.jsonl.gz";

fn data_file() -> Option<PathBuf> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(DATA);
    if file.is_file() {
        return Some(file);
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI is set but {} is missing beside the repository",
        file.display()
    );
    eprintln!(
        "skipping: {} not found (the suites live beside the checkout as ../shared)",
        file.display()
    );
    None
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crucible-cfio-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_real_file_gives_121_tasks_and_4601_cases() {
    let Some(file) = data_file() else { return };
    let out = scratch("all");
    let s = import(&file, &out, &[]).expect("import");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.records, 121);
    assert_eq!(s.written.len(), 121);
    assert_eq!(s.cases, 4601);
    assert!(s.skipped_languages.is_empty(), "{:?}", s.skipped_languages);

    let mut per_lang: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut ids = HashSet::new();
    let (mut input_chars, mut output_chars) = (0, 0);
    for dir in &s.written {
        let text = std::fs::read_to_string(dir.join("task.toml")).unwrap();
        let toml: toml::Value = toml::from_str(&text).unwrap();
        let id = toml["id"].as_str().unwrap().to_string();
        assert!(id.starts_with("codeforces/"), "{id}");
        assert!(ids.insert(id.clone()));
        let io = &toml["io"];
        assert_eq!(io["checker"].as_str(), Some("numbers"));
        assert_eq!(io["case_insensitive"].as_bool(), Some(true));
        assert_eq!(io["abs_tol"].as_float(), Some(1e-9));
        let file = toml["candidate"]["files"][0].as_str().unwrap();
        let reference = dir.join("reference").join(file);
        assert!(
            std::fs::metadata(&reference).unwrap().len() > 0,
            "{}",
            reference.display()
        );
        let cases: Vec<CaseLine> = std::fs::read_to_string(dir.join(CASES_FILE))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            cases.len() as i64,
            toml["test_cases"].as_integer().unwrap(),
            "{id}"
        );
        let names: HashSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), cases.len(), "{id}: case names repeat");
        for c in &cases {
            assert!(!c.stdin.is_empty(), "{id} {}: empty stdin", c.name);
            input_chars += c.stdin.chars().count();
            // An empty expected output is real (five cases of one problem: "no path").
            output_chars += match &c.expected_stdout {
                Expected::One(o) => o.chars().count(),
                Expected::Any(v) => {
                    assert!(v.len() > 1, "{id} {}", c.name);
                    v.iter().map(|o| o.chars().count()).sum()
                }
            };
        }
        let lang = id.rsplit('-').next().unwrap().to_string();
        let e = per_lang.entry(lang).or_default();
        e.0 += 1;
        e.1 += cases.len();
    }
    assert_eq!(
        per_lang,
        BTreeMap::from([
            ("c".to_string(), (30, 1056)),
            ("cpp".to_string(), (31, 1436)),
            ("cs".to_string(), (30, 1032)),
            ("py".to_string(), (30, 1077)),
        ])
    );

    // What Python's `ast.literal_eval` gives for the same 121 records (characters, not bytes).
    assert_eq!((input_chars, output_chars), (379_005, 67_853));

    // The memory baselines: one candidate per task, under `_candidates/` (not a task directory).
    let path = s.candidates.expect("candidates file");
    assert_eq!(path, out.join(CANDIDATES_FILE));
    let lines: Vec<CandidateLine> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 121);
    for l in &lines {
        assert!(ids.contains(&l.task_id), "{}", l.task_id);
        assert_eq!(l.model, "memory-baseline");
        assert_eq!(l.files.len(), 1);
    }

    // Importing again replaces, and a language filter narrows.
    let again = import(&file, &out, &[CfLanguage::Python]).expect("re-import");
    assert_eq!(again.written.len(), 30);
    assert_eq!(again.cases, 1077);
    assert_eq!(
        again.skipped_languages.values().map(|v| v.0).sum::<usize>(),
        61 + 30
    );
    let cs = import(&file, &out, &[CfLanguage::CSharp]).expect("C# import");
    assert_eq!((cs.written.len(), cs.cases), (30, 1032));
    for dir in &cs.written {
        let task = Task::load(dir, &Limits::default()).expect("a C# task loads");
        assert_eq!(task.language, Language::CSharp);
        assert_eq!(task.image, "crucible/csharp:latest");
        assert_eq!(task.candidate_files, ["solution.cs"]);
        let io = task.io.as_ref().expect("an [io] task");
        assert!(
            io.build
                .as_deref()
                .unwrap()
                .contains("-define:ONLINE_JUDGE")
        );
        assert_eq!(io.run, "mono /tmp/prog.exe");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// A C# task is an I/O task: without `[io]` it is refused when loaded, with it the defaults build
/// every `.cs` file with `mcs` and run the program with `mono`.
#[test]
fn csharp_tasks_need_an_io_table_and_get_mono_defaults() {
    let dir = scratch("cs-load");
    std::fs::create_dir_all(&dir).unwrap();
    let head = "id = \"cs-x\"\ntitle = \"t\"\nlanguage = \"csharp\"\nprice_usd = 1\n\
                description = \"d\"\ntest_cases = 1\n[candidate]\nfiles = [\"A.cs\", \"B.cs\"]\n";
    std::fs::write(dir.join("task.toml"), head).unwrap();
    let err = Task::load(&dir, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("stdin/stdout tasks only"), "{err}");
    assert!(err.contains("[io]"), "{err}");

    std::fs::write(
        dir.join("task.toml"),
        format!("{head}[io]\ncases = \"cases.jsonl\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("cases.jsonl"),
        "{\"name\": \"one\", \"stdin\": \"1\\n\", \"expected_stdout\": \"1\\n\"}\n",
    )
    .unwrap();
    let task = Task::load(&dir, &Limits::default()).expect("an I/O C# task loads");
    assert_eq!(task.image, "crucible/csharp:latest");
    let io = task.io.as_ref().unwrap();
    assert_eq!(
        io.build.as_deref(),
        Some("mcs -optimize+ -r:System.Numerics.dll -out:/tmp/prog.exe A.cs B.cs")
    );
    assert_eq!(io.run, "mono /tmp/prog.exe");
    for name in ["csharp", "cs", "c#"] {
        assert_eq!(Language::parse(name), Some(Language::CSharp));
    }
    assert!(!Language::ALL.contains(&Language::CSharp));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The data-analysis sample tasks (`tasks/data-*`) are I/O tasks of the same format: `[io]`,
/// the python-data image, as many cases as declared, a reference and the three sample models.
#[test]
fn the_data_sample_tasks_are_well_formed_io_tasks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tasks");
    let mut found = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("data-") {
            continue;
        }
        found += 1;
        let toml: toml::Value =
            toml::from_str(&std::fs::read_to_string(dir.join("task.toml")).unwrap()).unwrap();
        assert_eq!(toml["id"].as_str(), Some(name.as_str()));
        assert_eq!(toml["language"].as_str(), Some("python"));
        assert_eq!(toml["image"].as_str(), Some("crucible/python-data:latest"));
        assert!(toml["price_usd"].as_float().unwrap() > 0.0, "{name}");
        assert!(toml.get("test_command").is_none(), "{name}");
        let io = &toml["io"];
        assert!(
            ["numbers", "lines"].contains(&io["checker"].as_str().unwrap()),
            "{name}"
        );
        let cases: Vec<serde_json::Value> =
            std::fs::read_to_string(dir.join(io["cases"].as_str().unwrap()))
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
        assert_eq!(
            cases.len() as i64,
            toml["test_cases"].as_integer().unwrap(),
            "{name}"
        );
        for c in &cases {
            assert!(c["name"].is_string() && c["stdin"].is_string(), "{name}");
            assert!(c["expected_stdout"].is_string(), "{name}");
            // Every case brings its fixture.
            assert!(
                c["files"].as_object().is_some_and(|f| !f.is_empty()),
                "{name}"
            );
        }
        assert!(dir.join("reference/solution.py").is_file(), "{name}");
        // Not every model attempts every task; an attempt is the task's candidate file.
        for model in ["model-strong", "model-chaotic", "model-sloppy"] {
            let cand = root.join("_candidates").join(model).join(&name);
            assert!(
                !cand.exists() || cand.join("solution.py").is_file(),
                "{}",
                cand.display()
            );
        }
    }
    assert!(found >= 3, "only {found} data-* tasks");
}
