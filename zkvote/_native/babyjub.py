"""Native BabyJubJub slice: wrappers over the zkv_bjj_* functions of the C core.

Points are ``(x, y)`` tuples of ints, the identity ``(0, 1)``; scalars are ints in [0, 2^256).
Every point crosses into C through ``zkv_bjj_affine_from_bytes``, which re-checks canonical
coordinates and the curve equation, so a bad tuple raises (FieldRangeError / InvalidPoint)
rather than computing garbage. The subgroup is the caller's business.
"""

from zkvote._native.lib import check, ffi, int_to_le32, le32_to_int, lib
from zkvote.errors import InvalidArgument, InvalidEncoding

Point = tuple[int, int]


def _affine(p: Point):
    out = ffi.new("zkv_bjj_affine *")
    check(lib.zkv_bjj_affine_from_bytes(out, int_to_le32(p[0]) + int_to_le32(p[1])),
          "BabyJubJub point")
    return out


def _ext(p: Point):
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_from_affine(out, _affine(p))
    return out


def _from_affine(a) -> Point:
    buf = ffi.new("uint8_t[64]")
    lib.zkv_bjj_affine_to_bytes(buf, a)
    raw = ffi.buffer(buf)
    return le32_to_int(raw[0:32]), le32_to_int(raw[32:64])


def _from_ext(e) -> Point:
    a = ffi.new("zkv_bjj_affine *")
    lib.zkv_bjj_to_affine(a, e)
    return _from_affine(a)


def add(p: Point, q: Point) -> Point:
    """p + q (complete addition law)."""
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_add(out, _ext(p), _ext(q))
    return _from_ext(out)


def double(p: Point) -> Point:
    """2p."""
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_double(out, _ext(p))
    return _from_ext(out)


def neg(p: Point) -> Point:
    """-p."""
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_neg(out, _ext(p))
    return _from_ext(out)


def mul(p: Point, k: int) -> Point:
    """k*p in constant time (fixed windows, masked table scan); 0 <= k < 2^256."""
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_mul(out, _ext(p), int_to_le32(k))
    return _from_ext(out)


def mul_vartime(p: Point, k: int) -> Point:
    """k*p by wNAF, for public k; 0 <= k < 2^256."""
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_mul_vartime(out, _ext(p), int_to_le32(k))
    return _from_ext(out)


def mul_base8(k: int) -> Point:
    """k*Base8 in constant time from the fixed-base table; 0 <= k < 2^256."""
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_mul_base8(out, int_to_le32(k))
    return _from_ext(out)


def msm(points: list[Point], scalars: list[int]) -> Point:
    """sum scalars[i]*points[i] (Pippenger, variable time); scalars in [0, 2^256)."""
    n = len(points)
    if n != len(scalars):
        raise InvalidArgument("msm: points and scalars differ in length")
    raw = b"".join(int_to_le32(x) + int_to_le32(y) for x, y in points)
    pts = ffi.new("zkv_bjj_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    check(lib.zkv_bjj_affine_array_from_bytes(pts, raw, n, bad), "BabyJubJub point")
    ks = b"".join(int_to_le32(k) for k in scalars)
    scratch = ffi.new("uint8_t[]", lib.zkv_bjj_msm_scratch_sizeof(n))
    out = ffi.new("zkv_bjj *")
    lib.zkv_bjj_msm_vartime(out, pts, ks, n, scratch)
    return _from_ext(out)


def is_on_curve(p: Point) -> bool:
    """a*x^2 + y^2 == 1 + d*x^2*y^2 (coordinates must be < r)."""
    a = ffi.new("zkv_bjj_affine *")
    raw = int_to_le32(p[0]) + int_to_le32(p[1])
    # Decode the coordinates alone so that an off-curve point answers False, not an error.
    check(lib.zkv_fr_from_bytes(ffi.addressof(a, "x"), raw[:32]), "BabyJubJub x")
    check(lib.zkv_fr_from_bytes(ffi.addressof(a, "y"), raw[32:]), "BabyJubJub y")
    return bool(lib.zkv_bjj_is_on_curve(a))


def is_in_subgroup(p: Point) -> bool:
    """ORDER*p == identity (p must be on the curve)."""
    return bool(lib.zkv_bjj_is_in_subgroup(_affine(p)))


def equal(p: Point, q: Point) -> bool:
    """Point equality, through the projective comparison of the core."""
    return bool(lib.zkv_bjj_equal(_ext(p), _ext(q)))


def pack(p: Point) -> bytes:
    """circomlib packPoint (32 bytes)."""
    out = ffi.new("uint8_t[32]")
    lib.zkv_bjj_pack(out, _affine(p))
    return bytes(out)


def unpack(b: bytes) -> Point:
    """circomlib unpackPoint with strict checks (not the subgroup).

    Raises InvalidEncoding (not 32 bytes, or the sign bit set on x = 0), FieldRangeError
    (y >= r), InvalidPoint (no curve point has this y).
    """
    if len(b) != 32:
        raise InvalidEncoding("packed BabyJubJub point: expected 32 bytes")
    out = ffi.new("zkv_bjj_affine *")
    check(lib.zkv_bjj_unpack(out, b), "packed BabyJubJub point")
    return _from_affine(out)


def sum_columns(raw: bytes, rows: int, cols: int) -> list[Point]:
    """Column sums of a row-major rows x cols table of 64-byte points (x || y little-endian):
    out[c] = sum_r point[r][c]. Each point is checked canonical and on the curve (FieldRangeError
    / InvalidPoint naming its flat index), not the subgroup. One C call, one inversion per column.
    """
    if cols < 1 or rows < 0 or len(raw) != 64 * rows * cols:
        raise InvalidArgument("sum_columns: need cols >= 1 and 64 * rows * cols bytes")
    out = ffi.new("zkv_bjj[]", cols)
    bad = ffi.new("size_t *")
    rc = lib.zkv_bjj_sum_columns(out, raw, rows, cols, bad)
    if rc != lib.ZKV_OK:
        check(rc, f"BabyJubJub point {bad[0]}")
    return [_from_ext(out + c) for c in range(cols)]
