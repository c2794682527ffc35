"""The one-off re-keying of item_stats: documents an older version keyed by an ObjectId (found by `(community_id,
content_id)` on the unique index `community_content_unique`) get the `_id` "<community id>:<content id>" the
counters are now found by (store/item_counters.py), and each item is listed under its community
(store/community_items.py); then the unique index is dropped (RETIRED_INDEXES).

Each batch is one transaction: its documents are read again, deleted and inserted under their new `_id`, with their
listing, so a crash midway leaves every document under exactly one `_id` and the next start goes on from there.
Processes starting together conflict on the same documents: the loser's transaction is retried and finds them
re-keyed. The unique index stays until every document is re-keyed, so nothing can create a second document for an
item meanwhile. A replica of the older version still counting after the upgrade is not supported (a new item's
document it creates would be keyed by an ObjectId, unseen): stop such replicas first (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.errors import OperationFailure

from distribution_service.store.base import Doc
from distribution_service.store.community_items import item_key
from distribution_service.store.item_counters import ItemCountersStore

# Documents re-keyed per transaction.
REKEY_BATCH = 500
# item_stats' index an older version created; documents are found by `_id` now.
RETIRED_INDEXES = ("community_content_unique",)
# The server's answer to dropping an index that is not there (another process starting alongside dropped it).
INDEX_NOT_FOUND = 27
# The documents still keyed by an ObjectId.
OLD_KEYED: Doc = {"_id": {"$type": "objectId"}}

Transact = Callable[[Callable[[Session], Awaitable[None]]], Awaitable[None]]


async def rekey_item_stats(counters: ItemCountersStore, run_transaction: Transact) -> int:
    """Re-key every document still keyed by an ObjectId, REKEY_BATCH per transaction; how many this call re-keyed."""
    stats = counters.item_stats
    rekeyed = 0
    while True:
        batch = [doc["_id"] async for doc in stats.find(OLD_KEYED, projection={"_id": 1}).limit(REKEY_BATCH)]
        if not batch:
            return rekeyed
        moved = 0

        async def rekey(session: Session, ids: list[ObjectId] = batch) -> None:
            nonlocal moved
            docs = [doc async for doc in stats.find({"_id": {"$in": ids}}, session=session)]
            moved = len(docs)
            if not docs:
                return  # another process re-keyed them first
            await stats.delete_many({"_id": {"$in": [doc["_id"] for doc in docs]}}, session=session)
            await stats.insert_many(
                [doc | {"_id": item_key(doc["community_id"], doc["content_id"])} for doc in docs], session=session
            )
            by_community: dict[ObjectId, list[ObjectId]] = {}
            for doc in docs:
                by_community.setdefault(doc["community_id"], []).append(doc["content_id"])
            for community_id, content_ids in by_community.items():
                await counters.listed.add(community_id, content_ids, session)

        await run_transaction(rekey)
        rekeyed += moved


async def drop_retired_indexes(counters: ItemCountersStore) -> None:
    """Drop item_stats' older unique index, where it is still there (once every document is re-keyed)."""
    existing = await counters.item_stats.index_information()
    for name in RETIRED_INDEXES:
        if name in existing:
            try:
                await counters.item_stats.drop_index(name)
            except OperationFailure as exc:
                if exc.code != INDEX_NOT_FOUND:
                    raise
