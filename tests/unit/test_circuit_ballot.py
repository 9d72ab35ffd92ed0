"""The ballot circuit: public signal layout, every rule preset proven by the witness generator
with ciphertexts equal to Python's Enc, the Python rule check, input validation, constraint
counts, and one Groth16 proof end to end that binds every public signal."""

import random

import pytest
from zkvote.circuits.ballot import (
    RULE_PARAMETERS,
    RuleParams,
    ballot_circuit,
    ballot_public_inputs,
    ballot_witness_inputs,
    check_rule,
    circuit_id,
    compiled_ballot_circuit,
    preset,
    public_signal_names,
)

from zkvote.babyjub import GENERATOR, ORDER, Point
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidBallot,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FR_MODULUS as R
from zkvote.identity import Identity, weighted_commitment
from zkvote.merkle import LeafNotFound, LeanIMT
from zkvote.snark.prover import prove
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.verifier import verify

DEPTH = 4
SCOPE = 0xBA110
G = Point.base8()
KEY = G.mul(987654321987654321)
MEMBERS = [Identity(f"ballot member {i}") for i in range(6)]
CREDITS = [7, 20, 3, 100, 1, 55]
GROUP = LeanIMT([m.commitment for m in MEMBERS])
WEIGHTED_GROUP = LeanIMT([weighted_commitment(m.public_key, w)
                          for m, w in zip(MEMBERS, CREDITS, strict=True)])

# (preset, K, keywords, a valid vote, member index); weighted votes use CREDITS[member].
VALID_VOTES = [
    ("single", 3, {}, [0, 1, 0], 0),
    ("referendum", 3, {}, [0, 0, 1], 1),
    ("approval", 4, {"k": 2}, [1, 0, 0, 1], 2),
    ("quadratic", 3, {"credits": 10}, [3, 0, 1], 3),
    ("quadratic", 3, {"credits": 10, "spend_all": 1}, [0, 1, 3], 3),
    ("budget", 3, {"budget": 10}, [6, 0, 4], 4),
    ("score", 3, {"max_score": 5}, [5, 0, 2], 5),
    ("borda", 4, {}, [2, 0, 3, 1], 0),
    ("weighted", 3, {}, [0, 20, 0], 1),
]


def _randomness(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(ORDER) for _ in range(n)]


def _ciphertexts(votes, rs, key=KEY):
    return [(G.mul(r), G.mul(v) + key.mul(r)) for v, r in zip(votes, rs, strict=True)]


def _inputs(name, k, kw, votes, member, rs=None):
    params = preset(name, k, **kw)
    rs = _randomness(k, member) if rs is None else rs
    group, credits = (WEIGHTED_GROUP, CREDITS[member]) if params.weighted else (GROUP, 0)
    inputs = ballot_witness_inputs(MEMBERS[member], group, SCOPE, KEY, votes, rs, params, DEPTH,
                                   credits=credits)
    return params, rs, group, inputs


def _coordinates(cts):
    return [xy for pair in cts for p in pair for xy in p.to_affine()]


@pytest.mark.parametrize("name, k, kw, votes, member", VALID_VOTES,
                         ids=[f"{v[0]}-{v[3]}" for v in VALID_VOTES])
def test_valid_vote_of_every_preset_satisfies_the_circuit(name, k, kw, votes, member):
    r1cs, gen = compiled_ballot_circuit(k, DEPTH)
    params, rs, group, inputs = _inputs(name, k, kw, votes, member)
    witness = gen.generate(inputs)
    assert r1cs.is_satisfied(witness)
    cts = _ciphertexts(votes, rs)
    public = ballot_public_inputs(group.root, MEMBERS[member].nullifier(SCOPE), SCOPE, KEY,
                                  cts, params)
    assert witness[1:1 + r1cs.n_public] == public
    assert witness[3:3 + 4 * k] == _coordinates(cts)


def test_public_signals_are_in_the_documented_order():
    r1cs, gen = compiled_ballot_circuit(3, DEPTH)
    names = public_signal_names(3)
    assert r1cs.n_public == len(names) == 4 * 3 + 15
    assert (r1cs.n_pub_out, r1cs.n_pub_in) == (2 + 12, 13)
    for wire_name, name in zip(gen.wire_names[1:1 + r1cs.n_public], names, strict=True):
        assert wire_name.endswith("." + name)
    assert names[-10:] == list(RULE_PARAMETERS)
    assert names[:4] == ["merkleRoot", "nullifier", "ciphertext[0].c1x", "ciphertext[0].c1y"]


def test_public_inputs_accept_objects_with_c1_and_c2():
    class Ciphertext:
        def __init__(self, c1, c2):
            self.c1, self.c2 = c1, c2

    cts = _ciphertexts([1, 0], [5, 6])
    params = preset("single", 2)
    as_pairs = ballot_public_inputs(1, 2, 3, KEY, cts, params)
    as_objects = ballot_public_inputs(1, 2, 3, KEY, [Ciphertext(*ct) for ct in cts], params)
    assert as_pairs == as_objects == [1, 2, *_coordinates(cts), 3, *KEY.to_affine(),
                                      *params.as_inputs()]


def test_public_inputs_refuse_bad_poll_keys_and_values():
    cts = _ciphertexts([1, 0], [5, 6])
    params = preset("single", 2)
    with pytest.raises(InvalidPoint):
        ballot_public_inputs(1, 2, 3, Point.identity(), cts, params)
    with pytest.raises(NotInSubgroup):
        ballot_public_inputs(1, 2, 3, Point.from_affine(*GENERATOR, subgroup=False), cts,
                             params)
    with pytest.raises(InvalidEncoding):
        ballot_public_inputs(1, 2, 3, KEY.to_affine(), cts, params)
    with pytest.raises(FieldRangeError):
        ballot_public_inputs(R, 2, 3, KEY, cts, params)
    with pytest.raises(InvalidEncoding):
        ballot_public_inputs(1, 2, 3, KEY, [(cts[0][0].to_affine(), cts[0][1]), cts[1]],
                             params)
    with pytest.raises(InvalidEncoding):
        ballot_public_inputs(1, 2, 3, KEY, [cts[0][0], cts[1]], params)
    with pytest.raises(InvalidArgument):  # a Borda count of 2 options cannot rank 3
        ballot_public_inputs(1, 2, 3, KEY, cts[:1] * 3, preset("borda", 2))
    with pytest.raises(InvalidArgument):
        ballot_public_inputs(1, 2, 3, KEY, cts[:1] * 65, params)


def test_witness_inputs_refuse_non_members_and_wrong_credits():
    params = preset("single", 3)
    rs = _randomness(3, 1)
    with pytest.raises(LeafNotFound):
        ballot_witness_inputs(Identity("outsider"), GROUP, SCOPE, KEY, [1, 0, 0], rs, params,
                              DEPTH)
    weighted = preset("weighted", 3)
    with pytest.raises(LeafNotFound, match="credits"):
        ballot_witness_inputs(MEMBERS[1], WEIGHTED_GROUP, SCOPE, KEY, [0, 21, 0], rs,
                              weighted, DEPTH, credits=21)
    with pytest.raises(LeafNotFound):  # an unweighted leaf is not in a weighted group
        ballot_witness_inputs(MEMBERS[1], WEIGHTED_GROUP, SCOPE, KEY, [0, 1, 0], rs, params,
                              DEPTH)


def test_witness_inputs_refuse_an_invalid_vote_before_proving():
    rs = _randomness(3, 2)
    with pytest.raises(InvalidBallot, match="total 2 above maxTotal 1"):
        ballot_witness_inputs(MEMBERS[0], GROUP, SCOPE, KEY, [1, 1, 0], rs,
                              preset("single", 3), DEPTH)


def test_witness_inputs_validation():
    params, member, votes = preset("single", 3), MEMBERS[0], [1, 0, 0]
    rs = _randomness(3, 3)
    with pytest.raises(FieldRangeError):
        ballot_witness_inputs(member, GROUP, SCOPE, KEY, votes, [0, 1 << 251, 0], params,
                              DEPTH)
    with pytest.raises(InvalidArgument):
        ballot_witness_inputs(member, GROUP, SCOPE, KEY, votes, rs[:2], params, DEPTH)
    with pytest.raises(InvalidEncoding):
        ballot_witness_inputs(member, GROUP, SCOPE, KEY, votes, [1.0, 2, 3], params, DEPTH)
    with pytest.raises(FieldRangeError):
        ballot_witness_inputs(member, GROUP, R, KEY, votes, rs, params, DEPTH)
    with pytest.raises(InvalidPoint):
        ballot_witness_inputs(member, GROUP, SCOPE, Point.identity(), votes, rs, params,
                              DEPTH)
    with pytest.raises(InvalidEncoding):
        ballot_witness_inputs(member.commitment, GROUP, SCOPE, KEY, votes, rs, params, DEPTH)
    with pytest.raises(InvalidArgument, match="depth"):
        ballot_witness_inputs(member, GROUP, SCOPE, KEY, votes, rs, params, 2)
    for bad in ((0, 4), (65, 4), (3, 0), (3, 33), (True, 4)):
        with pytest.raises(InvalidArgument):
            ballot_circuit(*bad)


@pytest.mark.parametrize("votes, params, credits, message", [
    ([1, 1, 0], preset("single", 3), 0, "total 2 above maxTotal 1"),
    ([0, 0, 0], preset("single", 3), 0, "total 0 below minTotal 1"),
    ([0, 2, 0], preset("single", 3), 0, "option 1: value 2 above maxValue 1"),
    ([1, 1, 1], preset("approval", 3, k=2), 0, "total 3 above maxTotal 2"),
    ([3, 1, 1], preset("quadratic", 3, credits=10), 0, "cost 11 above the budget 10"),
    ([3, 0, 0], preset("quadratic", 3, credits=10, spend_all=1), 0, "must equal the budget"),
    ([6, 0, 5], preset("budget", 3, budget=10), 0, "total 11 above maxTotal 10"),
    ([6, 0, 5], preset("score", 3, max_score=5), 0, "option 0: value 6 above maxValue 5"),
    ([3, 3, 0, 3], preset("borda", 4), 0, "total 9 above maxTotal 6"),
    ([1, 1, 2, 2], preset("borda", 4), 0, "options 0 and 1 have the same value 1"),
    ([3, 3, 0], preset("borda", 3), 0, "option 0: value 3 above maxValue 2"),
    ([0, 8, 0], preset("weighted", 3), 7, r"cost 8 above the budget 7 \(the member's"),
    ([0, 6, 0], preset("weighted", 3), 7, "must equal the budget 7"),
    ([3, 4, 0], preset("weighted", 3), 7, "2 nonzero options, above maxNonzero 1"),
    ([1 << 32, 0], preset("score", 2, max_score=5), 0, "not a 32-bit"),
    ([-1, 0], preset("score", 2, max_score=5), 0, "not a 32-bit"),
])
def test_python_rule_check_names_the_broken_condition(votes, params, credits, message):
    with pytest.raises((InvalidBallot, InvalidArgument), match=message):
        check_rule(votes, params, credits)


def test_python_rule_check_accepts_every_valid_preset_vote():
    for name, k, kw, votes, member in VALID_VOTES:
        params = preset(name, k, **kw)
        check_rule(votes, params, CREDITS[member] if params.weighted else 0)


def test_presets_have_the_documented_parameters():
    assert preset("single", 4) == RuleParams(0, 1, 1, 1, 1, False, 1, False, False, False)
    assert preset("quadratic", 2, credits=99).max_value == 9
    assert preset("quadratic", 2, credits=99).max_cost == 99
    borda = preset("borda", 5)
    assert (borda.unique, borda.max_value, borda.min_total, borda.max_total) == (1, 4, 10, 10)
    weighted = preset("weighted", 4)
    assert (weighted.weighted, weighted.spend_all, weighted.max_nonzero) == (1, 1, 1)
    assert preset("approval", 5).max_total == 5
    assert preset("single", 2).as_inputs() == [0, 1, 1, 1, 1, 0, 1, 0, 0, 0]


@pytest.mark.parametrize("call", [
    lambda: preset("plurality", 3),
    lambda: preset("referendum", 2),
    lambda: preset("quadratic", 3),
    lambda: preset("score", 3, max_score=5, budget=2),
    lambda: preset("approval", 3, k=4),  # max_total above K * max_value
    lambda: preset("single", 0),
    lambda: preset("single", 65),
])
def test_bad_presets_are_refused(call):
    with pytest.raises(InvalidArgument):
        call()


@pytest.mark.parametrize("change", [
    {"min_value": 2, "max_value": 1},
    {"min_total": 3, "max_total": 2},
    {"max_value": 1 << 32},
    {"max_total": 1 << 40, "min_total": 0},
    {"max_cost": 1 << 72},
    {"max_nonzero": 256},
    {"quadratic": 2},
    {"unique": True},  # values 0..1 cannot be distinct across 3 options
    {"min_total": 3, "max_total": 3, "max_nonzero": 2},
    {"min_value": 1, "max_nonzero": 2, "max_total": 3},
    {"max_cost": 0, "min_value": 1, "max_total": 3},
])
def test_impossible_or_out_of_range_parameters_are_refused(change):
    params = preset("approval", 3)._replace(**change)
    with pytest.raises(InvalidArgument):
        params.validate(3)


def test_parameter_types_are_checked():
    with pytest.raises(InvalidEncoding):
        preset("approval", 3)._replace(max_total=3.0).validate(3)
    with pytest.raises(InvalidEncoding):
        preset("approval", 3)._replace(max_value=True).validate(3)


def test_circuit_id_names_the_sizes():
    assert circuit_id(8, 20) == "zkvote-ballot-v1-k8-d20"
    with pytest.raises(InvalidArgument):
        circuit_id(0, 20)


@pytest.mark.parametrize("k, expected", [(2, 11_779), (8, 21_952)])
def test_constraint_count_fits_a_2_to_15_domain_at_8_options(k, expected):
    report = ballot_circuit(k, 20).constraint_report()
    assert report[""] == expected
    assert report["membership"] + report["identity"] + report["nullifier"] == 6_155
    assert report["poll_key"] == 1_263
    assert all(report[f"option{i}"] == 1_589 for i in range(k))
    assert expected + 4 * k + 16 <= 1 << 15


@pytest.fixture(scope="module")
def groth16_ballot():
    k, depth = 2, 2
    r1cs, gen = compiled_ballot_circuit(k, depth)
    keys = insecure_single_party_setup(r1cs, rng=random.Random(7))
    group = LeanIMT([m.commitment for m in MEMBERS[:4]])
    params = preset("approval", k)
    rs = _randomness(k, 9)
    witness = gen.generate(ballot_witness_inputs(MEMBERS[3], group, SCOPE, KEY, [1, 1], rs,
                                                 params, depth))
    public = ballot_public_inputs(group.root, MEMBERS[3].nullifier(SCOPE), SCOPE, KEY,
                                  _ciphertexts([1, 1], rs), params)
    return keys, prove(keys, r1cs, witness), public


@pytest.mark.slow
def test_groth16_ballot_proof_verifies_and_binds_every_public_signal(groth16_ballot):
    keys, proof, public = groth16_ballot
    assert verify(keys.vk, public, proof)
    for i, name in enumerate(public_signal_names(2)):
        tampered = list(public)
        tampered[i] = (tampered[i] + 1) % R
        assert not verify(keys.vk, tampered, proof), name


@pytest.mark.slow
def test_groth16_ballot_proof_does_not_verify_for_swapped_ciphertexts(groth16_ballot):
    keys, proof, public = groth16_ballot
    swapped = public[:2] + public[6:10] + public[2:6] + public[10:]
    assert swapped != public
    assert not verify(keys.vk, swapped, proof)


def test_weighted_leaf_is_poseidon_of_the_key_and_the_credits():
    from zkvote.poseidon import poseidon

    member = MEMBERS[0]
    assert weighted_commitment(member.public_key, 7) == poseidon([*member.public_key, 7])
    assert weighted_commitment(member.public_key, 7) != weighted_commitment(member.public_key, 8)
    with pytest.raises(NotInSubgroup):
        weighted_commitment(GENERATOR, 7)
    with pytest.raises(FieldRangeError):
        weighted_commitment(member.public_key, R)
