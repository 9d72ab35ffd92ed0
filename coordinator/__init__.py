"""The zkvote coordinator: a FastAPI service that runs polls for a community.

It keeps member groups (registrar), publishes polls and orchestrates the trustees' key
generation, accepts anonymous ballots (proof verified, nullifier policy enforced, appended to
the bulletin board in one durable transaction, answered with a signed receipt), serves the
board with inclusion and consistency proofs, collects the trustees' partial decryptions and
publishes the tally and the election record. docs/coordinator.md describes the API.

Installed as ``zkvote.coordinator`` (the source folder is the top-level ``coordinator/``).
Nothing in the core library imports this package: it is the only place FastAPI is used.
"""

from .settings import Settings, settings_for_data_dir

__all__ = ["Settings", "create_app", "settings_for_data_dir"]


def create_app(settings: Settings):  # noqa: ANN201 - FastAPI is imported lazily
    """The FastAPI application for ``settings`` (see :func:`zkvote.coordinator.app.create_app`)."""
    from .app import create_app as _create

    return _create(settings)
