"""What distribution's store-level tests share: the store on a scratch database, its indexes made."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from distribution_service.store import DistributionStore
from tests.query_plans import plan_probe


@pytest.fixture
async def store(mongo_uri: str) -> AsyncIterator[DistributionStore]:
    async with plan_probe(mongo_uri) as probe:
        store = DistributionStore(probe.db)
        await store.ensure_indexes()
        yield store


@pytest.fixture
def first_commit_reply_lost(store: DistributionStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The events store's first transaction commits, then its reply is lost (AutoReconnect); later ones answer.
    The list counts the transactions run."""
    real = store.events.run_transaction
    calls: list[int] = []

    async def lost_reply(callback: Any, **options: Any) -> None:
        calls.append(1)
        await real(callback, **options)
        if len(calls) == 1:
            raise AutoReconnect("reply lost after the commit")

    monkeypatch.setattr(store.events, "run_transaction", lost_reply)
    return calls
