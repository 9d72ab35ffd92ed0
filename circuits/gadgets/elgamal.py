"""Exponential ElGamal encryption on BabyJubJub as a gadget: Enc(v; r) = (r*G, v*G + r*H) with
G = Base8 and H a VARIABLE point (the poll key, a public input), for many (v, r) under one H.

Cost. r*H is the expensive part. The multiples of H are shared by every encryption under H:
:func:`key_table` computes, once, the Montgomery forms of 4^j*H and 3*4^j*H for j < 125 (10
constraints a window). Each encryption then spends about 6 constraints a bit on r in all:
2 booleans and 1 product a 2-bit window for the digits of r (:func:`scalar_digits`), 3 a window
for r*G (constant tables, so the lookup is linear) and 6 a window for r*H (3 for the lookup,
3 for the Montgomery addition). About 1,515 constraints per encryption for r, plus v*G.

Digits. r < 2^251 is written r = r0 + (4^125 - 1) + sum_j d_j 4^j, with r0 = r mod 2 and
125 signed digits d_j = (2 y_j - 1)(1 + 2 z_j) in {-3, -1, 1, 3} (y_j, z_j boolean): with
E = (r - r0) / 2 < 2^250 and e_j its base-4 digits, d_j = 2 e_j - 3. The single linear
constraint tying r to its digits has no wrap-around (both sides are below 2^251 < p), so it
also proves r < 2^251, and the digits of r are unique. r need not be below l.

Why the incomplete Montgomery addition is sound here. The ladder (for P = G or P = H) starts
at d_0 * P and adds T = d_j 4^j P for j = 1..124. Before step j the accumulator is m*P with
m = sum_{i<j} d_i 4^i, an ODD integer with |m| <= 4^j - 1, and |t| = |d_j| 4^j >= 4^j, so
m != +-t as integers; as |m| + |t| <= 4^(j+1) - 1 < 2^250 < l, also m != +-t (mod l). Since P
has prime order l, the two points therefore have distinct u-coordinates for EVERY choice of
digits, the slope hint is fully determined by its constraint, and the sum (m + t)*P is odd,
so never the identity. No offset point is needed. The Edwards results are then corrected by
(r0 + 4^125 - 1)*P with the complete Edwards law.

The multiples of H in :func:`key_table` are 4^j, 2*4^j, 3*4^j, 4^(j+1) and 4^125 - 1 times H;
each addition there adds k*P and k'*P with k != +-k' (mod l), and each doubling doubles a
point that is not 2-torsion.

PRECONDITION (not enforced here, cannot be enforced cheaply in a circuit): H is a point of the
prime-order subgroup and not the identity. The verifier guarantees it: H comes from the poll
manifest, outside the proof, and is subgroup-checked there. The gadget itself constrains H to
be on the curve with x != 0, which rules out the identity (0, 1) and (0, -1), the two curve
points without a Montgomery image (u = (1 + y) / (1 - y), v = u / x). With a small- or
mixed-order H the argument above fails and a prover might reach an exceptional addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from zkvote.babyjub import Point
from zkvote.errors import InvalidArgument
from zkvote.field import FR_MODULUS

from ..builder import Circuit, SignalLike
from ..signal import Signal, linear_sum
from .babyjub import (
    MONT_A,
    CurvePoint,
    _div,
    _mont_add,
    _product_minus,
    _to_montgomery,
    add,
    assert_on_curve,
    fixed_base_mul,
)

R = FR_MODULUS
RANDOMNESS_BITS = 251  # r < 2^251: any r < l, and r + l would not fit
WINDOWS = (RANDOMNESS_BITS - 1) // 2  # 125 signed 2-bit digits above the parity bit
_OFFSET = (1 << (2 * WINDOWS)) - 1  # r = r0 + _OFFSET + sum d_j 4^j

Mont = tuple[Signal, Signal]


class ScalarDigits(NamedTuple):
    """The digits of a scalar r (see the module docstring): ``low`` = r mod 2, ``signs[j]`` =
    y_j, ``bigs[j]`` = z_j, ``both[j]`` = y_j * z_j; all boolean."""

    low: Signal
    signs: list[Signal]
    bigs: list[Signal]
    both: list[Signal]


class KeyTable(NamedTuple):
    """Shared multiples of a key H: ``windows[j]`` = (u, v) of 4^j H and (u, v) of 3*4^j H
    (Montgomery form); ``corrections`` = ((4^125 - 1) H, 4^125 H) in Edwards form."""

    windows: list[tuple[Signal, Signal, Signal, Signal]]
    corrections: tuple[CurvePoint, CurvePoint]


def scalar_digits(c: Circuit, r: SignalLike) -> ScalarDigits:
    """The signed-window digits of ``r``, constrained to recompose to r, which proves
    0 <= r < 2^251 (unsatisfiable otherwise). 2 * 125 + 1 booleans, 125 products, 1 linear."""
    r = c.signal(r)
    with c.gadget("scalar_digits"):
        out = c.hint(_digits, [r], 2 * WINDOWS + 1)
        for b in out:
            c.assert_bool(b)
        low, signs, bigs = out[0], out[1:WINDOWS + 1], out[WINDOWS + 1:]
        both = [c.mul(y, z) for y, z in zip(signs, bigs, strict=True)]
        # d_j = (2y - 1)(1 + 2z) = 2y + 4yz - 2z - 1
        pairs = [(low, 1)]
        for j in range(WINDOWS):
            w = 1 << (2 * j)
            pairs += [(signs[j], 2 * w), (both[j], 4 * w), (bigs[j], R - 2 * w)]
        constant = _OFFSET - ((1 << (2 * WINDOWS)) - 1) // 3  # _OFFSET - sum 4^j
        c.assert_equal(linear_sum(c, pairs) + constant, r)
    return ScalarDigits(low, signs, bigs, both)


def key_table(c: Circuit, h: CurvePoint) -> KeyTable:
    """The shared table of multiples of the key ``h`` (about 1,260 constraints), after
    constraining h to be on the curve with x != 0. See the module docstring for the
    precondition the CALLER must guarantee: h in the prime-order subgroup."""
    with c.gadget("key_table"):
        assert_on_curve(c, h)
        x, y = c.signal(h[0]), c.signal(h[1])
        c.inverse(x)  # x != 0: excludes (0, 1) and (0, -1)
        u = _div(c, 1 + y, 1 - y)
        base: Mont = (u, _div(c, u, x))
        windows = []
        p = base  # 4^j H
        for _ in range(WINDOWS):
            p2 = _mont_double(c, p)
            p3 = _mont_add(c, p, p2)
            windows.append((p[0], p[1], p3[0], p3[1]))
            p = _mont_add(c, p3, p)
        top = p  # 4^125 H
        below = _mont_add(c, top, (base[0], -base[1]))  # (4^125 - 1) H
        corrections = (_to_edwards(c, below), _to_edwards(c, top))
    return KeyTable(windows, corrections)


def base8_mul(c: Circuit, digits: ScalarDigits) -> CurvePoint:
    """r * Base8 for the scalar of ``digits`` (3 constraints a window + 8)."""
    tables = _base8_tables()
    y, z, yz = digits.signs, digits.bigs, digits.both
    with c.gadget("base8_mul"):
        acc: Mont | None = None
        for j, (u1, v1, u3, v3) in enumerate(tables):
            # u = z ? u3 : u1; v = (2y - 1)(z ? v3 : v1), linear in y, z and yz.
            t = (z[j] * ((u3 - u1) % R) + u1,
                 linear_sum(c, [(y[j], 2 * v1), (z[j], v1 - v3), (yz[j], 2 * (v3 - v1))])
                 - v1)
            acc = t if acc is None else _mont_add(c, acc, t)
        low = digits.low
        (c0x, c0y), (c1x, c1y) = _base8_corrections()
        correction = CurvePoint(low * ((c1x - c0x) % R) + c0x, low * ((c1y - c0y) % R) + c0y)
        return add(c, _to_edwards(c, acc), correction)


def key_mul(c: Circuit, table: KeyTable, digits: ScalarDigits) -> CurvePoint:
    """r * H for the key of ``table`` and the scalar of ``digits`` (6 constraints a window
    + 10)."""
    y, z, yz = digits.signs, digits.bigs, digits.both
    with c.gadget("key_mul"):
        acc: Mont | None = None
        for j, (u1, v1, u3, v3) in enumerate(table.windows):
            u = u1 + c.mul(z[j], u3 - u1)
            # (2y - 1)(v1 + z (v3 - v1)) = (2y - 1) v1 + (2yz - z)(v3 - v1)
            v = c.mul(y[j] * 2 - 1, v1) + c.mul(yz[j] * 2 - z[j], v3 - v1)
            acc = (u, v) if acc is None else _mont_add(c, acc, (u, v))
        (c0x, c0y), (c1x, c1y) = table.corrections
        low = digits.low
        correction = CurvePoint(c.select(low, c1x, c0x), c.select(low, c1y, c0y))
        return add(c, _to_edwards(c, acc), correction)


def encrypt(c: Circuit, table: KeyTable, value_bits: Sequence[SignalLike], r: SignalLike
            ) -> tuple[CurvePoint, CurvePoint]:
    """(r * Base8, v * Base8 + r * H) for v = sum(value_bits[i] 2^i) (little-endian, each
    constrained boolean) and the key of ``table``; constrains r < 2^251. About 1,515
    constraints plus about 2 a value bit."""
    if not value_bits:
        raise InvalidArgument("encrypt needs at least one value bit")
    with c.gadget("elgamal_encrypt"):
        digits = scalar_digits(c, r)
        c1 = base8_mul(c, digits)
        masked = key_mul(c, table, digits)
        with c.gadget("value"):
            c2 = add(c, fixed_base_mul(c, value_bits), masked)
    return c1, c2


# -- internals ---------------------------------------------------------------------------

def _digits(r: int) -> list[int]:
    # r0, then y_j, then z_j; digits of the low 251 bits only (a larger r fails the
    # recomposition constraint instead of the hint).
    e = (r >> 1) & ((1 << (2 * WINDOWS)) - 1)
    ys, zs = [], []
    for j in range(WINDOWS):
        d = (e >> (2 * j)) & 3  # 0, 1, 2, 3 -> digit -3, -1, 1, 3
        ys.append(d >> 1)
        zs.append(1 - ((d ^ (d >> 1)) & 1))
    return [r & 1, *ys, *zs]


def _mont_double(c: Circuit, p: Mont) -> Mont:
    # 2p for p not 2-torsion (v != 0): slope (3u^2 + 2Au + 1) / 2v; 4 constraints.
    u, v = p
    uu = c.mul(u, u)
    lam = _div(c, uu * 3 + u * (2 * MONT_A) + 1, v * 2)
    u3 = _product_minus(c, lam, lam, u * 2 + MONT_A)
    v3 = _product_minus(c, lam, u - u3, v)
    return u3, v3


def _to_edwards(c: Circuit, p: Mont) -> CurvePoint:
    # x = u / v, y = (u - 1) / (u + 1): v != 0 off 2-torsion, u != -1 on this curve.
    u, v = p
    return CurvePoint(_div(c, u, v), _div(c, u - 1, u + 1))


@lru_cache(maxsize=1)
def _base8_tables() -> list[tuple[int, int, int, int]]:
    out = []
    p = Point.base8()
    for _ in range(WINDOWS):
        (u1, v1), (u3, v3) = _to_montgomery(p), _to_montgomery(p.mul(3))
        out.append((u1, v1, u3, v3))
        p = p.double().double()
    return out


@lru_cache(maxsize=1)
def _base8_corrections() -> tuple[tuple[int, int], tuple[int, int]]:
    g = Point.base8()
    return g.mul(_OFFSET).to_affine(), g.mul(_OFFSET + 1).to_affine()
