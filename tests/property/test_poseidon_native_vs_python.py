"""Differential: the C Poseidon (optimised form, native/poseidon.c) against the Python reference
(plain definition) for every public C function: zkv_poseidon_ctx_init (via every width),
zkv_poseidon_hash and zkv_poseidon_hash_many."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import poseidon as native
from zkvote._reference import poseidon as reference
from zkvote.field import FR_MODULUS

fr = st.one_of(st.integers(0, FR_MODULUS - 1), st.sampled_from([0, 1, FR_MODULUS - 1]))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 16).flatmap(lambda n: st.lists(fr, min_size=n, max_size=n)))
def test_native_hash_equals_reference_for_every_width(inputs):
    assert native.poseidon_hash(inputs) == reference.poseidon_hash(inputs)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(fr, fr), min_size=0, max_size=9))
def test_native_hash_many_of_pairs_equals_reference(pairs):
    # sizes around the 4-lane batching of the C loop (remainders 0..3)
    packed = b"".join(a.to_bytes(32, "little") + b.to_bytes(32, "little") for a, b in pairs)
    assert native.hash_pairs_packed(packed) == reference.hash_pairs_packed(packed)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 16).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(fr, min_size=3 * n, max_size=3 * n))))
def test_native_hash_many_equals_single_hashes_for_every_width(case):
    n, flat = case
    packed = b"".join(x.to_bytes(32, "little") for x in flat)
    out = native.hash_many_packed(packed, n)
    assert [int.from_bytes(out[32 * k:32 * k + 32], "little") for k in range(3)] == [
        reference.poseidon_hash(flat[n * k:n * (k + 1)]) for k in range(3)]
