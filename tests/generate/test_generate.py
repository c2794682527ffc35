"""A small generated community through the real services: counts, idempotency, counters, a full feed."""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient

from composition.generate.writer import GenerateOptions, Generator
from composition.topology import Topology
from tests.factories import Api, register

OPTIONS = GenerateOptions(community="generated", members=300, days=30, seed=11, content=60, events=3000)
FEED = "{ feed(slot: EVENING, scene: AFTER_DECISION, first: 20) { items { content { id kind } } } }"


async def generate(api: Api) -> dict[str, Any]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    return await Generator(services, OPTIONS, progress=lambda line: None).run()


async def test_generator_creates_the_asked_counts(api: Api) -> None:
    summary = await generate(api)
    assert summary["created"] == {"members": 300, "content": 60, "events": 3000}
    assert summary["rejected"] == {"members": 0, "content": 0, "events": 0}


async def test_generator_run_twice_creates_nothing_the_second_time(api: Api) -> None:
    await generate(api)
    again = await generate(api)
    assert again["created"] == {"members": 0, "content": 0, "events": 0}
    assert again["skipped"] == {"members": 300, "content": 60, "events": 3000}


async def test_generated_item_counters_add_up_to_the_events(api: Api) -> None:
    await generate(api)
    assert api.settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(api.settings.mongodb_uri)
    try:
        db = client[api.settings.database_name("distribution")]
        counted = sum(sum(doc["counts"].values()) for doc in db.item_stats.find({}))
        stored = db.events.count_documents({})
    finally:
        client.close()
    assert (counted, stored) == (3000, 3000)


async def test_newcomer_to_a_generated_community_gets_a_full_first_page(api: Api) -> None:
    await generate(api)
    newcomer = await register(api, "generated", "newcomer")
    items = (await api.data(FEED, token=newcomer.token))["feed"]["items"]
    assert len(items) == 20
