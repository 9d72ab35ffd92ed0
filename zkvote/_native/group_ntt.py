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

from zkvote._native.arrays import g1_decode_array, g1_points, g2_decode_array, g2_points
from zkvote._native.lib import check, ffi, lib
from zkvote.cpus import usable_cpus as default_threads

# The argument checks are the reference slice's (pure Python), so both backends refuse alike.
from zkvote.validate import GROUP_NTT_MAX_LOG as MAX_LOG
from zkvote.validate import check_group_ntt_arguments as check_arguments

__all__ = ["MAX_LOG", "default_threads", "g1_lagrange", "g2_lagrange"]

Point = tuple[int, int] | None
Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None


def _lagrange(points: list, log_n: int, threads: int | None, affine_type: str, to_c,
              scratch_sizeof, run, decode, what: str) -> list:
    n = check_arguments(len(points), log_n, threads)
    nthreads = default_threads() if threads is None else threads
    out = ffi.new(affine_type, n)
    scratch = ffi.new("uint8_t[]", scratch_sizeof(log_n))
    check(run(out, to_c(points), len(points), log_n, nthreads, scratch), what)
    return decode(out, n)


def g1_lagrange(points: list[Point], log_n: int, threads: int | None = None) -> list[Point]:
    """The 2^log_n Lagrange-basis points of ``points`` (padded with the identity): point i is
    (1/n) sum_k w^(-ik) points[k], w = ``zkvote.ntt.root_of_unity(log_n)``.

    ``threads``: worker threads (None: :func:`default_threads`; the C code uses at most 64
    and at most n/2). Raises InvalidArgument for log_n outside 0..28, more than 2^log_n
    points or threads outside 1..1024; InvalidPoint / FieldRangeError (with the index) for a
    tuple that is not a G1 point.
    """
    return _lagrange(points, log_n, threads, "zkv_g1_affine[]", g1_points,
                     lib.zkv_g1_lagrange_scratch_sizeof, lib.zkv_g1_lagrange_vartime,
                     g1_decode_array, "G1 Lagrange points")


def g2_lagrange(points: list[G2Affine], log_n: int,
                threads: int | None = None) -> list[G2Affine]:
    """As :func:`g1_lagrange` over G2. The points must be in G2 (not re-checked here);
    InvalidPoint / FieldRangeError for a tuple off the twist or with a coordinate >= p."""
    return _lagrange(points, log_n, threads, "zkv_g2_affine[]", g2_points,
                     lib.zkv_g2_lagrange_scratch_sizeof, lib.zkv_g2_lagrange_vartime,
                     g2_decode_array, "G2 Lagrange points")
