"""Fiat-Shamir transcripts: a running SHA-512 over an unambiguous encoding of labelled items.

A :class:`Transcript` turns an interactive sigma protocol into a non-interactive proof: the
prover and the verifier absorb the same items in the same order, and every challenge is a hash
of everything absorbed so far. Soundness depends on the caller absorbing the **whole statement**
- the domain tag, the protocol version (absorbed automatically), the poll id, the trustee and
option indices, every public point and value the proof talks about - before any commitment.
A challenge that hashes only the commitment (the "weak Fiat-Shamir" mistake) lets a prover
choose the statement after the challenge and forge proofs; a transcript that omits the poll id
lets a proof be replayed in another poll.

Encoding. The hash starts with a fixed prefix, then ``PROTOCOL_VERSION`` and the domain tag as
items. Each item is ``kind (1 byte) || len(label) (4 bytes BE) || label (UTF-8) || len(data)
(8 bytes BE) || data``, so no two different sequences of items share an encoding (a label or a
value cannot run into the next one). Data by kind: ints are minimal big-endian bytes (0 is the
empty string; the length prefix makes this unambiguous), points the 64-byte
:meth:`~zkvote.babyjub.Point.to_bytes`, strings UTF-8. ``challenge(label)`` absorbs a
challenge item, then reduces the 512-bit digest of the state modulo the BabyJubJub subgroup order
l (251 bits), so the bias from uniform is below 2^-260. Successive challenges differ because
each one's item is absorbed before the digest is taken.

Transcripts are mutable; :meth:`Transcript.copy` forks one, so a statement prefix can be built
once and reused by many proofs.
"""

from __future__ import annotations

import hashlib

from zkvote.babyjub import ORDER, Point
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.validate import check_int

#: Absorbed first by every transcript; changing the proof format means bumping it.
PROTOCOL_VERSION = "zkvote/1"

_PREFIX = b"zkvote fiat-shamir transcript\x00"
_MAX_INT_BYTES = 1 << 16


def _check_label(label: object) -> bytes:
    if not isinstance(label, str):
        raise InvalidEncoding(f"transcript label must be a str, not {type(label).__name__}")
    return label.encode("utf-8")


class Transcript:
    """A Fiat-Shamir transcript bound to ``domain`` (a non-empty str naming the proof's
    purpose, e.g. ``"zkvote/dkg/pok"``). Raises InvalidEncoding / InvalidArgument for a bad
    domain."""

    __slots__ = ("_h",)

    def __init__(self, domain: str) -> None:
        if not isinstance(domain, str):
            raise InvalidEncoding(f"transcript domain must be a str, not {type(domain).__name__}")
        if not domain:
            raise InvalidArgument("transcript domain must not be empty")
        self._h = hashlib.sha512(_PREFIX)
        self._absorb(b"V", "protocol-version", PROTOCOL_VERSION.encode())
        self._absorb(b"D", "domain", domain.encode("utf-8"))

    def _absorb(self, kind: bytes, label: str, data: bytes) -> None:
        lb = _check_label(label)
        self._h.update(kind + len(lb).to_bytes(4, "big") + lb + len(data).to_bytes(8, "big"))
        self._h.update(data)

    def append_int(self, label: str, value: int) -> None:
        """Absorb a non-negative int (no upper bound beyond 2^(8*65536)). InvalidEncoding for a
        non-int (bool included), FieldRangeError for a negative or absurdly large value."""
        value = check_int(value, f"transcript int {label!r}")
        if value < 0:
            raise FieldRangeError(f"transcript int {label!r} must be non-negative")
        data = value.to_bytes((value.bit_length() + 7) // 8, "big")
        if len(data) > _MAX_INT_BYTES:
            raise FieldRangeError(f"transcript int {label!r} is too large")
        self._absorb(b"I", label, data)

    def append_point(self, label: str, point: Point) -> None:
        """Absorb a BabyJubJub point (its 64-byte affine encoding). InvalidEncoding if
        ``point`` is not a :class:`~zkvote.babyjub.Point`."""
        if not isinstance(point, Point):
            raise InvalidEncoding(f"transcript point {label!r} must be a Point")
        self._absorb(b"P", label, point.to_bytes())

    def append_bytes(self, label: str, data: bytes) -> None:
        """Absorb raw bytes. InvalidEncoding for a non-bytes value."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidEncoding(f"transcript bytes {label!r} must be bytes")
        self._absorb(b"B", label, bytes(data))

    def append_str(self, label: str, s: str) -> None:
        """Absorb a str (UTF-8). InvalidEncoding for a non-str."""
        if not isinstance(s, str):
            raise InvalidEncoding(f"transcript str {label!r} must be a str")
        self._absorb(b"S", label, s.encode("utf-8"))

    def challenge(self, label: str) -> int:
        """A scalar in [0, l) derived from everything absorbed so far and ``label``; the
        request itself is absorbed, so the next challenge differs."""
        self._absorb(b"C", label, b"")
        return int.from_bytes(self._h.copy().digest(), "big") % ORDER

    def digest(self) -> bytes:
        """64 bytes summarising the current state, without changing it (used to bind proof
        nonces to the statement)."""
        return self._h.copy().digest()

    def copy(self) -> Transcript:
        """An independent transcript with the same state."""
        t = object.__new__(Transcript)
        t._h = self._h.copy()
        return t


__all__ = ["PROTOCOL_VERSION", "Transcript"]
