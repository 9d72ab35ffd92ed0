"""Bad points given to the bulk decoder: decode_points answers None (its callers then name the
point), and the .ptau run decoders raise the same class and message, naming the point's index
in the run, whichever backend decoded the run."""

import pytest

from zkvote.backend import use_backend
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.ptau import decode_g1_mont, decode_g2_mont, decode_points

MONT = 1 << 256
# A point on the twist outside the order-r subgroup (as in test_ptau_bad_input).
OUTSIDE_G2 = (5, 1, 1408319067812452414633879940013592055621582375252427422757364816067320890688,
              16043447076329872375887584556683436513165016484529127304231559706947902103147)


def _mont(*coords: int) -> bytes:
    return b"".join((c * MONT % FQ_MODULUS).to_bytes(32, "little") for c in coords)


GOOD_G1 = _mont(1, 2)
GOOD_G2 = _mont(*(c for pair in G2.generator().to_affine() for c in pair))
BAD_G1 = {"range": (FieldRangeError, FQ_MODULUS.to_bytes(32, "little") + bytes(32),
                    "a coordinate is not below p"),
          "curve": (InvalidPoint, _mont(1, 3), "not on the curve y^2 = x^3 + 3")}
BAD_G2 = {"range": (FieldRangeError, FQ_MODULUS.to_bytes(32, "little") + bytes(96),
                    "a coordinate is not below p"),
          "twist": (InvalidPoint, _mont(1, 0, 1, 0), "not on the twist"),
          "subgroup": (NotInSubgroup, _mont(*OUTSIDE_G2), "not in the G2 subgroup")}


@pytest.mark.parametrize("backend", ["native", "reference"])
@pytest.mark.parametrize("case", sorted(BAD_G1))
def test_bad_g1_point_in_a_strided_run_is_named_by_its_index(backend, case):
    exc, bad, reason = BAD_G1[case]
    raw = GOOD_G1 * 5 + bad + GOOD_G1 * 2  # the bad point is point 5: the third odd one
    with use_backend(backend):
        assert decode_points(raw, G1, 8, montgomery=True) is None
        with pytest.raises(exc) as info:
            decode_g1_mont(raw, "tauG1", count=4, first=1, stride=2)
    assert str(info.value) == f"ptau: tauG1 point 5: {reason}"


@pytest.mark.parametrize("backend", ["native", "reference"])
@pytest.mark.parametrize("case", sorted(BAD_G2))
def test_bad_g2_point_is_named_by_its_index(backend, case):
    exc, bad, reason = BAD_G2[case]
    raw = GOOD_G2 * 2 + bad + GOOD_G2
    with use_backend(backend):
        assert decode_points(raw, G2, 4, montgomery=True) is None
        with pytest.raises(exc) as info:
            decode_g2_mont(raw, "tauG2", count=4)
    assert str(info.value) == f"ptau: tauG2 point 2: {reason}"


def test_run_of_the_wrong_length_is_refused():
    with pytest.raises(InvalidEncoding):
        decode_points(GOOD_G1 + b"\x00", G1, 1, montgomery=True)
    with pytest.raises(InvalidEncoding, match="too few"):
        decode_g1_mont(GOOD_G1, "tauG1", count=2)


def test_kind_that_is_not_a_curve_group_is_refused():
    with pytest.raises(InvalidArgument):
        decode_points(GOOD_G1, int, 1, montgomery=True)
