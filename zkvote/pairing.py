"""The optimal ate pairing e: G1 x G2 -> GT on BN254, bit-for-bit equal to py_ecc's (and so to
the EIP-197 precompile's) pairing.

Pairing equations are checked with :func:`pairing_check`, which multiplies the Miller loops of
all pairs and performs a single final exponentiation. A G2 point that takes part in many
pairings (a verifying key's) can be wrapped once in :class:`PreparedG2`, which precomputes its
Miller loop lines; it can stand in for the G2 point of any pair.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote.backend import current, impl
from zkvote.errors import InvalidEncoding, NotInSubgroup
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g1 import affine_points as g1_affine
from zkvote.g2 import G2
from zkvote.g2 import affine_points as g2_affine

Fq12 = tuple[int, ...]

GT_BYTES = 384
_ONE: Fq12 = (1,) + (0,) * 11


class GT:
    """An element of Fq12 (immutable), normally of the order-r subgroup GT.

    The 12 coordinates are in tower order: c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1 for
    Fq2 = Fq[u]/(u^2+1), Fq6 = Fq2[v]/(v^3-(9+u)), Fq12 = Fq6[w]/(w^2-v). Only
    :func:`miller_loop` returns values outside GT (before the final exponentiation).
    """

    __slots__ = ("_f",)
    _f: Fq12

    def __init__(self, _f: Fq12, *, _trusted: bool = False) -> None:
        # Only backend results reach here; outside data goes through from_bytes, which
        # checks the encoding and membership in GT.
        if not _trusted:
            raise TypeError("use GT.from_bytes, GT.one or the pairing functions")
        object.__setattr__(self, "_f", _f)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("GT values are immutable")

    @classmethod
    def _trusted(cls, f: Fq12) -> GT:
        return cls(f, _trusted=True)

    @classmethod
    def one(cls) -> GT:
        """The identity of GT."""
        return cls._trusted(_ONE)

    @classmethod
    def from_bytes(cls, data: bytes) -> GT:
        """Parse 384 bytes: 12 little-endian 32-byte coordinates in tower order.

        Raises InvalidEncoding (wrong type or length), FieldRangeError (a coordinate >= p),
        NotInSubgroup (the value is not of order dividing r).
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidEncoding("GT encoding must be bytes")
        data = bytes(data)
        if len(data) != GT_BYTES:
            raise InvalidEncoding(f"GT encoding must be {GT_BYTES} bytes, not {len(data)}")
        value = cls._trusted(impl("pairing").fq12_from_bytes(data))
        if not value._pow(FR_MODULUS).is_one():
            raise NotInSubgroup("Fq12 value is not in GT (its r-th power is not 1)")
        return value

    def to_bytes(self) -> bytes:
        """The encoding read by :meth:`from_bytes`."""
        return impl("pairing").fq12_to_bytes(self._f)

    @property
    def coefficients(self) -> Fq12:
        """The 12 Fq coordinates in tower order."""
        return self._f

    def is_one(self) -> bool:
        """Whether this is the identity of GT (a pairing product equal to 1)."""
        return impl("pairing").fq12_is_one(self._f)

    def __mul__(self, other: object) -> GT:
        """The product in Fq12 (the group operation of GT)."""
        if not isinstance(other, GT):
            return NotImplemented
        return GT._trusted(impl("pairing").fq12_mul(self._f, other._f))

    def _pow(self, e: int) -> GT:
        # 0 <= e <= r < 2^256 here; the native backend uses cyclotomic squarings when self is
        # in GT and a generic path otherwise, so the result is exact for any Fq12 value.
        return GT._trusted(impl("pairing").fq12_pow(self._f, e))

    def __pow__(self, k: object) -> GT:
        """self^k for any int k, reduced mod r (valid for elements of GT)."""
        if not isinstance(k, int) or isinstance(k, bool):
            return NotImplemented
        return self._pow(k % FR_MODULUS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GT):
            return NotImplemented
        return self._f == other._f  # coordinates are canonical

    def __hash__(self) -> int:
        return hash(("GT", self._f))

    def __repr__(self) -> str:
        return f"GT({self._f})"


class PreparedG2:
    """A G2 point with its Miller loop lines precomputed, usable wherever a pair takes a G2
    point (:func:`miller_loop`, :func:`pairing_check`); each such pair then costs about half
    as much. Build once per fixed point (e.g. a verifying key's); immutable.

    The lines are computed for the current backend at construction and, if the backend is
    switched later, once more for the new one.
    """

    __slots__ = ("_point", "_handles")
    _point: G2
    _handles: dict

    def __init__(self, q: G2) -> None:
        """Raises InvalidEncoding if ``q`` is not a G2 (a G2 is always a valid point of the
        order-r subgroup, so an off-curve or non-subgroup point cannot be prepared)."""
        if not isinstance(q, G2):
            raise InvalidEncoding(f"PreparedG2 takes a G2 point, not {type(q).__name__}")
        object.__setattr__(self, "_point", q)
        object.__setattr__(self, "_handles", {})
        self._handle()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PreparedG2 values are immutable")

    @property
    def point(self) -> G2:
        """The prepared point."""
        return self._point

    def _handle(self) -> object:
        backend = current()
        handle = self._handles.get(backend)
        if handle is None:
            (q,) = g2_affine((self._point,))
            handle = self._handles[backend] = impl("pairing", backend).prepare_g2(q)
        return handle

    def __repr__(self) -> str:
        return f"PreparedG2({self._point!r})"


def _pair(p: object, q: object) -> tuple:
    if not isinstance(p, G1) or not isinstance(q, G2 | PreparedG2):
        raise InvalidEncoding("a pairing takes a G1 point and a G2 point")
    (g1,) = g1_affine((p,))
    if isinstance(q, PreparedG2):
        return g1, q._handle()
    (g2,) = g2_affine((q,))
    return g1, g2


def _pairs(pairs: Sequence[tuple[G1, G2 | PreparedG2]]) -> list[tuple]:
    out = []
    for item in pairs:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise InvalidEncoding("pairs must be (G1, G2) tuples")
        out.append(_pair(*item))
    return out


def pairing(p: G1, q: G2) -> GT:
    """e(p, q), equal to py_ecc's ``pairing(q, p)``; the identity in either argument gives 1.

    Raises InvalidEncoding if p is not a G1 or q not a G2 (their constructors already
    guaranteed they are valid group elements).
    """
    if not isinstance(q, G2):
        raise InvalidEncoding("a pairing takes a G1 point and a G2 point")
    return GT._trusted(impl("pairing").pairing(*_pair(p, q)))


def miller_loop(pairs: Sequence[tuple[G1, G2 | PreparedG2]]) -> GT:
    """The product of the Miller loops of ``pairs``, before the final exponentiation; a G2
    point may be given as a :class:`PreparedG2`.

    The value is only defined up to factors the final exponentiation removes, so it may
    differ between backends (and between a point and its PreparedG2);
    ``final_exponentiation(miller_loop(pairs))`` does not. Raises InvalidEncoding for
    anything but (G1, G2 | PreparedG2) pairs.
    """
    return GT._trusted(impl("pairing").miller_loop(_pairs(pairs)))


def final_exponentiation(f: GT) -> GT:
    """f^((p^12 - 1)/r), the exact exponent (so results match py_ecc bit for bit)."""
    if not isinstance(f, GT):
        raise InvalidEncoding("final_exponentiation takes a GT value")
    return GT._trusted(impl("pairing").final_exponentiation(f._f))


def pairing_check(pairs: Sequence[tuple[G1, G2 | PreparedG2]], *,
                  factor: GT | None = None) -> bool:
    """Whether prod e(p_i, q_i) == 1, with one final exponentiation for all pairs (an empty
    product is 1); a G2 point may be given as a :class:`PreparedG2`.

    ``factor``, if given, is a Miller loop value computed under the current backend (from
    :func:`miller_loop`), multiplied in before the final exponentiation:
    ``pairing_check(pairs, factor=miller_loop(more))`` equals ``pairing_check(pairs + more)``
    at the cost of one Fq12 product for ``more``. Raises InvalidEncoding for anything but
    (G1, G2 | PreparedG2) pairs or a factor that is not a GT.
    """
    if factor is not None and not isinstance(factor, GT):
        raise InvalidEncoding("factor must be a GT value (a Miller loop value)")
    backend = impl("pairing")
    checked = _pairs(pairs)
    if factor is None:
        return backend.pairing_check(checked)
    return backend.pairing_check_prepared(checked, factor._f)
