"""Poseidon: the published circomlib vectors on both backends, and the shape of the API."""

import pytest

from zkvote import backend
from zkvote.grain import ROUNDS_F, ROUNDS_P
from zkvote.poseidon import hash_pairs_packed, poseidon, poseidon2
from zkvote.poseidon_constants import MAX_WIDTH, MIN_WIDTH, constants

P1 = 18586133768512220936620570745912940619677854269274689475585506675881198879027
P12 = 7853200120776062878684798364095072458815029376092732009249414926327459813530


@pytest.mark.parametrize("name", backend.BACKENDS)
def test_known_vectors_match_circomlib(name):
    with backend.use_backend(name):
        assert poseidon([1]) == P1
        assert poseidon([1, 2]) == P12
        assert poseidon2(1, 2) == P12


def test_tuple_and_list_inputs_hash_alike():
    assert poseidon((1, 2)) == poseidon([1, 2])


def test_hash_pairs_packed_equals_one_hash_per_pair():
    pairs = [(1, 2), (3, 4), (0, 5)]
    packed = b"".join(a.to_bytes(32, "little") + b.to_bytes(32, "little") for a, b in pairs)
    out = hash_pairs_packed(packed)
    assert [int.from_bytes(out[32 * i:32 * i + 32], "little") for i in range(3)] == [
        poseidon2(a, b) for a, b in pairs]
    assert hash_pairs_packed(b"") == b""


def test_shipped_table_has_every_width_with_circomlib_round_counts():
    for t in range(MIN_WIDTH, MAX_WIDTH + 1):
        c, m = constants(t)
        assert len(c) == (ROUNDS_F + ROUNDS_P[t - 2]) * t
        assert len(m) == t and all(len(row) == t for row in m)
