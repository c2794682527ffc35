"""billing_service's ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette

from billing_service.payments.sandbox import SandboxProvider
from billing_service.routes import routes
from billing_service.service import BillingService
from billing_service.store import BillingStore
from distribution_service.client import DistributionClient
from infra.logging import get_logger
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.client import UsersClient

log = get_logger(__name__)


def create_app(
    settings: Settings, *, users: UsersClient | None = None, distribution: DistributionClient | None = None
) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        store = BillingStore(app.state.mongo, db)
        await store.ensure_indexes()
        provider = SandboxProvider(
            secret=settings.billing_webhook_secret,
            fee_bps=settings.billing_sandbox_fee_bps,
            webhook_delay_seconds=settings.billing_sandbox_webhook_delay_seconds,
            duplicate_probability=settings.billing_sandbox_duplicate_probability,
            tolerance_seconds=settings.billing_webhook_tolerance_seconds,
        )
        if settings.is_production:
            log.warning("billing_uses_the_sandbox_provider", hint="add a real provider adapter: docs/billing.md")
        service = BillingService(store, provider, settings, users=users, distribution=distribution)
        provider.sink = service.flow.receive_webhook
        app.state.service = service
        app.state.provider = provider
        interval = settings.billing_scheduler_interval_seconds
        if interval > 0 and settings.app_env != "test":
            app.state.scheduler = asyncio.get_running_loop().create_task(_every(interval, service))

    async def shutdown(app: Starlette) -> None:
        task = getattr(app.state, "scheduler", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        provider = getattr(app.state, "provider", None)
        if provider is not None:
            await provider.drain()

    database = database_lifespan(
        uri=settings.mongodb_uri,
        database=settings.database_name("billing"),
        app_name="billing_service",
        setup=setup,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with database(app):
            try:
                yield
            finally:
                await shutdown(app)  # stop the scheduler and deliver pending webhooks before the client closes

    return create_service_app(
        name="billing", routes=routes, lifespan=lifespan, internal_token=settings.internal_api_token
    )


async def _every(interval: float, service: BillingService) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            result = await service.cycle.run()
            log.info("billing_cycle", **result.model_dump())
        except Exception as exc:  # noqa: BLE001 - the next cycle retries; a crash must not stop the loop
            log.error("billing_cycle_failed", exc_info=exc)
