"""The Grain LFSR generator reproduces the shipped Poseidon constants (and so circomlib's)."""

import pytest

from zkvote import grain
from zkvote.errors import InvalidArgument
from zkvote.poseidon_constants import MAX_WIDTH, MIN_WIDTH, constants

# circomlibjs poseidon_constants.json, C[0][0] and M[0][0][0] (t = 2)
CIRCOMLIB_T2_C0 = 0x09C46E9EC68E9BD4FE1FAABA294CBA38A71AA177534CDD1B6C7DC0DBD0ABD7A7
CIRCOMLIB_T2_M00 = 0x066F6F85D6F68A85EC10345351A23A3AAF07F38AF8C952A7BCECA70BD2AF7AD5


def _as_tuples(c, m):
    return tuple(c), tuple(tuple(row) for row in m)


@pytest.mark.parametrize("t", [2, 3])
def test_regenerated_constants_equal_the_shipped_table(t):
    assert _as_tuples(*grain.generate(t)) == constants(t)


@pytest.mark.slow
@pytest.mark.parametrize("t", range(MIN_WIDTH, MAX_WIDTH + 1))
def test_regenerated_constants_equal_the_shipped_table_all_widths(t):
    assert _as_tuples(*grain.generate(t)) == constants(t)


def test_first_constants_equal_circomlibs_published_ones():
    c, m = grain.generate(2)
    assert c[0] == CIRCOMLIB_T2_C0
    assert m[0][0] == CIRCOMLIB_T2_M00


def test_constants_are_canonical_field_elements():
    c, m = constants(5)
    assert all(0 <= x < grain.FR_MODULUS for x in c)
    assert all(0 < x < grain.FR_MODULUS for row in m for x in row)


def test_lfsr_output_depends_on_the_instance_parameters():
    a = grain.GrainLFSR(254, 3, 8, 57).bits(256)
    b = grain.GrainLFSR(254, 3, 8, 56).bits(256)
    assert a != b and set(a) == {"0", "1"}


@pytest.mark.parametrize("t", [1, 18, 0, "3"])
def test_unsupported_width_is_rejected(t):
    with pytest.raises(InvalidArgument):
        grain.generate(t)
