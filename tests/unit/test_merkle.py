"""LeanIMT behaviour: growth, carried-up nodes, Semaphore's update/remove rules, proofs, export."""

import json

import pytest

from zkvote.errors import InvalidArgument
from zkvote.merkle import InvalidMerkleProof, LeafNotFound, LeanIMT, require_proof, verify_proof
from zkvote.poseidon import poseidon2


def test_empty_tree_has_root_zero_and_exports_like_zk_kit():
    tree = LeanIMT()
    assert (tree.size, tree.depth, tree.root) == (0, 0, 0)
    assert tree.export() == "[[]]"


def test_single_leaf_is_the_root():
    tree = LeanIMT([7])
    assert (tree.depth, tree.root) == (0, 7)


def test_node_without_sibling_is_carried_up():
    tree = LeanIMT([1, 2, 3])
    assert tree.depth == 2
    assert tree.root == poseidon2(poseidon2(1, 2), 3)


def test_insert_one_by_one_equals_insert_many():
    leaves = list(range(1, 20))
    a = LeanIMT(leaves)
    b = LeanIMT()
    for x in leaves:
        b.insert(x)
        assert b.depth == (b.size - 1).bit_length()
    assert a.root == b.root and a.export() == b.export()


def test_insert_many_on_a_non_empty_tree_equals_building_at_once():
    a = LeanIMT([1, 2, 3, 4, 5])
    a.insert_many([6, 7, 8, 9])
    assert a.root == LeanIMT(list(range(1, 10))).root


def test_update_changes_root_like_a_rebuild():
    tree = LeanIMT([1, 2, 3, 4, 5])
    tree.update(4, 50)
    assert tree.root == LeanIMT([1, 2, 3, 4, 50]).root


def test_remove_sets_the_leaf_to_zero_and_keeps_indices():
    tree = LeanIMT([1, 2, 3])
    tree.remove(1)
    assert tree.leaves == [1, 0, 3]
    assert tree.root == poseidon2(poseidon2(1, 0), 3)
    assert tree.index_of(3) == 2


def test_removed_member_can_be_neither_removed_again_nor_updated():
    tree = LeanIMT([1, 2])
    tree.remove(0)
    with pytest.raises(InvalidArgument):
        tree.remove(0)
    with pytest.raises(InvalidArgument):
        tree.update(0, 9)


def test_index_of_finds_aligned_leaves_only():
    # 0x..01 followed by 0x..02 contains byte patterns straddling leaves; only whole leaves count
    tree = LeanIMT([5, 6, 5])
    assert tree.index_of(5) == 0 and tree.index_of(6) == 1
    assert tree.has(6) and not tree.has(7)
    with pytest.raises(LeafNotFound):
        tree.index_of(7)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_every_proof_verifies_against_the_root(size):
    tree = LeanIMT(list(range(1, size + 1)))
    for i in range(size):
        proof = tree.generate_proof(i)
        assert proof.leaf == i + 1 and proof.root == tree.root
        assert verify_proof(proof) and tree.verify_proof(proof)
        require_proof(proof, tree.root)


def test_proof_omits_carried_levels_and_encodes_path_in_index():
    tree = LeanIMT([1, 2, 3, 4, 5])
    proof = tree.generate_proof(4)  # leaf 5 is carried up twice, then meets the left subtree
    assert proof.siblings == (poseidon2(poseidon2(1, 2), poseidon2(3, 4)),)
    assert proof.index == 1


def test_old_proof_fails_after_the_tree_changes():
    tree = LeanIMT([1, 2, 3])
    proof = tree.generate_proof(0)
    tree.insert(4)
    assert verify_proof(proof)  # still consistent with its own (old) root
    assert not tree.verify_proof(proof)
    with pytest.raises(InvalidMerkleProof):
        require_proof(proof, tree.root)


def test_export_import_round_trip_keeps_everything():
    tree = LeanIMT(list(range(1, 12)))
    tree.remove(3)
    copy = LeanIMT.import_(tree.export())
    assert copy.export() == tree.export() and copy.root == tree.root
    assert json.loads(tree.export())[-1] == [str(tree.root)]
    copy.insert(99)
    tree.insert(99)
    assert copy.root == tree.root


def test_bulk_insert_checks_members_like_single_inserts():
    # the fast path (plain ints) and the per-value path must agree on what they accept
    from zkvote.errors import FieldRangeError, InvalidEncoding
    from zkvote.field import FR_MODULUS

    for bad, exc in [([1, 0], InvalidArgument), ([1, FR_MODULUS], FieldRangeError),
                     ([1, -1], FieldRangeError), ([1, True], InvalidEncoding)]:
        tree = LeanIMT([5])
        with pytest.raises(exc):
            tree.insert_many(bad)
        assert tree.size == 1
    big = LeanIMT([FR_MODULUS - 1, 1, 2])
    small = LeanIMT()
    for x in (FR_MODULUS - 1, 1, 2):
        small.insert(x)
    assert big.root == small.root
