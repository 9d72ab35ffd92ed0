"""snarkjs .zkey files: reading the fixtures made by snarkjs 0.7 (tests/interop/snarkjs),
writing them back byte for byte, and proving from them (zkvote.snark.zkey_prover)."""

import json
import random
import re
from pathlib import Path

import pytest

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS as R
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.snarkjs_json import public_from_json, verifying_key_from_json
from zkvote.snark.verifier import verify
from zkvote.snark.wtns_file import read_wtns
from zkvote.snark.zkey_file import (
    Zkey,
    read_zkey,
    write_zkey,
    zkey_from_bytes,
    zkey_from_proving_key,
    zkey_to_bytes,
)
from zkvote.snark.zkey_prover import (
    WitnessRejected,
    prove_zkey,
    public_signals,
    row_values,
)

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
CIRCUITS = sorted(p.name for p in FIXTURES.iterdir() if (p / "circuit_final.zkey").exists())


@pytest.fixture(scope="module", params=CIRCUITS)
def fixture(request):
    folder = FIXTURES / request.param
    return folder, read_zkey(folder / "circuit_final.zkey"), read_wtns(folder / "witness.wtns")


def test_the_fixtures_are_present():
    assert {"multiplier", "poseidon2", "cube"} <= set(CIRCUITS)


def test_writing_reproduces_snarkjs_bytes(fixture):
    folder, zkey, _ = fixture
    assert zkey_to_bytes(zkey) == (folder / "circuit_final.zkey").read_bytes()


def test_write_zkey_then_read_zkey_gives_the_same_file(fixture, tmp_path):
    folder, zkey, _ = fixture
    write_zkey(zkey, tmp_path / "copy.zkey")
    assert (tmp_path / "copy.zkey").read_bytes() == (folder / "circuit_final.zkey").read_bytes()
    assert zkey_to_bytes(read_zkey(tmp_path / "copy.zkey")) == zkey_to_bytes(zkey)


def test_the_verifying_key_is_the_one_snarkjs_exported(fixture):
    folder, zkey, _ = fixture
    vk = verifying_key_from_json((folder / "verification_key.json").read_text())
    assert zkey.proving_key.vk == vk
    assert zkey.n_public == vk.n_public


def test_counts_agree_with_the_r1cs(fixture):
    folder, zkey, witness = fixture
    doc = json.loads((folder / "circuit.json").read_text())
    assert zkey.n_wires == doc["nVars"] == len(witness)
    assert zkey.n_public == doc["nOutputs"] + doc["nPubInputs"]
    assert zkey.domain_size >= doc["nConstraints"] + zkey.n_public + 1
    assert zkey.domain_size & (zkey.domain_size - 1) == 0


def test_coefficients_are_the_r1cs_a_and_b_plus_the_public_rows(fixture):
    # The stored values are x R^2 in Montgomery form: reading must give back circom's plain
    # coefficients, and the constant and public wires get a row "wire_i * 0 = 0" each.
    folder, zkey, _ = fixture
    doc = json.loads((folder / "circuit.json").read_text())
    expected = []
    for row, (a, b, _) in enumerate(doc["constraints"]):
        expected += [(0, row, int(w), int(v)) for w, v in a.items()]
        expected += [(1, row, int(w), int(v)) for w, v in b.items()]
    m = doc["nConstraints"]
    expected += [(0, m + i, i, 1) for i in range(zkey.n_public + 1)]
    assert sorted(zkey.coefficients) == sorted(expected)


def test_circuit_hash_is_the_one_snarkjs_zkey_verify_prints(fixture):
    folder, zkey, _ = fixture
    text = (folder / "zkey_verify.txt").read_text()
    block = text.split("Circuit hash:")[1].split("[INFO]")[0]
    assert zkey.circuit_hash.hex() == "".join(re.findall(r"[0-9a-f]{8}", block))


def test_unknown_sections_and_their_order_are_kept():
    data = (FIXTURES / "multiplier" / "circuit_final.zkey").read_bytes()
    sections = [(k, bytes(b)) for k, b in parse_container(data, b"zkey", 1, "zkey")]
    sections.insert(3, (77, b"extension"))
    sections.append((78, b""))
    sections[4], sections[5] = sections[5], sections[4]
    moved = build_container(b"zkey", 1, sections)
    zkey = zkey_from_bytes(moved)
    assert zkey.layout == tuple(k for k, _ in sections)
    assert zkey_to_bytes(zkey) == moved


def test_writer_rejects_a_layout_without_every_section(fixture):
    _, zkey, _ = fixture
    broken = Zkey(zkey.proving_key, zkey.coefficients, zkey.contributions, layout=(1, 2, 3))
    with pytest.raises(InvalidArgument):
        zkey_to_bytes(broken)
    with pytest.raises(InvalidEncoding):
        zkey_to_bytes(zkey.proving_key)


def test_writer_rejects_a_coefficient_out_of_range(fixture):
    _, zkey, _ = fixture
    for bad in [(2, 0, 0, 1), (0, zkey.domain_size, 0, 1), (0, 0, zkey.n_wires, 1),
                (0, 0, 0, R)]:
        broken = Zkey(zkey.proving_key, (*zkey.coefficients, bad), zkey.contributions)
        with pytest.raises(InvalidArgument):
            zkey_to_bytes(broken)


def test_row_values_satisfy_the_circuit_on_the_fixture_witness(fixture):
    folder, zkey, witness = fixture
    a, b, c = row_values(zkey, witness)
    doc = json.loads((folder / "circuit.json").read_text())
    for row, (_, _, lc_c) in enumerate(doc["constraints"]):
        assert c[row] == sum(int(v) * witness[int(w)] for w, v in lc_c.items()) % R
    assert len(a) == len(b) == len(c) == zkey.domain_size


def test_prove_zkey_makes_proofs_that_verify_under_snarkjs_key(fixture):
    folder, zkey, witness = fixture
    vk = verifying_key_from_json((folder / "verification_key.json").read_text())
    public = public_signals(zkey, witness)
    assert public == public_from_json((folder / "public.json").read_text())
    proof = prove_zkey(zkey, witness, rng=random.Random(1))
    assert verify(vk, public, proof)
    assert not verify(vk, [(public[0] + 1) % R, *public[1:]], proof)


def test_prove_zkey_is_deterministic_for_a_given_rng_and_blinded_otherwise(fixture):
    _, zkey, witness = fixture
    assert prove_zkey(zkey, witness, rng=random.Random(7)) == \
        prove_zkey(zkey, witness, rng=random.Random(7))
    assert prove_zkey(zkey, witness) != prove_zkey(zkey, witness)


def test_prove_zkey_refuses_a_witness_that_does_not_satisfy_the_circuit(fixture):
    _, zkey, witness = fixture
    bad = list(witness)
    bad[-1] = (bad[-1] + 1) % R
    with pytest.raises(WitnessRejected):
        prove_zkey(zkey, bad)


@pytest.mark.parametrize("change, error", [
    (lambda w: w[:-1], InvalidArgument),
    (lambda w: [*w, 0], InvalidArgument),
    (lambda w: [2, *w[1:]], InvalidEncoding),
    (lambda w: [w[0], R, *w[2:]], FieldRangeError),
    (lambda w: [w[0], -1, *w[2:]], FieldRangeError),
    (lambda w: [w[0], "3", *w[2:]], InvalidEncoding),
    (lambda w: b"witness", InvalidEncoding),
])
def test_prove_zkey_rejects_a_malformed_witness(change, error):
    zkey = read_zkey(FIXTURES / "multiplier" / "circuit_final.zkey")
    witness = read_wtns(FIXTURES / "multiplier" / "witness.wtns")
    with pytest.raises(error):
        prove_zkey(zkey, change(witness))


def test_prove_zkey_rejects_a_non_zkey():
    zkey = read_zkey(FIXTURES / "multiplier" / "circuit_final.zkey")
    with pytest.raises(InvalidEncoding):
        prove_zkey(zkey.proving_key, [1, 0, 0, 0])


# ---- zkeys from our own setup


@pytest.fixture(scope="module", params=CIRCUITS)
def own(request):
    folder = FIXTURES / request.param
    r1cs = read_r1cs(folder / "circuit.r1cs")
    pk = insecure_single_party_setup(r1cs, rng=random.Random(11))
    return folder, r1cs, pk


def test_zkey_from_proving_key_stores_the_coefficients_as_snarkjs_does(own):
    folder, r1cs, pk = own
    ours = zkey_from_proving_key(pk, r1cs)
    assert ours.coefficients == read_zkey(folder / "circuit_final.zkey").coefficients
    assert ours.contributions == bytes(68)  # zero circuit hash, no contributions


def test_zkey_from_proving_key_round_trips_and_proves(own):
    folder, r1cs, pk = own
    data = zkey_to_bytes(zkey_from_proving_key(pk, r1cs))
    again = zkey_from_bytes(data)
    assert zkey_to_bytes(again) == data
    assert again.proving_key.vk == pk.vk and again.proving_key.h_query == pk.h_query
    witness = read_wtns(folder / "witness.wtns")
    proof = prove_zkey(again, witness, rng=random.Random(2))
    assert verify(pk.vk, public_signals(again, witness), proof)


def test_zkey_from_proving_key_rejects_a_key_of_another_circuit(own):
    _, r1cs, _ = own
    other = read_r1cs(FIXTURES / "multiplier" / "circuit.r1cs")
    if other.n_wires == r1cs.n_wires:
        other = read_r1cs(FIXTURES / "cube" / "circuit.r1cs")
    pk = insecure_single_party_setup(other, rng=random.Random(1))
    with pytest.raises(InvalidArgument):
        zkey_from_proving_key(pk, r1cs)
    with pytest.raises(InvalidEncoding):
        zkey_from_proving_key(r1cs, r1cs)
