"""Client event ids are kept once per community by the events' `_id`s derived from them (store/event_keys.py), not by
an index on `events` nor key documents: recorded and imported events are idempotent by them, and a database an older
version wrote (key documents, or a unique index before them) stays idempotent for the events it stored."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from distribution_service.store import DistributionStore, Doc
from distribution_service.store.event_keys import keyed_id


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


async def test_an_event_with_a_client_id_is_stored_under_an_id_derived_from_it_and_no_key_document(
    store: DistributionStore,
) -> None:
    community = ObjectId()
    results = await store.events.insert_events([event(community, "k1"), event(community, None)])
    # then: the event with a client id has the id its key names; the other a fresh one; no key document, no index
    assert results[0] == (keyed_id((community, "k1")), False)
    assert results[1][0] != keyed_id((community, "k1"))
    assert await store.events.keys.keys.count_documents({}) == 0
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
    assert {k: s.event_id for k, s in keys.items()} == {
        (community, "import:s:1"): stored[0][0],
        (community, "import:s:2"): batch[1]["_id"],
    }


async def test_a_key_document_an_older_version_wrote_still_refuses_a_replay(store: DistributionStore) -> None:
    # An event the previous version stored: a fresh ObjectId, and its key document.
    community = ObjectId()
    old = event(community, "kept-1")
    old["_id"] = ObjectId()
    await store.events.events.insert_one(old)
    await store.events.keys.keys.insert_one({"_id": f"{community}:kept-1", "event_id": old["_id"]})
    await store.ensure_indexes()  # a process of this version starts: it reads the key documents from now on
    # when: replayed, recorded and imported; and a new id beside
    replay = await store.events.insert_events([event(community, "kept-1"), event(community, "new-1")])
    imported = await store.events.insert_imported_events([event(community, "kept-1")])
    # then: the old event answers for its id; the new one is stored under its derived id
    assert replay == [(old["_id"], True), (keyed_id((community, "new-1")), False)]
    assert list(imported) == [0]
    assert await store.events.events.count_documents({"client_event_id": "kept-1"}) == 1
