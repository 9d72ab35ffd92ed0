"""Native slice ``ntt``: the C core's in-place radix-2 NTT over Fr.

A vector is a :class:`NativeFrArray` (a zkv_fr C array and its length) so that repeated
transforms skip the int <-> C conversion.
"""

from dataclasses import dataclass

from zkvote._native.fields import _fr, _fr_int, fr_array_from_ints, fr_array_to_ints
from zkvote._native.lib import check, ffi, lib
from zkvote.errors import InvalidArgument


@dataclass
class NativeFrArray:
    """A zkv_fr[] of ``n`` Montgomery-form elements owned by cffi (freed with the object)."""

    arr: object
    n: int


def _log2(n: int) -> int:
    log_n = n.bit_length() - 1
    if n < 1 or 1 << log_n != n:
        raise InvalidArgument(f"NTT length must be a power of two, not {n}")
    return log_n


def root_of_unity(log_n: int) -> int:
    if log_n < 0:
        raise InvalidArgument(f"log_n must be >= 0, not {log_n}")
    out = ffi.new("zkv_fr *")
    check(lib.zkv_fr_root_of_unity(out, log_n), "root of unity")
    return _fr_int(out)


def vec_from_ints(values: list[int]) -> NativeFrArray:
    return NativeFrArray(fr_array_from_ints(values), len(values))


def vec_to_ints(vec: NativeFrArray) -> list[int]:
    return fr_array_to_ints(vec.arr, vec.n)


def vec_ntt(vec: NativeFrArray, inverse: bool = False) -> None:
    check(lib.zkv_fr_ntt(vec.arr, _log2(vec.n), int(inverse)), "NTT")


def vec_coset_ntt(vec: NativeFrArray, shift: int, inverse: bool = False) -> None:
    check(lib.zkv_fr_ntt_coset(vec.arr, _log2(vec.n), _fr(shift), int(inverse)), "coset NTT")


def ntt(values: list[int], inverse: bool = False) -> list[int]:
    vec = vec_from_ints(values)
    vec_ntt(vec, inverse)
    return vec_to_ints(vec)


def coset_ntt(values: list[int], shift: int, inverse: bool = False) -> list[int]:
    vec = vec_from_ints(values)
    vec_coset_ntt(vec, shift, inverse)
    return vec_to_ints(vec)
