"""Reading and writing .wtns files: round trips, layout, agreement with snarkjs's JSON export."""

import json
import struct
from pathlib import Path

import pytest

from zkvote.field import FR_MODULUS
from zkvote.snark.wtns_file import read_wtns, write_wtns, wtns_from_bytes, wtns_to_bytes

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
CIRCUITS = ["multiplier", "poseidon2"]


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_snarkjs_file_round_trips_byte_for_byte(circuit):
    data = (FIXTURES / circuit / "witness.wtns").read_bytes()
    assert wtns_to_bytes(wtns_from_bytes(data)) == data


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_values_match_snarkjs_json_export(circuit):
    exported = [int(v) for v in json.loads((FIXTURES / circuit / "witness.json").read_text())]
    assert read_wtns(FIXTURES / circuit / "witness.wtns") == exported


def test_written_file_has_the_documented_layout():
    witness = [1, 33, FR_MODULUS - 1]
    data = wtns_to_bytes(witness)
    assert data[:12] == b"wtns" + struct.pack("<II", 2, 2)
    assert struct.unpack_from("<IQI", data, 12) == (1, 40, 32)
    assert data[28:60] == FR_MODULUS.to_bytes(32, "little")
    assert struct.unpack_from("<I", data, 60)[0] == 3
    assert struct.unpack_from("<IQ", data, 64) == (2, 96)
    assert data[76:] == b"".join(v.to_bytes(32, "little") for v in witness)


def test_write_then_read_gives_the_same_witness(tmp_path):
    witness = [1, 0, 2, FR_MODULUS - 1]
    write_wtns(witness, tmp_path / "w.wtns")
    assert read_wtns(tmp_path / "w.wtns") == witness
