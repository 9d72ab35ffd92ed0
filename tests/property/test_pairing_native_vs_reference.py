"""Differential tests: the native pairing, its parts and Fq12 arithmetic against py_ecc.

A reference pairing or final exponentiation costs ~0.7 s, so the fast suite draws only a
few examples; more run under ``@pytest.mark.slow``.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import g2 as native_g2
from zkvote._native import pairing as native
from zkvote._reference import g2 as reference_g2
from zkvote._reference import pairing as reference

P = reference.P
R = reference.R
G1 = (1, 2)
G2 = reference_g2.from_py_ecc(reference_g2.bn.G2)

FEW = settings(max_examples=3, deadline=None)
MANY = settings(max_examples=60, deadline=None)

scalars = st.integers(min_value=1, max_value=R - 1)
fq12s = st.tuples(*[st.integers(min_value=0, max_value=P - 1)] * 12)


def g1_point(k: int):
    p = reference.bn.normalize(reference.bn.multiply(reference.bn.G1, k))
    return int(p[0]), int(p[1])


def g2_point(k: int):
    return native_g2.mul(G2, k)


@FEW
@given(a=scalars, b=scalars)
def test_pairing_matches_reference_bit_for_bit(a, b):
    p, q = g1_point(a), g2_point(b)
    assert native.pairing(p, q) == reference.pairing(p, q)


@FEW
@given(f=fq12s)
def test_final_exponentiation_matches_reference(f):
    assert native.final_exponentiation(f) == reference.final_exponentiation(f)


@FEW
@given(a=scalars, b=scalars)
def test_miller_loops_agree_after_final_exponentiation(a, b):
    pairs = [(g1_point(a), g2_point(b)), (g1_point(b), g2_point(a))]
    f_native, f_reference = native.miller_loop(pairs), reference.miller_loop(pairs)
    assert native.final_exponentiation(f_native) == native.final_exponentiation(f_reference)


@settings(max_examples=2, deadline=None)
@given(a=scalars, b=scalars)
def test_pairing_check_matches_reference(a, b):
    ok = [(g1_point(a), g2_point(b)), (g1_point(R - a * b % R), G2)]
    bad = [(g1_point(a), g2_point(b)), (g1_point(a * b % R), G2)]
    assert native.pairing_check(ok) and reference.pairing_check(ok)
    assert not native.pairing_check(bad)


@MANY
@given(a=fq12s, b=fq12s)
def test_fq12_mul_matches_reference(a, b):
    assert native.fq12_mul(a, b) == reference.fq12_mul(a, b)


@MANY
@given(a=fq12s)
def test_fq12_bytes_round_trip_matches_reference(a):
    data = native.fq12_to_bytes(a)
    assert data == reference.fq12_to_bytes(a)
    assert native.fq12_from_bytes(data) == reference.fq12_from_bytes(data) == a


@MANY
@given(a=fq12s)
def test_fq12_is_one_matches_reference(a):
    one = (1,) + (0,) * 11
    assert native.fq12_is_one(a) == reference.fq12_is_one(a)
    assert native.fq12_is_one(one) and reference.fq12_is_one(one)


def test_identity_pairs_give_one_in_both_backends():
    for p, q in ((None, G2), (G1, None), (None, None)):
        assert native.fq12_is_one(native.pairing(p, q))
        assert reference.fq12_is_one(reference.pairing(p, q))


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(a=scalars, b=scalars)
def test_pairing_matches_reference_many(a, b):
    assert native.pairing(g1_point(a), g2_point(b)) == reference.pairing(g1_point(a), g2_point(b))


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(f=fq12s)
def test_final_exponentiation_matches_reference_many(f):
    assert native.final_exponentiation(f) == reference.final_exponentiation(f)
