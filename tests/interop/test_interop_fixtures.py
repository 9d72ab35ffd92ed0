"""Bit-for-bit agreement with the JS tools, through fixtures made by tests/interop/js/generate.mjs
(circomlibjs, poseidon-lite, @zk-kit/lean-imt, @zk-kit/eddsa-poseidon, @semaphore-protocol/*).
No Node needed: the fixtures are committed."""

import json
from pathlib import Path

import pytest

from zkvote import eddsa
from zkvote.identity import Identity
from zkvote.merkle import LeanIMT, MerkleProof, verify_proof
from zkvote.poseidon import poseidon

FIXTURES = Path(__file__).parent / "fixtures"


def _load(name):
    return json.loads((FIXTURES / name).read_text())


POSEIDON = _load("poseidon.json")
LEAN_IMT = _load("lean_imt.json")
IDENTITY = _load("identity.json")


def test_poseidon_fixtures_cover_every_width():
    assert {len(c["inputs"]) for c in POSEIDON["cases"]} == set(range(1, 17))


@pytest.mark.parametrize("case", POSEIDON["cases"], ids=lambda c: f"n{len(c['inputs'])}")
def test_poseidon_equals_circomlibjs(case):
    assert poseidon([int(x) for x in case["inputs"]]) == int(case["output"])


def test_empty_tree_export_and_group_root():
    assert LeanIMT().export() == LEAN_IMT["empty_export"]
    assert str(LeanIMT().root) == LEAN_IMT["empty_group_root"]


@pytest.mark.parametrize("entry", LEAN_IMT["trees"], ids=lambda e: f"size{e['size']}")
def test_lean_imt_equals_zk_kit(entry):
    leaves = [int(x) for x in entry["leaves"]]
    tree = LeanIMT(leaves)
    assert str(tree.root) == entry["root"] and tree.depth == entry["depth"]
    one_by_one = LeanIMT()
    for leaf in leaves:
        one_by_one.insert(leaf)
    assert one_by_one.root == tree.root
    for expected in entry["proofs"]:
        index = leaves.index(int(expected["leaf"]))
        assert tree.generate_proof(index).to_json() == expected
        assert verify_proof(MerkleProof.from_json(expected))
    if entry["export"] is not None:
        assert tree.export() == entry["export"]
        assert LeanIMT.import_(entry["export"]).root == tree.root


@pytest.mark.parametrize("entry", LEAN_IMT["trees"], ids=lambda e: f"size{e['size']}")
def test_group_updates_removals_and_appends_equal_semaphore(entry):
    tree = LeanIMT([int(x) for x in entry["leaves"]])
    for step in entry["changes"]:
        if step["op"] == "update":
            tree.update(step["index"], int(step["value"]))
        else:
            tree.remove(step["index"])
        assert str(tree.root) == step["root"]
        for expected in step["proofs"]:
            proof = MerkleProof.from_json(expected)
            assert tree.verify_proof(proof)
    for expected in entry["changes"][-1]["proofs"]:
        index = [str(x) for x in tree.leaves].index(expected["leaf"])
        if expected["leaf"] != "0":  # several removed leaves are 0: index_of is ambiguous
            assert tree.generate_proof(index).to_json() == expected
    if entry["export_after_changes"] is not None:
        assert tree.export() == entry["export_after_changes"]
        assert LeanIMT.import_(entry["export_after_changes"]).export() == tree.export()
    tree.insert_many([int(x) for x in entry["appended"]["leaves"]])
    assert str(tree.root) == entry["appended"]["root"]
    assert tree.depth == entry["appended"]["depth"]


def _identity(entry):
    key = entry["private_key"]
    return Identity(key if entry["kind"] == "text" else bytes.fromhex(key))


@pytest.mark.parametrize("entry", IDENTITY["identities"], ids=lambda e: e["export"][:8])
def test_identity_equals_semaphore(entry):
    ident = _identity(entry)
    assert str(ident.secret_scalar) == entry["secret_scalar"]
    assert [str(c) for c in ident.public_key] == entry["public_key"]
    assert str(ident.commitment) == entry["commitment"]
    assert ident.export() == entry["export"]
    assert Identity.import_(entry["export"]).commitment == ident.commitment
    for n in entry["nullifiers"]:
        assert str(ident.nullifier(int(n["scope"]))) == n["nullifier"]


@pytest.mark.parametrize("entry", IDENTITY["identities"], ids=lambda e: e["export"][:8])
def test_eddsa_signatures_equal_zk_kit_and_tampering_is_rejected(entry):
    ident = _identity(entry)
    for s in entry["signatures"]:
        message = int(s["message"])
        sig = ident.sign(message)
        assert sig.to_json() == {"R8": s["R8"], "S": s["S"]}
        assert sig.pack().hex() == s["packed"]
        theirs = eddsa.Signature((int(s["R8"][0]), int(s["R8"][1])), int(s["S"]))
        assert eddsa.verify(message, theirs, ident.public_key)
        tampered = eddsa.Signature(theirs.R8, (theirs.S + 1) % eddsa.SUBGROUP_ORDER)
        assert s["tampered_S_verifies"] is False  # zk-kit rejects it ...
        assert not eddsa.verify(message, tampered, ident.public_key)  # ... and so do we
        other = (message + 1) % eddsa.FR_MODULUS
        assert s["other_message_verifies"] is False
        assert not eddsa.verify(other, theirs, ident.public_key)
