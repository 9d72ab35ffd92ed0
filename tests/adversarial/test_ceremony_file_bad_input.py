"""Bad ceremony transcript files: malformed bytes are refused by the readers with a typed
error; well-formed but tampered transcripts decode and are then refused by verification,
naming the contribution at fault. One test per class of bad input."""

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
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.ceremony import (
    CeremonyError,
    phase1_contribute,
    phase1_new,
    phase1_verify,
    phase2_contribute,
)
from zkvote.snark.ceremony_file import (
    Phase2File,
    load_circuit_phase1,
    phase1_from_bytes,
    phase1_to_bytes,
    phase2_file_new,
    phase2_file_verify,
    phase2_from_bytes,
    phase2_to_bytes,
)
from zkvote.snark.r1cs_file import r1cs_from_bytes

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
R1CS_BYTES = (FIXTURES / "multiplier" / "circuit.r1cs").read_bytes()
CUBE_R1CS_BYTES = (FIXTURES / "cube" / "circuit.r1cs").read_bytes()
# A point on the twist outside the order-r subgroup (see test_ceremony_bad_input.py).
OUTSIDE_G2 = ((5, 1), (
    1408319067812452414633879940013592055621582375252427422757364816067320890688,
    16043447076329872375887584556683436513165016484529127304231559706947902103147))
NAME = "alice"
# Offsets inside a phase-1 contribution record named NAME.
REC_TAU_G1 = 2 + len(NAME)
REC_TAU_G2 = REC_TAU_G1 + 64
REC_TAU_RESPONSE = REC_TAU_G2 + 128 + 64 + 64 + 128 + 64
P1_RECORD = REC_TAU_RESPONSE + 32 + 2 * 96


@pytest.fixture(scope="module")
def p1() -> bytes:
    t = phase1_contribute(phase1_new(2), name=NAME)
    return phase1_to_bytes(phase1_contribute(t, name=NAME))


@pytest.fixture(scope="module")
def p2(p1) -> bytes:
    f = phase2_file_new(R1CS_BYTES, p1)
    t = phase2_contribute(phase2_contribute(f.transcript, name=NAME), name=NAME)
    return phase2_to_bytes(Phase2File(transcript=t, powers=f.powers, r1cs_sha256=f.r1cs_sha256,
                                      phase1_sha256=f.phase1_sha256,
                                      phase1_format=f.phase1_format,
                                      phase1_power=f.phase1_power))


def _edit(data: bytes, kind: int, offset: int, raw: bytes, *, magic: bytes = None) -> bytes:
    magic = magic or data[:4]
    sections = [(k, bytearray(b)) for k, b in parse_container(data, magic, 1, "test")]
    body = next(b for k, b in sections if k == kind)
    body[offset : offset + len(raw)] = raw
    return build_container(magic, 1, [(k, bytes(b)) for k, b in sections])


def _sections(data: bytes) -> list[tuple[int, bytes]]:
    return [(k, bytes(b)) for k, b in parse_container(data, data[:4], 1, "test")]


def _verify_p1(data: bytes) -> None:
    phase1_verify(phase1_from_bytes(data))


def _blame(fn, *args) -> tuple:
    with pytest.raises(CeremonyError) as info:
        fn(*args)
    return info.value.phase, info.value.contribution


def _g1(x: int, y: int) -> bytes:
    return x.to_bytes(32, "big") + y.to_bytes(32, "big")


# ---- malformed bytes: the readers refuse them


@pytest.mark.parametrize("read", [phase1_from_bytes, phase2_from_bytes])
def test_bad_magic_is_refused(read, p1, p2):
    data = p1 if read is phase1_from_bytes else p2
    with pytest.raises(InvalidEncoding, match="magic"):
        read(b"zkey" + data[4:])
    with pytest.raises(InvalidEncoding, match="magic"):
        read(p2 if data is p1 else p1)  # the other phase's file


def test_unknown_version_is_refused(p1, p2):
    for data, read in ((p1, phase1_from_bytes), (p2, phase2_from_bytes)):
        with pytest.raises(InvalidEncoding, match="version"):
            read(data[:4] + struct.pack("<I", 2) + data[8:])


@pytest.mark.parametrize("cut", [1, 11, 12, 30, 700, -1])
def test_truncated_file_is_refused(cut, p1, p2):
    for data, read in ((p1, phase1_from_bytes), (p2, phase2_from_bytes)):
        with pytest.raises(InvalidEncoding):
            read(data[:cut])


def test_trailing_bytes_are_refused(p1, p2):
    for data, read in ((p1, phase1_from_bytes), (p2, phase2_from_bytes)):
        with pytest.raises(InvalidEncoding, match="after the last section"):
            read(data + b"\x00")


def test_missing_extra_or_reordered_sections_are_refused(p1, p2):
    for data, read in ((p1, phase1_from_bytes), (p2, phase2_from_bytes)):
        sections = _sections(data)
        for changed in (sections[:-1], sections + [(99, b"")], [sections[1], sections[0],
                                                               *sections[2:]]):
            with pytest.raises(InvalidEncoding, match="sections"):
                read(build_container(data[:4], 1, changed))


def test_header_counts_disagreeing_with_the_sections_are_refused(p1, p2):
    with pytest.raises(InvalidEncoding, match="expected"):
        phase1_from_bytes(_edit(p1, 1, 0, struct.pack("<I", 3)))  # power 3, points of 2
    with pytest.raises(InvalidEncoding):
        phase1_from_bytes(_edit(p1, 1, 4, struct.pack("<I", 3)))  # 3 contributions, 2 stored
    with pytest.raises(InvalidEncoding, match="too many"):
        phase1_from_bytes(_edit(p1, 1, 4, struct.pack("<I", 1)))
    with pytest.raises(InvalidArgument):
        phase1_from_bytes(_edit(p1, 1, 0, struct.pack("<I", 0)))
    with pytest.raises(InvalidEncoding):
        phase2_from_bytes(_edit(p2, 1, 64 + 12, struct.pack("<I", 5)))  # more wires
    with pytest.raises(InvalidArgument):
        phase2_from_bytes(_edit(p2, 1, 64 + 4, struct.pack("<I", 1)))  # power < log n


def test_unknown_phase1_format_in_a_phase2_header_is_refused(p2):
    with pytest.raises(InvalidEncoding, match="format"):
        phase2_from_bytes(_edit(p2, 1, 64, struct.pack("<I", 3)))


def test_point_off_the_curve_is_refused(p1, p2):
    with pytest.raises(InvalidPoint):
        phase1_from_bytes(_edit(p1, 2, 64, _g1(1, 1)))
    with pytest.raises(InvalidPoint):
        phase1_from_bytes(_edit(p1, 7, REC_TAU_G1, _g1(1, 1)))
    with pytest.raises(InvalidPoint):
        phase2_from_bytes(_edit(p2, 12, 0, _g1(1, 1)))


def test_g2_point_outside_the_subgroup_is_refused(p1, p2):
    (x0, x1), (y0, y1) = OUTSIDE_G2
    raw = b"".join(c.to_bytes(32, "big") for c in (x1, x0, y1, y0))
    with pytest.raises(NotInSubgroup):
        phase1_from_bytes(_edit(p1, 3, 128, raw))
    with pytest.raises(NotInSubgroup):
        phase2_from_bytes(_edit(p2, 11, 0, raw))


def test_g2_point_off_the_twist_in_a_points_section_is_refused(p1, p2):
    raw = b"".join(c.to_bytes(32, "big") for c in (1, 1, 1, 1))
    with pytest.raises(InvalidPoint):
        phase1_from_bytes(_edit(p1, 3, 128, raw))
    with pytest.raises(InvalidPoint):
        phase2_from_bytes(_edit(p2, 11, 128, raw))


def test_g2_coordinate_not_below_p_in_a_points_section_is_refused(p1, p2):
    raw = bytearray(_sections(p1)[2][1][128:256])  # tau G2, a valid point
    raw[32:64] = (int.from_bytes(raw[32:64], "big") + FQ_MODULUS).to_bytes(32, "big")
    with pytest.raises(FieldRangeError):
        phase1_from_bytes(_edit(p1, 3, 128, bytes(raw)))
    with pytest.raises(FieldRangeError):
        phase2_from_bytes(_edit(p2, 11, 0, bytes(raw)))

def test_coordinate_not_below_p_is_refused(p1):
    g = G1.generator()
    with pytest.raises(FieldRangeError):
        phase1_from_bytes(_edit(p1, 2, 0, _g1(g.x + FQ_MODULUS, g.y)))


def test_proof_response_not_below_r_is_refused(p1):
    with pytest.raises(InvalidEncoding, match="below r"):
        phase1_from_bytes(_edit(p1, 7, REC_TAU_RESPONSE, FR_MODULUS.to_bytes(32, "big")))


@pytest.mark.parametrize("raw", [b"\xff\xfe\xfd\xfc\xfb", b"al\x1bce"])
def test_bad_contribution_name_is_refused(raw, p1):
    with pytest.raises(InvalidEncoding, match="name"):
        phase1_from_bytes(_edit(p1, 7, 2, raw))


def test_phase1_source_that_is_neither_format_is_refused(p1):
    with pytest.raises(InvalidEncoding, match="neither"):
        load_circuit_phase1(b"r1cs" + p1[4:], 1)


# ---- well-formed but tampered: verification refuses them


def test_tampered_power_is_caught_in_the_final_powers(p1):
    bad = _edit(p1, 2, 3 * 64, G1.generator().to_bytes())  # tau^3 G1 -> G1
    assert _blame(_verify_p1, bad) == (1, None)


def test_contribution_whose_proof_of_knowledge_fails_is_named(p1, p2):
    stored = int.from_bytes(p1[-(P1_RECORD - REC_TAU_RESPONSE):][:32], "big")
    bad = _edit(p1, 7, P1_RECORD + REC_TAU_RESPONSE,
                ((stored + 1) % FR_MODULUS).to_bytes(32, "big"))
    assert _blame(_verify_p1, bad) == (1, 1)
    # Phase 2: the second contribution's response is the last 32 bytes of the file.
    last = int.from_bytes(p2[-32:], "big")
    bad2 = p2[:-32] + ((last + 1) % FR_MODULUS).to_bytes(32, "big")
    assert _blame(phase2_file_verify, phase2_from_bytes(bad2), R1CS_BYTES) == (2, 1)


def test_tampered_contribution_name_is_caught(p1):
    bad = _edit(p1, 7, 2, b"mallo")  # same length: the file stays well-formed
    assert phase1_from_bytes(bad).contributions[0].name == "mallo"
    assert _blame(_verify_p1, bad) == (1, 0)


def test_tampered_key_point_is_caught(p2):
    bad = _edit(p2, 12, 0, G1.generator().to_bytes())  # an L query point
    assert _blame(phase2_file_verify, phase2_from_bytes(bad), R1CS_BYTES) == (2, None)


def test_tampered_embedded_powers_are_caught(p2):
    bad = _edit(p2, 2, 2 * 64, G1.generator().to_bytes())  # tau^2 G1 -> G1
    assert _blame(phase2_file_verify, phase2_from_bytes(bad), R1CS_BYTES) == (1, None)


def test_wrong_circuit_r1cs_is_refused(p2):
    with pytest.raises(CeremonyError, match="another circuit"):
        phase2_file_verify(phase2_from_bytes(p2), CUBE_R1CS_BYTES)


def test_phase2_checked_against_another_phase1_file_is_refused(p2):
    other = phase1_to_bytes(phase1_contribute(phase1_new(2)))
    with pytest.raises(CeremonyError, match="phase-1 file"):
        phase2_file_verify(phase2_from_bytes(p2), R1CS_BYTES, other)


def test_phase2_from_an_unverifiable_phase1_is_refused(p1):
    bad = _edit(p1, 2, 3 * 64, G1.generator().to_bytes())
    with pytest.raises(CeremonyError):
        phase2_file_new(R1CS_BYTES, bad)


def test_phase2_new_refuses_a_decoded_circuit_that_is_not_the_bytes(p1):
    cube = r1cs_from_bytes(CUBE_R1CS_BYTES)
    with pytest.raises(InvalidArgument, match="not the decoding of r1cs_data"):
        phase2_file_new(R1CS_BYTES, p1, circuit=cube)
    same = phase2_file_new(R1CS_BYTES, p1, circuit=r1cs_from_bytes(R1CS_BYTES))
    assert same.r1cs_sha256 == phase2_file_new(R1CS_BYTES, p1).r1cs_sha256
