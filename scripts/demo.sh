#!/usr/bin/env bash
# Set up a virtualenv, install zkvote (compiling the C core) and run `zkvote demo`: a whole
# election on this machine - a coordinator on loopback, 2-of-3 trustees, ballots cast over
# HTTP, the tally and an election record in ./zkvote-demo/ checked by `zkvote verify`.
#   scripts/demo.sh                      8 voters, random votes
#   scripts/demo.sh --voters 12 --seed 7 any `zkvote demo` option
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
exec .venv/bin/zkvote demo "$@"
