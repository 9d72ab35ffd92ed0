"""Derive the GLV constants of native/g1.c (the G1 endomorphism used by the MSM).

    python native/gen_g1_glv.py   # prints the C block that g1.c carries

BN254's G1 (y^2 = x^3 + 3, j-invariant 0) has the endomorphism phi(x, y) = (beta * x, y) for a
cube root of unity beta in Fq; on the order-r group it acts as multiplication by a cube root of
unity lambda in Fr. Of the two (beta, lambda) pairings only one matches, which is checked here
on the generator. The short lattice basis comes from the extended Euclidean algorithm on
(r, lambda) (Gallant-Lambert-Vanstone, section 4), and the rounding constants g1, g2 let the
C code compute c_i = round(k * b / r) as a 320-bit shift. Pure Python, no dependencies; the
script asserts every property the C code relies on.
"""

import math
import random

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
GEN = (1, 2)


def _add(a, b):
    """Affine addition on y^2 = x^3 + 3 over Fq (None is the identity)."""
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % P == 0:
            return None
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return x, (lam * (a[0] - x) - a[1]) % P


def _mul(p, k):
    acc = None
    while k:
        if k & 1:
            acc = _add(acc, p)
        p = _add(p, p)
        k >>= 1
    return acc


def _cube_root_of_unity(m):
    for g in range(2, 100):
        w = pow(g, (m - 1) // 3, m)
        if w != 1:
            return w
    raise AssertionError("no cube root of unity")


def derive():
    """Returns dict: beta, lam, a1, b1, a2, b2, g1, g2 (ints, b1 < 0)."""
    w_q, w_r = _cube_root_of_unity(P), _cube_root_of_unity(R)
    lg = _mul(GEN, w_r)
    beta = next(b for b in (w_q, w_q * w_q % P) if lg == (GEN[0] * b % P, GEN[1]))
    lam = w_r
    # take the smaller representatives of the matched pair: (beta^2, lambda^2) also matches
    if lam * lam % R < lam:
        beta, lam = beta * beta % P, lam * lam % R
    assert _mul(GEN, lam) == (GEN[0] * beta % P, GEN[1])

    # remainders r_i and coefficients t_i with r_i = s_i * r + t_i * lambda
    seq = [(R, 0), (lam, 1)]
    while seq[-1][0]:
        (r0, t0), (r1, t1) = seq[-2], seq[-1]
        q = r0 // r1
        seq.append((r0 - q * r1, t0 - q * t1))
    root = math.isqrt(R)
    ell = max(i for i, (ri, _) in enumerate(seq) if ri >= root)
    a1, b1 = seq[ell + 1][0], -seq[ell + 1][1]
    cands = [(seq[ell][0], -seq[ell][1]), (seq[ell + 2][0], -seq[ell + 2][1])]
    a2, b2 = min(cands, key=lambda v: v[0] ** 2 + v[1] ** 2)
    for a, b in ((a1, b1), (a2, b2)):
        assert (a + b * lam) % R == 0
    assert a1 * b2 - a2 * b1 == R
    assert a1 > 0 and a2 > 0 and b1 < 0 and b2 > 0  # the signs the C code hard-wires
    # rounding error <= 1/2 + 2^-64 (truncated g, k < 2^256) per quotient keeps both halves
    # below 2^126
    for u, v in ((a1, a2), (-b1, b2)):
        assert (u + v) // 2 + ((u + v) >> 66) + 1 < 2**126
    return {
        "beta": beta, "lam": lam, "a1": a1, "b1": b1, "a2": a2, "b2": b2,
        "g1": (b2 << 320) // R, "g2": ((-b1) << 320) // R,
    }


def split(k, c):
    """The C code's decomposition: k = k1 + k2 * lambda (mod r), |k1|, |k2| < 2^126."""
    k %= R
    c1 = (k * c["g1"] + (1 << 319)) >> 320
    c2 = (k * c["g2"] + (1 << 319)) >> 320
    return k - c1 * c["a1"] - c2 * c["a2"], -c1 * c["b1"] - c2 * c["b2"]


def c_words(c):
    """The 64-bit words of g1.c's GLV constant block, in the order it defines them."""
    spec = [("beta", 4), ("g1", 3), ("g2", 4), ("a1", 2), ("a2", 2), ("mb1", 2), ("b2", 2)]
    vals = dict(c, mb1=-c["b1"])
    return [(vals[name] >> (64 * i)) & (2**64 - 1) for name, n in spec for i in range(n)]


def c_block(c):
    words = iter(c_words(c))
    out = []
    for name, n in [("BETA", 4), ("G1", 3), ("G2", 4), ("A1", 2), ("A2", 2),
                    ("MINUS_B1", 2), ("B2", 2)]:
        vals = ", ".join(f"0x{next(words):016x}ULL" for _ in range(n))
        out.append(f"static const uint64_t G1_GLV_{name}[{n}] = {{{vals}}};")
    return "\n".join(out)


if __name__ == "__main__":
    consts = derive()
    rng = random.Random(1)
    lam = consts["lam"]
    for k in [0, 1, R - 1, lam, 2 * lam % R, R - lam] + [rng.randrange(R) for _ in range(10000)]:
        k1, k2 = split(k, consts)
        assert (k1 + k2 * lam - k) % R == 0 and abs(k1) < 2**126 and abs(k2) < 2**126
    print(c_block(consts))
