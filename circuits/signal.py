"""Signals: linear combinations of a circuit's variables over the BN254 scalar field.

A :class:`Signal` is ``sum(coeff_i * var_i)`` where variable 0 is the constant 1. Adding,
subtracting and scaling signals costs no constraint (the terms simply merge); multiplying two
non-constant signals asks the owning circuit for a product variable and one constraint
(``Circuit.mul``). Python ints mix freely with signals and are read modulo r.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS

if TYPE_CHECKING:
    from .builder import Circuit

R = FR_MODULUS

Terms = dict[int, int]
"""Variable id -> coefficient in [1, r); variable 0 is the constant 1."""


class Signal:
    """A linear combination of variables of one circuit (immutable by convention)."""

    __slots__ = ("circuit", "terms")

    def __init__(self, circuit: Circuit, terms: Terms) -> None:
        self.circuit = circuit
        self.terms = terms

    def constant_value(self) -> int | None:
        """The value if the signal is a constant (no variable term), else None."""
        if all(var == 0 for var in self.terms):
            return self.terms.get(0, 0)
        return None

    def _other(self, other: object) -> Terms:
        if isinstance(other, Signal):
            if other.circuit is not self.circuit:
                raise InvalidArgument("signals of two different circuits cannot be combined")
            return other.terms
        if isinstance(other, int) and not isinstance(other, bool):
            value = other % R
            return {0: value} if value else {}
        raise InvalidEncoding(f"cannot combine a signal with {type(other).__name__}")

    def __add__(self, other: object) -> Signal:
        return Signal(self.circuit, combine(self.terms, 1, self._other(other), 1))

    __radd__ = __add__

    def __sub__(self, other: object) -> Signal:
        return Signal(self.circuit, combine(self.terms, 1, self._other(other), R - 1))

    def __rsub__(self, other: object) -> Signal:
        return Signal(self.circuit, combine(self._other(other), 1, self.terms, R - 1))

    def __neg__(self) -> Signal:
        return Signal(self.circuit, scale(self.terms, R - 1))

    def __mul__(self, other: object) -> Signal:
        if isinstance(other, Signal):
            return self.circuit.mul(self, other)
        factor = self._other(other).get(0, 0)
        return Signal(self.circuit, scale(self.terms, factor))

    __rmul__ = __mul__

    def __repr__(self) -> str:
        inner = " + ".join(f"{c}*v{v}" if v else str(c) for v, c in self.terms.items())
        return f"Signal({inner or '0'})"


def combine(a: Terms, ka: int, b: Terms, kb: int) -> Terms:
    """ka * a + kb * b, dropping the terms that cancel."""
    out = {var: coeff * ka % R for var, coeff in a.items()} if ka != 1 else dict(a)
    for var, coeff in b.items():
        value = (out.get(var, 0) + coeff * kb) % R
        if value:
            out[var] = value
        else:
            out.pop(var, None)
    return {var: coeff for var, coeff in out.items() if coeff}


def scale(a: Terms, k: int) -> Terms:
    """k * a (empty when k == 0 mod r)."""
    k %= R
    if not k:
        return {}
    return {var: coeff * k % R for var, coeff in a.items()}


def evaluate(terms: Terms, values: list[int]) -> int:
    """The value of a linear combination given every variable's value (values[0] == 1)."""
    return sum(coeff * values[var] for var, coeff in terms.items()) % R


def linear_sum(circuit: Circuit, pairs: Sequence[tuple[Signal, int]]) -> Signal:
    """sum(k * s) over (signal, k) pairs of ``circuit``, in one pass (no constraint)."""
    out: Terms = {}
    for s, k in pairs:
        for var, coeff in circuit.signal(s).terms.items():
            out[var] = (out.get(var, 0) + coeff * k) % R
    return Signal(circuit, {var: coeff for var, coeff in out.items() if coeff})
