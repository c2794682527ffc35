"""The event outbox: what the ingest worker has yet to derive, one entry per stored batch of recorded events.

An entry is written in the same transaction as its events (EventsStore.insert_events) and deleted in the same
transaction as the counters derived from it (EventsStore.derive_pending): an acknowledged event always has its
entry until it is counted, and is counted once. Taking a batch deletes one small document per recorded batch,
where clearing a flag on each event rewrote every index entry of the event (SecantusDB rewrites all the indexes of
an updated document).

Entries are read by `key` (their `_id`, copied) on its own index: SecantusDB plans no `_id` range, and answers a
limit or a sort only after reading every document the filter matches, so every read here is bounded by a `key`
range, never by a limit, and its cost is the range's, not the backlog's.

A recorded batch's entry holds its events packed: one BSON binary (`PACKED`), not an array of documents. The
database decodes a stored document whole for every read, however little the read projects (SecantusDB has no
covered reads), and for every delete; an entry of 100 events as 100 subdocuments cost it a full decode at each of the
worker's reads of it (its keys, then whole, then its keys again in the take) and at its delete, and more at its
insert (docs/performance.md, "Events in: packed outbox entries"). The worker unpacks an entry once, when it
considers it for a take (`unpacked`). Entries written with an `events` array (an older version's, and a decision's
impressions: `counted_insert`) are read as they are.

A decision's impressions travel in an entry alone (`counted_insert`), written in one command with the decision: the
worker counts them and stores nothing (the decision is their record, store/decisions.py). Such an entry holds no
events, only what counting needs (COUNTED: per community the shown items' ids, one per impression, and when they
happened and were received) and how many impressions it holds (SHOWN): ~1.7 KB for a page of 100 instead of ~15 KB,
which its insert, its read and its delete each cost the server, and the worker counts a take's impressions as one
event per item shown (COUNT times), however many pages showed it. An older version flagged
such entries STORE, holding whole events the worker stores in `events` when it takes them: still honoured, so an
upgrade stores and counts what was waiting exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import bson
from bson import Binary, ObjectId
from bson.codec_options import CodecOptions
from pymongo import ASCENDING, InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase

from distribution_service.domain.honeycomb import EventType
from distribution_service.store.base import Doc
from infra.indexes import IndexPlan

# What deriving an event reads: its item's counters and daily bucket, its member's delivery marks, its lag, and
# what its member's last engagements keep (store/member_recent.py: the item snapshot, the dwell).
DERIVE_FIELDS = (
    "_id",
    "community_id",
    "member_id",
    "content_id",
    # A reply's thread: its activity advances the thread's last activity too (store/item_counters.py).
    "thread_id",
    "type",
    "engaged",
    "occurred_at",
    "received_at",
    "tags",
    "author_id",
    "kind",
    "dwell_ms",
)
# An entry an older version flagged so holds whole events that are not in `events` yet: the worker stores them when
# it takes it.
STORE = "store"
IMPRESSION = EventType.IMPRESSION.value
# On a decision's impressions' entry (`counted_insert`): how many impressions it holds, read with the keys, so a
# backlog of impressions alone is known as such without reading the entries whole (`list_through`: `defer_until`).
SHOWN = "shown"
# ... and the impressions themselves: [{community_id, content_ids (one per impression), occurred_at (the latest),
# received_at (the earliest)}], one per community.
COUNTED = "counted"
# On an event `events_of` makes of counted impressions: how many impressions of its item it stands for.
COUNT = "count"
# At most this many events to store (impressions) in one worker transaction, whatever the batch: inserting into
# the indexed `events` is the costly part of a take, and a transaction the server reaps for outliving its lifetime
# (a slot chunk's 1,000 impressions in one did not commit on a loaded machine) would be retried whole forever.
MAX_STORED_PER_TAKE = 250
# At most about this many counter documents (an item's totals with its day, a member's last engagements) updated in
# one worker transaction: SecantusDB rewrites every index of an updated document (~3 ms each on a quiet machine), so
# a take of 1,000 engaged events on 1,000 distinct items (~2,000 updates, ~6 s) would outlive the server's
# transaction lifetime (10 s, infra/database_server.py) and be reaped and retried whole, never committing.
MAX_UPDATES_PER_TAKE = 400
# Impressions weigh nothing toward a take's `max_events` (INGEST_BATCH), at most this many a take instead: counting
# one costs nothing but its item's update, which MAX_UPDATES_PER_TAKE bounds, and a maximum-cost query's 23 pages show
# the same 100 items 23 times. Taken 1,000 events at a time, each of a query's ~2,300 impressions' takes updated the
# same 100 items again: 2-3 takes a query (a helper's throwaway probe of five queries' 11,500 impressions, entries
# still holding whole events: 0.75 s of database CPU in takes of 1,000, 0.16-0.18 s in one). Each entry still costs
# its read and delete, so a take's impressions are bounded too.
MAX_IMPRESSIONS_PER_TAKE = 10_000
# Events per entry: a batch of recordEvents (up to 500) is split so a take can stop between its parts.
EVENTS_PER_ENTRY = 100
# Entries `list_through` reads whole in one command, oldest first, until its take is full.
LIST_READ_KEYS = 50
# A recorded batch's entry: its events as one BSON document {"events": [...]} in a binary field (see the docstring).
PACKED = "packed"
# Below every ObjectId: `key >= FIRST_KEY` is the whole outbox, as an index range.
FIRST_KEY = ObjectId("000000000000000000000000")


def outbox_event(doc: Doc) -> Doc:
    """The part of a stored event the worker derives from."""
    return {field: doc[field] for field in DERIVE_FIELDS if field in doc}


def packed_entry(key: ObjectId, events: list[Doc]) -> Doc:
    """An entry holding these (derive-field) events packed."""
    return {"_id": key, "key": key, PACKED: Binary(bson.encode({"events": events}))}


def unpacked(entry: Doc, codec_options: CodecOptions[Doc]) -> Doc:
    """The entry with its events as a list under `events` (a packed entry decoded, with the collection's codec
    options: aware date-times; any other as it is)."""
    if PACKED not in entry:
        return entry
    events = bson.decode(entry[PACKED], codec_options)["events"]
    return {field: value for field, value in entry.items() if field != PACKED} | {"events": events}


def waiting_events(entry: Doc, codec_options: CodecOptions[Doc]) -> int:
    """How many events an entry (read with its events, PACKED and SHOWN) holds: a recorded batch's, and a
    decision's impressions (SHOWN)."""
    return len(unpacked(entry, codec_options).get("events", ())) + int(entry.get(SHOWN, 0))


def update_keys(entry: Doc) -> set[tuple[str, object]]:
    """The counter documents deriving this entry updates, roughly: each item's (totals and today's bucket) and each
    engaged member's."""
    keys: set[tuple[str, object]] = set()
    for event in events_of([entry]):
        if (content_id := event.get("content_id")) is not None:
            keys.add(("item", content_id))
        if event.get("engaged") and (member_id := event.get("member_id")) is not None:
            keys.add(("member", member_id))
    return keys


def events_of(entries: list[Doc]) -> list[Doc]:
    """The entries' events, their counted impressions (COUNTED) as one event per community and item, its COUNT the
    impressions of the item in all these entries."""
    return [event for entry in entries for event in entry.get("events", ())] + shown_events(entries)


def shown_events(entries: list[Doc]) -> list[Doc]:
    merged: dict[tuple[ObjectId, ObjectId], Doc] = {}
    for entry in entries:
        for group in entry.get(COUNTED, ()):
            community_id, occurred_at, received_at = group["community_id"], group["occurred_at"], group["received_at"]
            for content_id, count in Counter(group["content_ids"]).items():
                event = merged.get((community_id, content_id))
                if event is None:
                    merged[(community_id, content_id)] = {
                        "community_id": community_id,
                        "content_id": content_id,
                        "type": IMPRESSION,
                        "engaged": False,
                        "occurred_at": occurred_at,
                        "received_at": received_at,
                        COUNT: count,
                    }
                else:
                    event[COUNT] += count
                    event["occurred_at"] = max(event["occurred_at"], occurred_at)
                    event["received_at"] = min(event["received_at"], received_at)
    return list(merged.values())


def event_count(events: list[Doc]) -> int:
    """How many events these stand for (`events_of`: an item's counted impressions are one event)."""
    return sum(event.get(COUNT, 1) for event in events)


def shown_groups(events: list[Doc]) -> list[Doc]:
    """Counted impressions as a decision's entry holds them (COUNTED), with the members shown and when (each one's
    latest impression: `member_ids` and `shown_at`, in step), for the shown log (store/shown_log.py)."""
    groups: dict[ObjectId, Doc] = {}
    members: dict[ObjectId, dict[ObjectId, datetime]] = {}
    for event in events:
        received_at = event.get("received_at", event["occurred_at"])
        group = groups.get(event["community_id"])
        if group is None:
            group = groups[event["community_id"]] = {
                "community_id": event["community_id"],
                "content_ids": [],
                "occurred_at": event["occurred_at"],
                "received_at": received_at,
            }
        group["content_ids"].append(event["content_id"])
        group["occurred_at"] = max(group["occurred_at"], event["occurred_at"])
        group["received_at"] = min(group["received_at"], received_at)
        member_id = event.get("member_id")
        if member_id is not None:
            shown = members.setdefault(event["community_id"], {})
            shown[member_id] = max(shown.get(member_id, event["occurred_at"]), event["occurred_at"])
    for community_id, shown in members.items():
        groups[community_id]["member_ids"] = list(shown)
        groups[community_id]["shown_at"] = list(shown.values())
    return list(groups.values())


class Shown(NamedTuple):
    """Who a take's counted impressions were shown to, each with their latest time, by community; and whether some
    named nobody (an entry an older version wrote): the shown log then has a gap (store/shown_log.py)."""

    members: dict[ObjectId, dict[ObjectId, datetime]]
    unnamed: bool


def shown_members(entries: list[Doc]) -> Shown:
    """The members the entries' impressions were shown to: their COUNTED groups' `member_ids` and `shown_at`, and
    any counted impression an entry holds whole (its events name their member)."""
    found: dict[ObjectId, dict[ObjectId, datetime]] = {}
    unnamed = False

    def add(community_id: ObjectId, member_id: ObjectId, at: datetime) -> None:
        shown = found.setdefault(community_id, {})
        if member_id not in shown or at > shown[member_id]:
            shown[member_id] = at

    for entry in entries:
        for group in entry.get(COUNTED, ()):
            member_ids, times = group.get("member_ids"), group.get("shown_at")
            if member_ids is None or times is None or len(member_ids) != len(times):
                unnamed = True
                continue
            for member_id, at in zip(member_ids, times, strict=True):
                add(group["community_id"], member_id, at)
        for event in entry.get("events", ()):
            if counted_impression(event) and event.get("member_id") is not None and "occurred_at" in event:
                add(event["community_id"], event["member_id"], event["occurred_at"])
    return Shown({community_id: shown for community_id, shown in found.items() if shown}, unnamed)


def counted_impression(event: Doc) -> bool:
    return bool(event["type"] == IMPRESSION and not event.get("engaged"))


def impressions_in(entry: Doc) -> int:
    """How many of the entry's events are impressions only counted (not stored by the take: STORE)."""
    if entry.get(STORE):
        return 0
    return int(entry.get(SHOWN, 0)) + sum(1 for event in entry.get("events", ()) if counted_impression(event))


def impressions_only(entry: Doc) -> bool:
    """Whether the entry (its key read with SHOWN) holds decisions' impressions and nothing else
    (`counted_insert`)."""
    return bool(entry.get(SHOWN)) and not entry.get(STORE)


def take_weight(entries: list[Doc]) -> int:
    """What these entries weigh toward a take's `max_events`: their events but the impressions only counted
    (MAX_IMPRESSIONS_PER_TAKE)."""
    return sum(len(entry.get("events", ())) + int(entry.get(SHOWN, 0)) - impressions_in(entry) for entry in entries)


class Pending(NamedTuple):
    """What `list_through` found: the entries of the next take, and whether more are waiting up to its bound (the
    take stopped at a cap, not at the end)."""

    entries: list[Doc]
    more: bool


class Taken(NamedTuple):
    """What `take_through` took: every event to derive, those the worker must also store (impressions), and the
    members its impressions were shown to (`shown_members`)."""

    events: list[Doc]
    to_store: list[Doc]
    shown: Shown


class EventOutboxStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.entries = db["event_outbox"]

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # Every read: entries up to a key, oldest first.
        indexes.add(self.entries, [("key", ASCENDING)], name="key")
        await indexes.create()

    async def add(self, docs: list[Doc], session: Session) -> None:
        """Entries for these just-inserted events, in the caller's transaction (`entries_for`)."""
        await self.entries.insert_many(self.entries_for(docs), ordered=True, session=session)

    def entries_for(self, docs: list[Doc]) -> list[Doc]:
        """The entries of these events: one per EVENTS_PER_ENTRY, so a worker take can stop between the parts of a
        large batch (MAX_UPDATES_PER_TAKE)."""
        return [
            packed_entry(ObjectId(), [outbox_event(d) for d in docs[start : start + EVENTS_PER_ENTRY]])
            for start in range(0, len(docs), EVENTS_PER_ENTRY)
        ]

    def counted_insert(self, docs: list[Doc]) -> InsertOne[Doc]:
        """The insert of one entry holding what the worker counts of these events, which are stored nowhere (a
        decision's impressions): for a client-level bulk write beside the decision they belong to
        (DecisionsStore.insert_decisions), with the same write concern: they are the platform's own record of what
        it showed, not events a client was told are stored."""
        key = ObjectId()
        events = [outbox_event(d) for d in docs]
        entry: Doc = {"_id": key, "key": key, "events": events}
        if events and all(counted_impression(e) and "occurred_at" in e for e in events):
            entry = {"_id": key, "key": key, SHOWN: len(events), COUNTED: shown_groups(events)}
        return InsertOne(entry, namespace=self.entries.full_name)

    async def oldest_time(self) -> datetime | None:
        """When the oldest entry was written (to the second), or None when the outbox is empty. Reads the whole
        outbox: once per worker run, not per batch."""
        cursor = self.entries.find({"key": {"$gte": FIRST_KEY}}, {"key": 1}).sort("key", ASCENDING).limit(1)
        found = [doc async for doc in cursor]
        return found[0]["key"].generation_time if found else None

    async def list_through(self, until: datetime, max_events: int, defer_until: datetime | None = None) -> Pending:
        """The oldest entries written up to `until` (by key), as many as hold about `max_events` events and need
        about MAX_UPDATES_PER_TAKE counter updates (at least one entry); impressions only counted weigh nothing
        toward `max_events` and fill a take at MAX_IMPRESSIONS_PER_TAKE (`take_weight`).

        Only the keys of the whole range are read; entries are read whole LIST_READ_KEYS at a time, oldest first,
        until the take is full: with a backlog (a slot run's impressions) decoding every waiting entry on each
        poll was a tenth of the platform's CPU in a slot run (py-spy).

        `defer_until`: a backlog of decisions' impressions alone, under MAX_IMPRESSIONS_PER_TAKE, whose oldest entry
        was written after it, is left to a later take (nothing is listed), which counts more pages of the same items
        in each item's one update (the ingest worker's IMPRESSIONS_DEFER_SECONDS)."""
        bound = {"key": {"$lte": ObjectId.from_datetime(until)}}
        found = [e async for e in self.entries.find(bound, {"key": 1, SHOWN: 1, STORE: 1, "_id": 0})]
        if defer_until is not None and found and all(impressions_only(e) for e in found):
            oldest = min(e["key"] for e in found).generation_time
            if oldest > defer_until and sum(e[SHOWN] for e in found) < MAX_IMPRESSIONS_PER_TAKE:
                return Pending([], False)
        keys = sorted(e["key"] for e in found)
        taken: list[Doc] = []
        count = to_store = cost = impressions = 0
        updates: set[tuple[str, object]] = set()
        for start in range(0, len(keys), LIST_READ_KEYS):
            part = keys[start : start + LIST_READ_KEYS]
            by_key = {e["key"]: e async for e in self.entries.find({"key": {"$in": part}})}
            for key in part:
                stored = by_key.get(key)
                if stored is None:  # taken by a concurrent worker since the keys were read
                    continue
                # Unpacked only when considered: the entries read past the take's end stay packed.
                entry = unpacked(stored, self.entries.codec_options)
                stores = len(entry["events"]) if entry.get(STORE) else 0
                shown = impressions_in(entry)
                too_many_impressions = impressions + shown > MAX_IMPRESSIONS_PER_TAKE
                new_keys = update_keys(entry) - updates
                # An item costs one update (its totals and its day's bucket in one document), a member one.
                added = len(new_keys)
                too_many_updates = cost + added > MAX_UPDATES_PER_TAKE
                too_many = too_many_updates or too_many_impressions or to_store + stores > MAX_STORED_PER_TAKE
                if taken and (count >= max_events or too_many):
                    return Pending(taken, True)
                taken.append(entry)
                count += take_weight([entry])
                impressions += shown
                to_store += stores
                updates |= new_keys
                cost += added
        return Pending(taken, False)

    async def pending_event_ids(self, session: Session) -> set[ObjectId]:
        """Every event still waiting in the outbox, in the caller's transaction (the member_recent backfill leaves
        them to the worker). Reads the whole outbox: a one-off migration's cost."""
        cursor = self.entries.find({"key": {"$gte": FIRST_KEY}}, {"events._id": 1, PACKED: 1}, session=session)
        codec = self.entries.codec_options
        # A decision's impressions have no `_id`: no member_recent entry is ever made of them.
        return {
            event["_id"]
            async for entry in cursor
            for event in unpacked(entry, codec).get("events", ())
            if "_id" in event
        }

    async def take_through(self, last_key: ObjectId, session: Session, known: Sequence[Doc] = ()) -> Taken:
        """In the caller's transaction: the events of every entry up to `last_key` (and those to store), the entries
        deleted.

        Read and deleted as one key range in the transaction's snapshot: an entry added in the range after the
        snapshot is neither read nor deleted (the next run takes it), and a concurrent worker deleting the same
        entries conflicts, so one transaction is retried and finds them gone. `known`: entries the caller already
        read (`list_through`); an entry is never changed once written, so of those only the keys are read again,
        and only an entry the caller did not read is read whole (the worker's entries were decoded twice, a fifth
        of the gateway's CPU under sustained 100-event batches in a py-spy profile)."""
        in_range = {"key": {"$lte": last_key}}
        by_key = {e["key"]: e for e in known}
        keys = [e["key"] async for e in self.entries.find(in_range, {"key": 1, "_id": 0}, session=session)]
        missing = [k for k in keys if k not in by_key]
        if missing:
            by_key.update({e["key"]: e async for e in self.entries.find({"key": {"$in": missing}}, session=session)})
        codec = self.entries.codec_options
        entries = [unpacked(by_key[k], codec) for k in sorted(keys)]
        if entries:
            await self.entries.delete_many(in_range, session=session)
        return Taken(events_of(entries), events_of([e for e in entries if e.get(STORE)]), shown_members(entries))
