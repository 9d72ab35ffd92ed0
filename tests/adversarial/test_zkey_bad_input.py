"""Malformed .zkey files: every class of bad input raises its typed error (never a crash, a
silent alias or a wrong key). Each case edits one field of snarkjs's multiplier zkey."""

import struct
from pathlib import Path

import pytest

from zkvote.errors import (
    FieldRangeError,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS as P
from zkvote.field import FR_MODULUS as R
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.zkey_file import zkey_from_bytes

ZKEY = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures" / "multiplier" \
    / "circuit_final.zkey"
DATA = ZKEY.read_bytes()
MONT = 1 << 256
# Header section offsets: n8q, q, n8r, r, then nVars, nPublic, domainSize, then the points.
COUNTS = 4 + 32 + 4 + 32
POINTS = COUNTS + 12
# On the twist, not in G2 (x = 5 + u).
OUTSIDE_G2 = ((5, 1), (
    1408319067812452414633879940013592055621582375252427422757364816067320890688,
    16043447076329872375887584556683436513165016484529127304231559706947902103147))


def _sections() -> list[tuple[int, bytearray]]:
    return [(k, bytearray(b)) for k, b in parse_container(DATA, b"zkey", 1, "zkey")]


def _body(sections, kind: int) -> bytearray:
    return next(b for k, b in sections if k == kind)


def _build(sections) -> bytes:
    return build_container(b"zkey", 1, [(k, bytes(b)) for k, b in sections])


def _mont(x: int) -> bytes:
    return (x * MONT % P).to_bytes(32, "little")


def _edit(kind: int, offset: int, raw: bytes) -> bytes:
    sections = _sections()
    body = _body(sections, kind)
    body[offset : offset + len(raw)] = raw
    return _build(sections)


def _resize(kind: int, body: bytes) -> bytes:
    return _build([(k, bytearray(body) if k == kind else b) for k, b in _sections()])


def test_the_unedited_file_parses():
    assert zkey_from_bytes(DATA).n_wires == 4


@pytest.mark.parametrize("data", [b"", DATA[:11], b"zkeq" + DATA[4:],
                                  DATA[:4] + struct.pack("<I", 2) + DATA[8:]])
def test_wrong_magic_version_or_length_is_rejected(data):
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(data)


@pytest.mark.parametrize("data", ["zkey", None, [1, 2, 3]])
def test_non_bytes_are_rejected(data):
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(data)


def test_truncated_or_trailing_bytes_are_rejected():
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(DATA[:-1])
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(DATA + b"\0")


@pytest.mark.parametrize("protocol", [0, 2, 10])
def test_other_protocols_are_rejected(protocol):
    with pytest.raises(InvalidEncoding, match="Groth16"):
        zkey_from_bytes(_edit(1, 0, struct.pack("<I", protocol)))


@pytest.mark.parametrize("kind", range(1, 11))
def test_a_missing_section_is_rejected(kind):
    with pytest.raises(InvalidEncoding, match="missing"):
        zkey_from_bytes(_build([(k, b) for k, b in _sections() if k != kind]))


def test_a_repeated_section_is_rejected():
    sections = _sections()
    with pytest.raises(InvalidEncoding, match="twice"):
        zkey_from_bytes(_build([*sections, sections[2]]))


@pytest.mark.parametrize("offset, raw", [
    (0, struct.pack("<I", 48)),                    # n8q
    (4, (P + 2).to_bytes(32, "little")),           # q
    (36, struct.pack("<I", 48)),                   # n8r
    (40, (R - 2).to_bytes(32, "little")),          # r
])
def test_other_fields_are_rejected(offset, raw):
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(_edit(2, offset, raw))


@pytest.mark.parametrize("counts", [(1, 1, 4), (4, 1, 3), (4, 1, 0), (4, 3, 2)])
def test_inconsistent_counts_are_rejected(counts):
    # nVars < nPublic + 1, domainSize not a power of two / zero, too small for the public rows
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(_edit(2, COUNTS, struct.pack("<III", *counts)))


@pytest.mark.parametrize("counts", [(5, 1, 4), (4, 2, 4), (4, 1, 8)])
def test_counts_disagreeing_with_section_sizes_are_rejected(counts):
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(_edit(2, COUNTS, struct.pack("<III", *counts)))


@pytest.mark.parametrize("kind", [2, 3, 5, 6, 7, 8, 9])
def test_a_section_of_the_wrong_size_is_rejected(kind):
    body = bytes(_body(_sections(), kind))
    for wrong in (body[:-1], body + b"\0" * 64, body[:-64]):
        with pytest.raises(InvalidEncoding):
            zkey_from_bytes(_resize(kind, wrong))


def test_a_short_transcript_is_rejected():
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(_resize(10, bytes(_body(_sections(), 10))[:67]))


def test_a_wrong_coefficient_count_is_rejected():
    body = bytes(_body(_sections(), 4))
    (count,) = struct.unpack_from("<I", body)
    for wrong in (count + 1, count - 1, 2**32 - 1):
        with pytest.raises(InvalidEncoding):
            zkey_from_bytes(_resize(4, struct.pack("<I", wrong) + body[4:]))


@pytest.mark.parametrize("field, value", [(0, 2), (1, 4), (2, 4), (2, 2**32 - 1)])
def test_a_coefficient_out_of_place_is_rejected(field, value):
    # matrix not A/B, row not below domainSize (4), wire not below nVars (4)
    with pytest.raises(InvalidEncoding):
        zkey_from_bytes(_edit(4, 4 + 4 * field, struct.pack("<I", value)))


@pytest.mark.parametrize("value", [R, 2**256 - 1])
def test_a_coefficient_not_below_r_is_rejected(value):
    with pytest.raises(FieldRangeError):
        zkey_from_bytes(_edit(4, 16, value.to_bytes(32, "little")))


@pytest.mark.parametrize("kind, offset", [(2, POINTS), (3, 32), (5, 0), (7, 96), (9, 64)])
def test_a_coordinate_not_below_p_is_rejected(kind, offset):
    # A stored p + x would decode to the same point as x: no aliases.
    with pytest.raises(FieldRangeError):
        zkey_from_bytes(_edit(kind, offset, P.to_bytes(32, "little")))


@pytest.mark.parametrize("kind, offset", [(2, POINTS), (2, POINTS + 64), (3, 0), (5, 0),
                                          (8, 0), (9, 0)])
def test_a_g1_point_off_the_curve_is_rejected(kind, offset):
    with pytest.raises(InvalidPoint):
        zkey_from_bytes(_edit(kind, offset, _mont(1) + _mont(3)))


@pytest.mark.parametrize("offset", [POINTS + 128, POINTS + 256, POINTS + 448])
def test_a_g2_header_point_off_the_twist_is_rejected(offset):
    with pytest.raises(InvalidPoint):
        zkey_from_bytes(_edit(2, offset, b"".join(_mont(c) for c in (1, 0, 2, 0))))


def _outside_g2() -> bytes:
    (x0, x1), (y0, y1) = OUTSIDE_G2
    return b"".join(_mont(c) for c in (x0, x1, y0, y1))


@pytest.mark.parametrize("kind, offset", [(2, POINTS + 128), (2, POINTS + 448), (7, 0),
                                          (7, 384)])
def test_a_g2_point_outside_the_subgroup_is_rejected(kind, offset):
    with pytest.raises(NotInSubgroup):
        zkey_from_bytes(_edit(kind, offset, _outside_g2()))

