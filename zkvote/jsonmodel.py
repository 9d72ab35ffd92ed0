"""Strict JSON building blocks shared by the protocol documents (manifest, ballot, record).

Conventions (docs/record-format.md): field elements and other big integers are canonical
decimal strings ("0" or no leading zero); BabyJubJub points are ``[x, y]`` arrays of such
strings, validated on the curve and in the prime-order subgroup; digests are lowercase hex;
every document is an object carrying ``"version"``, parsed by a pydantic model that rejects
unknown fields and coercions (``"5"`` for 5, ``true`` for 1).

:func:`canonical_json` is the one byte encoding that is hashed: keys sorted, no whitespace,
UTF-8, integers as JSON numbers (only small ones appear as numbers).

Deeply nested input cannot crash the parser: CPython's JSON scanner raises RecursionError,
reported as InvalidEncoding.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
)

from zkvote.babyjub import Point
from zkvote.errors import InvalidEncoding, InvalidInput, NotInSubgroup
from zkvote.field import FR_MODULUS
from zkvote.hexkeys import check_hex
from zkvote.sigma import point_from_json, point_to_json
from zkvote.validate import MAX_DECIMAL_DIGITS, parse_decimal

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every document model: frozen, no unknown fields, no type coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True,
                              arbitrary_types_allowed=True)


def _from_python(info: ValidationInfo) -> bool:
    # Models built in Python may hold ints and Points; documents parsed by parse_model
    # (context "json") must use the canonical string forms, so one value has one encoding.
    return not (info.context and info.context.get("json"))


def _fr(value: object, info: ValidationInfo) -> int:
    if _from_python(info) and isinstance(value, int) and not isinstance(value, bool) \
            and 0 <= value < FR_MODULUS:
        return value
    return parse_decimal(value, "field element", FR_MODULUS)


# BigUInt's bound, so that a model built in Python never writes a value its own parser would
# refuse on reading it back.
_UINT_LIMIT = 10**MAX_DECIMAL_DIGITS


def _uint(value: object, info: ValidationInfo) -> int:
    if _from_python(info) and isinstance(value, int) and not isinstance(value, bool) \
            and value >= 0:
        if value >= _UINT_LIMIT:
            raise InvalidEncoding(f"integer: more than {MAX_DECIMAL_DIGITS} digits")
        return value
    return parse_decimal(value, "integer")


def _point(value: object, info: ValidationInfo) -> Point:
    if _from_python(info) and isinstance(value, Point):
        if not value.is_in_subgroup():
            raise NotInSubgroup("point outside the prime-order subgroup")
        return value
    if not isinstance(value, list):  # point_from_json also takes a tuple, which JSON is not
        raise InvalidEncoding("a point is an array [x, y] of two decimal strings")
    return point_from_json(value, "point")


def _sha256_hex(value: object) -> str:
    return check_hex(value, "a sha256 digest", 32)


def _version1(value: object) -> int:
    # Literal[1] would also take True and 1.0 (equal to 1): a version is exactly the int 1.
    if type(value) is not int or value != 1:
        raise InvalidEncoding(f"unsupported version {value!r:.20} (expected 1)")
    return value


#: A field element (0 <= x < r) as a decimal string.
Fr = Annotated[int, PlainValidator(_fr), PlainSerializer(str)]
#: A non-negative integer of at most MAX_DECIMAL_DIGITS (100) digits as a decimal string
#: (amounts, totals); InvalidEncoding beyond, whether parsed or built in Python.
BigUInt = Annotated[int, PlainValidator(_uint), PlainSerializer(str)]
#: A BabyJubJub point of the prime-order subgroup as ``[x, y]``.
PointJSON = Annotated[Point, PlainValidator(_point), PlainSerializer(point_to_json)]
#: ``"version": 1``, exactly the JSON integer 1.
Version1 = Annotated[int, PlainValidator(_version1)]
#: A sha256 digest as 64 lowercase hex digits.
Sha256Hex = Annotated[str, PlainValidator(_sha256_hex, json_schema_input_type=str)]


def canonical_json(value: Any) -> bytes:
    """The hashed encoding: sorted keys, no whitespace, UTF-8 (non-ASCII kept as is)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def load_json(data: str | bytes, what: str) -> Any:
    """Parse JSON text strictly: UTF-8, no NaN/Infinity, no duplicate keys. Raises
    InvalidEncoding naming ``what`` (also for nesting too deep for the parser and for a number
    too long for Python's int conversion)."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidEncoding(f"{what}: not UTF-8") from None
    if not isinstance(data, str):
        raise InvalidEncoding(f"{what}: expected JSON text, not {type(data).__name__}")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise InvalidEncoding(f"{what}: duplicate key {key!r}")
            out[key] = value
        return out

    def no_constant(name: str) -> Any:
        raise InvalidEncoding(f"{what}: {name} is not JSON")

    try:
        return json.loads(data, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except InvalidInput:
        raise
    except (ValueError, RecursionError) as exc:  # also an int beyond Python's 4300 digits
        raise InvalidEncoding(f"{what}: not JSON ({exc})") from None


def parse_model(model: type[M], data: Any, what: str) -> M:
    """Validate ``data`` (parsed JSON, or JSON text/bytes) with ``model``.

    The first validation error is re-raised as the zkvote error a validator raised
    (InvalidPoint, NotInSubgroup, FieldRangeError, ...) or else as InvalidEncoding, its
    message naming ``what`` and the field's location.
    """
    if isinstance(data, str | bytes | bytearray):
        data = load_json(data, what)
    try:
        return model.model_validate(data, context={"json": True})
    except ValidationError as exc:
        raise _translate(exc, what) from None


def _translate(exc: ValidationError, what: str) -> InvalidInput:
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err.get("loc", ())) or "document"
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidInput):
        return type(cause)(f"{what}: {loc}: {cause}")
    return InvalidEncoding(f"{what}: {loc}: {err.get('msg', 'invalid')}")


__all__ = ["BigUInt", "Fr", "PointJSON", "Sha256Hex", "StrictModel", "Version1",
           "canonical_json", "load_json", "parse_model"]
