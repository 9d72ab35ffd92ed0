"""Bad input to zkvote.dlog: out-of-range values, bad bounds and bases, wrong types."""

import pytest

from zkvote._native import dlog as native_dlog
from zkvote._reference import babyjub as reference_bjj
from zkvote.babyjub import GENERATOR, ORDER, Point
from zkvote.backend import use_backend
from zkvote.dlog import BSGSTable
from zkvote.errors import DiscreteLogNotFound, InvalidArgument, InvalidEncoding, NotInSubgroup
from zkvote.field import FR_MODULUS

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])


@pytest.fixture(scope="module", params=["native", "reference"])
def table(request):
    with use_backend(request.param):
        return BSGSTable(baby_bits=4)


def test_value_beyond_the_bound_is_not_found(table):
    with pytest.raises(DiscreteLogNotFound):
        table.solve(Point.base8().mul(5000), 4096)


def test_negative_value_is_not_found(table):
    # -5*g shares y with 5*g, so a table keyed on y alone would wrongly say 5
    with pytest.raises(DiscreteLogNotFound):
        table.solve(-Point.base8().mul(5), 4096)


def test_random_subgroup_point_is_not_found(table):
    with pytest.raises(DiscreteLogNotFound):
        table.solve(Point.base8().mul(ORDER // 3), 1 << 20)


def test_mixed_order_point_is_not_found(table):
    h = Point.base8().mul(7) + Point.from_affine(0, FR_MODULUS - 1, subgroup=False)
    with pytest.raises(DiscreteLogNotFound):
        table.solve(h, 4096)


@pytest.mark.parametrize("bound", [0, -1])
def test_empty_bound_is_rejected(table, bound):
    with pytest.raises(InvalidArgument):
        table.solve(Point.identity(), bound)


def test_bound_beyond_the_tables_reach_is_rejected(table):
    with pytest.raises(InvalidArgument):
        table.solve(Point.base8(), table.max_bound + 1)


def test_native_core_rejects_too_many_giant_steps():
    # below the domain layer the C solver enforces its own limit: 2^24 giant steps of 8
    t = native_dlog.table_new(reference_bjj.BASE8, 2)
    with pytest.raises(InvalidArgument):
        native_dlog.solve(t, reference_bjj.BASE8, 2**63)
    assert native_dlog.solve(t, reference_bjj.BASE8, 2**26) == 1


@BACKENDS
@pytest.mark.parametrize("bits", [0, 31, -3])
def test_baby_bits_out_of_range_is_rejected(backend, bits):
    with use_backend(backend), pytest.raises(InvalidArgument):
        BSGSTable(baby_bits=bits)


@BACKENDS
def test_identity_base_is_rejected(backend):
    with use_backend(backend), pytest.raises(InvalidArgument):
        BSGSTable(Point.identity(), baby_bits=3)


@BACKENDS
def test_base_outside_the_subgroup_is_rejected(backend):
    g = Point.from_affine(*GENERATOR, subgroup=False)
    with use_backend(backend), pytest.raises(NotInSubgroup):
        BSGSTable(g, baby_bits=3)


@pytest.mark.parametrize("backend", ["native", "reference"])
def test_slice_rejects_non_subgroup_base_below_the_domain_layer(backend):
    from zkvote.backend import impl

    with pytest.raises(NotInSubgroup):
        impl("dlog", backend).table_new(GENERATOR, 3)


def test_wrong_types_are_rejected(table):
    with pytest.raises(InvalidEncoding):
        table.solve((0, 1), 10)
    with pytest.raises(InvalidEncoding):
        table.solve(Point.identity(), 10.0)
    with pytest.raises(InvalidEncoding):
        BSGSTable(reference_bjj.BASE8, baby_bits=3)
    with pytest.raises(InvalidEncoding):
        BSGSTable(baby_bits="3")
