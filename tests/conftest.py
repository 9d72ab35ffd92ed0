"""Suite-wide settings.

Tests marked ``@pytest.mark.slow`` (big MSMs, many reference pairings, instruction-count
checks) are deselected for a quick local run unless ZKVOTE_SLOW=1 (``scripts/test.sh --all``).
CI (CI=true) runs them too: together they take a few minutes. Cases too heavy even for CI
belong in benchmarks/, not in the suite.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ZKVOTE_SLOW") == "1" or os.environ.get("CI") == "true":
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
