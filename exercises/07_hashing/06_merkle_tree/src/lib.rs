//! # A Merkle tree: one root for a whole log, and proofs of inclusion (RFC 6962)
//!
//! Exercise 05's hash chain proves the whole log, but to check one entry a reader needs
//! every entry before it. A **Merkle tree** hashes the entries in pairs, then the pairs in
//! pairs, up to one **root**. Whoever holds the root can check that an entry is in the log
//! with an **inclusion proof**: the sibling hashes on the way from that leaf to the root,
//! about log2(n) of them: 20 hashes for a million entries. Certificate Transparency (every
//! HTTPS certificate is logged), Go's checksum database (sum.golang.org) and Sigstore's
//! Rekor are such logs; Git and Bitcoin use Merkle trees too.
//!
//! RFC 6962 §2.1 defines the Merkle Tree Hash (MTH) of a list of n entries:
//!
//! ```text
//! MTH({})   = SHA-256()                              the empty string
//! MTH({d0}) = SHA-256(0x00 || d0)                    a leaf
//! MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//!             k = the largest power of two smaller than n   (`split_point`, given)
//! ```
//!
//! Here the leaves come already hashed (`leaf_hash`), so `root` and `inclusion_proof` work
//! on leaf hashes. The proof of leaf m, PATH(m, D[n]), is empty for one leaf; otherwise it is
//! PATH(m, D[0:k]) followed by MTH(D[k:n]) if m < k, or PATH(m - k, D[k:n]) followed by
//! MTH(D[0:k]) if not: deepest sibling first.
//!
//! Why 0x00 before a leaf and 0x01 before a node? Without them, an interior node's input
//! (two 32-byte hashes) is also a valid 64-byte leaf, and an attacker can prove that a leaf
//! nobody logged is in the tree (a second preimage). With the prefixes, a leaf hash and a
//! node hash never hash the same bytes. The tests try that attack.
//!
//! Verifying (RFC 9162 §2.1.3.2) recomputes the root from the leaf hash and the proof, using
//! the index and the tree size to know at each step whether the sibling is on the left or
//! the right. With `fn = index`, `sn = size - 1`, `r = leaf`, for each hash `p` of the proof:
//! if `sn == 0`, fail (the proof is too long); if `fn` is odd or `fn == sn`,
//! `r = node_hash(p, r)` and then, while `fn` is even and not 0, halve `fn` and `sn`; else
//! `r = node_hash(r, p)`. Then halve `fn` and `sn`. At the end, accept only if `sn == 0` (the
//! proof was not too short) and `r` is the root. An index not below the size fails at once.
//!
//! Primary sources: RFC 6962 §2.1, <https://www.rfc-editor.org/rfc/rfc6962#section-2.1>;
//! RFC 9162 §2.1.3, <https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3>.

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of a leaf: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    // TODO: sha2::Sha256, update with [0x00], then data.
    let _ = data;
    todo!("leaf_hash")
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    // TODO: the same, with [0x01], left, right.
    let _ = (left, right);
    todo!("node_hash")
}

/// The Merkle Tree Hash of a list of leaf hashes (RFC 6962 §2.1).
pub fn root(leaves: &[Hash]) -> Hash {
    // TODO: 0 leaves: SHA-256 of nothing; 1 leaf: itself; else split at split_point and
    //       node_hash the two roots.
    let _ = leaves;
    todo!("root")
}

/// The inclusion proof of leaf `index` (RFC 6962 §2.1.1), or `None` if there is no such leaf.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    // TODO: None if index >= leaves.len(); else PATH, recursively, deepest sibling first.
    let _ = (index, leaves);
    todo!("inclusion_proof")
}

/// Whether `proof` shows that `leaf` is leaf `index` of the tree of `size` leaves whose root
/// is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    // TODO: the algorithm above.
    let _ = (leaf, index, size, proof, root);
    todo!("verify_inclusion")
}

// ---------------------------------------------------------------------------------------------
// Given
// ---------------------------------------------------------------------------------------------

/// The largest power of two smaller than `n` (n >= 2): where RFC 6962 splits a list.
pub fn split_point(n: usize) -> usize {
    assert!(n >= 2, "only a list of two or more entries is split");
    // The highest power of two <= n - 1.
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}
