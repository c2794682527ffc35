"""billing_service's ASGI app: the store, the service facade over the sandbox provider, routes, and the billing
cycle as a periodic task."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient
from starlette.applications import Starlette

from billing_service.payments.sandbox import SandboxProvider
from billing_service.routes import routes
from billing_service.service import BillingService
from billing_service.service.notification_mail import notification_mail_worker
from billing_service.service.webhook_events import WEBHOOKS, webhooks_handler
from billing_service.store import BillingStore, Doc
from content_service.client import ContentClient
from distribution_service.client import DistributionClient
from infra.leader import leader_lease
from infra.logging import get_logger
from infra.outbox import OutboxRelay
from infra.periodic import PeriodicTask
from infra.service_app import create_service_app, database_lifespan
from infra.settings import Settings
from users_service.client import UsersClient

log = get_logger(__name__)


async def build_service(
    settings: Settings,
    client: AsyncMongoClient[Doc],
    db: AsyncDatabase[Doc],
    *,
    users: UsersClient | None = None,
    distribution: DistributionClient | None = None,
) -> tuple[BillingService, SandboxProvider]:
    """The store (indexes ensured), and the facade over the sandbox provider whose webhooks it receives; shared by
    the app and `python -m billing_service.scheduler`. The provider is returned to be drained at the end."""
    store = BillingStore(client, db)
    await store.ensure_indexes()
    provider = SandboxProvider(
        secret=settings.billing_webhook_secret,
        fee_bps=settings.billing_sandbox_fee_bps,
        webhook_delay_seconds=settings.billing_sandbox_webhook_delay_seconds,
        duplicate_probability=settings.billing_sandbox_duplicate_probability,
        tolerance_seconds=settings.billing_webhook_tolerance_seconds,
        production=settings.is_production,
    )
    if settings.is_production:
        log.warning("billing_uses_the_sandbox_provider", hint="add a real provider adapter: docs/billing.md")
    service = BillingService(store, provider, settings, users=users, distribution=distribution)
    provider.sink = service.flow.receive_webhook
    return service, provider


def cycle_task(settings: Settings, service: BillingService) -> PeriodicTask:
    """The billing cycle every BILLING_SCHEDULER_INTERVAL_SECONDS; 0, or APP_ENV=test, leaves it off."""

    async def cycle() -> None:
        result = await service.cycle.run()
        log.info("billing_cycle", **result.model_dump())

    interval = settings.billing_scheduler_interval_seconds if settings.app_env != "test" else 0.0
    lease = leader_lease(settings, "billing_cycle") if interval > 0 else None
    return PeriodicTask("billing_cycle", cycle, interval=interval, lease=lease)


def webhook_relay(settings: Settings, store: BillingStore, content: ContentClient) -> OutboxRelay:
    """payment.succeeded and subscription.canceled go from the outbox to content_service's webhook endpoints."""
    relay = OutboxRelay(
        store.outbox,
        {WEBHOOKS: webhooks_handler(content)},
        base_delay_seconds=settings.outbox_retry_base_seconds,
        max_delay_seconds=settings.outbox_retry_max_seconds,
        max_attempts=settings.outbox_max_attempts,
        interval_seconds=settings.outbox_relay_interval_seconds,
        lease_seconds=2 * settings.service_timeout_seconds,
    )
    store.on_commit = relay.notify
    return relay


def create_app(
    settings: Settings,
    *,
    users: UsersClient | None = None,
    distribution: DistributionClient | None = None,
    content: ContentClient | None = None,
) -> Starlette:
    async def setup(app: Starlette, db: Any) -> None:
        service, provider = await build_service(settings, app.state.mongo, db, users=users, distribution=distribution)
        app.state.service = service
        app.state.provider = provider
        app.state.scheduler = cycle_task(settings, service)
        app.state.scheduler.start()
        if users is not None:
            # Notices (dunning, receipts) go out as mail through users_service, which owns the addresses.
            worker = notification_mail_worker(service.store, users, settings)
            app.state.notification_mail = PeriodicTask(
                "notification_mail", worker.run_once, interval=settings.mail_worker_interval_seconds
            )
            app.state.notification_mail.start()
        if content is not None:
            app.state.relay = webhook_relay(settings, service.store, content)
            if settings.outbox_relay_enabled:
                app.state.relay.start()

    async def shutdown(app: Starlette) -> None:
        relay: OutboxRelay | None = getattr(app.state, "relay", None)
        if relay is not None:
            await relay.stop()
        for name in ("scheduler", "notification_mail"):
            task: PeriodicTask | None = getattr(app.state, name, None)
            if task is not None:
                await task.stop()
        provider: SandboxProvider | None = getattr(app.state, "provider", None)
        if provider is not None:
            await provider.drain()

    database = database_lifespan(
        uri=settings.mongodb_uri,
        database=settings.database_name("billing"),
        app_name="billing_service",
        background=settings.database_background,
        journaled=True,  # money and content: an acknowledged write survives a database crash
        setup=setup,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with database(app):
            try:
                yield
            finally:
                await shutdown(app)  # stop the cycle and deliver pending webhooks before the client closes

    return create_service_app(
        name="billing", routes=routes, lifespan=lifespan, internal_token=settings.internal_api_token
    )
