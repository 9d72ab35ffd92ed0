"""Our Groth16 verifier and JSON codecs against files made by snarkjs 0.7 (fixtures made by
tests/interop/snarkjs/generate.sh): snarkjs proofs verify, tampered ones do not, malformed
ones raise typed errors, and re-encoding reproduces snarkjs's bytes."""

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidPoint, NotInSubgroup
from zkvote.field import FQ_MODULUS as P
from zkvote.field import FR_MODULUS as R
from zkvote.snark.keys import prepare_verifying_key
from zkvote.snark.prover import prove_from_row_values
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.snarkjs_json import (
    proof_from_json,
    proof_to_json,
    public_from_json,
    public_to_json,
    verifying_key_from_json,
    verifying_key_to_json,
)
from zkvote.snark.verifier import batch_verify, find_invalid, verify
from zkvote.snark.wtns_file import read_wtns
from zkvote.snark.zkey_file import read_zkey, write_zkey, zkey_from_proving_key
from zkvote.snark.zkey_prover import prove_zkey, public_signals, row_values

FIXTURES = Path(__file__).parent / "snarkjs" / "fixtures"
CIRCUITS = sorted(p.name for p in FIXTURES.iterdir() if (p / "verification_key.json").exists())
# Sets whose zkey is committed (api_semaphore's is too big and is only described by its sha256).
ZKEY_CIRCUITS = [c for c in CIRCUITS if (FIXTURES / c / "circuit_final.zkey").exists()]
OUTSIDE_G2 = [
    ["5", "1"],
    ["1408319067812452414633879940013592055621582375252427422757364816067320890688",
     "16043447076329872375887584556683436513165016484529127304231559706947902103147"],
    ["1", "0"],
]


def _text(circuit: str, name: str) -> str:
    return (FIXTURES / circuit / name).read_text()


@pytest.fixture(params=CIRCUITS)
def case(request):
    circuit = request.param
    vk = verifying_key_from_json(_text(circuit, "verification_key.json"))
    return (circuit, prepare_verifying_key(vk), public_from_json(_text(circuit, "public.json")),
            proof_from_json(_text(circuit, "proof.json")))


def test_fixtures_are_present():
    assert "multiplier" in CIRCUITS


def test_snarkjs_proof_verifies(case):
    _, pvk, public, proof = case
    assert verify(pvk, public, proof)
    assert batch_verify(pvk, [(public, proof)] * 3)


@pytest.mark.parametrize("name", ["verification_key.json", "proof.json", "public.json"])
def test_reencoding_reproduces_snarkjs_bytes(case, name):
    circuit = case[0]
    text = _text(circuit, name)
    encode = {
        "verification_key.json": lambda t: verifying_key_to_json(verifying_key_from_json(t)),
        "proof.json": lambda t: proof_to_json(proof_from_json(t)),
        "public.json": lambda t: public_to_json(public_from_json(t)),
    }[name]
    assert encode(text) == text


def test_tampered_files_from_the_generator_do_not_verify(case):
    circuit, pvk, public, proof = case
    if (FIXTURES / circuit / "proof_tampered.json").exists():
        tampered = proof_from_json(_text(circuit, "proof_tampered.json"))
        assert not verify(pvk, public, tampered)
        assert find_invalid(pvk, [(public, proof), (public, tampered)]) == [1]
    if (FIXTURES / circuit / "public_tampered.json").exists():
        assert not verify(pvk, public_from_json(_text(circuit, "public_tampered.json")), proof)


def test_changed_public_input_does_not_verify(case):
    _, pvk, public, proof = case
    for i in range(len(public)):
        changed = list(public)
        changed[i] = (changed[i] + 1) % R
        assert not verify(pvk, changed, proof)


@pytest.mark.parametrize("part", ["pi_a", "pi_c"])
def test_changed_g1_coordinate_does_not_verify(case, part):
    circuit, pvk, public, _ = case
    doc = json.loads(_text(circuit, "proof.json"))
    doc[part][1] = str(P - int(doc[part][1]))  # -A (still on the curve)
    assert not verify(pvk, public, proof_from_json(doc))


def test_changed_g2_coordinate_does_not_verify(case):
    circuit, pvk, public, _ = case
    doc = json.loads(_text(circuit, "proof.json"))
    doc["pi_b"][1] = [str(P - int(c)) for c in doc["pi_b"][1]]  # -B
    assert not verify(pvk, public, proof_from_json(doc))


def test_point_off_the_curve_is_rejected(case):
    circuit = case[0]
    doc = json.loads(_text(circuit, "proof.json"))
    doc["pi_c"][0] = str((int(doc["pi_c"][0]) + 1) % P)
    with pytest.raises(InvalidPoint):
        proof_from_json(doc)


def test_g2_point_outside_the_subgroup_is_rejected(case):
    circuit = case[0]
    doc = json.loads(_text(circuit, "proof.json"))
    doc["pi_b"] = OUTSIDE_G2
    with pytest.raises(NotInSubgroup):
        proof_from_json(doc)


def test_public_input_not_below_r_is_rejected(case):
    circuit, pvk, public, proof = case
    doc = json.loads(_text(circuit, "public.json"))
    doc[0] = str(int(doc[0]) + R)  # same value mod r: must not be accepted as an alias
    with pytest.raises(FieldRangeError):
        public_from_json(doc)
    with pytest.raises(FieldRangeError):
        verify(pvk, [public[0] + R, *public[1:]], proof)


def test_wrong_number_of_public_inputs_is_rejected(case):
    _, pvk, public, proof = case
    with pytest.raises(InvalidArgument):
        verify(pvk, [*public, 0], proof)
    with pytest.raises(InvalidArgument):
        verify(pvk, public[:-1], proof)


# ---- proving from snarkjs's own .zkey and .wtns (zkvote.snark.zkey_file / zkey_prover)


@pytest.mark.parametrize("circuit", ZKEY_CIRCUITS)
def test_our_prover_proves_from_the_snarkjs_zkey_and_witness(circuit):
    pvk = prepare_verifying_key(verifying_key_from_json(_text(circuit, "verification_key.json")))
    public = public_from_json(_text(circuit, "public.json"))
    folder = FIXTURES / circuit
    zkey = read_zkey(folder / "circuit_final.zkey")
    assert zkey.proving_key.vk == pvk.vk  # the zkey's key is the exported verification_key
    witness = read_wtns(folder / "witness.wtns")
    assert public_signals(zkey, witness) == public
    proof = prove_zkey(zkey, witness, rng=random.Random(5))
    assert verify(pvk, public, proof)
    assert not verify(pvk, [(public[0] + 1) % R, *public[1:]], proof)
    # The same proof through prove_from_row_values directly (what prove_zkey wraps).
    rows = row_values(zkey, witness)
    again = prove_from_row_values(zkey.proving_key, witness, *rows, rng=random.Random(5))
    assert again == proof


@pytest.mark.parametrize("circuit", ZKEY_CIRCUITS)
def test_exported_verification_key_is_snarkjs_file_byte_for_byte(circuit):
    folder = FIXTURES / circuit
    vk = read_zkey(folder / "circuit_final.zkey").proving_key.vk
    assert verifying_key_to_json(vk) == _text(circuit, "verification_key.json")


# ---- snarkjs proves with a zkey written by us (live: needs Node and the generator's packages)

SNARKJS_CLI = Path(os.environ.get("ZKVOTE_SNARKJS_DIR", "/tmp/zkv-snark")) / "node_modules" \
    / "snarkjs" / "build" / "cli.cjs"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None or not SNARKJS_CLI.exists(),
                    reason="node or snarkjs (ZKVOTE_SNARKJS_DIR) is not installed")
def test_snarkjs_proves_with_a_zkey_from_our_setup(tmp_path):
    folder = FIXTURES / "poseidon2"
    r1cs = read_r1cs(folder / "circuit.r1cs")
    pk = insecure_single_party_setup(r1cs, rng=random.Random(9))
    write_zkey(zkey_from_proving_key(pk, r1cs), tmp_path / "ours.zkey")
    (tmp_path / "vk.json").write_text(verifying_key_to_json(pk.vk))

    def snarkjs(*args):
        return subprocess.run(["node", str(SNARKJS_CLI), *map(str, args)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    proved = snarkjs("groth16", "prove", "ours.zkey", folder / "witness.wtns", "proof.json",
                     "public.json")
    assert proved.returncode == 0, proved.stdout + proved.stderr
    public = public_from_json((tmp_path / "public.json").read_text())
    assert verify(pk.vk, public, proof_from_json((tmp_path / "proof.json").read_text()))
    checked = snarkjs("groth16", "verify", "vk.json", "public.json", "proof.json")
    assert checked.returncode == 0 and "OK!" in checked.stdout
