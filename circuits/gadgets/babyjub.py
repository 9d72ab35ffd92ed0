"""BabyJubJub gadgets: on-curve check, addition, doubling, scalar multiplication, public keys.

Points are :class:`CurvePoint` pairs of signals in twisted Edwards coordinates
(a*x^2 + y^2 = 1 + d*x^2*y^2, the curve of zkvote.babyjub). As a is a square and d is not in
Fr, the Edwards addition law is complete: :func:`add` is correct for every pair of curve
points, the identity (0, 1) included, so no input can make it divide by zero.

Fixed-base multiplication (:func:`fixed_base_mul`) is the cheap one, about 2 constraints a
bit (circomlib's EscalarMulFix is in the same range). It runs on the Montgomery form
B*v^2 = u^3 + A*u^2 + u (A = 168698, B = 1) with 2-bit windows whose 4 table points are
constants, so a lookup is linear in the bits and their product (1 constraint) and an
addition takes 3. The Montgomery addition formula is incomplete: it needs u1 != u2, and with
the slope given by a hint a case u1 == u2 would let a cheating prover pick any slope. The
tables are therefore built so that this cannot happen for ANY bit values: window j of a
segment adds (k*4^j + 1)*P for its bits k in 0..3, on top of a start point 2^248*P. Every
accumulator is then m*P and every addend t*P with 0 < t < m and m + t < l (the prime order of
P), so m != +-t (mod l) and the x-coordinates differ. A segment covers at most 248 bits (124
windows) to stay within these bounds; segments are moved to Edwards form, added with the
complete law, and the sum of all the start offsets is subtracted at the end (folded into the
lookup table of the last 1-3 bits when there are such, else one addition of a constant).

Variable-base multiplication is plain double-and-add with the complete law (13 constraints a
bit).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from zkvote.babyjub import ORDER, A, D, Point
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS, fr_inv, fr_inv_vartime

from ..builder import Circuit, SignalLike
from ..signal import Signal, linear_sum
from .bits import assert_bits_le_constant, to_bits

R = FR_MODULUS
MONT_A = 2 * (A + D) * fr_inv(A - D) % R  # 168698; the Montgomery B is 4 / (a - d) = 1
SECRET_BITS = ORDER.bit_length()  # 251: secrets are < l < 2^251

_WINDOWS_PER_SEGMENT = 124  # 248 bits: see the module docstring for the bound
_SEGMENT_BITS = 2 * _WINDOWS_PER_SEGMENT
_START = 1 << _SEGMENT_BITS  # the start multiple of every segment
_MAX_TAIL_BITS = 3  # a remainder this short is a plain Edwards lookup


class CurvePoint(NamedTuple):
    """A BabyJubJub point in a circuit: its affine Edwards coordinates as signals."""

    x: Signal
    y: Signal


def point(c: Circuit, x: SignalLike, y: SignalLike) -> CurvePoint:
    """The signals (x, y) as a point; no constraint (see :func:`assert_on_curve`)."""
    return CurvePoint(c.signal(x), c.signal(y))


def constant_point(c: Circuit, p: Point) -> CurvePoint:
    """The fixed point ``p`` (a zkvote.babyjub.Point) as constant signals."""
    if not isinstance(p, Point):
        raise InvalidEncoding(f"expected a zkvote.babyjub.Point, not {type(p).__name__}")
    return CurvePoint(c.signal(p.x), c.signal(p.y))


def assert_on_curve(c: Circuit, p: CurvePoint) -> None:
    """Constrain a*x^2 + y^2 == 1 + d*x^2*y^2 (3 constraints). Says nothing about the
    subgroup: small-order and mixed-order points pass."""
    x, y = _point(c, p)
    with c.gadget("babyjub_on_curve"):
        xx, yy = c.mul(x, x), c.mul(y, y)
        c.assert_product(xx * D, yy, xx * A + yy - 1)


def add(c: Circuit, p: CurvePoint, q: CurvePoint) -> CurvePoint:
    """p + q by the complete twisted Edwards law (circomlib's BabyAdd): 6 constraints, 3
    when one point is constant. Correct and fully determined for all curve points; for
    off-curve inputs a denominator can vanish and leave the result free, so check points
    that come from outside with :func:`assert_on_curve`."""
    (x1, y1), (x2, y2) = _point(c, p), _point(c, q)
    with c.gadget("babyjub_add"):
        beta = c.mul(x1, y2)
        gamma = c.mul(y1, x2)
        # (y1 - a x1)(x2 + y2) = y1 y2 - a x1 x2 + (gamma - a beta): one product for both.
        delta = c.mul(y1 - x1 * A, x2 + y2)
        tau = c.mul(beta, gamma)
        x3 = _div(c, beta + gamma, 1 + tau * D)
        y3 = _div(c, delta + beta * A - gamma, 1 - tau * D)
    return CurvePoint(x3, y3)


def double(c: Circuit, p: CurvePoint) -> CurvePoint:
    """2p, the same function as ``add(c, p, p)`` for any input (6 constraints)."""
    return add(c, p, p)


def unchecked_double(c: Circuit, p: CurvePoint) -> CurvePoint:
    """2p for a point the CALLER knows to be on the curve (5 constraints): the denominators
    1 +- d x^2 y^2 are rewritten with the curve equation, which off the curve changes the
    result."""
    x, y = _point(c, p)
    with c.gadget("babyjub_double"):
        xx, yy, xy = c.mul(x, x), c.mul(y, y), c.mul(x, y)
        x3 = _div(c, xy * 2, xx * A + yy)
        y3 = _div(c, yy - xx * A, 2 - xx * A - yy)
    return CurvePoint(x3, y3)


def fixed_base_mul(c: Circuit, bits: Sequence[SignalLike], base: Point | None = None
                   ) -> CurvePoint:
    """k * base for k = sum(bits[i] 2^i) (little-endian; each constrained boolean, free for
    bits already known boolean). ``base`` defaults to BASE8 and must be a point of the
    prime-order subgroup other than the identity (InvalidArgument otherwise). Any number of
    bits; about 2 constraints a bit (508 for 251 bits). See the module docstring for why
    the incomplete Montgomery additions inside are sound."""
    base = Point.base8() if base is None else base
    if not isinstance(base, Point):
        raise InvalidEncoding(f"the base must be a zkvote.babyjub.Point, not "
                              f"{type(base).__name__}")
    if base.is_identity() or not base.is_in_subgroup():
        raise InvalidArgument("the base must be a non-identity point of the prime-order "
                              "subgroup")
    bits = [c.signal(b) for b in bits]
    if not bits:
        raise InvalidArgument("fixed_base_mul needs at least one bit")
    plan = _fixed_base_plan(base.to_affine(), len(bits))
    with c.gadget("babyjub_fixed_mul"):
        for b in bits:
            c.assert_bool(b)
        acc = None
        for offset, start, windows in plan.segments:
            u, v = c.signal(start[0]), c.signal(start[1])
            for j, (table_u, table_v) in enumerate(windows):
                sel = bits[offset + 2 * j: offset + 2 * j + 2]
                u, v = _mont_add(c, (u, v), tuple(_lookup(c, sel, table_u, table_v)))
            segment = CurvePoint(_div(c, u, v), _div(c, u - 1, u + 1))
            acc = segment if acc is None else add(c, acc, segment)
        if plan.tail:
            offset, table_x, table_y = plan.tail
            sel = bits[offset:]
            tail = CurvePoint(*_lookup(c, sel, table_x, table_y))
            acc = tail if acc is None else add(c, acc, tail)
        else:
            acc = add(c, acc, constant_point(c, plan.correction))
    return acc


def variable_base_mul(c: Circuit, bits: Sequence[SignalLike], p: CurvePoint) -> CurvePoint:
    """k * p for k = sum(bits[i] 2^i) (little-endian, each constrained boolean), after
    constraining p to be on the curve (any point of the curve, in the subgroup or not).
    13 constraints a bit."""
    with c.gadget("babyjub_var_mul"):
        assert_on_curve(c, p)
        return unchecked_variable_base_mul(c, bits, p)


def unchecked_variable_base_mul(c: Circuit, bits: Sequence[SignalLike], p: CurvePoint
                                ) -> CurvePoint:
    """As :func:`variable_base_mul` for a point the CALLER knows to be on the curve."""
    x, y = _point(c, p)
    bits = [c.signal(b) for b in bits]
    if not bits:
        raise InvalidArgument("variable_base_mul needs at least one bit")
    acc = CurvePoint(c.signal(0), c.signal(1))
    with c.gadget("babyjub_var_mul"):
        for b in reversed(bits):
            c.assert_bool(b)
            acc = unchecked_double(c, acc)
            # b ? p : identity, then the complete addition (correct when acc == +-p too).
            addend = CurvePoint(c.mul(b, x), c.mul(b, y - 1) + 1)
            acc = add(c, acc, addend)
    return acc


def secret_to_public_key(c: Circuit, secret: SignalLike) -> CurvePoint:
    """secret * BASE8 after constraining 0 <= secret < l (the subgroup order), as Semaphore
    v4 does with LessThan(251) before BabyPbk. About 1,010 constraints: 252 for the 251-bit
    decomposition, 250 for the bound, 508 for the multiplication. A secret >= l (or any
    field element >= 2^251) makes the circuit unsatisfiable."""
    with c.gadget("babyjub_public_key"):
        bits = to_bits(c, secret, SECRET_BITS)
        with c.gadget("below_order"):
            assert_bits_le_constant(c, bits, ORDER - 1)
        return fixed_base_mul(c, bits)


# -- internals ---------------------------------------------------------------------------

def _point(c: Circuit, p: object) -> tuple[Signal, Signal]:
    if not isinstance(p, tuple) or len(p) != 2:
        raise InvalidEncoding("a point is a CurvePoint (or a pair of signals)")
    return c.signal(p[0]), c.signal(p[1])


def _div(c: Circuit, num: Signal, den: SignalLike) -> Signal:
    # num / den via a hint and den * q == num; a constant den costs nothing. Callers only
    # divide by values that cannot be 0 for valid inputs, so q is then determined.
    den = c.signal(den)
    k = den.constant_value()
    if k is not None:
        if k == 0:
            raise InvalidArgument("division by the constant 0")
        return num * fr_inv(k)
    (q,) = c.hint(_quotient, [num, den])
    c.assert_product(den, q, num)
    return q


def _quotient(num: int, den: int) -> int:
    # 0 for den == 0: the constraint den * q == num then fails unless num == 0 as well.
    return num * fr_inv_vartime(den) % R


def _mont_add(c: Circuit, p: tuple[Signal, Signal], q: tuple[Signal, Signal]
              ) -> tuple[Signal, Signal]:
    # Montgomery p + q for p != +-q (guaranteed by the table layout): 3 constraints.
    (u1, v1), (u2, v2) = p, q
    lam = _div(c, v2 - v1, u2 - u1)
    u3 = _product_minus(c, lam, lam, u1 + u2 + MONT_A)
    v3 = _product_minus(c, lam, u1 - u3, v1)
    return u3, v3


def _product_minus(c: Circuit, a: Signal, b: Signal, k: Signal) -> Signal:
    # a * b - k as ONE new variable (constraint a * b == w + k). c.mul(a, b) - k would be the
    # same constraint, but chaining such sums makes the accumulator's linear combination grow
    # by a few terms a window, and the rows (and compile time) quadratic.
    (w,) = c.hint(_mul_sub, [a, b, k])
    c.assert_product(a, b, w + k)
    return w


def _mul_sub(a: int, b: int, k: int) -> int:
    return (a * b - k) % R


def _lookup(c: Circuit, bits: Sequence[Signal], *tables: Sequence[int]) -> list[Signal]:
    """table[sum(bits[i] 2^i)] for each table of constant entries, as linear combinations of
    the products of the bits, shared by the tables (2^n - n - 1 constraints for n bits:
    0, 1, 4 for n = 1, 2, 3)."""
    n = len(bits)
    monomials: list[Signal] = [c.signal(1)] * (1 << n)
    for s in range(1, 1 << n):
        low = s & -s
        rest = s ^ low
        bit = bits[low.bit_length() - 1]
        monomials[s] = bit if not rest else c.mul(monomials[rest], bit)
    out = []
    for table in tables:
        coeffs = list(table)
        # Moebius transform: the coefficient of prod(bits in S) for every subset S.
        for i in range(n):
            for s in range(1 << n):
                if s >> i & 1:
                    coeffs[s] = (coeffs[s] - coeffs[s ^ (1 << i)]) % R
        out.append(linear_sum(c, [(m, k) for m, k in zip(monomials, coeffs, strict=True)
                                  if k]))
    return out


class _Plan(NamedTuple):
    # segments: (first bit, start point (u, v), [(table_u, table_v) per window]);
    # tail: (first bit, table_x, table_y) or None.
    segments: list[tuple[int, tuple[int, int], list[tuple[list[int], list[int]]]]]
    tail: tuple[int, list[int], list[int]] | None
    correction: Point


@lru_cache(maxsize=16)
def _fixed_base_plan(base_xy: tuple[int, int], n_bits: int) -> _Plan:
    base = Point.from_affine(*base_xy)
    if n_bits <= _MAX_TAIL_BITS:
        tail_bits = n_bits
    else:
        tail_bits = n_bits % _SEGMENT_BITS
        tail_bits = tail_bits if tail_bits <= _MAX_TAIL_BITS else 0
    mont_bits = n_bits - tail_bits
    segments = []
    offset_sum = 0  # the multiple of base that the start points and the "+1"s add
    for first in range(0, mont_bits, _SEGMENT_BITS):
        seg_bits = min(_SEGMENT_BITS, mont_bits - first)
        seg_base = base.mul(1 << first)
        start = _to_montgomery(seg_base.mul(_START))
        windows = []
        step = seg_base  # 4^j * seg_base
        for j in range(0, seg_bits, 2):
            size = min(2, seg_bits - j)
            points = [_to_montgomery(step.mul(k) + seg_base) for k in range(1 << size)]
            windows.append(([p[0] for p in points], [p[1] for p in points]))
            step = step.double().double()
        segments.append((first, start, windows))
        offset_sum += (_START + len(windows)) << first
    correction = base.mul(-offset_sum % ORDER)
    tail = None
    if tail_bits:
        points = [base.mul(k << mont_bits) + correction for k in range(1 << tail_bits)]
        tail = (mont_bits, [p.x for p in points], [p.y for p in points])
    return _Plan(segments, tail, correction)


def _to_montgomery(p: Point) -> tuple[int, int]:
    # u = (1 + y) / (1 - y), v = u / x: defined for every point but the identity and (0, -1),
    # which the tables never contain (all their multiples are nonzero mod l, l odd).
    u = (1 + p.y) * fr_inv((1 - p.y) % R) % R
    return u, u * fr_inv(p.x) % R
