"""Gadgets: reusable sub-circuits, one family a module, each safe by default (it constrains
the preconditions it relies on) with explicit ``unchecked_*`` variants for callers that have
already established them."""
