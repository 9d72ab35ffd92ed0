"""EdDSA-Poseidon on BabyJubJub, compatible with @zk-kit/eddsa-poseidon (BLAKE-512 flavour).

This is the signature scheme behind Semaphore v4 identities:
- h = BLAKE-512(private key); s = prune(h[0:32]) as a little-endian integer (clear the 3 low
  bits, clear bit 255, set bit 254); the *secret scalar* is (s >> 3) mod l, the public key
  A = (s >> 3) * Base8;
- sign(m): r = BLAKE-512(h[32:64] || m as 32 bytes LE) mod l, R8 = r * Base8,
  hm = Poseidon(R8.x, R8.y, A.x, A.y, m), S = r + hm * s mod l;
- verify: S * Base8 == R8 + (8 * hm) * A.

Messages are field elements (ints in [0, r)). Secret-dependent scalar multiplications use the
constant-time paths of the core; verification (public data only) uses the variable-time ones
and checks more than zk-kit does: S < l, R8 and A on the curve and in the prime-order subgroup,
A not the identity. Malformed values raise; a well-formed signature that does not verify makes
:func:`verify` return False.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkvote import babyjub
from zkvote.blake512 import blake512
from zkvote.errors import InvalidEncoding, InvalidPoint
from zkvote.field import FR_MODULUS, to_fr
from zkvote.poseidon import poseidon
from zkvote.validate import check_bytes, check_range

SUBGROUP_ORDER = babyjub.ORDER
BASE8 = babyjub.BASE8

Point = tuple[int, int]


@dataclass(frozen=True)
class Signature:
    """An EdDSA-Poseidon signature: the point R8 and the scalar S (< l)."""

    R8: Point
    S: int

    def to_json(self) -> dict:
        """zk-kit's JSON shape with decimal strings: {"R8": [x, y], "S": s}."""
        return {"R8": [str(self.R8[0]), str(self.R8[1])], "S": str(self.S)}

    def pack(self) -> bytes:
        """zk-kit's packSignature: packed R8 (32 bytes LE) || S (32 bytes LE)."""
        r8 = _subgroup_point(self.R8, "signature R8")
        return r8.pack() + _check_s(self.S).to_bytes(32, "little")

    @classmethod
    def unpack(cls, data: bytes) -> Signature:
        """Inverse of :meth:`pack`. Raises InvalidEncoding (length, bad R8 encoding),
        FieldRangeError (S >= l), InvalidPoint / NotInSubgroup (bad R8)."""
        data = check_bytes(data, 64, "a packed signature")
        r8 = babyjub.Point.unpack(data[:32])
        return cls(r8.to_affine(), _check_s(int.from_bytes(data[32:], "little")))


def _check_s(s: object) -> int:
    return check_range(s, SUBGROUP_ORDER, "signature S", "the subgroup order l")


def check_point(p: object, what: str = "point") -> Point:
    """Return ``p`` as an (x, y) tuple if it is a BabyJubJub point of the prime-order subgroup.

    Raises InvalidEncoding (not a pair of ints), FieldRangeError (coordinate >= r),
    InvalidPoint (off the curve), NotInSubgroup (on the curve, outside the subgroup).
    """
    return _subgroup_point(p, what).to_affine()


def _subgroup_point(p: object, what: str) -> babyjub.Point:
    if not isinstance(p, tuple | list) or len(p) != 2:
        raise InvalidEncoding(f"{what} must be an (x, y) pair")
    return babyjub.Point.from_affine(*p)


def _check_private_key(private_key: object) -> bytes:
    if isinstance(private_key, str):
        return private_key.encode("utf-8")  # zk-kit hashes a string's UTF-8 bytes
    if isinstance(private_key, bytes | bytearray | memoryview):
        return bytes(private_key)
    raise InvalidEncoding(f"a private key is bytes or str, not {type(private_key).__name__}")


def _pruned(h: bytes) -> int:
    b = bytearray(h[:32])
    b[0] &= 0xF8
    b[31] &= 0x7F
    b[31] |= 0x40
    return int.from_bytes(b, "little")


def derive_secret_scalar(private_key: bytes | str) -> int:
    """zk-kit's deriveSecretScalar: (prune(BLAKE-512(key)[0:32]) >> 3) mod l."""
    return (_pruned(blake512(_check_private_key(private_key))) >> 3) % SUBGROUP_ORDER


def derive_public_key(private_key: bytes | str) -> Point:
    """A = secret_scalar * Base8 (constant-time fixed-base multiplication)."""
    return babyjub.Point.mul_base8(derive_secret_scalar(private_key)).to_affine()


def sign(private_key: bytes | str, message: int) -> Signature:
    """Sign a field element ``message`` (deterministic nonce, as zk-kit).

    Raises InvalidEncoding for a key that is not bytes/str or a message that is not an int,
    FieldRangeError for a message not in [0, r).
    """
    key = _check_private_key(private_key)
    message = to_fr(message)
    h = blake512(key)
    s = _pruned(h)
    a = babyjub.Point.mul_base8(s >> 3)
    r = int.from_bytes(blake512(h[32:64] + message.to_bytes(32, "little")), "little")
    r %= SUBGROUP_ORDER
    r8 = babyjub.Point.mul_base8(r)
    hm = poseidon([r8.x, r8.y, a.x, a.y, message])
    return Signature(r8.to_affine(), (r + hm * s) % SUBGROUP_ORDER)


def verify(message: int, signature: Signature, public_key: Point) -> bool:
    """True if ``signature`` signs ``message`` under ``public_key``.

    Raises (not False) for malformed input: InvalidEncoding for wrong types, FieldRangeError for
    a message or coordinate not below r or S not below l, InvalidPoint / NotInSubgroup for a
    point off the curve or outside the subgroup, InvalidPoint for the identity as public key.
    """
    message = to_fr(message)
    if not isinstance(signature, Signature):
        raise InvalidEncoding(f"expected a Signature, not {type(signature).__name__}")
    s = _check_s(signature.S)
    r8 = _subgroup_point(signature.R8, "signature R8")
    a = _subgroup_point(public_key, "public key")
    if a.is_identity():
        raise InvalidPoint("the identity is not a valid public key")
    hm = poseidon([r8.x, r8.y, a.x, a.y, message])
    return babyjub.Point.base8().mul(s) == r8 + a.mul(8 * hm)


__all__ = ["BASE8", "FR_MODULUS", "SUBGROUP_ORDER", "Signature", "check_point",
           "derive_public_key", "derive_secret_scalar", "sign", "verify"]
