//! The specification: a key belongs to the first point at or clockwise after its hash,
//! wrapping past the top; a node has `vnodes * weight` points; a joining node takes about
//! 1 / (n + 1) of the keys and only for itself, a leaving one gives away only its own; virtual
//! nodes even out the load. Keys and hashes are fixed, so every count is the same on every run.

use consistent_hash_ring::{Ring, hash64};
use std::collections::HashMap;

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn ring(vnodes: u32, nodes: usize) -> Ring {
    let mut ring = Ring::new(vnodes);
    for node in names("node-", nodes) {
        ring.add(&node, 1);
    }
    ring
}

/// The owner of each key.
fn owners(ring: &Ring, keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| ring.node_for(k).expect("a node").to_string())
        .collect()
}

/// How many keys each node owns.
fn load(ring: &Ring, keys: &[String]) -> HashMap<String, usize> {
    let mut load = HashMap::new();
    for owner in owners(ring, keys) {
        *load.entry(owner).or_insert(0) += 1;
    }
    load
}

/// The busiest node's keys over the mean.
fn max_over_mean(ring: &Ring, keys: &[String], nodes: usize) -> f64 {
    let load = load(ring, keys);
    let max = *load.values().max().unwrap() as f64;
    max / (keys.len() as f64 / nodes as f64)
}

/// The first point at or after `hash`, the slow way.
fn first_point_clockwise(ring: &Ring, hash: u64) -> usize {
    ring.points
        .iter()
        .position(|(p, _)| *p >= hash)
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The ring

#[test]
fn an_empty_ring_has_no_node_for_a_key() {
    let ring = Ring::new(10);
    assert_eq!(ring.node_for("user:1"), None);
    assert!(ring.replicas("user:1", 3).is_empty());
}

#[test]
fn a_single_node_owns_every_key() {
    let ring = ring(10, 1);
    for key in names("user:", 100) {
        assert_eq!(ring.node_for(&key), Some("node-0"));
    }
}

#[test]
fn a_node_gets_vnodes_times_weight_points_kept_sorted() {
    let mut ring = Ring::new(50);
    ring.add("a", 1);
    ring.add("b", 3);
    assert_eq!(ring.points.len(), 200, "50 points for a, 150 for b");
    let of_b = ring.points.iter().filter(|(_, n)| n == "b").count();
    assert_eq!(of_b, 150, "weight 3: 3 x 50 points");
    assert!(
        ring.points.windows(2).all(|w| w[0] <= w[1]),
        "the points must stay sorted by hash after every add: binary search depends on it"
    );
    assert!(
        ring.points.contains(&(hash64("b#149"), "b".to_string())),
        "b's points are the hashes of \"b#0\" to \"b#149\""
    );
}

#[test]
fn a_key_belongs_to_the_first_point_clockwise() {
    let ring = ring(5, 4);
    for key in names("user:", 2000) {
        let want = &ring.points[first_point_clockwise(&ring, hash64(&key))].1;
        assert_eq!(
            ring.node_for(&key),
            Some(want.as_str()),
            "{key} (hash {:#018x}): the first point at or after it",
            hash64(&key)
        );
    }
}

#[test]
fn a_key_hashing_exactly_onto_a_point_belongs_to_that_point() {
    let ring = ring(4, 3);
    for node in names("node-", 3) {
        for i in 0..4 {
            // The key "node-1#2" has exactly the hash of node-1's point 2.
            let key = format!("{node}#{i}");
            assert_eq!(
                ring.node_for(&key),
                Some(node.as_str()),
                "{key} sits exactly on a point of {node}: at or after, so that point (>=, not >)"
            );
        }
    }
}

#[test]
fn keys_past_the_last_point_wrap_around_to_the_first() {
    let ring = ring(1, 3);
    let last = ring.points.last().unwrap().0;
    let past: Vec<String> = names("user:", 2000)
        .into_iter()
        .filter(|k| hash64(k) > last)
        .collect();
    assert!(past.len() > 50, "the fixed keys include some past the top");
    for key in &past {
        assert_eq!(
            ring.node_for(key),
            Some(ring.points[0].1.as_str()),
            "{key} hashes past the last point: the ring wraps around to the first point"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Nodes joining and leaving

#[test]
fn a_joining_node_takes_about_1_over_n_plus_1_of_the_keys_and_only_for_itself() {
    let keys = names("user:", 10_000);
    let mut ring = ring(100, 10);
    let before = owners(&ring, &keys);
    ring.add("node-10", 1);
    let after = owners(&ring, &keys);
    let mut moved = 0;
    for ((key, b), a) in keys.iter().zip(&before).zip(&after) {
        if a != b {
            moved += 1;
            assert_eq!(
                a, "node-10",
                "{key} moved from {b} to {a}: keys may only move to the node that joined"
            );
        }
    }
    // 10 000 / 11 = 909; these fixed keys move 839.
    assert!(
        (600..=1200).contains(&moved),
        "an 11th node should take about 1/11 of 10 000 keys (909), {moved} moved; hash % n \
         would move about 9 000"
    );
}

#[test]
fn a_leaving_node_gives_away_only_its_own_keys() {
    let keys = names("user:", 10_000);
    let mut ring = ring(100, 10);
    let before = owners(&ring, &keys);
    ring.remove("node-3");
    assert!(
        ring.points.iter().all(|(_, n)| n != "node-3"),
        "all its points go"
    );
    assert_eq!(ring.points.len(), 900);
    let after = owners(&ring, &keys);
    let mut heirs = HashMap::new();
    for ((key, b), a) in keys.iter().zip(&before).zip(&after) {
        if b == "node-3" {
            *heirs.entry(a.clone()).or_insert(0) += 1;
        } else {
            assert_eq!(
                a, b,
                "{key} was on {b}, which did not leave: it must not move"
            );
        }
    }
    assert!(
        heirs.len() >= 5,
        "with virtual nodes a leaving node's keys spread over many nodes, not all onto its \
         one neighbour: {heirs:?}"
    );
}

#[test]
fn removing_a_node_that_is_not_there_changes_nothing() {
    let mut ring = ring(10, 3);
    let points = ring.points.clone();
    ring.remove("node-9");
    assert_eq!(ring.points, points);
}

// ---------------------------------------------------------------------------------------------
// Load spread

#[test]
fn virtual_nodes_even_out_the_load() {
    let keys = names("user:", 10_000);
    let single = max_over_mean(&ring(1, 10), &keys, 10);
    let many = max_over_mean(&ring(200, 10), &keys, 10);
    // Measured with these fixed keys: 3.07 with one point per node, 1.12 with 200.
    assert!(
        single > 2.0,
        "one point per node: arcs are uneven, the busiest node has {single:.2} x the mean"
    );
    assert!(
        many < 1.2,
        "200 virtual nodes each: the busiest node should stay under 1.2 x the mean, got \
         {many:.2}. Does every virtual node get its own point (\"name#i\")?"
    );
}

#[test]
fn a_node_of_weight_2_gets_about_twice_the_keys() {
    let keys = names("user:", 10_000);
    let mut ring = ring(100, 3);
    ring.add("big", 2);
    let load = load(&ring, &keys);
    let small = (load["node-0"] + load["node-1"] + load["node-2"]) as f64 / 3.0;
    let ratio = load["big"] as f64 / small;
    assert!(
        (1.6..=2.4).contains(&ratio),
        "weight 2 should own about twice a weight-1 node's keys, got {ratio:.2} x ({load:?})"
    );
}

// ---------------------------------------------------------------------------------------------
// Replicas

#[test]
fn replicas_are_the_next_distinct_nodes_clockwise() {
    let ring = ring(20, 5);
    for key in names("user:", 500) {
        let start = first_point_clockwise(&ring, hash64(&key));
        let mut want: Vec<&str> = Vec::new();
        for i in 0..ring.points.len() {
            let node = ring.points[(start + i) % ring.points.len()].1.as_str();
            if !want.contains(&node) && want.len() < 3 {
                want.push(node);
            }
        }
        let got = ring.replicas(&key, 3);
        assert_eq!(
            got, want,
            "{key}: the first 3 distinct nodes clockwise (two points of one node are one copy)"
        );
        assert_eq!(
            Some(got[0]),
            ring.node_for(&key),
            "the first replica is the owner"
        );
    }
}

#[test]
fn replicas_beyond_the_node_count_are_every_node_once() {
    let ring = ring(20, 3);
    let mut got = ring.replicas("user:1", 10);
    got.sort();
    assert_eq!(
        got,
        ["node-0", "node-1", "node-2"],
        "only 3 nodes: 3 replicas, each node once"
    );
}
