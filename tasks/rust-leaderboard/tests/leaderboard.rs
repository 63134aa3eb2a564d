use task::leaderboard;

fn row(rank: u32, name: &str, score: u32) -> (u32, String, u32) {
    (rank, name.to_string(), score)
}

#[test]
fn sorted_by_score() {
    assert_eq!(
        leaderboard(&[("ann", 10), ("bob", 30), ("cid", 20)]),
        vec![row(1, "bob", 30), row(2, "cid", 20), row(3, "ann", 10)]
    );
}

#[test]
fn ties_share_rank_and_skip() {
    assert_eq!(
        leaderboard(&[("d", 5), ("c", 7), ("b", 7), ("a", 9)]),
        vec![row(1, "a", 9), row(2, "b", 7), row(2, "c", 7), row(4, "d", 5)]
    );
}

#[test]
fn repeated_players_are_summed() {
    assert_eq!(
        leaderboard(&[("zed", 4), ("amy", 3), ("zed", 4), ("amy", 5)]),
        vec![row(1, "amy", 8), row(1, "zed", 8)]
    );
}

#[test]
fn everyone_tied() {
    assert_eq!(
        leaderboard(&[("b", 0), ("a", 0), ("c", 0)]),
        vec![row(1, "a", 0), row(1, "b", 0), row(1, "c", 0)]
    );
}

#[test]
fn empty_input() {
    assert!(leaderboard(&[]).is_empty());
}

#[test]
fn tie_after_a_tie() {
    let got = leaderboard(&[("p", 1), ("q", 1), ("r", 2), ("s", 2), ("t", 3)]);
    let ranks: Vec<u32> = got.iter().map(|r| r.0).collect();
    assert_eq!(ranks, vec![1, 2, 2, 4, 4]);
}
