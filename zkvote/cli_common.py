"""Plumbing shared by the ``zkvote`` command modules: the exit codes and the one-line failure
report of the conventions (0 success, 1 a check says no, 2 malformed or missing input; the
reason on stderr, never on stdout, which carries only results)."""

from __future__ import annotations

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
