//! When the daemon's OOM record must be asked for, and when the evidence already rules it out.
//!
//! The cgroup OOM killer only fires when the container's memory usage reaches its limit. The
//! entrypoint's trailer carries the cgroup's high-water mark (`memory.max_usage_in_bytes` /
//! `memory.peak`), read after every process of the candidate was killed. When that mark stayed
//! clearly below the limit, no OOM kill can have happened and the per-execution inspect (one
//! API round trip) is skipped. Every other case asks the daemon, as before.
use super::entrypoint::Trailer;

/// Headroom below the limit: usage within this of the limit counts as "may have hit it".
const MARGIN: u64 = 4 * 1024 * 1024;

/// `true` when only the daemon can tell whether the OOM killer fired.
pub fn must_ask_daemon(trailer: Option<&Trailer>, container_exit: i64, memory_limit: u64) -> bool {
    let Some(t) = trailer else {
        return true; // the entrypoint did not finish: anything may have happened
    };
    // The entrypoint exits with the command's status; a mismatch means it was not the one
    // that ended the container (killed, or the trailer is a forgery).
    if t.rc != container_exit {
        return true;
    }
    // SIGKILL is what the OOM killer sends: always confirm.
    if container_exit == 128 + 9 || t.rc == 128 + 9 {
        return true;
    }
    match t.mem_peak {
        Some(peak) => peak.saturating_add(MARGIN) >= memory_limit,
        None => true, // no cgroup figure: cannot prove anything
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::entrypoint::ReportState;

    fn trailer(rc: i64, mem_peak: Option<u64>) -> Trailer {
        Trailer {
            rc,
            cpu_usec: None,
            mem_peak,
            report: ReportState::Missing,
            unpack_failed: false,
            oom_kills: None,
        }
    }

    const LIMIT: u64 = 256 * 1024 * 1024;

    #[test]
    fn a_small_clean_run_needs_no_inspect() {
        assert!(!must_ask_daemon(
            Some(&trailer(0, Some(20 << 20))),
            0,
            LIMIT
        ));
        assert!(!must_ask_daemon(
            Some(&trailer(1, Some(20 << 20))),
            1,
            LIMIT
        ));
    }

    #[test]
    fn every_doubtful_case_asks_the_daemon() {
        // no trailer
        assert!(must_ask_daemon(None, 0, LIMIT));
        // peak at or near the limit
        assert!(must_ask_daemon(Some(&trailer(1, Some(LIMIT))), 1, LIMIT));
        assert!(must_ask_daemon(
            Some(&trailer(1, Some(LIMIT - 1024))),
            1,
            LIMIT
        ));
        // no peak figure
        assert!(must_ask_daemon(Some(&trailer(0, None)), 0, LIMIT));
        // SIGKILL
        assert!(must_ask_daemon(
            Some(&trailer(137, Some(1 << 20))),
            137,
            LIMIT
        ));
        // trailer and container disagree
        assert!(must_ask_daemon(Some(&trailer(0, Some(1 << 20))), 1, LIMIT));
    }
}
