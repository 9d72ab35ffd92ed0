"""G2 refuses every malformed point: off the twist, outside the subgroup, non-canonical,
wrongly sized or typed. Both backends raise the same exception classes."""

import pytest
from g2_points import twist_point

from zkvote._native import g2 as native_g2
from zkvote._reference import g2 as reference_g2
from zkvote.backend import use_backend
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS as P
from zkvote.field import FR_MODULUS as R
from zkvote.g2 import G2, PreparedG2Points, msm

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])


OUTSIDE = twist_point(5)  # the cofactor is ~2^254: a random twist point is outside G2
COFACTOR_POINT = native_g2.mul_twist(OUTSIDE, R)  # order divides the cofactor, not 1
GEN = G2.generator().to_affine()
OFF_CURVE = (GEN[0], (GEN[1][0], (GEN[1][1] + 1) % P))


def _eip197(p) -> bytes:
    (x0, x1), (y0, y1) = p
    return b"".join(c.to_bytes(32, "big") for c in (x1, x0, y1, y0))


@BACKENDS
def test_point_off_the_twist_is_rejected(backend):
    with use_backend(backend), pytest.raises(InvalidPoint) as info:
        G2.from_affine(*OFF_CURVE)
    assert not isinstance(info.value, NotInSubgroup)
    with use_backend(backend), pytest.raises(InvalidPoint):
        G2.from_bytes(_eip197(OFF_CURVE))


@BACKENDS
def test_twist_point_outside_the_subgroup_is_rejected(backend):
    assert native_g2.is_on_curve(OUTSIDE)
    with use_backend(backend), pytest.raises(NotInSubgroup):
        G2.from_affine(*OUTSIDE)
    with use_backend(backend), pytest.raises(NotInSubgroup):
        G2.from_bytes(_eip197(OUTSIDE))


@BACKENDS
def test_point_of_cofactor_order_is_rejected(backend):
    assert COFACTOR_POINT is not None and native_g2.is_on_curve(COFACTOR_POINT)
    with use_backend(backend), pytest.raises(NotInSubgroup):
        G2.from_affine(*COFACTOR_POINT)


@BACKENDS
def test_generator_plus_cofactor_point_is_rejected(backend):
    mixed = native_g2.add(GEN, COFACTOR_POINT)
    with use_backend(backend), pytest.raises(NotInSubgroup):
        G2.from_affine(*mixed)


def test_unchecked_native_decoder_skips_only_the_subgroup_check():
    assert native_g2.decode(native_g2.encode(OUTSIDE), subgroup_check=False) == OUTSIDE
    with pytest.raises(NotInSubgroup):
        native_g2.decode(native_g2.encode(OUTSIDE))
    with pytest.raises(InvalidPoint):
        native_g2.decode(native_g2.encode(OFF_CURVE), subgroup_check=False)


@BACKENDS
@pytest.mark.parametrize("which", range(4))
@pytest.mark.parametrize("bad", [P, P + 1, 2**256 - 1])
def test_coordinate_not_below_p_is_rejected(backend, which, bad):
    coords = [GEN[0][0], GEN[0][1], GEN[1][0], GEN[1][1]]
    coords[which] = bad
    with use_backend(backend), pytest.raises(FieldRangeError):
        G2.from_bytes(b"".join(c.to_bytes(32, "big") for c in
                               (coords[1], coords[0], coords[3], coords[2])))
    with use_backend(backend), pytest.raises(FieldRangeError):
        G2.from_affine((coords[0], coords[1]), (coords[2], coords[3]))
    decode = native_g2.decode if backend == "native" else reference_g2.decode
    with pytest.raises(FieldRangeError):
        decode(b"".join(c.to_bytes(32, "little") for c in coords))


def test_negative_coordinate_is_rejected():
    with pytest.raises(FieldRangeError):
        G2.from_affine((-1, 0), GEN[1])


@pytest.mark.parametrize("length", [0, 64, 127, 129, 192])
def test_wrong_length_encoding_is_rejected(length):
    with pytest.raises(InvalidEncoding):
        G2.from_bytes(bytes(length))
    for decode in (native_g2.decode, reference_g2.decode):
        with pytest.raises(InvalidEncoding):
            decode(bytes(length))


@pytest.mark.parametrize("value", ["00" * 128, 0, None, [0] * 128])
def test_non_bytes_encoding_is_rejected(value):
    with pytest.raises(InvalidEncoding):
        G2.from_bytes(value)


@pytest.mark.parametrize("coord", [(1.0, 0), ("1", 0), (True, 0), (1, 2, 3), 5, None])
def test_wrongly_typed_coordinates_are_rejected(coord):
    with pytest.raises(InvalidEncoding):
        G2.from_affine(coord, GEN[1])


def test_identity_with_one_nonzero_coordinate_is_not_the_identity():
    with pytest.raises(InvalidPoint):
        G2.from_affine((0, 0), (1, 0))
    with pytest.raises(InvalidPoint):
        G2.from_bytes(bytes(127) + b"\x01")


def test_points_cannot_be_built_around_the_validation():
    with pytest.raises(TypeError):
        G2(GEN)
    with pytest.raises(AttributeError):
        G2.generator()._p = OUTSIDE


def test_msm_rejects_mismatched_lengths_and_bad_elements():
    g = G2.generator()
    with pytest.raises(InvalidArgument):
        msm([g, g], [1])
    with pytest.raises(InvalidEncoding):
        msm([g], [1.5])
    with pytest.raises(InvalidEncoding):
        msm([g], [True])
    with pytest.raises(InvalidEncoding):
        msm([GEN], [1])
    with pytest.raises(InvalidArgument):
        PreparedG2Points([g]).msm([1, 2])
    with pytest.raises(TypeError):
        g * 1.5


@pytest.mark.parametrize("backend", [native_g2, reference_g2])
def test_prepared_points_report_the_index_of_an_off_curve_point(backend):
    with pytest.raises(InvalidPoint, match="G2 point 1"):
        backend.prepare([GEN, OFF_CURVE])
