"""Witness generation for a compiled circuit.

The generator replays the circuit's program in the order it was built: products and hints
compute new wires, and each constraint is checked as soon as it is added, so that a bad input
is reported at the first constraint it breaks, with that constraint's gadget path.

The program is compiled once (per backend, on first use) into the flat op list of
``zkv_witness_run`` (native/zkv.h): every linear combination becomes a row of one table, and
the backend runs the products, linear combinations and checks, handing control back to
Python only for hints. The reference backend runs the same program in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zkvote.backend import current, impl
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidInput
from zkvote.field import FR_MODULUS
from zkvote.snark.r1cs import UnsatisfiedConstraint
from zkvote.validate import check_int, check_range

R = FR_MODULUS
# Op codes of the witness program (native/zkv.h, zkv_witness_run).
_MUL, _LC, _HINT, _CHECK = 0, 1, 2, 3


class HintFailed(InvalidInput):
    """A hint raised or returned something other than its declared number of ints."""


class WitnessGenerator:
    """Computes the full witness (a list of ``n_wires`` ints) of one compiled circuit.

    Built by :meth:`circuits.builder.Circuit.compile`; not meant to be constructed by hand.
    ``wire_names[i]`` names wire i (for error messages and debugging).
    """

    def __init__(self, *, n_wires: int, inputs: dict[str, tuple[bool, list[int]]],
                 ops: list[tuple], constraints: list, constraint_info: list[tuple[str, str]],
                 wire_names: list[str]) -> None:
        self.n_wires = n_wires
        self.wire_names = wire_names
        self._inputs = inputs
        self._ops = ops
        self._constraints = constraints
        self._info = constraint_info
        self._programs: dict[str, object] = {}
        self._hints: list[tuple] = []

    @property
    def input_names(self) -> list[str]:
        """The names :meth:`generate` expects, in declaration order."""
        return list(self._inputs)

    def generate(self, inputs: Mapping[str, int | Sequence[int]]) -> list[int]:
        """The witness for ``inputs`` (name -> field element, or a list for an array input).

        Raises InvalidArgument for a missing or unknown input name or a wrong array length,
        InvalidEncoding for a value of the wrong type, FieldRangeError for a value outside
        [0, r), HintFailed when a hint fails, and UnsatisfiedConstraint (its ``index`` the
        constraint's row in the R1CS, its message naming the gadget path) at the first
        constraint the values break.
        """
        if not isinstance(inputs, Mapping):
            raise InvalidEncoding(f"inputs must be a mapping, not {type(inputs).__name__}")
        unknown = sorted(set(inputs) - set(self._inputs), key=str)
        if unknown:
            raise InvalidArgument(f"unknown circuit inputs: {unknown}")
        assigned: dict[int, int] = {}
        for name, (array, wires) in self._inputs.items():
            if name not in inputs:
                raise InvalidArgument(f"missing circuit input {name!r}")
            for wire, value in zip(wires, _input_values(name, inputs[name], array, len(wires)),
                                   strict=True):
                assigned[wire] = value
        assigned[0] = 1
        backend = current()
        witness, failed = impl("groth16", backend).witness_run(
            self._program(backend), assigned, self._run_hint)
        if witness is None:
            raise self._unsatisfied(failed)
        return witness

    def _program(self, backend: str) -> object:
        program = self._programs.get(backend)
        if program is None:
            code, lcs, self._hints = _compile_program(self._ops, self._constraints)
            program = impl("groth16", backend).witness_program(code, lcs, self.n_wires)
            self._programs[backend] = program
        return program

    def _unsatisfied(self, index: int) -> UnsatisfiedConstraint:
        scope, what = self._info[index]
        where = f"gadget '{scope}'" if scope else "the top level"
        error = UnsatisfiedConstraint(
            index, f"constraint {index} ({what}) in {where} is not satisfied")
        error.scope = scope
        return error

    def _run_hint(self, hint_id: int, args: list[int]) -> list[int]:
        n_out, fn, scope = self._hints[hint_id]
        try:
            result = fn(*args)
        except Exception as exc:  # a hint is user code: report where it ran
            label = getattr(fn, "__name__", "hint")
            raise HintFailed(f"hint {label} in '{scope}' raised {exc!r}") from exc
        if n_out == 1 and type(result) is int:  # the common case, as check_int would take it
            return [result % R]
        label = getattr(fn, "__name__", "hint")
        values = [result] if n_out == 1 and not isinstance(result, list | tuple) else result
        if not isinstance(values, list | tuple) or len(values) != n_out:
            raise HintFailed(f"hint {label} in '{scope}' must return {n_out} ints")
        try:
            return [check_int(value, f"hint {label} output") % R for value in values]
        except InvalidEncoding as exc:
            raise HintFailed(f"hint {label} in '{scope}' returned a non-int") from exc


def _compile_program(ops: list[tuple], constraints: list) -> tuple[list[int], list, list]:
    """(code words, linear combinations, hints) of the program: each distinct LC object
    becomes one table row (the builder shares the dict of an op and its constraint)."""
    lcs: list = []
    index: dict[int, int] = {}

    def lc(terms: dict) -> int:
        k = index.get(id(terms))
        if k is None:
            k = index[id(terms)] = len(lcs)
            lcs.append(terms)
        return k

    code: list[int] = []
    hints: list[tuple] = []
    for op in ops:
        kind = op[0]
        if kind == "check":
            a, b, c = constraints[op[1]]
            code += (_CHECK, op[1], lc(a), lc(b), lc(c))
        elif kind == "mul":
            code += (_MUL, op[1], lc(op[2]), lc(op[3]))
        elif kind == "lc":
            code += (_LC, op[1], lc(op[2]))
        else:
            _, outs, fn, terms, scope = op
            code += (_HINT, len(hints), len(terms), *map(lc, terms), len(outs), *outs)
            hints.append((len(outs), fn, scope))
    return code, lcs, hints


def _input_values(name: str, value: object, array: bool, n: int) -> list[int]:
    if array:
        if not isinstance(value, list | tuple):
            raise InvalidEncoding(f"input {name!r} must be a list of {n} field elements")
        if len(value) != n:
            raise InvalidArgument(f"input {name!r} has {len(value)} elements, expected {n}")
        return [check_range(v, R, f"input {name!r}") for v in value]
    return [check_range(value, R, f"input {name!r}")]
