"""Concurrent decisions of a cold process read the items' facts once: they wait for the first reader instead of
each reading and vectorising the same items (a stampede that, pinned to one core, took feeds from ~13/s to <1/s)."""

from __future__ import annotations

import asyncio
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
