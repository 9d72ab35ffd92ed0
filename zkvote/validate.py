"""Type, size and range checks for values crossing an API boundary.

The bottom layer: every domain module uses these so that a bad value raises the same
specific error with the same wording wherever it enters.
"""

import re

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding

#: The most digits a decimal string may have: far above every modulus here (r, p, l < 10^77)
#: and far below Python's int/str conversion limit (4300 digits).
MAX_DECIMAL_DIGITS = 100

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


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
        raise _out_of_range(what, limit_name)
    return value


def _out_of_range(what: str, limit_name: str) -> FieldRangeError:
    return FieldRangeError(f"{what} must satisfy 0 <= value < {limit_name}")


def parse_decimal(value: object, what: str, limit: int | None = None,
                  limit_name: str = "the modulus") -> int:
    """The int that ``value``, a canonical decimal string, spells: ASCII digits only, no sign,
    no leading zero, at most MAX_DECIMAL_DIGITS digits; below ``limit`` when one is given.

    The one parser of the decimal strings that JSON documents, command arguments and query
    parameters carry (field elements, scalars, coordinates, amounts): one value, one spelling.
    Raises InvalidEncoding for a non-str or another spelling (``"033"``, ``"+3"``, ``" 3"``,
    ``"3.0"``); FieldRangeError (``"{what} must satisfy 0 <= value < {limit_name}"``, as
    :func:`check_range`) for a value >= ``limit``. With no ``limit``, more than
    MAX_DECIMAL_DIGITS digits is InvalidEncoding; with one, it is out of range.
    """
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        shown = f"{value!r:.40}" if isinstance(value, str) else type(value).__name__
        raise InvalidEncoding(f"{what}: expected a canonical decimal string, got {shown}")
    if len(value) > MAX_DECIMAL_DIGITS:
        if limit is None:
            raise InvalidEncoding(f"{what}: more than {MAX_DECIMAL_DIGITS} digits")
        raise _out_of_range(what, limit_name)
    n = int(value)
    if limit is not None and n >= limit:
        raise _out_of_range(what, limit_name)
    return n


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
