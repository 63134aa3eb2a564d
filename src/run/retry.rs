//! Infra errors are retried with exponential backoff, up to a cap; a judgement never is.
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (attempts = 1 + retries).
    pub retries: u32,
    /// Delay before the second attempt; doubled for each one after.
    pub backoff: Duration,
    /// No delay is longer than this.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 2,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Whether attempt number `attempt` (1-based), ended in an infra error, gets another.
    pub fn retries_after(&self, attempt: u32) -> bool {
        attempt <= self.retries
    }

    /// How long to wait after attempt number `attempt` failed.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            retries: 10,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
        };
        let delays: Vec<u128> = (1..=5).map(|a| p.delay_after(a).as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 400, 500, 500]);
        assert_eq!(p.delay_after(60), Duration::from_millis(500));
        assert!(p.retries_after(10) && !p.retries_after(11));
    }
}
