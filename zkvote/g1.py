"""BN254 G1: the group of points (x, y) over Fq with y^2 = x^3 + 3, of prime order r.

:class:`G1` values are immutable and always valid: every constructor checks canonical
coordinates and the curve equation, and G1's cofactor is 1, so on the curve means in the
group. Encodings follow EIP-196/197: 64 bytes big-endian x || y, with (0, 0) standing for the
identity (which is not on the curve).

Scalars may be any int; they are reduced mod r (the group order), which changes nothing
mathematically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zkvote.backend import current, impl
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidPoint
from zkvote.field import FQ_MODULUS, FR_MODULUS, to_fq
from zkvote.validate import check_int

_G1_B = 3


def _scalar(k: object) -> int:
    return check_int(k, "scalar") % FR_MODULUS


class G1:
    """A point of BN254 G1 (or the identity). Build with :meth:`generator`,
    :meth:`identity`, :meth:`from_affine` or :meth:`from_bytes`."""

    __slots__ = ("_xy",)
    _xy: tuple[int, int] | None

    def __init__(self, _xy: tuple[int, int] | None, *, _trusted: bool = False) -> None:
        # Only backend results and checked values reach here; outside callers go through
        # from_affine, which validates.
        if not _trusted:
            raise TypeError("use G1.from_affine, G1.from_bytes, G1.generator or G1.identity")
        object.__setattr__(self, "_xy", _xy)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("G1 points are immutable")

    @classmethod
    def _trusted(cls, xy: tuple[int, int] | None) -> G1:
        return cls(xy, _trusted=True)

    @classmethod
    def generator(cls) -> G1:
        """The standard generator (1, 2)."""
        return cls._trusted((1, 2))

    @classmethod
    def identity(cls) -> G1:
        """The point at infinity."""
        return cls._trusted(None)

    @classmethod
    def from_affine(cls, x: int, y: int) -> G1:
        """The point (x, y); (0, 0) is the identity (EIP-197).

        Raises InvalidEncoding for non-int coordinates, FieldRangeError for a coordinate that
        is negative or >= p, InvalidPoint if (x, y) is not on the curve.
        """
        x, y = to_fq(x), to_fq(y)
        if x == 0 and y == 0:
            return cls.identity()
        if (y * y - x * x * x - _G1_B) % FQ_MODULUS != 0:
            raise InvalidPoint("G1 point: not on the curve y^2 = x^3 + 3")
        return cls._trusted((x, y))

    @classmethod
    def from_bytes(cls, data: bytes) -> G1:
        """Decode 64 bytes big-endian x || y (EIP-197); errors as :meth:`from_affine`, plus
        InvalidEncoding for a wrong type or length."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidEncoding(f"G1 encoding must be bytes, not {type(data).__name__}")
        data = bytes(data)
        if len(data) != 64:
            raise InvalidEncoding(f"G1 encoding must be 64 bytes, not {len(data)}")
        return cls.from_affine(int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big"))

    def to_bytes(self) -> bytes:
        """64 bytes big-endian x || y; the identity encodes as 64 zero bytes."""
        x, y = self.to_affine()
        return x.to_bytes(32, "big") + y.to_bytes(32, "big")

    def to_affine(self) -> tuple[int, int]:
        """(x, y), with (0, 0) for the identity."""
        return self._xy if self._xy is not None else (0, 0)

    @property
    def x(self) -> int:
        return self.to_affine()[0]

    @property
    def y(self) -> int:
        return self.to_affine()[1]

    def is_identity(self) -> bool:
        return self._xy is None

    def __add__(self, other: G1) -> G1:
        if not isinstance(other, G1):
            return NotImplemented
        return G1._trusted(impl("g1").add(self._xy, other._xy))

    def __neg__(self) -> G1:
        if self._xy is None:
            return self
        x, y = self._xy
        return G1._trusted((x, (FQ_MODULUS - y) % FQ_MODULUS))

    def __sub__(self, other: G1) -> G1:
        if not isinstance(other, G1):
            return NotImplemented
        return self + (-other)

    def __mul__(self, k: int) -> G1:
        if not isinstance(k, int) or isinstance(k, bool):
            return NotImplemented
        return G1._trusted(impl("g1").mul(self._xy, k % FR_MODULUS))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, G1):
            return NotImplemented
        return self._xy == other._xy

    def __hash__(self) -> int:
        return hash(("G1", self._xy))

    def __repr__(self) -> str:
        if self._xy is None:
            return "G1.identity()"
        return f"G1.from_affine({self._xy[0]:#x}, {self._xy[1]:#x})"


def affine_points(points: Iterable[G1]) -> list[tuple[int, int] | None]:
    """The backend slices' form of ``points``: affine tuples, None for the identity.
    InvalidEncoding for an element that is not a G1."""
    out = []
    for p in points:
        if not isinstance(p, G1):
            raise InvalidEncoding(f"MSM points must be G1, not {type(p).__name__}")
        out.append(p._xy)
    return out


def msm(points: Sequence[G1], scalars: Sequence[int]) -> G1:
    """sum(k_i * P_i) (Pippenger in the native backend; variable time: public inputs only).

    Scalars may be any ints (reduced mod r). Raises InvalidArgument if the lengths differ,
    InvalidEncoding for a non-G1 point or a non-int scalar.
    """
    if len(points) != len(scalars):
        raise InvalidArgument(f"MSM needs one scalar per point: {len(points)} != {len(scalars)}")
    return G1._trusted(impl("g1").msm(affine_points(points), [_scalar(k) for k in scalars]))


class PreparedG1Points:
    """A fixed list of G1 points converted once into the backend's form (a C array in the
    native backend) for many MSMs against it, as a prover does with its proving key.

    The backend is the one current at construction; :meth:`msm` uses that same backend.
    """

    __slots__ = ("_backend", "_handle", "_n")

    def __init__(self, points: Sequence[G1]) -> None:
        xys = affine_points(points)
        self._backend = current()
        self._handle = impl("g1", self._backend).prepare(xys)
        self._n = len(xys)

    def __len__(self) -> int:
        return self._n

    def msm(self, scalars: Sequence[int]) -> G1:
        """sum(k_i * P_i) over the prepared points; errors as :func:`msm`."""
        if len(scalars) != self._n:
            raise InvalidArgument(f"MSM needs one scalar per point: {self._n} != {len(scalars)}")
        ks = [_scalar(k) for k in scalars]
        return G1._trusted(impl("g1", self._backend).msm_prepared(self._handle, ks))
