"""The trustee's side: take part in a poll's key generation and decrypt only its aggregate.

:class:`TrusteeClient` signs its requests with the trustee's Ed25519 key (the operator
registered its public half in the poll) and keeps its results in the wallet.

Key generation (:meth:`TrusteeClient.run_dkg`) runs every round in one process, polling the
coordinator between rounds, because the trustee's secret polynomial lives only in memory and is
never written anywhere: round 1 (commitments + proof of knowledge + box key), waiting for every
trustee's round 1; the encrypted shares, waiting for everyone's; checking the shares addressed
to it and reporting complaints (none when all are good), waiting for everyone's; answering
complaints against it; then, once the operator has finalised, replaying the public transcript
(zkvote.threshold.verify_dkg_transcript), deriving its share and checking that the final
manifest carries exactly the joint key and public shares the transcript implies. Only then is
the share stored (wallet, mode 0600).

Decryption (:meth:`TrusteeClient.decrypt`) refuses to be a decryption oracle: before computing
its partial decryption it downloads the whole ballots board, checks it against the board's
signed head (pinned key, Merkle root), checks every ballot proof (batch verification),
re-applies the re-vote policy and recomputes the aggregate; only if that equals the aggregate
it was asked to decrypt does it decrypt and post it with its DLEQ proofs. A coordinator cannot
get one ballot (or any other ciphertext) decrypted by passing it off as the aggregate.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from typing import Any

from zkvote.ballot import Ballot, verify_ballots
from zkvote.board import verify_tree_head
from zkvote.board_tree import MerkleTree, leaf_hash
from zkvote.client import BadResponse, ConflictError, CoordinatorClient, parsed
from zkvote.client_receipts import board_log_id, verify_key_from_hex
from zkvote.decryption import PartialDecryption, partial_decrypt
from zkvote.errors import InvalidEncoding, InvalidInput, InvalidProof, ProtocolError
from zkvote.jsonmodel import canonical_json
from zkvote.poll import PollManifest
from zkvote.tally import aggregate_counted, classify_board
from zkvote.threshold import (
    Complaint,
    ComplaintAnswer,
    DKGContext,
    DKGTranscript,
    EncryptedShare,
    Round1Message,
    Trustee,
    TrusteeShare,
    verify_dkg_transcript,
)
from zkvote.wallet import DEFAULT_NAME, Wallet

SHARE_DOC_VERSION = 1
Progress = Callable[[str], None]


class DKGTimeout(ProtocolError):
    """Other trustees (or the operator) did not take their step in time."""


class TrusteeClient:
    """One trustee at one coordinator. ``client`` must sign with the trustee's key
    (``CoordinatorClient(url, signing_key=...)``). ``wallet`` / ``name``: where the share is
    stored (None: not stored). ``rng`` only for reproducible demos."""

    def __init__(self, client: CoordinatorClient, *, wallet: Wallet | None = None,
                 name: str = DEFAULT_NAME, rng: random.Random | None = None,
                 poll_interval: float = 0.25, timeout: float = 600.0) -> None:
        if client.signing_key is None:
            raise InvalidInput("a trustee's client needs the trustee's signing key")
        self.client = client
        self.wallet = wallet
        self.name = name
        self.rng = rng
        self.poll_interval = poll_interval
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"TrusteeClient(name={self.name!r}, coordinator={self.client.base_url})"

    # ------------------------------------------------------------ helpers

    def context(self, poll_id: str) -> DKGContext:
        """The poll's DKG context (poll id, n, t) as the coordinator reports it."""
        summary = self.client.poll(poll_id)
        return parsed("poll summary", lambda: DKGContext(poll_id, summary.get("n_trustees"),
                                                         summary.get("threshold")))

    def my_index(self, poll_id: str) -> int:
        """This trustee's index in the poll, as the coordinator maps its key (NotAuthorized
        if the key is not one of the poll's trustees)."""
        doc = self.client.request("GET", f"/polls/{poll_id}/dkg/shares", signed=True)
        index = doc.get("recipient") if isinstance(doc, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or index < 1:
            raise BadResponse("no trustee index in the answer", code="bad_response")
        return index

    def _wait(self, what: str, ready: Callable[[dict], bool], poll_id: str,
              deadline: float) -> dict:
        while True:
            status = self.client.dkg_status(poll_id)
            if ready(status):
                return status
            if time.monotonic() > deadline:
                raise DKGTimeout(f"timed out waiting for {what}")
            time.sleep(self.poll_interval)

    def _wait_for_keygen(self, poll_id: str, deadline: float) -> None:
        # a trustee may start before the operator moved the poll from draft to keygen
        while True:
            state = self.client.poll(poll_id).get("state")
            if state == "keygen":
                return
            if state != "draft":
                raise ConflictError(f"poll {poll_id!r} is {state}: its key generation is over",
                                    code="wrong_state")
            if time.monotonic() > deadline:
                raise DKGTimeout("timed out waiting for the key generation to start")
            time.sleep(self.poll_interval)

    @staticmethod
    def _round1(status: dict) -> list[Round1Message]:
        return [parsed("round-1 message", Round1Message.from_json, m)
                for m in status.get("round1", [])]

    # ------------------------------------------------------------ key generation

    def run_dkg(self, poll_id: str, *, progress: Progress | None = None,
                store: bool = True) -> TrusteeShare:
        """Take part in ``poll_id``'s key generation from round 1 to the final manifest (see
        the module docstring) and return this trustee's share (stored in the wallet when
        ``store`` and a wallet is set). Raises DKGTimeout, ConflictError (the poll is not in
        key generation, or this trustee started it in an earlier run - the key generation
        cannot resume without the lost polynomial), InvalidProof / ProtocolError (the public
        transcript or final manifest does not check out)."""
        say = progress or (lambda _msg: None)
        deadline = time.monotonic() + self.timeout
        self._wait_for_keygen(poll_id, deadline)
        context = self.context(poll_id)
        index = self.my_index(poll_id)
        trustee = Trustee(index, context, self.rng)
        say(f"trustee {index} of {context.n} (threshold {context.t}): round 1")
        try:
            self.client.post_round1(poll_id, trustee.round1().to_json())
        except ConflictError as exc:
            if "already" in exc.message:
                raise ConflictError("this trustee already published its round-1 message in "
                                    "an earlier run; its secret polynomial is gone, so the key "
                                    "generation must be restarted by the operator",
                                    status=exc.status, code=exc.code) from None
            raise
        say("waiting for the other trustees' round 1")
        status = self._wait("every trustee's round-1 message",
                            lambda s: len(s.get("round1", [])) >= context.n, poll_id, deadline)
        round1 = self._round1(status)
        senders = {m.index for m in round1}
        shares = trustee.round2(round1)
        if shares:
            self.client.post_shares(poll_id, [s.to_json() for s in shares])
        say("waiting for the other trustees' shares")
        others = senders - {index}
        self._wait("the other trustees' shares",
                   lambda s: others <= set(s.get("shares_sent", [])), poll_id, deadline)
        mine = [parsed("encrypted share", EncryptedShare.from_json, s)
                for s in self.client.my_shares(poll_id)]
        complaints = trustee.receive_shares(round1, mine)
        self.client.post_complaints(poll_id, [c.to_json() for c in complaints])
        if complaints:
            say(f"complained about trustees {[c.accused for c in complaints]}")
        say("waiting for every trustee's complaints")
        status = self._wait("every trustee's complaints",
                            lambda s: senders <= set(s.get("complaints_reported", [])),
                            poll_id, deadline)
        against = [parsed("complaint", Complaint.from_json, c)
                   for c in status.get("complaints", []) if c.get("accused") == index]
        answers = []
        for c in against:
            try:
                answers.append(trustee.answer_complaint(c).to_json())
            except ProtocolError:
                pass  # refusing a t-th reveal; resolve_complaints disqualifies this dealer
        if answers:
            self.client.post_answers(poll_id, answers)
        say("waiting for the operator to finalise the key generation")
        status = self._wait("the final transcript", lambda s: s.get("transcript") is not None,
                            poll_id, deadline)
        share = self._finish(poll_id, context, trustee, status["transcript"])
        if store and self.wallet is not None:
            self.store_share(poll_id, context, share)
        say(f"done: joint key {share.joint_public_key.x}"[:60] + "…")
        return share

    def _finish(self, poll_id: str, context: DKGContext, trustee: Trustee,
                transcript_json: Any) -> TrusteeShare:
        transcript = parsed("DKG transcript", DKGTranscript.from_json, transcript_json)
        verify_dkg_transcript(transcript, context)
        mine = trustee.round1()
        if mine not in transcript.round1:
            raise ProtocolError("the final transcript does not contain this trustee's round-1 "
                                "message")
        answers = [a for a in transcript.answers if isinstance(a, ComplaintAnswer)]
        share = trustee.finalize(set(transcript.qualified), answers)
        if share.joint_public_key != transcript.joint_public_key:
            raise ProtocolError("the transcript's joint key differs from this trustee's view")
        manifest = self.client.manifest(poll_id)
        if manifest.trustees.joint_key != share.joint_public_key or \
                manifest.trustees.public_shares[share.index - 1] != share.public_share:
            raise ProtocolError("the final manifest does not carry the key this key "
                                "generation produced")
        return share

    def store_share(self, poll_id: str, context: DKGContext, share: TrusteeShare) -> None:
        """Store ``share`` in the wallet (refuses to replace an existing share)."""
        if self.wallet is None:
            raise InvalidInput("no wallet to store the share in")
        self.wallet.save_share(self.name, poll_id, {
            "version": SHARE_DOC_VERSION, "coordinator": self.client.base_url,
            "context": context.to_json(), "share": share.to_json()})

    def load_share(self, poll_id: str) -> tuple[DKGContext, TrusteeShare]:
        """This trustee's stored share of ``poll_id`` (wallet errors; InvalidEncoding if the
        file is malformed)."""
        if self.wallet is None:
            raise InvalidInput("no wallet to load the share from")
        doc = self.wallet.load_share(self.name, poll_id)
        if not isinstance(doc, dict) or set(doc) != {"version", "coordinator", "context",
                                                      "share"} \
                or doc["version"] != SHARE_DOC_VERSION:
            raise InvalidEncoding("malformed trustee share file")
        return DKGContext.from_json(doc["context"]), TrusteeShare.from_json(doc["share"])

    # ------------------------------------------------------------ decryption

    def audit_aggregate(self, poll_id: str, manifest: PollManifest) -> list:
        """Recompute the aggregate of ``poll_id`` from its ballots board (see the module
        docstring) and return it if the coordinator's published aggregate equals it. Raises
        InvalidProof (a board that does not match its signed head, a ballot that does not
        verify, an aggregate that is not the sum of the counted ballots) or BadResponse."""
        from zkvote.record import parse_aggregate
        from zkvote.snark.snarkjs_json import verifying_key_from_json

        key_hex = self.client.log_public_key()
        if self.wallet is not None:
            self.wallet.pin_log_key(self.client.base_url, key_hex)
        key = verify_key_from_hex(key_hex)
        head = self.client.head(poll_id, "ballots")
        verify_tree_head(head, key, board_log_id(key, poll_id, "ballots"))
        entries: list[bytes] = []
        while len(entries) < head.tree_size:
            page = self.client.entries(poll_id, start=len(entries),
                                       limit=min(1000, head.tree_size - len(entries)))
            items = page.get("entries") if isinstance(page, dict) else None
            if not isinstance(items, list) or not items:
                raise BadResponse("the board's entries end before its signed head",
                                  code="bad_response")
            for item in items:
                if item.get("index") != len(entries):
                    raise BadResponse("board entries out of order", code="bad_response")
                entries.append(canonical_json(item.get("entry")))
        tree = MerkleTree([leaf_hash(e) for e in entries[:head.tree_size]])
        if tree.root() != head.root_hash:
            raise InvalidProof("the board's entries do not hash to its signed head")
        ballots = [parsed("board entry", Ballot.from_json, json.loads(e)) for e in entries]
        vk = parsed("verification key", verifying_key_from_json,
                    self.client.verification_key(poll_id))
        from zkvote.poll import vk_hash
        from zkvote.snark.snarkjs_json import verifying_key_to_json

        if vk_hash(verifying_key_to_json(vk)) != manifest.circuit.vk_sha256:
            raise InvalidProof("the coordinator's verification key is not the manifest's")
        if ballots:
            verify_ballots(ballots, manifest, vk, rng=self.rng)
        counted = classify_board([b.nullifier for b in ballots], manifest.revote).counted
        expected = aggregate_counted([ballots[p].ciphertexts for p in counted],
                                     manifest.n_options)
        doc = self.client.get_aggregate(poll_id)
        published = parsed("aggregate", parse_aggregate, canonical_json(doc))
        if published.manifest_sha256 != manifest.manifest_hash():
            raise InvalidProof("the aggregate is for another manifest")
        if list(published.ciphertexts) != expected or published.ballots_counted != len(counted):
            raise InvalidProof("the aggregate to decrypt is not the sum of the counted ballots "
                               "on the board: refusing to decrypt it")
        return expected

    def decrypt(self, poll_id: str, share: TrusteeShare | None = None, *,
                progress: Progress | None = None) -> PartialDecryption:
        """Audit the aggregate (:meth:`audit_aggregate`), compute this trustee's partial
        decryption with its DLEQ proofs and post it. ``share`` defaults to the stored one.
        Raises InvalidProof (audit failed), ProtocolError (the share is not this poll's
        trustee key), and the client's errors."""
        say = progress or (lambda _msg: None)
        if share is None:
            _, share = self.load_share(poll_id)
        manifest = self.client.manifest(poll_id)
        trustees = manifest.trustees
        if not 1 <= share.index <= trustees.n or trustees.public_shares[share.index - 1] \
                != share.public_share or trustees.joint_key != share.joint_public_key:
            raise ProtocolError("this share is not one of the poll's trustee keys")
        say("auditing the board and the aggregate")
        aggregate = self.audit_aggregate(poll_id, manifest)
        say("decrypting the aggregate")
        context = DKGContext(poll_id, trustees.n, trustees.t)
        partial = partial_decrypt(share, aggregate, context, rng=self.rng)
        self.client.post_partial(poll_id, partial.to_json())
        return partial


__all__ = ["DKGTimeout", "SHARE_DOC_VERSION", "TrusteeClient"]

