"""Client event ids, each stored once per community: what makes recording (and importing) an event idempotent.

A key document's `_id` is "<community id>:<client event id>" and it names its event (`event_id`); it is written in
the transaction that stores the event, first, so a client id already stored aborts that transaction before any event
is written. Why not a unique index on `events`, as before: SecantusDB re-reads and decodes the definition of every
index of a collection three times for each document inserted into it (unique check, geo pre-flight, index writes),
so each index of `events` costs every stored event, whether the event has a client id or not; a key document costs
only the events that have one, and its `_id` needs no index of its own (docs/performance.md, "Events in: the
oplog and the client ids").
"""

from __future__ import annotations

from collections.abc import Iterable

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from distribution_service.store.base import DUPLICATE_KEY, Doc

ClientKey = tuple[ObjectId, str]
# Events whose client ids the one-off backfill writes per insert.
BACKFILL_BATCH = 5000


def client_key(doc: Doc) -> ClientKey | None:
    key = doc.get("client_event_id")
    return (doc["community_id"], key) if isinstance(key, str) else None


def key_id(key: ClientKey) -> str:
    """The key document's `_id`: an ObjectId's hex holds no colon, so the community ends at the first one."""
    return f"{key[0]}:{key[1]}"


def not_stored(docs: list[Doc], stored: dict[ClientKey, ObjectId]) -> tuple[list[Doc], list[int]]:
    """Of these events (their `_id`s chosen), those to store (no client id, or one not stored), and the positions
    of the others: a client id stored for another event, or repeated in the batch. An id stored for this very event
    (our own commit whose reply was lost) is neither."""
    fresh: list[Doc] = []
    refused: list[int] = []
    seen: set[ClientKey] = set()
    for n, doc in enumerate(docs):
        key = client_key(doc)
        if key is None:
            fresh.append(doc)
        elif key in stored:
            if stored[key] != doc["_id"]:
                refused.append(n)
        elif key in seen:
            refused.append(n)
        else:
            seen.add(key)
            fresh.append(doc)
    return fresh, refused


class EventKeysStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.keys = db["event_keys"]

    def docs_for(self, events: Iterable[Doc]) -> list[Doc]:
        """The key documents of these events (those with a client id), to insert before them."""
        return [{"_id": key_id(key), "event_id": doc["_id"]} for doc in events if (key := client_key(doc)) is not None]

    async def stored(self, keys: Iterable[ClientKey], session: Session | None = None) -> dict[ClientKey, ObjectId]:
        """The stored event `_id` of each of these client ids that is stored: one read, by `_id`."""
        wanted = {key_id(key): key for key in keys}
        if not wanted:
            return {}
        cursor = self.keys.find({"_id": {"$in": list(wanted)}}, session=session)
        return {wanted[doc["_id"]]: doc["event_id"] async for doc in cursor}

    async def backfill(self, events: AsyncCollection[Doc]) -> None:
        """A key document for every stored event with a client id (events an older version stored, idempotent on
        its unique index): one scan of `events`. Safe to repeat or to run beside another process: a key already
        there is left as it is."""
        batch: list[Doc] = []
        query = {"client_event_id": {"$type": "string"}}
        fields = {"community_id": 1, "client_event_id": 1}
        async for doc in events.find(query, fields).batch_size(BACKFILL_BATCH):
            batch.append(doc)
            if len(batch) >= BACKFILL_BATCH:
                await self._insert_new(self.docs_for(batch))
                batch = []
        await self._insert_new(self.docs_for(batch))

    async def _insert_new(self, docs: list[Doc]) -> None:
        if not docs:
            return
        try:
            await self.keys.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
