//! The unbiased pass@k estimator (Chen et al., 2021, "Evaluating Large Language Models Trained
//! on Code"): with `n` samples of which `c` passed, the chance that at least one of `k` samples
//! drawn without replacement passes. Also which k a report asks for (`--k`).
use std::str::FromStr;

/// The k values `crucible report --k 1,10,100` asks for: ascending, distinct, each at least 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KList(Vec<u32>);

impl KList {
    pub fn new(ks: impl IntoIterator<Item = u32>) -> Result<KList, KListError> {
        let mut ks: Vec<u32> = ks.into_iter().collect();
        if ks.is_empty() {
            return Err(KListError::Empty);
        }
        if ks.contains(&0) {
            return Err(KListError::Zero);
        }
        ks.sort_unstable();
        ks.dedup();
        Ok(KList(ks))
    }

    pub fn values(&self) -> &[u32] {
        &self.0
    }
}

impl FromStr for KList {
    type Err = KListError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ks = s
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<u32>()
                    .map_err(|_| KListError::NotANumber(part.to_string()))
            })
            .collect::<Result<Vec<u32>, _>>()?;
        KList::new(ks)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KListError {
    #[error("no k given for pass@k: list them comma-separated, e.g. `--k 1,10,100`")]
    Empty,
    #[error("pass@0 means nothing: every k must be at least 1 (e.g. `--k 1,10,100`)")]
    Zero,
    #[error("`{0}` is not a k for pass@k: use whole numbers from 1 up, e.g. `--k 1,10,100`")]
    NotANumber(String),
}

/// The k values reported when none are asked for: 1, 10, 100, … up to the largest number of
/// samples any task has (just 1 when no task has more, none when nothing ran).
pub fn default_ks(max_samples: u32) -> Vec<u32> {
    std::iter::successors(Some(1u32), |k| k.checked_mul(10))
        .take_while(|&k| k <= max_samples)
        .collect()
}

/// `1 - C(n-c, k) / C(n, k)`, computed as `1 - Π_{i=n-c+1}^{n} (1 - k/i)`.
///
/// The product form never builds the binomials, which overflow (or lose all precision as f64)
/// already around n = 60. Returns `None` when k is 0 or larger than n: the estimate is undefined
/// there. `c` above `n` is treated as `n`.
pub fn pass_at_k(n: u32, c: u32, k: u32) -> Option<f64> {
    if k == 0 || k > n {
        return None;
    }
    let c = c.min(n);
    if n - c < k {
        // Every draw of k samples contains a passing one.
        return Some(1.0);
    }
    let k = f64::from(k);
    let all_fail: f64 = (n - c + 1..=n).map(|i| 1.0 - k / f64::from(i)).product();
    Some(1.0 - all_fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_lists_parse_sorted_and_distinct() {
        let ks: KList = "100, 1,10,10,".parse().unwrap();
        assert_eq!(ks.values(), [1, 10, 100]);
        assert_eq!("5".parse::<KList>().unwrap().values(), [5]);
        assert_eq!("".parse::<KList>(), Err(KListError::Empty));
        assert_eq!("1,0".parse::<KList>(), Err(KListError::Zero));
        let err = "1,ten".parse::<KList>().unwrap_err();
        assert_eq!(err, KListError::NotANumber("ten".into()));
        assert!(err.to_string().contains("--k 1,10,100"), "{err}");
        assert!(matches!(
            "-1".parse::<KList>(),
            Err(KListError::NotANumber(_))
        ));
    }

    #[test]
    fn default_ks_are_powers_of_ten_up_to_the_sample_count() {
        assert_eq!(default_ks(0), Vec::<u32>::new());
        assert_eq!(default_ks(1), [1]);
        assert_eq!(default_ks(9), [1]);
        assert_eq!(default_ks(10), [1, 10]);
        assert_eq!(default_ks(100), [1, 10, 100]);
        assert_eq!(default_ks(999), [1, 10, 100]);
        assert_eq!(default_ks(u32::MAX).len(), 10);
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn hand_computed_values() {
        // 1 - (7/8)(8/9)(9/10) = 1 - 7/10
        assert!(close(pass_at_k(10, 3, 1), 0.3));
        assert!(close(pass_at_k(5, 0, 1), 0.0));
        assert!(close(pass_at_k(5, 0, 5), 0.0));
        assert!(close(pass_at_k(5, 5, 1), 1.0));
        assert!(close(pass_at_k(10, 10, 10), 1.0));
        // n - c < k: any 5 of these 10 include one of the 6 passing samples.
        assert!(close(pass_at_k(10, 6, 5), 1.0));
        // C(7,5)/C(10,5) = 21/252 → 1 - 1/12
        assert!(close(pass_at_k(10, 3, 5), 1.0 - 21.0 / 252.0));
        // With k = 1 the estimate is the plain pass rate.
        assert!(close(pass_at_k(3, 2, 1), 2.0 / 3.0));
    }

    #[test]
    fn undefined_and_out_of_range_inputs() {
        assert_eq!(pass_at_k(5, 1, 0), None);
        assert_eq!(pass_at_k(3, 1, 5), None);
        assert_eq!(pass_at_k(0, 0, 1), None);
        assert!(close(pass_at_k(4, 9, 2), 1.0));
    }

    #[test]
    fn large_n_stays_finite_and_monotone_in_k() {
        let p1 = pass_at_k(1000, 17, 1).unwrap();
        let p10 = pass_at_k(1000, 17, 10).unwrap();
        let p100 = pass_at_k(1000, 17, 100).unwrap();
        assert!((p1 - 0.017).abs() < 1e-12);
        assert!(p1 < p10 && p10 < p100 && p100 < 1.0, "{p1} {p10} {p100}");
    }
}
