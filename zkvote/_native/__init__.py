"""Native backend: thin wrappers over the cffi-compiled C core. Only ``lib.py`` imports it."""
