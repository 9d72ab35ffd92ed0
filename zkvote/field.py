"""BN254's two prime fields as plain Python ints: Fq (coordinates of curve points) and Fr (the
scalar field, where circuits, witnesses and Poseidon live).

Every function here validates values that cross the API boundary: an element must be an
``int`` (``bool`` is refused, it is almost always a bug) with ``0 <= x < modulus``; byte
encodings must be exactly 32 bytes and canonical. Arithmetic goes to the current backend
(:mod:`zkvote.backend`).
"""

from typing import Literal

import gmpy2

from zkvote.backend import impl
from zkvote.errors import FieldRangeError, InvalidEncoding
from zkvote.validate import check_bytes, check_range, check_secret_scalar

FQ_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583
FR_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617

ByteOrder = Literal["little", "big"]


def to_fr(x: object) -> int:
    """Return ``x`` if it is a canonical Fr element.

    Raises InvalidEncoding if ``x`` is not an int (or is a bool), FieldRangeError if it is
    negative or >= FR_MODULUS.
    """
    return check_range(x, FR_MODULUS, "Fr element")


def to_fq(x: object) -> int:
    """Return ``x`` if it is a canonical Fq element (same errors as :func:`to_fr`)."""
    return check_range(x, FQ_MODULUS, "Fq element")


def _from_bytes(data: object, byteorder: str, modulus: int, what: str) -> int:
    data = check_bytes(data, 32, f"{what} encoding")
    if byteorder not in ("little", "big"):
        raise InvalidEncoding(f"byteorder must be 'little' or 'big', not {byteorder!r}")
    x = int.from_bytes(data, byteorder)
    if x >= modulus:
        raise FieldRangeError(f"{what} encoding is not canonical (>= modulus)")
    return x


def fr_from_bytes(data: bytes, byteorder: ByteOrder = "little") -> int:
    """Decode exactly 32 bytes into a canonical Fr element.

    Raises InvalidEncoding for a wrong type or length, FieldRangeError if the integer is
    >= FR_MODULUS (no silent reduction: two encodings of one value would be malleable).
    """
    return _from_bytes(data, byteorder, FR_MODULUS, "Fr element")


def fq_from_bytes(data: bytes, byteorder: ByteOrder = "little") -> int:
    """Decode exactly 32 bytes into a canonical Fq element (errors as fr_from_bytes)."""
    return _from_bytes(data, byteorder, FQ_MODULUS, "Fq element")


def fr_from_bytes_reduce(data: bytes) -> int:
    """Reduce any 32-byte little-endian integer mod r (for hashing to a scalar, where every
    byte string must map somewhere). Raises InvalidEncoding for a wrong type or length."""
    return impl("fields").fr_from_bytes_reduce(check_bytes(data, 32, "fr_from_bytes_reduce input"))


def fr_to_bytes(x: int, byteorder: ByteOrder = "little") -> bytes:
    """32-byte encoding of a canonical Fr element (validated as :func:`to_fr`)."""
    return to_fr(x).to_bytes(32, byteorder)


def fq_to_bytes(x: int, byteorder: ByteOrder = "little") -> bytes:
    """32-byte encoding of a canonical Fq element (validated as :func:`to_fq`)."""
    return to_fq(x).to_bytes(32, byteorder)


def fr_inv(x: int) -> int:
    """1/x in Fr. Raises NotInvertible for 0, plus the errors of :func:`to_fr`."""
    return impl("fields").fr_inv(to_fr(x))


def fr_inv_vartime(x: int) -> int:
    """1/x in Fr for x in [1, r), by gmpy2's extended Euclid: variable-time, about 6x faster
    than :func:`fr_inv` through the FFI. For circuit hints, which run on the prover's own
    values many thousand times per witness. Returns 0 for x = 0 (the convention of every
    hint that uses it); no range check (callers pass reduced values)."""
    return int(gmpy2.invert(x, FR_MODULUS)) if x else 0


def fq_inv(x: int) -> int:
    """1/x in Fq. Raises NotInvertible for 0, plus the errors of :func:`to_fq`."""
    return impl("fields").fq_inv(to_fq(x))


def fr_sqrt(x: int) -> int:
    """A square root of x in Fr (either one). Raises NoSquareRoot for a non-residue."""
    return impl("fields").fr_sqrt(to_fr(x))


def fq_sqrt(x: int) -> int:
    """A square root of x in Fq (either one). Raises NoSquareRoot for a non-residue."""
    return impl("fields").fq_sqrt(to_fq(x))


def fr_pow(x: int, e: int) -> int:
    """x^e in Fr for an exponent 0 <= e < 2^256 (0^0 = 1). Raises FieldRangeError for an
    exponent out of range, InvalidEncoding for a non-int."""
    e = check_secret_scalar(e, "exponent")  # both backends take 256 bits
    return impl("fields").fr_pow(to_fr(x), e)


def fq_pow(x: int, e: int) -> int:
    """x^e in Fq for an exponent 0 <= e < 2^256 (errors as :func:`fr_pow`)."""
    e = check_secret_scalar(e, "exponent")
    return impl("fields").fq_pow(to_fq(x), e)


def fr_batch_inv(values: list[int]) -> list[int]:
    """[1/x for x in values] with one field inversion (Montgomery's trick).

    Raises NotInvertible if any value is 0, plus the errors of :func:`to_fr` per element.
    """
    return impl("fields").fr_batch_inv([to_fr(v) for v in values])
