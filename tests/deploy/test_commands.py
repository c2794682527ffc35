"""The deploy-time processes: `python -m composition.migrate` (the migrations Job) and `python -m composition.worker`
(the one process that runs the schedulers), against the test database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from composition.migrate import migrate, migration_settings
from composition.worker import create_app, worker_settings
from infra.settings import SERVICE_NAMES, Settings

ELSEWHERE = {f"{service}_service_url": f"http://{service}.invalid:1" for service in SERVICE_NAMES}


async def indexes_by_service(settings: Settings) -> dict[str, int]:
    """Indexes beyond `_id`, per service database."""
    assert settings.mongodb_uri
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    try:
        counts: dict[str, int] = {}
        for service in SERVICE_NAMES:
            db = client[settings.database_name(service)]
            count = 0
            for name in await db.list_collection_names():
                cursor = await db[name].list_indexes()
                count += sum(1 for index in await cursor.to_list() if index["name"] != "_id_")
            counts[service] = count
        return counts
    finally:
        await client.close()


def test_migration_mounts_every_service_and_runs_no_periodic_task(make_settings: Callable[..., Settings]) -> None:
    settings = migration_settings(make_settings(**ELSEWHERE))
    assert [settings.service_url(service) for service in SERVICE_NAMES] == [None] * 4
    assert settings.slot_scheduler_enabled is False
    assert (settings.billing_scheduler_interval_seconds, settings.ingest_interval_seconds) == (0, 0)
    assert settings.outbox_relay_enabled is False


async def test_migration_builds_every_services_indexes_once(make_settings: Callable[..., Settings]) -> None:
    # Service URLs set (as in a cluster) change nothing: the migration runs every service's start-up here.
    settings = make_settings(**ELSEWHERE)
    assert await indexes_by_service(settings) == dict.fromkeys(SERVICE_NAMES, 0)
    report = await migrate(settings)
    assert report["services"] == ["users", "billing", "content", "distribution"]
    first = await indexes_by_service(settings)
    assert all(count > 0 for count in first.values()), first
    await migrate(settings)
    assert await indexes_by_service(settings) == first


def test_the_worker_mounts_distribution_and_billing_with_their_schedulers(
    make_settings: Callable[..., Settings],
) -> None:
    given = make_settings(**ELSEWHERE, slot_scheduler_enabled=False, billing_scheduler_interval_seconds=0)
    settings = worker_settings(given)
    assert settings.service_url("users") == "http://users.invalid:1"
    assert settings.service_url("content") == "http://content.invalid:1"
    assert (settings.service_url("distribution"), settings.service_url("billing")) == (None, None)
    assert settings.slot_scheduler_enabled is True
    assert settings.billing_scheduler_interval_seconds == 300
    assert settings.ingest_interval_seconds == 0


async def test_the_worker_runs_both_schedulers_once_ready(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(app_env="production"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://worker.test") as http:
        assert (await http.get("/readyz")).status_code == 503
        async with app.router.lifespan_context(app):
            ready = await http.get("/readyz")
            assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
            apps = app.state.topology.apps
            assert apps["distribution"].state.scheduler.running
            assert apps["billing"].state.scheduler.running
        assert (await http.get("/healthz")).status_code == 200
