"""Known vectors and API behaviour of zkvote.g1, on both backends."""

import pytest

from zkvote.backend import use_backend
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.g1 import G1, PreparedG1Points, msm

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])

# 2G, as listed in the EIP-196 test vectors (ecadd of G with itself)
TWO_G = (
    0x030644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD3,
    0x15ED738C0E0A7C92E7845F96B2AE9C0A68A6A449E3538FC7FF3EBF7A5A18A2C4,
)


def test_generator_is_one_two():
    g = G1.generator()
    assert (g.x, g.y) == (1, 2)
    assert not g.is_identity()


@BACKENDS
def test_generator_doubled_is_the_eip196_vector(backend):
    with use_backend(backend):
        g = G1.generator()
        assert (g + g).to_affine() == TWO_G
        assert (2 * g).to_affine() == TWO_G


@BACKENDS
def test_group_order_times_generator_is_identity(backend):
    with use_backend(backend):
        g = G1.generator()
        assert (FR_MODULUS * g).is_identity()
        assert ((FR_MODULUS - 1) * g) == -g


@BACKENDS
def test_scalars_are_reduced_mod_r(backend):
    with use_backend(backend):
        g = G1.generator()
        assert (FR_MODULUS + 5) * g == 5 * g
        assert -3 * g == -(3 * g)


@BACKENDS
def test_subtraction_and_negation(backend):
    with use_backend(backend):
        g = G1.generator()
        p = 7 * g
        assert p - p == G1.identity()
        assert p - g == 6 * g
        assert -G1.identity() == G1.identity()
        assert (-p).y == FQ_MODULUS - p.y


@BACKENDS
def test_msm_equals_sum_of_products(backend):
    with use_backend(backend):
        g = G1.generator()
        ps = [g, 2 * g, G1.identity(), 5 * g]
        ks = [3, FR_MODULUS + 1, 99, -1]
        # 3 + 2 + 0 - 5 = 0
        assert msm(ps, ks) == G1.identity()
        assert msm([g, 2 * g], [1, 1]) == 3 * g
        assert msm([], []) == G1.identity()


@BACKENDS
def test_prepared_points_reuse_gives_same_results(backend):
    with use_backend(backend):
        g = G1.generator()
        prepared = PreparedG1Points([g, 3 * g])
        assert len(prepared) == 2
        assert prepared.msm([1, 1]) == 4 * g
        assert prepared.msm([2, 0]) == 2 * g


def test_bytes_roundtrip_is_eip197_big_endian():
    g = G1.generator()
    data = g.to_bytes()
    assert data == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    assert G1.from_bytes(data) == g
    assert G1.identity().to_bytes() == bytes(64)
    assert G1.from_bytes(bytes(64)).is_identity()


def test_zero_zero_is_the_identity():
    assert G1.from_affine(0, 0) == G1.identity()
    assert G1.identity().to_affine() == (0, 0)


def test_points_are_hashable_and_immutable():
    g = G1.generator()
    assert len({g, G1.from_affine(1, 2), G1.identity()}) == 2
    with pytest.raises(AttributeError):
        g.x = 5


def test_backends_agree_on_a_scalar_multiple():
    k = 0x1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF
    with use_backend("native"):
        a = k * G1.generator()
    with use_backend("reference"):
        b = k * G1.generator()
    assert a == b


def _glv_script():
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "native" / "gen_g1_glv.py"
    return runpy.run_path(str(path)), path.parent / "g1.c"


def test_glv_constants_in_g1_c_are_the_derived_ones():
    # the native MSM's endomorphism split hard-codes these words; a typo would still pass
    # the small differential cases whenever it only shifts the split by a lattice vector
    import re

    script, g1_c = _glv_script()
    consts = script["derive"]()
    text = g1_c.read_text()
    block = text[text.index("G1_GLV_BETA[4]") : text.index("g1_u128(")]
    words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{16})ULL", block)]
    assert words == script["c_words"](consts)


def test_glv_beta_montgomery_constant_is_beta_times_2_256():
    # g1.c keeps beta in Montgomery form too (hand-derived, outside the generated block)
    import re

    script, g1_c = _glv_script()
    text = g1_c.read_text()
    start = text.index("G1_GLV_BETA_MONT = ")
    block = text[start : text.index("}};", start)]
    words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{16})ULL", block)]
    assert len(words) == 4
    mont = sum(w << (64 * i) for i, w in enumerate(words))
    assert mont == script["derive"]()["beta"] * 2**256 % FQ_MODULUS


def test_glv_endomorphism_is_multiplication_by_lambda():
    script, _ = _glv_script()
    c = script["derive"]()
    assert pow(c["beta"], 3, FQ_MODULUS) == 1 != c["beta"]
    assert pow(c["lam"], 3, FR_MODULUS) == 1 != c["lam"]
    with use_backend("native"):
        for k in (1, 2, 12345, FR_MODULUS - 1):
            p = k * G1.generator()
            x, y = p.to_affine()
            assert (c["lam"] * p).to_affine() == (x * c["beta"] % FQ_MODULUS, y)


def test_glv_split_halves_are_short_at_the_edges():
    script, _ = _glv_script()
    c = script["derive"]()
    lam, r = c["lam"], FR_MODULUS
    edge = [0, 1, r - 1, r - 2, lam, lam - 1, lam + 1, r - lam, 2 * lam % r, (r - 1) // 2]
    edge += [(j * lam + i) % r for j in range(-3, 4) for i in range(-3, 4)]
    edge += [c["a2"], c["a2"] - 1, c["a1"] + c["a2"], -c["b1"], (c["a2"] * lam) % r]
    for k in edge:
        k1, k2 = script["split"](k, c)
        assert (k1 + k2 * lam - k) % r == 0
        assert abs(k1) < 2**126 and abs(k2) < 2**126
