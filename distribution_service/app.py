"""distribution_service's ASGI app: the store, the service facade, routes, the golden-slot tick as a periodic
task, and the ingest worker deriving counters from recorded events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette

from billing_service.client import BillingClient
from content_service.client import ContentClient
from distribution_service.ranking.heuristic import HeuristicWeights
from distribution_service.routes import routes
from distribution_service.service import DistributionService
from distribution_service.service.delivery_mail import delivery_mail_worker
from distribution_service.service.metrics import EVENT_WRITE_GROUP_RECORDERS
from distribution_service.service.prewarm import prewarming
from distribution_service.service.ranker import POOL_TTL_SECONDS
from distribution_service.store import DistributionStore
from infra.leader import leader_lease
from infra.periodic import PeriodicTask
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.client import UsersClient

# The tick runs every slot due in its window, so a minute's resolution is all it needs.
SLOT_TICK_SECONDS = 60.0
# Gray releases follow their schedules and guardrails are checked this often.
GRAY_RELEASE_TICK_SECONDS = 60.0


def scheduler_enabled(settings: Settings) -> bool:
    """SLOT_SCHEDULER_ENABLED, by default on except under APP_ENV=test; off where a cron runs slots, and for
    command-line tools that build the app (they pass it False)."""
    if settings.slot_scheduler_enabled is None:
        return settings.app_env != "test"
    return settings.slot_scheduler_enabled


def pool_ttl_seconds(settings: Settings) -> float:
    """RANKING_POOL_TTL_SECONDS, by default 5 s, except under APP_ENV=test (0: a test sees what it just published)."""
    if settings.ranking_pool_ttl_seconds is None:
        return 0.0 if settings.app_env == "test" else POOL_TTL_SECONDS
    return settings.ranking_pool_ttl_seconds


async def _nothing() -> None:
    """The delivery-mail task of a process without users_service: nothing to hand mail to."""


def heuristic_weights(settings: Settings) -> HeuristicWeights:
    """The fallback ranker's weights as the operator set them (`RANKING_HEURISTIC_*`)."""
    return HeuristicWeights(
        engagement=settings.ranking_heuristic_engagement, half_life_days=settings.ranking_heuristic_half_life_days
    )


def create_app(
    settings: Settings,
    *,
    content: ContentClient,
    users: UsersClient | None = None,
    billing: BillingClient | None = None,
) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = DistributionStore(db)
        store.events.grouped.observe = EVENT_WRITE_GROUP_RECORDERS.observe
        await store.ensure_indexes()
        service = DistributionService(
            store,
            content,
            users,
            slots=settings.golden_slots,
            max_deliveries_per_day=settings.max_deliveries_per_day,
            counters_ttl_seconds=settings.ranking_counters_ttl_seconds,
            alive_days=settings.ranking_alive_days,
            history_limit=settings.ranking_history_limit,
            pool_ttl_seconds=pool_ttl_seconds(settings),
            heuristic_weights=heuristic_weights(settings),
            slot_window_minutes=settings.slot_window_minutes,
            slot_top_k=settings.slot_top_k,
            ingest_interval_seconds=settings.ingest_interval_seconds,
            billing=billing,
            slot_push_reasons=settings.slot_push_reasons,
        )
        app.state.service = service
        app.state.scheduler = PeriodicTask(
            "golden_slots",
            service.scheduler.tick,
            interval=SLOT_TICK_SECONDS,
            lease=leader_lease(settings, "golden_slots"),
        )
        app.state.gray_release = PeriodicTask(
            "gray_release",
            service.gray_release.tick,
            interval=GRAY_RELEASE_TICK_SECONDS,
            lease=leader_lease(settings, "gray_release"),
        )
        # Pushes of members who chose e-mail go out through users_service, which owns the addresses.
        interval = settings.mail_worker_interval_seconds if users is not None else 0.0
        worker = delivery_mail_worker(store, content, users, settings) if users is not None else None
        app.state.delivery_mail = PeriodicTask(
            "delivery_mail", worker.run_once if worker else _nothing, interval=interval
        )

    database = database_lifespan(
        uri=settings.mongodb_uri,
        database=settings.database_name("distribution"),
        app_name="distribution_service",
        background=settings.database_background,
        setup=setup,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with database(app):
            scheduler: PeriodicTask = app.state.scheduler
            ingest = app.state.service.ingest
            gray_release: PeriodicTask = app.state.gray_release
            if scheduler_enabled(settings):
                scheduler.start()
                gray_release.start()
            # Every replica derives (racing safely): what it acknowledged is counted even if it is the only one.
            ingest.start()
            delivery_mail: PeriodicTask = app.state.delivery_mail
            delivery_mail.start()
            try:
                async with prewarming():
                    yield
            finally:
                await scheduler.stop()
                await gray_release.stop()
                await ingest.stop()
                await delivery_mail.stop()

    return create_service_app(
        name="distribution", routes=routes, lifespan=lifespan, internal_token=settings.internal_api_token
    )
