"""Members shown something, kept between slot runs (service/shown_members.py): the same members as the whole read,
each later read taking only what was shown since the previous one (less the overlap), from the ingest worker's shown
log where it covers them (store/shown_log.py), members out of the window dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from distribution_service.domain.honeycomb import EventType
from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.service.shown_members import OVERLAP, ShownMembers
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.decisions import IMPRESSIONS_COUNTED, DecisionsStore
from distribution_service.store.decisions_reach import StoredReach, pack, unpack
from distribution_service.store.event_outbox import shown_groups, shown_members
from distribution_service.store.shown_log import COVERAGE_ID, EPOCH, ShownLogStore

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WINDOW = timedelta(days=90)


def decision(community: ObjectId, member: ObjectId, at: datetime, *, shown: bool = True) -> Doc:
    items = [{"content_id": ObjectId(), "position": 0}] if shown else []
    return {
        "_id": ObjectId(),
        "community_id": community,
        "member_id": member,
        "at": at,
        "shown": items,
        IMPRESSIONS_COUNTED: True,
    }


async def store_decisions(store: DistributionStore, docs: list[Doc]) -> None:
    """Decisions written as the decision writer writes them (their impressions in an outbox entry, one transaction),
    then counted by the ingest worker, which logs who was shown what."""
    impressions = [
        {
            "community_id": d["community_id"],
            "member_id": d["member_id"],
            "content_id": item["content_id"],
            "type": EventType.IMPRESSION.value,
            "occurred_at": d["at"],
            "received_at": d["at"],
            "decision_id": d["_id"],
        }
        for d in docs
        for item in d["shown"]
    ]
    also = [store.events.impressions_insert(impressions)] if impressions else []
    await store.decisions.insert_decisions(docs, also=also)
    await IngestWorker(store, interval=1.0).drain()


class LogReadsRecorded(ShownLogStore):
    """The shown log, recording the moment each read of it started from and whether it answered (covered it)."""

    def __init__(self, store: DistributionStore) -> None:
        super().__init__(store.decisions.decisions.database)
        self.reads: list[tuple[datetime, bool]] = []

    async def member_times(
        self, community_id: ObjectId, *, written_since: datetime, shown_since: datetime, now: datetime
    ) -> dict[str, datetime] | None:
        found = await super().member_times(community_id, written_since=written_since, shown_since=shown_since, now=now)
        self.reads.append((written_since, found is not None))
        return found


class ReadsRecorded(DecisionsStore):
    """The decisions store, recording the moment each shown-members read of the decisions started from."""

    def __init__(self, store: DistributionStore) -> None:
        super().__init__(store.decisions.decisions.database)
        self.reads: list[datetime] = []

    async def list_shown_member_times(self, community_id: ObjectId, since: datetime) -> dict[str, datetime]:
        self.reads.append(since)
        return await super().list_shown_member_times(community_id, since)


async def test_later_reads_take_only_new_decisions_and_answer_as_the_whole_read(store: DistributionStore) -> None:
    community, other = ObjectId(), ObjectId()
    old, recent, empty, elsewhere = (ObjectId() for _ in range(4))
    await store_decisions(
        store,
        [
            decision(community, old, NOW - WINDOW + timedelta(hours=2)),
            decision(community, recent, NOW - timedelta(days=1)),
            decision(community, empty, NOW - timedelta(days=1), shown=False),
            decision(other, elsewhere, NOW - timedelta(days=1)),
        ],
    )
    reads, log = ReadsRecorded(store), LogReadsRecorded(store)
    shown = ShownMembers(reads, log=log)

    first = await shown.since(community, NOW - WINDOW, now=NOW)
    assert first == {str(old), str(recent)}
    assert first == set(await store.decisions.list_shown_members(community, NOW - WINDOW))

    # A day later: a newcomer shown something, and a decision stored late (its `at` before the previous read).
    later = NOW + timedelta(days=1)
    newcomer, late = ObjectId(), ObjectId()
    await store_decisions(
        store, [decision(community, newcomer, later - timedelta(hours=1)), decision(community, late, NOW - OVERLAP / 2)]
    )
    second = await shown.since(community, later - WINDOW, now=later)
    # `old` was last shown more than 90 days before `later`: out of the window, as the whole read has it.
    assert second == {str(recent), str(newcomer), str(late)}
    assert second == set(await store.decisions.list_shown_members(community, later - WINDOW))
    # The first read took the decisions; the second the shown log (complete: the database had no decision when the
    # store started), from the previous read less the overlap.
    assert reads.reads == [NOW - WINDOW]
    assert log.reads == [(NOW - OVERLAP, True)]


async def test_a_later_read_takes_the_decisions_where_the_log_does_not_cover_it(store: DistributionStore) -> None:
    community, recent, newcomer = ObjectId(), ObjectId(), ObjectId()
    await store_decisions(store, [decision(community, recent, NOW - timedelta(days=1))])
    # The log complete only from after the previous read (a database that had decisions when this version came).
    await store.events.shown_log.coverage.update_one({"_id": COVERAGE_ID}, {"$set": {"at": NOW}})
    reads, log = ReadsRecorded(store), LogReadsRecorded(store)
    shown = ShownMembers(reads, log=log)
    assert await shown.since(community, NOW - WINDOW, now=NOW) == {str(recent)}
    later = NOW + timedelta(hours=2)
    await store_decisions(store, [decision(community, newcomer, later - timedelta(minutes=5))])
    assert await shown.since(community, later - WINDOW, now=later) == {str(recent), str(newcomer)}
    assert log.reads == [(NOW - OVERLAP, False)]
    assert reads.reads == [NOW - WINDOW, NOW - OVERLAP]


async def test_the_log_answers_as_the_decisions_do(store: DistributionStore) -> None:
    community, other = ObjectId(), ObjectId()
    members = [ObjectId() for _ in range(30)]
    decisions = [
        decision(community if k % 5 else other, members[k % len(members)], NOW - timedelta(hours=k), shown=k % 7 != 0)
        for k in range(120)
    ]
    # Written in groups, as the decision writer does, a member often twice in a group.
    for lo in range(0, len(decisions), 25):
        await store_decisions(store, decisions[lo : lo + 25])
    since = NOW - timedelta(days=3)
    logged = await store.events.shown_log.member_times(
        community, written_since=datetime.now(UTC) - timedelta(hours=1), shown_since=since, now=datetime.now(UTC)
    )
    whole = await store.decisions.list_shown_member_times(community, since)
    assert logged == {member: at.replace(tzinfo=UTC) for member, at in whole.items()}
    assert logged
    # One entry per community a take counted: five takes, each with both communities.
    assert await store.events.shown_log.entries.count_documents({}) == 10


def test_an_outbox_entry_names_each_member_shown_once_with_the_latest_time() -> None:
    community, member, other_member = ObjectId(), ObjectId(), ObjectId()
    events = [
        {"community_id": community, "member_id": member, "content_id": ObjectId(), "occurred_at": NOW},
        {"community_id": community, "member_id": member, "content_id": ObjectId(), "occurred_at": NOW + OVERLAP},
        {"community_id": community, "member_id": other_member, "content_id": ObjectId(), "occurred_at": NOW},
    ]
    groups = shown_groups(events)
    assert shown_members([{"counted": groups}]) == (
        {community: {member: NOW + OVERLAP, other_member: NOW}},
        False,
    )
    # An entry an older version wrote (no members), or a damaged one, names nobody and says so.
    legacy = [{key: value for key, value in g.items() if key not in ("member_ids", "shown_at")} for g in groups]
    assert shown_members([{"counted": legacy}]) == ({}, True)
    damaged = [{**g, "shown_at": g["shown_at"][:1]} for g in groups]
    assert shown_members([{"counted": damaged}]) == ({}, True)


async def test_a_take_of_an_entry_naming_no_members_moves_the_log_coverage(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    before = datetime.now(UTC)
    assert await store.events.shown_log.complete_since() == EPOCH
    # An older version's entry: its impressions counted without their members.
    impression = {
        "community_id": community,
        "member_id": member,
        "content_id": ObjectId(),
        "type": EventType.IMPRESSION.value,
        "occurred_at": NOW,
        "received_at": NOW,
    }
    entry = store.events.impressions_insert([impression])
    for group in entry._doc["counted"]:
        del group["member_ids"], group["shown_at"]
    await store.decisions.insert_decisions([], also=[entry])
    await IngestWorker(store, interval=1.0).drain()
    moved = await store.events.shown_log.complete_since()
    assert moved is not None
    assert moved >= before
    # A read from before the gap is not answered by the log (the caller reads the decisions).
    log = store.events.shown_log
    assert await log.member_times(community, written_since=before, shown_since=NOW, now=datetime.now(UTC)) is None
    assert (
        await log.member_times(community, written_since=datetime.now(UTC), shown_since=NOW, now=datetime.now(UTC)) == {}
    )


async def test_the_log_reads_only_entries_written_since_the_moment_asked(store: DistributionStore) -> None:
    community, earlier, later = ObjectId(), ObjectId(), ObjectId()
    log = store.events.shown_log
    now = datetime.now(UTC)
    for member, written_at in ((earlier, now - timedelta(hours=3)), (later, now - timedelta(minutes=5))):
        ids, times = pack({str(member): NOW})
        await log.entries.insert_one(
            {"community_id": community, "written_at": written_at, "members": 1, "member_ids": ids, "shown_at": times}
        )
    found = await log.member_times(community, written_since=now - timedelta(hours=1), shown_since=NOW, now=now)
    assert found == {str(later): NOW}


async def test_a_wider_window_than_the_one_kept_reads_whole_again(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    await store.decisions.insert_decisions([decision(community, member, NOW - timedelta(days=20))])
    reads = ReadsRecorded(store)
    shown = ShownMembers(reads)
    assert await shown.since(community, NOW - timedelta(days=10), now=NOW) == set()
    assert await shown.since(community, NOW - timedelta(days=30), now=NOW) == {str(member)}
    assert reads.reads == [NOW - timedelta(days=10), NOW - timedelta(days=30)]


async def test_a_fresh_process_starts_from_the_stored_read(store: DistributionStore) -> None:
    community = ObjectId()
    recent, newcomer = ObjectId(), ObjectId()
    await store_decisions(store, [decision(community, recent, NOW - timedelta(days=1))])
    first_process = ShownMembers(ReadsRecorded(store), kept=store.decisions.reach, log=store.events.shown_log)
    assert await first_process.since(community, NOW - WINDOW, now=NOW) == {str(recent)}
    later = NOW + timedelta(hours=8)
    await store_decisions(store, [decision(community, newcomer, later - timedelta(hours=1))])
    # when: another process (a cron's one-shot worker) asks, knowing nothing in memory
    reads, log = ReadsRecorded(store), LogReadsRecorded(store)
    second_process = ShownMembers(reads, kept=store.decisions.reach, log=log)
    found = await second_process.since(community, later - WINDOW, now=later)
    # then: it read only what was shown since the stored read (less the overlap), from the log, and answers as the
    # whole read
    assert reads.reads == []
    assert log.reads == [(NOW - OVERLAP, True)]
    assert found == {str(recent), str(newcomer)}
    assert found == set(await store.decisions.list_shown_members(community, later - WINDOW))


async def test_an_older_read_never_replaces_a_newer_one(store: DistributionStore) -> None:
    community, member = ObjectId(), ObjectId()
    reach = store.decisions.reach
    newer = StoredReach(NOW - WINDOW, NOW, {str(member): NOW - timedelta(hours=3)})
    assert await reach.save(community, newer)
    assert not await reach.save(community, StoredReach(NOW - WINDOW, NOW - timedelta(minutes=5), {}))
    assert await reach.load(community) == newer
    assert await reach.load(ObjectId()) is None


def test_a_reach_packs_and_reads_back_every_member_and_time() -> None:
    shown = {str(ObjectId()): NOW - timedelta(days=k, milliseconds=k) for k in range(1000)}
    assert unpack(*pack(shown)) == shown
    assert unpack(*pack({})) == {}
