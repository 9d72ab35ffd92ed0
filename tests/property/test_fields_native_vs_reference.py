"""Differential tests: every Fq/Fr function of the native core against gmpy2 (reference)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import fields as native
from zkvote._reference import fields as reference
from zkvote.errors import NoSquareRoot

P = int(reference.FQ)
R = int(reference.FR)

SETTINGS = settings(max_examples=100, deadline=None)

fq = st.integers(min_value=0, max_value=P - 1)
fr = st.integers(min_value=0, max_value=R - 1)
fq_nonzero = st.integers(min_value=1, max_value=P - 1)
fr_nonzero = st.integers(min_value=1, max_value=R - 1)
exponents = st.integers(min_value=0, max_value=2**256 - 1)


@SETTINGS
@given(fq, fq)
def test_fq_add_sub_mul_match_reference(a, b):
    for op in ("fq_add", "fq_sub", "fq_mul"):
        assert getattr(native, op)(a, b) == getattr(reference, op)(a, b)


@SETTINGS
@given(fr, fr)
def test_fr_add_sub_mul_match_reference(a, b):
    for op in ("fr_add", "fr_sub", "fr_mul"):
        assert getattr(native, op)(a, b) == getattr(reference, op)(a, b)


@SETTINGS
@given(fq, fr)
def test_neg_and_sqr_match_reference(a, b):
    assert native.fq_neg(a) == reference.fq_neg(a)
    assert native.fr_neg(b) == reference.fr_neg(b)
    assert native.fq_sqr(a) == reference.fq_sqr(a)
    assert native.fr_sqr(b) == reference.fr_sqr(b)


@SETTINGS
@given(fq_nonzero, fr_nonzero)
def test_inv_matches_reference(a, b):
    assert native.fq_inv(a) == reference.fq_inv(a)
    assert native.fr_inv(b) == reference.fr_inv(b)


@SETTINGS
@given(fq, exponents)
def test_fq_pow_matches_reference(a, e):
    assert native.fq_pow(a, e) == reference.fq_pow(a, e)


@SETTINGS
@given(fr, exponents)
def test_fr_pow_matches_reference(a, e):
    assert native.fr_pow(a, e) == reference.fr_pow(a, e)


def _sqrt_agrees(nat, ref, a: int, modulus: int) -> None:
    """Both find a root, or both report none; roots may differ in sign."""
    try:
        expected = ref(a)
    except NoSquareRoot:
        expected = None
    try:
        got = nat(a)
    except NoSquareRoot:
        got = None
    assert (got is None) == (expected is None)
    if got is not None:
        assert got * got % modulus == a
        assert got in (expected, (modulus - expected) % modulus)


@SETTINGS
@given(fq)
def test_fq_sqrt_of_square_and_of_random_matches_reference(x):
    _sqrt_agrees(native.fq_sqrt, reference.fq_sqrt, x * x % P, P)
    _sqrt_agrees(native.fq_sqrt, reference.fq_sqrt, x, P)


@SETTINGS
@given(fr)
def test_fr_sqrt_of_square_and_of_random_matches_reference(x):
    _sqrt_agrees(native.fr_sqrt, reference.fr_sqrt, x * x % R, R)
    _sqrt_agrees(native.fr_sqrt, reference.fr_sqrt, x, R)


@settings(max_examples=30, deadline=None)
@given(st.lists(fr_nonzero, min_size=0, max_size=40))
def test_fr_batch_inv_matches_reference(values):
    assert native.fr_batch_inv(values) == reference.fr_batch_inv(values)


@settings(max_examples=30, deadline=None)
@given(st.lists(fq_nonzero, min_size=0, max_size=40))
def test_fq_batch_inv_matches_reference(values):
    assert native.fq_batch_inv(values) == reference.fq_batch_inv(values)


@SETTINGS
@given(st.binary(min_size=32, max_size=32))
def test_fr_from_bytes_reduce_matches_reference(data):
    assert native.fr_from_bytes_reduce(data) == reference.fr_from_bytes_reduce(data)


@settings(max_examples=50, deadline=None)
@given(st.lists(fr, min_size=0, max_size=20))
def test_fr_array_roundtrip_through_c(values):
    arr = native.fr_array_from_ints(values)
    assert native.fr_array_to_ints(arr, len(values)) == values
