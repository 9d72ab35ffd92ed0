"""Witness generation for a compiled circuit.

The generator replays the circuit's program in the order it was built: products and hints
compute new wires, and each constraint is checked as soon as it is added, so that a bad input
is reported at the first constraint it breaks, with that constraint's gadget path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidInput
from zkvote.field import FR_MODULUS
from zkvote.snark.r1cs import UnsatisfiedConstraint
from zkvote.validate import check_int, check_range

from .signal import evaluate

R = FR_MODULUS


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
        w = [0] * self.n_wires
        w[0] = 1
        for name, (array, wires) in self._inputs.items():
            if name not in inputs:
                raise InvalidArgument(f"missing circuit input {name!r}")
            for wire, value in zip(wires, _input_values(name, inputs[name], array, len(wires)),
                                   strict=True):
                w[wire] = value
        for op in self._ops:
            kind = op[0]
            if kind == "check":
                self._check(op[1], w)
            elif kind == "mul":
                w[op[1]] = evaluate(op[2], w) * evaluate(op[3], w) % R
            elif kind == "lc":
                w[op[1]] = evaluate(op[2], w)
            else:
                _run_hint(op, w)
        return w

    def _check(self, index: int, w: list[int]) -> None:
        a, b, c = self._constraints[index]
        if evaluate(a, w) * evaluate(b, w) % R != evaluate(c, w):
            scope, what = self._info[index]
            where = f"gadget '{scope}'" if scope else "the top level"
            error = UnsatisfiedConstraint(
                index, f"constraint {index} ({what}) in {where} is not satisfied")
            error.scope = scope
            raise error


def _input_values(name: str, value: object, array: bool, n: int) -> list[int]:
    if array:
        if not isinstance(value, list | tuple):
            raise InvalidEncoding(f"input {name!r} must be a list of {n} field elements")
        if len(value) != n:
            raise InvalidArgument(f"input {name!r} has {len(value)} elements, expected {n}")
        return [check_range(v, R, f"input {name!r}") for v in value]
    return [check_range(value, R, f"input {name!r}")]


def _run_hint(op: tuple, w: list[int]) -> None:
    _, outs, fn, terms, scope = op
    label = getattr(fn, "__name__", "hint")
    try:
        result = fn(*(evaluate(t, w) for t in terms))
    except Exception as exc:  # a hint is user code: report where it ran
        raise HintFailed(f"hint {label} in '{scope}' raised {exc!r}") from exc
    values = [result] if len(outs) == 1 and not isinstance(result, list | tuple) else result
    if not isinstance(values, list | tuple) or len(values) != len(outs):
        raise HintFailed(f"hint {label} in '{scope}' must return {len(outs)} ints")
    for wire, value in zip(outs, values, strict=True):
        try:
            w[wire] = check_int(value, f"hint {label} output") % R
        except InvalidEncoding as exc:
            raise HintFailed(f"hint {label} in '{scope}' returned a non-int") from exc
