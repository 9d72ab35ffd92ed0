"""Native slice ``g2``: G2 (the order-r subgroup of the sextic twist over Fq2) via the C core.

Points are affine ``((x0, x1), (y0, y1))`` tuples of canonical ints (``x0 + x1*u``), or None
for the identity. Arithmetic functions take points already validated by ``zkvote.g2``; the C
decoders still reject non-canonical coordinates (FieldRangeError) instead of misreading them.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote._native.lib import check, ffi, int_to_le32, le32_to_int, lib

Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None

AFFINE_BYTES = 128  # x.c0 || x.c1 || y.c0 || y.c1, little-endian (zkv.h layout)


def encode(p: G2Affine) -> bytes:
    """The zkv.h byte layout of ``p`` (all zeros for the identity)."""
    if p is None:
        return bytes(AFFINE_BYTES)
    (x0, x1), (y0, y1) = p
    return b"".join(int_to_le32(c) for c in (x0, x1, y0, y1))


def _from_affine_struct(a) -> G2Affine:
    buf = ffi.new("uint8_t[128]")
    lib.zkv_g2_affine_to_bytes(buf, a)
    data = bytes(buf)
    if data == bytes(AFFINE_BYTES):
        return None
    c = [le32_to_int(data[32 * i : 32 * i + 32]) for i in range(4)]
    return (c[0], c[1]), (c[2], c[3])


def _affine(p: G2Affine):
    """zkv_g2_affine for ``p``, coordinates checked canonical but the curve equation not
    (so that is_on_curve can be asked about any point)."""
    out = ffi.new("zkv_g2_affine *")
    if p is None:
        return out  # (0, 0): the identity
    (x0, x1), (y0, y1) = p
    for field, value in ((out.x.c0, x0), (out.x.c1, x1), (out.y.c0, y0), (out.y.c1, y1)):
        check(lib.zkv_fq_from_bytes(ffi.addressof(field), int_to_le32(value)), "G2 coordinate")
    return out


def _jacobian(p: G2Affine):
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_from_affine(out, _affine(p))
    return out


def decode_jacobian(j) -> G2Affine:
    """Affine ((x0, x1), (y0, y1)) ints of a zkv_g2 (Jacobian) struct; None for infinity."""
    a = ffi.new("zkv_g2_affine *")
    lib.zkv_g2_to_affine(a, j)
    return _from_affine_struct(a)


def decode(data: bytes, subgroup_check: bool = True) -> G2Affine:
    """Parse the zkv.h layout: canonical coordinates, on the twist and (unless
    ``subgroup_check`` is False) in the order-r subgroup; all zeros is the identity."""
    if len(data) != AFFINE_BYTES:
        check(lib.ZKV_BAD_ENCODING, "G2 point")
    out = ffi.new("zkv_g2_affine *")
    fn = lib.zkv_g2_affine_from_bytes if subgroup_check else lib.zkv_g2_affine_from_bytes_unchecked
    check(fn(out, data), "G2 point")
    return _from_affine_struct(out)


def decode_array(data: bytes, n: int) -> list[G2Affine]:
    """Parse n points in the zkv.h layout, each fully checked as by :func:`decode`; the error
    message names the first bad point's index."""
    if len(data) != AFFINE_BYTES * n:
        check(lib.ZKV_BAD_ENCODING, "G2 point array")
    out = ffi.new("zkv_g2_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g2_affine_array_from_bytes(out, data, n, bad)
    check(rc, f"G2 point {bad[0]}")
    return [_from_affine_struct(out + i) for i in range(n)]


def is_on_curve(p: G2Affine) -> bool:
    """Whether ``p`` satisfies y^2 = x^3 + 3/(9+u) (the identity does)."""
    return bool(lib.zkv_g2_is_on_curve(_affine(p)))


def is_in_subgroup(p: G2Affine) -> bool:
    """Whether the on-curve point ``p`` has order dividing r."""
    return bool(lib.zkv_g2_is_in_subgroup(_affine(p)))


def add(a: G2Affine, b: G2Affine) -> G2Affine:
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_add(out, _jacobian(a), _jacobian(b))
    return decode_jacobian(out)


def add_affine(a: G2Affine, b: G2Affine) -> G2Affine:
    """Same result as add, through the mixed (Jacobian + affine) formula."""
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_add_affine(out, _jacobian(a), _affine(b))
    return decode_jacobian(out)


def double(a: G2Affine) -> G2Affine:
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_double(out, _jacobian(a))
    return decode_jacobian(out)


def neg(a: G2Affine) -> G2Affine:
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_neg(out, _jacobian(a))
    return decode_jacobian(out)


def equal(a: G2Affine, b: G2Affine) -> bool:
    return bool(lib.zkv_g2_equal(_jacobian(a), _jacobian(b)))


def mul(p: G2Affine, k: int) -> G2Affine:
    """k*p for p in G2 (the order-r subgroup) and 0 <= k < 2^256, through the psi split.

    Only valid on G2: for any other twist point the result is unspecified (use mul_twist).
    """
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_mul_vartime(out, _jacobian(p), int_to_le32(k))
    return decode_jacobian(out)


def mul_twist(p: G2Affine, k: int) -> G2Affine:
    """k*p for any point p of the twist and 0 <= k < 2^256 (not reduced): plain wNAF."""
    out = ffi.new("zkv_g2 *")
    lib.zkv_g2_mul_twist_vartime(out, _jacobian(p), int_to_le32(k))
    return decode_jacobian(out)


class PreparedPoints:
    """Points loaded once into a C array, for repeated MSMs over the same bases.

    The points come from validated G2 values, so only canonical coordinates and the curve
    equation are re-checked here (cheap), not subgroup membership (~0.2 ms a point).
    """

    def __init__(self, points: Sequence[G2Affine]) -> None:
        self.n = len(points)
        self.array = ffi.new("zkv_g2_affine[]", max(self.n, 1))
        for i, p in enumerate(points):
            check(lib.zkv_g2_affine_from_bytes_unchecked(self.array + i, encode(p)),
                  f"G2 point {i}")

    def msm(self, scalars: Sequence[int]) -> G2Affine:
        """sum scalars[i] * points[i]; 0 <= scalars[i] < 2^256, len(scalars) == n."""
        n = self.n
        scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_scratch_sizeof(n))
        out = ffi.new("zkv_g2 *")
        lib.zkv_g2_msm_vartime(out, self.array, b"".join(int_to_le32(k) for k in scalars), n,
                               scratch)
        return decode_jacobian(out)


def msm_prepared(prepared: PreparedPoints, scalars: Sequence[int]) -> G2Affine:
    """sum scalars[i] * points[i] over points prepared by :func:`prepare`."""
    return prepared.msm(scalars)


def prepare(points: Sequence[G2Affine]) -> PreparedPoints:
    """Load ``points`` (valid G2 points) once for :func:`msm_prepared`."""
    return PreparedPoints(points)


def msm(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """sum scalars[i] * points[i] (same lengths; 0 <= scalars[i] < 2^256)."""
    return PreparedPoints(points).msm(scalars)
