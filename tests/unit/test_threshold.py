"""t-of-n DKG and threshold decryption: honest runs, cheating dealers caught by complaints or
proofs, tampered transport, the public transcript replayed, partial decryptions with proofs and
Lagrange combination from any t trustees."""

import itertools
import random

import pytest

from zkvote import decryption as dec
from zkvote import elgamal
from zkvote import threshold as th
from zkvote.babyjub import ORDER, Point
from zkvote.decryption import PartialDecryption
from zkvote.errors import InvalidArgument, InvalidProof, ProtocolError
from zkvote.sigma import SchnorrProof
from zkvote.threshold import (
    Complaint,
    DKGContext,
    DKGTranscript,
    Trustee,
    TrusteeShare,
)

SIZES = [(1, 1), (2, 3), (3, 5)]
VOTES = [[1, 0, 0, 2], [0, 1, 0, 1], [0, 1, 0, 0], [1, 1, 0, 3]]
TALLY = [sum(col) for col in zip(*VOTES, strict=True)]


def tally_ciphertexts(pk: Point, rng: random.Random) -> list[elgamal.Ciphertext]:
    return elgamal.aggregate([elgamal.encrypt_vector(pk, v, rng=rng)[0] for v in VOTES], 4)


def decrypt_with(shares, cts, ctx, rng=None):
    partials = [dec.partial_decrypt(s, cts, ctx, rng=rng) for s in shares]
    points = dec.combine_partials(partials, cts, ctx.t)
    return [elgamal.decode(p, 1000) for p in points]


def run(ctx, rng, *, trustee_cls=None, tamper_round1=None, tamper_boxes=None, silent=()):
    """The DKG step by step, with hooks to misbehave: returns (transcript, shares by index)."""
    classes = trustee_cls or {}
    trustees = {i: classes.get(i, Trustee)(i, ctx, rng) for i in range(1, ctx.n + 1)}
    round1 = [tr.round1() for tr in trustees.values()]
    if tamper_round1:
        round1 = tamper_round1(round1, trustees)
    boxes = [es for tr in trustees.values() for es in tr.round2(round1)]
    if tamper_boxes:
        boxes = tamper_boxes(boxes)
    complaints = [c for tr in trustees.values() for c in tr.receive_shares(round1, boxes)]
    answers = []
    for c in complaints:
        if c.accused in silent:
            continue
        try:
            answers.append(trustees[c.accused].answer_complaint(c))
        except ProtocolError:
            pass
    qualified = set(range(1, ctx.n + 1)) - th.resolve_complaints(round1, complaints, answers, ctx)
    shares = {i: tr.finalize(qualified, answers) for i, tr in trustees.items()}
    transcript = DKGTranscript(ctx, round1, complaints, answers, qualified,
                               shares[1].joint_public_key,
                               [th.public_share(round1, qualified, j)
                                for j in range(1, ctx.n + 1)])
    return transcript, shares


# ------------------------------------------------------------ honest runs


@pytest.mark.parametrize("t, n", SIZES)
def test_honest_dkg_agrees_on_the_key_and_public_shares_match(t, n):
    ctx = DKGContext("poll-a", n, t)
    transcript, shares = th.run_dkg(ctx, random.Random(t * 10 + n))
    assert transcript.qualified == set(range(1, n + 1)) and not transcript.complaints
    assert {s.joint_public_key for s in shares} == {transcript.joint_public_key}
    for s in shares:
        assert Point.mul_base8(s.secret_share) == s.public_share == transcript.public_shares[
            s.index - 1]
    th.verify_dkg_transcript(transcript, ctx)
    th.verify_dkg_transcript(DKGTranscript.from_json(transcript.to_json()), ctx)


@pytest.mark.parametrize("t, n", SIZES)
def test_any_t_trustees_decrypt_the_same_tally_and_t_minus_1_cannot(t, n):
    rng = random.Random(n)
    ctx = DKGContext("poll-b", n, t)
    transcript, shares = th.run_dkg(ctx, rng)
    cts = tally_ciphertexts(transcript.joint_public_key, rng)
    for subset in itertools.combinations(shares, t):
        assert decrypt_with(subset, cts, ctx, rng) == TALLY
    if n > t:
        assert decrypt_with(shares, cts, ctx, rng) == TALLY  # more than t is fine too
    partials = [dec.partial_decrypt(s, cts, ctx, rng=rng) for s in shares[: t - 1]]
    with pytest.raises(ProtocolError):
        dec.combine_partials(partials, cts, t)


def test_partial_decryptions_verify_against_public_shares():
    rng = random.Random(3)
    ctx = DKGContext("poll-c", 3, 2)
    transcript, shares = th.run_dkg(ctx, rng)
    cts = tally_ciphertexts(transcript.joint_public_key, rng)
    for s in shares:
        partial = dec.partial_decrypt(s, cts, ctx, rng=rng)
        dec.verify_partial_decryption(transcript.public_shares[s.index - 1], cts, partial, ctx)
        assert PartialDecryption.from_json(partial.to_json()) == partial


def test_run_dkg_is_reproducible_from_a_seeded_rng():
    ctx = DKGContext("poll-seed", 3, 2)
    a, _ = th.run_dkg(ctx, random.Random(99))
    b, _ = th.run_dkg(ctx, random.Random(99))
    assert a.to_json() == b.to_json()


# ------------------------------------------------------------ cheating dealers


class BadShareTo2(Trustee):
    """A dealer whose polynomial evaluation at 2 is off by one (in its box and its answer)."""

    def _eval(self, j):
        s = super()._eval(j)
        return (s + 1) % ORDER if j == 2 else s


def test_dealer_sending_a_bad_share_is_caught_by_complaint_and_disqualified():
    rng = random.Random(4)
    ctx = DKGContext("poll-d", 5, 3)
    transcript, shares = run(ctx, rng, trustee_cls={4: BadShareTo2})
    assert transcript.complaints == (Complaint(2, 4),)
    assert transcript.qualified == {1, 2, 3, 5}
    th.verify_dkg_transcript(transcript, ctx)
    cts = tally_ciphertexts(transcript.joint_public_key, rng)
    assert decrypt_with([shares[1], shares[2], shares[5]], cts, ctx) == TALLY
    assert decrypt_with([shares[2], shares[4], shares[3]], cts, ctx) == TALLY


def test_dealer_that_does_not_answer_a_complaint_is_disqualified():
    ctx = DKGContext("poll-e", 3, 2)
    transcript, _ = run(ctx, random.Random(5), trustee_cls={1: BadShareTo2}, silent={1})
    assert transcript.qualified == {2, 3} and not transcript.answers
    th.verify_dkg_transcript(transcript, ctx)


def test_dealer_with_a_bad_proof_of_knowledge_is_disqualified():
    ctx = DKGContext("poll-f", 3, 2)

    def forge(round1, trustees):
        m = round1[2]  # trustee 3 proves with a response that does not verify
        bad = th.Round1Message(m.index, m.commitments,
                               SchnorrProof(m.pok.commitment, (m.pok.response + 1) % ORDER),
                               m.box_public_key)
        trustees[3]._round1 = bad  # it published this message itself
        return [round1[0], round1[1], bad]

    rng = random.Random(6)
    transcript, shares = run(ctx, rng, tamper_round1=forge)
    assert transcript.qualified == {1, 2}
    th.verify_dkg_transcript(transcript, ctx)
    cts = tally_ciphertexts(transcript.joint_public_key, rng)
    assert decrypt_with([shares[3], shares[1]], cts, ctx) == TALLY


def test_round1_message_replayed_for_another_poll_fails_its_proof():
    ctx, other = DKGContext("poll-g", 2, 2), DKGContext("poll-h", 2, 2)
    msg = Trustee(1, ctx).round1()
    th.check_round1(ctx, msg)
    with pytest.raises(InvalidProof, match="trustee 1"):
        th.check_round1(other, msg)


def test_tampered_share_box_raises_a_complaint_that_the_honest_dealer_answers():
    def flip(boxes):
        out = []
        for es in boxes:
            if (es.sender, es.recipient) == (1, 3):
                raw = bytearray(es.ciphertext)
                raw[-1] ^= 1
                es = th.EncryptedShare(es.sender, es.recipient, bytes(raw))
            out.append(es)
        return out

    rng = random.Random(7)
    ctx = DKGContext("poll-i", 3, 2)
    transcript, shares = run(ctx, rng, tamper_boxes=flip)
    assert transcript.complaints == (Complaint(3, 1),) and len(transcript.answers) == 1
    assert transcript.qualified == {1, 2, 3}
    th.verify_dkg_transcript(transcript, ctx)
    cts = tally_ciphertexts(transcript.joint_public_key, rng)
    assert decrypt_with([shares[3], shares[1]], cts, ctx) == TALLY


def test_share_box_redirected_to_another_recipient_is_refused():
    ctx = DKGContext("poll-j", 3, 2)
    trustees = [Trustee(i, ctx) for i in (1, 2, 3)]
    round1 = [tr.round1() for tr in trustees]
    boxes = trustees[0].round2(round1)
    to2 = next(b for b in boxes if b.recipient == 2)
    relabelled = th.EncryptedShare(1, 3, to2.ciphertext)
    assert trustees[2].receive_shares(round1, [relabelled]) == [Complaint(3, 1), Complaint(3, 2)]


def test_complaints_from_t_trustees_disqualify_and_the_dealer_refuses_a_t_th_reveal():
    ctx = DKGContext("poll-k", 3, 2)
    dealer = Trustee(1, ctx)
    dealer.answer_complaint(Complaint(2, 1))
    with pytest.raises(ProtocolError):
        dealer.answer_complaint(Complaint(3, 1))
    others = [Trustee(i, ctx) for i in (2, 3)]
    round1 = [dealer.round1()] + [tr.round1() for tr in others]
    complaints = [Complaint(2, 1), Complaint(3, 1)]
    answers = [th.ComplaintAnswer(1, 2, dealer._eval(2)), th.ComplaintAnswer(1, 3, dealer._eval(3))]
    assert th.resolve_complaints(round1, complaints, answers, ctx) == {1}


# ------------------------------------------------------------ the public transcript


def honest(ctx=None):
    ctx = ctx or DKGContext("poll-l", 3, 2)
    transcript, shares = th.run_dkg(ctx, random.Random(8))
    return ctx, transcript, shares


def test_transcript_with_altered_joint_key_or_public_share_is_rejected():
    ctx, tr, _ = honest()
    bad_key = DKGTranscript(tr.context, tr.round1, tr.complaints, tr.answers, tr.qualified,
                            tr.joint_public_key + Point.base8(), tr.public_shares)
    with pytest.raises(ProtocolError, match="joint public key"):
        th.verify_dkg_transcript(bad_key, ctx)
    shares = list(tr.public_shares)
    shares[1] = shares[1] + Point.base8()
    bad_share = DKGTranscript(tr.context, tr.round1, tr.complaints, tr.answers, tr.qualified,
                              tr.joint_public_key, shares)
    with pytest.raises(ProtocolError, match="trustee 2"):
        th.verify_dkg_transcript(bad_share, ctx)


def test_transcript_with_altered_qualified_set_is_rejected():
    ctx, tr, _ = honest()
    fewer = DKGTranscript(tr.context, tr.round1, tr.complaints, tr.answers, {1, 2},
                          th.joint_public_key(tr.round1, {1, 2}),
                          [th.public_share(tr.round1, {1, 2}, j) for j in (1, 2, 3)])
    with pytest.raises(ProtocolError, match="trustee 3"):
        th.verify_dkg_transcript(fewer, ctx)


def test_transcript_keeping_a_dealer_with_a_bad_proof_is_rejected():
    ctx, tr, _ = honest()
    m = tr.round1[1]
    forged = th.Round1Message(m.index, m.commitments, tr.round1[0].pok, m.box_public_key)
    bad = DKGTranscript(tr.context, (tr.round1[0], forged, tr.round1[2]), tr.complaints,
                        tr.answers, tr.qualified, tr.joint_public_key, tr.public_shares)
    with pytest.raises(InvalidProof, match="trustee 2"):
        th.verify_dkg_transcript(bad, ctx)


def test_transcript_dropping_an_answer_is_rejected():
    def flip_1_to_2(boxes):
        return [th.EncryptedShare(b.sender, b.recipient,
                                  b.ciphertext[:-1] + bytes([b.ciphertext[-1] ^ 1]))
                if (b.sender, b.recipient) == (1, 2) else b for b in boxes]

    ctx = DKGContext("poll-m", 5, 3)
    tr, _ = run(ctx, random.Random(9), tamper_boxes=flip_1_to_2)
    assert tr.answers and tr.qualified == {1, 2, 3, 4, 5}
    dropped = DKGTranscript(ctx, tr.round1, tr.complaints, (), tr.qualified,
                            tr.joint_public_key, tr.public_shares)
    with pytest.raises(ProtocolError, match="trustee 1"):
        th.verify_dkg_transcript(dropped, ctx)


def test_transcript_for_another_context_is_rejected():
    _, tr, _ = honest()
    with pytest.raises(ProtocolError):
        th.verify_dkg_transcript(tr, DKGContext("poll-other", 3, 2))


# ------------------------------------------------------------ decryption proofs


def decryption_case():
    rng = random.Random(10)
    ctx, tr, shares = honest()
    cts = tally_ciphertexts(tr.joint_public_key, rng)
    return ctx, tr, shares, cts


def test_partial_decryption_with_a_wrong_share_fails_verification():
    ctx, tr, shares, cts = decryption_case()
    impostor = TrusteeShare(1, shares[1].secret_share, shares[1].public_share,
                            tr.joint_public_key)  # trustee 2's key, labelled trustee 1
    partial = dec.partial_decrypt(impostor, cts, ctx)
    with pytest.raises(InvalidProof, match="trustee 1"):
        dec.verify_partial_decryption(tr.public_shares[0], cts, partial, ctx)


def test_partial_decryption_with_an_altered_share_fails_naming_the_option():
    ctx, tr, shares, cts = decryption_case()
    partial = dec.partial_decrypt(shares[0], cts, ctx)
    altered = list(partial.shares)
    altered[2] = altered[2] + Point.base8()
    bad = PartialDecryption(1, altered, partial.proofs)
    with pytest.raises(InvalidProof, match="option 2"):
        dec.verify_partial_decryption(tr.public_shares[0], cts, bad, ctx)


def test_partial_decryption_moved_to_another_poll_or_ciphertext_fails():
    ctx, tr, shares, cts = decryption_case()
    partial = dec.partial_decrypt(shares[0], cts, ctx)
    with pytest.raises(InvalidProof):
        dec.verify_partial_decryption(tr.public_shares[0], cts, partial,
                                     DKGContext("poll-other", 3, 2))
    swapped = [cts[1], cts[0], *cts[2:]]
    with pytest.raises(InvalidProof):
        dec.verify_partial_decryption(tr.public_shares[0], swapped, partial, ctx)
    with pytest.raises(InvalidProof):
        dec.verify_partial_decryption(tr.public_shares[0], cts[:3], partial, ctx)


def test_prover_refuses_a_secret_share_that_does_not_match_its_public_share():
    ctx, tr, shares, cts = decryption_case()
    wrong = TrusteeShare(1, (shares[0].secret_share + 1) % ORDER, shares[0].public_share,
                         tr.joint_public_key)
    with pytest.raises(InvalidArgument):
        dec.partial_decrypt(wrong, cts, ctx)


def test_combine_refuses_duplicate_trustees():
    ctx, _, shares, cts = decryption_case()
    p = dec.partial_decrypt(shares[0], cts, ctx)
    with pytest.raises(ProtocolError):
        dec.combine_partials([p, p], cts, 2)


def test_lagrange_coefficients_interpolate_a_polynomial_at_zero():
    rng = random.Random(12)
    coeffs = [rng.randrange(ORDER) for _ in range(3)]

    def f(x):
        return sum(a * x**k for k, a in enumerate(coeffs)) % ORDER

    for subset in ([1, 2, 3], [2, 4, 5], [1, 3, 5, 7]):
        assert sum(dec.lagrange_coefficient(j, subset) * f(j) for j in subset) % ORDER == coeffs[0]
    with pytest.raises(InvalidArgument):
        dec.lagrange_coefficient(4, [1, 2, 3])
    with pytest.raises(InvalidArgument):
        dec.lagrange_coefficient(1, [1, 1, 2])


def test_trustee_share_hides_its_secret_and_round_trips():
    _, _, shares = honest()
    assert str(shares[0].secret_share) not in repr(shares[0])
    assert TrusteeShare.from_json(shares[0].to_json()) == shares[0]


@pytest.mark.parametrize("n, t", [(0, 1), (3, 0), (3, 4), (2000, 1)])
def test_context_refuses_impossible_thresholds(n, t):
    with pytest.raises(InvalidArgument):
        DKGContext("p", n, t)
