"""Multiplexers: pick one of several signals by a selector.

``mux(c, bits, values)`` is circomlib's Mux-by-bits (a binary tree of selects,
len(values) - 1 products); ``select_index(c, index, values)`` takes the index as one field
element and proves it is in range, at about 3 constraints a value.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote.errors import InvalidArgument

from ..builder import Circuit, SignalLike
from ..signal import Signal, linear_sum
from .comparators import is_equal


def select(c: Circuit, b: SignalLike, x: SignalLike, y: SignalLike) -> Signal:
    """x if b == 1 else y, b constrained boolean (see :meth:`Circuit.select`)."""
    return c.select(b, x, y)


def mux(c: Circuit, bits: Sequence[SignalLike], values: Sequence[SignalLike]) -> Signal:
    """values[sum(bits[i] 2^i)] for little-endian selector ``bits`` (each constrained
    boolean) and exactly 2^len(bits) values."""
    if not bits or len(values) != 1 << len(bits):
        raise InvalidArgument("mux needs k >= 1 selector bits and exactly 2^k values")
    level = [c.signal(v) for v in values]
    with c.gadget("mux"):
        for b in bits:
            level = [c.select(b, level[j + 1], level[j]) for j in range(0, len(level), 2)]
    return level[0]


def select_index(c: Circuit, index: SignalLike, values: Sequence[SignalLike]) -> Signal:
    """values[index]; constrains 0 <= index < len(values) (unsatisfiable otherwise).

    Each position gets an equality flag e_i = (index == i); exactly one flag must be set,
    and the result is sum(e_i * values[i]).
    """
    if not values:
        raise InvalidArgument("select_index needs at least one value")
    with c.gadget("select_index"):
        flags = [is_equal(c, index, i) for i in range(len(values))]
        c.assert_equal(linear_sum(c, [(f, 1) for f in flags]), 1)
        return linear_sum(c, [(c.mul(f, v), 1) for f, v in zip(flags, values, strict=True)])
