"""Reference slice ``g2`` on py_ecc.optimized_bn128 (slow; an independent check of the C core).

Same functions and conventions as ``zkvote._native.g2``.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc import optimized_bn128 as bn

from zkvote.errors import FieldRangeError, InvalidEncoding, InvalidPoint, NotInSubgroup

Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None

AFFINE_BYTES = 128
P = bn.field_modulus
R = bn.curve_order


def to_py_ecc(p: G2Affine):
    """py_ecc's projective triple for ``p``."""
    if p is None:
        return bn.Z2
    (x0, x1), (y0, y1) = p
    return bn.FQ2([x0, x1]), bn.FQ2([y0, y1]), bn.FQ2.one()


def from_py_ecc(p) -> G2Affine:
    if bn.is_inf(p):
        return None
    x, y = bn.normalize(p)
    return (int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1]))


def encode(p: G2Affine) -> bytes:
    if p is None:
        return bytes(AFFINE_BYTES)
    (x0, x1), (y0, y1) = p
    return b"".join(c.to_bytes(32, "little") for c in (x0, x1, y0, y1))


def decode(data: bytes, subgroup_check: bool = True) -> G2Affine:
    if len(data) != AFFINE_BYTES:
        raise InvalidEncoding("G2 point: malformed encoding")
    c = [int.from_bytes(data[32 * i : 32 * i + 32], "little") for i in range(4)]
    if any(v >= P for v in c):
        raise FieldRangeError("G2 point: field element not below the modulus")
    if not any(c):
        return None
    p = (c[0], c[1]), (c[2], c[3])
    if not is_on_curve(p):
        raise InvalidPoint("G2 point: point not on the curve")
    if subgroup_check and not is_in_subgroup(p):
        raise NotInSubgroup("G2 point: point not in the prime-order subgroup")
    return p


def decode_array(data: bytes, n: int) -> list[G2Affine]:
    if len(data) != AFFINE_BYTES * n:
        raise InvalidEncoding("G2 point array: malformed encoding")
    out = []
    for i in range(n):
        try:
            out.append(decode(data[AFFINE_BYTES * i : AFFINE_BYTES * (i + 1)]))
        except (InvalidPoint, FieldRangeError) as exc:
            raise type(exc)(f"G2 point {i}: {exc}") from None
    return out


def is_on_curve(p: G2Affine) -> bool:
    return p is None or bn.is_on_curve(to_py_ecc(p), bn.b2)


def is_in_subgroup(p: G2Affine) -> bool:
    """By definition: r*p is the identity."""
    return bn.is_inf(bn.multiply(to_py_ecc(p), R))


def add(a: G2Affine, b: G2Affine) -> G2Affine:
    return from_py_ecc(bn.add(to_py_ecc(a), to_py_ecc(b)))


add_affine = add


def double(a: G2Affine) -> G2Affine:
    return from_py_ecc(bn.double(to_py_ecc(a)))


def neg(a: G2Affine) -> G2Affine:
    return from_py_ecc(bn.neg(to_py_ecc(a)))


def equal(a: G2Affine, b: G2Affine) -> bool:
    return a == b


def mul(p: G2Affine, k: int) -> G2Affine:
    # py_ecc's multiply recurses on k and works for any k >= 0 (it does not reduce mod r).
    return from_py_ecc(bn.multiply(to_py_ecc(p), k))


class PreparedPoints:
    """The list itself, after the checks the native backend performs (canonical
    coordinates, on the curve; subgroup membership is the caller's guarantee)."""

    def __init__(self, points: Sequence[G2Affine]) -> None:
        for i, p in enumerate(points):
            try:
                decode(encode(p), subgroup_check=False)
            except (InvalidPoint, FieldRangeError) as exc:
                raise type(exc)(f"G2 point {i}: {exc}") from None
        self.points = list(points)
        self.n = len(self.points)

    def msm(self, scalars: Sequence[int]) -> G2Affine:
        acc = bn.Z2
        for p, k in zip(self.points, scalars, strict=True):
            acc = bn.add(acc, bn.multiply(to_py_ecc(p), k))
        return from_py_ecc(acc)


def msm_prepared(prepared: PreparedPoints, scalars: Sequence[int]) -> G2Affine:
    """sum scalars[i] * points[i] over points prepared by :func:`prepare`."""
    return prepared.msm(scalars)


def prepare(points: Sequence[G2Affine]) -> PreparedPoints:
    return PreparedPoints(points)


def msm(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    return PreparedPoints(points).msm(scalars)
