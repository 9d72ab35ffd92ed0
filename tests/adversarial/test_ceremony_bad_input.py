"""Malformed .ptau files and malformed ceremony inputs raise typed errors, never a crash or a
silent success."""

import struct
from pathlib import Path

import pytest

from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.ceremony import (
    KnowledgeProof,
    Phase1Transcript,
    Phase2Transcript,
    phase1_contribute,
    phase1_new,
    phase1_verify,
    phase2_contribute,
    phase2_initial_key,
    phase2_new,
    phase2_verify,
)
from zkvote.snark.ptau import (
    MAX_POWER,
    PowersOfTau,
    lagrange_points,
    prepared_lagrange_g1,
    ptau_from_bytes,
)
from zkvote.snark.r1cs_file import read_r1cs

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
DATA = (FIXTURES / "ptau" / "pot2_final.ptau").read_bytes()
R1CS_MULT = read_r1cs(FIXTURES / "multiplier" / "circuit.r1cs")
MONT = 1 << 256
# A point on the twist outside the order-r subgroup (the cofactor is ~2^254).
OUTSIDE_G2 = ((5, 1), (
    1408319067812452414633879940013592055621582375252427422757364816067320890688,
    16043447076329872375887584556683436513165016484529127304231559706947902103147))


def _mont(x: int) -> bytes:
    return (x * MONT % FQ_MODULUS).to_bytes(32, "little")


def _sections() -> list[tuple[int, bytearray]]:
    return [(k, bytearray(b)) for k, b in parse_container(DATA, b"ptau", 1, "ptau")]


def _edit(kind: int, offset: int, raw: bytes) -> bytes:
    sections = _sections()
    body = next(b for k, b in sections if k == kind)
    body[offset : offset + len(raw)] = raw
    return build_container(b"ptau", 1, [(k, bytes(b)) for k, b in sections])


def _without(kind: int) -> bytes:
    return build_container(b"ptau", 1, [(k, bytes(b)) for k, b in _sections() if k != kind])


def _small_powers() -> PowersOfTau:
    return ptau_from_bytes(DATA).powers


# ---- .ptau files


def test_unmodified_fixture_parses():
    assert ptau_from_bytes(DATA).powers.power == 2


@pytest.mark.parametrize("data", [b"", b"zkey" + DATA[4:], DATA[:-1], DATA + b"\0", "ptau"])
def test_broken_container_is_rejected(data):
    with pytest.raises(InvalidEncoding):
        ptau_from_bytes(data)


@pytest.mark.parametrize("kind", range(1, 8))
def test_missing_section_is_rejected(kind):
    with pytest.raises(InvalidEncoding, match=f"missing section {kind}"):
        ptau_from_bytes(_without(kind))


def test_repeated_section_is_rejected():
    sections = [(k, bytes(b)) for k, b in _sections()]
    with pytest.raises(InvalidEncoding, match="twice"):
        ptau_from_bytes(build_container(b"ptau", 1, sections + [sections[1]]))


def test_other_curve_is_rejected():
    with pytest.raises(InvalidEncoding, match="BN254"):
        ptau_from_bytes(_edit(1, 4, FR_MODULUS.to_bytes(32, "little")))


def test_power_disagreeing_with_section_sizes_is_rejected():
    with pytest.raises(InvalidEncoding, match="bytes"):
        ptau_from_bytes(_edit(1, 36, struct.pack("<II", 3, 3)))


def test_ceremony_power_below_power_is_rejected():
    with pytest.raises(InvalidEncoding, match="ceremonyPower"):
        ptau_from_bytes(_edit(1, 40, struct.pack("<I", 1)))


def test_power_above_the_supported_maximum_is_rejected():
    with pytest.raises(InvalidArgument):
        ptau_from_bytes(_edit(1, 36, struct.pack("<II", 40, 40)))


@pytest.mark.parametrize("kind, offset", [(2, 64), (3, 160), (6, 0)])
def test_non_canonical_coordinate_is_rejected(kind, offset):
    with pytest.raises(FieldRangeError):
        ptau_from_bytes(_edit(kind, offset, FQ_MODULUS.to_bytes(32, "little")))


@pytest.mark.parametrize("kind, offset", [(2, 64), (4, 0), (5, 128)])
def test_g1_point_off_the_curve_is_rejected(kind, offset):
    with pytest.raises(InvalidPoint):
        ptau_from_bytes(_edit(kind, offset, _mont(1) + _mont(3)))


@pytest.mark.parametrize("kind, offset", [(3, 128), (6, 0)])
def test_g2_point_outside_the_subgroup_is_rejected(kind, offset):
    (x0, x1), (y0, y1) = OUTSIDE_G2
    with pytest.raises(NotInSubgroup):
        ptau_from_bytes(_edit(kind, offset, b"".join(_mont(c) for c in (x0, x1, y0, y1))))


def test_missing_contribution_count_is_rejected():
    sections = [(k, bytes(b) if k != 7 else b"\0") for k, b in _sections()]
    with pytest.raises(InvalidEncoding, match="count"):
        ptau_from_bytes(build_container(b"ptau", 1, sections))


def test_prepared_lagrange_needs_section_12_and_a_level_in_range():
    ptau = ptau_from_bytes(DATA)
    with pytest.raises(InvalidArgument):
        prepared_lagrange_g1(ptau, 4)
    unprepared = ptau_from_bytes(_without(12))
    with pytest.raises(InvalidEncoding, match="section 12"):
        prepared_lagrange_g1(unprepared, 1)


# ---- powers and the group NTT


def test_powers_with_inconsistent_lengths_are_rejected():
    p = _small_powers()
    with pytest.raises(InvalidArgument):
        PowersOfTau(tau_g1=p.tau_g1[:-1], tau_g2=p.tau_g2, alpha_tau_g1=p.alpha_tau_g1,
                    beta_tau_g1=p.beta_tau_g1, beta_g2=p.beta_g2)
    with pytest.raises(InvalidArgument):
        PowersOfTau(tau_g1=p.tau_g1[:5], tau_g2=p.tau_g2[:3], alpha_tau_g1=p.alpha_tau_g1[:3],
                    beta_tau_g1=p.beta_tau_g1[:3], beta_g2=p.beta_g2)


def test_powers_holding_the_wrong_point_type_are_rejected():
    p = _small_powers()
    with pytest.raises(InvalidEncoding):
        PowersOfTau(tau_g1=p.tau_g1, tau_g2=p.tau_g1[:4], alpha_tau_g1=p.alpha_tau_g1,
                    beta_tau_g1=p.beta_tau_g1, beta_g2=p.beta_g2)
    with pytest.raises(InvalidEncoding):
        PowersOfTau(tau_g1=p.tau_g1, tau_g2=p.tau_g2, alpha_tau_g1=p.alpha_tau_g1,
                    beta_tau_g1=p.beta_tau_g1, beta_g2=p.tau_g1[0])


@pytest.mark.parametrize("points, log_n, error", [
    ([G1.generator()] * 5, 2, InvalidArgument),
    ([G1.generator()], -1, InvalidArgument),
    ([G1.generator()], True, InvalidArgument),
    ([], 1, InvalidEncoding),
    ([G1.generator(), G2.generator()], 1, InvalidEncoding),
    ([1, 2], 1, InvalidEncoding),
])
def test_lagrange_points_reject_bad_arguments(points, log_n, error):
    with pytest.raises(error):
        lagrange_points(points, log_n)


# ---- ceremony inputs


@pytest.mark.parametrize("power, error", [(0, InvalidArgument), (-1, InvalidArgument),
                                          (MAX_POWER + 1, InvalidArgument), ("3", InvalidEncoding),
                                          (True, InvalidEncoding)])
def test_phase1_new_rejects_bad_power(power, error):
    with pytest.raises(error):
        phase1_new(power)


@pytest.mark.parametrize("fn", [phase1_contribute, phase1_verify, phase2_contribute])
def test_ceremony_steps_reject_wrong_types(fn):
    with pytest.raises(InvalidEncoding):
        fn(object())


def test_phase2_rejects_powers_too_small_for_the_circuit():
    tiny = phase1_new(1).powers  # the multiplier needs a domain of 4
    with pytest.raises(InvalidArgument, match="domain"):
        phase2_new(tiny, R1CS_MULT)


def test_phase2_rejects_wrong_types():
    powers = _small_powers()
    with pytest.raises(InvalidEncoding):
        phase2_initial_key(powers, object())
    with pytest.raises(InvalidEncoding):
        phase2_initial_key(object(), R1CS_MULT)
    transcript = phase2_new(powers, R1CS_MULT)
    with pytest.raises(InvalidEncoding):
        phase2_verify(object(), powers, R1CS_MULT)
    with pytest.raises(InvalidEncoding):
        phase2_verify(transcript, object(), R1CS_MULT)


def test_transcripts_reject_foreign_contributions():
    powers = _small_powers()
    with pytest.raises(InvalidEncoding):
        Phase1Transcript(powers=powers, contributions=(object(),))
    pk = phase2_new(powers, R1CS_MULT).proving_key
    with pytest.raises(InvalidEncoding):
        Phase2Transcript(proving_key=pk, contributions=[None])
    with pytest.raises(InvalidEncoding):
        Phase2Transcript(proving_key=powers)


@pytest.mark.parametrize("response", [FR_MODULUS, -1, 1.5, True])
def test_knowledge_proof_rejects_non_canonical_response(response):
    with pytest.raises(InvalidEncoding):
        KnowledgeProof(commitment=G1.generator(), response=response)


def test_knowledge_proof_rejects_a_non_g1_commitment():
    with pytest.raises(InvalidEncoding):
        KnowledgeProof(commitment=G2.generator(), response=1)
