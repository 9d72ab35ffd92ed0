"""Semaphore v4 identities (bit-compatible with @semaphore-protocol/identity 4.x).

An identity is an EdDSA-Poseidon key pair (zkvote.eddsa): the private key is any byte string
(32 random bytes by default; a text key is used as its UTF-8 bytes), the secret scalar s and the
public key A = s * Base8 derive from it, the *commitment* Poseidon(A.x, A.y) is what a group
(zkvote.merkle) holds, and the *nullifier* for a poll scope is Poseidon(scope, s).

Secrets never appear in ``repr`` or ``str``; :meth:`Identity.save` writes the exported key to
a file created with mode 0600, atomically, and refuses to replace an existing file unless asked.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from zkvote import eddsa
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import to_fr
from zkvote.poseidon import poseidon, poseidon2

PRIVATE_KEY_BYTES = 32


class Identity:
    """A member's identity. ``Identity()`` draws a fresh random private key."""

    __slots__ = ("_private_key", "_secret_scalar", "_public_key", "_commitment")

    def __init__(self, private_key: bytes | str | None = None) -> None:
        """Build the identity of ``private_key`` (bytes, or text used as UTF-8).

        Raises InvalidEncoding for another type, InvalidArgument for an empty key.
        """
        if private_key is None:
            private_key = secrets.token_bytes(PRIVATE_KEY_BYTES)
        if isinstance(private_key, str):
            key = private_key.encode("utf-8")
        elif isinstance(private_key, bytes | bytearray | memoryview):
            key = bytes(private_key)
        else:
            kind = type(private_key).__name__
            raise InvalidEncoding(f"a private key is bytes or str, not {kind}")
        if not key:
            raise InvalidArgument("a private key cannot be empty")
        self._private_key = key
        self._secret_scalar = eddsa.derive_secret_scalar(key)
        self._public_key = eddsa.derive_public_key(key)
        self._commitment = poseidon2(*self._public_key)

    @property
    def private_key(self) -> bytes:
        """The private key bytes (a secret: never log it)."""
        return self._private_key

    @property
    def secret_scalar(self) -> int:
        """The secret scalar s (< l) the circuits use (a secret: never log it)."""
        return self._secret_scalar

    @property
    def public_key(self) -> tuple[int, int]:
        """A = s * Base8, as (x, y)."""
        return self._public_key

    @property
    def commitment(self) -> int:
        """Poseidon(A.x, A.y): the identity's leaf in a group."""
        return self._commitment

    def nullifier(self, scope: int) -> int:
        """Poseidon(scope, s): one value per identity and scope (poll), unlinkable across scopes.

        Raises FieldRangeError / InvalidEncoding if ``scope`` is not a field element.
        """
        return poseidon2(to_fr(scope), self._secret_scalar)

    def sign(self, message: int) -> eddsa.Signature:
        """EdDSA-Poseidon signature of the field element ``message``."""
        return eddsa.sign(self._private_key, message)

    @staticmethod
    def verify_signature(message: int, signature: eddsa.Signature,
                         public_key: tuple[int, int]) -> bool:
        """See :func:`zkvote.eddsa.verify`."""
        return eddsa.verify(message, signature, public_key)

    @staticmethod
    def generate_commitment(public_key: tuple[int, int]) -> int:
        """The commitment of a public key (checked to be a subgroup point)."""
        x, y = eddsa.check_point(public_key, "public key")
        return poseidon2(x, y)

    # ---------------------------------------------------------------- export / import
    def export(self) -> str:
        """Semaphore's export: the private key in standard base64 (a secret)."""
        return base64.b64encode(self._private_key).decode("ascii")

    @classmethod
    def import_(cls, exported: str) -> Identity:
        """Inverse of :meth:`export` (Semaphore's ``Identity.import``).

        Stricter than Semaphore's decoder: raises InvalidEncoding for anything that is not
        canonical padded base64 (stray characters, bad padding), InvalidArgument if empty.
        """
        if not isinstance(exported, str):
            raise InvalidEncoding(f"an exported identity is a str, not {type(exported).__name__}")
        text = exported.strip()
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidEncoding("an exported identity must be base64") from None
        if base64.b64encode(key).decode("ascii") != text:
            raise InvalidEncoding("an exported identity must be canonical base64")
        return cls(key)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Store the exported private key at ``path``: a new file of mode 0600, written to a
        temporary file in the same directory and renamed into place, so no reader ever sees a
        partial or world-readable secret.

        Raises FileExistsError if ``path`` exists and ``overwrite`` is false.
        """
        target = Path(path)
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(self.export() + "\n")
                f.flush()
                os.fsync(f.fileno())
            if overwrite:
                os.replace(tmp, target)
            else:
                os.link(tmp, target)  # fails if target appeared meanwhile: never clobber
                os.unlink(tmp)
        except BaseException:
            if tmp.exists():
                tmp.unlink()
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Identity:
        """Read an identity written by :meth:`save`. Raises InvalidEncoding if malformed."""
        return cls.import_(Path(path).read_text(encoding="ascii"))

    # ---------------------------------------------------------------- no secrets in output
    def __repr__(self) -> str:
        return f"Identity(commitment={self._commitment})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Identity):
            return NotImplemented
        return secrets.compare_digest(self._private_key, other._private_key)

    def __hash__(self) -> int:
        return hash(self._commitment)

    def __reduce__(self):
        raise TypeError("identities are not picklable: export() them explicitly")


def weighted_commitment(public_key: tuple[int, int], credits: int) -> int:
    """Poseidon(A.x, A.y, credits): the leaf of a member of a *weighted* group, whose weight
    (credits) the ballot circuit reads from the leaf. ``public_key`` is checked to be a subgroup
    point (InvalidEncoding / FieldRangeError / InvalidPoint / NotInSubgroup otherwise);
    ``credits`` must be a field element (FieldRangeError), and below 2^72 to be usable in a
    ballot (the circuit's credit width).
    """
    x, y = eddsa.check_point(public_key, "public key")
    return poseidon([x, y, to_fr(credits)])


__all__ = ["Identity", "weighted_commitment"]
