"""Malformed .r1cs files: each class of defect is refused with a specific error."""

import struct
from pathlib import Path

import pytest

from zkvote.errors import FieldRangeError, InvalidEncoding
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.snark.binfile import build_container
from zkvote.snark.r1cs_file import r1cs_from_bytes, r1cs_to_bytes

R = FR_MODULUS
MULTIPLIER = (
    Path(__file__).parents[1] / "interop/snarkjs/fixtures/multiplier/circuit.r1cs"
).read_bytes()


def _header(n8=32, prime=R, counts=(4, 1, 0, 2, 4, 1)):
    return struct.pack("<I", n8) + prime.to_bytes(n8, "little") + struct.pack("<IIIIQI", *counts)


def _lc(terms):
    return struct.pack("<I", len(terms)) + b"".join(
        struct.pack("<I", wire) + coeff.to_bytes(32, "little") for wire, coeff in terms
    )


def _constraints(a=((2, R - 1),), b=((3, 1),), c=((1, R - 1),)):
    return _lc(a) + _lc(b) + _lc(c)


def _map(labels=(0, 1, 2, 3)):
    return struct.pack(f"<{len(labels)}Q", *labels)


def _file(header=None, constraints=None, labels=None, extra=(), magic=b"r1cs", version=1):
    sections = [
        (2, _constraints() if constraints is None else constraints),
        (1, _header() if header is None else header),
        (3, _map() if labels is None else labels),
        *extra,
    ]
    return build_container(magic, version, sections)


def test_the_hand_built_file_is_the_circom_one():
    # Guards the helpers: every case below differs from a valid file in one defect only.
    assert _file() == MULTIPLIER
    assert r1cs_from_bytes(_file()).n_constraints == 1


def test_wrong_magic():
    with pytest.raises(InvalidEncoding, match="magic"):
        r1cs_from_bytes(_file(magic=b"wtns"))


@pytest.mark.parametrize("version", [0, 2, 0xFFFFFFFF])
def test_wrong_version(version):
    with pytest.raises(InvalidEncoding, match="version"):
        r1cs_from_bytes(_file(version=version))


def test_every_truncation_is_refused():
    for cut in range(len(MULTIPLIER)):
        with pytest.raises(InvalidEncoding):
            r1cs_from_bytes(MULTIPLIER[:cut])


def test_trailing_bytes():
    with pytest.raises(InvalidEncoding, match="after the last section"):
        r1cs_from_bytes(MULTIPLIER + b"\0")


def test_section_size_beyond_the_file():
    data = bytearray(MULTIPLIER)
    struct.pack_into("<Q", data, 16, 1 << 40)
    with pytest.raises(InvalidEncoding, match="truncated"):
        r1cs_from_bytes(bytes(data))


@pytest.mark.parametrize("prime", [FQ_MODULUS, R + 2, 0])
def test_wrong_prime(prime):
    with pytest.raises(InvalidEncoding, match="prime"):
        r1cs_from_bytes(_file(header=_header(prime=prime)))


def test_wrong_field_size():
    with pytest.raises(InvalidEncoding, match="field size"):
        r1cs_from_bytes(_file(header=_header(n8=40, prime=R)))


def test_header_of_wrong_size():
    with pytest.raises(InvalidEncoding, match="header"):
        r1cs_from_bytes(_file(header=_header() + b"\0"))


def test_counts_larger_than_the_wires():
    with pytest.raises(InvalidEncoding, match="nWires"):
        r1cs_from_bytes(_file(header=_header(counts=(3, 1, 0, 2, 4, 1)), labels=_map((0, 1, 2))))


@pytest.mark.parametrize("coeff", [R, R + 1, 2**256 - 1])
def test_coefficient_not_below_r(coeff):
    with pytest.raises(FieldRangeError):
        r1cs_from_bytes(_file(constraints=_constraints(b=((3, coeff),))))


def test_zero_coefficient():
    with pytest.raises(InvalidEncoding, match="zero coefficient"):
        r1cs_from_bytes(_file(constraints=_constraints(c=((1, 0),))))


@pytest.mark.parametrize("wire", [4, 2**32 - 1])
def test_wire_index_out_of_range(wire):
    with pytest.raises(InvalidEncoding, match="nWires"):
        r1cs_from_bytes(_file(constraints=_constraints(a=((wire, 1),))))


def test_repeated_wire_in_one_linear_combination():
    with pytest.raises(InvalidEncoding, match="repeats wire 2"):
        r1cs_from_bytes(_file(constraints=_constraints(a=((2, 1), (2, 3)))))


def test_fewer_constraints_than_the_header_announces():
    with pytest.raises(InvalidEncoding, match="constraint"):
        r1cs_from_bytes(_file(header=_header(counts=(4, 1, 0, 2, 4, 2))))


def test_absurd_constraint_count():
    with pytest.raises(InvalidEncoding, match="too short"):
        r1cs_from_bytes(_file(header=_header(counts=(4, 1, 0, 2, 4, 2**32 - 1))))


def test_more_constraint_bytes_than_constraints():
    with pytest.raises(InvalidEncoding, match="after the last constraint"):
        r1cs_from_bytes(_file(constraints=_constraints() + b"\0\0\0\0"))


def test_term_count_beyond_the_section():
    with pytest.raises(InvalidEncoding, match="truncated"):
        r1cs_from_bytes(_file(constraints=struct.pack("<I", 4) + _constraints()[4:]))


def test_map_of_wrong_size():
    with pytest.raises(InvalidEncoding, match="map"):
        r1cs_from_bytes(_file(labels=_map((0, 1, 2))))


def test_label_not_below_n_labels():
    with pytest.raises(InvalidEncoding, match="nLabels"):
        r1cs_from_bytes(_file(labels=_map((0, 1, 2, 4))))


def test_wire_zero_not_mapped_to_label_zero():
    with pytest.raises(InvalidEncoding, match="label 0"):
        r1cs_from_bytes(_file(labels=_map((1, 0, 2, 3))))


def test_repeated_section():
    with pytest.raises(InvalidEncoding, match="twice"):
        r1cs_from_bytes(_file(extra=[(1, _header())]))


def test_missing_header_section():
    data = build_container(b"r1cs", 1, [(2, _constraints()), (3, _map())])
    with pytest.raises(InvalidEncoding, match="missing section 1"):
        r1cs_from_bytes(data)


def test_missing_constraints_section():
    data = build_container(b"r1cs", 1, [(1, _header()), (3, _map())])
    with pytest.raises(InvalidEncoding, match="missing section 2"):
        r1cs_from_bytes(data)


@pytest.mark.parametrize("kind", [4, 5])
def test_custom_gates_are_refused(kind):
    with pytest.raises(InvalidEncoding, match="custom gates"):
        r1cs_from_bytes(_file(extra=[(kind, struct.pack("<I", 0))]))


def test_unknown_section_is_ignored_as_the_format_requires():
    assert r1cs_from_bytes(_file(extra=[(9, b"anything")])) == r1cs_from_bytes(MULTIPLIER)


@pytest.mark.parametrize("value", ["r1cs", None, 12, [MULTIPLIER]])
def test_not_bytes(value):
    with pytest.raises(InvalidEncoding):
        r1cs_from_bytes(value)


def test_writer_refuses_a_non_r1cs():
    with pytest.raises(InvalidEncoding):
        r1cs_to_bytes({"n_wires": 4})
