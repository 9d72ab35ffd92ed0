"""Differential tests: the C inverse NTT over G1 / G2 (Lagrange-basis points) against the
pure-Python reference on py_ecc. Sizes stay small: the reference pays ~15 ms (G1) and ~50 ms
(G2) per scalar multiplication."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import group_ntt as native
from zkvote._reference import group_ntt as reference
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2

# None = the identity; small multiples make repeated and opposite points (P + P, P - P in the
# butterflies) likely, large ones give generic points.
multiples = st.one_of(
    st.none(),
    st.integers(min_value=-3, max_value=3),
    st.integers(min_value=1, max_value=FR_MODULUS - 1),
)


def _point(kind, k):
    if k is None:
        return None
    p = kind.generator() * (k % FR_MODULUS)
    return None if p.is_identity() else p.to_affine()


def inputs(max_log: int):
    """(m points as slice tuples, log_n) with 1 <= m <= 2^log_n."""
    return st.integers(min_value=0, max_value=max_log).flatmap(
        lambda lg: st.tuples(st.lists(multiples, min_size=1, max_size=1 << lg), st.just(lg)))


@settings(max_examples=20, deadline=None)
@given(inputs(3))
def test_g1_lagrange_points_match_reference(case):
    ks, log_n = case
    points = [_point(G1, k) for k in ks]
    assert native.g1_lagrange(points, log_n) == reference.g1_lagrange(points, log_n)


@settings(max_examples=10, deadline=None)
@given(inputs(2))
def test_g2_lagrange_points_match_reference(case):
    ks, log_n = case
    points = [_point(G2, k) for k in ks]
    assert native.g2_lagrange(points, log_n) == reference.g2_lagrange(points, log_n)


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=4), st.integers(min_value=1, max_value=15))
def test_all_identity_input_gives_all_identity_output(log_n, m):
    m = min(m, 1 << log_n)
    assert native.g1_lagrange([None] * m, log_n) == [None] * (1 << log_n)
    assert native.g2_lagrange([None] * m, log_n) == [None] * (1 << log_n)
