"""Hostile .ptau files read by prefix (zkvote.snark.ptau_reader): every malformed layout or
point is a typed error naming what is wrong, and prepared Lagrange points (sections 12-15)
are trusted no more than the powers: a valid point put in the wrong place is caught before
phase 2 uses it."""

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
from zkvote.field import FQ_MODULUS
from zkvote.snark import ceremony
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.ceremony import (
    CeremonyError,
    CircuitPowers,
    phase2_initial_key,
    phase2_verify,
)
from zkvote.snark.ceremony_file import phase2_file_new
from zkvote.snark.ptau_reader import MAX_SECTIONS, read_ptau_prefix
from zkvote.snark.r1cs_file import read_r1cs

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
PATH = FIXTURES / "ptau" / "pot2_final.ptau"
DATA = PATH.read_bytes()
R1CS_PATH = FIXTURES / "multiplier" / "circuit.r1cs"
R1CS_BYTES = R1CS_PATH.read_bytes()
MONT = 1 << 256
G1, G2 = 64, 128
# A point on the twist outside the order-r subgroup.
OUTSIDE_G2 = ((5, 1), (
    1408319067812452414633879940013592055621582375252427422757364816067320890688,
    16043447076329872375887584556683436513165016484529127304231559706947902103147))


def _mont(x: int) -> bytes:
    return (x * MONT % FQ_MODULUS).to_bytes(32, "little")


def _sections() -> list[tuple[int, bytearray]]:
    return [(k, bytearray(b)) for k, b in parse_container(DATA, b"ptau", 1, "ptau")]


def _build(sections) -> bytes:
    return build_container(b"ptau", 1, [(k, bytes(b)) for k, b in sections])


def _edit(kind: int, offset: int, raw: bytes) -> bytes:
    sections = _sections()
    body = next(b for k, b in sections if k == kind)
    body[offset : offset + len(raw)] = raw
    return _build(sections)


def _copy_point(kind: int, size: int, src: int, dst: int) -> bytes:
    body = next(b for k, b in _sections() if k == kind)
    return _edit(kind, dst * size, bytes(body[src * size : (src + 1) * size]))


# ---- layout


@pytest.mark.parametrize("data", [b"", b"zkey" + DATA[4:], DATA[:-1], DATA + b"\0",
                                  DATA[:4] + struct.pack("<I", 2) + DATA[8:]])
def test_broken_container_is_rejected(tmp_path, data):
    path = tmp_path / "bad.ptau"
    path.write_bytes(data)
    for source in (data, path):
        with pytest.raises(InvalidEncoding):
            read_ptau_prefix(source, 1)


def test_forged_huge_section_count_is_rejected_without_walking_it():
    data = DATA[:8] + struct.pack("<I", 1 << 31) + DATA[12:]
    with pytest.raises(InvalidEncoding, match=f"more than {MAX_SECTIONS}"):
        read_ptau_prefix(data, 1)


@pytest.mark.parametrize("kind", [1, 2, 3, 4, 5, 6, 7])
def test_missing_required_section_is_rejected(kind):
    with pytest.raises(InvalidEncoding, match=f"missing section {kind}"):
        read_ptau_prefix(_build([(k, b) for k, b in _sections() if k != kind]), 1)


@pytest.mark.parametrize("kind", [2, 13])
def test_repeated_section_is_rejected(kind):
    sections = _sections()
    extra = next((k, b) for k, b in sections if k == kind)
    with pytest.raises(InvalidEncoding, match="twice"):
        read_ptau_prefix(_build(sections + [extra]), 1)


@pytest.mark.parametrize("kind", [12, 13, 14, 15])
def test_only_some_prepared_sections_is_rejected(kind):
    with pytest.raises(InvalidEncoding, match="12-15"):
        read_ptau_prefix(_build([(k, b) for k, b in _sections() if k != kind]), 1)


@pytest.mark.parametrize("kind", [2, 3, 4, 5, 6, 12, 13, 14, 15])
def test_section_size_disagreeing_with_the_power_is_rejected(kind):
    sections = [(k, b + bytes(G2) if k == kind else b) for k, b in _sections()]
    with pytest.raises(InvalidEncoding, match=f"section {kind}.*bytes"):
        read_ptau_prefix(_build(sections), 1)


def test_domain_above_the_power_or_below_one_is_rejected():
    for log_n in (0, 3, True, "2"):
        with pytest.raises(InvalidArgument):
            read_ptau_prefix(DATA, log_n)


def test_source_that_is_neither_bytes_nor_a_path_is_rejected():
    with pytest.raises(InvalidEncoding):
        read_ptau_prefix(12, 1)


# ---- points (errors name the section and the index)


@pytest.mark.parametrize("kind, offset, what", [
    (2, 64, "tauG1 point 1"), (3, 160, "tauG2 point 1"), (6, 0, "betaG2 point 0"),
    (12, 3 * G1, r"section 12, domain 2\^2\) point 0"),
    (13, 4 * G2, r"section 13, domain 2\^2\) point 1"),
])
def test_non_canonical_coordinate_is_rejected(kind, offset, what):
    with pytest.raises(FieldRangeError, match=what):
        read_ptau_prefix(_edit(kind, offset, FQ_MODULUS.to_bytes(32, "little")), 2)


@pytest.mark.parametrize("kind, offset, what", [
    (4, 64, "alphaTauG1 point 1"), (5, 0, "betaTauG1 point 0"),
    (14, 5 * G1, r"section 14, domain 2\^2\) point 2"),
    (12, 10 * G1, r"section 12, domain 2\^3\) point 3"),
])
def test_g1_point_off_the_curve_is_rejected(kind, offset, what):
    with pytest.raises(InvalidPoint, match=what):
        read_ptau_prefix(_edit(kind, offset, _mont(1) + _mont(3)), 2)


@pytest.mark.parametrize("kind, offset, what", [
    (3, 2 * G2, "tauG2 point 2"), (6, 0, "betaG2 point 0"),
    (13, 6 * G2, r"section 13, domain 2\^2\) point 3"),
])
def test_g2_point_outside_the_subgroup_is_rejected(kind, offset, what):
    (x0, x1), (y0, y1) = OUTSIDE_G2
    raw = b"".join(_mont(c) for c in (x0, x1, y0, y1))
    with pytest.raises(NotInSubgroup, match=what):
        read_ptau_prefix(_edit(kind, offset, raw), 2)


def test_g2_point_off_the_twist_is_rejected():
    raw = b"".join(_mont(c) for c in (1, 0, 1, 0))
    with pytest.raises(InvalidPoint, match="tauG2 point 1"):
        read_ptau_prefix(_edit(3, G2, raw), 2)


def test_points_beyond_the_circuits_prefix_are_not_read():
    # Garbage in tauG2's last point does not concern a domain of 2 (so it is not paid for).
    data = _edit(3, 3 * G2, FQ_MODULUS.to_bytes(32, "little"))
    assert read_ptau_prefix(data, 1).log_n == 1
    with pytest.raises(FieldRangeError):
        read_ptau_prefix(data, 2)


# ---- prepared points that are valid but wrong


@pytest.mark.parametrize("kind, size, src, dst", [
    (12, G1, 3, 4),   # Lagrange tauG1, domain 2^2 (A, B1, C queries)
    (12, G1, 7, 10),  # Lagrange tauG1, domain 2^3, an odd (H query) point
    (13, G2, 5, 6),   # Lagrange tauG2 (B2 query)
    (14, G1, 3, 6),   # Lagrange alphaTauG1
    (15, G1, 4, 5),   # Lagrange betaTauG1
])
def test_prepared_point_replaced_by_another_valid_point_is_caught(kind, size, src, dst):
    data = _copy_point(kind, size, src, dst)
    read_ptau_prefix(data, 2)  # every point is still a valid group element
    with pytest.raises(CeremonyError, match="Lagrange"):
        phase2_file_new(R1CS_BYTES, data)
    # Without the prepared points the file's (honest) powers give a key as usual.
    assert phase2_file_new(R1CS_BYTES, data, prepared=False).powers.log_n == 2


def test_phase2_verify_catches_wrong_prepared_points_if_the_check_were_skipped(monkeypatch):
    # Defence in depth: phase2_verify recomputes from the monomial powers, so even a key
    # built from an unchecked wrong basis does not verify. (L_0 is in the multiplier's B
    # query: row 0 is its constraint.)
    data = _copy_point(13, G2, 4, 3)
    monkeypatch.setattr(ceremony, "lagrange_basis_matches", lambda *args: True)
    f = phase2_file_new(R1CS_BYTES, data)
    with pytest.raises(CeremonyError):
        phase2_verify(f.transcript, f.powers, read_r1cs(R1CS_PATH))


def test_basis_of_another_domain_or_type_is_rejected_by_the_initial_key():
    pre = read_ptau_prefix(DATA, 2)
    powers = CircuitPowers(log_n=2, tau_g1=pre.tau_g1, tau_g2=pre.tau_g2,
                           alpha_tau_g1=pre.alpha_tau_g1, beta_tau_g1=pre.beta_tau_g1,
                           beta_g2=pre.beta_g2)
    r1cs = read_r1cs(R1CS_PATH)
    with pytest.raises(InvalidArgument, match="domain of 2\\^1"):
        phase2_initial_key(powers, r1cs, lagrange=read_ptau_prefix(DATA, 1).lagrange)
    with pytest.raises(InvalidEncoding):
        phase2_initial_key(powers, r1cs, lagrange=pre.tau_g1)
