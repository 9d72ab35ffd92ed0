"""The two interop directions recorded by tests/interop/snarkjs/generate.sh, checked without
Node:

* snarkjs accepts our proofs: the generator ran ``zkvote groth16 prove`` on each set's .zkey
  and .wtns and ``snarkjs groth16 verify`` on the result; its verdict is recorded;
* a circuit built with our circuit API (the "api_semaphore" set: zkvote.circuits.semaphore at
  depth 2) was exported with our .r1cs/.wtns writers, set up and proven by snarkjs, and the
  proof verifies with our verifier. Its .r1cs and .zkey are not committed (too big); the
  manifest records their sha256, and rebuilding the circuit must give the same .r1cs.
"""

import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

from zkvote.field import FR_MODULUS as R
from zkvote.snark.keys import prepare_verifying_key
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.snarkjs_json import proof_from_json, public_from_json, verifying_key_from_json
from zkvote.snark.verifier import verify
from zkvote.snark.wtns_file import read_wtns

HERE = Path(__file__).parent / "snarkjs"
FIXTURES = HERE / "fixtures"
SETS = ["multiplier", "poseidon2", "cube", "api_semaphore"]
API = FIXTURES / "api_semaphore"


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text()


def _vk(folder: Path):
    return prepare_verifying_key(verifying_key_from_json(_read(folder, "verification_key.json")))


@pytest.mark.parametrize("name", SETS)
def test_snarkjs_accepted_our_proof_and_so_do_we(name):
    folder = FIXTURES / name
    assert "OK!" in _read(folder, "snarkjs_verify_our_proof.txt")
    assert "Invalid" not in _read(folder, "snarkjs_verify_our_proof.txt")
    public = public_from_json(_read(folder, "our_public.json"))
    # Same statement as snarkjs's own proof of this witness, but a different proof.
    assert public == public_from_json(_read(folder, "public.json"))
    ours = proof_from_json(_read(folder, "our_proof.json"))
    assert ours != proof_from_json(_read(folder, "proof.json"))
    pvk = _vk(folder)
    assert verify(pvk, public, ours)
    assert not verify(pvk, [(public[0] + 1) % R, *public[1:]], ours)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The api_semaphore .r1cs and .wtns written again by write_api_semaphore.py."""
    spec = importlib.util.spec_from_file_location("write_api_semaphore",
                                                  HERE / "write_api_semaphore.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("api_semaphore")
    module.main(out)
    return out


def test_api_circuit_rebuilds_to_the_r1cs_snarkjs_set_up(rebuilt):
    manifest = json.loads(_read(API, "manifest.json"))
    digest = hashlib.sha256((rebuilt / "circuit.r1cs").read_bytes()).hexdigest()
    assert digest == manifest["not_committed"]["circuit.r1cs"]["sha256"], (
        "the circuit API now builds a different R1CS for the Semaphore circuit: regenerate "
        "the set with TARGETS=api_semaphore tests/interop/snarkjs/generate.sh")
    assert (rebuilt / "witness.wtns").read_bytes() == (API / "witness.wtns").read_bytes()
    assert _read(rebuilt, "expected.json") == _read(API, "expected.json")


def test_snarkjs_reads_our_api_circuit_with_our_counts(rebuilt):
    r1cs = read_r1cs(rebuilt / "circuit.r1cs")
    info = {k: int(v) for k, v in re.findall(r"# of ([A-Za-z ]+): (\d+)",
                                             _read(API, "r1cs_info.txt"))}
    assert (info["Wires"], info["Constraints"]) == (r1cs.n_wires, r1cs.n_constraints)
    assert (info["Outputs"], info["Public Inputs"], info["Private Inputs"]) == (2, 2, 5)
    assert r1cs.n_constraints == json.loads(_read(API, "expected.json"))["constraints"]
    assert "WITNESS IS CORRECT" in _read(API, "wtns_check.txt")
    assert "ZKey Ok!" in _read(API, "zkey_verify.txt")
    r1cs.check_witness(read_wtns(API / "witness.wtns"))


def test_snarkjs_proof_of_our_api_circuit_verifies_with_our_verifier():
    public = public_from_json(_read(API, "public.json"))
    expected = json.loads(_read(API, "expected.json"))["public"]
    assert public == [int(expected[k]) for k in ("merkleRoot", "nullifier", "message", "scope")]
    assert read_wtns(API / "witness.wtns")[1:5] == public
    assert "OK!" in _read(API, "verify.txt")
    pvk = _vk(API)
    assert verify(pvk, public, proof_from_json(_read(API, "proof.json")))
    # snarkjs and we agree on the tampered variants too.
    assert "Invalid proof" in _read(API, "verify_public_tampered.txt")
    assert "Invalid proof" in _read(API, "verify_proof_tampered.txt")
    assert not verify(pvk, public_from_json(_read(API, "public_tampered.json")),
                      proof_from_json(_read(API, "proof.json")))
    assert not verify(pvk, public, proof_from_json(_read(API, "proof_tampered.json")))


def test_api_fixture_set_is_small():
    assert sum(p.stat().st_size for p in API.iterdir()) < 1_000_000
