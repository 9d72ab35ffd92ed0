"""Bad input to zkvote.ntt: each class of malformed argument raises its specific error."""

import pytest

from zkvote._native import ntt as native_ntt
from zkvote.backend import use_backend
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding, NotInvertible
from zkvote.field import FR_MODULUS as R
from zkvote.ntt import FrVector, coset_ntt, ntt, root_of_unity

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])


@BACKENDS
@pytest.mark.parametrize("length", [0, 3, 5, 6, 12, 100])
def test_non_power_of_two_length_is_rejected(backend, length):
    with use_backend(backend):
        with pytest.raises(InvalidArgument):
            ntt([1] * length)
        with pytest.raises(InvalidArgument):
            coset_ntt([1] * length, 5)
        with pytest.raises(InvalidArgument):
            FrVector.from_ints([1] * length)


@pytest.mark.parametrize("value", [R, R + 1, -1, 2**256])
def test_value_out_of_range_is_rejected(value):
    with pytest.raises(FieldRangeError):
        ntt([0, value])
    with pytest.raises(FieldRangeError):
        coset_ntt([0, 1], value)


@pytest.mark.parametrize("value", [1.0, "1", None, True])
def test_non_int_value_is_rejected(value):
    with pytest.raises(InvalidEncoding):
        ntt([0, value])


def test_non_sequence_input_is_rejected():
    with pytest.raises(InvalidEncoding):
        ntt("1234")
    with pytest.raises(InvalidEncoding):
        ntt(x for x in range(4))


@pytest.mark.parametrize("log_n", [-1, 29, 64])
def test_root_of_unity_beyond_two_adicity_is_rejected(log_n):
    with pytest.raises(InvalidArgument):
        root_of_unity(log_n)


def test_root_of_unity_non_int_is_rejected():
    with pytest.raises(InvalidEncoding):
        root_of_unity(3.0)


@BACKENDS
def test_inverse_coset_ntt_with_zero_shift_raises_not_invertible(backend):
    with use_backend(backend):
        with pytest.raises(NotInvertible):
            coset_ntt([1, 2], 0, inverse=True)


def test_native_core_rejects_log_n_above_28():
    with pytest.raises(InvalidArgument):
        native_ntt.root_of_unity(29)
