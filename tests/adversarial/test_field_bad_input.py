"""Bad input to zkvote.field: each class of malformed value raises its specific error."""

import pytest

from zkvote import field
from zkvote._native import fields as native_fields
from zkvote.errors import FieldRangeError, InvalidEncoding

P, R = field.FQ_MODULUS, field.FR_MODULUS


@pytest.mark.parametrize("fn", [field.to_fr, field.to_fq, field.fr_inv, field.fr_sqrt])
@pytest.mark.parametrize("value", [1.0, "1", None, b"\x01", True, [1]])
def test_non_int_field_element_is_rejected(fn, value):
    with pytest.raises(InvalidEncoding):
        fn(value)


@pytest.mark.parametrize("value", [-1, R, R + 1, 2**256, -(2**300)])
def test_fr_element_out_of_range_is_rejected(value):
    with pytest.raises(FieldRangeError):
        field.to_fr(value)
    with pytest.raises(FieldRangeError):
        field.fr_batch_inv([1, value])


@pytest.mark.parametrize("value", [-1, P, P + 1, 2**256])
def test_fq_element_out_of_range_is_rejected(value):
    with pytest.raises(FieldRangeError):
        field.to_fq(value)
    with pytest.raises(FieldRangeError):
        field.fq_inv(value)


def test_fr_value_between_r_and_p_is_an_fq_but_not_an_fr():
    # r < p: values in [r, p) are the ones a mixed-up modulus check would let through
    value = R + 1
    assert value < P
    assert field.to_fq(value) == value
    with pytest.raises(FieldRangeError):
        field.to_fr(value)


@pytest.mark.parametrize("length", [0, 1, 31, 33, 64])
def test_wrong_length_encodings_are_rejected(length):
    with pytest.raises(InvalidEncoding):
        field.fr_from_bytes(bytes(length))
    with pytest.raises(InvalidEncoding):
        field.fq_from_bytes(bytes(length))
    with pytest.raises(InvalidEncoding):
        field.fr_from_bytes_reduce(bytes(length))


@pytest.mark.parametrize("order", ["little", "big"])
def test_non_canonical_encodings_are_rejected(order):
    for modulus, decode in ((R, field.fr_from_bytes), (P, field.fq_from_bytes)):
        with pytest.raises(FieldRangeError):
            decode(modulus.to_bytes(32, order), order)
        with pytest.raises(FieldRangeError):
            decode(b"\xff" * 32, order)


def test_non_bytes_encoding_is_rejected():
    with pytest.raises(InvalidEncoding):
        field.fr_from_bytes("00" * 32)
    with pytest.raises(InvalidEncoding):
        field.fr_from_bytes(bytes(32), byteorder="middle")


def test_exponent_out_of_range_is_rejected():
    with pytest.raises(FieldRangeError):
        field.fr_pow(2, -1)
    with pytest.raises(FieldRangeError):
        field.fq_pow(2, 2**256)


def test_native_decoder_rejects_non_canonical_element_that_skipped_validation():
    # the C core must not silently reduce a value >= modulus even if a caller skips the
    # domain layer
    with pytest.raises(FieldRangeError):
        native_fields.fr_mul(R, 1)
    with pytest.raises(FieldRangeError):
        native_fields.fq_add(P, 0)
    with pytest.raises(FieldRangeError):
        native_fields.fr_array_from_ints([1, R])
