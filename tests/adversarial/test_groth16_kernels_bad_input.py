"""Bad keys for the Groth16 prover kernels: each class of malformed coefficient or point is
a typed error naming the entry, in both backends."""

import struct

import pytest

from zkvote._native import groth16 as native
from zkvote._reference import groth16 as reference
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS, FR_MODULUS

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
