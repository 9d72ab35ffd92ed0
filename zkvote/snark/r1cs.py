"""Rank-1 constraint systems over the BN254 scalar field, in circom's wire layout.

A constraint says ``(A·w) * (B·w) == C·w`` where ``w`` is the witness and A, B, C are sparse
linear combinations. Wires are numbered as circom numbers them: wire 0 is the constant 1, then
the public outputs, the public inputs, the private inputs and finally the internal signals, so
the public values of a proof are ``witness[1 : 1 + n_public]``.
"""

from dataclasses import dataclass, field

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding, InvalidInput
from zkvote.field import FR_MODULUS
from zkvote.validate import check_int

LC = dict[int, int]
"""A linear combination: wire index -> coefficient in [1, r) (zero terms are omitted). Its
insertion order is the term order of the .r1cs file it came from or goes to."""

Constraint = tuple[LC, LC, LC]


class UnsatisfiedConstraint(InvalidInput):
    """A witness violates a constraint; ``index`` is the first failing constraint."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class R1CS:
    """A constraint system and its wire layout.

    ``n_wires`` counts every wire including wire 0 (the constant 1). ``n_labels`` is the
    number of signals of the circuit before circom's optimiser dropped some of them;
    ``wire_to_label`` (optional, length ``n_wires``) maps each wire to that signal's label.
    Construction validates the whole structure (InvalidArgument for inconsistent counts,
    InvalidEncoding for bad types or wire indices, FieldRangeError for coefficients not in
    [0, r) or a zero coefficient stored explicitly) so that a value of this type is always
    well-formed.
    """

    n_wires: int
    n_pub_out: int
    n_pub_in: int
    n_prv_in: int
    n_labels: int
    constraints: list[Constraint]
    prime: int = FR_MODULUS
    wire_to_label: list[int] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.prime != FR_MODULUS:
            raise InvalidArgument("only the BN254 scalar field (r) is supported")
        for name in ("n_wires", "n_pub_out", "n_pub_in", "n_prv_in", "n_labels"):
            if check_int(getattr(self, name), name) < 0:
                raise InvalidArgument(f"{name} must be non-negative")
        if self.n_wires < 1 + self.n_public + self.n_prv_in:
            raise InvalidArgument("n_wires must cover the constant wire and every input/output")
        if not isinstance(self.constraints, list):
            raise InvalidEncoding("constraints must be a list")
        for index, constraint in enumerate(self.constraints):
            _check_constraint(constraint, self.n_wires, index)
        if self.wire_to_label is not None:
            if not isinstance(self.wire_to_label, list) or len(self.wire_to_label) != self.n_wires:
                raise InvalidEncoding("wire_to_label must be a list of n_wires labels")
            for label in self.wire_to_label:
                if not 0 <= check_int(label, "label") < self.n_labels:
                    raise InvalidEncoding("a wire label must be below n_labels")

    @property
    def n_public(self) -> int:
        """Number of public values of a proof (outputs, then public inputs)."""
        return self.n_pub_out + self.n_pub_in

    @property
    def n_constraints(self) -> int:
        """Number of constraints."""
        return len(self.constraints)

    def check_witness(self, witness: list[int]) -> None:
        """Raise unless ``witness`` satisfies every constraint.

        InvalidEncoding when it is not a list of ``n_wires`` ints or witness[0] != 1,
        FieldRangeError for a value outside [0, r), UnsatisfiedConstraint (naming the first
        failing constraint) when a constraint does not hold.
        """
        if not isinstance(witness, list | tuple) or len(witness) != self.n_wires:
            raise InvalidEncoding(f"the witness must be a list of {self.n_wires} ints")
        for i, value in enumerate(witness):
            if not 0 <= check_int(value, "a witness value") < FR_MODULUS:
                raise FieldRangeError(f"witness[{i}] must satisfy 0 <= value < r")
        if witness[0] != 1:
            raise InvalidEncoding("witness[0] (the constant wire) must be 1")
        for index, (a, b, c) in enumerate(self.constraints):
            left = _evaluate(a, witness) * _evaluate(b, witness) % FR_MODULUS
            if left != _evaluate(c, witness):
                raise UnsatisfiedConstraint(index, f"constraint {index} is not satisfied")

    def is_satisfied(self, witness: list[int]) -> bool:
        """True iff ``witness`` satisfies every constraint; malformed witnesses raise as in
        :meth:`check_witness`."""
        try:
            self.check_witness(witness)
        except UnsatisfiedConstraint:
            return False
        return True


def _evaluate(lc: LC, witness: list[int]) -> int:
    return sum(coeff * witness[wire] for wire, coeff in lc.items()) % FR_MODULUS


def _check_constraint(constraint: object, n_wires: int, index: int) -> None:
    if not isinstance(constraint, tuple) or len(constraint) != 3:
        raise InvalidEncoding(f"constraint {index} must be a tuple (A, B, C)")
    for lc in constraint:
        if not isinstance(lc, dict):
            raise InvalidEncoding(f"constraint {index}: a linear combination must be a dict")
        for wire, coeff in lc.items():
            if not 0 <= check_int(wire, "a wire index") < n_wires:
                raise InvalidEncoding(f"constraint {index}: wire {wire} is not below n_wires")
            if not 0 < check_int(coeff, "a coefficient") < FR_MODULUS:
                raise FieldRangeError(f"constraint {index}: coefficient must be in [1, r)")
