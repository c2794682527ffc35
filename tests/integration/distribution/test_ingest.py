"""Recorded events: acknowledged once stored, idempotent by client event id across crashes, and counted exactly
once by the ingest worker, whatever stops it (a failing batch, a cancelled task, a restart of the service)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from bson import ObjectId
from pymongo import MongoClient
from pymongo.errors import InvalidOperation, PyMongoError

from distribution_service.service.ingest_worker import IngestWorker
from distribution_service.store import DistributionStore, Doc
from distribution_service.store.member_recent import stored_entries
from infra.settings import Settings
from tests.conftest import running_gateway
from tests.factories import Api, create_community, publish, register
from tests.integration.ingest import caught_up, derived, pending_events

RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { ok eventId duplicate } }"
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok results { eventId duplicate } } }"


def distribution_db(settings: Settings, collection: str, query: Doc | None = None) -> list[Doc]:
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        return list(client[settings.database_name("distribution")][collection].find(query or {}))
    finally:
        client.close()


def counts_of(settings: Settings, item: str) -> dict[str, int]:
    stats = distribution_db(settings, "item_stats", {"content_id": ObjectId(item)})
    return dict(stats[0]["counts"]) if stats else {}


async def reader_and_item(api: Api) -> tuple[str, str]:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    return bob.token, await publish(api, bob, "Piece")


async def test_a_replayed_client_event_id_answers_duplicate_and_is_stored_once(api: Api) -> None:
    token, item = await reader_and_item(api)
    event = {"contentId": item, "type": "OPEN", "clientEventId": "sdk-1"}
    first = (await api.data(RECORD, {"i": event}, token=token))["recordEvent"]
    # when: the SDK sends it again, alone and inside a batch
    again = (await api.data(RECORD, {"i": event}, token=token))["recordEvent"]
    batch = await api.data(RECORD_MANY, {"i": {"events": [event, {**event, "clientEventId": "sdk-2"}]}}, token=token)
    # then
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert again["eventId"] == first["eventId"]
    results = batch["recordEvents"]["results"]
    assert [(r["eventId"] == first["eventId"], r["duplicate"]) for r in results] == [(True, True), (False, False)]
    await caught_up(api.settings)
    assert counts_of(api.settings, item) == {"OPEN": 2}


async def test_more_than_500_events_are_refused_and_nothing_is_written(api: Api) -> None:
    token, item = await reader_and_item(api)
    events = [{"contentId": item, "type": "OPEN", "clientEventId": f"e{i}"} for i in range(501)]
    # when
    code = await api.error_code(RECORD_MANY, {"i": {"events": events}}, token=token)
    # then: refused at the edge; 500 are taken
    assert code == "BAD_USER_INPUT"
    assert distribution_db(api.settings, "events") == []
    taken = (await api.data(RECORD_MANY, {"i": {"events": events[:500]}}, token=token))["recordEvents"]
    assert len(taken["results"]) == 500


async def test_a_batch_with_one_bad_event_is_refused_whole_and_writes_nothing(api: Api) -> None:
    token, item = await reader_and_item(api)
    good = {"contentId": item, "type": "DWELL", "dwellMs": 5}
    # when: one invalid field, one item that is not content of the community, one bad id, alone or in a batch
    invalid = await api.errors(RECORD_MANY, {"i": {"events": [good, {**good, "dwellMs": -1}]}}, token=token)
    unknown = await api.error_code(
        RECORD_MANY, {"i": {"events": [good, {**good, "contentId": str(ObjectId())}]}}, token=token
    )
    bad_id = await api.error_code(RECORD, {"i": {**good, "decisionId": "not-an-id"}}, token=token)
    # then: coded errors, the invalid field named, nothing stored
    assert (invalid[0]["extensions"]["code"], invalid[0]["extensions"]["field"]) == ("BAD_USER_INPUT", "events.dwellMs")
    assert (unknown, bad_id) == ("NOT_FOUND", "BAD_USER_INPUT")
    assert distribution_db(api.settings, "events") == []
    assert distribution_db(api.settings, "event_outbox") == []


async def test_a_batch_is_validated_by_the_service_with_the_coded_errors_the_gateway_gave(api: Api) -> None:
    token, item = await reader_and_item(api)
    good = {"contentId": item, "type": "OPEN"}
    # when: a bad id, an empty and an overlong client id, each in a batch of otherwise good events (the gateway
    # sends the coerced input as is; the service's EventBatch is its one validation)
    bad_id = await api.errors(RECORD_MANY, {"i": {"events": [good, {**good, "decisionId": "not-an-id"}]}}, token=token)
    empty = await api.errors(RECORD_MANY, {"i": {"events": [{**good, "clientEventId": ""}]}}, token=token)
    long = await api.errors(RECORD_MANY, {"i": {"events": [{**good, "clientEventId": "k" * 129}]}}, token=token)
    # then: BAD_USER_INPUT naming the field, nothing stored
    fields = [(e[0]["extensions"]["code"], e[0]["extensions"]["field"]) for e in (bad_id, empty, long)]
    assert fields == [
        ("BAD_USER_INPUT", "events.decisionId"),
        ("BAD_USER_INPUT", "events.clientEventId"),
        ("BAD_USER_INPUT", "events.clientEventId"),
    ]
    assert distribution_db(api.settings, "events") == []


async def test_a_batch_body_that_is_not_json_is_bad_input_at_the_service(api: Api) -> None:
    await create_community(api, "demo")
    assert api.app is not None
    distribution = api.app.state.services.distribution
    community = (await api.app.state.services.users.get_community_by_slug("demo")).id
    # when: the service's batch route gets malformed JSON
    response = await distribution._http.post(  # noqa: SLF001
        f"/communities/{community}/events/batch", content=b'{"events": [', headers={"content-type": "application/json"}
    )
    # then: the coded error read_model gives, nothing stored
    assert response.status_code == 400
    assert response.json()["detail"] == "request body is not valid JSON"
    assert distribution_db(api.settings, "events") == []


async def test_an_occurred_at_without_offset_is_taken_as_utc_as_imports_take_it(api: Api) -> None:
    token, item = await reader_and_item(api)
    event = {"contentId": item, "type": "OPEN", "occurredAt": "2026-01-02T03:04:05"}
    # when: alone and in a batch
    one = await api.post(RECORD, {"i": event}, token=token)
    many = await api.post(RECORD_MANY, {"i": {"events": [event]}}, token=token)
    # then: recorded (never an INTERNAL error), at that UTC moment
    assert "errors" not in one, one
    assert "errors" not in many, many
    stored = distribution_db(api.settings, "events")
    assert [e["occurred_at"].isoformat() for e in stored] == ["2026-01-02T03:04:05"] * 2


async def test_counters_catch_up_after_the_acknowledgement_by_the_running_worker(api: Api) -> None:
    token, item = await reader_and_item(api)
    events = [{"contentId": item, "type": t, "clientEventId": f"e{i}"} for i, t in enumerate(["OPEN", "SHARE"] * 5)]
    # when
    await api.data(RECORD_MANY, {"i": {"events": events}}, token=token)
    await api.data(RECORD, {"i": {"contentId": item, "type": "IMPRESSION"}}, token=token)
    # then: within a bounded number of polls (the worker runs on the wake of each write, else every 0.5 s)
    await caught_up(api.settings)
    assert counts_of(api.settings, item) == {"OPEN": 5, "SHARE": 5, "IMPRESSION": 1}
    stats = distribution_db(api.settings, "item_stats")[0]
    assert stats["engagement"] == pytest.approx(5 * 1.0 + 5 * 3.0)
    # The day's bucket rides the totals' update: no item_daily document is written any more.
    assert sum(stats["days"].values()) == pytest.approx(20.0)
    assert distribution_db(api.settings, "item_daily") == []


async def test_an_acknowledged_event_survives_a_restart_of_the_service_and_is_counted_once(
    make_settings: Callable[..., Settings],
) -> None:
    # The worker is off in the first run: the service is "killed" with the event acknowledged but not derived.
    async with running_gateway(make_settings(ingest_interval_seconds=0)) as api:
        token, item = await reader_and_item(api)
        first = await api.data(RECORD, {"i": {"contentId": item, "type": "SHARE", "clientEventId": "k"}}, token=token)
        assert first["recordEvent"]["duplicate"] is False
        assert pending_events(api.settings) == 1
    # when: the service starts again on the same database, and the SDK replays the event
    async with running_gateway(make_settings()) as api:
        again = await api.data(RECORD, {"i": {"contentId": item, "type": "SHARE", "clientEventId": "k"}}, token=token)
        await caught_up(api.settings)
        # then
        assert again["recordEvent"] == {**first["recordEvent"], "duplicate": True}
        assert counts_of(api.settings, item) == {"SHARE": 1}
        # and one more restart derives nothing again
    async with running_gateway(make_settings()) as api:
        await derived(api)
        assert counts_of(api.settings, item) == {"SHARE": 1}


def events(community: ObjectId, item: ObjectId, n: int) -> list[Doc]:
    return [
        {
            "community_id": community,
            "member_id": ObjectId(),
            "content_id": item,
            "type": "OPEN",
            "occurred_at": ObjectId().generation_time,
            "client_event_id": f"e{i}",
        }
        for i in range(n)
    ]


async def opens(store: DistributionStore, community: ObjectId, item: ObjectId) -> int:
    stats = await store.events.list_item_stats(community, [item])
    return int(stats[str(item)]["counts"]["OPEN"]) if stats else 0


async def recent_entries(store: DistributionStore, community: ObjectId) -> int:
    """Events in the community's member_recent documents (each member's last engagements)."""
    codec = store.events.recent.docs.codec_options
    docs = store.events.recent.docs.find({"community_id": community})
    return sum([len(stored_entries(d, codec)) async for d in docs])


class Crash(Exception):
    pass


async def test_a_worker_failing_after_the_counters_write_and_restarted_counts_each_event_once(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    community, item = ObjectId(), ObjectId()
    await store.events.insert_events(events(community, item, 25))
    real = store.events.derive_pending

    async def crash_after_counters(last_id: ObjectId, session: Any, known: Any = ()) -> list[Doc]:
        await real(last_id, session, known)
        raise Crash  # after the counters and the last engagements were written, before the commit

    monkeypatch.setattr(store.events, "derive_pending", crash_after_counters)
    with pytest.raises(Crash):
        await IngestWorker(store, interval=0, batch_size=10).drain()
    # when: a new worker runs (the crashed batch rolled back)
    monkeypatch.setattr(store.events, "derive_pending", real)
    assert await opens(store, community, item) == 0
    assert await recent_entries(store, community) == 0
    assert await IngestWorker(store, interval=0, batch_size=10).drain() == 25
    # then
    assert await opens(store, community, item) == 25
    assert await recent_entries(store, community) == 25
    assert await IngestWorker(store, interval=0).drain() == 0
    assert await opens(store, community, item) == 25
    assert await recent_entries(store, community) == 25


async def record_in_batches(store: DistributionStore, docs: list[Doc], size: int) -> None:
    """As SDKs send them: one recorded batch (one outbox entry) per `size` events."""
    for lo in range(0, len(docs), size):
        await store.events.insert_events(docs[lo : lo + size])


async def test_a_take_reads_whole_only_the_entries_its_worker_did_not_read(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    await record_in_batches(store, events(community, item, 30), 10)
    read = [e async for e in store.events.outbox.entries.find({})]
    read.sort(key=lambda e: e["key"])
    # when: the worker read only the first entry (a later one was written after its read, with an older key)
    done = await store.transaction(lambda s: store.events.derive_pending(read[-1]["key"], s, read[:1]))
    # then: every entry in the range is taken and counted, once
    assert len(done) == 30
    assert await opens(store, community, item) == 30
    assert await store.events.outbox.entries.count_documents({}) == 0


async def test_an_entry_another_worker_took_since_it_was_read_is_not_counted_again(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    await record_in_batches(store, events(community, item, 20), 10)
    read = [e async for e in store.events.outbox.entries.find({})]
    read.sort(key=lambda e: e["key"])
    # another worker takes the first entry after this one read both
    await store.transaction(lambda s: store.events.derive_pending(read[0]["key"], s, read[:1]))
    # when
    done = await store.transaction(lambda s: store.events.derive_pending(read[-1]["key"], s, read))
    # then: only the entry still there
    assert len(done) == 10
    assert await opens(store, community, item) == 20


async def test_a_worker_cancelled_mid_run_and_restarted_counts_each_event_once(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    community, item = ObjectId(), ObjectId()
    await record_in_batches(store, events(community, item, 30), 10)
    real = store.events.derive_pending
    batches: list[int] = []
    hung = asyncio.Event()

    async def hangs_in_the_second_batch(last_id: ObjectId, session: Any, known: Any = ()) -> list[Doc]:
        done = await real(last_id, session, known)
        batches.append(len(done))
        if len(batches) == 2:
            hung.set()
            await asyncio.Event().wait()  # inside its transaction, after the counters write, until cancelled
        return done

    monkeypatch.setattr(store.events, "derive_pending", hangs_in_the_second_batch)
    task = asyncio.get_running_loop().create_task(IngestWorker(store, interval=0, batch_size=10).drain())
    await hung.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await opens(store, community, item) == 10
    assert await recent_entries(store, community) == 10
    monkeypatch.setattr(store.events, "derive_pending", real)
    # when
    await IngestWorker(store, interval=0, batch_size=10).drain()
    # then
    assert await opens(store, community, item) == 30
    assert await recent_entries(store, community) == 30


async def test_two_workers_racing_count_each_event_once(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    await record_in_batches(store, events(community, item, 60), 3)
    # when: two replicas drain at once
    a, b = IngestWorker(store, interval=0, batch_size=7), IngestWorker(store, interval=0, batch_size=7)
    await asyncio.gather(a.drain(), b.drain(), a.drain())
    await a.drain()
    # then
    assert await opens(store, community, item) == 60
    assert await recent_entries(store, community) == 60


async def test_a_connection_error_retried_by_the_store_is_not_a_duplicate(
    store: DistributionStore, first_commit_reply_lost: list[int]
) -> None:
    community, item = ObjectId(), ObjectId()
    docs = events(community, item, 3)
    docs[1].pop("client_event_id")
    # when
    results = await store.events.insert_events(docs)
    # then: the reply was lost and the store looked again; stored once each, none reported as a duplicate, counted once
    assert len(first_commit_reply_lost) >= 2
    assert [d for _, d in results] == [False, False, False]
    assert await store.events.events.count_documents({"community_id": community}) == 3
    assert await IngestWorker(store, interval=0).drain() == 3
    assert await opens(store, community, item) == 3


async def test_an_outbox_write_failing_leaves_no_event_and_the_retry_is_no_duplicate(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    community, item = ObjectId(), ObjectId()
    real = store.events.outbox.entries_for
    taken = ObjectId()
    await store.events.outbox.entries.insert_one({"_id": taken, "key": taken, "events": []})

    def refused(docs: list[Doc]) -> list[Doc]:
        # the server refuses the entry (its `_id` is taken) after the events' inserts in the same transaction
        return [{**entry, "_id": taken} for entry in real(docs)]

    monkeypatch.setattr(store.events.outbox, "entries_for", refused)
    # (refused by the server; as a duplicate key, which no stored event explains: an error either way)
    with pytest.raises((PyMongoError, RuntimeError)):
        await store.events.insert_events(events(community, item, 4))
    assert await store.events.events.count_documents({"community_id": community}) == 0
    await store.events.outbox.entries.delete_one({"_id": taken})
    # when: the client sends the batch again
    monkeypatch.setattr(store.events.outbox, "entries_for", real)
    results = await store.events.insert_events(events(community, item, 4))
    # then
    assert [d for _, d in results] == [False] * 4
    assert await IngestWorker(store, interval=0).drain() == 4
    assert await opens(store, community, item) == 4


async def test_without_the_client_bulk_write_events_go_one_insert_per_collection(
    store: DistributionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server before MongoDB 8.0 (the driver refuses the client-level bulk write): the same transaction, an
    insert per collection; replays still answer as duplicates."""

    async def refused(*args: Any, **kwargs: Any) -> None:
        raise InvalidOperation("MongoClient.bulk_write requires MongoDB server version 8.0+.")

    monkeypatch.setattr(type(store.events.events.database.client), "bulk_write", refused)
    community, item = ObjectId(), ObjectId()
    first = await store.events.insert_events(events(community, item, 2))
    again = await store.events.insert_events(events(community, item, 3))
    assert [d for _, d in first] == [False, False]
    assert [d for _, d in again] == [True, True, False]
    assert [i for i, _ in again[:2]] == [i for i, _ in first]
    assert await IngestWorker(store, interval=0).drain() == 3
    assert await opens(store, community, item) == 3


async def test_replays_mixed_with_new_events_are_stored_and_counted_once(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    first = await store.events.insert_events(events(community, item, 3))
    # when: a batch repeats two of them, one twice, beside two new ones
    again = events(community, item, 5)
    results = await store.events.insert_events([again[0], again[3], again[1], again[0], again[4]])
    # then
    assert [d for _, d in results] == [True, False, True, True, False]
    assert [results[0][0], results[2][0], results[3][0]] == [first[0][0], first[1][0], first[0][0]]
    assert await IngestWorker(store, interval=0).drain() == 5
    assert await opens(store, community, item) == 5


async def test_events_an_older_version_left_pending_are_counted_once(store: DistributionStore) -> None:
    community, item = ObjectId(), ObjectId()
    legacy = [{**e, "engaged": True, "pending": True} for e in events(community, item, 12)]
    await store.events.events.insert_many(legacy)
    await store.events.insert_events(events(community, item, 15)[12:])
    await store.events.migrate.done.delete_one({"_id": "legacy_pending"})  # a database the older version wrote
    # when: two processes start (the adoption is a start-up migration), then the worker runs
    await store.events.migrate.adopt_legacy_pending()
    await store.events.migrate.adopt_legacy_pending()
    assert await IngestWorker(store, interval=0, batch_size=5).drain() == 15
    # then
    assert await opens(store, community, item) == 15
    assert await store.events.events.count_documents({"pending": True}) == 0
    assert await IngestWorker(store, interval=0).drain() == 0


async def test_the_start_adopts_legacy_events_then_drops_their_index(store: DistributionStore) -> None:
    # A database an older version wrote: the flag's partial index, and events flagged `pending`.
    await store.events.events.create_index(
        [("pending", 1), ("_id", 1)], partialFilterExpression={"pending": True}, name="legacy_pending_id"
    )
    community, item = ObjectId(), ObjectId()
    await store.events.events.insert_many([{**e, "engaged": True, "pending": True} for e in events(community, item, 3)])
    await store.events.migrate.done.delete_one({"_id": "legacy_pending"})
    # when
    await store.ensure_indexes()
    # then: adopted, counted once by the worker, and stored events no longer pay for the index
    assert await store.events.events.count_documents({"pending": True}) == 0
    assert "legacy_pending_id" not in await store.events.events.index_information()
    assert await IngestWorker(store, interval=0).drain() == 3
    assert await opens(store, community, item) == 3


async def test_communities_latest_event_times_come_from_derived_imported_and_older_events(
    store: DistributionStore,
) -> None:
    derived_one, imported, older = ObjectId(), ObjectId(), ObjectId()
    now = ObjectId().generation_time
    await store.events.insert_events(events(derived_one, ObjectId(), 2))
    await store.events.insert_imported_events(events(imported, ObjectId(), 1))
    # an older version's event, stored before the activity documents existed
    await store.events.events.insert_one({**events(older, ObjectId(), 1)[0], "client_event_id": "old"})
    # when: the worker derives; the one-off backfill runs again
    await IngestWorker(store, interval=0).drain()
    await store.events.migrate.done.delete_one({"_id": "community_activity"})
    await store.events.migrate.backfill_community_activity()
    # then: each community is active since its latest event, not after
    active = await store.events.list_active_communities(now - timedelta(minutes=1))
    assert active == sorted([derived_one, imported, older])
    assert await store.events.list_active_communities(now + timedelta(minutes=1)) == []


async def test_a_retired_index_another_process_dropped_meanwhile_does_not_fail_the_start(
    store: DistributionStore,
) -> None:
    # an older version's index, still there when two processes start on the database at once
    events = store.events.events
    await events.create_index([("occurred_at", 1)], name="occurred_at")
    listed = events.index_information

    async def listed_then_dropped_by_the_other() -> Any:
        found = await listed()
        await DistributionStore(events.database).events.events.drop_index("occurred_at")
        return found

    events.index_information = listed_then_dropped_by_the_other  # type: ignore[method-assign,assignment]
    # when: this process drops what it listed
    await store.events.ensure_indexes()
    # then: the start goes on, the index is gone
    del events.index_information
    assert "occurred_at" not in await events.index_information()
