"""Reading and writing .r1cs files: round trips, layout, agreement with snarkjs's JSON export."""

import json
import struct
from pathlib import Path

import pytest

from zkvote.field import FR_MODULUS
from zkvote.snark.r1cs import R1CS
from zkvote.snark.r1cs_file import r1cs_from_bytes, r1cs_to_bytes, read_r1cs, write_r1cs

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
CIRCUITS = ["multiplier", "poseidon2"]


def _small() -> R1CS:
    return R1CS(
        n_wires=4, n_pub_out=1, n_pub_in=1, n_prv_in=1, n_labels=6,
        constraints=[({2: 5, 0: FR_MODULUS - 1}, {3: 1}, {1: 7}), ({}, {}, {})],
        wire_to_label=[0, 1, 2, 5],
    )


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_circom_file_round_trips_byte_for_byte(circuit):
    data = (FIXTURES / circuit / "circuit.r1cs").read_bytes()
    assert r1cs_to_bytes(r1cs_from_bytes(data)) == data


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_parsed_constraints_match_snarkjs_json_export(circuit):
    exported = json.loads((FIXTURES / circuit / "circuit.json").read_text())
    r1cs = read_r1cs(FIXTURES / circuit / "circuit.r1cs")
    assert r1cs.n_wires == exported["nVars"]
    assert (r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in) == (
        exported["nOutputs"], exported["nPubInputs"], exported["nPrvInputs"],
    )
    assert r1cs.n_labels == exported["nLabels"]
    assert r1cs.wire_to_label == exported["map"]
    expected = [
        tuple({int(w): int(c) for w, c in lc.items()} for lc in constraint)
        for constraint in exported["constraints"]
    ]
    assert r1cs.constraints == expected


def test_written_file_has_the_documented_layout():
    data = r1cs_to_bytes(_small())
    assert data[:12] == b"r1cs" + struct.pack("<II", 1, 3)
    # Sections in circom's order: constraints, header, map.
    kind, size = struct.unpack_from("<IQ", data, 12)
    assert kind == 2
    # Constraint 0: A has 2 terms (in dict order), B 1, C 1; constraint 1: three empty LCs.
    assert size == (4 + 2 * 36) + 2 * (4 + 36) + 3 * 4
    assert struct.unpack_from("<II", data, 24) == (2, 2)
    assert data[32:64] == (5).to_bytes(32, "little")
    header_at = 24 + size
    assert struct.unpack_from("<IQ", data, header_at) == (1, 64)
    header = data[header_at + 12 : header_at + 76]
    assert struct.unpack_from("<I", header)[0] == 32
    assert header[4:36] == FR_MODULUS.to_bytes(32, "little")
    assert struct.unpack_from("<IIIIQI", header, 36) == (4, 1, 1, 1, 6, 2)
    map_at = header_at + 76
    assert struct.unpack_from("<IQ", data, map_at) == (3, 32)
    assert struct.unpack_from("<4Q", data, map_at + 12) == (0, 1, 2, 5)
    assert len(data) == map_at + 12 + 32


def test_write_then_read_gives_the_same_system(tmp_path):
    path = tmp_path / "small.r1cs"
    write_r1cs(_small(), path)
    assert read_r1cs(path) == _small()


def test_term_order_is_preserved():
    back = r1cs_from_bytes(r1cs_to_bytes(_small()))
    assert list(back.constraints[0][0]) == [2, 0]


def test_system_without_map_omits_the_section():
    r1cs = R1CS(2, 1, 0, 0, 2, [({0: 1}, {0: 1}, {1: 1})])
    data = r1cs_to_bytes(r1cs)
    assert struct.unpack_from("<I", data, 8)[0] == 2
    back = r1cs_from_bytes(data)
    assert back.wire_to_label is None
    assert back == r1cs
