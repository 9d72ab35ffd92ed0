"""BN254 G2: the order-r subgroup of the sextic twist E'(Fq2): y^2 = x^3 + 3/(9+u).

:class:`G2` values are immutable and always valid group elements: every constructor that
takes outside data checks canonical coordinates, the curve equation and subgroup membership
(the twist has a huge cofactor, so a point on it is almost never in G2). Coordinates are Fq2
elements written as int pairs ``(c0, c1)`` meaning ``c0 + c1*u``, as in py_ecc. Encodings
follow EIP-197: 128 bytes big-endian x.c1 || x.c0 || y.c1 || y.c0 (imaginary part first),
all zeros standing for the identity.

Scalars may be any int; they are reduced mod r (the group order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zkvote.backend import current, impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS, to_fq
from zkvote.validate import check_int

Fq2 = tuple[int, int]
Affine = tuple[Fq2, Fq2]

G2_BYTES = 128
_ZERO: Affine = ((0, 0), (0, 0))

# The standard generator (EIP-197, py_ecc's G2).
_GENERATOR: Affine = (
    (10857046999023057135944570762232829481370756359578518086990519993285655852781,
     11559732032986387107991004021392285783925812861821192530917403151452391805634),
    (8495653923123431417604973247489272438418190587263600148770280649306958101930,
     4082367875863433681332203403145435568316851327593401208105741076214120093531),
)


def _scalar(k: object) -> int:
    return check_int(k, "scalar") % FR_MODULUS


def _fq2(value: object, name: str) -> Fq2:
    """An Fq2 coordinate from outside: a pair of ints, each in [0, p)."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise InvalidEncoding(f"G2 {name} must be a pair (c0, c1) of ints")
    return to_fq(value[0]), to_fq(value[1])


class G2:
    """A point of BN254 G2 (or the identity). Build with :meth:`generator`,
    :meth:`identity`, :meth:`from_affine` or :meth:`from_bytes`."""

    __slots__ = ("_p",)
    _p: Affine | None

    def __init__(self, _p: Affine | None, *, _trusted: bool = False) -> None:
        # Only backend results and checked values reach here; outside callers go through
        # from_affine, which validates.
        if not _trusted:
            raise TypeError("use G2.from_affine, G2.from_bytes, G2.generator or G2.identity")
        object.__setattr__(self, "_p", _p)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("G2 points are immutable")

    @classmethod
    def _trusted(cls, p: Affine | None) -> G2:
        return cls(p, _trusted=True)

    @classmethod
    def generator(cls) -> G2:
        """The standard generator of G2 (EIP-197)."""
        return cls._trusted(_GENERATOR)

    @classmethod
    def identity(cls) -> G2:
        """The point at infinity."""
        return cls._trusted(None)

    @classmethod
    def from_affine(cls, x: Fq2, y: Fq2) -> G2:
        """The point (x, y); ``((0, 0), (0, 0))`` is the identity (EIP-197).

        Raises InvalidEncoding (not pairs of ints), FieldRangeError (a coordinate negative or
        >= p), InvalidPoint (not on the twist), NotInSubgroup (on the twist but not in G2).
        """
        xy = (_fq2(x, "x"), _fq2(y, "y"))
        if xy == _ZERO:
            return cls.identity()
        g2 = impl("g2")
        return cls._trusted(g2.decode(g2.encode(xy)))

    @classmethod
    def from_bytes(cls, data: bytes) -> G2:
        """Decode the 128-byte EIP-197 layout (see the module docstring); errors as
        :meth:`from_affine`, plus InvalidEncoding for a wrong type or length."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidEncoding(f"G2 encoding must be bytes, not {type(data).__name__}")
        data = bytes(data)
        if len(data) != G2_BYTES:
            raise InvalidEncoding(f"G2 encoding must be {G2_BYTES} bytes, not {len(data)}")
        x1, x0, y1, y0 = (int.from_bytes(data[32 * i : 32 * i + 32], "big") for i in range(4))
        return cls.from_affine((x0, x1), (y0, y1))

    def to_bytes(self) -> bytes:
        """The 128-byte EIP-197 layout; the identity encodes as 128 zero bytes."""
        (x0, x1), (y0, y1) = self.to_affine()
        return b"".join(c.to_bytes(32, "big") for c in (x1, x0, y1, y0))

    def to_affine(self) -> Affine:
        """``((x0, x1), (y0, y1))``, with all zeros for the identity."""
        return self._p if self._p is not None else _ZERO

    @property
    def x(self) -> Fq2:
        """Affine x as (c0, c1); (0, 0) for the identity."""
        return self.to_affine()[0]

    @property
    def y(self) -> Fq2:
        """Affine y as (c0, c1); (0, 0) for the identity."""
        return self.to_affine()[1]

    def is_identity(self) -> bool:
        """Whether this is the point at infinity."""
        return self._p is None

    def double(self) -> G2:
        """2 * self."""
        return G2._trusted(impl("g2").double(self._p))

    def __add__(self, other: G2) -> G2:
        if not isinstance(other, G2):
            return NotImplemented
        return G2._trusted(impl("g2").add(self._p, other._p))

    def __neg__(self) -> G2:
        return G2._trusted(impl("g2").neg(self._p))

    def __sub__(self, other: G2) -> G2:
        if not isinstance(other, G2):
            return NotImplemented
        return self + (-other)

    def __mul__(self, k: int) -> G2:
        """k * self for any int k (reduced mod r); other types give NotImplemented."""
        if not isinstance(k, int) or isinstance(k, bool):
            return NotImplemented
        return G2._trusted(impl("g2").mul(self._p, k % FR_MODULUS))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, G2):
            return NotImplemented
        return self._p == other._p  # affine coordinates are unique

    def __hash__(self) -> int:
        return hash(("G2", self._p))

    def __repr__(self) -> str:
        if self._p is None:
            return "G2.identity()"
        (x0, x1), (y0, y1) = self._p
        return f"G2.from_affine(({x0:#x}, {x1:#x}), ({y0:#x}, {y1:#x}))"


def affine_points(points: Iterable[G2]) -> list[Affine | None]:
    """The backend slices' form of ``points``: affine tuples, None for the identity.
    InvalidEncoding for an element that is not a G2."""
    out = []
    for p in points:
        if not isinstance(p, G2):
            raise InvalidEncoding(f"MSM points must be G2, not {type(p).__name__}")
        out.append(p._p)
    return out


def msm(points: Sequence[G2], scalars: Sequence[int]) -> G2:
    """sum(k_i * Q_i) (Pippenger in the native backend; variable time: public inputs only).

    Scalars may be any ints (reduced mod r). Raises InvalidArgument if the lengths differ,
    InvalidEncoding for a non-G2 point or a non-int scalar.
    """
    if len(points) != len(scalars):
        raise InvalidArgument(f"MSM needs one scalar per point: {len(points)} != {len(scalars)}")
    return G2._trusted(impl("g2").msm(affine_points(points), [_scalar(k) for k in scalars]))


class PreparedG2Points:
    """A fixed list of G2 points converted once into the backend's form (a C array in the
    native backend) for many MSMs against it.

    The backend is the one current at construction; :meth:`msm` uses that same backend.
    """

    __slots__ = ("_backend", "_handle", "_n")

    def __init__(self, points: Sequence[G2]) -> None:
        """Raises InvalidEncoding if an element is not a G2."""
        ps = affine_points(points)
        self._backend = current()
        self._handle = impl("g2", self._backend).prepare(ps)
        self._n = len(ps)

    def __len__(self) -> int:
        return self._n

    def msm(self, scalars: Sequence[int]) -> G2:
        """sum(k_i * Q_i) over the prepared points; errors as :func:`msm`."""
        if len(scalars) != self._n:
            raise InvalidArgument(f"MSM needs one scalar per point: {self._n} != {len(scalars)}")
        ks = [_scalar(k) for k in scalars]
        return G2._trusted(impl("g2", self._backend).msm_prepared(self._handle, ks))
