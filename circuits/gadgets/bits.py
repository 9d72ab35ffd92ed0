"""Bit decomposition, recomposition and range checks.

``to_bits(c, a)`` proves that 254 boolean wires are *the* binary form of ``a``: as r < 2^254,
a field element has two 254-bit forms when a + r < 2^254, so by default the bits are also
constrained to encode an integer <= r - 1. With n <= 253 bits no such alias exists and the
decomposition doubles as the range check ``a < 2^n``.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote.errors import InvalidArgument
from zkvote.field import FR_MODULUS

from ..builder import Circuit, SignalLike
from ..signal import Signal, linear_sum

FIELD_BITS = FR_MODULUS.bit_length()  # 254
MAX_SAFE_BITS = FIELD_BITS - 1  # 2^253 < r: sums of up to 253 bits never wrap


def to_bits(c: Circuit, a: SignalLike, n_bits: int = FIELD_BITS) -> list[Signal]:
    """The n_bits little-endian bits of ``a``, constrained boolean with sum(b_i 2^i) == a.

    With n_bits <= 253 this proves a < 2^n_bits (n_bits + 1 constraints). With the default
    254 bits it also proves the bits encode a value below r (canonical; about 508
    constraints in all). InvalidArgument for n_bits outside 1..254.
    """
    bits = unchecked_to_bits(c, a, n_bits)
    if n_bits == FIELD_BITS:
        with c.gadget("alias_check"):
            assert_bits_le_constant(c, bits, FR_MODULUS - 1)
    return bits


def unchecked_to_bits(c: Circuit, a: SignalLike, n_bits: int = FIELD_BITS) -> list[Signal]:
    """As :func:`to_bits` without the < r check for 254 bits: a value with a + r < 2^254
    then has a second valid decomposition (as circomlib's Num2Bits(254)). Use only where both
    forms are harmless."""
    if not isinstance(n_bits, int) or not 1 <= n_bits <= FIELD_BITS:
        raise InvalidArgument(f"n_bits must be in 1..{FIELD_BITS}, not {n_bits!r}")
    a = c.signal(a)
    with c.gadget("to_bits"):
        bits = c.hint(lambda x: [(x >> i) & 1 for i in range(n_bits)], [a], n_bits)
        for b in bits:
            c.assert_bool(b)
        c.assert_equal(_weighted_sum(c, bits), a)
    return bits


def from_bits(c: Circuit, bits: Sequence[SignalLike]) -> Signal:
    """sum(b_i 2^i) for little-endian ``bits``, each constrained boolean (free for bits already
    known boolean, e.g. from :func:`to_bits`). More than 253 bits may wrap modulo r."""
    bits = [c.signal(b) for b in bits]
    if not bits:
        raise InvalidArgument("from_bits needs at least one bit")
    with c.gadget("from_bits"):
        for b in bits:
            c.assert_bool(b)
    return _weighted_sum(c, bits)


def range_check(c: Circuit, a: SignalLike, n_bits: int) -> None:
    """Constrain 0 <= a < 2^n_bits (n_bits + 1 constraints); n_bits in 1..253."""
    if not isinstance(n_bits, int) or not 1 <= n_bits <= MAX_SAFE_BITS:
        raise InvalidArgument(f"a range check takes 1..{MAX_SAFE_BITS} bits, not {n_bits!r}")
    with c.gadget("range_check"):
        to_bits(c, a, n_bits)


def assert_bits_le_constant(c: Circuit, bits: Sequence[Signal], bound: int) -> None:
    """Constrain the integer of boolean little-endian ``bits`` to be <= ``bound`` (a constant).

    Scanning from the top bit, ``p`` is 1 while the bits seen so far equal the bound's; where
    the bound has a 0 the bit must then be 0 (``b * p == 0``), where it has a 1, p carries on
    as ``p * b``. About one constraint per bit.
    """
    if not isinstance(bound, int) or bound < 0:
        raise InvalidArgument("the bound must be a non-negative int")
    p = c.signal(1)
    for i in reversed(range(len(bits))):
        if (bound >> i) & 1:
            if i:  # p below bit 0 is never used
                p = c.mul(p, bits[i])
        else:
            c.assert_product(bits[i], p, 0)


def _weighted_sum(c: Circuit, bits: Sequence[Signal]) -> Signal:
    return linear_sum(c, [(b, 1 << i) for i, b in enumerate(bits)])
