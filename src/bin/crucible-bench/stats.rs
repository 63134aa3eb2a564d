//! Small statistics and a thread pool for the host-side baselines.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Run `work(i)` for i in 0..n on `j` threads; each call's duration, in index order.
pub fn parallel_timed<F>(n: usize, j: usize, work: F) -> Vec<Duration>
where
    F: Fn(usize) + Sync,
{
    let next = AtomicUsize::new(0);
    let mut times = vec![Duration::ZERO; n];
    let chunks: Vec<Vec<(usize, Duration)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..j.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= n {
                            return mine;
                        }
                        let t = Instant::now();
                        work(i);
                        mine.push((i, t.elapsed()));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("bench worker"))
            .collect()
    });
    for (i, d) in chunks.into_iter().flatten() {
        times[i] = d;
    }
    times
}

/// The p-th percentile (0..=100) of `values`, nearest rank; 0 when empty.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 95.0), 95.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn every_index_runs_once() {
        let hits = std::sync::Mutex::new(vec![0; 50]);
        let t = parallel_timed(50, 4, |i| hits.lock().unwrap()[i] += 1);
        assert_eq!(t.len(), 50);
        assert!(hits.lock().unwrap().iter().all(|&h| h == 1));
    }
}
