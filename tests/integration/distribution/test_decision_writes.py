"""A feed's one write: the decision and its impressions' outbox entry in a client-level bulk write, and the same
documents one insert per collection on a server without it (MongoDB before 8.0); concurrent feeds' writes in
groups (service/decision_writer.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId
from pymongo.errors import InvalidOperation

from distribution_service.service.decision_writer import DecisionWriter, _Pending, take_group
from distribution_service.store import DistributionStore
from distribution_service.store.event_outbox import SHOWN


def impression(community: ObjectId, member: ObjectId) -> dict[str, Any]:
    at = datetime.now(UTC)
    return {
        "community_id": community,
        "member_id": member,
        "content_id": ObjectId(),
        "type": "IMPRESSION",
        "occurred_at": at,
        "received_at": at,
    }


@pytest.mark.parametrize("client_bulk_write", [True, False])
async def test_the_decision_and_its_entry_are_both_stored(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch, client_bulk_write: bool
) -> None:
    community, member = ObjectId(), ObjectId()
    if not client_bulk_write:

        async def refused(*args: Any, **kwargs: Any) -> None:
            raise InvalidOperation("MongoClient.bulk_write requires MongoDB server version 8.0+.")

        monkeypatch.setattr(type(store.decisions.decisions.database.client), "bulk_write", refused)
    decision = {"_id": ObjectId(), "community_id": community, "member_id": member}
    entry = store.events.impressions_insert([impression(community, member), impression(community, member)])
    await store.decisions.insert_decisions([decision], also=[entry])
    assert await store.decisions.decisions.count_documents({"_id": decision["_id"]}) == 1
    stored = await store.events.outbox.entries.find_one({"_id": entry._doc["_id"]})
    assert stored is not None
    assert stored[SHOWN] == 2


async def test_concurrent_feeds_share_one_write_and_each_waits_for_its_own(store: DistributionStore) -> None:
    community = ObjectId()
    writer = DecisionWriter(store)
    members = [ObjectId() for _ in range(5)]
    decisions = [{"_id": ObjectId(), "community_id": community, "member_id": m} for m in members]
    # when: five feeds write at once (the first's write leaves before the others queue: it goes alone or with them)
    await asyncio.gather(*(writer.write([d], [impression(community, d["member_id"])]) for d in decisions))
    # then: fewer commands than feeds, and every decision and impression stored once the callers returned
    assert writer.writes < len(decisions)
    assert writer.decisions == len(decisions)
    ids = [d["_id"] for d in decisions]
    assert await store.decisions.decisions.count_documents({"_id": {"$in": ids}}) == len(decisions)
    entries = await store.events.outbox.entries.find({"counted.community_id": community}).to_list()
    assert sum(entry[SHOWN] for entry in entries) == len(members)


async def test_a_failed_group_write_fails_every_feed_in_it(store: DistributionStore) -> None:
    community = ObjectId()
    taken = {"_id": ObjectId(), "community_id": community, "member_id": ObjectId()}
    await store.decisions.insert_decisions([taken])
    writer = DecisionWriter(store)
    again = [{**taken}]  # a duplicate key: the group's write fails
    fresh = [{"_id": ObjectId(), "community_id": community, "member_id": ObjectId()}]
    outcomes = await asyncio.gather(writer.write(again, []), writer.write(fresh, []), return_exceptions=True)
    assert all(isinstance(o, Exception) for o in outcomes)
    # and: the writer goes on: the next feed's write is its own
    await writer.write([{"_id": ObjectId(), "community_id": community, "member_id": ObjectId()}], [])
    assert writer.decisions == 1


def test_a_group_stops_at_its_size_but_takes_a_large_first_write() -> None:
    loop = asyncio.new_event_loop()
    try:
        queue = [_Pending([{}] * n, [], loop.create_future()) for n in (300, 1, 2)]
        assert take_group(queue, 256) == queue[:1]
        assert take_group(queue[1:], 256) == queue[1:]
        assert take_group(queue[1:], 2) == queue[1:2]
    finally:
        loop.close()


async def test_a_writer_whose_last_loop_closed_writes_in_the_next(store: DistributionStore) -> None:
    writer = DecisionWriter(store)
    # given: what a loop that has closed left behind (a drain that no longer runs, a waiter of that loop's)
    ended = asyncio.create_task(asyncio.sleep(0))
    await ended
    writer._running = ended  # noqa: SLF001
    other = asyncio.new_event_loop()
    writer._queue.append(_Pending([{"_id": ObjectId()}], [], other.create_future()))  # noqa: SLF001
    other.close()
    decision = {"_id": ObjectId(), "community_id": ObjectId(), "member_id": ObjectId()}
    # when
    await writer.write([decision], [])
    # then: this loop's decision is stored, the closed loop's waiter dropped
    assert await store.decisions.decisions.count_documents({"_id": decision["_id"]}) == 1
    assert writer.decisions == 1


async def test_a_write_waits_for_a_decision_still_coming_and_takes_it_along(store: DistributionStore) -> None:
    community = ObjectId()
    writer = DecisionWriter(store, hold_seconds=5.0)
    first = {"_id": ObjectId(), "community_id": community, "member_id": ObjectId()}
    second = {"_id": ObjectId(), "community_id": community, "member_id": ObjectId()}

    async def second_feed() -> None:
        with writer.coming(1):
            await asyncio.sleep(0.05)  # its reads and ranking
        await writer.write([second], [])

    # when: one feed writes while another is still being decided
    coming = asyncio.create_task(second_feed())
    await asyncio.sleep(0)
    await asyncio.gather(writer.write([first], []), coming)
    # then: one write for both
    assert (writer.writes, writer.decisions) == (1, 2)
    ids = [first["_id"], second["_id"]]
    assert await store.decisions.decisions.count_documents({"_id": {"$in": ids}}) == 2


async def test_a_write_holds_no_longer_than_its_bound(store: DistributionStore) -> None:
    writer = DecisionWriter(store, hold_seconds=0.05)
    decision = {"_id": ObjectId(), "community_id": ObjectId(), "member_id": ObjectId()}
    loop = asyncio.get_running_loop()
    with writer.coming(1):  # a decision that never arrives (its feed failed later, say)
        started = loop.time()
        await writer.write([decision], [])
        waited = loop.time() - started
    assert 0.05 <= waited < 2.0
    assert (writer.writes, writer.decisions) == (1, 1)
    # and: with nothing coming a write leaves at once
    alone = {"_id": ObjectId(), "community_id": ObjectId(), "member_id": ObjectId()}
    writer.hold_seconds = 60.0
    await asyncio.wait_for(writer.write([alone], []), timeout=10)
    assert writer.decisions == 2
