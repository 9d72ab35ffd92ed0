"""Bounded discrete logarithms on BabyJubJub by baby-step giant-step, for decrypting tallies.

Exponential ElGamal decrypts to m*G; m is small (a vote total), and :func:`discrete_log` finds
it. A :class:`BSGSTable` for base G holds y(j*G) for j <= N = 2^baby_bits; one entry serves
both j and -j (they share y), so the giant stride is 2N and a search for m < bound takes about
bound / 2N giant steps.

Memory and time of the native table: 2^(baby_bits+1) * 8 bytes (4 MiB at the default
baby_bits = 18), built once in about 0.1-0.3 s; then any m < 2^32 is found in about
8192 giant steps, a few milliseconds. A table supports bounds up to
:attr:`BSGSTable.max_bound` = 2^(baby_bits+25) - 2^baby_bits (2^24 giant steps); beyond that,
use a larger table. Everything here is variable-time: only for public values.
"""

from __future__ import annotations

import threading

from zkvote import backend
from zkvote.babyjub import Point
from zkvote.errors import InvalidArgument, InvalidEncoding, NotInSubgroup
from zkvote.validate import check_int

#: Default table size: 4 MiB, m < 2^32 in a few milliseconds.
DEFAULT_BABY_BITS = 18
_MAX_GIANT_STEPS = 1 << 24
_BOUND_LIMIT = 1 << 64  # the C core takes the bound as uint64


def _check_point(p: object, what: str) -> Point:
    if not isinstance(p, Point):
        raise InvalidEncoding(f"{what} must be a babyjub.Point, not {type(p).__name__}")
    return p


class BSGSTable:
    """A baby-step table for one base point, built with the backend current at creation.

    ``base`` (default BASE8) must be in the prime-order subgroup and not the identity;
    ``baby_bits`` in 1..30 sets the table size (see the module docstring). Raises
    InvalidEncoding (wrong types), InvalidArgument (baby_bits out of range, identity base),
    NotInSubgroup (base outside the subgroup).
    """

    def __init__(self, base: Point | None = None, baby_bits: int = DEFAULT_BABY_BITS) -> None:
        base = Point.base8() if base is None else _check_point(base, "base")
        baby_bits = check_int(baby_bits, "baby_bits")
        if not 1 <= baby_bits <= 30:
            raise InvalidArgument("baby_bits must be in 1..30")
        if base.is_identity():
            raise InvalidArgument("the identity cannot be a discrete-log base")
        if not base.is_in_subgroup():
            raise NotInSubgroup("discrete-log base outside the prime-order subgroup")
        self.base = base
        self.baby_bits = baby_bits
        self.backend = backend.current()
        self._slice = backend.impl("dlog", self.backend)
        self._table = self._slice.table_new(base.to_affine(), baby_bits)

    @property
    def max_bound(self) -> int:
        """The largest ``bound`` :meth:`solve` accepts."""
        n = 1 << self.baby_bits
        return min(_MAX_GIANT_STEPS * 2 * n - n, _BOUND_LIMIT - 1)

    def solve(self, h: Point, bound: int) -> int:
        """The m with h = m * base and 0 <= m < bound.

        Raises DiscreteLogNotFound when no such m exists, InvalidEncoding (wrong types),
        InvalidArgument (bound < 1 or bound > :attr:`max_bound`).
        """
        h = _check_point(h, "h")
        bound = check_int(bound, "bound")
        if not 1 <= bound <= self.max_bound:
            raise InvalidArgument(f"bound must be in 1..{self.max_bound} for this table")
        return self._slice.solve(self._table, h.to_affine(), bound)


_default_tables: dict[tuple[str, Point], BSGSTable] = {}
_default_lock = threading.Lock()


def default_table(base: Point | None = None) -> BSGSTable:
    """The shared table with DEFAULT_BABY_BITS for ``base`` (default BASE8) and the current
    backend, built on first use (thread-safe) and kept for the life of the process."""
    base = Point.base8() if base is None else _check_point(base, "base")
    key = (backend.current(), base)
    with _default_lock:
        table = _default_tables.get(key)
        if table is None:
            table = _default_tables[key] = BSGSTable(base, DEFAULT_BABY_BITS)
    return table


def discrete_log(h: Point, bound: int, base: Point | None = None) -> int:
    """The m with h = m * base (default BASE8) and 0 <= m < bound, from a cached default table.

    Raises DiscreteLogNotFound if there is none, and the errors of :class:`BSGSTable`.
    """
    return default_table(base).solve(h, bound)


__all__ = ["DEFAULT_BABY_BITS", "BSGSTable", "default_table", "discrete_log"]
