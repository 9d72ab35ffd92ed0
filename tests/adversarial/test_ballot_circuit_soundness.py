"""The ballot CIRCUIT refuses invalid votes: raw witness inputs (bypassing the Python rule
check of ballot_witness_inputs) that break the rule, the value ranges, the parameters or the
encryption make witness generation fail at the gadget that is broken; forged outputs break the
R1CS; and no wire of an encryption is left free for a cheating prover, even for the scalars
that would hit the exceptional cases of an incomplete addition law."""

import random

import pytest
from zkvote.circuits.ballot import ballot_witness_inputs, compiled_ballot_circuit, preset
from zkvote.circuits.signal import evaluate

from zkvote.babyjub import ORDER, Point
from zkvote.field import FR_MODULUS as R
from zkvote.identity import Identity, weighted_commitment
from zkvote.merkle import LeanIMT
from zkvote.snark.r1cs import UnsatisfiedConstraint

DEPTH = 4
SCOPE = 4242
G = Point.base8()
KEY = G.mul(0xC0DE_F00D_1234)
MEMBERS = [Identity(f"soundness member {i}") for i in range(5)]
GROUP = LeanIMT([m.commitment for m in MEMBERS])
CREDITS = 20
WEIGHTED_GROUP = LeanIMT([weighted_commitment(m.public_key, CREDITS) for m in MEMBERS])
RS = [random.Random(11).randrange(ORDER) for _ in range(4)]


def _raw(name, votes, valid, member=0, **kw):
    """Inputs built for the ``valid`` vote, then the votes swapped for ``votes``."""
    params = preset(name, len(valid), **kw)
    group, credits = (WEIGHTED_GROUP, CREDITS) if params.weighted else (GROUP, 0)
    inputs = ballot_witness_inputs(MEMBERS[member], group, SCOPE, KEY, valid, RS[:len(valid)],
                                   params, DEPTH, credits=credits)
    inputs["votes"] = list(votes)
    return inputs


def _generate(inputs):
    _, gen = compiled_ballot_circuit(len(inputs["votes"]), DEPTH)
    return gen.generate(inputs)


@pytest.mark.parametrize("name, kw, valid, bad, where", [
    ("single", {}, [0, 1, 0], [1, 1, 0], "rule/total"),
    ("single", {}, [0, 1, 0], [0, 0, 0], "rule/total"),
    ("referendum", {}, [1, 0, 0], [0, 2, 0], "rule/values"),
    ("approval", {"k": 2}, [1, 0, 1], [1, 1, 1], "rule/total"),
    ("quadratic", {"credits": 10}, [3, 0, 1], [3, 1, 1], "rule/cost"),
    ("quadratic", {"credits": 10, "spend_all": 1}, [3, 0, 1], [3, 0, 0], "rule/cost"),
    ("budget", {"budget": 10}, [6, 0, 4], [6, 0, 5], "rule/total"),
    ("score", {"max_score": 5}, [5, 0, 1], [6, 0, 1], "rule/values"),
    ("borda", {}, [0, 1, 2, 3], [1, 1, 2, 2], "rule/unique"),
    ("borda", {}, [0, 1, 2, 3], [0, 1, 2, 4], "rule/values"),
    ("weighted", {}, [0, 20, 0], [0, 21, 0], "rule/cost"),
    ("weighted", {}, [0, 20, 0], [0, 19, 0], "rule/cost"),
    ("weighted", {}, [0, 20, 0], [10, 10, 0], "rule/nonzero"),
])
def test_vote_breaking_the_rule_cannot_be_witnessed(name, kw, valid, bad, where):
    inputs = _raw(name, bad, valid, **kw)
    with pytest.raises(UnsatisfiedConstraint, match=where):
        _generate(inputs)


@pytest.mark.parametrize("value", [1 << 32, R - 1, (1 << 32) + 1])
def test_value_outside_32_bits_cannot_be_witnessed(value):
    inputs = _raw("score", [value, 0, 0], [1, 0, 0], max_score=(1 << 32) - 1)
    with pytest.raises(UnsatisfiedConstraint, match="vote_bits"):
        _generate(inputs)


def test_value_below_min_value_cannot_be_witnessed():
    params = preset("score", 3, max_score=5)._replace(min_value=1, max_total=15)
    inputs = ballot_witness_inputs(MEMBERS[0], GROUP, SCOPE, KEY, [1, 2, 3], RS[:3], params,
                                   DEPTH)
    inputs["votes"] = [0, 2, 3]
    with pytest.raises(UnsatisfiedConstraint, match="rule/values"):
        _generate(inputs)


@pytest.mark.parametrize("name, value, where", [
    ("maxValue", 1 << 32, "rule/parameters"),
    ("minValue", R - 1, "rule/parameters"),  # "-1" would make every value pass
    ("maxTotal", 1 << 40, "rule/parameters"),
    ("maxCost", R - 1, "rule/parameters"),
    ("maxNonzero", 256, "rule/parameters"),
    ("quadratic", 2, "rule/parameters"),
    ("unique", R - 1, "rule/parameters"),
    ("spendAll", 2, "rule/parameters"),
    ("weighted", 2, "leaf"),
])
def test_out_of_range_parameters_make_the_circuit_unsatisfiable(name, value, where):
    inputs = _raw("score", [1, 0, 2], [1, 0, 2], max_score=5)
    inputs[name] = value
    with pytest.raises(UnsatisfiedConstraint, match=where):
        _generate(inputs)


def test_credits_above_72_bits_cannot_be_witnessed():
    inputs = _raw("weighted", [0, 20, 0], [0, 20, 0])
    inputs["credits"] = 1 << 72
    with pytest.raises(UnsatisfiedConstraint, match="rule/parameters"):
        _generate(inputs)


def test_credits_not_matching_the_leaf_do_not_reach_the_group_root():
    r1cs, gen = compiled_ballot_circuit(3, DEPTH)
    inputs = _raw("weighted", [0, 21, 0], [0, 20, 0])
    inputs["credits"] = 21  # claim one more credit than the leaf holds
    witness = gen.generate(inputs)
    assert witness[1] != WEIGHTED_GROUP.root
    witness[1] = WEIGHTED_GROUP.root
    assert not r1cs.is_satisfied(witness)


def test_randomness_of_252_bits_cannot_be_witnessed():
    inputs = _raw("single", [0, 1, 0], [0, 1, 0])
    inputs["randomness"] = [RS[0], 1 << 251, RS[2]]
    with pytest.raises(UnsatisfiedConstraint, match="option1/elgamal_encrypt/scalar_digits"):
        _generate(inputs)


@pytest.mark.parametrize("key", [(1, 2), (0, 1), (0, R - 1)],
                         ids=["off-curve", "identity", "two-torsion"])
def test_poll_key_without_montgomery_form_cannot_be_witnessed(key):
    inputs = _raw("single", [0, 1, 0], [0, 1, 0])
    inputs["pollKeyX"], inputs["pollKeyY"] = key
    with pytest.raises(UnsatisfiedConstraint, match="poll_key"):
        _generate(inputs)


@pytest.mark.parametrize("wire", ["nullifier", "c1", "c2"])
def test_forged_outputs_break_the_r1cs(wire):
    r1cs, _ = compiled_ballot_circuit(3, DEPTH)
    witness = _generate(_raw("single", [0, 1, 0], [0, 1, 0]))
    if wire == "nullifier":
        witness[2] = MEMBERS[1].nullifier(SCOPE)
    else:  # ciphertext 1 of option 0 or 1, moved by G: a vote of one more
        start = 3 if wire == "c1" else 9
        shifted = Point.from_affine(*witness[start:start + 2]) + G
        witness[start:start + 2] = shifted.to_affine()
    assert not r1cs.is_satisfied(witness)


def _free_wires(r1cs, gen, witness, scopes):
    rows: dict[int, list[int]] = {}
    for i, abc in enumerate(r1cs.constraints):
        for lc in abc:
            for wire in lc:
                rows.setdefault(wire, []).append(i)
    free = []
    for wire, name in enumerate(gen.wire_names):
        if wire <= r1cs.n_public or not any(s in name for s in scopes):
            continue
        witness[wire] = (witness[wire] + 1) % R
        if all(evaluate(a, witness) * evaluate(b, witness) % R == evaluate(c, witness)
               for a, b, c in (r1cs.constraints[i] for i in rows.get(wire, []))):
            free.append(name)
        witness[wire] = (witness[wire] - 1) % R
    return free


@pytest.mark.parametrize("r", [0, (1 << 251) - 1, (1 << 250) - 1, int("01" * 125 + "1", 2)],
                         ids=["zero", "all-ones", "all-ones-250", "alternating"])
def test_no_encryption_wire_is_free_even_for_exceptional_looking_scalars(r):
    r1cs, gen = compiled_ballot_circuit(2, DEPTH)
    inputs = _raw("single", [1, 0], [1, 0])
    inputs["randomness"] = [r, r]
    witness = gen.generate(inputs)
    assert r1cs.is_satisfied(witness)
    assert witness[3:5] == list(G.mul(r).to_affine())
    scopes = ("ballot.option", "ballot.poll_key")
    checked = sum(1 for n in gen.wire_names if any(s in n for s in scopes))
    assert checked > 2 * 1500
    assert _free_wires(r1cs, gen, witness, scopes) == []
