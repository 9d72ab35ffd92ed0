"""Differential tests: every G1 function of the native core against py_ecc (reference)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import g1 as native
from zkvote._reference import g1 as reference

R = reference.R
GEN = (1, 2)

FAST = settings(max_examples=40, deadline=None)
SLOW_REF = settings(max_examples=15, deadline=None)  # reference mul ~15-50 ms each

scalars = st.integers(min_value=0, max_value=R - 1)
any_scalars = st.integers(min_value=0, max_value=2**256 - 1)


def point(k: int):
    """k*G via the native mul (itself checked against the reference below)."""
    return native.mul(GEN, k)


points = scalars.map(point)


@SLOW_REF
@given(scalars, any_scalars)
def test_mul_matches_reference(k, e):
    p = point(k)
    assert native.mul(p, e) == reference.mul(p, e)


@SLOW_REF
@given(scalars)
def test_generator_multiple_matches_reference(k):
    assert point(k) == reference.mul(GEN, k)


@FAST
@given(points, points)
def test_add_matches_reference(p, q):
    assert native.add(p, q) == reference.add(p, q)


@FAST
@given(points)
def test_add_of_point_to_itself_and_to_its_negation_matches_reference(p):
    assert native.add(p, p) == reference.add(p, p) == native.double(p)
    assert native.add(p, native.neg(p)) is None
    assert reference.add(p, reference.neg(p)) is None


@FAST
@given(points, points)
def test_mixed_add_matches_reference(p, q):
    assert native.add_affine(p, q) == reference.add_affine(p, q)
    assert native.add_affine(p, p) == reference.double(p)
    assert native.add_affine(p, None) == p
    assert native.add_affine(None, q) == q
    if p is not None:
        assert native.add_affine(p, native.neg(p)) is None


@settings(max_examples=20, deadline=None)
@given(st.lists(st.one_of(points, st.just(None)), min_size=0, max_size=10))
def test_batch_to_affine_matches_reference(ps):
    assert native.batch_double_to_affine(ps) == reference.batch_double_to_affine(ps)


@FAST
@given(points, points)
def test_jacobian_equality_matches_reference(p, q):
    # 2p and p + q carry different z, so the comparison must cross-multiply
    assert native.equal_jacobian(p, q) is reference.equal_jacobian(p, q)
    assert native.equal_jacobian(p, p) is reference.equal_jacobian(p, p) is True


@FAST
@given(st.one_of(points, st.just(None)))
def test_is_infinity_matches_reference(p):
    assert native.is_infinity(p) is reference.is_infinity(p)


@FAST
@given(points)
def test_double_and_neg_match_reference(p):
    assert native.double(p) == reference.double(p)
    assert native.neg(p) == reference.neg(p)


@FAST
@given(points)
def test_identity_is_neutral_on_both_sides(p):
    assert native.add(p, None) == p
    assert native.add(None, p) == p
    assert native.double(None) is None
    assert native.mul(None, 12345) is None


@FAST
@given(points, st.integers(min_value=0, max_value=2**64))
def test_is_on_curve_matches_reference(p, dy):
    assert native.is_on_curve(p) is reference.is_on_curve(p) is True
    if p is not None and dy:
        bad = (p[0], (p[1] + dy) % reference.bn.field_modulus)
        assert native.is_on_curve(bad) is reference.is_on_curve(bad)


def _msm_inputs(n_max: int):
    # include the identity, repeated points and special scalars: the cases Pippenger's
    # buckets get wrong (P + P landing in one bucket, P + (-P), zero digits, top carries)
    special = st.sampled_from([0, 1, 2, R - 1, R, 2**255, 2**256 - 1])
    pts = st.lists(st.one_of(points, st.just(None), st.just(GEN)), min_size=0, max_size=n_max)
    return pts.flatmap(
        lambda ps: st.tuples(
            st.just(ps),
            st.lists(st.one_of(any_scalars, special), min_size=len(ps), max_size=len(ps)),
        )
    )


@settings(max_examples=15, deadline=None)
@given(_msm_inputs(8))
def test_msm_matches_reference(inputs):
    ps, ks = inputs
    assert native.msm(ps, ks) == reference.msm(ps, ks)


@settings(max_examples=10, deadline=None)
@given(_msm_inputs(6))
def test_prepared_msm_matches_reference(inputs):
    ps, ks = inputs
    assert native.msm_prepared(native.prepare(ps), ks) == reference.msm(ps, ks)


@settings(max_examples=5, deadline=None)
@given(st.lists(points, min_size=1, max_size=4), st.integers(min_value=0, max_value=2**32))
def test_msm_of_many_points_matches_sum_of_native_muls(base, seed):
    # larger n exercises wider windows; checked against native mul + add (each of which is
    # checked against the reference above)
    import random

    rng = random.Random(seed)
    n = 300
    ps = [base[i % len(base)] for i in range(n)]
    ks = [rng.randrange(2**256) for _ in range(n)]
    expected = None
    for p, k in zip(ps, ks, strict=True):
        expected = native.add(expected, native.mul(p, k))
    assert native.msm(ps, ks) == expected


def _grouped_msm_check(base: list, n: int, ks: list[int]) -> None:
    """MSM of n points cycling through ``base`` against sum_b (sum of its scalars) * b, which
    needs only len(base) muls: cheap enough to check the large-n code paths."""
    ps = [base[i % len(base)] for i in range(n)]
    coeff = [0] * len(base)
    for i, k in enumerate(ks):
        coeff[i % len(base)] += k
    expected = None
    for b, c in zip(base, coeff, strict=True):
        expected = native.add(expected, reference.mul(b, c % R))
    assert native.msm(ps, ks) == expected


@settings(max_examples=3, deadline=None)
@given(st.lists(scalars, min_size=4, max_size=4), st.integers(min_value=0, max_value=2**32))
def test_batch_affine_msm_with_repeats_and_negations_matches_reference(ks_base, seed):
    # n >= 4096 takes the batch-affine path; few distinct points (and their negations) make
    # the same point meet itself (doubling) and its negation (cancellation) in a bucket, and
    # buckets collide within a batch (the Jacobian overflow buckets)
    import random

    rng = random.Random(seed)
    base = [point(k) for k in ks_base]
    base += [native.neg(b) for b in base]
    ks = [rng.randrange(2**256) for _ in range(5000)]
    _grouped_msm_check(base, 5000, ks)


def test_batch_affine_msm_with_one_repeated_point_and_scalar():
    # every addition lands in the same bucket: the worst case for batching
    p = point(123456789)
    assert native.msm([p] * 4096, [987654321] * 4096) == reference.mul(p, 987654321 * 4096)


@pytest.mark.slow
def test_msm_of_2_to_16_points_matches_reference():
    import random

    rng = random.Random(7)
    base = [point(rng.randrange(R)) for _ in range(16)]
    n = 1 << 16
    _grouped_msm_check(base, n, [rng.randrange(R) for _ in range(n)])


# ---- the GLV split: the native MSM writes k = k1 + k2 * lambda (mod r) with |k1|, |k2| < 2^126
# and runs on P and phi(P) = lambda * P; these scalars sit where the split's rounding or signs
# turn over
LAMBDA = 0xB3C4D79D41A917585BFC41088D8DAAA78B17EA66B99C90DD
GLV_EDGE = sorted(
    {0, 1, 2, R - 1, R - 2, R, R + 1, 2**256 - 1, (R - 1) // 2, (R + 1) // 2}
    | {(j * LAMBDA + i) % R for j in range(-3, 4) for i in (-1, 0, 1)}
    | {R + LAMBDA, 2**255 + LAMBDA, 2**126, 2**126 - 1, 2**127 + 1}
)
glv_scalars = st.one_of(st.sampled_from(GLV_EDGE), scalars, any_scalars)


def test_glv_cube_root_matches_the_reference():
    g = reference.mul(GEN, LAMBDA)
    assert g == (GEN[0] * 0x59E26BCEA0D48BACD4F263F1ACDB5C4F5763473177FFFFFE
                 % reference.bn.field_modulus, GEN[1])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.one_of(points, st.just(GEN)), glv_scalars), min_size=1, max_size=8))
def test_msm_with_glv_edge_scalars_matches_reference(pairs):
    ps = [p for p, _ in pairs]
    ks = [k for _, k in pairs]
    assert native.msm(ps, ks) == reference.msm(ps, ks)


def test_msm_with_every_glv_edge_scalar_on_one_point_matches_reference():
    p = point(987654321)
    for k in GLV_EDGE:
        assert native.msm([p], [k]) == reference.mul(p, k % R), k
        assert native.msm([p, native.neg(p)], [k, k]) is None


@pytest.mark.parametrize("n", [600, 1500, 3000, 9000, 33000])
def test_batch_msm_with_glv_edge_scalars_matches_grouped_sum(n):
    # the sizes take each window width of the batch-affine path (9, 10, 11, 13, 14 bits)
    import random

    rng = random.Random(n)
    base = [point(rng.randrange(R)) for _ in range(5)] + [GEN]
    ks = [rng.choice(GLV_EDGE) if rng.random() < 0.5 else rng.randrange(2**256) for _ in range(n)]
    _grouped_msm_check(base, n, ks)


@pytest.mark.parametrize("n", [100, 1024, 8192])
def test_msm_of_one_repeated_point_with_lambda_multiples_matches_reference(n):
    # all halves of one kind hit the same few buckets: doublings, cancellations, the queue of
    # conflicting additions and its Jacobian fallback
    import random

    rng = random.Random(n)
    p = point(31337)
    ks = [(rng.randrange(-4, 5) * LAMBDA + rng.randrange(-2, 3)) % R for _ in range(n)]
    assert native.msm([p] * n, ks) == reference.mul(p, sum(ks) % R)


@settings(max_examples=3, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_batch_msm_of_two_points_and_their_negations_matches_reference(seed):
    # only four distinct points over 2000 terms: buckets meet equal and opposite points
    import random

    rng = random.Random(seed)
    p, q = point(rng.randrange(1, R)), point(rng.randrange(1, R))
    base = [p, native.neg(p), q, native.neg(q)]
    ks = [rng.randrange(R) if rng.random() < 0.7 else rng.choice(GLV_EDGE) for _ in range(2000)]
    _grouped_msm_check(base, 2000, ks)
