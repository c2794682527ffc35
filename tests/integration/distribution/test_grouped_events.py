"""Concurrent recorders' events stored in shared transactions (store/grouped_writes.py): each caller answered as if
it had stored alone (duplicates included), every event stored and counted once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from bson import ObjectId

from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from infra import mongo
from tests.integration.distribution.test_ingest import events, opens


def keyed(community: ObjectId, item: ObjectId, key: str) -> Doc:
    (doc,) = events(community, item, 1)
    return {**doc, "client_event_id": key}


async def test_concurrent_recorders_share_transactions_and_each_event_is_stored_and_counted_once(
    store: DistributionStore,
) -> None:
    community, item = ObjectId(), ObjectId()
    batches = [[keyed(community, item, f"k{n}")] for n in range(8)]
    groups, callers = store.events.grouped.groups, store.events.grouped.callers
    # when: eight recorders at once
    answers = await asyncio.gather(*(store.events.insert_events(b) for b in batches))
    # then: fewer transactions than recorders, each answered with its own stored event
    assert store.events.grouped.callers - callers == 8
    assert store.events.grouped.groups - groups < 8
    assert [[d for _, d in a] for a in answers] == [[False]] * 8
    assert [a[0][0] for a in answers] == [b[0]["_id"] for b in batches]
    assert await store.events.events.count_documents({"community_id": community}) == 8
    assert await IngestWorker(store, interval=0).drain() == 8
    assert await opens(store, community, item) == 8


@pytest.mark.parametrize("journaled", [False, True])
async def test_a_group_of_recorders_is_journaled_once_after_its_commit(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch, journaled: bool
) -> None:
    community, item = ObjectId(), ObjectId()
    log: list[str] = []
    real_write, real_barrier = store.events.grouped._write, mongo.journal_barrier  # noqa: SLF001

    async def write(docs: list[Doc]) -> None:
        await real_write(docs)
        log.append("commit")

    async def barrier(db: Any) -> None:
        log.append("barrier")
        await real_barrier(db)

    async def commits_journaled(db: Any) -> bool:
        return journaled

    monkeypatch.setattr(store.events.grouped, "_write", write)
    monkeypatch.setattr(mongo, "journal_barrier", barrier)
    # given: a server whose journaled commit is synced when it returns (the platform's), or one that needs a barrier
    monkeypatch.setattr(mongo, "commits_journaled", commits_journaled)
    groups = store.events.grouped.groups
    # when: eight recorders at once
    answers = await asyncio.gather(*(store.events.insert_events([keyed(community, item, f"b{n}")]) for n in range(8)))
    # then: no barrier where the commit is journaled; else one a group (each caller of a group waiting on its own
    # made about 1.5), each begun after its group's commit
    assert [[d for _, d in a] for a in answers] == [[False]] * 8
    assert log.count("commit") == store.events.grouped.groups - groups
    assert log.count("barrier") == (0 if journaled else log.count("commit"))
    assert log[0] == "commit"


async def test_a_replay_in_a_group_answers_duplicate_and_the_other_recorders_are_stored(
    store: DistributionStore,
) -> None:
    community, item = ObjectId(), ObjectId()
    ((first_id, _),) = await store.events.insert_events([keyed(community, item, "sdk-1")])
    # when: one recorder replays it beside a new event while three others record new ones
    replay = [keyed(community, item, "sdk-1"), keyed(community, item, "sdk-2")]
    others = [[keyed(community, item, f"other-{n}")] for n in range(3)]
    answers = await asyncio.gather(*(store.events.insert_events(b) for b in [*others, replay]))
    # then: the replay alone is a duplicate (with the stored id); nothing else is lost or stored twice
    assert [[d for _, d in a] for a in answers] == [[False], [False], [False], [True, False]]
    assert answers[3][0][0] == first_id
    assert await store.events.events.count_documents({"community_id": community}) == 5
    assert await IngestWorker(store, interval=0).drain() == 5  # the first event and the four new ones
    assert await opens(store, community, item) == 5


async def test_two_recorders_sending_the_same_client_event_id_at_once_store_it_once(
    store: DistributionStore,
) -> None:
    community, item = ObjectId(), ObjectId()
    # when: the same event from two recorders at once (an SDK retrying before its first answer), behind a third
    answers = await asyncio.gather(
        store.events.insert_events([keyed(community, item, "lead")]),
        store.events.insert_events([keyed(community, item, "twice")]),
        store.events.insert_events([keyed(community, item, "twice")]),
    )
    # then: one of the two stored it, the other answers duplicate with the same id
    twice = sorted((a[0] for a in answers[1:]), key=lambda answer: answer[1])
    assert [d for _, d in twice] == [False, True]
    assert twice[0][0] == twice[1][0]
    assert await store.events.events.count_documents({"community_id": community}) == 2
    assert await IngestWorker(store, interval=0).drain() == 2


async def test_a_replay_answered_from_stored_events_waits_for_the_journal(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: an event stored (its own barrier passed)
    community, item = ObjectId(), ObjectId()
    first = keyed(community, item, "replayed")
    await store.events.insert_events([first])
    waits: list[int] = []
    real_wait = store.events.barrier.wait

    async def counted_wait() -> None:
        waits.append(1)
        await real_wait()

    monkeypatch.setattr(store.events.barrier, "wait", counted_wait)
    # when: the same client event recorded again (nothing new committed by this call)
    ((stored_id, duplicate),) = await store.events.insert_events([{**keyed(community, item, "replayed")}])
    # then: answered as a duplicate only once the journal holds what it answers from (it may be another
    # recorder's commit whose barrier is still on its way)
    assert (stored_id, duplicate) == (first["_id"], True)
    assert waits
