"""Known values and API behaviour of zkvote.ntt, on both backends."""

import pytest

from zkvote.backend import use_backend
from zkvote.field import FR_MODULUS as R
from zkvote.ntt import FrVector, coset_ntt, ntt, root_of_unity

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])


@BACKENDS
@pytest.mark.parametrize("log_n", [0, 1, 2, 16, 27, 28])
def test_root_of_unity_is_primitive(backend, log_n):
    with use_backend(backend):
        w = root_of_unity(log_n)
    assert pow(w, 1 << log_n, R) == 1
    if log_n:
        assert pow(w, 1 << (log_n - 1), R) == R - 1


def test_root_of_unity_comes_from_generator_five():
    assert root_of_unity(28) == pow(5, (R - 1) >> 28, R)
    assert root_of_unity(1) == R - 1


@BACKENDS
def test_ntt_of_delta_is_all_ones_and_of_constant_is_delta(backend):
    with use_backend(backend):
        assert ntt([1, 0, 0, 0]) == [1, 1, 1, 1]
        assert ntt([5, 5, 5, 5], inverse=True) == [5, 0, 0, 0]
        assert ntt([7]) == [7]


@BACKENDS
def test_ntt_evaluates_polynomial_at_powers_of_root(backend):
    coeffs = [3, 1, 4, 1, 5, 9, 2, 6]
    with use_backend(backend):
        w = root_of_unity(3)
        evals = ntt(coeffs)
    assert evals == [sum(c * pow(w, i * j, R) for j, c in enumerate(coeffs)) % R for i in range(8)]


@BACKENDS
def test_coset_ntt_evaluates_on_shifted_domain(backend):
    coeffs = [2, 7, 1, 8]
    shift = 5
    with use_backend(backend):
        w = root_of_unity(2)
        evals = coset_ntt(coeffs, shift)
        assert coset_ntt(evals, shift, inverse=True) == coeffs
    points = [shift * pow(w, i, R) % R for i in range(4)]
    assert evals == [sum(c * pow(x, j, R) for j, c in enumerate(coeffs)) % R for x in points]


@BACKENDS
def test_fr_vector_transforms_in_place_and_roundtrips(backend):
    values = [i * i + 1 for i in range(16)]
    with use_backend(backend):
        vec = FrVector.from_ints(values)
        assert len(vec) == 16
        assert vec.ntt().to_ints() == ntt(values)
        assert vec.ntt(inverse=True).to_ints() == values
        assert vec.coset_ntt(7).coset_ntt(7, inverse=True).to_ints() == values


def test_fr_vector_keeps_its_backend():
    with use_backend("reference"):
        vec = FrVector.from_ints([1, 2, 3, 4])
    assert vec.ntt().to_ints() == ntt([1, 2, 3, 4])
