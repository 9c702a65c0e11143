//! The specification: RFC 6962's Merkle Tree Hash and inclusion proofs, checked against the
//! reference data of Google's RFC 6962 implementation (transparency-dev/merkle,
//! `testonly/constants.go`: eight leaf inputs, the root of every prefix, and the hash of every
//! complete subtree, from which the expected proofs below are read), then by generating and
//! verifying every proof of trees up to 40 leaves, and against forged proofs.

use merkle_tree::{Hash, inclusion_proof, leaf_hash, node_hash, root, verify_inclusion};
use sha2::{Digest, Sha256};

fn h(hex: &str) -> Hash {
    hex::decode(hex).unwrap().try_into().unwrap()
}

fn hx(hash: &Hash) -> String {
    hex::encode(hash)
}

/// transparency-dev/merkle testonly/constants.go, LeafInputs().
const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// RootHashes(): the root of the first n leaf inputs, n = 0..=8.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn reference_leaves() -> Vec<Hash> {
    LEAF_INPUTS
        .iter()
        .map(|d| leaf_hash(&hex::decode(d).unwrap()))
        .collect()
}

/// `n` leaves made of their index, for trees of any size.
fn leaves(n: usize) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Hashing

#[test]
fn a_leaf_hash_is_sha256_of_0x00_then_the_data() {
    // NodeHashes()[0][0]: the leaf hash of the empty input.
    assert_eq!(
        hx(&leaf_hash(b"")),
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "leaf_hash(\"\") is SHA-256(0x00)"
    );
    let want: Hash = Sha256::digest(b"\x00hello").into();
    assert_eq!(
        hx(&leaf_hash(b"hello")),
        hx(&want),
        "SHA-256(0x00 || \"hello\")"
    );
}

#[test]
fn a_node_hash_is_sha256_of_0x01_then_both_children() {
    let (l, r) = ([0xaa; 32], [0xbb; 32]);
    let want: Hash = Sha256::digest([&[0x01][..], &l, &r].concat()).into();
    assert_eq!(
        hx(&node_hash(&l, &r)),
        hx(&want),
        "SHA-256(0x01 || left || right)"
    );
    assert_ne!(
        node_hash(&l, &r),
        node_hash(&r, &l),
        "the order of the children matters"
    );
}

// ---------------------------------------------------------------------------------------------
// Roots

#[test]
fn the_root_of_an_empty_tree_is_sha256_of_nothing() {
    assert_eq!(
        hx(&root(&[])),
        ROOTS[0],
        "RFC 6962 §2.1: MTH({{}}) = SHA-256()"
    );
}

#[test]
fn the_root_of_one_leaf_is_its_leaf_hash() {
    let leaves = reference_leaves();
    assert_eq!(
        hx(&root(&leaves[..1])),
        ROOTS[1],
        "MTH({{d0}}) = SHA-256(0x00 || d0)"
    );
}

#[test]
fn roots_match_the_rfc_6962_reference_for_every_size() {
    let leaves = reference_leaves();
    for n in 2..=8 {
        assert_eq!(
            hx(&root(&leaves[..n])),
            ROOTS[n],
            "the root of the first {n} reference leaves: sizes that are not a power of two \
             split at the largest power of two below n"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Inclusion proofs

#[track_caller]
fn check_proof(index: usize, size: usize, want: &[&str]) {
    let leaves = reference_leaves();
    let proof = inclusion_proof(index, &leaves[..size])
        .unwrap_or_else(|| panic!("leaf {index} of a tree of {size} has a proof"));
    let got: Vec<String> = proof.iter().map(hx).collect();
    assert_eq!(got, want, "PATH({index}, D[{size}]), deepest sibling first");
}

#[test]
fn the_proof_for_a_single_leaf_is_empty() {
    check_proof(0, 1, &[]);
}

#[test]
fn proofs_in_a_full_tree_match_the_reference() {
    // From NodeHashes(): leaf 0's siblings are leaf 1, node (2,3), node (4..8).
    check_proof(
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    );
    check_proof(
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    );
}

#[test]
fn proofs_in_unbalanced_trees_match_the_reference() {
    // Leaf 2 of 3 has no sibling at the bottom level: its proof is the root of leaves 0..2.
    check_proof(
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    );
    check_proof(
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    );
}

#[test]
fn there_is_no_proof_for_a_leaf_outside_the_tree() {
    assert_eq!(inclusion_proof(0, &[]), None, "an empty tree has no leaves");
    assert_eq!(
        inclusion_proof(3, &leaves(3)),
        None,
        "a tree of 3 has leaves 0, 1, 2"
    );
}

// ---------------------------------------------------------------------------------------------
// Verifying

#[test]
fn reference_proofs_verify() {
    let leaves = reference_leaves();
    for (index, size) in [(0, 8), (5, 8), (2, 3), (6, 7), (0, 1)] {
        let proof = inclusion_proof(index, &leaves[..size]).unwrap();
        assert!(
            verify_inclusion(
                &leaves[index],
                index as u64,
                size as u64,
                &proof,
                &h(ROOTS[size])
            ),
            "leaf {index} of {size} with its proof verifies against the reference root"
        );
    }
}

#[test]
fn every_proof_of_every_tree_up_to_40_leaves_verifies() {
    for size in 1..=40 {
        let leaves = leaves(size);
        let r = root(&leaves);
        for (index, leaf) in leaves.iter().enumerate() {
            let proof = inclusion_proof(index, &leaves).unwrap();
            assert!(
                verify_inclusion(leaf, index as u64, size as u64, &proof, &r),
                "leaf {index} of a tree of {size} with its own proof ({} hashes)",
                proof.len()
            );
        }
    }
}

#[test]
fn a_proof_for_another_leaf_is_refused() {
    let leaves = leaves(13);
    let r = root(&leaves);
    let proof = inclusion_proof(4, &leaves).unwrap();
    assert!(
        !verify_inclusion(&leaves[5], 4, 13, &proof, &r),
        "leaf 5 with leaf 4's proof"
    );
    assert!(
        !verify_inclusion(&leaf_hash(b"forged"), 4, 13, &proof, &r),
        "a leaf never logged"
    );
}

#[test]
fn a_proof_at_the_wrong_index_or_size_is_refused() {
    let leaves = leaves(13);
    let r = root(&leaves);
    let proof = inclusion_proof(4, &leaves).unwrap();
    // Sizes 9 to 16 give leaf 4 a path of the same shape, so a proof alone cannot tell them
    // apart: the size is bound by the root, which a log signs together with it.
    for (index, size) in [(5, 13), (0, 13), (6, 13), (12, 13), (4, 8), (4, 5), (4, 17)] {
        assert!(
            !verify_inclusion(&leaves[4], index, size, &proof, &r),
            "leaf 4's proof claimed for index {index} of size {size}"
        );
    }
}

#[test]
fn a_proof_against_another_root_is_refused() {
    let leaves = leaves(8);
    let proof = inclusion_proof(3, &leaves).unwrap();
    let other = root(&leaves[..7]);
    assert!(
        !verify_inclusion(&leaves[3], 3, 8, &proof, &other),
        "the root of another tree"
    );
}

#[test]
fn a_proof_with_a_hash_changed_added_or_missing_is_refused() {
    let leaves = leaves(11);
    let r = root(&leaves);
    let proof = inclusion_proof(6, &leaves).unwrap();
    for i in 0..proof.len() {
        let mut bad = proof.clone();
        bad[i][0] ^= 1;
        assert!(
            !verify_inclusion(&leaves[6], 6, 11, &bad, &r),
            "hash {i} of the proof changed"
        );
    }
    let mut longer = proof.clone();
    longer.push(r);
    assert!(
        !verify_inclusion(&leaves[6], 6, 11, &longer, &r),
        "one hash too many: a proof is exactly as long as the path"
    );
    assert!(
        !verify_inclusion(&leaves[6], 6, 11, &proof[..proof.len() - 1], &r),
        "one hash too few"
    );
}

#[test]
fn an_index_outside_the_tree_is_refused() {
    let leaves = leaves(4);
    let r = root(&leaves);
    let proof = inclusion_proof(3, &leaves).unwrap();
    assert!(
        !verify_inclusion(&leaves[3], 4, 4, &proof, &r),
        "index 4 of a tree of 4"
    );
    assert!(
        !verify_inclusion(&r, 0, 0, &[], &r),
        "a tree of size 0 includes nothing"
    );
}

#[test]
fn a_one_leaf_tree_verifies_with_an_empty_proof_only() {
    let leaf = leaf_hash(b"only");
    assert!(
        verify_inclusion(&leaf, 0, 1, &[], &leaf),
        "the leaf is the root"
    );
    assert!(
        !verify_inclusion(&leaf, 0, 1, &[leaf], &node_hash(&leaf, &leaf)),
        "no siblings"
    );
}

// ---------------------------------------------------------------------------------------------
// The attack domain separation stops

#[test]
fn an_interior_node_cannot_pass_for_a_leaf() {
    // A tree of 4 entries. Its left interior node is the hash of the 64 bytes
    // leaf_hash(d0) || leaf_hash(d1). Without the 0x00 / 0x01 prefixes, a "leaf" whose data
    // is those 64 bytes would hash to the same node, and a tree of 2 such leaves would have
    // the same root: a proof of inclusion for an entry nobody logged (a second preimage).
    let real: Vec<Hash> = ["alice: +100", "bob: -100", "carol: +5", "dave: -5"]
        .iter()
        .map(|d| leaf_hash(d.as_bytes()))
        .collect();
    let real_root = root(&real);
    let forged_data = [real[0], real[1]].concat();
    let forged_leaf = leaf_hash(&forged_data);
    let forged_sibling = node_hash(&real[2], &real[3]);
    assert_ne!(
        hx(&root(&[
            forged_leaf,
            leaf_hash(&[real[2], real[3]].concat())
        ])),
        hx(&real_root),
        "two 64-byte leaves made of the real leaf hashes must not give the real root"
    );
    assert!(
        !verify_inclusion(&forged_leaf, 0, 2, &[forged_sibling], &real_root),
        "the 64 bytes {}… presented as leaf 0 of a tree of 2 must not verify: leaf and node \
         hashes must differ (0x00 before a leaf, 0x01 before a node)",
        &hex::encode(&forged_data)[..16]
    );
    assert_ne!(
        hx(&leaf_hash(&forged_data)),
        hx(&node_hash(&real[0], &real[1])),
        "leaf_hash(l || r) must differ from node_hash(l, r)"
    );
}
