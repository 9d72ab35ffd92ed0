"""The voter's side: fetch a poll, build the ballot and its proof locally, cast or challenge.

:class:`Voter` holds one identity and talks to one coordinator:

1. :meth:`Voter.open_poll` fetches the final manifest (checked against its published hash),
   pins the coordinator's board-signing key (trust on first use, kept in the wallet), finds the
   member group behind one of the manifest's roots and downloads *all* its leaves - asking for
   one Merkle path would tell the coordinator which member is about to vote - and loads the
   ballot circuit's proving key (:func:`load_ballot_keys`);
2. :meth:`Voter.build` encrypts the vote and proves it on this machine
   (zkvote.ballot.build_ballot); nothing secret leaves it; the tracking code is shown before the
   voter decides;
3. :meth:`Voter.cast` posts the ballot and checks the receipt before returning it (signed by
   the pinned key, for this poll's board, including exactly this ballot); or
   :meth:`Voter.challenge` opens the ballot (Benaloh): its votes and randomness are published,
   anyone can check it encrypted what the voter chose, and it is never counted.

Proving keys never come from the coordinator unchecked (one is downloaded from it only when
neither ``--proving-key`` nor the key cache has it): a key is used only if the sha256 of
its verification key equals the manifest's ``circuit.vk_sha256`` (and the file's sha256 equals
the poll's published ``proving_key_sha256`` when there is one).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from zkvote.ballot import Ballot, BallotSecrets, ChallengedBallot, build_ballot, tracking_code
from zkvote.board import Receipt, verify_receipt
from zkvote.board_tree import leaf_hash
from zkvote.client import BadResponse, ConflictError, CoordinatorClient, NotFoundError, parsed
from zkvote.client_receipts import StoredReceipt, board_log_id, verify_key_from_hex
from zkvote.errors import (
    InvalidArgument,
    InvalidBallot,
    InvalidEncoding,
    InvalidInput,
    InvalidProof,
    ProtocolError,
)
from zkvote.identity import Identity, weighted_commitment
from zkvote.jsonmodel import canonical_json
from zkvote.keycache import BallotKeys, cache_dir
from zkvote.merkle import LeanIMT
from zkvote.poll import PollManifest
from zkvote.wallet import Wallet

Progress = Callable[[str], None]


# ------------------------------------------------------------ votes


def votes_from_options(manifest: PollManifest, *, choice: int | str | None = None,
                       approve: Sequence[int] | None = None,
                       weights: Sequence[int] | None = None,
                       scores: Sequence[int] | None = None,
                       ranking: Sequence[int] | None = None, credits: int = 0) -> list[int]:
    """The vote vector for the poll from exactly one way of saying it:

    * ``choice``: one option (0-based index, or its exact label) gets 1 - single choice,
      referendum;
    * ``approve``: the listed options get 1 - approval;
    * ``weights`` / ``scores``: one value per option - quadratic, budget, weighted, score;
    * ``ranking``: option indices best first; the best gets the highest of the rule's K
      distinct values (min_value + K - 1), the next one less, ... - Borda.

    Raises InvalidArgument (none or several given, an index out of range, a wrong count, a
    repeated option) or InvalidBallot (the vote breaks the poll's rule, checked here so that
    no proof is attempted for it)."""
    from zkvote.circuits.ballot import check_rule

    given = [n for n, v in (("choice", choice), ("approve", approve), ("weights", weights),
                            ("scores", scores), ("ranking", ranking)) if v is not None]
    if len(given) != 1:
        raise InvalidArgument("say the vote one way: --choice, --approve, --weights, --scores "
                              "or --ranking")
    k = manifest.n_options
    if choice is not None:
        votes = [0] * k
        votes[_option_index(manifest, choice)] = 1
    elif approve is not None:
        votes = [0] * k
        for i in approve:
            index = _option_index(manifest, i)
            if votes[index]:
                raise InvalidArgument(f"option {index} approved twice")
            votes[index] = 1
    elif ranking is not None:
        if sorted(_option_index(manifest, i) for i in ranking) != list(range(k)):
            raise InvalidArgument(f"a ranking lists each of the {k} options exactly once")
        low = manifest.rule_params().min_value
        votes = [0] * k
        for place, i in enumerate(ranking):
            votes[int(i)] = low + k - 1 - place
    else:
        values = list(weights if weights is not None else scores)
        if len(values) != k:
            raise InvalidArgument(f"give one value per option: {k} values, not {len(values)}")
        if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in values):
            raise InvalidArgument("values must be non-negative integers")
        votes = values
    try:
        check_rule(votes, manifest.rule_params(), credits)
    except InvalidBallot as exc:
        raise InvalidBallot(f"this vote breaks the poll's rule ({manifest.rule.preset}): "
                            f"{exc}") from None
    return votes


def _option_index(manifest: PollManifest, option: int | str) -> int:
    if isinstance(option, str) and not option.isdigit():
        if option in manifest.options:
            return manifest.options.index(option)
        raise InvalidArgument(f"no option labelled {option!r:.60}")
    index = int(option)
    if not 0 <= index < manifest.n_options:
        raise InvalidArgument(f"option index {index} is not in 0..{manifest.n_options - 1}")
    return index


# ------------------------------------------------------------ proving keys


def _vk_sha256_of(zkey: object) -> str:
    from zkvote.poll import vk_hash
    from zkvote.snark.snarkjs_json import verifying_key_to_json

    return vk_hash(verifying_key_to_json(zkey.vk))


def load_ballot_keys(manifest: PollManifest, path: str | Path | None = None, *,
                     proving_key_sha256: str | None = None,
                     search: Sequence[Path] | None = None,
                     download: Callable[[], bytes] | None = None) -> BallotKeys:
    """The ballot circuit of the manifest's (K, depth) with a proving key whose verification
    key hashes to ``manifest.circuit.vk_sha256``.

    ``path``: a snarkjs .zkey file (its bytes must hash to ``proving_key_sha256`` when that is
    given). Otherwise the .zkey files named after the circuit id in ``search`` (default: the
    key cache, zkvote.keycache.cache_dir()) are tried; each file's verification-key hash is
    remembered next to it (``NAME.vk_sha256``) so later searches do not parse it again. If
    none fits and ``download`` is given (e.g. the coordinator's ``GET .../proving-key``), its
    bytes are checked the same way and, once accepted, saved in the first search directory as
    ``<circuit id>-<sha256>.zkey``.
    Raises InvalidArgument (no matching key, a key for another circuit), InvalidEncoding
    (an unreadable .zkey) or ProtocolError (downloaded bytes that are not the poll's key)."""
    from zkvote.circuits.ballot import compiled_ballot_circuit

    manifest.check_parameters()
    spec = manifest.circuit
    zkey = None
    if path is not None:
        zkey = _checked_key(Path(path).read_bytes(), str(path), spec.vk_sha256,
                            proving_key_sha256, InvalidArgument)
    else:
        zkey = _search_cache(spec.id, spec.vk_sha256, search)
        if zkey is None and download is not None:
            data = download()
            zkey = _checked_key(data, "the coordinator's proving key", spec.vk_sha256,
                                proving_key_sha256, ProtocolError)
            _save_download(data, spec.id, zkey, search)
        if zkey is None:
            raise InvalidArgument(f"no proving key for circuit {spec.id} with verification key "
                                  f"{spec.vk_sha256[:16]}… in the key cache: get the poll's "
                                  ".zkey from its organisers and pass --proving-key")
    r1cs, generator = compiled_ballot_circuit(spec.n_options, spec.max_depth)
    if (zkey.n_wires, zkey.n_public) != (r1cs.n_wires, r1cs.n_public):
        raise InvalidArgument("the proving key does not fit the poll's ballot circuit")
    return BallotKeys(spec.id, spec.n_options, spec.max_depth, r1cs, generator, zkey,
                      setup=spec.setup)


def _checked_key(data: bytes, label: str, vk_sha256: str, file_sha256: str | None,
                 mismatch: type[Exception]) -> object:
    from zkvote.snark.zkey_file import zkey_from_bytes

    # parsed first, so that damaged bytes are reported as malformed rather than as another key
    try:
        zkey = zkey_from_bytes(data)
    except InvalidEncoding as exc:
        raise InvalidEncoding(f"{label}: malformed .zkey: {exc}") from None
    if file_sha256 is not None and hashlib.sha256(data).hexdigest() != file_sha256:
        raise mismatch(f"{label}: not the proving key the poll published (sha256)")
    if _vk_sha256_of(zkey) != vk_sha256:
        raise mismatch(f"{label}: its verification key is not the poll's (manifest "
                       "circuit.vk_sha256); refusing to prove under it")
    return zkey


def _search_cache(circuit_id: str, vk_sha256: str, search: Sequence[Path] | None) -> object:
    from zkvote.snark.zkey_file import zkey_from_bytes

    for candidate in _cached_keys(circuit_id, search):
        sidecar = candidate.with_name(candidate.name + ".vk_sha256")
        known = sidecar.read_text().strip() if sidecar.exists() else None
        if known is not None and known != vk_sha256:
            continue
        try:
            parsed_key = zkey_from_bytes(candidate.read_bytes())
        except (InvalidInput, OSError):
            continue
        digest = _vk_sha256_of(parsed_key)
        if known is None:
            try:
                sidecar.write_text(digest + "\n")
            except OSError:
                pass
        if digest == vk_sha256:
            return parsed_key
    return None


def _save_download(data: bytes, circuit_id: str, zkey: object,
                   search: Sequence[Path] | None) -> None:
    # best effort: a read-only cache only costs a download next time
    directory = Path(list(search)[0]) if search else cache_dir()
    name = f"{circuit_id}-{hashlib.sha256(data).hexdigest()}.zkey"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(directory / name)
        (directory / (name + ".vk_sha256")).write_text(_vk_sha256_of(zkey) + "\n")
    except OSError:
        pass


def _cached_keys(circuit_id: str, search: Sequence[Path] | None) -> list[Path]:
    dirs = list(search) if search is not None else [cache_dir()]
    out: list[Path] = []
    for d in dirs:
        if Path(d).is_dir():
            out += sorted(Path(d).glob(f"{circuit_id}-*.zkey"))
    return out


# ------------------------------------------------------------ the voter


@dataclass(frozen=True)
class PollView:
    """What a voter's client knows about one poll before voting."""

    poll_id: str
    manifest: PollManifest
    group_id: str
    group: LeanIMT
    keys: BallotKeys
    log_public_key: str
    credits: int = 0


class BuiltBallot:
    """A ballot built on this device with its secrets (hidden from ``repr``) and its
    tracking code, before the voter casts or challenges it."""

    __slots__ = ("ballot", "secrets", "tracking_code")

    def __init__(self, ballot: Ballot, secrets: BallotSecrets) -> None:
        self.ballot = ballot
        self.secrets = secrets
        self.tracking_code = tracking_code(ballot)

    def __repr__(self) -> str:
        return f"BuiltBallot(tracking_code={self.tracking_code})"


class Voter:
    """One member (``identity``) voting at one coordinator (``client``). ``wallet``: where
    receipts are stored and the board key is pinned (None: nothing is stored). ``credits``:
    the member's weight in a weighted group (its leaf is Poseidon(A.x, A.y, credits)).
    ``rng``: only for reproducible demos (default: the OS CSPRNG)."""

    def __init__(self, client: CoordinatorClient, identity: Identity, *,
                 wallet: Wallet | None = None, credits: int = 0,
                 rng: random.Random | None = None) -> None:
        if not isinstance(identity, Identity):
            raise InvalidArgument("identity must be a zkvote.identity.Identity")
        self.client = client
        self.identity = identity
        self.wallet = wallet
        self.credits = credits
        self.rng = rng

    def __repr__(self) -> str:
        return f"Voter(commitment={self.identity.commitment}, coordinator={self.client.base_url})"

    # ------------------------------------------------------------ 1. the poll

    def open_poll(self, poll_id: str, *, group_id: str | None = None,
                  proving_key: str | Path | None = None, keys: BallotKeys | None = None,
                  progress: Progress | None = None) -> PollView:
        """Everything needed to vote in ``poll_id`` (see the module docstring). ``keys``
        skips the key search (must match the manifest's verification key).

        Raises the client's errors (NotFoundError, ConflictError if the manifest is not final,
        BadResponse), WalletError if the coordinator's key differs from the pinned one,
        InvalidArgument (not a member under any of the poll's roots, no proving key)."""
        say = progress or (lambda _msg: None)
        say("fetching the poll manifest")
        manifest = self.client.manifest(poll_id)
        key_hex = self.client.log_public_key()
        verify_key_from_hex(key_hex)
        if self.wallet is not None:
            self.wallet.pin_log_key(self.client.base_url, key_hex)
        say("downloading the member group")
        gid, group = self._find_group(manifest, group_id)
        say("loading the proving key")
        if keys is None:
            circuit = self.client.circuit(poll_id)
            keys = load_ballot_keys(manifest, proving_key,
                                    proving_key_sha256=circuit.get("proving_key_sha256"),
                                    download=lambda: self.client.proving_key(poll_id))
        elif _vk_sha256_of(keys.zkey) != manifest.circuit.vk_sha256:
            raise InvalidArgument("the given keys are not the poll's")
        return PollView(poll_id, manifest, gid, group, keys, key_hex, self.credits)

    def _leaf(self, weighted: bool) -> int:
        if weighted:
            return weighted_commitment(self.identity.public_key, self.credits)
        return self.identity.commitment

    def _find_group(self, manifest: PollManifest, group_id: str | None) -> tuple[str, LeanIMT]:
        weighted = bool(manifest.rule_params().weighted)
        leaf = self._leaf(weighted)
        for root in reversed(manifest.group_roots):  # the newest root first
            if group_id is not None:
                candidates = [group_id]
            else:
                try:
                    candidates = [p["group_id"] for p in self.client.find_root(root)
                                  if isinstance(p, dict) and isinstance(p.get("group_id"), str)]
                except NotFoundError:
                    candidates = []
            for gid in dict.fromkeys(candidates):
                try:
                    leaves = self.client.group_leaves(gid, root)
                except NotFoundError:
                    continue
                if leaf not in leaves:
                    continue
                group = _tree(leaves)
                if group.root != root:
                    raise BadResponse(f"group {gid!r}: its leaves do not hash to the "
                                      "published root", code="bad_response")
                return gid, group
        raise InvalidArgument("this identity is not a member under any of the poll's group "
                              "roots" + (" (weighted poll: are --credits right?)"
                                         if weighted else ""))

    # ------------------------------------------------------------ 2. the ballot

    def build(self, view: PollView, votes: Sequence[int]) -> BuiltBallot:
        """Encrypt ``votes`` and prove the ballot (seconds: the Groth16 proof). Raises
        InvalidBallot if the votes break the poll's rule."""
        ballot, secrets = build_ballot(self.identity, view.group, view.manifest,
                                       view.keys.zkey, view.keys.circuit, list(votes),
                                       view.credits, rng=self.rng)
        return BuiltBallot(ballot, secrets)

    # ------------------------------------------------------------ 3. cast or challenge

    def cast(self, view: PollView, built: BuiltBallot) -> StoredReceipt:
        """Post the ballot; check and store (in the wallet) its receipt. If the coordinator
        says the ballot is on the board already (a retry after a lost answer), its receipt is
        fetched by tracking code instead. Raises the client's errors (Rejected for a ballot
        the coordinator refuses, ConflictError for a duplicate nullifier under policy first
        or a closed poll) and BadResponse if the receipt does not verify."""
        doc = built.ballot.to_json()
        try:
            answer = self.client.cast(view.poll_id, doc)
        except ConflictError as exc:
            if exc.code != "replayed_ballot":
                raise
            answer = self.client.find_ballot(view.poll_id, built.tracking_code)
        return self._receipt(view, "ballots", built.tracking_code, canonical_json(doc), answer)

    def challenge(self, view: PollView, built: BuiltBallot) -> StoredReceipt:
        """Spoil the ballot: publish its opening (votes and randomness) on the challenged
        board, after checking locally that it opens correctly. The ballot must never be cast
        afterwards (the coordinator refuses its tracking code). Returns the publication's
        receipt (also stored)."""
        from zkvote.ballot import verify_challenge

        opened = ChallengedBallot.open(built.ballot, built.secrets)
        verify_challenge(opened, view.manifest)
        doc = opened.to_json()
        answer = self.client.challenge(view.poll_id, doc)
        return self._receipt(view, "challenged", built.tracking_code, canonical_json(doc),
                             answer)

    def _receipt(self, view: PollView, board: str, code: str, entry: bytes,
                 answer: object) -> StoredReceipt:
        if not isinstance(answer, dict):
            raise BadResponse("the answer to a ballot is not an object", code="bad_response")
        receipt = parsed("receipt", Receipt.from_json, answer.get("receipt"))
        if answer.get("tracking_code") != code or answer.get("board", board) != board:
            raise BadResponse("the receipt is for another ballot", code="bad_response")
        key = verify_key_from_hex(view.log_public_key)
        try:
            verify_receipt(receipt, key, entry=entry,
                           log_id=board_log_id(key, view.poll_id, board))
        except (InvalidProof, InvalidInput) as exc:
            raise BadResponse(f"the coordinator's receipt does not verify: {exc}",
                              code="bad_receipt") from None
        if receipt.leaf_hash != leaf_hash(entry):  # pragma: no cover - verify_receipt checks
            raise BadResponse("the receipt is for another entry", code="bad_receipt")
        stored = StoredReceipt(self.client.base_url, view.poll_id, board, code,
                               view.log_public_key, receipt)
        if self.wallet is not None:
            self.wallet.save_receipt(view.poll_id, code, stored.to_json())
        return stored


def _tree(leaves: list[int]) -> LeanIMT:
    """The LeanIMT of ``leaves`` where 0 marks a removed member."""
    removed = [i for i, x in enumerate(leaves) if x == 0]
    tree = LeanIMT([x if x else 1 for x in leaves]) if leaves else LeanIMT()
    for i in removed:  # a placeholder goes in, then the removal zeroes it as the registrar did
        tree.remove(i)
    return tree


__all__ = ["BuiltBallot", "PollView", "Voter", "load_ballot_keys", "votes_from_options"]
