"""The circuit builder: wire layout, constraints, witness generation and error reporting."""

import pytest
from zkvote.circuits import Circuit, HintFailed

from zkvote.backend import use_backend
from zkvote.errors import InvalidArgument
from zkvote.field import FR_MODULUS as R
from zkvote.snark.r1cs import R1CS, UnsatisfiedConstraint


def _cubic() -> tuple[R1CS, object]:
    # out = x^3 + x + y, with x private and y public
    c = Circuit()
    x = c.private_input("x")
    y = c.public_input("y")
    c.output("out", c.mul(c.mul(x, x), x) + x + y)
    return c.compile()


def test_wires_follow_circom_order_one_outputs_public_private_internal():
    c = Circuit()
    x = c.private_input("x")
    y = c.public_input("y")
    c.output("out", x * y)
    r1cs, gen = c.compile()
    assert (r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in) == (1, 1, 1)
    assert gen.wire_names[:4] == ["one", "main.out", "main.y", "main.x"]
    assert gen.generate({"x": 3, "y": 5}) == [1, 15, 5, 3]


def test_product_output_becomes_the_output_wire_without_extra_constraint():
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    c.output("p", x * y)
    r1cs, _ = c.compile()
    assert r1cs.n_constraints == 1 and r1cs.n_wires == 4


def test_linear_output_gets_a_wire_and_one_linear_constraint():
    c = Circuit()
    x = c.private_input("x")
    c.output("o", 2 * x + 7)
    r1cs, gen = c.compile()
    assert r1cs.n_constraints == 1
    assert gen.generate({"x": 5}) == [1, 17, 5]


def test_witness_of_cubic_satisfies_the_r1cs():
    r1cs, gen = _cubic()
    witness = gen.generate({"x": 3, "y": R - 1})
    assert witness[1] == (27 + 3 - 1) % R
    assert r1cs.is_satisfied(witness)


def test_linear_operations_cost_no_constraint():
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    z = 3 * x - y + 5 - x * 2 + (-y)
    assert c.n_constraints == 0
    assert z.terms == {1: 1, 2: R - 2, 0: 5}  # x - 2y + 5 over variables x=1, y=2


def test_multiplying_by_a_constant_signal_is_free():
    c = Circuit()
    x = c.private_input("x")
    assert (c.mul(x, c.constant(4))).terms == {1: 4}
    assert c.n_constraints == 0


def test_assert_equal_reports_failing_constraint_and_gadget():
    c = Circuit()
    x = c.private_input("x")
    c.assert_equal(x * x, 9)
    with c.gadget("outer"), c.gadget("inner"):
        c.assert_equal(x, 3)
    _, gen = c.compile()
    assert gen.generate({"x": 3})[1] == 3
    with pytest.raises(UnsatisfiedConstraint) as info:
        gen.generate({"x": R - 3})
    assert info.value.index == 2 and info.value.scope == "outer/inner"
    assert "outer/inner" in str(info.value)


def test_assert_bool_accepts_0_and_1_only():
    c = Circuit()
    b = c.private_input("b")
    c.assert_bool(b)
    c.assert_bool(b)  # already known boolean: no second row
    r1cs, gen = c.compile()
    assert r1cs.n_constraints == 1
    gen.generate({"b": 0})
    gen.generate({"b": 1})
    with pytest.raises(UnsatisfiedConstraint):
        gen.generate({"b": 2})


def test_inverse_and_its_failure_on_zero():
    c = Circuit()
    x = c.private_input("x")
    c.output("inv", c.inverse(x))
    r1cs, gen = c.compile()
    assert r1cs.n_constraints == 1
    assert gen.generate({"x": 2})[1] * 2 % R == 1
    with pytest.raises(UnsatisfiedConstraint, match="inverse"):
        gen.generate({"x": 0})


def test_select_picks_by_boolean_and_refuses_non_boolean():
    c = Circuit()
    b, x, y = c.private_input("b"), c.private_input("x"), c.private_input("y")
    c.output("o", c.select(b, x, y))
    r1cs, gen = c.compile()
    assert r1cs.n_constraints == 3  # assert_bool, product, output
    assert gen.generate({"b": 1, "x": 10, "y": 20})[1] == 10
    assert gen.generate({"b": 0, "x": 10, "y": 20})[1] == 20
    with pytest.raises(UnsatisfiedConstraint, match="assert_bool"):
        gen.generate({"b": 2, "x": 10, "y": 20})


def test_hint_values_are_used_and_pinned_by_caller_constraints():
    c = Circuit()
    x = c.private_input("x")
    (root,) = c.hint(lambda v: 4 if v == 16 else 0, [x])
    c.assert_equal(root * root, x)
    _, gen = c.compile()
    assert gen.generate({"x": 16})[2] == 4
    with pytest.raises(UnsatisfiedConstraint):
        gen.generate({"x": 15})


def test_unconstrained_hint_output_is_refused_at_compile():
    c = Circuit()
    x = c.private_input("x")
    c.hint(lambda v: v + 1, [x])
    with pytest.raises(InvalidArgument, match="not constrained"):
        c.compile()


def test_hint_exception_is_reported_with_its_scope():
    c = Circuit()
    x = c.private_input("x")
    with c.gadget("g"):
        (h,) = c.hint(lambda v: 1 // v, [x])
    c.assert_zero(h)
    _, gen = c.compile()
    with pytest.raises(HintFailed, match="'g'"):
        gen.generate({"x": 0})


def test_hint_returning_wrong_count_is_reported():
    c = Circuit()
    x = c.private_input("x")
    a, b = c.hint(lambda v: [v], [x], 2)
    c.assert_equal(a, b)
    _, gen = c.compile()
    with pytest.raises(HintFailed):
        gen.generate({"x": 1})


def test_constant_constraint_is_decided_at_build_time():
    c = Circuit()
    c.assert_equal(c.constant(2) * 3, 6)
    assert c.n_constraints == 0
    with pytest.raises(InvalidArgument, match="never hold"):
        c.assert_equal(c.constant(1), 2)


def test_array_inputs_are_given_as_lists():
    c = Circuit()
    xs = c.private_inputs("xs", 3)
    c.output("s", xs[0] * xs[1] + xs[2])
    _, gen = c.compile()
    assert gen.generate({"xs": [2, 3, 4]})[1] == 10
    assert gen.input_names == ["xs"]


def test_constraint_report_counts_nested_gadgets():
    c = Circuit()
    x = c.private_input("x")
    with c.gadget("a"):
        x = x * x
        with c.gadget("b"):
            x = x * x
    x * x
    assert c.constraint_report() == {"": 3, "a": 2, "a/b": 1}


def test_compiled_circuit_is_frozen():
    c = Circuit()
    x = c.private_input("x")
    c.output("o", x * x)
    c.compile()
    with pytest.raises(InvalidArgument, match="compiled"):
        c.mul(x, x)


def _checked_circuit():
    # x^3 + x + y with a hint (the square root of x^2, pinned by a product) and a check
    c = Circuit()
    x = c.private_input("x")
    y = c.public_input("y")
    with c.gadget("square"):
        xx = c.mul(x, x)
        (root,) = c.hint(lambda v: v, [x])
        c.assert_product(root, root, xx)
    with c.gadget("bound"):
        c.assert_bool(y)
    c.output("out", c.mul(xx, x) + x + y)
    return c.compile()


@pytest.mark.parametrize("inputs", [{"x": 3, "y": 1}, {"x": R - 2, "y": 0}, {"x": 0, "y": 1}])
def test_native_and_reference_witness_generators_agree(inputs):
    r1cs, gen = _checked_circuit()
    ours = gen.generate(inputs)
    with use_backend("reference"):
        assert gen.generate(inputs) == ours
    assert r1cs.is_satisfied(ours)


def test_native_and_reference_witness_generators_name_the_same_failing_constraint():
    _, gen = _checked_circuit()
    errors = []
    for backend in ("native", "reference"):
        with use_backend(backend), pytest.raises(UnsatisfiedConstraint) as info:
            gen.generate({"x": 3, "y": 2})
        errors.append((info.value.index, str(info.value), info.value.scope))
    assert errors[0] == errors[1]
    assert errors[0][2] == "bound"


def test_hint_returning_a_non_int_is_reported():
    c = Circuit()
    x = c.private_input("x")
    (h,) = c.hint(lambda v: "one", [x])
    c.assert_zero(h)
    _, gen = c.compile()
    with pytest.raises(HintFailed, match="non-int"):
        gen.generate({"x": 1})


def test_hint_outputs_are_read_modulo_r():
    c = Circuit()
    x = c.private_input("x")
    (h,) = c.hint(lambda v: v + R, [x])
    c.assert_equal(h, x)
    _, gen = c.compile()
    assert gen.generate({"x": 5})[-1] == 5


def test_compiled_ops_and_constraints_share_their_linear_combinations():
    # A product's operands are evaluated once for the op and its check (one table row each).
    r1cs, gen = _cubic()
    muls = [op for op in gen._ops if op[0] == "mul"]
    a, b, _ = r1cs.constraints[0]
    assert muls[0][2] is a and muls[0][3] is b
