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

from zkvote.backend import impl
from zkvote.blake512 import blake512
from zkvote.errors import (
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FR_MODULUS, to_fr
from zkvote.poseidon import poseidon
from zkvote.validate import check_range

SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041
BASE8 = (
    5299619240641551281634865583518297030282874472190772894086521144482721001553,
    16950150798460657717958625567821834550301663161624707787222815936182638968203,
)
IDENTITY = (0, 1)

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
        check_point(self.R8, "signature R8")
        _check_s(self.S)
        return impl("babyjub").pack(self.R8) + self.S.to_bytes(32, "little")

    @classmethod
    def unpack(cls, data: bytes) -> Signature:
        """Inverse of :meth:`pack`. Raises InvalidEncoding (length, bad R8 encoding),
        FieldRangeError (S >= l), InvalidPoint / NotInSubgroup (bad R8)."""
        if not isinstance(data, bytes | bytearray) or len(data) != 64:
            raise InvalidEncoding("a packed signature is 64 bytes")
        r8 = impl("babyjub").unpack(bytes(data[:32]))
        check_point(r8, "signature R8")
        return cls(r8, _check_s(int.from_bytes(data[32:], "little")))


def _check_s(s: object) -> int:
    return check_range(s, SUBGROUP_ORDER, "signature S", "the subgroup order l")


def check_point(p: object, what: str = "point") -> Point:
    """Return ``p`` as an (x, y) tuple if it is a BabyJubJub point of the prime-order subgroup.

    Raises InvalidEncoding (not a pair of ints), FieldRangeError (coordinate >= r),
    InvalidPoint (off the curve), NotInSubgroup (on the curve, outside the subgroup).
    """
    if not isinstance(p, tuple | list) or len(p) != 2:
        raise InvalidEncoding(f"{what} must be an (x, y) pair")
    x, y = (to_fr(c) for c in p)
    bjj = impl("babyjub")
    if not bjj.is_on_curve((x, y)):
        raise InvalidPoint(f"{what} is not on BabyJubJub")
    if not bjj.is_in_subgroup((x, y)):
        raise NotInSubgroup(f"{what} is not in BabyJubJub's prime-order subgroup")
    return (x, y)


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
    return impl("babyjub").mul_base8(derive_secret_scalar(private_key))


def sign(private_key: bytes | str, message: int) -> Signature:
    """Sign a field element ``message`` (deterministic nonce, as zk-kit).

    Raises InvalidEncoding for a key that is not bytes/str or a message that is not an int,
    FieldRangeError for a message not in [0, r).
    """
    key = _check_private_key(private_key)
    message = to_fr(message)
    h = blake512(key)
    s = _pruned(h)
    bjj = impl("babyjub")
    a = bjj.mul_base8(s >> 3)
    r = int.from_bytes(blake512(h[32:64] + message.to_bytes(32, "little")), "little")
    r %= SUBGROUP_ORDER
    r8 = bjj.mul_base8(r)
    hm = poseidon([r8[0], r8[1], a[0], a[1], message])
    return Signature(r8, (r + hm * s) % SUBGROUP_ORDER)


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
    r8 = check_point(signature.R8, "signature R8")
    a = check_point(public_key, "public key")
    if a == IDENTITY:
        raise InvalidPoint("the identity is not a valid public key")
    hm = poseidon([r8[0], r8[1], a[0], a[1], message])
    bjj = impl("babyjub")
    left = bjj.mul_vartime(BASE8, s)
    right = bjj.add(r8, bjj.mul_vartime(a, (8 * hm) % SUBGROUP_ORDER))
    return bjj.equal(left, right)


__all__ = ["BASE8", "FR_MODULUS", "SUBGROUP_ORDER", "Signature", "check_point",
           "derive_public_key", "derive_secret_scalar", "sign", "verify"]
