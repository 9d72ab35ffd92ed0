"""Type, size and range checks for values crossing an API boundary.

The bottom layer: every domain module uses these so that a bad value raises the same
specific error with the same wording wherever it enters.
"""

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding


def check_int(value: object, what: str) -> int:
    """Return ``value`` if it is an int; InvalidEncoding otherwise.

    ``bool`` is refused although it subclasses int: True as a scalar or coordinate is nearly
    always a bug.
    """
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidEncoding(f"{what} must be an int, not {type(value).__name__}")
    return value


def check_range(value: object, limit: int, what: str, limit_name: str = "the modulus") -> int:
    """Return ``value`` if it is an int with 0 <= value < limit.

    InvalidEncoding for a non-int, FieldRangeError when out of range (no silent reduction: two
    representations of one value would make encodings malleable).
    """
    value = check_int(value, what)
    if not 0 <= value < limit:
        raise FieldRangeError(f"{what} must satisfy 0 <= value < {limit_name}")
    return value


def check_secret_scalar(value: object, what: str = "secret scalar") -> int:
    """Return ``value`` if it is an int with 0 <= value < 2^256: the scalars that the
    constant-time multiplications (BabyJubJub, G1, G2) take, not reduced by any group order.

    InvalidEncoding for a non-int, FieldRangeError when out of range.
    """
    return check_range(value, 1 << 256, what, "2^256")


def check_bytes(value: object, length: int, what: str) -> bytes:
    """Return ``value`` as bytes if it is bytes-like of exactly ``length`` bytes.

    InvalidEncoding for another type or length.
    """
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidEncoding(f"{what} must be bytes, not {type(value).__name__}")
    value = bytes(value)
    if len(value) != length:
        raise InvalidEncoding(f"{what} must be {length} bytes, not {len(value)}")
    return value


GROUP_NTT_MAX_LOG = 28
GROUP_NTT_MAX_THREADS = 1024


def check_group_ntt_arguments(m: int, log_n: int, threads: int | None) -> int:
    """The domain size 2^log_n for ``m`` points of a group inverse NTT, after the argument
    checks both backends' ``group_ntt`` slices make: InvalidArgument for log_n outside
    0..GROUP_NTT_MAX_LOG, m > 2^log_n, or ``threads`` (unless None) outside
    1..GROUP_NTT_MAX_THREADS."""
    if not 0 <= log_n <= GROUP_NTT_MAX_LOG:
        raise InvalidArgument(f"log_n must be in 0..{GROUP_NTT_MAX_LOG}, not {log_n}")
    n = 1 << log_n
    if m > n:
        raise InvalidArgument(f"{m} points do not fit a domain of size {n}")
    if threads is not None and not 1 <= threads <= GROUP_NTT_MAX_THREADS:
        raise InvalidArgument(f"threads must be in 1..{GROUP_NTT_MAX_THREADS}, not {threads}")
    return n
