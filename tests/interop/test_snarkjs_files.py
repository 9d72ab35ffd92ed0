"""Our .r1cs/.wtns readers on files made by circom2 and snarkjs, and snarkjs on files made by our
writers (the "cube" set), through tests/interop/snarkjs/generate.sh. The fixtures and snarkjs's
verdicts are committed, so no Node is needed."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

from zkvote.field import FR_MODULUS
from zkvote.snark.r1cs import UnsatisfiedConstraint
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.wtns_file import read_wtns

HERE = Path(__file__).parent / "snarkjs"
FIXTURES = HERE / "fixtures"
CIRCUITS = ["multiplier", "poseidon2", "cube"]


def _snarkjs_info(circuit: str) -> dict[str, int]:
    text = (FIXTURES / circuit / "r1cs_info.txt").read_text()
    return {name: int(n) for name, n in re.findall(r"# of ([A-Za-z ]+): (\d+)", text)}


def test_fixture_set_is_complete_and_small():
    names = {
        "circuit.r1cs", "witness.wtns", "circuit_final.zkey", "verification_key.json",
        "proof.json", "public.json", "r1cs_info.txt",
    }
    total = 0
    for circuit in CIRCUITS:
        files = {p.name: p.stat().st_size for p in (FIXTURES / circuit).iterdir()}
        assert names <= files.keys()
        total += sum(files.values())
    assert total < 3_000_000


def test_fixtures_name_the_pinned_tool_versions():
    pins = json.loads((HERE / "package.json").read_text())["dependencies"]
    for circuit in CIRCUITS:
        manifest = json.loads((FIXTURES / circuit / "manifest.json").read_text())
        assert manifest["tools"] == pins


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_counts_match_snarkjs_r1cs_info(circuit):
    info = _snarkjs_info(circuit)
    r1cs = read_r1cs(FIXTURES / circuit / "circuit.r1cs")
    assert r1cs.n_wires == info["Wires"]
    assert r1cs.n_constraints == info["Constraints"]
    assert r1cs.n_prv_in == info["Private Inputs"]
    assert r1cs.n_pub_in == info["Public Inputs"]
    assert r1cs.n_pub_out == info["Outputs"]
    assert r1cs.n_labels == info["Labels"]


def test_poseidon_circuit_has_a_few_hundred_constraints():
    assert 200 < _snarkjs_info("poseidon2")["Constraints"] < 1000


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_snarkjs_witness_satisfies_the_circom_r1cs(circuit):
    assert "WITNESS IS CORRECT" in (FIXTURES / circuit / "wtns_check.txt").read_text()
    r1cs = read_r1cs(FIXTURES / circuit / "circuit.r1cs")
    witness = read_wtns(FIXTURES / circuit / "witness.wtns")
    r1cs.check_witness(witness)
    assert r1cs.is_satisfied(witness)


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_public_values_are_the_wires_after_the_constant(circuit):
    r1cs = read_r1cs(FIXTURES / circuit / "circuit.r1cs")
    witness = read_wtns(FIXTURES / circuit / "witness.wtns")
    public = [int(v) for v in json.loads((FIXTURES / circuit / "public.json").read_text())]
    assert public == witness[1 : 1 + r1cs.n_public]


def test_multiplier_witness_is_the_input_and_product():
    witness = read_wtns(FIXTURES / "multiplier" / "witness.wtns")
    assert witness == [1, 33, 3, 11]


@pytest.mark.parametrize("circuit", CIRCUITS)
@pytest.mark.parametrize("which", ["first input", "last wire"])
def test_modified_witness_fails_at_the_first_constraint_using_the_wire(circuit, which):
    r1cs = read_r1cs(FIXTURES / circuit / "circuit.r1cs")
    witness = read_wtns(FIXTURES / circuit / "witness.wtns")
    wire = 1 + r1cs.n_public if which == "first input" else r1cs.n_wires - 1
    first_use = next(i for i, c in enumerate(r1cs.constraints) if any(wire in lc for lc in c))
    witness[wire] = (witness[wire] + 1) % FR_MODULUS
    with pytest.raises(UnsatisfiedConstraint, match=f"constraint {first_use} ") as info:
        r1cs.check_witness(witness)
    assert info.value.index == first_use


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_snarkjs_verdicts_are_recorded(circuit):
    # generate.sh ran `snarkjs groth16 verify` on the proof and on the tampered variants.
    folder = FIXTURES / circuit
    assert "OK!" in (folder / "verify.txt").read_text()
    for bad in ("verify_public_tampered.txt", "verify_proof_tampered.txt"):
        assert "Invalid proof" in (folder / bad).read_text()


def test_cube_files_are_what_our_writers_produce(tmp_path):
    spec = importlib.util.spec_from_file_location("write_cube", HERE / "write_cube.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("circuit.r1cs", "witness.wtns"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / "cube" / name).read_bytes()


def test_snarkjs_accepted_the_witness_and_proof_of_our_files():
    folder = FIXTURES / "cube"
    assert "WITNESS IS CORRECT" in (folder / "wtns_check.txt").read_text()
    assert "ZKey Ok!" in (folder / "zkey_verify.txt").read_text()
    assert "OK!" in (folder / "verify.txt").read_text()
