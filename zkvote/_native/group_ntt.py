"""Native slice ``group_ntt``: the inverse NTT over G1 / G2 points in the C core
(native/group_ntt.c), turning monomial points tau^k P into Lagrange-basis points L_i(tau) P.

Points in and out use the ``g1`` / ``g2`` slice forms: G1 ``(x, y)`` ints, G2
``((x0, x1), (y0, y1))`` ints, None for the identity. Inputs are already validated group
elements (the domain layer holds G1 / G2 objects); the C decoders still re-check canonical
coordinates and the curve equation, so a bad tuple cannot reach the arithmetic. The G2
subgroup check is skipped (it would cost ~0.1 ms a point on points that are in G2 by
construction). The C call releases the GIL (cffi's default for API-mode calls) and shares
each butterfly stage among ``threads`` POSIX threads (default: the CPUs this process may use).
"""

import os

from zkvote._native.lib import check, ffi, int_to_le32, lib
from zkvote.errors import InvalidArgument

Point = tuple[int, int] | None
Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None

MAX_LOG = 28
_G1_BYTES, _G2_BYTES = 64, 128


def _check_size(m: int, log_n: int) -> int:
    if not 0 <= log_n <= MAX_LOG:
        raise InvalidArgument(f"log_n must be in 0..{MAX_LOG}, not {log_n}")
    n = 1 << log_n
    if m > n:
        raise InvalidArgument(f"{m} points do not fit a domain of size {n}")
    return n


def default_threads() -> int:
    """The number of CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _threads(threads: int | None) -> int:
    if threads is None:
        return default_threads()
    if not 1 <= threads <= 1024:
        raise InvalidArgument(f"threads must be in 1..1024, not {threads}")
    return threads


def _ints(raw: bytes, count: int) -> list[int]:
    return [int.from_bytes(raw[32 * i : 32 * i + 32], "little") for i in range(count)]


def g1_lagrange(points: list[Point], log_n: int, threads: int | None = None) -> list[Point]:
    """The 2^log_n Lagrange-basis points of ``points`` (padded with the identity): point i is
    (1/n) sum_k w^(-ik) points[k], w = ``zkvote.ntt.root_of_unity(log_n)``.

    ``threads``: worker threads (None: :func:`default_threads`; the C code uses at most 64
    and at most n/2). Raises InvalidArgument for log_n outside 0..28, more than 2^log_n
    points or threads outside 1..1024; InvalidPoint / FieldRangeError (with the index) for a
    tuple that is not a G1 point.
    """
    n = _check_size(len(points), log_n)
    m, nthreads = len(points), _threads(threads)
    packed = b"".join(bytes(_G1_BYTES) if p is None else int_to_le32(p[0]) + int_to_le32(p[1])
                      for p in points)
    inp = ffi.new("zkv_g1_affine[]", max(m, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g1_affine_array_from_bytes(inp, packed, m, bad)
    check(rc, f"G1 point {bad[0]}" if rc else "G1 points")
    out = ffi.new("zkv_g1_affine[]", n)
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_lagrange_scratch_sizeof(log_n))
    check(lib.zkv_g1_lagrange_vartime(out, inp, m, log_n, nthreads, scratch), "G1 Lagrange points")
    raw = ffi.new("uint8_t[]", n * _G1_BYTES)
    lib.zkv_g1_affine_array_to_bytes(raw, out, n)
    coords = _ints(ffi.buffer(raw)[:], 2 * n)
    return [None if coords[2 * i] == 0 and coords[2 * i + 1] == 0
            else (coords[2 * i], coords[2 * i + 1]) for i in range(n)]


def g2_lagrange(points: list[G2Affine], log_n: int,
                threads: int | None = None) -> list[G2Affine]:
    """As :func:`g1_lagrange` over G2. The points must be in G2 (not re-checked here);
    InvalidPoint / FieldRangeError for a tuple off the twist or with a coordinate >= p."""
    n = _check_size(len(points), log_n)
    m, nthreads = len(points), _threads(threads)
    inp = ffi.new("zkv_g2_affine[]", max(m, 1))
    for i, p in enumerate(points):
        if p is None:
            continue  # ffi.new zero-fills: (0, 0) is the identity
        (x0, x1), (y0, y1) = p
        data = int_to_le32(x0) + int_to_le32(x1) + int_to_le32(y0) + int_to_le32(y1)
        check(lib.zkv_g2_affine_from_bytes_unchecked(inp + i, data), f"G2 point {i}")
    out = ffi.new("zkv_g2_affine[]", n)
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_lagrange_scratch_sizeof(log_n))
    check(lib.zkv_g2_lagrange_vartime(out, inp, m, log_n, nthreads, scratch), "G2 Lagrange points")
    raw = ffi.new("uint8_t[]", n * _G2_BYTES)
    lib.zkv_g2_affine_array_to_bytes(raw, out, n)
    c = _ints(ffi.buffer(raw)[:], 4 * n)
    result: list[G2Affine] = []
    for i in range(0, 4 * n, 4):
        if c[i] == c[i + 1] == c[i + 2] == c[i + 3] == 0:
            result.append(None)
        else:
            result.append(((c[i], c[i + 1]), (c[i + 2], c[i + 3])))
    return result
