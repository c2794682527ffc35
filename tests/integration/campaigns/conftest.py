"""Campaign tests fire claim storms: limits high enough for them (limits have tests of their own)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from infra.settings import Settings


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(
        rate_limit_per_address="100000/minute",
        query_cost_per_member="10000000/minute",
        query_cost_per_address="10000000/minute",
    )
