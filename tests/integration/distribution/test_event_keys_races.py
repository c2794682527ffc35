"""Review probes: client event ids recorded at once by two processes (two clients), and an import racing them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bson import ObjectId
from pymongo import AsyncMongoClient

from distribution_service.store import DistributionStore, Doc
from distribution_service.store.event_keys import keyed_id


def event(community: ObjectId, key: str) -> Doc:
    return {
        "community_id": community,
        "member_id": ObjectId(),
        "content_id": ObjectId(),
        "type": "OPEN",
        "occurred_at": datetime.now(UTC),
        "client_event_id": key,
    }


async def test_two_processes_recording_the_same_client_id_at_once_store_it_once(
    store: DistributionStore, mongo_uri: str
) -> None:
    other_client: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri)
    try:
        other = DistributionStore(other_client[store.events.events.database.name])
        community = ObjectId()
        for n in range(20):
            key = f"race-{n}"
            one, two = await asyncio.gather(
                store.events.insert_events([event(community, key)]),
                other.events.insert_events([event(community, key)]),
            )
            # then: one stored it, the other answered duplicate with that stored id
            assert one[0][0] == two[0][0], (n, one, two)
            assert sorted([one[0][1], two[0][1]]) == [False, True], (n, one, two)
            assert await store.events.events.count_documents({"client_event_id": key}) == 1
    finally:
        await other_client.close()


async def test_an_import_racing_a_recorder_stores_the_client_id_once(store: DistributionStore, mongo_uri: str) -> None:
    other_client: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri)
    try:
        other = DistributionStore(other_client[store.events.events.database.name])
        community = ObjectId()
        for n in range(20):
            key = f"import:s:{n}"
            recorded, refused = await asyncio.gather(
                store.events.insert_events([event(community, key)]),
                other.events.insert_imported_events([event(community, key)]),
            )
            assert await store.events.events.count_documents({"client_event_id": key}) == 1
            assert recorded[0][1] == (refused == {}), (n, recorded, refused)
    finally:
        await other_client.close()


async def test_a_replay_while_the_first_recording_is_still_uncommitted(
    store: DistributionStore, mongo_uri: str
) -> None:
    """Another process's transaction holds the key, not yet committed, when the replay arrives."""
    community = ObjectId()
    first = event(community, "slow-1")
    first["_id"] = keyed_id((community, "slow-1"))
    other_client: AsyncMongoClient[Doc] = AsyncMongoClient(mongo_uri)
    try:
        db = other_client[store.events.events.database.name]
        async with other_client.start_session() as session:
            await session.start_transaction()
            await db["events"].insert_one(first, session=session)
            replay = asyncio.ensure_future(store.events.insert_events([event(community, "slow-1")]))
            await asyncio.sleep(0.5)
            await session.commit_transaction()
        result = await asyncio.wait_for(replay, 30)
        assert result == [(first["_id"], True)]
        assert await store.events.events.count_documents({"client_event_id": "slow-1"}) == 1
    finally:
        await other_client.close()


async def test_an_import_whose_commit_reply_was_lost_is_stored_once_and_reported_created(
    store: DistributionStore, first_commit_reply_lost: list[int]
) -> None:
    community = ObjectId()
    batch = [event(community, f"import:s:lost-{n}") for n in range(5)]
    # when
    refused = await store.events.insert_imported_events(batch)
    # then: nothing refused (this call stored them all, so they are counted), each stored once
    assert len(first_commit_reply_lost) >= 2
    assert refused == {}
    assert await store.events.events.count_documents({"community_id": community}) == 5
    assert await store.events.events.count_documents({"_id": {"$in": [d["_id"] for d in batch]}}) == 5


async def test_one_keyed_event_whose_commit_reply_was_lost_is_not_a_duplicate(
    store: DistributionStore, first_commit_reply_lost: list[int]
) -> None:
    community = ObjectId()
    doc = event(community, "lost-1")
    # when: one event, its key and outbox entry: the client-level bulk write
    results = await store.events.insert_events([doc])
    again = await store.events.insert_events([event(community, "lost-1")])
    # then
    assert len(first_commit_reply_lost) >= 2
    assert results == [(doc["_id"], False)]
    assert again == [(doc["_id"], True)]
    assert await store.events.events.count_documents({"community_id": community}) == 1
