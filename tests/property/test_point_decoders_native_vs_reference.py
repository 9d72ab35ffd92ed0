"""Differential tests: the C-backed bulk point decoders g1_affine_from_le / g2_affine_from_le
(.zkey and .ptau sections) against the pure-Python reference slice.

Both layouts (plain little-endian and snarkjs's Montgomery form) of random valid points and
identities (all zeros), a twist point outside G2 (these decoders do not check the subgroup),
then the damage a hostile file can carry: a flipped bit, a coordinate at or above p, a wrong
length. Both backends must return the same points or raise the same error class with the same
message (naming the same first bad point).
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import groth16 as native
from zkvote._reference import groth16 as reference
from zkvote.errors import InvalidInput
from zkvote.field import FQ_MODULUS as P
from zkvote.g1 import G1
from zkvote.g2 import G2

SETTINGS = settings(max_examples=250, deadline=None)
_MONT = 1 << 256
# On the twist, outside the order-r subgroup (as in tests/adversarial/test_ceremony_file_bad_input).
OUTSIDE_G2 = ((5, 1), (
    1408319067812452414633879940013592055621582375252427422757364816067320890688,
    16043447076329872375887584556683436513165016484529127304231559706947902103147))
_G1, _G2 = G1.generator(), G2.generator()


def _coordinates(kind: str, k: int | None) -> list[int]:
    # k None: the twist point outside G2 (G2) or the generator (G1); k = 0: the identity
    if kind == "g1":
        point = _G1 if k is None else _G1 * k
        return [0, 0] if point.is_identity() else list(point.to_affine())
    if k is None:
        (x0, x1), (y0, y1) = OUTSIDE_G2
        return [x0, x1, y0, y1]
    point = _G2 * k
    (x0, x1), (y0, y1) = point.to_affine() if not point.is_identity() else ((0, 0), (0, 0))
    return [x0, x1, y0, y1]


def _encode(coordinates: list[int], montgomery: bool) -> bytes:
    return b"".join(((c * _MONT % P) if montgomery else c).to_bytes(32, "little")
                    for c in coordinates)


def _outcome(decode, data: bytes, n: int, montgomery: bool) -> tuple:
    try:
        return "ok", decode(data, n, montgomery)
    except InvalidInput as exc:
        return type(exc).__name__, str(exc)


damage = st.one_of(
    st.just(("none",)),
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(0, 7)),
    st.tuples(st.just("coordinate"), st.integers(min_value=0),
              st.sampled_from([P, P + 1, P + 4, _MONT - 1, 2**255])),
    st.tuples(st.just("length"), st.sampled_from([-1, 1, -32, 64])),
)


@SETTINGS
@given(kind=st.sampled_from(["g1", "g2"]),
       scalars=st.lists(st.one_of(st.just(0), st.none(), st.integers(1, 2**64)), max_size=4),
       montgomery=st.booleans(), hurt=damage)
def test_bulk_point_decoders_agree_with_the_reference(kind, scalars, montgomery, hurt):
    size = 64 if kind == "g1" else 128
    n = len(scalars)
    data = bytearray(b"".join(_encode(_coordinates(kind, k), montgomery) for k in scalars))
    if hurt[0] == "flip" and data:
        data[hurt[1] % len(data)] ^= 1 << hurt[2]
    elif hurt[0] == "coordinate" and data:
        at = hurt[1] % (len(data) // 32) * 32
        data[at:at + 32] = hurt[2].to_bytes(32, "little")
    elif hurt[0] == "length":
        data = data[:hurt[1]] if hurt[1] < 0 else data + bytes(hurt[1])
    name = f"{kind}_affine_from_le"
    ours = _outcome(getattr(native, name), bytes(data), n, montgomery)
    theirs = _outcome(getattr(reference, name), bytes(data), n, montgomery)
    assert ours == theirs
    if hurt[0] == "none":  # an undamaged array decodes to its points, identities as None
        assert ours[0] == "ok" and len(ours[1]) == n
        for k, point in zip(scalars, ours[1], strict=True):
            assert (point is None) == (k == 0)
    if hurt[0] == "length" and not (n == 0 and hurt[1] < 0):
        assert ours[0] == "InvalidEncoding"
    if hurt[0] == "coordinate" and n:  # named by the index of the point it sits in
        index = hurt[1] % (n * size // 32) * 32 // size
        assert ours[0] == "FieldRangeError" and f"point {index}" in ours[1]
