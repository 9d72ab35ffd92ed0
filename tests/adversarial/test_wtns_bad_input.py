"""Malformed .wtns files and witnesses: each class of defect is refused with a specific error."""

import struct
from pathlib import Path

import pytest

from zkvote.errors import FieldRangeError, InvalidEncoding
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.snark.binfile import build_container
from zkvote.snark.wtns_file import wtns_from_bytes, wtns_to_bytes

R = FR_MODULUS
MULTIPLIER = (
    Path(__file__).parents[1] / "interop/snarkjs/fixtures/multiplier/witness.wtns"
).read_bytes()
VALUES = (1, 33, 3, 11)


def _file(values=VALUES, n_witness=None, n8=32, prime=R, magic=b"wtns", version=2, extra=()):
    n_witness = len(values) if n_witness is None else n_witness
    header = struct.pack("<I", n8) + prime.to_bytes(n8, "little") + struct.pack("<I", n_witness)
    body = b"".join(v.to_bytes(32, "little") for v in values)
    return build_container(magic, version, [(1, header), (2, body), *extra])


def test_the_hand_built_file_is_the_snarkjs_one():
    assert _file() == MULTIPLIER


def test_wrong_magic():
    with pytest.raises(InvalidEncoding, match="magic"):
        wtns_from_bytes(_file(magic=b"r1cs"))


@pytest.mark.parametrize("version", [1, 3])
def test_wrong_version(version):
    with pytest.raises(InvalidEncoding, match="version"):
        wtns_from_bytes(_file(version=version))


def test_every_truncation_is_refused():
    for cut in range(len(MULTIPLIER)):
        with pytest.raises(InvalidEncoding):
            wtns_from_bytes(MULTIPLIER[:cut])


def test_trailing_bytes():
    with pytest.raises(InvalidEncoding, match="after the last section"):
        wtns_from_bytes(MULTIPLIER + b"\0")


@pytest.mark.parametrize("prime", [FQ_MODULUS, R - 2])
def test_wrong_prime(prime):
    with pytest.raises(InvalidEncoding, match="prime"):
        wtns_from_bytes(_file(prime=prime))


def test_wrong_field_size():
    with pytest.raises(InvalidEncoding, match="field size"):
        wtns_from_bytes(_file(n8=40))


@pytest.mark.parametrize("n_witness", [0, 3, 5, 2**32 - 1])
def test_n_witness_mismatch(n_witness):
    with pytest.raises(InvalidEncoding, match="nWitness"):
        wtns_from_bytes(_file(n_witness=n_witness))


@pytest.mark.parametrize("value", [R, 2**256 - 1])
def test_value_not_below_r(value):
    with pytest.raises(FieldRangeError):
        wtns_from_bytes(_file(values=(1, value, 3, 11)))


def test_constant_wire_not_one():
    with pytest.raises(InvalidEncoding, match="must be 1"):
        wtns_from_bytes(_file(values=(2, 33, 3, 11)))


def test_repeated_section():
    with pytest.raises(InvalidEncoding, match="twice"):
        wtns_from_bytes(_file(extra=[(2, b"")]))


def test_missing_witness_section():
    header = struct.pack("<I", 32) + R.to_bytes(32, "little") + struct.pack("<I", 0)
    with pytest.raises(InvalidEncoding, match="missing section 2"):
        wtns_from_bytes(build_container(b"wtns", 2, [(1, header)]))


@pytest.mark.parametrize("value", ["wtns", None, [1, 2]])
def test_not_bytes(value):
    with pytest.raises(InvalidEncoding):
        wtns_from_bytes(value)


@pytest.mark.parametrize(
    ("witness", "error"),
    [
        ([], InvalidEncoding),
        ("1", InvalidEncoding),
        ([2, 3], InvalidEncoding),
        ([1, -1], FieldRangeError),
        ([1, R], FieldRangeError),
        ([1, 2.0], InvalidEncoding),
        ([True, 2], InvalidEncoding),
    ],
)
def test_writer_refuses_bad_witnesses(witness, error):
    with pytest.raises(error):
        wtns_to_bytes(witness)
