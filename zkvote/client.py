"""The Python SDK of a zkvote coordinator: :class:`CoordinatorClient`, one typed method per
endpoint (docs/coordinator.md), over httpx.

Public calls need nothing; admin and trustee calls are Ed25519-signed requests (the
coordinator's scheme, :func:`zkvote.request_signing.signed_headers`) with the ``signing_key``
given to the client. Ballots are never signed: voters are anonymous.

Errors. An error answer ``{"error": {"code", "message"}}`` raises a :class:`CoordinatorError`
subclass chosen by status (:class:`RequestInvalid` 400/413, :class:`NotAuthorized` 401/403,
:class:`NotFoundError` 404, :class:`ConflictError` 409, :class:`Rejected` 422,
:class:`RateLimited` 429, :class:`ServerError` 5xx), carrying ``status``, the stable ``code``
and the server's one-line ``message``; :class:`ConnectionFailed` when the coordinator cannot be
reached, :class:`BadResponse` when its answer is not what the API promises. Each has an
``exit_code`` for the CLI: 2 when the request itself was malformed or aimed at something
missing (400, 404, 413, unreachable), 1 when the coordinator said no (everything else).
GET requests are retried on 429/503 and connection failures; POSTs only on 429/503, which the
service answers before doing anything.

Higher layers: :mod:`zkvote.client_voter` (:class:`Voter`: fetch a poll, build a ballot
locally, cast or challenge, keep and check receipts) and :mod:`zkvote.client_trustee`
(:class:`TrusteeClient`: key generation and partial decryption), both re-exported here.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from nacl.signing import SigningKey

from zkvote.errors import InvalidInput, ZkvoteError
from zkvote.hexkeys import is_hex
from zkvote.jsonmodel import load_json
from zkvote.request_signing import signed_headers

API_VERSION = 1
BOARDS = ("ballots", "challenged")
DEFAULT_TIMEOUT = 60.0
MAX_RESPONSE_BYTES = 256 << 20  # a 100k-ballot record is ~250 MB of JSON zipped to far less


# ------------------------------------------------------------ errors


class CoordinatorError(ZkvoteError):
    """The coordinator refused a request or could not be used. ``status`` is the HTTP
    status (None without an answer), ``code`` the server's stable error code, ``message`` its
    one-line explanation."""

    exit_code = 1

    def __init__(self, message: str, *, status: int | None = None, code: str = "error") -> None:
        super().__init__(f"{code}: {message}" if status is None
                         else f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class RequestInvalid(CoordinatorError):
    """400/413: the request was malformed or too large (``code`` says what)."""

    exit_code = 2


class NotAuthorized(CoordinatorError):
    """401/403: missing, stale, replayed or wrong signature, or not this party's call."""


class NotFoundError(CoordinatorError):
    """404: no such poll, group, entry or document (or not yet published)."""

    exit_code = 2


class ConflictError(CoordinatorError):
    """409: the state forbids it (``wrong_state``), a replayed ballot
    (``replayed_ballot``), a second nullifier under policy first (``duplicate_nullifier``)."""


class Rejected(CoordinatorError):
    """422: the coordinator checked the content and it failed (``invalid_proof``,
    ``invalid_ballot``, ...)."""


class RateLimited(CoordinatorError):
    """429: too many requests; ``retry_after`` seconds to wait."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "error",
                 retry_after: float = 1.0) -> None:
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class ServerError(CoordinatorError):
    """5xx: the coordinator failed or is unavailable."""


class ConnectionFailed(CoordinatorError):
    """The coordinator could not be reached (refused, timed out, DNS)."""

    exit_code = 2


class BadResponse(CoordinatorError):
    """The coordinator answered something the API does not allow (unparsable JSON, a
    document that fails strict parsing, a receipt that does not verify)."""


_BY_STATUS = {400: RequestInvalid, 401: NotAuthorized, 403: NotAuthorized, 404: NotFoundError,
              409: ConflictError, 413: RequestInvalid, 422: Rejected, 429: RateLimited}


def error_from_response(response: httpx.Response) -> CoordinatorError:
    """The :class:`CoordinatorError` for an error answer (status >= 400)."""
    status = response.status_code
    code, message = "http_error", response.reason_phrase or f"HTTP {status}"
    try:
        err = json.loads(response.content)["error"]
        if isinstance(err.get("code"), str) and isinstance(err.get("message"), str):
            code, message = err["code"], " ".join(err["message"].split())[:300]
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else CoordinatorError)
    if cls is RateLimited:
        try:
            wait = float(response.headers.get("retry-after", "1"))
        except ValueError:
            wait = 1.0
        return RateLimited(message, status=status, code=code, retry_after=max(0.0, wait))
    return cls(message, status=status, code=code)


def parsed(what: str, parse: Any, *args: Any) -> Any:
    """``parse(*args)``, with a malformed server document (InvalidInput) re-raised as
    BadResponse naming ``what``: the coordinator, not the user, sent bad data."""
    try:
        return parse(*args)
    except InvalidInput as exc:
        raise BadResponse(f"{what}: {exc}", code="bad_response") from None


# ------------------------------------------------------------ the client


class CoordinatorClient:
    """Typed calls to one coordinator at ``base_url``.

    ``signing_key``: the Ed25519 key of the admin or trustee making signed calls (None for a
    voter or observer). ``http``: an httpx-compatible client to use instead of a new
    ``httpx.Client`` (e.g. FastAPI's TestClient in tests; ``base_url`` is then ignored).
    ``retries``: how many times a retryable failure is retried (see the module docstring).
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, base_url: str = "", *, signing_key: SigningKey | None = None,
                 http: httpx.Client | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = 3) -> None:
        if signing_key is not None and not isinstance(signing_key, SigningKey):
            raise InvalidInput("signing_key must be a nacl.signing.SigningKey")
        self._own = http is None
        if http is None:
            if not base_url.startswith(("http://", "https://")):
                raise RequestInvalid(f"a coordinator URL starts with http:// or https://, not "
                                     f"{base_url!r:.60}", code="bad_url")
            http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout,
                                follow_redirects=False)
        self.http = http
        self.base_url = str(http.base_url).rstrip("/")
        self.signing_key = signing_key
        self.retries = max(0, int(retries))

    def __enter__(self) -> CoordinatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connection pool (if this client created it)."""
        if self._own:
            self.http.close()

    def with_key(self, signing_key: SigningKey) -> CoordinatorClient:
        """A client on the same connection that signs with ``signing_key``."""
        other = CoordinatorClient(signing_key=signing_key, http=self.http, retries=self.retries)
        other._own = False
        return other

    # ------------------------------------------------------------ transport

    def request(self, method: str, path: str, *, body: Any = None,
                content: bytes | None = None,
                content_type: str = "application/octet-stream",
                params: dict[str, Any] | None = None, signed: bool = False,
                raw: bool = False, retry: bool = True) -> Any:
        """Send one request and return the parsed JSON answer (``raw``: the bytes).

        ``body`` is JSON-encoded; ``content`` (not with ``body``) is sent as is, as
        ``content_type``. ``signed`` adds the Ed25519 request signature (InvalidInput if the
        client has no key). ``retry=False`` sends once (no retry of 429/503 answers either).
        Raises a :class:`CoordinatorError` subclass (see the module docstring)."""
        if signed and self.signing_key is None:
            raise InvalidInput("this call needs a signing key (admin or trustee)")
        if body is not None and content is not None:
            raise InvalidInput("a request has a JSON body or raw content, not both")
        if body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()
            content_type = "application/json"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        retries = self.retries if retry else 0
        attempt = 0
        while True:
            headers = {"accept": "application/json"}
            if content is not None:
                headers["content-type"] = content_type
            request = self.http.build_request(method, path, content=content,
                                              params=query or None, headers=headers)
            if signed:
                target = request.url.raw_path.decode("ascii")
                request.headers.update(signed_headers(self.signing_key, method, target,
                                                      content or b""))
            try:
                response = self.http.send(request)
            except httpx.TransportError as exc:
                if method == "GET" and attempt < retries:
                    attempt += 1
                    time.sleep(0.1 * 2 ** attempt)
                    continue
                raise ConnectionFailed(f"cannot reach the coordinator at {self.base_url}: "
                                       f"{type(exc).__name__}", code="unreachable") from None
            if response.status_code < 400:
                break
            error = error_from_response(response)
            retryable = response.status_code in (429, 503)
            if retryable and attempt < retries:
                attempt += 1
                time.sleep(min(5.0, getattr(error, "retry_after", 0.1 * 2 ** attempt)))
                continue
            raise error
        if raw:
            return response.content
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise BadResponse("answer too large", code="bad_response")
        try:
            return load_json(response.content, "coordinator answer")
        except InvalidInput as exc:
            raise BadResponse(str(exc), code="bad_response") from None

    def _get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    # ------------------------------------------------------------ service

    def info(self) -> dict:
        """``GET /info``: versions and ``log_public_key`` (hex), the board-signing key."""
        return self._get("/info")

    def log_public_key(self) -> str:
        """The coordinator's board-signing Ed25519 public key, 64 hex digits (BadResponse if
        the answer has none)."""
        key = self.info().get("log_public_key")
        if not isinstance(key, str) or len(key) != 64:
            raise BadResponse("no log_public_key in /info", code="bad_response")
        return key

    # ------------------------------------------------------------ registrar

    def create_group(self, group_id: str, *, weighted: bool = False) -> dict:
        """``POST /groups`` (admin): a new empty group."""
        return self.request("POST", "/groups", signed=True,
                            body={"version": 1, "group_id": group_id, "weighted": weighted})

    def groups(self) -> list[dict]:
        """``GET /groups``: ``[{"group_id", "weighted"}]``."""
        return self._get("/groups")["groups"]

    def group(self, group_id: str) -> dict:
        """``GET /groups/{id}``: size, current root, published roots."""
        return self._get(f"/groups/{group_id}")

    def add_members(self, group_id: str, leaves: list[int]) -> list[int]:
        """``POST /groups/{id}/members`` (admin): append leaves (commitments or weighted
        leaves); returns their leaf indices."""
        body = {"version": 1, "leaves": [str(x) for x in leaves]}
        return self.request("POST", f"/groups/{group_id}/members", body=body,
                            signed=True)["indices"]

    def remove_member(self, group_id: str, leaf_index: int) -> dict:
        """``DELETE /groups/{id}/members/{index}`` (admin)."""
        return self.request("DELETE", f"/groups/{group_id}/members/{int(leaf_index)}",
                            signed=True)

    def publish_root(self, group_id: str) -> dict:
        """``POST /groups/{id}/roots`` (admin): publish the current root; ``{"root", ...}``."""
        return self.request("POST", f"/groups/{group_id}/roots", signed=True)

    def group_roots(self, group_id: str) -> list[dict]:
        """``GET /groups/{id}/roots``: published roots, oldest first."""
        return self._get(f"/groups/{group_id}/roots")["roots"]

    def group_leaves(self, group_id: str, root: int | None = None) -> list[int]:
        """Every leaf of the group (at published ``root`` if given), paging through
        ``GET /groups/{id}/members``; removed members are 0."""
        leaves: list[int] = []
        while True:
            page = self._get(f"/groups/{group_id}/members",
                             root=None if root is None else str(root), start=len(leaves),
                             limit=10_000)
            chunk = page.get("leaves")
            if not isinstance(chunk, list):
                raise BadResponse("members page without leaves", code="bad_response")
            from zkvote.field import FR_MODULUS
            from zkvote.validate import parse_decimal

            leaves += [parsed("group leaf", parse_decimal, x, "leaf", FR_MODULUS)
                       for x in chunk]
            if not chunk or len(leaves) >= page.get("size", 0):
                return leaves

    def membership_proof(self, group_id: str, leaf: int, root: int | None = None) -> dict:
        """``GET /groups/{id}/proof``: the LeanIMT proof of ``leaf`` (tells the coordinator
        which member asks: :class:`~zkvote.client_voter.Voter` downloads the whole group
        instead)."""
        return self._get(f"/groups/{group_id}/proof", leaf=str(leaf),
                         root=None if root is None else str(root))["proof"]

    def find_root(self, root: int) -> list[dict]:
        """``GET /roots/{root}``: the groups that published ``root``."""
        return self._get(f"/roots/{root}")["publications"]

    # ------------------------------------------------------------ polls

    def create_poll(self, draft: dict, verification_key: dict, trustee_keys: list[str], *,
                    proving_key_sha256: str | None = None) -> dict:
        """``POST /polls`` (admin): a poll from a manifest draft (``trustees`` = {n, t}),
        the circuit's verification_key.json and each trustee's request key (hex)."""
        body: dict[str, Any] = {"version": 1, "manifest": draft,
                                "verification_key": verification_key,
                                "trustee_keys": list(trustee_keys)}
        if proving_key_sha256 is not None:
            body["proving_key_sha256"] = proving_key_sha256
        return self.request("POST", "/polls", body=body, signed=True)

    def polls(self) -> list[dict]:
        """``GET /polls``: ``[{"poll_id", "state"}]``."""
        return self._get("/polls")["polls"]

    def poll(self, poll_id: str) -> dict:
        """``GET /polls/{id}``: state, re-vote policy, trustees, manifest hash, board sizes."""
        return self._get(f"/polls/{poll_id}")

    def manifest_document(self, poll_id: str) -> dict:
        """``GET /polls/{id}/manifest``: ``{"final", "manifest", "manifest_sha256", ...}``."""
        return self._get(f"/polls/{poll_id}/manifest")

    def manifest(self, poll_id: str) -> Any:
        """The poll's final :class:`~zkvote.poll.PollManifest`, parsed strictly and checked
        against the published hash and id. NotFoundError-like ConflictError if not final
        yet; BadResponse if it does not parse or match."""
        from zkvote.poll import PollManifest

        doc = self.manifest_document(poll_id)
        if not doc.get("final"):
            raise ConflictError(f"poll {poll_id!r} has no final manifest yet (key generation "
                                "not finalised)", status=None, code="not_final")
        manifest = parsed("manifest", PollManifest.from_json, doc.get("manifest"))
        if manifest.poll_id != poll_id or manifest.manifest_hash() != doc.get("manifest_sha256"):
            raise BadResponse("the manifest does not match its poll id or published hash",
                              code="bad_response")
        return manifest

    def verification_key(self, poll_id: str) -> dict:
        """``GET /polls/{id}/verification-key``: snarkjs verification_key.json (parsed)."""
        return self._get(f"/polls/{poll_id}/verification-key")

    def circuit(self, poll_id: str) -> dict:
        """``GET /polls/{id}/circuit``: circuit id, sizes, key hashes, setup kind."""
        return self._get(f"/polls/{poll_id}/circuit")

    def proving_key(self, poll_id: str) -> bytes:
        """``GET /polls/{id}/proving-key``: the ballot circuit's .zkey bytes, unchecked (the
        caller must check them against the manifest, see
        zkvote.client_voter.load_ballot_keys). NotFoundError if the coordinator serves none;
        BadResponse if the answer exceeds the response-size limit."""
        data = self.request("GET", f"/polls/{poll_id}/proving-key", raw=True)
        if len(data) > MAX_RESPONSE_BYTES:
            raise BadResponse("proving key too large", code="bad_response")
        return data

    def start_keygen(self, poll_id: str) -> dict:
        """``POST /polls/{id}/keygen`` (admin): draft -> keygen."""
        return self.request("POST", f"/polls/{poll_id}/keygen", signed=True)

    def finalize_dkg(self, poll_id: str) -> dict:
        """``POST /polls/{id}/dkg/finalize`` (admin): complete the manifest."""
        return self.request("POST", f"/polls/{poll_id}/dkg/finalize", signed=True)

    def open_poll(self, poll_id: str) -> dict:
        """``POST /polls/{id}/open`` (admin)."""
        return self.request("POST", f"/polls/{poll_id}/open", signed=True)

    def close_poll(self, poll_id: str) -> dict:
        """``POST /polls/{id}/close`` (admin)."""
        return self.request("POST", f"/polls/{poll_id}/close", signed=True)

    # ------------------------------------------------------------ key generation

    def dkg_status(self, poll_id: str) -> dict:
        """``GET /polls/{id}/dkg``: round-1 messages, who sent shares and complaints,
        complaints, answers, and the transcript once finalised."""
        return self._get(f"/polls/{poll_id}/dkg")

    def post_round1(self, poll_id: str, message: dict) -> dict:
        """``POST /polls/{id}/dkg/round1`` (trustee)."""
        return self.request("POST", f"/polls/{poll_id}/dkg/round1", body=message, signed=True)

    def post_shares(self, poll_id: str, shares: list[dict]) -> dict:
        """``POST /polls/{id}/dkg/shares`` (trustee): encrypted shares to relay."""
        return self.request("POST", f"/polls/{poll_id}/dkg/shares", signed=True,
                            body={"version": 1, "shares": shares})

    def my_shares(self, poll_id: str) -> list[dict]:
        """``GET /polls/{id}/dkg/shares`` (trustee): the encrypted shares addressed to me."""
        return self.request("GET", f"/polls/{poll_id}/dkg/shares", signed=True)["shares"]

    def post_complaints(self, poll_id: str, complaints: list[dict]) -> dict:
        """``POST /polls/{id}/dkg/complaints`` (trustee; an empty list: all shares good)."""
        return self.request("POST", f"/polls/{poll_id}/dkg/complaints", signed=True,
                            body={"version": 1, "complaints": complaints})

    def post_answers(self, poll_id: str, answers: list[dict]) -> dict:
        """``POST /polls/{id}/dkg/answers`` (trustee): answers to complaints against me."""
        return self.request("POST", f"/polls/{poll_id}/dkg/answers", signed=True,
                            body={"version": 1, "answers": answers})

    # ------------------------------------------------------------ ballots

    def cast(self, poll_id: str, ballot: dict) -> dict:
        """``POST /polls/{id}/ballots``: ``{"board", "tracking_code", "receipt"}`` once the
        ballot is durably on the board."""
        return self.request("POST", f"/polls/{poll_id}/ballots", body=ballot)

    def challenge(self, poll_id: str, challenged: dict) -> dict:
        """``POST /polls/{id}/challenged``: publish a spoiled ballot with its opening."""
        return self.request("POST", f"/polls/{poll_id}/challenged", body=challenged)

    def find_ballot(self, poll_id: str, tracking_code: str) -> dict:
        """``GET /polls/{id}/ballots/{code}``: board, index, superseded, a fresh receipt."""
        return self._get(f"/polls/{poll_id}/ballots/{tracking_code}")

    # ------------------------------------------------------------ board

    def head(self, poll_id: str, board: str = "ballots") -> Any:
        """The board's latest :class:`~zkvote.board.SignedTreeHead` (signature unchecked)."""
        from zkvote.board import SignedTreeHead

        return parsed("signed tree head", SignedTreeHead.from_json,
                      self._get(f"/polls/{poll_id}/boards/{_board(board)}/head"))

    def head_at(self, poll_id: str, tree_size: int, board: str = "ballots") -> Any:
        """The signed head the board published at exactly ``tree_size`` entries."""
        from zkvote.board import SignedTreeHead

        return parsed("signed tree head", SignedTreeHead.from_json, self._get(
            f"/polls/{poll_id}/boards/{_board(board)}/heads/{int(tree_size)}"))

    def entries(self, poll_id: str, start: int = 0, limit: int = 100,
                board: str = "ballots") -> dict:
        """``GET .../boards/{board}/entries``: ``{"tree_size", "entries": [{index,
        leaf_hash, entry}]}``."""
        return self._get(f"/polls/{poll_id}/boards/{_board(board)}/entries", start=start,
                         limit=limit)

    def inclusion(self, poll_id: str, *, index: int | None = None,
                  leaf_hash: bytes | None = None, tree_size: int | None = None,
                  board: str = "ballots") -> dict:
        """``GET .../inclusion``: proof of an entry by ``index`` or ``leaf_hash``."""
        return self._get(f"/polls/{poll_id}/boards/{_board(board)}/inclusion", index=index,
                         leaf_hash=None if leaf_hash is None else leaf_hash.hex(),
                         tree_size=tree_size)

    def consistency(self, poll_id: str, old_size: int, new_size: int | None = None,
                    board: str = "ballots") -> list[bytes]:
        """The consistency proof (list of 32-byte hashes) from ``old_size`` to ``new_size``
        (default: the latest signed head's size)."""
        doc = self._get(f"/polls/{poll_id}/boards/{_board(board)}/consistency",
                        old_size=old_size, new_size=new_size)
        return hashes_from_json(doc.get("consistency_proof"), "consistency proof")

    # ------------------------------------------------------------ tally

    def aggregate(self, poll_id: str) -> dict:
        """``POST /polls/{id}/tally/aggregate`` (admin): sum the counted ballots."""
        return self.request("POST", f"/polls/{poll_id}/tally/aggregate", signed=True)

    def get_aggregate(self, poll_id: str) -> dict:
        """``GET /polls/{id}/tally/aggregate``: the aggregate document."""
        return self._get(f"/polls/{poll_id}/tally/aggregate")

    def post_partial(self, poll_id: str, partial: dict) -> dict:
        """``POST /polls/{id}/tally/partials`` (trustee): a partial decryption with proofs."""
        return self.request("POST", f"/polls/{poll_id}/tally/partials", body=partial,
                            signed=True)

    def partials(self, poll_id: str) -> list[dict]:
        """``GET /polls/{id}/tally/partials``."""
        return self._get(f"/polls/{poll_id}/tally/partials")["partials"]

    def publish(self, poll_id: str) -> dict:
        """``POST /polls/{id}/tally/publish`` (admin): decrypt, outcome, record."""
        return self.request("POST", f"/polls/{poll_id}/tally/publish", signed=True)

    def result(self, poll_id: str) -> dict:
        """``GET /polls/{id}/tally``: the published tally and outcome."""
        return self._get(f"/polls/{poll_id}/tally")

    def record(self, poll_id: str) -> bytes:
        """``GET /polls/{id}/record``: the election record archive (.zip bytes)."""
        return self.request("GET", f"/polls/{poll_id}/record", raw=True)


def _board(board: str) -> str:
    if board not in BOARDS:
        raise InvalidInput(f"board is one of {BOARDS}, not {board!r:.40}")
    return board


def hashes_from_json(value: object, what: str) -> list[bytes]:
    """A JSON list of 64-hex-digit hashes as bytes; BadResponse otherwise."""
    if not isinstance(value, list) or len(value) > 130:
        raise BadResponse(f"{what} must be a list of hashes", code="bad_response")
    out = []
    for item in value:
        if not is_hex(item, 32):
            raise BadResponse(f"{what}: a hash is 64 lowercase hex digits", code="bad_response")
        out.append(bytes.fromhex(item))
    return out


def __getattr__(name: str) -> Any:
    # Voter and TrusteeClient live in their own modules (which import this one).
    if name == "Voter":
        from zkvote.client_voter import Voter

        return Voter
    if name == "TrusteeClient":
        from zkvote.client_trustee import TrusteeClient

        return TrusteeClient
    raise AttributeError(name)


__all__ = ["API_VERSION", "BadResponse", "ConflictError", "ConnectionFailed",
           "CoordinatorClient", "CoordinatorError", "NotAuthorized", "NotFoundError",
           "RateLimited", "Rejected", "RequestInvalid", "ServerError",
           "error_from_response", "hashes_from_json", "parsed"]
