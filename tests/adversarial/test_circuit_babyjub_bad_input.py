"""Bad input to the BabyJubJub gadgets: off-curve points, wrong claimed results, secrets
outside [0, l), forged witnesses and misuse at build time. One test per class."""

import pytest
from zkvote.circuits import Circuit
from zkvote.circuits.gadgets import babyjub as bj

from zkvote.babyjub import GENERATOR, ORDER, Point
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS as R
from zkvote.snark.r1cs import UnsatisfiedConstraint


@pytest.fixture(scope="module")
def public_key_claim():
    # Private secret, public claimed key: the circuit holds iff claim == secret * Base8.
    c = Circuit()
    secret = c.private_input("secret")
    claim = c.public_inputs("claim", 2)
    pk = bj.secret_to_public_key(c, secret)
    c.assert_equal(pk.x, claim[0])
    c.assert_equal(pk.y, claim[1])
    return c.compile()


def test_off_curve_point_is_refused():
    c = Circuit()
    p = bj.point(c, *c.private_inputs("p", 2))
    bj.variable_base_mul(c, [1, 0, 1], p)
    _, gen = c.compile()
    x, y = Point.base8().to_affine()
    for bad in ([x, y + 1], [1, 1], [0, 0]):
        with pytest.raises(UnsatisfiedConstraint, match="babyjub_on_curve"):
            gen.generate({"p": bad})


def test_wrong_claimed_public_key_is_refused(public_key_claim):
    r1cs, gen = public_key_claim
    secret = 123456789
    good = Point.mul_base8(secret)
    assert r1cs.is_satisfied(gen.generate({"secret": secret, "claim": list(good.to_affine())}))
    for wrong in (-good, Point.mul_base8(secret + 1), Point.identity()):
        with pytest.raises(UnsatisfiedConstraint):
            gen.generate({"secret": secret, "claim": list(wrong.to_affine())})


@pytest.mark.parametrize("secret", [ORDER, ORDER + 1, (1 << 251) - 1, 1 << 251, R - 1,
                                    R - ORDER])
def test_secret_not_below_the_subgroup_order_is_refused(public_key_claim, secret):
    # secret and secret - l (or + k l) give the same key: only the canonical one is allowed.
    _, gen = public_key_claim
    claim = list(Point.base8().mul(secret).to_affine())
    with pytest.raises(UnsatisfiedConstraint, match="babyjub_public_key"):
        gen.generate({"secret": secret, "claim": claim})


def test_forged_result_wires_do_not_satisfy_the_r1cs(public_key_claim):
    # A cheating prover writing the witness by hand: the honest key of secret 5 claimed for
    # secret 6 (only the key and claim wires changed) breaks some constraint.
    r1cs, gen = public_key_claim
    w5 = gen.generate({"secret": 5, "claim": list(Point.mul_base8(5).to_affine())})
    w6 = gen.generate({"secret": 6, "claim": list(Point.mul_base8(6).to_affine())})
    forged = list(w6)
    forged[1:3] = w5[1:3]
    assert not r1cs.is_satisfied(forged)


def test_non_boolean_scalar_bits_are_refused():
    c = Circuit()
    bits = c.private_inputs("bits", 8)
    bj.fixed_base_mul(c, bits)
    _, gen = c.compile()
    with pytest.raises(UnsatisfiedConstraint, match="assert_bool"):
        gen.generate({"bits": [2, 0, 0, 0, 0, 0, 0, 0]})


def test_fixed_base_outside_the_subgroup_or_identity_is_refused_at_build_time():
    c = Circuit()
    bits = c.private_inputs("bits", 4)
    for base in (Point.identity(), Point.from_affine(*GENERATOR, subgroup=False)):
        with pytest.raises(InvalidArgument):
            bj.fixed_base_mul(c, bits, base)


@pytest.mark.parametrize("bad", [(1, 2), GENERATOR, "base8", None])
def test_fixed_base_of_wrong_type_is_refused(bad):
    c = Circuit()
    bits = c.private_inputs("bits", 4)
    with pytest.raises(InvalidEncoding):
        bj.fixed_base_mul(c, bits, bad if bad is not None else 0)


def test_empty_scalar_is_refused():
    c = Circuit()
    p = bj.point(c, *c.private_inputs("p", 2))
    with pytest.raises(InvalidArgument):
        bj.fixed_base_mul(c, [])
    with pytest.raises(InvalidArgument):
        bj.variable_base_mul(c, [], p)


@pytest.mark.parametrize("bad", [5, (1,), (1, 2, 3), "xy"])
def test_point_of_wrong_shape_is_refused(bad):
    c = Circuit()
    with pytest.raises(InvalidEncoding):
        bj.add(c, bad, bj.constant_point(c, Point.base8()))
