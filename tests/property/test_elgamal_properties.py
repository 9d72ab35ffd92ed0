"""Properties of exponential ElGamal: the homomorphism, re-randomisation, JSON round trips and
aggregation (native column sums) equal to one-by-one addition."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote import elgamal
from zkvote.babyjub import ORDER, Point
from zkvote.elgamal import Ciphertext

SK = 0x1234567890ABCDEF1234567890ABCDEF % ORDER
PK = Point.mul_base8(SK)
BOUND = 1 << 21

small = st.integers(min_value=0, max_value=1 << 20)
randomness = st.integers(min_value=1, max_value=ORDER - 1)
FAST = settings(max_examples=40, deadline=None)


@FAST
@given(small, small, randomness, randomness)
def test_decryption_of_a_sum_is_the_sum_of_plaintexts(a, b, ra, rb):
    ca, _ = elgamal.encrypt(PK, a, ra)
    cb, _ = elgamal.encrypt(PK, b, rb)
    assert elgamal.decrypt_to_point(SK, ca + cb) == Point.mul_base8(a + b)
    if a + b < BOUND:
        assert elgamal.decrypt(SK, ca + cb, BOUND) == a + b


@FAST
@given(small, randomness, randomness)
def test_rerandomisation_preserves_plaintext_and_changes_ciphertext(m, r, s):
    ct, _ = elgamal.encrypt(PK, m, r)
    fresh = elgamal.rerandomize(PK, ct, s)
    assert fresh.c1 != ct.c1 and fresh.c2 != ct.c2
    if (r + s) % ORDER:
        assert fresh == elgamal.encrypt(PK, m, (r + s) % ORDER)[0]
    assert elgamal.decrypt_to_point(SK, fresh) == Point.mul_base8(m)


@FAST
@given(small, randomness)
def test_ciphertext_json_round_trips(m, r):
    ct, _ = elgamal.encrypt(PK, m, r)
    assert Ciphertext.from_json(ct.to_json()) == ct


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), max_size=12),
       st.randoms(use_true_random=False))
def test_aggregate_equals_sequential_sum(votes, rnd):
    ballots = [elgamal.encrypt_vector(PK, v, rng=rnd)[0] for v in votes]
    expected = [Ciphertext.zero()] * 3
    for b in ballots:
        expected = elgamal.add_vectors(expected, b)
    assert elgamal.aggregate(ballots, 3) == expected
    totals = [sum(col) for col in zip(*votes, strict=True)] if votes else [0, 0, 0]
    assert [elgamal.decrypt(SK, c, 100) for c in expected] == totals
