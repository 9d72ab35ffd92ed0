"""Test helper: points on the BN254 twist E'(Fq2) found by solving the curve equation, used to
build G2 inputs outside the prime-order subgroup (the twist's cofactor is ~2^254, so the first
point found for a given x is almost surely not in G2)."""

from zkvote._reference import g2 as reference_g2
from zkvote.field import FQ_MODULUS as P


def _sqrt_fq(a: int) -> int | None:
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None


def sqrt_fq2(a0: int, a1: int) -> tuple[int, int] | None:
    """A square root of a0 + a1*u in Fq2 (u^2 = -1), or None."""
    n = _sqrt_fq((a0 * a0 + a1 * a1) % P)
    if n is None:
        return None
    half = pow(2, P - 2, P)
    for cand in ((a0 + n) * half % P, (a0 - n) * half % P):
        x0 = _sqrt_fq(cand)
        if x0:
            x1 = a1 * pow(2 * x0, P - 2, P) % P
            if ((x0 * x0 - x1 * x1) % P, 2 * x0 * x1 % P) == (a0 % P, a1 % P):
                return x0, x1
    return None


def twist_point(x0: int, x1: int = 1):
    """The first point of E'(Fq2) with x = (x0 + i, x1), i >= 0: almost surely not in G2."""
    bn = reference_g2.bn
    while True:
        rhs = bn.FQ2([x0, x1]) ** 3 + bn.b2
        y = sqrt_fq2(int(rhs.coeffs[0]), int(rhs.coeffs[1]))
        if y is not None:
            return (x0, x1), y
        x0 = (x0 + 1) % P
