"""For tests that read what the ingest worker derives (counters, delivery marks): wait for it, or run it."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import MongoClient

from composition.topology import Topology
from distribution_service.service import DistributionService
from distribution_service.store.event_outbox import PACKED, SHOWN, waiting_events
from infra.settings import Settings
from tests.factories import Api

# Polls of `caught_up`, 50 ms apart: ample for the worker's 0.5 s interval on a loaded machine, yet bounded.
MAX_POLLS = 400


def distribution(api: Api) -> DistributionService:
    services: Topology = api.app.state.services  # type: ignore[union-attr]
    service: DistributionService = services.apps["distribution"].state.service
    return service


async def derived(api: Api) -> None:
    """Derive every pending event now, as the worker's next run would (deterministic tests)."""
    await distribution(api).ingest.drain()


def pending_events(settings: Settings) -> int:
    """Events acknowledged and not yet derived: those in the outbox, and any an older version flagged `pending`."""
    assert settings.mongodb_uri
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongodb_uri)
    try:
        db = client[settings.database_name("distribution")]
        outbox = db["event_outbox"]
        entries = outbox.find({}, {"events._id": 1, PACKED: 1, SHOWN: 1})
        in_outbox = sum(waiting_events(entry, outbox.codec_options) for entry in entries)
        return in_outbox + db["events"].count_documents({"pending": True})
    finally:
        client.close()


async def caught_up(settings: Settings) -> int:
    """Wait, a bounded number of polls, until the running worker has derived every stored event; the polls used."""
    for poll in range(MAX_POLLS):
        if pending_events(settings) == 0:
            return poll
        await asyncio.sleep(0.05)
    raise AssertionError(f"the ingest worker left events pending after {MAX_POLLS} polls")
