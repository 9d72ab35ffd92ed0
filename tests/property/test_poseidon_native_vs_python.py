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


def _ints(out: bytes) -> list[int]:
    return [int.from_bytes(out[k:k + 32], "little") for k in range(0, len(out), 32)]


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 16).flatmap(lambda n: st.tuples(
    st.just(n), st.integers(8, 19).flatmap(
        lambda c: st.lists(fr, min_size=c * n, max_size=c * n)))))
def test_native_8_lane_batches_equal_reference_for_every_width(case):
    # 8+ hashes take the AVX-512 IFMA path (when compiled in), the rest the scalar loop; every
    # width covers every partial-round count, i.e. the longest lazy-reduction stretches
    n, flat = case
    packed = b"".join(x.to_bytes(32, "little") for x in flat)
    assert _ints(native.hash_many_packed(packed, n)) == [
        reference.poseidon_hash(flat[k:k + n]) for k in range(0, len(flat), n)]


def test_native_batch_of_extreme_values_equals_reference():
    # r - 1 everywhere gives the largest limbs; 0 and 1 the smallest
    r1 = FR_MODULUS - 1
    for n in (1, 2, 13, 16):
        rows = [[r1] * n, [0] * n, [1] * n, [r1, 0] * (n // 2) + [r1] * (n % 2)] * 3
        packed = b"".join(x.to_bytes(32, "little") for row in rows for x in row)
        assert _ints(native.hash_many_packed(packed, n)) == [
            reference.poseidon_hash(row) for row in rows]


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 4))
def test_threaded_batches_equal_single_threaded_batches(seed, arity):
    # the split across threads must not change a single output
    import random

    rng = random.Random(seed)
    count = rng.randrange(40, 90)
    packed = b"".join(rng.randrange(FR_MODULUS).to_bytes(32, "little")
                      for _ in range(count * arity))
    saved = native.PARALLEL_MIN
    try:
        native.PARALLEL_MIN = 10**9
        single = native.hash_many_packed(packed, arity)
        native.PARALLEL_MIN = 9  # several chunks of 8-aligned sizes and a ragged tail
        threaded = native.hash_many_packed(packed, arity)
    finally:
        native.PARALLEL_MIN = saved
    assert threaded == single
    assert _ints(single)[:3] == [reference.poseidon_hash(_ints(packed[32 * arity * k:])[:arity])
                                 for k in range(3)]
