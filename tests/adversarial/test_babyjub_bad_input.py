"""Bad input to zkvote.babyjub: each class of malformed point, encoding or scalar is refused,
on both backends (the native slice additionally re-checks points at the C boundary)."""

import pytest

from zkvote._native import babyjub as native_bjj
from zkvote._reference import babyjub as reference_bjj
from zkvote.babyjub import BASE8, GENERATOR, ORDER, Point
from zkvote.backend import use_backend
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FR_MODULUS as R

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])

T2 = (0, R - 1)  # order 2
T8 = reference_bjj.mul(GENERATOR, ORDER)  # order 8
T4 = reference_bjj.double(T8)  # order 4: y = 0
MIXED = reference_bjj.add(BASE8, T8)


def _non_residue_y() -> int:
    # a y for which (1 - y^2) / (a - d y^2) has no square root: no point has it
    for y in range(2, 1000):
        try:
            reference_bjj.unpack(y.to_bytes(32, "little"))
        except InvalidPoint:
            return y
    raise AssertionError("no non-residue y found")


@BACKENDS
def test_off_curve_point_is_rejected(backend):
    with use_backend(backend), pytest.raises(InvalidPoint):
        Point.from_affine(BASE8[0], BASE8[1] + 1)
    with use_backend(backend), pytest.raises(InvalidPoint):
        Point.from_bytes((1).to_bytes(32, "little") + (1).to_bytes(32, "little"))


@BACKENDS
def test_coordinates_at_or_above_r_are_rejected(backend):
    with use_backend(backend):
        # (x + r, y) is BASE8 "mod r": accepting it would make encodings malleable
        for x, y in [(BASE8[0] + R, BASE8[1]), (BASE8[0], BASE8[1] + R), (R, 1), (-1, 1)]:
            with pytest.raises(FieldRangeError):
                Point.from_affine(x, y)
        with pytest.raises(FieldRangeError):
            x_plus_r = (BASE8[0] + R).to_bytes(32, "little")
            Point.from_bytes(x_plus_r + BASE8[1].to_bytes(32, "little"))


@BACKENDS
@pytest.mark.parametrize("torsion", [T2, T4, T8], ids=["order2", "order4", "order8"])
def test_small_order_points_are_rejected(backend, torsion):
    with use_backend(backend):
        with pytest.raises(NotInSubgroup):
            Point.from_affine(*torsion)
        with pytest.raises(NotInSubgroup):
            Point.unpack(reference_bjj.pack(torsion))
        assert Point.from_affine(*torsion, subgroup=False).mul(8).is_identity()


@BACKENDS
def test_mixed_order_point_is_rejected(backend):
    with use_backend(backend):
        with pytest.raises(NotInSubgroup):
            Point.from_affine(*MIXED)
        with pytest.raises(NotInSubgroup):
            Point.unpack(reference_bjj.pack(MIXED))
        with pytest.raises(NotInSubgroup):
            Point.from_bytes(MIXED[0].to_bytes(32, "little") + MIXED[1].to_bytes(32, "little"))
        with pytest.raises(NotInSubgroup):
            Point.from_affine(*GENERATOR)


@BACKENDS
def test_unpack_rejects_y_at_or_above_r(backend):
    with use_backend(backend):
        for y in (R, R + 1, 2**255 - 1):
            for sign in (0, 0x80):
                b = bytearray(y.to_bytes(32, "little"))
                b[31] |= sign
                with pytest.raises(FieldRangeError):
                    Point.unpack(bytes(b), subgroup=False)


@BACKENDS
def test_unpack_rejects_y_with_no_point(backend):
    with use_backend(backend), pytest.raises(InvalidPoint):
        Point.unpack(_non_residue_y().to_bytes(32, "little"), subgroup=False)


@BACKENDS
def test_unpack_rejects_the_second_encoding_of_x_zero(backend):
    # (0, 1) and (0, -1) have x = 0: the sign bit would give them a second encoding
    with use_backend(backend):
        for y in (1, R - 1):
            b = bytearray(y.to_bytes(32, "little"))
            assert Point.unpack(bytes(b), subgroup=False).x == 0
            b[31] |= 0x80
            with pytest.raises(InvalidEncoding):
                Point.unpack(bytes(b), subgroup=False)


@BACKENDS
@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_unpack_rejects_wrong_length(backend, length):
    with use_backend(backend), pytest.raises(InvalidEncoding):
        Point.unpack(bytes(length))


@pytest.mark.parametrize("length", [0, 32, 63, 65])
def test_from_bytes_rejects_wrong_length(length):
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(bytes(length))


@pytest.mark.parametrize("bad", ["1", 1.0, None, True, (1,)])
def test_wrong_types_are_rejected(bad):
    with pytest.raises(InvalidEncoding):
        Point.from_affine(bad, 1)
    with pytest.raises(InvalidEncoding):
        Point.base8().mul(bad)
    with pytest.raises(InvalidEncoding):
        Point.base8().mul_secret(bad)
    with pytest.raises(InvalidEncoding):
        Point.mul_base8(bad)
    with pytest.raises(InvalidEncoding):
        Point.unpack(bad)
    with pytest.raises(InvalidEncoding):
        Point.msm([Point.base8()], [bad])


def test_non_point_operands_are_refused():
    with pytest.raises(TypeError):
        Point.base8() + BASE8  # a tuple is not a Point
    with pytest.raises(InvalidEncoding):
        Point.msm([BASE8], [1])


@pytest.mark.parametrize("k", [-1, 2**256, 2**300])
def test_secret_scalar_out_of_range_is_rejected(k):
    with pytest.raises(FieldRangeError):
        Point.base8().mul_secret(k)
    with pytest.raises(FieldRangeError):
        Point.mul_base8(k)


def test_msm_length_mismatch_is_rejected():
    with pytest.raises(InvalidArgument):
        Point.msm([Point.base8()], [1, 2])


@pytest.mark.parametrize("impl", [native_bjj], ids=["native"])
def test_native_slice_rechecks_points_at_the_c_boundary(impl):
    # the slices may assume validated input, but a bad tuple must not reach the C arithmetic
    with pytest.raises(InvalidPoint):
        impl.add((1, 1), BASE8)
    with pytest.raises(FieldRangeError):
        impl.mul_vartime((R, 1), 3)
    with pytest.raises(InvalidPoint):
        impl.msm([BASE8, (5, 5)], [1, 1])
