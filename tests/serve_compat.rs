//! The drop-in endpoints against the real binary and daemon, with the request shapes of their
//! real clients (tests/fixtures/serve/README.md): SandboxFusion's `/run_code` as verl calls it,
//! in seven languages (success, compile error, runtime error, timeout), and Piston's
//! `/api/v2` as open-r1 calls it.
mod serve_support;

use futures_util::future::join_all;
use serde_json::{Value, json};
use serve_support::{Server, client, fixture, post_json, require_images};

const IMAGES: [&str; 6] = [
    "crucible/python:latest",
    "crucible/cpp:latest",
    "crucible/go:latest",
    "crucible/java:latest",
    "crucible/node:latest",
    "crucible/rust:latest",
];

/// What one case expects of SandboxFusion's response.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Success; run_result.stdout is this.
    Prints(&'static str),
    /// Failed with a compile_result whose return code is not 0, and no run_result.
    CompileError,
    /// Failed with run_result Finished and this return code.
    ExitCode(i64),
    /// Failed with run_result TimeLimitExceeded.
    Timeout,
}

/// (language, code, stdin, expectation)
fn fusion_cases() -> Vec<(&'static str, &'static str, &'static str, Expect)> {
    use Expect::*;
    vec![
        ("python", "print(input()[::-1])", "abc", Prints("cba\n")),
        ("python", "raise ValueError('boom')", "", ExitCode(1)),
        ("python", "while True:\n    pass", "", Timeout),
        (
            "cpp",
            "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a*b<<std::endl;}",
            "6 7",
            Prints("42\n"),
        ),
        ("cpp", "int main( { return 0; }", "", CompileError),
        ("cpp", "int main(){ return 3; }", "", ExitCode(3)),
        (
            "cpp",
            "int main(){ volatile int x=0; for(;;) x++; }",
            "",
            Timeout,
        ),
        ("bash", "read x\necho \"got $x\"", "it", Prints("got it\n")),
        ("bash", "exit 4", "", ExitCode(4)),
        ("bash", "sleep 30", "", Timeout),
        (
            "go",
            "package main\nimport \"fmt\"\nfunc main(){ var s string; fmt.Scan(&s); fmt.Println(\"go \" + s) }",
            "fast",
            Prints("go fast\n"),
        ),
        (
            "go",
            "package main\nfunc main(){ undefined() }",
            "",
            CompileError,
        ),
        (
            "go",
            "package main\nimport \"os\"\nfunc main(){ os.Exit(2) }",
            "",
            ExitCode(2),
        ),
        (
            "java",
            "import java.util.Scanner;\npublic class Main { public static void main(String[] a) { System.out.println(new Scanner(System.in).nextInt() + 1); } }",
            "41",
            Prints("42\n"),
        ),
        (
            "java",
            "public class Main { void broken( }",
            "",
            CompileError,
        ),
        (
            "java",
            "public class Main { public static void main(String[] a) { System.exit(5); } }",
            "",
            ExitCode(5),
        ),
        (
            "nodejs",
            "const s = require('fs').readFileSync(0, 'utf8'); console.log(s.trim().toUpperCase());",
            "node",
            Prints("NODE\n"),
        ),
        ("nodejs", "process.exit(6)", "", ExitCode(6)),
        (
            "rust",
            "use std::io::Read;\nfn main(){ let mut s=String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); println!(\"{}\", s.trim().len()); }",
            "four",
            Prints("4\n"),
        ),
        (
            "rust",
            "fn main() { let x: u32 = \"no\"; }",
            "",
            CompileError,
        ),
        (
            "rust",
            "fn main() { std::process::exit(7) }",
            "",
            ExitCode(7),
        ),
    ]
}

fn check_fusion(lang: &str, expect: Expect, r: &Value) {
    let ctx = format!("{lang} {expect:?}: {r:#}");
    // The keys verl reads are always there.
    for key in ["status", "message", "compile_result", "run_result", "files"] {
        assert!(r.get(key).is_some(), "missing `{key}`: {ctx}");
    }
    let compiled = ["cpp", "go", "java", "rust"].contains(&lang);
    match expect {
        Expect::Prints(out) => {
            assert_eq!(r["status"], "Success", "{ctx}");
            assert_eq!(r["run_result"]["status"], "Finished", "{ctx}");
            assert_eq!(r["run_result"]["return_code"], 0, "{ctx}");
            assert_eq!(r["run_result"]["stdout"], out, "{ctx}");
            assert!(r["run_result"]["execution_time"].is_number(), "{ctx}");
            if compiled {
                assert_eq!(r["compile_result"]["status"], "Finished", "{ctx}");
                assert_eq!(r["compile_result"]["return_code"], 0, "{ctx}");
            } else {
                assert!(r["compile_result"].is_null(), "{ctx}");
            }
        }
        Expect::CompileError => {
            assert_eq!(r["status"], "Failed", "{ctx}");
            assert_eq!(r["compile_result"]["status"], "Finished", "{ctx}");
            assert_ne!(r["compile_result"]["return_code"], 0, "{ctx}");
            let said = format!(
                "{}{}",
                r["compile_result"]["stderr"], r["compile_result"]["stdout"]
            );
            assert!(said.len() > 10, "the compiler's message is returned: {ctx}");
            assert!(r["run_result"].is_null(), "{ctx}");
        }
        Expect::ExitCode(rc) => {
            assert_eq!(r["status"], "Failed", "{ctx}");
            assert_eq!(r["run_result"]["status"], "Finished", "{ctx}");
            assert_eq!(r["run_result"]["return_code"], rc, "{ctx}");
        }
        Expect::Timeout => {
            assert_eq!(r["status"], "Failed", "{ctx}");
            assert_eq!(r["run_result"]["status"], "TimeLimitExceeded", "{ctx}");
            assert!(r["run_result"]["return_code"].is_null(), "{ctx}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandboxfusion_run_code_as_verl_calls_it() {
    require_images(&IMAGES);
    let server = Server::start(&["--concurrency", "2"], &[]);
    let http = client();
    let runs = fusion_cases()
        .into_iter()
        .map(|(lang, code, stdin, expect)| {
            let mut body = fixture("verl_run_code.json");
            body["language"] = json!(lang);
            body["code"] = json!(code);
            body["stdin"] = json!(stdin);
            // verl passes one timeout for both; a short run limit keeps the timeouts quick.
            body["compile_timeout"] = json!(30);
            body["run_timeout"] = json!(if expect == Expect::Timeout { 1 } else { 10 });
            let (http, url) = (http.clone(), server.url("/run_code"));
            async move {
                let r = http.post(url).json(&body).send().await.unwrap();
                assert_eq!(r.status(), 200, "{lang} {expect:?}");
                (lang, expect, r.json::<Value>().await.unwrap())
            }
        });
    for (lang, expect, r) in join_all(runs).await {
        check_fusion(lang, expect, &r);
    }

    // files in, fetch_files out (base64 both ways).
    let mut body = fixture("verl_run_code.json");
    body["code"] =
        json!("d = open('data/in.txt').read()\nopen('out.txt', 'w').write(d.upper())\nprint('ok')");
    body["files"] = json!({"data/in.txt": "aGVsbG8="});
    body["fetch_files"] = json!(["out.txt", "missing.txt"]);
    let r: Value = post_json(&http, server.url("/run_code"), &body).await;
    assert_eq!(r["status"], "Success", "{r:#}");
    assert_eq!(r["files"], json!({"out.txt": "SEVMTE8="}), "{r:#}");

    // A language SandboxFusion knows but this server has no runtime for; one it does not know.
    body["language"] = json!("php");
    let r: Value = post_json(&http, server.url("/run_code"), &body).await;
    assert_eq!(r["status"], "SandboxError", "{r:#}");
    assert!(r["message"].as_str().unwrap().contains("php"));
    body["language"] = json!("cobol");
    let r = http
        .post(server.url("/run_code"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["detail"][0]["loc"], json!(["body", "language"]));
    let r = http
        .post(server.url("/run_code"))
        .json(&json!({"language": "python"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "code is required");
    server.stop_clean();
}

fn piston(body: &Value) -> Value {
    body.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piston_runtimes_and_execute_as_open_r1_calls_them() {
    require_images(&["crucible/python:latest", "crucible/cpp:latest"]);
    let server = Server::start(&["--concurrency", "2"], &[]);
    let http = client();
    let runtimes: Vec<Value> = http
        .get(server.url("/api/v2/runtimes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cpp = runtimes
        .iter()
        .find(|r| r["language"] == "c++")
        .expect("c++ runtime");
    assert!(cpp["aliases"].as_array().unwrap().contains(&json!("cpp")));
    assert!(runtimes.iter().any(|r| r["language"] == "python"));

    // open-r1's Codeforces shape: the program and its input file, run_timeout in ms.
    let mut body = fixture("openr1_piston_execute.json");
    body["files"][0]["content"] = json!(
        "#include <fstream>\n#include <iostream>\nint main(){std::ifstream in(\"input.txt\");long a,b;in>>a>>b;std::cout<<a+b<<\"\\n\";}"
    );
    let post = |body: Value| {
        let (http, url) = (http.clone(), server.url("/api/v2/execute"));
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, r) = post(piston(&body)).await;
    assert_eq!(status, 200, "{r:#}");
    assert_eq!(r["language"], "c++");
    assert_eq!(r["version"], cpp["version"]);
    assert_eq!(r["compile"]["code"], 0, "{r:#}");
    assert_eq!(r["run"]["stdout"], "3\n", "{r:#}");
    assert_eq!(r["run"]["code"], 0);
    assert!(r["run"]["signal"].is_null());

    // A compile error: open-r1 reads compile.code; Piston repeats the compile stage as `run`.
    body["files"][0]["content"] = json!("int main( {");
    let (status, r) = post(piston(&body)).await;
    assert_eq!(status, 200);
    assert_ne!(r["compile"]["code"], 0, "{r:#}");
    assert!(r["compile"]["stderr"].as_str().unwrap().contains("error"));
    assert_eq!(r["run"], r["compile"]);

    // Python (open-r1 names the file main.python), stdin and args; a time limit → SIGKILL.
    let py = json!({"language": "python", "version": "3", "files": [
        {"name": "main.python", "content": "import sys\nprint(sys.argv[1], input())"}],
        "stdin": "there\n", "args": ["hi"], "run_timeout": 5000, "run_memory_limit": 256});
    let (status, r) = post(py).await;
    assert_eq!(status, 200, "{r:#}");
    assert_eq!(r["run"]["stdout"], "hi there\n", "{r:#}");
    assert!(
        r.get("compile").is_none(),
        "python has no compile stage: {r:#}"
    );
    let slow = json!({"language": "cf_python3", "version": "*", "files": [
        {"name": "main.python", "content": "while True:\n    pass"}], "run_timeout": 1000});
    let (_, r) = post(slow).await;
    assert_eq!(r["run"]["signal"], "SIGKILL", "{r:#}");
    assert_eq!(r["run"]["status"], "TO");
    let crash =
        json!({"language": "py", "version": "*", "files": [{"content": "raise SystemExit(3)"}]});
    let (_, r) = post(crash).await;
    assert_eq!(r["run"]["code"], 3, "{r:#}");

    // Piston's errors: 400 with {message}, the same words.
    for (bad, message) in [
        (
            json!({"language": "cobol", "version": "*", "files": [{"content": "x"}]}),
            "cobol-* runtime is unknown",
        ),
        (
            json!({"language": "python", "files": [{"content": "x"}]}),
            "version is required as a string",
        ),
        (
            json!({"version": "*", "files": []}),
            "language is required as a string",
        ),
        (
            json!({"language": "python", "version": "*", "files": "x"}),
            "files is required as an array",
        ),
        (
            json!({"language": "python", "version": "*", "files": [{"content": 1}]}),
            "files[0].content is required as a string",
        ),
        (
            json!({"language": "python", "version": "2.7", "files": [{"content": "x"}]}),
            "python-2.7 runtime is unknown",
        ),
        (
            json!({"language": "python", "version": "*", "files": [{"content": "eA==", "encoding": "base64"}]}),
            "files must include at least one utf8 encoded file",
        ),
        (
            json!({"language": "python", "version": "*", "files": [{"content": "x"}], "run_timeout": "1"}),
            "If specified, run_timeout must be a number",
        ),
        (
            json!({"language": "python", "version": "*", "files": [{"content": "x"}], "run_timeout": 3600000}),
            "run_timeout cannot exceed the configured limit of 60000",
        ),
    ] {
        let (status, r) = post(bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {r}");
        assert_eq!(r["message"], message, "{bad}");
    }
    let r = http
        .post(server.url("/api/v2/execute"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    server.stop_clean();
}
