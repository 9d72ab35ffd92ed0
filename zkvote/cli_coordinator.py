"""``zkvote coordinator serve``: run the coordinator service (uvicorn).

    zkvote coordinator serve [--data-dir DIR] [--db URL] [--host H] [--port P]

``--data-dir`` (default ``./zkvote-coordinator``) holds the Ed25519 keys, created on first
start with mode 0600 and never printed: ``log_ed25519.key`` signs the board heads,
``admin_ed25519.key`` signs the operator's admin requests. Without ``--db`` the database is
``DIR/coordinator.sqlite3`` (SQLite, WAL, synchronous=FULL); ``--db`` takes an SQLAlchemy URL,
e.g. ``postgresql://user@host/db``. The web stack is imported only when the command runs.

Exit codes: 0 after a clean shutdown, 2 for a bad option or an unusable data directory.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from zkvote.cli_common import EXIT_MALFORMED, fail
from zkvote.errors import ZkvoteError

coordinator_app = typer.Typer(no_args_is_help=True,
                              help="The coordinator service: polls, ballots, board, tally.")


def register(app: typer.Typer) -> None:
    """Add the ``coordinator`` command group to ``app``."""
    app.add_typer(coordinator_app, name="coordinator")


@coordinator_app.command()
def serve(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="keys and default database")] =
        Path("zkvote-coordinator"),
    db: Annotated[str | None, typer.Option("--db", help="SQLAlchemy database URL")] = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    max_body_bytes: Annotated[int, typer.Option(help="larger requests get 413")] = 256 * 1024,
    rate: Annotated[float, typer.Option(help="requests/s per client (0: no limit)")] = 50.0,
    burst: Annotated[int, typer.Option(help="token-bucket size per client")] = 200,
    batch_window_ms: Annotated[float, typer.Option(help="ballot group-commit window")] = 4.0,
    batch_max: Annotated[int, typer.Option(help="most ballots per commit")] = 256,
    verify_workers: Annotated[int | None, typer.Option(
        help="processes checking ballot proofs (default: one per core, at most 4; 0: a "
             "thread of the server)")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Run the coordinator until interrupted (SIGINT/SIGTERM drain the ballot queue)."""
    try:
        import uvicorn

        from zkvote.coordinator.app import create_app
        from zkvote.coordinator.settings import settings_for_data_dir
        from zkvote.request_signing import key_id

        extra = {} if verify_workers is None else {"verify_workers": verify_workers}
        settings = settings_for_data_dir(
            data_dir, db, max_body_bytes=max_body_bytes, rate_per_second=rate,
            rate_burst=burst, batch_window_ms=batch_window_ms, batch_max=batch_max, **extra)
        app = create_app(settings)
    except (ZkvoteError, OSError) as exc:
        fail(EXIT_MALFORMED, exc)
    print(f"zkvote coordinator on http://{host}:{port} (data: {settings.data_dir}; board key "
          f"{key_id(settings.log_key)[:16]}...)", file=sys.stderr, flush=True)
    # access_log off: the request line carries the client's address, which a ballot
    # endpoint must not keep
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


__all__ = ["coordinator_app", "register"]
