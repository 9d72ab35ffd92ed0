"""Variable-time G1/G2 multiplication through the endomorphism split (GLV on G1, psi on G2).

The scalars sit on the edges of the split: the lattice basis vectors and lambda of each group,
multiples of r, values whose halves are zero or at their largest, and scalars >= r, which
the C functions reduce. The G1 results are checked against py_ecc, the G2 results against
the plain wNAF (zkv_g2_mul_twist_vartime, itself checked against py_ecc in
tests/property/test_endo_mul_native_vs_reference.py).
"""

import pytest

from zkvote._native import g1 as native_g1
from zkvote._native import g2 as native_g2
from zkvote._reference import g1 as reference_g1
from zkvote._reference import g2 as reference_g2

R = reference_g1.R
X = 4965661367192848881  # the BN254 curve parameter
G1_GEN = (1, 2)
G2_GEN = reference_g2.from_py_ecc(reference_g2.bn.G2)

# G1: lambda is a cube root of unity mod r (either one: the split uses one, the edge cases
# of both are worth a look); the short lattice basis built from 2x + 1, 6x^2 + 2x, 6x^2 + 4x + 1
_CUBE_ROOT = pow(5, (R - 1) // 3, R)
G1_EDGES = sorted({
    _CUBE_ROOT, _CUBE_ROOT * _CUBE_ROOT % R, _CUBE_ROOT - 1, _CUBE_ROOT + 1,
    2 * X + 1, 6 * X * X + 2 * X, 6 * X * X + 4 * X + 1, 6 * X * X + 4 * X,
    (R - 1) // 2, (R + 1) // 2, R // 3, 2 * R // 3,
})
# G2: lambda = 6x^2, k = k0 + k1 lambda with k0 = k mod lambda, k1 = k // lambda
LAM2 = 6 * X * X
_K1_MAX = (R - 1) // LAM2
G2_EDGES = sorted({
    LAM2 - 1, LAM2, LAM2 + 1, 2 * LAM2, LAM2 * LAM2 % R,
    _K1_MAX * LAM2, _K1_MAX * LAM2 - 1, R - LAM2, (2**127 - 1), 2**127,
})
COMMON_EDGES = [0, 1, 2, 15, 16, 17, R - 2, R - 1, R, R + 1, 2 * R, 2**255, 2**256 - 1]


@pytest.mark.parametrize("k", COMMON_EDGES + G1_EDGES)
def test_g1_split_multiplication_matches_reference_on_edge_scalars(k):
    p = native_g1.mul(G1_GEN, 0xC0FFEE)
    assert native_g1.mul(p, k) == reference_g1.mul(p, k)


def test_g1_multiplication_of_the_identity_is_the_identity():
    assert native_g1.mul(None, R - 1) is None
    assert native_g1.mul(None, 0) is None


@pytest.mark.parametrize("k", COMMON_EDGES + G2_EDGES)
def test_g2_split_multiplication_matches_plain_wnaf_on_edge_scalars(k):
    p = native_g2.mul_twist(G2_GEN, 0xBEEF)
    assert native_g2.mul(p, k) == native_g2.mul_twist(p, k)


def test_g2_split_multiplication_matches_reference_on_its_largest_halves():
    for k in (_K1_MAX * LAM2 - 1, R - 1):  # k0 = lambda - 1; then k1 at its largest
        assert native_g2.mul(G2_GEN, k) == reference_g2.mul(G2_GEN, k)


def test_g2_multiplication_of_the_identity_is_the_identity():
    assert native_g2.mul(None, R - 1) is None
    assert native_g2.mul_twist(None, 2**256 - 1) is None


def test_g2_multiples_of_r_vanish_on_g2():
    assert native_g2.mul(G2_GEN, R) is None
    assert native_g2.mul_twist(G2_GEN, R) is None
