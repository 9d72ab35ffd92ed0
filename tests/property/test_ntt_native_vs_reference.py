"""Differential tests: the native NTT functions against the pure-Python reference NTT."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import ntt as native
from zkvote._reference import ntt as reference

R = int(reference.R)

SETTINGS = settings(max_examples=30, deadline=None)

fr = st.integers(min_value=0, max_value=R - 1)
fr_nonzero = st.integers(min_value=1, max_value=R - 1)


def vectors(max_log: int = 7):
    return st.integers(min_value=0, max_value=max_log).flatmap(
        lambda lg: st.lists(fr, min_size=1 << lg, max_size=1 << lg)
    )


@SETTINGS
@given(vectors(), st.booleans())
def test_ntt_matches_reference(values, inverse):
    assert native.ntt(values, inverse) == reference.ntt(values, inverse)


@SETTINGS
@given(vectors(), fr, st.booleans())
def test_coset_ntt_matches_reference(values, shift, inverse):
    if inverse and shift == 0:
        shift = 1
    assert native.coset_ntt(values, shift, inverse) == reference.coset_ntt(values, shift, inverse)


@SETTINGS
@given(vectors())
def test_inverse_ntt_undoes_forward(values):
    assert native.ntt(native.ntt(values), inverse=True) == values


@SETTINGS
@given(vectors(), fr_nonzero)
def test_inverse_coset_ntt_undoes_forward(values, shift):
    assert native.coset_ntt(native.coset_ntt(values, shift), shift, inverse=True) == values


@settings(max_examples=29, deadline=None)
@given(st.integers(min_value=0, max_value=28))
def test_root_of_unity_matches_reference(log_n):
    assert native.root_of_unity(log_n) == reference.root_of_unity(log_n)


@settings(max_examples=10, deadline=None)
@given(st.lists(fr, min_size=8, max_size=8))
def test_ntt_matches_its_definition(values):
    # out_i = sum_j a_j w^(ij): checks the convention, not just agreement of two programs
    w = native.root_of_unity(3)
    expected = [sum(a * pow(w, i * j, R) for j, a in enumerate(values)) % R for i in range(8)]
    assert native.ntt(values) == expected


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_large_ntt_crosses_twiddle_chunks_and_matches_reference(seed):
    # 2^11 > the C core's twiddle chunk (512), so chunked twiddle generation is exercised
    import random

    rng = random.Random(seed)
    values = [rng.randrange(R) for _ in range(1 << 11)]
    assert native.ntt(values) == reference.ntt(values)
