"""native/gen_g1_glv.py prints the GLV constants exactly as native/g1.c holds them."""

import runpy
import subprocess
import sys
from pathlib import Path

NATIVE = Path(__file__).resolve().parents[2] / "native"


def _script() -> dict:
    return runpy.run_path(str(NATIVE / "gen_g1_glv.py"))


def test_generated_blocks_stand_verbatim_in_g1_c():
    script = _script()
    consts = script["derive"]()
    text = (NATIVE / "g1.c").read_text()
    assert script["c_block"](consts) in text
    assert script["c_beta_mont"](consts) in text


def test_generator_prints_both_blocks():
    script = _script()
    consts = script["derive"]()
    out = subprocess.run([sys.executable, str(NATIVE / "gen_g1_glv.py")], check=True,
                         capture_output=True, text=True).stdout
    assert out == f"{script['c_block'](consts)}\n\n{script['c_beta_mont'](consts)}\n"


def test_montgomery_beta_converts_back_to_beta():
    script = _script()
    consts = script["derive"]()
    q = script["FQ_MODULUS"]
    mont = sum(w << (64 * i) for i, w in enumerate(script["beta_mont_words"](consts)))
    assert mont * pow(2, -256, q) % q == consts["beta"]
