//! A paused run. When the daemon is unreachable an execution's failure says nothing about the
//! candidate, and retrying within seconds only spends the retries while the daemon restarts.
//! So the run pauses instead: it starts nothing, lets what is in flight end, probes the daemon
//! with a growing wait, and resumes once the daemon answers and nothing is in flight (the
//! executor then removes what survived the restart). Executions the outage cut short run again
//! under the same attempt number. An outage that outlasts `DaemonWait::total` stops the run.
use std::time::Duration;
use tokio::time::Instant;

/// How long, and how often, a paused run waits for the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonWait {
    /// The first probe comes this long after the pause; each failed probe doubles the wait.
    pub first: Duration,
    /// No wait between probes is longer than this.
    pub max: Duration,
    /// The outage may last this long in all; then the run stops (`--daemon-wait`).
    pub total: Duration,
}

impl Default for DaemonWait {
    fn default() -> Self {
        DaemonWait {
            first: Duration::from_millis(250),
            max: Duration::from_secs(5),
            total: Duration::from_secs(300),
        }
    }
}

/// What the next probe found, and so what the run does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ProbeVerdict {
    /// Back, and nothing of the run in flight: recover and resume.
    Resume,
    /// Probe again at the time set.
    Wait,
    /// Unreachable for longer than allowed: stop the run.
    GiveUp,
}

/// One outage, from the first failure the daemon caused until an execution ends again without
/// it. Pauses that resume straight into another such failure belong to the same outage (and
/// keep its growing wait), so a daemon that answers probes but fails every execution still ends
/// the run after `total`.
pub(crate) struct Outage<T> {
    since: Instant,
    paused_at: Instant,
    delay: Duration,
    next_probe: Option<Instant>,
    /// Cut short by the outage: to run again after resume, as the same attempt.
    rerun: Vec<T>,
}

impl<T> Outage<T> {
    pub fn begin(wait: &DaemonWait, now: Instant) -> Outage<T> {
        Outage {
            since: now,
            paused_at: now,
            delay: wait.first,
            next_probe: Some(now + wait.first),
            rerun: Vec::new(),
        }
    }

    pub fn paused(&self) -> bool {
        self.next_probe.is_some()
    }

    /// Another daemon failure after a resume within the same outage: pause again.
    pub fn pause_again(&mut self, now: Instant) {
        if !self.paused() {
            self.paused_at = now;
            self.next_probe = Some(now + self.delay);
        }
    }

    /// When to probe next (while paused).
    pub fn next_probe(&self) -> Option<Instant> {
        self.next_probe
    }

    pub fn cut(&mut self, item: T) {
        self.rerun.push(item);
    }

    /// Judge one probe: `reachable` is its answer, `idle` whether nothing is in flight.
    pub fn probed(
        &mut self,
        wait: &DaemonWait,
        now: Instant,
        reachable: bool,
        idle: bool,
    ) -> ProbeVerdict {
        if reachable && idle {
            self.next_probe = None;
            return ProbeVerdict::Resume;
        }
        if !reachable && now.duration_since(self.since) >= wait.total {
            return ProbeVerdict::GiveUp;
        }
        if reachable {
            // Back, but executions still end: look again soon rather than after a long wait.
            self.next_probe = Some(now + wait.first);
        } else {
            self.delay = (self.delay * 2).min(wait.max);
            let left = wait.total.saturating_sub(now.duration_since(self.since));
            self.next_probe = Some(now + self.delay.min(left));
        }
        ProbeVerdict::Wait
    }

    /// Everything the outage cut short (to rerun after resume, or to record as interrupted).
    pub fn take_rerun(&mut self) -> Vec<T> {
        std::mem::take(&mut self.rerun)
    }

    /// How long the current pause lasted.
    pub fn paused_for(&self, now: Instant) -> Duration {
        now.duration_since(self.paused_at)
    }

    /// How long the whole outage has lasted.
    pub fn lasted(&self, now: Instant) -> Duration {
        now.duration_since(self.since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_to_its_cap_and_the_outage_ends_at_its_total() {
        let wait = DaemonWait {
            first: Duration::from_millis(250),
            max: Duration::from_secs(1),
            total: Duration::from_secs(3),
        };
        let t0 = Instant::now();
        let mut o: Outage<u32> = Outage::begin(&wait, t0);
        let mut now = o.next_probe().unwrap();
        let mut gaps = Vec::new();
        loop {
            match o.probed(&wait, now, false, true) {
                ProbeVerdict::Wait => {
                    let next = o.next_probe().unwrap();
                    gaps.push((next - now).as_millis());
                    now = next;
                }
                ProbeVerdict::GiveUp => break,
                ProbeVerdict::Resume => unreachable!(),
            }
        }
        assert_eq!(gaps, vec![500, 1000, 1000, 250]);
        assert_eq!(o.lasted(now), Duration::from_secs(3));
    }

    #[test]
    fn it_resumes_only_when_reachable_and_idle() {
        let wait = DaemonWait::default();
        let t0 = Instant::now();
        let mut o: Outage<u32> = Outage::begin(&wait, t0);
        o.cut(7);
        let at = t0 + Duration::from_secs(1);
        assert_eq!(o.probed(&wait, at, true, false), ProbeVerdict::Wait);
        assert_eq!(
            o.next_probe(),
            Some(at + wait.first),
            "back: look again soon"
        );
        assert_eq!(o.probed(&wait, at, true, true), ProbeVerdict::Resume);
        assert!(!o.paused());
        assert_eq!(o.take_rerun(), vec![7]);
        o.pause_again(at);
        assert!(o.paused());
    }
}
