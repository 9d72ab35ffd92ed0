"""Board tree properties: the incremental tree agrees with RFC 9162's recursive definitions
(written out below as a slow reference), every proof verifies, any flipped bit breaks it."""

import hashlib

from hypothesis import assume, given
from hypothesis import strategies as st

from zkvote.board_tree import (
    MerkleTree,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from zkvote.errors import InvalidProof

LIMIT = 64
LEAVES = [leaf_hash(i.to_bytes(2, "big")) for i in range(300)]
TREE = MerkleTree(LEAVES)


# --- reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 transcribed recursively ------------------

def _k(n):
    k = 1
    while 2 * k < n:
        k *= 2
    return k


def ref_mth(d):
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]  # already a leaf hash
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m, d):
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m, d, whole):
    if m == len(d):
        return [] if whole else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return ref_subproof(m, d[:k], whole) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


ROOTS = [ref_mth(LEAVES[:n]) for n in range(LIMIT + 1)]


# --- exhaustive up to 64 leaves ---------------------------------------------------------------

def test_roots_of_every_size_up_to_limit_match_the_reference():
    assert [TREE.root(n) for n in range(LIMIT + 1)] == ROOTS


def test_every_inclusion_proof_up_to_limit_matches_the_reference_and_verifies():
    for size in range(1, LIMIT + 1):
        for index in range(size):
            proof = TREE.inclusion_proof(index, size)
            assert proof == ref_path(index, LEAVES[:size]), (index, size)
            verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])


def test_every_consistency_proof_up_to_limit_matches_the_reference_and_verifies():
    for new in range(LIMIT + 1):
        for old in range(new + 1):
            proof = TREE.consistency_proof(old, new)
            want = [] if old in (0, new) else ref_subproof(old, LEAVES[:new], True)
            assert proof == want, (old, new)
            verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


# --- random larger trees ----------------------------------------------------------------------

@given(st.lists(st.integers(0, 40), max_size=12))
def test_tree_grown_in_any_chunks_has_the_reference_root_at_every_step(chunks):
    tree, n = MerkleTree(), 0
    for c in chunks:
        if c % 2:
            tree.extend(LEAVES[n : n + c])
        else:
            for h in LEAVES[n : n + c]:
                tree.append(h)
        n = min(n + c, len(LEAVES))
        assert tree.size == n and tree.root() == ref_mth(LEAVES[:n])


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_inclusion_proofs_in_larger_trees_verify_and_match_list_form(size_index):
    size, index = size_index
    proof = TREE.inclusion_proof(index, size)
    assert proof == inclusion_proof(LEAVES, index, size)
    verify_inclusion(LEAVES[index], index, size, proof, TREE.root(size))


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_consistency_proofs_in_larger_trees_verify(sizes):
    old, new = sizes
    verify_consistency(old, new, TREE.root(old), TREE.root(new), TREE.consistency_proof(old, new))


# --- tampering --------------------------------------------------------------------------------

def _flip(h, bit):
    b = bytearray(h)
    b[bit // 8] ^= 1 << (bit % 8)
    return bytes(b)


@given(st.integers(2, LIMIT).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))),
       st.integers(0, 10**6), st.integers(0, 255))
def test_any_flipped_bit_in_inclusion_proof_root_or_leaf_fails(size_index, where, bit):
    size, index = size_index
    proof = TREE.inclusion_proof(index, size)
    leaf, root = LEAVES[index], ROOTS[size]
    target = where % (len(proof) + 2)
    if target < len(proof):
        proof = [*proof[:target], _flip(proof[target], bit), *proof[target + 1 :]]
    elif target == len(proof):
        root = _flip(root, bit)
    else:
        leaf = _flip(leaf, bit)
    try:
        verify_inclusion(leaf, index, size, proof, root)
    except InvalidProof:
        return
    raise AssertionError(f"tampered proof verified: index {index}, size {size}, part {target}")


@given(st.integers(2, LIMIT).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))),
       st.integers(0, 10**6), st.integers(0, 255))
def test_any_flipped_bit_in_consistency_proof_or_roots_fails(sizes, where, bit):
    old, new = sizes
    proof = TREE.consistency_proof(old, new)
    old_root, new_root = ROOTS[old], ROOTS[new]
    target = where % (len(proof) + 2)
    if target < len(proof):
        proof = [*proof[:target], _flip(proof[target], bit), *proof[target + 1 :]]
    elif target == len(proof):
        old_root = _flip(old_root, bit)
    else:
        new_root = _flip(new_root, bit)
    try:
        verify_consistency(old, new, old_root, new_root, proof)
    except InvalidProof:
        return
    raise AssertionError(f"tampered proof verified: {old} -> {new}, part {target}")


@given(st.integers(2, LIMIT).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1),
                                                         st.integers(0, n - 1))))
def test_proof_for_one_index_does_not_verify_at_another(case):
    size, index, other = case
    assume(index != other)
    proof = TREE.inclusion_proof(index, size)
    try:
        verify_inclusion(LEAVES[index], other, size, proof, ROOTS[size])
    except InvalidProof:
        return
    raise AssertionError(f"proof of {index} verified at {other} (size {size})")
