"""Which items of a community have counters: one small document per item (`_id` its item_stats key), written once,
when the item's item_stats document is created; what a community-wide read of the counters (the tag shares' total
engagement per item) finds the community's item_stats documents by.

Why not an index on item_stats itself: item_stats is updated once per item in every take of the ingest worker, and
SecantusDB re-reads every index definition of a collection for each updated document and rewrites its entries, on
top of planning the update by that index: an update found by a string `_id` in a collection without a secondary
index costs 0.12-0.16 ms of server CPU against 0.31-0.37 ms by `(community_id, content_id)` on its unique index
(`python -m benchmarks.index_options`). This collection is written only for an item's first counted event, so its
index costs next to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.store.base import Doc
from infra.indexes import IndexPlan


def item_key(community_id: ObjectId, content_id: ObjectId) -> str:
    """An item's item_stats `_id` (and its community_items `_id`): an ObjectId's hex holds no colon."""
    return f"{community_id}:{content_id}"


class CommunityItemsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.docs = db["community_items"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # list_keys: a community's items (written once per item, so the index costs its first event only).
        indexes.add(self.docs, [("community_id", ASCENDING)], name="community_id")
        await indexes.create()

    async def add(
        self, community_id: ObjectId, content_ids: Iterable[ObjectId], session: Session | None = None
    ) -> None:
        """List these items under their community; an item listed already is left as it is (an upsert that sets
        nothing but on insert), so a repeat changes nothing."""
        writes = [
            UpdateOne(
                {"_id": item_key(community_id, content_id)},
                {"$setOnInsert": {"community_id": community_id, "content_id": content_id}},
                upsert=True,
            )
            for content_id in content_ids
        ]
        if writes:
            await self.docs.bulk_write(writes, ordered=False, session=session)

    async def list_keys(self, community_id: ObjectId) -> list[str]:
        """The item_stats keys of every item of the community with counters (on `community_id`)."""
        cursor = self.docs.find({"community_id": community_id}, projection={"_id": 1})
        return [doc["_id"] async for doc in cursor]
