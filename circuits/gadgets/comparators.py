"""Comparators: IsZero, IsEqual and the ordered comparisons of n-bit values.

less_than(a, b, n) computes a + 2^n - b as n + 1 bits and reads the top bit, as circomlib's
LessThan. That is only meaningful when a and b are below 2^n, a precondition circomlib leaves
to a comment; here the safe forms range-check both operands and the ``unchecked_*`` forms are
for callers that already did.
"""

from __future__ import annotations

from zkvote.errors import InvalidArgument
from zkvote.field import fr_inv_vartime

from ..builder import Circuit, SignalLike
from ..signal import Signal
from .bits import MAX_SAFE_BITS, range_check, to_bits

MAX_COMPARE_BITS = MAX_SAFE_BITS - 1  # a + 2^n - b needs n + 1 <= 253 bits


def is_zero(c: Circuit, a: SignalLike) -> Signal:
    """1 if a == 0 else 0 (2 constraints): with the hint inv = 1/a (0 for a = 0),
    ``out = 1 - a * inv`` and ``a * out == 0``."""
    a = c.signal(a)
    k = a.constant_value()
    if k is not None:
        return c.signal(int(k == 0))
    with c.gadget("is_zero"):
        (inv,) = c.hint(fr_inv_vartime, [a])
        out = 1 - c.mul(a, inv)
        c.assert_product(a, out, 0)
    c.mark_boolean(out)
    return out


def is_equal(c: Circuit, a: SignalLike, b: SignalLike) -> Signal:
    """1 if a == b else 0 (2 constraints)."""
    with c.gadget("is_equal"):
        return is_zero(c, c.signal(a) - c.signal(b))


def less_than(c: Circuit, a: SignalLike, b: SignalLike, n_bits: int) -> Signal:
    """1 if a < b else 0, after constraining a, b < 2^n_bits (3 n_bits + 3 constraints)."""
    _check_bits(n_bits)
    with c.gadget("less_than"):
        range_check(c, a, n_bits)
        range_check(c, b, n_bits)
        return unchecked_less_than(c, a, b, n_bits)


def less_eq(c: Circuit, a: SignalLike, b: SignalLike, n_bits: int) -> Signal:
    """1 if a <= b else 0, after constraining a, b < 2^n_bits."""
    _check_bits(n_bits)
    with c.gadget("less_eq"):
        range_check(c, a, n_bits)
        range_check(c, b, n_bits)
        return unchecked_less_than(c, a, c.signal(b) + 1, n_bits)


def greater_than(c: Circuit, a: SignalLike, b: SignalLike, n_bits: int) -> Signal:
    """1 if a > b else 0, after constraining a, b < 2^n_bits."""
    return less_than(c, b, a, n_bits)


def greater_eq(c: Circuit, a: SignalLike, b: SignalLike, n_bits: int) -> Signal:
    """1 if a >= b else 0, after constraining a, b < 2^n_bits."""
    return less_eq(c, b, a, n_bits)


def unchecked_less_than(c: Circuit, a: SignalLike, b: SignalLike, n_bits: int) -> Signal:
    """1 if a < b else 0 for a < 2^n_bits and b <= 2^n_bits, which the CALLER guarantees
    (n_bits + 1 constraints). Otherwise the result is meaningless or unsatisfiable."""
    _check_bits(n_bits)
    with c.gadget("unchecked_less_than"):
        bits = to_bits(c, c.signal(a) + (1 << n_bits) - c.signal(b), n_bits + 1)
    out = 1 - bits[n_bits]
    c.mark_boolean(out)
    return out


def _check_bits(n_bits: int) -> None:
    if not isinstance(n_bits, int) or not 1 <= n_bits <= MAX_COMPARE_BITS:
        raise InvalidArgument(f"comparisons take 1..{MAX_COMPARE_BITS} bits, not {n_bits!r}")
