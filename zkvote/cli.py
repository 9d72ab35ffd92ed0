"""The ``zkvote`` command line (typer): ``zkvote <noun> <verb>``.

Exit codes: 0 success, 1 a check or verification says no, 2 malformed or missing input.
"""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

import zkvote
from zkvote import (
    cli_ceremony,
    cli_client,
    cli_coordinator,
    cli_election,
    cli_operator,
    cli_snark,
)

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Zero-knowledge private voting for self-governing communities.")
console = Console()


@app.command()
def version() -> None:
    """Print zkvote's version."""
    print(zkvote.__version__)


@app.command()
def selfcheck(
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
) -> None:
    """Check the arithmetic core (known vectors, native = reference) and time its key operations."""
    from zkvote import selfcheck as sc

    with console.status("checking the native core against known vectors and the reference…"):
        checks, timings = sc.run()
    ok = all(c.ok for c in checks)
    if as_json:
        print(json.dumps({
            "version": 1, "ok": ok,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
            "timings": [{"op": t.op, "native_seconds": t.native,
                         "reference_seconds": t.reference} for t in timings],
        }, indent=2))
    else:
        table = Table(title="zkvote core self-check")
        table.add_column("check")
        table.add_column("result")
        for c in checks:
            table.add_row(c.name + (f" ({c.detail})" if c.detail else ""),
                          "[green]ok[/]" if c.ok else "[red]FAILED[/]")
        console.print(table)
        bench = Table(title="timings (median, this machine)")
        for col in ("operation", "native", "reference (pure Python)", "speed-up"):
            bench.add_column(col, justify="right" if col != "operation" else "left")
        for t in timings:
            ref = f"{t.reference * 1e3:.2f} ms" if t.reference is not None else "-"
            ratio = f"{t.reference / t.native:.0f}×" if t.reference is not None else "-"
            bench.add_row(t.op, f"{t.native * 1e3:.3f} ms", ref, ratio)
        console.print(bench)
    if not ok:
        failed = next(c.name for c in checks if not c.ok)
        print(f"selfcheck failed: {failed}", file=sys.stderr)
        raise typer.Exit(1)


cli_snark.register(app)
cli_election.register(app)
cli_coordinator.register(app)
cli_client.register(app)
cli_ceremony.register(app)
cli_operator.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
