"""Election commands:

- ``zkvote verify RECORD [--json] [--workers N] [--log-key HEX]`` - verify an election record
  (directory or .zip/.tar.gz archive) in numbered steps; exit 0 if every step passes, 1 if a
  check fails, 2 if the record is malformed or missing (or the pinned key is not 64 hex).
- ``zkvote election simulate --preset NAME --voters N --options K --trustees T/N --out DIR``
  - run a whole election in one process (INSECURE single-party circuit setup, cached) and write
  its record to DIR and DIR.tar.gz.

Progress goes to stderr, results to stdout; ``--json`` prints one JSON document on stdout.
Nothing prints votes, randomness or keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from zkvote.cli_common import EXIT_MALFORMED, fail
from zkvote.errors import InvalidInput, ProtocolError

election_app = typer.Typer(no_args_is_help=True, help="Whole elections (simulation).")
_out = Console()
_err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def register(app: typer.Typer) -> None:
    """Add ``verify`` and the ``election`` command group to ``app``."""
    app.command("verify")(verify)
    app.add_typer(election_app, name="election")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=_err, transient=True)


# ---- verify


def verify(
    record: Annotated[Path, typer.Argument(metavar="RECORD",
                                           help="record directory or .zip/.tar.gz archive")],
    as_json: JsonOpt = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1,
                                                help="processes for ballot proofs "
                                                     "(default: all cores)")] = None,
    log_key: Annotated[str | None, typer.Option(
        "--log-key", metavar="HEX",
        help="the bulletin board's Ed25519 public key (64 hex), obtained out of band: the "
             "record's board head must be signed by exactly this key")] = None,
) -> None:
    """Verify an election record: every ballot proof, the re-vote policy, challenged
    ballots, the aggregate, each trustee's decryption proof, the combination, the tally and
    the outcome. Exit 0 all pass, 1 a check fails, 2 malformed or missing record."""
    from zkvote.verify import parse_log_key, verify_record

    pinned = None
    if log_key is not None:
        try:
            pinned = parse_log_key(log_key)
        except InvalidInput as exc:
            fail(EXIT_MALFORMED, f"--log-key: {exc}")

    with _progress() as bar:
        task = bar.add_task("4. ballot proofs", total=None, visible=False)

        def progress(step: int, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=True)

        report = verify_record(record, workers=workers, progress=progress,
                               log_key=pinned)
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        _out.print(f"election record {record}")
        marks = {"ok": "[green]ok[/]     ", "failed": "[red]FAILED[/] ",
                 "skipped": "[yellow]skipped[/]"}
        for s in report.steps:
            counts = ", ".join(f"{k} {v}" for k, v in s.counts.items())
            line = f"{s.number:>3}. {marks[s.status]} {s.name}"
            if counts:
                line += f" ({counts})"
            if s.detail:
                line += f": {s.detail}"
            _out.print(line, highlight=False)
        if report.manifest_sha256:
            _out.print(f"manifest sha256 {report.manifest_sha256}")
        for warning in report.warnings:
            _out.print(f"[yellow]warning:[/] {warning}")
        if report.ok:
            _out.print("[green]record verified[/]")
    failure = report.first_failure
    if failure is not None:
        fail(report.exit_code, f"step {failure.number} ({failure.name}): {failure.detail}")


# ---- election simulate


def _trustees(value: str) -> tuple[int, int]:
    try:
        t, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise typer.BadParameter("expected T/N, e.g. 2/3") from None
    return t, n


def _indices(value: str | None) -> list[int]:
    if not value:
        return []
    try:
        return [int(x) for x in value.replace(" ", "").split(",") if x]
    except ValueError:
        raise typer.BadParameter("expected trustee indices, e.g. 2,3") from None


@election_app.command("simulate")
def simulate(
    preset: Annotated[str, typer.Option("--preset", help="ballot rule: single, referendum, "
                                        "approval, quadratic, budget, score, borda, weighted")],
    voters: Annotated[int, typer.Option("--voters", min=1, help="members of the group")],
    options: Annotated[int, typer.Option("--options", min=2, max=16, help="options K")],
    out: Annotated[Path, typer.Option("--out", help="record directory to create")],
    trustees: Annotated[str, typer.Option("--trustees", help="threshold T of N trustees")]
    = "2/3",
    seed: Annotated[int | None, typer.Option("--seed", help="reproducible run")] = None,
    depth: Annotated[int | None, typer.Option("--depth", min=1, max=32,
                                              help="circuit tree depth")] = None,
    challenges: Annotated[int, typer.Option("--challenges", min=0)] = 1,
    revotes: Annotated[int, typer.Option("--revotes", min=0)] = 1,
    policy: Annotated[str, typer.Option("--policy", help="re-vote policy: first|last")]
    = "last",
    absent: Annotated[str | None, typer.Option("--absent-trustees",
                                               help="trustees missing at the tally, e.g. 3")]
    = None,
    archive: Annotated[bool, typer.Option("--archive/--no-archive",
                                          help="also write OUT.tar.gz")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Simulate a whole election (group, DKG, ballots with real proofs, challenges,
    re-votes, tally) and write its record. Uses an INSECURE single-party circuit setup."""
    from zkvote.record import write_record
    from zkvote.simulate import SimulationConfig, simulate_election

    t, n = _trustees(trustees)
    config = SimulationConfig(preset=preset, voters=voters, options=options, t=t, n=n,
                              seed=seed, depth=depth, challenges=challenges, revotes=revotes,
                              policy=policy)
    if (out / "index.json").exists():
        fail(EXIT_MALFORMED, f"{out} already holds a record")
    try:
        config.check()
        config.max_depth  # noqa: B018 - validates --depth against the group size
        with _progress() as bar:
            tasks: dict[str, int] = {}
            labels = {"keys": "circuit keys (insecure setup, cached)",
                      "ballots": "ballots (encrypt + prove)"}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            sim, record = simulate_election(config, absent=_indices(absent), progress=progress)
    except (InvalidInput, ProtocolError) as exc:
        fail(EXIT_MALFORMED, str(exc))
    archive_path = Path(f"{out}.tar.gz") if archive else None
    write_record(record, out, archive=archive_path)
    _report(sim, record, out, archive_path, as_json)


def _report(sim: object, record: object, out: Path, archive: Path | None,
            as_json: bool) -> None:
    m, outcome = record.manifest, record.outcome.outcome
    results = list(record.tally.results)
    if as_json:
        print(json.dumps({
            "version": 1, "record": str(out), "archive": str(archive) if archive else None,
            "manifest_sha256": m.manifest_hash(), "poll_id": m.poll_id,
            "board": len(record.board), "counted": len(record.tally.counted),
            "challenged": len(record.challenged), "trustees": list(record.tally.trustees),
            "tally": [str(x) for x in results],
            "outcome": outcome.model_dump(mode="json", exclude_none=True),
            "setup": m.circuit.setup}, indent=2))
        return
    table = Table(title=f"{m.question} ({m.rule.preset}, {m.outcome.kind})")
    table.add_column("option")
    table.add_column("total", justify="right")
    if outcome.allocation is not None:
        table.add_column("match", justify="right")
    table.add_column("")
    for i, label in enumerate(m.options):
        row = [label, str(results[i])]
        if outcome.allocation is not None:
            row.append(str(outcome.allocation[i]))
        row.append("[green]winner[/]" if i in outcome.winners else "")
        table.add_row(*row)
    _out.print(table)
    _out.print(f"ballots on the board {len(record.board)}, counted "
               f"{len(record.tally.counted)}, challenged {len(record.challenged)}; "
               f"trustees {list(record.tally.trustees)} of {m.trustees.n} decrypted")
    _out.print(f"decided: {outcome.decided}" + (" (tie)" if outcome.tie else "")
               + ("" if outcome.quorum_met else " (quorum not met)"))
    _out.print(f"record written to {out}" + (f" and {archive}" if archive else "")
               + f"; manifest sha256 {m.manifest_hash()}")
    _out.print("[yellow]warning:[/] simulated with an INSECURE single-party setup: for tests "
               "and demos only")


__all__ = ["election_app", "register", "simulate", "verify"]
