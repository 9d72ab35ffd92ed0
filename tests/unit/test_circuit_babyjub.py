"""BabyJubJub gadgets against zkvote.babyjub.Point: values, edge scalars, constraint counts."""

import random

import pytest
from zkvote.circuits import Circuit
from zkvote.circuits.gadgets import babyjub as bj
from zkvote.circuits.gadgets.bits import unchecked_to_bits

from zkvote.babyjub import GENERATOR, ORDER, Point
from zkvote.field import FR_MODULUS as R

RNG = random.Random(4)
EDGE_SCALARS = [0, 1, 2, 3, ORDER - 1, ORDER - 2, (1 << 248) - 1, 1 << 248, 1 << 250]


def _random_point() -> Point:
    return Point.base8().mul(RNG.randrange(1, ORDER))


def _point_circuit(build, n_points: int):
    """A circuit with private points p0.. as inputs and the built point as outputs x, y."""
    c = Circuit()
    pts = [bj.point(c, *c.private_inputs(f"p{i}", 2)) for i in range(n_points)]
    before = c.n_constraints
    out = build(c, *pts)
    cost = c.n_constraints - before
    c.output("x", out.x)
    c.output("y", out.y)
    r1cs, gen = c.compile()

    def run(*points: Point) -> Point:
        witness = gen.generate({f"p{i}": list(p.to_affine()) for i, p in enumerate(points)})
        assert r1cs.is_satisfied(witness)
        return Point.from_affine(witness[1], witness[2], subgroup=False)

    return run, cost


def _scalar_circuit(build, n_bits: int):
    """A circuit with a private scalar k (decomposed into n_bits) and output k * something."""
    c = Circuit()
    k = c.private_input("k")
    bits = unchecked_to_bits(c, k, n_bits)
    before = c.n_constraints
    out = build(c, bits)
    cost = c.n_constraints - before
    c.output("x", out.x)
    c.output("y", out.y)
    r1cs, gen = c.compile()

    def run(scalar: int) -> Point:
        witness = gen.generate({"k": scalar})
        assert r1cs.is_satisfied(witness)
        return Point.from_affine(witness[1], witness[2], subgroup=False)

    return run, cost


def test_montgomery_constants_match_the_curve():
    assert bj.MONT_A == 168698
    for p in [Point.base8(), _random_point(), Point.from_affine(*GENERATOR, subgroup=False)]:
        u, v = bj._to_montgomery(p)
        assert (v * v - (u ** 3 + bj.MONT_A * u * u + u)) % R == 0
        assert u * pow(v, -1, R) % R == p.x


def test_on_curve_accepts_curve_points_in_and_out_of_the_subgroup():
    c = Circuit()
    bj.assert_on_curve(c, bj.point(c, *c.private_inputs("p", 2)))
    assert c.n_constraints == 3
    r1cs, gen = c.compile()
    points = [Point.identity(), Point.base8(), _random_point(),
              Point.from_affine(*GENERATOR, subgroup=False)]
    for p in points:
        assert r1cs.is_satisfied(gen.generate({"p": list(p.to_affine())}))


def test_add_matches_the_group_law_including_edge_cases():
    run, cost = _point_circuit(bj.add, 2)
    assert cost == 6
    p, q = _random_point(), _random_point()
    g = Point.from_affine(*GENERATOR, subgroup=False)
    cases = [(p, q), (p, p), (p, -p), (p, Point.identity()), (Point.identity(), q), (g, p),
             (g, g)]
    for a, b in cases:
        assert run(a, b) == a + b


def test_add_of_a_constant_point_costs_three_constraints():
    q = _random_point()
    run, cost = _point_circuit(lambda c, p: bj.add(c, p, bj.constant_point(c, q)), 1)
    assert cost == 3
    for p in (_random_point(), Point.identity(), q, -q):
        assert run(p) == p + q


@pytest.mark.parametrize("gadget, cost", [(bj.double, 6), (bj.unchecked_double, 5)])
def test_double_matches_point_double(gadget, cost):
    run, n = _point_circuit(gadget, 1)
    assert n == cost
    for p in (_random_point(), Point.identity(), Point.from_affine(*GENERATOR, subgroup=False)):
        assert run(p) == p.double()


def test_fixed_base_mul_base8_matches_mul_base8_for_edge_and_random_scalars():
    run, cost = _scalar_circuit(bj.fixed_base_mul, 251)
    assert cost == 508  # 124 windows of 4, to Edwards 2, 3-bit tail lookup 4 + addition 6
    for k in EDGE_SCALARS + [RNG.randrange(ORDER) for _ in range(5)]:
        assert run(k) == Point.mul_base8(k)


@pytest.mark.parametrize("n_bits", [1, 2, 3, 4, 5, 248, 249, 252, 254])
def test_fixed_base_mul_any_bit_length(n_bits):
    # Covers every plan shape: lookup only, one segment with or without a tail, two segments.
    run, _ = _scalar_circuit(bj.fixed_base_mul, n_bits)
    top = min(1 << n_bits, R)
    for k in {0, 1, top - 1, RNG.randrange(top)}:
        assert run(k) == Point.base8().mul(k)


def test_fixed_base_mul_with_another_base():
    base = _random_point()
    run, _ = _scalar_circuit(lambda c, bits: bj.fixed_base_mul(c, bits, base), 253)
    for k in (0, 1, ORDER - 1, ORDER, RNG.randrange(1 << 253)):
        assert run(k) == base.mul(k)


def test_variable_base_mul_matches_point_mul():
    c = Circuit()
    k = c.private_input("k")
    p = bj.point(c, *c.private_inputs("p", 2))
    before = c.n_constraints
    out = bj.variable_base_mul(c, unchecked_to_bits(c, k, 253), p)
    # 3 on-curve + 13 a bit, less the constant-folded first bit (its double and add).
    assert c.n_constraints - before - 254 == 3 + 13 * 253 - 11
    c.output("x", out.x)
    c.output("y", out.y)
    r1cs, gen = c.compile()
    g = Point.from_affine(*GENERATOR, subgroup=False)
    for base, scalar in [(_random_point(), RNG.randrange(ORDER)), (_random_point(), 0),
                         (_random_point(), 1), (_random_point(), ORDER - 1),
                         (g, (1 << 253) - 1), (g, RNG.randrange(1 << 253)),
                         (Point.identity(), 12345)]:
        witness = gen.generate({"k": scalar, "p": list(base.to_affine())})
        assert r1cs.is_satisfied(witness)
        assert (witness[1], witness[2]) == base.mul(scalar).to_affine()


def test_secret_to_public_key_matches_mul_base8():
    c = Circuit()
    pk = bj.secret_to_public_key(c, c.private_input("s"))
    assert c.n_constraints == 252 + 250 + 508
    assert c.constraint_report()["babyjub_public_key/babyjub_fixed_mul"] == 508
    c.output("x", pk.x)
    c.output("y", pk.y)
    r1cs, gen = c.compile()
    for s in [0, 1, ORDER - 1, (1 << 250) + 1] + [RNG.randrange(ORDER) for _ in range(4)]:
        witness = gen.generate({"s": s})
        assert r1cs.is_satisfied(witness)
        assert (witness[1], witness[2]) == Point.mul_base8(s).to_affine()


def test_every_fixed_base_wire_is_pinned_by_the_constraints():
    # Soundness of the hinted slopes and quotients: changing any single non-input wire of a
    # valid witness must break a constraint (no free variable for a cheating prover).
    c = Circuit()
    k = c.private_input("k")
    out = bj.fixed_base_mul(c, unchecked_to_bits(c, k, 20))
    c.output("x", out.x)
    c.output("y", out.y)
    r1cs, gen = c.compile()
    witness = gen.generate({"k": 0xABCDE})
    for wire in range(1, r1cs.n_wires):
        if wire == 1 + r1cs.n_public:  # the private input k itself
            continue
        forged = list(witness)
        forged[wire] = (forged[wire] + 1) % R
        assert not r1cs.is_satisfied(forged), gen.wire_names[wire]
