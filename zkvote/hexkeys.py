"""Bytes written as lowercase hex: Ed25519 keys, digests, signatures and ciphertexts in
documents, command options and wallet pins, and the files that hold a signing key's 32-byte
seed (the coordinator's log and admin keys, a trustee's request key).

One reader each, so that a hex value or key file is held to the same rules wherever it
enters (the client, the coordinator, the verifier). Hex in documents is lowercase, no ``0x``,
no white space (one value, one spelling: digests and keys are compared as strings), while a
seed file may also be in uppercase, as someone may have typed it. Nothing here prints or keeps
a secret.
"""

from __future__ import annotations

import re

from nacl.signing import SigningKey

from zkvote.errors import InvalidEncoding

#: A 32-byte key as hex.
KEY_HEX_CHARS = 64

_LOWER_HEX = re.compile(r"(?:[0-9a-f]{2})*")
_SEED_HEX = re.compile(r"[0-9a-fA-F]{64}")


def _is_lower_hex(value: object, min_bytes: int, max_bytes: int) -> bool:
    # The length first: the pattern never runs over an oversized string.
    return (isinstance(value, str) and 2 * min_bytes <= len(value) <= 2 * max_bytes
            and _LOWER_HEX.fullmatch(value) is not None)


def check_hex(value: object, what: str, length: int) -> str:
    """``value`` if it is a str of exactly ``2 * length`` lowercase hex digits (the spelling
    of ``length`` bytes: no white space, no ``0x``). Raises InvalidEncoding (``"{what} is
    {2 * length} lowercase hex digits"``) for anything else."""
    if not is_hex(value, length):
        raise InvalidEncoding(f"{what} is {2 * length} lowercase hex digits")
    return value


def bytes_from_hex(value: object, what: str, length: int | None = None,
                   max_length: int = 4096) -> bytes:
    """The bytes that ``value`` spells as lowercase hex digits: exactly ``length`` bytes when
    given (errors as :func:`check_hex`), otherwise any whole number of bytes up to
    ``max_length``. Raises InvalidEncoding (``"{what} is lowercase hex of at most
    {max_length} bytes"``) for anything else."""
    if length is not None:
        return bytes.fromhex(check_hex(value, what, length))
    if not _is_lower_hex(value, 0, max_length):
        raise InvalidEncoding(f"{what} is lowercase hex of at most {max_length} bytes")
    return bytes.fromhex(value)


def is_hex(value: object, length: int) -> bool:
    """Whether ``value`` is a str of exactly ``2 * length`` lowercase hex digits: the one
    spelling of ``length`` bytes (for callers that raise their own error)."""
    return _is_lower_hex(value, length, length)


def is_key_hex(value: object) -> bool:
    """Whether ``value`` is a str of exactly 64 lowercase hex digits: the one spelling of a
    32-byte public key in documents, options and pins."""
    return is_hex(value, KEY_HEX_CHARS // 2)


def public_key_from_hex(value: object, what: str = "an Ed25519 public key") -> bytes:
    """The 32 bytes of a public key written as 64 lowercase hex digits (no white space, no
    ``0x``). Raises InvalidEncoding (``"{what} is 64 lowercase hex digits"``) for anything
    else. Does not check that the bytes encode a curve point: Ed25519 verification does."""
    return bytes_from_hex(value, what, KEY_HEX_CHARS // 2)


def signing_key_from_hex(data: bytes | str, what: str) -> SigningKey:
    """The Ed25519 signing key whose 32-byte seed ``data`` (a key file's content) holds as 64
    hex digits, either case, with white space around them at most. Raises InvalidEncoding
    (``"{what}: expected 64 hex digits of an Ed25519 seed"``, never quoting the content) for
    anything else: other characters, another length, non-ASCII bytes. ``what`` names the
    file (a path) for the message."""
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    if not isinstance(text, str) or not _SEED_HEX.fullmatch(text := text.strip()):
        raise InvalidEncoding(f"{what}: expected {KEY_HEX_CHARS} hex digits of an Ed25519 seed")
    return SigningKey(bytes.fromhex(text))


__all__ = ["KEY_HEX_CHARS", "bytes_from_hex", "check_hex", "is_hex", "is_key_hex",
           "public_key_from_hex", "signing_key_from_hex"]
