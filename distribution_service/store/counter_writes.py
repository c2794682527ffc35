"""Counter writes in the ingest worker's transaction: updates by `_id`, inserts for new keys.

An upsert filtered on a counter's key (community, item[, day]) costs SecantusDB a secondary-index lookup per
statement, about twice an update by `_id`. So the keys' `_id`s are read once (one `$in` read on the unique index)
and each counter is updated by `_id`, or inserted whole when new. In a transaction the read and the writes share one
snapshot: a concurrent transaction bumping the same counter conflicts and one is retried, and one inserting the same
new key fails the unique index, aborting the whole batch (it stays in the outbox for the next run).
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection

from distribution_service.store.base import Doc

# A counter's key beside its community: (content_id,) for item_stats, (content_id, day) for item_daily.
Key = tuple[Any, ...]


async def bump_by_id(
    collection: AsyncCollection[Doc],
    community_id: ObjectId,
    key_fields: tuple[str, ...],
    rows: dict[Key, tuple[Doc, Doc]],
    session: Session,
) -> None:
    """Per key: its update (existing counter) and its whole new document (new key); one read, one bulk write.
    `key_fields` start with content_id, the unique index's field after community_id."""
    if not rows:
        return
    contents = list({key[0] for key in rows})
    cursor = collection.find(
        {"community_id": community_id, "content_id": {"$in": contents}},
        projection=dict.fromkeys(key_fields, 1),
        session=session,
    )
    existing = {tuple(d[f] for f in key_fields): d["_id"] async for d in cursor}
    writes: list[InsertOne[Doc] | UpdateOne] = [
        UpdateOne({"_id": existing[key]}, update) if key in existing else InsertOne(fresh)
        for key, (update, fresh) in rows.items()
    ]
    await collection.bulk_write(writes, ordered=False, session=session)
