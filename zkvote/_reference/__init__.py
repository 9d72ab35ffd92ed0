"""Reference backend: pure Python (gmpy2 integers, py_ecc curves). Slow; used to check the
native core and as an independent implementation for verifiers."""
