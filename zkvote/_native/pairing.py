"""Native slice ``pairing``: the optimal ate pairing, its parts, and Fq12 (GT) arithmetic.

G1 points are ``(x, y)`` int tuples or None, G2 points as in the ``g2`` slice, and Fq12
values 12-tuples of ints in tower order (c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1), the
tower being Fq2 = Fq[u]/(u^2+1), Fq6 = Fq2[v]/(v^3-(9+u)), Fq12 = Fq6[w]/(w^2-v). Inputs are
already validated (points on their curves and in their groups).

The value of :func:`miller_loop` is only defined up to factors that the final exponentiation
removes: it differs between backends; ``final_exponentiation(miller_loop(...))`` does not.

A G2 point used in many pairings can be prepared once (:func:`prepare_g2`): the handle holds
the line coefficients of its Miller loop, and stands in for the point in the ``pairs`` of
:func:`miller_loop`, :func:`pairing_check` and :func:`pairing_check_prepared`.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote._native import g2 as _g2
from zkvote._native.lib import check, ffi, int_to_le32, le32_to_int, lib

Fq12 = tuple[int, ...]
G1Affine = tuple[int, int] | None
Pair = tuple[G1Affine, "_g2.G2Affine | PreparedG2"]

FQ12_BYTES = 384


def _g1_bytes(p: G1Affine) -> bytes:
    return bytes(64) if p is None else int_to_le32(p[0]) + int_to_le32(p[1])


class PreparedG2:
    """Opaque handle: a G2 point's precomputed Miller loop lines (a ``zkv_g2_prepared``)."""

    __slots__ = ("_ptr",)

    def __init__(self, ptr) -> None:
        self._ptr = ptr


def prepare_g2(q: _g2.G2Affine) -> PreparedG2:
    """Precompute the Miller loop lines of ``q`` (None for the identity). The C decoder checks
    the point again (curve, subgroup): InvalidPoint / NotInSubgroup / FieldRangeError."""
    affine = ffi.new("zkv_g2_affine *")
    check(lib.zkv_g2_affine_from_bytes(affine, _g2.encode(q)), "G2 point")
    ptr = ffi.new("zkv_g2_prepared *")
    lib.zkv_g2_prepare(ptr, affine)
    return PreparedG2(ptr)


def _pairs(pairs: Sequence[Pair]):
    """C arrays for the plain pairs and for the prepared ones (kept apart)."""
    plain = [(p, q) for p, q in pairs if not isinstance(q, PreparedG2)]
    prepared = [(p, q) for p, q in pairs if isinstance(q, PreparedG2)]
    n, m = len(plain), len(prepared)
    ps = ffi.new("zkv_g1_affine[]", max(n, 1))
    qs = ffi.new("zkv_g2_affine[]", max(n, 1))
    for i, (p, q) in enumerate(plain):
        check(lib.zkv_g1_affine_from_bytes(ps + i, _g1_bytes(p)), "G1 point")
        qs[i] = _g2._affine(q)[0]
    pps = ffi.new("zkv_g1_affine[]", max(m, 1))
    pqs = ffi.new("zkv_g2_prepared *[]", max(m, 1))
    for i, (p, q) in enumerate(prepared):
        check(lib.zkv_g1_affine_from_bytes(pps + i, _g1_bytes(p)), "G1 point")
        pqs[i] = q._ptr
    # the handles' memory must outlive the call: cffi keeps only the pointers in pqs
    keep = [q for _, q in prepared]
    return ps, qs, n, pps, pqs, m, keep


def fq12_to_bytes(f: Fq12) -> bytes:
    """The zkv.h encoding: 12 little-endian 32-byte coordinates in tower order."""
    return b"".join(int_to_le32(c) for c in f)


def fq12_from_bytes(data: bytes) -> Fq12:
    """Parse 384 bytes (InvalidEncoding for another length, FieldRangeError if a coordinate
    is >= p)."""
    return _from_struct(_struct(data))


def _struct(data: bytes):
    if len(data) != FQ12_BYTES:
        check(lib.ZKV_BAD_ENCODING, "Fq12 element")
    out = ffi.new("zkv_fq12 *")
    check(lib.zkv_fq12_from_bytes(out, data), "Fq12 element")
    return out


def _fq12(f: Fq12):
    return _struct(fq12_to_bytes(f))


def _from_struct(s) -> Fq12:
    buf = ffi.new("uint8_t[384]")
    lib.zkv_fq12_to_bytes(buf, s)
    data = bytes(buf)
    return tuple(le32_to_int(data[32 * i : 32 * i + 32]) for i in range(12))


def fq12_mul(a: Fq12, b: Fq12) -> Fq12:
    out = ffi.new("zkv_fq12 *")
    lib.zkv_fq12_mul(out, _fq12(a), _fq12(b))
    return _from_struct(out)


def fq12_is_one(a: Fq12) -> bool:
    return bool(lib.zkv_fq12_is_one(_fq12(a)))


def fq12_pow(a: Fq12, e: int) -> Fq12:
    """a^e for 0 <= e < 2^256 (fast for a in GT: cyclotomic squarings)."""
    out = ffi.new("zkv_fq12 *")
    lib.zkv_fq12_pow_vartime(out, _fq12(a), int_to_le32(e))
    return _from_struct(out)


def pairing(p: G1Affine, q: _g2.G2Affine) -> Fq12:
    """e(p, q); 1 if either is the identity."""
    ps, qs, *_ = _pairs([(p, q)])
    out = ffi.new("zkv_fq12 *")
    lib.zkv_pairing(out, ps, qs)
    return _from_struct(out)


def miller_loop(pairs: Sequence[Pair]) -> Fq12:
    """Product of the Miller loops of ``pairs`` (not final-exponentiated); G2 points may be
    prepared handles."""
    ps, qs, n, pps, pqs, m, _keep = _pairs(pairs)
    out = ffi.new("zkv_fq12 *")
    lib.zkv_miller_loop_prepared(out, ps, qs, n, pps, pqs, m)
    return _from_struct(out)


def final_exponentiation(f: Fq12) -> Fq12:
    """f^((p^12 - 1)/r)."""
    out = ffi.new("zkv_fq12 *")
    lib.zkv_final_exp(out, _fq12(f))
    return _from_struct(out)


def pairing_check_prepared(pairs: Sequence[Pair], factor: Fq12 | None = None) -> bool:
    """Whether final_exponentiation(miller_loop(pairs) * factor) == 1 (factor: a Miller value
    of this backend, e.g. of a fixed pair, or None); G2 points may be prepared handles."""
    ps, qs, n, pps, pqs, m, _keep = _pairs(pairs)
    f = ffi.NULL if factor is None else _fq12(factor)
    return bool(lib.zkv_pairing_check_prepared(ps, qs, n, pps, pqs, m, f))


def pairing_check(pairs: Sequence[Pair]) -> bool:
    """Whether prod e(p_i, q_i) == 1 (one shared final exponentiation)."""
    return pairing_check_prepared(pairs)
