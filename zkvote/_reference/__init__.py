"""Reference backend: pure Python (gmpy2 integers, py_ecc curves). Slow; used to check the
native core and as an independent implementation for verifiers."""

import sys as _sys

# py_ecc raises the interpreter's recursion limit to 100,000 when imported. With that limit a
# deeply nested JSON document (an HTTP body, a record file) overflows the C stack inside the
# json module instead of raising RecursionError, killing the process. Import it here, once,
# and put the limit back.
_limit = _sys.getrecursionlimit()
import py_ecc  # noqa: E402,F401

_sys.setrecursionlimit(_limit)
