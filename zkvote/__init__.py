"""zkvote: zero-knowledge private voting for self-governing communities."""

__version__ = "0.1.0"
