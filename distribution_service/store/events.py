"""Events and imported signals; the item counters derived from events are `store/item_counters.py`, reached
through `EventsStore.counters`; the one-off migrations of older databases are `store/event_migrations.py`.

A recorded event is stored together with its outbox entry (store/event_outbox.py), in one transaction; one with a
client id under an `_id` derived from it (store/event_keys.py). The ingest worker (service/ingest_worker.py) derives
the counters from the outbox in batches. Imported events are counted as they are imported (service/importing.py)
and have no outbox entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, InsertOne, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ClientBulkWriteException,
    NetworkTimeout,
    OperationFailure,
)

from distribution_service.store.base import DUPLICATE_KEY, HISTORY_FIELDS, Doc, mark_engaged
from distribution_service.store.client_inserts import insert_all
from distribution_service.store.community_activity import CommunityActivityStore
from distribution_service.store.event_keys import ClientKey, EventKeysStore, assign_ids, client_key, not_stored
from distribution_service.store.event_migrations import RETIRED_INDEXES, EventMigrations
from distribution_service.store.event_outbox import EventOutboxStore, Pending
from distribution_service.store.grouped_writes import GroupedWrites, GroupRefused
from distribution_service.store.item_counters import ItemCountersStore
from distribution_service.store.member_activity import MemberActivityReads
from distribution_service.store.member_recent import RECENT_KEPT, MemberRecentStore
from distribution_service.store.shown_log import ShownLogStore
from infra.bulk import insert_many_reporting
from infra.indexes import IndexPlan
from infra.mongo import JournalBarrier

# Recorded events are acknowledged once committed and journaled.
JOURNALED = WriteConcern(w=1, j=True)

# At most this many events in one grouped transaction (a recordEvents batch may hold 500): about what a take of the
# ingest worker holds, so a group's transaction stays as short as one large batch's.
GROUP_MAX_EVENTS = 500
# Why an imported event was refused (infra/bulk.py's shape: the fields of what refused it).
IMPORT_KEY_FIELDS = "community_id,client_event_id"
# An import refused for ids another import stored meanwhile reads the stored ids again, at most this many times.
IMPORT_ATTEMPTS = 3
# The server's answer to dropping an index that is not there (another process starting alongside dropped it).
INDEX_NOT_FOUND = 27


class EventsStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.events = db["events"]
        # What the ingest worker has yet to derive: written and taken in the events' and counters' transactions.
        self.outbox = EventOutboxStore(db)
        # Each stored client event id (its idempotency), written in the events' transactions.
        self.keys = EventKeysStore(db)
        # Each member's last engagements, pushed by the worker in the same transactions as the counters.
        self.recent = MemberRecentStore(db)
        # The items' counters (totals and daily buckets), bumped by the worker in the same transactions.
        self.counters = ItemCountersStore(db)
        # Each community's latest event time (the slot scheduler's active communities), moved in the same too.
        self.activity = CommunityActivityStore(db)
        # Who decisions' counted impressions were shown to, logged in the same transactions (the slot reach's reads).
        self.shown_log = ShownLogStore(db)
        self.add_to_item_stats = self.counters.add
        self.list_item_stats = self.counters.list_item_stats
        self.sum_recent_engagement = self.counters.sum_recent_engagement
        self.sum_engagement_windows = self.counters.sum_engagement_windows
        self.list_item_engagement = self.counters.list_item_engagement
        # Members' activity over time windows (the health figures and activity list), read from the events.
        self.member_activity = MemberActivityReads(self.events)
        # Imported events that name no member (votes): they count for items' popularity only.
        self.item_signals = db["item_signals"]
        # The one-off data migrations of older databases (store/event_migrations.py).
        self.migrate = EventMigrations(self, db["migrations"])
        self.barrier = JournalBarrier(db)
        # Concurrent recorders' events stored in one transaction (store/grouped_writes.py), then, on a server whose
        # journaled commit returns before its log is synced, one journal barrier for the group (its callers hear of
        # it once the barrier passed); a group refused for a duplicate is stored again caller by caller.
        self.grouped = GroupedWrites(
            self._transact, max_docs=GROUP_MAX_EVENTS, refusals=(BulkWriteError,), after=self.barrier.after_commit
        )
        # member_recent_complete's answer once true (a done migration is never undone).
        self._recent_complete = False

    async def ensure_indexes(self) -> None:
        indexes = IndexPlan()
        # A client event id is recorded once per community by its event's `_id` (store/event_keys.py), not by an
        # index here: every index of `events` costs every stored event (docs/performance.md, "Events in").
        # list_members_engagement: members' engagement events (`engaged` equality, `$in` on member).
        indexes.add(
            self.events,
            [
                ("community_id", ASCENDING),
                ("engaged", ASCENDING),
                ("member_id", ASCENDING),
                ("occurred_at", DESCENDING),
            ],
            name="community_engaged_member_occurred_at",
        )
        # aggregate_activity_by_member, list_events_between: a community's events over a time window.
        indexes.add(
            self.events, [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        # list_item_signals_between (training): imported anonymous signals over a window.
        indexes.add(
            self.item_signals, [("community_id", ASCENDING), ("occurred_at", ASCENDING)], name="community_occurred_at"
        )
        # insert_item_signals: the import's idempotency, one signal per key in a community.
        indexes.add(
            self.item_signals,
            [("community_id", ASCENDING), ("client_event_id", ASCENDING)],
            unique=True,
            name="community_key_unique",
        )
        await indexes.create()
        await self.counters.ensure_indexes()
        await self.outbox.ensure_indexes()
        await self.recent.ensure_indexes()
        await self.activity.ensure_indexes()
        await self.shown_log.ensure_indexes()
        # Data migrations of older databases, once the indexes they read are there.
        await self.migrate.run_all()
        # Whether the backfill (or an older version) left key documents to read beside the events' `_id`s.
        await self.keys.legacy(again=True)
        existing = await self.events.index_information()
        for name in RETIRED_INDEXES:
            if name in existing:
                try:
                    await self.events.drop_index(name)
                except OperationFailure as exc:
                    # Processes starting together both list it; the one that drops it second finds it gone.
                    if exc.code != INDEX_NOT_FOUND:
                        raise

    async def insert_events(self, docs: list[Doc]) -> list[tuple[ObjectId, bool]]:
        """Store events with their outbox entry, in one transaction; (id, duplicate) per doc.

        Acknowledged means stored: the transaction commits the events and the entry the ingest worker derives them
        from together (journaled, `j: true`), so an event answered `duplicate: false` is counted once, whatever is
        killed afterwards (this process, the worker, the database). A client event id already stored answers as a
        duplicate with the stored id: a transaction refused for a key already stored (an event's `_id` derived from
        it, or an older version's key document: store/event_keys.py) writes nothing, so the stored ids are read
        (one read for the batch) and the rest is stored again. The `_id`s are chosen here, so the transaction is run
        again once on a connection error without retryable writes (infra/mongo.py): finding our own keyed events
        stored (their `write` is this call's) means the first attempt committed (the transaction stores all or
        nothing).
        """
        if not docs:
            return []
        write = ObjectId()
        firsts: dict[ClientKey, Doc] = {}
        fresh: list[Doc] = []
        for doc in mark_engaged(docs):
            key = client_key(doc)
            if key is not None:
                if key in firsts:
                    continue  # repeated within the batch: answered as the first one's duplicate
                firsts[key] = doc
            fresh.append(doc)
        assign_ids(fresh, write)
        stored: dict[ClientKey, ObjectId] = {}
        grouped = True  # the first attempt joins concurrent recorders' (GroupedWrites); any retry goes alone
        journaled = False  # whether this call waited for the journal after its last commit
        while fresh:
            try:
                if grouped:
                    grouped = False
                    await self.grouped.write(fresh)  # committed, and journaled: the group's barrier
                else:
                    await self._store_batch(fresh)
                journaled = True
                break
            except GroupRefused:
                continue  # refused for a duplicate, maybe another recorder's: stored alone next
            except BulkWriteError as exc:
                if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                    raise
            keyed = [k for d in fresh if (k := client_key(d)) is not None]
            found = await self.keys.stored(keyed)
            if not keyed or any(f.write == write for f in found.values()):
                break  # our own events are stored: the first attempt committed, only its reply was lost
            stored.update({key: f.event_id for key, f in found.items()})
            left = [d for d in fresh if client_key(d) not in stored]
            if len(left) == len(fresh):
                raise RuntimeError("an event was refused as a duplicate, yet no stored event has its client id")
            fresh = left
        if not journaled:
            # Answered from stored events (duplicates, or our own first attempt whose reply was lost): committed,
            # maybe by another recorder whose barrier is still on its way; journaled before anyone hears of them.
            await self.barrier.wait()
        results: list[tuple[ObjectId, bool]] = []
        for doc in docs:
            key = client_key(doc)
            if key is None:
                results.append((doc["_id"], False))
            elif key in stored:
                results.append((stored[key], True))
            else:
                results.append((firsts[key]["_id"], firsts[key] is not doc))
        return results

    def impressions_insert(self, docs: list[Doc]) -> InsertOne[Doc]:
        """Decisions' impressions as the insert of one outbox entry (EventOutboxStore.counted_insert), written with
        the decisions in one command (DecisionsStore.insert_decisions): the ingest worker counts them (item
        counters) in the transaction that takes the entry; the decision is their record, so they are never stored
        in `events` (an indexed insert each, the platform's costliest write)."""
        return self.outbox.counted_insert(mark_engaged(docs))

    async def _store_batch(self, docs: list[Doc]) -> None:
        """`_transact` these events alone; the caller hears "stored" once the commit is in the journal
        (`JournalBarrier.after_commit`: at once where the commit syncs it, else after a barrier write)."""
        await self._transact(docs)
        await self.barrier.after_commit()

    async def _transact(self, docs: list[Doc], *, outbox: bool = True) -> None:
        """The events and their outbox entries in one journaled transaction (a duplicate aborts it whole), sent as
        one client-level bulk write when few (one round trip fewer than an insert per collection:
        store/client_inserts.py). A client event id already stored (its event's `_id`, or an older version's key
        document: store/event_keys.py; or an unkeyed event's `_id`: our own committed first attempt) is raised as
        BulkWriteError, as `insert_many` raises it. `outbox=False`: imported events, counted as they are imported."""
        writes = [
            *(InsertOne(d, namespace=self.events.full_name) for d in docs),
            *(
                InsertOne(e, namespace=self.outbox.entries.full_name)
                for e in (self.outbox.entries_for(docs) if outbox else [])
            ),
        ]
        client = self.events.database.client
        # Writes up to here are events: their duplicates are replays; any other refusal is an error.
        replayable = len(docs)
        legacy = await self.keys.legacy()

        async def write(session: Session) -> None:
            if legacy:
                await self.keys.refuse_legacy(docs, session)
            try:
                await insert_all(client, writes, ordered=True, session=session)
            except ClientBulkWriteException as exc:
                errors: list[Doc] = exc.details.get("writeErrors") or []
                if errors and all(
                    e.get("code") == DUPLICATE_KEY and e.get("idx", replayable) < replayable for e in errors
                ):
                    raise BulkWriteError({"writeErrors": errors}) from exc
                raise

        try:
            await self.run_transaction(write, causal=False)
        except (AutoReconnect, NetworkTimeout):
            await self.run_transaction(write, causal=False)

    async def run_transaction(self, callback: Callable[[Session], Awaitable[None]], *, causal: bool = True) -> None:
        """`causal=False` for a transaction that starts with a client-level bulk write: a causally consistent
        session's retried transaction sends it `readConcern.afterClusterTime`, which SecantusDB's `bulkWrite`
        refuses (IDLUnknownField), and a write-only transaction on one server reads nothing that needs it."""
        async with self.events.database.client.start_session(causal_consistency=causal) as session:
            await session.with_transaction(callback, write_concern=JOURNALED)

    async def oldest_pending_time(self) -> datetime | None:
        """When the oldest outbox entry was written (to the second); None when nothing waits."""
        return await self.outbox.oldest_time()

    async def list_pending(self, until: datetime, max_events: int, defer_until: datetime | None = None) -> Pending:
        """The oldest outbox entries (any community) written up to `until`, holding about `max_events` events (and
        whether more wait up to `until`); none while only impressions written after `defer_until` wait
        (EventOutboxStore.list_through)."""
        return await self.outbox.list_through(until, max_events, defer_until)

    async def derive_pending(self, last_key: ObjectId, session: Session, known: Sequence[Doc] = ()) -> list[Doc]:
        """In the caller's transaction: the events of the outbox entries up to `last_key`, their entries deleted and
        their items' counters bumped; both commit together, so each event is counted exactly once (a concurrent
        worker taking the same entries conflicts; see EventOutboxStore.take_through). A decision's impressions
        are counted alike, and stored nowhere (`impressions_insert`); entries an older version flagged to be
        stored are stored here (`_store_legacy_impressions`). `known`: the entries the caller read already (only
        their keys are read again: EventOutboxStore.take_through)."""
        taken = await self.outbox.take_through(last_key, session, known)
        await self._store_legacy_impressions(taken.to_store, session)
        docs = taken.events
        by_community: dict[ObjectId, list[Doc]] = {}
        for doc in docs:
            by_community.setdefault(doc["community_id"], []).append(doc)
        for community_id, docs_of_community in by_community.items():
            await self.add_to_item_stats(community_id, docs_of_community, session=session)
        await self.recent.push(docs, session)
        await self.activity.touch(docs, session)
        await self.shown_log.record(taken.shown.members, session)
        if taken.shown.unnamed:
            # Impressions an older version's entry holds without their members: the log is complete only from now.
            await self.shown_log.gap(session)
        return docs

    async def _store_legacy_impressions(self, docs: list[Doc], session: Session) -> None:
        """Impressions an older version's outbox entry holds whole to be stored (its decisions are not flagged
        IMPRESSIONS_COUNTED, so readers read these from `events`): stored once, in the transaction that takes
        their entry and counts them."""
        if docs:
            await self.events.insert_many(docs, ordered=False, session=session)

    async def list_member_recent(
        self, community_id: ObjectId, member_ids: list[ObjectId], *, limit: int
    ) -> dict[str, list[Doc]] | None:
        """Members' last `limit` engagements from their member_recent documents (newest first); a member with no
        document is absent (read them with `list_last_engagements`). None when `limit` is more than a document
        keeps."""
        docs = await self.list_member_docs(community_id, member_ids, limit=limit)
        return None if docs is None else {m: d["events"] for m, d in docs.items()}

    async def list_member_docs(
        self, community_id: ObjectId, member_ids: list[ObjectId], *, limit: int
    ) -> dict[str, Doc] | None:
        """`list_member_recent`'s documents whole: `events`, and `relations` where mirrored
        (store/relations_mirror.py), so that a decision reads both in one point lookup."""
        if limit > RECENT_KEPT:
            return None
        return await self.recent.list_recent(community_id, member_ids, limit=limit)

    async def member_recent_complete(self) -> bool:
        """Whether this database's backfill of member_recent documents is done (then a member without one has no
        derived engagement, and a feed reads nothing more for them). Read until it is; then kept per process."""
        if not self._recent_complete:
            found = await self.migrate.done.find_one({"_id": "member_recent", "done": True}, {"_id": 1})
            self._recent_complete = found is not None
        return self._recent_complete

    async def add_to_member_recent(self, docs: list[Doc]) -> None:
        """Imported events (no outbox entry, counted as imported) into their members' last engagements."""
        await self.recent.push(mark_engaged(docs), None)

    async def seed_member_recent(self, community_id: ObjectId, member_ids: list[ObjectId]) -> None:
        """Build these members' member_recent documents from `events` (merged with what the worker pushed): the
        backfill of events stored before the documents existed, or directly (benchmarks' generated histories)."""
        history, _ = await self.list_members_engagement(community_id, member_ids, history_limit=RECENT_KEPT)

        async def seed(session: Session) -> None:
            # Events still in the outbox are the worker's to push (once): seeding them too would repeat them.
            pending = await self.outbox.pending_event_ids(session)
            by_member = {m: [d for d in history.get(str(m), []) if d["_id"] not in pending] for m in member_ids}
            await self.recent.seed(community_id, by_member, session)

        await self.run_transaction(seed)

    async def list_members_engagement(
        self, community_id: ObjectId, member_ids: list[ObjectId], *, history_limit: int
    ) -> tuple[dict[str, list[Doc]], dict[str, set[str]]]:
        """For a batch of members, in one read of their engagement events: each member's latest `history_limit`
        events (newest first, with the item snapshot taken when logged), and the ids of every item they ever
        engaged with (what a decision leaves out as seen).

        On community_engaged_member_occurred_at (`$in` on the last field it pins).
        """
        cursor = self.events.find(
            {"community_id": community_id, "engaged": True, "member_id": {"$in": member_ids}},
            projection=HISTORY_FIELDS,
        ).sort("occurred_at", DESCENDING)
        history: dict[str, list[Doc]] = {}
        engaged: dict[str, set[str]] = {}
        async for doc in cursor:
            member = str(doc["member_id"])
            engaged.setdefault(member, set()).add(str(doc["content_id"]))
            mine = history.setdefault(member, [])
            if len(mine) < history_limit:
                mine.append(doc)
        return history, engaged

    async def list_events_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        cursor = self.events.find(
            {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": until}},
            projection={
                "member_id": 1,
                "content_id": 1,
                "thread_id": 1,
                "type": 1,
                "occurred_at": 1,
                "dwell_ms": 1,
                "decision_id": 1,
                "tags": 1,
                "author_id": 1,
                "kind": 1,
            },
        )
        return [doc async for doc in cursor]

    async def list_item_signals_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        """Imported events that name no member (votes): they count for items' popularity only."""
        cursor = self.item_signals.find(
            {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": until}},
            projection={"content_id": 1, "thread_id": 1, "type": 1, "occurred_at": 1},
        )
        return [doc async for doc in cursor]

    async def get_first_event_time(self, community_id: ObjectId) -> datetime | None:
        doc = await self.events.find_one({"community_id": community_id}, sort=[("occurred_at", ASCENDING)])
        return doc["occurred_at"] if doc else None

    async def count_types_between(self, community_id: ObjectId, since: datetime, until: datetime) -> list[Doc]:
        """Events per type in [since, until), with the dwell milliseconds summed (index community_occurred_at)."""
        pipeline: list[Doc] = [
            {"$match": {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": until}}},
            {"$group": {"_id": "$type", "n": {"$sum": 1}, "dwell_ms": {"$sum": {"$ifNull": ["$dwell_ms", 0]}}}},
        ]
        return [doc async for doc in await self.events.aggregate(pipeline)]

    async def list_attributed_events(self, community_id: ObjectId, since: datetime, types: list[str]) -> list[Doc]:
        """Events answering a decision (they carry its id) since a moment, of the given types."""
        # The window rides community_occurred_at; the decision and type tests are applied here.
        wanted = set(types)
        cursor = self.events.find(
            {"community_id": community_id, "occurred_at": {"$gte": since}},
            projection={"decision_id": 1, "content_id": 1, "type": 1},
        )
        return [doc async for doc in cursor if "decision_id" in doc and doc["type"] in wanted]

    async def count_member_events(
        self, community_id: ObjectId, member_id: ObjectId, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Event type → how many engagement events the member recorded in [since, until).

        On community_engaged_member_occurred_at (equality on community, engaged and member, range on time)."""
        match: Doc = {
            "community_id": community_id,
            "engaged": True,
            "member_id": member_id,
            "occurred_at": {"$gte": since, "$lt": until},
        }
        pipeline: list[Doc] = [{"$match": match}, {"$group": {"_id": "$type", "n": {"$sum": 1}}}]
        return {str(row["_id"]): int(row["n"]) async for row in await self.events.aggregate(pipeline)}

    async def list_content_engagers(
        self, community_id: ObjectId, content_id: ObjectId, since: datetime, until: datetime
    ) -> list[str]:
        """Members who engaged with one item in [since, until), sorted.

        On community_occurred_at (the window); the item is picked here: no index leads with content."""
        cursor = self.events.find(
            {"community_id": community_id, "occurred_at": {"$gte": since, "$lt": until}},
            {"member_id": 1, "content_id": 1, "engaged": 1},
        )
        found = {
            str(doc["member_id"])
            async for doc in cursor
            if doc.get("content_id") == content_id and doc.get("engaged") and doc.get("member_id")
        }
        return sorted(found)

    async def list_active_members(self, community_id: ObjectId, since: datetime) -> list[str]:
        found = await self.events.distinct("member_id", {"community_id": community_id, "occurred_at": {"$gte": since}})
        return sorted(str(m) for m in found)

    async def list_active_communities(self, since: datetime) -> list[ObjectId]:
        """Every community with an event since `since` (the slot scheduler's tick): the one unscoped read, of one
        small document per community (store/community_activity.py); a recorded event counts once derived."""
        return await self.activity.list_active(since)

    # Imported events, idempotent by their client event id ("import:<source>:<source id>"). Events that name no
    # member (Stack Exchange votes) go to `item_signals`: they count for the item, never for a member.

    async def insert_imported_events(self, docs: list[Doc]) -> dict[int, str]:
        """Store the imported events whose client ids are not stored yet, with their keys, in one transaction; the
        others (and repeats within the batch) as {position: why}. A concurrent import of the same ids aborts the
        transaction: the stored ids are read again and the rest stored."""
        mark_engaged(docs)
        write = ObjectId()
        assign_ids(docs, write)
        failed: dict[int, str] = {}
        for attempt in range(IMPORT_ATTEMPTS):
            stored = await self.keys.stored(k for d in docs if (k := client_key(d)) is not None)
            fresh, refused = not_stored(docs, stored, write)
            failed = dict.fromkeys(refused, IMPORT_KEY_FIELDS)
            try:
                if fresh:
                    await self._transact(fresh, outbox=False)
                break
            except BulkWriteError as exc:
                if attempt + 1 == IMPORT_ATTEMPTS or any(
                    e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])
                ):
                    raise
        await self.activity.touch([d for n, d in enumerate(docs) if n not in failed], None)
        return failed

    async def insert_item_signals(self, docs: list[Doc]) -> dict[int, str]:
        return await insert_many_reporting(self.item_signals, docs)

    # --- feed reads ------------------------------------------------------------------------------------------

    async def list_last_engagements(
        self, community_id: ObjectId, member_id: ObjectId, *, limit: int, recent_only: bool = False
    ) -> list[Doc]:
        """The member's last `limit` engagement events, newest first, with the item snapshot taken when logged.

        On community_engaged_member_occurred_at (equality on every field before its sort), through widening
        windows of time (the last day, week, month, year, all time), each read only where the one before did not
        reach: SecantusDB fetches and sorts every document a query matches before its limit, so one query over the
        whole history would cost the history; a window costs the member's recent activity (an active member's
        last day already holds `limit` events), and no event is fetched twice. `recent_only`: the last day's alone
        (events the ingest worker may not have derived yet: one bounded read)."""
        if limit <= 0:
            return []
        now = datetime.now(UTC)
        found: list[Doc] = []
        newer_than: datetime | None = None
        for days in (1,) if recent_only else (1, 7, 30, 365, None):
            query: Doc = {"community_id": community_id, "engaged": True, "member_id": member_id}
            window: Doc = {"$gte": now - timedelta(days=days)} if days is not None else {}
            if newer_than is not None:
                window["$lt"] = newer_than
            if window:
                query["occurred_at"] = window
            cursor = self.events.find(query, projection=HISTORY_FIELDS).sort("occurred_at", DESCENDING)
            found += [doc async for doc in cursor.limit(limit - len(found))]
            if len(found) >= limit or days is None or recent_only:
                return found
            newer_than = window["$gte"]
        raise AssertionError("the last window is all time")
