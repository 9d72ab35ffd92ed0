"""A contribution's batches of secret multiplications split over threads give the same
points as one thread, in order, for any thread count and for batches too small to split, on
either backend."""

import secrets

import pytest

from zkvote.backend import use_backend
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark import ceremony
from zkvote.snark.ceremony import _SLICE_MIN, _scaled


@pytest.mark.parametrize("kind, count", [(G1, 3 * _SLICE_MIN + 5), (G2, 2 * _SLICE_MIN + 1),
                                         (G1, 7)])
def test_threaded_batch_equals_the_single_thread_result(kind, count):
    points = [kind.generator() * (i + 2) for i in range(count)]
    points[count // 2] = kind.identity()
    scalars = [secrets.randbelow(FR_MODULUS) for _ in range(count)] + [5]  # extra: ignored
    one = _scaled(kind, points, scalars, threads=1)
    assert len(one) == count
    for threads in (2, 3, 8):
        assert _scaled(kind, points, scalars, threads=threads) == one
    i = count - 1
    assert one[i] == points[i] * scalars[i]


@pytest.mark.parametrize("kind", [G1, G2])
def test_reference_backend_threaded_batch_equals_the_native_result(kind, monkeypatch):
    # py_ecc multiplies in milliseconds: small slices, so that a short batch is split too.
    monkeypatch.setattr(ceremony, "_SLICE_MIN", 2)
    points = [kind.generator() * (i + 2) for i in range(5)]
    points[1] = kind.identity()
    scalars = [secrets.randbelow(FR_MODULUS) for _ in range(5)]
    native = _scaled(kind, points, scalars, threads=1)
    with use_backend("reference"):
        for threads in (1, 2, 3):
            assert _scaled(kind, points, scalars, threads=threads) == native
