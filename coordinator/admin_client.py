"""A small synchronous client for the coordinator's admin and trustee calls.

:class:`SignedClient` wraps any HTTP client with httpx's interface (``httpx.Client``, or
FastAPI's ``TestClient``) and signs requests with an Ed25519 key (zkvote.coordinator.auth);
:func:`trustees_run_dkg` and :func:`trustees_decrypt` play trustees held in this process
through the HTTP protocol (for demos, tests and benchmarks - a real trustee runs its own
client on its own machine with only its own key).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from typing import Any

from nacl.signing import SigningKey

from zkvote.elgamal import Ciphertext
from zkvote.errors import ZkvoteError
from zkvote.threshold import (
    Complaint,
    ComplaintAnswer,
    DKGContext,
    EncryptedShare,
    Round1Message,
    Trustee,
    TrusteeShare,
    partial_decrypt,
)

from .auth import signed_headers


class CoordinatorError(ZkvoteError):
    """The coordinator answered with an error: ``status``, ``code`` and its message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class SignedClient:
    """JSON calls to a coordinator; signed with ``key`` when one is given."""

    def __init__(self, http: Any, key: SigningKey | None = None) -> None:
        self.http = http
        self.key = key

    def call(self, method: str, path: str, body: Any = None, *,
             signed: bool | None = None) -> Any:
        """Send ``body`` (JSON-encoded; none if None) and return the parsed JSON answer.
        Signs when ``signed`` (default: whenever this client has a key). Raises
        CoordinatorError for an error answer."""
        content = b"" if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"} if body is not None else {}
        if signed if signed is not None else self.key is not None:
            headers.update(signed_headers(self.key, method, path, content))
        response = self.http.request(method, path, content=content, headers=headers)
        if response.status_code >= 400:
            try:
                err = response.json()["error"]
                raise CoordinatorError(response.status_code, err["code"], err["message"])
            except (ValueError, KeyError, TypeError):
                raise CoordinatorError(response.status_code, "http_error",
                                       response.text[:200]) from None
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
    """Each trustee in ``shares`` posts its partial decryption of the poll's aggregate."""
    public = SignedClient(http)
    summary = public.get(f"/polls/{poll_id}")
    context = DKGContext(poll_id, summary["n_trustees"], summary["threshold"])
    doc = public.get(f"/polls/{poll_id}/tally/aggregate")
    cts = [Ciphertext.from_json(c) for c in doc["ciphertexts"]]
    for i, share in shares.items():
        partial = partial_decrypt(share, cts, context, rng=rng)
        SignedClient(http, keys[i]).post(f"/polls/{poll_id}/tally/partials", partial.to_json())


__all__ = ["CoordinatorError", "DKGSession", "SignedClient", "trustees_decrypt"]
