"""The R1CS data model: construction checks and witness checking."""

import pytest

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding, InvalidInput
from zkvote.field import FR_MODULUS
from zkvote.snark.r1cs import R1CS, UnsatisfiedConstraint

R = FR_MODULUS


def _cube() -> R1CS:
    """x^3 + x + 5 == out: wires [1, out, x, x2, x3]."""
    return R1CS(
        n_wires=5,
        n_pub_out=1,
        n_pub_in=0,
        n_prv_in=1,
        n_labels=5,
        constraints=[
            ({2: 1}, {2: 1}, {3: 1}),
            ({3: 1}, {2: 1}, {4: 1}),
            ({4: 1, 2: 1, 0: 5}, {0: 1}, {1: 1}),
        ],
        wire_to_label=[0, 1, 2, 3, 4],
    )


def _witness(x: int) -> list[int]:
    return [1, (x**3 + x + 5) % R, x, x * x % R, x**3 % R]


def test_valid_witness_satisfies():
    r1cs = _cube()
    r1cs.check_witness(_witness(3))
    assert r1cs.is_satisfied(_witness(3))
    assert r1cs.is_satisfied(_witness(R - 1))


def test_counts_and_public_layout():
    r1cs = _cube()
    assert (r1cs.n_public, r1cs.n_constraints) == (1, 3)


@pytest.mark.parametrize(("wire", "failing"), [(1, 2), (3, 0), (4, 1)])
def test_unsatisfied_names_the_first_failing_constraint(wire, failing):
    witness = _witness(3)
    witness[wire] = (witness[wire] + 1) % R
    with pytest.raises(UnsatisfiedConstraint, match=f"constraint {failing}") as info:
        _cube().check_witness(witness)
    assert info.value.index == failing
    assert isinstance(info.value, InvalidInput)
    assert not _cube().is_satisfied(witness)


def test_witness_of_wrong_length_is_refused():
    with pytest.raises(InvalidEncoding):
        _cube().check_witness(_witness(3)[:-1])


def test_witness_constant_wire_must_be_one():
    witness = _witness(3)
    witness[0] = 2
    with pytest.raises(InvalidEncoding):
        _cube().is_satisfied(witness)


def test_witness_value_out_of_range_is_refused():
    witness = _witness(3)
    witness[2] += R
    with pytest.raises(FieldRangeError):
        _cube().check_witness(witness)


def test_witness_value_of_wrong_type_is_refused():
    witness = _witness(3)
    witness[2] = "3"
    with pytest.raises(InvalidEncoding):
        _cube().check_witness(witness)


def _replace(**changes) -> R1CS:
    fields = dict(
        n_wires=5, n_pub_out=1, n_pub_in=0, n_prv_in=1, n_labels=5,
        constraints=[({2: 1}, {2: 1}, {3: 1})], wire_to_label=None,
    )
    fields.update(changes)
    return R1CS(**fields)


def test_construction_accepts_the_plain_fields():
    assert _replace().n_wires == 5


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"prime": R + 2}, InvalidArgument),
        ({"n_wires": 2}, InvalidArgument),
        ({"n_pub_in": -1}, InvalidArgument),
        ({"n_labels": 1.0}, InvalidEncoding),
        ({"constraints": [({5: 1}, {}, {})]}, InvalidEncoding),
        ({"constraints": [({1: R}, {}, {})]}, FieldRangeError),
        ({"constraints": [({1: 0}, {}, {})]}, FieldRangeError),
        ({"constraints": [({1: 1}, {})]}, InvalidEncoding),
        ({"constraints": [([1], {}, {})]}, InvalidEncoding),
        ({"constraints": ({1: 1}, {}, {})}, InvalidEncoding),
        ({"wire_to_label": [0, 1, 2]}, InvalidEncoding),
        ({"wire_to_label": [0, 1, 2, 3, 5]}, InvalidEncoding),
    ],
)
def test_construction_refuses_malformed_systems(changes, error):
    with pytest.raises(error):
        _replace(**changes)
