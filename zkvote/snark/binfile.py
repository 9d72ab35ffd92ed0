"""The iden3 binary container shared by .r1cs, .wtns, .zkey and .ptau files.

Layout (all integers little-endian): a 4-byte magic, a u32 version, a u32 section count, then
for each section a u32 type, a u64 byte size and that many bytes. The readers here check the
container only (magic, version, that every section lies inside the file and nothing trails
it); each format checks its own sections.
"""

import struct

from zkvote.errors import InvalidEncoding
from zkvote.field import FR_MODULUS

FR_BYTES = 32
FR_MODULUS_LE = FR_MODULUS.to_bytes(FR_BYTES, "little")

_U32 = struct.Struct("<I")
_SECTION_HEAD = struct.Struct("<IQ")


def parse_container(
    data: bytes, magic: bytes, version: int, what: str
) -> list[tuple[int, memoryview]]:
    """Split ``data`` into its sections, in file order, as (type, contents) pairs.

    InvalidEncoding when ``data`` is not bytes, the magic or version differ, a section head or
    body runs past the end, or bytes follow the last section.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidEncoding(f"a {what} file must be bytes, not {type(data).__name__}")
    view = memoryview(data).cast("B")
    if len(view) < 12:
        raise InvalidEncoding(f"{what}: file too short for its header")
    if bytes(view[:4]) != magic:
        raise InvalidEncoding(f"{what}: wrong magic (expected {magic.decode()!r})")
    found, n_sections = struct.unpack_from("<II", view, 4)
    if found != version:
        raise InvalidEncoding(f"{what}: unsupported version {found} (expected {version})")
    sections = []
    pos = 12
    for _ in range(n_sections):
        if pos + _SECTION_HEAD.size > len(view):
            raise InvalidEncoding(f"{what}: truncated section header")
        kind, size = _SECTION_HEAD.unpack_from(view, pos)
        pos += _SECTION_HEAD.size
        if size > len(view) - pos:
            raise InvalidEncoding(f"{what}: section {kind} is truncated")
        sections.append((kind, view[pos : pos + size]))
        pos += size
    if pos != len(view):
        raise InvalidEncoding(f"{what}: {len(view) - pos} unexpected bytes after the last section")
    return sections


def unique_sections(
    sections: list[tuple[int, memoryview]], known: set[int], required: set[int], what: str
) -> dict[int, memoryview]:
    """Index the ``known`` section types, each at most once; other types are ignored (the
    iden3 formats say unknown sections must be). InvalidEncoding for a repeated known section
    or a missing required one."""
    found: dict[int, memoryview] = {}
    for kind, body in sections:
        if kind not in known:
            continue
        if kind in found:
            raise InvalidEncoding(f"{what}: section {kind} appears twice")
        found[kind] = body
    missing = sorted(required - found.keys())
    if missing:
        raise InvalidEncoding(f"{what}: missing section {missing[0]}")
    return found


def build_container(magic: bytes, version: int, sections: list[tuple[int, bytes]]) -> bytes:
    """Assemble a file from (type, contents) sections, in the given order."""
    parts = [magic, struct.pack("<II", version, len(sections))]
    for kind, body in sections:
        parts.append(_SECTION_HEAD.pack(kind, len(body)))
        parts.append(body)
    return b"".join(parts)


def check_field_header(body: memoryview, offset: int, what: str) -> int:
    """Check the (u32 field size, prime) pair at ``offset`` names BN254's r; return the offset
    just past it. InvalidEncoding otherwise (this package proves over BN254 only)."""
    if offset + 4 > len(body):
        raise InvalidEncoding(f"{what}: header section too short")
    (n8,) = _U32.unpack_from(body, offset)
    if n8 != FR_BYTES:
        raise InvalidEncoding(f"{what}: field size {n8} bytes, expected {FR_BYTES} (BN254 r)")
    offset += 4
    if bytes(body[offset : offset + FR_BYTES]) != FR_MODULUS_LE:
        raise InvalidEncoding(f"{what}: the field prime is not BN254's scalar field r")
    return offset + FR_BYTES
