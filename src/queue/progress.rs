/// Where a queued run stands, counted in the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueProgress {
    pub pending: u64,
    pub running: u64,
    pub done: u64,
    pub cancelled: u64,
    /// Distinct workers holding leases on the run now.
    pub workers: u64,
    pub run_cancelled: bool,
}

impl QueueProgress {
    pub fn total(&self) -> u64 {
        self.pending + self.running + self.done + self.cancelled
    }

    /// Nothing is left to run or running.
    pub fn settled(&self) -> bool {
        self.pending == 0 && self.running == 0
    }
}
