"""`find_in` reads a lookup of more keys than one chunk holds, whole, and only in the community it is scoped to;
by `_id`, with the server asked by `_id` alone."""

from __future__ import annotations

import uuid
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient, monitoring

from infra.lookups import IN_CHUNK, find_in
from infra.mongo import create_mongo_client
from users_service.store.members import MembersStore


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


class _Finds(monitoring.CommandListener):
    """The filters of the find commands a client sends."""

    def __init__(self) -> None:
        self.filters: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.filters.append(dict(event.command["filter"]))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_find_in_by_id_asks_the_server_by_id_alone_and_keeps_the_scope(mongo_uri: str) -> None:
    """By `_id`, the server is sent `{_id: {$in}}` alone (its index; with the community beside it SecantusDB scans
    the collection) and the community is checked on what it answers: another community's documents never come
    back, a projection gets what it asked for and no more, and the members store's caller read is scoped too."""
    finds = _Finds()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri, event_listeners=[finds])
    db = client[f"t{uuid.uuid4().hex[:12]}_lookups"]
    try:
        ours, theirs = ObjectId(), ObjectId()
        mine = [{"_id": ObjectId(), "community_id": ours, "n": n, "x": "a"} for n in range(IN_CHUNK + 3)]
        other = [{"_id": ObjectId(), "community_id": theirs, "n": n, "x": "b"} for n in range(4)]
        await db.items.insert_many([*mine, *other])
        asked = [d["_id"] for d in [*mine, *other]] + [ObjectId()]
        finds.filters.clear()
        found = [doc async for doc in find_in(db.items, {"community_id": ours}, "_id", asked)]
        assert sorted(doc["n"] for doc in found) == list(range(IN_CHUNK + 3))
        assert {doc["community_id"] for doc in found} == {ours}
        assert len(finds.filters) == 2
        assert all(list(f) == ["_id"] and list(f["_id"]) == ["$in"] for f in finds.filters)
        # An inclusion projection without the community: checked all the same, and not handed back.
        projected = [doc async for doc in find_in(db.items, {"community_id": ours}, "_id", asked, projection={"n": 1})]
        assert sorted(doc["n"] for doc in projected) == list(range(IN_CHUNK + 3))
        assert all(set(doc) == {"_id", "n"} for doc in projected)
        # An exclusion that leaves the community readable: scoped; one that hides it: the server filters, as before.
        excluded = [doc async for doc in find_in(db.items, {"community_id": ours}, "_id", asked, projection={"x": 0})]
        assert {doc["community_id"] for doc in excluded} == {ours}
        assert all("x" not in doc for doc in excluded)
        hidden = [
            doc async for doc in find_in(db.items, {"community_id": ours}, "_id", asked, projection={"community_id": 0})
        ]
        assert sorted(doc["n"] for doc in hidden) == list(range(IN_CHUNK + 3))
        # The caller behind a request (users_service's members store) is read by `_id` alone, in its community.
        members = MembersStore(db)
        member_id = ObjectId()
        await db.members.insert_one({"_id": member_id, "community_id": theirs, "handle": "t", "display_name": "T"})
        finds.filters.clear()
        assert await members.list_by_ids(ours, [member_id]) == {}
        assert finds.filters == [{"_id": {"$in": [member_id]}}]
    finally:
        await client.drop_database(db.name)
        await client.close()
