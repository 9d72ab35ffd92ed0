"""Read and write ``.wtns`` witness files (iden3 container, version 2), as snarkjs writes them.

Sections: 1 = header (u32 field size, prime, u32 nWitness); 2 = the witness values, each a
32-byte little-endian integer (plain form, not Montgomery). A witness is a list of ints in
[0, r) whose first value is 1 (the constant wire).
"""

import os
import struct

from zkvote.errors import FieldRangeError, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.snark.binfile import (
    FR_BYTES,
    FR_MODULUS_LE,
    build_container,
    check_field_header,
    parse_container,
    unique_sections,
)
from zkvote.validate import check_int

MAGIC = b"wtns"
VERSION = 2
SECTION_HEADER, SECTION_WITNESS = 1, 2

_U32 = struct.Struct("<I")


def wtns_from_bytes(data: bytes) -> list[int]:
    """Parse a ``.wtns`` file into the witness.

    InvalidEncoding for a wrong magic or version, truncated or trailing bytes, a missing or
    repeated section, a field other than BN254's r, a witness section whose size is not
    nWitness * 32 bytes, or a first value other than 1; FieldRangeError for a value >= r.
    """
    sections = parse_container(data, MAGIC, VERSION, "wtns")
    found = unique_sections(
        sections, {SECTION_HEADER, SECTION_WITNESS}, {SECTION_HEADER, SECTION_WITNESS}, "wtns"
    )
    header = found[SECTION_HEADER]
    offset = check_field_header(header, 0, "wtns")
    if len(header) != offset + 4:
        raise InvalidEncoding(f"wtns: header section has {len(header)} bytes, expected 40")
    (n_witness,) = _U32.unpack_from(header, offset)
    body = found[SECTION_WITNESS]
    if len(body) != n_witness * FR_BYTES:
        raise InvalidEncoding(
            f"wtns: witness section has {len(body)} bytes, nWitness = {n_witness} needs "
            f"{n_witness * FR_BYTES}"
        )
    raw = bytes(body)
    witness = [
        int.from_bytes(raw[i : i + FR_BYTES], "little") for i in range(0, len(raw), FR_BYTES)
    ]
    for i, value in enumerate(witness):
        if value >= FR_MODULUS:
            raise FieldRangeError(f"wtns: witness value {i} is >= r")
    if not witness or witness[0] != 1:
        raise InvalidEncoding("wtns: the first witness value (the constant wire) must be 1")
    return witness


def wtns_to_bytes(witness: list[int]) -> bytes:
    """Serialize ``witness`` as a version-2 ``.wtns`` file.

    InvalidEncoding unless it is a non-empty list of ints starting with 1; FieldRangeError
    for a value outside [0, r).
    """
    if not isinstance(witness, list | tuple) or not witness:
        raise InvalidEncoding("a witness must be a non-empty list of ints")
    for i, value in enumerate(witness):
        if not 0 <= check_int(value, "a witness value") < FR_MODULUS:
            raise FieldRangeError(f"witness[{i}] must satisfy 0 <= value < r")
    if witness[0] != 1:
        raise InvalidEncoding("witness[0] (the constant wire) must be 1")
    header = _U32.pack(FR_BYTES) + FR_MODULUS_LE + _U32.pack(len(witness))
    body = b"".join(value.to_bytes(FR_BYTES, "little") for value in witness)
    return build_container(MAGIC, VERSION, [(SECTION_HEADER, header), (SECTION_WITNESS, body)])


def read_wtns(path: str | os.PathLike) -> list[int]:
    """Read and parse the ``.wtns`` file at ``path`` (errors as :func:`wtns_from_bytes`)."""
    with open(path, "rb") as f:
        return wtns_from_bytes(f.read())


def write_wtns(witness: list[int], path: str | os.PathLike) -> None:
    """Write ``witness`` to ``path`` as a ``.wtns`` file (errors as :func:`wtns_to_bytes`)."""
    data = wtns_to_bytes(witness)
    with open(path, "wb") as f:
        f.write(data)
