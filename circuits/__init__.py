"""zkvote.circuits: circuits built in Python as R1CS, with their gadgets (installed from the
top-level circuits/ folder as ``zkvote.circuits``)."""
