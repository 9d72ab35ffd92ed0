"""Poseidon refuses values outside Fr, wrong arities and wrong types, with specific errors."""

import pytest

from zkvote import backend
from zkvote._native import poseidon as native_slice
from zkvote._native.lib import ffi, lib
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.poseidon import hash_pairs_packed, poseidon


@pytest.mark.parametrize("name", backend.BACKENDS)
@pytest.mark.parametrize("bad", [FR_MODULUS, FR_MODULUS + 5, 2**256, -1])
def test_element_outside_fr_is_rejected(name, bad):
    with backend.use_backend(name), pytest.raises(FieldRangeError):
        poseidon([1, bad])


@pytest.mark.parametrize("inputs", [[], list(range(17))])
def test_arity_outside_1_to_16_is_rejected(inputs):
    with pytest.raises(InvalidArgument):
        poseidon(inputs)


@pytest.mark.parametrize("inputs", [[1.0], ["1"], [True], [None], 5, "12", {1, 2}])
def test_non_int_inputs_are_rejected(inputs):
    with pytest.raises(InvalidEncoding):
        poseidon(inputs)


@pytest.mark.parametrize("name", backend.BACKENDS)
def test_packed_pair_with_non_canonical_element_is_rejected(name):
    packed = (1).to_bytes(32, "little") + FR_MODULUS.to_bytes(32, "little")
    with backend.use_backend(name), pytest.raises(FieldRangeError):
        hash_pairs_packed(packed)


@pytest.mark.parametrize("packed", [b"\x00" * 63, b"\x00" * 65, "00" * 64])
def test_packed_pairs_of_wrong_length_or_type_are_rejected(packed):
    with pytest.raises(InvalidEncoding):
        hash_pairs_packed(packed)


def test_native_hash_with_wrong_input_count_for_the_context_is_refused():
    out = ffi.new("uint8_t[32]")
    rc = lib.zkv_poseidon_hash(out, native_slice._context(3), bytes(96), 3)
    assert rc == lib.ZKV_BAD_ARGUMENT


@pytest.mark.parametrize("t, rf, rp", [(1, 8, 56), (18, 8, 56), (3, 6, 57), (3, 8, 0), (3, 8, 71)])
def test_native_context_rejects_unsupported_parameters(t, rf, rp):
    ctx = ffi.new("uint64_t[]", lib.zkv_poseidon_ctx_sizeof() // 8 + 1)
    rc = lib.zkv_poseidon_ctx_init(ctx, t, rf, rp, bytes(32 * 18 * 80), bytes(32 * 18 * 18))
    assert rc == lib.ZKV_BAD_ARGUMENT


def test_native_context_rejects_non_canonical_constants_and_singular_matrices():
    ctx = ffi.new("uint64_t[]", lib.zkv_poseidon_ctx_sizeof() // 8 + 1)
    bad = b"\xff" * 32 + bytes(32 * (65 * 3 - 1))
    assert lib.zkv_poseidon_ctx_init(ctx, 3, 8, 57, bad, bytes(32 * 9)) == lib.ZKV_NOT_CANONICAL
    zero_mds = bytes(32 * 9)
    assert lib.zkv_poseidon_ctx_init(ctx, 3, 8, 57, bytes(32 * 65 * 3), zero_mds) == \
        lib.ZKV_BAD_ARGUMENT


@pytest.mark.parametrize("bad_at", [0, 5, 7, 8, 12, 17])
def test_native_batch_writes_hashes_before_a_non_canonical_pair_only(bad_at):
    # zkv.h: on ZKV_NOT_CANONICAL earlier outputs are written and later ones are not, whichever
    # path (8-lane, 4-lane, single) the bad pair falls in
    pairs = [(k + 1, 2 * k + 3) for k in range(20)]
    packed = bytearray(b"".join(a.to_bytes(32, "little") + b.to_bytes(32, "little")
                                for a, b in pairs))
    packed[64 * bad_at + 32:64 * bad_at + 64] = FR_MODULUS.to_bytes(32, "little")
    out = ffi.new("uint8_t[]", 32 * len(pairs))
    rc = lib.zkv_poseidon_hash_many(out, native_slice._context(3), bytes(packed), 2, len(pairs))
    assert rc == lib.ZKV_NOT_CANONICAL
    got = bytes(ffi.buffer(out))
    for k, (a, b) in enumerate(pairs):
        digest = int.from_bytes(got[32 * k:32 * k + 32], "little")
        assert (digest == poseidon([a, b])) == (k < bad_at)


def test_threaded_batch_with_a_non_canonical_element_is_rejected(monkeypatch):
    monkeypatch.setattr(native_slice, "PARALLEL_MIN", 8)
    packed = bytearray(bytes(64 * 50))
    packed[64 * 45:64 * 45 + 32] = FR_MODULUS.to_bytes(32, "little")  # in the last chunk
    with pytest.raises(FieldRangeError):
        native_slice.hash_pairs_packed(bytes(packed))
