"""Shared pytest options."""
from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        default=False,
        help="rewrite fixtures/*/expected.yaml from what glmlint reports instead of asserting "
             "(review the diff like a snapshot)",
    )


@pytest.fixture()
def update_fixtures(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-fixtures"))


# Hypothesis profiles: `ci` (the default) keeps the property tests bounded; `fuzz` is
# the long run documented in docs/robustness.md (HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_properties.py).
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import HealthCheck, settings

    slow = [HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=slow)
    settings.register_profile("fuzz", max_examples=20_000, deadline=None, suppress_health_check=slow)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_hypothesis_profiles()
