"""BLAKE-512 (SHA-3 finalist) against the specification's examples and padding boundaries."""

import pytest

from zkvote.blake512 import blake512
from zkvote.errors import InvalidEncoding

# BLAKE specification (v1.3), appendix A: the 8-bit message 0x00 and 1152 zero bits.
ONE_BLOCK = ("97961587f6d970faba6d2478045de6d1fabd09b61ae50932054d52bc29d31be4"
             "ff9102b9f69e2bbdb83be13d4b9c06091e5fa0b48bd081b634058be0ec49beb3")
TWO_BLOCKS = ("313717d608e9cf758dcb1eb0f0c3cf9fc150b2d500fb33f51c52afc99d358a2f"
              "1374b8a38bba7974e7f6ef79cab16f22ce1e649d6e01ad9589c213045d545dde")
# Produced by the npm package blake-hash (which zk-kit's implementation adapts), for the
# messages bytes((7 * i + 3) % 256 for i in range(n)): lengths at the padding boundaries.
BOUNDARIES = {
    111: "720062f20d8c4d25f6453377c8824e94acce75207d0e205c6fd3fc00d8bae0ac"
         "b7166120ddcc1a75ba08c4ad3d8c5e0f316c86d22c6ee896394e61eebfc4c072",
    112: "98db0413b1d5d00701e47201b3231775469848e6dcc466518eb558bbc70a6f90"
         "52565dae93bb6492e6561191cb35cd6ff1d74acae40eac1f32adab1260438f01",
    128: "3c350078680ce05cd542e0b8fcf0757ce88131135ab58a5ec9785f02052d62fc"
         "799244607d404cfd97dfcd158474448d35d77cca9cffb931f261866cb1c38901",
}


def test_spec_one_block_example():
    assert blake512(b"\x00").hex() == ONE_BLOCK


def test_spec_two_block_example():
    assert blake512(bytes(144)).hex() == TWO_BLOCKS


@pytest.mark.parametrize("n", sorted(BOUNDARIES))
def test_padding_boundary_lengths_match_blake_hash(n):
    # 111 bytes: padding fits with 0x81; 112: it spills into a counter-zero block; 128: a
    # full message block followed by a padding-only block.
    msg = bytes((7 * i + 3) % 256 for i in range(n))
    assert blake512(msg).hex() == BOUNDARIES[n]


def test_empty_message_differs_from_zero_byte():
    assert blake512(b"") != blake512(b"\x00")
    assert len(blake512(b"")) == 64


@pytest.mark.parametrize("n", [110, 111, 112, 127, 128, 129, 255, 256])
def test_padding_boundaries_give_distinct_digests(n):
    msg = bytes((7 * i + 3) % 256 for i in range(n))
    assert blake512(msg) != blake512(msg + b"\x00")
    assert blake512(bytearray(msg)) == blake512(msg)


def test_non_bytes_input_is_rejected():
    with pytest.raises(InvalidEncoding):
        blake512("text")  # type: ignore[arg-type]
