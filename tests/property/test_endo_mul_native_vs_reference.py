"""Differential tests of the two native G2 multiplications against py_ecc: the psi-split one
on G2, the plain wNAF on any twist point (outside G2 the psi split does not apply)."""

from g2_points import twist_point
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import g2 as native
from zkvote._reference import g2 as reference
from zkvote.field import FQ_MODULUS as P

R = reference.R
GEN = reference.from_py_ecc(reference.bn.G2)

any_scalars = st.integers(min_value=0, max_value=2**256 - 1)


@settings(max_examples=6, deadline=None)  # a twist point and a reference mul: ~0.1 s each
@given(x0=st.integers(0, P - 1), k=any_scalars)
def test_plain_multiplication_matches_reference_outside_g2(x0, k):
    q = twist_point(x0)
    assert native.mul_twist(q, k) == reference.mul(q, k)


@settings(max_examples=6, deadline=None)
@given(x0=st.integers(0, P - 1))
def test_plain_multiplication_by_r_leaves_a_cofactor_point(x0):
    # [r]Q for Q outside G2: what a subgroup check computes; the psi split would give
    # the identity here, so this must stay on the plain wNAF
    q = twist_point(x0)
    assert native.mul_twist(q, R) == reference.mul(q, R)


@settings(max_examples=60, deadline=None)
@given(a=st.integers(1, R - 1), k=any_scalars)
def test_split_multiplication_matches_plain_on_g2(a, k):
    p = native.mul_twist(GEN, a)
    assert native.mul(p, k) == native.mul_twist(p, k)


@settings(max_examples=6, deadline=None)
@given(k=any_scalars)
def test_split_multiplication_matches_reference_on_g2(k):
    assert native.mul(GEN, k) == reference.mul(GEN, k)
