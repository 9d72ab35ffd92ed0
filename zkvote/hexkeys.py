"""Ed25519 keys written as hex: the files that hold a signing key's 32-byte seed (the
coordinator's log and admin keys, a trustee's request key) and the public keys that documents,
command options and wallet pins carry as 64 hex digits.

One reader each, so that a key file or key string is held to the same rules wherever it
enters (the client, the coordinator, the verifier). Keys are written in lowercase; public keys
in documents must be (one key, one spelling: they are compared as strings), while a seed file
may also be in uppercase, as someone may have typed it. Nothing here prints or keeps a secret.
"""

from __future__ import annotations

import re

from nacl.signing import SigningKey

from zkvote.errors import InvalidEncoding

#: A 32-byte key as hex.
KEY_HEX_CHARS = 64

_PUBLIC_HEX = re.compile(r"[0-9a-f]{64}")
_SEED_HEX = re.compile(r"[0-9a-fA-F]{64}")


def is_key_hex(value: object) -> bool:
    """Whether ``value`` is a str of exactly 64 lowercase hex digits: the one spelling of a
    32-byte public key in documents, options and pins."""
    return isinstance(value, str) and _PUBLIC_HEX.fullmatch(value) is not None


def public_key_from_hex(value: object, what: str = "an Ed25519 public key") -> bytes:
    """The 32 bytes of a public key written as 64 lowercase hex digits (no white space, no
    ``0x``). Raises InvalidEncoding (``"{what} is 64 lowercase hex digits"``) for anything
    else. Does not check that the bytes encode a curve point: Ed25519 verification does."""
    if not isinstance(value, str) or not is_key_hex(value):
        raise InvalidEncoding(f"{what} is 64 lowercase hex digits")
    return bytes.fromhex(value)


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


__all__ = ["KEY_HEX_CHARS", "is_key_hex", "public_key_from_hex", "signing_key_from_hex"]
