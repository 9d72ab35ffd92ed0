"""zkvote.dlog: BSGSTable and discrete_log behaviour on both backends."""

import secrets

import pytest

from zkvote import dlog
from zkvote.babyjub import Point
from zkvote.backend import use_backend
from zkvote.dlog import BSGSTable, discrete_log
from zkvote.errors import DiscreteLogNotFound

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])


@BACKENDS
def test_small_table_finds_every_value_below_the_bound(backend):
    with use_backend(backend):
        table = BSGSTable(baby_bits=3)  # N = 8, stride 16
        for m in range(200):
            assert table.solve(Point.base8().mul(m), 200) == m


@BACKENDS
def test_value_equal_to_the_bound_is_not_found(backend):
    with use_backend(backend):
        table = BSGSTable(baby_bits=4)
        h = Point.base8().mul(100)
        assert table.solve(h, 101) == 100
        with pytest.raises(DiscreteLogNotFound):
            table.solve(h, 100)


@BACKENDS
def test_table_with_another_base(backend):
    with use_backend(backend):
        base = Point.base8().mul(987654321)
        table = BSGSTable(base, baby_bits=5)
        assert table.base == base and table.baby_bits == 5
        assert table.solve(base.mul(777), 1000) == 777
        with pytest.raises(DiscreteLogNotFound):
            table.solve(Point.base8().mul(777), 1000)


def test_discrete_log_decodes_32_bit_values_with_the_default_table():
    for m in [0, 1, 2**32 - 1, secrets.randbelow(2**32)]:
        assert discrete_log(Point.base8().mul(m), 2**32) == m


def test_default_table_is_cached_per_backend_and_base():
    a = dlog.default_table()
    assert dlog.default_table() is a
    assert a.baby_bits == dlog.DEFAULT_BABY_BITS
    assert a.backend == "native"


def test_discrete_log_with_explicit_base():
    base = Point.base8().mul(5)
    assert discrete_log(base.mul(31337), 2**20, base=base) == 31337


def test_max_bound_covers_two_to_the_forty_with_the_default_table():
    assert dlog.default_table().max_bound >= 2**40


def test_table_keeps_the_backend_it_was_built_with():
    with use_backend("reference"):
        table = BSGSTable(baby_bits=4)
    assert table.backend == "reference"
    assert table.solve(Point.base8().mul(300), 1000) == 300
