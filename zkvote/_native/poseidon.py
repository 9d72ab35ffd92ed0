"""Native slice: circomlib's Poseidon through the C core (native/poseidon.c).

One context per width is built on first use from the shipped constants table and kept for the
life of the process (contexts are read-only after set-up). Inputs are assumed validated by
zkvote.poseidon (ints in [0, r)); the C code still rejects non-canonical values, mapped to
FieldRangeError by ``check``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from zkvote import grain
from zkvote._native.lib import check, ffi, lib
from zkvote.poseidon_constants import constants


@cache
def _context(t: int):
    c, m = constants(t)
    flat_c = b"".join(x.to_bytes(32, "little") for x in c)
    flat_m = b"".join(x.to_bytes(32, "little") for row in m for x in row)
    size = lib.zkv_poseidon_ctx_sizeof()
    ctx = ffi.new("uint64_t[]", (size + 7) // 8)  # uint64_t for the struct's alignment
    check(lib.zkv_poseidon_ctx_init(ctx, t, grain.ROUNDS_F, grain.rounds_p_for_width(t),
                                    flat_c, flat_m), "Poseidon constants")
    return ctx


def poseidon_hash(inputs: Sequence[int]) -> int:
    """Poseidon of 1..16 field elements (validated by the caller)."""
    n = len(inputs)
    buf = b"".join(x.to_bytes(32, "little") for x in inputs)
    out = ffi.new("uint8_t[32]")
    check(lib.zkv_poseidon_hash(out, _context(n + 1), buf, n), "Poseidon input")
    return int.from_bytes(ffi.buffer(out), "little")


def hash_many_packed(packed: bytes | bytearray | memoryview, arity: int) -> bytes:
    """Poseidon of each consecutive group of ``arity`` 32-byte little-endian field elements.

    ``len(packed)`` must be a multiple of 32 * arity (the caller guarantees it).
    """
    count = len(packed) // (32 * arity)
    out = bytearray(32 * count)
    if count:
        check(lib.zkv_poseidon_hash_many(ffi.from_buffer(out), _context(arity + 1),
                                         ffi.from_buffer(packed), arity, count),
              "Poseidon input")
    return bytes(out)


def hash_pairs_packed(packed: bytes | bytearray | memoryview) -> bytes:
    """Poseidon(a, b) of consecutive 32-byte little-endian pairs, packed the same way."""
    return hash_many_packed(packed, 2)
