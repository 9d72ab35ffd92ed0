"""The operator's commands, ``zkvote operator ...``: everything between starting a coordinator
(``zkvote coordinator serve``) and publishing the election record, signed with the
coordinator's admin key.

- ``group create|add|remove|publish-root|show`` - the registrar's member groups;
- ``poll create`` (from options, or ``--manifest`` a draft file) uploads the circuit's proving
  key and starts the trustees' key generation; ``poll open`` waits for the trustees (who run
  ``zkvote trustee dkg`` on their own machines), finalises the key generation and opens the
  poll; ``poll close|show``;
- ``tally aggregate|publish|show`` - sum the counted ballots; after the trustees ran ``zkvote
  trustee decrypt``, decrypt and publish the result and the record;
- ``record download ID OUT.zip``; ``key publish POLL_ID FILE.zkey``.

Every command takes ``--coordinator URL`` (default http://127.0.0.1:8000) and ``--json``;
the commands that sign also take ``--admin-key PATH`` (default
./zkvote-coordinator/admin_ed25519.key, or $ZKVOTE_ADMIN_KEY), the public ones (``group
show``, ``poll show``, ``tally show``, ``record download``) do not. Exit codes as the other
client commands: 0 success, 1 the coordinator says no (wrong key, wrong state, a check failed,
a wait timed out), 2 malformed or missing input (bad option, missing file, unknown poll or
group, unreachable coordinator).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

# The client CLI's plumbing: one error policy and exit-code table for every client command.
from zkvote.cli_common import command_errors, emit_json
from zkvote.hexkeys import is_key_hex

operator_app = typer.Typer(no_args_is_help=True, help="Run polls on a coordinator (the "
                           "operator's admin-signed commands).")
group_app = typer.Typer(no_args_is_help=True, help="Member groups (registrar).")
poll_app = typer.Typer(no_args_is_help=True, help="Create, open, close and inspect polls.")
tally_app = typer.Typer(no_args_is_help=True, help="Aggregate, decrypt and publish results.")
record_app = typer.Typer(no_args_is_help=True, help="Election records.")
key_app = typer.Typer(no_args_is_help=True, help="Ballot circuits' proving keys.")
operator_app.add_typer(group_app, name="group")
operator_app.add_typer(poll_app, name="poll")
operator_app.add_typer(tally_app, name="tally")
operator_app.add_typer(record_app, name="record")
operator_app.add_typer(key_app, name="key")

_out = Console()
_err = Console(stderr=True)

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_ADMIN_KEY = Path("zkvote-coordinator") / "admin_ed25519.key"
MAX_MEMBER_FILE_BYTES = 64 << 20
LEAVES_PER_REQUEST = 10_000  # the coordinator's limit per POST /groups/{g}/members

CoordOpt = Annotated[str, typer.Option("--coordinator", help="coordinator URL")]
AdminKeyOpt = Annotated[Path, typer.Option(
    "--admin-key", envvar="ZKVOTE_ADMIN_KEY",
    help="the coordinator's admin key file (admin_ed25519.key in its data directory)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]
PollArg = Annotated[str, typer.Argument(metavar="POLL_ID", help="poll id")]
GroupArg = Annotated[str, typer.Argument(metavar="GROUP", help="group id")]


def register(app: typer.Typer) -> None:
    """Add ``zkvote operator ...`` to ``app``."""
    app.add_typer(operator_app, name="operator")


@contextmanager
def _client(url: str, admin_key: Path | None) -> Iterator[Any]:
    """An OperatorClient for ``url``, signing with the key at ``admin_key`` (None: public
    calls only)."""
    from zkvote.client_admin import OperatorClient, load_admin_key

    key = load_admin_key(admin_key) if admin_key is not None else None
    with OperatorClient(url, signing_key=key) as client:
        yield client


def _done(doc: dict, as_json: bool, message: str) -> None:
    emit_json(doc, as_json)
    if not as_json:
        _out.print(message, highlight=False)


# ------------------------------------------------------------ groups


@group_app.command("create")
def group_create(name: Annotated[str, typer.Argument(metavar="NAME", help="group id")],
                 weighted: Annotated[bool, typer.Option(
                     "--weighted", help="leaves carry the member's credits (Poseidon(A.x, A.y, "
                     "credits))")] = False,
                 coordinator: CoordOpt = DEFAULT_URL, admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
                 as_json: JsonOpt = False) -> None:
    """Create an empty member group."""
    with command_errors(), _client(coordinator, admin_key) as client:
        doc = client.create_group(name, weighted=weighted)
    _done(doc, as_json, f"group [bold]{name}[/] created"
          + (" (weighted)" if weighted else ""))


def _read_leaves(values: list[str], file: Path | None) -> list[int]:
    from zkvote.errors import InvalidEncoding
    from zkvote.field import FR_MODULUS
    from zkvote.validate import parse_decimal

    items = [(f"argument {i + 1}", v) for i, v in enumerate(values)]
    if file is not None:
        data = file.read_bytes()
        if len(data) > MAX_MEMBER_FILE_BYTES:
            raise InvalidEncoding(f"{file}: larger than {MAX_MEMBER_FILE_BYTES} bytes")
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            raise InvalidEncoding(f"{file}: one decimal commitment per line (ASCII)") from None
        items += [(f"{file}:{n}", line.strip()) for n, line in enumerate(text.splitlines(), 1)
                  if line.strip() and not line.lstrip().startswith("#")]
    if not items:
        raise InvalidEncoding("no commitments given (arguments or --file)")
    leaves = []
    for where, value in items:
        leaf = parse_decimal(value, where, FR_MODULUS)
        if leaf == 0:
            raise InvalidEncoding(f"{where}: 0 is not a commitment")
        leaves.append(leaf)
    return leaves


@group_app.command("add")
def group_add(group: GroupArg,
              commitments: Annotated[list[str] | None, typer.Argument(
                  metavar="COMMITMENT...", help="identity commitments (decimal), or weighted "
                  "leaves for a weighted group")] = None,
              file: Annotated[Path | None, typer.Option(
                  "--file", help="one commitment per line ('#' comments)")] = None,
              coordinator: CoordOpt = DEFAULT_URL, admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
              as_json: JsonOpt = False) -> None:
    """Add members (append their commitments to the group's tree). Members of a weighted
    group give their weighted leaf (``zkvote identity show --credits N``). Publish the new
    root with ``group publish-root`` before creating a poll."""
    with command_errors():
        leaves = _read_leaves(commitments or [], file)
        indices: list[int] = []
        with _client(coordinator, admin_key) as client, _err.status("adding members…") as st:
            for start in range(0, len(leaves), LEAVES_PER_REQUEST):
                indices += client.add_members(group, leaves[start:start + LEAVES_PER_REQUEST])
                st.update(f"adding members… {len(indices)}/{len(leaves)}")
    doc = {"version": 1, "group_id": group, "added": len(indices), "indices": indices}
    _done(doc, as_json, f"{len(indices)} members added to [bold]{group}[/] (leaf indices "
          f"{indices[0]}..{indices[-1]}); publish the root: zkvote operator group publish-root "
          f"{group}")


@group_app.command("remove")
def group_remove(group: GroupArg,
                 leaf_index: Annotated[int, typer.Argument(metavar="LEAF_INDEX", min=0)],
                 coordinator: CoordOpt = DEFAULT_URL, admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
                 as_json: JsonOpt = False) -> None:
    """Remove the member at LEAF_INDEX (its leaf becomes 0); publish the root afterwards."""
    with command_errors(), _client(coordinator, admin_key) as client:
        doc = client.remove_member(group, leaf_index)
    _done(doc, as_json, f"leaf {leaf_index} removed from [bold]{group}[/]")


@group_app.command("publish-root")
def group_publish_root(group: GroupArg, coordinator: CoordOpt = DEFAULT_URL,
                       admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
                       as_json: JsonOpt = False) -> None:
    """Publish the group's current root (polls name published roots)."""
    with command_errors(), _client(coordinator, admin_key) as client:
        doc = client.publish_root(group)
    emit_json(doc, as_json)
    if not as_json:
        _err.print(f"group {group}: root #{doc.get('seq')} published ({doc.get('size')} "
                   "leaves):")
        print(doc["root"])


@group_app.command("show")
def group_show(group: GroupArg, coordinator: CoordOpt = DEFAULT_URL,
               as_json: JsonOpt = False) -> None:
    """Show a group: size, current root and published roots (public; no key needed)."""
    with command_errors(), _client(coordinator, None) as client:
        doc = client.group(group)
    emit_json(doc, as_json)
    if not as_json:
        _out.print(f"group [bold]{group}[/]{' (weighted)' if doc.get('weighted') else ''}: "
                   f"{doc.get('size')} leaves; current root {doc.get('current_root')}",
                   highlight=False)
        table = Table(title="published roots")
        for col in ("#", "root", "size", "published at (ms)"):
            table.add_column(col, overflow="fold")
        for r in doc.get("roots", []):
            table.add_row(str(r.get("seq")), str(r.get("root")), str(r.get("size")),
                          str(r.get("published_at")))
        _out.print(table)


# ------------------------------------------------------------ polls


_RELATIVE = re.compile(r"\+(\d{1,6})([mhd])")


def _when(value: str | None, default: datetime, what: str) -> datetime:
    if value is None:
        return default
    match = _RELATIVE.fullmatch(value)
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match[2]]
        return datetime.now(UTC).replace(microsecond=0) + timedelta(**{unit: int(match[1])})
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter(f"{what}: YYYY-MM-DDTHH:MM:SSZ (UTC) or +N[m|h|d], not "
                                 f"{value!r:.40}") from None
    return moment


def _trustees(spec: str, keys: list[str]) -> tuple[int, int, list[str]]:
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})", spec)
    if match is None:
        raise typer.BadParameter("--trustees: t/n, e.g. 2/3")
    t, n = int(match[1]), int(match[2])
    if not 1 <= t <= n:
        raise typer.BadParameter("--trustees: need 1 <= t <= n")
    _check_trustee_keys(keys, n)
    return t, n, keys


def _check_trustee_keys(keys: list[str], n: int) -> None:
    """BadParameter unless ``keys`` are ``n`` distinct keys of 64 lowercase hex digits (the
    --trustee-key checks of both ``poll create`` paths)."""
    if len(keys) != n:
        raise typer.BadParameter(f"--trustee-key: give {n} keys (one per trustee, from "
                                 f"`zkvote trustee keygen`), got {len(keys)}")
    for k in keys:
        if not is_key_hex(k):
            raise typer.BadParameter("--trustee-key: 64 lowercase hex digits")
    if len(set(keys)) != len(keys):
        raise typer.BadParameter("--trustee-key: the trustees' keys must be distinct")


def _outcome(kind: str, threshold: str | None, quorum: int | None, pool: int | None,
             abstain: int | None) -> dict:
    doc: dict[str, Any] = {"kind": kind}
    for name, value in (("threshold", threshold), ("quorum", quorum),
                        ("matching_pool", pool), ("abstain_option", abstain)):
        if value is not None:
            doc[name] = value
    return doc


def _load_zkey(path: Path) -> tuple[bytes, Any]:
    from zkvote.snark.zkey_file import zkey_from_bytes

    data = path.read_bytes()
    with _err.status(f"reading the proving key {path.name}…"):
        try:
            return data, zkey_from_bytes(data)
        except Exception as exc:
            from zkvote.errors import InvalidInput

            if isinstance(exc, InvalidInput):
                raise type(exc)(f"{path}: {exc}") from None
            raise


@poll_app.command("create")
def poll_create(
    zkey_path: Annotated[Path, typer.Option(
        "--zkey", help="the ballot circuit's proving key (.zkey) from the setup ceremony; "
        "uploaded to the coordinator for the voters")],
    trustee_key: Annotated[list[str], typer.Option(
        "--trustee-key", help="a trustee's request key (hex, `zkvote trustee keygen`); once "
        "per trustee, in trustee order")],
    group: Annotated[list[str] | None, typer.Option(
        "--group", help="member group (its latest published root); repeat for several")]
    = None,
    title: Annotated[str | None, typer.Option("--title", help="the question")] = None,
    options: Annotated[str | None, typer.Option(
        "--options", help='comma-separated option labels, e.g. "Yes,No,Abstain"')] = None,
    preset_name: Annotated[str, typer.Option(
        "--preset", help="ballot rule: single, referendum, approval, quadratic, budget, score, "
        "borda, weighted")] = "single",
    k: Annotated[int | None, typer.Option("--k", min=1, help="approval: at most k options")]
    = None,
    credits: Annotated[int | None, typer.Option("--credits", min=1, help="quadratic: voice "
                                                "credits per member")] = None,
    budget: Annotated[int | None, typer.Option("--budget", min=1, help="budget: points per "
                                               "member")] = None,
    max_score: Annotated[int | None, typer.Option("--max-score", min=1, help="score: highest "
                                                  "score")] = None,
    spend_all: Annotated[bool, typer.Option("--spend-all", help="quadratic: every credit must "
                                            "be spent")] = False,
    trustees: Annotated[str, typer.Option("--trustees", help="t/n: n trustees, any t of "
                                          "whom decrypt the tally")] = "1/1",
    depth: Annotated[int, typer.Option("--depth", min=1, max=32, help="the circuit's Merkle "
                                       "depth (the key's circuit)")] = 20,
    policy: Annotated[str, typer.Option("--policy", help="re-voting: first (a second ballot "
                                        "is refused) or last (the latest counts)")] = "last",
    outcome: Annotated[str, typer.Option(
        "--outcome", help="plurality, absolute_majority, supermajority, approval_threshold, "
        "quadratic_funding")] = "plurality",
    threshold: Annotated[str | None, typer.Option(
        "--threshold", help="supermajority / approval_threshold fraction, e.g. 2/3")] = None,
    quorum: Annotated[int | None, typer.Option("--quorum", min=1, help="ballots needed for "
                                               "a decision")] = None,
    matching_pool: Annotated[int | None, typer.Option("--matching-pool", min=1,
                                                      help="quadratic_funding pool")] = None,
    abstain_option: Annotated[int | None, typer.Option(
        "--abstain-option", min=0, help="majority rules: the option not counted in the "
        "base")] = None,
    opens: Annotated[str | None, typer.Option(
        "--opens", help="YYYY-MM-DDTHH:MM:SSZ or +N[m|h|d] (default: now)")] = None,
    closes: Annotated[str | None, typer.Option(
        "--closes", help="YYYY-MM-DDTHH:MM:SSZ or +N[m|h|d] (default: opens + 7 days)")]
    = None,
    electorate: Annotated[int | None, typer.Option(
        "--electorate", min=1, help="eligible members (default: the groups' sizes)")] = None,
    tally_bound: Annotated[int | None, typer.Option(
        "--tally-bound", min=1, help="largest possible total of one option (default: "
        "electorate x the rule's largest vote)")] = None,
    setup: Annotated[str, typer.Option(
        "--setup", help="where the key came from: ceremony, or insecure-single-party (tests "
        "and demos only)")] = "ceremony",
    poll_id: Annotated[str | None, typer.Option("--id", help="poll id (default: random)")]
    = None,
    manifest_file: Annotated[Path | None, typer.Option(
        "--manifest", help="a manifest draft (JSON; trustees as {n, t}) instead of the "
        "options above")] = None,
    coordinator: CoordOpt = DEFAULT_URL, admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
    as_json: JsonOpt = False,
) -> None:
    """Create a poll: build its manifest draft, upload the circuit's proving key, and start
    the trustees' key generation. Prints the poll id; the trustees then run
    ``zkvote trustee dkg --poll ID`` and the operator ``zkvote operator poll open ID``."""
    from zkvote.client_admin import poll_draft
    from zkvote.errors import InvalidArgument
    from zkvote.jsonmodel import load_json
    from zkvote.snark.snarkjs_json import verifying_key_to_json

    with command_errors():
        data, zkey = _load_zkey(zkey_path)
        vk_json = json.loads(verifying_key_to_json(zkey.vk))
        with _client(coordinator, admin_key) as client:
            if manifest_file is not None:
                draft = load_json(manifest_file.read_bytes(), str(manifest_file))
                if not isinstance(draft, dict) or not isinstance(draft.get("trustees"), dict):
                    raise InvalidArgument(f"{manifest_file}: a manifest draft is an object "
                                          "with trustees = {n, t}")
                if len(trustee_key) != draft["trustees"].get("n"):
                    raise InvalidArgument(f"--trustee-key: the draft has "
                                          f"{draft['trustees'].get('n')} trustees, got "
                                          f"{len(trustee_key)} keys")
                _check_trustee_keys(trustee_key, len(trustee_key))
            else:
                if not group or title is None or options is None:
                    raise InvalidArgument("poll create needs --group, --title and --options "
                                          "(or --manifest)")
                if policy not in ("first", "last"):
                    raise typer.BadParameter("--policy: first or last")
                t, n, keys = _trustees(trustees, trustee_key)
                labels = [o.strip() for o in options.split(",") if o.strip()]
                roots = [client.latest_root(g) for g in group]
                opens_at = _when(opens, datetime.now(UTC).replace(microsecond=0), "--opens")
                closes_at = _when(closes, opens_at + timedelta(days=7), "--closes")
                params = {name: value for name, value in (
                    ("k", k), ("credits", credits), ("budget", budget),
                    ("max_score", max_score), ("spend_all", 1 if spend_all else None))
                    if value is not None}
                pid = poll_id or f"poll-{secrets.token_hex(6)}"
                with _err.status("checking the proving key against the ballot circuit…"):
                    draft = poll_draft(
                        poll_id=pid, question=title, options=labels, preset_name=preset_name,
                        params=params, group_roots=[int(r["root"]) for r in roots],
                        electorate=electorate or sum(int(r["size"]) for r in roots),
                        zkey=zkey, max_depth=depth, setup=setup, n_trustees=n, threshold=t,
                        revote=policy, outcome=_outcome(outcome, threshold, quorum,
                                                        matching_pool, abstain_option),
                        opens_at=opens_at, closes_at=closes_at, tally_bound=tally_bound)
            digest = hashlib.sha256(data).hexdigest()
            created = client.create_poll(draft, vk_json, list(trustee_key),
                                         proving_key_sha256=digest)
            pid = created["poll_id"]
            with _err.status(f"uploading the proving key ({len(data) / 1e6:.1f} MB)…"):
                client.upload_proving_key(pid, data)
            summary = client.start_keygen(pid)
    doc = {"version": 1, "poll_id": pid, "state": summary.get("state"),
           "proving_key_sha256": digest, "n_trustees": summary.get("n_trustees"),
           "threshold": summary.get("threshold")}
    emit_json(doc, as_json)
    if not as_json:
        _err.print(f"poll created; key generation started for {doc['threshold']}-of-"
                   f"{doc['n_trustees']} trustees (each runs: zkvote trustee dkg "
                   f"--coordinator {coordinator} --poll {pid}); then: zkvote operator poll "
                   f"open {pid}")
        print(pid)


@poll_app.command("open")
def poll_open(poll: PollArg,
              timeout: Annotated[float, typer.Option("--timeout", min=0.0, help="wait at most "
                                                     "S seconds for the trustees")] = 600.0,
              allow_missing: Annotated[bool, typer.Option(
                  "--allow-missing", help="finalise once at least t trustees finished, "
                  "without waiting for all n")] = False,
              interval: Annotated[float, typer.Option("--interval", min=0.05,
                                                      help="seconds between checks")] = 1.0,
              coordinator: CoordOpt = DEFAULT_URL, admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
              as_json: JsonOpt = False) -> None:
    """Open the poll for ballots: wait for the trustees' key generation, finalise it (the
    manifest gets its joint key) and open. Exit 1 if the trustees do not finish in time."""
    with command_errors(), _client(coordinator, admin_key) as client:
        state = client.poll(poll)["state"]
        if state == "draft":
            client.start_keygen(poll)
            state = "keygen"
        finalized = client.manifest_document(poll)
        if state == "keygen" and not finalized.get("final"):
            with _err.status("waiting for the trustees' key generation…") as st:
                client.wait_for_keygen(poll, timeout=timeout, interval=interval,
                                       allow_missing=allow_missing,
                                       progress=lambda m: st.update(f"key generation: {m}"))
            finalized = client.finalize_dkg(poll)
        summary = client.open_poll(poll)
    doc = {"version": 1, "poll_id": poll, "state": summary.get("state"),
           "manifest_sha256": finalized.get("manifest_sha256")}
    _done(doc, as_json, f"poll [bold]{poll}[/] is open (manifest sha256 "
          f"{doc['manifest_sha256']})")


@poll_app.command("close")
def poll_close(poll: PollArg, coordinator: CoordOpt = DEFAULT_URL,
               admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY, as_json: JsonOpt = False) -> None:
    """Close the poll: no more ballots."""
    with command_errors(), _client(coordinator, admin_key) as client:
        summary = client.close_poll(poll)
    _done(summary, as_json, f"poll [bold]{poll}[/] closed ({summary.get('boards', {})})")


@poll_app.command("show")
def poll_show(poll: PollArg, coordinator: CoordOpt = DEFAULT_URL,
              as_json: JsonOpt = False) -> None:
    """Show a poll: state, question, options, rule, trustees, boards (public)."""
    with command_errors(), _client(coordinator, None) as client:
        summary = client.poll(poll)
        manifest = client.manifest_document(poll)
        circuit = client.circuit(poll)
    doc = {**summary, "final": manifest.get("final"), "manifest": manifest.get("manifest"),
           "circuit": circuit}
    emit_json(doc, as_json)
    if not as_json:
        m = manifest.get("manifest") or {}
        _out.print(f"poll [bold]{escape(poll)}[/]: {summary.get('state')}; "
                   f"{escape(str(m.get('question')))}", highlight=False)
        table = Table()
        table.add_column("#", justify="right")
        table.add_column("option")
        for i, label in enumerate(m.get("options", [])):
            table.add_row(str(i), escape(label))
        _out.print(table)
        rule = m.get("rule", {}).get("preset")
        _out.print(f"rule {rule}; outcome {m.get('outcome', {}).get('kind')}; re-vote "
                   f"{summary.get('revote')}; trustees {summary.get('threshold')}-of-"
                   f"{summary.get('n_trustees')}; opens {m.get('opens_at')}, closes "
                   f"{m.get('closes_at')}; boards {summary.get('boards')}; circuit "
                   f"{circuit.get('circuit_id')} ({circuit.get('setup')})", markup=False,
                   highlight=False)


# ------------------------------------------------------------ tally and record


@tally_app.command("aggregate")
def tally_aggregate(poll: PollArg, coordinator: CoordOpt = DEFAULT_URL,
                    admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY, as_json: JsonOpt = False
                    ) -> None:
    """Sum the counted ballots of the closed poll (homomorphically); the trustees then run
    ``zkvote trustee decrypt``."""
    with command_errors(), _client(coordinator, admin_key) as client:
        with _err.status("aggregating the counted ballots…"):
            doc = client.aggregate(poll)
    _done(doc, as_json, f"aggregate of poll [bold]{poll}[/]: {doc.get('ballots_counted')} "
          "ballots counted; the trustees can now decrypt (zkvote trustee decrypt)")


def _print_result(doc: dict, options: list[str]) -> None:
    table = Table(title=f"poll {doc.get('poll_id')}")
    table.add_column("option")
    table.add_column("total", justify="right")
    outcome = doc.get("outcome") or {}
    winners = set(outcome.get("winners", []))
    for i, total in enumerate(doc.get("tally", [])):
        label = options[i] if i < len(options) else f"option {i}"
        table.add_row(escape(label) + (" [bold green](winner)[/]" if i in winners else ""),
                      str(total))
    _out.print(table)
    names = [options[i] if isinstance(i, int) and i < len(options) else str(i)
             for i in outcome.get("winners", [])]
    if names:
        verdict = "winner" + ("s" if len(names) > 1 else "") + ": " + ", ".join(names)
    else:
        why = [w for w, flag in (("tie", outcome.get("tie")),
                                 ("quorum not met", outcome.get("quorum_met") is False)) if flag]
        verdict = "not decided" + (f" ({', '.join(why)})" if why else "")
    _out.print(f"{doc.get('ballots_counted')} ballots counted; {outcome.get('kind')}: "
               f"{verdict}", markup=False, highlight=False)


def _options(client: Any, poll: str) -> list[str]:
    manifest = client.manifest_document(poll).get("manifest") or {}
    return list(manifest.get("options", []))


@tally_app.command("publish")
def tally_publish(poll: PollArg,
                  wait: Annotated[float, typer.Option(
                      "--wait", min=0.0, help="wait up to S seconds for t partial "
                      "decryptions")] = 0.0,
                  coordinator: CoordOpt = DEFAULT_URL,
                  admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY, as_json: JsonOpt = False) -> None:
    """Combine the trustees' partial decryptions (each proof is checked), decode the tally,
    apply the outcome rule and publish the result and the election record. Exit 1 with
    fewer than t partial decryptions."""
    with command_errors(), _client(coordinator, admin_key) as client:
        with _err.status("waiting for the trustees' partial decryptions…") as st:
            client.wait_for_partials(poll, timeout=wait,
                                     progress=lambda m: st.update(f"tally: {m}"))
        with _err.status("decrypting and publishing…"):
            doc = client.publish(poll)
        options = _options(client, poll)
    emit_json(doc, as_json)
    if not as_json:
        _print_result(doc, options)
        _out.print(f"election record: zkvote operator record download {poll} {poll}.zip")


@tally_app.command("show")
def tally_show(poll: PollArg, coordinator: CoordOpt = DEFAULT_URL,
               as_json: JsonOpt = False) -> None:
    """Show the published result (public)."""
    with command_errors(), _client(coordinator, None) as client:
        doc = client.result(poll)
        options = _options(client, poll)
    emit_json(doc, as_json)
    if not as_json:
        _print_result(doc, options)


@record_app.command("download")
def record_download(poll: PollArg,
                    out: Annotated[Path, typer.Argument(metavar="OUT.zip",
                                                        help="where to write the archive")],
                    force: Annotated[bool, typer.Option("--force", help="replace OUT")] = False,
                    coordinator: CoordOpt = DEFAULT_URL, as_json: JsonOpt = False
                    ) -> None:
    """Download the poll's election record (a .zip that ``zkvote verify`` checks). The
    archive is checked to be a well-formed record archive before it is written."""
    from zkvote.errors import InvalidArgument
    from zkvote.record_files import read_record_files

    with command_errors():
        if out.suffix != ".zip":
            raise InvalidArgument(f"{out}: the record archive's name ends in .zip")
        if out.exists() and not force:
            raise InvalidArgument(f"{out} exists (--force replaces it)")
        with _client(coordinator, None) as client, _err.status("downloading the record…"):
            data = client.record(poll)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp.zip")
        tmp.write_bytes(data)
        try:
            files = read_record_files(tmp)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    doc = {"version": 1, "poll_id": poll, "path": str(out), "bytes": len(data),
           "files": len(files), "sha256": hashlib.sha256(data).hexdigest()}
    _done(doc, as_json, f"election record of [bold]{poll}[/] written to {out} ({len(files)} "
          f"files); check it: zkvote verify {out}")


@key_app.command("publish")
def key_publish(poll: PollArg,
                zkey_path: Annotated[Path, typer.Argument(metavar="FILE.zkey")],
                coordinator: CoordOpt = DEFAULT_URL, admin_key: AdminKeyOpt = DEFAULT_ADMIN_KEY,
                as_json: JsonOpt = False) -> None:
    """Upload the poll's proving key (``poll create`` does this already): the coordinator
    keeps it only if it is the key whose sha256 and verifying key the poll published, and
    serves it to voters who do not have it."""
    with command_errors():
        data = zkey_path.read_bytes()
        with _client(coordinator, admin_key) as client, \
                _err.status(f"uploading {zkey_path.name} ({len(data) / 1e6:.1f} MB)…"):
            doc = client.upload_proving_key(poll, data)
    _done(doc, as_json, f"proving key of poll [bold]{poll}[/] stored by the coordinator "
          f"(sha256 {doc.get('proving_key_sha256')})")


__all__ = ["operator_app", "register"]
