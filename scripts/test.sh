#!/usr/bin/env bash
# Set up a virtualenv, install zkvote with its test extras (compiling the C core), lint, run
# the test suite against the installed package, then the native-vs-reference property tests
# against a second build of the core with its portable fallbacks forced
# (scripts/test_fallbacks.sh: no assembly, no AVX-512 lanes; ~2 minutes).
#   scripts/test.sh                 the suite without the tests marked slow
#   scripts/test.sh --all           everything (ZKVOTE_SLOW=1)
#   scripts/test.sh --postgres      also start a throwaway PostgreSQL on loopback for the
#                                   storage tests (scripts/postgres.sh; installs Debian's
#                                   postgresql when run as root and it is missing)
#   scripts/test.sh -- ARGS         extra pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."

while [[ $# -gt 0 ]]; do
    case "$1" in
        --all) export ZKVOTE_SLOW=1; shift ;;
        --postgres) ZKV_WITH_PG=1; shift ;;
        --) shift; break ;;
        *) break ;;
    esac
done

if [[ "${ZKV_WITH_PG:-}" == 1 ]]; then
    # shellcheck source=scripts/postgres.sh
    source scripts/postgres.sh
    trap zkv_pg_stop EXIT
    zkv_pg_start
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet '.[test]'
.venv/bin/ruff check .
# The pytest entry point (not `python -m pytest`) keeps the checkout off sys.path, so the
# tests import the installed package with its compiled core.
.venv/bin/pytest "$@"
scripts/test_fallbacks.sh .venv/bin
