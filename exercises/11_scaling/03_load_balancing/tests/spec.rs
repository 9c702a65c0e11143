//! The specification: round-robin takes backends in turn; smooth weighted round-robin gives
//! nginx's sequence (a a b a c a a for weights 5, 1, 1), an exact share over every window of
//! sum(weights) picks and no bursts; least connections picks the least busy backend, the first
//! on a tie. The tests count the picks per backend.

use load_balancing::{LeastConnections, RoundRobin, SmoothWeighted};

/// How many times each of `n` backends was picked.
fn counts(picks: &[usize], n: usize) -> Vec<usize> {
    let mut counts = vec![0; n];
    for &p in picks {
        counts[p] += 1;
    }
    counts
}

fn weighted_picks(weights: &[u32], n: usize) -> Vec<usize> {
    let mut swrr = SmoothWeighted::new(weights);
    (0..n)
        .map(|i| {
            swrr.pick()
                .unwrap_or_else(|| panic!("pick {i} with weights {weights:?} gave None"))
        })
        .collect()
}

fn letters(picks: &[usize]) -> String {
    picks.iter().map(|&p| (b'a' + p as u8) as char).collect()
}

// ---------------------------------------------------------------------------------------------
// Round-robin

#[test]
fn round_robin_takes_backends_in_turn() {
    let mut rr = RoundRobin::new(3);
    let picks: Vec<_> = (0..7).map(|_| rr.pick()).collect();
    assert_eq!(
        picks,
        [0, 1, 2, 0, 1, 2, 0].map(Some),
        "0, 1, 2, then back to 0"
    );
}

#[test]
fn round_robin_with_one_backend_always_picks_it() {
    let mut rr = RoundRobin::new(1);
    assert!((0..5).all(|_| rr.pick() == Some(0)));
}

#[test]
fn round_robin_with_no_backend_picks_none() {
    assert_eq!(
        RoundRobin::new(0).pick(),
        None,
        "no backend: None, not a panic (a division by zero in `% 0`)"
    );
}

#[test]
fn round_robin_spreads_evenly() {
    let mut rr = RoundRobin::new(4);
    let picks: Vec<_> = (0..4000).map(|_| rr.pick().unwrap()).collect();
    assert_eq!(counts(&picks, 4), [1000; 4]);
}

// ---------------------------------------------------------------------------------------------
// Smooth weighted round-robin

#[test]
fn weighted_follows_nginx_example_5_1_1() {
    // nginx commit "Upstream: smooth weighted round-robin balancing" (1.3.1): for weights
    // { 5, 1, 1 } the sequence is { a, a, b, a, c, a, a }.
    let picks = weighted_picks(&[5, 1, 1], 14);
    assert_eq!(
        letters(&picks),
        "aabacaaaabacaa",
        "nginx's sequence for weights 5, 1, 1, twice. Add each weight to its `current`, pick \
         the highest `current` (the first on a tie), take the total of the weights off it"
    );
}

#[test]
fn weighted_gives_the_exact_share_in_every_window() {
    for weights in [
        vec![5, 1, 1],
        vec![3, 2, 1],
        vec![1, 1, 1, 1, 4],
        vec![100, 1],
        vec![2, 3, 5, 7, 11],
        vec![4],
    ] {
        let total: u32 = weights.iter().sum();
        let picks = weighted_picks(&weights, total as usize * 5);
        for (w, window) in picks.chunks(total as usize).enumerate() {
            let got = counts(window, weights.len());
            let want: Vec<usize> = weights.iter().map(|&x| x as usize).collect();
            assert_eq!(
                got, want,
                "weights {weights:?}, window {w} of {total} picks: each backend exactly its \
                 weight (got {got:?})"
            );
        }
    }
}

#[test]
fn weighted_is_smooth_no_bursts() {
    // In every prefix of k picks, each backend's count stays within 1 of its fair share
    // k * weight / total: a heavy backend never gets its whole share in one burst.
    for weights in [vec![5, 1, 1], vec![1, 1, 1, 1, 4], vec![2, 3, 5, 7, 11]] {
        let total: u32 = weights.iter().sum();
        let picks = weighted_picks(&weights, total as usize * 3);
        let mut got = vec![0.0f64; weights.len()];
        for (k, &p) in picks.iter().enumerate() {
            got[p] += 1.0;
            for (i, &w) in weights.iter().enumerate() {
                let fair = (k + 1) as f64 * f64::from(w) / f64::from(total);
                assert!(
                    (got[i] - fair).abs() < 1.0,
                    "weights {weights:?}, after {} picks ({}): backend {i} has {} picks for a \
                     fair share of {fair:.2}. Picking a backend `weight` times in a row is exact \
                     per window but sends bursts",
                    k + 1,
                    letters(&picks[..=k]),
                    got[i]
                );
            }
        }
    }
}

#[test]
fn weighted_ties_go_to_the_first_backend() {
    assert_eq!(
        letters(&weighted_picks(&[1, 1, 1], 6)),
        "abcabc",
        "equal weights: every score ties on the first pick, and the first backend wins"
    );
}

#[test]
fn weighted_never_picks_a_backend_of_weight_zero() {
    let picks = weighted_picks(&[0, 2, 0, 1], 30);
    assert_eq!(
        counts(&picks, 4),
        [0, 20, 0, 10],
        "weight 0 is a drained backend: it gets nothing"
    );
}

#[test]
fn weighted_with_no_weight_picks_none() {
    assert_eq!(SmoothWeighted::new(&[]).pick(), None, "no backend");
    assert_eq!(
        SmoothWeighted::new(&[0, 0]).pick(),
        None,
        "every backend drained: None"
    );
}

#[test]
fn weighted_scores_sum_to_zero_after_each_pick() {
    let mut swrr = SmoothWeighted::new(&[5, 1, 1]);
    for i in 0..7 {
        swrr.pick();
        let sum: i64 = swrr.backends.iter().map(|b| b.current).sum();
        assert_eq!(
            sum, 0,
            "after pick {i}: the weights added (the total) and the total taken off balance"
        );
    }
    let currents: Vec<i64> = swrr.backends.iter().map(|b| b.current).collect();
    assert_eq!(
        currents,
        [0, 0, 0],
        "after a whole window every score is back to 0"
    );
}

// ---------------------------------------------------------------------------------------------
// Least connections

#[test]
fn least_connections_picks_the_least_busy() {
    let mut lc = LeastConnections::new(3);
    let picks: Vec<_> = (0..3).map(|_| lc.acquire()).collect();
    assert_eq!(
        picks,
        [0, 1, 2].map(Some),
        "each acquire makes its backend busier: 0, then 1, then 2"
    );
    lc.release(1);
    assert_eq!(
        lc.acquire(),
        Some(1),
        "backend 1 finished a request: it is the least busy"
    );
    assert_eq!(lc.active, [1, 1, 1]);
}

#[test]
fn least_connections_breaks_ties_in_order() {
    let mut lc = LeastConnections::new(3);
    lc.active = vec![2, 1, 1];
    assert_eq!(
        lc.acquire(),
        Some(1),
        "1 and 2 tie at one request: the first wins"
    );
    assert_eq!(lc.acquire(), Some(2));
    assert_eq!(lc.active, [2, 2, 2]);
    assert_eq!(lc.acquire(), Some(0), "all tie: backend 0");
}

#[test]
fn least_connections_sends_less_to_a_slow_backend() {
    // Backend 0 is slow: its requests never finish during the test. The others answer at
    // once (release right after acquire).
    let mut lc = LeastConnections::new(3);
    let mut sent = [0; 3];
    for _ in 0..300 {
        let b = lc.acquire().unwrap();
        sent[b] += 1;
        if b != 0 {
            lc.release(b);
        }
    }
    assert_eq!(
        sent,
        [1, 299, 0],
        "backend 0 holds its one request, so every later pick finds 1 idle (the first tie); \
         round-robin would have sent 100 to the slow one"
    );
}

#[test]
fn least_connections_counts_every_request_in_progress() {
    let mut lc = LeastConnections::new(2);
    for _ in 0..10 {
        lc.acquire();
    }
    assert_eq!(lc.active, [5, 5], "10 requests in progress spread 5 and 5");
    for _ in 0..5 {
        lc.release(0);
    }
    let picks: Vec<_> = (0..5).map(|_| lc.acquire().unwrap()).collect();
    assert_eq!(picks, [0; 5], "backend 0 went idle: it gets the next 5");
}

#[test]
fn least_connections_release_of_an_idle_backend_stays_at_zero() {
    let mut lc = LeastConnections::new(2);
    lc.release(0);
    assert_eq!(
        lc.active,
        [0, 0],
        "a stray release must not wrap around to u32::MAX"
    );
}

#[test]
fn least_connections_with_no_backend_picks_none() {
    assert_eq!(LeastConnections::new(0).acquire(), None);
}
