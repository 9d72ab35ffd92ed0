"""The one parser of decimal strings (zkvote.validate.parse_decimal) and the entry points built
on it agreeing: the JSON models, the sigma codecs, Merkle proofs, snarkjs's public signals and
proof coordinates."""

import contextlib

import pytest
from pydantic import ValidationError

from zkvote.babyjub import ORDER
from zkvote.errors import FieldRangeError, InvalidEncoding, NoSquareRoot
from zkvote.field import FQ_MODULUS, FR_MODULUS, fq_sqrt
from zkvote.g2 import G2
from zkvote.jsonmodel import BigUInt, Fr, StrictModel, parse_model
from zkvote.merkle import MerkleProof
from zkvote.sigma import scalar_from_json
from zkvote.snark.snarkjs_json import g2_to_json, proof_from_json, public_from_json
from zkvote.validate import MAX_DECIMAL_DIGITS, parse_decimal

# Every other spelling of a number, and things that are not strings at all.
NOT_CANONICAL = ["", "033", "00", "+3", "-3", " 3", "3 ", "3\n", "3.0", "1e3", "0x10", "3_000",
                 "\u0663", "\uff13", "\u00b2", 3, 3.0, None, True, b"3", ["3"]]


class _Doc(StrictModel):
    value: Fr


class _Amount(StrictModel):
    value: BigUInt


def _entry_points():
    def merkle(v):
        return MerkleProof.from_json({"root": v, "leaf": "1", "index": 0, "siblings": []}).root

    def model(v):
        return parse_model(_Doc, {"value": v}, "doc").value

    def snarkjs_proof(v):
        # v is pi_a's x; y is made to fit when v is a canonical x below p (x is parsed first,
        # so any other v fails before y matters).
        y = "2"
        if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 80 \
                and int(v) < FQ_MODULUS:
            with contextlib.suppress(NoSquareRoot):
                y = str(fq_sqrt((int(v) ** 3 + 3) % FQ_MODULUS))
        doc = {"pi_a": [v, y, "1"], "pi_b": g2_to_json(G2.generator()), "pi_c": ["1", "2", "1"],
               "protocol": "groth16", "curve": "bn128"}
        return proof_from_json(doc).a_g1.x

    return {"validate": lambda v: parse_decimal(v, "x", FR_MODULUS),
            "jsonmodel": model, "merkle": merkle,
            "snarkjs public": lambda v: public_from_json([v])[0],
            "snarkjs proof": snarkjs_proof,
            "sigma scalar": scalar_from_json}


@pytest.mark.parametrize("text", ["0", "1", "12345678901234567890", str(FR_MODULUS - 1)])
def test_canonical_decimals_below_the_limit_are_read_as_ints(text):
    assert parse_decimal(text, "x", FR_MODULUS) == int(text)
    assert parse_decimal(text, "x") == int(text)


@pytest.mark.parametrize("value", NOT_CANONICAL, ids=repr)
def test_every_other_spelling_is_invalid_encoding_naming_the_value(value):
    with pytest.raises(InvalidEncoding, match="^leaf: expected a canonical decimal string"):
        parse_decimal(value, "leaf", FR_MODULUS)


def test_a_value_at_or_above_the_limit_is_field_range_error_naming_the_bound():
    for value in (FR_MODULUS, FR_MODULUS + 1, 10**90):
        with pytest.raises(FieldRangeError, match=r"^x must satisfy 0 <= value < r$"):
            parse_decimal(str(value), "x", FR_MODULUS, "r")


def test_too_many_digits_is_out_of_range_under_a_limit_and_malformed_without_one():
    longest, too_long = "9" * MAX_DECIMAL_DIGITS, "9" * (MAX_DECIMAL_DIGITS + 1)
    assert parse_decimal(longest, "n") == int(longest)
    with pytest.raises(InvalidEncoding, match="more than 100 digits"):
        parse_decimal(too_long, "n")
    for text in (too_long, "9" * 5000, "1" + "0" * 1_000_000):  # beyond int()'s 4300 digits
        with pytest.raises(FieldRangeError):
            parse_decimal(text, "n", FR_MODULUS)


def test_a_long_bad_value_is_quoted_cut_short():
    with pytest.raises(InvalidEncoding) as error:
        parse_decimal("x" * 10_000, "leaf")
    assert len(str(error.value)) < 100


@pytest.mark.parametrize("entry", sorted(_entry_points()))
@pytest.mark.parametrize("value", NOT_CANONICAL, ids=repr)
def test_every_entry_point_refuses_the_same_spellings_as_invalid_encoding(entry, value):
    with pytest.raises(InvalidEncoding):
        _entry_points()[entry](value)


@pytest.mark.parametrize("entry", sorted(_entry_points()))
def test_every_entry_point_refuses_thousands_of_digits_as_out_of_range(entry):
    with pytest.raises(FieldRangeError):
        _entry_points()[entry]("9" * 5000)


def test_every_entry_point_reads_the_same_value_and_refuses_its_bound():
    for name, parse in _entry_points().items():
        limit = {"sigma scalar": ORDER, "snarkjs proof": FQ_MODULUS}.get(name, FR_MODULUS)
        assert parse(str(limit - 1)) == limit - 1, name
        with pytest.raises(FieldRangeError):
            parse(str(limit))


@pytest.mark.parametrize("text", [str(FQ_MODULUS), "9" * 78, "9" * 101, "9" * 5000])
def test_a_g2_proof_coordinate_at_or_above_p_is_field_range_error_at_any_length(text):
    doc = {"pi_a": ["1", "2", "1"], "pi_b": g2_to_json(G2.generator()), "pi_c": ["1", "2", "1"],
           "protocol": "groth16", "curve": "bn128"}
    doc["pi_b"][1][1] = text
    with pytest.raises(FieldRangeError, match=r"^pi_b must satisfy 0 <= value < p$"):
        proof_from_json(doc)


def test_a_big_uint_is_held_to_the_same_size_built_in_python_or_parsed():
    largest = 10**MAX_DECIMAL_DIGITS - 1
    built = _Amount(value=largest)
    assert parse_model(_Amount, built.model_dump(), "doc").value == largest  # reads back
    with pytest.raises(InvalidEncoding, match="integer: more than 100 digits"):
        parse_model(_Amount, {"value": str(largest + 1)}, "doc")
    # built in Python: pydantic's ValidationError, as for every model field refused there
    with pytest.raises(ValidationError, match="integer: more than 100 digits"):
        _Amount(value=largest + 1)  # would be written, then refused on reading
