"""circomlib's Poseidon round constants and MDS matrices for widths t = 2..17.

The table ships as ``zkvote/data/poseidon_constants.json.gz`` (generated once by
``python -m zkvote.poseidon_constants``, which runs our Grain LFSR generator in zkvote.grain);
loading it is much faster than regenerating. tests/unit/test_grain.py regenerates it and
compares, so the file can never silently drift from the published procedure.

Layout: ``{"version": 1, "rounds_f": 8, "rounds_p": [...], "C": [[hex, ...] per width],
"M": [[[hex, ...] per row] per width]}``, hex without ``0x``, widths in order t = 2..17.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from pathlib import Path

from zkvote import grain
from zkvote.errors import InvalidEncoding

MIN_WIDTH = 2
MAX_WIDTH = len(grain.ROUNDS_P) + 1
DATA_FILE = "poseidon_constants.json.gz"


def build_table() -> dict:
    """Regenerate the whole table with the Grain LFSR (a few seconds)."""
    cs, ms = [], []
    for t in range(MIN_WIDTH, MAX_WIDTH + 1):
        c, m = grain.generate(t)
        cs.append([format(x, "x") for x in c])
        ms.append([[format(x, "x") for x in row] for row in m])
    return {"version": 1, "rounds_f": grain.ROUNDS_F, "rounds_p": list(grain.ROUNDS_P),
            "C": cs, "M": ms}


@cache
def _table() -> dict:
    raw = resources.files("zkvote").joinpath("data", DATA_FILE).read_bytes()
    doc = json.loads(gzip.decompress(raw))
    if doc.get("version") != 1:
        raise InvalidEncoding(f"{DATA_FILE}: unsupported version {doc.get('version')!r}")
    return doc


@cache
def constants(t: int) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """(round constants, MDS matrix) for width t, from the shipped table.

    Raises InvalidArgument if t is not in 2..17.
    """
    grain.rounds_p_for_width(t)  # validates t
    doc = _table()
    c = tuple(int(x, 16) for x in doc["C"][t - MIN_WIDTH])
    m = tuple(tuple(int(x, 16) for x in row) for row in doc["M"][t - MIN_WIDTH])
    return c, m


def write_table(path: Path) -> None:
    """Regenerate the table and write it, gzip'd deterministically (mtime 0), to ``path``."""
    data = json.dumps(build_table(), separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "data" / DATA_FILE
    write_table(target)
    print(f"wrote {target}")
