"""The bulk point decoder shared by the .ptau readers and the ceremony files
(zkvote.snark.ptau.decode_points): the same points in both backends and both layouts."""

import pytest

from zkvote.backend import use_backend
from zkvote.field import FQ_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.ptau import decode_g1_mont, decode_points

MONT = 1 << 256
POINTS_G1 = [G1.generator() * k for k in (1, 2, 3, 0, 12345)]
POINTS_G2 = [G2.generator() * k for k in (1, 0, 7)]


def _mont_le(points: list) -> bytes:
    coords = []
    for p in points:
        xy = p.to_affine()
        coords += list(xy) if isinstance(p, G1) else [*xy[0], *xy[1]]
    return b"".join((c * MONT % FQ_MODULUS).to_bytes(32, "little") for c in coords)


@pytest.mark.parametrize("backend", ["native", "reference"])
@pytest.mark.parametrize("points", [POINTS_G1, POINTS_G2], ids=["G1", "G2"])
def test_both_layouts_decode_to_the_encoded_points(backend, points):
    kind = type(points[0])
    eip197 = b"".join(p.to_bytes() for p in points)
    with use_backend(backend):
        assert decode_points(eip197, kind, len(points), montgomery=False,
                             big_endian=True) == tuple(points)
        assert decode_points(_mont_le(points), kind, len(points),
                             montgomery=True) == tuple(points)


def test_strided_decode_reads_every_other_point():
    raw = _mont_le(POINTS_G1)
    assert decode_g1_mont(raw, "x", count=2, first=1, stride=2) == (POINTS_G1[1], POINTS_G1[3])
    assert decode_g1_mont(raw, "x", count=5) == tuple(POINTS_G1)


def test_zero_points_decode_to_an_empty_tuple():
    assert decode_points(b"", G2, 0, montgomery=True) == ()
