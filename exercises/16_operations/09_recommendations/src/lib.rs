//! # Recommendations: top-k by cosine similarity, with a bounded heap
//!
//! "More like this", "customers also viewed", semantic search over embeddings: each item is a
//! vector (of ratings, of tags, of a model's embedding), and "similar" is the angle between two
//! vectors. **Cosine similarity** is the cosine of that angle:
//!
//! ```text
//! cosine(a, b) = (a · b) / (|a| |b|)     1: same direction, 0: unrelated, -1: opposite
//! ```
//!
//! It ignores length, so an item with twice the ratings of another in the same proportions is
//! as similar as can be. A **zero vector** (an item nobody rated yet) has no direction: the
//! formula divides by zero and gives NaN, and NaN compares as neither more nor less than
//! anything, so one NaN scrambles a sort. [`cosine`] returns `None` for it, and such items are
//! never recommended. Accumulate in `f64`: summing thousands of `f32` products loses digits.
//!
//! The answer is the `k` best of `n` items, and `k` is small (10) while `n` is large (a
//! catalogue). Sorting all `n` is O(n log n) time and O(n) memory. A **bounded heap** does
//! better: keep the best `k` seen so far in a [`BinaryHeap`](std::collections::BinaryHeap)
//! ordered so that its top is the *worst* of them (`Reverse`); for each item, if the heap has
//! fewer than `k`, push; else, if the item beats the top, pop the top and push the item. Most
//! items lose to the top with one comparison: O(n log k) time, O(k) memory. At the end, sort
//! the `k` best, best first.
//!
//! **Ties** are common (two items with the same tags score the same), and an order that
//! depends on the heap's internals makes results flicker between requests and tests fail
//! at random. [`Candidate`] (given) is the ranking: a higher score is better, and between
//! equal scores the smaller id. Compare candidates only through it; the tests count its
//! comparisons to check that you did not sort everything.
//!
//! What is recommended: never an excluded item (the item the user is looking at, what they
//! have already seen or bought), never an item with a zero vector; `k = 0` or a zero query
//! gives nothing; fewer than `k` candidates gives them all.
//!
//! Sources: Manning, Raghavan, Schütze, *Introduction to Information Retrieval*, §6.3 (the
//! vector space model, cosine) and §7.1 (selecting the top K with a heap),
//! <https://nlp.stanford.edu/IR-book/>; `std::collections::BinaryHeap`.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::HashSet;

/// The cosine similarity of `a` and `b` (of the same length), or `None` if either is a zero
/// vector.
pub fn cosine(a: &[f32], b: &[f32]) -> Option<f64> {
    // TODO: dot product and the two norms, in f64.
    let _ = (a, b);
    todo!("cosine")
}

impl Recommender {
    /// The `k` items most similar to `query`, best first (ties: smaller id first), leaving
    /// out the ids in `exclude` and items with a zero vector.
    pub fn top_k(&self, query: &[f32], k: usize, exclude: &HashSet<u64>) -> Vec<Candidate> {
        // TODO: a BinaryHeap<Reverse<Candidate>> of at most k; then sorted, best first.
        let _ = (query, k, exclude, &self.items);
        todo!("top_k")
    }

    /// "More like this": the `k` items most similar to item `id`, never `id` itself nor the
    /// ids in `seen`. Empty if there is no item `id`.
    pub fn similar_to(&self, id: u64, k: usize, seen: &HashSet<u64>) -> Vec<Candidate> {
        // TODO
        let _ = (id, k, seen);
        todo!("similar_to")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the catalogue and the ranking.
// ---------------------------------------------------------------------------------------------

/// The catalogue: items and their vectors, all of one length.
#[derive(Debug, Default)]
pub struct Recommender {
    items: Vec<(u64, Vec<f32>)>,
}

impl Recommender {
    /// An empty catalogue.
    pub fn new() -> Recommender {
        Recommender::default()
    }

    /// Adds item `id` with its vector. Panics if the vector's length differs from the first
    /// item's: vectors of different spaces cannot be compared.
    pub fn add(&mut self, id: u64, vector: Vec<f32>) {
        if let Some((_, first)) = self.items.first() {
            assert_eq!(first.len(), vector.len(), "item {id}: wrong dimension");
        }
        self.items.push((id, vector));
    }

    /// The vector of item `id`.
    pub fn vector(&self, id: u64) -> Option<&[f32]> {
        self.items
            .iter()
            .find(|(item, _)| *item == id)
            .map(|(_, v)| v.as_slice())
    }
}

/// An item and its score, ordered by rank: `a > b` when `a` is the better recommendation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub id: u64,
    pub score: f64,
}

thread_local! {
    static COMPARISONS: Cell<u64> = const { Cell::new(0) };
}

/// How many times candidates have been compared on this thread (the tests read it).
pub fn comparisons() -> u64 {
    COMPARISONS.get()
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        COMPARISONS.set(COMPARISONS.get() + 1);
        // total_cmp: a total order on f64, so the heap's invariants hold. Then the smaller id
        // ranks higher, so equal scores always come out in the same order.
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Eq for Candidate {}
