"""Choice of arithmetic backend: ``native`` (the C core, default) or ``reference`` (pure Python
on gmpy2 and py_ecc, slow, for differential tests and as an independent check).

Each backend is a package (``zkvote._native``, ``zkvote._reference``) of *slices* with the same
module names and functions (``fields``, ``g1``, ``g2``, ``ct_mul``, ``pairing``, ``ntt``,
``group_ntt``, ``babyjub``, ``dlog``, ``poseidon``, ``groth16``), taking and returning plain
ints, bytes and tuples; a native slice may keep private helper modules beside it. The
domain modules (``zkvote.g1`` …) validate input, then call ``impl("g1")`` of the current
backend.

The initial backend comes from the environment variable ``ZKVOTE_BACKEND`` (default
``native``).
"""

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from zkvote.errors import InvalidArgument

BACKENDS = ("native", "reference")

_current = os.environ.get("ZKVOTE_BACKEND", "native")
if _current not in BACKENDS:
    raise InvalidArgument(f"ZKVOTE_BACKEND must be one of {BACKENDS}, not {_current!r}")


def current() -> str:
    """Name of the backend in use."""
    return _current


def set_backend(name: str) -> None:
    """Select the backend for all later calls. Raises InvalidArgument for an unknown name."""
    global _current
    if name not in BACKENDS:
        raise InvalidArgument(f"backend must be one of {BACKENDS}, not {name!r}")
    _current = name


@contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Temporarily select a backend (not thread-safe: it changes the process-wide choice)."""
    previous = _current
    set_backend(name)
    try:
        yield
    finally:
        set_backend(previous)


def impl(slice_name: str, backend: str | None = None) -> ModuleType:
    """The module implementing ``slice_name`` in ``backend`` (default: the current one)."""
    return importlib.import_module(f"zkvote._{backend or _current}.{slice_name}")
