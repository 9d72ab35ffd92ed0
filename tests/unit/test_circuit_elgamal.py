"""The ElGamal encryption gadget (shared poll-key table, signed 2-bit windows) against
zkvote.babyjub: Enc(v; r) = (r*Base8, v*Base8 + r*H) for edge-case and random r, and the
points and scalars it must refuse."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from zkvote.circuits import Circuit
from zkvote.circuits.gadgets.babyjub import point
from zkvote.circuits.gadgets.bits import to_bits
from zkvote.circuits.gadgets.elgamal import RANDOMNESS_BITS, WINDOWS, encrypt, key_table

from zkvote.babyjub import ORDER, Point
from zkvote.field import FR_MODULUS as R
from zkvote.snark.r1cs import UnsatisfiedConstraint

G = Point.base8()
KEY = G.mul(0x5EC12E7 * 1_000_003 + 17)


def _encryption_circuit():
    c = Circuit("eg")
    hx, hy = c.public_input("hx"), c.public_input("hy")
    v, r = c.private_input("v"), c.private_input("r")
    table = key_table(c, point(c, hx, hy))
    c1, c2 = encrypt(c, table, to_bits(c, v, 32), r)
    for name, value in zip(("c1x", "c1y", "c2x", "c2y"), (*c1, *c2), strict=True):
        c.output(name, value)
    return c


@pytest.fixture(scope="module")
def compiled():
    return _encryption_circuit().compile()


def _encrypt(gen, key: Point, v: int, r: int) -> list[int]:
    return gen.generate({"hx": key.x, "hy": key.y, "v": v, "r": r})


def _expected(key: Point, v: int, r: int) -> list[int]:
    return [*G.mul(r).to_affine(), *(G.mul(v) + key.mul(r)).to_affine()]


EDGE_SCALARS = [
    0, 1, 2, 3, 4, 7,
    (1 << RANDOMNESS_BITS) - 1,  # every digit +3 and the parity bit
    *((1 << k) - 1 for k in (2, 3, 9, 64, 125, 249, 250)),  # all-ones low bits
    1 << 250, (1 << 250) + 1, ORDER - 1, ORDER, ORDER + 1,
    int("10" * 125, 2), int("01" * 125 + "1", 2),  # alternating digits
]


@pytest.mark.parametrize("r", EDGE_SCALARS)
def test_encryption_matches_python_for_edge_case_randomness(compiled, r):
    r1cs, gen = compiled
    v = 0xFFFF_FFFF if r & 1 else 5
    witness = _encrypt(gen, KEY, v, r)
    assert witness[1:5] == _expected(KEY, v, r)
    assert r1cs.is_satisfied(witness)


@settings(max_examples=8)
@given(r=st.integers(0, (1 << RANDOMNESS_BITS) - 1), v=st.integers(0, (1 << 32) - 1),
       h=st.integers(1, ORDER - 1))
def test_encryption_matches_python_for_random_inputs(compiled, r, v, h):
    _, gen = compiled
    key = G.mul(h)
    assert _encrypt(gen, key, v, r)[1:5] == _expected(key, v, r)


def test_randomness_of_252_bits_is_refused(compiled):
    _, gen = compiled
    for r in (1 << RANDOMNESS_BITS, (1 << RANDOMNESS_BITS) + 5, R - 1):
        with pytest.raises(UnsatisfiedConstraint, match="scalar_digits"):
            _encrypt(gen, KEY, 1, r)


def test_value_of_33_bits_is_refused(compiled):
    _, gen = compiled
    with pytest.raises(UnsatisfiedConstraint, match="to_bits"):
        _encrypt(gen, KEY, 1 << 32, 1)


@pytest.mark.parametrize("xy", [(0, 1), (0, R - 1), (1, 2)],
                         ids=["identity", "two-torsion", "off-curve"])
def test_key_without_montgomery_form_or_off_the_curve_is_refused(compiled, xy):
    _, gen = compiled
    with pytest.raises(UnsatisfiedConstraint, match="key_table"):
        gen.generate({"hx": xy[0], "hy": xy[1], "v": 1, "r": 1})


def test_costs_per_table_and_per_encryption():
    c = _encryption_circuit()
    report = c.constraint_report()
    # 10 a window for the shared table; per encryption 12 a window plus the corrections.
    assert report["key_table"] == 10 * WINDOWS + 13
    assert report["elgamal_encrypt/scalar_digits"] == 3 * WINDOWS + 2
    assert report["elgamal_encrypt/base8_mul"] == 3 * (WINDOWS - 1) + 8
    assert report["elgamal_encrypt/key_mul"] == 6 * WINDOWS - 3 + 10
    assert report["elgamal_encrypt"] < 1600


def test_encryptions_under_one_key_share_its_table():
    c = Circuit("two")
    hx, hy = c.public_input("hx"), c.public_input("hy")
    table = key_table(c, point(c, hx, hy))
    outs = []
    for i in range(2):
        with c.gadget(f"option{i}"):
            v, r = c.private_input(f"v{i}"), c.private_input(f"r{i}")
            outs += encrypt(c, table, to_bits(c, v, 8), r)
    for i, p in enumerate(outs):
        c.output(f"x{i}", p.x)
        c.output(f"y{i}", p.y)
    r1cs, gen = c.compile()
    rng = random.Random(5)
    vs, rs = [3, 200], [rng.randrange(ORDER) for _ in range(2)]
    witness = gen.generate({"hx": KEY.x, "hy": KEY.y, "v0": vs[0], "r0": rs[0], "v1": vs[1],
                            "r1": rs[1]})
    expected = [xy for v, r in zip(vs, rs, strict=True) for xy in _expected(KEY, v, r)]
    assert witness[1:9] == expected
    assert c.constraint_report()["key_table"] == 10 * WINDOWS + 13  # built once
