"""Differential tests: the native BSGS (zkv_bsgs_*) against the reference dict-based BSGS."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import babyjub as native_bjj
from zkvote._native import dlog as native
from zkvote._reference import babyjub as reference_bjj
from zkvote._reference import dlog as reference
from zkvote.errors import DiscreteLogNotFound

BABY_BITS = 6  # N = 64, stride 128: small enough for the reference, many giant steps
BASE = reference_bjj.BASE8
OTHER_BASE = reference_bjj.mul(BASE, 123456789)


@pytest.fixture(scope="module")
def tables():
    return {
        base: (native.table_new(base, BABY_BITS), reference.table_new(base, BABY_BITS))
        for base in (BASE, OTHER_BASE)
    }


def _solve_both(tables, base, h, bound):
    results = []
    nt, rt = tables[base]
    for impl, table in ((native, nt), (reference, rt)):
        try:
            results.append(impl.solve(table, h, bound))
        except DiscreteLogNotFound:
            results.append(None)
    return results


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_solve_matches_reference_for_m_below_bound(tables, data):
    bound = data.draw(st.integers(min_value=1, max_value=5000))
    m = data.draw(st.integers(min_value=0, max_value=bound - 1))
    base = data.draw(st.sampled_from([BASE, OTHER_BASE]))
    h = native_bjj.mul_vartime(base, m)
    assert _solve_both(tables, base, h, bound) == [m, m]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=0, max_value=3))
def test_m_at_or_just_past_the_bound_is_not_found(tables, m, below):
    h = native_bjj.mul_vartime(BASE, m)
    bound = max(m - below, 1)  # bound <= m
    assert _solve_both(tables, BASE, h, bound) == [None, None]
    assert _solve_both(tables, BASE, h, m + 1) == [m, m]


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=2000))
def test_negative_multiples_are_not_found(tables, m):
    # -m*g shares y with m*g: the sign check must reject it
    h = native_bjj.neg(native_bjj.mul_vartime(BASE, m))
    assert _solve_both(tables, BASE, h, 4096) == [None, None]


def test_zero_is_found(tables):
    assert _solve_both(tables, BASE, (0, 1), 1) == [0, 0]


@pytest.mark.parametrize("m", [63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257])
def test_values_around_table_and_stride_edges_are_found(tables, m):
    h = native_bjj.mul_vartime(BASE, m)
    assert _solve_both(tables, BASE, h, m + 1) == [m, m]
    assert _solve_both(tables, BASE, h, 10_000) == [m, m]


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_native_default_size_table_solves_32_bit_values(big_table, m):
    h = native_bjj.mul_base8(m)
    assert native.solve(big_table, h, 2**32) == m


@pytest.fixture(scope="module")
def big_table():
    return native.table_new(BASE, 16)


def test_native_and_reference_agree_on_a_point_off_the_subgroup(tables):
    mixed = reference_bjj.add(reference_bjj.mul(BASE, 5), (0, int(reference_bjj.R) - 1))
    assert _solve_both(tables, BASE, mixed, 10_000) == [None, None]
