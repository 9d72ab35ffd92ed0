"""Circuit witness programs (circuits/witness.py) run by native/prover.c's zkv_witness_run: the
program loaded once as C arrays, each run from the input wires with the hints computed in
Python between resumptions."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from zkvote._native.arrays import LcTable, fr_ints, lc_table
from zkvote._native.lib import check, ffi, lib
from zkvote.errors import InvalidArgument


@dataclass(eq=False)
class WitnessProgram:
    """A witness program (code words and LC table, native/zkv.h's zkv_witness_run)."""

    n_wires: int
    code: array
    code_c: object
    table: LcTable
    hint_cap: int


def witness_program(code: Sequence[int], lcs: Sequence[Mapping[int, int]], n_wires: int
                    ) -> WitnessProgram:
    """Load a witness program: ``code`` as documented at zkv_witness_run in native/zkv.h,
    ``lcs`` the linear combinations its ops name by index. Errors as :func:`lc_table`;
    malformed code is reported when it runs."""
    try:
        words = array("I", code)
    except OverflowError as exc:
        raise InvalidArgument("a code word is out of range") from exc
    cap, pc = 0, 0
    while pc < len(words):  # the largest hint input count, for the input buffer
        op = words[pc]
        if op == 2 and pc + 2 < len(words):
            n_in = words[pc + 2]
            cap = max(cap, n_in)
            pc += 4 + n_in + (words[pc + 3 + n_in] if pc + 3 + n_in < len(words) else 0)
        else:
            pc += {0: 4, 1: 3, 3: 5}.get(op, len(words))
    return WitnessProgram(n_wires, words, ffi.from_buffer("uint32_t[]", words),
                          lc_table(lcs, n_wires), cap)


def witness_run(program: WitnessProgram, inputs: Mapping[int, int],
                hint: Callable[[int, list[int]], Sequence[int]]) -> tuple[list[int] | None, int]:
    """Run ``program`` from the witness that is zero but for ``inputs`` (wire -> value in
    [0, r)). ``hint(id, input values)`` computes a HINT op's outputs (values in [0, r); its
    exceptions propagate). Returns (the witness, -1), or (None, index) at the first CHECK
    that fails. InvalidArgument for a malformed program or a hint returning the wrong
    number of values or a value not below r."""
    n, t, code = program.n_wires, program.table, program.code
    initial = bytearray(32 * n)
    for wire, value in inputs.items():
        initial[32 * wire : 32 * wire + 32] = value.to_bytes(32, "little")
    w = ffi.new("zkv_fr[]", max(n, 1))
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(w, bytes(initial), n, bad), f"input wire {bad[0]}")
    pc, status = ffi.new("size_t *"), ffi.new("uint32_t *")
    cap = program.hint_cap
    hint_in = ffi.new("uint8_t[]", 32 * max(cap, 1))
    # The loop runs once per hint (thousands in a ballot): everything it touches is local.
    run, unpack, from_bytes, n_code, code_c = (lib.zkv_witness_run, ffi.unpack, int.from_bytes,
                                               len(code), program.code_c)
    start, n_lcs, wires, coeffs, n_terms = t.start, t.n_lcs, t.wires, t.coeffs, t.n_terms
    rc = run(w, n, code_c, n_code, start, n_lcs, wires, coeffs, n_terms, pc, 0, b"", 0,
             hint_in, cap, status)
    while rc == 0 and status[0] == 1:
        p = pc[0]
        n_in = code[p + 2]
        raw = unpack(hint_in, 32 * n_in)
        values = hint(code[p + 1], [from_bytes(raw[i : i + 32], "little")
                                    for i in range(0, 32 * n_in, 32)])
        try:
            out = values[0].to_bytes(32, "little") if len(values) == 1 else b"".join(
                v.to_bytes(32, "little") for v in values)
        except (OverflowError, AttributeError) as exc:
            raise InvalidArgument("a hint value is not a field element") from exc
        rc = run(w, n, code_c, n_code, start, n_lcs, wires, coeffs, n_terms, pc, 1, out,
                 len(values), hint_in, cap, status)
    check(rc, f"witness program op at word {pc[0]}")
    if status[0] == 2:
        return None, code[pc[0] + 1]
    return fr_ints(w, n), -1
