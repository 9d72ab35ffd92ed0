"""Native slice: circomlib's Poseidon through the C core (native/poseidon.c).

One context per width is built on first use from the shipped constants table and kept for the
life of the process (contexts are read-only after set-up). Inputs are assumed validated by
zkvote.poseidon (ints in [0, r)); the C code still rejects non-canonical values, mapped to
FieldRangeError by ``check``.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from zkvote import grain
from zkvote._native.lib import check, ffi, lib
from zkvote.cpus import usable_cpus
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


# Batches of at least this many hashes are split across threads: cffi releases the GIL during
# the C call, and each thread writes its own slice of the output, so the result does not depend
# on the split. A multiple of 8 per chunk keeps every chunk on the C code's 8-lane path.
PARALLEL_MIN = 1 << 13
_CHUNK_ALIGN = 8


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, usable_cpus() - 1), thread_name_prefix="poseidon")


def _hash_range(out, ctx, src, arity: int, start: int, count: int) -> int:
    return lib.zkv_poseidon_hash_many(out + 32 * start, ctx, src + 32 * arity * start, arity,
                                      count)


def hash_many_packed(packed: bytes | bytearray | memoryview, arity: int) -> bytes:
    """Poseidon of each consecutive group of ``arity`` 32-byte little-endian field elements.

    ``len(packed)`` must be a multiple of 32 * arity (the caller guarantees it). Large batches
    run on all available cores.
    """
    count = len(packed) // (32 * arity)
    out = bytearray(32 * count)
    if not count:
        return bytes(out)
    ctx = _context(arity + 1)
    dst, src = ffi.from_buffer("uint8_t[]", out), ffi.from_buffer("uint8_t[]", packed)
    parts = min(usable_cpus(), count // PARALLEL_MIN) if count >= 2 * PARALLEL_MIN else 1
    if parts <= 1:
        check(_hash_range(dst, ctx, src, arity, 0, count), "Poseidon input")
        return bytes(out)
    step = -(-count // parts)
    step = -(-step // _CHUNK_ALIGN) * _CHUNK_ALIGN
    bounds = [(a, min(step, count - a)) for a in range(0, count, step)]
    futures = [_pool().submit(_hash_range, dst, ctx, src, arity, a, n) for a, n in bounds[1:]]
    errors = [_hash_range(dst, ctx, src, arity, *bounds[0])] + [f.result() for f in futures]
    for err in errors:  # report the first bad chunk, as one call would
        check(err, "Poseidon input")
    return bytes(out)


def hash_pairs_packed(packed: bytes | bytearray | memoryview) -> bytes:
    """Poseidon(a, b) of consecutive 32-byte little-endian pairs, packed the same way."""
    return hash_many_packed(packed, 2)
