"""t-of-n trustees: distributed key generation of a poll's joint ElGamal key.

DKG (Pedersen's DKG with Feldman VSS, the Gennaro-Jarecki-Krawczyk-Rabin complaint flow).
Trustees are numbered 1..n; any t of them can decrypt, t-1 learn nothing. Every message is bound
to a :class:`DKGContext` (poll id, n, t), which every transcript absorbs.

1. Round 1 - :meth:`Trustee.round1`: trustee i picks a secret polynomial f_i of degree t-1
   (coefficients a_ik uniform in [1, l)) and publishes :class:`Round1Message`: the Feldman
   commitments C_ik = a_ik*G, an X25519 public key for share transport, and a Schnorr proof of
   knowledge of a_i0 whose transcript absorbs the context, i, every C_ik and the box key (so a
   message cannot be replayed in another poll, for another trustee, or with another box key; and
   the proof rules out rogue-key attacks on the joint key).
2. Round 2 - :meth:`Trustee.round2`: trustee i sends s_ij = f_i(j) to each j != i in a
   ``nacl.public.Box`` from its X25519 key to j's. The plaintext carries the context, sender
   and recipient, checked on receipt, so a box cannot be redirected or replayed.
3. :meth:`Trustee.receive_shares` opens the boxes addressed to it and checks each share
   against the dealer's commitments (s*G == sum_k j^k C_ik); a missing, duplicated,
   undecryptable or inconsistent share yields a public :class:`Complaint`.
4. The accused dealer answers (:meth:`Trustee.answer_complaint`) by revealing the share in the
   clear; anyone checks it against the commitments (:class:`ComplaintAnswer`). A dealer is
   disqualified (:func:`resolve_complaints`) when its round-1 message is missing or malformed or
   its proof fails, when a complaint goes unanswered or is answered with a bad share, or when t
   or more distinct trustees complain about it - t revealed shares would reveal f_i itself, so
   an honest dealer refuses to answer that many (GJKR's rule; a coordinator tampering with
   every box then makes the DKG fail instead of learning the key).
5. :meth:`Trustee.finalize`: QUAL is everyone not disqualified; trustee j's secret share is
   x_j = sum_{i in QUAL} s_ij, the joint key H = sum_{i in QUAL} C_i0 and j's public share
   X_j = x_j*G = sum_i sum_k j^k C_ik, both recomputable by anyone
   (:func:`joint_public_key`, :func:`public_share`). Every trustee gets a share, disqualified
   dealers included; their partial decryptions are still checked by proof.

:class:`DKGTranscript` is the public record (round-1 messages, complaints, answers, QUAL, joint
key, public shares); :func:`verify_dkg_transcript` replays it. As in any Pedersen DKG with
Feldman commitments, a rushing dealer can bias the joint key's distribution slightly (GJKR);
this does not help against ElGamal's security.

Threshold decryption with the shares this produces is :mod:`zkvote.decryption`.

Secret values (polynomial coefficients, shares) are multiplied in constant time; polynomial
evaluation is Python integer arithmetic and, like all Python glue here, not hardened against
timing side channels. :class:`TrusteeShare` hides its secret from ``repr``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import Box, PrivateKey, PublicKey

from zkvote.babyjub import ORDER, Point
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidProof, ProtocolError
from zkvote.hexkeys import bytes_from_hex
from zkvote.sigma import (
    SchnorrProof,
    index_from_json,
    list_from_json,
    object_from_json,
    point_from_json,
    point_to_json,
    prove_schnorr,
    random_bytes,
    random_scalar,
    scalar_from_json,
    scalar_to_json,
    verify_schnorr,
)
from zkvote.transcript import Transcript
from zkvote.validate import check_int, check_range

VERSION = 1
MAX_TRUSTEES = 1024
MAX_POLL_ID_BYTES = 1024
DOMAIN_POK = "zkvote/dkg/proof-of-knowledge"
_SHARE_MAGIC = b"zkvote dkg share\x00"


def trustee_index(value: object, what: str = "trustee index") -> int:
    """``value`` if it is a trustee index (or a count n, t): a JSON integer, not a bool, in
    [1, MAX_TRUSTEES]. InvalidEncoding for another type, FieldRangeError out of range."""
    return index_from_json(value, what, 1, MAX_TRUSTEES + 1)


# ------------------------------------------------------------ context


@dataclass(frozen=True)
class DKGContext:
    """What every DKG and decryption message is bound to: the poll id (non-empty, at most
    1024 UTF-8 bytes), the number of trustees n (1..1024) and the threshold t (1..n).
    Raises InvalidEncoding (types) or InvalidArgument (ranges)."""

    poll_id: str
    n: int
    t: int

    def __post_init__(self) -> None:
        if not isinstance(self.poll_id, str):
            raise InvalidEncoding("poll_id must be a str")
        if not 0 < len(self.poll_id.encode("utf-8")) <= MAX_POLL_ID_BYTES:
            raise InvalidArgument(f"poll_id must be 1..{MAX_POLL_ID_BYTES} UTF-8 bytes")
        n, t = check_int(self.n, "n"), check_int(self.t, "t")
        if not 1 <= n <= MAX_TRUSTEES or not 1 <= t <= n:
            raise InvalidArgument(f"need 1 <= t <= n <= {MAX_TRUSTEES}, got t={t}, n={n}")

    def absorb(self, transcript: Transcript) -> None:
        """Append poll id, n and t to ``transcript``."""
        transcript.append_str("poll_id", self.poll_id)
        transcript.append_int("n", self.n)
        transcript.append_int("t", self.t)

    def check_index(self, index: object, what: str = "trustee index") -> int:
        """``index`` if it is an int in 1..n; InvalidEncoding / InvalidArgument otherwise."""
        index = check_int(index, what)
        if not 1 <= index <= self.n:
            raise InvalidArgument(f"{what} {index} is not in 1..{self.n}")
        return index

    def to_json(self) -> dict[str, Any]:
        """``{"version": 1, "poll_id": ..., "n": ..., "t": ...}``."""
        return {"version": VERSION, "poll_id": self.poll_id, "n": self.n, "t": self.t}

    @classmethod
    def from_json(cls, data: object) -> DKGContext:
        """Strict inverse of :meth:`to_json` (InvalidEncoding / InvalidArgument)."""
        d = object_from_json(data, ("poll_id", "n", "t"), "DKG context", VERSION)
        return cls(d["poll_id"], trustee_index(d["n"], "n"), trustee_index(d["t"], "t"))


# ------------------------------------------------------------ messages


@dataclass(frozen=True)
class Round1Message:
    """Trustee ``index``'s Feldman commitments C_k = a_k*G (k < t), Schnorr proof of
    knowledge of a_0, and X25519 public key (32 bytes) for share transport."""

    index: int
    commitments: tuple[Point, ...]
    pok: SchnorrProof
    box_public_key: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "commitments", tuple(self.commitments))
        trustee_index(self.index)
        if not self.commitments or not all(isinstance(c, Point) for c in self.commitments):
            raise InvalidEncoding("round-1 commitments must be a non-empty list of Points")
        if not isinstance(self.pok, SchnorrProof):
            raise InvalidEncoding("round-1 pok must be a SchnorrProof")
        if not isinstance(self.box_public_key, bytes) or len(self.box_public_key) != 32:
            raise InvalidEncoding("round-1 box_public_key must be 32 bytes")

    def to_json(self) -> dict[str, Any]:
        """``{"version", "index", "commitments": [[x, y], ...], "pok", "box_public_key": hex}``."""
        return {"version": VERSION, "index": self.index,
                "commitments": [point_to_json(c) for c in self.commitments],
                "pok": self.pok.to_json(), "box_public_key": self.box_public_key.hex()}

    @classmethod
    def from_json(cls, data: object) -> Round1Message:
        """Strict inverse of :meth:`to_json`: InvalidEncoding (shape, unknown field, bad hex),
        FieldRangeError, InvalidPoint / NotInSubgroup (any point)."""
        d = object_from_json(data, ("index", "commitments", "pok", "box_public_key"),
                             "round-1 message", VERSION)
        commitments = list_from_json(d["commitments"], "commitments", MAX_TRUSTEES)
        return cls(trustee_index(d["index"]),
                   tuple(point_from_json(c, "commitment") for c in commitments),
                   SchnorrProof.from_json(d["pok"]),
                   bytes_from_hex(d["box_public_key"], "box_public_key", 32))


@dataclass(frozen=True)
class EncryptedShare:
    """A share s = f_sender(recipient) sealed in an X25519 box (nonce || ciphertext).
    Private traffic between two trustees; not part of the public record."""

    sender: int
    recipient: int
    ciphertext: bytes

    def __post_init__(self) -> None:
        trustee_index(self.sender, "sender")
        trustee_index(self.recipient, "recipient")
        if not isinstance(self.ciphertext, bytes):
            raise InvalidEncoding("share ciphertext must be bytes")

    def to_json(self) -> dict[str, Any]:
        """``{"version", "sender", "recipient", "ciphertext": hex}``."""
        return {"version": VERSION, "sender": self.sender, "recipient": self.recipient,
                "ciphertext": self.ciphertext.hex()}

    @classmethod
    def from_json(cls, data: object) -> EncryptedShare:
        """Strict inverse of :meth:`to_json` (InvalidEncoding / FieldRangeError)."""
        d = object_from_json(data, ("sender", "recipient", "ciphertext"), "encrypted share",
                             VERSION)
        return cls(trustee_index(d["sender"], "sender"),
                   trustee_index(d["recipient"], "recipient"),
                   bytes_from_hex(d["ciphertext"], "share ciphertext", max_length=4096))


@dataclass(frozen=True)
class Complaint:
    """Trustee ``accuser`` did not receive a valid share from dealer ``accused``."""

    accuser: int
    accused: int

    def __post_init__(self) -> None:
        trustee_index(self.accuser, "accuser")
        trustee_index(self.accused, "accused")

    def to_json(self) -> dict[str, Any]:
        """``{"version", "accuser", "accused"}``."""
        return {"version": VERSION, "accuser": self.accuser, "accused": self.accused}

    @classmethod
    def from_json(cls, data: object) -> Complaint:
        """Strict inverse of :meth:`to_json` (InvalidEncoding / FieldRangeError)."""
        d = object_from_json(data, ("accuser", "accused"), "complaint", VERSION)
        return cls(trustee_index(d["accuser"], "accuser"), trustee_index(d["accused"], "accused"))


@dataclass(frozen=True)
class ComplaintAnswer:
    """Dealer ``dealer`` reveals the disputed share f_dealer(accuser); anyone checks it against
    the dealer's commitments."""

    dealer: int
    accuser: int
    share: int

    def __post_init__(self) -> None:
        trustee_index(self.dealer, "dealer")
        trustee_index(self.accuser, "accuser")
        check_range(self.share, ORDER, "revealed share", "the subgroup order l")

    def to_json(self) -> dict[str, Any]:
        """``{"version", "dealer", "accuser", "share": decimal}``."""
        return {"version": VERSION, "dealer": self.dealer, "accuser": self.accuser,
                "share": scalar_to_json(self.share)}

    @classmethod
    def from_json(cls, data: object) -> ComplaintAnswer:
        """Strict inverse of :meth:`to_json` (InvalidEncoding / FieldRangeError)."""
        d = object_from_json(data, ("dealer", "accuser", "share"), "complaint answer", VERSION)
        return cls(trustee_index(d["dealer"], "dealer"), trustee_index(d["accuser"], "accuser"),
                   scalar_from_json(d["share"], "revealed share"))


@dataclass(frozen=True)
class TrusteeShare:
    """Trustee ``index``'s result of the DKG: its secret share x_j (hidden from repr), its
    public share X_j = x_j*G and the joint public key H."""

    index: int
    secret_share: int = field(repr=False)
    public_share: Point
    joint_public_key: Point

    def __post_init__(self) -> None:
        trustee_index(self.index)
        check_range(self.secret_share, ORDER, "secret share", "the subgroup order l")
        if not isinstance(self.public_share, Point) or not isinstance(self.joint_public_key,
                                                                       Point):
            raise InvalidEncoding("trustee share: public_share and joint_public_key are Points")

    def to_json(self) -> dict[str, Any]:
        """SECRET: includes the secret share, for the trustee's own storage only."""
        return {"version": VERSION, "index": self.index,
                "secret_share": scalar_to_json(self.secret_share),
                "public_share": point_to_json(self.public_share),
                "joint_public_key": point_to_json(self.joint_public_key)}

    @classmethod
    def from_json(cls, data: object) -> TrusteeShare:
        """Strict inverse of :meth:`to_json`; also checks secret_share*G == public_share
        (InvalidArgument otherwise)."""
        d = object_from_json(data, ("index", "secret_share", "public_share", "joint_public_key"),
                             "trustee share", VERSION)
        share = cls(trustee_index(d["index"]), scalar_from_json(d["secret_share"], "secret share"),
                    point_from_json(d["public_share"], "public share"),
                    point_from_json(d["joint_public_key"], "joint public key"))
        if Point.mul_base8(share.secret_share) != share.public_share:
            raise InvalidArgument("trustee share: secret and public share do not match")
        return share


# ------------------------------------------------------------ public computations


def _pok_transcript(context: DKGContext, index: int, commitments: Sequence[Point],
                    box_public_key: bytes) -> Transcript:
    t = Transcript(DOMAIN_POK)
    context.absorb(t)
    t.append_int("trustee", index)
    t.append_int("commitments", len(commitments))
    for k, c in enumerate(commitments):
        t.append_point(f"C{k}", c)
    t.append_bytes("box_public_key", box_public_key)
    return t


def _index_messages(context: DKGContext, messages: Iterable[Round1Message]
                    ) -> dict[int, Round1Message]:
    by_index: dict[int, Round1Message] = {}
    for m in messages:
        if not isinstance(m, Round1Message):
            raise InvalidEncoding("expected Round1Message values")
        if not 1 <= m.index <= context.n:
            raise ProtocolError(f"round-1 message from unknown trustee {m.index}")
        if m.index in by_index:
            raise ProtocolError(f"two round-1 messages from trustee {m.index}")
        by_index[m.index] = m
    return by_index


def check_round1(context: DKGContext, message: Round1Message) -> None:
    """Raise unless ``message`` is a well-formed round-1 message for ``context``: ProtocolError
    (index outside 1..n, not t commitments), InvalidProof (the proof of knowledge fails)."""
    context.check_index(message.index)
    if len(message.commitments) != context.t:
        raise ProtocolError(f"trustee {message.index}: {len(message.commitments)} commitments, "
                            f"expected t = {context.t}")
    try:
        verify_schnorr(message.commitments[0], message.pok,
                       _pok_transcript(context, message.index, message.commitments,
                                       message.box_public_key))
    except InvalidProof as e:
        raise InvalidProof(f"trustee {message.index}: round-1 proof of knowledge fails") from e


def _valid_dealers(context: DKGContext, by_index: dict[int, Round1Message]) -> set[int]:
    valid = set()
    for i, m in by_index.items():
        try:
            check_round1(context, m)
        except (ProtocolError, InvalidProof):
            continue
        valid.add(i)
    return valid


def _powers(j: int, count: int) -> list[int]:
    out, p = [], 1
    for _ in range(count):
        out.append(p)
        p = p * j % ORDER
    return out


def _feldman(commitments: Sequence[Point], j: int) -> Point:
    # f(j)*G from the commitments: sum_k j^k C_k (public scalars).
    return Point.msm(list(commitments), _powers(j, len(commitments)))


def _qualified_commitments(round1_messages: Iterable[Round1Message], qualified: Iterable[int]
                           ) -> list[Point]:
    by_index = {m.index: m for m in round1_messages}
    qualified = sorted(set(qualified))
    if not qualified:
        raise ProtocolError("no qualified dealer")
    missing = [i for i in qualified if i not in by_index]
    if missing:
        raise ProtocolError(f"qualified trustee {missing[0]} has no round-1 message")
    degree = {len(by_index[i].commitments) for i in qualified}
    if len(degree) != 1:
        raise ProtocolError("qualified dealers committed to polynomials of different degrees")
    t = degree.pop()
    # A_k = sum_i C_ik: the commitments to the joint polynomial.
    return [Point.sum(by_index[i].commitments[k] for i in qualified) for k in range(t)]


def joint_public_key(round1_messages: Iterable[Round1Message], qualified: Iterable[int]) -> Point:
    """H = sum over qualified dealers of C_i0. ProtocolError if ``qualified`` is empty or names
    a trustee without a round-1 message."""
    return _qualified_commitments(round1_messages, qualified)[0]


def public_share(round1_messages: Iterable[Round1Message], qualified: Iterable[int],
                 j: int) -> Point:
    """X_j = sum_i sum_k j^k C_ik over qualified dealers i: trustee j's public share.
    Errors as :func:`joint_public_key`; InvalidArgument for j < 1."""
    j = check_int(j, "trustee index")
    if j < 1:
        raise InvalidArgument("trustee index must be positive")
    return _feldman(_qualified_commitments(round1_messages, qualified), j)


def _answer_is_valid(by_index: dict[int, Round1Message], answer: ComplaintAnswer) -> bool:
    dealer = by_index.get(answer.dealer)
    return (dealer is not None
            and Point.mul_base8(answer.share) == _feldman(dealer.commitments, answer.accuser))


def resolve_complaints(round1_messages: Iterable[Round1Message], complaints: Iterable[Complaint],
                       answers: Iterable[ComplaintAnswer], context: DKGContext) -> set[int]:
    """The disqualified dealers: trustees 1..n without a valid round-1 message (missing, not t
    commitments, failing proof of knowledge), dealers with complaints from t or more distinct
    trustees, and dealers with a complaint that has no answer revealing a share consistent
    with their commitments. Complaints against oneself or naming an index outside 1..n are
    ignored; so are answers to complaints nobody made. ProtocolError for duplicate or
    out-of-range round-1 messages."""
    by_index = _index_messages(context, round1_messages)
    valid = _valid_dealers(context, by_index)
    disqualified = set(range(1, context.n + 1)) - valid
    accusers: dict[int, set[int]] = {}
    for c in complaints:
        if c.accuser != c.accused and c.accuser <= context.n and c.accused <= context.n:
            accusers.setdefault(c.accused, set()).add(c.accuser)
    answered = {(a.dealer, a.accuser) for a in answers if _answer_is_valid(by_index, a)}
    for dealer, who in accusers.items():
        if len(who) >= context.t or any((dealer, a) not in answered for a in who):
            disqualified.add(dealer)
    return disqualified


# ------------------------------------------------------------ the trustee


def _share_plaintext(context: DKGContext, sender: int, recipient: int, share: int) -> bytes:
    pid = context.poll_id.encode("utf-8")
    return (_SHARE_MAGIC + len(pid).to_bytes(4, "big") + pid
            + b"".join(v.to_bytes(2, "big") for v in (context.n, context.t, sender, recipient))
            + share.to_bytes(32, "big"))


class Trustee:
    """One trustee's side of the DKG. Holds its secret polynomial and X25519 key; call
    :meth:`round1`, :meth:`round2`, :meth:`receive_shares`, (:meth:`answer_complaint`),
    :meth:`finalize` in that order. ``rng`` (e.g. ``random.Random(seed)`` for reproducible
    simulations, never for real keys) defaults to the OS CSPRNG. Raises InvalidArgument for an
    index outside 1..n."""

    def __init__(self, index: int, context: DKGContext, rng: random.Random | None = None) -> None:
        if not isinstance(context, DKGContext):
            raise InvalidEncoding("context must be a DKGContext")
        self.index = context.check_index(index)
        self.context = context
        self._rng = rng
        self._coefficients = [random_scalar(rng) for _ in range(context.t)]
        self._box_key = PrivateKey(random_bytes(32, rng))
        self._round1: Round1Message | None = None
        self._view: dict[int, Round1Message] | None = None
        self._received: dict[int, int] = {}
        self._revealed: set[int] = set()

    def __repr__(self) -> str:
        return f"Trustee(index={self.index}, poll_id={self.context.poll_id!r})"

    def _eval(self, j: int) -> int:
        acc = 0
        for a in reversed(self._coefficients):
            acc = (acc * j + a) % ORDER
        return acc

    def round1(self) -> Round1Message:
        """This trustee's round-1 message (computed once, then the same object)."""
        if self._round1 is None:
            commitments = tuple(Point.mul_base8(a) for a in self._coefficients)
            box_pk = bytes(self._box_key.public_key)
            pok = prove_schnorr(self._coefficients[0], commitments[0],
                                _pok_transcript(self.context, self.index, commitments, box_pk),
                                rng=self._rng)
            self._round1 = Round1Message(self.index, commitments, pok, box_pk)
        return self._round1

    def round2(self, round1_messages: Sequence[Round1Message]) -> list[EncryptedShare]:
        """Seal f(j) for every other trustee j that published a round-1 message. A recipient
        whose X25519 key is unusable (low order) gets nothing and will complain, which this
        trustee answers in the open. ProtocolError if the messages contain duplicates or
        alter this trustee's own message."""
        by_index = _index_messages(self.context, round1_messages)
        if by_index.get(self.index) != self.round1():
            raise ProtocolError(f"trustee {self.index}: own round-1 message missing or altered")
        out = []
        for j, msg in sorted(by_index.items()):
            if j == self.index:
                continue
            try:
                box = Box(self._box_key, PublicKey(msg.box_public_key))
                sealed = box.encrypt(_share_plaintext(self.context, self.index, j, self._eval(j)),
                                     random_bytes(Box.NONCE_SIZE, self._rng))
            except CryptoError:
                continue
            out.append(EncryptedShare(self.index, j, bytes(sealed)))
        return out

    def _open(self, dealer: Round1Message, sealed: EncryptedShare) -> int | None:
        try:
            plain = Box(self._box_key, PublicKey(dealer.box_public_key)).decrypt(sealed.ciphertext)
        except (CryptoError, ValueError, TypeError):
            return None
        head = _share_plaintext(self.context, dealer.index, self.index, 0)[:-32]
        if len(plain) != len(head) + 32 or not plain.startswith(head):
            return None
        share = int.from_bytes(plain[-32:], "big")
        if share >= ORDER or Point.mul_base8(share) != _feldman(dealer.commitments, self.index):
            return None
        return share

    def receive_shares(self, round1_messages: Sequence[Round1Message],
                       encrypted_shares: Iterable[EncryptedShare]) -> list[Complaint]:
        """Open the shares addressed to this trustee and check each against its dealer's
        commitments. Returns one Complaint per dealer with a valid round-1 message whose share
        is missing, duplicated, undecryptable, mislabelled or inconsistent. Shares for other
        recipients are ignored. ProtocolError as :meth:`round2`."""
        by_index = _index_messages(self.context, round1_messages)
        if by_index.get(self.index) != self.round1():
            raise ProtocolError(f"trustee {self.index}: own round-1 message missing or altered")
        self._view = by_index
        mine: dict[int, list[EncryptedShare]] = {}
        for es in encrypted_shares:
            if not isinstance(es, EncryptedShare):
                raise InvalidEncoding("expected EncryptedShare values")
            if es.recipient == self.index:
                mine.setdefault(es.sender, []).append(es)
        complaints = []
        for i in sorted(_valid_dealers(self.context, by_index) - {self.index}):
            got = mine.get(i, [])
            share = self._open(by_index[i], got[0]) if len(got) == 1 else None
            if share is None:
                complaints.append(Complaint(self.index, i))
            else:
                self._received[i] = share
        return complaints

    def answer_complaint(self, complaint: Complaint) -> ComplaintAnswer:
        """Reveal f(accuser) for a complaint against this trustee. ProtocolError if the
        complaint is against someone else or by this trustee, or if answering would reveal t
        distinct shares (which would reveal the polynomial: such a dealer is disqualified
        anyway, see :func:`resolve_complaints`)."""
        if not isinstance(complaint, Complaint):
            raise InvalidEncoding("expected a Complaint")
        if complaint.accused != self.index or complaint.accuser == self.index:
            raise ProtocolError("complaint is not against this trustee")
        accuser = self.context.check_index(complaint.accuser, "accuser")
        if accuser not in self._revealed and len(self._revealed) + 1 >= self.context.t:
            raise ProtocolError(f"trustee {self.index}: refusing to reveal a t-th share")
        self._revealed.add(accuser)
        return ComplaintAnswer(self.index, accuser, self._eval(accuser))

    def finalize(self, qualified: Iterable[int],
                 answers: Iterable[ComplaintAnswer] = ()) -> TrusteeShare:
        """This trustee's share for the qualified set ``qualified``: x = sum of the shares
        from qualified dealers (shares this trustee complained about are taken from valid
        ``answers``). ProtocolError if called before :meth:`receive_shares`, if a qualified
        dealer has no valid round-1 message or no valid share for this trustee, or if the joint
        key is the identity."""
        if self._view is None:
            raise ProtocolError("finalize before receive_shares")
        qualified = set(qualified)
        if not qualified:
            raise ProtocolError("no qualified dealer")
        valid = _valid_dealers(self.context, self._view)
        revealed = {a.dealer: a.share for a in answers
                    if isinstance(a, ComplaintAnswer) and a.accuser == self.index
                    and _answer_is_valid(self._view, a)}
        secret = 0
        for i in sorted(qualified):
            if i not in valid:
                raise ProtocolError(f"qualified trustee {i} has no valid round-1 message")
            if i == self.index:
                s = self._eval(self.index)
            elif i in self._received:
                s = self._received[i]
            elif i in revealed:
                s = revealed[i]
            else:
                raise ProtocolError(f"trustee {self.index}: no valid share from dealer {i}")
            secret = (secret + s) % ORDER
        messages = list(self._view.values())
        joint = joint_public_key(messages, qualified)
        if joint.is_identity():
            raise ProtocolError("the joint public key is the identity")
        mine = public_share(messages, qualified, self.index)
        if Point.mul_base8(secret) != mine:  # pragma: no cover - implied by the checks above
            raise ProtocolError(f"trustee {self.index}: share inconsistent with commitments")
        return TrusteeShare(self.index, secret, mine, joint)


# ------------------------------------------------------------ the public DKG record


@dataclass(frozen=True)
class DKGTranscript:
    """The public record of a DKG run: context, round-1 messages, complaints, answers, the
    qualified set, the joint public key and public_shares[j-1] = X_j for j = 1..n."""

    context: DKGContext
    round1: tuple[Round1Message, ...]
    complaints: tuple[Complaint, ...]
    answers: tuple[ComplaintAnswer, ...]
    qualified: frozenset[int]
    joint_public_key: Point
    public_shares: tuple[Point, ...]

    def __post_init__(self) -> None:
        for name in ("round1", "complaints", "answers", "public_shares"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "qualified", frozenset(self.qualified))

    def to_json(self) -> dict[str, Any]:
        """``{"version", "poll_id", "n", "t", "round1", "complaints", "answers", "qualified"
        (sorted), "joint_public_key", "public_shares"}``."""
        c = self.context
        return {"version": VERSION, "poll_id": c.poll_id, "n": c.n, "t": c.t,
                "round1": [m.to_json() for m in self.round1],
                "complaints": [x.to_json() for x in self.complaints],
                "answers": [a.to_json() for a in self.answers],
                "qualified": sorted(self.qualified),
                "joint_public_key": point_to_json(self.joint_public_key),
                "public_shares": [point_to_json(p) for p in self.public_shares]}

    @classmethod
    def from_json(cls, data: object) -> DKGTranscript:
        """Strict inverse of :meth:`to_json` (InvalidEncoding / FieldRangeError /
        InvalidPoint / NotInSubgroup / InvalidArgument). Parsing does not verify: call
        :func:`verify_dkg_transcript`."""
        keys = ("poll_id", "n", "t", "round1", "complaints", "answers", "qualified",
                "joint_public_key", "public_shares")
        d = object_from_json(data, keys, "DKG transcript", VERSION)
        ctx = DKGContext.from_json({"version": VERSION, "poll_id": d["poll_id"], "n": d["n"],
                                    "t": d["t"]})
        limit = ctx.n * ctx.n + ctx.n
        qualified = [trustee_index(i, "qualified trustee")
                     for i in list_from_json(d["qualified"], "qualified", ctx.n)]
        if len(set(qualified)) != len(qualified):
            raise InvalidEncoding("qualified lists a trustee twice")
        return cls(
            ctx,
            tuple(Round1Message.from_json(m) for m in list_from_json(d["round1"], "round1", ctx.n)),
            tuple(Complaint.from_json(c)
                  for c in list_from_json(d["complaints"], "complaints", limit)),
            tuple(ComplaintAnswer.from_json(a)
                  for a in list_from_json(d["answers"], "answers", limit)),
            frozenset(qualified),
            point_from_json(d["joint_public_key"], "joint public key"),
            tuple(point_from_json(p, "public share")
                  for p in list_from_json(d["public_shares"], "public_shares", ctx.n)),
        )


def verify_dkg_transcript(transcript: DKGTranscript, context: DKGContext) -> None:
    """Replay a DKG record for ``context``. Raises ProtocolError (another context; duplicate or
    unknown round-1 senders; a malformed or duplicate complaint; an answer to no complaint; a
    qualified set other than the one the messages imply; a joint key or public share that does
    not match the commitments - naming the trustee) or InvalidProof (a qualified trustee's
    proof of knowledge fails)."""
    if not isinstance(transcript, DKGTranscript):
        raise InvalidEncoding("expected a DKGTranscript")
    if transcript.context != context:
        raise ProtocolError("the DKG transcript is for another poll or trustee set")
    by_index = _index_messages(context, transcript.round1)
    for i in sorted(transcript.qualified):
        if i not in by_index:
            raise ProtocolError(f"trustee {i} is qualified without a round-1 message")
        check_round1(context, by_index[i])
    made = set()
    for c in transcript.complaints:
        if c.accuser > context.n or c.accused > context.n or c.accuser == c.accused:
            raise ProtocolError(f"malformed complaint by trustee {c.accuser}")
        if (c.accuser, c.accused) in made:
            raise ProtocolError(f"duplicate complaint by trustee {c.accuser}")
        made.add((c.accuser, c.accused))
    seen = set()
    for a in transcript.answers:
        if (a.accuser, a.dealer) not in made:
            raise ProtocolError(f"trustee {a.dealer} answers a complaint nobody made")
        if (a.accuser, a.dealer) in seen:
            raise ProtocolError(f"trustee {a.dealer} answers the same complaint twice")
        seen.add((a.accuser, a.dealer))
    expected = set(range(1, context.n + 1)) - resolve_complaints(
        transcript.round1, transcript.complaints, transcript.answers, context)
    if expected != transcript.qualified:
        wrong = min(expected ^ transcript.qualified)
        raise ProtocolError(f"trustee {wrong} is {'not ' if wrong in expected else ''}"
                            "qualified in the record, contrary to the messages")
    commitments = _qualified_commitments(transcript.round1, transcript.qualified)
    if commitments[0] != transcript.joint_public_key:
        raise ProtocolError("the joint public key is not the sum of the qualified commitments")
    if transcript.joint_public_key.is_identity():
        raise ProtocolError("the joint public key is the identity")
    if len(transcript.public_shares) != context.n:
        raise ProtocolError(f"expected {context.n} public shares, got "
                            f"{len(transcript.public_shares)}")
    for j, x in enumerate(transcript.public_shares, start=1):
        if _feldman(commitments, j) != x:
            raise ProtocolError(f"trustee {j}: public share does not match the commitments")


def run_dkg(context: DKGContext, rng: random.Random | None = None
            ) -> tuple[DKGTranscript, list[TrusteeShare]]:
    """All n trustees in one process, honestly (for simulations and tests): returns the
    public transcript and the shares in index order. ProtocolError if the DKG fails."""
    trustees = [Trustee(i, context, rng) for i in range(1, context.n + 1)]
    round1 = [tr.round1() for tr in trustees]
    boxes = [es for tr in trustees for es in tr.round2(round1)]
    complaints = [c for tr in trustees for c in tr.receive_shares(round1, boxes)]
    answers = []
    for c in complaints:
        try:
            answers.append(trustees[c.accused - 1].answer_complaint(c))
        except ProtocolError:
            pass  # the dealer refuses a t-th reveal and is disqualified
    qualified = set(range(1, context.n + 1)) - resolve_complaints(round1, complaints, answers,
                                                                  context)
    shares = [tr.finalize(qualified, answers) for tr in trustees]
    transcript = DKGTranscript(context, tuple(round1), tuple(complaints), tuple(answers),
                               frozenset(qualified), shares[0].joint_public_key,
                               tuple(s.public_share for s in shares))
    return transcript, shares


__all__ = [
    "DKGContext",
    "DKGTranscript",
    "Complaint",
    "ComplaintAnswer",
    "EncryptedShare",
    "Round1Message",
    "Trustee",
    "TrusteeShare",
    "check_round1",
    "joint_public_key",
    "public_share",
    "resolve_complaints",
    "run_dkg",
    "trustee_index",
    "verify_dkg_transcript",
]
