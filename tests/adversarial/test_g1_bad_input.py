"""Bad input to zkvote.g1: each class of malformed point, encoding or argument is refused."""

import pytest

from zkvote._native import g1 as native_g1
from zkvote.backend import use_backend
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding, InvalidPoint
from zkvote.field import FQ_MODULUS
from zkvote.g1 import G1, PreparedG1Points, msm

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])


def test_off_curve_point_is_rejected():
    with pytest.raises(InvalidPoint):
        G1.from_affine(1, 3)
    with pytest.raises(InvalidPoint):
        G1.from_bytes((1).to_bytes(32, "big") + (3).to_bytes(32, "big"))


def test_half_zero_point_is_not_the_identity():
    # only (0, 0) encodes infinity; (0, y) and (x, 0) must be checked like any point
    with pytest.raises(InvalidPoint):
        G1.from_affine(0, 2)
    with pytest.raises(InvalidPoint):
        G1.from_affine(1, 0)


def test_coordinate_at_or_above_modulus_is_rejected():
    # (1 + p, 2) is the generator "mod p": accepting it would make encodings malleable
    with pytest.raises(FieldRangeError):
        G1.from_affine(1 + FQ_MODULUS, 2)
    with pytest.raises(FieldRangeError):
        G1.from_affine(1, 2 + FQ_MODULUS)
    with pytest.raises(FieldRangeError):
        G1.from_bytes((1 + FQ_MODULUS).to_bytes(32, "big") + (2).to_bytes(32, "big"))
    with pytest.raises(FieldRangeError):
        G1.from_affine(-1, 2)


@pytest.mark.parametrize("length", [0, 32, 63, 65, 128])
def test_wrong_length_encoding_is_rejected(length):
    with pytest.raises(InvalidEncoding):
        G1.from_bytes(bytes(length))


@pytest.mark.parametrize("value", [None, "00" * 64, 12, [0] * 64])
def test_non_bytes_encoding_is_rejected(value):
    with pytest.raises(InvalidEncoding):
        G1.from_bytes(value)


@pytest.mark.parametrize("coord", [1.0, "1", True, None])
def test_non_int_coordinate_is_rejected(coord):
    with pytest.raises(InvalidEncoding):
        G1.from_affine(coord, 2)


def test_direct_construction_is_refused():
    with pytest.raises(TypeError):
        G1((1, 3))


def test_non_int_scalar_is_refused():
    g = G1.generator()
    with pytest.raises(TypeError):
        g * 1.5
    with pytest.raises(TypeError):
        g * True
    with pytest.raises(InvalidEncoding):
        msm([g], [1.5])


@BACKENDS
def test_msm_length_mismatch_is_rejected(backend):
    g = G1.generator()
    with use_backend(backend):
        with pytest.raises(InvalidArgument):
            msm([g, g], [1])
        with pytest.raises(InvalidArgument):
            PreparedG1Points([g]).msm([1, 2])


def test_msm_with_non_point_is_rejected():
    with pytest.raises(InvalidEncoding):
        msm([(1, 2)], [1])
    with pytest.raises(InvalidEncoding):
        PreparedG1Points([G1.generator(), (1, 2)])


def test_native_layer_rechecks_points_that_skipped_validation():
    # a caller that bypasses the domain layer still cannot feed the C core a bad point
    with pytest.raises(InvalidPoint):
        native_g1.add((1, 3), (1, 2))
    with pytest.raises(FieldRangeError):
        native_g1.mul((FQ_MODULUS + 1, 2), 5)
    with pytest.raises(InvalidPoint):
        native_g1.prepare([(1, 2), (1, 3)])
    assert native_g1.is_on_curve((1, 3)) is False
