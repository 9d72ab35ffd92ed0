"""The operator's side of the client layer, and in-process helpers for demos and tests.

:class:`OperatorClient` is :class:`zkvote.client.CoordinatorClient` plus what an operator
needs beyond single calls: uploading a poll's proving key (``PUT /polls/{id}/proving-key``,
a raw .zkey body), waiting for the trustees' key generation before finalising it, and waiting
for the trustees' partial decryptions. :func:`load_admin_key` reads the coordinator's
``admin_ed25519.key``; :func:`poll_draft` builds a checked manifest draft for ``POST /polls``.
``zkvote operator ...`` (zkvote.cli_operator) is a thin layer over these.

:class:`SignedClient` wraps any HTTP client with httpx's interface (``httpx.Client``, or
FastAPI's ``TestClient``) and sends raw JSON calls, Ed25519-signed with the coordinator's
request scheme when it holds a key. Error answers raise the client layer's one hierarchy
(:class:`zkvote.client.CoordinatorError` and its subclasses, chosen by status). The typed SDK
is :class:`zkvote.client.CoordinatorClient`; this module is for callers that build request
bodies themselves (the coordinator's own tests probe it with hand-made bodies).

:class:`DKGSession` and :func:`trustees_decrypt` play trustees held in this one process through
the HTTP protocol. A real trustee runs its own client on its own machine with only its own key
(``zkvote trustee dkg|decrypt``, :class:`zkvote.client_trustee.TrusteeClient`).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from zkvote.client import (
    BadResponse,
    ConflictError,
    CoordinatorClient,
    CoordinatorError,
    error_from_response,
)
from zkvote.decryption import partial_decrypt
from zkvote.elgamal import Ciphertext
from zkvote.errors import InvalidArgument, InvalidInput, ProtocolError, ZkvoteError
from zkvote.hexkeys import signing_key_from_hex
from zkvote.request_signing import signed_headers
from zkvote.threshold import (
    Complaint,
    ComplaintAnswer,
    DKGContext,
    EncryptedShare,
    Round1Message,
    Trustee,
    TrusteeShare,
)

Progress = Callable[[str], None]
ADMIN_KEY_FILE = "admin_ed25519.key"  # the coordinator's name for it (coordinator.settings)


# ------------------------------------------------------------ operator


def load_admin_key(path: str | os.PathLike[str]) -> SigningKey:
    """The operator's Ed25519 key from ``path`` (64 hex digits, as the coordinator writes
    ``admin_ed25519.key`` in its data directory). Raises InvalidArgument when the file does
    not exist (never creates one), InvalidEncoding when it is not such a key, OSError when it
    cannot be read."""
    p = Path(path)
    if not p.is_file():
        raise InvalidArgument(f"{p}: no such admin key file (the coordinator keeps it in its "
                              f"data directory as {ADMIN_KEY_FILE}; pass --admin-key or set "
                              "ZKVOTE_ADMIN_KEY)")
    return signing_key_from_hex(p.read_bytes(), str(p))


def keygen_progress(status: Mapping[str, Any]) -> tuple[bool, bool, str]:
    """From a ``GET /polls/{id}/dkg`` document: (complete, finalisable, summary).

    ``complete``: all n trustees published round 1 and reported their complaints, and every
    complaint was answered. ``finalisable``: at least t trustees published round 1 and each of
    them reported (the coordinator's own precondition; unanswered complaints then disqualify
    their dealer). BadResponse for a document without these fields."""
    try:
        n, t = int(status["n"]), int(status["t"])
        round1 = {int(m["index"]) for m in status["round1"]}
        reported = {int(i) for i in status["complaints_reported"]}
        complained = {(int(c["accuser"]), int(c["accused"])) for c in status["complaints"]}
        answered = {(int(a["accuser"]), int(a["dealer"])) for a in status["answers"]}
    except (KeyError, TypeError, ValueError):
        raise BadResponse("key-generation status without n, t, round1, complaints_reported, "
                          "complaints and answers", code="bad_response") from None
    finalisable = len(round1) >= t and round1 <= reported
    complete = finalisable and len(round1) == n and complained <= answered
    summary = (f"{len(round1)}/{n} trustees published round 1, {len(reported)}/{n} reported "
               f"complaints ({len(complained)} complaints, {len(answered)} answered)")
    return complete, finalisable, summary


class OperatorClient(CoordinatorClient):
    """A :class:`~zkvote.client.CoordinatorClient` signing as the operator, with the calls
    that upload or wait. Errors: the :class:`~zkvote.client.CoordinatorError` hierarchy;
    ProtocolError when a wait times out."""

    def upload_proving_key(self, poll_id: str, data: bytes) -> dict:
        """``PUT /polls/{id}/proving-key`` (admin): upload the poll's .zkey (raw bytes). The
        coordinator stores it only if its verifying key and sha256 are the poll's
        (RequestInvalid / Rejected ``wrong_proving_key`` otherwise). Not retried."""
        if self.signing_key is None:
            raise InvalidInput("uploading a proving key needs the admin key")
        return self.request("PUT", f"/polls/{poll_id}/proving-key", content=data,
                            signed=True, retry=False)

    def latest_root(self, group_id: str) -> dict:
        """The group's latest published root entry ``{"root", "size", ...}``. NotFoundError
        for an unknown group; ConflictError (code ``no_root``) when it has published none."""
        roots = self.group(group_id).get("roots") or []
        if not roots:
            raise ConflictError(f"group {group_id!r} has published no root yet (run "
                                "`zkvote operator group publish-root`)", code="no_root")
        return roots[-1]

    def wait_for_keygen(self, poll_id: str, *, timeout: float = 600.0, interval: float = 1.0,
                        allow_missing: bool = False, progress: Progress | None = None) -> dict:
        """Wait until the poll's key generation is complete (see :func:`keygen_progress`; with
        ``allow_missing``: finalisable) and return the last status. ProtocolError after
        ``timeout`` seconds, naming what is missing."""
        say = progress or (lambda _msg: None)
        deadline = time.monotonic() + timeout
        while True:
            status = self.dkg_status(poll_id)
            complete, finalisable, summary = keygen_progress(status)
            say(summary)
            if complete or (allow_missing and finalisable):
                return status
            if time.monotonic() >= deadline:
                hint = "" if allow_missing else " (--allow-missing finalises with those " \
                    "present once at least t have finished)"
                raise ProtocolError(f"key generation not complete after {timeout:g} s: "
                                    f"{summary}{hint}")
            time.sleep(interval)

    def wait_for_partials(self, poll_id: str, *, timeout: float = 0.0, interval: float = 1.0,
                          progress: Progress | None = None) -> int:
        """Wait up to ``timeout`` seconds until at least t trustees posted their partial
        decryptions; return how many did (possibly fewer, when the time ran out)."""
        say = progress or (lambda _msg: None)
        t = int(self.poll(poll_id)["threshold"])
        deadline = time.monotonic() + timeout
        while True:
            have = len(self.partials(poll_id))
            say(f"{have} of the t = {t} partial decryptions needed")
            if have >= t or time.monotonic() >= deadline:
                return have
            time.sleep(interval)


def poll_draft(*, poll_id: str, question: str, options: Sequence[str], preset_name: str,
               params: Mapping[str, int], group_roots: Sequence[int], electorate: int,
               zkey: Any, max_depth: int, setup: str, n_trustees: int, threshold: int,
               revote: str, outcome: Mapping[str, Any], opens_at: datetime,
               closes_at: datetime, tally_bound: int | None = None) -> dict:
    """A manifest draft for ``POST /polls`` (the manifest with ``trustees`` = {n, t}),
    checked as the coordinator will check it.

    ``zkey``: the circuit's parsed .zkey (its verifying key is hashed into the draft; its
    wire and public-input counts must be those of the ballot circuit of (len(options),
    ``max_depth``)). ``tally_bound`` defaults to electorate x the rule's largest value per
    option (required for the weighted rule, whose credits the coordinator cannot see).
    Raises InvalidArgument / InvalidEncoding for anything the manifest or the rule refuses."""
    from zkvote.babyjub import Point
    from zkvote.circuits.ballot import circuit_id, compiled_ballot_circuit, preset
    from zkvote.outcome import OutcomeRule
    from zkvote.poll import (
        MAX_TALLY_BOUND,
        CircuitSpec,
        PollManifest,
        TrusteeSpec,
        poll_scope,
        rule_spec,
        utc_timestamp,
        vk_hash,
    )
    from zkvote.snark.snarkjs_json import verifying_key_to_json

    k = len(options)
    rule = preset(preset_name, k, **dict(params))
    r1cs, _ = compiled_ballot_circuit(k, max_depth)
    if (zkey.n_wires, zkey.n_public) != (r1cs.n_wires, r1cs.n_public):
        raise InvalidArgument(f"the proving key is not for the ballot circuit of {k} options "
                              f"and depth {max_depth} ({zkey.n_wires} wires, {zkey.n_public} "
                              f"public inputs; the circuit has {r1cs.n_wires}, "
                              f"{r1cs.n_public})")
    if tally_bound is None:
        if rule.weighted:
            raise InvalidArgument("the weighted rule needs --tally-bound (the total credits "
                                  "of the group)")
        tally_bound = min(MAX_TALLY_BOUND, max(1, electorate * rule.max_value))
    if closes_at <= opens_at:
        raise InvalidArgument("the poll must close after it opens")
    g = Point.base8()
    try:
        manifest = PollManifest(
            version=1, poll_id=poll_id, scope=poll_scope(poll_id), question=question,
            options=list(options), rule=rule_spec(preset_name, rule),
            outcome=OutcomeRule(**dict(outcome)), revote=revote,
            group_roots=list(group_roots), electorate=electorate,
            circuit=CircuitSpec(id=circuit_id(k, max_depth), n_options=k, max_depth=max_depth,
                                vk_sha256=vk_hash(verifying_key_to_json(zkey.vk)),
                                setup=setup),
            trustees=TrusteeSpec(n=n_trustees, t=threshold, public_shares=[g] * n_trustees,
                                 joint_key=g),
            opens_at=utc_timestamp(opens_at), closes_at=utc_timestamp(closes_at),
            tally_bound=tally_bound)
    except ValueError as exc:  # pydantic's ValidationError
        if isinstance(exc, ZkvoteError):
            raise
        first = exc.errors()[0] if hasattr(exc, "errors") and exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidArgument(f"poll manifest: {where}: {first.get('msg', exc)}") from None
    manifest.check_parameters()
    manifest.outcome.check_options(k)
    draft = manifest.to_json()
    draft["trustees"] = {"n": n_trustees, "t": threshold}
    return draft


# ------------------------------------------------------------ raw signed calls


class SignedClient:
    """Raw JSON calls to a coordinator through ``http``; signed with ``key`` when given."""

    def __init__(self, http: Any, key: SigningKey | None = None) -> None:
        self.http = http
        self.key = key

    def call(self, method: str, path: str, body: Any = None, *,
             signed: bool | None = None) -> Any:
        """Send ``body`` (JSON-encoded; no body if None) to ``path`` (path and query, exactly
        as signed) and return the parsed JSON answer, or the raw bytes of a non-JSON answer.
        Signs when ``signed`` (default: whenever this client has a key). Raises the
        :class:`~zkvote.client.CoordinatorError` subclass of an error answer."""
        content = b"" if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"} if body is not None else {}
        if signed if signed is not None else self.key is not None:
            headers.update(signed_headers(self.key, method, path, content))
        response = self.http.request(method, path, content=content, headers=headers)
        if response.status_code >= 400:
            raise error_from_response(response)
        ctype = response.headers.get("content-type", "")
        return response.json() if ctype.startswith("application/json") else response.content

    def get(self, path: str) -> Any:
        """GET ``path`` (signed if this client has a key)."""
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        """POST ``body`` to ``path``."""
        return self.call("POST", path, body)


class DKGSession:
    """Trustees held in this process taking part in one poll's key generation over HTTP."""

    def __init__(self, http: Any, poll_id: str, keys: Mapping[int, SigningKey],
                 rng: random.Random | None = None) -> None:
        public = SignedClient(http).get(f"/polls/{poll_id}")
        self.poll_id = poll_id
        self.context = DKGContext(poll_id, public["n_trustees"], public["threshold"])
        self.clients = {i: SignedClient(http, k) for i, k in keys.items()}
        self.trustees = {i: Trustee(i, self.context, rng) for i in keys}
        self.public = SignedClient(http)

    def _round1(self) -> list[Round1Message]:
        status = self.public.get(f"/polls/{self.poll_id}/dkg")
        return [Round1Message.from_json(m) for m in status["round1"]]

    def run_until_finalize(self) -> None:
        """Round 1, shares, complaints and answers for every local trustee. Call after all
        participating trustees (local or not) published round 1 before sending shares - with
        only local trustees this method does it all in order."""
        base = f"/polls/{self.poll_id}/dkg"
        for i, tr in self.trustees.items():
            self.clients[i].post(f"{base}/round1", tr.round1().to_json())
        round1 = self._round1()
        for i, tr in self.trustees.items():
            shares = tr.round2(round1)
            if shares:
                self.clients[i].post(f"{base}/shares", {
                    "version": 1, "shares": [s.to_json() for s in shares]})
        for i, tr in self.trustees.items():
            mine = self.clients[i].get(f"{base}/shares")["shares"]
            complaints = tr.receive_shares(round1, [EncryptedShare.from_json(s) for s in mine])
            self.clients[i].post(f"{base}/complaints", {
                "version": 1, "complaints": [c.to_json() for c in complaints]})
        status = self.public.get(base)
        for i, tr in self.trustees.items():
            against = [Complaint.from_json(c) for c in status["complaints"]
                       if c["accused"] == i]
            answers = []
            for c in against:
                try:
                    answers.append(tr.answer_complaint(c).to_json())
                except ZkvoteError:
                    pass  # refusing a t-th reveal: the dealer is disqualified
            if answers:
                self.clients[i].post(f"{base}/answers", {"version": 1, "answers": answers})

    def shares(self) -> dict[int, TrusteeShare]:
        """Each local trustee's share, after the admin finalised the key generation."""
        transcript = self.public.get(f"/polls/{self.poll_id}/dkg")["transcript"]
        qualified = set(transcript["qualified"])
        answers = [ComplaintAnswer.from_json(a) for a in transcript["answers"]]
        return {i: tr.finalize(qualified, answers) for i, tr in self.trustees.items()}


def trustees_decrypt(http: Any, poll_id: str, keys: Mapping[int, SigningKey],
                     shares: Mapping[int, TrusteeShare],
                     rng: random.Random | None = None) -> None:
    """Each trustee in ``shares`` posts its partial decryption of the poll's aggregate.
    Raises CoordinatorError for an error answer."""
    public = SignedClient(http)
    summary = public.get(f"/polls/{poll_id}")
    context = DKGContext(poll_id, summary["n_trustees"], summary["threshold"])
    doc = public.get(f"/polls/{poll_id}/tally/aggregate")
    cts = [Ciphertext.from_json(c) for c in doc["ciphertexts"]]
    for i, share in shares.items():
        partial = partial_decrypt(share, cts, context, rng=rng)
        SignedClient(http, keys[i]).post(f"/polls/{poll_id}/tally/partials", partial.to_json())


__all__ = ["ADMIN_KEY_FILE", "CoordinatorError", "DKGSession", "OperatorClient",
           "SignedClient", "keygen_progress", "load_admin_key", "poll_draft",
           "trustees_decrypt"]
