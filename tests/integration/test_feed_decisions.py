"""Feed decisions: logged impressions, explanations, batched idempotent events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bson import ObjectId
from pymongo import MongoClient

from composition.topology import Topology
from distribution_service.domain import decision_log
from distribution_service.ranking.features import FEATURES
from tests.factories import Api, create_community, publish, register
from tests.integration.ingest import derived, pending_events

FEED = """
query($first: Int!) {
  feed(slot: EVENING, scene: AFTER_DECISION, first: $first) {
    modelVersion decisionId items { position score reasons { feature contribution } content { id } }
  }
}
"""
EXPLAIN = """
query($d: ID!, $c: ID!) {
  explainFeedItem(decisionId: $d, contentId: $c) {
    decisionId contentId modelVersion experimentArm position score slot scene
    reasons { feature contribution } features { name value }
  }
}
"""
RECORD_MANY = "mutation($i: RecordEventsInput!) { recordEvents(input: $i) { ok results { eventId duplicate } } }"


def impressions(api: Api, collection: str = "events") -> list[dict[str, Any]]:
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        found = client[api.settings.database_name("distribution")][collection]
        return list(found.find({"type": "IMPRESSION"}).sort("position", 1))
    finally:
        client.close()


def impression_counts(api: Api) -> dict[str, int]:
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        stats = client[api.settings.database_name("distribution")]["item_stats"]
        return {str(d["content_id"]): d["counts"].get("IMPRESSION", 0) for d in stats.find({})}
    finally:
        client.close()


def decision_doc(api: Api, decision_id: str) -> dict[str, Any]:
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        found = client[api.settings.database_name("distribution")]["decisions"].find_one({"_id": ObjectId(decision_id)})
        assert found is not None
        return found
    finally:
        client.close()


async def test_feed_logs_one_impression_per_shown_item_with_features_position_and_model(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    ids = [await publish(api, bob, f"Piece {i}", tags=["python"]) for i in range(3)]
    # when
    feed = (await api.data(FEED, {"first": 2}, token=carol.token))["feed"]
    await derived(api)
    # then: the decision is the impressions' record (each shown item, its position, the features it was shown with)
    logged = decision_doc(api, feed["decisionId"])
    assert logged["impressions_counted"] is True
    assert [str(s["content_id"]) for s in logged["shown"]] == [i["content"]["id"] for i in feed["items"]]
    assert [s["position"] for s in logged["shown"]] == [0, 1]
    assert [s["tags"] for s in logged["shown"]] == [["python"], ["python"]]
    assert logged["model_version"] == "heuristic-3"
    assert decision_log.features(logged).shape[1] == len(FEATURES)
    assert set(i["content"]["id"] for i in feed["items"]) <= set(ids)
    assert impressions(api) == []  # never stored as events


async def test_impressions_are_counted_once_by_the_ingest_worker_and_stored_nowhere(gateway_with: Any) -> None:
    async with gateway_with(ingest_interval_seconds=0) as api:  # the worker runs only when the test says
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        carol = await register(api, "demo", "carol")
        for i in range(3):
            await publish(api, bob, f"Piece {i}", tags=["python"])
        feed = (await api.data(FEED, {"first": 2}, token=carol.token))["feed"]
        shown = [i["content"]["id"] for i in feed["items"]]
        # the feed wrote one outbox entry, not the events themselves
        assert pending_events(api.settings) == 2
        # when
        await derived(api)
        await derived(api)  # a second run finds nothing left: nothing counted twice
        # then
        assert impressions(api) == []
        assert pending_events(api.settings) == 0
        assert {k: v for k, v in impression_counts(api).items() if v} == {i: 1 for i in shown}


async def test_explain_feed_item_answers_why_with_model_position_and_reasons(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    await publish(api, bob, "Piece", tags=["python"])
    feed = (await api.data(FEED, {"first": 5}, token=carol.token))["feed"]
    item = feed["items"][0]
    # when
    data = await api.data(EXPLAIN, {"d": feed["decisionId"], "c": item["content"]["id"]}, token=carol.token)
    # then
    why = data["explainFeedItem"]
    assert why["modelVersion"] == "heuristic-3"
    assert why["experimentArm"] is None
    assert (why["position"], why["slot"], why["scene"]) == (0, "EVENING", "AFTER_DECISION")
    assert why["score"] == item["score"]
    assert why["reasons"] == item["reasons"]
    features = {f["name"]: f["value"] for f in why["features"]}
    assert len(features) == len(FEATURES)
    assert features["context_slot"] == 2.0
    assert features["cross_own_content"] == 0.0


async def test_explain_refuses_another_members_decision(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    item = await publish(api, bob, "Piece")
    feed = (await api.data(FEED, {"first": 5}, token=carol.token))["feed"]
    # when
    code = await api.error_code(EXPLAIN, {"d": feed["decisionId"], "c": item}, token=bob.token)
    # then
    assert code == "NOT_FOUND"


async def test_explain_refuses_a_decision_of_another_community(api: Api) -> None:
    await create_community(api, "demo")
    await create_community(api, "other")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    eve = await register(api, "other", "eve")
    item = await publish(api, bob, "Piece")
    feed = (await api.data(FEED, {"first": 5}, token=carol.token))["feed"]
    assert await api.error_code(EXPLAIN, {"d": feed["decisionId"], "c": item}, token=eve.token) == "NOT_FOUND"


async def test_feed_excludes_items_the_member_already_engaged_with(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    read = await publish(api, bob, "Read already")
    fresh = await publish(api, bob, "Fresh")
    await api.data(RECORD_MANY, {"i": {"events": [{"contentId": read, "type": "OPEN"}]}}, token=carol.token)
    # when
    feed = (await api.data(FEED, {"first": 5}, token=carol.token))["feed"]
    # then
    assert [i["content"]["id"] for i in feed["items"]] == [fresh]


async def test_record_events_batch_is_idempotent_by_client_event_id(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    item = await publish(api, bob, "Piece")
    first = [
        {"contentId": item, "type": "OPEN", "clientEventId": "e-1"},
        {"contentId": item, "type": "SHARE", "clientEventId": "e-2"},
    ]
    sent = (await api.data(RECORD_MANY, {"i": {"events": first}}, token=bob.token))["recordEvents"]
    # when: a retry of the batch with one new event
    again = first + [{"contentId": item, "type": "VOTE", "clientEventId": "e-3"}]
    retried = (await api.data(RECORD_MANY, {"i": {"events": again}}, token=bob.token))["recordEvents"]
    # then
    assert [r["duplicate"] for r in sent["results"]] == [False, False]
    assert [r["duplicate"] for r in retried["results"]] == [True, True, False]
    assert [r["eventId"] for r in retried["results"][:2]] == [r["eventId"] for r in sent["results"]]


async def test_record_events_refuses_content_of_another_community_and_writes_nothing(api: Api) -> None:
    await create_community(api, "demo")
    await create_community(api, "other")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")  # a feed never shows bob his own items
    eve = await register(api, "other", "eve")
    mine = await publish(api, carol, "In bob's community")
    theirs = await publish(api, eve, "Theirs")
    events = [{"contentId": mine, "type": "OPEN"}, {"contentId": theirs, "type": "OPEN"}]
    # when
    code = await api.error_code(RECORD_MANY, {"i": {"events": events}}, token=bob.token)
    # then
    assert code == "NOT_FOUND"
    assert (await api.data(FEED, {"first": 5}, token=bob.token))["feed"]["items"][0]["content"]["id"] == mine


async def test_record_events_refuses_more_than_500(api: Api) -> None:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    item = await publish(api, bob, "Piece")
    events = [{"contentId": item, "type": "OPEN"}] * 501
    assert await api.error_code(RECORD_MANY, {"i": {"events": events}}, token=bob.token) == "BAD_USER_INPUT"


async def count_counter_reads(api: Api, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    await create_community(api, "demo")
    bob = await register(api, "demo", "bob")
    carol = await register(api, "demo", "carol")
    await publish(api, bob, "Piece")
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    store = services.apps["distribution"].state.service.store.events
    reads: list[int] = []
    original = store.list_item_stats

    async def counted(*args: Any) -> Any:
        reads.append(1)
        return await original(*args)

    monkeypatch.setattr(store, "list_item_stats", counted)
    for _ in range(2):
        await api.data(FEED, {"first": 5}, token=carol.token)
    return reads


async def test_item_counters_are_cached_between_feeds(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(await count_counter_reads(api, monkeypatch)) == 1


async def test_item_counters_are_read_each_time_with_ttl_zero(
    gateway_with: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with gateway_with(RANKING_COUNTERS_TTL_SECONDS=0) as api:
        assert len(await count_counter_reads(api, monkeypatch)) == 2


async def test_feed_of_a_community_without_content_is_empty(api: Api) -> None:
    await create_community(api, "demo")
    carol = await register(api, "demo", "carol")
    feed = (await api.data(FEED, {"first": 5}, token=carol.token))["feed"]
    assert (feed["items"], feed["modelVersion"]) == ([], "heuristic-3")
