"""Optional: rerun the JS generator when Node and its packages are at hand, and check the
committed fixtures are exactly what today's tools produce. Skips cleanly otherwise (the
fixture tests in test_interop_fixtures.py never need Node)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).parent / "js"
FIXTURES = Path(__file__).parent / "fixtures"
NODE_MODULES = Path(os.environ.get("ZKVOTE_JS_DIR", "/tmp/zkv-js")) / "node_modules"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None or not NODE_MODULES.is_dir(),
                    reason="node or the JS packages (ZKVOTE_JS_DIR) are not installed")
def test_committed_fixtures_equal_a_fresh_js_run(tmp_path):
    script = NODE_MODULES.parent / "generate.mjs"
    shutil.copy(JS_DIR / "generate.mjs", script)
    subprocess.run(["node", str(script), str(tmp_path)], check=True, capture_output=True,
                   timeout=600)
    for name in ("poseidon.json", "lean_imt.json", "identity.json"):
        assert (tmp_path / name).read_text() == (FIXTURES / name).read_text(), name
