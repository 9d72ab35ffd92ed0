"""Only here because cffi's `cffi_modules` hook is a setup() keyword; metadata is in pyproject."""

from setuptools import setup

setup(cffi_modules=["native/build_native.py:ffibuilder"])
