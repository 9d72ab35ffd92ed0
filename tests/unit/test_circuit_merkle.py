"""The LeanIMT root gadget against zkvote.merkle's trees and proofs."""

import pytest
from zkvote.circuits import Circuit
from zkvote.circuits.gadgets.merkle import binary_merkle_root, merkle_inputs

from zkvote.merkle import LeanIMT
from zkvote.snark.r1cs import UnsatisfiedConstraint

MAX_DEPTH = 4


@pytest.fixture(scope="module")
def membership():
    # Public root; private leaf and path: the gadget's root must equal the public one.
    c = Circuit()
    root = c.public_input("root")
    leaf, depth = c.private_input("leaf"), c.private_input("depth")
    indices = c.private_inputs("indices", MAX_DEPTH)
    siblings = c.private_inputs("siblings", MAX_DEPTH)
    with c.gadget("membership"):
        c.assert_equal(binary_merkle_root(c, leaf, depth, indices, siblings), root)
    report = c.constraint_report()
    r1cs, gen = c.compile()
    return r1cs, gen, report


@pytest.mark.parametrize("size", [1, 2, 5, 16])
def test_gadget_root_matches_lean_imt_for_every_leaf(membership, size):
    r1cs, gen, _ = membership
    tree = LeanIMT([1000 + i for i in range(size)])
    for index in range(size):
        proof = tree.generate_proof(index)
        witness = gen.generate({"root": tree.root, **merkle_inputs(proof, MAX_DEPTH)})
        assert r1cs.is_satisfied(witness)


def test_constraint_count_per_level(membership):
    _, _, report = membership
    # 240 Poseidon + 1 mux + 1 boolean index + 2 depth flag + 1 root pick a level, plus the
    # last level's flag and pick and the one-flag row.
    assert report["membership/merkle_root"] == MAX_DEPTH * 245 + 2 + 1 + 1
    assert report["membership/merkle_root/poseidon2"] == MAX_DEPTH * 240


def test_wrong_sibling_or_root_is_refused(membership):
    _, gen, _ = membership
    tree = LeanIMT(range(1, 6))
    inputs = merkle_inputs(tree.generate_proof(2), MAX_DEPTH)
    with pytest.raises(UnsatisfiedConstraint, match="membership"):
        gen.generate({"root": tree.root + 1, **inputs})
    inputs["siblings"][0] += 1
    with pytest.raises(UnsatisfiedConstraint, match="membership"):
        gen.generate({"root": tree.root, **inputs})


def test_depth_beyond_the_circuit_is_refused(membership):
    _, gen, _ = membership
    tree = LeanIMT([7])
    inputs = merkle_inputs(tree.generate_proof(0), MAX_DEPTH)
    inputs["depth"] = MAX_DEPTH + 1
    with pytest.raises(UnsatisfiedConstraint, match="merkle_root"):
        gen.generate({"root": 0, **inputs})


def test_non_boolean_index_is_refused(membership):
    _, gen, _ = membership
    tree = LeanIMT([1, 2])
    inputs = merkle_inputs(tree.generate_proof(1), MAX_DEPTH)
    inputs["indices"][0] = 2
    with pytest.raises(UnsatisfiedConstraint, match="assert_bool"):
        gen.generate({"root": tree.root, **inputs})
