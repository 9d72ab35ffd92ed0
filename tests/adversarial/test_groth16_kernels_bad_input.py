"""Bad keys for the Groth16 prover kernels: each class of malformed coefficient or point is
a typed error naming the entry, in both backends."""

import struct

import pytest
from g2_points import twist_point

from zkvote._native import groth16 as native
from zkvote._reference import g2 as reference_g2
from zkvote._reference import groth16 as reference
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.g2 import G2

P, MONT = FQ_MODULUS, 1 << 256
SLICES = pytest.mark.parametrize("slice_", [native, reference])
# On the twist, not in G2: x = 5 + u and this y (as in test_zkey_bad_input.py).
OUTSIDE_G2_Y = (
    1408319067812452414633879940013592055621582375252427422757364816067320890688,
    16043447076329872375887584556683436513165016484529127304231559706947902103147)


def coefficient(matrix: int, row: int, wire: int, stored: int) -> bytes:
    return struct.pack("<III", matrix, row, wire) + stored.to_bytes(32, "little")


def key_sections(**changes) -> dict[str, bytes]:
    sections = {"coefficients": coefficient(0, 0, 0, 1), "a": bytes(64 * 2),
                "b1": bytes(64 * 2), "b2": bytes(128 * 2), "c": bytes(64), "h": bytes(64 * 2)}
    sections.update(changes)
    return sections


@SLICES
@pytest.mark.parametrize("entry", [coefficient(2, 0, 0, 1), coefficient(0, 2, 0, 1),
                                   coefficient(0, 0, 2, 1)])
def test_a_coefficient_out_of_place_is_rejected(slice_, entry):
    with pytest.raises(InvalidEncoding, match="coefficient 1"):
        slice_.load_key(key_sections(coefficients=coefficient(0, 0, 0, 1) + entry), 2, 0, 2, 2)


@SLICES
def test_a_coefficient_not_below_r_is_rejected(slice_):
    with pytest.raises(FieldRangeError, match="coefficient 0"):
        slice_.load_key(key_sections(coefficients=coefficient(0, 0, 0, FR_MODULUS)), 2, 0, 2, 1)


@SLICES
@pytest.mark.parametrize("name", ["a", "b1", "h"])
def test_a_coordinate_not_below_p_is_rejected(slice_, name):
    bad = bytes(64) + P.to_bytes(32, "little") + bytes(32)
    with pytest.raises(FieldRangeError, match="point 1"):
        slice_.load_key(key_sections(**{name: bad}), 2, 0, 2, 1)


@SLICES
def test_a_g1_point_off_the_curve_is_rejected(slice_):
    one = (MONT % P).to_bytes(32, "little")
    with pytest.raises(InvalidPoint, match="A point 0"):
        slice_.load_key(key_sections(a=one + one + bytes(64)), 2, 0, 2, 1)


@SLICES
def test_a_g2_point_off_the_twist_is_rejected(slice_):
    one = (MONT % P).to_bytes(32, "little")
    with pytest.raises(InvalidPoint, match="B2 point 1"):
        slice_.load_key(key_sections(b2=bytes(128) + one * 4), 2, 0, 2, 1)


@SLICES
def test_a_g2_point_outside_the_subgroup_is_rejected_unless_told_not_to_check(slice_):
    coords = [5, 1, *OUTSIDE_G2_Y]
    raw = b"".join((c * MONT % P).to_bytes(32, "little") for c in coords)
    with pytest.raises(NotInSubgroup, match="B2 point 0"):
        slice_.load_key(key_sections(b2=raw + bytes(128)), 2, 0, 2, 1)
    slice_.load_key(key_sections(b2=raw + bytes(128)), 2, 0, 2, 1, check_subgroup=False)


def test_eval_ab_refuses_coefficients_it_was_not_given_room_for():
    with pytest.raises(InvalidArgument):
        native.eval_ab(coefficient(0, 4, 0, 1), 1, 4, [1])


# ---- circuits of our own: LC tables, witness programs, circuit keys, the batched check

@SLICES
def test_a_linear_combination_naming_a_wire_outside_the_circuit_is_rejected(slice_):
    with pytest.raises(InvalidArgument):
        slice_.lc_table([{0: 1}, {3: 5}], 3)


@SLICES
def test_a_linear_combination_coefficient_not_below_r_is_rejected(slice_):
    with pytest.raises(FieldRangeError):
        slice_.lc_table([{0: FR_MODULUS}], 2)


def _no_hint(hint_id, values):
    raise AssertionError("no hint expected")


@SLICES
@pytest.mark.parametrize("code", [
    [7, 0, 0],            # unknown op
    [0, 1, 0],            # truncated MUL
    [1, 1, 5],            # LC index out of range
    [1, 9, 0],            # output wire out of range
    [3, 0, 0, 0],         # truncated CHECK
    [2, 0, 1, 9, 1, 1],   # hint input LC out of range
    [2, 0, 0, 1, 9],      # hint output wire out of range
])
def test_a_malformed_witness_program_is_rejected_when_it_runs(slice_, code):
    program = slice_.witness_program(code, [{0: 1}], 3)
    with pytest.raises(InvalidArgument):
        slice_.witness_run(program, {}, lambda hint_id, values: [1])


@SLICES
@pytest.mark.parametrize("outputs", [[], [1, 2], [FR_MODULUS]])
def test_a_hint_result_of_the_wrong_size_or_range_is_rejected(slice_, outputs):
    program = slice_.witness_program([2, 0, 0, 1, 1], [{0: 1}], 2)
    with pytest.raises(InvalidArgument):
        slice_.witness_run(program, {}, lambda hint_id, values: outputs)


@SLICES
def test_a_circuit_key_with_more_rows_than_its_domain_is_rejected(slice_):
    points = {"a": [None], "b1": [None], "b2": [None], "c": [], "h": [None, None]}
    with pytest.raises(InvalidArgument):
        slice_.circuit_key(points, [({0: 1}, {}, {})] * 3, 0, 2)


@SLICES
def test_a_circuit_key_point_off_the_curve_is_rejected(slice_):
    points = {"a": [(1, 1)], "b1": [None], "b2": [None], "c": [], "h": [None, None]}
    with pytest.raises(InvalidPoint):
        slice_.circuit_key(points, [({0: 1}, {}, {})], 0, 2)


@SLICES
def test_the_batched_subgroup_check_refuses_the_wrong_amount_of_randomness(slice_):
    with pytest.raises(InvalidArgument):
        slice_.g2_subgroup_batch([G2.generator().to_affine()], b"\x01")


@SLICES
def test_a_g2_point_with_a_small_order_component_is_caught_by_the_batched_check(slice_):
    # P + T with T of order 10069 (the twist cofactor's smallest prime): the random
    # combinations must see T; one whose coefficient of P + T is divisible by 10069 (in the
    # signed 10-bit range, only 0) cannot, which is why the check draws thirteen of them.
    h = 2 * P - FR_MODULUS
    t = reference_g2.mul(twist_point(5, 1), FR_MODULUS * h // 10069)
    assert t is not None and reference_g2.mul(t, 10069) is None
    bad = reference_g2.add((G2.generator() * 3).to_affine(), t)
    points = [(G2.generator() * 7).to_affine(), bad]
    reps, size = slice_.SUBGROUP_REPS, slice_.SUBGROUP_RHO_BYTES
    caught = (bytes([1, 0, 1, 0]) * reps)[: reps * 2 * size]
    blind = (bytes([1, 0]) + (11 << 10).to_bytes(2, "little")) * reps  # low 10 bits 0
    assert not slice_.g2_subgroup_batch(points, caught)
    assert slice_.g2_subgroup_batch(points, blind)  # the 1-in-1024 event, forced


@SLICES
@pytest.mark.parametrize("word", [-1, 2**32])
def test_a_witness_program_word_outside_u32_is_rejected(slice_, word):
    with pytest.raises(InvalidArgument):
        slice_.witness_program([1, 0, word], [{0: 1}], 2)
