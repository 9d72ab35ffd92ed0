"""Hostile DKG and decryption messages: malformed JSON is refused with a specific error;
tampered, truncated or misdirected share boxes become complaints, never crashes or accepted
shares."""

import copy
import random

import pytest

from zkvote import decryption as dec
from zkvote import elgamal
from zkvote import threshold as th
from zkvote._reference import babyjub as ref
from zkvote.babyjub import GENERATOR, ORDER
from zkvote.decryption import PartialDecryption
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    NotInSubgroup,
    ProtocolError,
)
from zkvote.threshold import (
    Complaint,
    ComplaintAnswer,
    DKGContext,
    DKGTranscript,
    EncryptedShare,
    Round1Message,
    Trustee,
    TrusteeShare,
)

CTX = DKGContext("poll-adv", 3, 2)
TRANSCRIPT, SHARES = th.run_dkg(CTX, random.Random(1))
CTS = elgamal.aggregate([elgamal.encrypt_vector(TRANSCRIPT.joint_public_key, [1, 0])[0]], 2)
PARTIAL = dec.partial_decrypt(SHARES[0], CTS, CTX)
T8 = ref.mul(GENERATOR, ORDER)
T8_JSON = [str(T8[0]), str(T8[1])]

DOCS = {
    "round1": (Round1Message, TRANSCRIPT.round1[0].to_json()),
    "complaint": (Complaint, Complaint(1, 2).to_json()),
    "answer": (ComplaintAnswer, ComplaintAnswer(2, 1, 5).to_json()),
    "share": (EncryptedShare, EncryptedShare(1, 2, b"\x00" * 60).to_json()),
    "partial": (PartialDecryption, PARTIAL.to_json()),
    "transcript": (DKGTranscript, TRANSCRIPT.to_json()),
    "trustee_share": (TrusteeShare, SHARES[0].to_json()),
    "context": (DKGContext, CTX.to_json()),
}


@pytest.mark.parametrize("name", DOCS)
def test_every_document_round_trips(name):
    cls, data = DOCS[name]
    assert cls.from_json(data).to_json() == data


@pytest.mark.parametrize("name", DOCS)
def test_unknown_field_is_refused(name):
    cls, data = DOCS[name]
    with pytest.raises(InvalidEncoding, match="unknown"):
        cls.from_json({**data, "extra": 1})


@pytest.mark.parametrize("name", DOCS)
@pytest.mark.parametrize("version", [None, 2, True, "1"])
def test_missing_or_wrong_version_is_refused(name, version):
    cls, data = DOCS[name]
    bad = {k: v for k, v in data.items() if k != "version"}
    if version is not None:
        bad["version"] = version
    with pytest.raises(InvalidEncoding):
        cls.from_json(bad)


@pytest.mark.parametrize("value", [0, -1, True, "1", 1.0, 5000])
def test_bad_trustee_index_is_refused(value):
    with pytest.raises((InvalidEncoding, FieldRangeError)):
        Complaint.from_json({**DOCS["complaint"][1], "accuser": value})


def test_point_outside_the_subgroup_is_refused_in_every_point_field():
    r1 = copy.deepcopy(DOCS["round1"][1])
    r1["commitments"][1] = T8_JSON
    partial = copy.deepcopy(DOCS["partial"][1])
    partial["shares"][0] = T8_JSON
    tr = copy.deepcopy(DOCS["transcript"][1])
    tr["public_shares"][2] = T8_JSON
    for cls, data in ((Round1Message, r1), (PartialDecryption, partial), (DKGTranscript, tr)):
        with pytest.raises(NotInSubgroup):
            cls.from_json(data)


def test_scalar_not_below_l_is_refused():
    answer = {**DOCS["answer"][1], "share": str(ORDER)}
    partial = copy.deepcopy(DOCS["partial"][1])
    partial["proofs"][1]["response"] = str(ORDER)
    r1 = copy.deepcopy(DOCS["round1"][1])
    r1["pok"]["response"] = str(ORDER + 1)
    for cls, data in ((ComplaintAnswer, answer), (PartialDecryption, partial),
                      (Round1Message, r1)):
        with pytest.raises(FieldRangeError):
            cls.from_json(data)


@pytest.mark.parametrize("key", ["00" * 31, "00" * 33, "AB" * 32, "0" * 63, "zz" * 32, 7])
def test_box_key_of_wrong_length_or_encoding_is_refused(key):
    with pytest.raises(InvalidEncoding):
        Round1Message.from_json({**DOCS["round1"][1], "box_public_key": key})


def test_lists_of_the_wrong_length_are_refused():
    partial = copy.deepcopy(DOCS["partial"][1])
    partial["proofs"].pop()
    tr = copy.deepcopy(DOCS["transcript"][1])
    tr["qualified"] = [1, 1]
    r1 = copy.deepcopy(DOCS["round1"][1])
    r1["commitments"] = []
    for cls, data in ((PartialDecryption, partial), (DKGTranscript, tr), (Round1Message, r1)):
        with pytest.raises(InvalidEncoding):
            cls.from_json(data)


def test_impossible_context_in_a_transcript_is_refused():
    tr = {**DOCS["transcript"][1], "t": 4}
    with pytest.raises(InvalidArgument):
        DKGTranscript.from_json(tr)


def test_trustee_share_whose_secret_does_not_match_is_refused():
    data = {**DOCS["trustee_share"][1], "secret_share": str((SHARES[0].secret_share + 1) % ORDER)}
    with pytest.raises(InvalidArgument):
        TrusteeShare.from_json(data)


def fresh_dkg():
    trustees = [Trustee(i, CTX) for i in (1, 2, 3)]
    round1 = [tr.round1() for tr in trustees]
    return trustees, round1, trustees[0].round2(round1)


@pytest.mark.parametrize("tamper", [
    lambda b: b[:-1] + bytes([b[-1] ^ 0x80]),  # flipped bit
    lambda b: b[:10],  # shorter than the nonce
    lambda b: b"",
    lambda b: b + b"\x00",
], ids=["flipped", "truncated", "empty", "extended"])
def test_tampered_share_box_becomes_a_complaint(tamper):
    trustees, round1, boxes = fresh_dkg()
    to2 = next(b for b in boxes if b.recipient == 2)
    bad = EncryptedShare(1, 2, tamper(to2.ciphertext))
    assert trustees[1].receive_shares(round1, [bad]) == [Complaint(2, 1), Complaint(2, 3)]


def test_duplicate_share_boxes_from_one_dealer_become_a_complaint():
    trustees, round1, boxes = fresh_dkg()
    to2 = next(b for b in boxes if b.recipient == 2)
    assert Complaint(2, 1) in trustees[1].receive_shares(round1, [to2, to2])


def test_share_box_from_another_poll_becomes_a_complaint():
    other = DKGContext("poll-other", 3, 2)
    trustees, round1, _ = fresh_dkg()
    # The right dealer's box to the right recipient, but its plaintext labelled for another poll.
    from nacl.public import Box, PublicKey
    plain = th._share_plaintext(other, 1, 2, trustees[0]._eval(2))
    sealed = Box(trustees[0]._box_key, PublicKey(round1[1].box_public_key)).encrypt(plain)
    assert Complaint(2, 1) in trustees[1].receive_shares(round1, [EncryptedShare(1, 2, sealed)])


def test_round1_messages_from_unknown_or_duplicate_trustees_are_refused():
    trustees, round1, _ = fresh_dkg()
    with pytest.raises(ProtocolError):
        trustees[0].round2(round1 + [round1[1]])
    stranger = Trustee(4, DKGContext("poll-adv", 4, 2)).round1()
    with pytest.raises(ProtocolError):
        trustees[0].round2(round1 + [stranger])
    with pytest.raises(ProtocolError):
        trustees[0].round2(round1[1:])  # its own message dropped
