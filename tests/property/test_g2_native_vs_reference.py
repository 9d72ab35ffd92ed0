"""Differential tests: every G2 function of the native core against py_ecc (reference)."""

import pytest
from g2_points import twist_point
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import g2 as native
from zkvote._reference import g2 as reference
from zkvote.errors import InvalidPoint

P = reference.P
R = reference.R
GEN = reference.from_py_ecc(reference.bn.G2)

FAST = settings(max_examples=25, deadline=None)
SLOW_REF = settings(max_examples=8, deadline=None)  # reference G2 mul ~50 ms, r*P ~100 ms

scalars = st.integers(min_value=0, max_value=R - 1)
any_scalars = st.integers(min_value=0, max_value=2**256 - 1)


def point(k: int):
    """k*G (native mul, itself checked against the reference below)."""
    return native.mul(GEN, k)


@FAST
@given(a=scalars, b=scalars)
def test_add_matches_reference(a, b):
    p, q = point(a), point(b)
    assert native.add(p, q) == reference.add(p, q)
    assert native.add_affine(p, q) == reference.add_affine(p, q)


@FAST
@given(a=scalars)
def test_add_special_cases_match_reference(a):
    p = point(a)
    for x, y in ((p, p), (p, reference.neg(p)), (p, None), (None, p), (None, None)):
        assert native.add(x, y) == reference.add(x, y)
        assert native.add_affine(x, y) == reference.add(x, y)


@FAST
@given(a=scalars)
def test_double_and_neg_match_reference(a):
    p = point(a)
    assert native.double(p) == reference.double(p)
    assert native.neg(p) == reference.neg(p)
    assert native.equal(p, p) and not native.equal(p, native.double(p) if p else GEN)


@SLOW_REF
@given(a=scalars, k=any_scalars)
def test_mul_matches_reference(a, k):
    p = point(a)
    assert native.mul(p, k) == reference.mul(p, k)


@SLOW_REF
@given(ks=st.lists(scalars, min_size=0, max_size=6), cs=st.data())
def test_msm_matches_reference(ks, cs):
    points = [point(k) for k in ks]
    coeffs = [cs.draw(any_scalars) for _ in ks]
    assert native.msm(points, coeffs) == reference.msm(points, coeffs)


@SLOW_REF
@given(a=scalars)
def test_encode_decode_round_trip_matches_reference(a):
    p = point(a)
    data = native.encode(p)
    assert data == reference.encode(p)
    assert native.decode(data) == reference.decode(data) == p


@settings(max_examples=4, deadline=None)
@given(ks=st.lists(scalars, min_size=0, max_size=3), bad=st.integers(0, 3))
def test_decode_array_matches_reference(ks, bad):
    points = [point(k) for k in ks]
    data = b"".join(native.encode(p) for p in points)
    assert native.decode_array(data, len(points)) == reference.decode_array(data, len(points))
    if bad < len(points) and points[bad] is not None:
        (x0, x1), (y0, y1) = points[bad]
        broken = native.encode(((x0, x1), (y0, (y1 + 1) % P)))
        data = data[: 128 * bad] + broken + data[128 * (bad + 1) :]
        for impl in (native, reference):
            with pytest.raises(InvalidPoint, match=f"G2 point {bad}"):
                impl.decode_array(data, len(points))


@SLOW_REF
@given(x0=st.integers(0, P - 1), x1=st.integers(0, P - 1))
def test_subgroup_check_matches_r_torsion_definition(x0, x1):
    q = twist_point(x0, x1)
    assert native.is_on_curve(q) and reference.is_on_curve(q)
    assert native.is_in_subgroup(q) == reference.is_in_subgroup(q)
    # The cofactor multiple r*q has order dividing the cofactor: on the curve, outside G2
    # unless it is the identity.
    t = reference.mul(q, R)
    assert native.is_in_subgroup(t) == (t is None) == reference.is_in_subgroup(t)


@SLOW_REF
@given(a=scalars)
def test_subgroup_members_pass_both_checks(a):
    p = point(a)
    assert native.is_in_subgroup(p) and reference.is_in_subgroup(p)


@FAST
@given(x0=st.integers(0, P - 1), x1=st.integers(0, P - 1), y0=st.integers(0, P - 1))
def test_is_on_curve_matches_reference_for_arbitrary_coordinates(x0, x1, y0):
    q = ((x0, x1), (y0, 5))
    assert native.is_on_curve(q) == reference.is_on_curve(q)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(a=scalars, k=any_scalars)
def test_mul_matches_reference_many(a, k):
    assert native.mul(point(a), k) == reference.mul(point(a), k)
