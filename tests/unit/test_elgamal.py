"""Exponential ElGamal: encryption round trips, homomorphic sums, aggregation of ballot vectors
(native column sums equal one-by-one addition, on both backends), re-randomisation, JSON."""

import random

import pytest

from zkvote import backend, elgamal
from zkvote.babyjub import ORDER, Point
from zkvote.elgamal import Ciphertext
from zkvote.errors import (
    DiscreteLogNotFound,
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
)

RNG = random.Random(11)
SK, PK = elgamal.keygen(RNG)


def test_keygen_gives_a_matching_subgroup_key_pair():
    sk, pk = elgamal.keygen()
    assert 1 <= sk < ORDER and pk == Point.mul_base8(sk) and pk.is_in_subgroup()


@pytest.mark.parametrize("m", [0, 1, 2, 1000, 65_535])
def test_encrypt_then_decrypt_returns_the_plaintext(m):
    ct, r = elgamal.encrypt(PK, m, rng=RNG)
    assert 1 <= r < ORDER
    assert elgamal.decrypt_to_point(SK, ct) == Point.mul_base8(m)
    assert elgamal.decrypt(SK, ct, 1 << 20) == m


def test_explicit_randomness_gives_the_textbook_ciphertext():
    ct, r = elgamal.encrypt(PK, 3, 42)
    assert r == 42
    assert ct == Ciphertext(Point.mul_base8(42), Point.mul_base8(3) + PK.mul(42))


def test_encrypt_vector_uses_independent_randomness_per_option():
    cts, rs = elgamal.encrypt_vector(PK, [1, 0, 1, 0], rng=RNG)
    assert len(set(rs)) == 4
    for ct, r, v in zip(cts, rs, [1, 0, 1, 0], strict=True):
        assert ct == Ciphertext(Point.mul_base8(r), Point.mul_base8(v) + PK.mul(r))
    fixed, _ = elgamal.encrypt_vector(PK, [5, 6], [7, 8])
    assert fixed == [elgamal.encrypt(PK, 5, 7)[0], elgamal.encrypt(PK, 6, 8)[0]]


def test_sum_of_ciphertexts_decrypts_to_sum_of_plaintexts():
    a, _ = elgamal.encrypt(PK, 20, rng=RNG)
    b, _ = elgamal.encrypt(PK, 22, rng=RNG)
    assert elgamal.decrypt(SK, a + b, 100) == 42
    assert a + Ciphertext.zero() == a


def test_aggregate_equals_one_by_one_addition_and_decrypts_to_the_tally():
    votes = [[RNG.randrange(3) for _ in range(5)] for _ in range(40)]
    ballots = [elgamal.encrypt_vector(PK, v, rng=RNG)[0] for v in votes]
    agg = elgamal.aggregate(iter(ballots), 5)  # a generator is fine
    slow = [Ciphertext.zero()] * 5
    for b in ballots:
        slow = elgamal.add_vectors(slow, b)
    assert agg == slow
    assert [elgamal.decrypt(SK, c, 1000) for c in agg] == [sum(c) for c in zip(*votes, strict=True)]


def test_aggregate_spans_native_chunks(monkeypatch):
    monkeypatch.setattr(elgamal, "_AGGREGATE_CHUNK", 3)
    ballots = [elgamal.encrypt_vector(PK, [i % 2, 1], rng=RNG)[0] for i in range(10)]
    agg = elgamal.aggregate(ballots, 2)
    assert [elgamal.decrypt(SK, c, 100) for c in agg] == [5, 10]


def test_aggregate_of_nothing_is_zero_ciphertexts():
    assert elgamal.aggregate([], 3) == [Ciphertext.zero()] * 3


def test_aggregate_reference_backend_agrees_with_native():
    ballots = [elgamal.encrypt_vector(PK, [1, 2, 3], rng=RNG)[0] for _ in range(6)]
    native = elgamal.aggregate(ballots, 3)
    with backend.use_backend("reference"):
        assert elgamal.aggregate(ballots, 3) == native


def test_aggregate_rejects_a_vector_of_the_wrong_length_naming_it():
    ballots = [elgamal.encrypt_vector(PK, [1, 1])[0], elgamal.encrypt_vector(PK, [1])[0]]
    with pytest.raises(InvalidArgument, match="vector 1"):
        elgamal.aggregate(ballots, 2)
    with pytest.raises(InvalidEncoding):
        elgamal.aggregate([[Point.identity(), Point.identity()]], 2)
    with pytest.raises(InvalidArgument):
        elgamal.aggregate([], 0)


def test_rerandomize_preserves_the_plaintext_and_changes_the_ciphertext():
    ct, _ = elgamal.encrypt(PK, 9, rng=RNG)
    fresh = elgamal.rerandomize(PK, ct, rng=RNG)
    assert fresh != ct and fresh.c1 != ct.c1 and fresh.c2 != ct.c2
    assert elgamal.decrypt(SK, fresh, 100) == 9


def test_decode_beyond_the_bound_raises():
    ct, _ = elgamal.encrypt(PK, 500, rng=RNG)
    with pytest.raises(DiscreteLogNotFound):
        elgamal.decrypt(SK, ct, 500)
    assert elgamal.decrypt(SK, ct, 501) == 500


def test_ciphertext_json_round_trip_equality_and_hash():
    ct, _ = elgamal.encrypt(PK, 1, rng=RNG)
    data = ct.to_json()
    assert isinstance(data, list) and all(isinstance(v, str) for p in data for v in p)
    back = Ciphertext.from_json(data)
    assert back == ct and hash(back) == hash(ct) and len({ct, back}) == 1
    assert elgamal.vector_from_json(elgamal.vector_to_json([ct, ct]), 2) == [ct, ct]
    with pytest.raises(InvalidEncoding):
        elgamal.vector_from_json(elgamal.vector_to_json([ct]), 2)


@pytest.mark.parametrize("pk", [Point.identity(), None, (1, 2)])
def test_encrypt_refuses_a_bad_public_key(pk):
    with pytest.raises((InvalidArgument, InvalidEncoding)):
        elgamal.encrypt(pk, 1)


def test_encrypt_refuses_a_public_key_outside_the_subgroup():
    from zkvote.babyjub import GENERATOR
    with pytest.raises(InvalidArgument):
        elgamal.encrypt(Point.from_affine(*GENERATOR, subgroup=False), 1)


@pytest.mark.parametrize("m, r, exc", [(-1, None, FieldRangeError), (ORDER, None, FieldRangeError),
                                       (1, 0, InvalidArgument), (1, ORDER, FieldRangeError),
                                       (True, None, InvalidEncoding)])
def test_encrypt_refuses_out_of_range_plaintext_or_randomness(m, r, exc):
    with pytest.raises(exc):
        elgamal.encrypt(PK, m, r)


def test_decrypt_refuses_a_zero_or_out_of_range_key():
    ct, _ = elgamal.encrypt(PK, 1)
    for sk in (0, ORDER):
        with pytest.raises((InvalidArgument, FieldRangeError)):
            elgamal.decrypt_to_point(sk, ct)


def test_add_vectors_requires_equal_lengths():
    v, _ = elgamal.encrypt_vector(PK, [1, 2])
    with pytest.raises(InvalidArgument):
        elgamal.add_vectors(v, v[:1])
