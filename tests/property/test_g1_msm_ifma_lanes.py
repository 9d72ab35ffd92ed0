"""The G1 MSM's eight-lane AVX-512 IFMA batch (native/fq_ifma_impl.h, g1.c) against Python ints
and the reference: the lanes' Montgomery product at its range limits, and batch-affine MSMs
(n >= 512) whose batches mix ordinary additions with doublings, cancellations, identities and
zero scalars (the lanes hand the equal-x additions to the scalar batch). Builds without the
lanes run the same MSM tests on the scalar batch."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msm_terms import mixed_terms

from zkvote._native import g1 as native
from zkvote._native import groth16 as native_groth16
from zkvote._native.lib import ffi, lib
from zkvote._reference import g1 as reference
from zkvote.field import FQ_MODULUS, FR_MODULUS

Q, R = FQ_MODULUS, FR_MODULUS
GEN = (1, 2)
# the lanes multiply by 2^-260 (five 52-bit Montgomery rounds)
INV_2_260 = pow(2, -260, Q)

LANE_EDGES = [0, 1, 2, Q - 1, Q, Q + 1, 2 * Q - 1, 4 * Q, 5 * Q, 2**52 - 1, 2**52, 2**104 + 1,
              2**208 - 1, 2**254, 2**255 - 1, 2**256 - 1]
lane_values = st.one_of(st.integers(0, 2**256 - 1), st.sampled_from(LANE_EDGES))


def _fq_array(values: list[int]):
    arr = ffi.new("zkv_fq[8]")
    for j, v in enumerate(values):
        for i in range(4):
            arr[j].l[i] = (v >> (64 * i)) & (2**64 - 1)
    return arr


def _fq_value(fq) -> int:
    return sum(fq.l[i] << (64 * i) for i in range(4))


@settings(max_examples=200, deadline=None)
@given(st.lists(lane_values, min_size=8, max_size=8), st.lists(lane_values, min_size=8, max_size=8))
def test_lane_product_is_the_2_to_260_montgomery_product_for_all_inputs_below_2_256(a, b):
    out = ffi.new("zkv_fq[8]")
    if not lib.zkv_fq8_mul_test(out, _fq_array(a), _fq_array(b)):
        pytest.skip("the IFMA lanes are not built here (no AVX-512 IFMA target, or ZKV_NO_IFMA)")
    expected = [x * y * INV_2_260 % Q for x, y in zip(a, b, strict=True)]
    assert [_fq_value(out[j]) for j in range(8)] == expected


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([512, 1003, 2048, 4100]))
def test_batch_affine_msm_mixing_equal_opposite_and_identity_points_matches_reference(seed, n):
    # points k_i G from the native fixed-base batch (itself checked against the reference), so
    # that the expected sum is one reference multiplication: (sum k_i log_i) G
    rng = random.Random(seed)
    logs, ks = mixed_terms(rng, n)
    points = native_groth16.fixed_base_g1(GEN, logs)
    expected = reference.mul(GEN, sum(k * s for k, s in zip(ks, logs, strict=True)) % R)
    assert native.msm(points, ks) == expected
    # the prover's path: zero scalars and identities dropped, scalar-1 points added apart
    assert native_groth16.sparse_msm_g1(points, ks) == expected


def test_batch_affine_msm_of_points_each_next_to_its_negation_is_the_identity():
    # each pair has equal digits in every window, so bucket additions cancel all along (whole
    # lane groups go to the scalar batch) and the sum is the identity
    rng = random.Random(5)
    logs = [s for _ in range(700) for s in [rng.randrange(1, R)] for s in (s, R - s)]
    ks = [k for _ in range(700) for k in [rng.randrange(R)] * 2]
    assert native.msm(native_groth16.fixed_base_g1(GEN, logs), ks) is None
