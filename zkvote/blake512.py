"""BLAKE-512, the SHA-3 finalist (Aumasson, Henzen, Meier, Phan; final round, 2010) — not BLAKE2.

@zk-kit/eddsa-poseidon (hence Semaphore v4 identities) derives secret scalars and signature
nonces with it, and no maintained Python package provides it, so it is implemented here from
the specification: 64-bit words, 16 rounds of the G function over a 4x4 state, salt zero,
padding ``1 0* 1 || 128-bit big-endian bit length``, and the bit counter folded into the state
(zero for a block that holds only padding). Pure Python: hashing a key takes microseconds to a
few milliseconds, which is all identities need.
"""

from __future__ import annotations

import struct

from zkvote.errors import InvalidEncoding

DIGEST_SIZE = 64
BLOCK_SIZE = 128

_MASK = (1 << 64) - 1

_IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)

# The first digits of pi.
_C = (
    0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89,
    0x452821E638D01377, 0xBE5466CF34E90C6C, 0xC0AC29B7C97C50DD, 0x3F84D5B5B5470917,
    0x9216D5D98979FB1B, 0xD1310BA698DFB5AC, 0x2FFD72DBD01ADFB7, 0xB8E1AFED6A267E96,
    0xBA7C9045F12C7F99, 0x24A19947B3916CF7, 0x0801F2E2858EFC16, 0x636920D871574E69,
)

_SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)

# (a, b, c, d) state indices of G_0..G_7: four columns, then four diagonals.
_STEPS = (
    (0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
    (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14),
)
_ROUNDS = 16


def _compress(h: list[int], block: bytes, counter: int) -> None:
    m = struct.unpack(">16Q", block)
    t0, t1 = counter & _MASK, counter >> 64
    v = list(h) + [
        _C[0], _C[1], _C[2], _C[3],  # salt is zero
        t0 ^ _C[4], t0 ^ _C[5], t1 ^ _C[6], t1 ^ _C[7],
    ]
    for r in range(_ROUNDS):
        s = _SIGMA[r % 10]
        for i, (a, b, c, d) in enumerate(_STEPS):
            x, y = s[2 * i], s[2 * i + 1]
            va, vb, vc, vd = v[a], v[b], v[c], v[d]
            va = (va + vb + (m[x] ^ _C[y])) & _MASK
            vd ^= va
            vd = (vd >> 32 | vd << 32) & _MASK
            vc = (vc + vd) & _MASK
            vb ^= vc
            vb = (vb >> 25 | vb << 39) & _MASK
            va = (va + vb + (m[y] ^ _C[x])) & _MASK
            vd ^= va
            vd = (vd >> 16 | vd << 48) & _MASK
            vc = (vc + vd) & _MASK
            vb ^= vc
            vb = (vb >> 11 | vb << 53) & _MASK
            v[a], v[b], v[c], v[d] = va, vb, vc, vd
    for i in range(8):
        h[i] ^= v[i] ^ v[i + 8]  # salt is zero


def blake512(data: bytes | bytearray | memoryview) -> bytes:
    """The 64-byte BLAKE-512 digest of ``data`` (salt zero).

    Raises InvalidEncoding if ``data`` is not bytes-like.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidEncoding(f"BLAKE-512 input must be bytes, not {type(data).__name__}")
    data = bytes(data)
    bit_len = 8 * len(data)
    h = list(_IV)
    full = len(data) // BLOCK_SIZE
    for k in range(full):
        _compress(h, data[k * BLOCK_SIZE:(k + 1) * BLOCK_SIZE], 8 * BLOCK_SIZE * (k + 1))
    tail = data[full * BLOCK_SIZE:]
    length = bit_len.to_bytes(16, "big")
    if len(tail) <= BLOCK_SIZE - 17:
        # One final block: message bits, 1, zeros, 1, length (0x81 if the two 1s meet).
        pad = bytearray(BLOCK_SIZE - 16 - len(tail))
        pad[0] |= 0x80
        pad[-1] |= 0x01
        _compress(h, tail + bytes(pad) + length, bit_len if tail else 0)
    else:
        # The padding spills into a block with no message bits, whose counter is zero.
        pad = bytearray(BLOCK_SIZE - len(tail))
        pad[0] = 0x80
        _compress(h, tail + bytes(pad), bit_len)
        last = bytearray(BLOCK_SIZE - 16)
        last[-1] = 0x01
        _compress(h, bytes(last) + length, 0)
    return struct.pack(">8Q", *h)
