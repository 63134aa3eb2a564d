//! Leaderboard with standard competition ranking.
use std::collections::BTreeMap;

pub fn leaderboard(scores: &[(&str, u32)]) -> Vec<(u32, String, u32)> {
    let mut totals: BTreeMap<&str, u32> = BTreeMap::new();
    for &(player, score) in scores {
        *totals.entry(player).or_insert(0) += score;
    }
    let mut sorted: Vec<(&str, u32)> = totals.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = Vec::with_capacity(sorted.len());
    for (i, &(player, total)) in sorted.iter().enumerate() {
        let rank = match out.last() {
            Some(&(r, _, prev)) if prev == total => r,
            _ => i as u32 + 1,
        };
        out.push((rank, player.to_string(), total));
    }
    out
}
