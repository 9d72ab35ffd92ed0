"""Groth16 and its snarkjs JSON refuse malformed input with typed errors, never a bare False,
a crash or a silently repaired value."""

import json
import random

import pytest

from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS as P
from zkvote.field import FR_MODULUS as R
from zkvote.g1 import G1
from zkvote.snark.keys import Proof, VerifyingKey
from zkvote.snark.prover import prove
from zkvote.snark.r1cs import R1CS
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.snarkjs_json import (
    proof_from_json,
    proof_to_json,
    public_from_json,
    public_to_json,
    verifying_key_from_json,
    verifying_key_to_json,
)
from zkvote.snark.verifier import batch_verify, find_invalid, verify

# x * y = z with z public.
MUL = R1CS(n_wires=4, n_pub_out=1, n_pub_in=0, n_prv_in=2, n_labels=4,
           constraints=[({2: 1}, {3: 1}, {1: 1})])
WITNESS = [1, 33, 3, 11]
# On the twist E'(Fq2) but not in G2 (the cofactor is ~2^254).
OUTSIDE_G2 = [
    ["5", "1"],
    ["1408319067812452414633879940013592055621582375252427422757364816067320890688",
     "16043447076329872375887584556683436513165016484529127304231559706947902103147"],
    ["1", "0"],
]


@pytest.fixture(scope="module")
def pk():
    return insecure_single_party_setup(MUL, rng=random.Random(7))


@pytest.fixture(scope="module")
def proof(pk):
    return prove(pk, MUL, WITNESS, rng=random.Random(8))


@pytest.fixture
def vk_doc(pk):
    return json.loads(verifying_key_to_json(pk.vk))


@pytest.fixture
def proof_doc(proof):
    return json.loads(proof_to_json(proof))


# ---- verify / batch_verify


@pytest.mark.parametrize("public", [[], [33, 1]])
def test_wrong_number_of_public_inputs_raises(pk, proof, public):
    with pytest.raises(InvalidArgument):
        verify(pk.vk, public, proof)
    with pytest.raises(InvalidArgument):
        batch_verify(pk.vk, [(public, proof)])


@pytest.mark.parametrize("value", [R, R + 33, -1])
def test_public_input_outside_the_field_raises(pk, proof, value):
    with pytest.raises(FieldRangeError):
        verify(pk.vk, [value], proof)


@pytest.mark.parametrize("public", [["33"], [True], [33.0], "3", None])
def test_wrongly_typed_public_inputs_raise(pk, proof, public):
    with pytest.raises(InvalidEncoding):
        verify(pk.vk, public, proof)


def test_wrongly_typed_key_or_proof_raises(pk, proof):
    with pytest.raises(InvalidEncoding):
        verify(pk, [33], proof)
    with pytest.raises(InvalidEncoding):
        verify(pk.vk, [33], (proof.a_g1, proof.b_g2, proof.c_g1))
    with pytest.raises(InvalidEncoding):
        batch_verify(pk.vk, [proof])
    with pytest.raises(InvalidEncoding):
        find_invalid(pk.vk, [([33], proof), ([33], "proof")])


def test_structures_refuse_points_of_the_wrong_group(pk, proof):
    with pytest.raises(InvalidEncoding):
        Proof(a_g1=proof.a_g1, b_g2=proof.a_g1, c_g1=proof.c_g1)
    with pytest.raises(InvalidEncoding):
        VerifyingKey(alpha_g1=pk.vk.alpha_g1, beta_g2=pk.vk.beta_g2, gamma_g2=pk.vk.gamma_g2,
                     delta_g2=pk.vk.delta_g2, gamma_abc_g1=(pk.vk.alpha_g1, (1, 2)))
    with pytest.raises(InvalidArgument):
        VerifyingKey(alpha_g1=pk.vk.alpha_g1, beta_g2=pk.vk.beta_g2, gamma_g2=pk.vk.gamma_g2,
                     delta_g2=pk.vk.delta_g2, gamma_abc_g1=())


# ---- prove


@pytest.mark.parametrize("witness, error", [
    ([1, 33, 3], InvalidEncoding),
    ([2, 66, 3, 11], InvalidEncoding),
    ([1, 33, 3, R + 11], FieldRangeError),
    ([1, 33, 3, "11"], InvalidEncoding),
])
def test_malformed_witness_raises(pk, witness, error):
    with pytest.raises(error):
        prove(pk, MUL, witness)


def test_key_for_another_circuit_raises(pk):
    other = R1CS(n_wires=4, n_pub_out=1, n_pub_in=1, n_prv_in=1, n_labels=4,
                 constraints=[({2: 1}, {3: 1}, {1: 1})])
    with pytest.raises(InvalidArgument):
        prove(pk, other, WITNESS)


# ---- snarkjs JSON


def test_point_off_the_curve_raises_invalid_point(vk_doc, proof_doc):
    proof_doc["pi_a"][1] = str((int(proof_doc["pi_a"][1]) + 1) % P)
    with pytest.raises(InvalidPoint):
        proof_from_json(proof_doc)
    vk_doc["IC"][0] = ["0", "0", "1"]  # the EIP-197 identity encoding is not snarkjs's
    with pytest.raises(InvalidPoint):
        verifying_key_from_json(vk_doc)


def test_g2_point_off_the_twist_raises_invalid_point(proof_doc):
    proof_doc["pi_b"][1][0] = str((int(proof_doc["pi_b"][1][0]) + 1) % P)
    with pytest.raises(InvalidPoint):
        proof_from_json(proof_doc)


def test_g2_point_outside_the_subgroup_raises_not_in_subgroup(vk_doc, proof_doc):
    proof_doc["pi_b"] = OUTSIDE_G2
    with pytest.raises(NotInSubgroup):
        proof_from_json(proof_doc)
    vk_doc["vk_delta_2"] = OUTSIDE_G2
    with pytest.raises(NotInSubgroup):
        verifying_key_from_json(vk_doc)


def test_coordinate_not_below_p_raises_field_range_error(proof_doc):
    x = int(proof_doc["pi_c"][0])
    proof_doc["pi_c"][0] = str(x + P)
    with pytest.raises(FieldRangeError):
        proof_from_json(proof_doc)


@pytest.mark.parametrize("bad", ["033", "+33", "-1", " 33", "0x21", "3.3", "", 33, None])
def test_non_canonical_decimal_raises_invalid_encoding(proof_doc, bad):
    proof_doc["pi_a"][0] = bad
    with pytest.raises(InvalidEncoding):
        proof_from_json(proof_doc)
    with pytest.raises(InvalidEncoding):
        public_from_json([bad])


@pytest.mark.parametrize("z", [["2"], ["0"]])
def test_unnormalised_or_ambiguous_z_raises(proof_doc, z):
    proof_doc["pi_a"][2] = z[0]  # z = 0 with x, y of a real point is no valid identity form
    with pytest.raises(InvalidEncoding):
        proof_from_json(proof_doc)


def test_unnormalised_g2_z_raises(proof_doc):
    proof_doc["pi_b"][2] = ["1", "1"]
    with pytest.raises(InvalidEncoding):
        proof_from_json(proof_doc)


@pytest.mark.parametrize("field, value", [("protocol", "plonk"), ("curve", "bls12381"),
                                          ("protocol", None)])
def test_other_protocol_or_curve_raises(vk_doc, proof_doc, field, value):
    vk_doc[field] = value
    proof_doc[field] = value
    with pytest.raises(InvalidEncoding):
        verifying_key_from_json(vk_doc)
    with pytest.raises(InvalidEncoding):
        proof_from_json(proof_doc)


@pytest.mark.parametrize("n_public", [0, 2])
def test_n_public_disagreeing_with_ic_raises(vk_doc, n_public):
    vk_doc["nPublic"] = n_public
    with pytest.raises(InvalidArgument):
        verifying_key_from_json(vk_doc)


@pytest.mark.parametrize("value", ["1", -1, True, None])
def test_malformed_n_public_raises(vk_doc, value):
    vk_doc["nPublic"] = value
    with pytest.raises(InvalidEncoding):
        verifying_key_from_json(vk_doc)


@pytest.mark.parametrize("key", ["vk_alpha_1", "vk_gamma_2", "IC", "pi_a"])
def test_missing_or_truncated_fields_raise(vk_doc, proof_doc, key):
    doc = proof_doc if key == "pi_a" else vk_doc
    parse = proof_from_json if key == "pi_a" else verifying_key_from_json
    doc[key] = doc[key][:1]
    with pytest.raises(InvalidArgument if key == "IC" else InvalidEncoding):
        parse(doc)
    del doc[key]
    with pytest.raises(InvalidEncoding):
        parse(doc)


def test_public_signal_not_below_r_raises_field_range_error():
    with pytest.raises(FieldRangeError):
        public_from_json(json.dumps([str(R)]))
    with pytest.raises(FieldRangeError):
        public_to_json([R])


@pytest.mark.parametrize("text", ["", "[", b"\xff", "{\"a\": 1}", "[[\"1\"]]",
                                  "[" + "9" * 5000 + "]"])  # beyond int()'s 4300 digits
def test_malformed_json_text_raises_invalid_encoding(text):
    with pytest.raises(InvalidEncoding):
        public_from_json(text)
    with pytest.raises(InvalidEncoding):
        proof_from_json(text)


@pytest.mark.parametrize("text", ["[" * 100000, "[" * 50000 + "]" * 50000,
                                  "{\"pi_a\": " * 20000 + "1" + "}" * 20000])
def test_deeply_nested_json_is_refused_without_crashing(text):
    # json's C scanner can overflow the C stack on such input (a segfault under pytest)
    with pytest.raises(InvalidEncoding):
        public_from_json(text)
    with pytest.raises(InvalidEncoding):
        verifying_key_from_json(text)


def test_identity_points_have_a_unique_form(proof_doc):
    proof_doc["pi_a"] = ["0", "1", "0"]
    assert proof_from_json(proof_doc).a_g1 == G1.identity()
    proof_doc["pi_a"] = ["1", "1", "0"]
    with pytest.raises(InvalidEncoding):
        proof_from_json(proof_doc)
    proof_doc["pi_b"] = [["0", "0"], ["0", "0"], ["0", "0"]]
    with pytest.raises(InvalidEncoding):
        proof_from_json(proof_doc)
