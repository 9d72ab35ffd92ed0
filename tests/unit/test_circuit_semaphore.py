"""The Semaphore-v4-equivalent circuit: public signal layout, constraint counts, witnesses
for LeanIMT groups, and Groth16 membership proofs end to end."""

import random

import pytest
from zkvote.circuits.semaphore import (
    PUBLIC_SIGNALS,
    semaphore_circuit,
    semaphore_witness_inputs,
)

from zkvote.babyjub import ORDER
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS as R
from zkvote.identity import Identity
from zkvote.merkle import LeafNotFound, LeanIMT
from zkvote.snark.prover import prove
from zkvote.snark.r1cs import UnsatisfiedConstraint
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.verifier import verify

DEPTH = 4
MESSAGE, SCOPE = 0x1234, 0xC0FFEE
IDENTITIES = [Identity(f"member {i}") for i in range(5)]


@pytest.fixture(scope="module")
def group():
    return LeanIMT([i.commitment for i in IDENTITIES])


@pytest.fixture(scope="module")
def compiled():
    return semaphore_circuit(DEPTH).compile()


@pytest.fixture(scope="module")
def keys(compiled):
    r1cs, _ = compiled
    return insecure_single_party_setup(r1cs, rng=random.Random(2024))


def _public(witness: list[int]) -> list[int]:
    return witness[1:5]


def test_public_signals_are_in_semaphore_v4_order(compiled, group):
    r1cs, gen = compiled
    assert (r1cs.n_pub_out, r1cs.n_pub_in) == (2, 2)
    assert gen.input_names == ["secret", "merkleProofLength", "merkleProofIndex",
                               "merkleProofSiblings", "message", "scope"]
    assert [name.split(".")[-1] for name in gen.wire_names[1:5]] == list(PUBLIC_SIGNALS)
    witness = gen.generate(semaphore_witness_inputs(IDENTITIES[3], group, MESSAGE, SCOPE,
                                                    DEPTH))
    assert _public(witness) == [group.root, IDENTITIES[3].nullifier(SCOPE), MESSAGE, SCOPE]


@pytest.mark.parametrize("max_depth, expected", [(10, 3948), (20, 6398)])
def test_constraint_count_is_in_circoms_range(max_depth, expected):
    # circom compiles Semaphore v4 at depth 20 to 6,431 constraints.
    c = semaphore_circuit(max_depth)
    report = c.constraint_report()
    assert report[""] == expected
    assert report["identity/babyjub_public_key"] == 1010
    assert report["membership"] == 245 * max_depth + 5


@pytest.mark.parametrize("size", [1, 2, 5, 16])
def test_every_member_of_a_group_gets_the_group_root(compiled, size):
    r1cs, gen = compiled
    members = [Identity(f"size {size} member {i}") for i in range(size)]
    tree = LeanIMT([m.commitment for m in members])
    for member in {members[0], members[size // 2], members[-1]}:
        witness = gen.generate(semaphore_witness_inputs(member, tree, MESSAGE, SCOPE, DEPTH))
        assert r1cs.is_satisfied(witness)
        assert _public(witness)[:2] == [tree.root, member.nullifier(SCOPE)]


def test_non_member_cannot_reach_the_group_root(compiled, group):
    _, gen = compiled
    outsider = Identity("not a member")
    with pytest.raises(LeafNotFound):
        semaphore_witness_inputs(outsider, group, MESSAGE, SCOPE, DEPTH)
    # A member's path with the outsider's secret hashes to another root.
    inputs = semaphore_witness_inputs(IDENTITIES[1], group, MESSAGE, SCOPE, DEPTH)
    inputs["secret"] = outsider.secret_scalar
    assert gen.generate(inputs)[1] != group.root


def test_secret_not_below_l_is_refused(compiled, group):
    _, gen = compiled
    inputs = semaphore_witness_inputs(IDENTITIES[0], group, MESSAGE, SCOPE, DEPTH)
    # secret + l has the same public key (and so the same leaf) but another nullifier.
    inputs["secret"] += ORDER
    with pytest.raises(UnsatisfiedConstraint, match="babyjub_public_key"):
        gen.generate(inputs)


def test_proof_length_beyond_the_circuit_is_refused(compiled, group):
    _, gen = compiled
    inputs = semaphore_witness_inputs(IDENTITIES[0], group, MESSAGE, SCOPE, DEPTH)
    inputs["merkleProofLength"] = DEPTH + 1
    with pytest.raises(UnsatisfiedConstraint, match="membership"):
        gen.generate(inputs)
    inputs["merkleProofLength"] = 3
    inputs["merkleProofIndex"] = 1 << DEPTH
    with pytest.raises(UnsatisfiedConstraint, match="membership"):
        gen.generate(inputs)


def test_witness_inputs_validation(group):
    member = IDENTITIES[0]
    with pytest.raises(FieldRangeError):
        semaphore_witness_inputs(member, group, R, SCOPE, DEPTH)
    with pytest.raises(FieldRangeError):
        semaphore_witness_inputs(member, group, MESSAGE, -1, DEPTH)
    with pytest.raises(InvalidEncoding):
        semaphore_witness_inputs(member.commitment, group, MESSAGE, SCOPE, DEPTH)
    with pytest.raises(InvalidEncoding):
        semaphore_witness_inputs(member, [member.commitment], MESSAGE, SCOPE, DEPTH)
    for bad_depth in (0, 33, True, "4"):
        with pytest.raises(InvalidArgument):
            semaphore_witness_inputs(member, group, MESSAGE, SCOPE, bad_depth)
    with pytest.raises(InvalidArgument, match="depth"):
        semaphore_witness_inputs(member, group, MESSAGE, SCOPE, 2)  # 5 leaves need 3 levels
    with pytest.raises(InvalidArgument):
        semaphore_circuit(0)


def test_membership_proof_verifies_and_binds_every_public_signal(compiled, keys, group):
    r1cs, gen = compiled
    witness = gen.generate(semaphore_witness_inputs(IDENTITIES[2], group, MESSAGE, SCOPE,
                                                    DEPTH))
    proof = prove(keys, r1cs, witness)
    public = _public(witness)
    assert verify(keys.vk, public, proof)
    for i, name in enumerate(PUBLIC_SIGNALS):  # wrong root, nullifier, message, scope
        tampered = list(public)
        tampered[i] = (tampered[i] + 1) % R
        assert not verify(keys.vk, tampered, proof), name
    # The nullifier of another scope does not go with this proof either.
    assert not verify(keys.vk, [group.root, IDENTITIES[2].nullifier(SCOPE + 1), MESSAGE,
                                SCOPE + 1], proof)


def test_non_member_cannot_prove_the_group_root(compiled, keys, group):
    r1cs, gen = compiled
    outsider = Identity("outsider")
    inputs = semaphore_witness_inputs(IDENTITIES[4], group, MESSAGE, SCOPE, DEPTH)
    inputs["secret"] = outsider.secret_scalar
    witness = gen.generate(inputs)
    # An honest proof of the statement proves the outsider's own fake root, not the group's.
    proof = prove(keys, r1cs, witness)
    assert verify(keys.vk, _public(witness), proof)
    assert not verify(keys.vk, [group.root, *_public(witness)[1:]], proof)
    # Writing the group root into the witness breaks the circuit: the prover refuses.
    witness[1] = group.root
    with pytest.raises(UnsatisfiedConstraint):
        prove(keys, r1cs, witness)


@pytest.mark.slow
def test_membership_proof_at_depth_20():
    r1cs, gen = semaphore_circuit(20).compile()
    keys = insecure_single_party_setup(r1cs, rng=random.Random(20))
    members = [Identity(f"deep {i}") for i in range(40)]
    tree = LeanIMT([m.commitment for m in members])
    witness = gen.generate(semaphore_witness_inputs(members[37], tree, MESSAGE, SCOPE, 20))
    proof = prove(keys, r1cs, witness)
    assert verify(keys.vk, [tree.root, members[37].nullifier(SCOPE), MESSAGE, SCOPE], proof)
    assert not verify(keys.vk, [tree.root, members[36].nullifier(SCOPE), MESSAGE, SCOPE],
                      proof)
