"""Reference slice ``fields``: BN254 Fq and Fr arithmetic on gmpy2 integers.

Inputs are canonical ints (0 <= x < modulus; the domain layer checks); outputs are ints.
"""

import gmpy2
from gmpy2 import mpz

from zkvote.errors import NoSquareRoot, NotInvertible

FQ = mpz(21888242871839275222246405745257275088696311157297823662689037894645226208583)
FR = mpz(21888242871839275222246405745257275088548364400416034343698204186575808495617)


def _inv(a: int, m: mpz, what: str) -> int:
    if a % m == 0:
        raise NotInvertible(f"{what}: zero is not invertible")
    return int(gmpy2.invert(mpz(a), m))


def _sqrt_mod(a: int, m: mpz, what: str) -> int:
    """Tonelli-Shanks on gmpy2 (works for both moduli; Fq would allow a^((p+1)/4))."""
    a = mpz(a) % m
    if a == 0:
        return 0
    if gmpy2.legendre(a, m) != 1:
        raise NoSquareRoot(f"{what}: no square root")
    q, s = m - 1, 0
    while q % 2 == 0:
        q //= 2
        s += 1
    z = mpz(2)
    while gmpy2.legendre(z, m) != -1:
        z += 1
    c, x, t = pow(z, q, m), pow(a, (q + 1) // 2, m), pow(a, q, m)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2 = t2 * t2 % m
            i += 1
        b = pow(c, 1 << (s - i - 1), m)
        s, c = i, b * b % m
        t, x = t * c % m, x * b % m
    return int(x)


def fq_add(a: int, b: int) -> int:
    return int((mpz(a) + b) % FQ)


def fq_sub(a: int, b: int) -> int:
    return int((mpz(a) - b) % FQ)


def fq_mul(a: int, b: int) -> int:
    return int(mpz(a) * b % FQ)


def fq_sqr(a: int) -> int:
    return int(mpz(a) * a % FQ)


def fq_neg(a: int) -> int:
    return int(-mpz(a) % FQ)


def fq_inv(a: int) -> int:
    return _inv(a, FQ, "Fq element")


def fq_sqrt(a: int) -> int:
    return _sqrt_mod(a, FQ, "Fq element")


def fq_pow(a: int, e: int) -> int:
    return int(pow(mpz(a), e, FQ))


def fq_batch_inv(values: list[int]) -> list[int]:
    return [fq_inv(v) for v in values]


def fr_add(a: int, b: int) -> int:
    return int((mpz(a) + b) % FR)


def fr_sub(a: int, b: int) -> int:
    return int((mpz(a) - b) % FR)


def fr_mul(a: int, b: int) -> int:
    return int(mpz(a) * b % FR)


def fr_sqr(a: int) -> int:
    return int(mpz(a) * a % FR)


def fr_neg(a: int) -> int:
    return int(-mpz(a) % FR)


def fr_inv(a: int) -> int:
    return _inv(a, FR, "Fr element")


def fr_sqrt(a: int) -> int:
    return _sqrt_mod(a, FR, "Fr element")


def fr_pow(a: int, e: int) -> int:
    return int(pow(mpz(a), e, FR))


def fr_batch_inv(values: list[int]) -> list[int]:
    return [fr_inv(v) for v in values]


def fr_from_bytes_reduce(data: bytes) -> int:
    """The 32-byte little-endian integer ``data`` reduced mod r."""
    return int(mpz(int.from_bytes(data, "little")) % FR)
