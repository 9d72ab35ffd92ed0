"""The G2 batch-affine engine's eight Fq2 lanes (native/fq_ifma_impl.h, msm_lanes_impl.h, g2.c)
against Python ints and the reference: the lanes' Karatsuba product and square at their range
limits, and batch-affine MSMs and the subgroup check's short multi-MSM (batches of >= 64
additions, which the lanes take) mixing ordinary additions with doublings, cancellations,
identities, zero scalars and points outside G2 (the lanes hand the equal-x additions to the
scalar batch). Builds without the lanes run the same MSM tests on the scalar batch."""

import random

import pytest
from g2_points import twist_point
from hypothesis import given, settings
from hypothesis import strategies as st
from msm_terms import mixed_terms

from zkvote._native import g2 as native_g2
from zkvote._native import groth16 as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import g2 as reference_g2
from zkvote.field import FQ_MODULUS, FR_MODULUS

Q, R = FQ_MODULUS, FR_MODULUS
GEN = reference_g2.from_py_ecc(reference_g2.bn.G2)
INV_2_260 = pow(2, -260, Q)

# a's components may reach 8q (above 2^256: all of [0, 2^256)), b's and a square's stay below 2q
WIDE_EDGES = [0, 1, Q - 1, Q, 2 * Q - 1, 4 * Q, 5 * Q, 2**52, 2**208 - 1, 2**255, 2**256 - 1]
NARROW_EDGES = [0, 1, 2, Q - 1, Q, Q + 1, 2 * Q - 1, 2**52 - 1, 2**104 + 1, 2**208 - 1]
wide = st.one_of(st.integers(0, 2**256 - 1), st.sampled_from(WIDE_EDGES))
narrow = st.one_of(st.integers(0, 2 * Q - 1), st.sampled_from(NARROW_EDGES))


def _fq2_array(values: list[tuple[int, int]]):
    arr = ffi.new("zkv_fq2[8]")
    for j, (c0, c1) in enumerate(values):
        for i in range(4):
            arr[j].c0.l[i] = (c0 >> (64 * i)) & (2**64 - 1)
            arr[j].c1.l[i] = (c1 >> (64 * i)) & (2**64 - 1)
    return arr


def _fq2_values(arr) -> list[tuple[int, int]]:
    return [(sum(arr[j].c0.l[i] << (64 * i) for i in range(4)),
             sum(arr[j].c1.l[i] << (64 * i) for i in range(4))) for j in range(8)]


def _lanes(a, b, square: bool) -> list[tuple[int, int]]:
    out = ffi.new("zkv_fq2[8]")
    if not lib.zkv_fq2x8_mul_test(out, _fq2_array(a), _fq2_array(b), int(square)):
        pytest.skip("the IFMA lanes are not built here (no AVX-512 IFMA target, or ZKV_NO_IFMA)")
    return _fq2_values(out)


def _product(x: tuple[int, int], y: tuple[int, int]) -> tuple[int, int]:
    # (x0 + x1 u)(y0 + y1 u) / 2^260 with u^2 = -1, canonical
    return ((x[0] * y[0] - x[1] * y[1]) * INV_2_260 % Q,
            (x[0] * y[1] + x[1] * y[0]) * INV_2_260 % Q)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(wide, wide), min_size=8, max_size=8),
       st.lists(st.tuples(narrow, narrow), min_size=8, max_size=8))
def test_lane_fq2_product_is_the_2_to_260_montgomery_karatsuba_product(a, b):
    assert _lanes(a, b, False) == [_product(x, y) for x, y in zip(a, b, strict=True)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(narrow, narrow), min_size=8, max_size=8))
def test_lane_fq2_square_is_the_2_to_260_montgomery_square(a):
    assert _lanes(a, a, True) == [_product(x, x) for x in a]


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([1024, 1500, 2100]))
def test_batch_affine_g2_msms_mixing_equal_opposite_and_identity_points_match_reference(seed, n):
    # points k_i G from the native fixed-base batch (itself checked against the reference), so
    # that the expected sum is one reference multiplication: (sum k_i log_i) G
    rng = random.Random(seed)
    logs, ks = mixed_terms(rng, n)
    points = native.fixed_base_g2(GEN, logs)
    expected = reference_g2.mul(GEN, sum(k * s for k, s in zip(ks, logs, strict=True)) % R)
    assert native.g2_msm_affine(points, ks) == expected
    assert native.g2_msm_endo(points, ks) == expected
    # the prover's path: zero scalars and identities dropped, scalar-1 points added apart
    assert native.sparse_msm_g2(points, ks) == expected


def test_batch_affine_g2_msm_of_points_each_next_to_its_negation_is_the_identity():
    # each pair has equal digits in every window: bucket additions cancel all along (whole
    # lane groups go to the scalar batch)
    rng = random.Random(5)
    logs = [s for _ in range(600) for s in [rng.randrange(1, R)] for s in (s, R - s)]
    ks = [k for _ in range(600) for k in [rng.randrange(R)] * 2]
    assert native.g2_msm_affine(native.fixed_base_g2(GEN, logs), ks) is None


def _outside_points(rng: random.Random, n: int) -> list:
    """n twist points outside G2 (a few fixed ones plus G2 points), with repeats, negations
    and identities."""
    twists = [twist_point(rng.randrange(Q), 1) for _ in range(4)]
    inside = native.fixed_base_g2(GEN, [rng.randrange(1, R) for _ in range(n)])
    points = []
    for i in range(n):
        kind = rng.random()
        if i and kind < 0.1:
            points.append(points[-1])
        elif i and kind < 0.2:
            points.append(reference_g2.neg(points[-1]))
        elif kind < 0.25:
            points.append(None)
        else:
            points.append(native_g2.add(twists[i % 4], inside[i]))
    return points


def _signed_msm(points, row):
    # a negative coefficient negates the point (for points of any order, c and c mod r differ)
    pts = [p if c >= 0 else reference_g2.neg(p) for p, c in zip(points, row, strict=True)]
    return native_g2.msm(pts, [abs(c) for c in row])


@settings(max_examples=3, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([10, 12]))
def test_short_multi_msm_over_points_outside_g2_matches_the_jacobian_msm(seed, bits):
    rng = random.Random(seed)
    n, half = 300, 1 << (bits - 1)
    points = _outside_points(rng, n)
    rows = [[rng.choice([0, 1, -1, -half, half - 1, rng.randrange(-half, half)])
             for _ in range(n)] for _ in range(native.SUBGROUP_REPS)]
    assert native.g2_msm_short_multi(points, rows, bits) == [_signed_msm(points, row)
                                                             for row in rows]


def test_batched_subgroup_check_over_lanes_passes_g2_and_catches_one_outside_point():
    rng = random.Random(9)
    n = 400
    points = native.fixed_base_g2(GEN, [rng.randrange(1, R) for _ in range(n)])
    points[7] = points[6]
    points[8] = reference_g2.neg(points[6])
    rho = rng.randbytes(native.SUBGROUP_REPS * native.SUBGROUP_RHO_BYTES * n)
    assert native.g2_subgroup_batch(points, rho)
    points[rng.randrange(n)] = twist_point(rng.randrange(Q), 1)
    assert not native.g2_subgroup_batch(points, rho)
