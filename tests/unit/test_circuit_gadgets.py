"""Gadgets: each against plain Python / zkvote's own implementation, valid and invalid."""

import random

import pytest
from zkvote.circuits import Circuit
from zkvote.circuits.gadgets.bits import from_bits, range_check, to_bits, unchecked_to_bits
from zkvote.circuits.gadgets.comparators import (
    greater_eq,
    greater_than,
    is_equal,
    is_zero,
    less_eq,
    less_than,
    unchecked_less_than,
)
from zkvote.circuits.gadgets.mux import mux, select_index
from zkvote.circuits.gadgets.poseidon import poseidon as poseidon_gadget

from zkvote.errors import FieldRangeError, InvalidArgument
from zkvote.field import FR_MODULUS as R
from zkvote.poseidon import poseidon
from zkvote.snark.r1cs import UnsatisfiedConstraint


def _one_output(build, n_inputs: int = 1):
    c = Circuit()
    xs = c.private_inputs("x", n_inputs)
    c.output("out", build(c, *xs))
    r1cs, gen = c.compile()

    def run(*values: int) -> int:
        witness = gen.generate({"x": list(values)})
        assert r1cs.is_satisfied(witness)
        return witness[1]

    return run, r1cs, c


# -- bits ---------------------------------------------------------------------------------

def _bits_circuit(n_bits: int, checked: bool = True):
    c = Circuit()
    x = c.private_input("x")
    bits = (to_bits if checked else unchecked_to_bits)(c, x, n_bits)
    c.output("back", from_bits(c, bits) * 1 + 0)
    return c, c.compile()


def test_to_bits_gives_little_endian_bits_of_values_in_range():
    c, (r1cs, gen) = _bits_circuit(8)
    assert r1cs.n_constraints == 8 + 1 + 1  # booleans, sum, output
    witness = gen.generate({"x": 0b10110001})
    assert witness[3:11] == [1, 0, 0, 0, 1, 1, 0, 1]
    assert witness[1] == 0b10110001


def test_to_bits_refuses_values_of_more_bits():
    _, (_, gen) = _bits_circuit(8)
    for bad in (256, 1000, R - 1):
        with pytest.raises(UnsatisfiedConstraint, match="to_bits"):
            gen.generate({"x": bad})


def test_full_to_bits_round_trips_canonical_values():
    _, (r1cs, gen) = _bits_circuit(254)
    for x in (0, 1, R - 1, random.Random(1).randrange(R)):
        witness = gen.generate({"x": x})
        assert witness[1] == x and r1cs.is_satisfied(witness)


def test_full_to_bits_refuses_the_aliased_decomposition():
    # x + r < 2^254 has a second 254-bit form, the integer x + r; forge it by hand.
    c, (r1cs, gen) = _bits_circuit(254)
    x = 5
    witness = gen.generate({"x": x})
    alias = x + R
    forged = list(witness)
    forged[3:257] = [(alias >> i) & 1 for i in range(254)]
    # The recomposition and boolean rows still hold for the alias; only the alias check fails.
    with pytest.raises(UnsatisfiedConstraint) as info:
        r1cs.check_witness(forged)
    assert "alias_check" in c._constraint_info[info.value.index][0]


def test_unchecked_to_bits_admits_the_aliased_decomposition():
    _, (r1cs, gen) = _bits_circuit(254, checked=False)
    witness = gen.generate({"x": 5})
    witness[3:257] = [((5 + R) >> i) & 1 for i in range(254)]
    assert r1cs.is_satisfied(witness)


def test_range_check_bounds_values():
    c = Circuit()
    x = c.private_input("x")
    range_check(c, x, 10)
    _, gen = c.compile()
    gen.generate({"x": 1023})
    with pytest.raises(UnsatisfiedConstraint, match="range_check"):
        gen.generate({"x": 1024})


def test_from_bits_constrains_non_boolean_inputs():
    run_c = Circuit()
    bs = run_c.private_inputs("b", 3)
    run_c.output("v", from_bits(run_c, bs) + 0)
    r1cs, gen = run_c.compile()
    assert gen.generate({"b": [1, 1, 0]})[1] == 3
    with pytest.raises(UnsatisfiedConstraint, match="from_bits"):
        gen.generate({"b": [2, 0, 0]})


@pytest.mark.parametrize("n_bits", [0, 255, -1])
def test_bit_counts_out_of_range_are_refused(n_bits):
    c = Circuit()
    with pytest.raises(InvalidArgument):
        to_bits(c, c.private_input("x"), n_bits)


def test_range_check_of_254_bits_is_refused():
    c = Circuit()
    with pytest.raises(InvalidArgument):
        range_check(c, c.private_input("x"), 254)


# -- comparators --------------------------------------------------------------------------

def test_is_zero_and_is_equal():
    run, r1cs, _ = _one_output(is_zero)
    assert r1cs.n_constraints == 2 + 1  # + the output's linear row
    assert [run(v) for v in (0, 1, R - 1)] == [1, 0, 0]
    run, _, _ = _one_output(is_equal, 2)
    assert [run(3, 3), run(3, 4), run(0, R - 1)] == [1, 0, 0]


def test_is_zero_refuses_a_forged_output():
    c = Circuit()
    x = c.private_input("x")
    c.output("z", is_zero(c, x) + 0)
    r1cs, gen = c.compile()
    witness = gen.generate({"x": 7})
    # Claim "7 is zero": out = 1 needs a*inv = 0 while a*out = 0 fails.
    forged = list(witness)
    forged[1] = 1
    assert not r1cs.is_satisfied(forged)


@pytest.mark.parametrize("gadget, op", [
    (less_than, lambda a, b: a < b), (less_eq, lambda a, b: a <= b),
    (greater_than, lambda a, b: a > b), (greater_eq, lambda a, b: a >= b),
])
def test_ordered_comparisons_match_python(gadget, op):
    run, _, _ = _one_output(lambda c, a, b: gadget(c, a, b, 16), 2)
    rng = random.Random(7)
    pairs = [(0, 0), (0, 1), (1, 0), (65535, 65535), (65534, 65535), (65535, 0)]
    pairs += [(rng.randrange(1 << 16), rng.randrange(1 << 16)) for _ in range(10)]
    for a, b in pairs:
        assert run(a, b) == int(op(a, b)), (a, b)


def test_less_than_refuses_operands_out_of_range():
    run, _, _ = _one_output(lambda c, a, b: less_than(c, a, b, 16), 2)
    for a, b in ((1 << 16, 0), (0, 1 << 16), (R - 1, 5)):
        with pytest.raises(UnsatisfiedConstraint, match="range_check"):
            run(a, b)


def test_unchecked_less_than_costs_n_plus_1_and_misleads_out_of_range():
    run, r1cs, _ = _one_output(lambda c, a, b: unchecked_less_than(c, a, b, 16), 2)
    assert r1cs.n_constraints == 17 + 1 + 1  # bits, sum, output row
    assert run(3, 5) == 1
    # a = r - 1 ("-1") wraps: a + 2^16 - b fits in 17 bits, and the answer is wrong.
    assert run(R - 1, 5) == 1


def test_comparison_bit_count_is_bounded():
    c = Circuit()
    with pytest.raises(InvalidArgument):
        less_than(c, c.private_input("a"), c.private_input("b"), 253)


# -- mux ----------------------------------------------------------------------------------

def test_mux_by_bits_picks_each_value():
    values = [11, 22, 33, 44, 55, 66, 77, 88]
    c = Circuit()
    bits = c.private_inputs("s", 3)
    xs = c.private_inputs("v", 8)
    c.output("o", mux(c, bits, xs))
    r1cs, gen = c.compile()
    for i in range(8):
        witness = gen.generate({"s": [(i >> k) & 1 for k in range(3)], "v": values})
        assert witness[1] == values[i] and r1cs.is_satisfied(witness)
    with pytest.raises(UnsatisfiedConstraint, match="mux"):
        gen.generate({"s": [2, 0, 0], "v": values})


def test_mux_needs_matching_sizes():
    c = Circuit()
    with pytest.raises(InvalidArgument):
        mux(c, c.private_inputs("s", 2), [1, 2, 3])


def test_select_index_picks_and_refuses_out_of_range_index():
    run, _, _ = _one_output(lambda c, i: select_index(c, i, [5, 6, 7]))
    assert [run(0), run(1), run(2)] == [5, 6, 7]
    for bad in (3, R - 1):
        with pytest.raises(UnsatisfiedConstraint, match="select_index"):
            run(bad)


# -- Poseidon -----------------------------------------------------------------------------

CIRCOMLIB_POSEIDON_CONSTRAINTS = {1: 213, 2: 240, 3: 261, 4: 297, 5: 321}


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_poseidon_gadget_matches_zkvote_poseidon(n):
    c = Circuit()
    xs = c.private_inputs("x", n)
    with c.gadget("hash"):
        h = poseidon_gadget(c, xs)
    assert c.n_constraints == CIRCOMLIB_POSEIDON_CONSTRAINTS[n]
    c.output("h", h)
    r1cs, gen = c.compile()
    rng = random.Random(n)
    for values in ([0] * n, [R - 1] * n, [rng.randrange(R) for _ in range(n)]):
        witness = gen.generate({"x": values})
        assert witness[1] == poseidon(values)
        assert r1cs.is_satisfied(witness)


def test_poseidon_gadget_on_constants_costs_nothing():
    c = Circuit()
    assert poseidon_gadget(c, [1, 2]).constant_value() == poseidon([1, 2])
    assert c.n_constraints == 0


def test_poseidon_gadget_refuses_a_wrong_digest():
    c = Circuit()
    xs = c.private_inputs("x", 2)
    c.assert_equal(poseidon_gadget(c, xs), c.public_input("digest"))
    _, gen = c.compile()
    gen.generate({"x": [1, 2], "digest": poseidon([1, 2])})
    with pytest.raises(UnsatisfiedConstraint):
        gen.generate({"x": [1, 2], "digest": poseidon([2, 1])})


def test_poseidon_gadget_input_count_is_bounded():
    c = Circuit()
    with pytest.raises(InvalidArgument):
        poseidon_gadget(c, [])
    with pytest.raises(InvalidArgument):
        poseidon_gadget(c, [0] * 17)


def test_witness_inputs_out_of_field_are_refused():
    run, _, _ = _one_output(is_zero)
    with pytest.raises(FieldRangeError):
        run(R)
