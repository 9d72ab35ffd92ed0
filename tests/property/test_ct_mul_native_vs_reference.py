"""Differential tests: the constant-time G1 / G2 multiplication for secret scalars
(native/ct_mul.c through zkvote._native.ct_mul) against py_ecc (zkvote._reference.ct_mul),
including the edge scalars 0, 1, r - 1, r, 2^256 - 1 and the identity point."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import ct_mul as native
from zkvote._native import g1 as native_g1
from zkvote._native import g2 as native_g2
from zkvote._reference import ct_mul as reference
from zkvote._reference.g2 import bn
from zkvote._reference.g2 import from_py_ecc as g2_from_ecc
from zkvote.babyjub import Point
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding

R = bn.curve_order
G1_GEN = (1, 2)
G2_GEN = g2_from_ecc(bn.G2)
EDGE_SCALARS = [0, 1, 2, 15, 16, R - 1, R, R + 1, 2**255, 2**256 - 1]

any_scalars = st.integers(min_value=0, max_value=2**256 - 1)
point_scalars = st.integers(min_value=1, max_value=R - 1)


@settings(max_examples=20, deadline=None)
@given(a=point_scalars, k=any_scalars)
def test_g1_secret_mul_matches_reference(a, k):
    p = native_g1.mul(G1_GEN, a)
    assert native.g1_mul_secret(p, k) == reference.g1_mul_secret(p, k)


@settings(max_examples=6, deadline=None)  # the reference G2 multiplication takes ~0.1 s
@given(a=point_scalars, k=any_scalars)
def test_g2_secret_mul_matches_reference(a, k):
    p = native_g2.mul(G2_GEN, a)
    assert native.g2_mul_secret(p, k) == reference.g2_mul_secret(p, k)


def test_g1_edge_scalars_and_identity_match_reference():
    p = native_g1.mul(G1_GEN, 0xC0FFEE)
    for point in (G1_GEN, p, None):
        expected = reference.g1_mul_secret_many([point] * len(EDGE_SCALARS), EDGE_SCALARS)
        assert native.g1_mul_secret_many([point] * len(EDGE_SCALARS), EDGE_SCALARS) == expected
    assert native.g1_mul_secret(p, R) is None
    assert native.g1_mul_secret(p, R + 1) == p


def test_g2_edge_scalars_and_identity_match_reference():
    p = native_g2.mul(G2_GEN, 0xC0FFEE)
    for point in (p, None):
        expected = reference.g2_mul_secret_many([point] * len(EDGE_SCALARS), EDGE_SCALARS)
        assert native.g2_mul_secret_many([point] * len(EDGE_SCALARS), EDGE_SCALARS) == expected
    assert native.g2_mul_secret(p, R) is None
    assert native.g2_mul_secret(p, R - 1) == native_g2.neg(p)


@settings(max_examples=10, deadline=None)
@given(ks=st.lists(any_scalars, min_size=1, max_size=6), seed=point_scalars)
def test_batch_equals_the_variable_time_multiplication_of_each_pair(ks, seed):
    g1_points = [None if i == 2 else native_g1.mul(G1_GEN, seed + i) for i in range(len(ks))]
    g2_points = [None if i == 2 else native_g2.mul(G2_GEN, seed + i) for i in range(len(ks))]
    assert native.g1_mul_secret_many(g1_points, ks) == [
        native_g1.mul(p, k) if p is not None else None for p, k in zip(g1_points, ks, strict=True)]
    assert native.g2_mul_secret_many(g2_points, ks) == [
        native_g2.mul(p, k) if p is not None else None for p, k in zip(g2_points, ks, strict=True)]


@pytest.mark.parametrize("impl", [native, reference], ids=["native", "reference"])
def test_bad_scalars_and_lengths_are_refused_by_both_backends(impl):
    for bad in (-1, 2**256):
        # the class and message of BabyJubJub's Point.mul_secret for the same scalar
        with pytest.raises(FieldRangeError) as babyjub_error:
            Point.base8().mul_secret(bad)
        for mul, point in ((impl.g1_mul_secret, G1_GEN), (impl.g2_mul_secret, G2_GEN)):
            with pytest.raises(FieldRangeError) as error:
                mul(point, bad)
            assert str(error.value) == str(babyjub_error.value)
    with pytest.raises(InvalidEncoding):
        impl.g1_mul_secret(G1_GEN, True)
    with pytest.raises(InvalidArgument):
        impl.g1_mul_secret_many([G1_GEN, G1_GEN], [1])
    assert impl.g1_mul_secret_many([], []) == []
