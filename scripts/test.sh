#!/usr/bin/env bash
# Set up a virtualenv, install zkvote with its test extras (compiling the C core), lint, and run
# the test suite against the installed package.
#   scripts/test.sh            the suite without the tests marked slow
#   scripts/test.sh --all      everything (ZKVOTE_SLOW=1)
#   scripts/test.sh -- ARGS    extra pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--all" ]]; then export ZKVOTE_SLOW=1; shift; fi
[[ "${1:-}" == "--" ]] && shift

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet '.[test]'
.venv/bin/ruff check .
# The pytest entry point (not `python -m pytest`) keeps the checkout off sys.path, so the
# tests import the installed package with its compiled core.
.venv/bin/pytest "$@"
