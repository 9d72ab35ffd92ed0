"""The only module that imports the compiled core; maps its error codes to exceptions."""

from zkvote._native._zkv import ffi, lib  # noqa: F401  (re-exported to the wrapper slices)
from zkvote.errors import (
    DiscreteLogNotFound,
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NoSquareRoot,
    NotInSubgroup,
    NotInvertible,
    ZkvoteError,
)

_ERRORS = {
    lib.ZKV_BAD_ENCODING: (InvalidEncoding, "malformed encoding"),
    lib.ZKV_NOT_CANONICAL: (FieldRangeError, "field element not below the modulus"),
    lib.ZKV_NOT_ON_CURVE: (InvalidPoint, "point not on the curve"),
    lib.ZKV_NOT_IN_SUBGROUP: (NotInSubgroup, "point not in the prime-order subgroup"),
    lib.ZKV_NO_SQUARE_ROOT: (NoSquareRoot, "no square root"),
    lib.ZKV_NOT_INVERTIBLE: (NotInvertible, "zero is not invertible"),
    lib.ZKV_NOT_FOUND: (DiscreteLogNotFound, "discrete log not in range"),
    lib.ZKV_BAD_ARGUMENT: (InvalidArgument, "argument out of range"),
}


def check(rc: int, what: str) -> None:
    """Raise the exception matching a zkv_error code (no-op for ZKV_OK).

    ``what`` names the value being processed, for the message (e.g. "G2 point").
    """
    if rc == lib.ZKV_OK:
        return
    exc, reason = _ERRORS.get(rc, (ZkvoteError, f"native error {rc}"))
    raise exc(f"{what}: {reason}")


def int_to_le32(x: int) -> bytes:
    """32-byte little-endian encoding of 0 <= x < 2^256 (callers range-check first)."""
    return x.to_bytes(32, "little")


def le32_to_int(b) -> int:
    """Inverse of int_to_le32; accepts bytes or a cffi buffer."""
    return int.from_bytes(bytes(b), "little")
