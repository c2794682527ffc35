"""`find_in` reads a lookup of more keys than one chunk holds, whole, and only in the community it is scoped to."""

from __future__ import annotations

import uuid
from typing import Any

from bson import ObjectId

from infra.lookups import IN_CHUNK, find_in
from infra.mongo import create_mongo_client


async def test_find_in_reads_every_chunk_and_keeps_the_scope(mongo_uri: str) -> None:
    client = create_mongo_client(mongo_uri, app_name="test-lookups")
    db = client[f"t{uuid.uuid4().hex[:12]}_lookups"]
    try:
        ours, theirs = ObjectId(), ObjectId()
        keys = [f"k{i}" for i in range(2 * IN_CHUNK + 5)]
        docs: list[dict[str, Any]] = [{"community_id": ours, "key": k} for k in keys]
        docs += [{"community_id": theirs, "key": k} for k in keys[:10]]
        await db.items.insert_many(docs)
        found = [doc async for doc in find_in(db.items, {"community_id": ours}, "key", [*keys, "absent"])]
        assert sorted(doc["key"] for doc in found) == sorted(keys)
        assert {doc["community_id"] for doc in found} == {ours}
    finally:
        await client.drop_database(db.name)
        await client.close()
