"""Native slice ``ct_mul``: G1 / G2 multiplication by *secret* scalars in the C core
(native/ct_mul.c: complete projective formulas, fixed 4-bit windows over all 256 bits, a
masked scan of the table; constant time in the scalar).

For the trusted-setup ceremony's toxic waste and Schnorr nonces: use ``g1.mul`` / ``g2.mul``
(variable time, faster) only for public scalars. What is hardened is the C arithmetic; the
Python ints holding a scalar before it reaches C (range check, ``int.to_bytes``) are not
constant time, the same limit docs/native-core.md states for BabyJubJub.

Points use the ``g1`` / ``g2`` slice forms: G1 ``(x, y)`` ints, G2 ``((x0, x1), (y0, y1))``
ints, None for the identity. The C decoders re-check canonical coordinates and the curve
equation (both groups); the G2 subgroup check is skipped, as the points come from validated
``G2`` values (the formulas are complete on the whole twist, so a tuple off the subgroup
still gives its true multiple, never undefined behaviour).
"""

from collections.abc import Sequence

from zkvote._native.arrays import g1_decode_array, g1_points, g2_decode_array, g2_points
from zkvote._native.lib import ffi, int_to_le32, lib
from zkvote.errors import InvalidArgument
from zkvote.validate import check_secret_scalar

Point = tuple[int, int] | None
Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None


def _scalar_bytes(scalars: Sequence[int]) -> bytes:
    return b"".join(int_to_le32(check_secret_scalar(k)) for k in scalars)


def _mul_secret_many(points: Sequence, scalars: Sequence[int], group: str, coordinate: str,
                     to_c, decode) -> list:
    # ``group`` ("g1" / "g2") names the C point types and functions, ``coordinate`` the
    # field type the batch inversion works in.
    if len(points) != len(scalars):
        raise InvalidArgument(f"{len(points)} points but {len(scalars)} scalars")
    n = len(points)
    if n == 0:
        return []
    ks = _scalar_bytes(scalars)
    jac = ffi.new(f"zkv_{group}[]", n)
    getattr(lib, f"zkv_{group}_mul_ct_many")(jac, to_c(points), ks, n)
    out = ffi.new(f"zkv_{group}_affine[]", n)
    getattr(lib, f"zkv_{group}_batch_to_affine")(out, jac, n, ffi.new(f"{coordinate}[]", n))
    return decode(out, n)


def g1_mul_secret_many(points: Sequence[Point], scalars: Sequence[int]) -> list[Point]:
    """[k_i P_i] for the pairs of ``points`` and ``scalars`` (equal lengths), in one C call,
    constant time in the scalars. Scalars are ints in [0, 2^256) (not reduced: k and k + r
    give the same point). Raises InvalidArgument for different lengths, FieldRangeError for
    a scalar out of range, InvalidEncoding for a non-int scalar, InvalidPoint /
    FieldRangeError for a tuple that is not a G1 point."""
    return _mul_secret_many(points, scalars, "g1", "zkv_fq", g1_points, g1_decode_array)


def g2_mul_secret_many(points: Sequence[G2Affine], scalars: Sequence[int]) -> list[G2Affine]:
    """As :func:`g1_mul_secret_many` over G2; InvalidPoint / FieldRangeError for a tuple
    off the twist or with a coordinate >= p."""
    return _mul_secret_many(points, scalars, "g2", "zkv_fq2", g2_points, g2_decode_array)


def g1_mul_secret(point: Point, k: int) -> Point:
    """k P for a secret scalar k in [0, 2^256), constant time in k; errors as
    :func:`g1_mul_secret_many`."""
    return g1_mul_secret_many([point], [k])[0]


def g2_mul_secret(point: G2Affine, k: int) -> G2Affine:
    """k P on G2 for a secret scalar k in [0, 2^256), constant time in k; errors as
    :func:`g2_mul_secret_many`."""
    return g2_mul_secret_many([point], [k])[0]
