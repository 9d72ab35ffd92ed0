"""LeanIMT refuses bad leaves, unknown leaves, foreign or malformed proofs and bad exports."""

import json

import pytest

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.merkle import (
    InvalidMerkleProof,
    LeafNotFound,
    LeanIMT,
    MerkleProof,
    require_proof,
    verify_proof,
)


@pytest.fixture
def tree():
    return LeanIMT([11, 22, 33, 44, 55])


@pytest.mark.parametrize("leaf", [FR_MODULUS, -1, 2**300])
def test_leaf_outside_fr_is_rejected(tree, leaf):
    with pytest.raises(FieldRangeError):
        tree.insert(leaf)
    with pytest.raises(FieldRangeError):
        tree.insert_many([1, leaf])
    assert tree.size == 5  # nothing half-inserted


@pytest.mark.parametrize("leaf", ["11", 1.5, None, b"\x01"])
def test_leaf_of_wrong_type_is_rejected(tree, leaf):
    with pytest.raises(InvalidEncoding):
        tree.insert(leaf)


def test_zero_member_and_empty_batch_are_rejected(tree):
    with pytest.raises(InvalidArgument):
        tree.insert(0)
    with pytest.raises(InvalidArgument):
        tree.insert_many([])


def test_unknown_leaf_and_bad_index_raise_leaf_not_found(tree):
    with pytest.raises(LeafNotFound):
        tree.index_of(12345)
    for index in (5, -1, 2**40):
        with pytest.raises(LeafNotFound):
            tree.generate_proof(index)
        with pytest.raises(LeafNotFound):
            tree.update(index, 7)
    with pytest.raises(InvalidEncoding):
        tree.generate_proof("0")


def test_proof_for_another_root_is_refused(tree):
    other = LeanIMT([11, 22, 33, 44, 56])
    proof = other.generate_proof(0)
    assert not tree.verify_proof(proof)
    assert not verify_proof(proof, tree.root)
    with pytest.raises(InvalidMerkleProof, match="another root"):
        require_proof(proof, tree.root)


def test_forged_proof_with_swapped_sibling_is_refused(tree):
    proof = tree.generate_proof(1)
    forged = MerkleProof(proof.root, proof.leaf, proof.index, (999,) + proof.siblings[1:])
    assert not verify_proof(forged)
    with pytest.raises(InvalidMerkleProof, match="do not hash"):
        require_proof(forged, tree.root)


@pytest.mark.parametrize("change", [
    {"index": 8},                      # index bits beyond the siblings
    {"index": -1},
    {"siblings": (FR_MODULUS,)},
    {"leaf": FR_MODULUS},
    {"siblings": (1,) * 33, "index": 0},
])
def test_malformed_proof_raises_instead_of_answering(tree, change):
    p = tree.generate_proof(0)
    fields = {"root": p.root, "leaf": p.leaf, "index": p.index, "siblings": p.siblings} | change
    with pytest.raises((InvalidArgument, FieldRangeError, InvalidEncoding)):
        verify_proof(MerkleProof(**fields))


@pytest.mark.parametrize("doc", [
    {"root": "1", "leaf": "2", "index": 0},                                 # missing siblings
    {"root": "1", "leaf": "2", "index": "0", "siblings": []},
    {"root": "01", "leaf": "2", "index": 0, "siblings": []},                # leading zero
    {"root": str(FR_MODULUS), "leaf": "2", "index": 0, "siblings": []},
    {"root": "1", "leaf": "2", "index": 0, "siblings": [], "extra": 1},
])
def test_malformed_proof_json_is_rejected(doc):
    with pytest.raises((InvalidEncoding, FieldRangeError)):
        MerkleProof.from_json(doc)


def _export_with(tree, edit):
    levels = json.loads(tree.export())
    edit(levels)
    return json.dumps(levels)


@pytest.mark.parametrize("text", [
    "not json", "{}", "[]", "[1]", '[["1"], "x"]', '[["1", 2]]', '[["0x10"]]', '[["-1"]]',
    f'[["{FR_MODULUS}"]]', '[["1", "2"]]', '[["1"], ["1"]]', 42,
])
def test_malformed_export_is_rejected(text):
    with pytest.raises((InvalidEncoding, FieldRangeError)):
        LeanIMT.import_(text)


def test_export_with_a_wrong_hash_is_rejected(tree):
    def corrupt(levels):
        levels[1][0] = "12345"
    with pytest.raises(InvalidEncoding, match="does not match"):
        LeanIMT.import_(_export_with(tree, corrupt))


def test_export_with_a_missing_node_is_rejected(tree):
    with pytest.raises(InvalidEncoding, match="nodes"):
        LeanIMT.import_(_export_with(tree, lambda levels: levels[1].pop()))
