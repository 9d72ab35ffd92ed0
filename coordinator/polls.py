"""Polls: creation from a manifest draft, the trustees' key generation, opening and closing.

A poll moves through ``draft -> keygen -> open -> closed -> tallied``:

* **draft**: created by the admin from a manifest *draft* - the manifest's JSON with
  ``trustees`` reduced to ``{"n", "t"}`` - plus the circuit's verification key and each
  trustee's Ed25519 request key. The draft is validated as a complete manifest (with
  placeholder keys), so nothing about it can fail later.
* **keygen**: trustees run the DKG of zkvote.threshold through the coordinator, which checks
  and stores each message and relays the encrypted shares to their recipients (it cannot open
  them). When every trustee that published a round-1 message has reported its complaints (an
  empty list when all its shares were good), the admin finalises: the coordinator computes the
  qualified set (``resolve_complaints``), the joint key and public shares, checks the whole
  transcript (``verify_dkg_transcript``) and completes the manifest, whose hash is final from
  then on.
* **open** (admin): ballots are accepted (zkvote.coordinator.ingest); both boards start with a
  signed empty head.
* **closed** (admin): no ballot is accepted any more; the boards' last heads are final.
* **tallied**: see zkvote.coordinator.tallying.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from zkvote.babyjub import Point
from zkvote.errors import InvalidArgument, InvalidEncoding, ProtocolError
from zkvote.jsonmodel import canonical_json
from zkvote.poll import PollManifest, check_poll_id, vk_hash
from zkvote.sigma import point_to_json
from zkvote.snark.snarkjs_json import verifying_key_from_json
from zkvote.threshold import (
    Complaint,
    ComplaintAnswer,
    DKGContext,
    DKGTranscript,
    EncryptedShare,
    Round1Message,
    check_round1,
    joint_public_key,
    public_share,
    resolve_complaints,
    verify_dkg_transcript,
)

from .boards import Boards
from .errors import Forbidden, WrongState
from .models import AnswersPost, ComplaintsPost, PollCreate, SharesPost
from .storage import BOARDS, PollRow, Storage, now_ms


@dataclass(frozen=True)
class PollContext:
    """What ballot acceptance needs about an open poll: the manifest and verifying key as
    JSON text (sent to the checking workers) and the voting period in ms."""

    poll_id: str
    manifest_json: str
    vk_json: str
    revote: str
    opens_at_ms: int
    closes_at_ms: int


def _time_ms(stamp: str) -> int:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _manifest_from_draft(draft: dict, public_shares: list[Point], joint_key: Point
                         ) -> PollManifest:
    trustees = draft.get("trustees")
    if not isinstance(trustees, dict) or set(trustees) != {"n", "t"}:
        raise InvalidEncoding('a manifest draft has "trustees": {"n": N, "t": T} and nothing '
                              "more (the key generation fills in the keys)")
    full = dict(draft)
    full["trustees"] = {"n": trustees["n"], "t": trustees["t"],
                        "public_shares": [point_to_json(p) for p in public_shares],
                        "joint_key": point_to_json(joint_key)}
    manifest = PollManifest.from_json(full)
    manifest.check_parameters()
    return manifest


def check_draft(draft: dict) -> PollManifest:
    """Validate a manifest draft as a complete manifest with placeholder trustee keys (the
    base point); return that placeholder manifest. Raises InvalidEncoding and the other
    InvalidInput errors of :meth:`PollManifest.from_json`, InvalidArgument from
    :meth:`PollManifest.check_parameters`."""
    trustees = draft.get("trustees") if isinstance(draft, dict) else None
    n = trustees.get("n") if isinstance(trustees, dict) else None
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 64:
        raise InvalidEncoding("manifest draft: trustees.n must be an integer in 1..64")
    g = Point.base8()
    return _manifest_from_draft(draft, [g] * n, g)


class Polls:
    """Poll lifecycle and DKG orchestration over :class:`Storage`."""

    def __init__(self, storage: Storage, boards: Boards) -> None:
        self.storage = storage
        self.boards = boards
        self._contexts: dict[str, PollContext] = {}
        self._revote: dict[str, str] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ creation

    def create(self, body: PollCreate) -> PollRow:
        """Create a poll in state ``draft`` (see the module docstring). Raises
        InvalidEncoding / InvalidArgument for a bad draft, a verification key that is not the
        draft's (hash) or not the circuit's (number of public inputs), a wrong number of
        trustee keys; Conflict if the poll id exists."""
        placeholder = check_draft(body.manifest)
        vk = verifying_key_from_json(body.verification_key)
        if vk_hash(body.verification_key) != placeholder.circuit.vk_sha256:
            raise InvalidArgument("the verification key's sha256 is not the draft's "
                                  "circuit.vk_sha256")
        from zkvote.circuits.ballot import public_signal_names

        expected = len(public_signal_names(placeholder.n_options))
        if vk.n_public != expected:
            raise InvalidArgument(f"the verification key has {vk.n_public} public inputs, the "
                                  f"ballot circuit {expected}")
        n = placeholder.trustees.n
        if len(body.trustee_keys) != n or len(set(body.trustee_keys)) != n:
            raise InvalidArgument(f"need {n} distinct trustee keys, one per trustee")
        stamp = now_ms()
        row = PollRow(
            poll_id=check_poll_id(placeholder.poll_id), state="draft",
            revote=placeholder.revote, n_trustees=n, threshold=placeholder.trustees.t,
            draft_json=canonical_json(body.manifest).decode(), manifest_json=None,
            manifest_hash=None, vk_json=canonical_json(body.verification_key).decode(),
            proving_key_sha256=body.proving_key_sha256, dkg_json=None, created_at=stamp,
            updated_at=stamp)
        self.storage.create_poll(row, body.trustee_keys)
        return row

    def get(self, poll_id: str) -> PollRow:
        """The stored poll (NotFound)."""
        return self.storage.get_poll(poll_id)

    def manifest(self, poll_id: str) -> PollManifest:
        """The final manifest; WrongState before the key generation is finalised."""
        row = self.get(poll_id)
        if row.manifest_json is None:
            raise WrongState(f"poll {poll_id!r} has no final manifest yet (key generation "
                             "not finalised)")
        return PollManifest.from_json(row.manifest_json)

    def context(self, poll_id: str) -> PollContext:
        """The parsed context of an open poll (cached). WrongState unless open; NotFound."""
        with self._lock:
            ctx = self._contexts.get(poll_id)
        if ctx is not None:
            return ctx
        row = self.get(poll_id)
        if row.state != "open":
            raise WrongState(f"poll {poll_id!r} is {row.state}, not open")
        manifest = PollManifest.from_json(row.manifest_json)
        ctx = PollContext(poll_id, row.manifest_json, row.vk_json, row.revote,
                          _time_ms(manifest.opens_at), _time_ms(manifest.closes_at))
        with self._lock:
            self._contexts[poll_id] = ctx
        return ctx

    def revote(self, poll_id: str) -> str:
        """The poll's re-vote policy ("first" or "last"; fixed at creation)."""
        with self._lock:
            policy = self._revote.get(poll_id)
        if policy is None:
            policy = self.get(poll_id).revote
            with self._lock:
                self._revote[poll_id] = policy
        return policy

    def _forget(self, poll_id: str) -> None:
        with self._lock:
            self._contexts.pop(poll_id, None)

    # ------------------------------------------------------------ transitions

    def start_keygen(self, poll_id: str) -> PollRow:
        """draft -> keygen."""
        return self.storage.update_poll(poll_id, ["draft"], state="keygen")

    def open(self, poll_id: str) -> PollRow:
        """keygen (finalised) -> open; signs the empty heads of both boards."""
        if self.get(poll_id).manifest_json is None:
            raise WrongState("finalise the key generation before opening the poll")
        row = self.storage.update_poll(poll_id, ["keygen"], state="open")
        for board in BOARDS:
            self.boards.ensure_head(poll_id, board)
        return row

    def close(self, poll_id: str) -> PollRow:
        """open -> closed: from the commit of this change on, no ballot is accepted."""
        row = self.storage.update_poll(poll_id, ["open"], state="closed")
        self._forget(poll_id)
        return row

    # ------------------------------------------------------------ DKG

    def dkg_context(self, row: PollRow) -> DKGContext:
        """The DKG context (poll id, n, t) of a stored poll."""
        return DKGContext(row.poll_id, row.n_trustees, row.threshold)

    def trustee_index(self, poll_id: str, key_hex: str) -> int | None:
        """The index of the trustee with request key ``key_hex`` in the poll, or None."""
        for index, key in self.storage.trustee_keys(poll_id).items():
            if key == key_hex:
                return index
        return None

    def _keygen_row(self, poll_id: str) -> PollRow:
        row = self.get(poll_id)
        if row.state != "keygen" or row.manifest_json is not None:
            raise WrongState(f"poll {poll_id!r} is not collecting key generation messages")
        return row

    def _round1(self, poll_id: str) -> dict[int, Round1Message]:
        return {sender: Round1Message.from_json(json.loads(body))
                for sender, _, body in self.storage.dkg_messages(poll_id, "round1")}

    def post_round1(self, poll_id: str, trustee: int, data: dict) -> None:
        """Store trustee ``trustee``'s round-1 message after checking it is its own and its
        proof of knowledge verifies. Forbidden (another trustee's index), ProtocolError /
        InvalidProof (bad message), Conflict (sent already), WrongState."""
        row = self._keygen_row(poll_id)
        message = Round1Message.from_json(data)
        if message.index != trustee:
            raise Forbidden(f"trustee {trustee} cannot post trustee {message.index}'s message")
        check_round1(self.dkg_context(row), message)
        self.storage.put_dkg_message(poll_id, "round1", trustee,
                                     canonical_json(message.to_json()).decode())

    def post_shares(self, poll_id: str, trustee: int, body: SharesPost) -> None:
        """Store trustee ``trustee``'s encrypted shares for relaying: one per other trustee
        that published a round-1 message, sender = the caller. Errors as
        :meth:`post_round1`; ProtocolError when the caller has no round-1 message yet."""
        row = self._keygen_row(poll_id)
        context = self.dkg_context(row)
        round1 = self._round1(poll_id)
        if trustee not in round1:
            raise ProtocolError("publish the round-1 message before sending shares")
        shares = [EncryptedShare.from_json(item) for item in body.shares]
        bodies: dict[int, str] = {}
        for es in shares:
            if es.sender != trustee:
                raise Forbidden(f"trustee {trustee} cannot send shares as {es.sender}")
            context.check_index(es.recipient, "recipient")
            if es.recipient == trustee or es.recipient not in round1:
                raise ProtocolError(f"share for trustee {es.recipient}, who is not another "
                                    "trustee with a round-1 message")
            if es.recipient in bodies:
                raise ProtocolError(f"two shares for trustee {es.recipient}")
            bodies[es.recipient] = canonical_json(es.to_json()).decode()
        if not bodies:
            raise ProtocolError("no shares in the message")
        self.storage.put_dkg_messages(poll_id, "share", trustee, bodies)

    def shares_for(self, poll_id: str, trustee: int) -> list[dict]:
        """The encrypted shares addressed to trustee ``trustee`` (private traffic)."""
        self.get(poll_id)
        return [json.loads(body)
                for _, _, body in self.storage.dkg_messages(poll_id, "share", trustee)]

    def post_complaints(self, poll_id: str, trustee: int, body: ComplaintsPost) -> None:
        """Store trustee ``trustee``'s complaints (possibly none: all its shares were good).
        Each names the caller as accuser and another trustee as accused."""
        row = self._keygen_row(poll_id)
        context = self.dkg_context(row)
        if trustee not in self._round1(poll_id):
            raise ProtocolError("publish the round-1 message before complaining")
        complaints = [Complaint.from_json(item) for item in body.complaints]
        accused = set()
        for c in complaints:
            if c.accuser != trustee:
                raise Forbidden(f"trustee {trustee} cannot complain as {c.accuser}")
            context.check_index(c.accused, "accused")
            if c.accused == trustee or c.accused in accused:
                raise ProtocolError(f"invalid or repeated complaint against {c.accused}")
            accused.add(c.accused)
        doc = {"version": 1, "complaints": [c.to_json() for c in complaints]}
        self.storage.put_dkg_message(poll_id, "complaints", trustee,
                                     canonical_json(doc).decode())

    def _complaints(self, poll_id: str) -> list[Complaint]:
        out = []
        for _, _, body in self.storage.dkg_messages(poll_id, "complaints"):
            out += [Complaint.from_json(c) for c in json.loads(body)["complaints"]]
        return out

    def post_answers(self, poll_id: str, trustee: int, body: AnswersPost) -> None:
        """Store dealer ``trustee``'s answers, each to a complaint made against it."""
        self._keygen_row(poll_id)
        answers = [ComplaintAnswer.from_json(item) for item in body.answers]
        made = {(c.accuser, c.accused) for c in self._complaints(poll_id)}
        bodies: dict[int, str] = {}
        for a in answers:
            if a.dealer != trustee:
                raise Forbidden(f"trustee {trustee} cannot answer as {a.dealer}")
            if (a.accuser, a.dealer) not in made:
                raise ProtocolError(f"no complaint by trustee {a.accuser} to answer")
            if a.accuser in bodies:
                raise ProtocolError(f"two answers to trustee {a.accuser}")
            bodies[a.accuser] = canonical_json(a.to_json()).decode()
        if not bodies:
            raise ProtocolError("no answers in the message")
        self.storage.put_dkg_messages(poll_id, "answers", trustee, bodies)

    def dkg_status(self, poll_id: str) -> dict:
        """The public state of the key generation: context, round-1 messages, who sent
        shares, complaints, answers, and the transcript once finalised."""
        row = self.get(poll_id)
        senders = sorted({s for s, _, _ in self.storage.dkg_messages(poll_id, "share")})
        reported = [s for s, _, _ in self.storage.dkg_messages(poll_id, "complaints")]
        return {
            "version": 1, "poll_id": poll_id, "state": row.state,
            "n": row.n_trustees, "t": row.threshold,
            "round1": [json.loads(b) for _, _, b in self.storage.dkg_messages(poll_id,
                                                                               "round1")],
            "shares_sent": senders,
            "complaints_reported": reported,
            "complaints": [c.to_json() for c in self._complaints(poll_id)],
            "answers": [json.loads(b) for _, _, b in self.storage.dkg_messages(poll_id,
                                                                                "answers")],
            "transcript": None if row.dkg_json is None else json.loads(row.dkg_json),
        }

    def finalize_dkg(self, poll_id: str) -> PollManifest:
        """Compute the qualified set, joint key and public shares from the stored messages,
        verify the transcript and complete the manifest (see the module docstring).

        Raises WrongState, ProtocolError (fewer than t trustees published a round-1
        message, one of them has not reported its complaints, or no dealer qualifies)."""
        row = self._keygen_row(poll_id)
        context = self.dkg_context(row)
        round1 = self._round1(poll_id)
        if len(round1) < context.t:
            raise ProtocolError(f"{len(round1)} trustees published a round-1 message, need at "
                                f"least t = {context.t}")
        reported = {s for s, _, _ in self.storage.dkg_messages(poll_id, "complaints")}
        waiting = sorted(set(round1) - reported)
        if waiting:
            raise ProtocolError(f"trustees {waiting} have not reported their complaints yet")
        complaints = self._complaints(poll_id)
        answers = [ComplaintAnswer.from_json(json.loads(b))
                   for _, _, b in self.storage.dkg_messages(poll_id, "answers")]
        messages = [round1[i] for i in sorted(round1)]
        qualified = (set(range(1, context.n + 1))
                     - resolve_complaints(messages, complaints, answers, context))
        if not qualified:
            raise ProtocolError("no trustee qualified as a dealer")
        joint = joint_public_key(messages, qualified)
        shares = [public_share(messages, qualified, j) for j in range(1, context.n + 1)]
        transcript = DKGTranscript(context, tuple(messages), tuple(complaints), tuple(answers),
                                   frozenset(qualified), joint, tuple(shares))
        verify_dkg_transcript(transcript, context)
        manifest = _manifest_from_draft(json.loads(row.draft_json), shares, joint)
        self.storage.update_poll(
            poll_id, ["keygen"], manifest_json=manifest.canonical_json().decode(),
            manifest_hash=manifest.manifest_hash(),
            dkg_json=canonical_json(transcript.to_json()).decode())
        return manifest


__all__ = ["PollContext", "Polls", "check_draft"]
