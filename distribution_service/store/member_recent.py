"""Each member's last engagements, kept by the ingest worker: one small document per (community, member).

A feed and a slot run rank a member from their last RANKING_HISTORY_LIMIT engagement events (features and the items
left out as seen). Read from `events`, that costs the member's recent activity: SecantusDB fetches every event an
index range matches before it sorts and limits. Here they are one document with a deterministic `_id`, read by a
point lookup (a slot run: `_id` `$in`, one read per batch of members), whatever the member's history.

Written in the worker's derive transaction (EventsStore.derive_pending), with the outbox entries' delete: an event
is pushed once, or not at all if the transaction aborts. `$push` with `$each`, `$sort` (newest first) and `$slice`
keeps the last RECENT_KEPT, so events derived out of order (imports, late SDK batches) land in their place. A feed
sees its member's own last events after the ingest lag (one worker run, about 1-2 s under load).

The document also mirrors the member's follows and blocks (`relations`, store/relations_mirror.py), rewritten in a
transaction with every change of them: a feed reads what the member engaged with, follows and blocks in this one
point lookup, where it read the two relation collections besides.

Members with no document yet (events stored before this version, not yet backfilled) are read from `events`
(EventsStore.list_last_engagements): the caller falls back per member. The backfill (`seed`) merges by event `_id`,
so running it twice, or beside the worker, repeats no event.

The entries are stored packed: one BSON binary (`packed`, {"events": [...]}), which the database stores and reads
back as bytes, not an array of subdocuments. A push reads the members' documents in the worker's transaction, merges
in the client and writes the packed entries back (`$set`): SecantusDB copies a document whole (`copy.deepcopy`) for
every update and sorted a `$push`'s array with its own comparisons, so a push into a 100-entry array cost ~1.5-2 ms
of its CPU whatever it pushed, and under events from many members (each take a push per distinct member: about one
per `recordEvent`) that was the largest part of an event's database CPU (docs/performance.md, "Events from many
members on many items"). A document an older version wrote (an `events` array) is read as before and rewritten
packed by its next write; entries in both (an older worker pushing meanwhile) are merged by `_id`. A push whose
events are all newer than the newest kept one (the usual case) is merged as bytes, the kept entries copied undecoded
(store/packed_recent.py, `merged`); any other push is merged by `_id` and date.

What the writers guarantee, so that a read does no more than slice: `events` is newest first (every `$push` sorts
the whole array, `seed` writes it sorted), and no event is in it twice (the worker pushes an event in the
transaction that deletes its outbox entry, an import pushes only what it inserted, `seed` merges by `_id`). One
race can still repeat one: an import's push landing after the one-off backfill read the same events; a reader
checks the `_id`s (a set of at most RECENT_KEPT) and only then sorts and dedupes.

Reads decode dates as milliseconds (bson `DatetimeMS`): a feed turns each `occurred_at` into epoch seconds, which
costs ~6x less from an integer than from a timezone-aware datetime, and so does the decode.

A feed's read (one member) goes in a group (`GroupedReads`), as its decision's write does: the first is sent at once;
the feeds that ask while it is on the wire go together in the next read, one `_id` `$in`, each member's document
decoded once. Every feed's read is sent after it asked (never an answer read before), so a feed sees what it would
have seen alone; each command saved is the client's and the server's cost of a round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import bson
from bson import ObjectId
from bson.binary import Binary
from bson.codec_options import CodecOptions, DatetimeConversion
from bson.raw_bson import RawBSONDocument
from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.domain.honeycomb import EventType
from distribution_service.store.base import HISTORY_FIELDS, Doc
from distribution_service.store.decoded_docs import DecodedDocs, raw_id
from distribution_service.store.packed_recent import prepended
from infra.lookups import find_in
from infra.moments import as_utc

# Engagements kept per member: training's HISTORY_LIMIT (ranking/member_features.py; a test holds them equal).
RECENT_KEPT = 100
# Members read per `_id` `$in` query: SecantusDB matches each document it fetches against
# every `$in` value, so a read's server CPU grows with the square of its size (benchmarks/slot_commands.py: an `$in`
# of 200 finding 200 documents costs ~2.7x four reads of 50).
READ_BATCH = 50
# The member's follows and blocks as author ObjectIds: {"follows": [...], "blocks": [...]} (store/relations_mirror.py).
RELATIONS = "relations"
# What an entry keeps of an event: what member features and the seen-item rule read, and `_id` (to merge by).
ENTRY_FIELDS = ("_id", *(f for f in HISTORY_FIELDS if f != "member_id"))
# The entries, newest first, as one BSON binary {"events": [...]} (module docstring); `events`: an older version's
# array of the same entries.
PACKED = "packed"
EVENTS = "events"
# What a writer reads of a document to merge into it.
STORED = {PACKED: 1, EVENTS: 1}


def recent_id(community_id: ObjectId, member_id: ObjectId) -> str:
    """The document's `_id`, which names the community: a point lookup scoped by the community, with no other
    field in the filter."""
    return f"{community_id}:{member_id}"


def entry(doc: Doc) -> Doc:
    return {f: doc[f] for f in ENTRY_FIELDS if f in doc}


def _when(entry_doc: Doc) -> Any:
    """An entry's date as a sort key: a datetime (naive: UTC) or bson `DatetimeMS` (the reads' codec)."""
    at = entry_doc["occurred_at"]
    if isinstance(at, datetime):
        return as_utc(at)
    return datetime.fromtimestamp(int(at) / 1000, UTC)


def newest_first(entries: list[Doc], limit: int) -> list[Doc]:
    """Entries without a repeated event `_id`, newest first, at most `limit`."""
    unique = list({e["_id"]: e for e in entries}.values())
    unique.sort(key=_when, reverse=True)
    return unique[:limit]


def pack(entries: list[Doc]) -> Binary:
    """Entries (newest first) as the document's `packed` field."""
    return Binary(bson.encode({EVENTS: entries}))


def stored_entries(doc: Doc, codec_options: CodecOptions[Any]) -> list[Doc]:
    """A document's entries as its writers left them: newest first and unique when one writer wrote them (packed,
    or an older version's array); merged when both are there (an older worker pushed into a packed document)."""
    packed = doc.get(PACKED)
    events: list[Doc] = list(doc.get(EVENTS) or [])
    if packed is None:
        return events
    unpacked: list[Doc] = bson.decode(bytes(packed), codec_options)[EVENTS]
    if not events:
        return unpacked
    return newest_first([*unpacked, *events], max(RECENT_KEPT, len(unpacked)))


def merged(stored: Doc | None, pushed: list[Doc], codec_options: CodecOptions[Any]) -> Binary:
    """A document's packed entries with these pushed (newest RECENT_KEPT, each event once): as bytes when every
    pushed one is newer than the newest kept (store/packed_recent.py), else decoded, merged by `_id` and date."""
    newest = newest_first(pushed, RECENT_KEPT)
    if stored is not None and EVENTS not in stored and stored.get(PACKED) is not None:
        fast = prepended(bytes(stored[PACKED]), newest, RECENT_KEPT, codec_options, _when)
        if fast is not None:
            return fast
    kept = stored_entries(stored, codec_options) if stored is not None else []
    return pack(newest_first([*newest, *kept], RECENT_KEPT))


def stored_newest_first(entries: list[Doc], limit: int) -> list[Doc]:
    """A stored document's entries, newest first, at most `limit`: as stored (the writers keep them sorted and
    unique, see the module's docstring), unless an event `_id` repeats."""
    if len({e["_id"] for e in entries}) == len(entries):
        return entries[:limit]
    return newest_first(entries, limit)


def newest_pushed(docs: list[Doc]) -> list[Doc]:
    """Of one member's events in a push, those that can be kept: the newest RECENT_KEPT (the push's `$sort` and
    `$slice` keep no more of the pushed ones, whatever the document holds). A member's recordEvents batch of 500
    engagements, or a take of several, sent the server every one to copy, sort with its own comparisons and drop."""
    if len(docs) <= RECENT_KEPT:
        return docs
    return sorted(docs, key=lambda d: d["occurred_at"], reverse=True)[:RECENT_KEPT]


def _id_of(doc: Any) -> Any:
    return doc["_id"]


def _raw_id_of(doc: RawBSONDocument) -> Any:
    return raw_id(doc.raw)


class GroupedReads:
    """Point lookups by `_id`, one read in flight: the keys asked while it is on the wire go in the next read
    together (`_id` `$in`, READ_BATCH keys at most; a key asked twice is read once). Each caller gets `copy` of the
    document (a shallow copy: its own; None: none), or the read's error. A collection read as raw BSON gives each
    caller the same immutable `RawBSONDocument` (`copy` the identity, `key_of` its `_id` read from the bytes)."""

    def __init__(
        self,
        reads: AsyncCollection[Any],
        *,
        max_keys: int = READ_BATCH,
        copy: Callable[[Any], Any] = dict,
        key_of: Callable[[Any], Any] = _id_of,
    ) -> None:
        self.reads = reads
        self.max_keys = max_keys
        self.copy = copy
        self.key_of = key_of
        self._queue: dict[str, list[asyncio.Future[Any]]] = {}
        self._running: asyncio.Task[None] | None = None
        # Commands sent and keys asked (tests and benchmarks read how far groups formed).
        self.commands = 0
        self.asked = 0

    async def read(self, key: str) -> Any:
        loop = asyncio.get_running_loop()
        running = self._running
        if running is not None and (running.done() or running.get_loop() is not loop):
            # A drain left by a loop that has closed (a process's services restarted): its waiters went with it.
            self._queue = {
                k: alive
                for k, waiters in self._queue.items()
                if (alive := [w for w in waiters if w.get_loop() is loop])
            }
            running = self._running = None
        done: asyncio.Future[Any] = loop.create_future()
        self._queue.setdefault(key, []).append(done)
        self.asked += 1
        if running is None:
            self._running = asyncio.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        try:
            while self._queue:
                keys = list(self._queue)[: self.max_keys]
                group = {k: self._queue.pop(k) for k in keys}
                try:
                    docs = await self._fetch(keys)
                except Exception as error:  # noqa: BLE001 - every waiter gets the read's own error
                    for waiters in group.values():
                        for w in waiters:
                            if not w.done():
                                w.set_exception(error)
                                w.exception()  # retrieved: a cancelled caller no longer awaits it
                    continue
                for key, waiters in group.items():
                    doc = docs.get(key)
                    for w in waiters:
                        if not w.done():
                            w.set_result(None if doc is None else self.copy(doc))
        finally:
            self._running = None

    async def _fetch(self, keys: list[str]) -> dict[str, Any]:
        self.commands += 1
        if len(keys) == 1:
            one = await self.reads.find_one({"_id": keys[0]})
            return {} if one is None else {keys[0]: one}
        return {self.key_of(doc): doc async for doc in self.reads.find({"_id": {"$in": keys}})}


class MemberRecentStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.docs = db["member_recent"]
        # What `list_recent` reads through: dates as milliseconds (see the module's docstring).
        self.reads = self.docs.with_options(
            codec_options=self.docs.codec_options.with_options(datetime_conversion=DatetimeConversion.DATETIME_MS)
        )
        # One member's reads (feeds), grouped while one is on the wire, as raw BSON: decoded once per content
        # (`decoded`: a member's repeated feeds decode their unchanged document once).
        raw = self.docs.with_options(codec_options=CodecOptions(document_class=RawBSONDocument))
        self.grouped = GroupedReads(raw, copy=_same, key_of=_raw_id_of)
        self.decoded = DecodedDocs(self.reads.codec_options)

    async def ensure_indexes(self) -> None:
        """Only `_id` is read (point lookups): no secondary index, so each push rewrites one index entry."""

    async def push(self, events: list[Doc], session: Session | None) -> None:
        """Add these stored events (engagements naming a member) to their members' documents, in the caller's
        transaction (imports, without one: in a transaction of their own): the members' documents read (`_id`
        `$in`, READ_BATCH a read), merged here (newest RECENT_KEPT, each event once) and written back packed, one
        update per member, in one command."""
        by_member: dict[tuple[ObjectId, ObjectId], list[Doc]] = {}
        for doc in events:
            if doc.get("engaged", doc["type"] != EventType.IMPRESSION.value) and doc.get("member_id") is not None:
                by_member.setdefault((doc["community_id"], doc["member_id"]), []).append(doc)
        if not by_member:
            return
        pushed = {
            recent_id(cid, mid): [entry(doc) for doc in newest_pushed(docs)] for (cid, mid), docs in by_member.items()
        }
        members = {recent_id(cid, mid): (cid, mid) for cid, mid in by_member}

        async def write(session: Session) -> None:
            found = {
                doc["_id"]: doc
                async for doc in find_in(
                    self.docs, {}, "_id", list(pushed), projection=STORED, chunk=READ_BATCH, session=session
                )
            }
            now = datetime.now(UTC)
            writes = []
            for key, mine in pushed.items():
                stored = found.get(key)
                update: Doc = {
                    "$set": {PACKED: merged(stored, mine, self.docs.codec_options), "updated_at": now},
                    "$setOnInsert": {"community_id": members[key][0], "member_id": members[key][1]},
                }
                if stored is not None and EVENTS in stored:
                    update["$unset"] = {EVENTS: ""}
                writes.append(UpdateOne({"_id": key}, update, upsert=True))
            await self.docs.bulk_write(writes, ordered=False, session=session)

        if session is not None:
            await write(session)
            return
        async with self.docs.database.client.start_session() as own:
            await own.with_transaction(write)

    async def set_relations(
        self,
        community_id: ObjectId,
        member_id: ObjectId,
        follows: list[ObjectId],
        blocks: list[ObjectId],
        session: Session | None,
    ) -> None:
        """The member's mirrored follows and blocks, replaced whole (the caller read them in its transaction)."""
        await self.docs.update_one(
            {"_id": recent_id(community_id, member_id)},
            {
                "$set": {RELATIONS: {"follows": follows, "blocks": blocks}},
                "$setOnInsert": {"community_id": community_id, "member_id": member_id},
            },
            upsert=True,
            session=session,
        )

    async def seed(self, community_id: ObjectId, histories: dict[ObjectId, list[Doc]], session: Session) -> None:
        """The backfill of members' documents from their events read from `events`, merged by event `_id` with
        what the worker already pushed, in the caller's transaction (a concurrent push conflicts and retries)."""
        ids = {recent_id(community_id, mid): mid for mid in histories}
        cursor = self.docs.find({"_id": {"$in": list(ids)}}, STORED, session=session)
        pushed = {doc["_id"]: stored_entries(doc, self.docs.codec_options) async for doc in cursor}
        now = datetime.now(UTC)
        writes = [
            UpdateOne(
                {"_id": key},
                {
                    "$set": {
                        "community_id": community_id,
                        "member_id": mid,
                        PACKED: pack(newest_first([*pushed.get(key, []), *map(entry, histories[mid])], RECENT_KEPT)),
                        "updated_at": now,
                    },
                    "$unset": {EVENTS: ""},
                },
                upsert=True,
            )
            for key, mid in ids.items()
        ]
        if writes:
            await self.docs.bulk_write(writes, ordered=False, session=session)

    async def list_recent(self, community_id: ObjectId, member_ids: list[ObjectId], *, limit: int) -> dict[str, Doc]:
        """Members' documents by member id (members with none are absent): each `events` list newest first, at most
        `limit`, each event carrying its `member_id` as a read from `events` does, and `relations` if mirrored.
        Dates are bson `DatetimeMS` (milliseconds since the epoch). `_id` `$in`, READ_BATCH a read
        (infra.lookups.find_in); one member (a feed): one `_id` equality, or its share of a grouped read
        (`GroupedReads`) when other feeds' reads are on the wire."""
        keys = [recent_id(community_id, m) for m in member_ids]
        # Scoped by the community through the `_id` itself: SecantusDB scans the collection for `_id` `$in` beside
        # any other field.
        if len(keys) == 1:
            one = await self.grouped.read(keys[0])
            if one is None:
                return {}
            # Decoded and completed once per content of the document: every feed of the member until it changes
            # shares the entries (read-only, as feeds in one grouped read always shared them), each with its own
            # document and `events` list.
            codec = self.reads.codec_options
            doc = self.decoded.get(keys[0], bytes(one.raw), lambda decoded: _completed(decoded, limit, codec), limit)
            return {str(doc["member_id"]): {**doc, "events": list(doc["events"])}}
        found: dict[str, Doc] = {}
        async for doc in find_in(self.reads, {}, "_id", keys, chunk=READ_BATCH):
            # Freshly decoded: completed in place rather than copied.
            found[str(doc["member_id"])] = _completed(doc, limit, self.reads.codec_options)
        return found


def _same(doc: Any) -> Any:
    return doc


def _completed(doc: Doc, limit: int, codec_options: CodecOptions[Any]) -> Doc:
    """A freshly decoded document as `list_recent` answers it: its `events` (unpacked) newest first, at most
    `limit`, each carrying the document's `member_id`."""
    mid = doc["member_id"]
    events = stored_newest_first(stored_entries(doc, codec_options), limit)
    doc.pop(PACKED, None)
    for e in events:
        e["member_id"] = mid
    doc["events"] = events
    return doc
