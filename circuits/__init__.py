"""zkvote.circuits: circuits built in Python as R1CS, with their gadgets (installed from the
top-level circuits/ folder as ``zkvote.circuits``).

Build with :class:`Circuit`, compile to a :class:`zkvote.snark.r1cs.R1CS` and a
:class:`WitnessGenerator`; gadgets live in ``zkvote.circuits.gadgets``.
"""

from .builder import Circuit
from .signal import Signal
from .witness import HintFailed, WitnessGenerator

__all__ = ["Circuit", "HintFailed", "Signal", "WitnessGenerator"]
