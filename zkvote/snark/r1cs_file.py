"""Read and write iden3 ``.r1cs`` files (version 1), as circom writes them.

Sections: 1 = header (u32 field size, prime, u32 nWires, u32 nPubOut, u32 nPubIn, u32 nPrvIn,
u64 nLabels, u32 mConstraints); 2 = constraints (for each constraint, A, B then C, each a u32
term count followed by (u32 wire, 32-byte little-endian coefficient) terms);
3 = wire-to-label map (a u64 label per wire). Coefficients are plain integers (not in
Montgomery form). Sections 4 and 5 hold PLONK custom gates, which Groth16 cannot use, so they
are refused; other section types are ignored, as the format requires.

The spec asks for terms sorted by wire, but circom does not always sort them, so a linear
combination keeps the file's term order (dicts keep insertion order) and writing emits it
unchanged, with the sections in circom's order (constraints, header, map):
``r1cs_to_bytes(r1cs_from_bytes(data)) == data`` for every file circom produces. Unknown
sections are dropped on reading, so such a file does not round-trip byte for byte.
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
from zkvote.snark.r1cs import LC, R1CS, Constraint

MAGIC = b"r1cs"
VERSION = 1
SECTION_HEADER, SECTION_CONSTRAINTS, SECTION_MAP = 1, 2, 3
_CUSTOM_GATE_SECTIONS = (4, 5)

_COUNTS = struct.Struct("<IIIIQI")  # nWires, nPubOut, nPubIn, nPrvIn, nLabels, mConstraints
_U32 = struct.Struct("<I")
_TERM = 4 + FR_BYTES


def r1cs_from_bytes(data: bytes) -> R1CS:
    """Parse a ``.r1cs`` file.

    InvalidEncoding for a wrong magic or version, truncated or trailing bytes, a missing or
    repeated section, a field other than BN254's r, inconsistent counts, a wire index not
    below nWires, a wire repeated within a linear combination, a zero coefficient, a label not
    below nLabels or custom gates; FieldRangeError for a coefficient >= r.
    """
    found, (n_wires, n_pub_out, n_pub_in, n_prv_in, n_labels, m) = _sections(data)
    constraints = _parse_constraints(found[SECTION_CONSTRAINTS], n_wires, m)
    labels = None
    if SECTION_MAP in found:
        labels = _parse_map(found[SECTION_MAP], n_wires, n_labels)
    return R1CS(
        n_wires=n_wires,
        n_pub_out=n_pub_out,
        n_pub_in=n_pub_in,
        n_prv_in=n_prv_in,
        n_labels=n_labels,
        constraints=constraints,
        prime=FR_MODULUS,
        wire_to_label=labels,
    )


def r1cs_counts(data: bytes) -> tuple[int, int, int, int, int, int]:
    """The header counts of a ``.r1cs`` file, (nWires, nPubOut, nPubIn, nPrvIn, nLabels,
    mConstraints), without decoding the constraints: cheap, for checking that a decoded
    circuit matches its bytes. Errors as :func:`r1cs_from_bytes` for the container and the
    header (the constraints and the map are not checked)."""
    return _sections(data)[1]


def _sections(data: bytes) -> tuple[dict, tuple[int, int, int, int, int, int]]:
    sections = parse_container(data, MAGIC, VERSION, "r1cs")
    if any(kind in _CUSTOM_GATE_SECTIONS for kind, _ in sections):
        raise InvalidEncoding("r1cs: custom gates (PLONK) are not supported")
    found = unique_sections(
        sections,
        {SECTION_HEADER, SECTION_CONSTRAINTS, SECTION_MAP},
        {SECTION_HEADER, SECTION_CONSTRAINTS},
        "r1cs",
    )
    header = found[SECTION_HEADER]
    offset = check_field_header(header, 0, "r1cs")
    if len(header) != offset + _COUNTS.size:
        raise InvalidEncoding(f"r1cs: header section has {len(header)} bytes, expected 64")
    counts = _COUNTS.unpack_from(header, offset)
    n_wires, n_pub_out, n_pub_in, n_prv_in = counts[:4]
    if n_wires < 1 + n_pub_out + n_pub_in + n_prv_in:
        raise InvalidEncoding("r1cs: nWires is smaller than 1 + inputs + outputs")
    return found, counts


def r1cs_to_bytes(r1cs: R1CS) -> bytes:
    """Serialize ``r1cs`` as a version-1 ``.r1cs`` file (terms in each dict's order; the map
    section only when ``wire_to_label`` is set). InvalidEncoding if it is not an R1CS."""
    if not isinstance(r1cs, R1CS):
        raise InvalidEncoding(f"expected an R1CS, not {type(r1cs).__name__}")
    header = (
        _U32.pack(FR_BYTES)
        + FR_MODULUS_LE
        + _COUNTS.pack(
            r1cs.n_wires,
            r1cs.n_pub_out,
            r1cs.n_pub_in,
            r1cs.n_prv_in,
            r1cs.n_labels,
            len(r1cs.constraints),
        )
    )
    parts = []
    for constraint in r1cs.constraints:
        for lc in constraint:
            parts.append(_U32.pack(len(lc)))
            for wire, coeff in lc.items():
                parts.append(_U32.pack(wire))
                parts.append(coeff.to_bytes(FR_BYTES, "little"))
    sections = [(SECTION_CONSTRAINTS, b"".join(parts)), (SECTION_HEADER, header)]
    if r1cs.wire_to_label is not None:
        labels = r1cs.wire_to_label
        sections.append((SECTION_MAP, struct.pack(f"<{len(labels)}Q", *labels)))
    return build_container(MAGIC, VERSION, sections)


def read_r1cs(path: str | os.PathLike) -> R1CS:
    """Read and parse the ``.r1cs`` file at ``path`` (errors as :func:`r1cs_from_bytes`)."""
    with open(path, "rb") as f:
        return r1cs_from_bytes(f.read())


def write_r1cs(r1cs: R1CS, path: str | os.PathLike) -> None:
    """Write ``r1cs`` to ``path`` as a ``.r1cs`` file."""
    data = r1cs_to_bytes(r1cs)
    with open(path, "wb") as f:
        f.write(data)


def _parse_constraints(body: memoryview, n_wires: int, m: int) -> list[Constraint]:
    # Each constraint takes at least three u32 counts: refuse an absurd m before looping on it.
    if m * 12 > len(body):
        raise InvalidEncoding(f"r1cs: constraints section too short for {m} constraints")
    constraints = []
    pos = 0
    end = len(body)
    for index in range(m):
        lcs = []
        for _ in range(3):
            if pos + 4 > end:
                raise InvalidEncoding(f"r1cs: constraint {index} is truncated")
            (n_terms,) = _U32.unpack_from(body, pos)
            pos += 4
            if n_terms * _TERM > end - pos:
                raise InvalidEncoding(f"r1cs: constraint {index} is truncated")
            lc: LC = {}
            for _ in range(n_terms):
                (wire,) = _U32.unpack_from(body, pos)
                coeff = int.from_bytes(body[pos + 4 : pos + _TERM], "little")
                pos += _TERM
                if wire >= n_wires:
                    raise InvalidEncoding(
                        f"r1cs: constraint {index} uses wire {wire}, not below nWires"
                    )
                if wire in lc:
                    raise InvalidEncoding(f"r1cs: constraint {index} repeats wire {wire}")
                if coeff >= FR_MODULUS:
                    raise FieldRangeError(f"r1cs: constraint {index}: coefficient >= r")
                if coeff == 0:
                    raise InvalidEncoding(f"r1cs: constraint {index}: zero coefficient stored")
                lc[wire] = coeff
            lcs.append(lc)
        constraints.append((lcs[0], lcs[1], lcs[2]))
    if pos != end:
        raise InvalidEncoding(f"r1cs: {end - pos} unexpected bytes after the last constraint")
    return constraints


def _parse_map(body: memoryview, n_wires: int, n_labels: int) -> list[int]:
    if len(body) != 8 * n_wires:
        raise InvalidEncoding(f"r1cs: map section has {len(body)} bytes, expected 8 * nWires")
    labels = list(struct.unpack_from(f"<{n_wires}Q", body))
    if labels and labels[0] != 0:
        raise InvalidEncoding("r1cs: wire 0 must map to label 0")
    if any(label >= n_labels for label in labels):
        raise InvalidEncoding("r1cs: a wire label is not below nLabels")
    return labels
