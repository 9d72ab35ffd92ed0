"""Reference slice ``group_ntt``: the inverse NTT over G1 / G2 points in pure Python, on
py_ecc's ``optimized_bn128`` projective points (slow: ~15 ms per G1 scalar multiplication,
so only for small sizes and differential tests).

Same functions and point forms as ``zkvote._native.group_ntt``. Written the textbook way,
independently of the C code's loop order and its 1/n folding: bit-reversed input, radix-2
butterflies with the twiddles (w^-1)^k of each stage, then a separate 1/n scaling.
"""

from py_ecc import optimized_bn128 as bn

from zkvote._reference.g1 import from_py_ecc as _g1_from_ecc
from zkvote._reference.g1 import to_py_ecc as _g1_to_ecc
from zkvote._reference.g2 import from_py_ecc as _g2_from_ecc
from zkvote._reference.g2 import to_py_ecc as _g2_to_ecc
from zkvote._reference.ntt import root_of_unity
from zkvote.validate import check_group_ntt_arguments as check_arguments

Point = tuple[int, int] | None
Fq2 = tuple[int, int]
G2Affine = tuple[Fq2, Fq2] | None

R = bn.curve_order
def _inverse_ntt(values: list, log_n: int, zero) -> list:
    """(1/n) sum_k w^(-ik) values[k] for py_ecc points (len(values) == 2^log_n)."""
    n = len(values)
    a = [zero] * n
    for i, v in enumerate(values):
        a[int(f"{i:0{log_n}b}"[::-1], 2) if log_n else 0] = v
    w_inv = pow(root_of_unity(log_n), -1, R)
    size = 2
    while size <= n:
        half = size // 2
        step = pow(w_inv, n // size, R)
        for start in range(0, n, size):
            tw = 1
            for k in range(half):
                top, bottom = a[start + k], bn.multiply(a[start + k + half], tw)
                a[start + k] = bn.add(top, bottom)
                a[start + k + half] = bn.add(top, bn.neg(bottom))
                tw = tw * step % R
        size *= 2
    n_inv = pow(n, -1, R)
    return [bn.multiply(v, n_inv) for v in a]


def _lagrange(points: list, log_n: int, threads: int | None, to_ecc, from_ecc,
              zero) -> list:
    n = check_arguments(len(points), log_n, threads)
    values = [to_ecc(p) for p in points] + [zero] * (n - len(points))
    return [from_ecc(v) for v in _inverse_ntt(values, log_n, zero)]


def g1_lagrange(points: list[Point], log_n: int, threads: int | None = None) -> list[Point]:
    """The 2^log_n Lagrange-basis points of ``points`` padded with the identity (see the
    native slice); ``threads`` is checked as there, then ignored (one thread). Raises
    InvalidArgument for log_n outside 0..28, too many points or threads outside 1..1024."""
    return _lagrange(points, log_n, threads, _g1_to_ecc, _g1_from_ecc, bn.Z1)


def g2_lagrange(points: list[G2Affine], log_n: int,
                threads: int | None = None) -> list[G2Affine]:
    """As :func:`g1_lagrange` over G2."""
    return _lagrange(points, log_n, threads, _g2_to_ecc, _g2_from_ecc, bn.Z2)
