"""Our Groth16 verifier and JSON codecs against files made by snarkjs 0.7 (fixtures made by
tests/interop/snarkjs/generate.sh): snarkjs proofs verify, tampered ones do not, malformed
ones raise typed errors, and re-encoding reproduces snarkjs's bytes."""

import json
import random
import struct
from pathlib import Path

import pytest

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidPoint, NotInSubgroup
from zkvote.field import FQ_MODULUS as P
from zkvote.field import FR_MODULUS as R
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.keys import ProvingKey, VerifyingKey, prepare_verifying_key
from zkvote.snark.prover import prove_from_row_values
from zkvote.snark.snarkjs_json import (
    proof_from_json,
    proof_to_json,
    public_from_json,
    public_to_json,
    verifying_key_from_json,
    verifying_key_to_json,
)
from zkvote.snark.verifier import batch_verify, find_invalid, verify

FIXTURES = Path(__file__).parent / "snarkjs" / "fixtures"
CIRCUITS = sorted(p.name for p in FIXTURES.iterdir() if (p / "verification_key.json").exists())
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


# ---- proving from snarkjs's own .zkey and .wtns (a minimal test-only reader of the iden3
# binary sections; Montgomery form with R = 2^256, A/B coefficients stored times R^2)


def _sections(path: Path) -> dict[int, bytes]:
    data = path.read_bytes()
    (n,), pos, out = struct.unpack("<I", data[8:12]), 12, {}
    for _ in range(n):
        kind, size = struct.unpack("<IQ", data[pos : pos + 12])
        out[kind], pos = data[pos + 12 : pos + 12 + size], pos + 12 + size
    return out


def _fq(b: bytes) -> int:
    return int.from_bytes(b, "little") * pow(2**256, -1, P) % P


def _g1s(b: bytes) -> list[G1]:
    xy = [(_fq(b[i : i + 32]), _fq(b[i + 32 : i + 64])) for i in range(0, len(b), 64)]
    return [G1.from_affine(x, y) for x, y in xy]  # (0, 0) is the identity here too


def _g2s(b: bytes) -> list[G2]:
    c = [_fq(b[i : i + 32]) for i in range(0, len(b), 32)]
    return [G2.from_affine((c[i], c[i + 1]), (c[i + 2], c[i + 3])) for i in range(0, len(c), 4)]


def _zkey_proving_key(path: Path) -> tuple[ProvingKey, bytes]:
    z = _sections(path)
    h = z[2]
    o = 8 + struct.unpack("<I", h[:4])[0] + struct.unpack("<I", h[36:40])[0]
    _, _, domain = struct.unpack("<III", h[o : o + 12])
    o += 12
    alpha1, beta1, delta1 = _g1s(h[o : o + 128] + h[o + 384 : o + 448])
    beta2, gamma2, delta2 = _g2s(h[o + 128 : o + 384] + h[o + 448 : o + 576])
    vk = VerifyingKey(alpha1, beta2, gamma2, delta2, tuple(_g1s(z[3])))
    return ProvingKey(vk=vk, beta_g1=beta1, delta_g1=delta1, a_query=_g1s(z[5]),
                      b_g1_query=_g1s(z[6]), b_g2_query=_g2s(z[7]), h_query=_g1s(z[9]),
                      l_query=_g1s(z[8]), domain_size=domain), z[4]


def _zkey_row_values(coefs: bytes, witness: list[int], domain: int) -> list[list[int]]:
    a, b = [0] * domain, [0] * domain
    r2_inv = pow(2**512, -1, R)
    for i in range(struct.unpack("<I", coefs[:4])[0]):
        matrix, row, wire = struct.unpack("<III", coefs[4 + 44 * i : 16 + 44 * i])
        value = int.from_bytes(coefs[16 + 44 * i : 48 + 44 * i], "little") * r2_inv % R
        target = a if matrix == 0 else b
        target[row] = (target[row] + value * witness[wire]) % R
    return [a, b, [x * y % R for x, y in zip(a, b, strict=True)]]


def test_our_prover_proves_from_the_snarkjs_zkey_and_witness(case):
    circuit, pvk, public, _ = case
    folder = FIXTURES / circuit
    if not (folder / "circuit_final.zkey").exists():
        pytest.skip(f"{circuit}: no zkey in the fixtures")
    pk, coefs = _zkey_proving_key(folder / "circuit_final.zkey")
    assert pk.vk == pvk.vk  # the zkey's key is the exported verification_key.json
    wtns = _sections(folder / "witness.wtns")
    n8 = struct.unpack("<I", wtns[1][:4])[0]
    witness = [int.from_bytes(wtns[2][i : i + n8], "little") for i in range(0, len(wtns[2]), n8)]
    assert witness[1 : 1 + len(public)] == public
    rows = _zkey_row_values(coefs, witness, pk.domain_size)
    proof = prove_from_row_values(pk, witness, *rows, rng=random.Random(5))
    assert verify(pvk, public, proof)
    assert not verify(pvk, [(public[0] + 1) % R, *public[1:]], proof)
