"""Plumbing shared by the ``zkvote`` command modules: the exit codes and the one-line failure
report of the conventions (0 success, 1 a check says no, 2 malformed or missing input; the
reason on stderr, never on stdout, which carries only results), the mapping of errors to
those codes, and the ``--json`` output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer

from zkvote.errors import InvalidInput

EXIT_NO, EXIT_MALFORMED = 1, 2


def fail(code: int, reason: object) -> NoReturn:
    """Print ``error: REASON`` on stderr, its white space folded so that it is one line
    whatever an exception message holds, and exit with ``code`` (raises typer.Exit)."""
    print(f"error: {' '.join(str(reason).split())}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def input_errors(path: Path) -> Iterator[None]:
    """Turn every malformed-input error raised while handling ``path`` into exit 2 naming
    the file: InvalidInput from the parsers, OSError from the file system. Other exceptions
    (typer.Exit included) pass through."""
    try:
        yield
    except InvalidInput as exc:
        fail(EXIT_MALFORMED, f"{path}: {exc}")
    except OSError as exc:
        fail(EXIT_MALFORMED, f"{path}: {exc.strerror or exc}")


def exit_code(exc: BaseException) -> int:
    """The exit code for an error a command let escape: the coordinator's own answer's code,
    1 (EXIT_NO) when a check says no (a changed or forked board key, a false proof, a
    protocol step refused), 2 (EXIT_MALFORMED) for bad, missing or unsafe input or files."""
    from zkvote.board import BoardForked
    from zkvote.client import CoordinatorError
    from zkvote.errors import InvalidProof, ProtocolError
    from zkvote.wallet import KeyChanged, WalletError

    if isinstance(exc, CoordinatorError):
        return exc.exit_code
    if isinstance(exc, KeyChanged | BoardForked | InvalidProof | ProtocolError):
        return EXIT_NO
    if isinstance(exc, InvalidInput | OSError | WalletError):  # bad, missing or unsafe files
        return EXIT_MALFORMED
    return EXIT_NO


@contextmanager
def command_errors() -> Iterator[None]:
    """Turn zkvote and file errors raised inside into the one-line report and exit code of
    :func:`exit_code` (via :func:`fail`); typer.Exit and other exceptions pass through."""
    from zkvote.errors import ZkvoteError

    try:
        yield
    except typer.Exit:
        raise
    except ZkvoteError as exc:
        fail(exit_code(exc), str(exc))
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        fail(EXIT_MALFORMED, f"{where}{exc.strerror or exc}")


def emit_json(doc: dict, as_json: bool) -> None:
    """Print ``doc`` on stdout as indented JSON when ``--json`` was given (else nothing: the
    command prints its own human-readable form)."""
    if as_json:
        print(json.dumps(doc, indent=2))
