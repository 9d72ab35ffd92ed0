"""The voter's, trustee's and observer's commands:

- ``zkvote identity new|show|export|import`` - identities in the wallet ($ZKVOTE_HOME or
  ~/.zkvote); ``show`` prints only the public commitment; ``export`` writes the secret only to
  a file (mode 0600) or, with ``--out -``, to stdout when asked explicitly;
- ``zkvote vote --coordinator URL --poll ID (--choice|--approve|--weights|--scores|--ranking)``
  - build the ballot and its proof here, show the tracking code, cast or challenge, store and
  print the receipt;
- ``zkvote receipt check RECEIPT [--coordinator URL | --offline]`` and ``zkvote receipt list``;
- ``zkvote board monitor URL [--poll ID] [--state FILE] [--once] [--interval S]`` - follow the
  signed heads, exit 1 with an alarm when a board forks or is rewritten;
- ``zkvote trustee keygen|dkg|decrypt`` - a trustee's request key, key generation, decryption;
- ``zkvote demo`` - a whole election against a local coordinator (zkvote.demo).

Every command takes ``--json`` (one JSON document on stdout; ``board monitor`` prints one per
line). Exit codes: 0 success, 1 a check or the coordinator says no, 2 malformed or missing
input (a bad option, a missing file or identity, an unreachable coordinator). Progress and
errors go to stderr; no command prints a secret unless asked to export it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from zkvote.cli_common import EXIT_MALFORMED, EXIT_NO, command_errors, emit_json, fail

identity_app = typer.Typer(no_args_is_help=True, help="Your identities (the secret that "
                           "makes you a member).")
receipt_app = typer.Typer(no_args_is_help=True, help="Receipts of the ballots you cast.")
board_app = typer.Typer(no_args_is_help=True, help="Watch a coordinator's bulletin boards.")
trustee_app = typer.Typer(no_args_is_help=True, help="Take part in a poll as a trustee.")

_out = Console()
_err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]
NameOpt = Annotated[str, typer.Option("--name", help="name in the wallet")]
CoordOpt = Annotated[str, typer.Option("--coordinator", help="coordinator URL, e.g. "
                                       "http://127.0.0.1:8000")]
PollOpt = Annotated[str, typer.Option("--poll", help="poll id")]


def register(app: typer.Typer) -> None:
    """Add the identity, vote, receipt, board, trustee and demo commands to ``app``."""
    app.add_typer(identity_app, name="identity")
    app.command("vote")(vote)
    app.add_typer(receipt_app, name="receipt")
    app.add_typer(board_app, name="board")
    app.add_typer(trustee_app, name="trustee")
    app.command("demo")(demo)


# ------------------------------------------------------------ plumbing


def _wallet() -> Any:
    from zkvote.wallet import Wallet

    return Wallet()


def _ints(value: str | None, what: str) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(x) for x in value.replace(" ", "").split(",") if x != ""]
    except ValueError:
        raise typer.BadParameter(f"{what}: expected comma-separated integers") from None


# ------------------------------------------------------------ identity


@identity_app.command("new")
def identity_new(name: NameOpt = "default",
                 force: Annotated[bool, typer.Option("--force",
                                                     help="replace an existing identity")] = False,
                 as_json: JsonOpt = False) -> None:
    """Create a new identity (random secret, stored with mode 0600) and print its public
    commitment - what the registrar adds to a group."""
    with command_errors():
        wallet = _wallet()
        identity = wallet.new_identity(name, overwrite=force)
        doc = {"version": 1, "name": name, "commitment": str(identity.commitment),
               "path": str(wallet.identity_path(name))}
    emit_json(doc, as_json)
    if not as_json:
        _out.print(f"identity [bold]{name}[/] created ({doc['path']})")
        _out.print("commitment (give this to the registrar):")
        print(doc["commitment"])


@identity_app.command("show")
def identity_show(name: NameOpt = "default",
                  credits: Annotated[int | None, typer.Option(
                      "--credits", min=0, help="also show the weighted-group leaf for these "
                      "credits")] = None,
                  as_json: JsonOpt = False) -> None:
    """Print the identity's public commitment (and public key); never its secret."""
    from zkvote.identity import weighted_commitment

    with command_errors():
        identity = _wallet().load_identity(name)
        doc: dict[str, Any] = {"version": 1, "name": name,
                               "commitment": str(identity.commitment),
                               "public_key": [str(c) for c in identity.public_key]}
        if credits is not None:
            doc["weighted_leaf"] = str(weighted_commitment(identity.public_key, credits))
            doc["credits"] = credits
    emit_json(doc, as_json)
    if not as_json:
        print(doc["commitment"])
        if credits is not None:
            _err.print(f"weighted leaf for {credits} credits:")
            print(doc["weighted_leaf"])


@identity_app.command("export")
def identity_export(
    out: Annotated[str, typer.Option("--out", help="file to write the SECRET export to "
                                     "(mode 0600); '-' prints it on stdout")],
    name: NameOpt = "default",
    force: Annotated[bool, typer.Option("--force", help="replace an existing file")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export the identity's private key (Semaphore's base64 export) to move it to another
    device. Anyone holding it can vote in your name: keep it secret."""
    from zkvote.wallet import write_private

    with command_errors():
        identity = _wallet().load_identity(name)
        secret = identity.export()
        if out == "-":
            if as_json:
                emit_json({"version": 1, "name": name, "export": secret}, True)
            else:
                print(secret)
            return
        path = Path(out)
        write_private(path, (secret + "\n").encode("ascii"), overwrite=force)
    emit_json({"version": 1, "name": name, "path": str(path)}, as_json)
    if not as_json:
        _err.print(f"identity {name} exported to {path} (mode 0600). Keep it secret.")


@identity_app.command("import")
def identity_import(
    source: Annotated[str, typer.Argument(metavar="FILE", help="file holding an export "
                                          "('-': read stdin)")],
    name: NameOpt = "default",
    force: Annotated[bool, typer.Option("--force", help="replace an existing identity")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import an identity exported by ``zkvote identity export`` (or by Semaphore's
    ``Identity.export()``). The secret is read from a file or stdin, never from the command
    line (where other users and the shell history could see it)."""
    from zkvote.errors import InvalidEncoding
    from zkvote.identity import Identity

    with command_errors():
        if source == "-":
            text = sys.stdin.read(4096)
        else:
            data = Path(source).read_bytes()
            if len(data) > 4096:
                raise InvalidEncoding(f"{source}: too large for an identity export")
            try:
                text = data.decode("ascii")
            except UnicodeDecodeError:
                raise InvalidEncoding(f"{source}: an identity export is ASCII base64") from None
        try:
            identity = Identity.import_(text)
        except InvalidEncoding as exc:
            raise InvalidEncoding(f"{source}: {exc}") from None
        wallet = _wallet()
        wallet.save_identity(identity, name, overwrite=force)
        doc = {"version": 1, "name": name, "commitment": str(identity.commitment)}
    emit_json(doc, as_json)
    if not as_json:
        _err.print(f"identity [bold]{name}[/] imported; commitment:")
        print(doc["commitment"])


# ------------------------------------------------------------ vote


def vote(
    coordinator: CoordOpt,
    poll: PollOpt,
    choice: Annotated[str | None, typer.Option(
        "--choice", help="single choice: option index (0-based) or exact label")] = None,
    approve: Annotated[str | None, typer.Option(
        "--approve", help="approval: option indices, e.g. 0,2")] = None,
    weights: Annotated[str | None, typer.Option(
        "--weights", help="one value per option (quadratic, budget, weighted), e.g. 2,1,0")]
    = None,
    scores: Annotated[str | None, typer.Option(
        "--scores", help="one score per option, e.g. 5,3,0")] = None,
    ranking: Annotated[str | None, typer.Option(
        "--ranking", help="Borda: option indices, best first, e.g. 2,0,1")] = None,
    identity: Annotated[str, typer.Option("--identity", help="identity name in the wallet")]
    = "default",
    credits: Annotated[int, typer.Option("--credits", min=0,
                                         help="your weight in a weighted group")] = 0,
    group: Annotated[str | None, typer.Option("--group", help="group id (default: found "
                                              "from the poll's roots)")] = None,
    proving_key: Annotated[Path | None, typer.Option(
        "--proving-key", help="the poll's .zkey (default: the key cache, else downloaded from "
                               "the coordinator and checked)")] = None,
    challenge: Annotated[bool, typer.Option(
        "--challenge", help="challenge (open and spoil) the ballot instead of casting it; "
        "with --yes, then cast a fresh one")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="cast without asking")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Vote: build the encrypted ballot and its zero-knowledge proof on this machine, show its
    tracking code, then cast it (or challenge it to audit this device), and keep the
    receipt."""
    from zkvote.client import CoordinatorClient
    from zkvote.client_voter import Voter, votes_from_options

    done: dict[str, Any] = {"version": 1, "poll_id": poll, "challenged": [], "cast": None}
    with command_errors(), CoordinatorClient(coordinator) as client:
        wallet = _wallet()
        voter = Voter(client, wallet.load_identity(identity), wallet=wallet, credits=credits)
        with _err.status("fetching the poll…") as status:
            view = voter.open_poll(poll, group_id=group, proving_key=proving_key,
                                   progress=lambda msg: status.update(msg + "…"))
        manifest = view.manifest
        if not as_json:
            _show_poll(manifest)
        votes = votes_from_options(manifest, choice=choice, approve=_ints(approve, "--approve"),
                                   weights=_ints(weights, "--weights"),
                                   scores=_ints(scores, "--scores"),
                                   ranking=_ints(ranking, "--ranking"), credits=credits)
        plan = (["challenge"] if challenge else []) + (["cast"] if yes else [])
        interactive = not plan
        if interactive and not sys.stdin.isatty():
            fail(EXIT_MALFORMED, "not a terminal: pass --yes to cast or --challenge to "
                                 "challenge")
        while True:
            with _err.status("building the ballot and its proof (a few seconds)…"):
                t0 = time.perf_counter()
                built = voter.build(view, votes)
                seconds = time.perf_counter() - t0
            if not as_json:
                _err.print(f"ballot built and proven in {seconds:.1f} s")
                _out.print(f"tracking code: [bold]{built.tracking_code}[/]")
            action = plan.pop(0) if plan else (_ask() if interactive else "stop")
            if action == "quit" or action == "stop":
                break
            if action == "challenge":
                with _err.status("publishing the challenged ballot…"):
                    stored = voter.challenge(view, built)
                done["challenged"].append({"tracking_code": built.tracking_code,
                                           "board_index": stored.receipt.index})
                if not as_json:
                    _out.print("challenged: the ballot was opened and published on the "
                               f"challenged board (entry {stored.receipt.index}); it will "
                               "never be counted. Anyone can check it decrypts to your "
                               "choice.")
                if not plan and not interactive:
                    break
                continue
            with _err.status("casting…"):
                stored = voter.cast(view, built)
            path = wallet.receipt_path(poll, built.tracking_code)
            done["cast"] = {"tracking_code": built.tracking_code,
                            "board_index": stored.receipt.index,
                            "tree_size": stored.receipt.tree_head.tree_size,
                            "receipt_file": str(path), "receipt": stored.to_json()}
            break
    emit_json(done, as_json)
    if not as_json and done["cast"]:
        c = done["cast"]
        _out.print(f"[green]cast[/]: entry {c['board_index']} of the board (signed head of "
                   f"size {c['tree_size']}); receipt verified and saved to {c['receipt_file']}")
        _out.print(f"check it any time: zkvote receipt check {c['receipt_file']}")


def _show_poll(manifest: Any) -> None:
    table = Table(title=f"poll {manifest.poll_id}: {manifest.question}")
    table.add_column("#", justify="right")
    table.add_column("option")
    for i, label in enumerate(manifest.options):
        table.add_row(str(i), label)
    _err.print(table)
    _err.print(f"rule: {manifest.rule.preset}; re-vote policy: {manifest.revote}; "
               f"closes {manifest.closes_at}")


def _ask() -> str:
    answer = typer.prompt("cast this ballot, challenge it (audit this device), or quit?",
                          type=typer.Choice(["cast", "challenge", "quit"]), default="cast",
                          err=True)
    return answer


# ------------------------------------------------------------ receipts


def _load_receipt(spec: str) -> Any:
    from zkvote.client_receipts import StoredReceipt
    from zkvote.wallet import ItemNotFound

    path = Path(spec)
    if not path.exists() and len(spec) == 64:
        matches = [p for p in _wallet().receipts() if p.stem == spec]
        if not matches:
            raise ItemNotFound(f"no receipt with tracking code {spec} in the wallet")
        path = matches[0]
    data = path.read_bytes()
    if len(data) > 1 << 20:
        from zkvote.errors import InvalidEncoding

        raise InvalidEncoding(f"{path}: too large for a receipt")
    try:
        return StoredReceipt.from_json(data)
    except Exception as exc:
        from zkvote.errors import InvalidInput

        if isinstance(exc, InvalidInput):
            raise type(exc)(f"{path}: {exc}") from None
        raise


@receipt_app.command("check")
def receipt_check(
    receipt: Annotated[str, typer.Argument(metavar="RECEIPT",
                                           help="receipt file, or a tracking code in the "
                                                "wallet")],
    coordinator: Annotated[str | None, typer.Option(
        "--coordinator", help="coordinator URL (default: the one in the receipt)")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="only the receipt's own "
                                          "signature and inclusion proof")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check a receipt: the head is signed by the coordinator's pinned key, the ballot is
    included under it, and (online) the board's latest head is consistent with it and still
    lists the ballot. Exit 1 if any check fails."""
    from zkvote.client import CoordinatorClient
    from zkvote.client_receipts import check_receipt

    with command_errors():
        stored = _load_receipt(receipt)
        if offline:
            report = check_receipt(stored)
        else:
            with CoordinatorClient(coordinator or stored.coordinator) as client:
                report = check_receipt(stored, client)
    doc = report.to_json()
    doc.update({"poll_id": stored.poll_id, "board": stored.board,
                "tracking_code": stored.tracking_code, "index": stored.receipt.index})
    emit_json(doc, as_json)
    if not as_json:
        table = Table(title=f"receipt {stored.tracking_code[:16]}… (poll {stored.poll_id}, "
                            f"{stored.board} board)")
        for col in ("check", "result", "detail"):
            table.add_column(col, overflow="fold")
        for c in report.checks:
            table.add_row(c.name, "[green]ok[/]" if c.ok else "[red]FAILED[/]", c.detail)
        _out.print(table)
    if not report.ok:
        failed = next(c for c in report.checks if not c.ok)
        fail(EXIT_NO, f"receipt check failed at {failed.name}: {failed.detail}")


@receipt_app.command("list")
def receipt_list(poll: Annotated[str | None, typer.Option("--poll", help="only this poll")]
                 = None, as_json: JsonOpt = False) -> None:
    """List the receipts stored in the wallet."""
    from zkvote.client_receipts import StoredReceipt
    from zkvote.errors import InvalidInput
    from zkvote.wallet import read_private

    rows = []
    with command_errors():
        for path in _wallet().receipts(poll):
            try:
                r = StoredReceipt.from_json(read_private(path, "receipt"))
            except InvalidInput:
                rows.append({"file": str(path), "ok": False})
                continue
            rows.append({"file": str(path), "ok": True, "poll_id": r.poll_id, "board": r.board,
                         "tracking_code": r.tracking_code, "index": r.receipt.index,
                         "coordinator": r.coordinator, "cast_at": r.cast_at})
    emit_json({"version": 1, "receipts": rows}, as_json)
    if not as_json:
        table = Table(title="receipts")
        for col in ("poll", "board", "entry", "tracking code", "cast at", "coordinator"):
            table.add_column(col, overflow="fold")
        for r in rows:
            if r["ok"]:
                table.add_row(r["poll_id"], r["board"], str(r["index"]),
                              r["tracking_code"][:16] + "…", r["cast_at"], r["coordinator"])
            else:
                table.add_row("?", "?", "?", f"unreadable: {r['file']}", "", "")
        _out.print(table)


# ------------------------------------------------------------ board monitor


@board_app.command("monitor")
def board_monitor(
    url: Annotated[str, typer.Argument(metavar="URL", help="coordinator URL")],
    poll: Annotated[str | None, typer.Option("--poll", help="only this poll (default: "
                                             "every poll with a board)")] = None,
    state: Annotated[Path | None, typer.Option("--state", help="state file (default: in "
                                               "the wallet)")] = None,
    once: Annotated[bool, typer.Option("--once", help="check once and exit")] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.1,
                                            help="seconds between checks")] = 30.0,
    as_json: JsonOpt = False,
) -> None:
    """Follow the coordinator's boards: every new signed head must extend the last one seen
    (RFC 9162 consistency proof). A forked or rewritten board raises an ALARM and exits 1.
    The last verified heads are kept in the state file between runs."""
    from zkvote.board_monitor import BoardMonitor

    with command_errors():
        watcher = BoardMonitor.load(url, state or _wallet().monitor_state_path(url))
        try:
            while True:
                for obs in watcher.round(poll):
                    if as_json:
                        print(json.dumps(obs), flush=True)
                    elif obs.get("changed", True):
                        _err.print(f"{obs['poll_id']}/{obs['board']}: size {obs['tree_size']} "
                                   f"root {obs['root_hash'][:16]}… [green]consistent[/]")
                watcher.save()
                if once:
                    break
                time.sleep(interval)
        except KeyboardInterrupt:
            watcher.save()
        except Exception as exc:
            from zkvote.board import BoardForked
            from zkvote.wallet import KeyChanged

            if isinstance(exc, BoardForked | KeyChanged):
                watcher.save()  # the last verified heads, never the offending one
                alarm = {"alarm": "board-forked" if isinstance(exc, BoardForked)
                         else "key-changed", "message": str(exc)}
                if isinstance(exc, BoardForked):
                    alarm["old_head"] = None if exc.old is None else exc.old.to_json()
                    alarm["new_head"] = exc.new.to_json()
                if as_json:
                    print(json.dumps(alarm), flush=True)
                _err.print(f"[bold red]ALARM[/]: {exc}")
            raise


# ------------------------------------------------------------ trustee


@trustee_app.command("keygen")
def trustee_keygen(name: NameOpt = "default",
                   force: Annotated[bool, typer.Option("--force",
                                                       help="replace an existing key")] = False,
                   as_json: JsonOpt = False) -> None:
    """Create this trustee's Ed25519 request key (kept in the wallet, mode 0600) and print
    its public half - what the poll's operator registers for you."""
    with command_errors():
        wallet = _wallet()
        key = wallet.new_trustee_key(name, overwrite=force)
        doc = {"version": 1, "name": name, "public_key": bytes(key.verify_key).hex(),
               "path": str(wallet.trustee_key_path(name))}
    emit_json(doc, as_json)
    if not as_json:
        _err.print(f"trustee key [bold]{name}[/] created ({doc['path']}); public key for the "
                   "operator:")
        print(doc["public_key"])


@trustee_app.command("dkg")
def trustee_dkg(coordinator: CoordOpt, poll: PollOpt, name: NameOpt = "default",
                timeout: Annotated[float, typer.Option("--timeout", min=1.0,
                                                       help="give up after S seconds")]
                = 3600.0,
                as_json: JsonOpt = False) -> None:
    """Take part in the poll's key generation from start to finish (keep it running until
    the operator finalises) and store this trustee's share."""
    from zkvote.client import CoordinatorClient
    from zkvote.client_trustee import TrusteeClient

    with command_errors():
        wallet = _wallet()
        key = wallet.load_trustee_key(name)
        with CoordinatorClient(coordinator, signing_key=key) as client:
            trustee = TrusteeClient(client, wallet=wallet, name=name, poll_interval=1.0,
                                    timeout=timeout)
            with _err.status("key generation…") as status:
                share = trustee.run_dkg(poll, progress=lambda m: status.update(m + "…"))
        doc = {"version": 1, "poll_id": poll, "trustee": share.index,
               "public_share": [str(share.public_share.x), str(share.public_share.y)],
               "joint_public_key": [str(share.joint_public_key.x),
                                    str(share.joint_public_key.y)],
               "share_file": str(wallet.share_path(name, poll))}
    emit_json(doc, as_json)
    if not as_json:
        _out.print(f"[green]key generation complete[/]: trustee {share.index}; share stored in "
                   f"{doc['share_file']} (secret, mode 0600)")


@trustee_app.command("decrypt")
def trustee_decrypt(coordinator: CoordOpt, poll: PollOpt, name: NameOpt = "default",
                    as_json: JsonOpt = False) -> None:
    """Audit the closed poll's board and aggregate, then post this trustee's partial
    decryption of the aggregate (with its proofs). Refuses (exit 1) if the aggregate is not
    the sum of the counted ballots."""
    from zkvote.client import CoordinatorClient
    from zkvote.client_trustee import TrusteeClient

    with command_errors():
        wallet = _wallet()
        key = wallet.load_trustee_key(name)
        with CoordinatorClient(coordinator, signing_key=key) as client:
            trustee = TrusteeClient(client, wallet=wallet, name=name)
            with _err.status("decrypting…") as status:
                partial = trustee.decrypt(poll, progress=lambda m: status.update(m + "…"))
    doc = {"version": 1, "poll_id": poll, "trustee": partial.index,
           "options": len(partial.shares)}
    emit_json(doc, as_json)
    if not as_json:
        _out.print(f"[green]partial decryption posted[/] by trustee {partial.index} "
                   f"({len(partial.shares)} options, each with a DLEQ proof)")


# ------------------------------------------------------------ demo


def demo(
    out: Annotated[Path, typer.Option("--out", help="where the election record goes")]
    = Path("zkvote-demo"),
    voters: Annotated[int, typer.Option("--voters", min=2, max=16, help="members who vote")]
    = 8,
    seed: Annotated[int | None, typer.Option("--seed", help="reproducible votes and keys "
                                             "(INSECURE: a demo only)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a whole election on this machine: a coordinator on loopback, a group, a poll with
    2-of-3 trustees, ballots cast over HTTP (one challenged, one re-vote), the tally, and
    the election record in OUT, verified with ``zkvote verify``."""
    from zkvote.demo import DemoConfig, run_demo

    with command_errors():
        result = run_demo(DemoConfig(out=out, voters=voters, seed=seed), quiet=as_json)
    emit_json(result.to_json(), as_json)
    if not result.verified:
        fail(EXIT_NO, "the election record did not verify")


__all__ = ["board_app", "identity_app", "receipt_app", "register", "trustee_app"]
