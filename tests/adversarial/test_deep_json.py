"""Deeply nested JSON must be refused with an error, never crash the process."""

import subprocess
import sys


def test_reference_backend_import_keeps_the_recursion_limit_so_deep_json_raises():
    # A fresh interpreter: py_ecc (under the reference backend) used to leave the limit at
    # 100,000, and json.loads of a deep document then overflowed the C stack (SIGSEGV).
    code = (
        "import sys, json\n"
        "limit = sys.getrecursionlimit()\n"
        "import zkvote._reference.g1, zkvote._reference.pairing\n"
        "assert sys.getrecursionlimit() == limit, sys.getrecursionlimit()\n"
        "try:\n"
        "    json.loads('[' * 200000 + ']' * 200000)\n"
        "except RecursionError:\n"
        "    print('refused')\n"
    )
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "refused"
