"""Client event ids, each stored once per community: what makes recording (and importing) an event idempotent.

An event with a client id is stored under an `_id` derived from it (`keyed_id`: the first 12 bytes of the SHA-256
of "<community id>:<client event id>", as an ObjectId), so the `_id` index that every collection has refuses a
replay: no key document, no index of its own. Before, each such event had a key document (`event_keys`, `_id`
"<community id>:<client event id>", naming its event) written first in the event's transaction: an insert per keyed
event, 2.1-3.1 ms of the server's CPU per 100 (docs/performance.md, "Events from many members: the client id in
the event's `_id`"). Those documents, and any the one-off backfill of an older database writes
(EventMigrations.backfill_event_keys), stay the record of the events they name: while a database has any (`legacy`,
read once per process), each write reads the keys it stores there first, in its transaction, and refuses one found.

An event's `_id` no longer says when it was stored (its ObjectId's time is part of a hash): `received_at` does.
Whose write stored a keyed event is its `write` field (an ObjectId per `insert_events` call): a write run again after
a lost reply finds its own events under their ids and tells them from another caller's replay by it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import NamedTuple

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from distribution_service.store.base import DUPLICATE_KEY, Doc

ClientKey = tuple[ObjectId, str]
# Events whose client ids the one-off backfill writes per insert.
BACKFILL_BATCH = 5000
# A keyed event's field naming the write that stored it (module docstring).
WRITE = "write"


class Stored(NamedTuple):
    """A stored client id: its event's `_id`, and the write that stored it (None: a key document's event)."""

    event_id: ObjectId
    write: ObjectId | None


def client_key(doc: Doc) -> ClientKey | None:
    key = doc.get("client_event_id")
    return (doc["community_id"], key) if isinstance(key, str) else None


def key_id(key: ClientKey) -> str:
    """A key document's `_id`: an ObjectId's hex holds no colon, so the community ends at the first one."""
    return f"{key[0]}:{key[1]}"


def keyed_id(key: ClientKey) -> ObjectId:
    """The `_id` of the event stored under this client id: 96 bits of a hash (a collision is as likely as two
    random ObjectIds' in the same second)."""
    return ObjectId(hashlib.sha256(key_id(key).encode()).digest()[:12])


def assign_ids(docs: Iterable[Doc], write: ObjectId) -> None:
    """Each event's `_id` (keyed: `keyed_id`, with `write`; else a fresh ObjectId, unless it has one)."""
    for doc in docs:
        key = client_key(doc)
        if key is None:
            doc.setdefault("_id", ObjectId())
        else:
            doc["_id"] = keyed_id(key)
            doc[WRITE] = write


def not_stored(docs: list[Doc], stored: dict[ClientKey, Stored], write: ObjectId) -> tuple[list[Doc], list[int]]:
    """Of these events (their ids assigned by `write`), those to store (no client id, or one not stored), and the
    positions of the others: a client id stored by another write, or repeated in the batch. An id stored by this
    very write (our own commit whose reply was lost) is neither."""
    fresh: list[Doc] = []
    refused: list[int] = []
    seen: set[ClientKey] = set()
    for n, doc in enumerate(docs):
        key = client_key(doc)
        if key is None:
            fresh.append(doc)
        elif key in stored:
            if stored[key].write != write:
                refused.append(n)
        elif key in seen:
            refused.append(n)
        else:
            seen.add(key)
            fresh.append(doc)
    return fresh, refused


class EventKeysStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.events = db["events"]
        # Key documents: an older version's record of its keyed events (module docstring).
        self.keys = db["event_keys"]
        # Whether this database has any key document; None until read.
        self._legacy: bool | None = None

    async def legacy(self, *, again: bool = False) -> bool:
        """Whether this database has key documents (read once; `again`: read anew, after the backfill)."""
        if self._legacy is None or again:
            self._legacy = await self.keys.find_one({}, {"_id": 1}) is not None
        return self._legacy

    async def stored(self, keys: Iterable[ClientKey], session: Session | None = None) -> dict[ClientKey, Stored]:
        """Each of these client ids that is stored: its event's `_id` and write. One read of `events` by `_id`, and
        one of the key documents while the database has any."""
        wanted = {keyed_id(key): key for key in keys}
        if not wanted:
            return {}
        cursor = self.events.find({"_id": {"$in": list(wanted)}}, {WRITE: 1}, session=session)
        found = {wanted[doc["_id"]]: Stored(doc["_id"], doc.get(WRITE)) async for doc in cursor}
        if await self.legacy():
            found.update(await self.legacy_stored(wanted.values(), session))
        return found

    async def legacy_stored(self, keys: Iterable[ClientKey], session: Session | None = None) -> dict[ClientKey, Stored]:
        """The key documents' events among these client ids (none read when the database has no key document)."""
        wanted = {key_id(key): key for key in keys}
        if not wanted or not await self.legacy():
            return {}
        cursor = self.keys.find({"_id": {"$in": list(wanted)}}, session=session)
        return {wanted[doc["_id"]]: Stored(doc["event_id"], None) async for doc in cursor}

    async def refuse_legacy(self, docs: list[Doc], session: Session) -> None:
        """In the events' transaction: BulkWriteError (a duplicate key, as the insert would raise it) if any of
        these events' client ids has a key document."""
        found = await self.legacy_stored((k for d in docs if (k := client_key(d)) is not None), session)
        if found:
            errors = [{"code": DUPLICATE_KEY, "errmsg": f"client event id stored: {key[1]}"} for key in found]
            raise BulkWriteError({"writeErrors": errors})

    async def backfill(self, events: AsyncCollection[Doc]) -> None:
        """A key document for every event an older version stored with a client id under a unique index (events
        this version stores carry it in their `_id`): one scan of `events`. Safe to repeat or to run beside another
        process: a key already there is left as it is."""
        batch: list[Doc] = []
        query = {"client_event_id": {"$type": "string"}}
        fields = {"community_id": 1, "client_event_id": 1}
        async for doc in events.find(query, fields).batch_size(BACKFILL_BATCH):
            batch.append(doc)
            if len(batch) >= BACKFILL_BATCH:
                await self._insert_new(self._docs_for(batch))
                batch = []
        await self._insert_new(self._docs_for(batch))

    @staticmethod
    def _docs_for(events: Iterable[Doc]) -> list[Doc]:
        return [{"_id": key_id(key), "event_id": doc["_id"]} for doc in events if (key := client_key(doc)) is not None]

    async def _insert_new(self, docs: list[Doc]) -> None:
        if not docs:
            return
        try:
            await self.keys.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
