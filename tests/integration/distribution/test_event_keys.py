"""Client event ids are kept once per community by key documents (store/event_keys.py), not by an index on `events`:
recorded and imported events are idempotent by them, and a database an older version wrote is brought over."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from distribution_service.store import DistributionStore, Doc


def event(community: ObjectId, key: str | None) -> Doc:
    doc: Doc = {
        "community_id": community,
        "member_id": ObjectId(),
        "content_id": ObjectId(),
        "type": "OPEN",
        "occurred_at": datetime.now(UTC),
    }
    if key is not None:
        doc["client_event_id"] = key
    return doc


async def test_events_carry_no_index_for_client_ids_and_only_events_with_one_get_a_key(
    store: DistributionStore,
) -> None:
    community = ObjectId()
    results = await store.events.insert_events([event(community, "k1"), event(community, None)])
    # then: the event with a client id has its key, naming it; the other has none
    keys = [doc async for doc in store.events.keys.keys.find({})]
    assert keys == [{"_id": f"{community}:k1", "event_id": results[0][0]}]
    indexes = await store.events.events.index_information()
    assert not [name for name, spec in indexes.items() if "client_event_id" in dict(spec["key"])]


async def test_the_same_client_id_in_two_communities_is_two_events(store: DistributionStore) -> None:
    one, other = ObjectId(), ObjectId()
    first = await store.events.insert_events([event(one, "k1")])
    second = await store.events.insert_events([event(other, "k1")])
    again = await store.events.insert_events([event(one, "k1")])
    assert (first[0][1], second[0][1]) == (False, False)
    assert again == [(first[0][0], True)]
    assert await store.events.events.count_documents({"client_event_id": "k1"}) == 2


async def test_an_older_databases_client_ids_stay_idempotent_once_its_unique_index_is_dropped(
    store: DistributionStore,
) -> None:
    # A database an older version wrote: the unique index, and events with client ids but no key documents.
    events = store.events.events
    await events.create_index(
        [("community_id", 1), ("client_event_id", 1)],
        unique=True,
        partialFilterExpression={"client_event_id": {"$type": "string"}},
        name="community_client_event_unique",
    )
    community = ObjectId()
    old = event(community, "old-1")
    await events.insert_one(old)
    await store.events.migrate.done.delete_one({"_id": "event_keys"})
    # when: a process of this version starts
    await store.ensure_indexes()
    # then: the index is gone, and a replay of the old event answers duplicate with its stored id
    assert "community_client_event_unique" not in await events.index_information()
    assert await store.events.insert_events([event(community, "old-1")]) == [(old["_id"], True)]
    assert await events.count_documents({"client_event_id": "old-1"}) == 1
    # and a second start changes nothing
    await store.ensure_indexes()
    assert await store.events.keys.keys.count_documents({}) == 1


async def test_an_import_stores_each_client_id_once_and_reports_the_rest(store: DistributionStore) -> None:
    community = ObjectId()
    stored = await store.events.insert_events([event(community, "import:s:1")])
    batch = [event(community, "import:s:1"), event(community, "import:s:2"), event(community, "import:s:2")]
    # when
    refused = await store.events.insert_imported_events(batch)
    again = await store.events.insert_imported_events([event(community, "import:s:2")])
    # then: the one recorded before and the repeat are refused; the new one stored once, with its key
    assert sorted(refused) == [0, 2]
    assert list(again) == [0]
    assert await store.events.events.count_documents({"community_id": community}) == 2
    keys = await store.events.keys.stored([(community, "import:s:1"), (community, "import:s:2")])
    assert keys == {(community, "import:s:1"): stored[0][0], (community, "import:s:2"): batch[1]["_id"]}
