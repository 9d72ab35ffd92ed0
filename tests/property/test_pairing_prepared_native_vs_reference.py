"""Differential tests of the prepared-G2 pairing functions and of GT exponentiation:
zkv_g2_prepare + zkv_miller_loop_prepared + zkv_pairing_check_prepared against the plain native
pairing and against py_ecc, zkv_fq12_pow_vartime against py_ecc's Fq12 power.

Reference pairings cost ~0.7 s each, so those comparisons draw few examples; the native
prepared-versus-plain comparisons draw many.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import g1 as native_g1
from zkvote._native import g2 as native_g2
from zkvote._native import pairing as native
from zkvote._reference import g2 as reference_g2
from zkvote._reference import pairing as reference

P = reference.P
R = reference.R
G2 = reference_g2.from_py_ecc(reference_g2.bn.G2)
ONE = (1,) + (0,) * 11

FEW = settings(max_examples=3, deadline=None)
MANY = settings(max_examples=40, deadline=None)

scalars = st.integers(min_value=1, max_value=R - 1)
# 0 stands for the identity, so pairs with infinity on either side are drawn too
maybe_scalars = st.one_of(st.just(0), scalars)
exponents = st.integers(min_value=0, max_value=2**256 - 1)
fq12s = st.tuples(*[st.integers(min_value=0, max_value=P - 1)] * 12)


def g1_point(k: int):
    return None if k == 0 else native_g1.mul((1, 2), k)


def g2_point(k: int):
    return None if k == 0 else native_g2.mul(G2, k)


def gt_element(k: int):
    return native.pairing(g1_point(k), G2)


@MANY
@given(ks=st.lists(st.tuples(maybe_scalars, maybe_scalars), min_size=1, max_size=4),
       mask=st.lists(st.booleans(), min_size=4, max_size=4))
def test_prepared_and_plain_miller_loops_give_the_same_pairing(ks, mask):
    pairs = [(g1_point(a), g2_point(b)) for a, b in ks]
    mixed = [(p, native.prepare_g2(q) if m else q) for (p, q), m in zip(pairs, mask, strict=False)]
    expected = native.final_exponentiation(native.miller_loop(pairs))
    assert native.final_exponentiation(native.miller_loop(mixed)) == expected
    assert native.pairing_check_prepared(mixed) == native.pairing_check(pairs)


@MANY
@given(a=scalars, b=scalars, prepare_second=st.booleans())
def test_prepared_pairing_check_accepts_cancelling_pairs_and_rejects_others(a, b,
                                                                           prepare_second):
    # e(aG, bH) e(-abG, H) = 1; replacing the second G1 point breaks the equation
    q = native_g2.mul(G2, b)
    h = native.prepare_g2(G2) if prepare_second else G2
    good = [(g1_point(a), native.prepare_g2(q)),
            (g1_point((-a * b) % R), h)]
    bad = [good[0], (g1_point((1 - a * b) % R), h)]
    assert native.pairing_check_prepared(good)
    assert not native.pairing_check_prepared(bad)


@MANY
@given(a=scalars, b=scalars, c=scalars)
def test_factor_stands_for_the_pairs_of_its_miller_loop(a, b, c):
    # check(pairs, factor=miller_loop(more)) == check(pairs + more)
    h = native.prepare_g2(G2)
    pairs = [(g1_point(a), g2_point(b)), (g1_point((-a * b) % R), h)]
    more = [(g1_point(c), h), (g1_point(R - c), G2)]
    unbalanced = [(g1_point(c), h)]
    assert native.pairing_check_prepared(pairs, native.miller_loop(more))
    assert not native.pairing_check_prepared(pairs, native.miller_loop(unbalanced))
    assert native.pairing_check_prepared(pairs + more)


def test_many_prepared_pairs_span_several_chunks():
    # 20 prepared + 18 plain pairs: more than one 16-pair chunk on each side
    h = native.prepare_g2(G2)
    pairs = []
    for k in range(1, 20):
        pairs += [(g1_point(k), h), (g1_point(R - k), G2 if k % 2 else h)]
    assert native.pairing_check_prepared(pairs)
    assert not native.pairing_check_prepared(pairs[1:])


@FEW
@given(a=maybe_scalars, b=maybe_scalars)
def test_prepared_pairing_matches_reference_bit_for_bit(a, b):
    p, q = g1_point(a), g2_point(b)
    f_native = native.final_exponentiation(native.miller_loop([(p, native.prepare_g2(q))]))
    f_reference = reference.final_exponentiation(
        reference.miller_loop([(p, reference.prepare_g2(q))]))
    assert f_native == f_reference == reference.pairing(p, q)


@pytest.mark.slow
@settings(max_examples=3, deadline=None)
@given(a=scalars, b=scalars, tamper=st.booleans())
def test_prepared_pairing_check_matches_reference(a, b, tamper):
    q = g2_point(b)
    second = g1_point((-a * b + int(tamper)) % R)
    pairs_native = [(g1_point(a), native.prepare_g2(q)), (second, G2)]
    pairs_reference = [(g1_point(a), reference.prepare_g2(q)), (second, G2)]
    expected = not tamper
    assert native.pairing_check_prepared(pairs_native) is expected
    assert reference.pairing_check_prepared(pairs_reference) is expected


@settings(max_examples=10, deadline=None)
@given(k=scalars, e=exponents)
def test_gt_pow_matches_reference(k, e):
    g = gt_element(k)
    assert native.fq12_pow(g, e) == reference.fq12_pow(g, e)


@settings(max_examples=5, deadline=None)
@given(f=fq12s, e=exponents)
def test_fq12_pow_outside_gt_matches_reference(f, e):
    # a random Fq12 is not in the cyclotomic subgroup: the generic path must still be exact
    assert native.fq12_pow(f, e) == reference.fq12_pow(f, e)


@MANY
@given(k=scalars, e=st.integers(min_value=0, max_value=300))
def test_gt_pow_equals_repeated_multiplication(k, e):
    g = gt_element(k)
    acc = ONE
    for _ in range(e):
        acc = native.fq12_mul(acc, g)
    assert native.fq12_pow(g, e) == acc


@MANY
@given(k=scalars, e1=exponents, e2=exponents)
def test_gt_pow_adds_exponents_and_has_order_r(k, e1, e2):
    g = gt_element(k)
    assert native.fq12_mul(native.fq12_pow(g, e1), native.fq12_pow(g, e2)) == native.fq12_pow(
        g, (e1 + e2) % R)
    assert native.fq12_pow(g, R) == ONE
