"""Prepared G2 points and GT exponentiation refuse malformed input: a PreparedG2 can only be
built from a validated G2, and the backends' prepare_g2 re-checks the raw point (curve,
subgroup, canonical coordinates), so no invalid point's lines reach a Miller loop."""

import pytest
from g2_points import twist_point

from zkvote._native import g2 as native_g2
from zkvote._native import pairing as native
from zkvote._reference import pairing as reference
from zkvote.errors import FieldRangeError, InvalidEncoding, InvalidPoint, NotInSubgroup
from zkvote.field import FQ_MODULUS as P
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.pairing import GT, PreparedG2, miller_loop, pairing, pairing_check

SLICES = pytest.mark.parametrize("backend", [native, reference], ids=["native", "reference"])
GEN = G2.generator().to_affine()
OFF_CURVE = (GEN[0], (GEN[1][0], (GEN[1][1] + 1) % P))


OUTSIDE = twist_point(5)  # the cofactor is ~2^254: outside G2


@pytest.mark.parametrize("value", [GEN, None, G1.generator(), "G2", OUTSIDE])
def test_prepared_g2_only_takes_a_validated_g2(value):
    with pytest.raises(InvalidEncoding):
        PreparedG2(value)


def test_prepared_g2_is_immutable():
    prepared = PreparedG2(G2.generator())
    with pytest.raises(AttributeError):
        prepared._point = G2.identity()


@SLICES
def test_slice_prepare_refuses_a_twist_point_outside_the_subgroup(backend):
    assert native_g2.is_on_curve(OUTSIDE)
    with pytest.raises(NotInSubgroup):
        backend.prepare_g2(OUTSIDE)


@SLICES
def test_slice_prepare_refuses_a_point_off_the_twist(backend):
    with pytest.raises(InvalidPoint):
        backend.prepare_g2(OFF_CURVE)


@SLICES
def test_slice_prepare_refuses_non_canonical_coordinates(backend):
    (x0, x1), y = GEN
    with pytest.raises(FieldRangeError):
        backend.prepare_g2(((x0 + P, x1), y))


@pytest.mark.parametrize("pair", [
    (PreparedG2(G2.generator()), G1.generator()),  # swapped
    (G1.generator(), GEN),  # raw tuple instead of a point
    (GEN, PreparedG2(G2.generator())),
])
def test_pairs_with_a_prepared_point_in_the_wrong_place_are_rejected(pair):
    with pytest.raises(InvalidEncoding):
        pairing_check([pair])
    with pytest.raises(InvalidEncoding):
        miller_loop([pair])


def test_pairing_of_two_points_does_not_take_a_prepared_point():
    with pytest.raises(InvalidEncoding):
        pairing(G1.generator(), PreparedG2(G2.generator()))


@pytest.mark.parametrize("factor", [(1,) + (0,) * 11, 1, G1.generator()])
def test_pairing_check_factor_must_be_a_gt_value(factor):
    with pytest.raises(InvalidEncoding):
        pairing_check([(G1.generator(), G2.generator())], factor=factor)


@pytest.mark.parametrize("exponent", [1.0, "2", None, True])
def test_gt_pow_refuses_non_int_exponents(exponent):
    with pytest.raises(TypeError):
        GT.one() ** exponent
