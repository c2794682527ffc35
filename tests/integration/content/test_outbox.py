"""The transactional outbox: events written with the business write reach distribution_service at least once."""

from __future__ import annotations

from typing import Any

import pytest

from infra.outbox import Outbox, OutboxEvent, OutboxRelay
from tests.conftest import running_gateway
from tests.factories import Api, count_documents
from tests.integration.content.support import content_app, relay, world

VOTE = "mutation($input: VoteContentInput!) { voteContent(input: $input) { up } }"
SHARE = "mutation($input: ShareContentInput!) { shareContent(input: $input) { shares } }"


def _outbox_status(api: Api) -> list[str]:
    from pymongo import MongoClient

    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        docs = client[api.settings.database_name("content")]["outbox"].find({"destination": "distribution"})
        return sorted(d["status"] for d in docs)
    finally:
        client.close()


async def test_vote_writes_its_event_in_the_same_transaction_and_the_relay_delivers_it(gateway_with: Any) -> None:
    async with gateway_with(OUTBOX_RELAY_ENABLED=False) as api:
        w = await world(api)
        await api.data(VOTE, {"input": {"contentId": w.content_id, "value": "UP"}}, token=w.member.token)
        assert (_outbox_status(api), count_documents(api.settings, "distribution", "events")) == (["PENDING"], 0)
        report = await relay(api).relay_once()
        # The piece's publication (a webhook event, no endpoint configured) and the vote.
        assert (report.delivered, _outbox_status(api)) == (2, ["DELIVERED"])
        assert count_documents(api.settings, "distribution", "events") == 1


async def test_stopping_between_write_and_relay_loses_nothing(make_settings: Any) -> None:
    settings = make_settings(OUTBOX_RELAY_ENABLED=False)
    async with running_gateway(settings) as api:
        w = await world(api)
        await api.data(VOTE, {"input": {"contentId": w.content_id, "value": "UP"}}, token=w.member.token)
        await api.data(SHARE, {"input": {"contentId": w.content_id}}, token=w.member.token)
    # The process stopped before any relay ran; a new one on the same databases delivers both.
    assert count_documents(settings, "distribution", "events") == 0
    async with running_gateway(settings) as api:
        report = await relay(api).relay_once()
    # publication (webhook), vote and share (distribution)
    assert (report.delivered, count_documents(settings, "distribution", "events")) == (3, 2)


async def test_redelivery_is_deduplicated_by_the_event_id(gateway_with: Any) -> None:
    async with gateway_with(OUTBOX_RELAY_ENABLED=False) as api:
        w = await world(api)
        await api.data(VOTE, {"input": {"contentId": w.content_id, "value": "UP"}}, token=w.member.token)
        await relay(api).relay_once()
        outbox: Outbox = content_app(api).state.outbox
        (doc,) = await outbox.list_for_community(w.community_id, destination="distribution", limit=5)
        await outbox.requeue(w.community_id, doc["_id"])  # as if the acknowledgement had been lost
        await relay(api).relay_once()
        assert count_documents(api.settings, "distribution", "events") == 1


async def test_failed_delivery_is_retried_with_exponential_backoff(gateway_with: Any) -> None:
    async with gateway_with(OUTBOX_RELAY_ENABLED=False) as api:
        outbox: Outbox = content_app(api).state.outbox
        calls: list[str] = []

        async def flaky(doc: dict[str, Any]) -> str:
            calls.append(doc["_id"])
            if len(calls) < 3:
                raise ConnectionError("receiver down")
            return "ok"

        r = OutboxRelay(outbox, {"test": flaky}, base_delay_seconds=0.0, max_attempts=5)
        await outbox.add([OutboxEvent("test", "t", "c1", {}, event_id="e-1")])
        reports = [await r.relay_once() for _ in range(3)]
        stored = await outbox.get("c1", "e-1")
        assert [(x.delivered, x.failed) for x in reports] == [(0, 1), (0, 1), (1, 0)]
        assert stored is not None
        assert (stored["status"], stored["attempts"], calls) == ("DELIVERED", 3, ["e-1"] * 3)


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 2.0), (2, 4.0), (3, 8.0), (20, 3600.0)])
def test_backoff_doubles_and_is_capped(attempts: int, seconds: float) -> None:
    r = OutboxRelay(Outbox.__new__(Outbox), {}, base_delay_seconds=2.0, max_delay_seconds=3600.0)
    assert r.backoff(attempts).total_seconds() == seconds


async def test_event_that_keeps_failing_stops_after_max_attempts(gateway_with: Any) -> None:
    async with gateway_with(OUTBOX_RELAY_ENABLED=False) as api:
        outbox: Outbox = content_app(api).state.outbox

        async def down(doc: dict[str, Any]) -> str:
            raise ConnectionError("down")

        r = OutboxRelay(outbox, {"test": down}, base_delay_seconds=0.0, max_attempts=2)
        await outbox.add([OutboxEvent("test", "t", "c1", {}, event_id="e-2")])
        await r.relay_once()
        await r.relay_once()
        stored = await outbox.get("c1", "e-2")
        assert stored is not None
        assert (stored["status"], stored["attempts"], stored["last_error"]) == ("FAILED", 2, "ConnectionError: down")


async def test_background_relay_delivers_without_being_asked(api: Api) -> None:
    import asyncio

    w = await world(api)
    await api.data(VOTE, {"input": {"contentId": w.content_id, "value": "UP"}}, token=w.member.token)
    for _ in range(100):
        if _outbox_status(api) == ["DELIVERED"]:
            break
        await asyncio.sleep(0.05)
    assert _outbox_status(api) == ["DELIVERED"]


def _relayed_types(api: Api) -> list[str]:
    from pymongo import MongoClient

    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        docs = client[api.settings.database_name("content")]["outbox"].find({"destination": "distribution"})
        return sorted(d["topic"] for d in docs)
    finally:
        client.close()


async def test_a_down_vote_is_relayed_as_downvote_and_toggling_adds_nothing(gateway_with: Any) -> None:
    async with gateway_with(OUTBOX_RELAY_ENABLED=False) as api:
        w = await world(api)
        for value in ("UP", "DOWN", "UP", "DOWN"):
            await api.data(VOTE, {"input": {"contentId": w.content_id, "value": value}}, token=w.operator.token)
        assert _relayed_types(api) == ["DOWNVOTE", "VOTE"]
