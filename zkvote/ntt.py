"""Number-theoretic transforms over Fr (BN254's scalar field), for polynomial arithmetic.

Fr has 2-adicity 28: lengths are powers of two up to 2^28. The size-n transform uses
w = 5^((r-1)/n) (5 generates Fr*), the convention of snarkjs/arkworks-style provers:
forward maps coefficients a_j to evaluations sum_j a_j w^(ij), natural order on both sides.

:class:`FrVector` keeps values in the backend's own form so that chains of transforms avoid
converting to Python ints in between.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote.backend import current, impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import to_fr
from zkvote.validate import check_int

MAX_LOG_N = 28


def _log2_length(n: int) -> int:
    log_n = n.bit_length() - 1
    if n < 1 or 1 << log_n != n or log_n > MAX_LOG_N:
        raise InvalidArgument(f"NTT length must be a power of two <= 2^{MAX_LOG_N}, not {n}")
    return log_n


def _values(values: Sequence[int]) -> list[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise InvalidEncoding("NTT input must be a sequence of ints")
    out = [to_fr(v) for v in values]
    _log2_length(len(out))
    return out


def root_of_unity(log_n: int) -> int:
    """The primitive 2^log_n-th root of unity of the transforms, 5^((r-1)/2^log_n).

    Raises InvalidArgument unless 0 <= log_n <= 28, InvalidEncoding for a non-int.
    """
    check_int(log_n, "log_n")
    if not 0 <= log_n <= MAX_LOG_N:
        raise InvalidArgument(f"log_n must be in 0..{MAX_LOG_N}, not {log_n}")
    return impl("ntt").root_of_unity(log_n)


def ntt(values: Sequence[int], inverse: bool = False) -> list[int]:
    """Forward NTT (coefficients -> evaluations on <w>) or, with ``inverse``, its inverse
    (including the 1/n factor). Returns a new list.

    Raises InvalidArgument if the length is not a power of two <= 2^28; InvalidEncoding /
    FieldRangeError for an element that is not a canonical Fr int.
    """
    return impl("ntt").ntt(_values(values), bool(inverse))


def coset_ntt(values: Sequence[int], shift: int, inverse: bool = False) -> list[int]:
    """Forward: evaluations on the coset shift*<w> (a_i scaled by shift^i, then NTT).
    Inverse: interpolation from that coset. Errors as :func:`ntt`; the inverse raises
    NotInvertible for shift = 0.
    """
    return impl("ntt").coset_ntt(_values(values), to_fr(shift), bool(inverse))


class FrVector:
    """A power-of-two-length vector of Fr elements held in the backend's form (a C array in
    the native backend), transformed in place. Bound to the backend current at creation."""

    __slots__ = ("_backend", "_handle", "_n")

    def __init__(self, backend: str, handle: object, n: int) -> None:
        self._backend, self._handle, self._n = backend, handle, n

    @classmethod
    def from_ints(cls, values: Sequence[int]) -> FrVector:
        """Validated copy of ``values`` (errors as :func:`ntt`)."""
        checked = _values(values)
        backend = current()
        return cls(backend, impl("ntt", backend).vec_from_ints(checked), len(checked))

    def __len__(self) -> int:
        return self._n

    def to_ints(self) -> list[int]:
        return impl("ntt", self._backend).vec_to_ints(self._handle)

    def ntt(self, inverse: bool = False) -> FrVector:
        """Transform in place (see :func:`ntt`); returns self for chaining."""
        impl("ntt", self._backend).vec_ntt(self._handle, bool(inverse))
        return self

    def coset_ntt(self, shift: int, inverse: bool = False) -> FrVector:
        """Coset transform in place (see :func:`coset_ntt`); returns self."""
        impl("ntt", self._backend).vec_coset_ntt(self._handle, to_fr(shift), bool(inverse))
        return self
