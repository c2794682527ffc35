"""A small generated community through the real services: counts, idempotency, counters, a full feed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from pymongo import MongoClient

from composition.generate.writer import GenerateOptions, Generator
from composition.topology import Topology
from tests.conftest import gateway_on_own_databases
from tests.factories import Api, register

OPTIONS = GenerateOptions(community="generated", members=300, days=30, seed=11, content=60, events=3000)
FEED = "{ feed(slot: EVENING, scene: AFTER_DECISION, first: 20) { items { content { id kind } } } }"


@dataclass
class Generated:
    api: Api
    first: dict[str, Any]


async def generate(api: Api) -> dict[str, Any]:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    return await Generator(services, OPTIONS, progress=lambda line: None).run()


@pytest.fixture(scope="module")
async def generated(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Generated]:
    """One generated community for the module (a run takes many seconds); the tests after it only read it, run the
    generator again (which must create nothing) or register one newcomer of their own."""
    async with gateway_on_own_databases(mongo_uri, tmp_path_factory.mktemp("var")) as api:
        yield Generated(api, await generate(api))


def test_generator_creates_the_asked_counts(generated: Generated) -> None:
    assert generated.first["created"] == {"members": 300, "content": 60, "events": 3000}
    assert generated.first["rejected"] == {"members": 0, "content": 0, "events": 0}


async def test_generator_run_twice_creates_nothing_the_second_time(generated: Generated) -> None:
    again = await generate(generated.api)
    assert again["created"] == {"members": 0, "content": 0, "events": 0}
    assert again["skipped"] == {"members": 300, "content": 60, "events": 3000}


def test_generated_item_counters_add_up_to_the_events(generated: Generated) -> None:
    settings = generated.api.settings
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        db = client[settings.database_name("distribution")]
        counted = sum(sum(doc["counts"].values()) for doc in db.item_stats.find({}))
        stored = db.events.count_documents({})
    finally:
        client.close()
    assert (counted, stored) == (3000, 3000)


async def test_newcomer_to_a_generated_community_gets_a_full_first_page(generated: Generated) -> None:
    newcomer = await register(generated.api, "generated", "newcomer")
    items = (await generated.api.data(FEED, token=newcomer.token))["feed"]["items"]
    assert len(items) == 20
