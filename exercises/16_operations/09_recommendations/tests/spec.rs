//! The specification of the recommender: cosine similarity with zero vectors refused; the top
//! k best first with ties to the smaller id; excluded and zero-vector items never recommended;
//! checked against a brute-force sort of a seeded random catalogue; and the heap's work
//! counted in comparisons, to tell it from sorting everything.

use std::collections::HashSet;

use recommendations::{Candidate, Recommender, comparisons, cosine};

fn catalogue(items: &[(u64, &[f32])]) -> Recommender {
    let mut r = Recommender::new();
    for (id, v) in items {
        r.add(*id, v.to_vec());
    }
    r
}

fn ids(candidates: &[Candidate]) -> Vec<u64> {
    candidates.iter().map(|c| c.id).collect()
}

fn none() -> HashSet<u64> {
    HashSet::new()
}

#[track_caller]
fn assert_close(got: Option<f64>, want: f64, why: &str) {
    let got = got.unwrap_or_else(|| panic!("cosine must be Some({want}) ({why}); got None"));
    assert!(
        (got - want).abs() < 1e-9,
        "cosine must be {want} ({why}); got {got}"
    );
}

/// A small seeded generator (64-bit LCG, Knuth's MMIX constants), so every run sees the same
/// catalogue.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// A vector of `dim` components from -2 to 2: small, so equal vectors (ties) are common.
    fn vector(&mut self, dim: usize) -> Vec<f32> {
        (0..dim).map(|_| (self.next() % 5) as f32 - 2.0).collect()
    }
}

fn random_catalogue(n: u64, dim: usize, seed: u64) -> (Recommender, Vec<(u64, Vec<f32>)>) {
    let mut rng = Lcg(seed);
    let mut r = Recommender::new();
    let mut items = Vec::new();
    for i in 0..n {
        // Ids out of order, so "smaller id first" is not the insertion order.
        let id = (i * 7919) % n;
        let v = rng.vector(dim);
        r.add(id, v.clone());
        items.push((id, v));
    }
    (r, items)
}

/// The answer by brute force: score everything, sort everything.
fn brute_force(
    items: &[(u64, Vec<f32>)],
    query: &[f32],
    k: usize,
    exclude: &HashSet<u64>,
) -> Vec<(u64, f64)> {
    let mut all: Vec<(u64, f64)> = items
        .iter()
        .filter(|(id, _)| !exclude.contains(id))
        .filter_map(|(id, v)| cosine(query, v).map(|s| (*id, s)))
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

// ---------------------------------------------------------------------------------------------
// Cosine similarity

#[test]
fn a_vector_is_fully_similar_to_itself() {
    assert_close(
        cosine(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]),
        1.0,
        "same vector",
    );
}

#[test]
fn cosine_of_known_vectors() {
    assert_close(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0, "at right angles");
    assert_close(cosine(&[1.0, 0.0], &[-1.0, 0.0]), -1.0, "opposite");
    assert_close(
        cosine(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]),
        32.0 / (14f64.sqrt() * 77f64.sqrt()),
        "(1,2,3)·(4,5,6) = 32, |a| = √14, |b| = √77",
    );
}

#[test]
fn cosine_ignores_length() {
    assert_close(
        cosine(&[1.0, 2.0], &[3.0, 6.0]),
        1.0,
        "(3,6) is (1,2) three times over: same direction",
    );
}

#[test]
fn a_zero_vector_has_no_cosine() {
    for (a, b) in [
        (&[0.0f32, 0.0][..], &[1.0f32, 2.0][..]),
        (&[1.0, 2.0], &[0.0, 0.0]),
        (&[0.0, 0.0], &[0.0, 0.0]),
    ] {
        let got = cosine(a, b);
        assert_eq!(
            got, None,
            "cosine({a:?}, {b:?}): a zero vector has no direction, and 0/0 is NaN, which \
             breaks every comparison after it; got {got:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Top k

#[test]
fn the_k_most_similar_come_best_first() {
    let r = catalogue(&[
        (1, &[1.0, 0.0]),
        (2, &[0.0, 1.0]),
        (3, &[1.0, 1.0]),
        (4, &[-1.0, 0.0]),
        (5, &[2.0, 0.1]),
    ]);
    let top = r.top_k(&[1.0, 0.0], 3, &none());
    assert_eq!(
        ids(&top),
        [1, 5, 3],
        "closest to (1, 0): item 1 (the same), 5 (almost), 3 (45°); got {top:?}"
    );
    assert!(
        (top[0].score - 1.0).abs() < 1e-9 && top[1].score > top[2].score,
        "the scores are the cosines, best first; got {top:?}"
    );
}

#[test]
fn equal_scores_rank_the_smaller_id_first() {
    let r = catalogue(&[
        (9, &[1.0, 1.0]),
        (3, &[1.0, 1.0]),
        (7, &[0.0, 1.0]),
        (5, &[2.0, 2.0]),
        (4, &[1.0, 1.0]),
    ]);
    let top = r.top_k(&[1.0, 1.0], 3, &none());
    assert_eq!(
        ids(&top),
        [3, 4, 5],
        "items 3, 4, 5 and 9 all score 1: the three smaller ids, in order, every time; \
         an order left to the heap's insides changes between runs; got {top:?}"
    );
}

#[test]
fn excluded_items_are_never_recommended() {
    let r = catalogue(&[(1, &[1.0, 0.0]), (2, &[1.0, 0.1]), (3, &[1.0, 0.2])]);
    let exclude: HashSet<u64> = [1, 2].into();
    let top = r.top_k(&[1.0, 0.0], 2, &exclude);
    assert_eq!(
        ids(&top),
        [3],
        "1 and 2 are excluded (already bought): only 3 is left; got {top:?}"
    );
}

#[test]
fn zero_vectors_are_never_recommended() {
    let r = catalogue(&[(1, &[0.0, 0.0]), (2, &[-1.0, 0.0]), (3, &[0.0, 0.0])]);
    let top = r.top_k(&[1.0, 0.0], 3, &none());
    assert_eq!(
        ids(&top),
        [2],
        "items 1 and 3 have zero vectors (nothing known about them): no score, never \
         recommended; item 2 is opposite but scored (-1); got {top:?}"
    );
}

#[test]
fn a_zero_query_recommends_nothing() {
    let r = catalogue(&[(1, &[1.0, 0.0]), (2, &[0.0, 1.0])]);
    let top = r.top_k(&[0.0, 0.0], 2, &none());
    assert!(
        top.is_empty(),
        "nothing is similar to a zero vector; got {top:?}"
    );
}

#[test]
fn k_zero_recommends_nothing() {
    let r = catalogue(&[(1, &[1.0, 0.0])]);
    let top = r.top_k(&[1.0, 0.0], 0, &none());
    assert!(top.is_empty(), "k = 0; got {top:?}");
}

#[test]
fn fewer_candidates_than_k_are_all_returned_in_order() {
    let r = catalogue(&[(1, &[0.0, 1.0]), (2, &[1.0, 0.0]), (3, &[1.0, 1.0])]);
    let top = r.top_k(&[1.0, 0.0], 10, &none());
    assert_eq!(
        ids(&top),
        [2, 3, 1],
        "k = 10 of 3 items: all three, best first; got {top:?}"
    );
}

#[test]
fn an_empty_catalogue_recommends_nothing() {
    let top = Recommender::new().top_k(&[1.0, 0.0], 5, &none());
    assert!(top.is_empty(), "got {top:?}");
}

// ---------------------------------------------------------------------------------------------
// More like this

#[test]
fn similar_to_leaves_out_the_item_itself() {
    let r = catalogue(&[(1, &[1.0, 0.0]), (2, &[1.0, 0.5]), (3, &[0.0, 1.0])]);
    let top = r.similar_to(1, 2, &none());
    assert_eq!(
        ids(&top),
        [2, 3],
        "the item is always most similar to itself, and recommending the page the user is \
         on is useless; got {top:?}"
    );
}

#[test]
fn similar_to_leaves_out_what_was_seen() {
    let r = catalogue(&[
        (1, &[1.0, 0.0]),
        (2, &[1.0, 0.5]),
        (3, &[1.0, 0.9]),
        (4, &[0.0, 1.0]),
    ]);
    let seen: HashSet<u64> = [2].into();
    let top = r.similar_to(1, 2, &seen);
    assert_eq!(ids(&top), [3, 4], "2 was seen already; got {top:?}");
}

#[test]
fn similar_to_an_unknown_item_is_empty() {
    let r = catalogue(&[(1, &[1.0, 0.0])]);
    assert!(
        r.similar_to(99, 3, &none()).is_empty(),
        "there is no item 99"
    );
}

// ---------------------------------------------------------------------------------------------
// Against brute force, and the cost

#[test]
fn top_k_matches_a_brute_force_sort() {
    let (r, items) = random_catalogue(2000, 4, 42);
    let mut rng = Lcg(7);
    for k in [1, 2, 10, 100, 1999, 2000, 5000] {
        for round in 0..3 {
            let query = rng.vector(4);
            let exclude: HashSet<u64> = (0..200).map(|_| rng.next() % 2000).collect();
            let got: Vec<(u64, f64)> = r
                .top_k(&query, k, &exclude)
                .iter()
                .map(|c| (c.id, c.score))
                .collect();
            let want = brute_force(&items, &query, k, &exclude);
            assert_eq!(
                got.len(),
                want.len(),
                "k = {k}, round {round}, query {query:?}: how many"
            );
            if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
                panic!(
                    "k = {k}, round {round}, query {query:?}: position {i} is {:?}, but \
                     scoring and sorting every item gives {:?} (with equal scores, the \
                     smaller id first)",
                    got[i], want[i]
                );
            }
        }
    }
}

#[test]
fn the_heap_does_far_fewer_comparisons_than_a_sort() {
    let n = 5000;
    let (r, _) = random_catalogue(n, 8, 1234);
    let query = Lcg(99).vector(8);
    let before = comparisons();
    let top = r.top_k(&query, 10, &none());
    let used = comparisons() - before;
    assert_eq!(top.len(), 10);
    assert!(
        used >= n - 10,
        "only {used} comparisons of Candidate for {n} items: each item past the first k must \
         be compared with the heap's worst, through Candidate's order"
    );
    assert!(
        used < 3 * n,
        "{used} comparisons for the top 10 of {n}: sorting every item takes about n log2 n \
         (~60,000); a heap of 10 takes little more than one per item"
    );
}
