"""circomlib's Poseidon hash over BN254's scalar field (outputs equal circomlibjs/poseidon-lite).

``poseidon([x1, ..., xn])`` for 1 <= n <= 16 runs the Poseidon permutation of width t = n + 1
(R_F = 8, circomlib's R_P per width, the original round constants and MDS matrices produced by
the Grain LFSR procedure of the Poseidon paper, see zkvote.grain) on the state
[0, x1, ..., xn] and returns state[0].

The arithmetic runs on the current backend (zkvote.backend): the C core by default, or the
plain-definition Python reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote.backend import impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS, to_fr

MAX_INPUTS = 16


def poseidon(inputs: Sequence[int]) -> int:
    """Poseidon hash of 1..16 field elements.

    Raises InvalidEncoding if ``inputs`` is not a list/tuple of ints, InvalidArgument if it has
    fewer than 1 or more than 16 elements, FieldRangeError if an element is not in [0, r).
    """
    if not isinstance(inputs, list | tuple):
        kind = type(inputs).__name__
        raise InvalidEncoding(f"Poseidon inputs must be a list or tuple, not {kind}")
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise InvalidArgument(f"Poseidon takes 1..{MAX_INPUTS} inputs, not {len(inputs)}")
    values = tuple(to_fr(x) for x in inputs)
    return impl("poseidon").poseidon_hash(values)


def poseidon2(a: int, b: int) -> int:
    """Poseidon(a, b): the LeanIMT node hash and the Semaphore commitment/nullifier hash."""
    return poseidon((a, b))


def hash_pairs_packed(packed: bytes | bytearray | memoryview) -> bytes:
    """Poseidon(a, b) of each consecutive pair of 32-byte little-endian field elements.

    The bulk path of Merkle tree construction: one native call hashes all pairs. Returns the
    digests packed the same way (32 bytes each). Raises InvalidEncoding if the length is not a
    multiple of 64, FieldRangeError if an element is not below r.
    """
    if not isinstance(packed, bytes | bytearray | memoryview):
        raise InvalidEncoding(f"packed pairs must be bytes, not {type(packed).__name__}")
    if len(packed) % 64:
        raise InvalidEncoding(f"packed pairs must be a multiple of 64 bytes, not {len(packed)}")
    return impl("poseidon").hash_pairs_packed(packed)


__all__ = ["FR_MODULUS", "MAX_INPUTS", "hash_pairs_packed", "poseidon", "poseidon2"]
