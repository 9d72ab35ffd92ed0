"""G2: known encodings, group laws, scalar and multi-scalar multiplication."""

import random

import pytest

from zkvote._native import g2 as native_g2
from zkvote._native.lib import ffi, lib
from zkvote.backend import use_backend
from zkvote.field import FR_MODULUS
from zkvote.g2 import G2, PreparedG2Points, msm

# EIP-197's encoding of the generator: x.c1 || x.c0 || y.c1 || y.c0, big-endian.
GENERATOR_HEX = (
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
)

rng = random.Random(1234)


def test_generator_encodes_as_the_eip197_bytes():
    assert G2.generator().to_bytes().hex() == GENERATOR_HEX
    assert G2.from_bytes(bytes.fromhex(GENERATOR_HEX)) == G2.generator()


def test_random_points_round_trip_through_bytes_and_affine():
    for _ in range(5):
        q = rng.randrange(1, FR_MODULUS) * G2.generator()
        assert G2.from_bytes(q.to_bytes()) == q
        assert G2.from_affine(q.x, q.y) == q


def test_identity_encodes_as_zeros_and_decodes_back():
    o = G2.identity()
    assert o.to_bytes() == bytes(128)
    assert G2.from_bytes(bytes(128)).is_identity()
    assert G2.from_affine((0, 0), (0, 0)) == o
    assert o.to_affine() == ((0, 0), (0, 0))


def test_r_times_generator_is_the_identity():
    g = G2.generator()
    assert (FR_MODULUS * g).is_identity()
    assert ((FR_MODULUS - 1) * g) == -g


def test_group_laws_hold():
    g = G2.generator()
    a, b = rng.randrange(FR_MODULUS), rng.randrange(FR_MODULUS)
    p, q = a * g, b * g
    assert p + q == (a + b) * g
    assert p - q == (a - b) * g
    assert p + (-p) == G2.identity()
    assert p + G2.identity() == p == G2.identity() + p
    assert p + p == p.double() == 2 * p
    assert (p + q) + g == p + (q + g)


def test_scalars_are_reduced_mod_r():
    g = G2.generator()
    k = rng.randrange(FR_MODULUS)
    assert (k + FR_MODULUS) * g == k * g
    assert (-k) * g == -(k * g)
    assert g * 0 == G2.identity()


def test_msm_equals_the_sum_of_products():
    g = G2.generator()
    points = [rng.randrange(FR_MODULUS) * g for _ in range(20)] + [G2.identity()]
    scalars = [rng.randrange(FR_MODULUS) for _ in points[:-2]] + [0, 5]
    expected = G2.identity()
    for p, k in zip(points, scalars, strict=True):
        expected = expected + k * p
    assert msm(points, scalars) == expected
    prepared = PreparedG2Points(points)
    assert len(prepared) == len(points)
    assert prepared.msm(scalars) == expected
    assert prepared.msm([1] * len(points)) == sum(points[1:], points[0])


def test_msm_of_nothing_is_the_identity():
    assert msm([], []).is_identity()


def test_native_msm_with_wide_windows_matches_single_multiplications():
    # 600 points select a window of several bits and the signed-digit carries
    g = G2.generator().to_affine()
    base = [native_g2.mul(g, rng.randrange(FR_MODULUS)) for _ in range(8)]
    points = [base[i % 8] for i in range(600)]
    scalars = [rng.randrange(2**256) for _ in points]
    expected = None
    for p, k in zip(points, scalars, strict=True):
        expected = native_g2.add(expected, native_g2.mul(p, k))
    assert native_g2.msm(points, scalars) == expected


def test_jacobian_equality_ignores_the_representation():
    g = ffi.new("zkv_g2_affine *")
    assert lib.zkv_g2_affine_from_bytes(g, native_g2.encode(G2.generator().to_affine())) == 0
    j, a, b = ffi.new("zkv_g2 *"), ffi.new("zkv_g2 *"), ffi.new("zkv_g2 *")
    lib.zkv_g2_from_affine(j, g)
    lib.zkv_g2_double(a, j)  # Z != 1
    lib.zkv_g2_add_affine(b, j, g)  # same point, another Z
    assert lib.zkv_g2_equal(a, b) and not lib.zkv_g2_equal(a, j)
    lib.zkv_g2_add(b, a, j)
    lib.zkv_g2_neg(a, a)
    assert not lib.zkv_g2_is_infinity(b) and not lib.zkv_g2_equal(a, b)
    lib.zkv_g2_add(a, a, a)
    lib.zkv_g2_neg(b, a)
    lib.zkv_g2_add(a, a, b)
    assert lib.zkv_g2_is_infinity(a)


@pytest.mark.parametrize("backend", ["native", "reference"])
def test_backends_agree_on_arithmetic(backend):
    a, b = 0x1234567890ABCDEF, 0xFEDCBA0987654321
    with use_backend(backend):
        g = G2.generator()
        result = (a * g + b * g - g.double()).to_bytes()
    assert result == ((a + b - 2) * G2.generator()).to_bytes()
