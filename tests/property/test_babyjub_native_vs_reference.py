"""Differential tests: every zkv_bjj_* function of the native core against the pure-Python
reference, on subgroup points, small-order points and mixed-order points."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import babyjub as native
from zkvote._reference import babyjub as reference
from zkvote.babyjub import GENERATOR, ORDER
from zkvote.errors import InvalidInput

R = int(reference.R)
FAST = settings(max_examples=100, deadline=None)
SLOW_REF = settings(max_examples=40, deadline=None)  # reference mul ~2-5 ms

# The 8-torsion: T8 = ORDER * GENERATOR has order 8.
T8 = reference.mul(GENERATOR, ORDER)
TORSION = [reference.mul(T8, i) for i in range(8)]

edge_scalars = st.sampled_from(
    [0, 1, 2, 15, 16, 17, ORDER - 1, ORDER, ORDER + 1, 8 * ORDER, 2**255, 2**256 - 1]
)
any_scalars = st.one_of(st.integers(min_value=0, max_value=2**256 - 1), edge_scalars)
subgroup_points = st.integers(min_value=0, max_value=ORDER - 1).map(native.mul_base8)
torsion_points = st.sampled_from(TORSION)
# k*GENERATOR covers the whole group: subgroup, small-order and mixed-order points
group_points = st.one_of(
    st.integers(min_value=0, max_value=8 * ORDER - 1).map(
        lambda k: native.mul_vartime(GENERATOR, k)
    ),
    torsion_points,
)
mixed_points = st.tuples(subgroup_points, torsion_points.filter(lambda t: t != (0, 1))).map(
    lambda pt: reference.add(*pt)
)


@FAST
@given(group_points, group_points)
def test_add_matches_reference(p, q):
    assert native.add(p, q) == reference.add(p, q)


@FAST
@given(group_points)
def test_add_is_complete_for_doubling_and_inverse(p):
    assert native.add(p, p) == reference.add(p, p) == native.double(p)
    assert native.add(p, native.neg(p)) == (0, 1)


@FAST
@given(group_points)
def test_double_and_neg_match_reference(p):
    assert native.double(p) == reference.double(p)
    assert native.neg(p) == reference.neg(p)


@SLOW_REF
@given(group_points, any_scalars)
def test_constant_time_mul_matches_reference(p, k):
    assert native.mul(p, k) == reference.mul(p, k)


@SLOW_REF
@given(group_points, any_scalars)
def test_vartime_mul_matches_reference(p, k):
    assert native.mul_vartime(p, k) == reference.mul_vartime(p, k)


@SLOW_REF
@given(any_scalars)
def test_fixed_base_mul_matches_reference(k):
    assert native.mul_base8(k) == reference.mul_base8(k)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(group_points, any_scalars), max_size=8))
def test_msm_matches_reference(items):
    points = [p for p, _ in items]
    scalars = [k for _, k in items]
    assert native.msm(points, scalars) == reference.msm(points, scalars)


@FAST
@given(group_points, group_points)
def test_equal_matches_reference(p, q):
    assert native.equal(p, q) == reference.equal(p, q) == (p == q)
    assert native.equal(p, p)


@FAST
@given(st.integers(0, R - 1), st.integers(0, R - 1))
def test_on_curve_predicate_matches_reference(x, y):
    assert native.is_on_curve((x, y)) == reference.is_on_curve((x, y))


@FAST
@given(group_points)
def test_on_curve_predicate_accepts_group_points(p):
    assert native.is_on_curve(p) and reference.is_on_curve(p)


@SLOW_REF
@given(st.one_of(subgroup_points.map(lambda p: (p, True)),
                 torsion_points.map(lambda t: (t, t == (0, 1))),
                 mixed_points.map(lambda p: (p, False))))
def test_subgroup_predicate_matches_reference(case):
    p, in_subgroup = case
    assert native.is_in_subgroup(p) == reference.is_in_subgroup(p) == in_subgroup


@pytest.mark.parametrize("i", range(1, 8))
def test_small_order_and_mixed_order_points_are_outside_the_subgroup(i):
    t = TORSION[i]
    mixed = reference.add(reference.BASE8, t)
    for impl in (native, reference):
        assert impl.is_on_curve(t) and impl.is_on_curve(mixed)
        assert not impl.is_in_subgroup(t)
        assert not impl.is_in_subgroup(mixed)


@FAST
@given(group_points)
def test_pack_matches_reference_and_unpack_round_trips(p):
    packed = native.pack(p)
    assert packed == reference.pack(p)
    assert native.unpack(packed) == reference.unpack(packed) == p


@FAST
@given(st.binary(min_size=32, max_size=32))
def test_unpack_of_arbitrary_bytes_matches_reference(b):
    outcomes = []
    for impl in (native, reference):
        try:
            outcomes.append(impl.unpack(b))
        except InvalidInput as e:
            outcomes.append(type(e))
    assert outcomes[0] == outcomes[1]


@settings(max_examples=25, deadline=None)
@given(st.lists(group_points, max_size=12), st.integers(min_value=1, max_value=4))
def test_sum_columns_matches_reference_and_pairwise_addition(points, cols):
    rows = len(points) // cols
    points = points[: rows * cols]
    raw = b"".join(x.to_bytes(32, "little") + y.to_bytes(32, "little") for x, y in points)
    expected = [(0, 1)] * cols
    for i, p in enumerate(points):
        expected[i % cols] = reference.add(expected[i % cols], p)
    assert native.sum_columns(raw, rows, cols) == reference.sum_columns(raw, rows, cols) == expected


@pytest.mark.parametrize("impl", [native, reference])
def test_sum_columns_rejects_off_curve_and_non_canonical_points(impl):
    good = reference.BASE8[0].to_bytes(32, "little") + reference.BASE8[1].to_bytes(32, "little")
    off_curve = (1).to_bytes(32, "little") + (1).to_bytes(32, "little")
    too_big = R.to_bytes(32, "little") + (1).to_bytes(32, "little")
    for bad in (off_curve, too_big):
        with pytest.raises(InvalidInput, match="point 2"):
            impl.sum_columns(good + good + bad + good, 2, 2)
    with pytest.raises(InvalidInput):
        impl.sum_columns(good * 3, 2, 2)
