"""Concurrent decisions of a cold process read the items' facts once: they wait for the first reader instead of
each reading and vectorising the same items (a stampede that, pinned to one core, took feeds from ~13/s to <1/s)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from distribution_service.service.feature_inputs import FeatureInputs
from tests.factories import Api, create_community, publish, register


class CountingContent:
    """The real content client, counting its lookups."""

    def __init__(self, content: Any) -> None:
        self.content = content
        self.lookups = 0

    async def lookup(self, *args: Any, **kwargs: Any) -> Any:
        self.lookups += 1
        return await self.content.lookup(*args, **kwargs)


async def test_eight_concurrent_cold_reads_of_the_same_items_ask_content_once(api: Api) -> None:
    cid = await create_community(api, "demo")
    author = await register(api, "demo", "ann")
    items = [await publish(api, author, f"Piece {n}", tags=["chains"]) for n in range(3)]
    assert api.app is not None
    distribution = api.app.state.services.apps["distribution"].state.service
    content = CountingContent(api.app.state.services.content)
    inputs = FeatureInputs(distribution.store, content)  # type: ignore[arg-type]
    # when
    answers = await asyncio.gather(*(inputs.items(ObjectId(cid), items) for _ in range(8)))
    # then
    assert content.lookups == 1
    assert all(answer.keys() == set(items) for answer in answers)
    assert {answer[items[0]].tags for answer in answers} == {("chains",)}


async def test_an_engaged_item_content_no_longer_has_keeps_its_events_snapshot_cold_and_warm(api: Api) -> None:
    cid = await create_community(api, "demo")
    author = await register(api, "demo", "ann")
    kept = await publish(api, author, "Kept", tags=["chains"])
    assert api.app is not None
    distribution = api.app.state.services.apps["distribution"].state.service
    content = CountingContent(api.app.state.services.content)
    inputs = FeatureInputs(distribution.store, content)  # type: ignore[arg-type]
    gone = str(ObjectId())  # an item content does not know (deleted): only the event's snapshot tells of it
    now = datetime.now(UTC)
    events = [
        {
            "content_id": ObjectId(gone),
            "type": "SHARE",
            "occurred_at": now - timedelta(hours=1),
            "tags": ["old"],
            "author_id": "bob",
            "kind": "PGC",
        },
        {
            "content_id": ObjectId(kept),
            "type": "OPEN",
            "occurred_at": now - timedelta(hours=2),
            "tags": ["stale"],
            "author_id": "x",
            "kind": "UGC",
        },
    ]
    # when: a cold process (the facts read, the snapshot taken for the unknown item), then a warm one (cached)
    cold = (await inputs.engagements(ObjectId(cid), {"m": events}, now))["m"]
    warm = (await inputs.engagements(ObjectId(cid), {"m": events}, now))["m"]
    # then: oldest first; the known item as content knows it, the unknown one as its snapshot knew it
    for engaged in (cold, warm):
        assert list(engaged.tags) == [("chains",), ("old",)]
        assert list(engaged.author_ids) == [author.id, "bob"]
        assert list(engaged.kinds) == ["UGC", "PGC"]
    assert content.lookups == 1
