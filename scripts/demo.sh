#!/usr/bin/env bash
# Set up a virtualenv, install zkvote (compiling the C core) and run its main job.
# Until the election demo lands this is the core's self-check and timing summary.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
exec .venv/bin/zkvote selfcheck "$@"
