"""What distribution's store-level tests share: the store on a scratch database, its indexes made."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from distribution_service.store import DistributionStore
from tests.query_plans import plan_probe


@pytest.fixture
async def store(mongo_uri: str) -> AsyncIterator[DistributionStore]:
    async with plan_probe(mongo_uri) as probe:
        store = DistributionStore(probe.db)
        await store.ensure_indexes()
        yield store
