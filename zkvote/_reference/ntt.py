"""Reference slice ``ntt``: a plain iterative radix-2 NTT over Fr in Python (gmpy2 integers).

Inputs are lists of canonical ints whose length is a power of two <= 2^28 (the domain layer
checks). Deliberately written from the definition's recursion, independently of the C code's
chunked twiddles, so the two can check each other.
"""

from gmpy2 import mpz

from zkvote.errors import InvalidArgument, NotInvertible

R = mpz(21888242871839275222246405745257275088548364400416034343698204186575808495617)
MAX_LOG = 28


def root_of_unity(log_n: int) -> int:
    """5^((r-1)/2^log_n): the primitive 2^log_n-th root of unity the NTT uses."""
    if not 0 <= log_n <= MAX_LOG:
        raise InvalidArgument(f"log_n must be in 0..{MAX_LOG}, not {log_n}")
    return int(pow(mpz(5), (R - 1) >> log_n, R))


def _log2(n: int) -> int:
    log_n = n.bit_length() - 1
    if n < 1 or 1 << log_n != n or log_n > MAX_LOG:
        raise InvalidArgument(f"NTT length must be a power of two <= 2^{MAX_LOG}, not {n}")
    return log_n


def _transform(values: list[int], w: mpz) -> list[mpz]:
    n = len(values)
    log_n = n.bit_length() - 1
    a = [mpz(0)] * n
    for i, v in enumerate(values):
        a[int(f"{i:0{log_n}b}"[::-1], 2) if log_n else 0] = mpz(v)
    length = 2
    while length <= n:
        wl = pow(w, n // length, R)
        half = length // 2
        tw = [mpz(1)] * half
        for j in range(1, half):
            tw[j] = tw[j - 1] * wl % R
        for start in range(0, n, length):
            for j in range(half):
                u, t = a[start + j], a[start + j + half] * tw[j] % R
                a[start + j] = (u + t) % R
                a[start + j + half] = (u - t) % R
        length *= 2
    return a


def ntt(values: list[int], inverse: bool = False) -> list[int]:
    """Forward: out_i = sum_j a_j w^(ij). Inverse uses w^-1 and divides by n."""
    log_n = _log2(len(values))
    w = mpz(root_of_unity(log_n))
    if not inverse:
        return [int(x) for x in _transform(values, w)]
    out = _transform(values, pow(w, -1, R))
    n_inv = pow(mpz(len(values)), -1, R)
    return [int(x * n_inv % R) for x in out]


def coset_ntt(values: list[int], shift: int, inverse: bool = False) -> list[int]:
    """Forward evaluates on shift*<w>; inverse interpolates from there."""
    if not inverse:
        s, scaled = mpz(1), []
        for v in values:
            scaled.append(int(v * s % R))
            s = s * shift % R
        return ntt(scaled, False)
    if shift % R == 0:
        raise NotInvertible("coset shift: zero is not invertible")
    coeffs = ntt(values, True)
    s_inv, s, out = pow(mpz(shift), -1, R), mpz(1), []
    for v in coeffs:
        out.append(int(v * s % R))
        s = s * s_inv % R
    return out


# Vectors: in this backend a vector is just a Python list, transformed in place.


def vec_from_ints(values: list[int]) -> list[int]:
    return list(values)


def vec_to_ints(vec: list[int]) -> list[int]:
    return list(vec)


def vec_ntt(vec: list[int], inverse: bool = False) -> None:
    vec[:] = ntt(vec, inverse)


def vec_coset_ntt(vec: list[int], shift: int, inverse: bool = False) -> None:
    vec[:] = coset_ntt(vec, shift, inverse)
