"""Fiat-Shamir transcripts, Schnorr proofs of knowledge and Chaum-Pedersen (DLEQ) proofs:
honest proofs verify; any change to the statement, the proof or the transcript context fails."""

import random

import pytest

from zkvote.babyjub import ORDER, Point
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidProof
from zkvote.sigma import (
    DLEQProof,
    SchnorrProof,
    prove_dleq,
    prove_schnorr,
    verify_dleq,
    verify_schnorr,
)
from zkvote.transcript import PROTOCOL_VERSION, Transcript

G = Point.base8()
RNG = random.Random(5)


def context(poll_id: str = "poll-1", trustee: int = 1) -> Transcript:
    t = Transcript("zkvote/test")
    t.append_str("poll_id", poll_id)
    t.append_int("trustee", trustee)
    return t


# ------------------------------------------------------------ transcript


def test_transcript_challenges_are_deterministic_scalars():
    a, b = context(), context()
    ca, cb = a.challenge("c"), b.challenge("c")
    assert ca == cb and 0 <= ca < ORDER
    assert a.challenge("c") != ca  # the first request was absorbed


def test_transcript_binds_domain_labels_and_kinds():
    base = context().challenge("c")
    assert Transcript("zkvote/other").challenge("c") != Transcript("zkvote/test").challenge("c")
    t = context()
    t.append_int("x", 1)
    u = context()
    u.append_int("y", 1)
    v = context()
    v.append_bytes("x", b"\x01")
    assert len({t.challenge("c"), u.challenge("c"), v.challenge("c"), base}) == 4


def test_transcript_encoding_is_unambiguous_across_item_boundaries():
    t, u = Transcript("d"), Transcript("d")
    t.append_bytes("a", b"bc")
    u.append_bytes("ab", b"c")
    v, w = Transcript("d"), Transcript("d")
    v.append_str("s", "ab")
    v.append_str("s", "c")
    w.append_str("s", "a")
    w.append_str("s", "bc")
    assert t.challenge("c") != u.challenge("c")
    assert v.challenge("c") != w.challenge("c")


def test_transcript_copy_forks_and_digest_does_not_mutate():
    t = context()
    d = t.digest()
    assert t.digest() == d
    fork = t.copy()
    fork.append_int("extra", 7)
    assert t.digest() == d and fork.digest() != d
    assert PROTOCOL_VERSION == "zkvote/1"


@pytest.mark.parametrize("bad", [lambda t: t.append_int("x", -1), lambda t: t.append_int("x", True),
                                 lambda t: t.append_point("p", (1, 2)),
                                 lambda t: t.append_bytes("b", "text"),
                                 lambda t: t.append_str("s", b"bytes"),
                                 lambda t: t.append_str(3, "label must be str")])
def test_transcript_rejects_wrong_types(bad):
    with pytest.raises((InvalidEncoding, ValueError)):
        bad(Transcript("d"))


def test_transcript_rejects_empty_domain():
    with pytest.raises(InvalidArgument):
        Transcript("")


# ------------------------------------------------------------ Schnorr


def schnorr_case():
    x = RNG.randrange(1, ORDER)
    X = Point.mul_base8(x)
    return x, X, prove_schnorr(x, X, context(), rng=RNG)


def test_schnorr_honest_proof_verifies_and_round_trips_json():
    _, X, proof = schnorr_case()
    verify_schnorr(X, proof, context())
    assert SchnorrProof.from_json(proof.to_json()) == proof


def test_schnorr_nonces_are_fresh_per_proof():
    x, X, proof = schnorr_case()
    again = prove_schnorr(x, X, context())
    assert again.commitment != proof.commitment
    verify_schnorr(X, again, context())


def test_schnorr_with_other_base_verifies_only_with_that_base():
    base = Point.mul_base8(12345)
    x = 777
    X = base.mul(x)
    proof = prove_schnorr(x, X, context(), base=base)
    verify_schnorr(X, proof, context(), base=base)
    with pytest.raises(InvalidProof):
        verify_schnorr(X, proof, context())


def test_schnorr_rejects_wrong_statement():
    _, X, proof = schnorr_case()
    with pytest.raises(InvalidProof):
        verify_schnorr(X + G, proof, context())


def test_schnorr_rejects_altered_response_and_commitment():
    _, X, proof = schnorr_case()
    with pytest.raises(InvalidProof):
        verify_schnorr(X, SchnorrProof(proof.commitment, (proof.response + 1) % ORDER), context())
    with pytest.raises(InvalidProof):
        verify_schnorr(X, SchnorrProof(proof.commitment + G, proof.response), context())


def test_schnorr_proof_moved_to_other_poll_or_trustee_is_rejected():
    _, X, proof = schnorr_case()
    with pytest.raises(InvalidProof):
        verify_schnorr(X, proof, context(poll_id="poll-2"))
    with pytest.raises(InvalidProof):
        verify_schnorr(X, proof, context(trustee=2))


def test_schnorr_prover_refuses_a_false_statement():
    with pytest.raises(InvalidArgument):
        prove_schnorr(5, Point.mul_base8(6), context())


# ------------------------------------------------------------ DLEQ


def dleq_case():
    x = RNG.randrange(1, ORDER)
    B = Point.mul_base8(RNG.randrange(1, ORDER))
    A, C = Point.mul_base8(x), B.mul(x)
    return x, A, B, C, prove_dleq(x, G, A, B, C, context(), rng=RNG)


def test_dleq_honest_proof_verifies_and_round_trips_json():
    _, A, B, C, proof = dleq_case()
    verify_dleq(G, A, B, C, proof, context())
    assert DLEQProof.from_json(proof.to_json()) == proof


def test_dleq_holds_for_identity_second_base():
    # An empty tally has c1 = identity; its decryption share is the identity too.
    x = 99
    proof = prove_dleq(x, G, Point.mul_base8(x), Point.identity(), Point.identity(), context())
    verify_dleq(G, Point.mul_base8(x), Point.identity(), Point.identity(), proof, context())


@pytest.mark.parametrize("which", ["A", "B", "C"])
def test_dleq_rejects_wrong_statement(which):
    _, A, B, C, proof = dleq_case()
    stmt = {"A": A, "B": B, "C": C}
    stmt[which] = stmt[which] + G
    with pytest.raises(InvalidProof):
        verify_dleq(G, stmt["A"], stmt["B"], stmt["C"], proof, context())


def test_dleq_rejects_altered_challenge_and_response():
    _, A, B, C, proof = dleq_case()
    for bad in (DLEQProof((proof.challenge + 1) % ORDER, proof.response),
                DLEQProof(proof.challenge, (proof.response + 1) % ORDER)):
        with pytest.raises(InvalidProof):
            verify_dleq(G, A, B, C, bad, context())


def test_dleq_proof_moved_to_other_poll_or_trustee_is_rejected():
    _, A, B, C, proof = dleq_case()
    with pytest.raises(InvalidProof):
        verify_dleq(G, A, B, C, proof, context(poll_id="poll-2"))
    with pytest.raises(InvalidProof):
        verify_dleq(G, A, B, C, proof, context(trustee=3))


def test_dleq_prover_refuses_a_false_statement_and_identity_base():
    _, A, B, C, _ = dleq_case()
    with pytest.raises(InvalidArgument):
        prove_dleq(1, G, A, B, C, context())
    with pytest.raises(InvalidArgument):
        prove_dleq(0, Point.identity(), Point.identity(), B, Point.identity(), context())


def test_verifiers_leave_the_callers_transcript_unchanged():
    _, A, B, C, proof = dleq_case()
    t = context()
    before = t.digest()
    verify_dleq(G, A, B, C, proof, t)
    verify_dleq(G, A, B, C, proof, t)
    assert t.digest() == before
