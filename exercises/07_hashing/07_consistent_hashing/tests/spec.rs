//! The specification: `jump_hash` is Lamping and Veach's function (the reference values
//! published with dgryski/go-jump, generated from the paper's C++ code), keys are placed by
//! SHA-256, and growing a cluster from n to n + 1 shards moves about 1 / (n + 1) of the keys,
//! all of them to the new shard. The keys are fixed, so every figure below is the same on
//! every run.

use consistent_hashing::{Move, jump_hash, key_of, plan_moves, shard_of};
use sha2::{Digest, Sha256};

/// `n` fixed key names.
fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user:{i}")).collect()
}

/// The 64-bit keys of 20 000 names, computed once per test (SHA-256 is slow in a debug build).
fn keys() -> Vec<u64> {
    names(20_000).iter().map(|n| key_of(n)).collect()
}

// ---------------------------------------------------------------------------------------------
// jump_hash

#[test]
fn one_bucket_takes_every_key() {
    for key in [0, 1, 42, u64::MAX] {
        assert_eq!(
            jump_hash(key, 1),
            Some(0),
            "jump_hash({key}, 1): there is only bucket 0"
        );
    }
}

#[test]
fn zero_buckets_is_none() {
    assert_eq!(jump_hash(42, 0), None, "no bucket can hold a key");
}

#[test]
fn jump_hash_matches_the_reference_values() {
    // dgryski/go-jump, jump_test.go: keys 0, 1, 0xdeadbeef, 0x0ddc0ffeebadf00d with 1 to 19 or
    // 20 buckets, "generated from the reference C++ code" of Lamping and Veach.
    let Some(text) = testkit::vectors::read_to_string("consistent-hash/jump_hash_vectors.json")
    else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).expect("the vectors are JSON");
    let mut run = 0;
    for case in all["cases"].as_array().unwrap() {
        let key = case["key"].as_u64().unwrap();
        for (i, want) in case["buckets_for_num_buckets_1_to_N"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let buckets = i as u32 + 1;
            let want = want.as_u64().unwrap() as u32;
            assert_eq!(
                jump_hash(key, buckets),
                Some(want),
                "jump_hash({key:#018x}, {buckets}) per the reference implementation"
            );
            run += 1;
        }
    }
    assert!(
        run >= 77,
        "expected at least 77 reference values, ran {run}"
    );
}

#[test]
fn jump_hash_is_exact_with_billions_of_buckets() {
    // Facts computed with a Python transcription of the paper's C code (IEEE doubles, as in
    // C), which gives all 77 reference values above. With billions of buckets the jump
    // lengths are large enough that any change to the formula shows.
    for (key, buckets, want) in [
        (1, 2_147_483_648, 262_355_607),
        (1, u32::MAX, 3_094_789_146),
        (0xdead_beef, u32::MAX, 1_452_406_526),
        (0x0ddc_0ffe_ebad_f00d, 2_147_483_648, 848_029_737),
        (u64::MAX, 1_000_000, 589_430),
        (u64::MAX, u32::MAX, 2_680_453_518),
        (0, u32::MAX, 2_147_483_648),
    ] {
        assert_eq!(
            jump_hash(key, buckets),
            Some(want),
            "jump_hash({key:#018x}, {buckets}): the generator's multiplication wraps as C's \
             unsigned arithmetic does, and j is computed in f64, then truncated"
        );
    }
}

#[test]
fn the_bucket_is_always_in_range() {
    let keys = keys();
    for n in 1..=50u32 {
        for &key in &keys {
            let b = jump_hash(key, n).unwrap();
            assert!(b < n, "jump_hash({key:#018x}, {n}) = {b}, not below {n}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Keys and shards

#[test]
fn a_key_is_the_first_8_bytes_of_sha256_big_endian() {
    for name in ["user:1", "", "clé"] {
        let digest = Sha256::digest(name.as_bytes());
        let want = u64::from_be_bytes(digest[..8].try_into().unwrap());
        assert_eq!(
            key_of(name),
            want,
            "key_of({name:?}): SHA-256's first 8 bytes, big-endian"
        );
    }
}

#[test]
fn shard_of_is_jump_hash_of_the_key() {
    for name in ["user:1", "user:2", "order:77"] {
        for n in [1, 3, 10] {
            assert_eq!(
                Some(shard_of(name, n)),
                jump_hash(key_of(name), n),
                "{name:?}, {n}"
            );
        }
    }
}

#[test]
fn keys_spread_evenly_over_the_shards() {
    let n = 10;
    let keys = keys();
    let mut counts = vec![0usize; n as usize];
    for &key in &keys {
        counts[jump_hash(key, n).unwrap() as usize] += 1;
    }
    let fair = keys.len() / n as usize;
    for (shard, &count) in counts.iter().enumerate() {
        assert!(
            count.abs_diff(fair) <= fair / 10,
            "shard {shard} holds {count} of {} keys; a fair share is {fair} (±10%): {counts:?}",
            keys.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Growing and shrinking

#[test]
fn growing_moves_a_fair_share_only_to_the_new_shard() {
    let keys = keys();
    for n in 1..=20u32 {
        let mut moved = 0;
        for &key in &keys {
            let (before, after) = (jump_hash(key, n).unwrap(), jump_hash(key, n + 1).unwrap());
            if before != after {
                assert_eq!(
                    after,
                    n,
                    "growing from {n} to {} shards, key {key:#018x} moved from {before} to \
                     {after}: keys may only move to the new shard {n}",
                    n + 1
                );
                moved += 1;
            }
        }
        let share = f64::from(moved) / keys.len() as f64;
        let fair = 1.0 / f64::from(n + 1);
        assert!(
            (share - fair).abs() < 0.02,
            "growing from {n} to {} shards moved {:.1}% of the keys; about {:.1}% should move \
             (hash % n would move {:.0}%)",
            n + 1,
            share * 100.0,
            fair * 100.0,
            f64::from(n) / f64::from(n + 1) * 100.0
        );
    }
}

#[test]
fn plan_moves_lists_the_keys_that_go_to_the_new_shard() {
    let names = names(2_000);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let moves = plan_moves(&refs, 3, 4);
    let share = moves.len() as f64 / refs.len() as f64;
    assert!(
        (share - 0.25).abs() < 0.04,
        "from 3 to 4 shards about a quarter of the keys move; plan_moves listed {:.1}%",
        share * 100.0
    );
    assert!(
        moves.iter().all(|m| m.to == 3),
        "every move goes to the new shard 3: {moves:?}"
    );
}

#[test]
fn a_move_names_the_key_and_both_shards() {
    let names = names(2_000);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let moves = plan_moves(&refs, 4, 5);
    assert!(!moves.is_empty(), "some keys move to the fifth shard");
    for m in &moves {
        assert_eq!(
            *m,
            Move {
                name: m.name,
                from: shard_of(m.name, 4),
                to: shard_of(m.name, 5)
            },
            "a move carries the shard before and after"
        );
    }
    let unmoved = refs
        .iter()
        .filter(|n| shard_of(n, 4) == shard_of(n, 5))
        .count();
    assert_eq!(
        moves.len() + unmoved,
        refs.len(),
        "every key that changes shard is planned"
    );
    let first = refs
        .iter()
        .find(|n| shard_of(n, 4) != shard_of(n, 5))
        .unwrap();
    assert_eq!(
        moves[0].name, *first,
        "moves come in the order the keys were given"
    );
}

#[test]
fn shrinking_moves_only_the_keys_of_the_removed_shard() {
    let names = names(2_000);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let moves = plan_moves(&refs, 8, 7);
    let on_last = refs.iter().filter(|n| shard_of(n, 8) == 7).count();
    assert_eq!(
        moves.len(),
        on_last,
        "exactly the keys of shard 7 move when it is removed"
    );
    assert!(
        moves.iter().all(|m| m.from == 7 && m.to < 7),
        "from shard 7 to the others"
    );
}

#[test]
fn the_same_size_moves_nothing() {
    let refs = ["a", "b", "c"];
    assert_eq!(plan_moves(&refs, 5, 5), vec![], "no resize, no moves");
    assert_eq!(plan_moves(&[], 5, 6), vec![], "no keys, no moves");
}
