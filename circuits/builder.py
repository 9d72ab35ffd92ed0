"""The circuit-building API: declare inputs and outputs, combine signals, add constraints.

Modelled on gnark's frontend: one object, each method documented by the equation it adds.
Values that cannot be computed by multiplications alone (inverses, bit decompositions) come
from *hints*, which only compute; every hint in this package is immediately followed by the
constraints that pin its outputs down, and :meth:`Circuit.compile` refuses a hint output that
no constraint mentions.

Variables are numbered in creation order while building; :meth:`Circuit.compile` renumbers
them in circom's wire order (the constant 1, outputs, public inputs, private inputs, internal
signals) and returns a :class:`zkvote.snark.r1cs.R1CS` with its
:class:`~circuits.witness.WitnessGenerator`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS, fr_inv
from zkvote.snark.r1cs import R1CS

from .signal import Signal, Terms, combine
from .witness import WitnessGenerator

R = FR_MODULUS
_KIND_ORDER = {"one": 0, "output": 1, "public": 2, "private": 3, "internal": 4}

SignalLike = Signal | int


class Circuit:
    """An R1CS under construction (see the module docstring)."""

    def __init__(self, name: str = "main") -> None:
        self.name = name
        self._kinds: list[str] = ["one"]
        self._names: list[str] = ["one"]
        # Input name -> variable ids (a scalar input is a list of one), in declaration order.
        self._inputs: dict[str, tuple[bool, list[int]]] = {}
        self._output_names: set[str] = set()
        # The witness program: ("mul", var, a, b) | ("lc", var, terms) | ("hint", vars, fn,
        # inputs, scope) | ("check", constraint index), in the order values become known.
        self._ops: list[tuple] = []
        self._constraints: list[tuple[Terms, Terms, Terms]] = []
        self._constraint_info: list[tuple[str, str]] = []  # (scope, what) per constraint
        self._hint_vars: set[int] = set()
        self._computed_vars: set[int] = set()  # mul and hint results: may become outputs
        self._booleans: set[frozenset] = set()
        self._scope: list[str] = []
        self._compiled = False

    # -- declarations ------------------------------------------------------------------

    def public_input(self, name: str) -> Signal:
        """A public input (part of the proof's public values)."""
        return self._input(name, 1, public=True)[0]

    def private_input(self, name: str) -> Signal:
        """A private input (known to the prover only)."""
        return self._input(name, 1, public=False)[0]

    def public_inputs(self, name: str, n: int) -> list[Signal]:
        """An array of n public inputs, given to the witness generator as a list."""
        return self._input(name, n, public=True, array=True)

    def private_inputs(self, name: str, n: int) -> list[Signal]:
        """An array of n private inputs, given to the witness generator as a list."""
        return self._input(name, n, public=False, array=True)

    def output(self, name: str, value: SignalLike) -> Signal:
        """Make ``value`` a public output named ``name``: ``out == value``.

        A product or hint variable not yet exposed becomes the output wire itself (no extra
        constraint); anything else gets a new wire and one linear constraint.
        """
        self._check_open()
        if not isinstance(name, str) or not name or name in self._output_names:
            raise InvalidArgument(f"output name {name!r} is empty, not a str or already used")
        value = self.signal(value)
        var = next(iter(value.terms)) if len(value.terms) == 1 else None
        self._output_names.add(name)
        if (var in self._computed_vars and value.terms[var] == 1
                and self._kinds[var] == "internal"):
            self._kinds[var], self._names[var] = "output", f"{self.name}.{name}"
            return value
        out = self._new_var("output", f"{self.name}.{name}")
        self._ops.append(("lc", out, value.terms))
        result = Signal(self, {out: 1})
        self._constrain({}, {}, combine(value.terms, 1, {out: 1}, R - 1), "output")
        return result

    def constant(self, value: int) -> Signal:
        """The constant ``value`` (mod r) as a signal."""
        return self.signal(value)

    def signal(self, value: SignalLike) -> Signal:
        """``value`` as a signal of this circuit (ints are read mod r)."""
        if isinstance(value, Signal):
            if value.circuit is not self:
                raise InvalidArgument("a signal of another circuit was used")
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            v = value % R
            return Signal(self, {0: v} if v else {})
        raise InvalidEncoding(f"expected a Signal or an int, not {type(value).__name__}")

    # -- arithmetic and assertions -----------------------------------------------------

    def mul(self, a: SignalLike, b: SignalLike) -> Signal:
        """a * b. One constraint ``a * b == w`` for a new variable w, none when a or b is a
        constant."""
        a, b = self.signal(a), self.signal(b)
        for x, y in ((a, b), (b, a)):
            k = x.constant_value()
            if k is not None:
                return y * k
        w = self._new_var("internal", "mul")
        self._computed_vars.add(w)
        self._ops.append(("mul", w, a.terms, b.terms))
        self._constrain(a.terms, b.terms, {w: 1}, "mul")
        return Signal(self, {w: 1})

    def assert_equal(self, a: SignalLike, b: SignalLike) -> None:
        """Constraint ``a - b == 0`` (linear)."""
        self.assert_zero(self.signal(a) - self.signal(b))

    def assert_zero(self, a: SignalLike) -> None:
        """Constraint ``a == 0`` (linear)."""
        self._constrain({}, {}, self.signal(a).terms, "assert_zero")

    def assert_bool(self, a: SignalLike) -> None:
        """Constraint ``a * (a - 1) == 0``; free when ``a`` is already known to be 0 or 1."""
        a = self.signal(a)
        if self.is_boolean(a):
            return
        self._constrain(a.terms, (a - 1).terms, {}, "assert_bool")
        self.mark_boolean(a)

    def assert_product(self, a: SignalLike, b: SignalLike, c: SignalLike) -> None:
        """Constraint ``a * b == c``."""
        a, b, c = self.signal(a), self.signal(b), self.signal(c)
        self._constrain(a.terms, b.terms, c.terms, "assert_product")

    def inverse(self, a: SignalLike) -> Signal:
        """1 / a: a hint and the constraint ``a * inv == 1`` (unsatisfiable when a == 0)."""
        a = self.signal(a)
        k = a.constant_value()
        if k is not None:
            if k == 0:
                raise InvalidArgument("inverse of the constant 0")
            return self.signal(fr_inv(k))
        (inv,) = self.hint(lambda x: fr_inv(x) if x else 0, [a])
        self._constrain(a.terms, inv.terms, {0: 1}, "inverse")
        return inv

    def select(self, b: SignalLike, x: SignalLike, y: SignalLike) -> Signal:
        """x if b == 1 else y: ``b * (x - y) + y``, with ``b`` constrained boolean (one
        constraint for the product, one more unless b is already known boolean)."""
        b = self.signal(b)
        self.assert_bool(b)
        y = self.signal(y)
        return self.mul(b, self.signal(x) - y) + y

    def hint(self, fn: Callable[..., int | Sequence[int]], inputs: Sequence[SignalLike],
             n_outputs: int = 1) -> list[Signal]:
        """New private variables computed by ``fn(*input values)`` at witness time.

        A hint adds NO constraint: the caller must constrain its outputs right away (compile
        refuses an output that no constraint uses). ``fn`` returns an int (one output) or a
        sequence of ``n_outputs`` ints, read mod r.
        """
        if not callable(fn):
            raise InvalidArgument("a hint needs a callable")
        if not isinstance(n_outputs, int) or n_outputs < 1:
            raise InvalidArgument("a hint has at least one output")
        terms = [self.signal(x).terms for x in inputs]
        label = getattr(fn, "__name__", "hint")
        out = [self._new_var("internal", f"hint:{label}") for _ in range(n_outputs)]
        self._hint_vars.update(out)
        self._computed_vars.update(out)
        self._ops.append(("hint", out, fn, terms, self.scope_path()))
        return [Signal(self, {v: 1}) for v in out]

    # -- booleans ----------------------------------------------------------------------

    def is_boolean(self, a: SignalLike) -> bool:
        """Whether constraints already force ``a`` to be 0 or 1 (or it is constant 0/1)."""
        a = self.signal(a)
        k = a.constant_value()
        if k is not None:
            return k in (0, 1)
        return frozenset(a.terms.items()) in self._booleans

    def mark_boolean(self, a: Signal) -> None:
        """Record that existing constraints force ``a`` into {0, 1} so that later boolean
        assertions on it are skipped. For gadgets only, right after such constraints."""
        self._booleans.add(frozenset(self.signal(a).terms.items()))

    # -- scopes and reporting ----------------------------------------------------------

    @contextmanager
    def gadget(self, name: str) -> Iterator[None]:
        """Name scope for the constraints added inside (nested scopes join with '/')."""
        if not isinstance(name, str) or not name or "/" in name:
            raise InvalidArgument(f"gadget name {name!r} must be a non-empty str without '/'")
        self._scope.append(name)
        try:
            yield
        finally:
            self._scope.pop()

    def scope_path(self) -> str:
        """The current gadget path, e.g. ``"merkle/poseidon"`` ('' at top level)."""
        return "/".join(self._scope)

    @property
    def n_constraints(self) -> int:
        """Number of constraints so far."""
        return len(self._constraints)

    def constraint_report(self) -> dict[str, int]:
        """Constraints per gadget path, nested scopes included in their parents' counts
        (``""`` is the whole circuit), in order of first appearance."""
        report = {"": len(self._constraints)}
        for scope, _ in self._constraint_info:
            parts = scope.split("/") if scope else []
            for i in range(1, len(parts) + 1):
                key = "/".join(parts[:i])
                report[key] = report.get(key, 0) + 1
        return report

    # -- compilation -------------------------------------------------------------------

    def compile(self) -> tuple[R1CS, WitnessGenerator]:
        """Freeze the circuit: its R1CS (wires in circom's order) and witness generator.

        Raises InvalidArgument if a hint output appears in no constraint (it would be a free
        variable for a cheating prover).
        """
        self._check_open()
        used: set[int] = set()
        for a, b, c in self._constraints:
            used.update(a)
            used.update(b)
            used.update(c)
        free = sorted(self._hint_vars - used)
        if free:
            raise InvalidArgument(f"hint outputs {[self._names[v] for v in free]} are not "
                                  "constrained")
        self._compiled = True
        order = sorted(range(len(self._kinds)), key=lambda v: (_KIND_ORDER[self._kinds[v]], v))
        wire = [0] * len(order)
        for w, var in enumerate(order):
            wire[var] = w
        counts = {kind: self._kinds.count(kind) for kind in _KIND_ORDER}
        renumber = _Renumbering(wire)
        r1cs = R1CS(
            n_wires=len(order), n_pub_out=counts["output"], n_pub_in=counts["public"],
            n_prv_in=counts["private"], n_labels=len(order),
            constraints=[tuple(renumber(lc) for lc in abc) for abc in self._constraints],
            wire_to_label=list(range(len(order))),
        )
        inputs = {name: (array, [wire[v] for v in vs])
                  for name, (array, vs) in self._inputs.items()}
        generator = WitnessGenerator(
            n_wires=len(order), inputs=inputs, ops=[renumber.op(op) for op in self._ops],
            constraints=r1cs.constraints, constraint_info=list(self._constraint_info),
            wire_names=[self._names[v] for v in order],
        )
        return r1cs, generator

    # -- internals ---------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._compiled:
            raise InvalidArgument("the circuit is compiled; build a new one to change it")

    def _new_var(self, kind: str, name: str) -> int:
        self._check_open()
        self._kinds.append(kind)
        scope = self.scope_path()
        self._names.append(f"{self.name}.{scope}.{name}" if scope else f"{self.name}.{name}")
        return len(self._kinds) - 1

    def _input(self, name: str, n: int, *, public: bool, array: bool = False) -> list[Signal]:
        self._check_open()
        if not isinstance(name, str) or not name or name in self._inputs:
            raise InvalidArgument(f"input name {name!r} is empty, not a str or already used")
        if not isinstance(n, int) or n < 1:
            raise InvalidArgument("an input array has at least one element")
        kind = "public" if public else "private"
        labels = [f"{name}[{i}]" for i in range(n)] if array else [name]
        vs = [self._new_var(kind, label) for label in labels]
        self._inputs[name] = (array, vs)
        return [Signal(self, {v: 1}) for v in vs]

    def _constrain(self, a: Terms, b: Terms, c: Terms, what: str) -> None:
        self._check_open()
        if all(set(lc) <= {0} for lc in (a, b, c)):
            # Constant constraint: decide it now instead of emitting a row.
            if a.get(0, 0) * b.get(0, 0) % R != c.get(0, 0):
                raise InvalidArgument(f"{what} in '{self.scope_path()}' can never hold")
            return
        self._ops.append(("check", len(self._constraints)))
        self._constraints.append((a, b, c))
        self._constraint_info.append((self.scope_path(), what))


class _Renumbering:
    """Linear combinations in wire numbering, each source dict converted once: an op and
    the constraint it pins down (``mul``: a, b) then share one dict, which the witness
    program stores once (one row of its linear-combination table)."""

    def __init__(self, wire: list[int]) -> None:
        self._wire = wire
        self._done: dict[int, tuple[Terms, dict[int, int]]] = {}

    def __call__(self, lc: Terms) -> dict[int, int]:
        hit = self._done.get(id(lc))
        if hit is not None and hit[0] is lc:
            return hit[1]
        out = dict(sorted((self._wire[v], c) for v, c in lc.items()))
        self._done[id(lc)] = (lc, out)  # keeps lc alive, so its id is not reused
        return out

    def op(self, op: tuple) -> tuple:
        kind, wire = op[0], self._wire
        if kind == "mul":
            return ("mul", wire[op[1]], self(op[2]), self(op[3]))
        if kind == "lc":
            return ("lc", wire[op[1]], self(op[2]))
        if kind == "hint":
            return ("hint", [wire[v] for v in op[1]], op[2], [self(t) for t in op[3]], op[4])
        return op
