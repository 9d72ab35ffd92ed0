"""Bad input to the circuit builder and the witness generator: one test per class."""

import pytest
from zkvote.circuits import Circuit

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS as R


def _generator():
    c = Circuit()
    x = c.private_input("x")
    ys = c.public_inputs("ys", 2)
    c.output("o", x * ys[0] + ys[1])
    return c.compile()[1]


def test_witness_value_not_below_r_is_refused():
    with pytest.raises(FieldRangeError):
        _generator().generate({"x": R, "ys": [1, 2]})
    with pytest.raises(FieldRangeError):
        _generator().generate({"x": 1, "ys": [1, -1]})


@pytest.mark.parametrize("value", ["1", 1.0, True, None, b"\x01"])
def test_witness_value_of_wrong_type_is_refused(value):
    with pytest.raises(InvalidEncoding):
        _generator().generate({"x": value, "ys": [1, 2]})


def test_missing_input_is_refused():
    with pytest.raises(InvalidArgument, match="missing"):
        _generator().generate({"x": 1})


def test_unknown_input_is_refused():
    with pytest.raises(InvalidArgument, match="unknown"):
        _generator().generate({"x": 1, "ys": [1, 2], "z": 3})


def test_array_input_of_wrong_length_or_type_is_refused():
    with pytest.raises(InvalidArgument):
        _generator().generate({"x": 1, "ys": [1, 2, 3]})
    with pytest.raises(InvalidEncoding):
        _generator().generate({"x": 1, "ys": 5})
    with pytest.raises(InvalidEncoding):
        _generator().generate({"x": [1], "ys": [1, 2]})


def test_inputs_that_are_not_a_mapping_are_refused():
    with pytest.raises(InvalidEncoding):
        _generator().generate([("x", 1), ("ys", [1, 2])])


def test_signals_of_another_circuit_cannot_be_mixed():
    a, b = Circuit(), Circuit()
    x, y = a.private_input("x"), b.private_input("y")
    with pytest.raises(InvalidArgument):
        x + y
    with pytest.raises(InvalidArgument):
        a.mul(x, y)


@pytest.mark.parametrize("operand", [1.5, "2", None, True])
def test_non_int_constants_are_refused(operand):
    c = Circuit()
    x = c.private_input("x")
    with pytest.raises(InvalidEncoding):
        x + operand


def test_duplicate_or_empty_names_are_refused():
    c = Circuit()
    c.private_input("x")
    with pytest.raises(InvalidArgument):
        c.public_input("x")
    with pytest.raises(InvalidArgument):
        c.private_input("")
    c.output("o", 1)
    with pytest.raises(InvalidArgument):
        c.output("o", 2)
    with pytest.raises(InvalidArgument), c.gadget("a/b"):
        pass


def test_bad_hints_are_refused_at_build_time():
    c = Circuit()
    x = c.private_input("x")
    with pytest.raises(InvalidArgument):
        c.hint(42, [x])
    with pytest.raises(InvalidArgument):
        c.hint(lambda v: v, [x], 0)


def test_inverse_of_constant_zero_is_refused_at_build_time():
    with pytest.raises(InvalidArgument):
        Circuit().inverse(0)
