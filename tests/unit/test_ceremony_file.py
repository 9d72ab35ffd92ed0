"""Ceremony transcript files (.zkc1 / .zkc2): round trips keep every value, a transcript
read back still verifies, phase 2 over part of a larger phase 1 (or a snarkjs .ptau) gives
the same key as over the whole, and names and entropy behave as documented."""

from pathlib import Path

import pytest

from zkvote.errors import InvalidEncoding
from zkvote.snark.ceremony import (
    CircuitPowers,
    check_name,
    phase1_contribute,
    phase1_new,
    phase1_verify,
    phase2_contribute,
    phase2_initial_key,
)
from zkvote.snark.ceremony_file import (
    PHASE1_PTAU,
    PHASE1_ZKVOTE,
    Phase2File,
    contribution_hash,
    phase1_from_bytes,
    phase1_to_bytes,
    phase2_file_new,
    phase2_file_verify,
    phase2_from_bytes,
    phase2_to_bytes,
    read_phase1,
    write_phase1,
)
from zkvote.snark.r1cs_file import r1cs_from_bytes
from zkvote.snark.zkey_file import read_zkey

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
R1CS_BYTES = (FIXTURES / "multiplier" / "circuit.r1cs").read_bytes()


@pytest.fixture(scope="module")
def phase1():
    t = phase1_contribute(phase1_new(3), name="alice")
    return phase1_contribute(t, name="Bértrand 🗳", entropy=b"dice: 3 1 4 1 5")


@pytest.fixture(scope="module")
def phase2(phase1):
    f = phase2_file_new(R1CS_BYTES, phase1_to_bytes(phase1))
    t = phase2_contribute(f.transcript, name="carol")
    t = phase2_contribute(t, name="dave", entropy=b"more")
    return _with(f, t)


def _with(f: Phase2File, transcript) -> Phase2File:
    return Phase2File(transcript=transcript, powers=f.powers, r1cs_sha256=f.r1cs_sha256,
                      phase1_sha256=f.phase1_sha256, phase1_format=f.phase1_format,
                      phase1_power=f.phase1_power)


def _same_key(a, b) -> bool:
    return (a.vk == b.vk and a.beta_g1 == b.beta_g1 and a.delta_g1 == b.delta_g1
            and a.a_query == b.a_query and a.b_g1_query == b.b_g1_query
            and a.b_g2_query == b.b_g2_query and a.h_query == b.h_query
            and a.l_query == b.l_query and a.domain_size == b.domain_size)


def test_phase1_round_trip_keeps_powers_contributions_and_names(phase1):
    data = phase1_to_bytes(phase1)
    back = phase1_from_bytes(data)
    assert phase1_to_bytes(back) == data
    assert [c.name for c in back.contributions] == ["alice", "Bértrand 🗳"]
    assert back.contributions == phase1.contributions
    assert back.powers.tau_g1 == phase1.powers.tau_g1
    phase1_verify(back)


def test_phase2_round_trip_keeps_the_key_and_still_verifies(phase2):
    data = phase2_to_bytes(phase2)
    back = phase2_from_bytes(data)
    assert phase2_to_bytes(back) == data
    assert _same_key(back.transcript.proving_key, phase2.transcript.proving_key)
    assert back.transcript.contributions == phase2.transcript.contributions
    assert (back.r1cs_sha256, back.phase1_sha256, back.phase1_format, back.phase1_power) == (
        phase2.r1cs_sha256, phase2.phase1_sha256, PHASE1_ZKVOTE, 3)
    phase2_file_verify(back, R1CS_BYTES)


def test_phase2_verify_accepts_the_phase1_file_it_started_from(phase1, phase2):
    phase2_file_verify(phase2, R1CS_BYTES, phase1_to_bytes(phase1))


def test_circuit_powers_of_a_larger_phase1_give_the_same_key(phase1):
    # The multiplier's domain is 2^2 < 2^3: the embedded prefix keeps tau^(2n-1), which the
    # H query of the full powers uses.
    r1cs = r1cs_from_bytes(R1CS_BYTES)
    full = phase2_initial_key(phase1.powers, r1cs)
    prefix = CircuitPowers.of(phase1.powers, full.domain_size.bit_length() - 1)
    assert prefix.log_n < phase1.powers.power
    assert len(prefix.tau_g1) == 2 * full.domain_size
    assert _same_key(phase2_initial_key(prefix, r1cs), full)


@pytest.mark.parametrize("power", [2, 4])
def test_phase2_from_a_snarkjs_ptau_is_snarkjs_groth16_setup(power):
    ptau = (FIXTURES / "ptau" / f"pot{power}_final.ptau").read_bytes()
    f = phase2_file_new(R1CS_BYTES, ptau)
    assert (f.phase1_format, f.phase1_power) == (PHASE1_PTAU, power)
    snarkjs = read_zkey(FIXTURES / "ptau" / f"multiplier_pot{power}_0000.zkey").proving_key
    assert _same_key(phase2_from_bytes(phase2_to_bytes(f)).transcript.proving_key, snarkjs)
    phase2_file_verify(f, R1CS_BYTES, ptau)


def test_contribution_hash_is_stable_and_distinct(phase1, phase2):
    hashes = [contribution_hash(c) for c in phase1.contributions]
    hashes += [contribution_hash(c) for c in phase2.transcript.contributions]
    assert len(set(hashes)) == 4 and all(len(h) == 64 for h in hashes)
    back = phase1_from_bytes(phase1_to_bytes(phase1))
    assert contribution_hash(back.contributions[0]) == hashes[0]


def test_same_entropy_text_still_gives_fresh_secrets():
    start = phase1_new(1)
    a = phase1_contribute(start, entropy=b"same")
    b = phase1_contribute(start, entropy=b"same")
    assert a.contributions[0].tau_g1 != b.contributions[0].tau_g1


@pytest.mark.parametrize("name", ["tab\there", "bell\x07", "x" * 256, "\u202eevil"])
def test_bad_contribution_names_are_refused(name):
    with pytest.raises(InvalidEncoding):
        check_name(name)
    with pytest.raises(InvalidEncoding):
        phase1_contribute(phase1_new(1), name=name)


def test_write_never_overwrites(tmp_path, phase1):
    path = tmp_path / "p.zkc1"
    write_phase1(phase1, path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_phase1(phase1_new(1), path)
    assert path.read_bytes() == before
    assert read_phase1(path).contributions == phase1.contributions
    assert [p.name for p in tmp_path.iterdir()] == ["p.zkc1"]  # no temporary file left


def test_phase2_file_new_with_the_decoded_circuit_writes_the_same_file(phase1):
    p1 = phase1_to_bytes(phase1)
    given = phase2_file_new(R1CS_BYTES, p1, circuit=r1cs_from_bytes(R1CS_BYTES))
    assert phase2_to_bytes(given) == phase2_to_bytes(phase2_file_new(R1CS_BYTES, p1))


def test_phase2_file_new_refuses_a_circuit_that_is_not_an_r1cs(phase1):
    with pytest.raises(InvalidEncoding, match="R1CS"):
        phase2_file_new(R1CS_BYTES, phase1_to_bytes(phase1), circuit=R1CS_BYTES)
