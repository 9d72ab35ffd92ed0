"""Native slice ``g1``: BN254 G1 through the C core.

Points in and out are affine ``(x, y)`` int tuples or ``None`` for infinity; scalars are ints
0 <= k < 2^256. The C decoder re-checks canonical coordinates and the curve equation
(InvalidPoint / FieldRangeError), so a bad point can never reach the arithmetic.
"""

from dataclasses import dataclass

from zkvote._native.lib import check, ffi, int_to_le32, lib
from zkvote.errors import InvalidArgument

Point = tuple[int, int] | None
_ZERO64 = bytes(64)


def _encode(p: Point) -> bytes:
    if p is None:
        return _ZERO64
    return int_to_le32(p[0]) + int_to_le32(p[1])


def _affine(p: Point):
    out = ffi.new("zkv_g1_affine *")
    check(lib.zkv_g1_affine_from_bytes(out, _encode(p)), "G1 point")
    return out


def _jacobian(p: Point):
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_from_affine(out, _affine(p))
    return out


def _decode_affine(a) -> Point:
    buf = ffi.new("uint8_t[64]")
    lib.zkv_g1_affine_to_bytes(buf, a)
    raw = ffi.buffer(buf)[:]
    if raw == _ZERO64:
        return None
    return (int.from_bytes(raw[:32], "little"), int.from_bytes(raw[32:], "little"))


def decode_jacobian(j) -> Point:
    """Affine (x, y) ints of a zkv_g1 (Jacobian) struct; None for infinity."""
    a = ffi.new("zkv_g1_affine *")
    lib.zkv_g1_to_affine(a, j)
    return _decode_affine(a)


def is_on_curve(p: Point) -> bool:
    if p is None:
        return True
    a = ffi.new("zkv_g1_affine *")
    rc = lib.zkv_g1_affine_from_bytes(a, _encode(p))
    if rc == lib.ZKV_NOT_ON_CURVE:
        return False
    check(rc, "G1 point")
    return True


def add(p: Point, q: Point) -> Point:
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_add(out, _jacobian(p), _jacobian(q))
    return decode_jacobian(out)


def add_affine(p: Point, q: Point) -> Point:
    """p + q through the mixed Jacobian + affine addition (the MSM's bucket operation)."""
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_add_affine(out, _jacobian(p), _affine(q))
    return decode_jacobian(out)


def double(p: Point) -> Point:
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_double(out, _jacobian(p))
    return decode_jacobian(out)


def neg(p: Point) -> Point:
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_neg(out, _jacobian(p))
    return decode_jacobian(out)


def mul(p: Point, k: int) -> Point:
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_mul_vartime(out, _jacobian(p), int_to_le32(k))
    return decode_jacobian(out)


def batch_double_to_affine(points: list[Point]) -> list[Point]:
    """[2P for P in points], doubled in Jacobian form (z != 1) and then normalised together
    with zkv_g1_batch_to_affine (one shared inversion)."""
    n = len(points)
    jac = ffi.new("zkv_g1[]", max(n, 1))
    for i, p in enumerate(points):
        lib.zkv_g1_double(jac + i, _jacobian(p))
    out = ffi.new("zkv_g1_affine[]", max(n, 1))
    scratch = ffi.new("zkv_fq[]", max(n, 1))
    lib.zkv_g1_batch_to_affine(out, jac, n, scratch)
    return [_decode_affine(out + i) for i in range(n)]


def equal_jacobian(p: Point, q: Point) -> bool:
    """Whether 2p == p + q, compared in Jacobian form (different z) by zkv_g1_equal."""
    two_p = ffi.new("zkv_g1 *")
    lib.zkv_g1_double(two_p, _jacobian(p))
    p_plus_q = ffi.new("zkv_g1 *")
    lib.zkv_g1_add(p_plus_q, _jacobian(p), _jacobian(q))
    return bool(lib.zkv_g1_equal(two_p, p_plus_q))


def is_infinity(p: Point) -> bool:
    return bool(lib.zkv_g1_is_infinity(_jacobian(p)))


@dataclass
class PreparedG1:
    """Points decoded once into a C zkv_g1_affine[] for repeated MSMs."""

    arr: object
    n: int


def prepare(points: list[Point]) -> PreparedG1:
    n = len(points)
    arr = ffi.new("zkv_g1_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g1_affine_array_from_bytes(arr, b"".join(map(_encode, points)), n, bad)
    check(rc, f"G1 point {bad[0]}" if rc else "G1 points")
    return PreparedG1(arr, n)


def msm_prepared(prepared: PreparedG1, scalars: list[int]) -> Point:
    n = prepared.n
    if len(scalars) != n:
        raise InvalidArgument(f"MSM needs one scalar per point: {n} points, {len(scalars)}")
    packed = b"".join(k.to_bytes(32, "little") for k in scalars)
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_msm_scratch_sizeof(n))
    out = ffi.new("zkv_g1 *")
    lib.zkv_g1_msm_vartime(out, prepared.arr, packed, n, scratch)
    return decode_jacobian(out)


def msm(points: list[Point], scalars: list[int]) -> Point:
    return msm_prepared(prepare(points), scalars)
