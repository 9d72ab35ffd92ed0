"""Reference slice ``ct_mul``: multiplication by secret scalars on py_ecc's
``optimized_bn128`` (plain double-and-add: *not* constant time, like everything in pure
Python; it exists so that the native constant-time code has an independent check).

Same functions, point forms and errors as ``zkvote._native.ct_mul``. Scalars are not
reduced mod r (py_ecc multiplies by the integer as given), so the differential tests also
cover k >= r.
"""

from collections.abc import Sequence

from py_ecc import optimized_bn128 as bn

from zkvote._reference.g1 import from_py_ecc as _g1_from_ecc
from zkvote._reference.g1 import to_py_ecc as _g1_to_ecc
from zkvote._reference.g2 import from_py_ecc as _g2_from_ecc
from zkvote._reference.g2 import to_py_ecc as _g2_to_ecc
from zkvote.errors import InvalidArgument
from zkvote.validate import check_secret_scalar

Point = tuple[int, int] | None
Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None


def _check_scalars(points: Sequence, scalars: Sequence[int]) -> None:
    if len(points) != len(scalars):
        raise InvalidArgument(f"{len(points)} points but {len(scalars)} scalars")
    for k in scalars:
        check_secret_scalar(k)


def g1_mul_secret_many(points: Sequence[Point], scalars: Sequence[int]) -> list[Point]:
    """[k_i P_i] with py_ecc; InvalidArgument for different lengths, FieldRangeError for a
    scalar outside [0, 2^256), InvalidEncoding for a non-int scalar. Points are assumed on
    the curve."""
    _check_scalars(points, scalars)
    pairs = zip(points, scalars, strict=True)
    return [_g1_from_ecc(bn.multiply(_g1_to_ecc(p), k)) for p, k in pairs]


def g2_mul_secret_many(points: Sequence[G2Affine], scalars: Sequence[int]) -> list[G2Affine]:
    """As :func:`g1_mul_secret_many` over G2."""
    _check_scalars(points, scalars)
    pairs = zip(points, scalars, strict=True)
    return [_g2_from_ecc(bn.multiply(_g2_to_ecc(p), k)) for p, k in pairs]


def g1_mul_secret(point: Point, k: int) -> Point:
    """k P with py_ecc (not constant time); errors as :func:`g1_mul_secret_many`."""
    return g1_mul_secret_many([point], [k])[0]


def g2_mul_secret(point: G2Affine, k: int) -> G2Affine:
    """k P on G2 with py_ecc (not constant time); errors as :func:`g2_mul_secret_many`."""
    return g2_mul_secret_many([point], [k])[0]
