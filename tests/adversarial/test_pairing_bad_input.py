"""The pairing API refuses malformed input: wrong types, malformed pair lists, GT encodings
that are mis-sized, non-canonical or outside GT."""

import pytest

from zkvote._native import pairing as native
from zkvote._reference import pairing as reference
from zkvote.errors import FieldRangeError, InvalidEncoding, InvalidPoint, NotInSubgroup
from zkvote.field import FQ_MODULUS as P
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.pairing import GT, final_exponentiation, miller_loop, pairing, pairing_check

G1_GEN, G2_GEN = G1.generator(), G2.generator()


@pytest.mark.parametrize("args", [
    (G2_GEN, G1_GEN),  # swapped
    (G1_GEN, G1_GEN),
    ((1, 2), G2_GEN),  # raw tuples bypass validation: refused
    (G1_GEN, G2_GEN.to_affine()),
    (None, G2_GEN),
])
def test_pairing_rejects_arguments_that_are_not_points_of_the_right_group(args):
    with pytest.raises(InvalidEncoding):
        pairing(*args)


@pytest.mark.parametrize("pairs", [
    [G1_GEN, G2_GEN],  # not a list of pairs
    [(G1_GEN, G2_GEN, G2_GEN)],
    [(G1_GEN,)],
    [(G2_GEN, G1_GEN)],
    ["ab"],
])
def test_pairing_check_rejects_malformed_pair_lists(pairs):
    with pytest.raises(InvalidEncoding):
        pairing_check(pairs)
    with pytest.raises(InvalidEncoding):
        miller_loop(pairs)


@pytest.mark.parametrize("length", [0, 32, 383, 385])
def test_gt_encoding_of_the_wrong_length_is_rejected(length):
    with pytest.raises(InvalidEncoding):
        GT.from_bytes(bytes(length))
    for backend in (native, reference):
        with pytest.raises(InvalidEncoding):
            backend.fq12_from_bytes(bytes(length))


@pytest.mark.parametrize("index", [0, 5, 11])
def test_gt_coordinate_not_below_p_is_rejected(index):
    coords = [1] + [0] * 11
    coords[index] = P
    data = b"".join(c.to_bytes(32, "little") for c in coords)
    with pytest.raises(FieldRangeError):
        GT.from_bytes(data)
    for backend in (native, reference):
        with pytest.raises(FieldRangeError):
            backend.fq12_from_bytes(data)


def test_fq12_value_outside_gt_is_rejected():
    data = b"".join(c.to_bytes(32, "little") for c in [2] + [0] * 11)
    with pytest.raises(NotInSubgroup):
        GT.from_bytes(data)
    with pytest.raises(NotInSubgroup):
        GT.from_bytes(bytes(384))  # zero is not even invertible


@pytest.mark.parametrize("value", ["00" * 384, None, 7])
def test_gt_from_non_bytes_is_rejected(value):
    with pytest.raises(InvalidEncoding):
        GT.from_bytes(value)


def test_gt_values_cannot_be_built_around_the_validation():
    with pytest.raises(TypeError):
        GT((2,) + (0,) * 11)
    with pytest.raises(AttributeError):
        GT.one()._f = (2,) + (0,) * 11


def test_final_exponentiation_rejects_non_gt_input():
    with pytest.raises(InvalidEncoding):
        final_exponentiation((1,) + (0,) * 11)


def test_native_slice_refuses_an_off_curve_g1_point():
    with pytest.raises(InvalidPoint):
        native.pairing((1, 3), G2_GEN.to_affine())


def test_gt_exponent_must_be_an_int():
    with pytest.raises(TypeError):
        GT.one() ** 1.5
