//! The wire format between crucible and the in-container harness (`harness.pl`): one request
//! line plus the payload in, one reply line plus stdout, stderr and report bytes out. Replies
//! are checked against the caps the request set, so a broken or hostile stream is refused
//! rather than believed.
use super::output::capture;
use crate::cases::{CaseKill, CaseRun, CasesEvidence, IoSpec, OutputFile};
use crate::execution::{Evidence, KillReason, ReportState};
use std::collections::BTreeMap;

/// The harness's first line once it runs.
pub const READY: &[u8] = b"READY 4\n";
/// Largest report the harness returns; a larger one counts as too large.
pub const REPORT_CAP: u64 = 4 * 1024 * 1024;
/// Longest reply header accepted.
const MAX_HEADER: usize = 4096;

/// `RUN <payload bytes> <timeout ms> <output cap> <argv hex> <worker argv hex or -> <python hex
/// or ->\n`, each list the hex of its NUL-joined words; `python` is what `python_command` made
/// of the command, for a slot's Python forkserver.
pub fn request(
    payload_len: usize,
    timeout_ms: u128,
    output_cap: u64,
    argv: &[String],
    worker: Option<&[String]>,
    python: Option<&[String]>,
) -> Vec<u8> {
    let list =
        |l: Option<&[String]>| l.map_or_else(|| "-".to_string(), |w| hex::encode(w.join("\0")));
    format!(
        "RUN {payload_len} {timeout_ms} {output_cap} {} {} {}\n",
        hex::encode(argv.join("\0")),
        list(worker),
        list(python)
    )
    .into_bytes()
}

/// `[flags, kind, target, args…]` when `argv` runs `python3 [-I] -m <module> <args>` (kind `m`)
/// or `python3 [-I] <script> <args>` (kind `s`), directly or as `/bin/sh -c` of plain words,
/// so that a forkserver's child can run it exactly as the shell would: every word made of
/// characters the shell takes literally, `"$CRUCIBLE_REPORT"` (whose value is `report_path`)
/// the only expansion. Anything else (other flags, quoting, redirections, several commands,
/// globs, variables) is `None`: it runs as it always did.
pub fn python_command(argv: &[String], report_path: &str) -> Option<Vec<String>> {
    let words = match argv {
        [sh, c, script] if (sh == "/bin/sh" || sh == "sh") && c == "-c" => {
            shell_words(script, report_path)?
        }
        _ => argv.to_vec(),
    };
    let mut words = words.into_iter();
    if words.next()? != "python3" {
        return None;
    }
    let mut next = words.next()?;
    let mut flags = String::new();
    if next == "-I" {
        flags = next;
        next = words.next()?;
    }
    let (kind, target) = if next == "-m" {
        let module = words.next()?;
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
        if module.is_empty() || !module.chars().all(plain) {
            return None;
        }
        ("m", module)
    } else if next.starts_with('-') {
        return None;
    } else {
        ("s", next)
    };
    Some(
        [flags, kind.to_string(), target]
            .into_iter()
            .chain(words)
            .collect(),
    )
}

/// The words of a one-command shell line that needs no shell: see `python_command`.
fn shell_words(line: &str, report_path: &str) -> Option<Vec<String>> {
    const REPORT: &str = "\"$CRUCIBLE_REPORT\"";
    let literal = |w: &str| {
        w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=,+@%-".contains(c))
    };
    line.split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .map(|w| match w.split_once(REPORT) {
            None if literal(w) => Some(w.to_string()),
            Some((a, b)) if literal(a) && literal(b) => Some(format!("{a}{report_path}{b}")),
            _ => None,
        })
        .collect()
}

/// `CASES <payload bytes> <timeout ms> <output cap> <plan bytes> <ask>\n`, followed by the
/// payload and the plan. With `ask`, the harness waits for `GO`/`STOP` after each case.
pub fn cases_request(
    payload_len: usize,
    timeout_ms: u128,
    output_cap: u64,
    plan: &[u8],
    ask: bool,
) -> Vec<u8> {
    format!(
        "CASES {payload_len} {timeout_ms} {output_cap} {} {}\n",
        plan.len(),
        u8::from(ask)
    )
    .into_bytes()
}

/// What the harness needs to run the cases: commands, inputs, deadlines and the files to
/// collect. Nothing of what a case is judged against.
pub fn plan(io: &IoSpec) -> Vec<u8> {
    fn list(words: &[&str]) -> String {
        let hex: Vec<String> = words.iter().map(hex::encode).collect();
        format!("{}:{}", words.len(), hex.join(","))
    }
    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let mut text = String::new();
    if let Some(build) = &io.build {
        text += &format!("build {}\n", list(&strs(build)));
    }
    text += &format!("run {}\n", list(&strs(&io.run)));
    for c in &io.cases {
        let inputs: Vec<&str> = c
            .inputs
            .iter()
            .flat_map(|(dest, src)| [dest.as_str(), src.as_str()])
            .collect();
        let outputs: Vec<&str> = c.expected_files.keys().map(String::as_str).collect();
        text += &format!(
            "case {} {} {} {} {}\n",
            c.timeout_ms,
            list(&[c.stdin.as_str()]),
            list(&strs(&c.args)),
            list(&inputs),
            list(&outputs)
        );
    }
    text.into_bytes()
}

/// Take one case's frame off the front of `buf` when one starts there. `Ok(None)`: no case frame
/// (yet); `files_cap` bounds how many output files one case may return.
pub fn take_case(
    buf: &mut Vec<u8>,
    output_cap: u64,
    files_cap: usize,
) -> Result<Option<CaseRun>, String> {
    if !buf.starts_with(b"CASE ") {
        return Ok(None);
    }
    let Some(end) = buf.iter().position(|&b| b == b'\n') else {
        return if buf.len() > MAX_HEADER {
            Err("case header too long".into())
        } else {
            Ok(None)
        };
    };
    let header = std::str::from_utf8(&buf[..end]).map_err(|_| "case header is not text")?;
    let fields = Fields::parse(header, "CASE")?;
    let (out, err, nfiles) = (fields.len("out")?, fields.len("err")?, fields.len("files")?);
    if out as u64 > output_cap || err as u64 > output_cap || nfiles > files_cap {
        return Err(format!("case frame larger than its caps: `{header}`"));
    }
    let mut at = end + 1;
    if buf.len() < at + out + err {
        return Ok(None);
    }
    let stdout = &buf[at..at + out];
    let stderr = &buf[at + out..at + out + err];
    at += out + err;
    let mut files = BTreeMap::new();
    for _ in 0..nfiles {
        let Some(rel) = buf[at..].iter().position(|&b| b == b'\n') else {
            return Ok(None);
        };
        let line =
            std::str::from_utf8(&buf[at..at + rel]).map_err(|_| "file header is not text")?;
        let mut words = line.split(' ');
        let (Some("FILE"), Some(path), Some(len), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(format!("bad file header `{line}`"));
        };
        let path = hex::decode(path)
            .ok()
            .and_then(|p| String::from_utf8(p).ok())
            .ok_or_else(|| format!("bad file path in `{line}`"))?;
        let len: i64 = len
            .parse()
            .map_err(|_| format!("bad file length in `{line}`"))?;
        at += rel + 1;
        let file = match len {
            -1 => OutputFile::Missing,
            -2 => OutputFile::TooLarge,
            n if n >= 0 && n as u64 <= output_cap => {
                let n = n as usize;
                if buf.len() < at + n {
                    return Ok(None);
                }
                at += n;
                OutputFile::Present(String::from_utf8_lossy(&buf[at - n..at]).into_owned())
            }
            _ => return Err(format!("file length out of bounds in `{line}`")),
        };
        files.insert(path, file);
    }
    let run = CaseRun {
        exit_code: Some(fields.int("rc")?),
        wall_ms: fields.len("wall_ms")? as u64,
        killed_for: match fields.get("killed")? {
            "none" => None,
            "timeout" => Some(CaseKill::Timeout),
            "output" => Some(CaseKill::Output),
            other => return Err(format!("unknown `killed={other}`")),
        },
        oom_killed: fields.get("oom_kills")?.parse::<u64>().is_ok_and(|n| n > 0),
        stdout: String::from_utf8_lossy(stdout).into_owned(),
        stdout_total: fields.int("out_total")?.max(out as i64) as u64,
        stderr: String::from_utf8_lossy(stderr).into_owned(),
        stderr_total: fields.int("err_total")?.max(err as i64) as u64,
        files,
    };
    buf.drain(..at);
    Ok(Some(run))
}

/// What the harness measured after the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// Exit status of the command (the judge's, when split) as 128+n when killed by signal n.
    pub rc: i64,
    pub cpu_usec: Option<u64>,
    pub mem_peak: Option<u64>,
    pub report: ReportState,
    pub unpack_failed: bool,
    /// OOM kills in the container's cgroup during this execution.
    pub oom_kills: Option<u64>,
}

/// One execution's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub trailer: Trailer,
    /// The supervisor stopped the command (deadline or output cap).
    pub killed_for: Option<KillReason>,
    /// Every process was killed and every writable place emptied afterwards.
    pub clean: bool,
    pub stdout: Vec<u8>,
    pub stdout_total: u64,
    pub stderr: Vec<u8>,
    pub stderr_total: u64,
    /// `CASES` only: the build ran and failed.
    pub build_failed: bool,
    /// `CASES` only: the case frames that came before this reply.
    pub cases: Option<Vec<CaseRun>>,
}

/// Take one complete reply off the front of `buf`. `Ok(None)`: not all of it arrived yet.
pub fn take_reply(buf: &mut Vec<u8>, output_cap: u64) -> Result<Option<Reply>, String> {
    let Some(end) = buf.iter().position(|&b| b == b'\n') else {
        return if buf.len() > MAX_HEADER {
            Err("reply header too long".into())
        } else {
            Ok(None)
        };
    };
    let header = std::str::from_utf8(&buf[..end]).map_err(|_| "reply header is not text")?;
    let fields = Fields::parse(header, "DONE")?;
    let (out, err, report) = (
        fields.len("out")?,
        fields.len("err")?,
        fields.len("report")?,
    );
    if out as u64 > output_cap || err as u64 > output_cap || report as u64 > REPORT_CAP {
        return Err(format!("reply larger than its caps: `{header}`"));
    }
    let body = end + 1;
    if buf.len() < body + out + err + report {
        return Ok(None);
    }
    let report_state = match fields.int("report_len")? {
        -2 => ReportState::TooLarge,
        n if n < 0 => ReportState::Missing,
        _ => ReportState::Present(buf[body + out + err..body + out + err + report].to_vec()),
    };
    let unpack = fields.get("unpack")?;
    if unpack == "unclean" {
        return Err("the slot could not be cleaned before the execution".into());
    }
    let killed_for = match fields.get("killed")? {
        "none" => None,
        "timeout" => Some(KillReason::Timeout),
        "output" => Some(KillReason::Output),
        other => return Err(format!("unknown `killed={other}`")),
    };
    let reply = Reply {
        trailer: Trailer {
            rc: fields.int("rc")?,
            cpu_usec: fields.get("cpu_usec")?.parse().ok(),
            mem_peak: fields.get("mem_peak")?.parse().ok(),
            report: report_state,
            unpack_failed: unpack != "ok",
            oom_kills: fields.get("oom_kills")?.parse().ok(),
        },
        killed_for,
        clean: fields.get("clean")? == "1",
        stdout: buf[body..body + out].to_vec(),
        stdout_total: fields.int("out_total")?.max(out as i64) as u64,
        stderr: buf[body + out..body + out + err].to_vec(),
        stderr_total: fields.int("err_total")?.max(err as i64) as u64,
        build_failed: fields.get("build")? == "failed",
        cases: None,
    };
    buf.drain(..body + out + err + report);
    Ok(Some(reply))
}

impl Reply {
    /// What the harness measured, as evidence for the judge (the backend adds what the daemon
    /// and the clock say).
    pub fn into_evidence(self, output_cap: u64) -> Evidence {
        Evidence {
            harness_finished: true,
            unpack_failed: self.trailer.unpack_failed,
            exit_code: Some(self.trailer.rc),
            killed_for: self.killed_for,
            oom_killed: self.trailer.oom_kills.is_some_and(|n| n > 0),
            cpu_ms: self.trailer.cpu_usec.map(|u| u / 1000),
            peak_memory_bytes: self.trailer.mem_peak,
            stdout: capture(&self.stdout, self.stdout_total, output_cap),
            stderr: capture(&self.stderr, self.stderr_total, output_cap),
            report: self.trailer.report,
            cases: self.cases.map(|runs| CasesEvidence {
                build_failed: self.build_failed,
                runs,
                checker: None,
            }),
            ..Default::default()
        }
    }
}

struct Fields<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Fields<'a> {
    fn parse(header: &'a str, verb: &str) -> Result<Self, String> {
        let mut words = header.split(' ');
        if words.next() != Some(verb) {
            return Err(format!("unexpected reply `{header}`"));
        }
        words
            .map(|w| w.split_once('=').ok_or_else(|| format!("bad field `{w}`")))
            .collect::<Result<_, _>>()
            .map(Fields)
    }

    fn get(&self, key: &str) -> Result<&'a str, String> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("reply without `{key}`"))
    }

    fn int(&self, key: &str) -> Result<i64, String> {
        let v = self.get(key)?;
        v.parse()
            .map_err(|_| format!("`{key}={v}` is not a number"))
    }

    fn len(&self, key: &str) -> Result<usize, String> {
        usize::try_from(self.int(key)?).map_err(|_| format!("negative `{key}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "DONE rc=1 cpu_usec=41 mem_peak=7 oom_kills=0 killed=none unpack=ok clean=1 \
                          out_total=9 err_total=3 build=none cases=0 report_len=4 out=5 err=3 report=4\n";

    #[test]
    fn a_reply_arriving_in_pieces_is_taken_whole_and_once() {
        let mut buf = HEADER.as_bytes().to_vec();
        buf.extend_from_slice(b"hello");
        assert_eq!(take_reply(&mut buf, 5), Ok(None));
        buf.extend_from_slice(b"errrep!READY");
        let reply = take_reply(&mut buf, 5).unwrap().unwrap();
        assert_eq!(reply.stdout, b"hello");
        assert_eq!(reply.stdout_total, 9);
        assert_eq!(reply.stderr, b"err");
        assert_eq!(reply.trailer.report, ReportState::Present(b"rep!".to_vec()));
        assert_eq!(reply.trailer.rc, 1);
        assert_eq!(reply.trailer.cpu_usec, Some(41));
        assert_eq!(reply.trailer.oom_kills, Some(0));
        assert_eq!(reply.trailer.mem_peak, Some(7));
        assert!(reply.clean && reply.killed_for.is_none());
        assert_eq!(buf, b"READY", "only the reply is consumed");
    }

    #[test]
    fn replies_beyond_their_caps_or_malformed_are_refused() {
        let mut over = HEADER.as_bytes().to_vec();
        assert!(
            take_reply(&mut over, 4).is_err(),
            "5 bytes of stdout over a cap of 4"
        );
        for bad in [
            "READY 3\n",
            "DONE rc=x\n",
            "DONE rc=0 killed=maybe\n",
            "DONE rc=0 out=-1\n",
        ] {
            assert!(
                take_reply(&mut bad.as_bytes().to_vec(), 100).is_err(),
                "{bad}"
            );
        }
        let mut endless = vec![b'x'; MAX_HEADER + 1];
        assert!(take_reply(&mut endless, 100).is_err());
    }

    #[test]
    fn kills_and_missing_figures_are_read() {
        let header = "DONE rc=137 cpu_usec= mem_peak= oom_kills= killed=timeout unpack=ok clean=0 \
                      out_total=0 err_total=0 build=failed cases=0 report_len=-2 out=0 err=0 report=0\n";
        let reply = take_reply(&mut header.as_bytes().to_vec(), 10)
            .unwrap()
            .unwrap();
        assert_eq!(reply.killed_for, Some(KillReason::Timeout));
        assert_eq!(reply.trailer.report, ReportState::TooLarge);
        assert_eq!(reply.trailer.cpu_usec, None);
        assert!(!reply.clean);
        assert!(reply.build_failed);
    }

    #[test]
    fn the_request_carries_argv_intact() {
        let argv = ["sh".to_string(), "-c".into(), "echo a b".into()];
        let text = String::from_utf8(request(10, 2500, 64, &argv, None, None)).unwrap();
        let words: Vec<&str> = text.trim_end().split(' ').collect();
        assert_eq!(hex::decode(words[4]).unwrap(), b"sh\0-c\0echo a b");
        assert_eq!(words[5], "-");
        assert_eq!(words[6], "-");
        assert!(text.starts_with("RUN 10 2500 64 "));
        let split = request(1, 1, 1, &argv, Some(&["w".to_string(), "x".into()]), None);
        let text = String::from_utf8(split).unwrap();
        let words: Vec<&str> = text.trim_end().split(' ').collect();
        assert_eq!(hex::decode(words[5]).unwrap(), b"w\0x");
        let py = ["".to_string(), "m".into(), "pytest".into()];
        let text = String::from_utf8(request(1, 1, 1, &argv, None, Some(&py))).unwrap();
        let words: Vec<&str> = text.trim_end().split(' ').collect();
        assert_eq!(hex::decode(words[6]).unwrap(), b"\0m\0pytest");
    }

    #[test]
    fn only_plain_python_commands_go_to_the_forkserver() {
        let sh = |line: &str| {
            let argv = ["/bin/sh".to_string(), "-c".into(), line.into()];
            python_command(&argv, "/tmp/r")
        };
        let words = |w: &[&str]| Some(w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            sh("python3 -m pytest -q -p no:cacheprovider --junitxml=\"$CRUCIBLE_REPORT\" tests"),
            words(&[
                "",
                "m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--junitxml=/tmp/r",
                "tests"
            ])
        );
        assert_eq!(sh("python3 -I check.py"), words(&["-I", "s", "check.py"]));
        assert_eq!(sh("  python3\tt.py  a "), words(&["", "s", "t.py", "a"]));
        let direct = ["python3".to_string(), "-I".into(), "x.py".into()];
        assert_eq!(python_command(&direct, "/r"), words(&["-I", "s", "x.py"]));
        for other in [
            "python3 -m pytest; rm -rf /",
            "python3 t.py > out",
            "python3 t.py && true",
            "python3 -u t.py",
            "python3 -c 'print(1)'",
            "python3 -m 'pytest'",
            "python3 -m",
            "python3",
            "python3 -",
            "python3 $SCRIPT",
            "python3 t.py *",
            "python3 ~/t.py",
            "PYTHONPATH=x python3 t.py",
            "python t.py",
            "/usr/bin/python3 t.py",
            "node --test",
            "python3 t.py `id`",
            "python3 t.py \"$CRUCIBLE_REPORT\"x\"$CRUCIBLE_REPORT\"",
            "python3 t.py\nid",
        ] {
            assert_eq!(sh(other), None, "{other}");
        }
        let argv = ["/bin/bash".to_string(), "-c".into(), "python3 t.py".into()];
        assert_eq!(python_command(&argv, "/r"), None);
    }

    #[test]
    fn case_frames_carry_output_and_files_within_caps() {
        let frame = format!(
            "CASE rc=0 wall_ms=12 killed=none oom_kills=0 out_total=3 err_total=0 out=3 err=0 files=2\n\
             4 \nFILE {} 2\nokFILE {} -1\nDONE",
            hex::encode("out.txt"),
            hex::encode("gone.csv")
        );
        let mut buf = frame.as_bytes().to_vec();
        let run = take_case(&mut buf, 10, 2).unwrap().unwrap();
        assert_eq!(run.stdout, "4 \n");
        assert_eq!(run.wall_ms, 12);
        assert_eq!(run.files["out.txt"], OutputFile::Present("ok".into()));
        assert_eq!(run.files["gone.csv"], OutputFile::Missing);
        assert_eq!(buf, b"DONE");
        // Partial frames wait; frames over their caps are refused.
        let mut partial = frame.as_bytes()[..frame.len() - 20].to_vec();
        assert_eq!(take_case(&mut partial, 10, 2), Ok(None));
        assert!(take_case(&mut frame.as_bytes().to_vec(), 2, 2).is_err());
        assert!(take_case(&mut frame.as_bytes().to_vec(), 10, 1).is_err());
        let killed = "CASE rc=137 wall_ms=2000 killed=timeout oom_kills=1 out_total=0 err_total=0 out=0 err=0 files=0\n";
        let run = take_case(&mut killed.as_bytes().to_vec(), 10, 0)
            .unwrap()
            .unwrap();
        assert_eq!(run.killed_for, Some(CaseKill::Timeout));
        assert!(run.oom_killed);
        assert_eq!(take_case(&mut b"DONE x".to_vec(), 10, 0), Ok(None));
    }

    #[test]
    fn the_plan_lists_commands_inputs_and_outputs_but_no_expected_output() {
        use crate::cases::{CaseSpec, Compare, ExpectedFile, FileFormat};
        let io = IoSpec {
            build: Some(vec!["/bin/sh".into(), "-c".into(), "make".into()]),
            run: vec!["/tmp/prog".into()],
            stop_at_first_failure: false,
            compare: Compare::default(),
            custom_checker: None,
            cases: vec![CaseSpec {
                name: "1".into(),
                stdin: ".crucible/cases/0000.in".into(),
                args: vec!["".into()],
                inputs: vec![("data.csv".into(), ".crucible/cases/0000/data.csv".into())],
                timeout_ms: 1500,
                expected_stdout: vec!["SECRET-ANSWER".into()],
                expected_files: BTreeMap::from([(
                    "out.json".to_string(),
                    ExpectedFile {
                        text: "SECRET-FILE".into(),
                        format: FileFormat::Json,
                    },
                )]),
                checker: None,
            }],
        };
        let text = String::from_utf8(plan(&io)).unwrap();
        assert!(!text.contains(&hex::encode("SECRET")) && !text.contains("SECRET"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                "build 3:{},{},{}",
                hex::encode("/bin/sh"),
                hex::encode("-c"),
                hex::encode("make")
            )
        );
        assert_eq!(lines[1], format!("run 1:{}", hex::encode("/tmp/prog")));
        assert_eq!(
            lines[2],
            format!(
                "case 1500 1:{} 1: 2:{},{} 1:{}",
                hex::encode(".crucible/cases/0000.in"),
                hex::encode("data.csv"),
                hex::encode(".crucible/cases/0000/data.csv"),
                hex::encode("out.json")
            )
        );
    }
}
