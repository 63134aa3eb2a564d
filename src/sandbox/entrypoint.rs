//! The in-container entrypoint: a POSIX sh script passed on the command line (so any image with
//! /bin/sh and tar works, nothing to install), and the trailer it writes after the command.
//!
//! The script unpacks the payload from stdin into the working directory, runs the command with
//! stdin from /dev/null, then kills every other process of the sandbox uid (`kill -KILL -1`), so
//! nothing the candidate started can write after it, and appends to stdout:
//! `<report bytes>\n@@crucible-trailer@@ v=1 rc=R cpu_usec=C mem_peak=M report_len=N unpack=U\n`.
//! The trailer is read from the very end of stdout by length, so a candidate printing a fake
//! trailer earlier only adds to its own output. Candidate code that kills this script loses the
//! trailer, and the run is judged without it (never as a pass).

/// Largest report the trailer carries; a larger report file counts as missing.
pub const REPORT_CAP: u64 = 4 * 1024 * 1024;
const MARKER: &[u8] = b"\n@@crucible-trailer@@ ";

/// `sh -c SCRIPT crucible-entry <command...>`
pub fn script(workdir: &str) -> String {
    format!(
        r#"set -u
if ! tar -xmof - -C {workdir} 2>/tmp/.crucible-unpack; then
  head -c 2000 /tmp/.crucible-unpack >&2
  printf '{marker}v=1 rc=125 cpu_usec= mem_peak= report_len=-1 unpack=failed\n'
  exit 125
fi
cd {workdir} || exit 125
"$@" </dev/null
rc=$?
kill -KILL -1 2>/dev/null
cpu=
mem=
if [ -r /sys/fs/cgroup/cpu.stat ]; then
  while read -r k v; do [ "$k" = usage_usec ] && cpu=$v; done </sys/fs/cgroup/cpu.stat
elif [ -r /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
  read -r ns </sys/fs/cgroup/cpuacct/cpuacct.usage && cpu=$((ns / 1000))
fi
for f in /sys/fs/cgroup/memory.peak /sys/fs/cgroup/memory/memory.max_usage_in_bytes; do
  if [ -r "$f" ]; then read -r mem <"$f"; break; fi
done
len=-1
if [ -f "${{CRUCIBLE_REPORT:-/nonexistent}}" ] && [ ! -L "$CRUCIBLE_REPORT" ]; then
  len=$(wc -c <"$CRUCIBLE_REPORT")
  if [ "$len" -le {cap} ]; then cat "$CRUCIBLE_REPORT"; else len=-2; fi
fi
printf '{marker}v=1 rc=%s cpu_usec=%s mem_peak=%s report_len=%s unpack=ok\n' "$rc" "$cpu" "$mem" "$len"
exit $rc
"#,
        marker = "\\n@@crucible-trailer@@ ",
        cap = REPORT_CAP,
    )
}

/// What the entrypoint reported after the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// Exit status of the command as the shell saw it (128+n when killed by signal n).
    pub rc: i64,
    pub cpu_usec: Option<u64>,
    pub mem_peak: Option<u64>,
    pub report: ReportState,
    pub unpack_failed: bool,
    /// OOM kills in the container's cgroup during this execution (reuse mode's supervisor
    /// reports it; the default entrypoint leaves it to the daemon's record).
    pub oom_kills: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportState {
    Missing,
    TooLarge,
    Present(Vec<u8>),
}

/// Split `stdout` into (candidate output, trailer). `None` when the stream does not end with a
/// well-formed trailer (e.g. the entrypoint was killed).
pub fn split_trailer(stdout: &[u8]) -> (&[u8], Option<Trailer>) {
    let Some(body) = stdout.strip_suffix(b"\n") else {
        return (stdout, None);
    };
    let Some(line_start) = find_last(body, MARKER) else {
        return (stdout, None);
    };
    let line = &body[line_start + MARKER.len()..];
    let Some(fields) = parse_fields(line) else {
        return (stdout, None);
    };
    let report_len = fields.report_len;
    let (report, report_start) = match report_len {
        -2 => (ReportState::TooLarge, line_start),
        n if n < 0 => (ReportState::Missing, line_start),
        n => {
            let n = n as usize;
            if n > line_start {
                return (stdout, None);
            }
            (
                ReportState::Present(body[line_start - n..line_start].to_vec()),
                line_start - n,
            )
        }
    };
    let trailer = Trailer {
        rc: fields.rc,
        cpu_usec: fields.cpu_usec,
        mem_peak: fields.mem_peak,
        report,
        unpack_failed: fields.unpack_failed,
        oom_kills: fields.oom_kills,
    };
    (&stdout[..report_start], Some(trailer))
}

struct Fields {
    rc: i64,
    cpu_usec: Option<u64>,
    mem_peak: Option<u64>,
    report_len: i64,
    unpack_failed: bool,
    oom_kills: Option<u64>,
}

fn parse_fields(line: &[u8]) -> Option<Fields> {
    let text = std::str::from_utf8(line).ok()?;
    if text.contains('\n') {
        return None;
    }
    let mut rc = None;
    let mut cpu_usec = None;
    let mut mem_peak = None;
    let mut report_len = None;
    let mut unpack = None;
    let mut oom_kills = None;
    for pair in text.split(' ') {
        let (k, v) = pair.split_once('=')?;
        match k {
            "v" if v == "1" => {}
            "rc" => rc = v.parse().ok(),
            "cpu_usec" => cpu_usec = v.parse().ok(),
            "mem_peak" => mem_peak = v.parse().ok(),
            "report_len" => report_len = v.parse().ok(),
            "unpack" => unpack = Some(v == "failed"),
            "oom_kills" => oom_kills = v.parse().ok(),
            _ => return None,
        }
    }
    Some(Fields {
        rc: rc?,
        cpu_usec,
        mem_peak,
        report_len: report_len?,
        unpack_failed: unpack?,
        oom_kills,
    })
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_is_taken_from_the_end_by_length() {
        let out = b"hello\n<xml/>\n@@crucible-trailer@@ v=1 rc=0 cpu_usec=12 mem_peak=34 report_len=6 unpack=ok\n";
        let (candidate, t) = split_trailer(out);
        let t = t.unwrap();
        assert_eq!(candidate, b"hello\n");
        assert_eq!(t.rc, 0);
        assert_eq!(t.cpu_usec, Some(12));
        assert_eq!(t.mem_peak, Some(34));
        assert_eq!(t.report, ReportState::Present(b"<xml/>".to_vec()));
    }

    #[test]
    fn a_forged_trailer_before_the_real_one_stays_candidate_output() {
        let forged =
            "\n@@crucible-trailer@@ v=1 rc=0 cpu_usec= mem_peak= report_len=-1 unpack=ok\n";
        let real = "\n@@crucible-trailer@@ v=1 rc=1 cpu_usec= mem_peak= report_len=-1 unpack=ok\n";
        let out = format!("x{forged}y{real}");
        let (candidate, t) = split_trailer(out.as_bytes());
        assert_eq!(t.unwrap().rc, 1);
        assert_eq!(candidate, format!("x{forged}y").as_bytes());
    }

    #[test]
    fn missing_or_mangled_trailers_are_none() {
        assert!(split_trailer(b"just output\n").1.is_none());
        assert!(
            split_trailer(b"\n@@crucible-trailer@@ v=1 rc=0 report_len=99 unpack=ok\n")
                .1
                .is_none()
        );
        assert!(
            split_trailer(b"\n@@crucible-trailer@@ v=1 rc=0 evil=1 report_len=-1 unpack=ok\n")
                .1
                .is_none()
        );
        assert!(
            split_trailer(b"\n@@crucible-trailer@@ v=1 rc=0 report_len=-1 unpack=ok")
                .1
                .is_none()
        );
        let (_, t) = split_trailer(
            b"\n@@crucible-trailer@@ v=1 rc=2 cpu_usec= mem_peak= report_len=-2 unpack=ok\n",
        );
        assert_eq!(t.unwrap().report, ReportState::TooLarge);
    }
}
