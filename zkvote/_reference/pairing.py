"""Reference slice ``pairing`` on py_ecc.optimized_bn128 (about 0.7 s a pairing).

Same functions and conventions as ``zkvote._native.pairing``. py_ecc's FQ12 is
Fq[w]/(w^12 - 18 w^6 + 82); our tower has w^2 = v and w^6 = xi = 9 + u, so u = w^6 - 9 and
the Fq2 coefficient g_k = a + b u of w^k is (a - 9b) w^k + b w^(k+6) in py_ecc's basis.

A "prepared" G2 point here is just the checked point mapped to Fq12 once (py_ecc has no
precomputed lines); it stands in for the point in ``pairs`` as in the native slice.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc import optimized_bn128 as bn
from py_ecc.optimized_bn128 import optimized_pairing as _pairing_impl

from zkvote._reference import g2 as _g2
from zkvote.errors import FieldRangeError, InvalidEncoding

Fq12 = tuple[int, ...]
G1Affine = tuple[int, int] | None
Pair = tuple[G1Affine, "_g2.G2Affine | PreparedG2"]

P = bn.field_modulus
R = bn.curve_order
FQ12_BYTES = 384
FINAL_EXPONENT = (P**12 - 1) // R

# Position in the tower tuple of the real part of g_k, the Fq2 coefficient of w^k:
# w^(2j) is c0.cj (index 2j), w^(2j+1) is c1.cj (index 6 + 2j).
_TOWER_INDEX = [0, 6, 2, 8, 4, 10]


def to_py_ecc(f: Fq12) -> bn.FQ12:
    coeffs = [0] * 12
    for k in range(6):
        a, b = f[_TOWER_INDEX[k]], f[_TOWER_INDEX[k] + 1]
        coeffs[k] = (a - 9 * b) % P
        coeffs[k + 6] = b
    return bn.FQ12(coeffs)


def from_py_ecc(f: bn.FQ12) -> Fq12:
    c = [int(x) for x in f.coeffs]
    out = [0] * 12
    for k in range(6):
        b = c[k + 6] % P
        out[_TOWER_INDEX[k]] = (c[k] + 9 * b) % P
        out[_TOWER_INDEX[k] + 1] = b
    return tuple(out)


def _g1(p: G1Affine):
    return bn.Z1 if p is None else (bn.FQ(p[0]), bn.FQ(p[1]), bn.FQ.one())


def fq12_to_bytes(f: Fq12) -> bytes:
    return b"".join(c.to_bytes(32, "little") for c in f)


def fq12_from_bytes(data: bytes) -> Fq12:
    if len(data) != FQ12_BYTES:
        raise InvalidEncoding("Fq12 element: malformed encoding")
    out = tuple(int.from_bytes(data[32 * i : 32 * i + 32], "little") for i in range(12))
    if any(c >= P for c in out):
        raise FieldRangeError("Fq12 element: field element not below the modulus")
    return out


def fq12_mul(a: Fq12, b: Fq12) -> Fq12:
    return from_py_ecc(to_py_ecc(a) * to_py_ecc(b))


def fq12_is_one(a: Fq12) -> bool:
    return a == (1,) + (0,) * 11


class PreparedG2:
    """A checked G2 point and its image on the Fq12 curve (None for the identity)."""

    __slots__ = ("point", "twisted")

    def __init__(self, point: _g2.G2Affine) -> None:
        self.point = point
        self.twisted = None if point is None else bn.twist(_g2.to_py_ecc(point))


def prepare_g2(q: _g2.G2Affine) -> PreparedG2:
    """Check ``q`` again (InvalidPoint / NotInSubgroup / FieldRangeError, like the native
    decoder) and keep it ready for Miller loops."""
    return PreparedG2(_g2.decode(_g2.encode(q)))


def _miller(p: G1Affine, q: _g2.G2Affine | PreparedG2) -> bn.FQ12:
    if isinstance(q, PreparedG2):
        q12 = q.twisted
    else:
        q12 = None if q is None else bn.twist(_g2.to_py_ecc(q))
    if p is None or q12 is None:
        return bn.FQ12.one()
    p12 = _pairing_impl.cast_point_to_fq12(_g1(p))
    return _pairing_impl.miller_loop(q12, p12, final_exponentiate=False)


def pairing(p: G1Affine, q: _g2.G2Affine) -> Fq12:
    return from_py_ecc(bn.final_exponentiate(_miller(p, q)))


def miller_loop(pairs: Sequence[Pair]) -> Fq12:
    f = bn.FQ12.one()
    for p, q in pairs:
        f = f * _miller(p, q)
    return from_py_ecc(f)


def final_exponentiation(f: Fq12) -> Fq12:
    return from_py_ecc(to_py_ecc(f) ** FINAL_EXPONENT)


def fq12_pow(a: Fq12, e: int) -> Fq12:
    return from_py_ecc(to_py_ecc(a) ** e)


def pairing_check_prepared(pairs: Sequence[Pair], factor: Fq12 | None = None) -> bool:
    f = miller_loop(pairs)
    if factor is not None:
        f = fq12_mul(f, factor)
    return fq12_is_one(final_exponentiation(f))


def pairing_check(pairs: Sequence[Pair]) -> bool:
    return pairing_check_prepared(pairs)
